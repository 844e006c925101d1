/* service — the daemon's side of systemd's notification protocol
 * (sd_notify(3)): one datagram of "KEY=value" lines to the AF_UNIX socket
 * named by $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
 * systemd documents the protocol as stable and meant to be reimplemented, so
 * feedwatch speaks it itself instead of loading libsystemd and its
 * libraries for three calls (docs/design.md section 15). Without
 * $NOTIFY_SOCKET every call does nothing. Any thread; errors are ignored, as
 * sd_notify's are by every caller here. The environment is only read. */
#ifndef FW_SERVICE_H
#define FW_SERVICE_H

#include <glib.h>

/* Sends the formatted state ("READY=1", "STATUS=...") to the service
 * manager. Returns TRUE when it was sent, FALSE when there is no manager or
 * sending failed. */
gboolean fw_service_notify(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The watchdog interval the service manager expects (µs, $WATCHDOG_USEC)
 * when it is meant for this process ($WATCHDOG_PID unset or ours), else 0. */
guint64 fw_service_watchdog_usec(void);

#endif
