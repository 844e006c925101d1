/* feedwatchd — the daemon: a GLib main loop that schedules polls, fetches,
 * parses, matches, stores and notifies. Foreground only; systemd supervises
 * it (Type=notify). Signals: TERM and INT stop it, HUP reloads the config,
 * USR1 polls every feed now, USR2 polls the feeds `feedwatch poll --feed`
 * asked for. See feedwatchd(8). */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "feedwatch/config.h"
#include "feedwatch/desk.h"
#include "feedwatch/lock.h"
#include "feedwatch/log.h"
#include "feedwatch/poll.h"
#include "feedwatch/sched.h"
#include "feedwatch/service.h"
#include "feedwatch/store.h"

/* The daemon's state: one config, one store, one poller, one schedule. */
struct daemon {
	GMainLoop *loop;
	char *config_path;
	struct fw_config *cfg;
	struct fw_store *store;
	struct fw_poller *poller;
	struct fw_sched *sched;
	gboolean stopping;
	guint outbox_timer;
	gint64 status_at;     /* when STATUS= was last sent (µs, monotonic) */
	gint64 pruned_at;     /* when old items were last pruned (Unix seconds) */
	guint settle_id;      /* idle source of daemon_settle_cb, or 0 */
	struct fw_desk *desk; /* --notify-only: the desk notifier instead of a poller */
	gint64 started;       /* Unix seconds */
	guint beat_timer;     /* team mode: the next heartbeat, or 0 */
	int lock_fd;          /* the database's lock (fw_lock_take), or -1 (team mode) */
	guint64 reloads;      /* SIGHUPs handled, the config taken or not */
	GPtrArray *replies;   /* of struct daemon_reply *: requests whose askers wait */
	guint replies_id;     /* idle source of daemon_replies_cb, or 0 */
};

/* A request whose asker (`feedwatch poll`) waits for its outcome: the feeds
 * still to be polled, and what those done gave. */
struct daemon_reply {
	char *id;             /* the request's (fw_lock_request.id) */
	GHashTable *waiting;  /* set of feed keys (owned) */
	guint total;          /* feeds asked for */
	gint64 said;          /* when the reply file last said how far (µs, monotonic) */
	guint ok, failed, skipped, items_new, hits_new;
	GString *failures;    /* "failed KEY ERROR\n" lines */
};

/* Writes into the lock file the config in use and the reloads so far:
 * `feedwatch reload` waits for the count to grow, and `poll` and `status`
 * compare the digest with the config's file now. */
static void
daemon_note_config(struct daemon *d, gboolean reloading)
{
	g_autoptr(GError) err = NULL;

	if (d->lock_fd >= 0 &&
	    !fw_lock_note_config(d->lock_fd, FW_LOCK_DAEMON, d->reloads, d->cfg->digest,
	                         d->config_path, reloading, &err))
		fw_log_warn("%s: %s (`feedwatch reload` cannot tell when it is done)",
		            d->cfg->database, err->message);
}

/* Team mode: the seconds between a poller's heartbeats, a third of the
 * lease (2 s to 30 s): a poller that died shows as not alive (no beat for
 * twice that) before the others take its feeds at its lease's end. */
#define DAEMON_BEAT_MIN 2
#define DAEMON_BEAT_MAX 30
static gint64
daemon_beat_every(const struct fw_config *cfg)
{
	return CLAMP(cfg->lease / 3, DAEMON_BEAT_MIN, DAEMON_BEAT_MAX);
}

/* Team mode: records that this poller is alive (the pollers table, read by
 * `feedwatch status`), then again a beat later (the lease of the config
 * loaded then). */
static gboolean
daemon_beat_cb(gpointer data)
{
	struct daemon *d = data;
	gint64 every = daemon_beat_every(d->cfg);
	g_autoptr(GError) err = NULL;

	if (!fw_store_poller_beat(d->store, d->started, fw_now(), every, FW_VERSION, &err))
		fw_log_warn("cannot record this poller's heartbeat: %s", err->message);
	d->beat_timer = g_timeout_add_seconds((guint)every, daemon_beat_cb, d);
	return G_SOURCE_REMOVE;
}

