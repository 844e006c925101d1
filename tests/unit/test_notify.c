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
	/* the match in the title: the snippet is the title, said once (issue 15.11) */
	{ "Milei wins the vote", 0, "Milei wins the vote", 0, { { 0, 5 } }, 0, 0,
	  "<b>Milei</b> wins the vote", NULL },
	{ " Milei & Lula ", 0, "Milei & Lula", 0, { { 0, 5 }, { 8, 12 } }, 0, 0,
	  "<b>Milei</b> &amp; <b>Lula</b>", NULL },
	{ "Milei wins the vote in Buenos Aires", 0, ELL "the vote in Buenos" ELL, 0, { { 0 } }, 0, 0,
	  ELL "the vote in Buenos" ELL, NULL },
	{ "Milei wins", 0, "Milei wins the vote", 0, { { 0, 5 } }, 0, 0,
	  "Milei wins\n<b>Milei</b> wins the vote", NULL },
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

struct line_row {
	const char *in;
	glong max;
	const char *expected;
};

static const struct line_row line_rows[] = {
	{ "  a\nb\t ", 10, "a b" },
	{ "abcdef", 3, "abc" ELL },
	{ "abc", 3, "abc" },
	{ "caf\xe9", 10, "caf" R },
	{ "<b>&amp;</b>", 20, "<b>&amp;</b>" },   /* plain text: left as it is */
	{ NULL, 5, "" },
};

/* fw_notice_line over line_rows. */
static void test_line(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(line_rows); i++) {
		g_autofree char *got = fw_notice_line(line_rows[i].in, line_rows[i].max);
		g_assert_cmpstr(got, ==, line_rows[i].expected);
	}
}

struct header_row {
	const char *name, *value;
	const char *expected;     /* exact, or (when prefix) the start */
	gboolean prefix;
};

static const struct header_row header_rows[] = {
	{ "Title", "plain words", "Title: plain words", FALSE },
	{ "Title", "Urgent \xe2\x80\x94 News", "Title: =?UTF-8?B?VXJnZW50IOKAlCBOZXdz?=", FALSE },
	/* no header injection: CR and LF become spaces */
	{ "Title", "a\r\nX-Evil: 1", "Title: a  X-Evil: 1", FALSE },
	{ "Tags", " padded ", "Tags: padded", FALSE },
	{ "Click", NULL, "Click: ", FALSE },
	{ "Title", "\xff", "Title: =?UTF-8?B?77+9?=", FALSE },
	/* cut to 250 characters and an ellipsis (not ASCII: encoded) */
	{ "Title", NULL, "Title: =?UTF-8?B?YWFhYWFhYWFhYWFhYWFh", TRUE },
};

/* fw_notify_header over header_rows (the last row: 1000 'a'). */
static void test_header(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(header_rows); i++) {
		const struct header_row *r = &header_rows[i];
		g_autofree char *big = g_strnfill(1000, 'a');
		g_autofree char *got = fw_notify_header(r->name, r->prefix ? big : r->value);
		g_test_message("header row %u: %s", i, got);
		if (r->prefix) {
			g_assert_true(g_str_has_prefix(got, r->expected));
			g_assert_cmpuint(strlen(got), <, 400);
		} else {
			g_assert_cmpstr(got, ==, r->expected);
		}
		g_assert_null(strpbrk(got, "\r\n"));
	}
}

