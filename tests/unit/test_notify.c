/* Tests for notify: the summary and body formatting tables, then the
 * notifier against a private D-Bus session bus (dbus-daemon) and the
 * recording server tests/helpers/notify_server.py: delivery, hints, plain
 * text for servers without body-markup, no server, a hung server. The D-Bus
 * part is skipped when dbus-daemon or python3-gi is missing. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "feedwatch/match.h"
#include "feedwatch/notify.h"

#define R "\xef\xbf\xbd"     /* U+FFFD */
#define ELL "\xe2\x80\xa6"   /* … */

struct summary_row {
	const char *topics[4];
	const char *feed;
	const char *expected;
};

static const struct summary_row summary_rows[] = {
	{ { "Milei", "Mercosur" }, "The American Conservative",
	  "Milei \xc2\xb7 Mercosur \xe2\x80\x94 The American Conservative" },
	{ { "China swaps" }, NULL, "China swaps" },
	{ { "China swaps" }, "", "China swaps" },
	{ { NULL }, "Feed only", "Feed only" },
	{ { "a\nb", " x " }, "F\x01G", "a b \xc2\xb7 x \xe2\x80\x94 F G" },
	{ { "Mil\xe9i" }, "T\xc3", "Mil" R "i \xe2\x80\x94 T" R },
	{ { "<b>bold</b> & co" }, NULL, "<b>bold</b> & co" },   /* plain text: not escaped */
	{ { "", "Milei" }, "Feed", "Milei \xe2\x80\x94 Feed" },
};

#define MAXMARKS 4
struct body_row {
	const char *title;
	guint title_fill;         /* this many 'x' before title */
	const char *snippet;
	guint snippet_fill;       /* this many 'y' before snippet */
	guint marks[MAXMARKS][2]; /* {start, end}; {0, 0} ends */
	guint expected_fill;      /* the expected body starts with this many 'x'... */
	guint expected_sfill;     /* ...then (after the newline) this many 'y' */
	const char *expected;     /* the rest */
	const char *expected_tail;/* for fill rows: after the 'y's */
};

static const struct body_row body_rows[] = {
	{ "Milei & Mercosur", 0, "Milei met Lula", 0, { { 0, 5 } }, 0, 0,
	  "Milei &amp; Mercosur\n<b>Milei</b> met Lula", NULL },
	{ "<a href=\"javascript:x\">click</a>", 0, NULL, 0, { { 0 } }, 0, 0,
	  "&lt;a href=&quot;javascript:x&quot;&gt;click&lt;/a&gt;", NULL },
	{ "T", 0, "<img src=file:///etc/passwd> China swaps", 0, { { 29, 34 } }, 0, 0,
	  "T\n&lt;img src=file:///etc/passwd&gt; <b>China</b> swaps", NULL },
	{ "Caf\xe9 \xff", 0, "Mil\xe9i Milei", 0, { { 6, 11 } }, 0, 0,
	  "Caf" R " " R "\nMil" R "i <b>Milei</b>", NULL },
	/* character offsets, not bytes */
	{ "T", 0, "Com\xc3\xban \xe2\x80\x94 Mercado Com\xc3\xban", 0, { { 0, 5 }, { 16, 21 } }, 0, 0,
	  "T\n<b>Com\xc3\xban</b> \xe2\x80\x94 Mercado <b>Com\xc3\xban</b>", NULL },
	{ "T", 0, "a<b>c", 0, { { 1, 4 } }, 0, 0, "T\na<b>&lt;b&gt;</b>c", NULL },
	{ "T", 0, "it's \"quoted\"", 0, { { 0 } }, 0, 0, "T\nit&apos;s &quot;quoted&quot;", NULL },
	/* unsorted marks are sorted; an overlapping one is skipped */
	{ "T", 0, "Milei and Lula", 0, { { 10, 14 }, { 0, 5 }, { 3, 8 } }, 0, 0,
	  "T\n<b>Milei</b> and <b>Lula</b>", NULL },
	/* empty, reversed and out-of-range marks are skipped */
	{ "T", 0, "short", 0, { { 2, 2 }, { 4, 1 }, { 3, 50 }, { 90, 95 } }, 0, 0, "T\nshort", NULL },
	/* control characters become spaces; the snippet keeps its newlines */
	{ "a\x01" "b\nc\x7f", 0, "l1\nl2\tx", 0, { { 3, 5 } }, 0, 0, "a b c\nl1\n<b>l2</b> x", NULL },
	{ " padded title ", 0, NULL, 0, { { 0 } }, 0, 0, "padded title", NULL },
	{ NULL, 0, "only a snippet", 0, { { 0, 4 } }, 0, 0, "<b>only</b> a snippet", NULL },
	{ NULL, 0, NULL, 0, { { 0 } }, 0, 0, "", NULL },
	/* a 1 MB title is cut to 300 characters */
	{ "", 1000000, NULL, 0, { { 0 } }, 300, 0, ELL, NULL },
	{ "<", 299, NULL, 0, { { 0 } }, 299, 0, "&lt;", NULL },
	{ "<<", 299, NULL, 0, { { 0 } }, 299, 0, "&lt;" ELL, NULL },
	/* the snippet is cut to 400 characters, never inside a mark */
	{ "T", 0, "", 1000000, { { 0 } }, 0, 400, "T\n", ELL },
	{ "T", 0, " Milei more", 398, { { 399, 404 } }, 0, 398, "T\n", " " ELL },
	{ "T", 0, " Milei more", 389, { { 390, 395 } }, 0, 389, "T\n", " <b>Milei</b> more" },
	{ "T", 0, "Milei", 395, { { 395, 400 } }, 0, 395, "T\n", "<b>Milei</b>" },
	{ "T", 0, "", 500, { { 450, 455 } }, 0, 400, "T\n", ELL },
	/* cut before escaping: "&" counts as one character */
	{ "T", 0, "&&&&&", 398, { { 0, 1 } }, 0, 397, "T\n<b>y</b>", "&amp;&amp;" ELL },
};

