/* feedwatch read, unread — mark hits read or unread. See feedwatch(1). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* Marks the stories of the hits given (numbers, ranges, lists; every topic
 * and feed of each, in one transaction), or --all hits (of --topic), read for
 * `read` and unread for `unread`. */
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
	g_auto(GStrv) keys = NULL;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (!all && argc < 2)
		return fw_cli_usage("which hits? (HIT... or --all)");
	if (all && argc > 1)
		return fw_cli_usage("give hit numbers or --all, not both");
	if (!all && topics != NULL)
		return fw_cli_usage("--topic goes with --all");
	for (int i = 1; i < argc; i++)
		if (!fw_cli_hit_ids(argv[i], ids))
			return fw_cli_usage("'%s' is not a hit number, a range (1-3) or a list (1,4-6) "
			                    "of at most %d hits in all (--all marks every hit)",
			                    argv[i], FW_CLI_MAX_IDS);
	if (!fw_cli_db_open(&db, TRUE))   /* no database: no hit, none made */
		return 1;
	if (topics != NULL && (keys = fw_cli_topic_keys(db.cfg, db.store, topics, NULL)) == NULL)
		return fw_cli_db_close(&db, FW_EXIT_USAGE);
	if (all) {
		gint64 changed = 0;
		if (fw_store_hits_set_read_all(db.store, keys, read, &changed, &err))
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
