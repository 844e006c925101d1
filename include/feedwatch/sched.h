/* sched — when each feed is due: interval, jitter, backoff, Retry-After.
 *
 * One timer for all feeds (the earliest due), so an idle daemon with a
 * thousand feeds wakes once per due feed, not once per feed per tick. */
#ifndef FW_SCHED_H
#define FW_SCHED_H

#include <glib.h>

/* Called on the scheduler's context for each feed whose time has come. */
typedef void (*fw_sched_due_cb)(guint feed_index, gpointer data);

struct fw_sched;

/* A scheduler for n feeds, none scheduled yet. */
struct fw_sched *fw_sched_new(GMainContext *ctx, guint n, fw_sched_due_cb due, gpointer data);
void fw_sched_free(struct fw_sched *s);  /* NULL is fine */

/* Sets feed i due at Unix time `when` (seconds); G_MAXINT64 = never. */
void fw_sched_set(struct fw_sched *s, guint i, gint64 when);

/* The earliest due time of any feed (G_MAXINT64 if none). */
gint64 fw_sched_next_due(struct fw_sched *s);

/* When a feed polled at now is next due: interval plus up to 5% jitter
 * (stable per key) after success; after `failures` consecutive failures,
 * interval * 2^(failures-1) capped at one day; never before retry_after
 * seconds (clamped to [60, 86400]) when one was given. */
gint64 fw_sched_next_poll(gint64 now, gint64 interval, int failures, gint64 retry_after,
                          const char *key);

#endif
