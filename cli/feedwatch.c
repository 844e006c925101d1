/* feedwatch — the user's tool: review the hit log, test topics, check the
 * config, one poll cycle on demand. See feedwatch(1).
 *
 * main, the options every command takes, and the one table of commands: the
 * usage text, `feedwatch help [COMMAND]` and the dispatch all read it. Each
 * command is a file of its own, cli/cmd-NAME.c. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "feedwatch/log.h"

#include "cli.h"

char *fw_cli_opt_config;
gboolean fw_cli_opt_verbose;
gint64 fw_cli_opt_test_now;

const GOptionEntry fw_cli_common_entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &fw_cli_opt_config, "Read FILE as the config", "FILE" },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &fw_cli_opt_verbose, "Log debug messages", NULL },
	/* tests: the notifications' clock starts at this time and runs on */
	{ "test-now", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &fw_cli_opt_test_now, NULL, "UNIX_SECONDS" },
	{ NULL }
};

#define REVIEW "Review the hit log"
#define FEEDS "Feeds and topics"

const struct fw_cmd_entry fw_cmd_table[] = {
	{ "hits", NULL, REVIEW,
	  "list hits, newest first (--topic, --feed, --since, --until, --unread,\n"
	  "--search, --limit, --format table|json|csv|atom, --follow)",
	  "List the hit log, newest first.", fw_cmd_hits },
	{ "show", "HIT...", REVIEW,
	  "one hit: the item, every topic it hit, the marked snippets, the link",
	  "Show hits: the item, every topic it hit, the marked snippets, the summary, the link "
	  "and the feeds it also appeared in.", fw_cmd_show },
	{ "open", "HIT", REVIEW,
	  "open a hit's link in the browser and mark it read",
	  "Open a hit's link in the browser ($BROWSER, else xdg-open) and mark it read.",
	  fw_cmd_open },
	{ "read", "HIT... | --all", REVIEW,
	  "mark hits read (HIT... or --all [--topic T])",
	  "Mark hits read.", fw_cmd_read },
	{ "unread", "HIT... | --all", REVIEW,
	  "mark hits unread",
	  "Mark hits unread.", fw_cmd_read },
	{ "browse", NULL, REVIEW,
	  "browse the hit log in the terminal: topics, stories, a reader",
	  "Browse the hit log in the terminal, in the manner of newsboat: the topics with their "
	  "unread stories, a topic's stories, a reader with the matched words highlighted. "
	  "Keys: ? in it; new hits appear by themselves.", fw_cmd_browse },
	{ "mute", "[TOPIC... | --all]", REVIEW,
	  "hold a topic's desktop notifications (--for 3d, --until WHEN); alone: the mutes",
	  "Mute topics: feedwatchd holds their desktop notifications until the mute ends (24 "
	  "hours, --for or --until), then shows what it held as one, as the notification's "
	  "\"Mute topic for 24 h\" and browse's m do. Alone, list the mutes.", fw_cmd_mute },
	{ "unmute", "TOPIC... | --all", REVIEW,
	  "release a muted topic's notifications",
	  "Unmute topics: what feedwatchd held for them is shown now.", fw_cmd_mute },
	{ "stats", NULL, REVIEW,
	  "stories per topic per day, with sparklines (--days N)",
	  "Stories per topic per day published for the last N days (a story in two feeds "
	  "counts once), with a sparkline a topic.", fw_cmd_stats },
	{ "report", NULL, REVIEW,
	  "one self-contained HTML page of the stories (--since WHEN)",
	  "One self-contained HTML page of the hit log: a timeline of the stories per topic "
	  "per day published, and each topic's stories with their snippets and links.",
	  fw_cmd_report },
	{ "status", "[FEED]", FEEDS,
	  "each feed: health, last poll, HTTP status, error, next poll; the daemon",
	  "Each feed: health, last poll, HTTP status, next poll, items, hits, and its error "
	  "on the lines under it (failing feeds first); and whether feedwatchd is running. "
	  "With FEED: that feed in full (url, titles, last and next poll and why, HTTP "
	  "validators, failures, the last error uncut, a hint).", fw_cmd_status },
	{ "check", NULL, FEEDS,
	  "validate the config and every query",
	  "Validate the config and every query; exit 1 on any error.", fw_cmd_check },
	{ "match", "QUERY [FILE|URL|-]", FEEDS,
	  "try a query on a feed or text (QUERY [FILE|URL|-])",
	  "Try a query on a feed, or on plain text, and show what matches and why (standard "
	  "input when no FILE or URL is given).", fw_cmd_match },
	{ "backtest", "TOPIC | --query QUERY", FEEDS,
	  "run a topic or a query over every stored item (TOPIC | --query QUERY)",
	  "Run a topic of the config (with its also= queries) or a query over every stored "
	  "item; print the matches and the matches a day.", fw_cmd_backtest },
	{ "parse", "FILE|URL|-", FEEDS,
	  "show how feedwatch reads a feed (FILE, URL or -)",
	  "Show how feedwatch reads a feed: its items, fields as text.", fw_cmd_parse },
	{ "add", "URL", FEEDS,
	  "add a feed to the config, found from a site's page (URL)",
	  "Add a feed to the config: URL is the feed, or a page that announces it "
	  "(<link rel=\"alternate\">). Comments and other lines are kept.", fw_cmd_add },
	{ "watch", "QUERY", FEEDS,
	  "watch for a topic: add a [topic NAME] with QUERY to the config",
	  "Add a topic to the config: a [topic NAME] group with QUERY (checked first, as "
	  "feedwatch check would), NAME made from its words unless --name gives it. A running "
	  "feedwatchd reloads, and looks for it in the feeds' current items at once. Comments "
	  "and other lines are kept.", fw_cmd_watch },
	{ "unwatch", "TOPIC", FEEDS,
	  "stop watching for a topic: remove its [topic NAME] from the config",
	  "Remove a topic from the config: its [topic NAME] group, from the header to its last "
	  "key (and the comment watch wrote above it). Its hits stay in the hit log. A running "
	  "feedwatchd reloads.", fw_cmd_unwatch },
	{ "import", "FILE.opml", FEEDS,
	  "add the feeds of an OPML file to the config (FILE.opml)",
	  "Append a [feed NAME] group to the config for each feed of an OPML file that is not "
	  "there yet (same URL). Comments and other lines are kept.", fw_cmd_import },
	{ "export", NULL, FEEDS,
	  "write the config's feeds as OPML",
	  "Write the config's feeds as an OPML 2.0 subscription list (categories as folders).",
	  fw_cmd_export },
	{ "poll", NULL, FEEDS,
	  "one poll cycle now, in the foreground (--feed F, --no-notify);\n"
	  "when feedwatchd runs, asks it to poll now instead",
	  "One poll cycle of every feed now, in the foreground. When feedwatchd runs, asks it "
	  "to poll now instead, having it reload the config first if the file has changed "
	  "since it read it.", fw_cmd_poll },
	{ "reload", NULL, FEEDS,
	  "make the running feedwatchd reload its config",
	  "Make the running feedwatchd reload its config (SIGHUP), wait until it has, and say "
	  "whether it took the file as it is now.", fw_cmd_reload },
	{ "prune", NULL, FEEDS,
	  "forget old items that hit nothing (--hits-before WHEN: hits too)",
	  "Forget items past the retention that hit nothing; with --hits-before, hits too. The "
	  "daemon prunes items hourly by itself.", fw_cmd_prune },
	{ NULL }
};

