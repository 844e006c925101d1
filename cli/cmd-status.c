/* feedwatch status — each feed's health, and whether feedwatchd runs; or
 * one feed in full. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/lock.h"

#include "cli.h"
#include "hitlog.h"

/* A feed's health word, and its rank: failing feeds first. */
static const char *
feed_health(const struct fw_feed_status *st, int *rank)
{
	static const struct { const char *word; int rank; } h[] = {
		{ "failing", 0 }, { "gone", 1 }, { "degraded", 2 }, { "moved", 3 }, { "never", 4 },
		{ "ok", 5 },
	};
	int i;

	if (st == NULL || st->last_poll == 0)
		i = 4;
	else if (st->gone)
		i = 1;
	else if (st->error != NULL || st->failures > 0)
		i = 0;
	else if (st->degraded)
		i = 2;
	else if (st->moved_to != NULL)
		i = 3;
	else
		i = 5;
	*rank = h[i].rank;
	return h[i].word;
}

/* "12s ago", "5m ago", "3h ago", "2d ago" (ago) or "in 4m" (!ago); "-" for 0. */
static char *
relative_time(gint64 t, gint64 now, gboolean ago)
{
	gint64 d = ago ? now - t : t - now;
	const char *unit = "s";

	if (t == 0)
		return g_strdup("-");
	if (d <= 0)
		return g_strdup(ago ? "just now" : "due");
	if (d >= 2 * 86400)
		d /= 86400, unit = "d";
	else if (d >= 2 * 3600)
		d /= 3600, unit = "h";
	else if (d >= 120)
		d /= 60, unit = "m";
	return ago ? g_strdup_printf("%" G_GINT64_FORMAT "%s ago", d, unit)
	           : g_strdup_printf("in %" G_GINT64_FORMAT "%s", d, unit);
}

/* A feed's line: its config, what the store knows, its health. */
struct status_line {
	const struct fw_feed_conf *fc;
	const struct fw_feed_status *st;   /* NULL: never polled */
	const char *health;
	int rank;
	guint order;
};

/* Orders lines by health (failing first), then as in the config. */
static gint
status_line_cmp(gconstpointer a, gconstpointer b)
{
	const struct status_line *x = *(struct status_line *const *)a;
	const struct status_line *y = *(struct status_line *const *)b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (int)x->order - (int)y->order;
}

/* The members of a feed's JSON object that say how it fares (error,
 * failures, items, hits, moved_to, gone, degraded), for status and status FEED. */
static void
json_health(JsonBuilder *b, const struct fw_feed_status *st)
{
	fw_cli_json_str(b, "error", st ? st->error : NULL);
	json_builder_set_member_name(b, "failures");
	json_builder_add_int_value(b, st ? st->failures : 0);
	json_builder_set_member_name(b, "items");
	json_builder_add_int_value(b, st ? st->items : 0);
	json_builder_set_member_name(b, "hits");
	json_builder_add_int_value(b, st ? st->hits : 0);
	fw_cli_json_str(b, "moved_to", st ? st->moved_to : NULL);
	json_builder_set_member_name(b, "gone");
	json_builder_add_boolean_value(b, st && st->gone);
	json_builder_set_member_name(b, "degraded");
	json_builder_add_boolean_value(b, st && st->degraded);
}

/* TRUE when poller p beat within twice its period at now. */
static gboolean
poller_alive(const struct fw_store_poller *p, gint64 now)
{
	return p->last_beat >= now - 2 * MAX(p->beat_every, 1);
}

/* The status as one JSON object on one line; holder: who holds the
 * database's lock (pid 0: nobody). */
