/* feedwatch status — each feed's health, and whether feedwatchd runs.
 * See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/lock.h"

#include "cli.h"

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

/* The status as one JSON object on one line. */
static void
status_json(const struct fw_config *cfg, GPtrArray *lines, pid_t pid)
{
	g_autoptr(JsonBuilder) b = json_builder_new_immutable();

	json_builder_begin_object(b);
	fw_cli_json_str(b, "database", cfg->database);
	json_builder_set_member_name(b, "daemon");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "running");
	json_builder_add_boolean_value(b, pid > 0);
	json_builder_set_member_name(b, "pid");
	if (pid > 0)
		json_builder_add_int_value(b, pid);
	else
		json_builder_add_null_value(b);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "feeds");
	json_builder_begin_array(b);
	for (guint i = 0; i < lines->len; i++) {
		const struct status_line *l = lines->pdata[i];
		const struct fw_feed_status *st = l->st;

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
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	fw_cli_json_puts(b);
}

/* The status as text: the daemon, the count of failing feeds, and a table
 * whose feed column is wkey wide and whose error column fills the width. */
static void
status_table(const struct fw_config *cfg, GPtrArray *lines, pid_t pid, guint failing,
             guint wkey)
{
	gboolean color = fw_cli_use_color();
	gint64 now = fw_now();
	guint fixed, werr, width = fw_cli_term_width();

	if (pid > 0)
		printf("feedwatchd is running (pid %ld) on %s\n", (long)pid, cfg->database);
	else
		printf("feedwatchd is not running (database %s)\n", cfg->database);
	printf("%u feed%s, %u failing\n", cfg->feeds->len, cfg->feeds->len == 1 ? "" : "s",
	       failing);
	if (lines->len > 0) {
		wkey = MIN(wkey, 24);
		fixed = 8 + 2 + wkey + 2 + 10 + 2 + 4 + 2 + 9 + 2 + 6 + 2 + 5 + 2;
		werr = width > fixed + 10 ? width - fixed : 10;
		printf("%s%-8s  %-*s  %-10s  %4s  %-9s  %6s  %5s  %s%s\n", color ? "\033[1m" : "",
		       "HEALTH", (int)wkey, "FEED", "LAST POLL", "HTTP", "NEXT POLL", "ITEMS",
		       "HITS", "ERROR", color ? "\033[0m" : "");
	} else {
		werr = 0;
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
		g_autofree char *note = NULL, *cut = NULL, *line = NULL;
		const char *hc = !color ? "" : l->rank == 0 || l->rank == 1 ? "\033[31m"
		                 : l->rank == 5 ? "\033[32m" : "\033[33m";

		if (st && st->error)
			note = g_strdup(st->error);
		else if (st && st->moved_to)
			note = g_strdup_printf("moved to %s", st->moved_to);
		else if (st && st->degraded)
			note = g_strdup("read in recover mode (broken XML)");
		cut = fw_cli_term_cut(note ? note : "", werr);
		line = g_strdup_printf("%s%-8s%s  %s%*s  %-10s  %4s  %-9s  %6" G_GINT64_FORMAT
		                       "  %5" G_GINT64_FORMAT "  %s", hc, l->health,
		                       color ? "\033[0m" : "", key,
		                       (int)(wkey - g_utf8_strlen(key, -1)), "", last, http, next,
		                       st ? st->items : 0, st ? st->hits : 0, cut);
		puts(g_strchomp(line));
	}
}

/* Each feed of the config with what the store knows of it, failing feeds
 * first, as a table or JSON. */
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
	g_autoptr(GError) err = NULL;
	gboolean json;
	pid_t pid;
	guint failing = 0, wkey = 4;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return fw_cli_usage("unknown format '%s' (table, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	if (!fw_store_feed_statuses(db.store, statuses, &err))
		return fw_cli_db_close(&db, fw_cli_fail("status", "%s", err->message));
	pid = fw_lock_holder(db.cfg->database);
	for (guint i = 0; i < db.cfg->feeds->len; i++) {
		struct status_line *l = g_new0(struct status_line, 1);

		l->fc = db.cfg->feeds->pdata[i];
		l->order = i;
		for (guint k = 0; k < statuses->len; k++) {
			const struct fw_feed_status *st = statuses->pdata[k];
			if (strcmp(st->key, l->fc->key) == 0)
				l->st = st;
		}
		l->health = feed_health(l->st, &l->rank);
		failing += l->rank == 0;
		wkey = MAX(wkey, (guint)g_utf8_strlen(l->fc->key, -1));
		g_ptr_array_add(lines, l);
	}
	g_ptr_array_sort(lines, status_line_cmp);
	if (json)
		status_json(db.cfg, lines, pid);
	else
		status_table(db.cfg, lines, pid, failing, wkey);
	return fw_cli_db_close(&db, 0);
}
