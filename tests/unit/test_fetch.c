/* Tests for fetch: a table of requests against tests/helpers/faultserver.py
 * (loopback, started here) and file:// URLs, then the fetcher's own rules:
 * never done synchronously, limits on parallel transfers, freeing with
 * transfers in flight, freeing from inside the done callback. */
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "feedwatch/fetch.h"

#define CAP (1024 * 1024)   /* max_size in these tests */
#define TIMEOUT 3           /* seconds: the slow rows take this long */

static GPid server_pid;
static int server_stdin = -1;
static char *base;          /* http://127.0.0.1:PORT */
static char *base2;         /* the same server on another port (another host) */
static char *tmpdir;

struct row {
	const char *url;        /* "/path" on the fault server, or "file:NAME" in tmpdir */
	const char *etag;       /* sent as If-None-Match */
	const char *last_modified;
	long status;
	gboolean not_modified;
	const char *error;      /* substring of the error; NULL = no error */
	const char *body;       /* substring of the body; NULL = no check */
	const char *final_path; /* final_url ends with it; NULL = no check */
	const char *etag_out;   /* expected r->etag; NULL = no check */
	gint64 retry_after;     /* expected; -1 = no check */
	gint64 max_age;         /* expected Cache-Control: max-age */
	const char *permanent;  /* permanent_url ends with it; NULL = expect NULL */
	gint64 retry_slack;     /* retry_after may be this much lower (dates) */
};

#define UA "User-Agent: feedwatch/" FW_VERSION \
	" (+https://github.com/feedwatch/feedwatch)\n"

