/* feedwatch open — open a hit's link in the browser and mark its story read.
 * See feedwatch(1). */
#include <string.h>
#include <sys/wait.h>

#include "cli.h"

/* Runs the browser on url (fw_cli_browser_argv: $BROWSER, else xdg-open; no
 * shell). Waits up to 5 s for it to fail; a browser still running then is fine. */
static gboolean
launch_browser(const char *url, GError **error)
{
	g_auto(GStrv) argv = fw_cli_browser_argv(url, error);
	GPid pid;
	int status;

	if (argv == NULL)
		return FALSE;
	if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
	                   NULL, &pid, error))
		return FALSE;
	for (int i = 0; i < 100; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				return TRUE;
			g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed (%s %d)",
			            argv[0], WIFEXITED(status) ? "exit status" : "signal",
			            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			return FALSE;
		}
		if (r < 0)
			return TRUE;
		g_usleep(50 * 1000);
	}
	return TRUE;
}

/* Opens hit argv[1]'s http(s) link; marks its story (every topic and
 * feed) read once the browser started. */
int
fw_cmd_open(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	struct fw_cli_db db;
	struct fw_hit_row *row;
	g_autoptr(GError) err = NULL;
	gint64 id;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc != 2)
		return fw_cli_usage("give one hit number (%s)", "feedwatch open HIT");
	if (!fw_cli_hit_id(argv[1], &id))
		return fw_cli_usage("'%s' is not a hit number", argv[1]);
	if (!fw_cli_db_open(&db, TRUE))   /* no database: no hit, none made */
		return 1;
	row = fw_store_hit_get(db.store, id, &err);
	if (row == NULL) {
		rc = fw_cli_fail("open", "%s", err->message);
	} else if (row->link == NULL || (!g_str_has_prefix(row->link, "http://") &&
	                                 !g_str_has_prefix(row->link, "https://"))) {
		rc = fw_cli_fail("open", "hit %" G_GINT64_FORMAT " has no link to open", id);
	} else if (!launch_browser(row->link, &err)) {
		rc = fw_cli_fail("open", "cannot open %s: %s", row->link, err->message);
	} else if (!fw_store_story_set_read(db.store, id, TRUE, NULL, &err)) {
		rc = fw_cli_fail("open", "%s", err->message);
	}
	fw_hit_row_free(row);
	return fw_cli_db_close(&db, rc);
}