static void
status_json(const struct fw_config *cfg, GPtrArray *lines, GPtrArray *pollers, GPtrArray *desks,
            const struct fw_lock_holder *holder)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();
	g_autofree char *head = NULL;
	gint64 now = fw_now();
	pid_t pid = fw_lock_holder_is_daemon(holder) ? holder->pid : 0;

	json_builder_begin_object(b);
	g_autofree char *shown = fw_config_database_shown(cfg->database);

	fw_cli_json_str(b, "database", shown);
	if (fw_store_is_pg(cfg->database)) {
		json_builder_set_member_name(b, "pollers");
		json_builder_begin_array(b);
		for (guint i = 0; i < pollers->len; i++) {
			const struct fw_store_poller *p = pollers->pdata[i];

			json_builder_begin_object(b);
			fw_cli_json_str(b, "name", p->name);
			json_builder_set_member_name(b, "alive");
			json_builder_add_boolean_value(b, poller_alive(p, now));
			fw_cli_json_time(b, "started", p->started, TRUE);
			fw_cli_json_time(b, "last_beat", p->last_beat, TRUE);
			json_builder_set_member_name(b, "beat_every");
			json_builder_add_int_value(b, p->beat_every);
			fw_cli_json_str(b, "version", p->version);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_set_member_name(b, "notifiers");
		json_builder_begin_array(b);
		for (guint i = 0; i < desks->len; i++) {
			const struct fw_subscriber_status *st = desks->pdata[i];

			json_builder_begin_object(b);
			fw_cli_json_str(b, "subscriber", st->name);
			fw_cli_json_str(b, "topics", st->topics);
			fw_cli_json_time(b, "first_seen", st->first_seen, TRUE);
			fw_cli_json_time(b, "last_seen", st->last_seen, TRUE);
			json_builder_set_member_name(b, "shown");
			json_builder_add_int_value(b, st->shown);
			json_builder_set_member_name(b, "waiting");
			json_builder_add_int_value(b, st->pending);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	json_builder_set_member_name(b, "daemon");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "running");
	json_builder_add_boolean_value(b, pid > 0);
	json_builder_set_member_name(b, "pid");
	if (pid > 0)
		json_builder_add_int_value(b, pid);
	else
		json_builder_add_null_value(b);
	/* the config it runs on, and whether that is the file as it is now
	 * (null: it does not say) */
	fw_cli_json_str(b, "config", pid > 0 && holder->config[0] ? holder->config : NULL);
	json_builder_set_member_name(b, "config_current");
	if (pid > 0 && holder->digest[0] && fw_lock_holder_config_is(holder, cfg->path))
		json_builder_add_boolean_value(b, strcmp(holder->digest, cfg->digest) == 0);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	/* Whoever holds the lock, the daemon or another command. */
	json_builder_set_member_name(b, "lock");
	if (holder->pid > 0) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "pid");
		json_builder_add_int_value(b, holder->pid);
		fw_cli_json_str(b, "holder", holder->role[0] ? holder->role : NULL);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_end_object(b);
	/* The feeds are written one object at a time: a tree of 100,000 of them
	 * took 480 MB. The head is an object of members: it ends in '}'. */
	head = fw_cli_json_text(b);
	head[strlen(head) - 1] = '\0';
	fputs(head, stdout);
	fputs(",\"feeds\":[", stdout);
	for (guint i = 0; i < lines->len; i++) {
		const struct status_line *l = lines->pdata[i];
		const struct fw_feed_status *st = l->st;
		g_autofree char *one = NULL;

		json_builder_reset(b);
		json_builder_begin_object(b);
		fw_cli_json_str(b, "feed", l->fc->key);
		fw_cli_json_str(b, "url", l->fc->url);
		fw_cli_json_str(b, "title", l->fc->title ? l->fc->title : st ? st->title : NULL);
		fw_cli_json_str(b, "health", l->health);
		fw_cli_json_time(b, "last_poll", st ? st->last_poll : 0, TRUE);
		fw_cli_json_time(b, "next_poll", st ? st->next_poll : 0, TRUE);
		json_builder_set_member_name(b, "http_status");
		if (st && st->http_status > 0)
			json_builder_add_int_value(b, st->http_status);
		else
			json_builder_add_null_value(b);
		json_health(b, st);
		json_builder_end_object(b);
		one = fw_cli_json_text(b);
		if (i > 0)
			putchar(',');
		fputs(one, stdout);
	}
	puts("]}");
}

static char *span_text(gint64 d);

