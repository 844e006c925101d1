/* cli — what the commands of the feedwatch tool share. See cli/cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>

#include "feedwatch/fetch.h"
#include "feedwatch/lock.h"
#include "feedwatch/topic.h"
#include "feedwatch/log.h"

#include "cli.h"
#include "hitlog.h"

/* ---- options and errors ------------------------------------------------ */

const struct fw_cmd_entry *fw_cli_cmd;

/* "feedwatch CMD" for the command running, else "feedwatch". */
static const char *
who(void)
{
	static char buf[64];

	if (fw_cli_cmd == NULL)
		return "feedwatch";
	g_snprintf(buf, sizeof buf, "feedwatch %s", fw_cli_cmd->name);
	return buf;
}

/* The entry of short option c in entries, or NULL. */
static const GOptionEntry *
short_entry(const GOptionEntry *entries, char c)
{
	for (; entries != NULL && entries->long_name != NULL; entries++)
		if (entries->short_name == c)
			return entries;
	return NULL;
}

/* The entry of long option name (as given, "--name" without "=VALUE") in
 * entries, or NULL. */
static const GOptionEntry *
long_entry(const GOptionEntry *entries, const char *name)
{
	for (; entries != NULL && entries->long_name != NULL; entries++)
		if (strcmp(entries->long_name, name) == 0)
			return entries;
	return NULL;
}

/* The first argument before "--" that starts with one '-' and is no option
 * nor group of flags ("-china": a query), or NULL. GLib would read it as
 * -c hina or print the help. */
static const char *
stray_dash_arg(const GOptionEntry *entries, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] == '-' && a[2] != '\0' && strchr(a, '=') == NULL) {
			/* --name VALUE: the value may start with '-' (--since -7d) */
			const GOptionEntry *e = long_entry(entries, a + 2);
			if (e == NULL)
				e = long_entry(fw_cli_common_entries, a + 2);
			if (e != NULL && e->arg != G_OPTION_ARG_NONE)
				i++;
			continue;
		}
		if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
			continue;
		if (a[2] == '\0') {   /* -x: an option taking a value skips it */
			const GOptionEntry *e = short_entry(entries, a[1]);
			if (e == NULL)
				e = short_entry(fw_cli_common_entries, a[1]);
			if (e != NULL && e->arg != G_OPTION_ARG_NONE)
				i++;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const GOptionEntry *e = short_entry(entries, *p);
			if (e == NULL)
				e = short_entry(fw_cli_common_entries, *p);
			if (e == NULL || e->arg != G_OPTION_ARG_NONE)
				return a;
		}
	}
	return NULL;
}

gboolean
fw_cli_parse_options(const struct fw_cmd_entry *cmd, const GOptionEntry *entries, int *argc,
                     char ***argv)
{
	g_autofree char *prg = g_strdup_printf("feedwatch %s", cmd->name);
	g_autoptr(GOptionContext) ctx = g_option_context_new(cmd->synopsis);
	g_autoptr(GError) err = NULL;
	const char *stray;

	fw_cli_cmd = cmd;
	g_set_prgname(prg);   /* "Usage: feedwatch hits [OPTION…]" */

	g_option_context_set_summary(ctx, cmd->help);
	g_option_context_set_description(ctx, "Global options (-c, -v) go before or after the "
	                                 "command. Exit status: 0 done, 1 failed, 2 bad usage "
	                                 "or query. See feedwatch(1).");
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_main_entries(ctx, fw_cli_common_entries, NULL);
	if ((stray = stray_dash_arg(entries, *argc, *argv)) != NULL) {
		fprintf(stderr, "feedwatch %s: '%s' is not an option; an argument that starts "
		        "with '-' (a query such as -china) goes after '--': feedwatch %s -- %s ...\n"
		        "Try 'feedwatch %s --help'.\n", cmd->name, stray, cmd->name, stray, cmd->name);
		return FALSE;
	}
	if (!g_option_context_parse(ctx, argc, argv, &err)) {
		fprintf(stderr, "feedwatch %s: %s\nTry 'feedwatch %s --help'.\n", cmd->name,
		        err->message, cmd->name);
		return FALSE;
	}
	fw_log_init(fw_cli_opt_verbose);
	/* GLib keeps "--" when an argument after it starts with '-': drop it. */
	for (int i = 1; i < *argc; i++) {
		if (strcmp((*argv)[i], "--") == 0) {
			memmove(*argv + i, *argv + i + 1, (*argc - i) * sizeof(char *));
			(*argc)--;
			break;
		}
	}
	return TRUE;
}

int
fw_cli_usage(const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", who(), msg);
	if (fw_cli_cmd != NULL)
		fprintf(stderr, "Try 'feedwatch %s --help'.\n", fw_cli_cmd->name);
	else
		fprintf(stderr, "Try 'feedwatch --help'.\n");
	return FW_EXIT_USAGE;
}

int
fw_cli_bad_when(const char *option, const char *value)
{
	return fw_cli_usage("bad %s '%s' (e.g. 2024-11-26, 36h, 7d, yesterday)", option, value);
}

int
fw_cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "feedwatch %s: %s\n", cmd, msg);
	return 1;
}

gboolean
fw_cli_hit_id(const char *s, gint64 *out)
{
	char *end;

	if (!g_ascii_isdigit(*s))
		return FALSE;
	errno = 0;
	*out = g_ascii_strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && *out > 0;
}

gboolean
fw_cli_hit_ids(const char *s, GArray *ids)
{
	g_auto(GStrv) parts = g_strsplit(s, ",", -1);
	g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(gint64));

	for (int i = 0; parts[i] != NULL; i++) {
		g_auto(GStrv) ends = g_strsplit(parts[i], "-", 3);
		gint64 lo, hi;

		if (ends[0] == NULL || !fw_cli_hit_id(ends[0], &lo))
			return FALSE;
		hi = lo;
		if (ends[1] != NULL && (ends[2] != NULL || !fw_cli_hit_id(ends[1], &hi)))
			return FALSE;
		if (hi < lo || hi - lo >= FW_CLI_MAX_IDS - (gint64)got->len)
			return FALSE;
		for (gint64 id = lo; id <= hi; id++)
			g_array_append_val(got, id);
	}
	if (got->len == 0 || ids->len + got->len > FW_CLI_MAX_IDS)
		return FALSE;
	g_array_append_vals(ids, got->data, got->len);
	return TRUE;
}

