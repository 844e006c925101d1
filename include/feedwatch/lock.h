/* lock — one writer per database: a lock file beside it ("DB.lock") held
 * with flock() by feedwatchd for its life, or by a foreground `feedwatch
 * poll` for its run, and holding the holder's pid and role ("PID ROLE\n"),
 * so a second daemon or poll refuses to start and `feedwatch poll` /
 * `feedwatch reload` / `feedwatch status` can tell whether the holder is a
 * daemon to signal: only a feedwatchd is ever signalled. A lock file an
 * older feedwatch wrote holds the pid alone: its holder is a feedwatchd if
 * the kernel names the process so (a daemon running across an upgrade),
 * else of unknown role.
 * A PostgreSQL database (fw_store_is_pg) has no lock: any number of pollers
 * share it (docs/design.md section 18); it has no holder. Any thread but
 * for fw_lock_request_put (a static counter: one thread); what is returned
 * is the caller's (an fd, a string, a list); errors are G_IO_ERROR. */
#ifndef FW_LOCK_H
#define FW_LOCK_H

#include <sys/types.h>
#include <glib.h>

/* The roles a holder writes: the daemon, and a foreground `feedwatch poll`
 * (another command taking the lock writes its own name). */
#define FW_LOCK_DAEMON "feedwatchd"
#define FW_LOCK_POLL "poll"

/* Who holds a database's lock, as its file says; a feedwatchd adds a
 * second line, "config RELOADS DIGEST PATH", once it has loaded its config
 * and after each reload (fw_lock_note_config). */
#define FW_LOCK_ROLE_SIZE 32
#define FW_LOCK_DIGEST_SIZE 65
#define FW_LOCK_CONFIG_SIZE 4096
struct fw_lock_holder {
	pid_t pid;                      /* 0 when the file names none */
	char role[FW_LOCK_ROLE_SIZE];   /* FW_LOCK_DAEMON, a command's name, "" if unknown */
	guint64 reloads;                /* SIGHUPs it has handled, taken or not */
	char digest[FW_LOCK_DIGEST_SIZE]; /* fw_config.digest of the config it runs on;
	                                   "" when the file says nothing of a config */
	char config[FW_LOCK_CONFIG_SIZE]; /* that config's real path, "" if not known */
	gboolean reloading;             /* it is handling a SIGHUP now (reloads is the
	                                   count before it) */
	gboolean replies;               /* it answers requests (fw_lock_reply_put) */
};

/* Takes the lock of database db_path and writes our pid and role (a word:
 * letters, digits, '-', '_') into it. Returns the lock's fd (keep it open;
 * fw_lock_release) or -1 with error (G_IO_ERROR_BUSY when another process
 * holds it: *holder then says who, else it is zeroed). */
int fw_lock_take(const char *db_path, const char *role, struct fw_lock_holder *holder,
                 GError **error);

/* Whether a process holds db_path's lock: TRUE with *holder filled in,
 * FALSE (zeroed) when none does or db_path is a team database. */
gboolean fw_lock_holder_read(const char *db_path, struct fw_lock_holder *holder);

/* Whether h is a feedwatchd (not another command, nor one of unknown role). */
gboolean fw_lock_holder_is_daemon(const struct fw_lock_holder *h);

/* h for a message: "feedwatchd (pid N)", "`feedwatch poll` (pid N)", or
 * "pid N (a feedwatch that does not say what it is)". Caller frees. */
char *fw_lock_holder_describe(const struct fw_lock_holder *h);

/* The holder of fd (fw_lock_take's, with role) runs on the config at path
 * whose fw_config.digest is digest, has handled reloads SIGHUPs, and with
 * reloading is handling one more: says so on the lock file's second line
 * (and a third, "reloading"), then "replies" (it answers requests), the
 * first line left as it is. FALSE with error when it cannot be written. */
gboolean fw_lock_note_config(int fd, const char *role, guint64 reloads, const char *digest,
                             const char *path, gboolean reloading, GError **error);

/* Whether h names path's file as its config (the same real path). */
gboolean fw_lock_holder_config_is(const struct fw_lock_holder *h, const char *path);

/* Releases a lock taken by fw_lock_take (-1 is fine), emptying its file
 * first: the next holder, until it has written its line, reads as unknown
 * rather than as us (a crash leaves the line: the same then). */
void fw_lock_release(int fd);

/* Requests to the running daemon: a file of its own beside the database
 * ("DB.poll.PID-N.req", written whole then renamed into place) holding the
 * keys of the feeds to poll now, one a line, or "*" for every feed, and
 * "+reply" when the asker waits for the outcome; then SIGUSR2. Only a daemon
 * whose lock file says "replies" (fw_lock_holder.replies) answers. */
struct fw_lock_request {
	char *id;          /* "PID-N": names its reply */
	char **keys;       /* the feeds to poll, or NULL for every feed */
	gboolean reply;    /* its asker waits for fw_lock_reply_put's answer */
};

/* Writes a request for feed_keys (NULL: every feed), with reply asking for
 * one; its id into *id (caller frees) when id is not NULL. FALSE with
 * error. */
gboolean fw_lock_request_put(const char *db_path, char **feed_keys, gboolean reply, char **id,
                             GError **error);

/* Takes every request waiting beside db_path (the files are removed): a new
 * array of struct fw_lock_request (freeing them). A request that asks for a
 * reply, from an asker still alive, gets its reply file ("DB.poll.ID.rep",
 * saying "polling") before its request file goes; else its reply is off. */
GPtrArray *fw_lock_requests_take(const char *db_path);

/* Whether request id is still waiting to be taken. */
gboolean fw_lock_request_waiting(const char *db_path, const char *id);

/* Answers request id with text, replacing its reply file, if its asker is
 * still alive; else its reply file goes. FALSE with error. */
gboolean fw_lock_reply_put(const char *db_path, const char *id, const char *text,
                           GError **error);

/* Request id's reply file's text (caller frees), or NULL when there is none. */
char *fw_lock_reply_get(const char *db_path, const char *id);

/* Withdraws request id: its request and reply files go (the asker gave up). */
void fw_lock_request_drop(const char *db_path, const char *id);

#endif
