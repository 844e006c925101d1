/* feedwatch reload — make the running feedwatchd reload its config. See feedwatch(1). */
#include <stdio.h>

#include "feedwatch/lock.h"

#include "cli.h"

/* Makes the feedwatchd that holds the config's database reload (SIGHUP) and
 * waits until it has; 1 when none runs (nobody holds it, or another command
 * such as a foreground `feedwatch poll` does: that is never signalled), or
 * it kept its config, did not answer or cannot be signalled. */
int
fw_cmd_reload(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	struct fw_config *cfg;
	struct fw_lock_holder h;
	int rc = 1;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	if (!fw_lock_holder_read(cfg->database, &h)) {
		g_autofree char *shown = fw_config_database_shown(cfg->database);

		fprintf(stderr, "feedwatch reload: no feedwatchd is running on %s\n", shown);
	} else if (!fw_lock_holder_is_daemon(&h)) {
		g_autofree char *who = fw_lock_holder_describe(&h);

		fprintf(stderr, "feedwatch reload: there is no feedwatchd to reload on %s: %s holds it, "
		        "%s (not signalled)\n", cfg->database, who,
		        *h.role ? "another feedwatch command, not the daemon" : "not known to be the daemon");
	} else {
		rc = fw_cli_daemon_reload("reload", cfg, &h);
	}
	fw_config_free(cfg);
	return rc;
}