/* The Levenshtein distance between a and b (casefolded, by characters). */
static guint
edit_distance(const char *a, const char *b)
{
	g_autofree char *fa = g_utf8_casefold(a, -1), *fb = g_utf8_casefold(b, -1);
	g_autofree gunichar *ua = g_utf8_to_ucs4_fast(fa, -1, NULL);
	g_autofree gunichar *ub = g_utf8_to_ucs4_fast(fb, -1, NULL);
	glong la = g_utf8_strlen(fa, -1), lb = g_utf8_strlen(fb, -1);
	g_autofree guint *row = g_new(guint, lb + 1);

	for (glong j = 0; j <= lb; j++)
		row[j] = (guint)j;
	for (glong i = 1; i <= la; i++) {
		guint diag = row[0];

		row[0] = (guint)i;
		for (glong j = 1; j <= lb; j++) {
			guint up = row[j];

			row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + (ua[i - 1] != ub[j - 1]));
			diag = up;
		}
	}
	return row[lb];
}

const char *
fw_cli_nearest(const char *name, const char *const *candidates, guint n)
{
	const char *best = NULL;
	guint best_d = G_MAXUINT, len = (guint)g_utf8_strlen(name, -1);

	for (guint i = 0; i < n; i++) {
		guint d;

		if (candidates[i] == NULL)
			continue;
		d = edit_distance(name, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	/* A likely misspelling: a few edits, fewer than a third of the name. */
	return best != NULL && best_d > 0 && best_d <= MAX(2, len / 3) && best_d < len ? best : NULL;
}

/* "feedwatch CMD: query:COL: [warning: ]what", the query, and a caret. */
static void
query_problem(const char *cmd, const char *query, guint col, const char *what, gboolean warning)
{
	fprintf(stderr, "feedwatch %s: query:%u: %s%s\n    %s\n    %*s^\n", cmd, col,
	        warning ? "warning: " : "", what, query, (int)(col > 0 ? col - 1 : 0), "");
}

int
fw_cli_query_error(const char *cmd, const char *query, guint col, const char *what)
{
	query_problem(cmd, query, col, what, FALSE);
	return FW_EXIT_USAGE;
}

void
fw_cli_query_hint(const char *cmd, const char *query)
{
	guint col = 0;
	g_autofree char *hint = fw_query_hint(query, &col);

	if (hint != NULL)
		query_problem(cmd, query, col, hint, TRUE);
}

/* ---- names of topics and feeds ------------------------------------------ */

/* TRUE when store holds a hit of topic (or, !topic, from feed) name. */
static gboolean
store_has_hit(struct fw_store *store, const char *name, gboolean topic)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	char *names[] = { (char *)name, NULL };
	struct fw_hit_filter f = { .limit = 1 };

	if (store == NULL)
		return FALSE;
	if (topic)
		f.topics = names;
	else
		f.feeds = names;
	return fw_store_hits(store, &f, rows, NULL) && rows->len > 0;
}

/* Prints "no KIND 'name' in CONFIG", the nearest candidate and hint (a
 * line of its own, or NULL) as a usage error. */
static void
unknown_name(const char *kind, const char *name, const struct fw_config *cfg, GPtrArray *cands,
             const char *hint)
{
	const char *near = fw_cli_nearest(name, (const char *const *)cands->pdata, cands->len);
	g_autofree char *shown = fw_cli_term_cut(name, 60);

	fw_cli_usage("no %s '%s' in %s%s%s%s%s%s", kind, shown, cfg->path,
	             near ? ": did you mean " : "", near ? near : "", near ? "?" : "",
	             hint ? "\n" : "", hint ? hint : "");
}

char **
fw_cli_topic_keys(const struct fw_config *cfg, struct fw_store *store, char **names,
                  const char *hint)
{
	g_autoptr(GStrvBuilder) keys = g_strv_builder_new();
	g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (names == NULL)
		return NULL;
	for (int k = 0; names[k] != NULL; k++) {
		g_autofree char *fold = g_utf8_casefold(names[k], -1);
		g_autoptr(GPtrArray) cands = g_ptr_array_new();
		gboolean found = FALSE;

		for (guint i = 0; i < cfg->topics->len; i++) {
			const struct fw_topic_conf *t = cfg->topics->pdata[i];
			g_autofree char *tf = t->name ? g_utf8_casefold(t->name, -1) : NULL;

			if (strcmp(t->key, names[k]) == 0 || g_strcmp0(tf, fold) == 0) {
				if (g_hash_table_add(taken, g_strdup(t->key)))   /* each topic once */
					g_strv_builder_add(keys, t->key);
				found = TRUE;
			}
			g_ptr_array_add(cands, t->key);
			if (t->name != NULL && strcmp(t->name, t->key) != 0)
				g_ptr_array_add(cands, t->name);
		}
		if (!found && store_has_hit(store, names[k], TRUE)) {
			if (g_hash_table_add(taken, g_strdup(names[k])))   /* a topic that left the config */
				g_strv_builder_add(keys, names[k]);
			found = TRUE;
		}
		if (!found && store != NULL) {
			/* ... or by the display name its hits carry */
			g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func(
				(GDestroyNotify)fw_store_browse_count_free);

			if (fw_store_browse_counts(store, counts, NULL)) {
				for (guint i = 0; i < counts->len; i++) {
					const struct fw_browse_count *bc = counts->pdata[i];
					g_autofree char *nf = bc->topic_name ? g_utf8_casefold(bc->topic_name, -1) : NULL;

					if (bc->topic != NULL && g_strcmp0(nf, fold) == 0) {
						if (g_hash_table_add(taken, g_strdup(bc->topic)))
							g_strv_builder_add(keys, bc->topic);
						found = TRUE;
					}
				}
			}
		}
		if (!found) {
			unknown_name("topic", names[k], cfg, cands, hint);
			return NULL;
		}
	}
	return g_strv_builder_end(keys);
}

gboolean
fw_cli_feed_keys_ok(const struct fw_config *cfg, struct fw_store *store, char **names)
{
	/* each feed once (the store reads a key an arm): repeats dropped in place */
	if (names != NULL) {
		int n = 0;

		for (int k = 0; names[k] != NULL; k++) {
			gboolean seen = FALSE;

			for (int j = 0; j < n && !seen; j++)
				seen = strcmp(names[j], names[k]) == 0;
			if (seen)
				g_free(names[k]);
			else
				names[n++] = names[k];
		}
		names[n] = NULL;
	}
	for (int k = 0; names != NULL && names[k] != NULL; k++) {
		g_autoptr(GPtrArray) cands = g_ptr_array_new();
		gboolean found = FALSE;

		for (guint i = 0; i < cfg->feeds->len; i++) {
			const struct fw_feed_conf *fc = cfg->feeds->pdata[i];

			found |= strcmp(fc->key, names[k]) == 0;
			g_ptr_array_add(cands, fc->key);
		}
		if (!found && !store_has_hit(store, names[k], FALSE)) {
			unknown_name("feed", names[k], cfg, cands, NULL);
			return FALSE;
		}
	}
	return TRUE;
}

/* ---- config and store -------------------------------------------------- */

char *
fw_cli_config_find(GError **error)
{
	g_autofree char *db = NULL;
	struct fw_lock_holder h;
	char *path = fw_config_find(fw_cli_opt_config, error);

	if (path != NULL || !g_error_matches(*error, FW_CONFIG_ERROR, FW_CONFIG_ERROR_NOT_FOUND))
		return path;
	/* None of the user's: the file of a feedwatchd on the default database
	 * (`make run` starts one on the example). */
	db = fw_config_default_database();
	if (!fw_lock_holder_read(db, &h) || !fw_lock_holder_is_daemon(&h) || h.config[0] == '\0' ||
	    !g_file_test(h.config, G_FILE_TEST_IS_REGULAR))
		return NULL;
	g_clear_error(error);
	fprintf(stderr, "%s: no config of your own: using %s, the one feedwatchd (pid %ld) runs on\n",
	        who(), h.config, (long)h.pid);
	return g_strdup(h.config);
}

/* The config, with its queries compiled unless names_only (every problem
 * printed); NULL when it cannot be used. */
static struct fw_config *
load_config(gboolean names_only)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = fw_cli_config_find(&err);
	struct fw_config *cfg;

	if (path == NULL) {
		fprintf(stderr, "%s: %s\n", who(), err->message);
		return NULL;
	}
	cfg = names_only ? fw_config_load_names(path, errors, &err)
	                 : fw_config_load(path, errors, &err);
	if (cfg == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "%s: %s\n", who(), err->message);
	}
	return cfg;
}