static const struct row rows[] = {
	{ "/ok", .status = 200, .body = "Milei meets Mercosur", .final_path = "/ok",
	  .etag_out = "\"v1\"" },
	{ "/ok", .etag = "\"v1\"", .status = 304, .not_modified = TRUE },
	{ "/ok", .last_modified = "Tue, 26 Nov 2024 10:00:00 GMT", .status = 304,
	  .not_modified = TRUE },
	{ "/ok", .etag = "\"v0\"", .status = 200, .body = "<rss" },
	/* redirects: permanent_url only when every hop was 301/308 */
	{ "/redirect-ok", .status = 200, .body = "<rss", .final_path = "/ok",
	  .permanent = "/ok" },
	{ "/redirect-308", .status = 200, .body = "<rss", .final_path = "/ok",
	  .permanent = "/ok" },
	{ "/redirect-302", .status = 200, .body = "<rss", .final_path = "/ok" },
	{ "/redirect-mixed", .status = 200, .body = "<rss", .final_path = "/ok" },
	{ "/chain/3", .status = 200, .body = "<rss", .final_path = "/ok", .permanent = "/ok" },
	{ "/chain/4", .etag = "\"v1\"", .status = 304, .not_modified = TRUE,
	  .final_path = "/ok", .permanent = "/ok" },
	{ "/chain/5", .status = 301, .error = "Maximum (5) redirects" },
	{ "/redirect-ftp", .status = 302, .error = "ftp" },
	{ "/big", .status = 200, .error = "body larger than max_size (1048576 bytes)", .retry_after = -1 },
	{ "/big-chunked", .status = 200, .error = "body larger than max_size (1048576 bytes)",
	  .retry_after = -1 },
	{ "/chunked-endless", .status = 200, .error = "body larger than", .retry_after = -1 },
	{ "/gzip-bomb", .status = 200, .error = "body larger than", .retry_after = -1 },
	{ "/redirect-file", .status = 302, .error = "file", .retry_after = -1 },
	{ "/redirect-loop", .status = 302, .error = "redirects", .retry_after = -1 },
	{ "/status/404", .status = 404, .error = "HTTP 404" },
	/* a huge error page is still reported as the HTTP error */
	{ "/big-404", .status = 404, .error = "HTTP 404" },
	{ "/big-404-chunked", .status = 404, .error = "HTTP 404" },
	{ "/status/500", .status = 500, .error = "HTTP 500" },
	{ "/status/429", .status = 429, .error = "HTTP 429", .retry_after = 120 },
	{ "/status/503", .status = 503, .error = "HTTP 503, retry after 120 s",
	  .retry_after = 120 },
	{ "/status/410", .status = 410, .error = "HTTP 410" },
	/* Retry-After in every form, clamped to [60, 86400]; only on 429 and 503 */
	{ "/retry-date", .status = 503, .error = "HTTP 503", .retry_after = 86400 },
	{ "/retry-small", .status = 429, .error = "HTTP 429", .retry_after = 60 },
	{ "/retry/429/seconds", .status = 429, .error = "HTTP 429", .retry_after = 120 },
	{ "/retry/503/date", .status = 503, .error = "HTTP 503", .retry_after = 120,
	  .retry_slack = 3 },
	{ "/retry/429/past", .status = 429, .error = "HTTP 429", .retry_after = 60 },
	{ "/retry/503/garbage", .status = 503, .error = "HTTP 503", .retry_after = 60 },
	{ "/retry/429/decade", .status = 429, .error = "HTTP 429", .retry_after = 86400 },
	{ "/retry/503/decade-date", .status = 503, .error = "HTTP 503", .retry_after = 86400 },
	{ "/retry/503/none", .status = 503, .error = "HTTP 503" },
	{ "/retry/500/seconds", .status = 500, .error = "HTTP 500" },
	{ "/slow", .status = 200, .error = "timed out", .retry_after = -1 },
	{ "/hang", .error = "timed out", .retry_after = -1 },
	{ "/drop", .error = "Empty reply", .retry_after = -1 },
	{ "/reset", .status = 200, .error = "reset", .retry_after = -1 },
	{ "/truncated", .status = 200, .error = "transfer closed", .retry_after = -1 },
	{ "/empty", .status = 200, .body = "" },
	{ "/html", .status = 200, .body = "<html>" },
	{ "/wrong-type", .status = 200, .body = "Milei" },
	{ "/ignores-conditional", .etag = "\"v1\"",
	  .last_modified = "Tue, 26 Nov 2024 10:00:00 GMT", .status = 200, .body = "Milei",
	  .etag_out = "\"v1\"" },
	/* Cache-Control: max-age, bounded; no-cache / no-store win */
	{ "/cache-control/max-age=3600", .status = 200, .max_age = 3600 },
	{ "/cache-control/public,%20MAX-AGE=%22600%22", .status = 200, .max_age = 600 },
	{ "/cache-control/no-cache,%20max-age=60", .status = 200 },
	{ "/cache-control/max-age=60,%20no-store", .status = 200 },
	{ "/cache-control/s-maxage=100", .status = 200 },
	{ "/cache-control/max-age=31536000", .status = 200, .max_age = 86400 },
	{ "/cache-control/max-age=99999999999999999999999", .status = 200, .max_age = 86400 },
	{ "/cache-control/max-age=abc", .status = 200 },
	{ "/cache-control/max-age=-5", .status = 200 },
	{ "/cache-control/max-age=12x", .status = 200 },
	{ "/gzip", .status = 200, .body = "Milei meets Mercosur" },
	/* max_size is a bound on decoded bytes: exactly CAP passes, CAP + 1 fails */
	{ "/size/1048576", .status = 200, .body = "sss" },
	{ "/size/1048577", .status = 200, .error = "body larger than" },
	{ "/chunked/1048576", .status = 200, .body = "ccc" },
	{ "/chunked/1048577", .status = 200, .error = "body larger than" },
	{ "/gzip-size/1048576", .status = 200, .body = "ggg" },
	{ "/gzip-size/1048577", .status = 200, .error = "body larger than" },
	{ "/zstd-size/1048576", .status = 200, .body = "zzz" },
	{ "/zstd-size/1048577", .status = 200, .error = "body larger than max_size (1048576 bytes)" },
	{ "/deflate-size/1048576", .status = 200, .body = "ddd" },
	{ "/deflate-size/1048577", .status = 200, .error = "body larger than max_size (1048576 bytes)" },
	/* Content-Encoding, undone by fetch-decode.c */
	{ "/enc/gzip", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/x-gzip", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/upper", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/deflate", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/deflate-raw", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/zstd", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/identity", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/stacked", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/two-lines", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/members", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/members-small-last", .status = 200, .body = "gg<!-- end -->" },
	{ "/enc/trailing", .status = 200, .body = "</rss>\n" },
	{ "/enc/empty", .status = 200, .body = "" },
	{ "/enc/bad-crc", .status = 200, .error = "gzip body is corrupt or truncated" },
	{ "/enc/truncated", .status = 200, .error = "gzip body is corrupt or truncated" },
	{ "/enc/not-gzip", .status = 200, .error = "gzip body is corrupt or truncated" },
	{ "/enc/bad-deflate", .status = 200, .error = "deflate body is corrupt or truncated" },
	{ "/enc/zstd-bad-checksum", .status = 200, .error = "zstd body cannot be decoded: " },
	{ "/enc/zstd-truncated", .status = 200, .error = "zstd body is truncated" },
	{ "/enc/br", .status = 200, .error = "content coding \"br\" is not supported" },
	{ "/enc/utf8-label", .status = 200, .body = "Milei meets Mercosur" },
	{ "/enc/compress", .status = 200, .error = "content coding \"compress\" is not supported" },
	{ "/enc/too-many", .status = 200, .error = "more than 4 content codings" },
	{ "/enc/long-list", .status = 200, .error = "Content-Encoding longer than 1024 bytes" },
	{ "/enc/deflate-bomb", .status = 200, .error = "body larger than max_size (1048576 bytes)" },
	{ "/enc/zstd-bomb", .status = 200, .error = "body larger than max_size (1048576 bytes)" },
	{ "/enc/nested-bomb", .status = 200, .error = "body larger than max_size (1048576 bytes)" },
	{ "/enc/zstd-window", .status = 200, .error = "zstd body cannot be decoded: Frame requires too much memory" },
	{ "/etag-crlf", .status = 200, .body = "<rss", .etag_out = "\"abc\"",
	  .retry_after = -1 },
	/* a folded ETag is unfolded (CR LF SP becomes one space), then echoed back */
	{ "/etag-fold", .status = 200, .body = "<rss", .etag_out = "\"crlf folded\"",
	  .retry_after = -1 },
	{ "/etag-fold", .etag = "\"crlf folded\"", .status = 304, .not_modified = TRUE,
	  .retry_after = -1 },
	/* conditional headers are sanitised: no header injection */
	{ "/echo", .etag = "\"x\"\r\nInjected: 1", .last_modified = "Mon\r\nX-Evil: 2",
	  .status = 200, .body = "If-None-Match: \"x\"Injected: 1\n", .retry_after = -1 },
	{ "/echo", .status = 200, .body = "\n" UA, .retry_after = -1 },
	{ "/echo", .status = 200, .body = "Accept-Encoding: gzip, deflate, zstd\n",
	  .retry_after = -1 },
	{ "file:feed.xml", .body = "<rss version" },
	{ "file:exact.xml", .body = "" },
	{ "file:big.xml", .error = "body larger than max_size (1048576 bytes)" },
	{ "file:missing.xml", .error = "No such file" },
	{ "file:///dev/zero", .error = "not a regular file" },
	{ "file:.", .error = "not a regular file" },
	{ "gopher://127.0.0.1/", .error = "gopher" },
	{ "not a url", .error = "" },
	{ "http://127.0.0.1:1/", .error = "onnect" },
};