/* Orders an array of strings (g_ptr_array_sort gives pointers to elements). */
static gint
name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Team mode: the pollers with a heartbeat (the pollers table), those alive
 * (a beat within twice its period) counted, each with its last beat, its
 * last poll and the feeds it holds now (its claims' leases running); then
 * any poller that holds feeds without a heartbeat (a poller of an older
 * feedwatch). */
static void
status_pollers(const struct fw_config *cfg, GPtrArray *lines, GPtrArray *pollers, gint64 now)
{
	g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GHashTable) held = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) beating = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) others = g_ptr_array_new();
	g_autofree char *shown = NULL;
	guint alive = 0;

	for (guint i = 0; i < lines->len; i++) {
		const struct fw_feed_status *st = ((const struct status_line *)lines->pdata[i])->st;
		gint64 *t;

		if (!st || !st->claimed_by)
			continue;
		if (!(t = g_hash_table_lookup(last, st->claimed_by))) {
			t = g_new0(gint64, 1);
			g_hash_table_insert(last, st->claimed_by, t);
		}
		*t = MAX(*t, st->last_poll);
		if (st->lease_until > now)
			g_hash_table_insert(held, st->claimed_by, GUINT_TO_POINTER(
			        GPOINTER_TO_UINT(g_hash_table_lookup(held, st->claimed_by)) + 1));
	}
	for (guint i = 0; i < pollers->len; i++) {
		const struct fw_store_poller *p = pollers->pdata[i];

		alive += poller_alive(p, now);
		g_hash_table_add(beating, p->name);
	}
	shown = fw_config_database_shown(cfg->database);
	printf("team database %s: %u poller%s alive\n", shown, alive,
	       alive == 1 ? "" : "s");
	for (guint i = 0; i < pollers->len; i++) {
		const struct fw_store_poller *p = pollers->pdata[i];
		const gint64 *t = g_hash_table_lookup(last, p->name);
		g_autofree char *clean = fw_cli_term_cut(p->name, 40);
		g_autofree char *beat = relative_time(p->last_beat, now, TRUE);
		g_autofree char *poll = relative_time(t ? *t : 0, now, TRUE);
		guint k = GPOINTER_TO_UINT(g_hash_table_lookup(held, p->name));

		printf("  %-28s %s, last beat %s, last poll %s, holds %u feed%s\n", clean,
		       poller_alive(p, now) ? "alive" : "not alive", beat, poll, k, k == 1 ? "" : "s");
	}
	/* holders with no heartbeat, by name */
	{
		GHashTableIter it;
		gpointer name;

		g_hash_table_iter_init(&it, held);
		while (g_hash_table_iter_next(&it, &name, NULL))
			if (!g_hash_table_contains(beating, name))
				g_ptr_array_add(others, name);
	}
	g_ptr_array_sort(others, name_cmp);
	for (guint i = 0; i < others->len; i++) {
		const char *n = others->pdata[i];
		g_autofree char *clean = fw_cli_term_cut(n, 40);
		guint k = GPOINTER_TO_UINT(g_hash_table_lookup(held, n));

		printf("  %-28s no heartbeat, holds %u feed%s\n", clean, k, k == 1 ? "" : "s");
	}
}

/* Team mode: the desk notifiers (subscriber, topics, last seen). */
static void
status_desks(GPtrArray *desks, gint64 now)
{
	if (desks == NULL || desks->len == 0)
		return;
	printf("%u notifier%s:\n", desks->len, desks->len == 1 ? "" : "s");
	for (guint i = 0; i < desks->len; i++) {
		const struct fw_subscriber_status *st = desks->pdata[i];
		g_autofree char *name = fw_cli_term_cut(st->name, 28);
		g_autofree char *topics = fw_cli_term_cut(st->topics, 40);
		g_autofree char *when = relative_time(st->last_seen, now, TRUE);

		printf("  %-28s %s; last seen %s, %" G_GINT64_FORMAT " shown, %" G_GINT64_FORMAT
		       " waiting\n", name, topics, when, st->shown, st->pending);
	}
}

/* The status as text: the daemon (holder: who holds the lock, a daemon or
 * not), the count of failing feeds, and a table whose feed column is wkey
 * wide and whose error column fills the width. */
