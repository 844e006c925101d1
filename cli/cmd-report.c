/* feedwatch report — the hit log as one self-contained HTML page. See feedwatch(1). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

/* The report's load: a listed story's hit with its text. */
static struct fw_hit_row *
report_load(gint64 id, gpointer store)
{
	return fw_store_hit_get(store, id, NULL);
}

/* Writes the page for the hits of --since .. --until (of --topic) to stdout
 * or --output (fw_cli_output_open), never a terminal. */
int
fw_cmd_report(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *since, *until, *output, *title;
	static char **topics;
	static int per_topic = FW_REPORT_PER_TOPIC;
	static const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Stories published at or after WHEN (default: 30d; found when undated)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "Stories published before WHEN", "WHEN" },
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "Only topic T (repeatable)", "T" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "The page's heading", "TEXT" },
		{ "per-topic", 'n', 0, G_OPTION_ARG_INT, &per_topic, "List a topic's newest N stories (default " G_STRINGIFY(FW_REPORT_PER_TOPIC) "; 0: all)", "N" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
		{ NULL }
	};
	struct fw_hit_filter f = { 0 };
	struct fw_report_opts o = { 0 };
	struct fw_cli_db db;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) rtopics = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_auto(GStrv) keys = NULL;
	gint64 now = fw_now();
	struct fw_cli_output file;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (!fw_config_parse_when(since ? since : "30d", now, &f.since))
		return fw_cli_bad_when("--since", since);
	if (until != NULL && !fw_config_parse_when(until, now, &f.until))
		return fw_cli_bad_when("--until", until);
	if (per_topic < 0)
		return fw_cli_usage("bad --per-topic %d (a number of stories, 0 for all)", per_topic);
	if (output == NULL && isatty(STDOUT_FILENO))
		return fw_cli_usage("%s", "this is HTML: redirect it (feedwatch report > report.html) or use -o FILE");
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	if (topics != NULL && (keys = fw_cli_topic_keys(db.cfg, db.store, topics, NULL)) == NULL)
		return fw_cli_db_close(&db, FW_EXIT_USAGE);
	f.topics = keys;
	f.published = TRUE;
	f.brief = TRUE;   /* counted without text; the stories listed are loaded */
	if (!fw_store_hits(db.store, &f, rows, &err)) {
		rc = fw_cli_fail("report", "%s", err->message);
		goto done;
	}
	for (guint i = 0; i < db.cfg->topics->len; i++) {
		const struct fw_topic_conf *t = db.cfg->topics->pdata[i];
		struct fw_report_topic *rt;

		if (keys != NULL && !g_strv_contains((const char *const *)keys, t->key))
			continue;
		rt = g_new0(struct fw_report_topic, 1);
		rt->key = t->key;
		rt->name = t->name;
		g_ptr_array_add(rtopics, rt);
	}
	o.title = title;
	o.since = f.since;
	o.now = f.until > 0 ? f.until : now;
	o.generated = now;
	o.since_arg = since ? since : "30d";
	o.until_arg = until;
	o.topics = rtopics;
	o.per_topic = (guint)per_topic;
	o.load = report_load;
	o.load_data = db.store;
	if (output != NULL && !fw_cli_output_open("report", output, TRUE, &file)) {
		rc = 1;
		goto done;
	}
	fw_report_write(rows, &o, output != NULL ? file.f : stdout);
	if (output != NULL) {
		if (!fw_cli_output_close("report", &file, FALSE))
			rc = 1;
		else
			fprintf(stderr, "feedwatch report: %u hit%s written to %s\n", rows->len,
			        rows->len == 1 ? "" : "s", output);
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		rc = fw_cli_fail("report", "cannot write: %s", g_strerror(errno));
	}
done:
	return fw_cli_db_close(&db, rc);
}
