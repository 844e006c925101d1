/* feedwatch show — hits in full: the item, every topic it hit, the marked
 * snippets, the link. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hitlog.h"

/* The other hits of row's item (its hits for other topics), by id. */
static GPtrArray *
item_other_hits(struct fw_store *store, const struct fw_hit_row *row)
{
	GPtrArray *others = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	char *feeds[] = { row->feed, NULL };
	struct fw_hit_filter f = { .feeds = feeds, .oldest_first = TRUE };

	if (row->feed == NULL || !fw_store_hits(store, &f, all, NULL))
		return others;
	for (guint i = 0; i < all->len; i++) {
		struct fw_hit_row *o = all->pdata[i];

		if (o->id != row->id && g_strcmp0(o->item_id, row->item_id) == 0)
			g_ptr_array_add(others, g_ptr_array_steal_index(all, i--));
	}
	return others;
}

/* Prints each hit asked for (text or JSON); 1 when one of them is not there,
 * after printing the others. */
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
		g_autoptr(GPtrArray) others = NULL;
		gint64 id;
		struct fw_hit_row *row;

		fw_cli_hit_id(argv[i], &id);
		row = fw_store_hit_get(db.store, id, &err);
		if (row == NULL) {
			rc = fw_cli_fail("show", "%s", err->message);
			continue;
		}
		if (json) {
			g_autofree char *line = fw_hit_json(row);
			puts(line);
		} else {
			others = item_other_hits(db.store, row);
			if (i > 1)
				putchar('\n');
			fw_hitlog_show_item(row, others, stdout, fw_cli_use_color());
		}
		fw_hit_row_free(row);
	}
	return fw_cli_db_close(&db, rc);
}