struct fw_config *
fw_cli_load_config(void)
{
	return load_config(FALSE);
}

struct fw_config *
fw_cli_load_config_names(void)
{
	return load_config(TRUE);
}

struct fw_config *
fw_cli_load_config_adding(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = fw_cli_config_find(&err);

	if (path != NULL ? g_file_test(path, G_FILE_TEST_EXISTS)
	                 : !g_error_matches(err, FW_CONFIG_ERROR, FW_CONFIG_ERROR_NOT_FOUND))
		return load_config(FALSE);
	if (path == NULL)
		path = g_build_filename(g_get_user_config_dir(), "feedwatch", "feedwatch.conf", NULL);
	return fw_config_load_data(path, "", 0, errors, NULL);
}

/* The memory map the tool reads the database through (bytes). */
#define FW_CLI_MMAP (G_GINT64_CONSTANT(1) << 30)

gboolean
fw_cli_db_open_store(struct fw_cli_db *db, struct fw_config *cfg, gboolean reader)
{
	g_autoptr(GError) err = NULL;
	struct stat st;
	int e = 0;

	db->cfg = cfg;
	/* not there, or not ours to see (the system service's folder): not the same */
	if (reader && !fw_store_is_pg(cfg->database) && stat(cfg->database, &st) != 0 &&
	    (e = errno) != ENOENT) {
		fprintf(stderr, "%s: cannot read the database %s: %s%s\n", who(), cfg->database,
		        g_strerror(e), e == EACCES ? " (it is another user's, the system service's "
		        "maybe: run this as that user, or as root)" : "");
		fw_cli_db_close(db, 1);
		return FALSE;
	}
	if (e == ENOENT) {
		/* A reader never creates the database: an empty one in memory. */
		fprintf(stderr, "%s: nothing has been polled yet (no database %s): start feedwatchd "
		        "or run 'feedwatch poll'\n", who(), cfg->database);
		db->fresh = TRUE;
		db->store = fw_store_open(":memory:", &err);
	} else {
		db->store = fw_store_open(cfg->database, &err);
	}
	if (db->store == NULL && reader &&
	    g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_READONLY)) {
		g_clear_error(&err);
		db->store = fw_store_open_readonly(cfg->database, &err);
	}
	if (db->store == NULL) {
		fprintf(stderr, "%s: %s\n", who(), err->message);
		fw_cli_db_close(db, 1);
		return FALSE;
	}
	/* a reader of a year of hits reads it mapped, not copied page by page */
	fw_store_set_mmap(db->store, FW_CLI_MMAP);
	/* on a team database read state is this person's */
	fw_store_set_subscriber(db->store, cfg->subscriber);
	return TRUE;
}