/* A copy is deep and equal; free of NULL fields is fine. */
static void test_copy(void)
{
	struct fw_notice *n = fw_notice_new(), *c;
	const char *topics[] = { "milei", "mercosur", NULL };
	gint64 id = 7;

	g_array_append_val(n->outbox_ids, id);
	g_array_append_val(n->hit_ids, id);
	n->topics = g_strdupv((char **)topics);
	n->summary = g_strdup("s");
	n->replace_key = g_strdup("topic:milei");
	n->urgency = FW_URGENCY_CRITICAL;
	c = fw_notice_copy(n);
	fw_notice_free(n);
	g_assert_cmpuint(c->outbox_ids->len, ==, 1);
	g_assert_cmpint(g_array_index(c->hit_ids, gint64, 0), ==, 7);
	g_assert_cmpstr(c->topics[1], ==, "mercosur");
	g_assert_cmpstr(c->replace_key, ==, "topic:milei");
	g_assert_null(c->body);
	g_assert_null(c->link);
	g_assert_cmpint(c->urgency, ==, FW_URGENCY_CRITICAL);
	fw_notice_free(c);
}

/* --- exec and webhook jobs --- */

static gboolean timeout_cb(gpointer data);

struct job_run {
	GMainLoop *loop;
	guint done;
	gboolean ok;
	char *error;
	gpointer tag;
};

/* Records a job's outcome and quits. */
static void job_done_cb(gpointer tag, gboolean ok, const char *error, gpointer data)
{
	struct job_run *jr = data;

	jr->done++;
	jr->ok = ok;
	jr->tag = tag;
	g_free(jr->error);
	jr->error = g_strdup(error);
	g_main_loop_quit(jr->loop);
}

static char *tmpdir;

struct exec_row {
	const char *script;       /* for sh -c; $OUT is the output file */
	const char *arg;          /* $1 */
	const char *env;          /* NAME=VALUE or NULL */
	gsize input_fill;         /* this many bytes of input, else input */
	const char *input;
	guint timeout_s;
	gboolean ok;
	const char *error;        /* prefix */
	const char *output;       /* $OUT's content, or NULL */
};

static const struct exec_row exec_rows[] = {
	/* hostile values reach the program verbatim, in env, argv and stdin */
	{ "printf '%s|%s|%s' \"$A\" \"$1\" \"$(cat)\" > \"$OUT\"", "-rf --help",
	  "A=x\n$(touch y); z `w` \"q\"", 0, "stdin\n$(data)", 5, TRUE, NULL,
	  "x\n$(touch y); z `w` \"q\"|-rf --help|stdin\n$(data)" },
	{ "exit 3", NULL, NULL, 0, "", 5, FALSE, "exited with status 3", NULL },
	{ "kill -9 $$", NULL, NULL, 0, "", 5, FALSE, "killed by signal 9", NULL },
	/* systemd's variables are not passed on (the test process has them set) */
	{ "[ -z \"${NOTIFY_SOCKET+x}${WATCHDOG_USEC+x}${WATCHDOG_PID+x}\" ] && [ \"$KEEP\" = kept ]",
	  NULL, NULL, 0, "", 5, TRUE, NULL, NULL },
	{ "sleep 20", NULL, NULL, 0, "", 1, FALSE, "killed after 1 s", NULL },
	/* a program that never reads a 4 MB input is fine (a memfd, no pipe) */
	{ "exit 0", NULL, NULL, 4 << 20, NULL, 5, TRUE, NULL, NULL },
	{ "wc -c > \"$OUT\"", NULL, NULL, 100000, NULL, 5, TRUE, NULL, "100000\n" },
};

/* Runs one job and the loop until it is done (limit 30 s). */
static void job_wait(struct job_run *jr)
{
	guint tid = g_timeout_add_seconds(30, timeout_cb, jr->loop);

	g_main_loop_run(jr->loop);
	g_source_remove(tid);
}

