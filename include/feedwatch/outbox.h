/* outbox — the dispatcher: sends what the store's outbox holds through the
 * notification channels and records each outcome.
 *
 * Hits and their pending outbox rows are committed by `poll` before anything
 * is sent; this module reads the due rows, groups them (one desktop
 * notification per item, naming every topic it hit), hands them to the
 * channels (notify.h) and marks rows delivered or failed (retried later with
 * backoff by the store). It borrows the config and the store. */
#ifndef FW_OUTBOX_H
#define FW_OUTBOX_H

#include <glib.h>
#include "feedwatch/config.h"
#include "feedwatch/store.h"

struct fw_outbox;

/* A dispatcher on ctx (NULL = thread default); cfg and store are borrowed. */
struct fw_outbox *fw_outbox_new(GMainContext *ctx, const struct fw_config *cfg,
                                struct fw_store *store);

/* Stops the channels (what is in flight stays pending in the store) and frees. */
void fw_outbox_free(struct fw_outbox *o);   /* NULL is fine */

/* Uses cfg (borrowed) from now on: topics' names, urgency and channels. */
void fw_outbox_reconfigure(struct fw_outbox *o, const struct fw_config *cfg);

/* Sends every row that is due and not already in flight. */
void fw_outbox_flush(struct fw_outbox *o);

/* TRUE while something was handed to a channel and not yet reported. */
gboolean fw_outbox_busy(struct fw_outbox *o);

/* Notices sent and failed since the dispatcher was made. */
void fw_outbox_stats(struct fw_outbox *o, guint *sent, guint *failed);

#endif