/* fw_notice_summary over summary_rows. */
static void test_summary(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(summary_rows); i++) {
		const struct summary_row *r = &summary_rows[i];
		g_autofree char *got = fw_notice_summary(r->topics, r->feed);
		g_test_message("summary row %u: %s", i, got);
		g_assert_cmpstr(got, ==, r->expected);
	}
}

/* A 150-character topic name is cut to 100 and the summary stays bounded. */
static void test_summary_long(void)
{
	g_autofree char *name = g_strnfill(150, 'n');
	g_autofree char *feed = g_strnfill(1000000, 'f');
	const char *topics[] = { name, name, name, NULL };
	g_autofree char *got = fw_notice_summary(topics, feed);

	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_assert_true(g_str_has_prefix(got, "nnnnnnnnnn"));
	g_assert_nonnull(strstr(got, "n" ELL " \xc2\xb7 n"));
	g_assert_cmpint(g_utf8_strlen(got, -1), <=, 251);
	g_assert_true(g_str_has_suffix(got, ELL));
}

/* The text callback of check_markup: nothing to do. */
static void noop_text_cb(GMarkupParseContext *c, const char *t, gsize n, gpointer d, GError **e)
{
}

/* Asserts that body parses as markup with no element but <b>. */
static void check_markup(const char *body)
{
	static const GMarkupParser parser = { .text = noop_text_cb };
	g_autofree char *wrapped = g_strconcat("<m>", body, "</m>", NULL);
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, NULL, NULL);
	g_autoptr(GError) err = NULL;

	g_markup_parse_context_parse(ctx, wrapped, -1, &err);
	if (err == NULL)
		g_markup_parse_context_end_parse(ctx, &err);
	g_markup_parse_context_free(ctx);
	g_assert_no_error(err);
	g_assert_true(g_utf8_validate(body, -1, NULL));
}

