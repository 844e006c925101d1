/* Unit tests for the log module: what a line shows of a message that quotes
 * a feed's bytes (controls, bidirectional controls, invalid UTF-8), as a
 * data table. Each row logs in a subprocess and its stderr is checked, in
 * both styles (journald's "<N>" prefix and the timestamp). */
#include <string.h>

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

/* The child: logs the row's message once. */
static void log_row(gconstpointer data)
{
	const struct row *r = data;

	if (g_test_subprocess()) {
		fw_log_init(FALSE);
		fw_log_warn("%s", r->msg);
		return;
	}
	for (int journal = 0; journal < 2; journal++) {
		g_autofree char *want = NULL;

		/* the child inherits the environment, where fw_log_init looks */
		g_setenv("JOURNAL_STREAM", journal ? "8:1" : "", TRUE);
		g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
		g_test_trap_assert_passed();
		want = journal ? g_strdup_printf("<4>%s\n", r->want)
		               : g_strdup_printf("*warning: %s\n", r->want);
		g_test_trap_assert_stderr(want);
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