gboolean
fw_cli_db_open(struct fw_cli_db *db, gboolean reader)
{
	struct fw_config *cfg;

	memset(db, 0, sizeof *db);
	/* the hit log's readers need topics' names, not their matchers */
	cfg = load_config(TRUE);
	return cfg != NULL && fw_cli_db_open_store(db, cfg, reader);
}

int
fw_cli_db_close(struct fw_cli_db *db, int rc)
{
	fw_store_free(db->store);
	fw_config_free(db->cfg);
	memset(db, 0, sizeof *db);
	return rc;
}

/* ---- the running daemon ------------------------------------------------ */

gboolean
fw_cli_daemon_config_current(const struct fw_config *cfg, const struct fw_lock_holder *h)
{
	return h->digest[0] == '\0' || !fw_lock_holder_config_is(h, cfg->path) ||
	       strcmp(h->digest, cfg->digest) == 0;
}

int
fw_cli_daemon_wait(void)
{
	const char *v = g_getenv("FEEDWATCH_RELOAD_WAIT");
	gint64 n;

	if (v && g_ascii_string_to_signed(v, 10, 1, 86400, &n, NULL))
		return (int)n;
	return FW_CLI_RELOAD_WAIT;
}

int
fw_cli_daemon_signal(const char *cmd, pid_t pid, int sig)
{
	int e;

	if (kill(pid, sig) == 0)
		return 0;
	e = errno;
	return fw_cli_fail(cmd, "cannot signal feedwatchd (pid %ld): %s%s", (long)pid, g_strerror(e),
	                   e == EPERM ? " (it runs as another user, the system service maybe: run "
	                                "this as that user, or as root)" : "");
}

static volatile sig_atomic_t wait_interrupted;

/* Blanks the progress line on standard error (a terminal) if *shown. */
static void
progress_clear(gboolean *shown)
{
	if (*shown)
		fprintf(stderr, "\r%*s\r", 72, "");
	*shown = FALSE;
}

static void
wait_signal_handler(int sig)
{
	wait_interrupted = sig;
}

/* Prints the daemon's reply text ("done OK FAILED SKIPPED ITEMS HITS" and
 * a "failed KEY ERROR" line a feed) as a foreground poll's figures, on
 * stderr. 1 when a feed failed. */
static int
print_reply(const char *cmd, pid_t pid, const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	guint ok = 0, failed = 0, skipped = 0, items = 0, hits = 0, named = 0;

	fflush(stdout);   /* what the command said first comes first */
	if (sscanf(lines[0], "done %u %u %u %u %u", &ok, &failed, &skipped, &items, &hits) != 5)
		return fw_cli_fail(cmd, "feedwatchd (pid %ld) answered what this feedwatch cannot "
		                   "read (another version?)", (long)pid);
	for (int i = 1; lines[i] != NULL; i++)
		if (g_str_has_prefix(lines[i], "failed ") && ++named) {
			g_autofree char *line = fw_cli_term_cut(lines[i] + 7, 500);
			char *sp = strchr(line, ' ');

			if (sp != NULL)
				*sp = '\0';
			fprintf(stderr, "feedwatch %s: %s: %s\n", cmd, line, sp ? sp + 1 : "failed");
		}
	if (failed > named)
		fprintf(stderr, "feedwatch %s: and %u more failed (feedwatch status lists them)\n", cmd,
		        failed - named);
	fprintf(stderr, "feedwatch %s: feedwatchd polled %u feed%s (%u failed): %u new item%s, "
	        "%u new hit%s%s\n", cmd, ok + failed, ok + failed == 1 ? "" : "s", failed, items,
	        items == 1 ? "" : "s", hits, hits == 1 ? "" : "s",
	        hits > 0 ? " (feedwatch hits lists them)" : "");
	if (skipped > 0)
		fprintf(stderr, "feedwatch %s: %u feed%s not fetched: gone (HTTP 410), or %s host "
		        "asked to wait (see feedwatch status)\n", cmd, skipped, skipped == 1 ? "" : "s",
		        skipped == 1 ? "its" : "their");
	return failed > 0 ? 1 : 0;
}

gboolean
fw_cli_daemon_poll_ask(const char *cmd, const struct fw_config *cfg, const struct fw_lock_holder *h,
                       char **feeds, gboolean reply, gboolean reload, char **id, int *rc)
{
	g_autoptr(GError) err = NULL;

	*id = NULL;
	*rc = 0;
	reply = reply && h->replies;
	if (reload && !reply)
		*rc = fw_cli_daemon_reload(cmd, cfg, h);
	/* Every feed: SIGUSR1 for a daemon that does not answer (an older one
	 * reads no "*"), else a request like --feed's. */
	if ((feeds != NULL || reply) && !fw_lock_request_put(cfg->database, feeds, reply, id, &err)) {
		*rc = fw_cli_fail(cmd, "cannot ask feedwatchd (pid %ld) to poll: %s", (long)h->pid,
		                  err->message);
		return FALSE;
	}
	if (reload && reply) {
		/* taken at the end of the reload: a new feed's first poll is then
		 * the one reported, not a second one after it */
		*rc = fw_cli_daemon_reload(cmd, cfg, h);
		if (*rc != 0 && fw_lock_request_waiting(cfg->database, *id)) {
			fw_lock_request_drop(cfg->database, *id);
			g_clear_pointer(id, g_free);
			return FALSE;
		}
		return TRUE;
	}
	if (fw_cli_daemon_signal(cmd, h->pid, *id != NULL ? SIGUSR2 : SIGUSR1) != 0) {
		if (*id != NULL)
			fw_lock_request_drop(cfg->database, *id);
		g_clear_pointer(id, g_free);
		*rc = 1;
		return FALSE;
	}
	if (!reply)
		g_clear_pointer(id, g_free);
	return TRUE;
}

