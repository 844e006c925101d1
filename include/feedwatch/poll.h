/* poll — strings the pipeline together for each feed, fetch -> feed ->
 * match -> store -> outbox, for `feedwatch poll` and feedwatchd.
 *
 * A poller owns the fetcher, the matcher and the outbox built from one
 * config, and borrows the config and the store. Parsing, hashing,
 * matching and packing items' bodies (the store's fw_store_packer) run on
 * worker threads (one per processor, at most 4; a body goes to the one
 * with the fewest jobs); everything else (the store, the
 * outbox, the callbacks) on the given main context. Polls that end within
 * 250 ms share one transaction (durable = true: each its own), committed
 * before anything is sent. A failing feed is recorded on the feed and
 * logged, never fatal. */
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
 * fetch returns. A topic new to the database, or whose query changed, is
 * run over the items the feeds list now, once, its matches stored as a
 * first fetch's hits (initial unless notify_initial); from then on it
 * applies to items as they arrive. Returns FALSE (poller unchanged) if a
 * query does not compile. */
gboolean fw_poller_reconfigure(struct fw_poller *p, const struct fw_config *cfg, GError **error);

/* Starts polling the feed at index i of cfg->feeds (no-op if in flight),
 * at the store's moved_to when set, else at the config's url. A feed the
 * store marks gone, or whose host is waiting out a Retry-After, is not
 * fetched and nothing is recorded: done comes with G_MAXINT64 or the time
 * to try again when its turn comes (at once unless every fetch slot is
 * taken; its state is read then). Otherwise the poll is recorded
 * (fw_store_feed_polled) with its next poll (fw_sched_next_poll) and its
 * new items and hits, then done is called. */
void fw_poller_poll(struct fw_poller *p, guint i);

/* What became of one poll, for fw_poll_done_cb (valid during the call). */
enum fw_poll_end {
	FW_POLL_END_OK,        /* recorded: fetched, or not modified */
	FW_POLL_END_FAILED,    /* recorded as failed (gone, HTTP 410, too), error says why */
	FW_POLL_END_SKIPPED,   /* not fetched: gone, or its host asked to wait */
	FW_POLL_END_AGAIN,     /* team mode: not recorded (claim, lease or group lost) */
};
struct fw_poll_outcome {
	enum fw_poll_end end;
	guint items_new, hits_new;   /* what this poll stored */
	const char *error;           /* FW_POLL_END_FAILED: why; else NULL */
};

/* Called when a feed's poll is done (recorded or skipped): index, when it
 * is due next (Unix seconds; G_MAXINT64 = never) and how it went. Called
 * once per fw_poller_poll that was not a no-op, possibly from inside it; in
 * team mode called again for a feed whose recorded poll its group lost (the
 * database went away before the commit): due again a few seconds on. The
 * poll's rows may still be in the open group: fw_poller_flush_outbox
 * commits them. */
typedef void (*fw_poll_done_cb)(guint feed_index, gint64 next_poll,
                                const struct fw_poll_outcome *outcome, gpointer data);
void fw_poller_set_done_cb(struct fw_poller *p, fw_poll_done_cb cb, gpointer data);

/* Team mode: anytime TRUE claims a feed whether it is due or not (feedwatch
 * poll: now), still never one another poller holds; FALSE (the daemon's
 * default) claims only feeds due in the database. */
void fw_poller_set_anytime(struct fw_poller *p, gboolean anytime);

/* Commits the polls stored so far, then sends what is due in the outbox. */
void fw_poller_flush_outbox(struct fw_poller *p);

/* For a quiet poller: the worker threads end (their buffers and malloc's
 * per-thread caches are freed; the next job starts them again), then the
 * heap's free pages (every arena's) go back to the system (malloc_trim). */
void fw_poller_settle(struct fw_poller *p);

/* TRUE while a fetch or a notification is in flight. */
gboolean fw_poller_busy(struct fw_poller *p);

/* Counters since the poller was made. */
struct fw_poll_stats {
	guint feeds_ok, feeds_failed, items_new, hits_new, notices_sent, notices_failed;
	guint notices_late;   /* left pending: the desktop budget ran out */
	guint failing;   /* feeds whose last poll failed, now */
	guint feeds_skipped; /* not fetched: gone (410), or their host asked to wait */
};
void fw_poller_stats(struct fw_poller *p, struct fw_poll_stats *out);

#endif