static char *argv0;

/* Finds tests/helpers/NAME from the working directory or the binary's
 * (build/tests/ or build/san/tests/). Caller frees. */
static char *find_helper(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(argv0);
	const char *ups[] = { ".", "../..", "../../.." };

	for (guint i = 0; i < G_N_ELEMENTS(ups); i++) {
		char *p = i == 0 ? g_build_filename("tests", "helpers", name, NULL)
		                 : g_build_filename(dir, ups[i], "tests", "helpers", name, NULL);
		if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
			return p;
		g_free(p);
	}
	g_error("cannot find tests/helpers/%s", name);
	return NULL;
}

/* Starts the fault server; sets base. */
static void server_start(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *script = find_helper("faultserver.py");
	const char *argv[] = { "/usr/bin/python3", script, "--ports", "2", NULL };
	char *space;
	int out = -1;
	char line[64] = "";
	gsize n = 0;

	g_assert_true(g_spawn_async_with_pipes(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT,
	                                       NULL, NULL, &server_pid, &server_stdin, &out,
	                                       NULL, &err));
	g_assert_no_error(err);
	while (n < sizeof line - 1) {
		ssize_t k = read(out, line + n, 1);
		if (k <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	close(out);
	g_assert_cmpuint(n, >, 0);
	space = strchr(line, ' ');
	g_assert_nonnull(space);
	*space = '\0';
	base = g_strdup_printf("http://127.0.0.1:%s", line);
	base2 = g_strdup_printf("http://127.0.0.1:%s", space + 1);
}

/* Closing its stdin ends the server. */
static void server_stop(void)
{
	if (server_stdin >= 0)
		close(server_stdin);
	g_spawn_close_pid(server_pid);
	g_free(base);
	g_free(base2);
}

/* Turns a row's url into a real one. Caller frees. */
static char *row_url(const struct row *r)
{
	if (r->url[0] == '/')
		return g_strconcat(base, r->url, NULL);
	if (g_str_has_prefix(r->url, "file:") && r->url[5] != '/') {
		g_autofree char *path = g_build_filename(tmpdir, r->url + 5, NULL);
		return g_filename_to_uri(path, NULL, NULL);
	}
	return g_strdup(r->url);
}

struct run {
	GMainLoop *loop;
	guint done;
	guint expected;
	gboolean checked[G_N_ELEMENTS(rows)];
};

/* Checks one result against its row. */
static void table_done_cb(struct fw_fetch_result *res, gpointer data)
{
	struct run *run = data;
	guint i = GPOINTER_TO_UINT(res->user);
	const struct row *r = &rows[i];

	g_test_message("row %u %s: status %ld nm %d error %s bytes %" G_GINT64_FORMAT
	               " %.2fs", i, r->url, res->http_status, res->not_modified,
	               res->error ? res->error : "-", res->bytes, res->seconds);
	g_assert_false(run->checked[i]);
	run->checked[i] = TRUE;
	g_assert_cmpint(res->http_status, ==, r->status);
	g_assert_cmpint(res->not_modified, ==, r->not_modified);
	if (r->error == NULL) {
		g_assert_null(res->error);
		if (!r->not_modified)
			g_assert_nonnull(res->body);
	} else {
		g_assert_nonnull(res->error);
		g_assert_nonnull(strstr(res->error, r->error));
		g_assert_null(res->body);
	}
	if (r->not_modified)
		g_assert_null(res->body);
	if (r->body != NULL) {
		gsize len = 0;
		const char *b = g_bytes_get_data(res->body, &len);
		g_autofree char *s = g_strndup(b != NULL ? b : "", len);
		g_assert_cmpint(res->bytes, ==, (gint64)len);
		if (strstr(s, r->body) == NULL)
			g_error("row %u: body lacks \"%s\":\n%s", i, r->body, s);
		g_assert_null(strstr(s, "\nInjected"));
		g_assert_null(strstr(s, "\nX-Evil"));
	}
	if (r->final_path != NULL)
		g_assert_true(g_str_has_suffix(res->final_url, r->final_path));
	g_assert_nonnull(res->final_url);
	if (r->etag_out != NULL)
		g_assert_cmpstr(res->etag, ==, r->etag_out);
	if (i == 0)
		g_assert_cmpstr(res->content_type, ==, "application/rss+xml; charset=utf-8");
	if (r->retry_after >= 0) {
		g_assert_cmpint(res->retry_after, <=, r->retry_after);
		g_assert_cmpint(res->retry_after, >=, r->retry_after - r->retry_slack);
	}
	g_assert_cmpint(res->max_age, ==, r->max_age);
	if (r->permanent == NULL)
		g_assert_null(res->permanent_url);
	else
		g_assert_true(res->permanent_url != NULL &&
		              g_str_has_suffix(res->permanent_url, r->permanent));
	g_assert_false(res->deferred);
	g_assert_cmpfloat(res->seconds, <, TIMEOUT + 2);
	if (++run->done == run->expected)
		g_main_loop_quit(run->loop);
}

/* Every row at once through one fetcher; done must never run inside add. */
static void test_table(void)
{
	/* Every row starts at once: none waits behind a 429 of another row. */
	struct fw_fetch_opts opts = {
		.max_parallel = 256, .max_per_host = 256, .timeout = TIMEOUT, .max_size = CAP,
	};
	struct run run = { .loop = g_main_loop_new(NULL, FALSE), .expected = G_N_ELEMENTS(rows) };
	struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, table_done_cb, &run);
	gint64 t0 = g_get_monotonic_time();

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *url = row_url(&rows[i]);
		fw_fetcher_add(f, url, rows[i].etag, rows[i].last_modified, GUINT_TO_POINTER(i));
	}
	g_assert_cmpuint(run.done, ==, 0);
	g_assert_cmpuint(fw_fetcher_pending(f), ==, G_N_ELEMENTS(rows));
	g_main_loop_run(run.loop);
	g_assert_cmpuint(fw_fetcher_pending(f), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		g_assert_true(run.checked[i]);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, (TIMEOUT + 3) * G_USEC_PER_SEC);
	fw_fetcher_free(f);
	g_main_loop_unref(run.loop);
}

