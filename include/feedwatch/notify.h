/* notify — the notification channels.
 *
 * Desktop notifications go through libnotify on a worker thread
 * (notify_notification_show is synchronous and may block 25 s on a hung
 * server: it never runs on the caller's main loop). The worker runs its own
 * GMainContext, so the server's signals (ActionInvoked, NotificationClosed)
 * and the org.freedesktop.Notifications name watch are received there and
 * handed to the caller's context. Exec hooks (g_spawn, never a shell; the
 * exit polled with waitpid) and webhooks (a small libcurl multi of their own,
 * not the fetcher's: its API only does GET) run on the caller's context.
 *
 * Nothing here touches the store: outcomes, actions and server changes are
 * reported through callbacks on the caller's context, and the caller (outbox)
 * records them. */
#ifndef FW_NOTIFY_H
#define FW_NOTIFY_H

#include <glib.h>
#include "feedwatch/config.h"

/* One desktop notification: one item naming every topic it hit, or a
 * summary of several items. */
struct fw_notice {
	GArray *outbox_ids;   /* of gint64: the outbox rows this notice delivers */
	GArray *hit_ids;      /* of gint64: the hits it shows ("Open" and "Mark read"
	                         mark them read); may be empty */
	char **topics;        /* NULL-terminated topic keys it names ("Mute topic"), or NULL */
	char *summary;        /* plain text: "Milei · Mercosur — The American Conservative" */
	char *body;           /* Pango markup, already escaped (see fw_notice_body) */
	char *link;           /* opened by "Open" and the default action; NULL: no "Open" */
	char *replace_key;    /* NULL, or: replaces (same notification id) the notification
	                         last shown with this key while that one is on screen */
	enum fw_urgency urgency;
};

/* A notice with empty outbox_ids and hit_ids and nothing else set. */
struct fw_notice *fw_notice_new(void);
/* A deep copy. */
struct fw_notice *fw_notice_copy(const struct fw_notice *n);
void fw_notice_free(struct fw_notice *n);   /* NULL is fine */

/* The summary line: topic names joined with " · ", then " — " and the feed
 * title. Caller frees. */
char *fw_notice_summary(const char *const *topic_names, const char *feed_title);

/* The body markup: the title (escaped) on the first line, then the snippet
 * with its marked words in <b>, everything else escaped. Input made valid UTF-8 and cut to
 * a sane length (title 300, snippet 400 characters) before escaping. marks
 * are struct fw_span offsets into snippet (may be NULL). Caller frees. */
char *fw_notice_body(const char *title, const char *snippet, const GArray *marks);

/* Plain text made safe for one line of a notification: valid UTF-8, control
 * characters as spaces, trimmed, cut to max characters with "…". Caller frees. */
char *fw_notice_line(const char *s, glong max);

/* What became of one notice. */
enum fw_notify_result {
	FW_NOTIFY_SHOWN,      /* the server took it */
	FW_NOTIFY_FAILED,     /* libnotify or the server failed (error says how) */
	FW_NOTIFY_NO_SERVER,  /* no session bus, or no notification server on it: the
	                         notice was not tried (error: "no session bus: ...",
	                         "no notification server (...) on the session bus") */
};

/* Called on the caller's context once per notice sent. */
typedef void (*fw_notify_done_cb)(const struct fw_notice *n, enum fw_notify_result result,
                                  const char *error, gpointer data);

/* What the user did with a notification on screen. */
enum fw_notify_action {
	FW_NOTIFY_OPEN,    /* the default action or "Open" */
	FW_NOTIFY_READ,    /* "Mark read" */
	FW_NOTIFY_MUTE,    /* "Mute topic for 24 h" */
	FW_NOTIFY_CLOSED,  /* it left the screen (expired, dismissed, or after an action) */
};

/* Called on the caller's context with a copy of the notice as it was last shown. */
typedef void (*fw_notify_action_cb)(const struct fw_notice *n, enum fw_notify_action action,
                                    gpointer data);

/* Called on the caller's context when a notification server appears
 * (present) or goes away (why says what is missing), as seen by the name
 * watch or asked for with fw_notifier_probe. */
typedef void (*fw_notify_server_cb)(gboolean present, const char *why, gpointer data);

struct fw_notifier;

/* Starts the worker thread (libnotify app name "feedwatch"). done is
 * called for every notice sent, on ctx (NULL = the thread default). */
