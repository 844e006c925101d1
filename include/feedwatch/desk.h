/* desk — the desk notifier of team mode (`feedwatchd --notify-only`): polls
 * nothing; LISTENs on the team database for new hits and shows those of the
 * subscribed topics as desktop notifications through an outbox (outbox.h:
 * the same policy and actions as a lone daemon), each once per subscriber
 * (the store claims a hit for it before it is shown, fw_store_subscribe).
 * What it missed while stopped, disconnected or asleep comes as one summary.
 * docs/design.md section 18.
 *
 * A desk borrows the config and the store (a PostgreSQL one, with its
 * subscriber set) and runs on the thread-default main context. Errors: only
 * at start (fw_desk_new); later ones are logged, and a lost connection is
 * made again with the store's backoff. */
#ifndef FW_DESK_H
#define FW_DESK_H

#include <glib.h>
#include "feedwatch/config.h"
#include "feedwatch/outbox.h"
#include "feedwatch/store.h"

struct fw_desk;

/* Seconds between the safety polls (a NOTIFY missed) and the visits it
 * records (last_seen). */
#define FW_DESK_SAFETY 60

/* Registers the subscriber (cfg->subscriber, cfg->subscribe), listens and
 * shows what is waiting (one summary). opts as for fw_outbox_new. NULL with
 * error when the database is not a team one, or another desk runs as this
 * subscriber. */
struct fw_desk *fw_desk_new(const struct fw_config *cfg, struct fw_store *store,
                            const struct fw_outbox_opts *opts, GError **error);

/* Uses cfg (borrowed) from now on: its topics, subscribe and policy. */
void fw_desk_reconfigure(struct fw_desk *d, const struct fw_config *cfg);

/* Stops listening and frees (what is held stays claimed in the store:
 * the next start shows it in its summary). */
void fw_desk_free(struct fw_desk *d);   /* NULL is fine */

/* The topic keys a desk shows for cfg: those subscribed (all when
 * cfg->subscribe is NULL) whose channels include the desktop.
 * NULL-terminated, caller frees (g_strfreev). */
char **fw_desk_topics(const struct fw_config *cfg);

#endif