struct count {
	GMainLoop *loop;
	guint done;
	guint expected;
	char *last_body;
	struct fw_fetcher *free_me;
};

/* Counts results; keeps the last body; quits after `expected`. */
static void count_done_cb(struct fw_fetch_result *res, gpointer data)
{
	struct count *c = data;

	c->done++;
	if (res->body != NULL) {
		g_free(c->last_body);
		c->last_body = g_strndup(g_bytes_get_data(res->body, NULL),
		                         g_bytes_get_size(res->body));
	}
	if (c->free_me != NULL) {
		fw_fetcher_free(c->free_me);
		c->free_me = NULL;
		g_main_loop_quit(c->loop);
	}
	if (c->done == c->expected)
		g_main_loop_quit(c->loop);
}

/* Fetches path once on fetcher f and waits. */
static void fetch_one(struct fw_fetcher *f, struct count *c, const char *path)
{
	g_autofree char *url = g_strconcat(base, path, NULL);

	c->expected = c->done + 1;
	fw_fetcher_add(f, url, NULL, NULL, NULL);
	g_main_loop_run(c->loop);
}

/* max_per_host bounds what the server sees at once; so does max_parallel. */
static void test_limits(void)
{
	struct { guint parallel, per_host, requests, max_seen; } cases[] = {
	{ 8, 2, 5, 2 },
	{ 3, 8, 5, 3 },
	{ 1, 1, 2, 1 },
	};

	for (guint k = 0; k < G_N_ELEMENTS(cases); k++) {
		struct fw_fetch_opts opts = {
			.max_parallel = cases[k].parallel, .max_per_host = cases[k].per_host,
			.timeout = 10, .max_size = CAP,
		};
		struct count c = { .loop = g_main_loop_new(NULL, FALSE) };
		struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, count_done_cb, &c);
		g_autofree char *url = g_strconcat(base, "/hold", NULL);
		g_autofree char *want = g_strdup_printf("max=%u", cases[k].max_seen);

		fetch_one(f, &c, "/stats");   /* resets the server's count */
		for (guint i = 0; i < cases[k].requests; i++)
			fw_fetcher_add(f, url, NULL, NULL, NULL);
		g_assert_cmpuint(fw_fetcher_pending(f), ==, cases[k].requests);
		c.expected = c.done + cases[k].requests;
		g_main_loop_run(c.loop);
		fetch_one(f, &c, "/stats");
		g_assert_cmpstr(c.last_body, ==, want);
		fw_fetcher_free(f);
		g_free(c.last_body);
		g_main_loop_unref(c.loop);
	}
}

