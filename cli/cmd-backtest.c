/* feedwatch backtest — run a topic or a query over every stored item.
 * See feedwatch(1). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "feedwatch/hit.h"

#include "cli.h"
#include "hitlog.h"
#include "stats.h"

/* A match to record as a hit (--record). */
struct backtest_hit {
	gint64 item_rowid;
	struct fw_hit_text text;
};

static void
backtest_hit_free(struct backtest_hit *h)
{
	fw_hit_text_clear(&h->text);
	g_free(h);
}

/* A run: the query, how to print, and the counts so far. */
struct backtest {
	const struct fw_query *query;
	GPtrArray *record;   /* of struct backtest_hit *, with --record; else NULL */
	gboolean json, color;
	guint width;         /* the day bars' */
	guint wrap;          /* the terminal's width, 0 for a pipe: no wrap */
	guint items, matched, undated;
	GHashTable *days;    /* local day -> count (GUINT_TO_POINTER) */
	guint first_day, last_day;
};

/* One stored item: counts it and, when it matches, prints it (a line of
 * JSON, or a heading and the marked snippet, wrapped at bt->wrap). Returns
 * TRUE: carry on. */
static gboolean
backtest_item_cb(gint64 item_rowid, const char *feed_key, const char *feed_title,
                 const struct fw_item *it, gpointer data)
{
	struct backtest *bt = data;
	g_autofree char *cats = NULL, *text = NULL, *matched = NULL;
	struct fw_doc d;
	GArray *spans;
	struct fw_snippet *sn;
	gint64 when = it->published != FW_TIME_NONE ? it->published : it->updated;
	guint day;

	bt->items++;
	fw_doc_from_item(&d, it, feed_key, feed_title, &cats);
	if ((spans = fw_query_match(bt->query, &d)) == NULL)
		return TRUE;
	bt->matched++;
	day = fw_stats_day(when);
	if (day == 0) {
		bt->undated++;
	} else {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt->days, GUINT_TO_POINTER(day)));
		g_hash_table_insert(bt->days, GUINT_TO_POINTER(day), GUINT_TO_POINTER(n + 1));
		bt->first_day = bt->first_day ? MIN(bt->first_day, day) : day;
		bt->last_day = MAX(bt->last_day, day);
	}
	sn = fw_snippet_make(&d, spans, FW_HIT_SNIPPET_WIDTH);
	if (bt->record) {
		struct backtest_hit *h = g_new0(struct backtest_hit, 1);

		h->item_rowid = item_rowid;
		fw_hit_text_make(&h->text, &d, spans, FW_HIT_SNIPPET_WIDTH);
		g_ptr_array_add(bt->record, h);
	}
	if (bt->json) {
		g_autoptr(JsonBuilder) b = json_builder_new_immutable();

		json_builder_begin_object(b);
		fw_cli_json_str(b, "feed", feed_key);
		fw_cli_json_str(b, "feed_title", feed_title);
		fw_cli_json_str(b, "item_id", it->id);
		fw_cli_json_str(b, "title", it->title);
		fw_cli_json_str(b, "link", it->link);
		fw_cli_json_time(b, "published", it->published, TRUE);
		fw_cli_json_str(b, "snippet", sn ? sn->text : NULL);
		matched = fw_hit_matched_json(spans);
		json_builder_set_member_name(b, "matched");
		json_builder_add_value(b, json_from_string(matched, NULL));
		json_builder_end_object(b);
		fw_cli_json_puts(b);
	} else {
		g_autoptr(GDateTime) dt = when != FW_TIME_NONE ? g_date_time_new_from_unix_local(when) : NULL;
		g_autofree char *date = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("(no date)");
		g_autofree char *head = g_strdup_printf("%s  %s  %s", date, feed_title ? feed_title : feed_key,
		                                        it->title ? it->title : it->id);
		g_autofree char *clean = fw_cli_term_cut(head, G_MAXUINT);
		g_autoptr(GString) out = g_string_new(NULL);

		if (bt->color)
			g_string_append(out, "\033[1m");
		fw_hitlog_wrap(out, clean, bt->wrap, "", "  ");
		if (bt->color)
			g_string_insert(out, out->len - 1, "\033[0m");
		text = sn ? fw_cli_snippet_marked(sn, G_MAXUINT, bt->color) : NULL;
		if (text)
			fw_hitlog_wrap(out, text, bt->wrap, "    ", "    ");
		fputs(out->str, stdout);
	}
	fw_snippet_free(sn);
	g_array_unref(spans);
	return TRUE;
}

/* The matches a day as bars, and the totals. */
static void
backtest_days(const struct backtest *bt)
{
	guint max = 0, span = bt->last_day - bt->first_day + 1;

	if (bt->matched > 0)
		printf("\nMatches a day (published, local time):\n");
	for (guint d = bt->first_day; bt->matched > bt->undated && d <= bt->last_day; d++) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt->days, GUINT_TO_POINTER(d)));
		max = MAX(max, n);
	}
	for (guint d = bt->first_day; bt->matched > bt->undated && d <= bt->last_day; d++) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt->days, GUINT_TO_POINTER(d)));
		g_autofree char *label = fw_stats_day_label(d);
		guint bar = max ? (n * 40 + max - 1) / max : 0;
		g_autoptr(GString) bars = g_string_new(NULL);

		if (n == 0 && span > 62)
			continue;   /* a long range: the days with matches only */
		for (guint k = 0; k < bar; k++)
			g_string_append(bars, "█");
		printf("  %s  %4u  %s\n", label, n, bars->str);
	}
	if (bt->undated)
		printf("  (no date)   %4u\n", bt->undated);
	printf("%s%u of %u stored item%s matched\n", bt->matched ? "\n" : "", bt->matched,
	       bt->items, bt->items == 1 ? "" : "s");
}

