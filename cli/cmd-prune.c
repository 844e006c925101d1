/* feedwatch prune — forget old items that hit nothing, and old hits if asked.
 * See feedwatch(1). */
#include <stdio.h>

#include "cli.h"

/* Prunes in one transaction, then lets the store tidy itself; prints what
 * was forgotten. */
int
fw_cmd_prune(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *hits_before;
	static const GOptionEntry entries[] = {
		{ "hits-before", 0, 0, G_OPTION_ARG_STRING, &hits_before,
		  "Also forget hits found before WHEN (date, time or age: 365d)", "WHEN" },
		{ NULL }
	};
	struct fw_cli_db db;
	g_autoptr(GError) err = NULL;
	gint64 now = fw_now(), before = 0, hits = 0, items = 0;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage_error("prune: unexpected argument '%s'", argv[1]);
	if (hits_before != NULL && !fw_config_parse_when(hits_before, now, &before))
		return fw_cli_usage_error("prune: bad --hits-before '%s' (e.g. 2024-01-01, 365d)", hits_before);
	if (!fw_cli_db_open(&db, FALSE))
		return 1;
	if (fw_store_begin(db.store, &err) &&
	    (hits_before == NULL || fw_store_prune_hits(db.store, before, &hits, &err)) &&
	    fw_store_prune(db.store, now - db.cfg->retention, &items, &err) &&
	    fw_store_commit(db.store, &err) && fw_store_maintain(db.store, &err)) {
		printf("forgot %" G_GINT64_FORMAT " hit%s and %" G_GINT64_FORMAT " item%s\n", hits,
		       hits == 1 ? "" : "s", items, items == 1 ? "" : "s");
	} else {
		fw_store_rollback(db.store);
		fprintf(stderr, "feedwatch prune: %s\n", err ? err->message : "failed");
		rc = 1;
	}
	return fw_cli_db_close(&db, rc);
}