/* Freeing with transfers queued, in flight and ready is clean, and no done
 * callback runs afterwards. */
static void test_free_in_flight(void)
{
	const char *paths[] = { "/slow", "/chunked-endless", "/hang", "/hold", "/ok", "/hold" };
	struct fw_fetch_opts opts = { .max_parallel = 4, .timeout = 10, .max_size = CAP };
	struct count c = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, count_done_cb, &c);
	g_autofree char *file = g_build_filename(tmpdir, "feed.xml", NULL);
	g_autofree char *file_url = g_filename_to_uri(file, NULL, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autofree char *url = g_strconcat(base, paths[i], NULL);
		fw_fetcher_add(f, url, NULL, NULL, NULL);
	}
	fw_fetcher_add(f, file_url, NULL, NULL, NULL);
	for (gint64 end = g_get_monotonic_time() + 200 * 1000; g_get_monotonic_time() < end;)
		g_main_context_iteration(NULL, FALSE);
	fw_fetcher_free(f);
	c.expected = 1000;
	guint before = c.done;
	for (int i = 0; i < 50; i++)
		g_main_context_iteration(NULL, FALSE);
	g_assert_cmpuint(c.done, ==, before);
	g_assert_false(g_main_context_pending(NULL));
	g_free(c.last_body);
	g_main_loop_unref(c.loop);
}