static void
status_table(const struct fw_config *cfg, GPtrArray *lines, GPtrArray *pollers,
             const struct fw_lock_holder *holder, guint failing, guint wkey, GPtrArray *desks)
{
	gboolean color = fw_cli_use_color();
	gint64 now = fw_now();
	guint width = fw_cli_term_width();

	if (fw_store_is_pg(cfg->database)) {
		status_pollers(cfg, lines, pollers, now);
		status_desks(desks, now);
	} else if (fw_lock_holder_is_daemon(holder)) {
		printf("feedwatchd is running (pid %ld) on %s\n", (long)holder->pid, cfg->database);
		if (holder->config[0] != '\0' && !fw_lock_holder_config_is(holder, cfg->path))
			printf("it runs on the config %s, not %s\n", holder->config, cfg->path);
		else if (!fw_cli_daemon_config_current(cfg, holder))
			printf("%s has changed since feedwatchd read it: `feedwatch reload` applies "
			       "the change\n", cfg->path);
	} else if (holder->pid > 0) {
		/* Another command (a foreground poll) or a holder of unknown role. */
		g_autofree char *who = fw_lock_holder_describe(holder);

		printf("feedwatchd is %s running (database %s, in use by %s)\n",
		       *holder->role ? "not" : "not known to be", cfg->database, who);
	} else {
		printf("feedwatchd is not running (database %s)\n", cfg->database);
	}
	printf("%u feed%s, %u failing\n", cfg->feeds->len, cfg->feeds->len == 1 ? "" : "s",
	       failing);
	if (lines->len > 0) {
		wkey = MIN(wkey, 24);
		printf("%s%-8s  %-*s  %-10s  %4s  %-9s  %6s  %5s%s\n", color ? "\033[1m" : "",
		       "HEALTH", (int)wkey, "FEED", "LAST POLL", "HTTP", "NEXT POLL", "ITEMS",
		       "HITS", color ? "\033[0m" : "");
	}
	for (guint i = 0; i < lines->len; i++) {
		const struct status_line *l = lines->pdata[i];
		const struct fw_feed_status *st = l->st;
		g_autofree char *key = fw_cli_term_cut(l->fc->key, wkey);
		g_autofree char *last = relative_time(st ? st->last_poll : 0, now, TRUE);
		g_autofree char *next = st && st->gone ? g_strdup("-")
		                        : relative_time(st && st->last_poll ? MAX(st->next_poll, 1) : 0,
		                                        now, FALSE);
		g_autofree char *http = st && st->http_status > 0
		                        ? g_strdup_printf("%ld", st->http_status) : g_strdup("-");
		g_autofree char *note = NULL, *clean = NULL, *line = NULL;
		g_autoptr(GString) wrapped = g_string_new(NULL);
		const char *hc = !color ? "" : l->rank == 0 || l->rank == 1 ? "\033[31m"
		                 : l->rank == 5 ? "\033[32m" : "\033[33m";

		line = g_strdup_printf("%s%-8s%s  %s%*s  %-10s  %4s  %-9s  %6" G_GINT64_FORMAT
		                       "  %5" G_GINT64_FORMAT, hc, l->health,
		                       color ? "\033[0m" : "", key,
		                       (int)(wkey - g_utf8_strlen(key, -1)), "", last, http, next,
		                       st ? st->items : 0, st ? st->hits : 0);
		puts(line);
		/* the error (or note) in full on the lines under the row, wrapped
		 * under the feed's column: never cut */
		if (st && st->error)
			note = g_strdup(st->error);
		else if (st && st->moved_to)
			note = g_strdup_printf("moved to %s", st->moved_to);
		else if (st && st->degraded)
			note = g_strdup("read despite a problem (broken XML read in recover mode, more than "
			                 "10000 items, or a date's zone dropped): the daemon's log says which");
		if (note == NULL)
			continue;
		clean = fw_cli_term_cut(note, G_MAXUINT);
		fw_hitlog_wrap(wrapped, clean, width, "          ", "          ");
		fputs(wrapped->str, stdout);
	}
}