int
fw_cli_daemon_poll_wait(const char *cmd, const struct fw_config *cfg, const struct fw_lock_holder *h,
                        const char *id)
{
	struct sigaction sa = { .sa_handler = wait_signal_handler }, old_int, old_term;
	int wait = fw_cli_daemon_wait(), rc = -1;
	gint64 start = g_get_monotonic_time(), until = start + wait * G_USEC_PER_SEC;
	gboolean tty = isatty(STDERR_FILENO), shown = FALSE;
	guint done, total, last = G_MAXUINT;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (rc < 0) {
		struct fw_lock_holder now;
		g_autofree char *text = NULL;

		if (wait_interrupted) {
			progress_clear(&shown);
			fw_lock_request_drop(cfg->database, id);
			rc = fw_cli_fail(cmd, "stopped waiting: feedwatchd (pid %ld) polls on, and its "
			                 "log and `feedwatch hits` will show what it finds", (long)h->pid);
		} else if (!fw_lock_holder_read(cfg->database, &now) || now.pid != h->pid) {
			progress_clear(&shown);
			fw_lock_request_drop(cfg->database, id);
			rc = fw_cli_fail(cmd, "feedwatchd (pid %ld) stopped before it had polled (its "
			                 "log says why)", (long)h->pid);
		} else if (fw_lock_request_waiting(cfg->database, id)) {
			/* a request file is taken (removed) after its reply is made */
			if (g_get_monotonic_time() >= until) {
				fw_lock_request_drop(cfg->database, id);
				rc = fw_cli_fail(cmd, "asked feedwatchd (pid %ld) to poll, and it has not "
				                 "begun after %d s", (long)h->pid, wait);
			}
		} else if ((text = fw_lock_reply_get(cfg->database, id)) == NULL) {
			rc = 0;   /* taken, and not to be answered */
		} else if (strcmp(text, "stopped\n") == 0) {
			progress_clear(&shown);
			fw_lock_request_drop(cfg->database, id);
			rc = fw_cli_fail(cmd, "feedwatchd (pid %ld) stopped before it had polled "
			                 "every feed asked for", (long)h->pid);
		} else if (!g_str_has_prefix(text, "polling")) {
			progress_clear(&shown);
			fw_lock_request_drop(cfg->database, id);
			rc = print_reply(cmd, h->pid, text);
		} else if (tty && g_get_monotonic_time() - start >= G_USEC_PER_SEC &&
		           sscanf(text, "polling %u %u", &done, &total) == 2 && done != last) {
			/* how far, on a terminal, once the wait is a second long */
			fprintf(stderr, "\rfeedwatch %s: %u of %u feeds polled...", cmd, done, total);
			shown = TRUE;
			last = done;
		}
		if (rc < 0)
			g_usleep(20000);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

int
fw_cli_daemon_reload(const char *cmd, const struct fw_config *cfg, const struct fw_lock_holder *h)
{
	struct fw_lock_holder now, before = *h;
	gboolean counts = h->digest[0] != '\0', same_file = fw_lock_holder_config_is(h, cfg->path);
	int wait = fw_cli_daemon_wait();
	gint64 until = g_get_monotonic_time() + wait * G_USEC_PER_SEC;
	guint64 want, seen;

	/* A reload under way may have read the file before it was edited: then
	 * the one this signal asks for is the second to end from now. */
	if (counts && fw_lock_holder_read(cfg->database, &now) && now.pid == h->pid)
		before = now;
	want = before.reloads + (before.reloading ? 2 : 1);
	seen = before.reloads;
	if (fw_cli_daemon_signal(cmd, h->pid, SIGHUP) != 0)
		return 1;
	if (!counts) {
		printf("asked feedwatchd (pid %ld) to reload %s\n", (long)h->pid, cfg->path);
		return 0;
	}
	/* Its lock file counts the reloads it has handled: wait for that one.
	 * The time limit is for a daemon that does not begin; a reload under
	 * way (a new topic's catch-up over many items) is waited for. */
	for (;;) {
		gint64 t = g_get_monotonic_time();

		if (!fw_lock_holder_read(cfg->database, &now) || now.pid != h->pid)
			return fw_cli_fail(cmd, "feedwatchd (pid %ld) stopped before it said it had "
			                   "reloaded (its log says why)", (long)h->pid);
		if (now.reloads >= want)
			break;
		if (now.reloading || now.reloads != seen)
			until = t + wait * G_USEC_PER_SEC;
		seen = now.reloads;
		if (t >= until)
			return fw_cli_fail(cmd, "asked feedwatchd (pid %ld) to reload %s, and it has not "
			                   "begun after %d s (its log will say how it went)",
			                   (long)h->pid, same_file ? cfg->path : now.config, wait);
		g_usleep(20000);
	}
	if (!same_file) {
		printf("feedwatchd (pid %ld) reloaded %s, the config it runs on (not %s)\n",
		       (long)h->pid, now.config[0] ? now.config : "its config", cfg->path);
		return 0;
	}
	if (strcmp(now.digest, cfg->digest) != 0)
		return fw_cli_fail(cmd, "feedwatchd (pid %ld) did not take %s as it is now and kept "
		                   "the configuration it had (its log says why)", (long)h->pid,
		                   cfg->path);
	printf("feedwatchd (pid %ld) reloaded %s: %u feed%s, %u topic%s\n", (long)h->pid, cfg->path,
	       cfg->feeds->len, cfg->feeds->len == 1 ? "" : "s", cfg->topics->len,
	       cfg->topics->len == 1 ? "" : "s");
	return 0;
}

/* ---- the terminal ------------------------------------------------------ */

gboolean
fw_cli_use_color(void)
{
	const char *nc = g_getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

void
fw_cli_say_empty(const char *what)
{
	if (isatty(STDOUT_FILENO))
		fprintf(stderr, "%s: %s\n", who(), what);
}

guint
fw_cli_term_width(void)
{
	struct winsize ws;
	const char *cols = g_getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 0)
		return (guint)atoi(cols);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

char *
fw_cli_term_cut(const char *s, guint max)
{
	g_autofree char *v = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_new(NULL);
	guint n = 0, len;

	len = (guint)g_utf8_strlen(v, -1);
	for (const char *p = v; *p && max > 0; p = g_utf8_next_char(p), n++) {
		gunichar c = g_utf8_get_char(p);

		if (len > max && n + 1 >= max) {
			g_string_append(out, "…");
			break;
		}
		/* a control (a C1 one is two bytes) or bidi override: one space */
		if (fw_hitlog_unsafe_char(c))
			c = ' ';
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

gchar **
fw_cli_browser_argv(const char *url, GError **error)
{
	const char *browser = g_getenv("BROWSER");
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (browser != NULL && *browser != '\0') {
		g_auto(GStrv) list = g_strsplit(browser, ":", 2);
		g_auto(GStrv) words = NULL;
		gboolean placed = FALSE;

		if (!g_shell_parse_argv(list[0], NULL, &words, error))
			return NULL;
		for (int i = 0; words[i] != NULL; i++) {
			if (strstr(words[i], "%s") != NULL) {
				g_autoptr(GString) w = g_string_new(words[i]);

				g_string_replace(w, "%s", url, 0);
				g_strv_builder_add(b, w->str);
				placed = TRUE;
			} else {
				g_strv_builder_add(b, words[i]);
			}
		}
		if (!placed)
			g_strv_builder_add(b, url);
	} else {
		g_strv_builder_add_many(b, "xdg-open", url, NULL);
	}
	return g_strv_builder_end(b);
}

char *
fw_cli_term_marked(const char *text, guint max, gboolean color)
{
	g_autofree char *cut = fw_cli_term_cut(text, max);
	g_auto(GStrv) a = g_strsplit(cut, FW_CLI_MARK_OPEN, -1);
	g_autofree char *open = g_strjoinv(color ? "\033[1m" : "[", a);
	g_auto(GStrv) b = g_strsplit(open, FW_CLI_MARK_CLOSE, -1);

	return g_strjoinv(color ? "\033[0m" : "]", b);
}

char *
fw_cli_snippet_marked(const struct fw_snippet *sn, guint max, gboolean color)
{
	g_autofree char *text = g_strdup(sn->text ? sn->text : "");
	g_autofree char *marked = NULL;
	char *p = text;

	/* the marks' own characters, each the same length (and one character,
	 * so that the marks' offsets hold) as U+FFFD */
	while ((p = strstr(p, "\xee\x80")) != NULL) {
		if (p[2] == '\x80' || p[2] == '\x81')
			memcpy(p, "\xef\xbf\xbd", 3);
		p += 2;
	}
	marked = fw_snippet_render(text, sn->marks, FW_CLI_MARK_OPEN, FW_CLI_MARK_CLOSE, FALSE);
	return fw_cli_term_marked(marked, max, color);
}

/* ---- JSON -------------------------------------------------------------- */

void
fw_cli_json_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

void
fw_cli_json_time(JsonBuilder *b, const char *name, gint64 t, gboolean zero_is_none)
{
	g_autoptr(GDateTime) dt = NULL;
	g_autofree char *s = NULL;

	if (t != FW_TIME_NONE && !(t == 0 && zero_is_none))
		dt = g_date_time_new_from_unix_utc(t);
	if (dt != NULL)
		s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	fw_cli_json_str(b, name, s);
}

void
fw_cli_json_puts(JsonBuilder *b)
{
	g_autofree char *out = fw_cli_json_text(b);

	puts(out);
}

char *
fw_cli_json_text(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);

	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

/* ---- feeds and files --------------------------------------------------- */

GHashTable *
fw_cli_status_index(const GPtrArray *statuses)
{
	GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint k = 0; k < statuses->len; k++) {
		struct fw_feed_status *st = statuses->pdata[k];

		g_hash_table_insert(by_key, st->key, st);
	}
	return by_key;
}

char *
fw_cli_read_stdin(gsize max, gsize *len)
{
	GString *s = g_string_new(NULL);
	char buf[65536];
	size_t n;

	/* a short count is the end (or an error): a terminal's Ctrl-D is read
	 * once, not asked for again */
	do {
		n = fread(buf, 1, sizeof buf, stdin);
		g_string_append_len(s, buf, n);
	} while (n == sizeof buf && (max == 0 || s->len <= max));
	*len = s->len;
	return g_string_free(s, FALSE);
}

/* One GET on a main loop of its own. */
struct fetched {
	GMainLoop *loop;
	GBytes *body;
	char *final_url;
	char *content_type;
	char *error;
};

static void
fetched_cb(struct fw_fetch_result *r, gpointer data)
{
	struct fetched *f = data;

	if (r->error != NULL)
		f->error = g_strdup(r->error);
	else
		f->body = g_steal_pointer(&r->body);
	f->final_url = g_strdup(r->final_url ? r->final_url : r->url);
	f->content_type = g_strdup(r->content_type);
	g_main_loop_quit(f->loop);
}

static void
fetched_clear(struct fetched *f)
{
	if (f->body)
		g_bytes_unref(f->body);
	g_free(f->final_url);
	g_free(f->content_type);
	g_free(f->error);
	memset(f, 0, sizeof *f);
}

/* GETs url (http, https); FALSE with f->error set when it fails. Clear f
 * with fetched_clear. */
static gboolean
fetch_url(const char *url, gint64 timeout, gint64 max_size, struct fetched *f)
{
	struct fw_fetch_opts o = { .max_parallel = 1, .max_per_host = 1,
	                           .timeout = timeout > 0 ? timeout : 30,
	                           .max_size = max_size > 0 ? max_size : 10 * 1024 * 1024 };
	struct fw_fetcher *ft;

	memset(f, 0, sizeof *f);
	f->loop = g_main_loop_new(NULL, FALSE);
	ft = fw_fetcher_new(NULL, &o, fetched_cb, f);
	fw_fetcher_add(ft, url, NULL, NULL, NULL);
	g_main_loop_run(f->loop);
	fw_fetcher_free(ft);
	g_main_loop_unref(f->loop);
	f->loop = NULL;
	if (f->error == NULL && f->body == NULL)
		f->error = g_strdup("empty answer");
	return f->error == NULL;
}

struct fw_feed_doc *
fw_cli_fetch_feed(const char *url, gint64 timeout, gint64 max_size, char **final_url,
                  GBytes **body, GError **error)
{
	struct fetched f;
	struct fw_feed_doc *doc = NULL;

	if (!fetch_url(url, timeout, max_size, &f)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", f.error);
	} else {
		gsize n = 0;
		const char *d = g_bytes_get_data(f.body, &n);

		doc = fw_feed_parse(d ? d : "", n, f.final_url, f.content_type, error);
		if (final_url)
			*final_url = g_strdup(f.final_url);
		if (body)
			*body = g_bytes_ref(f.body);
	}
	fetched_clear(&f);
	return doc;
}

struct fw_feed_doc *
fw_cli_read_feed(const char *src, GError **error)
{
	g_autofree char *data = NULL, *abs = NULL, *uri = NULL;
	gsize len = 0;

	if (strcmp(src, "-") == 0) {
		data = fw_cli_read_stdin(0, &len);
		return fw_feed_parse(data, len, NULL, NULL, error);
	}
	if (g_str_has_prefix(src, "http://") || g_str_has_prefix(src, "https://")) {
		GError *err = NULL;
		struct fw_feed_doc *doc = fw_cli_fetch_feed(src, 30, 10 * 1024 * 1024, NULL, NULL, &err);

		if (doc == NULL && g_error_matches(err, G_IO_ERROR, G_IO_ERROR_FAILED))
			g_prefix_error(&err, "%s: ", src);
		if (err != NULL)
			g_propagate_error(error, err);
		return doc;
	}
	if (!g_file_get_contents(src, &data, &len, error))
		return NULL;
	abs = g_canonicalize_filename(src, NULL);
	uri = g_filename_to_uri(abs, NULL, NULL);
	return fw_feed_parse(data, len, uri, NULL, error);
}

/* Refuses to write path, a symbolic link: says where it points and what to
 * give instead (the target itself; for standard output, no -o). Returns FALSE. */
static gboolean
output_refuse_link(const char *cmd, const char *path)
{
	g_autofree char *to = g_file_read_link(path, NULL);
	g_autofree char *rel = g_path_get_dirname(path);
	g_autofree char *dir = g_canonicalize_filename(rel, NULL);   /* from the working folder */
	g_autofree char *abs = NULL;

	if (to == NULL) {
		fw_cli_fail(cmd, "cannot write %s: it is a symbolic link, which is not followed", path);
		return FALSE;
	}
	abs = g_canonicalize_filename(to, dir);
	if (strcmp(abs, "/proc/self/fd/1") == 0 || strcmp(path, "/dev/stdout") == 0)
		fw_cli_fail(cmd, "cannot write %s: it is a symbolic link to %s, which is not followed: "
		            "leave -o out to write to standard output", path, to);
	else
		fw_cli_fail(cmd, "cannot write %s: it is a symbolic link to %s, which is not followed: "
		            "give the file itself (-o %s)", path, to, abs);
	return FALSE;
}

/* What st is, for a refusal: "a folder", "a socket", ...; NULL for what can
 * be written (a regular file, a character device, a FIFO). */
static const char *
output_refused_kind(const struct stat *st)
{
	if (S_ISREG(st->st_mode) || S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))
		return NULL;
	if (S_ISDIR(st->st_mode))
		return "a folder";
	if (S_ISSOCK(st->st_mode))
		return "a socket";
	if (S_ISBLK(st->st_mode))
		return "a block device";
	return "not a file";
}

/* Opens path itself (a character device or a FIFO, st its lstat) to write
 * in place: never created, followed or renamed. FALSE after printing why. */
static gboolean
output_open_device(const char *cmd, const char *path, const struct stat *st, gboolean no_tty,
                   struct fw_cli_output *out)
{
	struct stat now;
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	/* Still what lstat saw, not something put there since. */
	if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev || now.st_ino != st->st_ino) {
		fw_cli_fail(cmd, "cannot write %s: it changed while being opened", path);
		close(fd);
		return FALSE;
	}
	if (no_tty && isatty(fd)) {
		fw_cli_fail(cmd, "cannot write %s: it is a terminal", path);
		close(fd);
		return FALSE;
	}
	if ((out->f = fdopen(fd, "w")) == NULL) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		close(fd);
		return FALSE;
	}
	out->path = g_strdup(path);
	return TRUE;
}

gboolean
fw_cli_output_open(const char *cmd, const char *path, gboolean no_tty, struct fw_cli_output *out)
{
	g_autofree char *tmp = NULL, *dir = NULL;
	struct stat st;
	gboolean exists = TRUE;
	const char *kind;
	int fd, e;

	memset(out, 0, sizeof *out);
	if (*path == '\0') {
		fw_cli_fail(cmd, "-o needs a file name (leave it out to write to standard output)");
		return FALSE;
	}
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
			return FALSE;
		}
		exists = FALSE;
	}
	if (exists && S_ISLNK(st.st_mode))
		return output_refuse_link(cmd, path);
	if (exists && (kind = output_refused_kind(&st)) != NULL) {
		fw_cli_fail(cmd, "cannot write %s: it is %s", path, kind);
		return FALSE;
	}
	if (exists && !S_ISREG(st.st_mode))
		return output_open_device(cmd, path, &st, no_tty, out);
	/* A new file of a random name (O_EXCL: never a planted file or
	 * symlink), mode 0666 less the umask as fopen would make it, or the mode
	 * of the file it replaces. */
	tmp = g_strdup_printf("%s.XXXXXX", path);
	fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		e = errno;
		dir = g_path_get_dirname(path);
		if (e == ENOENT || e == ENOTDIR)
			fw_cli_fail(cmd, "cannot write %s: there is no folder %s", path, dir);
		else if (e == EACCES || e == EPERM || e == EROFS)
			fw_cli_fail(cmd, "cannot write %s: cannot create a file in %s: %s", path, dir,
			            g_strerror(e));
		else
			fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(e));
		return FALSE;
	}
	if ((exists && fchmod(fd, st.st_mode & 0777) != 0) || (out->f = fdopen(fd, "w")) == NULL) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		close(fd);
		unlink(tmp);
		return FALSE;
	}
	out->path = g_strdup(path);
	out->tmp = g_steal_pointer(&tmp);
	return TRUE;
}