/* fw_jobs_exec over exec_rows. */
static void test_exec(void)
{
	struct job_run jr = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_jobs *j = fw_jobs_new(NULL, job_done_cb, &jr);
	g_autofree char *out = g_build_filename(tmpdir, "exec.out", NULL);

	g_setenv("NOTIFY_SOCKET", "/run/x", TRUE);
	g_setenv("WATCHDOG_USEC", "1000", TRUE);
	g_setenv("WATCHDOG_PID", "1", TRUE);
	g_setenv("KEEP", "kept", TRUE);
	g_setenv("OUT", out, TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(exec_rows); i++) {
		const struct exec_row *r = &exec_rows[i];
		const char *argv[] = { "/bin/sh", "-c", r->script, "sh", r->arg, NULL };
		const char *env[] = { r->env, NULL };
		g_autofree char *fill = r->input_fill ? g_strnfill(r->input_fill, 'i') : NULL;
		g_autofree char *got = NULL;
		gint64 t0 = g_get_monotonic_time();

		g_unlink(out);
		jr.done = 0;
		fw_jobs_exec(j, argv, env, fill != NULL ? fill : r->input, r->timeout_s,
		             GUINT_TO_POINTER(i + 1), NULL);
		g_assert_cmpuint(fw_jobs_pending(j), ==, 1);
		g_assert_cmpuint(jr.done, ==, 0);   /* never from inside the call */
		job_wait(&jr);
		g_test_message("exec row %u: ok=%d %s", i, jr.ok, jr.error ? jr.error : "");
		g_assert_cmpuint(jr.done, ==, 1);
		g_assert_cmpuint(GPOINTER_TO_UINT(jr.tag), ==, i + 1);
		g_assert_cmpint(jr.ok, ==, r->ok);
		if (r->error != NULL)
			g_assert_true(g_str_has_prefix(jr.error, r->error));
		else
			g_assert_null(jr.error);
		if (r->output != NULL) {
			g_assert_true(g_file_get_contents(out, &got, NULL, NULL));
			g_assert_cmpstr(got, ==, r->output);
		}
		g_assert_cmpint(g_get_monotonic_time() - t0, <, 15 * G_USEC_PER_SEC);
	}
	g_unsetenv("NOTIFY_SOCKET");
	g_unsetenv("WATCHDOG_USEC");
	g_unsetenv("WATCHDOG_PID");
	g_unlink(out);
	fw_jobs_free(j);
	g_free(jr.error);
	g_main_loop_unref(jr.loop);
}

/* TRUE once process pid is gone or a zombie (waited for up to 5 s). */
static gboolean pid_gone(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
		g_autofree char *stat = NULL;
		const char *p;

		if (!g_file_get_contents(path, &stat, NULL, NULL) || (p = strrchr(stat, ')')) == NULL ||
		    p[1] == '\0' || p[2] == 'Z')
			return TRUE;
		g_usleep(50000);
	}
	return FALSE;
}

/* The pid a job's script wrote into file out (waited for up to 5 s). */
static pid_t pid_written(const char *out)
{
	for (int i = 0; i < 100; i++) {
		g_autofree char *text = NULL;

		if (g_file_get_contents(out, &text, NULL, NULL) && strchr(text, '\n'))
			return (pid_t)atoi(text);
		g_usleep(50000);
	}
	return 0;
}

/* What a program starts dies with it: at its deadline (SIGKILL to its
 * process group), and when the jobs are freed (the daemon stops: SIGTERM
 * to the group), not left running re-parented to init. */
static void test_exec_group(void)
{
	struct job_run jr = { .loop = g_main_loop_new(NULL, FALSE) };
	g_autofree char *out = g_build_filename(tmpdir, "group.out", NULL);
	const char *argv[] = { "/bin/sh", "-c", "sleep 30 & echo $! > \"$OUT\"; wait", NULL };
	struct fw_jobs *j = fw_jobs_new(NULL, job_done_cb, &jr);
	pid_t child;

	g_setenv("OUT", out, TRUE);
	g_unlink(out);
	fw_jobs_exec(j, argv, NULL, "", 1, GUINT_TO_POINTER(1), NULL);
	job_wait(&jr);
	g_assert_false(jr.ok);
	g_assert_true(g_str_has_prefix(jr.error, "killed after 1 s"));
	child = pid_written(out);
	g_assert_cmpint(child, >, 0);
	g_assert_true(pid_gone(child));

	g_unlink(out);
	fw_jobs_exec(j, argv, NULL, "", 20, GUINT_TO_POINTER(2), NULL);
	child = pid_written(out);
	g_assert_cmpint(child, >, 0);
	g_assert_false(pid_gone(0 * child + getpid()));   /* the check itself works */
	fw_jobs_free(j);
	g_assert_true(pid_gone(child));
	g_unsetenv("OUT");
	g_unlink(out);
	g_free(jr.error);
	g_main_loop_unref(jr.loop);
}