/* fw_notice_body over body_rows. */
static void test_body(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(body_rows); i++) {
		const struct body_row *r = &body_rows[i];
		g_autoptr(GArray) marks = g_array_new(FALSE, TRUE, sizeof(struct fw_span));
		g_autofree char *tfill = g_strnfill(r->title_fill, 'x');
		g_autofree char *sfill = g_strnfill(r->snippet_fill, 'y');
		g_autofree char *title = r->title || r->title_fill ?
			g_strconcat(tfill, r->title ? r->title : "", NULL) : NULL;
		g_autofree char *snippet = r->snippet || r->snippet_fill ?
			g_strconcat(sfill, r->snippet ? r->snippet : "", NULL) : NULL;
		g_autofree char *efill = g_strnfill(r->expected_fill, 'x');
		g_autofree char *esfill = g_strnfill(r->expected_sfill, 'y');
		g_autofree char *want = g_strconcat(efill, r->expected, esfill,
		                                    r->expected_tail ? r->expected_tail : "", NULL);
		g_autofree char *got = NULL;

		for (guint k = 0; k < MAXMARKS && (r->marks[k][0] || r->marks[k][1]); k++) {
			struct fw_span sp = { 0, r->marks[k][0], r->marks[k][1] };
			g_array_append_val(marks, sp);
		}
		got = fw_notice_body(title, snippet, marks);
		if (strlen(got) < 200)
			g_test_message("body row %u: %s", i, got);
		if (g_strcmp0(got, want) != 0)
			g_error("body row %u:\n got:  %s\n want: %s", i, got, want);
		check_markup(got);
	}
	/* NULL marks is fine */
	g_autofree char *plain = fw_notice_body("T", "s & t", NULL);
	g_assert_cmpstr(plain, ==, "T\ns &amp; t");
}

/* --- the notifier on a private session bus --- */

static char *argv0;
static char *bus_pid;          /* of dbus-daemon, or NULL: D-Bus tests skipped */
static char *tmpdir;

/* Finds tests/helpers/NAME from the working directory or the binary's. */
static char *find_helper(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(argv0);
	const char *ups[] = { "../..", "../../.." };
	char *p = g_build_filename("tests", "helpers", name, NULL);

	for (guint i = 0; !g_file_test(p, G_FILE_TEST_IS_REGULAR) && i < G_N_ELEMENTS(ups); i++) {
		g_free(p);
		p = g_build_filename(dir, ups[i], "tests", "helpers", name, NULL);
	}
	return p;
}

/* Starts a private session bus; sets DBUS_SESSION_BUS_ADDRESS. FALSE if it cannot. */
static gboolean bus_start(void)
{
	const char *argv[] = { "dbus-daemon", "--session", "--fork", "--print-address=1",
	                       "--print-pid=1", NULL };
	g_autofree char *out = NULL;
	g_auto(GStrv) lines = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, &out, NULL, &status, NULL) || status != 0)
		return FALSE;
	lines = g_strsplit(out, "\n", 3);
	if (g_strv_length(lines) < 2 || *lines[0] == '\0' || *lines[1] == '\0')
		return FALSE;
	g_setenv("DBUS_SESSION_BUS_ADDRESS", lines[0], TRUE);
	bus_pid = g_strdup(lines[1]);
	return TRUE;
}

/* Stops the private bus. */
static void bus_stop(void)
{
	if (bus_pid != NULL)
		kill((pid_t)g_ascii_strtoll(bus_pid, NULL, 10), SIGTERM);
	g_free(bus_pid);
}

struct server {
	GPid pid;
	char *log;
	char *ready;
};

/* Starts notify_server.py with extra options (NULL-terminated); waits until
 * it owns the name. */
static void server_start(struct server *s, const char *opt1, const char *opt2)
{
	g_autofree char *script = find_helper("notify_server.py");
	g_autoptr(GError) err = NULL;
	const char *argv[10] = { "/usr/bin/python3", script, "--log", NULL, "--ready", NULL };
	int n = 6;

	s->log = g_build_filename(tmpdir, "notify.log", NULL);
	s->ready = g_build_filename(tmpdir, "ready", NULL);
	g_unlink(s->log);
	g_unlink(s->ready);
	argv[3] = s->log;
	argv[5] = s->ready;
	if (opt1 != NULL)
		argv[n++] = opt1;
	if (opt2 != NULL)
		argv[n++] = opt2;
	argv[n] = NULL;
	g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
	                            NULL, &s->pid, &err));
	g_assert_no_error(err);
	for (int i = 0; i < 200 && !g_file_test(s->ready, G_FILE_TEST_EXISTS); i++)
		g_usleep(50 * 1000);
	g_assert_true(g_file_test(s->ready, G_FILE_TEST_EXISTS));
}

