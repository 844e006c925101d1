/* feedwatch read, unread — mark hits read or unread. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Marks the stories of the hits given (every topic and feed of each, in one
 * transaction), or --all hits (of --topic), read for `read` and unread for
 * `unread`. */
int
fw_cmd_read(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean all;
	static char **topics;
	static const GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Every hit (or every hit of --topic)", NULL },
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "With --all: only topic T (repeatable)", "T" },
		{ NULL }
	};
	const char *name = cmd->name;
	gboolean read = strcmp(name, "read") == 0;
	struct fw_cli_db db;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (!all && argc < 2)
		return fw_cli_usage_error("%s: which hits? (HIT... or --all)", name);
	if (all && argc > 1)
		return fw_cli_usage_error("%s: give hit numbers or --all, not both", name);
	if (!all && topics != NULL)
		return fw_cli_usage_error("%s: --topic goes with --all", name);
	for (int i = 1; i < argc; i++) {
		gint64 id;
		if (!fw_cli_hit_id(argv[i], &id))
			return fw_cli_usage_error("'%s' is not a hit number", argv[i]);
		g_array_append_val(ids, id);
	}
	if (!fw_cli_db_open(&db, FALSE))
		return 1;
	if (all) {
		gint64 changed = 0;
		if (fw_store_hits_set_read_all(db.store, topics, read, &changed, &err))
			printf("%" G_GINT64_FORMAT " hit%s marked %s\n", changed, changed == 1 ? "" : "s", name);
	} else if (fw_store_begin(db.store, &err)) {
		for (guint i = 0; i < ids->len && err == NULL; i++)
			fw_store_story_set_read(db.store, g_array_index(ids, gint64, i), read, NULL, &err);
		if (err == NULL)
			fw_store_commit(db.store, &err);
		else
			fw_store_rollback(db.store);
	}
	if (err != NULL)
		rc = fw_cli_fail(name, "%s", err->message);
	return fw_cli_db_close(&db, rc);
}