/* A missing program and no program fail, reported from the loop. */
static void test_exec_missing(void)
{
	struct job_run jr = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_jobs *j = fw_jobs_new(NULL, job_done_cb, &jr);
	const char *argv[] = { "/nonexistent/feedwatch-hook", NULL };
	const char *none[] = { NULL };

	fw_jobs_exec(j, argv, NULL, "x", 5, g_strdup("tag"), g_free);
	g_assert_cmpuint(jr.done, ==, 0);
	job_wait(&jr);
	g_assert_false(jr.ok);
	g_assert_cmpstr(jr.error, ==, "cannot run /nonexistent/feedwatch-hook: no such executable file");
	fw_jobs_exec(j, none, NULL, "x", 5, NULL, NULL);
	job_wait(&jr);
	g_assert_false(jr.ok);
	g_assert_cmpstr(jr.error, ==, "no program to run");
	/* freeing with a program still running leaves it to run; its tag is freed */
	{
		const char *sleeper[] = { "/bin/sleep", "1", NULL };
		fw_jobs_exec(j, sleeper, NULL, "", 5, g_strdup("tag"), g_free);
	}
	fw_jobs_free(j);
	fw_jobs_free(NULL);
	g_free(jr.error);
	g_main_loop_unref(jr.loop);
}

struct post_row {
	const char *url;
	const char *error;        /* a substring of the error */
};

/* Only http and https; a refused connection is an error. Port 9 (discard)
 * is assumed closed on loopback. */
static const struct post_row post_rows[] = {
	{ "file:///etc/passwd", "Protocol" },
	{ "ftp://127.0.0.1/x", "Protocol" },
	{ "http://127.0.0.1:9/hook", "onnect" },
	{ "not a url", "" },
};

/* fw_jobs_post over post_rows: every one fails, reported from the loop. */
static void test_post_errors(void)
{
	struct job_run jr = { .loop = g_main_loop_new(NULL, FALSE) };
	struct fw_jobs *j = fw_jobs_new(NULL, job_done_cb, &jr);
	const char *hdrs[] = { "Content-Type: application/json", NULL };

	for (guint i = 0; i < G_N_ELEMENTS(post_rows); i++) {
		jr.done = 0;
		fw_jobs_post(j, post_rows[i].url, hdrs, "{}", 2, 5, NULL, NULL);
		g_assert_cmpuint(jr.done, ==, 0);
		job_wait(&jr);
		g_test_message("post row %u: %s", i, jr.error ? jr.error : "");
		g_assert_cmpuint(jr.done, ==, 1);
		g_assert_false(jr.ok);
		g_assert_nonnull(strstr(jr.error, post_rows[i].error));
	}
	g_assert_cmpuint(fw_jobs_pending(j), ==, 0);
	fw_jobs_free(j);
	g_free(jr.error);
	g_main_loop_unref(jr.loop);
}

/* --- the notifier on a private session bus --- */

static char *argv0;
static char *bus_pid;          /* of dbus-daemon, or NULL: D-Bus tests skipped */

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

/* A session bus config without the system's service directories: no
 * notification server installed on the machine (dunst...) is activatable
 * on the test's bus. */