/* Stops the server and waits for it (so the name is free again). */
static void server_stop(struct server *s)
{
	int status;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &status, 0);
	g_spawn_close_pid(s->pid);
	g_unlink(s->log);
	g_unlink(s->ready);
	g_free(s->log);
	g_free(s->ready);
}

struct outcome {
	gboolean ok;
	enum fw_notify_result result;
	char *error;
	gint64 first_id;
};

struct run {
	GMainLoop *loop;
	GArray *outcomes;   /* struct outcome */
	guint expected;
};

/* Records one outcome; quits after `expected`. */
static void done_cb(const struct fw_notice *n, enum fw_notify_result result, const char *error,
                    gpointer data)
{
	struct run *run = data;
	struct outcome o = { result == FW_NOTIFY_SHOWN, result, g_strdup(error),
	                     g_array_index(n->outbox_ids, gint64, 0) };

	g_test_message("done: %" G_GINT64_FORMAT " result=%d %s", o.first_id, result,
	               error ? error : "");
	g_array_append_val(run->outcomes, o);
	if (run->outcomes->len == run->expected)
		g_main_loop_quit(run->loop);
}

/* Quits the loop (a test's time limit). */
static gboolean timeout_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_CONTINUE;
}

/* A notice for outbox row id. */
static struct fw_notice *make_notice(gint64 id, const char *title, enum fw_urgency u)
{
	struct fw_notice *n = fw_notice_new();
	const char *topics[] = { "Milei", "Mercosur", NULL };
	g_autoptr(GArray) marks = g_array_new(FALSE, TRUE, sizeof(struct fw_span));
	struct fw_span sp = { 0, 0, 5 };

	g_array_append_val(marks, sp);
	g_array_append_val(n->outbox_ids, id);
	n->summary = fw_notice_summary(topics, "The American Conservative");
	n->body = fw_notice_body(title, "Milei & Lula <3", marks);
	n->link = g_strdup("https://example.com/a");
	n->urgency = u;
	return n;
}

/* Sends count notices and runs the loop until all are done or limit_s pass. */
static struct run *send_and_wait(struct fw_notifier **ntp, guint count, guint limit_s)
{
	struct run *run = g_new0(struct run, 1);
	guint tid;

	run->loop = g_main_loop_new(NULL, FALSE);
	run->outcomes = g_array_new(FALSE, TRUE, sizeof(struct outcome));
	run->expected = count;
	*ntp = fw_notifier_new(NULL, done_cb, run);
	for (guint i = 0; i < count; i++)
		fw_notifier_send(*ntp, make_notice(i + 1, i == 0 ? "Title <one> & co" : "Two",
		                                   i == 0 ? FW_URGENCY_CRITICAL : FW_URGENCY_LOW));
	g_assert_cmpuint(fw_notifier_pending(*ntp), ==, count);
	g_assert_cmpuint(run->outcomes->len, ==, 0);
	tid = g_timeout_add_seconds(limit_s, timeout_cb, run->loop);
	g_main_loop_run(run->loop);
	g_source_remove(tid);
	return run;
}

/* Frees a run. */
static void run_free(struct run *run)
{
	for (guint i = 0; i < run->outcomes->len; i++)
		g_free(g_array_index(run->outcomes, struct outcome, i).error);
	g_array_unref(run->outcomes);
	g_main_loop_unref(run->loop);
	g_free(run);
}

/* Reads the server's log: one JSON object a line. */
static GPtrArray *read_log(const char *path)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_object_unref);

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return out;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		JsonParser *p;
		if (*lines[i] == '\0')
			continue;
		p = json_parser_new();
		g_assert_true(json_parser_load_from_data(p, lines[i], -1, NULL));
		g_ptr_array_add(out, p);
	}
	return out;
}

/* The object of log line i. */
static JsonObject *log_obj(GPtrArray *log, guint i)
{
	return json_node_get_object(json_parser_get_root(log->pdata[i]));
}

