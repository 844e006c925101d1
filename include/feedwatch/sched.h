/* sched — when each feed is due: interval, jitter, backoff, Retry-After;
 * and the library's clock (fw_now).
 *
 * One timer for all feeds (the earliest due), so an idle daemon with a
 * thousand feeds wakes once per due feed, not once per feed per tick; the
 * feeds in a heap, so setting one costs O(log n) and the next due O(1). A
 * scheduler runs on the main context it is given; fw_now and
 * fw_sched_next_poll are safe on any thread. */
#ifndef FW_SCHED_H
#define FW_SCHED_H

#include <glib.h>

/* Unix seconds now: the one wall clock the library reads. */
gint64 fw_now(void);

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

#define FW_SCHED_DAY 86400        /* cap of the backoff and of hints */
#define FW_SCHED_RETRY_MIN 60     /* Retry-After is clamped to [60, 86400] */

/* When a feed polled at now is next due: now + wait, where
 *
 *   base = interval                                   after a success
 *        = interval * 2^(failures-1), at most one day   after `failures`
 *          (but never less than interval)              consecutive failures
 *   wait = max(base, min(hint, one day))
 *        + jitter (after a success only): 0 to 5% of it, stable per key
 *   wait = max(wait, clamp(retry_after, 60, 86400))    when retry_after > 0
 *
 * hint is the publisher's own idea of how often to come back (RSS <ttl>,
 * sy:updatePeriod, Cache-Control: max-age; 0 = none). It is a lower bound:
 * it can make polling slower than the interval, never faster than the user
 * asked; it is capped at a day so a misconfigured max-age of a year cannot
 * silence a feed. interval <= 0 counts as 1 s. */
gint64 fw_sched_next_poll(gint64 now, gint64 interval, int failures, gint64 hint,
                          gint64 retry_after, const char *key);

#endif
