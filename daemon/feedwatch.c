/* feedwatch — the user's tool: review the hit log, test topics, check the
 * config, one poll cycle on demand. See feedwatch(1). */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "feedwatch/config.h"
#include "feedwatch/feed.h"
#include "feedwatch/fetch.h"
#include "feedwatch/hitlog.h"
#include "feedwatch/lock.h"
#include "feedwatch/log.h"
#include "feedwatch/match.h"
#include "feedwatch/opml.h"
#include "feedwatch/poll.h"
#include "feedwatch/report.h"
#include "feedwatch/stats.h"
#include "feedwatch/store.h"
#include "feedwatch/topic.h"

#define EXIT_USAGE 2

static char *opt_config;
static gboolean opt_verbose;
static gint64 opt_test_now;

static const GOptionEntry common_entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "Read FILE as the config", "FILE" },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Log debug messages", NULL },
	/* tests: the notifications' clock starts at this time and runs on */
	{ "test-now", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &opt_test_now, NULL, "UNIX_SECONDS" },
	{ NULL }
};

static const char usage_text[] =
	"Usage: feedwatch [-c FILE] COMMAND [ARGS]\n"
	"\n"
	"Review the hit log:\n"
	"  hits      list hits, newest first (--topic, --feed, --since, --until, --unread,\n"
	"            --search, --limit, --format table|json|csv|atom, --follow)\n"
	"  show      one hit: the item, every topic it hit, the marked snippets, the link\n"
	"  open      open a hit's link in the browser and mark it read\n"
	"  read      mark hits read (HIT... or --all [--topic T])\n"
	"  unread    mark hits unread\n"
	"  stats     hits per topic per day, with sparklines (--days N)\n"
	"  report    one self-contained HTML page of the hits (--since WHEN)\n"
	"\n"
	"Feeds and topics:\n"
	"  status    each feed: health, last poll, HTTP status, error, next poll; the daemon\n"
	"  check     validate the config and every query\n"
	"  match     try a query on a feed or text (QUERY [FILE|URL|-])\n"
	"  backtest  run a topic or a query over every stored item (TOPIC|QUERY)\n"
	"  parse     show how feedwatch reads a feed (FILE, URL or -)\n"
	"  add       add a feed to the config, found from a site's page (URL)\n"
	"  import    add the feeds of an OPML file to the config (FILE.opml)\n"
	"  export    write the config's feeds as OPML\n"
	"  poll      one poll cycle now, in the foreground (--feed F, --no-notify);\n"
	"            when feedwatchd runs, asks it to poll now instead\n"
	"  reload    make the running feedwatchd reload its config\n"
	"  prune     forget old items that hit nothing (--hits-before WHEN: hits too)\n"
	"\n"
	"Run 'feedwatch COMMAND --help' for a command's options. See feedwatch(1).\n";

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "feedwatch: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'feedwatch --help'.\n");
	return EXIT_USAGE;
}

/* Parses a command's options (plus the common ones). Returns FALSE on a usage error. */
static gboolean
parse_options(const char *cmd, const char *params, const char *summary,
              const GOptionEntry *entries, int *argc, char ***argv)
{
	g_autofree char *prg = g_strdup_printf("feedwatch %s", cmd);
	g_autoptr(GOptionContext) ctx = g_option_context_new(params);
	g_autoptr(GError) err = NULL;

	g_set_prgname(prg);   /* "Usage: feedwatch hits [OPTION…]" */

	g_option_context_set_summary(ctx, summary);
	if (entries != NULL)
		g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_add_main_entries(ctx, common_entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &err)) {
		fprintf(stderr, "feedwatch %s: %s\nTry 'feedwatch %s --help'.\n", cmd, err->message, cmd);
		return FALSE;
	}
	return TRUE;
}

/* Loads the config; prints its problems. Returns NULL on failure. */
static struct fw_config *
load_config(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = fw_config_find(opt_config, &err);
	struct fw_config *cfg;

	if (path == NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		return NULL;
	}
	cfg = fw_config_load(path, errors, &err);
	if (cfg == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "feedwatch: %s\n", err->message);
	}
	return cfg;
}

static struct fw_store *
open_store(const struct fw_config *cfg)
{
	g_autoptr(GError) err = NULL;
	struct fw_store *st = fw_store_open(cfg->database, &err);

	if (st == NULL)
		fprintf(stderr, "feedwatch: %s\n", err->message);
	return st;
}

static gboolean
use_color(void)
{
	const char *nc = g_getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && (nc == NULL || *nc == '\0');
}

static guint
term_width(void)
{
	struct winsize ws;
	const char *cols = g_getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 0)
		return (guint)atoi(cols);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 100;
}

static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* ---- check ------------------------------------------------------------- */

