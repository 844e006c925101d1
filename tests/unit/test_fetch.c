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
};

static const struct row rows[] = {
	{ "/ok", NULL, NULL, 200, FALSE, NULL, "Milei meets Mercosur", "/ok", "\"v1\"", 0 },
	{ "/ok", "\"v1\"", NULL, 304, TRUE, NULL, NULL, NULL, NULL, 0 },
	{ "/ok", NULL, "Tue, 26 Nov 2024 10:00:00 GMT", 304, TRUE, NULL, NULL, NULL, NULL, 0 },
	{ "/ok", "\"v0\"", NULL, 200, FALSE, NULL, "<rss", NULL, NULL, 0 },
	{ "/redirect-ok", NULL, NULL, 200, FALSE, NULL, "<rss", "/ok", NULL, 0 },
	{ "/big", NULL, NULL, 200, FALSE, "body larger than 1048576 bytes", NULL, NULL, NULL, -1 },
	{ "/big-chunked", NULL, NULL, 200, FALSE, "body larger than 1048576 bytes", NULL, NULL,
	  NULL, -1 },
	{ "/chunked-endless", NULL, NULL, 200, FALSE, "body larger than", NULL, NULL, NULL, -1 },
	{ "/gzip-bomb", NULL, NULL, 200, FALSE, "body larger than", NULL, NULL, NULL, -1 },
	{ "/redirect-file", NULL, NULL, 302, FALSE, "file", NULL, NULL, NULL, -1 },
	{ "/redirect-loop", NULL, NULL, 302, FALSE, "redirects", NULL, NULL, NULL, -1 },
	{ "/status/404", NULL, NULL, 404, FALSE, "HTTP 404", NULL, NULL, NULL, 0 },
	/* a huge error page is still reported as the HTTP error */
	{ "/big-404", NULL, NULL, 404, FALSE, "HTTP 404", NULL, NULL, NULL, 0 },
	{ "/big-404-chunked", NULL, NULL, 404, FALSE, "HTTP 404", NULL, NULL, NULL, 0 },
	{ "/status/500", NULL, NULL, 500, FALSE, "HTTP 500", NULL, NULL, NULL, 0 },
	{ "/status/429", NULL, NULL, 429, FALSE, "HTTP 429", NULL, NULL, NULL, 120 },
	{ "/status/503", NULL, NULL, 503, FALSE, "HTTP 503", NULL, NULL, NULL, 120 },
	{ "/retry-date", NULL, NULL, 503, FALSE, "HTTP 503", NULL, NULL, NULL, 86400 },
	{ "/retry-small", NULL, NULL, 429, FALSE, "HTTP 429", NULL, NULL, NULL, 60 },
	{ "/slow", NULL, NULL, 200, FALSE, "timed out", NULL, NULL, NULL, -1 },
	{ "/hang", NULL, NULL, 0, FALSE, "timed out", NULL, NULL, NULL, -1 },
	{ "/drop", NULL, NULL, 0, FALSE, "Empty reply", NULL, NULL, NULL, -1 },
	{ "/gzip", NULL, NULL, 200, FALSE, NULL, "Milei meets Mercosur", NULL, NULL, 0 },
	/* max_size is a bound on decoded bytes: exactly CAP passes, CAP + 1 fails */
	{ "/size/1048576", NULL, NULL, 200, FALSE, NULL, "sss", NULL, NULL, 0 },
	{ "/size/1048577", NULL, NULL, 200, FALSE, "body larger than", NULL, NULL, NULL, 0 },
	{ "/chunked/1048576", NULL, NULL, 200, FALSE, NULL, "ccc", NULL, NULL, 0 },
	{ "/chunked/1048577", NULL, NULL, 200, FALSE, "body larger than", NULL, NULL, NULL, 0 },
	{ "/gzip-size/1048576", NULL, NULL, 200, FALSE, NULL, "ggg", NULL, NULL, 0 },
	{ "/gzip-size/1048577", NULL, NULL, 200, FALSE, "body larger than", NULL, NULL, NULL, 0 },
	{ "/etag-crlf", NULL, NULL, 200, FALSE, NULL, "<rss", NULL, "\"abc\"", -1 },
	/* conditional headers are sanitised: no header injection */
	{ "/echo", "\"x\"\r\nInjected: 1", "Mon\r\nX-Evil: 2", 200, FALSE, NULL,
	  "If-None-Match: \"x\"Injected: 1\n", NULL, NULL, -1 },
	{ "/echo", NULL, NULL, 200, FALSE, NULL, "User-Agent: feedwatch/", NULL, NULL, -1 },
	{ "/echo", NULL, NULL, 200, FALSE, NULL, "Accept-Encoding: ", NULL, NULL, -1 },
	{ "file:feed.xml", NULL, NULL, 0, FALSE, NULL, "<rss version", NULL, NULL, 0 },
	{ "file:exact.xml", NULL, NULL, 0, FALSE, NULL, "", NULL, NULL, 0 },
	{ "file:big.xml", NULL, NULL, 0, FALSE, "body larger than 1048576 bytes", NULL, NULL,
	  NULL, 0 },
	{ "file:missing.xml", NULL, NULL, 0, FALSE, "No such file", NULL, NULL, NULL, 0 },
	{ "file:///dev/zero", NULL, NULL, 0, FALSE, "not a regular file", NULL, NULL, NULL, 0 },
	{ "file:.", NULL, NULL, 0, FALSE, "not a regular file", NULL, NULL, NULL, 0 },
	{ "gopher://127.0.0.1/", NULL, NULL, 0, FALSE, "gopher", NULL, NULL, NULL, 0 },
	{ "not a url", NULL, NULL, 0, FALSE, "", NULL, NULL, NULL, 0 },
	{ "http://127.0.0.1:1/", NULL, NULL, 0, FALSE, "onnect", NULL, NULL, NULL, 0 },
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
	const char *argv[] = { "/usr/bin/python3", script, NULL };
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
	base = g_strdup_printf("http://127.0.0.1:%s", line);
}

/* Closing its stdin ends the server. */
static void server_stop(void)
{
	if (server_stdin >= 0)
		close(server_stdin);
	g_spawn_close_pid(server_pid);
	g_free(base);
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
		g_autofree char *s = g_strndup(b, len);
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
	if (r->retry_after >= 0)
		g_assert_cmpint(res->retry_after, ==, r->retry_after);
	g_assert_cmpfloat(res->seconds, <, TIMEOUT + 2);
	if (++run->done == run->expected)
		g_main_loop_quit(run->loop);
}

/* Every row at once through one fetcher; done must never run inside add. */
static void test_table(void)
{
	struct fw_fetch_opts opts = {
		.max_parallel = 64, .max_per_host = 64, .timeout = TIMEOUT, .max_size = CAP,
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
	rc = g_test_run();
	server_stop();
	remove_files();
	return rc;
}
