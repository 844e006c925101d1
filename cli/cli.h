/* cli — what the commands of the feedwatch tool share: the command table's
 * entry, option parsing, opening the config and the store, the terminal, and
 * fetching or reading a feed once. One command a file (cli/cmd-*.c), the
 * table in cli/feedwatch.c. Single-threaded; errors are printed on stderr
 * here as "feedwatch COMMAND: ...", and the commands return the exit status
 * of feedwatch(1)'s table: 0 done, 1 failed, FW_EXIT_USAGE. */
#ifndef FW_CLI_H
#define FW_CLI_H

#include <stdio.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "feedwatch/config.h"
#include "feedwatch/feed.h"
#include "feedwatch/lock.h"
#include "feedwatch/sched.h"
#include "feedwatch/store.h"

/* The exit status of a bad option or argument, an unknown topic or feed, a
 * query that does not parse, or a request that cannot be done as asked. */
#define FW_EXIT_USAGE 2

/* One command of the tool: a row of fw_cmd_table. */
struct fw_cmd_entry {
	const char *name;
	const char *synopsis;   /* its arguments after [OPTION…], or NULL */
	const char *group;      /* the heading it is listed under in the usage text */
	const char *summary;    /* its line in the usage text ('\n' continues it) */
	const char *help;       /* what `feedwatch NAME --help` says it does */
	/* Runs the command on argv (argv[0] is its name); returns the exit status. */
	int (*run)(const struct fw_cmd_entry *cmd, int argc, char **argv);
};

/* Every command, in the usage text's order; ends with a NULL name. */
extern const struct fw_cmd_entry fw_cmd_table[];

/* The options every command takes (-c FILE, -v; the tests' hidden
 * --test-now=UNIX_SECONDS), in cli/feedwatch.c. */
extern char *fw_cli_opt_config;
extern gboolean fw_cli_opt_verbose;
extern gint64 fw_cli_opt_test_now;
extern const GOptionEntry fw_cli_common_entries[];

/* The command running (set by main before it runs), or NULL. */
extern const struct fw_cmd_entry *fw_cli_cmd;

