/* log — see include/feedwatch/log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

/* TRUE for a character a log line never shows: controls (C0, DEL, C1; a
 * newline would start a forged line) and the bidirectional controls. */
static gboolean
log_unsafe(gunichar c)
{
	return g_unichar_iscntrl(c) || c == 0x061C || c == 0x200E || c == 0x200F ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* msg made valid UTF-8 with every character log_unsafe finds a space: a
 * message may quote a feed's bytes. Newly allocated. */
static char *
log_clean(const char *msg)
{
	char *out = g_utf8_make_valid(msg, -1);
	GString *s = NULL;

	for (const char *p = out; *p; p = g_utf8_next_char(p)) {
		if (!log_unsafe(g_utf8_get_char(p)))
			continue;
		s = g_string_new_len(out, p - out);
		for (; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);
			if (log_unsafe(c))
				g_string_append_c(s, ' ');
			else
				g_string_append_unichar(s, c);
		}
		break;
	}
	if (s == NULL)
		return out;
	g_free(out);
	return g_string_free(s, FALSE);
}

void
fw_log(int level, const char *fmt, ...)
{
	static const char *names[] = { "emerg", "alert", "crit", "error", "warning",
		"notice", "info", "debug" };
	va_list ap;
	g_autofree char *raw = NULL, *msg = NULL;

	if (level >= LOG_DEBUG && !log_verbose)
		return;
	if (level < 0 || level > LOG_DEBUG)
		level = LOG_INFO;
	va_start(ap, fmt);
	raw = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	msg = log_clean(raw);

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
