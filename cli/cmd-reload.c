/* feedwatch reload — make the running feedwatchd reload its config. See feedwatch(1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "feedwatch/lock.h"

#include "cli.h"

/* Sends SIGHUP to the feedwatchd that holds the config's database; 1 when
 * none runs or it cannot be signalled. */
int
fw_cmd_reload(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	struct fw_config *cfg;
	pid_t pid;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, NULL, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	pid = fw_lock_holder(cfg->database);
	if (pid <= 0) {
		fprintf(stderr, "feedwatch reload: no feedwatchd is running on %s\n", cfg->database);
		rc = 1;
	} else if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "feedwatch reload: cannot signal feedwatchd (pid %ld): %s\n", (long)pid,
		        g_strerror(errno));
		rc = 1;
	} else {
		printf("asked feedwatchd (pid %ld) to reload %s\n", (long)pid, cfg->path);
	}
	fw_config_free(cfg);
	return rc;
}