/* Stores bt's matches as hits of topic not notified (initial), in one
 * transaction, but for items that have a hit of it already; prints how many.
 * Returns the exit status. */
static int
backtest_record(struct fw_store *store, const struct fw_topic_conf *topic,
                const struct backtest *bt)
{
	g_autoptr(GError) err = NULL;
	guint added = 0, had = 0;
	gint64 now = fw_now();

	if (!fw_store_begin(store, &err))
		return fw_cli_fail("backtest", "%s", err->message);
	for (guint i = 0; i < bt->record->len; i++) {
		const struct backtest_hit *m = bt->record->pdata[i];
		struct fw_hit_new h = {
			.item_rowid = m->item_rowid, .topic = topic->key, .topic_name = topic->name,
			.snippet = m->text.snippet, .marks_json = m->text.marks,
			.matched_json = m->text.matched,
			.notified = FW_HIT_NOTIFIED_INITIAL,
		};

		if (fw_store_hit_exists(store, m->item_rowid, topic->key)) {
			had++;
			continue;
		}
		if (!fw_store_hit_add(store, &h, 0, now, NULL, &err)) {
			fw_store_rollback(store);
			return fw_cli_fail("backtest", "%s (nothing recorded)", err->message);
		}
		added++;
	}
	if (!fw_store_commit(store, &err))
		return fw_cli_fail("backtest", "%s (nothing recorded)", err->message);
	/* (after JSON lines, on stderr: the output stays JSON) */
	fprintf(bt->json ? stderr : stdout, "recorded %u hit%s of %s, not notified (%u already in "
	        "the hit log)\n", added, added == 1 ? "" : "s", topic->key, had);
	return 0;
}

/* Runs a topic of the config (argv[1] names it: key or display name) or the
 * --query over the stored items (published since --since) and prints the
 * matches; with --record, stores them as the topic's hits. */
int
fw_cmd_backtest(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *since, *format, *query;
	static gboolean record;
	static const GOptionEntry entries[] = {
		{ "query", 'q', 0, G_OPTION_ARG_STRING, &query, "Run QUERY instead of a topic", "QUERY" },
		{ "record", 'r', 0, G_OPTION_ARG_NONE, &record, "Store the matches as the topic's hits, not notified", NULL },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only items published at or after WHEN", "WHEN" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default) or json (the matches, one a line)", "FORMAT" },
		{ NULL }
	};
	struct backtest bt = { 0 };
	struct fw_config *cfg;
	struct fw_cli_db db;
	const struct fw_topic_conf *topic = NULL;
	g_autofree char *qtext = NULL;
	g_auto(GStrv) keys = NULL;
	g_autoptr(GError) err = NULL;
	struct fw_query *q;
	gint64 from = 0;
	guint col = 0;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (query == NULL && argc != 2)
		return fw_cli_usage("give one TOPIC, or --query QUERY");
	if (query != NULL && argc > 1)
		return fw_cli_usage("give a TOPIC or --query QUERY, not both ('%s')", argv[1]);
	if (query != NULL && record)
		return fw_cli_usage("--record stores a topic's hits: give a TOPIC, not --query");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return fw_cli_usage("unknown format '%s' (table, json)", format);
	if (since != NULL && !fw_config_parse_when(since, fw_now(), &from))
		return fw_cli_bad_when("--since", since);
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	if (query == NULL) {
		char *names[] = { argv[1], NULL };

		/* A topic of the config only: one that left it has no query. */
		if ((keys = fw_cli_topic_keys(cfg, NULL, names, "(to run a query: --query QUERY)")) == NULL) {
			fw_config_free(cfg);
			return FW_EXIT_USAGE;
		}
		for (guint i = 0; i < cfg->topics->len; i++) {
			const struct fw_topic_conf *t = cfg->topics->pdata[i];
			if (topic == NULL && strcmp(t->key, keys[0]) == 0)
				topic = t;
		}
	}
	qtext = topic ? fw_topic_conf_query(topic) : g_strdup(query);
	q = fw_query_parse(qtext, &col, &err);
	if (q == NULL) {
		fw_config_free(cfg);
		return fw_cli_query_error("backtest", qtext, col, err->message);
	}
	if (topic == NULL)
		fw_cli_query_hint("backtest", qtext);
	if (!fw_cli_db_open_store(&db, cfg, !record)) {
		fw_query_free(q);
		return 1;
	}
	bt.query = q;
	bt.json = format != NULL && strcmp(format, "json") == 0;
	bt.color = fw_cli_use_color();
	bt.width = fw_cli_term_width();
	bt.wrap = isatty(STDOUT_FILENO) ? bt.width : 0;
	bt.days = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (record)
		bt.record = g_ptr_array_new_with_free_func((GDestroyNotify)backtest_hit_free);
	if (!bt.json) {
		if (topic)
			printf("Topic %s (%s): %s\n\n", topic->key, topic->name, qtext);
		else
			printf("Query: %s\n\n", qtext);
	}
	if (!fw_store_items_foreach(db.store, from, backtest_item_cb, &bt, &err))
		rc = fw_cli_fail("backtest", "%s", err->message);
	else if (!bt.json)
		backtest_days(&bt);
	else if (bt.matched == 0)
		fw_cli_say_empty("no stored item matches");
	if (rc == 0 && record)
		rc = backtest_record(db.store, topic, &bt);
	if (bt.record)
		g_ptr_array_unref(bt.record);
	g_hash_table_unref(bt.days);
	fw_query_free(q);
	return fw_cli_db_close(&db, rc);
}