/* Hits found since local midnight. */
static guint
hits_today(struct daemon *d)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autoptr(GDateTime) midnight = g_date_time_new_local(g_date_time_get_year(now),
		g_date_time_get_month(now), g_date_time_get_day_of_month(now), 0, 0, 0);
	gint64 n = 0;

	if (!fw_store_hits_count(d->store, g_date_time_to_unix(midnight), &n, NULL))
		return 0;
	return (guint)n;
}

/* STATUS= "412 feeds, 3 failing, 17 hits today, next poll in 42 s", at
 * most once a second unless forced. */
static void
daemon_status(struct daemon *d, gboolean force)
{
	struct fw_poll_stats st;
	gint64 next = fw_sched_next_due(d->sched), mono = g_get_monotonic_time();
	guint today;

	if (!force && mono - d->status_at < G_USEC_PER_SEC)
		return;
	d->status_at = mono;
	fw_poller_stats(d->poller, &st);
	today = hits_today(d);
	if (next == G_MAXINT64)
		fw_service_notify("STATUS=%u feeds, %u failing, %u hit%s today", d->cfg->feeds->len,
		                  st.failing, today, today == 1 ? "" : "s");
	else
		fw_service_notify("STATUS=%u feeds, %u failing, %u hit%s today, next poll in %" G_GINT64_FORMAT " s",
		                  d->cfg->feeds->len, st.failing, today, today == 1 ? "" : "s",
		                  MAX(0, next - fw_now()));
}

static void
daemon_due_cb(guint i, gpointer data)
{
	struct daemon *d = data;

	if (!d->stopping)
		fw_poller_poll(d->poller, i);
}

/* Once the poller is quiet: SQLite's page cache, the worker threads and
 * the heap's free pages go back to the system, so an idle daemon stays
 * small between cycles. Returns G_SOURCE_REMOVE. */
static gboolean
daemon_settle_cb(gpointer data)
{
	struct daemon *d = data;

	d->settle_id = 0;
	if (fw_poller_busy(d->poller))
		return G_SOURCE_REMOVE;   /* the last poll to finish asks again */
	fw_store_release_memory(d->store);
	fw_poller_settle(d->poller);   /* the workers end, then malloc_trim */
	return G_SOURCE_REMOVE;
}

/* Runs daemon_settle_cb once the main loop has nothing more urgent to do. */
static void
daemon_settle_later(struct daemon *d)
{
	if (d->settle_id == 0)
		d->settle_id = g_idle_add_full(G_PRIORITY_LOW, daemon_settle_cb, d, NULL);
}

/* ---- requests (feedwatch poll) and their replies ---------------------- */

static void
daemon_reply_free(struct daemon_reply *r)
{
	g_free(r->id);
	g_hash_table_unref(r->waiting);
	g_string_free(r->failures, TRUE);
	g_free(r);
}

/* The failed feeds a reply names (the rest are counted). */
#define DAEMON_REPLY_FAILURES 50

/* Feed key did not end as polled (why: one line): says so in r. */
static void
daemon_reply_fail(struct daemon_reply *r, const char *key, const char *why)
{
	if (r->failed++ >= DAEMON_REPLY_FAILURES)
		return;
	g_string_append_printf(r->failures, "failed %s ", key);
	/* one line, whatever a feed's error quotes */
	for (const char *c = why; *c && c - why < 400; c++)
		g_string_append_c(r->failures, (guchar)*c < ' ' || *c == 0x7f ? ' ' : *c);
	g_string_append_c(r->failures, '\n');
}

/* Writes the replies whose feeds are all done, once their polls are
 * committed; with stopping, every reply (those not done say "stopped"). */
static void
daemon_replies_write(struct daemon *d, gboolean stopping)
{
	gboolean flushed = FALSE;

	for (guint k = 0; k < d->replies->len;) {
		struct daemon_reply *r = d->replies->pdata[k];
		g_autofree char *text = NULL;
		g_autoptr(GError) err = NULL;

		if (g_hash_table_size(r->waiting) > 0 && !stopping) {
			k++;
			continue;
		}
		if (!flushed && !stopping)
			fw_poller_flush_outbox(d->poller);   /* the polls on disk first */
		flushed = TRUE;
		if (g_hash_table_size(r->waiting) > 0)
			text = g_strdup("stopped\n");
		else
			text = g_strdup_printf("done %u %u %u %u %u\n%s", r->ok, r->failed, r->skipped,
			                       r->items_new, r->hits_new, r->failures->str);
		if (!fw_lock_reply_put(d->cfg->database, r->id, text, &err))
			fw_log_warn("cannot answer `feedwatch poll`: %s", err->message);
		g_ptr_array_remove_index(d->replies, k);
	}
}

