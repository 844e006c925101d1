/* notify — the notification channels: a notice's text (fw_notice,
 * daemon/notify.c), desktop notifications (fw_notifier, notify-desktop.c),
 * exec hooks and webhooks (fw_jobs, notify-jobs.c).
 *
 * Threads: call everything from one thread; callbacks come on the context
 * given (NULL: that thread's default). Desktop notices are shown by a worker
 * thread of the notifier's own (notify_notification_show may block 25 s on
 * a hung server). Exec hooks (g_spawn, never a shell) and webhooks run on
 * the caller's context, webhooks as POSTs through a fetcher (fetch.h): the
 * poller's, given with fw_jobs_set_fetcher, else one of the jobs' own.
 * Errors reach the callbacks as text. Nothing here touches the store: the
 * caller (outbox) records outcomes, actions and server changes. The
 * notification design: docs/design.md. */
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
 * with its marked words in <b>, everything else escaped; the title is left
 * out when the snippet is (a cut of) it, so that it is said once. Input made valid UTF-8 and cut to
 * a sane length (title 300, snippet 400 characters) before escaping. marks
 * are struct fw_span offsets into snippet (may be NULL). Caller frees. */
char *fw_notice_body(const char *title, const char *snippet, const GArray *marks);

/* Plain text made safe for one line of a notification: valid UTF-8, control
 * characters and bidi overrides as spaces, trimmed, cut to max characters
 * with "…". Caller frees. */
char *fw_notice_line(const char *s, glong max);

/* summary as it is sent: plain text by the specification, but some servers
 * render markup in it, so no tag may form: '<' and '>' become the look-alike
 * quotation marks U+2039 and U+203A. Caller frees. */
char *fw_notice_summary_inert(const char *summary);

/* A header line "Name: value" (for a webhook) with value made safe for
 * HTTP: valid UTF-8, control characters as spaces, and as an RFC 2047
 * encoded word (=?UTF-8?B?...?=) when it is not plain ASCII. Caller frees. */
char *fw_notify_header(const char *name, const char *value);

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

/* ---- programs and webhooks, on the caller's context ------------------- */

/* Opens an http(s) link with xdg-open (found in PATH, run without a shell,
 * NOTIFY_SOCKET and WATCHDOG_* removed from its environment); does not wait
 * (reaped from a timer on the thread's default context). FALSE with error
 * for another scheme or when it cannot be started. */
gboolean fw_notify_open_link(const char *link, GError **error);

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
 * webhooks, with its timeout), else a fetcher of the jobs' own, made at the
 * first POST with its timeout_s; the answer's body is dropped. ok = a 2xx
 * status. */
void fw_jobs_post(struct fw_jobs *j, const char *url, const char *const *headers,
                  const char *body, gsize len, guint timeout_s,
                  gpointer tag, GDestroyNotify tag_free);

struct fw_fetcher;

/* Sends webhooks through f (not owned) from now on. f must be freed before
 * the jobs (its transfers then end without a report). */
void fw_jobs_set_fetcher(struct fw_jobs *j, struct fw_fetcher *f);

/* Jobs started and not reported yet. */
guint fw_jobs_pending(struct fw_jobs *j);

/* Stops reporting and frees: transfers on the jobs' own fetcher are aborted
 * (a shared fetcher is freed before, see fw_jobs_set_fetcher), programs are
 * left to run (their outbox rows stay pending). Tags are freed without done. */
void fw_jobs_free(struct fw_jobs *j);   /* NULL is fine */

#endif
