/* feedwatch check — validate the config and every query. See feedwatch(1). */
#include <stdio.h>

#include "cli.h"

/* Loads the config as feedwatchd would; prints every problem on stdout, or
 * the likely slips in its queries (warnings), a one-line summary, and
 * whether a running feedwatchd has yet to read the file as it is. 1 when
 * the config does not load. */
int
fw_cmd_check(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = NULL, *shown = NULL;
	struct fw_config *cfg;
	struct fw_lock_holder h;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	path = fw_cli_config_find(&err);
	if (path == NULL) {
		fprintf(stderr, "feedwatch check: %s\n", err->message);
		return 1;
	}
	cfg = fw_config_load(path, errors, &err);
	if (cfg == NULL) {
		for (guint i = 0; i < errors->len; i++)
			printf("%s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "feedwatch check: %s\n", err->message);
		return 1;
	}
	shown = fw_config_database_shown(cfg->database);
	if (!fw_store_database_check(cfg->database, &err)) {
		/* a connection string libpq cannot read never connects */
		printf("%s: database %s: %s\n", path, shown, err->message);
		fprintf(stderr, "feedwatch check: %s: 1 error\n", path);
		fw_config_free(cfg);
		return 1;
	}
	for (guint i = 0; i < cfg->hints->len; i++) {
		const struct fw_config_hint *hint = cfg->hints->pdata[i];

		printf("%s: warning: %s%s\n", hint->where, hint->what, hint->caret);
	}
	printf("%s: ok, %u feed%s, %u topic%s, database %s", path, cfg->feeds->len,
	       cfg->feeds->len == 1 ? "" : "s", cfg->topics->len, cfg->topics->len == 1 ? "" : "s",
	       shown);
	if (cfg->hints->len > 0)
		printf(" (%u warning%s above)", cfg->hints->len, cfg->hints->len == 1 ? "" : "s");
	printf("\n");
	/* checked after an edit: the running daemon has not read it yet */
	if (fw_lock_holder_read(cfg->database, &h) && fw_lock_holder_is_daemon(&h) &&
	    !fw_cli_daemon_config_current(cfg, &h))
		printf("feedwatchd (pid %ld) runs on %s as it was before it changed: "
		       "`feedwatch reload` applies the change\n", (long)h.pid, path);
	fw_config_free(cfg);
	return 0;
}
