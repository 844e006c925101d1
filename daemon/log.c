/* log — see include/feedwatch/log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "feedwatch/html.h"
#include "feedwatch/log.h"

static gboolean log_journal;
static gboolean log_verbose;
static GMutex log_lock;

void
fw_log_init(gboolean verbose)
{
	const char *js = g_getenv("JOURNAL_STREAM");

	log_verbose = verbose;
	log_journal = js != NULL && *js != '\0';
}

void
fw_log(int level, const char *fmt, ...)
{
	static const char *names[] = { "emerg", "alert", "crit", "error", "warning",
		"notice", "info", "debug" };
	va_list ap;
	g_autofree char *msg = NULL;

	if (level >= LOG_DEBUG && !log_verbose)
		return;
	if (level < 0 || level > LOG_DEBUG)
		level = LOG_INFO;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* a message may quote a feed: no control (a newline would forge a
	 * line), no bidi control, valid UTF-8 */
	fw_html_safe_line(msg, ' ');

	g_mutex_lock(&log_lock);
	if (log_journal) {
		fprintf(stderr, "<%d>%s\n", level, msg);
	} else {
		g_autoptr(GDateTime) now = g_date_time_new_now_local();
		g_autofree char *ts = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
		fprintf(stderr, "%s %s: %s\n", ts, names[level], msg);
	}
	fflush(stderr);
	g_mutex_unlock(&log_lock);
}
