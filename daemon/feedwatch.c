/* feedwatch — the user's tool: review the hit log, test topics, check the
 * config, one poll cycle on demand. See feedwatch(1). */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
#include "feedwatch/poll.h"
#include "feedwatch/store.h"
#include "feedwatch/topic.h"

#define EXIT_USAGE 2

static char *opt_config;
static gboolean opt_verbose;

static const GOptionEntry common_entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "Read FILE as the config", "FILE" },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Log debug messages", NULL },
	{ NULL }
};

static const char usage_text[] =
	"Usage: feedwatch [-c FILE] COMMAND [ARGS]\n"
	"\n"
	"Commands:\n"
	"  hits     list hits (--topic, --feed, --since, --until, --unread, --limit, --format)\n"
	"  show     show one hit: the item, its topic, the marked snippet, the link\n"
	"  read     mark hits read (HIT... or --all [--topic T])\n"
	"  unread   mark hits unread\n"
	"  check    validate the config and every query\n"
	"  poll     one poll cycle now, in the foreground (--feed F, --no-notify);\n"
	"           when feedwatchd runs, asks it to poll now instead\n"
	"  reload   make the running feedwatchd reload its config\n"
	"  parse    show how feedwatch reads a feed (FILE, URL or -)\n"
	"  match    try a query on a feed or text (QUERY [FILE|URL|-])\n"
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
	g_autofree char *title = g_strdup_printf("%s%s%s", cmd, params ? " " : "", params ? params : "");
	g_autoptr(GOptionContext) ctx = g_option_context_new(title);
	g_autoptr(GError) err = NULL;

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