static gboolean
daemon_replies_cb(gpointer data)
{
	struct daemon *d = data;

	d->replies_id = 0;
	daemon_replies_write(d, FALSE);
	return G_SOURCE_REMOVE;
}

/* The asker of r may show how far its feeds are: the reply file says
 * "polling DONE TOTAL", once a second at most, while feeds remain. */
static void
daemon_reply_progress(struct daemon *d, struct daemon_reply *r)
{
	guint left = g_hash_table_size(r->waiting);
	gint64 now = g_get_monotonic_time();
	g_autofree char *text = NULL;

	if (left == 0 || now - r->said < G_USEC_PER_SEC)
		return;
	r->said = now;
	text = g_strdup_printf("polling %u %u\n", r->total - left, r->total);
	fw_lock_reply_put(d->cfg->database, r->id, text, NULL);
}

/* Feed i's poll ended as o: counted in every reply waiting for it. */
static void
daemon_replies_note(struct daemon *d, guint i, const struct fw_poll_outcome *o)
{
	const char *key = ((struct fw_feed_conf *)d->cfg->feeds->pdata[i])->key;
	gboolean done = FALSE;

	for (guint k = 0; k < d->replies->len; k++) {
		struct daemon_reply *r = d->replies->pdata[k];

		if (!g_hash_table_remove(r->waiting, key))
			continue;
		if (o->end == FW_POLL_END_FAILED)
			daemon_reply_fail(r, key, o->error);
		else if (o->end == FW_POLL_END_OK)
			r->ok++;
		else
			r->skipped++;
		r->items_new += o->items_new;
		r->hits_new += o->hits_new;
		done = done || g_hash_table_size(r->waiting) == 0;
		daemon_reply_progress(d, r);
	}
	if (done && d->replies_id == 0)
		d->replies_id = g_idle_add(daemon_replies_cb, d);
}

/* After a reload: a feed a reply waits for that left the config is done. */
static void
daemon_replies_reconfigured(struct daemon *d)
{
	g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < d->cfg->feeds->len; i++)
		g_hash_table_add(keys, ((struct fw_feed_conf *)d->cfg->feeds->pdata[i])->key);
	for (guint k = 0; k < d->replies->len; k++) {
		struct daemon_reply *r = d->replies->pdata[k];
		GHashTableIter it;
		gpointer key;

		g_hash_table_iter_init(&it, r->waiting);
		while (g_hash_table_iter_next(&it, &key, NULL))
			if (!g_hash_table_contains(keys, key)) {
				daemon_reply_fail(r, key, "it left the configuration before it was polled");
				g_hash_table_iter_remove(&it);
			}
	}
	if (d->replies->len > 0 && d->replies_id == 0)
		d->replies_id = g_idle_add(daemon_replies_cb, d);
}

static void
daemon_polled_cb(guint i, gint64 next_poll, const struct fw_poll_outcome *o, gpointer data)
{
	struct daemon *d = data;

	fw_sched_set(d->sched, i, next_poll);
	if (d->replies->len > 0)
		daemon_replies_note(d, i, o);
	daemon_status(d, FALSE);
	daemon_settle_later(d);
}

/* Retries what the outbox still holds (a notification server that came
 * back); once an hour, forgets items past retention that hit nothing. */
