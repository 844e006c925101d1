/* outbox — the dispatcher: sends what the store's outbox holds through the
 * notification channels and records each outcome.
 *
 * Hits and their pending outbox rows are committed by `poll` before anything
 * is sent; this module reads the due rows, applies each topic's policy,
 * hands them to the channels (notify.h) and marks rows delivered or failed
 * (retried later with backoff by the store). It borrows the config and the
 * store.
 *
 * Desktop policy, per flush (one flush per polled feed, and on a timer):
 * - one notification per item, naming every topic it hit; urgency the
 *   highest of its topics';
 * - more than FW_OUTBOX_COALESCE items of one topic become one notification
 *   "Mercosur: 4 new — <first titles>", and while it is on screen (until the
 *   server says it closed) later items of that topic update it in place (the
 *   same notification id);
 * - max_per_hour: a notice whose every topic has shown that many notices in
 *   the last hour is held; the held items come out as one notice once the
 *   hour allows;
 * - quiet hours (the topic's quiet_start..quiet_end, local time) and a mute
 *   ("Mute topic for 24 h", or m in `feedwatch browse`: stored, see
 *   fw_store_mutes, read at every flush) hold the topic's desktop rows; when they end,
 *   one summary ("feedwatch: 5 hits during quiet hours — Milei 2, Mercosur 3")
 *   or one notice per topic (mute) shows what was held;
 * - no session bus or no notification server: rows are held, not failed
 *   (the hits stay "pending", a warning is logged once); the name
 *   org.freedesktop.Notifications is watched (and probed every
 *   FW_OUTBOX_PROBE_EVERY seconds of flushes), and when a server appears the
 *   held rows come out as ONE summary ("feedwatch: 12 hits while
 *   notifications were off — Milei 5, Mercosur 7"), never a burst. The first
 *   flush of a dispatcher treats what an earlier run left due the same way
 *   ("... not shown yet ...");
 * - held rows stay pending in the store (`feedwatch hits` shows "pending").
 * Holds, caps and what is on screen are kept in memory: a new process starts
 * afresh; mutes are in the store and outlive it.
 *
 * Actions (default/"Open": open the link with xdg-open and mark the hits
 * read; "Mark read"; "Mute topic for 24 h") are offered only by feedwatchd
 * (g_get_prgname() = "feedwatchd"), the process that stays to answer them.
 *
 * exec: the topic's exec_argv runs once per hit (no shell) with
 * FEEDWATCH_TOPIC (key), FEEDWATCH_TOPIC_NAME, FEEDWATCH_TITLE,
 * FEEDWATCH_LINK, FEEDWATCH_FEED (key), FEEDWATCH_FEED_TITLE,
 * FEEDWATCH_SNIPPET, FEEDWATCH_HIT_ID and FEEDWATCH_OUTBOX_ID in its
 * environment and the hit as one JSON object (the fields of `feedwatch hits
 * --format json`) on stdin; killed after FW_OUTBOX_EXEC_TIMEOUT s; a non-zero
 * exit fails the row (retried by the store).
 * webhook: POST of the same JSON (Content-Type: application/json,
 * Idempotency-Key: <outbox id>) or, with webhook_format = ntfy, the title
 * and snippet as text with the headers Title, Priority (low 2, normal 3,
 * critical 5), Click (the link) and Tags (the topic key); any non-2xx
 * answer fails the row. The timeout is the config's.
 * digest topics (notify = digest): their rows of every channel wait for the
 * day's digest_at (local time); then each channel gets one notice of every
 * hit found before that moment: a desktop notification "Milei digest: 5
 * hits — <first titles>", one exec run and one POST with
 * {"digest": true, "topic", "topic_name", "count", "hits": [hit objects]}
 * (FEEDWATCH_DIGEST = the count, FEEDWATCH_HIT_ID = the ids separated by
 * spaces), or ntfy's text form.
 *
 * FEEDWATCH_TEST_NOW (tests only): Unix seconds; when set, this module's
 * clock starts there and runs on with real time. It is used for due rows,
 * backoff, quiet hours, caps, mutes and digests. It must not be earlier than
 * the real time, or rows that poll created (due at the real time) are not
 * due yet. */
#ifndef FW_OUTBOX_H
#define FW_OUTBOX_H

#include <glib.h>
#include "feedwatch/config.h"
#include "feedwatch/store.h"

#define FW_OUTBOX_COALESCE 3          /* items of one topic in one flush shown one by one */
#define FW_OUTBOX_MUTE_SECONDS (24 * 3600)
#define FW_OUTBOX_EXEC_TIMEOUT 30     /* seconds */
#define FW_OUTBOX_PROBE_EVERY 10      /* seconds between server probes while there is none */

struct fw_outbox;

/* A dispatcher on ctx (NULL = thread default); cfg and store are borrowed. */
struct fw_outbox *fw_outbox_new(GMainContext *ctx, const struct fw_config *cfg,
                                struct fw_store *store);

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

/* TRUE while something was handed to a channel and not yet reported. */
gboolean fw_outbox_busy(struct fw_outbox *o);

/* Notices sent and failed (including "no server") since the dispatcher was made. */
void fw_outbox_stats(struct fw_outbox *o, guint *sent, guint *failed);

/* This dispatcher's clock: Unix seconds (FEEDWATCH_TEST_NOW aware). */
gint64 fw_outbox_now(struct fw_outbox *o);

#endif