static void
poll_done_cb(guint feed_index, gint64 next_poll, gpointer data)
{
	struct poll_run *r = data;

	if (r->waiting > 0)
		r->waiting--;
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
	r.poller = fw_poller_new(NULL, cfg, store, !no_notify, &err);
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

/* ---- hits, show, read -------------------------------------------------- */

/* The printing side of --follow: new hits as the daemon stores them. */
static int
follow_hits(struct fw_store *store, struct fw_hit_filter *f, enum fw_hitlog_format format,
            gboolean color, guint width)
{
	gboolean first = TRUE;

	f->oldest_first = TRUE;
	f->limit = 0;
	for (;;) {
		g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		g_autoptr(GError) err = NULL;

		if (!fw_store_hits(store, f, rows, &err)) {
			fprintf(stderr, "feedwatch: %s\n", err->message);
			return 1;
		}
		if (rows->len > 0) {
			f->after_id = ((struct fw_hit_row *)rows->pdata[rows->len - 1])->id;
			if (first || format == FW_HITLOG_JSON) {
				fw_hitlog_print(rows, format, stdout, color, width);
			} else {
				/* The header line only once. */
				char *buf = NULL, *nl;
				size_t len = 0;
				FILE *mem = open_memstream(&buf, &len);
				fw_hitlog_print(rows, format, mem, color, width);
				fclose(mem);
				nl = strchr(buf, '\n');
				fputs(nl ? nl + 1 : "", stdout);
				free(buf);
			}
			first = FALSE;
			fflush(stdout);
		}
		g_usleep(500 * 1000);
	}
	return 0;
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
		return usage_error("hits: bad --limit '%s'", "negative");
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
		fprintf(stderr, "feedwatch: %s\n", err->message);
		rc = 1;
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

static int
cmd_show(int argc, char **argv)
{
	struct fw_config *cfg;
	struct fw_store *store;
	int rc = 0;

	if (!parse_options("show", "HIT...", "Show hits: the item, its topic, the marked snippet, the link.",
	                   NULL, &argc, &argv))
		return EXIT_USAGE;
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
		gint64 id;
		struct fw_hit_row *row;

		parse_hit_id(argv[i], &id);
		row = fw_store_hit_get(store, id, &err);
		if (row == NULL) {
			fprintf(stderr, "feedwatch: %s\n", err->message);
			rc = 1;
			continue;
		}
		if (i > 1)
			putchar('\n');
		fw_hitlog_show(row, stdout, use_color());
		fw_hit_row_free(row);
	}
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
		{ "topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics, "With --all: only topic T", "T" },
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
	if (err != NULL) {
		fprintf(stderr, "feedwatch: %s\n", err->message);
		rc = 1;
	}
	fw_store_free(store);
	fw_config_free(cfg);
	return rc;
}

/* ---- parse and match --------------------------------------------------- */

struct fetch_one {
	GMainLoop *loop;
	GBytes *body;
	char *final_url;
	char *content_type;
	char *error;
};

static void
fetch_one_cb(struct fw_fetch_result *r, gpointer data)
{
	struct fetch_one *f = data;

	if (r->error != NULL)
		f->error = g_strdup(r->error);
	else
		f->body = g_steal_pointer(&r->body);
	f->final_url = g_strdup(r->final_url ? r->final_url : r->url);
	f->content_type = g_strdup(r->content_type);
	g_main_loop_quit(f->loop);
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
		struct fw_fetch_opts o = { .max_parallel = 1, .max_per_host = 1, .timeout = 30,
		                           .max_size = 10 * 1024 * 1024 };
		struct fetch_one f = { 0 };
		struct fw_fetcher *ft;

		f.loop = g_main_loop_new(NULL, FALSE);
		ft = fw_fetcher_new(NULL, &o, fetch_one_cb, &f);
		fw_fetcher_add(ft, src, NULL, NULL, NULL);
		g_main_loop_run(f.loop);
		fw_fetcher_free(ft);
		g_main_loop_unref(f.loop);
		if (f.error != NULL) {
			g_set_error(error, FW_FEED_ERROR, FW_FEED_ERROR_NOT_XML, "%s: %s", src, f.error);
			doc = NULL;
		} else {
			gsize n = 0;
			const char *d = g_bytes_get_data(f.body, &n);
			doc = fw_feed_parse(d ? d : "", n, f.final_url, f.content_type, error);
		}
		if (f.body)
			g_bytes_unref(f.body);
		g_free(f.final_url);
		g_free(f.content_type);
		g_free(f.error);
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

static int
cmd_match(int argc, char **argv)
{
	g_autoptr(GError) err = NULL;
	struct fw_query *q;
	struct fw_feed_doc *doc;
	guint col = 0, hits = 0;
	gboolean color = use_color();

	if (!parse_options("match", "QUERY [FILE|URL|-]",
	                   "Try a query on a feed (or on plain text with -) and show what matches and why.",
	                   NULL, &argc, &argv))
		return EXIT_USAGE;
	if (argc < 2 || argc > 3)
		return usage_error("match: give a QUERY and a FILE, URL or - (%s)", "stdin");
	q = fw_query_parse(argv[1], &col, &err);
	if (q == NULL) {
		fprintf(stderr, "feedwatch: query:%u: %s\n    %s\n    %*s^\n", col, err->message, argv[1],
		        (int)(col > 0 ? col - 1 : 0), "");
		return 1;
	}
	doc = read_feed(argc == 3 ? argv[2] : "-", &err);
	if (doc == NULL) {
		fprintf(stderr, "feedwatch: %s: %s\n", argc == 3 ? argv[2] : "-", err->message);
		fw_query_free(q);
		return 1;
	}
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = doc->items->pdata[i];
		struct fw_doc d = { { NULL } };
		GArray *spans;
		g_autofree char *cats = NULL;
		GString *cs = g_string_new(NULL);

		for (guint c = 0; c < it->categories->len; c++)
			g_string_append_printf(cs, "%s%s", c ? " \n " : "", (char *)it->categories->pdata[c]);
		cats = g_string_free(cs, FALSE);
		d.field[FW_FIELD_TITLE] = it->title;
		d.field[FW_FIELD_SUMMARY] = it->summary;
		d.field[FW_FIELD_CONTENT] = it->content;
		d.field[FW_FIELD_CATEGORY] = cats;
		d.field[FW_FIELD_AUTHOR] = it->author;
		d.field[FW_FIELD_FEED] = doc->title;
		d.field[FW_FIELD_LINK] = it->link;
		spans = fw_query_match(q, &d);
		if (spans == NULL)
			continue;
		hits++;
		{
			struct fw_snippet *sn = fw_snippet_make(&d, spans, 200);
			g_autofree char *text = sn ? fw_snippet_render(sn->text, sn->marks,
			                                               color ? "\033[1m" : "[",
			                                               color ? "\033[0m" : "]", FALSE) : NULL;
			printf("%s\n  %s\n", it->title ? it->title : it->id, it->link ? it->link : it->id);
			if (text)
				printf("  %s\n", text);
			printf("  matched:");
			for (guint s = 0; s < spans->len; s++) {
				const struct fw_span *sp = &g_array_index(spans, struct fw_span, s);
				const char *f = d.field[sp->field] ? d.field[sp->field] : "";
				const char *a = g_utf8_offset_to_pointer(f, sp->start);
				const char *b = g_utf8_offset_to_pointer(f, sp->end);
				printf(" %s:%u-%u \"%.*s\"", fw_field_name(sp->field), sp->start, sp->end,
				       (int)(b - a), a);
			}
			printf("\n\n");
			fw_snippet_free(sn);
		}
		g_array_unref(spans);
	}
	printf("%u of %u item%s matched\n", hits, doc->items->len, doc->items->len == 1 ? "" : "s");
	fw_feed_doc_free(doc);
	fw_query_free(q);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;

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
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
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
	if (strcmp(cmd, "read") == 0)
		return cmd_read(argc, argv, TRUE);
	if (strcmp(cmd, "unread") == 0)
		return cmd_read(argc, argv, FALSE);
	if (strcmp(cmd, "reload") == 0)
		return cmd_reload(argc, argv);
	if (strcmp(cmd, "parse") == 0)
		return cmd_parse(argc, argv);
	if (strcmp(cmd, "match") == 0)
		return cmd_match(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