static gboolean
daemon_outbox_cb(gpointer data)
{
	struct daemon *d = data;
	gint64 now = fw_now(), deleted = 0;
	g_autoptr(GError) err = NULL;

	fw_poller_flush_outbox(d->poller);
	if (now - d->pruned_at >= 3600) {
		d->pruned_at = now;
		if (!fw_store_prune(d->store, now - d->cfg->retention, &deleted, &err))
			fw_log_err("cannot prune old items: %s", err->message);
		else if (deleted > 0)
			fw_log_info("forgot %" G_GINT64_FORMAT " item%s older than the retention",
			            deleted, deleted == 1 ? "" : "s");
		g_clear_error(&err);
		if (!fw_store_maintain(d->store, &err))
			fw_log_warn("database maintenance: %s", err->message);
		daemon_settle_later(d);   /* pruning read much of the database into the cache */
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
daemon_watchdog_cb(gpointer data)
{
	fw_service_notify("WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

static gboolean
daemon_stop_cb(gpointer data)
{
	struct daemon *d = data;

	if (!d->stopping) {
		d->stopping = TRUE;
		fw_log_info("stopping");
		fw_service_notify("STOPPING=1");
		g_main_loop_quit(d->loop);
	}
	return G_SOURCE_CONTINUE;
}

/* SIGUSR1: every feed now. */
static gboolean
daemon_poll_now_cb(gpointer data)
{
	struct daemon *d = data;

	fw_log_info("polling every feed now (SIGUSR1)");
	for (guint i = 0; i < d->cfg->feeds->len; i++)
		fw_poller_poll(d->poller, i);
	return G_SOURCE_CONTINUE;
}

/* Starts request q (fw_lock_request): polls its feeds, and when its asker
 * waits, keeps a reply for it. */
static void
daemon_request_start(struct daemon *d, const struct fw_lock_request *q)
{
	struct daemon_reply *r = NULL;
	g_autoptr(GArray) polls = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(GHashTable) index = NULL;   /* feed key -> its index + 1 */
	guint asked = q->keys != NULL ? g_strv_length(q->keys) : 0;

	if (q->reply) {
		r = g_new0(struct daemon_reply, 1);
		r->id = g_strdup(q->id);
		r->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		r->failures = g_string_new(NULL);
		g_ptr_array_add(d->replies, r);
	}
	if (q->keys == NULL)
		fw_log_info("polling every feed now (feedwatch poll)");
	if (q->keys != NULL) {   /* an import's thousands of keys: looked up, not searched */
		index = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < d->cfg->feeds->len; i++)
			g_hash_table_insert(index, ((struct fw_feed_conf *)d->cfg->feeds->pdata[i])->key,
			                    GUINT_TO_POINTER(i + 1));
	}
	for (int k = 0; q->keys != NULL && q->keys[k] != NULL; k++) {
		guint i = GPOINTER_TO_UINT(g_hash_table_lookup(index, q->keys[k]));

		if (i-- == 0) {
			g_autofree char *key = g_strescape(q->keys[k], NULL);

			fw_log_warn("asked to poll feed '%.80s', which is not in %s", key, d->config_path);
			if (r != NULL)
				daemon_reply_fail(r, key, "not in the configuration feedwatchd runs on");
			continue;
		}
		if (asked <= 10)   /* an import's are one line, below */
			fw_log_info("polling %s now (feedwatch poll --feed)", q->keys[k]);
		g_array_append_val(polls, i);
	}
	if (asked > 10)
		fw_log_info("polling %u feeds now (feedwatch poll or import)", polls->len);
	if (q->keys == NULL)
		for (guint i = 0; i < d->cfg->feeds->len; i++)
			g_array_append_val(polls, i);
	/* every feed waited for before any poll starts: a done one may be
	 * reported from inside fw_poller_poll */
	for (guint k = 0; r != NULL && k < polls->len; k++) {
		guint i = g_array_index(polls, guint, k);

		g_hash_table_add(r->waiting,
		                 g_strdup(((struct fw_feed_conf *)d->cfg->feeds->pdata[i])->key));
	}
	if (r != NULL)
		r->total = r->failed + g_hash_table_size(r->waiting);
	for (guint k = 0; k < polls->len; k++)
		fw_poller_poll(d->poller, g_array_index(polls, guint, k));
	if (r != NULL && d->replies_id == 0)
		d->replies_id = g_idle_add(daemon_replies_cb, d);   /* nothing to poll */
}

/* SIGUSR2: the requests `feedwatch poll` left (fw_lock_request_put). */
static gboolean
daemon_requests_cb(gpointer data)
{
	struct daemon *d = data;
	g_autoptr(GPtrArray) requests = NULL;

	if (fw_store_is_pg(d->cfg->database))
		return G_SOURCE_CONTINUE;
	requests = fw_lock_requests_take(d->cfg->database);
	for (guint k = 0; k < requests->len && !d->stopping; k++)
		daemon_request_start(d, requests->pdata[k]);
	return G_SOURCE_CONTINUE;
}

static void daemon_schedule(struct daemon *d);

/* Logs the likely slips in cfg's queries (`feedwatch check` shows them too,
 * with a caret line: the log has their first line, as a warning). */
static void
daemon_log_hints(const struct fw_config *cfg)
{
	for (guint i = 0; i < cfg->hints->len; i++) {
		const struct fw_config_hint *h = cfg->hints->pdata[i];

		fw_log_warn("%s: %s", h->where, h->what);
	}
}

/* Logs the config's errors, each as its first line ("FILE:L:C: what"): the
 * quoted line and caret that follow are for a terminal (feedwatch check). */
static void daemon_log_config_errors(const GPtrArray *errors)
{
	for (guint i = 0; i < errors->len; i++) {
		const char *e = errors->pdata[i];

		fw_log_err("%.*s", (int)strcspn(e, "\n"), e);
	}
}

/* SIGHUP: validate the config completely; on any error keep the old one. */
static gboolean
daemon_reload_cb(gpointer data)
{
	struct daemon *d = data;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	struct fw_config *cfg;

	fw_service_notify("RELOADING=1");
	daemon_note_config(d, TRUE);   /* `feedwatch reload` waits as long as it takes */
	fw_log_info("reloading %s", d->config_path);
	if ((cfg = fw_config_load(d->config_path, errors, &err)) != NULL)
		daemon_log_hints(cfg);
	if (cfg == NULL) {
		daemon_log_config_errors(errors);
		fw_log_err("%s; keeping the configuration in use", err->message);
	} else if (d->desk != NULL) {
		fw_desk_reconfigure(d->desk, cfg);
		fw_config_free(d->cfg);
		d->cfg = cfg;
		fw_log_info("reloaded: %u topic%s", cfg->topics->len, cfg->topics->len == 1 ? "" : "s");
		d->reloads++;
		daemon_note_config(d, FALSE);
		fw_service_notify("READY=1");
		return G_SOURCE_CONTINUE;
	} else if (!fw_poller_reconfigure(d->poller, cfg, &err)) {
		fw_log_err("%s; keeping the configuration in use", err->message);
		fw_config_free(cfg);
	} else {
		if (strcmp(cfg->database, d->cfg->database) != 0) {
			g_autofree char *to = fw_config_database_shown(cfg->database);
			g_autofree char *in_use = fw_config_database_shown(d->cfg->database);

			fw_log_warn("database changed to %s: takes effect at the next start; "
			            "still using %s", to, in_use);
		}
		fw_config_free(d->cfg);
		d->cfg = cfg;
		fw_store_set_durable(d->store, cfg->durable);
		fw_sched_free(d->sched);
		d->sched = fw_sched_new(NULL, d->cfg->feeds->len, daemon_due_cb, d);
		daemon_schedule(d);
		daemon_replies_reconfigured(d);
		daemon_settle_later(d);   /* what the old config and the load freed */
		fw_log_info("reloaded: %u feed%s, %u topic%s", cfg->feeds->len,
		            cfg->feeds->len == 1 ? "" : "s", cfg->topics->len,
		            cfg->topics->len == 1 ? "" : "s");
	}
	/* `feedwatch poll` and `add` leave their request before the SIGHUP:
	 * taken now, a new feed's first poll is the one they report */
	daemon_requests_cb(d);
	d->reloads++;
	daemon_note_config(d, FALSE);
	fw_service_notify("READY=1");
	daemon_status(d, TRUE);
	return G_SOURCE_CONTINUE;
}

/* Schedules every feed from its stored next poll (due now if never polled). */
static void
daemon_schedule(struct daemon *d)
{
	gint64 now = fw_now();

	for (guint i = 0; i < d->cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = d->cfg->feeds->pdata[i];
		struct fw_feed_state st = { 0 };
		g_autoptr(GError) err = NULL;
		gint64 when = now;

		if (fw_store_feed_get(d->store, fc->key, fc->url, &st, &err)) {
			/* Keep a stored backoff, Retry-After or publisher hint across
			 * restarts; anything further out than the longest of those is stale. */
			if (st.next_poll > now && st.next_poll <= now + MAX(fc->interval, 86400) * 21 / 20)
				when = st.next_poll;
			fw_store_feed_state_clear(&st);
		} else {
			fw_log_err("%s: %s", fc->key, err->message);
		}
		fw_sched_set(d->sched, i, when);
	}
}

/* --notify-only: the desk notifier on d's store (section 18); returns the
 * exit status. */
static int
daemon_notify_only(struct daemon *d, const struct fw_outbox_opts *notify)
{
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) topics = fw_desk_topics(d->cfg);
	g_autofree char *shown = NULL;
	guint64 wd_usec = 0;

	fw_store_set_subscriber(d->store, d->cfg->subscriber);
	if ((d->desk = fw_desk_new(d->cfg, d->store, notify, &err)) == NULL) {
		fw_log_err("%s", err->message);
		return 1;
	}
	d->loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, daemon_stop_cb, d);
	g_unix_signal_add(SIGINT, daemon_stop_cb, d);
	g_unix_signal_add(SIGHUP, daemon_reload_cb, d);
	if ((wd_usec = fw_service_watchdog_usec()) > 0)
		g_timeout_add(MAX(wd_usec / 2000, 1), daemon_watchdog_cb, d);
	shown = fw_config_database_shown(d->cfg->database);
	fw_log_info("notifying %s of %u topic%s (config %s, database %s)", d->cfg->subscriber,
	            g_strv_length(topics), g_strv_length(topics) == 1 ? "" : "s", d->config_path,
	            shown);
	fw_service_notify("READY=1");
	fw_service_notify("STATUS=notifying %s of %u topic%s", d->cfg->subscriber,
	                  g_strv_length(topics), g_strv_length(topics) == 1 ? "" : "s");
	g_main_loop_run(d->loop);
	g_main_loop_unref(d->loop);
	fw_desk_free(d->desk);
	return 0;
}

int
main(int argc, char **argv)
{
	static char *config_path;
	static gboolean verbose, version, notify_only;
	static gint64 test_now;
	static const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Read FILE as the config", "FILE" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log debug messages", NULL },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
		{ "notify-only", 0, 0, G_OPTION_ARG_NONE, &notify_only,
		  "Poll nothing: show this desk's hits from the team database", NULL },
		/* tests: the notifications' clock starts at this time and runs on */
		{ "test-now", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &test_now, NULL, "UNIX_SECONDS" },
		{ NULL }
	};
	struct fw_outbox_opts notify = { .actions = TRUE };   /* this process answers them */
	g_autoptr(GOptionContext) octx = g_option_context_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = NULL, *shown = NULL;
	struct daemon d = { .lock_fd = -1 };
	g_autoptr(GPtrArray) replies = g_ptr_array_new_with_free_func((GDestroyNotify)daemon_reply_free);
	guint64 wd_usec = 0;
	int rc = 0;
	struct fw_lock_holder holder;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	/* Until their handlers are in place (the lock already names us), a
	 * request or a reload must not kill the daemon. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	g_option_context_set_summary(octx, "The feedwatch daemon: polls feeds, matches topics, "
	                             "records and notifies hits. Runs in the foreground.");
	g_option_context_add_main_entries(octx, entries, NULL);
	if (!g_option_context_parse(octx, &argc, &argv, &err)) {
		fprintf(stderr, "feedwatchd: %s\nTry 'feedwatchd --help'.\n", err->message);
		return 2;
	}
	if (argc > 1) {
		fprintf(stderr, "feedwatchd: unexpected argument '%s' (it takes options only)\n"
		        "Try 'feedwatchd --help'.\n", argv[1]);
		return 2;
	}
	if (version) {
		printf("feedwatchd %s\n", FW_VERSION);
		return 0;
	}
	if (test_now < 0) {
		fprintf(stderr, "feedwatchd: --test-now wants Unix seconds\n");
		return 2;
	}
	fw_log_init(verbose);
	if ((path = fw_config_find(config_path, &err)) == NULL) {
		fw_log_err("%s", err->message);
		return 1;
	}
	if ((d.cfg = fw_config_load(path, errors, &err)) == NULL) {
		daemon_log_config_errors(errors);
		fw_log_err("%s", err->message);
		return 1;
	}
	d.config_path = g_strdup(path);
	daemon_log_hints(d.cfg);
	if (notify_only && !fw_store_is_pg(d.cfg->database)) {
		fw_log_err("--notify-only needs a team database (database = postgresql://...); "
		           "%s names %s", path, d.cfg->database);
		fw_config_free(d.cfg);
		g_free(d.config_path);
		return 1;
	}
	/* Pollers of a team database share it: no lock (section 18). */
	if (!fw_store_is_pg(d.cfg->database) &&
	    (d.lock_fd = fw_lock_take(d.cfg->database, FW_LOCK_DAEMON, &holder, &err)) < 0) {
		fw_log_err("%s", err->message);
		fw_config_free(d.cfg);
		g_free(d.config_path);
		return 1;
	}
	if ((d.store = fw_store_open(d.cfg->database, &err)) == NULL) {
		fw_log_err("%s", err->message);
		rc = 1;
		goto out;
	}
	fw_store_set_durable(d.store, d.cfg->durable);
	if (test_now > 0)
		notify.clock_offset = test_now - fw_now();
	if (notify_only) {
		rc = daemon_notify_only(&d, &notify);
		goto out;
	}
	d.poller = fw_poller_new(NULL, d.cfg, d.store, &notify, &err);
	if (d.poller == NULL) {
		fw_log_err("%s", err->message);
		rc = 1;
		goto out;
	}
	d.loop = g_main_loop_new(NULL, FALSE);
	d.replies = replies;
	d.sched = fw_sched_new(NULL, d.cfg->feeds->len, daemon_due_cb, &d);
	fw_poller_set_done_cb(d.poller, daemon_polled_cb, &d);
	g_unix_signal_add(SIGTERM, daemon_stop_cb, &d);
	g_unix_signal_add(SIGINT, daemon_stop_cb, &d);
	g_unix_signal_add(SIGHUP, daemon_reload_cb, &d);
	g_unix_signal_add(SIGUSR1, daemon_poll_now_cb, &d);
	g_unix_signal_add(SIGUSR2, daemon_requests_cb, &d);
	if ((wd_usec = fw_service_watchdog_usec()) > 0)
		g_timeout_add(MAX(wd_usec / 2000, 1), daemon_watchdog_cb, &d);
	d.outbox_timer = g_timeout_add_seconds(60, daemon_outbox_cb, &d);
	d.started = fw_now();
	if (fw_store_is_team(d.store))
		daemon_beat_cb(&d);
	daemon_schedule(&d);
	daemon_requests_cb(&d);   /* any sent before SIGUSR2 was handled */
	fw_poller_flush_outbox(d.poller);
	shown = fw_config_database_shown(d.cfg->database);
	fw_log_info("watching %u feed%s for %u topic%s (config %s, database %s)", d.cfg->feeds->len,
	            d.cfg->feeds->len == 1 ? "" : "s", d.cfg->topics->len,
	            d.cfg->topics->len == 1 ? "" : "s", path, shown);
	daemon_note_config(&d, FALSE);
	fw_service_notify("READY=1");
	daemon_status(&d, TRUE);
	/* Loading the config and scheduling every feed freed much of what they
	 * used (a config of 100,000 feeds: tens of MB): give it back now, not
	 * only after the first poll. */
	daemon_settle_later(&d);
	g_main_loop_run(d.loop);
	g_main_loop_unref(d.loop);
	if (d.beat_timer != 0) {
		g_source_remove(d.beat_timer);
		if (!fw_store_poller_leave(d.store, &err))
			fw_log_warn("cannot forget this poller's heartbeat: %s", err->message);
		g_clear_error(&err);
	}
	if (d.settle_id != 0)
		g_source_remove(d.settle_id);
	if (d.replies_id != 0)
		g_source_remove(d.replies_id);
	daemon_replies_write(&d, TRUE);   /* their askers learn we stopped */
out:
	fw_sched_free(d.sched);
	fw_poller_free(d.poller);
	fw_store_free(d.store);
	fw_config_free(d.cfg);
	fw_lock_release(d.lock_fd);
	g_free(d.config_path);
	return rc;
}
