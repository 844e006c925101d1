/* outbox — the dispatcher: sends what the store's outbox holds through the
 * notification channels (notify.h: desktop, exec, webhook) under each
 * topic's policy (coalescing, max_per_hour, quiet hours, mutes, digests),
 * records every outcome in the store, and decides which new hits it takes
 * (fw_outbox_admit). What users see of it: feedwatch.conf(5); its policy:
 * docs/design.md.
 *
 * A dispatcher borrows the config and the store and owns its notifier and
 * jobs; it runs on the main context it is given, the store's thread. It
 * returns no errors: a failed delivery is recorded on its row (the store
 * retries it with backoff) and logged; without a notification server
 * desktop rows stay pending. Holds, caps and what is on screen are kept in
 * memory and end with the dispatcher; mutes are in the store (fw_store_mutes,
 * read at every flush: a mute set by `feedwatch browse` holds here too). */
#ifndef FW_OUTBOX_H
#define FW_OUTBOX_H

#include <glib.h>
#include "feedwatch/config.h"
#include "feedwatch/store.h"

struct fw_outbox;

/* What the program decides for its dispatcher. */
struct fw_outbox_opts {
	gboolean actions;       /* offer Open, Mark read and Mute on desktop notices:
	                           only a process that stays to answer them (feedwatchd) */
	gint64 clock_offset;    /* seconds added to fw_now() for every time this
	                           module reads (due rows, backoff, quiet hours, caps,
	                           mutes, digests): 0 but in tests (--test-now); never
	                           negative, or rows poll made now are not due yet */
	guint desktop_budget_ms; /* the time the notification server gets in all,
	                           from the first desktop notice handed to it (0: no
	                           limit, the daemon's way; a one-shot poll gives a
	                           few seconds): past it no notice is handed over,
	                           what was not shown stays pending for the next run,
	                           fw_outbox_busy stops waiting for the desktop and
	                           fw_outbox_late counts what was left */
};

/* A dispatcher on ctx (NULL = thread default); cfg and store are borrowed,
 * opts is copied (NULL: no actions, the real clock). */
struct fw_outbox *fw_outbox_new(GMainContext *ctx, const struct fw_config *cfg,
                                struct fw_store *store, const struct fw_outbox_opts *opts);

/* Stops the channels (what is in flight stays pending in the store) and frees. */
void fw_outbox_free(struct fw_outbox *o);   /* NULL is fine */

struct fw_fetcher;

/* Posts webhooks through f (the poller's fetcher: one multi handle for feeds
 * and webhooks); f is borrowed and must be freed before the outbox. Without
 * it the outbox makes a fetcher of its own at the first webhook. */
void fw_outbox_set_fetcher(struct fw_outbox *o, struct fw_fetcher *f);

/* Uses cfg (borrowed) from now on: topics' names, urgency, channels, policy. */
void fw_outbox_reconfigure(struct fw_outbox *o, const struct fw_config *cfg);

/* Sends every row that is due and not already in flight (or holds it). */
void fw_outbox_flush(struct fw_outbox *o);

/* The next flush that reads the outbox summarises every desktop row it
 * finds in one notification "feedwatch: N hits WHY — Milei 4, ..." (a
 * single item comes as itself), as the first flush of a dispatcher does
 * ("not shown yet"): the desk notifier's backlog after a stop, a lost
 * connection or a sleep (why: "while away"). */
void fw_outbox_backlog(struct fw_outbox *o, const char *why);

/* TRUE while something was handed to a channel and not yet reported. */
gboolean fw_outbox_busy(struct fw_outbox *o);

/* Notices sent and failed (including "no server") since the dispatcher was made. */
void fw_outbox_stats(struct fw_outbox *o, guint *sent, guint *failed);

/* Desktop notices left unshown (pending) because desktop_budget_ms ran out:
 * those queued or being shown then and those not handed over after. */
guint fw_outbox_late(struct fw_outbox *o);

/* The state a new hit of topic t on item item_rowid starts in, the rule
 * poll applies before fw_store_hit_add: none when t has no channel; initial
 * when its feed had no successful fetch before (feed_fetched FALSE) and
 * cfg->notify_initial is off; none when the same story (canonical link) was
 * or is being notified for t (fw_store_story_notified; twin: the item's
 * document lists another of its link and title, fw_item.link_twin); else
 * pending. *channels gets the channels to send on (t's when pending, else 0). */
enum fw_hit_notified fw_outbox_admit(struct fw_store *store, const struct fw_config *cfg,
                                     const struct fw_topic_conf *t, gint64 item_rowid,
                                     gboolean twin, gboolean feed_fetched, guint *channels);

#endif