/* "45s", "5m", "3h", "2d": a span of seconds, in its largest whole unit. */
static char *
span_text(gint64 d)
{
	if (d >= 86400 && d % 86400 == 0)
		return g_strdup_printf("%" G_GINT64_FORMAT "d", d / 86400);
	if (d >= 3600 && d % 3600 == 0)
		return g_strdup_printf("%" G_GINT64_FORMAT "h", d / 3600);
	if (d >= 60 && d % 60 == 0)
		return g_strdup_printf("%" G_GINT64_FORMAT "m", d / 60);
	if (d >= 7200)
		return g_strdup_printf("%" G_GINT64_FORMAT "h%02" G_GINT64_FORMAT "m", d / 3600,
		                       d % 3600 / 60);
	if (d >= 120)
		return g_strdup_printf("%" G_GINT64_FORMAT "m%02" G_GINT64_FORMAT "s", d / 60, d % 60);
	return g_strdup_printf("%" G_GINT64_FORMAT "s", d);
}

/* Why the next poll is when it is, recomputed as fw_sched_next_poll would
 * (the store keeps the time, not the reason): the interval, the backoff
 * after failures, or the feed's own hint (ttl, max-age) or Retry-After. */
static char *
next_poll_reason(const struct fw_feed_conf *fc, const struct fw_feed_status *st)
{
	gint64 interval = MAX(fc->interval, 1), gap, base;
	g_autofree char *iv = span_text(interval), *gs = NULL, *bs = NULL;

	if (st == NULL || st->last_poll == 0)
		return g_strdup("never polled: at the daemon's start");
	if (st->gone)
		return g_strdup("never: the server said 410 Gone (a new url= polls again)");
	if (st->next_poll == 0)
		return g_strdup("as soon as possible");
	gap = st->next_poll - st->last_poll;
	gs = span_text(MAX(gap, 0));
	if (st->failures > 0) {
		base = interval;
		for (int f = 1; f < st->failures && base < FW_SCHED_DAY; f++)
			base *= 2;
		base = MIN(MAX(base, interval), MAX(interval, FW_SCHED_DAY));
		bs = span_text(base);
		if (gap > base + 60)
			return g_strdup_printf("the server's Retry-After (%s; backoff after %d failure%s: %s)",
			                       gs, st->failures, st->failures == 1 ? "" : "s", bs);
		return g_strdup_printf("backoff after %d failure%s: %s (interval %s, doubled each failure, "
		                       "at most a day)", st->failures, st->failures == 1 ? "" : "s", bs, iv);
	}
	/* the jitter after a success is at most 5% */
	if (gap > interval + interval / 20 + 1)
		return g_strdup_printf("the feed's own hint (ttl, sy:updatePeriod or Cache-Control "
		                       "max-age): %s, more than the interval %s", gs, iv);
	return g_strdup_printf("the interval, %s (and a little jitter)", iv);
}

/* What to do about a feed, from its error and state: the feed an HTML page
 * links to (in the parser's error, "(it links to a feed: URL)"), a move, a
 * 410; NULL when nothing. */
static char *
feed_hint(const struct fw_feed_status *st)
{
	const char *p, *mark = "(it links to a feed: ";

	if (st == NULL)
		return NULL;
	if (st->error && (p = strstr(st->error, mark)) != NULL) {
		g_autofree char *url = g_strdup(p + strlen(mark));
		char *end = strrchr(url, ')');

		if (end)
			*end = '\0';
		return g_strdup_printf("the page is HTML and links to a feed: %s (put that in url=)", url);
	}
	if (st->moved_to)
		return g_strdup_printf("the feed moved for good (301/308): polled at %s; put it in url=",
		                       st->moved_to);
	if (st->gone)
		return g_strdup("the server said 410 Gone: remove the feed, or give it a new url=");
	if (st->degraded)
		return g_strdup("the feed was read despite a problem (the daemon's log says which): "
		                "items may be missing");
	return NULL;
}

/* "2024-11-26 14:05 (3h ago)" in local time; "never" for 0. */
static char *
when_text(gint64 t, gint64 now, gboolean ago)
{
	g_autoptr(GDateTime) dt = t ? g_date_time_new_from_unix_local(t) : NULL;
	g_autofree char *d = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : NULL;
	g_autofree char *r = relative_time(t, now, ago);

	if (t == 0)
		return g_strdup("never");
	return g_strdup_printf("%s (%s)", d ? d : "?", r);
}

/* Appends "  label      value" to out, value cleaned of controls and wrapped
 * at width under itself; nothing for a NULL value. */
