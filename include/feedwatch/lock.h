/* lock — one daemon per database: a lock file beside it ("DB.lock") held
 * with flock() for the daemon's life and holding its pid, so a second
 * daemon refuses to start and `feedwatch poll` / `feedwatch reload` can find
 * the running one. A PostgreSQL database (fw_store_is_pg) has no lock: any
 * number of pollers share it (docs/design.md section 18); its holder is 0. */
#ifndef FW_LOCK_H
#define FW_LOCK_H

#include <sys/types.h>
#include <glib.h>

/* Takes the lock of database db_path and writes our pid into it. Returns
 * the lock's fd (keep it open; fw_lock_release) or -1 with error; when
 * another process holds it, *holder is its pid (0 if unknown). */
int fw_lock_take(const char *db_path, pid_t *holder, GError **error);

/* The pid of the process holding db_path's lock, or 0 when none does. */
pid_t fw_lock_holder(const char *db_path);

/* Releases a lock taken by fw_lock_take (-1 is fine). */
void fw_lock_release(int fd);

/* Requests to the running daemon: a file of its own beside the database
 * ("DB.poll.PID-N.req", written whole then renamed into place) holding the
 * keys of the feeds to poll now, one a line; then SIGUSR2. Writes one;
 * FALSE with error. */
gboolean fw_lock_request_put(const char *db_path, char **feed_keys, GError **error);

/* Takes every request waiting beside db_path (the files are removed): the
 * feed keys they name, each once, in a new list (g_strfreev). */
char **fw_lock_requests_take(const char *db_path);

#endif
