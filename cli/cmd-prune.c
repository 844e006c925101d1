/* feedwatch prune — forget old items that hit nothing, and old hits if asked.
 * See feedwatch(1). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* One pass of the prune in a transaction: counts into *hits and *items,
 * then commits (or, !commit, rolls back: what it would forget). */
static gboolean
prune_pass(struct fw_cli_db *db, gint64 hits_before, gint64 now, gboolean commit, gint64 *hits,
           gint64 *items, GError **err)
{
	*hits = *items = 0;
	if (!fw_store_begin(db->store, err))
		return FALSE;
	if ((hits_before == 0 || fw_store_prune_hits(db->store, hits_before, hits, err)) &&
	    fw_store_prune(db->store, now - db->cfg->retention, items, err)) {
		if (!commit) {
			fw_store_rollback(db->store);
			return TRUE;
		}
		if (fw_store_commit(db->store, err))
			return TRUE;
	}
	fw_store_rollback(db->store);
	return FALSE;
}

/* Lists the (at most 10) newest hits found before `before`, the ones
 * --hits-before would forget. */
static void
prune_show_hits(struct fw_store *store, gint64 before, gint64 count)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	struct fw_hit_filter f = { .until = before, .limit = 10 };

	if (!fw_store_hits(store, &f, rows, NULL))
		return;
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = rows->pdata[i];
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(r->found);
		g_autofree char *when = dt ? g_date_time_format(dt, "%Y-%m-%d") : g_strdup("?");
		g_autofree char *line = g_strdup_printf("%" G_GINT64_FORMAT "  %s  %s  %s", r->id,
		                                        when, r->topic, r->title ? r->title : "");
		g_autofree char *cut = fw_cli_term_cut(line, MIN(fw_cli_term_width(), 200) - 2);

		printf("  %s\n", cut);
	}
	if (count > (gint64)rows->len)
		printf("  and %" G_GINT64_FORMAT " older\n", count - (gint64)rows->len);
}

/* Asks "Forget them? [y/N]" on the terminal; TRUE for yes. */
static gboolean
prune_confirm(void)
{
	char answer[16] = "";

	fputs("Forget them? [y/N] ", stdout);
	fflush(stdout);
	if (fgets(answer, sizeof answer, stdin) == NULL)
		return FALSE;
	return answer[0] == 'y' || answer[0] == 'Y';
}

/* Says what the prune would forget (hits listed); on a terminal asks
 * first (unless --yes), with --dry-run only says; then prunes in one
 * transaction, lets the store tidy itself and prints what was forgotten.
 * 1 when the answer is no or the prune failed. */
int
fw_cmd_prune(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static char *hits_before;
	static gboolean dry_run, yes;
	static const GOptionEntry entries[] = {
		{ "hits-before", 0, 0, G_OPTION_ARG_STRING, &hits_before,
		  "Also forget hits found before WHEN (date, time or age: 365d)", "WHEN" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Say what would be forgotten; forget nothing", NULL },
		{ "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "Do not ask on a terminal", NULL },
		{ NULL }
	};
	struct fw_cli_db db;
	struct fw_config *cfg;
	g_autoptr(GError) err = NULL;
	gint64 now = fw_now(), before = 0, hits = 0, items = 0, r;
	g_autofree char *retention = NULL;
	gboolean ask;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if (dry_run && yes)
		return fw_cli_usage("--dry-run or --yes, not both");
	if (hits_before != NULL && !fw_config_parse_when(hits_before, now, &before))
		return fw_cli_bad_when("--hits-before", hits_before);
	if (hits_before != NULL && before <= 0)
		return fw_cli_usage("--hits-before '%s' is before 1970", hits_before);
	ask = !yes && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	memset(&db, 0, sizeof db);
	if ((cfg = fw_cli_load_config_names()) == NULL)
		return 1;
	if (!fw_store_is_pg(cfg->database) && !g_file_test(cfg->database, G_FILE_TEST_EXISTS)) {
		/* nothing polled, nothing to forget: no empty database made for it */
		printf("nothing to forget (no database %s yet)\n", cfg->database);
		fw_config_free(cfg);
		return 0;
	}
	if (!fw_cli_db_open_store(&db, cfg, FALSE))
		return 1;
	r = db.cfg->retention;
	retention = r % 86400 == 0 ? g_strdup_printf("%" G_GINT64_FORMAT "d", r / 86400)
	            : r % 3600 == 0 ? g_strdup_printf("%" G_GINT64_FORMAT "h", r / 3600)
	            : g_strdup_printf("%" G_GINT64_FORMAT "s", r);
	if (dry_run || ask) {
		/* What it would forget: the same statements, rolled back. */
		if (!prune_pass(&db, before, now, FALSE, &hits, &items, &err))
			return fw_cli_db_close(&db, fw_cli_fail("prune", "%s", err->message));
		if (hits == 0 && items == 0) {
			printf("nothing to forget\n");
			return fw_cli_db_close(&db, 0);
		}
		printf("would forget %" G_GINT64_FORMAT " hit%s and %" G_GINT64_FORMAT " item%s "
		       "(items past the %s retention that hit nothing)%s\n", hits,
		       hits == 1 ? "" : "s", items, items == 1 ? "" : "s", retention,
		       hits > 0 ? ":" : "");
		if (hits > 0)
			prune_show_hits(db.store, before, hits);
		if (dry_run)
			return fw_cli_db_close(&db, 0);
		if (!prune_confirm()) {
			printf("nothing forgotten\n");
			return fw_cli_db_close(&db, 1);
		}
	}
	if (prune_pass(&db, before, now, TRUE, &hits, &items, &err) &&
	    fw_store_maintain(db.store, &err)) {
		printf("forgot %" G_GINT64_FORMAT " hit%s and %" G_GINT64_FORMAT " item%s\n", hits,
		       hits == 1 ? "" : "s", items, items == 1 ? "" : "s");
	} else {
		rc = fw_cli_fail("prune", "%s", err ? err->message : "failed");
	}
	return fw_cli_db_close(&db, rc);
}
