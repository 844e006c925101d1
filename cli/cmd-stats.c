/* feedwatch stats — hits per topic per day, with sparklines. See feedwatch(1). */
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
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
	if (!fw_store_hits(db.store, &f, rows, &err)) {
		rc = fw_cli_fail("stats", "%s", err->message);
	} else {
		for (guint i = 0; i < rows->len; i++) {
			const struct fw_hit_row *r = rows->pdata[i];
			gint64 t = r->published != FW_TIME_NONE && r->published < r->found ?
			           r->published : r->found;
			char *key = g_strdup_printf("%" G_GINT64_FORMAT "/%s",
			                            r->story > 0 ? r->story : -r->id, r->topic);

			/* a story once a topic (not once a feed), on its published day */
			if (g_hash_table_add(seen, key))
				fw_stats_count(s, r->topic, r->topic_name, t);
		}
		fw_stats_print(s, fmt, stdout, fw_cli_use_color(), fw_cli_term_width());
		if (rows->len == 0 && !db.fresh)
			fw_cli_say_empty("no hits in these days");
	}
	fw_stats_free(s);
	return fw_cli_db_close(&db, rc);
}