static gboolean have_bus;

/* Two notices reach the server in order, with markup, urgency and category. */
static void test_deliver(void)
{
	struct server s;
	struct fw_notifier *nt;
	struct run *run;
	g_autoptr(GPtrArray) log = NULL;
	JsonObject *o, *hints;

	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	server_start(&s, NULL, NULL);
	run = send_and_wait(&nt, 2, 20);
	g_assert_cmpuint(run->outcomes->len, ==, 2);
	for (guint i = 0; i < 2; i++) {
		struct outcome *oc = &g_array_index(run->outcomes, struct outcome, i);
		g_assert_true(oc->ok);
		g_assert_null(oc->error);
		g_assert_cmpint(oc->first_id, ==, i + 1);
	}
	g_assert_cmpuint(fw_notifier_pending(nt), ==, 0);
	fw_notifier_free(nt);
	log = read_log(s.log);
	g_assert_cmpuint(log->len, ==, 2);
	o = log_obj(log, 0);
	g_assert_cmpstr(json_object_get_string_member(o, "app_name"), ==, "feedwatch");
	g_assert_cmpstr(json_object_get_string_member(o, "summary"), ==,
	                "Milei \xc2\xb7 Mercosur \xe2\x80\x94 The American Conservative");
	g_assert_cmpstr(json_object_get_string_member(o, "body"), ==,
	                "Title &lt;one&gt; &amp; co\n<b>Milei</b> &amp; Lula &lt;3");
	hints = json_object_get_object_member(o, "hints");
	g_assert_cmpint(json_object_get_int_member(hints, "urgency"), ==, 2);
	g_assert_cmpstr(json_object_get_string_member(hints, "category"), ==, "x-feedwatch.hit");
	o = log_obj(log, 1);
	hints = json_object_get_object_member(o, "hints");
	g_assert_cmpint(json_object_get_int_member(hints, "urgency"), ==, 0);
	g_assert_cmpstr(json_object_get_string_member(o, "body"), ==,
	                "Two\n<b>Milei</b> &amp; Lula &lt;3");
	run_free(run);
	server_stop(&s);
}

/* A server without body-markup gets plain text: no tags, no entities. */
static void test_no_markup(void)
{
	struct server s;
	struct fw_notifier *nt;
	struct run *run;
	g_autoptr(GPtrArray) log = NULL;

	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	server_start(&s, "--no-markup", NULL);
	run = send_and_wait(&nt, 1, 20);
	g_assert_cmpuint(run->outcomes->len, ==, 1);
	g_assert_true(g_array_index(run->outcomes, struct outcome, 0).ok);
	fw_notifier_free(nt);
	log = read_log(s.log);
	g_assert_cmpuint(log->len, ==, 1);
	g_assert_cmpstr(json_object_get_string_member(log_obj(log, 0), "body"), ==,
	                "Title <one> & co\nMilei & Lula <3");
	run_free(run);
	server_stop(&s);
}

/* Nobody owns org.freedesktop.Notifications: done(ok = FALSE) with a reason. */
static void test_no_server(void)
{
	struct fw_notifier *nt;
	struct run *run;
	struct outcome *oc;

	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	run = send_and_wait(&nt, 1, 30);
	g_assert_cmpuint(run->outcomes->len, ==, 1);
	oc = &g_array_index(run->outcomes, struct outcome, 0);
	g_assert_false(oc->ok);
	g_assert_cmpint(oc->result, ==, FW_NOTIFY_NO_SERVER);
	g_assert_nonnull(oc->error);
	g_assert_cmpstr(oc->error, ==, "no notification server (org.freedesktop.Notifications) "
	                "on the session bus");
	fw_notifier_free(nt);
	run_free(run);
}

/* No session bus at all: done(ok = FALSE) naming it. Runs before any test
 * connects (GDBus keeps one session connection per process). */
