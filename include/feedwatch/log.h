/* log — levels, journald priority prefixes under systemd, timestamps otherwise.
 *
 * Everything goes to stderr. When JOURNAL_STREAM is set (started by systemd)
 * each line starts with "<N>" (sd-daemon.h priorities) so journald keeps the
 * level; otherwise with a local timestamp. Debug lines only after
 * fw_log_init(TRUE). A message's bytes invalid in UTF-8, controls
 * (newlines too) and bidirectional controls become spaces
 * (fw_html_safe_line): messages quote feeds. Safe to call from any thread. */
#ifndef FW_LOG_H
#define FW_LOG_H

#include <glib.h>
#include <syslog.h>

/* Decides prefix style from the environment; verbose enables LOG_DEBUG. */
void fw_log_init(gboolean verbose);

/* Writes one line at syslog level (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
void fw_log(int level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define fw_log_err(...)   fw_log(LOG_ERR, __VA_ARGS__)
#define fw_log_warn(...)  fw_log(LOG_WARNING, __VA_ARGS__)
#define fw_log_info(...)  fw_log(LOG_INFO, __VA_ARGS__)
#define fw_log_debug(...) fw_log(LOG_DEBUG, __VA_ARGS__)

#endif
