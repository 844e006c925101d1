/* outbox — see include/feedwatch/outbox.h. */
#include <string.h>

#include "feedwatch/hitlog.h"
#include "feedwatch/log.h"
#include "feedwatch/notify.h"
#include "feedwatch/outbox.h"

#define OUTBOX_BATCH 200

struct fw_outbox {
	GMainContext *ctx;
	const struct fw_config *cfg;
	struct fw_store *store;
	struct fw_notifier *notifier;
	GHashTable *sending;      /* outbox ids handed to a channel, not yet done */
	guint sent, failed;
};

static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* The topic config with this key, or NULL (removed since the hit was made). */
static const struct fw_topic_conf *
topic_by_key(const struct fw_outbox *p, const char *key)
{
	for (guint i = 0; i < p->cfg->topics->len; i++) {
		const struct fw_topic_conf *t = p->cfg->topics->pdata[i];
		if (strcmp(t->key, key) == 0)
			return t;
	}
	return NULL;
}

static void
outbox_notify_done_cb(const struct fw_notice *n, gboolean ok, const char *error, gpointer data)
{
	struct fw_outbox *p = data;
	g_autoptr(GError) err = NULL;
	gint64 now = now_s();

	if (ok)
		p->sent++;
	else {
		p->failed++;
		fw_log_warn("desktop notification not shown (kept pending): %s", error ? error : "?");
	}
	if (fw_store_begin(p->store, &err)) {
		for (guint i = 0; i < n->outbox_ids->len; i++) {
			gint64 id = g_array_index(n->outbox_ids, gint64, i);
			if (!fw_store_outbox_done(p->store, id, ok, error, now, &err))
				break;
		}
		if (err == NULL)
			fw_store_commit(p->store, &err);
		else
			fw_store_rollback(p->store);
	}
	if (err != NULL)
		fw_log_err("cannot record a notification: %s", err->message);
	for (guint i = 0; i < n->outbox_ids->len; i++)
		g_hash_table_remove(p->sending, &g_array_index(n->outbox_ids, gint64, i));
}

/* Builds the desktop notice for the outbox rows rows[from..to) of one item. */
static struct fw_notice *
outbox_notice(struct fw_outbox *p, GPtrArray *rows, guint from, guint to)
{
	const struct fw_outbox_row *first = rows->pdata[from];
	struct fw_notice *n = g_new0(struct fw_notice, 1);
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GArray) marks = NULL;

	n->outbox_ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	n->urgency = FW_URGENCY_LOW;
	for (guint i = from; i < to; i++) {
		const struct fw_outbox_row *r = rows->pdata[i];
		const struct fw_topic_conf *t = topic_by_key(p, r->topic);
		g_array_append_val(n->outbox_ids, r->id);
		g_ptr_array_add(names, r->topic_name);
		n->urgency = MAX(n->urgency, t ? t->urgency : FW_URGENCY_NORMAL);
	}
	g_ptr_array_add(names, NULL);
	marks = fw_hitlog_marks_parse(first->marks_json);
	n->summary = fw_notice_summary((const char *const *)names->pdata, first->feed_title);
	n->body = fw_notice_body(first->title ? first->title : "", first->snippet, marks);
	n->link = g_strdup(first->link);
	return n;
}

void
fw_outbox_flush(struct fw_outbox *p)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_outbox_row_free);
	g_autoptr(GPtrArray) desk = g_ptr_array_new();
	g_autoptr(GError) err = NULL;

	if (!fw_store_outbox_due(p->store, now_s(), OUTBOX_BATCH, rows, &err)) {
		fw_log_err("cannot read the outbox: %s", err->message);
		return;
	}
	for (guint i = 0; i < rows->len; i++) {
		struct fw_outbox_row *r = rows->pdata[i];
		if (g_hash_table_contains(p->sending, &r->id))
			continue;
		if (r->channel == FW_CHANNEL_DESKTOP)
			g_ptr_array_add(desk, r);
	}
	/* One notice per item, naming every topic it hit. */
	for (guint i = 0; i < desk->len;) {
		const struct fw_outbox_row *r = desk->pdata[i];
		guint j = i + 1;
		struct fw_notice *n;

		while (j < desk->len && ((struct fw_outbox_row *)desk->pdata[j])->item_rowid == r->item_rowid)
			j++;
		n = outbox_notice(p, desk, i, j);
		for (guint k = 0; k < n->outbox_ids->len; k++)
			g_hash_table_add(p->sending, g_memdup2(&g_array_index(n->outbox_ids, gint64, k),
			                                       sizeof(gint64)));
		fw_notifier_send(p->notifier, n);
		i = j;
	}
}

struct fw_outbox *
fw_outbox_new(GMainContext *ctx, const struct fw_config *cfg, struct fw_store *store)
{
	struct fw_outbox *p = g_new0(struct fw_outbox, 1);

	p->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	p->cfg = cfg;
	p->store = store;
	p->sending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	p->notifier = fw_notifier_new(p->ctx, outbox_notify_done_cb, p);
	return p;
}

void
fw_outbox_free(struct fw_outbox *p)
{
	if (p == NULL)
		return;
	fw_notifier_free(p->notifier);
	g_hash_table_unref(p->sending);
	g_main_context_unref(p->ctx);
	g_free(p);
}

void
fw_outbox_reconfigure(struct fw_outbox *p, const struct fw_config *cfg)
{
	p->cfg = cfg;
}

gboolean
fw_outbox_busy(struct fw_outbox *p)
{
	return fw_notifier_pending(p->notifier) > 0 || g_hash_table_size(p->sending) > 0;
}

void
fw_outbox_stats(struct fw_outbox *p, guint *sent, guint *failed)
{
	*sent = p->sent;
	*failed = p->failed;
}
