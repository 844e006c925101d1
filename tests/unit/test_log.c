/* Unit tests for the log module: what a line shows of a message that quotes
 * a feed's bytes (controls, bidirectional controls, invalid UTF-8), as a
 * data table. Each row is logged with stderr on a temporary file, in both
 * styles (journald's "<N>" prefix and the timestamp). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "feedwatch/log.h"

struct row {
	const char *name;
	const char *msg;    /* logged as "%s" */
	const char *want;   /* the line after its prefix, without the newline */
};

static const struct row rows[] = {
	{ "plain", "feed a: 404 Not Found", "feed a: 404 Not Found" },
	{ "utf8-kept", "Común, 北京, emoji \xF0\x9F\x98\x80", "Común, 北京, emoji \xF0\x9F\x98\x80" },
	{ "escape-sequences", "t \033]0;PWNED\007\033[31mRED", "t  ]0;PWNED  [31mRED" },
	{ "c1-csi", "a \xC2\x9B" "1m b", "a  1m b" },
	{ "newline-forges-no-line", "a\n<3>fake error\r\tb", "a <3>fake error  b" },
	{ "bidi", "x \xE2\x80\xAE" "evil \xE2\x81\xA6" "y \xE2\x80\x8F" "z", "x  evil  y  z" },
	{ "invalid-utf8", "cut \xE2\x80 and \xFF end", "cut    and   end" },
};

/* What fw_log writes on stderr for msg, as a new string: stderr is a
 * temporary file meanwhile (no subprocess: GLib's child watch would make
 * valgrind warn about pidfd_open in `make memcheck`). */
static char *logged(const char *msg)
{
	g_autofree char *path = NULL;
	char *text = NULL;
	int fd = g_file_open_tmp("fw-log-XXXXXX", &path, NULL), saved = dup(STDERR_FILENO);

	g_assert_cmpint(fd, >=, 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	fw_log_warn("%s", msg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_unlink(path);
	return text;
}

/* Logs the row's message in both styles and checks the line. */
static void log_row(gconstpointer data)
{
	const struct row *r = data;

	for (int journal = 0; journal < 2; journal++) {
		g_autofree char *got = NULL, *want = NULL;

		/* fw_log_init looks at the environment */
		g_setenv("JOURNAL_STREAM", journal ? "8:1" : "", TRUE);
		fw_log_init(FALSE);
		got = logged(r->msg);
		want = journal ? g_strdup_printf("<4>%s\n", r->want)
		               : g_strdup_printf(" warning: %s\n", r->want);
		if (journal)
			g_assert_cmpstr(got, ==, want);
		else   /* after the timestamp */
			g_assert_true(g_str_has_suffix(got, want));
	}
	g_unsetenv("JOURNAL_STREAM");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *name = g_strdup_printf("/log/row/%s", rows[i].name);
		g_test_add_data_func(name, &rows[i], log_row);
	}
	return g_test_run();
}
