/* feedwatch hits — list the hit log, or follow it (--follow). See feedwatch(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>

#include "cli.h"
#include "hitlog.h"

/* State of `hits --follow`. */
struct follow {
	GMainLoop *loop;
	struct fw_store *store;
	struct fw_hit_filter *filter;
	enum fw_hitlog_format format;
	gboolean color, header_done;
	gboolean away;            /* the team database was lost, said once */
	guint width;
	int rc;
};

/* Reorders rows so that the rows of one story are adjacent, each story where
 * its first row was (the table prints a line a story of adjacent rows). */
static void
group_stories(GPtrArray *rows)
{
	g_autoptr(GHashTable) by_story = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
	                                                       (GDestroyNotify)g_ptr_array_unref);
	g_autoptr(GPtrArray) firsts = g_ptr_array_new();
	guint n = 0;

	for (guint i = 0; i < rows->len; i++) {
		struct fw_hit_row *r = rows->pdata[i];
		GPtrArray *same = r->story > 0 ? g_hash_table_lookup(by_story, &r->story) : NULL;

		if (same == NULL) {
			same = g_ptr_array_new();
			g_ptr_array_add(firsts, same);
			if (r->story > 0)
				g_hash_table_insert(by_story, &r->story, same);
		}
		g_ptr_array_add(same, r);
	}
	for (guint i = 0; i < firsts->len; i++) {
		GPtrArray *same = firsts->pdata[i];

		for (guint k = 0; k < same->len; k++)
			rows->pdata[n++] = same->pdata[k];
		if (((struct fw_hit_row *)same->pdata[0])->story <= 0)
			g_ptr_array_unref(same);   /* not in the table */
	}
}

/* Prints rows; the CSV header and table heading only the first time. */
static void
follow_print(struct follow *fl, GPtrArray *rows)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *mem;

	if (fl->format == FW_HITLOG_TABLE)
		group_stories(rows);

	if (!fl->header_done || fl->format == FW_HITLOG_JSON) {
		fw_hitlog_print(rows, fl->format, stdout, fl->color, fl->width);
		fl->header_done = TRUE;
		return;
	}
	mem = open_memstream(&buf, &len);
	fw_hitlog_print(rows, fl->format, mem, fl->color, fl->width);
	fclose(mem);
	nl = strchr(buf, '\n');
	fputs(nl ? nl + 1 : "", stdout);
	free(buf);
}

/* The highest hit id of rows (they come by time, not id). */
static gint64
max_id(GPtrArray *rows)
{
	gint64 id = 0;

	for (guint i = 0; i < rows->len; i++)
		id = MAX(id, ((struct fw_hit_row *)rows->pdata[i])->id);
	return id;
}

/* Every 0.5 s: prints the hits stored since the last look. Stops on a read
 * error, or quietly when stdout is gone (a closed pipe); a team database
 * that went away (restarting) is said once and looked at again until it is
 * back. */