int fw_cmd_add(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_backtest(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_browse(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_check(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_export(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_hits(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_import(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_match(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_mute(const struct fw_cmd_entry *cmd, int argc, char **argv);   /* mute, unmute */
int fw_cmd_open(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_parse(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_poll(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_prune(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_read(const struct fw_cmd_entry *cmd, int argc, char **argv);   /* read, unread */
int fw_cmd_reload(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_report(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_show(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_stats(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_status(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_unwatch(const struct fw_cmd_entry *cmd, int argc, char **argv);
int fw_cmd_watch(const struct fw_cmd_entry *cmd, int argc, char **argv);

/* ---- options and errors ------------------------------------------------ */

/* Parses cmd's options (entries, NULL for none, plus the common ones); --help
 * prints cmd's synopsis and help and exits 0. FALSE on a usage error (printed). */
gboolean fw_cli_parse_options(const struct fw_cmd_entry *cmd, const GOptionEntry *entries,
                              int *argc, char ***argv);

/* Prints "feedwatch CMD: message" and "Try 'feedwatch CMD --help'." on
 * stderr (CMD: fw_cli_cmd; without one, the tool's); returns FW_EXIT_USAGE. */
int fw_cli_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* fw_cli_usage for a WHEN (fw_config_parse_when) that does not parse:
 * "bad OPTION 'VALUE' (e.g. ...)", the forms it takes. */
int fw_cli_bad_when(const char *option, const char *value);

/* Prints on stderr, as command cmd, why query (which fw_query_parse refused
 * at column col) does not parse, with a caret under the column ("feedwatch
 * CMD: query:COL: what"); returns FW_EXIT_USAGE. */
int fw_cli_query_error(const char *cmd, const char *query, guint col, const char *what);

/* Prints on stderr, as command cmd, the likely slip in query (fw_query_hint)
 * with a caret under it, if it has one ("feedwatch CMD: query:COL: warning:
 * ..."). */
void fw_cli_query_hint(const char *cmd, const char *query);

/* Prints "feedwatch CMD: message" on stderr; returns 1 (the error exit status). */
int fw_cli_fail(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Parses a hit number (> 0) into *out; FALSE for anything else. */
gboolean fw_cli_hit_id(const char *s, gint64 *out);

/* Appends the hit numbers of s to ids (of gint64): a number, a range "1-3"
 * or a comma-separated list of them ("1-3,7"). FALSE (ids unchanged) for
 * anything else, a range going down or more than FW_CLI_MAX_IDS numbers. */
#define FW_CLI_MAX_IDS 100000
gboolean fw_cli_hit_ids(const char *s, GArray *ids);

/* The element of candidates (NULL-terminated; NULL entries skipped up to n)
 * nearest to name by edit distance (ignoring case), when near enough to be
 * a likely misspelling; else NULL. */
const char *fw_cli_nearest(const char *name, const char *const *candidates, guint n);

/* ---- names of topics and feeds ------------------------------------------ */

/* The topic keys named by names (NULL-terminated): each a topic's key or
 * display name in cfg, or (store not NULL) a topic that has hits in store.
 * A new list (g_strfreev), or NULL after printing "no topic X ... did you
 * mean Y?" and hint (a line, or NULL) as a usage error. names NULL: NULL,
 * and nothing printed. Each key once, however often it is named. */
char **fw_cli_topic_keys(const struct fw_config *cfg, struct fw_store *store, char **names,
                         const char *hint);

/* Checks that each of names is a feed key of cfg or, with store, one the
 * store knows; FALSE after printing the usage error for the first that is
 * not. A name given twice is dropped from names (freed) the second time. */
gboolean fw_cli_feed_keys_ok(const struct fw_config *cfg, struct fw_store *store, char **names);

/* ---- config and store -------------------------------------------------- */

/* Loads the config (-c FILE, else the default); prints its problems.
 * Returns NULL on failure. */
struct fw_config *fw_cli_load_config(void);

/* The config's path: fw_config_find's (-c FILE, the user's, the system's);
 * else, when feedwatchd runs on the default database, the file it runs on
 * (said on stderr). NULL with error (FW_CONFIG_ERROR_NOT_FOUND). */
char *fw_cli_config_find(GError **error);

/* fw_cli_load_config with the queries kept as written, not compiled: for
 * the commands that need topics' names only. */
struct fw_config *fw_cli_load_config_names(void);

/* fw_cli_load_config for the commands that add feeds (add, import): where
 * there is no config yet (none found, or -c FILE missing), an empty one
 * whose path is where fw_cli_config_append will make it. */
struct fw_config *fw_cli_load_config_adding(void);

/* A command's config and store, opened together and freed together. */
struct fw_cli_db {
	struct fw_config *cfg;
	struct fw_store *store;
	gboolean fresh;   /* a reader's database does not exist yet: store is empty, in memory */
};

/* Loads the config (names only: queries are not compiled, and a bad query
 * is not an error here; fw_config_load_names) and opens its store into db;
 * prints what failed and returns FALSE (db then holds nothing). reader: the command only reads, so a
 * database it cannot write is opened read-only instead of refused, and one
 * that does not exist is not created: the store is then an empty one in
 * memory (db->fresh) and "nothing has been polled yet" is said on stderr. */
gboolean fw_cli_db_open(struct fw_cli_db *db, gboolean reader);

/* Opens cfg's store into db (db takes cfg, also on failure: freed then);
 * reader as for fw_cli_db_open. Prints what failed and returns FALSE. */
gboolean fw_cli_db_open_store(struct fw_cli_db *db, struct fw_config *cfg, gboolean reader);

/* Frees what db holds; returns rc (a command's last line: return fw_cli_db_close(&db, rc)). */
int fw_cli_db_close(struct fw_cli_db *db, int rc);

/* ---- the running daemon ------------------------------------------------ */

/* How long `feedwatch reload` (or a poll that reloads first) waits for
 * feedwatchd to begin the reload, in seconds (then as long as it takes),
 * unless FEEDWATCH_RELOAD_WAIT says (a whole number of seconds). */
#define FW_CLI_RELOAD_WAIT 60

/* Asks feedwatchd h (it holds cfg's database) to reload its config (SIGHUP)
 * and waits until its lock file counts the reload; says how it went, as
 * command cmd: on stdout when it took cfg's file as it is now, else on
 * stderr (it kept its config, did not begin in time, stopped, or cannot be
 * signalled). A feedwatchd that does not count reloads (an older one) is
 * signalled and not waited for. 0 when it reloaded (or was asked), else 1. */
int fw_cli_daemon_reload(const char *cmd, const struct fw_config *cfg,
                         const struct fw_lock_holder *h);

/* Sends feedwatchd (pid) signal sig, as command cmd: 0, or 1 having said
 * why it cannot be (with a hint when it runs as another user). */
int fw_cli_daemon_signal(const char *cmd, pid_t pid, int sig);

/* Asks feedwatchd h to poll feeds (keys; NULL: every feed), with reload
 * after having it reload cfg's file (fw_cli_daemon_reload; *rc says how
 * that went), in a request the reload's end takes. With reply, when h
 * answers (fw_lock_holder.replies), *id names the request whose reply
 * fw_cli_daemon_poll_wait waits for; else *id is NULL. FALSE (and *rc 1),
 * having said why, when the daemon was not asked. */
gboolean fw_cli_daemon_poll_ask(const char *cmd, const struct fw_config *cfg,
                                const struct fw_lock_holder *h, char **feeds, gboolean reply,
                                gboolean reload, char **id, int *rc);

/* Waits for feedwatchd h's reply to its poll request id
 * (fw_lock_request_put with reply) and prints the figures on stderr as
 * command cmd, as a foreground poll does. A daemon that takes the request
 * without answering (an older one) is not waited for; one that does not
 * take it within fw_cli_daemon_wait() seconds is. SIGINT or SIGTERM stop
 * the waiting (the daemon polls on). 0, or 1 when a feed failed, the daemon
 * did not take the request or stopped, or the wait was cut. */
int fw_cli_daemon_poll_wait(const char *cmd, const struct fw_config *cfg,
                            const struct fw_lock_holder *h, const char *id);

/* How long (seconds) a daemon gets to begin what it was asked:
 * FEEDWATCH_RELOAD_WAIT when that is a number of seconds (1 to a day), else
 * FW_CLI_RELOAD_WAIT. */
int fw_cli_daemon_wait(void);

/* Whether feedwatchd h runs on cfg's file as it is now: FALSE when its lock
 * file names that file with another digest (edited since it was read);
 * TRUE when it does not say, or names another file. */
gboolean fw_cli_daemon_config_current(const struct fw_config *cfg, const struct fw_lock_holder *h);

/* ---- the terminal ------------------------------------------------------ */

/* TRUE when stdout is a terminal and NO_COLOR is unset or empty. */
gboolean fw_cli_use_color(void);

/* When stdout is a terminal, prints "feedwatch CMD: " what on stderr: an
 * empty result says so to a person, never to a script. */
void fw_cli_say_empty(const char *what);

/* The terminal's columns: $COLUMNS, else the terminal's, else 100. */
guint fw_cli_term_width(void);

/* s for the terminal: control characters and bidi overrides as spaces, cut to max columns with
 * "…". Caller frees. */
char *fw_cli_term_cut(const char *s, guint max);

/* The command that opens url in the browser, to run without a shell:
 * $BROWSER (the first of a colon-separated list, split into words as a
 * shell would; "%s" in a word is the URL, else the URL is added), else
 * xdg-open. NULL with error when $BROWSER does not split. g_strfreev it. */
gchar **fw_cli_browser_argv(const char *url, GError **error);

/* The marks to render a snippet with before fw_cli_term_marked (which
 * blanks control characters, so escapes cannot go through it): private-use
 * characters U+E000 and U+E001. */
#define FW_CLI_MARK_OPEN "\xee\x80\x80"
#define FW_CLI_MARK_CLOSE "\xee\x80\x81"

/* text rendered with FW_CLI_MARK_OPEN/CLOSE, as fw_cli_term_cut (cut to max
 * characters) with its marks made bold escapes (color) or [ ]. Caller frees. */
char *fw_cli_term_marked(const char *text, guint max, gboolean color);

struct fw_snippet;
/* The snippet sn with its marks, as fw_cli_term_marked: a U+E000 or U+E001
 * of the feed's own text shows as U+FFFD, never as a mark. Caller frees. */
char *fw_cli_snippet_marked(const struct fw_snippet *sn, guint max, gboolean color);

/* ---- JSON -------------------------------------------------------------- */

/* Adds member name: v, or null for NULL. */
void fw_cli_json_str(JsonBuilder *b, const char *name, const char *v);

/* Adds member name: Unix seconds t as RFC 3339 UTC, or null for FW_TIME_NONE
 * (and for 0 when zero_is_none). */
void fw_cli_json_time(JsonBuilder *b, const char *name, gint64 t, gboolean zero_is_none);

/* Prints the builder's value as one line of JSON on stdout. */
void fw_cli_json_puts(JsonBuilder *b);

/* The builder's value as one line of JSON, without its newline; caller frees. */
char *fw_cli_json_text(JsonBuilder *b);

/* ---- feeds and files --------------------------------------------------- */

/* statuses (of struct fw_feed_status *) indexed by feed key: a new table of
 * borrowed pointers, valid while statuses is; caller unrefs. */
GHashTable *fw_cli_status_index(const GPtrArray *statuses);

/* All of standard input (reading stops once it holds more than max bytes;
 * 0: no limit) in a new string; its length in *len. */
char *fw_cli_read_stdin(gsize max, gsize *len);

/* GETs url (timeout s, at most max_size bytes) and parses it as a feed.
 * final_url, body (optional): where it ended and what it said, set whenever
 * the fetch succeeded. NULL with error: G_IO_ERROR_FAILED when the fetch
 * failed, else the parser's. */
struct fw_feed_doc *fw_cli_fetch_feed(const char *url, gint64 timeout, gint64 max_size,
                                      char **final_url, GBytes **body, GError **error);

/* Reads and parses a feed from a file, an http(s) URL or "-" (stdin). */
struct fw_feed_doc *fw_cli_read_feed(const char *src, GError **error);

/* A command's -o FILE, open for writing (fw_cli_output_open). */
struct fw_cli_output {
	FILE *f;      /* write here */
	char *path;   /* FILE, as given */
	char *tmp;    /* the temporary file renamed onto path when done; NULL when
	               * path itself is written (a character device, a FIFO) */
};

/* Opens path for cmd to write: a missing or regular file through a new
 * temporary file beside it (created exclusively, never through a link; mode
 * 0666 less the umask, or the old file's), renamed onto path by
 * fw_cli_output_close; a character device or a FIFO is written in place (no
 * O_CREAT, no rename), but a terminal is refused when no_tty. A symbolic
 * link (never followed), a folder, a socket or a block device is refused.
 * FALSE after printing why (naming path, or its folder), path untouched. */
gboolean fw_cli_output_open(const char *cmd, const char *path, gboolean no_tty,
                            struct fw_cli_output *out);

/* Finishes out (opened by fw_cli_output_open): flushes and closes it and
 * renames the temporary file onto path; with abandon, or when a write
 * failed, removes the temporary file instead and path keeps what it held.
 * FALSE after printing why (unless abandoned); out then holds nothing. */
gboolean fw_cli_output_close(const char *cmd, struct fw_cli_output *out, gboolean abandon);

/* ---- editing the config ------------------------------------------------ */

/* Whether the config as it would be with the addition (loaded) holds what
 * the command meant; FALSE with the reason printed. */
typedef gboolean (*fw_cli_config_verify)(const struct fw_config *with, gpointer data);

/* Appends block to the config file at path, after checking that the config
 * with it still loads (and, given verify, that verify passes it); never
 * rewrites a byte already there. A path that does not exist is made (its
 * folders 0700, the file 0600, starting with a comment on what goes in it)
 * and said so. FALSE with the reason printed (as "feedwatch CMD: ..."). */
gboolean fw_cli_config_append(const char *cmd, const char *path, const char *block,
                              fw_cli_config_verify verify, gpointer data);

/* Adds the config's feed names to names and their canonical URLs (to the
 * name) to urls. */
void fw_cli_config_taken(const struct fw_config *cfg, GHashTable *names, GHashTable *urls);

/* After cmd has added to the config file at cfg->path: when feedwatchd runs
 * on cfg's database and that file, has it reload (fw_cli_daemon_reload);
 * when it runs on another file, says so. Then, with poll_feeds (keys),
 * waits for their first poll and prints its figures
 * (fw_cli_daemon_poll_wait). 0, or 1 when the reload or a feed failed. */
int fw_cli_reload_edited(const char *cmd, const struct fw_config *cfg, char **poll_feeds);

#endif
