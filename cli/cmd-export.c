/* feedwatch export — the config's feeds as OPML. See feedwatch(1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "feedwatch/opml.h"

#include "cli.h"

/* Writes the config's feeds as OPML 2.0 (titles: the config's, else the
 * feed's own as stored, else the name) to stdout or --output
 * (fw_cli_output_open). */
int
fw_cmd_export(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *output;
	static const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
		{ NULL }
	};
	struct fw_config *cfg;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
	g_autoptr(GHashTable) by_key = NULL;
	g_autoptr(GHashTable) extras = NULL;
	g_autofree char *text = NULL, *doc = NULL;
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	if (!g_file_get_contents(cfg->path, &text, NULL, &err)) {
		rc = fw_cli_fail("export", "%s", err->message);
		fw_config_free(cfg);
		return rc;
	}
	extras = fw_opml_config_extras(text);
	/* Feeds without a configured title get their own, when a poll stored it;
	 * a database that does not exist yet is not made for that. */
	if (fw_store_is_pg(cfg->database) || g_file_test(cfg->database, G_FILE_TEST_EXISTS)) {
		struct fw_store *store = fw_store_open(cfg->database, NULL);
		if (store)
			fw_store_feed_statuses(store, statuses, NULL);
		fw_store_free(store);
	}
	by_key = fw_cli_status_index(statuses);
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		const struct fw_opml_feed *ex = g_hash_table_lookup(extras, fc->key);
		const char *title = fc->title;

		const struct fw_feed_status *st = g_hash_table_lookup(by_key, fc->key);

		if (title == NULL && st != NULL)
			title = st->title;
		g_autoptr(GString) t = g_string_new(title ? title : fc->key);

		/* import keeps " #" and " ;" in titles from reading as comments with a
		 * no-break space: the OPML gets the plain space back. */
		g_string_replace(t, "\u00a0#", " #", 0);
		g_string_replace(t, "\u00a0;", " ;", 0);
		g_ptr_array_add(feeds, fw_opml_feed_new(t->str, fc->url, ex ? ex->html_url : NULL,
		                                        ex ? ex->category : NULL));
	}
	doc = fw_opml_write(feeds, "feedwatch feeds", fw_now());
	if (output != NULL) {
		struct fw_cli_output file;

		if (fw_cli_output_open("export", output, FALSE, &file)) {
			fputs(doc, file.f);
			if (!fw_cli_output_close("export", &file, FALSE))
				rc = 1;
		} else {
			rc = 1;
		}
	} else {
		fputs(doc, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = fw_cli_fail("export", "cannot write: %s", g_strerror(errno));
	}
	fw_config_free(cfg);
	return rc;
}