/* fw_fetcher_free from inside the done callback frees after it returns. */
static void test_free_in_callback(void)
{
	struct fw_fetch_opts opts = { .timeout = 5, .max_size = CAP };
	struct count c = { .loop = g_main_loop_new(NULL, FALSE), .expected = 1000 };
	struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, count_done_cb, &c);
	g_autofree char *ok = g_strconcat(base, "/ok", NULL);
	g_autofree char *slow = g_strconcat(base, "/slow", NULL);

	c.free_me = f;
	fw_fetcher_add(f, ok, NULL, NULL, NULL);
	fw_fetcher_add(f, ok, NULL, NULL, NULL);
	fw_fetcher_add(f, slow, NULL, NULL, NULL);
	g_main_loop_run(c.loop);
	g_assert_cmpuint(c.done, ==, 1);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
	g_assert_cmpuint(c.done, ==, 1);
	g_free(c.last_body);
	g_main_loop_unref(c.loop);
}

struct cond_state {
	GMainLoop *loop;
	char *etag;
	gboolean nm;
};

/* Keeps the ETag and not_modified of a file:// result. */
static void cond_done_cb(struct fw_fetch_result *res, gpointer data)
{
	struct cond_state *st = data;

	g_assert_null(res->error);
	g_free(st->etag);
	st->etag = g_strdup(res->etag);
	st->nm = res->not_modified;
	g_assert_nonnull(res->last_modified);
	g_assert_true(res->not_modified == (res->body == NULL));
	g_main_loop_quit(st->loop);
}

/* A file:// feed answers not_modified to its own ETag, and not to another. */
static void test_file_conditional(void)
{
	struct cond_state st = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_fetcher *f = fw_fetcher_new(NULL, NULL, cond_done_cb, &st);
	g_autofree char *path = g_build_filename(tmpdir, "feed.xml", NULL);
	g_autofree char *url = g_filename_to_uri(path, NULL, NULL);
	g_autofree char *etag = NULL;

	fw_fetcher_add(f, url, NULL, NULL, NULL);
	g_main_loop_run(st.loop);
	g_assert_false(st.nm);
	g_assert_nonnull(st.etag);
	etag = g_strdup(st.etag);
	fw_fetcher_add(f, url, etag, NULL, NULL);
	g_main_loop_run(st.loop);
	g_assert_true(st.nm);
	fw_fetcher_add(f, url, "\"0-0\"", NULL, NULL);
	g_main_loop_run(st.loop);
	g_assert_false(st.nm);
	/* rewritten at once with other bytes of the same size (the same second,
	 * the same length; a new file renamed over it): changed */
	{
		g_autofree char *text = NULL;
		gsize len = 0;

		g_assert_true(g_file_get_contents(path, &text, &len, NULL));
		g_assert_cmpuint(len, >, 0);
		text[0] = text[0] == 'x' ? 'y' : 'x';
		g_assert_true(g_file_set_contents(path, text, (gssize)len, NULL));
	}
	fw_fetcher_add(f, url, etag, NULL, NULL);
	g_main_loop_run(st.loop);
	g_assert_false(st.nm);
	fw_fetcher_free(f);
	g_free(st.etag);
	g_main_loop_unref(st.loop);
}

/* opts.user_agent replaces the default one. */
static void test_user_agent(void)
{
	struct fw_fetch_opts opts = { .user_agent = "custom-agent/1.0" };
	struct count c = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, count_done_cb, &c);

	fetch_one(f, &c, "/echo");
	g_assert_nonnull(c.last_body);
	g_assert_nonnull(strstr(c.last_body, "\nUser-Agent: custom-agent/1.0\n"));
	fw_fetcher_free(f);
	g_free(c.last_body);
	g_main_loop_unref(c.loop);
}

struct wait_state {
	GMainLoop *loop;
	guint done;
	struct fw_fetch_result got[5];   /* copies of the scalar fields */
	char *error[5];
};