static gboolean
follow_tick_cb(gpointer data)
{
	struct follow *fl = data;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;

	if (!fw_store_hits(fl->store, fl->filter, rows, &err)) {
		if (fw_store_is_team(fl->store) &&
		    g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_OPEN)) {
			if (!fl->away)
				fw_cli_fail("hits", "following again once the team database is back: %s",
				            err->message);
			fl->away = TRUE;
			return G_SOURCE_CONTINUE;
		}
		fl->rc = fw_cli_fail("hits", "%s", err->message);
		g_main_loop_quit(fl->loop);
		return G_SOURCE_REMOVE;
	}
	if (fl->away)
		fprintf(stderr, "feedwatch hits: connected to the team database again\n");
	fl->away = FALSE;
	if (rows->len > 0) {
		fl->filter->after_id = MAX(fl->filter->after_id, max_id(rows));
		follow_print(fl, rows);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		g_main_loop_quit(fl->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* SIGINT, SIGTERM: stop following. */
static gboolean
follow_signal_cb(gpointer data)
{
	struct follow *fl = data;

	g_main_loop_quit(fl->loop);
	return G_SOURCE_CONTINUE;
}

/* `hits --follow`: the last hits (--limit of them, else all that match),
 * oldest first, then every new hit as the daemon stores it, until SIGINT or
 * SIGTERM (exit 0). */
static int
follow_hits(struct fw_store *store, struct fw_hit_filter *f, enum fw_hitlog_format format,
            gboolean color, guint width)
{
	struct follow fl = { .store = store, .filter = f, .format = format, .color = color,
	                     .width = width };
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	guint sigint, sigterm, timer;

	/* the signals are ours before the first line is out: one that comes
	 * while the last hits print ends the loop as soon as it runs */
	fl.loop = g_main_loop_new(NULL, FALSE);
	sigint = g_unix_signal_add(SIGINT, follow_signal_cb, &fl);
	sigterm = g_unix_signal_add(SIGTERM, follow_signal_cb, &fl);
	if (!fw_store_hits(store, f, rows, &err)) {
		g_source_remove(sigint);
		g_source_remove(sigterm);
		g_main_loop_unref(fl.loop);
		return fw_cli_fail("hits", "%s", err->message);
	}
	if (rows->len > 0) {
		f->after_id = max_id(rows);
		for (guint i = 0; i < rows->len / 2; i++) {
			gpointer t = rows->pdata[i];
			rows->pdata[i] = rows->pdata[rows->len - 1 - i];
			rows->pdata[rows->len - 1 - i] = t;
		}
	}
	follow_print(&fl, rows);
	fl.header_done = fl.header_done || format != FW_HITLOG_TABLE || rows->len > 0;
	fflush(stdout);
	f->oldest_first = TRUE;
	f->limit = 0;
	timer = g_timeout_add(500, follow_tick_cb, &fl);
	g_main_loop_run(fl.loop);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	if (g_main_context_find_source_by_id(NULL, timer))
		g_source_remove(timer);
	g_main_loop_unref(fl.loop);
	return fl.rc;
}

/* fw_store_hits_foreach's callback of `hits --format json`: one line a hit,
 * as it is read (a year of hits is never all in memory). FALSE when stdout
 * failed (a closed pipe). */
static gboolean
json_line_cb(const struct fw_hit_row *row, gpointer count)
{
	g_autofree char *line = fw_hit_json(row);

	(*(guint *)count)++;
	fputs(line, stdout);
	return putchar('\n') != EOF;
}

/* Prints the hits the options select (table, json, csv or atom); with
 * --follow, keeps printing new ones. */
int
fw_cmd_hits(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char **topics, **feeds, *since, *until, *format, *search;
	static gboolean unread, follow;
	static int limit;
	static const GOptionEntry entries[] = {
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "Only topic T (repeatable)", "T" },
		{ "feed", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &feeds, "Only feed F (repeatable)", "F" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Published at or after WHEN (date, time, age: 36h, 7d, or yesterday; found when undated)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "Published before WHEN", "WHEN" },
		{ "unread", 'u', 0, G_OPTION_ARG_NONE, &unread, "Only unread hits", NULL },
		{ "search", 's', 0, G_OPTION_ARG_STRING, &search, "Only hits whose title or snippet contains TEXT", "TEXT" },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "At most N stories (table) or hits (0: all)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table, json, csv or atom", "FORMAT" },
		{ "follow", 'F', 0, G_OPTION_ARG_NONE, &follow, "Keep printing new hits as they are stored", NULL },
		{ NULL }
	};
	struct fw_hit_filter f = { 0 };
	enum fw_hitlog_format fmt = FW_HITLOG_TABLE;
	struct fw_cli_db db;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) keys = NULL;
	gint64 now = fw_now();
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (format != NULL && !fw_hitlog_format_from_name(format, &fmt))
		return fw_cli_usage("unknown format '%s' (table, json, csv, atom)", format);
	if (follow && fmt == FW_HITLOG_ATOM)
		return fw_cli_usage("--follow works with table, json and csv, not %s", format);
	if (since != NULL && !fw_config_parse_when(since, now, &f.since))
		return fw_cli_bad_when("--since", since);
	if (until != NULL && !fw_config_parse_when(until, now, &f.until))
		return fw_cli_bad_when("--until", until);
	if (limit < 0)
		return fw_cli_usage("bad --limit %d (a number of hits, 0 for all)", limit);
	f.unread = unread;
	f.search = search;
	f.limit = (guint)limit;
	/* the reader's time; the table lists stories, the other formats hits */
	f.published = !follow;   /* --follow goes by the order hits are stored */
	f.stories = fmt == FW_HITLOG_TABLE && !follow;
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	if (follow && db.fresh)
		return fw_cli_db_close(&db, fw_cli_fail("hits", "--follow reads the daemon's database: "
		                                        "start feedwatchd first"));
	if ((topics != NULL && (keys = fw_cli_topic_keys(db.cfg, db.store, topics, NULL)) == NULL) ||
	    !fw_cli_feed_keys_ok(db.cfg, db.store, feeds))
		return fw_cli_db_close(&db, FW_EXIT_USAGE);
	f.topics = keys;
	f.feeds = feeds;
	if (follow) {
		rc = follow_hits(db.store, &f, fmt, fw_cli_use_color(), fw_cli_term_width());
	} else if (fmt == FW_HITLOG_JSON) {
		guint n = 0;

		f.no_also_in = TRUE;   /* not a field of the JSON */
		if (!fw_store_hits_foreach(db.store, &f, json_line_cb, &n, &err))
			rc = fw_cli_fail("hits", "%s", err->message);
		else if (n == 0 && !db.fresh)
			fw_cli_say_empty("no hits match");
		fflush(stdout);
	} else if (!fw_store_hits(db.store, &f, rows, &err)) {
		rc = fw_cli_fail("hits", "%s", err->message);
	} else {
		fw_hitlog_print(rows, fmt, stdout, fw_cli_use_color(), fw_cli_term_width());
		if (rows->len == 0 && !db.fresh)
			fw_cli_say_empty("no hits match");
	}
	return fw_cli_db_close(&db, rc);
}