static void test_no_bus(void)
{
	g_autofree char *addr = g_strdup(g_getenv("DBUS_SESSION_BUS_ADDRESS"));
	struct fw_notifier *nt;
	struct run *run;
	struct outcome *oc;

	g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/feedwatch-test", TRUE);
	run = send_and_wait(&nt, 2, 30);
	fw_notifier_free(nt);
	if (addr != NULL)
		g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);
	else
		g_unsetenv("DBUS_SESSION_BUS_ADDRESS");
	g_assert_cmpuint(run->outcomes->len, ==, 2);
	oc = &g_array_index(run->outcomes, struct outcome, 0);
	g_assert_false(oc->ok);
	g_assert_cmpint(oc->result, ==, FW_NOTIFY_NO_SERVER);
	g_assert_true(g_str_has_prefix(oc->error, "no session bus: "));
	run_free(run);
}

/* Freeing an idle notifier stops its worker at once; NULL is fine. */
static void test_free_idle(void)
{
	struct fw_notifier *nt = fw_notifier_new(NULL, done_cb, NULL);
	gint64 t0 = g_get_monotonic_time();

	g_assert_cmpuint(fw_notifier_pending(nt), ==, 0);
	g_assert_cmpuint(fw_notifier_pending(NULL), ==, 0);
	fw_notifier_free(nt);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
	fw_notifier_free(NULL);
	fw_notice_free(NULL);
}

/* A hung server: the main loop keeps running, free returns within a few
 * seconds (the worker is left to finish on its own) and the queued notices
 * are dropped without done. Runs last. */
static void test_hang(void)
{
	struct server s;
	struct fw_notifier *nt;
	struct run *run;
	gint64 t0;

	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	server_start(&s, "--hang", NULL);
	t0 = g_get_monotonic_time();
	run = send_and_wait(&nt, 3, 1);        /* the loop runs: 1 s time limit */
	g_assert_cmpuint(run->outcomes->len, ==, 0);
	g_assert_cmpuint(fw_notifier_pending(nt), ==, 3);
	fw_notifier_free(nt);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
	/* The server going away ends the worker's call (NoReply). */
	server_stop(&s);
	g_usleep(300 * 1000);
	g_assert_cmpuint(run->outcomes->len, ==, 0);
	run_free(run);
}

/* libnotify warns from the worker when there is no server ("Failed to
 * connect to proxy"; structured logging, so only a writer sees it): those are
 * shown as test messages; any other warning fails the test. */
static GLogWriterOutput writer_cb(GLogLevelFlags level, const GLogField *fields, gsize n,
                                  gpointer data)
{
	for (gsize i = 0; i < n; i++) {
		if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0 &&
		    g_strcmp0(fields[i].value, "libnotify") == 0) {
			g_autofree char *line = g_log_writer_format_fields(G_LOG_LEVEL_MESSAGE,
			                                                   fields, n, FALSE);
			g_test_message("%s", line);
			return G_LOG_WRITER_HANDLED;
		}
	}
	if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
		g_test_fail();
	return g_log_writer_default(level, fields, n, data);
}

int main(int argc, char **argv)
{
	int rc;
	g_autofree char *script = NULL;

	g_test_init(&argc, &argv, NULL);
	argv0 = argv[0];
	g_log_set_writer_func(writer_cb, NULL, NULL);
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
	script = find_helper("notify_server.py");
	tmpdir = g_dir_make_tmp("fwnotify.XXXXXX", NULL);
	have_bus = g_file_test("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) &&
	           g_file_test(script, G_FILE_TEST_IS_REGULAR) &&
	           g_spawn_command_line_sync("/usr/bin/python3 -c 'import gi'", NULL, NULL,
	                                     &rc, NULL) && rc == 0 &&
	           bus_start();
	g_test_add_func("/notify/summary", test_summary);
	g_test_add_func("/notify/summary-long", test_summary_long);
	g_test_add_func("/notify/body", test_body);
	g_test_add_func("/notify/no-bus", test_no_bus);
	g_test_add_func("/notify/free-idle", test_free_idle);
	g_test_add_func("/notify/deliver", test_deliver);
	g_test_add_func("/notify/no-markup", test_no_markup);
	g_test_add_func("/notify/no-server", test_no_server);
	g_test_add_func("/notify/hang", test_hang);
	rc = g_test_run();
	bus_stop();
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return rc;
}