static void
field_line(GString *out, const char *label, const char *value, guint width)
{
	g_autofree char *clean = NULL, *lead = NULL;

	if (value == NULL)
		return;
	clean = fw_cli_term_cut(value, G_MAXUINT);
	lead = g_strdup_printf("  %-12s", label);
	fw_hitlog_wrap(out, clean, width, lead, "              ");
}

/* One feed in full: every field the store has, why the next poll is when it
 * is, the last error uncut and a hint; as text (wrapped at the width) or as
 * one JSON object. */
static void
status_one(const struct status_line *l, gboolean json, guint width)
{
	const struct fw_feed_status *st = l->st;
	g_autofree char *reason = next_poll_reason(l->fc, st), *hint = feed_hint(st);
	g_autoptr(GString) out = g_string_new(NULL);
	gint64 now = fw_now();

	if (json) {
		g_autoptr(JsonBuilder) b = json_builder_new_immutable();

		json_builder_begin_object(b);
		fw_cli_json_str(b, "feed", l->fc->key);
		fw_cli_json_str(b, "url", l->fc->url);
		fw_cli_json_str(b, "title", l->fc->title ? l->fc->title : st ? st->title : NULL);
		fw_cli_json_str(b, "feed_title", st ? st->title : NULL);
		fw_cli_json_str(b, "health", l->health);
		json_builder_set_member_name(b, "interval");
		json_builder_add_int_value(b, l->fc->interval);
		fw_cli_json_time(b, "last_poll", st ? st->last_poll : 0, TRUE);
		fw_cli_json_time(b, "next_poll", st ? st->next_poll : 0, TRUE);
		fw_cli_json_str(b, "next_poll_reason", reason);
		json_builder_set_member_name(b, "http_status");
		if (st && st->http_status > 0)
			json_builder_add_int_value(b, st->http_status);
		else
			json_builder_add_null_value(b);
		fw_cli_json_str(b, "etag", st ? st->etag : NULL);
		fw_cli_json_str(b, "last_modified", st ? st->last_modified : NULL);
		json_builder_set_member_name(b, "bytes");
		json_builder_add_int_value(b, st ? st->bytes : 0);
		json_builder_set_member_name(b, "seconds");
		json_builder_add_double_value(b, st ? st->seconds : 0);
		json_health(b, st);
		fw_cli_json_str(b, "hint", hint);
		if (st && st->claimed_by) {
			fw_cli_json_str(b, "claimed_by", st->claimed_by);
			fw_cli_json_time(b, "claimed_since", st->claimed_since, TRUE);
			fw_cli_json_time(b, "lease_until", st->lease_until, TRUE);
		}
		json_builder_end_object(b);
		fw_cli_json_puts(b);
		return;
	}
	{
		g_autofree char *key = fw_cli_term_cut(l->fc->key, G_MAXUINT);
		g_autofree char *iv = span_text(MAX(l->fc->interval, 1));
		g_autofree char *last = st ? when_text(st->last_poll, now, TRUE) : g_strdup("never");
		g_autofree char *next = NULL, *http = NULL, *valid = NULL;
		g_autofree char *count = NULL;

		g_string_append_printf(out, "%s (%s)\n", key, l->health);
		field_line(out, "url", l->fc->url, width);
		field_line(out, "title", l->fc->title ? l->fc->title : st ? st->title : NULL, width);
		if (l->fc->title && st && st->title)
			field_line(out, "feed title", st->title, width);
		field_line(out, "interval", iv, width);
		if (st && st->last_poll) {
			g_autofree char *when = g_steal_pointer(&last);

			http = st->http_status > 0 ? g_strdup_printf("HTTP %ld", st->http_status)
			                           : g_strdup("no HTTP status");
			last = g_strdup_printf("%s: %s, %" G_GINT64_FORMAT " bytes in %.2fs", when, http,
			                       st->bytes, st->seconds);
		}
		field_line(out, "last poll", last, width);
		if (st && st->last_poll && !st->gone && st->next_poll) {
			g_autofree char *when = when_text(st->next_poll, now, FALSE);

			next = g_strdup_printf("%s: %s", when, reason);
		} else {
			next = g_strdup(reason);
		}
		field_line(out, "next poll", next, width);
		if (st && (st->etag || st->last_modified))
			valid = g_strdup_printf("%s%s%s%s%s", st->etag ? "ETag " : "",
			                        st->etag ? st->etag : "",
			                        st->etag && st->last_modified ? ", " : "",
			                        st->last_modified ? "Last-Modified " : "",
			                        st->last_modified ? st->last_modified : "");
		field_line(out, "validators", valid ? valid : "none (every poll fetches in full)", width);
		count = g_strdup_printf("%d", st ? st->failures : 0);
		field_line(out, "failures", count, width);
		g_free(count);
		count = g_strdup_printf("%" G_GINT64_FORMAT, st ? st->items : 0);
		field_line(out, "items", count, width);
		g_free(count);
		count = g_strdup_printf("%" G_GINT64_FORMAT, st ? st->hits : 0);
		field_line(out, "hits", count, width);
		if (st && st->claimed_by && st->lease_until > now) {
			g_autofree char *since = when_text(st->claimed_since, now, TRUE);
			g_autofree char *c = g_strdup_printf("by %s since %s", st->claimed_by, since);

			field_line(out, "claimed", c, width);
		} else if (st && st->claimed_by) {
			field_line(out, "polled by", st->claimed_by, width);
		}
		if (st && st->moved_to)
			field_line(out, "moved to", st->moved_to, width);
		if (st && st->gone)
			field_line(out, "gone", "yes (HTTP 410)", width);
		if (st && st->degraded)
			field_line(out, "degraded", "yes (read despite a problem: the daemon's log says which)",
			           width);
		field_line(out, "error", st && st->error ? st->error : "none", width);
		field_line(out, "hint", hint, width);
		fputs(out->str, stdout);
	}
}

