/* poll — one poll of feeds: fetch -> feed -> match -> store -> notify.
 *
 * Shared by `feedwatch poll` and feedwatchd. A poller owns the fetcher, the
 * matcher and the notifier built from one config; it borrows the store.
 * Everything runs on the given main context; a failing feed is recorded on
 * the feed and logged, never fatal. */
#ifndef FW_POLL_H
#define FW_POLL_H

#include <glib.h>
#include "feedwatch/config.h"
#include "feedwatch/outbox.h"
#include "feedwatch/store.h"

struct fw_poller;

/* Builds a poller for cfg (not owned; must outlive it) writing to store
 * (not owned). notify: the options of its outbox (copied), or NULL to
 * record hits without sending anything (they stay pending). Returns NULL
 * with error if a query does not compile. */
struct fw_poller *fw_poller_new(GMainContext *ctx, const struct fw_config *cfg,
                                struct fw_store *store, const struct fw_outbox_opts *notify,
                                GError **error);
void fw_poller_free(struct fw_poller *p);   /* aborts transfers; NULL is fine */

/* Switches to a new config (cfg not owned; must outlive the poller or the
 * next reconfigure). Feeds are matched by key: those that stay keep their
 * state, added ones start, removed ones in flight are dropped when their
 * fetch returns; new topics apply to items arriving from now on. Returns
 * FALSE (poller unchanged) if a query does not compile. */
gboolean fw_poller_reconfigure(struct fw_poller *p, const struct fw_config *cfg, GError **error);

/* Starts polling the feed at index i of cfg->feeds (no-op if in flight).
 * It fetches the store's moved_to instead of the config's url when set. A
 * feed the store marks gone is not fetched (done is called at once, with
 * G_MAXINT64). A feed whose host is waiting out a Retry-After is not
 * fetched either, and nothing is recorded: done says when to try again.
 * Otherwise every poll is recorded (fw_store_feed_polled: status, bytes,
 * time, error, failures, next poll, validators, permanent redirect, 410),
 * and a feed is logged when it starts failing and when it recovers, not at
 * every failed poll. Next poll: fw_sched_next_poll with the feed's interval,
 * failures, Retry-After and, for http(s) feeds, the larger of the feed's
 * <ttl>/sy:updatePeriod (as of its last parse) and the answer's
 * Cache-Control: max-age as the hint. A 410 is recorded with next_poll 0
 * and gone set. */
void fw_poller_poll(struct fw_poller *p, guint i);

/* Called when a feed's poll is done (recorded or skipped): index and when it
 * is due next (Unix seconds; G_MAXINT64 = never). Called once per
 * fw_poller_poll that was not a no-op, possibly from inside it. */
typedef void (*fw_poll_done_cb)(guint feed_index, gint64 next_poll, gpointer data);
void fw_poller_set_done_cb(struct fw_poller *p, fw_poll_done_cb cb, gpointer data);

/* Sends what is due in the outbox (pending notifications). */
void fw_poller_flush_outbox(struct fw_poller *p);

/* For a quiet poller: the worker thread frees its buffers, then the heap's
 * free pages (every thread's arena) go back to the system (malloc_trim). */
void fw_poller_settle(struct fw_poller *p);

/* TRUE while a fetch or a notification is in flight. */
gboolean fw_poller_busy(struct fw_poller *p);

/* Counters since the poller was made. */
struct fw_poll_stats {
	guint feeds_ok, feeds_failed, items_new, hits_new, notices_sent, notices_failed;
	guint failing;   /* feeds whose last poll failed, now */
	guint feeds_skipped; /* not fetched: gone (410), or their host asked to wait */
};
void fw_poller_stats(struct fw_poller *p, struct fw_poll_stats *out);

#endif