struct fw_notifier *fw_notifier_new(GMainContext *ctx, fw_notify_done_cb done, gpointer data);

/* Sets the other callbacks (same data). With action set, notices are shown
 * with the actions default, "Open" (when they have a link), "Mark read" (hit
 * ids) and "Mute topic for 24 h" (topics) when the server has the "actions"
 * capability, and each is kept alive on the worker until it is closed (at
 * most FW_NOTIFY_LIVE_MAX at once, the oldest let go first). Only a process
 * that stays to answer should ask for actions. Call before sending. */
#define FW_NOTIFY_LIVE_MAX 64
void fw_notifier_set_callbacks(struct fw_notifier *nt, fw_notify_action_cb action,
                               fw_notify_server_cb server);

/* Queues n for the worker; takes ownership. */
void fw_notifier_send(struct fw_notifier *nt, struct fw_notice *n);

/* Asks the worker whether a server is there now; the answer comes through
 * the server callback. */
void fw_notifier_probe(struct fw_notifier *nt);

/* Notices queued or being shown. */
guint fw_notifier_pending(struct fw_notifier *nt);

/* Stops the worker after the notice being shown (the rest are dropped: they
 * stay pending in the outbox) and frees; no callback is called any more.
 * Notifications still on screen stay there (without working actions). Waits
 * at most ~2 s: a worker stuck on a hung server is left to finish alone. */
void fw_notifier_free(struct fw_notifier *nt);  /* NULL is fine */

/* Opens an http(s) link with xdg-open (found in PATH, run without a shell,
 * NOTIFY_SOCKET and WATCHDOG_* removed from its environment); does not wait.
 * FALSE with error for another scheme or when it cannot be started. */
gboolean fw_notify_open_link(const char *link, GError **error);

/* ---- exec hooks and webhooks, on the caller's context ------------------ */

/* Called once per job with the tag given to it (then tag_free(tag)).
 * error: "exited with status 3", "killed after 30 s", "HTTP 500", curl's or
 * the spawn's message. */
typedef void (*fw_job_done_cb)(gpointer tag, gboolean ok, const char *error, gpointer data);

struct fw_jobs;

/* Runs jobs on ctx (NULL = the thread default), reporting to done. */
struct fw_jobs *fw_jobs_new(GMainContext *ctx, fw_job_done_cb done, gpointer data);

/* Runs argv (argv[0] an absolute path or found in PATH; no shell) with the
 * process environment minus NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID,
 * plus env (NAME=VALUE strings, may be NULL), input on its stdin (a memfd,
 * so the program may read it or not), stdout to /dev/null, stderr
 * inherited. ok = exit status 0; killed (SIGKILL) after timeout_s. */
void fw_jobs_exec(struct fw_jobs *j, const char *const *argv, const char *const *env,
                  const char *input, guint timeout_s, gpointer tag, GDestroyNotify tag_free);

/* POSTs body to url (http and https only, no redirects followed) with the
 * given header lines ("Name: value", already safe) through the fetcher given
 * to fw_jobs_set_fetcher (the poller's: one multi handle for feeds and
 * webhooks), else a fetcher of the jobs' own with timeout_s; the answer's
 * body is dropped. ok = a 2xx status. */
void fw_jobs_post(struct fw_jobs *j, const char *url, const char *const *headers,
                  const char *body, gsize len, guint timeout_s,
                  gpointer tag, GDestroyNotify tag_free);

struct fw_fetcher;

/* Sends webhooks through f (not owned) from now on. f must be freed before
 * the jobs (its transfers then end without a report). */
void fw_jobs_set_fetcher(struct fw_jobs *j, struct fw_fetcher *f);

/* Jobs started and not reported yet. */
guint fw_jobs_pending(struct fw_jobs *j);

/* Stops reporting and frees: transfers are aborted, programs are left to
 * run (their outbox rows stay pending). Tags are freed without done. */
void fw_jobs_free(struct fw_jobs *j);   /* NULL is fine */

/* A header line "Name: value" with value made safe for HTTP: valid UTF-8,
 * control characters as spaces, and as an RFC 2047 encoded word
 * (=?UTF-8?B?...?=) when it is not plain ASCII. Caller frees. */
char *fw_notify_header(const char *name, const char *value);

#endif