gboolean
fw_cli_output_close(const char *cmd, struct fw_cli_output *out, gboolean abandon)
{
	gboolean ok = !abandon;
	int e = 0;

	if (out->f == NULL)
		return FALSE;
	errno = 0;
	if (ok && (fflush(out->f) != 0 || ferror(out->f) ||
	           (out->tmp != NULL && fsync(fileno(out->f)) != 0))) {
		e = errno;
		ok = FALSE;
	}
	if (fclose(out->f) != 0 && ok) {
		e = errno;
		ok = FALSE;
	}
	if (ok && out->tmp != NULL && rename(out->tmp, out->path) != 0) {
		e = errno;
		ok = FALSE;
	}
	if (!ok && out->tmp != NULL)
		unlink(out->tmp);
	if (!ok && !abandon)
		fw_cli_fail(cmd, "cannot write %s: %s", out->path, e ? g_strerror(e) : "write error");
	g_free(out->path);
	g_free(out->tmp);
	memset(out, 0, sizeof *out);
	return ok;
}

/* ---- editing the config ------------------------------------------------ */

/* What a config made by add or import starts with (%s: the command, the date). */
#define NEW_CONFIG \
	"# feedwatch's configuration (man 5 feedwatch.conf), made by 'feedwatch %s' on %s.\n" \
	"# Each feed is a [feed NAME] group. Each topic to watch for is a [topic NAME]\n" \
	"# group with a query, for example:\n" \
	"#\n" \
	"#   [topic milei]\n" \
	"#   query = Milei OR \"Javier Milei\"\n" \
	"#\n" \
	"# 'feedwatch check' checks it; feedwatchd (or 'feedwatch poll') polls the feeds.\n"