static int
cmd_check(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *path = NULL;
	struct fw_config *cfg;

	if (!parse_options("check", NULL, "Validate the config and every query; exit 1 on any error.",
	                   NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("check: unexpected argument '%s'", argv[1]);
	path = fw_config_find(opt_config, &err);
	if (path == NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		return 1;
	}
	cfg = fw_config_load(path, errors, &err);
	if (cfg == NULL) {
		for (guint i = 0; i < errors->len; i++)
			printf("%s\n", (char *)errors->pdata[i]);
		fprintf(stderr, "feedwatch: %s\n", err->message);
		return 1;
	}
	printf("%s: ok, %u feed%s, %u topic%s, database %s\n", path, cfg->feeds->len,
	       cfg->feeds->len == 1 ? "" : "s", cfg->topics->len, cfg->topics->len == 1 ? "" : "s",
	       cfg->database);
	fw_config_free(cfg);
	return 0;
}

/* ---- poll -------------------------------------------------------------- */

struct poll_run {
	GMainLoop *loop;
	struct fw_poller *poller;
	guint waiting;
	gboolean interrupted;
};

static gboolean poll_check_cb(gpointer data);

/* One check, then the 20 ms timer carries on if something is still in flight. */
static gboolean
poll_check_once_cb(gpointer data)
{
	poll_check_cb(data);
	return G_SOURCE_REMOVE;
}

static void
poll_done_cb(guint feed_index, gint64 next_poll, gpointer data)
{
	struct poll_run *r = data;

	if (r->waiting > 0)
		r->waiting--;
	/* The last feed: check at once (after this dispatch) rather than at the
	 * next tick of the timer, which waits for notifications in flight. */
	if (r->waiting == 0)
		g_idle_add(poll_check_once_cb, r);
}

/* Quits the loop once every feed is done and nothing is being sent. */
static gboolean
poll_check_cb(gpointer data)
{
	struct poll_run *r = data;

	if (r->interrupted || (r->waiting == 0 && !fw_poller_busy(r->poller))) {
		g_main_loop_quit(r->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
poll_signal_cb(gpointer data)
{
	struct poll_run *r = data;

	r->interrupted = TRUE;
	g_main_loop_quit(r->loop);
	return G_SOURCE_REMOVE;
}

static int
cmd_poll(int argc, char **argv)
{
	static gboolean no_notify, now_flag;
	static char **feeds;
	static const GOptionEntry entries[] = {
		{ "feed", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &feeds, "Poll only feed F (repeatable)", "F" },
		{ "no-notify", 0, 0, G_OPTION_ARG_NONE, &no_notify, "Record hits without notifying", NULL },
		{ "now", 0, 0, G_OPTION_ARG_NONE, &now_flag, "When the daemon runs, ask it to poll now (the default)", NULL },
		{ NULL }
	};
	pid_t holder = 0;
	int lock_fd;
	struct fw_config *cfg;
	struct fw_store *store;
	struct poll_run r = { 0 };
	struct fw_outbox_opts notify = { 0 };
	struct fw_poll_stats st;
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!parse_options("poll", NULL, "One poll cycle of every feed now, in the foreground.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("poll: unexpected argument '%s'", argv[1]);
	fw_log_init(opt_verbose);
	if ((cfg = load_config()) == NULL)
		return 1;
	for (int k = 0; feeds && feeds[k]; k++) {
		gboolean found = FALSE;
		for (guint i = 0; i < cfg->feeds->len; i++)
			found |= strcmp(((struct fw_feed_conf *)cfg->feeds->pdata[i])->key, feeds[k]) == 0;
		if (!found) {
			fprintf(stderr, "feedwatch poll: no feed '%s' in %s\n", feeds[k], cfg->path);
			fw_config_free(cfg);
			return 1;
		}
	}
	/* The daemon polls its own database: ask it rather than race it. */
	if ((lock_fd = fw_lock_take(cfg->database, &holder, &err)) < 0) {
		if (holder > 0 && kill(holder, SIGUSR1) == 0) {
			printf("feedwatchd (pid %ld) is running on %s: asked it to poll every feed now\n",
			       (long)holder, cfg->database);
			fw_config_free(cfg);
			return 0;
		}
		fprintf(stderr, "feedwatch: %s\n", err->message);
		fw_config_free(cfg);
		return 1;
	}
	if ((store = open_store(cfg)) == NULL) {
		fw_lock_release(lock_fd);
		fw_config_free(cfg);
		return 1;
	}
	fw_store_set_durable(store, cfg->durable);
	if (opt_test_now > 0)
		notify.clock_offset = opt_test_now - now_s();
	r.poller = fw_poller_new(NULL, cfg, store, no_notify ? NULL : &notify, &err);
	if (r.poller == NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		rc = 1;
		goto out;
	}
	r.loop = g_main_loop_new(NULL, FALSE);
	fw_poller_set_done_cb(r.poller, poll_done_cb, &r);
	if (!no_notify)
		fw_poller_flush_outbox(r.poller);  /* what an earlier run could not send */
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		if (feeds != NULL && !g_strv_contains((const char *const *)feeds, fc->key))
			continue;
		r.waiting++;
		fw_poller_poll(r.poller, i);
	}
	g_timeout_add(20, poll_check_cb, &r);
	g_unix_signal_add(SIGINT, poll_signal_cb, &r);
	g_unix_signal_add(SIGTERM, poll_signal_cb, &r);
	g_main_loop_run(r.loop);
	fw_poller_stats(r.poller, &st);
	fprintf(stderr, "feedwatch: polled %u feed%s (%u failed): %u new item%s, %u new hit%s, "
	        "%u notification%s sent%s\n",
	        st.feeds_ok + st.feeds_failed, st.feeds_ok + st.feeds_failed == 1 ? "" : "s",
	        st.feeds_failed, st.items_new, st.items_new == 1 ? "" : "s", st.hits_new,
	        st.hits_new == 1 ? "" : "s", st.notices_sent, st.notices_sent == 1 ? "" : "s",
	        st.notices_failed ? " (some could not be shown: kept pending)" : "");
	if (st.feeds_failed > 0 || r.interrupted)
		rc = 1;
	g_main_loop_unref(r.loop);
out:
	fw_poller_free(r.poller);
	fw_store_free(store);
	fw_lock_release(lock_fd);
	fw_config_free(cfg);
	return rc;
}

/* ---- prune ------------------------------------------------------------- */

static int
cmd_prune(int argc, char **argv)
{
	static char *hits_before;
	static const GOptionEntry entries[] = {
		{ "hits-before", 0, 0, G_OPTION_ARG_STRING, &hits_before,
		  "Also forget hits found before WHEN (date, time or age: 365d)", "WHEN" },
		{ NULL }
	};
	struct fw_config *cfg;
	struct fw_store *store;
	g_autoptr(GError) err = NULL;
	gint64 now = now_s(), before = 0, hits = 0, items = 0;
	int rc = 0;

	if (!parse_options("prune", NULL, "Forget items past the retention that hit nothing; with "
	                   "--hits-before, hits too. The daemon prunes items hourly by itself.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("prune: unexpected argument '%s'", argv[1]);
	if (hits_before != NULL && !fw_config_parse_when(hits_before, now, &before))
		return usage_error("prune: bad --hits-before '%s' (e.g. 2024-01-01, 365d)", hits_before);
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	if (fw_store_begin(store, &err) &&
	    (hits_before == NULL || fw_store_prune_hits(store, before, &hits, &err)) &&
	    fw_store_prune(store, now - cfg->retention, &items, &err) &&
	    fw_store_commit(store, &err) && fw_store_maintain(store, &err)) {
		printf("forgot %" G_GINT64_FORMAT " hit%s and %" G_GINT64_FORMAT " item%s\n", hits,
		       hits == 1 ? "" : "s", items, items == 1 ? "" : "s");
	} else {
		fw_store_rollback(store);
		fprintf(stderr, "feedwatch prune: %s\n", err ? err->message : "failed");
		rc = 1;
	}
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- reload ------------------------------------------------------------ */

static int
cmd_reload(int argc, char **argv)
{
	struct fw_config *cfg;
	pid_t pid;
	int rc = 0;

	if (!parse_options("reload", NULL, "Make the running feedwatchd reload its config (SIGHUP).",
	                   NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("reload: unexpected argument '%s'", argv[1]);
	if ((cfg = load_config()) == NULL)
		return 1;
	pid = fw_lock_holder(cfg->database);
	if (pid <= 0) {
		fprintf(stderr, "feedwatch: no feedwatchd is running on %s\n", cfg->database);
		rc = 1;
	} else if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "feedwatch: cannot signal feedwatchd (pid %ld): %s\n", (long)pid,
		        g_strerror(errno));
		rc = 1;
	} else {
		printf("asked feedwatchd (pid %ld) to reload %s\n", (long)pid, cfg->path);
	}
	fw_config_free(cfg);
	return rc;
}

/* ---- hits, show, open, read --------------------------------------------- */

/* Prints "feedwatch CMD: message" on stderr; returns 1 (the error exit status). */
static int G_GNUC_PRINTF(2, 3)
fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "feedwatch %s: %s\n", cmd, msg);
	return 1;
}

/* State of `hits --follow`. */
struct follow {
	GMainLoop *loop;
	struct fw_store *store;
	struct fw_hit_filter *filter;
	enum fw_hitlog_format format;
	gboolean color, header_done;
	guint width;
	int rc;
};

/* Prints rows; the CSV header and table heading only the first time. */
static void
follow_print(struct follow *fl, GPtrArray *rows)
{
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *mem;

	if (!fl->header_done || fl->format == FW_HITLOG_JSON) {
		fw_hitlog_print(rows, fl->format, stdout, fl->color, fl->width);
		fl->header_done = TRUE;
		return;
	}
	mem = open_memstream(&buf, &len);
	fw_hitlog_print(rows, fl->format, mem, fl->color, fl->width);
	fclose(mem);
	nl = strchr(buf, '\n');
	fputs(nl ? nl + 1 : "", stdout);
	free(buf);
}

/* Every 0.5 s: prints the hits stored since the last look. Stops on a read
 * error, or quietly when stdout is gone (a closed pipe). */
static gboolean
follow_tick_cb(gpointer data)
{
	struct follow *fl = data;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;

	if (!fw_store_hits(fl->store, fl->filter, rows, &err)) {
		fl->rc = fail("hits", "%s", err->message);
		g_main_loop_quit(fl->loop);
		return G_SOURCE_REMOVE;
	}
	if (rows->len > 0) {
		fl->filter->after_id = ((struct fw_hit_row *)rows->pdata[rows->len - 1])->id;
		follow_print(fl, rows);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		g_main_loop_quit(fl->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
follow_signal_cb(gpointer data)
{
	struct follow *fl = data;

	g_main_loop_quit(fl->loop);
	return G_SOURCE_CONTINUE;
}

/* `hits --follow`: the last hits (--limit of them, else all that match),
 * oldest first, then every new hit as the daemon stores it, until SIGINT or
 * SIGTERM (exit 0). */
static int
follow_hits(struct fw_store *store, struct fw_hit_filter *f, enum fw_hitlog_format format,
            gboolean color, guint width)
{
	struct follow fl = { .store = store, .filter = f, .format = format, .color = color,
	                     .width = width };
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	guint sigint, sigterm, timer;

	if (!fw_store_hits(store, f, rows, &err))
		return fail("hits", "%s", err->message);
	if (rows->len > 0) {
		f->after_id = ((struct fw_hit_row *)rows->pdata[0])->id;
		for (guint i = 0; i < rows->len / 2; i++) {
			gpointer t = rows->pdata[i];
			rows->pdata[i] = rows->pdata[rows->len - 1 - i];
			rows->pdata[rows->len - 1 - i] = t;
		}
	}
	follow_print(&fl, rows);
	fl.header_done = fl.header_done || format != FW_HITLOG_TABLE || rows->len > 0;
	fflush(stdout);
	f->oldest_first = TRUE;
	f->limit = 0;
	fl.loop = g_main_loop_new(NULL, FALSE);
	timer = g_timeout_add(500, follow_tick_cb, &fl);
	sigint = g_unix_signal_add(SIGINT, follow_signal_cb, &fl);
	sigterm = g_unix_signal_add(SIGTERM, follow_signal_cb, &fl);
	g_main_loop_run(fl.loop);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	if (g_main_context_find_source_by_id(NULL, timer))
		g_source_remove(timer);
	g_main_loop_unref(fl.loop);
	return fl.rc;
}

static int
cmd_hits(int argc, char **argv)
{
	static char **topics, **feeds, *since, *until, *format, *search;
	static gboolean unread, follow;
	static int limit = -1;
	static const GOptionEntry entries[] = {
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "Only topic T (repeatable)", "T" },
		{ "feed", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &feeds, "Only feed F (repeatable)", "F" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Found at or after WHEN (date, time or age: 36h, 7d)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "Found before WHEN", "WHEN" },
		{ "unread", 'u', 0, G_OPTION_ARG_NONE, &unread, "Only unread hits", NULL },
		{ "search", 's', 0, G_OPTION_ARG_STRING, &search, "Only hits whose title or snippet contains TEXT", "TEXT" },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "At most N hits (0: all)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table, json, csv or atom", "FORMAT" },
		{ "follow", 'F', 0, G_OPTION_ARG_NONE, &follow, "Keep printing new hits as they are stored", NULL },
		{ NULL }
	};
	struct fw_hit_filter f = { 0 };
	enum fw_hitlog_format fmt = FW_HITLOG_TABLE;
	struct fw_config *cfg;
	struct fw_store *store;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	gint64 now = now_s();
	int rc = 0;

	if (!parse_options("hits", NULL, "List the hit log, newest first.", entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("hits: unexpected argument '%s'", argv[1]);
	if (format != NULL && !fw_hitlog_format_from_name(format, &fmt))
		return usage_error("hits: unknown format '%s' (table, json, csv, atom)", format);
	if (follow && fmt == FW_HITLOG_ATOM)
		return usage_error("hits: --follow works with table, json and csv, not %s", format);
	if (since != NULL && !fw_config_parse_when(since, now, &f.since))
		return usage_error("hits: bad --since '%s' (e.g. 2024-11-26, 36h, 7d)", since);
	if (until != NULL && !fw_config_parse_when(until, now, &f.until))
		return usage_error("hits: bad --until '%s' (e.g. 2024-11-26, 36h, 7d)", until);
	if (limit < -1)
		return usage_error("hits: bad --limit '%s' (a number, 0 for all)", "negative");
	f.topics = topics;
	f.feeds = feeds;
	f.unread = unread;
	f.search = search;
	f.limit = limit < 0 ? 0 : (guint)limit;
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	if (follow) {
		rc = follow_hits(store, &f, fmt, use_color(), term_width());
	} else if (!fw_store_hits(store, &f, rows, &err)) {
		rc = fail("hits", "%s", err->message);
	} else {
		fw_hitlog_print(rows, fmt, stdout, use_color(), term_width());
	}
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

static gboolean
parse_hit_id(const char *s, gint64 *out)
{
	char *end;

	*out = g_ascii_strtoll(s, &end, 10);
	return *s != '\0' && *end == '\0' && *out > 0;
}

/* The other hits of row's item (its hits for other topics), by id. */
static GPtrArray *
item_other_hits(struct fw_store *store, const struct fw_hit_row *row)
{
	GPtrArray *others = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	char *feeds[] = { row->feed, NULL };
	struct fw_hit_filter f = { .feeds = feeds, .oldest_first = TRUE };

	if (row->feed == NULL || !fw_store_hits(store, &f, all, NULL))
		return others;
	for (guint i = 0; i < all->len; i++) {
		struct fw_hit_row *o = all->pdata[i];

		if (o->id != row->id && g_strcmp0(o->item_id, row->item_id) == 0)
			g_ptr_array_add(others, g_ptr_array_steal_index(all, i--));
	}
	return others;
}

static int
cmd_show(int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (the default) or json", "FORMAT" },
		{ NULL }
	};
	struct fw_config *cfg;
	struct fw_store *store;
	gboolean json = FALSE;
	int rc = 0;

	if (!parse_options("show", "HIT...",
	                   "Show hits: the item, every topic it hit, the marked snippets, the summary, "
	                   "the link and the feeds it also appeared in.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return usage_error("show: unknown format '%s' (text, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	if (argc < 2)
		return usage_error("show: which hit? (%s)", "feedwatch show HIT");
	for (int i = 1; i < argc; i++) {
		gint64 id;
		if (!parse_hit_id(argv[i], &id))
			return usage_error("show: '%s' is not a hit number", argv[i]);
	}
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GPtrArray) others = NULL;
		gint64 id;
		struct fw_hit_row *row;

		parse_hit_id(argv[i], &id);
		row = fw_store_hit_get(store, id, &err);
		if (row == NULL) {
			rc = fail("show", "%s", err->message);
			continue;
		}
		if (json) {
			g_autofree char *line = fw_hit_json(row);
			puts(line);
		} else {
			others = item_other_hits(store, row);
			if (i > 1)
				putchar('\n');
			fw_hitlog_show_item(row, others, stdout, use_color());
		}
		fw_hit_row_free(row);
	}
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* Runs the browser on url: $BROWSER (the first of a colon-separated list;
 * "%s" in it is the URL, else the URL is added), else xdg-open. No shell.
 * Waits up to 5 s for it to fail; a browser still running then is fine. */
static gboolean
launch_browser(const char *url, GError **error)
{
	const char *browser = g_getenv("BROWSER");
	g_auto(GStrv) argv = NULL;
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	GPid pid;
	int status;

	if (browser != NULL && *browser != '\0') {
		g_auto(GStrv) list = g_strsplit(browser, ":", 2);
		g_auto(GStrv) words = NULL;
		gboolean placed = FALSE;

		if (!g_shell_parse_argv(list[0], NULL, &words, error))
			return FALSE;
		for (int i = 0; words[i]; i++) {
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
	argv = g_strv_builder_end(b);
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

static int
cmd_open(int argc, char **argv)
{
	struct fw_config *cfg;
	struct fw_store *store;
	struct fw_hit_row *row;
	g_autoptr(GError) err = NULL;
	gint64 id;
	int rc = 0;

	if (!parse_options("open", "HIT",
	                   "Open a hit's link in the browser ($BROWSER, else xdg-open) and mark it read.",
	                   NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("open: give one hit number (%s)", "feedwatch open HIT");
	if (!parse_hit_id(argv[1], &id))
		return usage_error("open: '%s' is not a hit number", argv[1]);
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	row = fw_store_hit_get(store, id, &err);
	if (row == NULL) {
		rc = fail("open", "%s", err->message);
	} else if (row->link == NULL || (!g_str_has_prefix(row->link, "http://") &&
	                                 !g_str_has_prefix(row->link, "https://"))) {
		rc = fail("open", "hit %" G_GINT64_FORMAT " has no link to open", id);
	} else if (!launch_browser(row->link, &err)) {
		rc = fail("open", "cannot open %s: %s", row->link, err->message);
	} else if (!fw_store_hit_set_read(store, id, TRUE, &err)) {
		rc = fail("open", "%s", err->message);
	}
	fw_hit_row_free(row);
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

static int
cmd_read(int argc, char **argv, gboolean read)
{
	static gboolean all;
	static char **topics;
	static const GOptionEntry entries[] = {
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "Every hit (or every hit of --topic)", NULL },
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "With --all: only topic T (repeatable)", "T" },
		{ NULL }
	};
	const char *cmd = read ? "read" : "unread";
	struct fw_config *cfg;
	struct fw_store *store;
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!parse_options(cmd, "HIT... | --all", read ? "Mark hits read." : "Mark hits unread.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (!all && argc < 2)
		return usage_error("%s: which hits? (HIT... or --all)", cmd);
	if (all && argc > 1)
		return usage_error("%s: give hit numbers or --all, not both", cmd);
	if (!all && topics != NULL)
		return usage_error("%s: --topic goes with --all", cmd);
	for (int i = 1; i < argc; i++) {
		gint64 id;
		if (!parse_hit_id(argv[i], &id))
			return usage_error("'%s' is not a hit number", argv[i]);
		g_array_append_val(ids, id);
	}
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	if (all) {
		gint64 changed = 0;
		if (fw_store_hits_set_read_all(store, topics, read, &changed, &err))
			printf("%" G_GINT64_FORMAT " hit%s marked %s\n", changed, changed == 1 ? "" : "s", cmd);
	} else if (fw_store_begin(store, &err)) {
		for (guint i = 0; i < ids->len && err == NULL; i++)
			fw_store_hit_set_read(store, g_array_index(ids, gint64, i), read, &err);
		if (err == NULL)
			fw_store_commit(store, &err);
		else
			fw_store_rollback(store);
	}
	if (err != NULL)
		rc = fail(cmd, "%s", err->message);
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- parse and match --------------------------------------------------- */

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

/* GETs url (http, https) on a main loop of its own; FALSE with f->error set
 * when it fails. Clear f with fetched_clear. */
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

/* Reads a feed document from a file, a URL or "-" (stdin) and parses it. */
static struct fw_feed_doc *
read_feed(const char *src, GError **error)
{
	g_autofree char *data = NULL;
	gsize len = 0;
	struct fw_feed_doc *doc;

	if (strcmp(src, "-") == 0) {
		GString *s = g_string_new(NULL);
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			g_string_append_len(s, buf, n);
		len = s->len;
		data = g_string_free(s, FALSE);
		return fw_feed_parse(data, len, NULL, NULL, error);
	}
	if (g_str_has_prefix(src, "http://") || g_str_has_prefix(src, "https://")) {
		struct fetched f;

		if (!fetch_url(src, 30, 10 * 1024 * 1024, &f)) {
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "%s: %s", src, f.error);
			doc = NULL;
		} else {
			gsize n = 0;
			const char *d = g_bytes_get_data(f.body, &n);
			doc = fw_feed_parse(d ? d : "", n, f.final_url, f.content_type, error);
		}
		fetched_clear(&f);
		return doc;
	}
	if (!g_file_get_contents(src, &data, &len, error))
		return NULL;
	{
		g_autofree char *abs = g_canonicalize_filename(src, NULL);
		g_autofree char *uri = g_filename_to_uri(abs, NULL, NULL);
		return fw_feed_parse(data, len, uri, NULL, error);
	}
}

static void
json_time(JsonBuilder *b, const char *name, gint64 t)
{
	json_builder_set_member_name(b, name);
	if (t == FW_TIME_NONE) {
		json_builder_add_null_value(b);
	} else {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
		g_autofree char *s = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
		if (s)
			json_builder_add_string_value(b, s);
		else
			json_builder_add_null_value(b);
	}
}

static void
json_str(JsonBuilder *b, const char *name, const char *v)
{
	json_builder_set_member_name(b, name);
	if (v)
		json_builder_add_string_value(b, v);
	else
		json_builder_add_null_value(b);
}

static void
print_item_json(const struct fw_feed_doc *doc, const struct fw_item *it)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *out = NULL;

	json_builder_begin_object(b);
	json_str(b, "id", it->id);
	json_str(b, "title", it->title);
	json_str(b, "link", it->link);
	json_time(b, "published", it->published);
	json_time(b, "updated", it->updated);
	json_str(b, "author", it->author);
	json_builder_set_member_name(b, "categories");
	json_builder_begin_array(b);
	for (guint i = 0; i < it->categories->len; i++)
		json_builder_add_string_value(b, it->categories->pdata[i]);
	json_builder_end_array(b);
	json_str(b, "summary", it->summary);
	json_str(b, "content", it->content);
	json_str(b, "feed_title", doc->title);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	out = json_generator_to_data(gen, NULL);
	puts(out);
}

static void
print_time(const char *label, gint64 t)
{
	if (t != FW_TIME_NONE) {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);
		g_autofree char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S %z") : NULL;
		printf("  %-10s %s\n", label, s ? s : "?");
	}
}

static int
cmd_parse(int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text or json", "FORMAT" },
		{ NULL }
	};
	g_autoptr(GError) err = NULL;
	struct fw_feed_doc *doc;
	gboolean json;

	if (!parse_options("parse", "FILE|URL|-", "Show how feedwatch reads a feed: its items, fields as text.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("parse: give one FILE, URL or - (%s)", "stdin");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return usage_error("parse: unknown format '%s' (text, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	doc = read_feed(argv[1], &err);
	if (doc == NULL) {
		fprintf(stderr, "feedwatch: %s: %s\n", argv[1], err->message);
		return 1;
	}
	if (doc->degraded)
		fprintf(stderr, "feedwatch: %s: broken feed read in recover mode: %s\n", argv[1],
		        doc->warning ? doc->warning : "");
	if (!json)
		printf("feed: %s (%u item%s)\n", doc->title ? doc->title : "(no title)", doc->items->len,
		       doc->items->len == 1 ? "" : "s");
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = doc->items->pdata[i];
		if (json) {
			print_item_json(doc, it);
			continue;
		}
		printf("\n%s\n", it->title ? it->title : "(no title)");
		printf("  %-10s %s\n", "id", it->id);
		if (it->link)
			printf("  %-10s %s\n", "link", it->link);
		print_time("published", it->published);
		print_time("updated", it->updated);
		if (it->author)
			printf("  %-10s %s\n", "author", it->author);
		for (guint c = 0; c < it->categories->len; c++)
			printf("  %-10s %s\n", "category", (char *)it->categories->pdata[c]);
		if (it->summary)
			printf("  %-10s %.300s%s\n", "summary", it->summary,
			       g_utf8_strlen(it->summary, -1) > 300 ? "…" : "");
		if (it->content)
			printf("  %-10s %.300s%s\n", "content", it->content,
			       strlen(it->content) > 300 ? "…" : "");
	}
	fw_feed_doc_free(doc);
	return 0;
}

static char *term_cut(const char *s, guint max);

/* The item as the matcher sees it (categories one a line, as the poller joins them). */

/* Prints one item's match (title, link, marked snippet, matched words) or,
 * with why, its miss and the reason. Returns TRUE when it matched. */
static gboolean
match_one(const struct fw_query *q, const struct fw_item *it, const char *feed_title,
          gboolean why, gboolean color)
{
	g_autofree char *cats = NULL;
	struct fw_doc d;
	GArray *spans;
	const char *name = it->title ? it->title : it->id;

	fw_doc_from_item(&d, it, feed_title, &cats);
	spans = fw_query_match(q, &d);
	if (spans == NULL) {
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			g_autofree char *t = term_cut(name, 200);
			printf("%sno match:%s %s\n", color ? "\033[2m" : "", color ? "\033[0m" : "", t);
			if (it->link)
				printf("  %s\n", it->link);
			printf("  why not: %s\n\n", reason ? reason : "?");
		}
		return FALSE;
	}
	{
		struct fw_snippet *sn = fw_snippet_make(&d, spans, 200);
		g_autofree char *text = sn ? fw_snippet_render(sn->text, sn->marks,
		                                               color ? "\033[1m" : "[",
		                                               color ? "\033[0m" : "]", FALSE) : NULL;
		g_autofree char *t = term_cut(name, 200);
		g_autofree char *snip = text ? term_cut(text, 1000) : NULL;

		printf("%s\n", t);
		if (it->link)
			printf("  %s\n", it->link);
		if (snip)
			printf("  %s\n", snip);
		printf("  matched:");
		for (guint s = 0; s < spans->len; s++) {
			const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
			const char *f = d.field[sp->field] ? d.field[sp->field] : "";
			const char *a = g_utf8_offset_to_pointer(f, sp->start);
			const char *b = g_utf8_offset_to_pointer(f, sp->end);
			g_autofree char *w = g_strndup(a, b - a);
			g_autofree char *wc = term_cut(w, 80);
			printf(" %s:%u-%u \"%s\"", fw_field_name(sp->field), sp->start, sp->end, wc);
		}
		printf("\n");
		if (why) {
			g_autofree char *reason = fw_query_explain(q, &d);
			printf("  why: %s\n", reason ? reason : "?");
		}
		printf("\n");
		fw_snippet_free(sn);
	}
	g_array_unref(spans);
	return TRUE;
}

static int
cmd_match(int argc, char **argv)
{
	static gboolean why;
	static const GOptionEntry entries[] = {
		{ "why", 'w', 0, G_OPTION_ARG_NONE, &why, "Also say why each item did or did not match", NULL },
		{ NULL }
	};
	g_autoptr(GError) err = NULL;
	struct fw_query *q;
	struct fw_feed_doc *doc = NULL;
	g_autofree char *text = NULL;
	const char *src;
	guint col = 0, hits = 0, total;
	gboolean color = use_color();

	if (!parse_options("match", "QUERY [FILE|URL|-]",
	                   "Try a query on a feed, or on plain text, and show what matches and why "
	                   "(standard input when no FILE or URL is given).",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc < 2 || argc > 3)
		return usage_error("match: give a QUERY and a FILE, URL or - (%s)", "stdin");
	src = argc == 3 ? argv[2] : "-";
	q = fw_query_parse(argv[1], &col, &err);
	if (q == NULL) {
		fprintf(stderr, "feedwatch match: query:%u: %s\n    %s\n    %*s^\n", col, err->message,
		        argv[1], (int)(col > 0 ? col - 1 : 0), "");
		return 1;
	}
	if (strcmp(src, "-") == 0 || !g_str_has_prefix(src, "http")) {
		/* A file or standard input: a feed, else plain text (one item). */
		gsize len = 0;

		if (strcmp(src, "-") == 0) {
			GString *s = g_string_new(NULL);
			char buf[65536];
			size_t n;
			while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
				g_string_append_len(s, buf, n);
			len = s->len;
			text = g_string_free(s, FALSE);
		} else if (!g_file_get_contents(src, &text, &len, &err)) {
			fw_query_free(q);
			return fail("match", "%s", err->message);
		}
		doc = fw_feed_parse(text, len, NULL, NULL, &err);
		if (doc == NULL && !g_error_matches(err, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML)) {
			fw_query_free(q);
			return fail("match", "%s: %s", src, err->message);
		}
	} else if ((doc = read_feed(src, &err)) == NULL) {
		fw_query_free(q);
		return fail("match", "%s: %s", src, err->message);
	}
	if (doc != NULL) {
		for (guint i = 0; i < doc->items->len; i++)
			hits += match_one(q, doc->items->pdata[i], doc->title, why, color);
		total = doc->items->len;
	} else {
		struct fw_item it = { 0 };
		g_autofree char *valid = g_utf8_make_valid(text, -1);

		it.id = (char *)"(text)";
		it.content = valid;
		it.published = it.updated = FW_TIME_NONE;
		it.categories = g_ptr_array_new();
		hits = match_one(q, &it, NULL, why, color);
		g_ptr_array_unref(it.categories);
		total = 1;
	}
	printf("%u of %u item%s matched\n", hits, total, total == 1 ? "" : "s");
	fw_feed_doc_free(doc);
	fw_query_free(q);
	return 0;
}

/* ---- status ------------------------------------------------------------- */

/* A feed's health word, and its rank: failing feeds first. */
static const char *
feed_health(const struct fw_feed_status *st, int *rank)
{
	static const struct { const char *word; int rank; } h[] = {
		{ "failing", 0 }, { "gone", 1 }, { "degraded", 2 }, { "moved", 3 }, { "never", 4 },
		{ "ok", 5 },
	};
	int i;

	if (st == NULL || st->last_poll == 0)
		i = 4;
	else if (st->gone)
		i = 1;
	else if (st->error != NULL || st->failures > 0)
		i = 0;
	else if (st->degraded)
		i = 2;
	else if (st->moved_to != NULL)
		i = 3;
	else
		i = 5;
	*rank = h[i].rank;
	return h[i].word;
}

/* "12s ago", "5m ago", "3h ago", "2d ago" (ago) or "in 4m" (!ago); "-" for 0. */
static char *
relative_time(gint64 t, gint64 now, gboolean ago)
{
	gint64 d = ago ? now - t : t - now;
	const char *unit = "s";

	if (t == 0)
		return g_strdup("-");
	if (d <= 0)
		return g_strdup(ago ? "just now" : "due");
	if (d >= 2 * 86400)
		d /= 86400, unit = "d";
	else if (d >= 2 * 3600)
		d /= 3600, unit = "h";
	else if (d >= 120)
		d /= 60, unit = "m";
	return ago ? g_strdup_printf("%" G_GINT64_FORMAT "%s ago", d, unit)
	           : g_strdup_printf("in %" G_GINT64_FORMAT "%s", d, unit);
}

/* Unix seconds as RFC 3339 UTC into a JSON member (null for 0 / none). */
static void
json_utc(JsonBuilder *b, const char *name, gint64 t)
{
	json_builder_set_member_name(b, name);
	if (t == 0 || t == FW_TIME_NONE) {
		json_builder_add_null_value(b);
	} else {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);
		g_autofree char *s = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
		if (s)
			json_builder_add_string_value(b, s);
		else
			json_builder_add_null_value(b);
	}
}

static void json_str(JsonBuilder *b, const char *name, const char *v);

/* A string for the terminal: control characters as spaces, cut to max columns with …. */
static char *
term_cut(const char *s, guint max)
{
	g_autofree char *v = g_utf8_make_valid(s ? s : "", -1);
	GString *out = g_string_new(NULL);
	guint n = 0, len;

	for (char *p = v; *p; p = g_utf8_next_char(p))
		if (g_unichar_iscntrl(g_utf8_get_char(p)))
			*p = ' ';
	len = (guint)g_utf8_strlen(v, -1);
	for (const char *p = v; *p && max > 0; p = g_utf8_next_char(p), n++) {
		if (len > max && n + 1 >= max) {
			g_string_append(out, "…");
			break;
		}
		g_string_append_unichar(out, g_utf8_get_char(p));
	}
	return g_string_free(out, FALSE);
}

struct status_line {
	const struct fw_feed_conf *fc;
	const struct fw_feed_status *st;   /* NULL: never polled */
	const char *health;
	int rank;
	guint order;
};

static gint
status_line_cmp(gconstpointer a, gconstpointer b)
{
	const struct status_line *x = *(struct status_line *const *)a;
	const struct status_line *y = *(struct status_line *const *)b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return (int)x->order - (int)y->order;
}

static int
cmd_status(int argc, char **argv)
{
	static char *format;
	static const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default) or json", "FORMAT" },
		{ NULL }
	};
	struct fw_config *cfg;
	struct fw_store *store;
	g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	gboolean json, color = use_color();
	gint64 now = now_s();
	pid_t pid;
	guint failing = 0, wkey = 4, width = term_width();

	if (!parse_options("status", NULL,
	                   "Each feed: health, last poll, HTTP status, next poll, items, hits, error "
	                   "(failing feeds first); and whether feedwatchd is running.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("status: unexpected argument '%s'", argv[1]);
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return usage_error("status: unknown format '%s' (table, json)", format);
	json = format != NULL && strcmp(format, "json") == 0;
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	if (!fw_store_feed_statuses(store, statuses, &err)) {
		int rc = fail("status", "%s", err->message);
		fw_store_free(store);
		fw_config_free(cfg);
		return rc;
	}
	pid = fw_lock_holder(cfg->database);
	for (guint i = 0; i < cfg->feeds->len; i++) {
		struct status_line *l = g_new0(struct status_line, 1);

		l->fc = cfg->feeds->pdata[i];
		l->order = i;
		for (guint k = 0; k < statuses->len; k++) {
			const struct fw_feed_status *st = statuses->pdata[k];
			if (strcmp(st->key, l->fc->key) == 0)
				l->st = st;
		}
		l->health = feed_health(l->st, &l->rank);
		failing += l->rank == 0;
		wkey = MAX(wkey, (guint)g_utf8_strlen(l->fc->key, -1));
		g_ptr_array_add(lines, l);
	}
	g_ptr_array_sort(lines, status_line_cmp);
	if (json) {
		g_autoptr(JsonBuilder) b = json_builder_new_immutable();
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree char *out = NULL;

		json_builder_begin_object(b);
		json_str(b, "database", cfg->database);
		json_builder_set_member_name(b, "daemon");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "running");
		json_builder_add_boolean_value(b, pid > 0);
		json_builder_set_member_name(b, "pid");
		if (pid > 0)
			json_builder_add_int_value(b, pid);
		else
			json_builder_add_null_value(b);
		json_builder_end_object(b);
		json_builder_set_member_name(b, "feeds");
		json_builder_begin_array(b);
		for (guint i = 0; i < lines->len; i++) {
			const struct status_line *l = lines->pdata[i];
			const struct fw_feed_status *st = l->st;

			json_builder_begin_object(b);
			json_str(b, "feed", l->fc->key);
			json_str(b, "url", l->fc->url);
			json_str(b, "title", l->fc->title ? l->fc->title : st ? st->title : NULL);
			json_str(b, "health", l->health);
			json_utc(b, "last_poll", st ? st->last_poll : 0);
			json_utc(b, "next_poll", st ? st->next_poll : 0);
			json_builder_set_member_name(b, "http_status");
			if (st && st->http_status > 0)
				json_builder_add_int_value(b, st->http_status);
			else
				json_builder_add_null_value(b);
			json_str(b, "error", st ? st->error : NULL);
			json_builder_set_member_name(b, "failures");
			json_builder_add_int_value(b, st ? st->failures : 0);
			json_builder_set_member_name(b, "items");
			json_builder_add_int_value(b, st ? st->items : 0);
			json_builder_set_member_name(b, "hits");
			json_builder_add_int_value(b, st ? st->hits : 0);
			json_str(b, "moved_to", st ? st->moved_to : NULL);
			json_builder_set_member_name(b, "gone");
			json_builder_add_boolean_value(b, st && st->gone);
			json_builder_set_member_name(b, "degraded");
			json_builder_add_boolean_value(b, st && st->degraded);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		json_generator_set_root(gen, root);
		out = json_generator_to_data(gen, NULL);
		puts(out);
	} else {
		guint fixed, werr;

		if (pid > 0)
			printf("feedwatchd is running (pid %ld) on %s\n", (long)pid, cfg->database);
		else
			printf("feedwatchd is not running (database %s)\n", cfg->database);
		printf("%u feed%s, %u failing\n", cfg->feeds->len, cfg->feeds->len == 1 ? "" : "s",
		       failing);
		if (lines->len > 0) {
			wkey = MIN(wkey, 24);
			fixed = 8 + 2 + wkey + 2 + 10 + 2 + 4 + 2 + 9 + 2 + 6 + 2 + 5 + 2;
			werr = width > fixed + 10 ? width - fixed : 10;
			printf("%s%-8s  %-*s  %-10s  %4s  %-9s  %6s  %5s  %s%s\n", color ? "\033[1m" : "",
			       "HEALTH", (int)wkey, "FEED", "LAST POLL", "HTTP", "NEXT POLL", "ITEMS",
			       "HITS", "ERROR", color ? "\033[0m" : "");
		} else {
			werr = 0;
		}
		for (guint i = 0; i < lines->len; i++) {
			const struct status_line *l = lines->pdata[i];
			const struct fw_feed_status *st = l->st;
			g_autofree char *key = term_cut(l->fc->key, wkey);
			g_autofree char *last = relative_time(st ? st->last_poll : 0, now, TRUE);
			g_autofree char *next = st && st->gone ? g_strdup("-")
			                        : relative_time(st && st->last_poll ? MAX(st->next_poll, 1) : 0,
			                                        now, FALSE);
			g_autofree char *http = st && st->http_status > 0
			                        ? g_strdup_printf("%ld", st->http_status) : g_strdup("-");
			g_autofree char *note = NULL, *cut = NULL, *line = NULL;
			const char *hc = !color ? "" : l->rank == 0 || l->rank == 1 ? "\033[31m"
			                 : l->rank == 5 ? "\033[32m" : "\033[33m";

			if (st && st->error)
				note = g_strdup(st->error);
			else if (st && st->moved_to)
				note = g_strdup_printf("moved to %s", st->moved_to);
			else if (st && st->degraded)
				note = g_strdup("read in recover mode (broken XML)");
			cut = term_cut(note ? note : "", werr);
			line = g_strdup_printf("%s%-8s%s  %s%*s  %-10s  %4s  %-9s  %6" G_GINT64_FORMAT
			                       "  %5" G_GINT64_FORMAT "  %s", hc, l->health,
			                       color ? "\033[0m" : "", key,
			                       (int)(wkey - g_utf8_strlen(key, -1)), "", last, http, next,
			                       st ? st->items : 0, st ? st->hits : 0, cut);
			puts(g_strchomp(line));
		}
	}
	fw_store_free(store);
	fw_config_free(cfg);
	return 0;
}

/* ---- stats -------------------------------------------------------------- */

/* The config's topics, in order, as a new stats range; the caller counts. */
static void
stats_add_topics(struct fw_stats *s, const struct fw_config *cfg)
{
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		fw_stats_topic(s, t->key, t->name);
	}
}

static int
cmd_stats(int argc, char **argv)
{
	static int days = 14;
	static char *format;
	static const GOptionEntry entries[] = {
		{ "days", 'd', 0, G_OPTION_ARG_INT, &days, "The last N days, today included (default 14)", "N" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default), json or csv", "FORMAT" },
		{ NULL }
	};
	enum fw_stats_format fmt = FW_STATS_TABLE;
	struct fw_config *cfg;
	struct fw_store *store;
	struct fw_stats *s;
	struct fw_hit_filter f = { 0 };
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	guint today;
	int rc = 0;

	if (!parse_options("stats", NULL, "Hits per topic per day for the last N days, with a sparkline a topic.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("stats: unexpected argument '%s'", argv[1]);
	if (days < 1 || days > FW_STATS_MAX_DAYS)
		return usage_error("stats: --days must be from 1 to %s", G_STRINGIFY(FW_STATS_MAX_DAYS));
	if (format != NULL && !fw_stats_format_from_name(format, &fmt))
		return usage_error("stats: unknown format '%s' (table, json, csv)", format);
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	today = fw_stats_day(now_s());
	s = fw_stats_new(today - (guint)days + 1, (guint)days);
	stats_add_topics(s, cfg);
	f.since = fw_stats_day_start(s->first_day);
	f.oldest_first = TRUE;
	if (!fw_store_hits(store, &f, rows, &err)) {
		rc = fail("stats", "%s", err->message);
	} else {
		for (guint i = 0; i < rows->len; i++) {
			const struct fw_hit_row *r = rows->pdata[i];
			fw_stats_count(s, r->topic, r->topic_name, r->found);
		}
		fw_stats_print(s, fmt, stdout, use_color(), term_width());
	}
	fw_stats_free(s);
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- backtest ----------------------------------------------------------- */

struct backtest {
	const struct fw_query *query;
	gboolean json, color;
	guint width;
	guint items, matched, undated;
	GHashTable *days;    /* local day -> count (GUINT_TO_POINTER) */
	guint first_day, last_day;
};

static gboolean
backtest_item_cb(gint64 item_rowid, const char *feed_key, const char *feed_title,
                 const struct fw_item *it, gpointer data)
{
	struct backtest *bt = data;
	g_autofree char *cats = NULL, *text = NULL;
	struct fw_doc d;
	GArray *spans;
	struct fw_snippet *sn;
	gint64 when = it->published != FW_TIME_NONE ? it->published : it->updated;
	guint day;

	bt->items++;
	fw_doc_from_item(&d, it, feed_title, &cats);
	if ((spans = fw_query_match(bt->query, &d)) == NULL)
		return TRUE;
	bt->matched++;
	day = fw_stats_day(when);
	if (day == 0) {
		bt->undated++;
	} else {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt->days, GUINT_TO_POINTER(day)));
		g_hash_table_insert(bt->days, GUINT_TO_POINTER(day), GUINT_TO_POINTER(n + 1));
		bt->first_day = bt->first_day ? MIN(bt->first_day, day) : day;
		bt->last_day = MAX(bt->last_day, day);
	}
	sn = fw_snippet_make(&d, spans, 200);
	if (bt->json) {
		g_autoptr(JsonBuilder) b = json_builder_new_immutable();
		g_autoptr(JsonGenerator) gen = json_generator_new();
		g_autoptr(JsonNode) root = NULL;
		g_autofree char *line = NULL;

		json_builder_begin_object(b);
		json_str(b, "feed", feed_key);
		json_str(b, "feed_title", feed_title);
		json_str(b, "item_id", it->id);
		json_str(b, "title", it->title);
		json_str(b, "link", it->link);
		json_utc(b, "published", it->published);
		json_str(b, "snippet", sn ? sn->text : NULL);
		json_builder_set_member_name(b, "matched");
		json_builder_begin_array(b);
		for (guint s = 0; s < spans->len; s++) {
			const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
			json_builder_begin_object(b);
			json_str(b, "field", fw_field_name(sp->field));
			json_builder_set_member_name(b, "start");
			json_builder_add_int_value(b, sp->start);
			json_builder_set_member_name(b, "end");
			json_builder_add_int_value(b, sp->end);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
		root = json_builder_get_root(b);
		json_generator_set_root(gen, root);
		line = json_generator_to_data(gen, NULL);
		puts(line);
	} else {
		g_autoptr(GDateTime) dt = when != FW_TIME_NONE ? g_date_time_new_from_unix_local(when) : NULL;
		g_autofree char *date = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M") : g_strdup("(no date)");
		g_autofree char *head = g_strdup_printf("%s  %s  %s", date, feed_title ? feed_title : feed_key,
		                                        it->title ? it->title : it->id);
		g_autofree char *cut = term_cut(head, bt->width);
		g_autofree char *clean = NULL;

		text = sn ? fw_snippet_render(sn->text, sn->marks, bt->color ? "\033[1m" : "[",
		                              bt->color ? "\033[0m" : "]", FALSE) : NULL;
		printf("%s%s%s\n", bt->color ? "\033[1m" : "", cut, bt->color ? "\033[0m" : "");
		if (text) {
			clean = g_strdup(text);
			for (char *p = clean; *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			printf("    %s\n", clean);
		}
	}
	fw_snippet_free(sn);
	g_array_unref(spans);
	return TRUE;
}

static int
cmd_backtest(int argc, char **argv)
{
	static char *since, *format;
	static const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only items published at or after WHEN", "WHEN" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "table (the default) or json (the matches, one a line)", "FORMAT" },
		{ NULL }
	};
	struct backtest bt = { 0 };
	struct fw_config *cfg;
	struct fw_store *store;
	const struct fw_topic_conf *topic = NULL;
	g_autofree char *qtext = NULL;
	g_autoptr(GError) err = NULL;
	struct fw_query *q;
	gint64 from = 0;
	guint col = 0;
	int rc = 0;

	if (!parse_options("backtest", "TOPIC|QUERY",
	                   "Run a topic of the config (with its also= queries) or a query over every "
	                   "stored item; print the matches and the matches a day.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("backtest: give one TOPIC or QUERY (%s)", "quote a query with spaces");
	if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
		return usage_error("backtest: unknown format '%s' (table, json)", format);
	if (since != NULL && !fw_config_parse_when(since, now_s(), &from))
		return usage_error("backtest: bad --since '%s' (e.g. 2024-11-26, 36h, 7d)", since);
	if ((cfg = load_config()) == NULL)
		return 1;
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		if (strcmp(t->key, argv[1]) == 0)
			topic = t;
	}
	qtext = topic ? fw_topic_conf_query(topic) : g_strdup(argv[1]);
	q = fw_query_parse(qtext, &col, &err);
	if (q == NULL) {
		fprintf(stderr, "feedwatch backtest: '%s' is no topic of %s, and as a query:%u: %s\n"
		        "    %s\n    %*s^\n", argv[1], cfg->path, col, err->message, qtext,
		        (int)(col > 0 ? col - 1 : 0), "");
		fw_config_free(cfg);
		return 1;
	}
	if ((store = open_store(cfg)) == NULL) {
		fw_query_free(q);
		fw_config_free(cfg);
		return 1;
	}
	bt.query = q;
	bt.json = format != NULL && strcmp(format, "json") == 0;
	bt.color = use_color();
	bt.width = term_width();
	bt.days = g_hash_table_new(g_direct_hash, g_direct_equal);
	if (!bt.json) {
		if (topic)
			printf("Topic %s (%s): %s\n\n", topic->key, topic->name, qtext);
		else
			printf("Query: %s\n\n", qtext);
	}
	if (!fw_store_items_foreach(store, from, backtest_item_cb, &bt, &err)) {
		rc = fail("backtest", "%s", err->message);
	} else if (!bt.json) {
		guint max = 0, span = bt.last_day - bt.first_day + 1;

		if (bt.matched > 0)
			printf("\nMatches a day (published, local time):\n");
		for (guint d = bt.first_day; bt.matched > bt.undated && d <= bt.last_day; d++) {
			guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt.days, GUINT_TO_POINTER(d)));
			max = MAX(max, n);
		}
		for (guint d = bt.first_day; bt.matched > bt.undated && d <= bt.last_day; d++) {
			guint n = GPOINTER_TO_UINT(g_hash_table_lookup(bt.days, GUINT_TO_POINTER(d)));
			g_autofree char *label = fw_stats_day_label(d);
			guint bar = max ? (n * 40 + max - 1) / max : 0;
			g_autoptr(GString) bars = g_string_new(NULL);

			if (n == 0 && span > 62)
				continue;   /* a long range: the days with matches only */
			for (guint k = 0; k < bar; k++)
				g_string_append(bars, "█");
			printf("  %s  %4u  %s\n", label, n, bars->str);
		}
		if (bt.undated)
			printf("  (no date)   %4u\n", bt.undated);
		printf("%s%u of %u stored item%s matched\n", bt.matched ? "\n" : "", bt.matched,
		       bt.items, bt.items == 1 ? "" : "s");
	}
	g_hash_table_unref(bt.days);
	fw_query_free(q);
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- report ------------------------------------------------------------- */

static int
cmd_report(int argc, char **argv)
{
	static char *since, *until, *output, *title;
	static char **topics;
	static const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "Hits found at or after WHEN (default: 30d)", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "Hits found before WHEN", "WHEN" },
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "Only topic T (repeatable)", "T" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "The page's heading", "TEXT" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
		{ NULL }
	};
	struct fw_hit_filter f = { 0 };
	struct fw_report_opts o = { 0 };
	struct fw_config *cfg;
	struct fw_store *store;
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) rtopics = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *tmp = NULL;
	gint64 now = now_s();
	FILE *out = stdout;
	int rc = 0;

	if (!parse_options("report", NULL,
	                   "One self-contained HTML page of the hit log: a timeline of hits per topic "
	                   "and the hits by topic with their snippets and links.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("report: unexpected argument '%s'", argv[1]);
	if (!fw_config_parse_when(since ? since : "30d", now, &f.since))
		return usage_error("report: bad --since '%s' (e.g. 2024-11-26, 36h, 7d)", since);
	if (until != NULL && !fw_config_parse_when(until, now, &f.until))
		return usage_error("report: bad --until '%s' (e.g. 2024-11-26, 36h, 7d)", until);
	if (output == NULL && isatty(STDOUT_FILENO))
		return usage_error("report: %s", "this is HTML: redirect it (feedwatch report > report.html) or use -o FILE");
	if ((cfg = load_config()) == NULL)
		return 1;
	if ((store = open_store(cfg)) == NULL) {
		fw_config_free(cfg);
		return 1;
	}
	f.topics = topics;
	if (!fw_store_hits(store, &f, rows, &err)) {
		rc = fail("report", "%s", err->message);
		goto done;
	}
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		struct fw_report_topic *rt;

		if (topics != NULL && !g_strv_contains((const char *const *)topics, t->key))
			continue;
		rt = g_new0(struct fw_report_topic, 1);
		rt->key = t->key;
		rt->name = t->name;
		g_ptr_array_add(rtopics, rt);
	}
	o.title = title;
	o.since = f.since;
	o.now = f.until > 0 ? f.until : now;
	o.topics = rtopics;
	if (output != NULL) {
		tmp = g_strdup_printf("%s.tmp%ld", output, (long)getpid());
		if ((out = fopen(tmp, "w")) == NULL) {
			rc = fail("report", "cannot write %s: %s", tmp, g_strerror(errno));
			goto done;
		}
	}
	fw_report_write(rows, &o, out);
	if (output != NULL) {
		if (ferror(out) | (fclose(out) != 0) || rename(tmp, output) != 0) {
			rc = fail("report", "cannot write %s: %s", output, g_strerror(errno));
			unlink(tmp);
		} else {
			fprintf(stderr, "feedwatch report: %u hit%s written to %s\n", rows->len,
			        rows->len == 1 ? "" : "s", output);
		}
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		rc = fail("report", "cannot write: %s", g_strerror(errno));
	}
done:
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- export, import, add ------------------------------------------------- */

static int
cmd_export(int argc, char **argv)
{
	static char *output;
	static const GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE instead of standard output", "FILE" },
		{ NULL }
	};
	struct fw_config *cfg;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
	g_autoptr(GHashTable) extras = NULL;
	g_autofree char *text = NULL, *doc = NULL;
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!parse_options("export", NULL,
	                   "Write the config's feeds as an OPML 2.0 subscription list (categories as folders).",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("export: unexpected argument '%s'", argv[1]);
	if ((cfg = load_config()) == NULL)
		return 1;
	if (!g_file_get_contents(cfg->path, &text, NULL, &err)) {
		rc = fail("export", "%s", err->message);
		fw_config_free(cfg);
		return rc;
	}
	extras = fw_opml_config_extras(text);
	/* Feeds without a configured title get their own, when a poll stored it;
	 * a database that does not exist yet is not made for that. */
	if (g_file_test(cfg->database, G_FILE_TEST_EXISTS)) {
		struct fw_store *store = fw_store_open(cfg->database, NULL);
		if (store)
			fw_store_feed_statuses(store, statuses, NULL);
		fw_store_free(store);
	}
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		const struct fw_opml_feed *ex = g_hash_table_lookup(extras, fc->key);
		const char *title = fc->title;

		for (guint k = 0; title == NULL && k < statuses->len; k++) {
			const struct fw_feed_status *st = statuses->pdata[k];
			if (strcmp(st->key, fc->key) == 0)
				title = st->title;
		}
		g_autoptr(GString) t = g_string_new(title ? title : fc->key);

		/* import keeps " #" and " ;" in titles from reading as comments with a
		 * no-break space: the OPML gets the plain space back. */
		g_string_replace(t, "\u00a0#", " #", 0);
		g_string_replace(t, "\u00a0;", " ;", 0);
		g_ptr_array_add(feeds, fw_opml_feed_new(t->str, fc->url, ex ? ex->html_url : NULL,
		                                        ex ? ex->category : NULL));
	}
	doc = fw_opml_write(feeds, "feedwatch feeds", now_s());
	if (output != NULL) {
		if (!g_file_set_contents(output, doc, -1, &err))
			rc = fail("export", "%s", err->message);
	} else {
		fputs(doc, stdout);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = fail("export", "cannot write: %s", g_strerror(errno));
	}
	fw_config_free(cfg);
	return rc;
}

/* Appends block to the config file at path, after checking that the config
 * with it still loads. Never rewrites a byte already there. */
static gboolean
config_append(const char *cmd, const char *path, const char *block)
{
	g_autofree char *text = NULL, *dir = g_path_get_dirname(path), *tmp = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) all = NULL;
	gsize len = 0;
	struct fw_config *check;
	FILE *f;
	int fd;

	if (!g_file_get_contents(path, &text, &len, &err)) {
		fail(cmd, "%s", err->message);
		return FALSE;
	}
	all = g_string_new_len(text, (gssize)len);
	if (len > 0 && text[len - 1] != '\n')
		g_string_append_c(all, '\n');
	g_string_append(all, block);
	/* The new text, checked by the real loader from the same folder. */
	tmp = g_build_filename(dir, ".feedwatch-check-XXXXXX", NULL);
	if ((fd = g_mkstemp(tmp)) < 0 || write(fd, all->str, all->len) != (ssize_t)all->len) {
		fail(cmd, "cannot check the new config in %s: %s", dir, g_strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return FALSE;
	}
	close(fd);
	check = fw_config_load(tmp, errors, &err);
	unlink(tmp);
	if (check == NULL) {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)errors->pdata[i]);
		fail(cmd, "%s would not load with the new feeds: nothing written", path);
		return FALSE;
	}
	fw_config_free(check);
	if ((f = fopen(path, "a")) == NULL) {
		fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	if (len > 0 && text[len - 1] != '\n')
		fputc('\n', f);
	fputs(block, f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		fail(cmd, "cannot write %s: %s", path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/* The feed names and the canonical URLs of the config's feeds. */
static void
config_taken(const struct fw_config *cfg, GHashTable *names, GHashTable *urls)
{
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		g_hash_table_add(names, g_strdup(fc->key));
		if (fc->url)
			g_hash_table_insert(urls, fw_store_canonical_link(fc->url), g_strdup(fc->key));
	}
}

/* "Run 'feedwatch reload'" when the daemon runs on cfg's database. */
static void
reload_hint(const struct fw_config *cfg)
{
	pid_t pid = fw_lock_holder(cfg->database);

	if (pid > 0)
		printf("feedwatchd (pid %ld) is running: 'feedwatch reload' makes it read them\n",
		       (long)pid);
}

static int
cmd_import(int argc, char **argv)
{
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print what would be added; change nothing", NULL },
		{ NULL }
	};
	struct fw_config *cfg;
	g_autoptr(GPtrArray) feeds = g_ptr_array_new_with_free_func((GDestroyNotify)fw_opml_feed_free);
	g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) urls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GString) block = g_string_new(NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *data = NULL, *title = NULL, *base = NULL, *date = NULL;
	g_autoptr(GDateTime) dt = g_date_time_new_now_local();
	gsize len = 0;
	guint skipped = 0, dups = 0, added = 0;

	if (!parse_options("import", "FILE.opml",
	                   "Append a [feed NAME] group to the config for each feed of an OPML file "
	                   "that is not there yet (same URL). Comments and other lines are kept.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("import: give one OPML file (%s)", "or - for standard input");
	if ((cfg = load_config()) == NULL)
		return 1;
	if (strcmp(argv[1], "-") == 0) {
		GString *s = g_string_new(NULL);
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0 && s->len <= FW_OPML_MAX_SIZE)
			g_string_append_len(s, buf, n);
		len = s->len;
		data = g_string_free(s, FALSE);
	} else if (!g_file_get_contents(argv[1], &data, &len, &err)) {
		fw_config_free(cfg);
		return fail("import", "%s", err->message);
	}
	if (!fw_opml_parse(data, len, feeds, &title, &skipped, &err)) {
		fw_config_free(cfg);
		return fail("import", "%s: %s", argv[1], err->message);
	}
	config_taken(cfg, names, urls);
	base = g_path_get_basename(argv[1]);
	date = g_date_time_format(dt, "%Y-%m-%d");
	for (guint i = 0; i < feeds->len; i++) {
		const struct fw_opml_feed *fd = feeds->pdata[i];
		g_autofree char *canon = fw_store_canonical_link(fd->xml_url);
		g_autofree char *name = NULL, *group = NULL;

		if (g_hash_table_contains(urls, canon)) {
			dups++;
			continue;
		}
		name = fw_opml_feed_name(fd->title, fd->xml_url, names);
		group = fw_opml_config_group(fd, name);
		g_string_append_printf(block, "\n%s", group);
		printf("%s [feed %s] %s\n", dry_run ? "would add" : "add", name, fd->xml_url);
		g_hash_table_insert(urls, g_steal_pointer(&canon), g_strdup(name));
		g_hash_table_add(names, g_steal_pointer(&name));
		added++;
	}
	if (added > 0) {
		g_autofree char *head = g_strdup_printf("\n# Imported from %s on %s (%u feed%s).\n",
		                                        base, date, added, added == 1 ? "" : "s");
		g_string_prepend(block, head);
	}
	if (added > 0 && !dry_run && !config_append("import", cfg->path, block->str)) {
		fw_config_free(cfg);
		return 1;
	}
	printf("%s %u feed%s %s %s", dry_run ? "would import" : "imported", added,
	       added == 1 ? "" : "s", dry_run ? "into" : "into", cfg->path);
	if (dups || skipped) {
		printf(" (");
		if (dups)
			printf("%u already there%s", dups, skipped ? ", " : "");
		if (skipped)
			printf("%u skipped: not an http(s) feed URL", skipped);
		printf(")");
	}
	printf("\n");
	if (added > 0 && !dry_run)
		reload_hint(cfg);
	fw_config_free(cfg);
	return 0;
}

/* The feed at url parsed, or NULL with error. */
static struct fw_feed_doc *
fetch_feed(const char *url, const struct fw_config *cfg, char **final_url, GBytes **body,
           GError **error)
{
	struct fetched f;
	struct fw_feed_doc *doc = NULL;

	if (!fetch_url(url, cfg->timeout, cfg->max_size, &f)) {
		g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "%s", f.error);
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

static int
cmd_add(int argc, char **argv)
{
	static char *name, *title;
	static gboolean dry_run;
	static const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "The feed's group name (default: from its title)", "NAME" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "A title for the feed (default: the feed's own)", "TEXT" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Print the group that would be added; change nothing", NULL },
		{ NULL }
	};
	struct fw_config *cfg;
	struct fw_feed_doc *doc;
	g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) urls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autofree char *final_url = NULL, *feed_url = NULL, *site = NULL, *canon = NULL;
	g_autofree char *key = NULL, *group = NULL, *block = NULL;
	const char *known;
	struct fw_opml_feed *of;

	if (!parse_options("add", "URL",
	                   "Add a feed to the config: URL is the feed, or a page that announces it "
	                   "(<link rel=\"alternate\">). Comments and other lines are kept.",
	                   entries, &argc, &argv))
		return EXIT_USAGE;
	if (argc != 2)
		return usage_error("add: give one URL (%s)", "a feed or a site's page");
	if (!g_str_has_prefix(argv[1], "http://") && !g_str_has_prefix(argv[1], "https://"))
		return usage_error("add: '%s' is not an http:// or https:// URL", argv[1]);
	if (name != NULL && !fw_config_name_ok(name))
		return usage_error("add: bad --name '%s' (letters, digits, '-', '_' and '.')", name);
	if ((cfg = load_config()) == NULL)
		return 1;
	doc = fetch_feed(argv[1], cfg, &final_url, &body, &err);
	if (doc != NULL) {
		feed_url = g_strdup(final_url);
	} else if (body != NULL && g_error_matches(err, FW_FEED_ERROR, FW_FEED_ERROR_NOT_FEED)) {
		/* A page: the feeds it announces, the first that parses. */
		gsize n = 0;
		const char *d = g_bytes_get_data(body, &n);
		g_autoptr(GPtrArray) links = fw_opml_discover(d ? d : "", n, final_url);
		g_autoptr(GString) why = g_string_new(NULL);

		site = g_strdup(final_url);
		for (guint i = 0; i < links->len && doc == NULL; i++) {
			g_autoptr(GError) e2 = NULL;
			g_autofree char *u = NULL;

			doc = fetch_feed(links->pdata[i], cfg, &u, NULL, &e2);
			if (doc != NULL)
				feed_url = g_strdup(links->pdata[i]);
			else
				g_string_append_printf(why, "\n  %s: %s", (char *)links->pdata[i], e2->message);
		}
		if (doc == NULL) {
			if (links->len == 0)
				fail("add", "%s is a page that announces no feed (no <link rel=\"alternate\" "
				     "type=\"application/rss+xml\"> or atom+xml)", argv[1]);
			else
				fail("add", "%s announces %u feed%s, none of which reads as a feed:%s", argv[1],
				     links->len, links->len == 1 ? "" : "s", why->str);
			fw_config_free(cfg);
			return 1;
		}
	} else {
		fail("add", "%s: %s", argv[1], err->message);
		fw_config_free(cfg);
		return 1;
	}
	config_taken(cfg, names, urls);
	canon = fw_store_canonical_link(feed_url);
	if ((known = g_hash_table_lookup(urls, canon)) != NULL) {
		printf("%s is already in %s as [feed %s]\n", feed_url, cfg->path, known);
		fw_feed_doc_free(doc);
		fw_config_free(cfg);
		return 0;
	}
	if (name != NULL && g_hash_table_contains(names, name)) {
		fail("add", "[feed %s] is already in %s: choose another --name", name, cfg->path);
		fw_feed_doc_free(doc);
		fw_config_free(cfg);
		return 1;
	}
	if (site == NULL && doc->link != NULL)
		site = g_strdup(doc->link);
	key = name ? g_strdup(name) : fw_opml_feed_name(doc->title, feed_url, names);
	of = fw_opml_feed_new(title, feed_url, site, NULL);
	group = fw_opml_config_group(of, key);
	fw_opml_feed_free(of);
	block = g_strdup_printf("\n# Added by feedwatch add: %s (%u item%s)\n%s",
	                        doc->title ? doc->title : feed_url, doc->items->len,
	                        doc->items->len == 1 ? "" : "s", group);
	/* The feed's own title in the comment must stay one line. */
	for (char *p = block + 1; *p && *p != '\n'; p++)
		if ((guchar)*p < 0x20)
			*p = ' ';
	if (dry_run) {
		fputs(block + 1, stdout);
	} else if (!config_append("add", cfg->path, block)) {
		fw_feed_doc_free(doc);
		fw_config_free(cfg);
		return 1;
	} else {
		printf("added [feed %s] %s to %s\n", key, feed_url, cfg->path);
		reload_hint(cfg);
	}
	fw_feed_doc_free(doc);
	fw_config_free(cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;
	char *help_argv[3] = { NULL };

	setlocale(LC_ALL, "");
	signal(SIGPIPE, SIG_IGN);
	fw_log_init(FALSE);
	/* Global -c before the command: feedwatch -c FILE hits */
	while (argc > 2 && (strcmp(argv[1], "-c") == 0 || strcmp(argv[1], "--config") == 0)) {
		opt_config = g_strdup(argv[2]);
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	argv++;
	argc--;
	if (strcmp(cmd, "help") == 0 && argc == 2) {
		/* feedwatch help CMD: CMD --help */
		help_argv[0] = argv[1];
		help_argv[1] = (char *)"--help";
		argv = help_argv;
		cmd = argv[0];
	} else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("feedwatch %s\n", FW_VERSION);
		return 0;
	}
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(cmd, "poll") == 0)
		return cmd_poll(argc, argv);
	if (strcmp(cmd, "hits") == 0)
		return cmd_hits(argc, argv);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc, argv);
	if (strcmp(cmd, "open") == 0)
		return cmd_open(argc, argv);
	if (strcmp(cmd, "read") == 0)
		return cmd_read(argc, argv, TRUE);
	if (strcmp(cmd, "unread") == 0)
		return cmd_read(argc, argv, FALSE);
	if (strcmp(cmd, "reload") == 0)
		return cmd_reload(argc, argv);
	if (strcmp(cmd, "prune") == 0)
		return cmd_prune(argc, argv);
	if (strcmp(cmd, "status") == 0)
		return cmd_status(argc, argv);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(argc, argv);
	if (strcmp(cmd, "backtest") == 0)
		return cmd_backtest(argc, argv);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc, argv);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc, argv);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc, argv);
	if (strcmp(cmd, "add") == 0)
		return cmd_add(argc, argv);
	if (strcmp(cmd, "parse") == 0)
		return cmd_parse(argc, argv);
	if (strcmp(cmd, "match") == 0)
		return cmd_match(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
