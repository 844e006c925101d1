/* feedwatch import — add the feeds of an OPML file to the config. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "feedwatch/opml.h"
#include "feedwatch/store.h"

#include "cli.h"

/* Appends a [feed NAME] group for each feed of the OPML file argv[1] (or
 * stdin) whose URL the config does not have yet; prints what it adds, and
 * when feedwatchd runs on the file, how their first polls went. */
int
fw_cmd_import(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print what would be added; change nothing", NULL },
		{ NULL }
	};
	struct fw_config *cfg;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) urls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GString) block = g_string_new(NULL);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);   /* those added */
	g_autoptr(GError) err = NULL;
	g_autofree char *data = NULL, *title = NULL, *base = NULL, *date = NULL;
	g_autoptr(GDateTime) dt = g_date_time_new_now_local();
	gsize len = 0;
	guint skipped = 0, dups = 0, added = 0;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one OPML file (%s)", "or - for standard input");
	if ((cfg = fw_cli_load_config_adding()) == NULL)
		return 1;
	if (strcmp(argv[1], "-") == 0) {
		data = fw_cli_read_stdin(FW_OPML_MAX_SIZE, &len);
	} else if (!g_file_get_contents(argv[1], &data, &len, &err)) {
		fw_config_free(cfg);
		return fw_cli_fail("import", "%s", err->message);
	}
	if (!fw_opml_parse(data, len, feeds, &title, &skipped, &err)) {
		fw_config_free(cfg);
		return fw_cli_fail("import", "%s: %s", argv[1], err->message);
	}
	fw_cli_config_taken(cfg, names, urls);
	base = g_path_get_basename(argv[1]);
	date = g_date_time_format(dt, "%Y-%m-%d");
	for (guint i = 0; i < feeds->len; i++) {
		const struct fw_opml_feed *fd = feeds->pdata[i];
		g_autofree char *canon = fw_store_canonical_link(fd->xml_url);
		g_autofree char *name = NULL, *group = NULL;

		if (g_hash_table_contains(urls, canon)) {
			dups++;
			continue;
		}
		name = fw_opml_feed_name(fd->title, fd->xml_url, names);
		group = fw_opml_config_group(fd, name);
		g_string_append_printf(block, "\n%s", group);
		printf("%s [feed %s] %s\n", dry_run ? "would add" : "add", name, fd->xml_url);
		g_hash_table_insert(urls, g_steal_pointer(&canon), g_strdup(name));
		g_ptr_array_add(keys, g_strdup(name));
		g_hash_table_add(names, g_steal_pointer(&name));
		added++;
	}
	if (added > 0) {
		g_autofree char *head = g_strdup_printf("\n# Imported from %s on %s (%u feed%s).\n",
		                                        base, date, added, added == 1 ? "" : "s");
		g_string_prepend(block, head);
	}
	if (added > 0 && !dry_run && !fw_cli_config_append("import", cfg->path, block->str, NULL, NULL)) {
		fw_config_free(cfg);
		return 1;
	}
	printf("%s %u feed%s %s %s", dry_run ? "would import" : "imported", added,
	       added == 1 ? "" : "s", dry_run ? "into" : "into", cfg->path);
	if (dups || skipped) {
		printf(" (");
		if (dups)
			printf("%u already there%s", dups, skipped ? ", " : "");
		if (skipped)
			printf("%u skipped: not an http(s) feed URL", skipped);
		printf(")");
	}
	printf("\n");
	fflush(stdout);
	/* and, when the daemon runs, their first polls: a feed of another
	 * reader's list that no longer answers is named now */
	g_ptr_array_add(keys, NULL);
	if (added > 0 && !dry_run)
		rc = fw_cli_reload_edited("import", cfg, (char **)keys->pdata);
	fw_config_free(cfg);
	return rc;
}