gboolean
fw_cli_config_append(const char *cmd, const char *path, const char *block,
                     fw_cli_config_verify verify, gpointer data)
{
	g_autofree char *text = NULL, *dir = g_path_get_dirname(path);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) all = NULL;
	gsize len = 0;
	gboolean made = FALSE;
	struct fw_config *check;
	FILE *f;
	int fd;

	if (!g_file_get_contents(path, &text, &len, &err)) {
		g_autoptr(GDateTime) now = g_date_time_new_now_local();
		g_autofree char *date = g_date_time_format(now, "%Y-%m-%d");

		if (!g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			fw_cli_fail(cmd, "%s", err->message);
			return FALSE;
		}
		/* no config yet: a new one, for its owner alone (it may hold a password) */
		if (g_mkdir_with_parents(dir, 0700) != 0) {
			fw_cli_fail(cmd, "cannot make %s: %s", dir, g_strerror(errno));
			return FALSE;
		}
		text = g_strdup_printf(NEW_CONFIG, cmd, date);
		len = strlen(text);
		made = TRUE;
	}
	all = g_string_new_len(text, (gssize)len);
	if (len > 0 && text[len - 1] != '\n')
		g_string_append_c(all, '\n');
	g_string_append(all, block);
	/* The new text, checked by the real loader as the file at path (its
	 * problems name path, its relative paths are from path's folder). */
	check = fw_config_load_data(path, all->str, all->len, errors, &err);
	if (check == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fw_cli_fail(cmd, "%s would not load with the addition: nothing written", path);
		return FALSE;
	}
	if (verify != NULL && !verify(check, data)) {
		fw_config_free(check);
		return FALSE;
	}
	fw_config_free(check);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (made ? O_EXCL : 0), 0600);
	if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	if (made)
		fputs(text, f);
	else if (len > 0 && text[len - 1] != '\n')
		fputc('\n', f);
	fputs(block, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		fw_cli_fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	if (made)
		printf("made %s, a new configuration (feedwatch.conf(5)): topics go there too\n", path);
	return TRUE;
}

