/* feedwatch stats — stories per topic per day, with sparklines. See feedwatch(1). */
#include <stdio.h>

#include "cli.h"
#include "stats.h"

/* The config's topics, in order, as a new stats range; the caller counts. */
static void
stats_add_topics(struct fw_stats *s, const struct fw_config *cfg)
{
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		fw_stats_topic(s, t->key, t->name);
	}
}

/* The counting of fw_cmd_stats: the stories already counted, per topic. */
struct stats_run {
	struct fw_stats *s;
	GHashTable *seen;   /* topic key -> set of story numbers (gint64 *) */
	guint hits;
};

/* fw_store_hit_cb: counts the hit's story once a topic (not once a feed), on
 * the day of its first hit in the range (rows come oldest first). */
static gboolean
stats_hit(const struct fw_hit_row *r, gpointer data)
{
	struct stats_run *run = data;
	GHashTable *stories = g_hash_table_lookup(run->seen, r->topic);
	gint64 story = r->story > 0 ? r->story : -r->id;
	gint64 t = r->published != FW_TIME_NONE && r->published < r->found ? r->published : r->found;

	run->hits++;
	if (stories == NULL) {
		stories = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
		g_hash_table_insert(run->seen, g_strdup(r->topic), stories);
	}
	if (!g_hash_table_contains(stories, &story)) {
		g_hash_table_add(stories, g_memdup2(&story, sizeof story));
		fw_stats_count(run->s, r->topic, r->topic_name, t);
	}
	return TRUE;
}

/* Counts the stories of the last --days days per topic and day published
 * (found when undated) and prints them (table, json or csv). */
int
fw_cmd_stats(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static int days = 14;
	static char *format;
	static const GOptionEntry entries[] = {
		{ "days", 'd', 0, G_OPTION_ARG_INT, &days, "The last N days, today included (default 14)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default), json or csv", "FORMAT" },
		{ NULL }
	};
	enum fw_stats_format fmt = FW_STATS_TABLE;
	struct fw_cli_db db;
	struct fw_stats *s;
	struct fw_hit_filter f = { 0 };
	g_autoptr(GError) err = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	                                                   (GDestroyNotify)g_hash_table_unref);
	struct stats_run run = { NULL, seen, 0 };
	guint today;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (days < 1 || days > FW_STATS_MAX_DAYS)
		return fw_cli_usage("--days must be from 1 to %s", G_STRINGIFY(FW_STATS_MAX_DAYS));
	if (format != NULL && !fw_stats_format_from_name(format, &fmt))
		return fw_cli_usage("unknown format '%s' (table, json, csv)", format);
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	today = fw_stats_day(fw_now());
	s = fw_stats_new(today - (guint)days + 1, (guint)days);
	stats_add_topics(s, db.cfg);
	f.since = fw_stats_day_start(s->first_day);
	f.oldest_first = TRUE;
	f.published = TRUE;
	f.brief = TRUE;
	run.s = s;
	/* the rows streamed, none kept (a busy month is 100,000 hits) */
	if (!fw_store_hits_foreach(db.store, &f, stats_hit, &run, &err)) {
		rc = fw_cli_fail("stats", "%s", err->message);
	} else {
		fw_stats_print(s, fmt, stdout, fw_cli_use_color(), fw_cli_term_width());
		if (run.hits == 0 && !db.fresh)
			fw_cli_say_empty("no hits in these days");
	}
	fw_stats_free(s);
	return fw_cli_db_close(&db, rc);
}