/* Keeps each result by its index. */
static void wait_done_cb(struct fw_fetch_result *res, gpointer data)
{
	struct wait_state *w = data;
	guint i = GPOINTER_TO_UINT(res->user);

	w->got[i] = *res;
	w->error[i] = g_strdup(res->error);
	g_assert_true(res->body == NULL || !res->deferred);
	if (++w->done == G_N_ELEMENTS(w->got))
		g_main_loop_quit(w->loop);
}

/* A 429 with Retry-After makes the later requests to the same host:port
 * wait (answered deferred, not sent); other hosts go on. */
static void test_host_wait(void)
{
	struct fw_fetch_opts opts = { .max_parallel = 8, .max_per_host = 1, .timeout = 5,
	                              .max_size = CAP };
	struct wait_state w = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_fetcher *f = fw_fetcher_new(NULL, &opts, wait_done_cb, &w);
	struct { const char *base, *path; long status; gboolean deferred; } rows[] = {
	{ base, "/retry/429/seconds", 429, FALSE },
	{ base, "/ok", 0, TRUE },      /* queued behind the 429 (one per host) */
	{ base, "/hold", 0, TRUE },
	{ base2, "/ok", 200, FALSE },  /* another port: another host */
	{ base2, "/hold", 200, FALSE },
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *url = g_strconcat(rows[i].base, rows[i].path, NULL);
		fw_fetcher_add(f, url, NULL, NULL, GUINT_TO_POINTER(i));
	}
	g_main_loop_run(w.loop);
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_test_message("host-wait row %u: %ld %s", i, w.got[i].http_status,
		               w.error[i] ? w.error[i] : "-");
		g_assert_cmpint(w.got[i].http_status, ==, rows[i].status);
		g_assert_cmpint(w.got[i].deferred, ==, rows[i].deferred);
		if (rows[i].deferred) {
			g_assert_nonnull(strstr(w.error[i], "asked to wait"));
			g_assert_cmpint(w.got[i].retry_after, >, 100);
			g_assert_cmpint(w.got[i].retry_after, <=, 120);
		}
		g_free(w.error[i]);
	}
	g_assert_cmpint(w.got[0].retry_after, ==, 120);
	/* Added later, still waiting. */
	{
		g_autofree char *url = g_strconcat(base, "/ok", NULL);
		w.done = G_N_ELEMENTS(w.got) - 1;
		fw_fetcher_add(f, url, NULL, NULL, GUINT_TO_POINTER(0));
		g_main_loop_run(w.loop);
		g_assert_true(w.got[0].deferred);
		g_free(w.error[0]);
	}
	fw_fetcher_free(f);
	g_main_loop_unref(w.loop);
}

/* Writes the file fixtures into tmpdir. */
static void make_files(void)
{
	g_autofree char *feed = g_build_filename(tmpdir, "feed.xml", NULL);
	g_autofree char *big = g_build_filename(tmpdir, "big.xml", NULL);
	g_autofree char *exact = g_build_filename(tmpdir, "exact.xml", NULL);
	g_autofree char *data = g_malloc0(CAP + 1);

	g_assert_true(g_file_set_contents(feed, "<rss version=\"2.0\"><channel/></rss>\n", -1,
	                                  NULL));
	g_assert_true(g_file_set_contents(big, data, CAP + 1, NULL));
	g_assert_true(g_file_set_contents(exact, data, CAP, NULL));
}

/* Removes tmpdir and what is in it. */
static void remove_files(void)
{
	const char *names[] = { "feed.xml", "big.xml", "exact.xml" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *p = g_build_filename(tmpdir, names[i], NULL);
		g_unlink(p);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
}

int main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	argv0 = argv[0];
	tmpdir = g_dir_make_tmp("fwfetch.XXXXXX", NULL);
	g_assert_nonnull(tmpdir);
	make_files();
	server_start();
	g_test_add_func("/fetch/table", test_table);
	g_test_add_func("/fetch/limits", test_limits);
	g_test_add_func("/fetch/free-in-flight", test_free_in_flight);
	g_test_add_func("/fetch/free-in-callback", test_free_in_callback);
	g_test_add_func("/fetch/file-conditional", test_file_conditional);
	g_test_add_func("/fetch/user-agent", test_user_agent);
	g_test_add_func("/fetch/host-wait", test_host_wait);
	rc = g_test_run();
	server_stop();
	remove_files();
	return rc;
}