/* Each feed of the config with what the store knows of it, failing feeds
 * first, as a table or JSON; with argv[1], that feed in full (exit 2 when
 * the config has no such feed). */
int
fw_cmd_status(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default) or json", "FORMAT" },
		{ NULL }
	};
	struct fw_cli_db db;
	g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) desks =
		g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_subscriber_status_free);
	g_autoptr(GPtrArray) pollers = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_poller_free);
	g_autoptr(GError) err = NULL;
	gboolean json;
	g_autoptr(GHashTable) by_key = NULL;
	struct fw_lock_holder holder;
	guint failing = 0, wkey = 4;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 2)
		return fw_cli_usage("unexpected argument '%s'", argv[2]);
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return fw_cli_usage("unknown format '%s' (table, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	if (argc == 2) {
		char *names[] = { argv[1], NULL };

		if (!fw_cli_feed_keys_ok(db.cfg, NULL, names))
			return fw_cli_db_close(&db, FW_EXIT_USAGE);
	}
	if (!fw_store_subscribers(db.store, desks, &err)) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		g_clear_error(&err);
	}
	if (!fw_store_feed_statuses(db.store, statuses, &err) ||
	    !fw_store_pollers(db.store, pollers, &err))
		return fw_cli_db_close(&db, fw_cli_fail("status", "%s", err->message));
	fw_lock_holder_read(db.cfg->database, &holder);
	/* a lookup a feed, not a scan of them all (100,000 feeds took 28 s) */
	by_key = fw_cli_status_index(statuses);
	for (guint i = 0; i < db.cfg->feeds->len; i++) {
		struct status_line *l = g_new0(struct status_line, 1);

		l->fc = db.cfg->feeds->pdata[i];
		l->order = i;
		l->st = g_hash_table_lookup(by_key, l->fc->key);
		l->health = feed_health(l->st, &l->rank);
		failing += l->rank == 0;
		wkey = MAX(wkey, (guint)g_utf8_strlen(l->fc->key, -1));
		g_ptr_array_add(lines, l);
	}
	g_ptr_array_sort(lines, status_line_cmp);
	for (guint i = 0; argc == 2 && i < lines->len; i++) {
		const struct status_line *l = lines->pdata[i];

		if (strcmp(l->fc->key, argv[1]) == 0)
			status_one(l, json, fw_cli_term_width());
	}
	if (argc == 2)
		return fw_cli_db_close(&db, 0);
	if (json)
		status_json(db.cfg, lines, pollers, desks, &holder);
	else
		status_table(db.cfg, lines, pollers, &holder, failing, wkey, desks);
	return fw_cli_db_close(&db, 0);
}