static const char bus_config[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	"<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>"
	"<auth>EXTERNAL</auth><policy context=\"default\">"
	"<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
	"<allow own=\"*\"/></policy></busconfig>\n";

/* Starts a private session bus; sets DBUS_SESSION_BUS_ADDRESS. FALSE if it cannot. */
static gboolean bus_start(void)
{
	g_autofree char *conf = g_build_filename(tmpdir, "bus.conf", NULL);
	g_autofree char *conf_arg = g_strconcat("--config-file=", conf, NULL);
	const char *argv[] = { "dbus-daemon", conf_arg, "--fork", "--print-address=1",
	                       "--print-pid=1", NULL };
	g_autofree char *out = NULL;
	g_auto(GStrv) lines = NULL;
	gint status = 0;

	if (!g_file_set_contents(conf, bus_config, -1, NULL))
		return FALSE;

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

struct events {
	GMainLoop *loop;
	GArray *actions;          /* enum fw_notify_action */
	GPtrArray *keys;          /* replace_key of each action's notice */
	guint present;            /* server callbacks saying present */
	guint wanted;             /* quit after this many actions */
	guint done;
};

/* Records an action; quits after `wanted`. */
static void ev_action_cb(const struct fw_notice *n, enum fw_notify_action a, gpointer data)
{
	struct events *ev = data;

	g_array_append_val(ev->actions, a);
	g_ptr_array_add(ev->keys, g_strdup(n->replace_key));
	if (ev->actions->len == ev->wanted)
		g_main_loop_quit(ev->loop);
}

/* Counts server appearances. */
static void ev_server_cb(gboolean present, const char *why, gpointer data)
{
	struct events *ev = data;

	ev->present += present;
}

/* Counts notices done. */
static void ev_done_cb(const struct fw_notice *n, enum fw_notify_result r, const char *error,
                       gpointer data)
{
	struct events *ev = data;

	g_assert_cmpint(r, ==, FW_NOTIFY_SHOWN);
	ev->done++;
	if (ev->wanted == 0 && ev->done == 2)
		g_main_loop_quit(ev->loop);
}

/* A notice for the action tests: hits, topics and a link, replace_key. */
static struct fw_notice *action_notice(const char *key)
{
	struct fw_notice *n = fw_notice_new();
	const char *topics[] = { "milei", NULL };
	gint64 id = 1;

	g_array_append_val(n->outbox_ids, id);
	g_array_append_val(n->hit_ids, id);
	n->topics = g_strdupv((char **)topics);
	n->summary = g_strdup("Milei \xe2\x80\x94 Feed");
	n->body = g_strdup("Title");
	n->link = g_strdup("https://example.com/a");
	n->replace_key = g_strdup(key);
	return n;
}

struct action_row {
	const char *invoke;       /* the server's --invoke */
	enum fw_notify_action expected;
};

static const struct action_row action_rows[] = {
	{ "open", FW_NOTIFY_OPEN },
	{ "default", FW_NOTIFY_OPEN },
	{ "read", FW_NOTIFY_READ },
	{ "mute", FW_NOTIFY_MUTE },
};

/* The server invokes an action: it comes back on the caller's context,
 * then the close; the notice was sent with all four actions. */
static void test_actions(void)
{
	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS(action_rows); i++) {
		struct events ev = { g_main_loop_new(NULL, FALSE),
		                     g_array_new(FALSE, FALSE, sizeof(enum fw_notify_action)),
		                     g_ptr_array_new_with_free_func(g_free), 0, 2, 0 };
		g_autofree char *opt = g_strconcat("--invoke=", action_rows[i].invoke, NULL);
		struct server s;
		struct fw_notifier *nt;
		g_autoptr(GPtrArray) log = NULL;
		JsonArray *acts;
		guint tid;

		server_start(&s, opt, NULL);
		nt = fw_notifier_new(NULL, ev_done_cb, &ev);
		fw_notifier_set_callbacks(nt, ev_action_cb, ev_server_cb);
		fw_notifier_send(nt, action_notice(i % 2 ? "topic:milei" : NULL));
		tid = g_timeout_add_seconds(20, timeout_cb, ev.loop);
		g_main_loop_run(ev.loop);
		g_source_remove(tid);
		g_assert_cmpuint(ev.done, ==, 1);
		g_assert_cmpuint(ev.actions->len, ==, 2);
		g_assert_cmpint(g_array_index(ev.actions, enum fw_notify_action, 0), ==,
		                action_rows[i].expected);
		g_assert_cmpint(g_array_index(ev.actions, enum fw_notify_action, 1), ==,
		                FW_NOTIFY_CLOSED);
		g_assert_cmpstr(ev.keys->pdata[0], ==, i % 2 ? "topic:milei" : NULL);
		g_assert_cmpuint(ev.present, >=, 1);
		fw_notifier_free(nt);
		log = read_log(s.log);
		g_assert_cmpuint(log->len, ==, 1);
		acts = json_object_get_array_member(log_obj(log, 0), "actions");
		g_assert_cmpuint(json_array_get_length(acts), ==, 8);
		server_stop(&s);
		g_array_unref(ev.actions);
		g_ptr_array_unref(ev.keys);
		g_main_loop_unref(ev.loop);
	}
}

/* Two notices with one replace_key: the second replaces the first (the
 * same id); without actions wanted, none are sent. */
static void test_replace(void)
{
	struct events ev = { g_main_loop_new(NULL, FALSE),
	                     g_array_new(FALSE, FALSE, sizeof(enum fw_notify_action)),
	                     g_ptr_array_new_with_free_func(g_free), 0, 0, 0 };
	struct server s;
	struct fw_notifier *nt;
	g_autoptr(GPtrArray) log = NULL;
	guint tid;

	if (!have_bus) {
		g_test_skip("no dbus-daemon or python3-gi");
		return;
	}
	server_start(&s, NULL, NULL);
	nt = fw_notifier_new(NULL, ev_done_cb, &ev);
	fw_notifier_send(nt, action_notice("topic:milei"));
	fw_notifier_send(nt, action_notice("topic:milei"));
	tid = g_timeout_add_seconds(20, timeout_cb, ev.loop);
	g_main_loop_run(ev.loop);
	g_source_remove(tid);
	g_assert_cmpuint(ev.done, ==, 2);
	fw_notifier_free(nt);
	log = read_log(s.log);
	g_assert_cmpuint(log->len, ==, 2);
	g_assert_cmpint(json_object_get_int_member(log_obj(log, 0), "replaces_id"), ==, 0);
	g_assert_cmpint(json_object_get_int_member(log_obj(log, 1), "replaces_id"), ==,
	                json_object_get_int_member(log_obj(log, 0), "id"));
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(log_obj(log, 1),
	                                                                    "actions")), ==, 0);
	server_stop(&s);
	g_array_unref(ev.actions);
	g_ptr_array_unref(ev.keys);
	g_main_loop_unref(ev.loop);
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
	signal(SIGPIPE, SIG_IGN);
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
	g_test_add_func("/notify/line", test_line);
	g_test_add_func("/notify/header", test_header);
	g_test_add_func("/notify/copy", test_copy);
	g_test_add_func("/notify/no-bus", test_no_bus);
	g_test_add_func("/notify/free-idle", test_free_idle);
	g_test_add_func("/notify/deliver", test_deliver);
	g_test_add_func("/notify/no-markup", test_no_markup);
	g_test_add_func("/notify/no-server", test_no_server);
	g_test_add_func("/notify/actions", test_actions);
	g_test_add_func("/notify/replace", test_replace);
	g_test_add_func("/notify/exec", test_exec);
	g_test_add_func("/notify/exec-missing", test_exec_missing);
	g_test_add_func("/notify/post-errors", test_post_errors);
	g_test_add_func("/notify/exec-group", test_exec_group);
	g_test_add_func("/notify/hang", test_hang);
	rc = g_test_run();
	bus_stop();
	{
		g_autofree char *conf = g_build_filename(tmpdir, "bus.conf", NULL);
		g_unlink(conf);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return rc;
}
