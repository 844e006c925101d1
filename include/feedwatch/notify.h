/* notify — notification channels. Desktop notifications go through
 * libnotify on a worker thread (notify_notification_show is synchronous
 * and may block 25 s on a hung server: it never runs on the main loop).
 *
 * The notifier does not touch the store: it reports each delivery's outcome
 * through the done callback, on the main context, and the caller records it. */
#ifndef FW_NOTIFY_H
#define FW_NOTIFY_H

#include <glib.h>
#include "feedwatch/config.h"

/* One desktop notification (one per item, naming every topic it hit). */
struct fw_notice {
	GArray *outbox_ids;   /* of gint64: the outbox rows this notice delivers */
	char *summary;        /* plain text: "Milei · Mercosur — The American Conservative" */
	char *body;           /* Pango markup, already escaped (see fw_notice_body) */
	char *link;           /* or NULL */
	enum fw_urgency urgency;
};

void fw_notice_free(struct fw_notice *n);   /* NULL is fine */

/* The summary line: topic names joined with " · ", then " — " and the feed
 * title. Caller frees. */
char *fw_notice_summary(const char *const *topic_names, const char *feed_title);

/* The body markup: the title (escaped) on the first line, then the snippet
 * with its marked words in <b>, everything else escaped. Input made valid UTF-8 and cut to
 * a sane length (title 300, snippet 400 characters) before escaping. marks
 * are struct fw_span offsets into snippet (may be NULL). Caller frees. */
char *fw_notice_body(const char *title, const char *snippet, const GArray *marks);

/* Called on the main context when a notice went out (ok) or failed (error:
 * "no session bus: ...", "no notification server ... on the session bus",
 * or libnotify's D-Bus error). */
typedef void (*fw_notify_done_cb)(const struct fw_notice *n, gboolean ok,
                                  const char *error, gpointer data);

struct fw_notifier;

/* Starts the worker thread. app_name is "feedwatch". */
struct fw_notifier *fw_notifier_new(GMainContext *ctx, fw_notify_done_cb done, gpointer data);

/* Queues n for the worker; takes ownership. */
void fw_notifier_send(struct fw_notifier *nt, struct fw_notice *n);

/* Notices queued or being shown. */
guint fw_notifier_pending(struct fw_notifier *nt);

/* Stops the worker after the notice being shown (the rest are dropped: they
 * stay pending in the outbox) and frees; done is not called any more. Waits
 * at most ~2 s: a worker stuck on a hung server is left to finish alone. */
void fw_notifier_free(struct fw_notifier *nt);  /* NULL is fine */

#endif