/* The usage text: the commands of fw_cmd_table by group, a line each. */
static void
usage(FILE *out)
{
	const char *group = NULL;

	fputs("Usage: feedwatch [-c FILE] [-v] COMMAND [OPTION…] [ARGS]\n", out);
	for (const struct fw_cmd_entry *c = fw_cmd_table; c->name != NULL; c++) {
		g_auto(GStrv) lines = g_strsplit(c->summary, "\n", 0);

		if (g_strcmp0(group, c->group) != 0)
			fprintf(out, "\n%s:\n", c->group);
		group = c->group;
		fprintf(out, "  %-8s  %s\n", c->name, lines[0]);
		for (int i = 1; lines[i] != NULL; i++)
			fprintf(out, "  %-8s  %s\n", "", lines[i]);
	}
	fputs("\nRun 'feedwatch help COMMAND' (or 'feedwatch COMMAND --help') for a command's "
	      "options.\nExit status: 0 done, 1 failed, 2 bad usage or query. See feedwatch(1).\n",
	      out);
}

/* The command called name, or NULL. */
static const struct fw_cmd_entry *
cmd_find(const char *name)
{
	for (const struct fw_cmd_entry *c = fw_cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* "unknown command NAME" (and the nearest command's name) as a usage error. */
static int
cmd_unknown(const char *name)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	const char *near;

	for (const struct fw_cmd_entry *c = fw_cmd_table; c->name != NULL; c++)
		g_ptr_array_add(names, (gpointer)c->name);
	near = fw_cli_nearest(name, (const char *const *)names->pdata, names->len);
	if (near != NULL)
		return fw_cli_usage("unknown command '%s': did you mean %s?", name, near);
	return fw_cli_usage("unknown command '%s'", name);
}

/* The value of option opt ("-c", "--config") at argv[*i]: "--config=V",
 * "-cV" or the next word (then *i moves on). NULL when argv[*i] is not opt;
 * "" when opt has no value. */
static const char *
global_value(int argc, char **argv, int *i, const char *opt)
{
	const char *a = argv[*i];
	size_t n = strlen(opt);

	if (strncmp(a, opt, n) != 0)
		return NULL;
	if (a[n] == '=' && opt[1] == '-')
		return a + n + 1;
	if (a[n] != '\0' && opt[1] != '-')
		return a + n;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

/* Takes the global options before the command (-c FILE, --config=FILE, -v,
 * --test-now=N, --help, --version). The index of the command word, or -1
 * with *rc the status to exit with. */
static int
global_options(int argc, char **argv, int *rc)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v;

		if (strcmp(a, "--") == 0)
			return i + 1;
		if ((v = global_value(argc, argv, &i, "--config")) != NULL ||
		    (v = global_value(argc, argv, &i, "-c")) != NULL) {
			if (*v == '\0') {
				*rc = fw_cli_usage("%s wants a FILE", a);
				return -1;
			}
			g_free(fw_cli_opt_config);
			fw_cli_opt_config = g_strdup(v);
		} else if ((v = global_value(argc, argv, &i, "--test-now")) != NULL) {
			char *end;

			fw_cli_opt_test_now = g_ascii_strtoll(v, &end, 10);
			if (*v == '\0' || *end != '\0') {
				*rc = fw_cli_usage("--test-now wants Unix seconds");
				return -1;
			}
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			fw_cli_opt_verbose = TRUE;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			*rc = 0;
			return -1;
		} else if (strcmp(a, "--version") == 0) {
			printf("feedwatch %s\n", FW_VERSION);
			*rc = 0;
			return -1;
		} else {
			*rc = fw_cli_usage("unknown option '%s' before the command", a);
			return -1;
		}
	}
	return i;
}

int
main(int argc, char **argv)
{
	const struct fw_cmd_entry *cmd;
	char *help_argv[3] = { NULL };
	int first, rc = FW_EXIT_USAGE;

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	fw_log_init(FALSE);
	/* Global options before the command: feedwatch -v -c FILE hits */
	if ((first = global_options(argc, argv, &rc)) < 0)
		return rc;
	fw_log_init(fw_cli_opt_verbose);
	if (first >= argc) {
		usage(stderr);
		return FW_EXIT_USAGE;
	}
	argv[first - 1] = argv[0];
	argv += first - 1;
	argc -= first - 1;
	argv++;
	argc--;
	if (strcmp(argv[0], "help") == 0) {
		if (argc == 1) {
			usage(stdout);
			return 0;
		}
		if (argc > 2)
			return fw_cli_usage("help takes one COMMAND, not '%s'", argv[2]);
		/* feedwatch help CMD: CMD --help */
		if (cmd_find(argv[1]) == NULL)
			return cmd_unknown(argv[1]);
		help_argv[0] = argv[1];
		help_argv[1] = (char *)"--help";
		argv = help_argv;
		argc = 2;
	}
	if ((cmd = cmd_find(argv[0])) == NULL)
		return cmd_unknown(argv[0]);
	fw_cli_cmd = cmd;
	return cmd->run(cmd, argc, argv);
}
