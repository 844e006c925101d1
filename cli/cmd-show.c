/* feedwatch show — stories in full: the item, every topic and feed of its
 * story, the marked snippets, the link. See feedwatch(1). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hitlog.h"

/* Prints the story of each hit asked for (text, wrapped at the terminal's
 * width on a terminal; or the hit as JSON); 1 when one of them is not
 * there, after printing the others. */
int
fw_cmd_show(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (the default) or json", "FORMAT" },
		{ NULL }
	};
	struct fw_cli_db db;
	gboolean json = FALSE;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return fw_cli_usage("unknown format '%s' (text, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	if (argc < 2)
		return fw_cli_usage("which hit? (%s)", "feedwatch show HIT");
	for (int i = 1; i < argc; i++) {
		gint64 id;
		if (!fw_cli_hit_id(argv[i], &id))
			return fw_cli_usage("'%s' is not a hit number", argv[i]);
	}
	if (!fw_cli_db_open(&db, TRUE))
		return 1;
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GPtrArray) story = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		struct fw_hitlog_show_opts o = { .color = fw_cli_use_color(), .verbose = fw_cli_opt_verbose };
		gint64 id;
		struct fw_hit_row *row = NULL;

		fw_cli_hit_id(argv[i], &id);
		if (json) {
			row = fw_store_hit_get(db.store, id, &err);
		} else if (fw_store_story_hits(db.store, id, story, &err)) {
			for (guint k = 0; k < story->len; k++)
				if (((struct fw_hit_row *)story->pdata[k])->id == id)
					row = story->pdata[k];
		}
		if (row == NULL) {
			rc = fw_cli_fail("show", "%s", err ? err->message : "no such hit");
			continue;
		}
		if (json) {
			g_autofree char *line = fw_hit_json(row);
			puts(line);
			fw_hit_row_free(row);
		} else {
			o.width = isatty(STDOUT_FILENO) ? fw_cli_term_width() : 0;
			if (i > 1)
				putchar('\n');
			fw_hitlog_show_story(row, story, &o, stdout);
		}
	}
	return fw_cli_db_close(&db, rc);
}