void
fw_cli_config_taken(const struct fw_config *cfg, GHashTable *names, GHashTable *urls)
{
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		g_hash_table_add(names, g_strdup(fc->key));
		if (fc->url)
			g_hash_table_insert(urls, fw_store_canonical_link(fc->url), g_strdup(fc->key));
	}
}

int
fw_cli_reload_edited(const char *cmd, const struct fw_config *cfg, char **poll_feeds)
{
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *id = NULL;
	struct fw_lock_holder h;
	struct fw_config *now;
	int rc = 0;

	if (!fw_lock_holder_read(cfg->database, &h) || !fw_lock_holder_is_daemon(&h))
		return 0;
	if (h.config[0] != '\0' && !fw_lock_holder_config_is(&h, cfg->path)) {
		printf("feedwatchd (pid %ld) runs on %s, not %s: it does not read this file\n",
		       (long)h.pid, h.config, cfg->path);
		return 0;
	}
	/* the file as edited (it loaded before the edit was written) */
	if ((now = fw_config_load(cfg->path, errors, NULL)) == NULL) {
		printf("feedwatchd (pid %ld) is running: 'feedwatch reload' makes it read the change\n",
		       (long)h.pid);
		return 0;
	}
	/* the new feeds' first poll, waited for when the daemon answers */
	if (poll_feeds == NULL || !h.replies)
		rc = fw_cli_daemon_reload(cmd, now, &h);
	else if (fw_cli_daemon_poll_ask(cmd, now, &h, poll_feeds, TRUE, TRUE, &id, &rc) &&
	         id != NULL && fw_cli_daemon_poll_wait(cmd, now, &h, id) != 0)
		rc = 1;
	fw_config_free(now);
	return rc;
}
