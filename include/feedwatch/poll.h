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
#include "feedwatch/store.h"

struct fw_poller;

/* Builds a poller for cfg (not owned; must outlive it) writing to store
 * (not owned). notify = FALSE records hits without sending anything (they
 * stay pending). Returns NULL with error if a query does not compile. */
struct fw_poller *fw_poller_new(GMainContext *ctx, const struct fw_config *cfg,
                                struct fw_store *store, gboolean notify, GError **error);
void fw_poller_free(struct fw_poller *p);   /* aborts transfers; NULL is fine */

/* Switches to a new config (cfg not owned; must outlive the poller or the
 * next reconfigure). Feeds are matched by key: those that stay keep their
 * state, added ones start, removed ones in flight are dropped when their
 * fetch returns; new topics apply to items arriving from now on. Returns
 * FALSE (poller unchanged) if a query does not compile. */
gboolean fw_poller_reconfigure(struct fw_poller *p, const struct fw_config *cfg, GError **error);

/* Starts polling the feed at index i of cfg->feeds (no-op if in flight). */
void fw_poller_poll(struct fw_poller *p, guint i);

/* Called when a feed's poll has been recorded: index and when it is due next. */
typedef void (*fw_poll_done_cb)(guint feed_index, gint64 next_poll, gpointer data);
void fw_poller_set_done_cb(struct fw_poller *p, fw_poll_done_cb cb, gpointer data);

/* Sends what is due in the outbox (pending notifications). */
void fw_poller_flush_outbox(struct fw_poller *p);

/* TRUE while a fetch or a notification is in flight. */
gboolean fw_poller_busy(struct fw_poller *p);

/* Counters since the poller was made. */
struct fw_poll_stats {
	guint feeds_ok, feeds_failed, items_new, hits_new, notices_sent, notices_failed;
	guint failing;   /* feeds whose last poll failed, now */
};
void fw_poller_stats(struct fw_poller *p, struct fw_poll_stats *out);

#endif
