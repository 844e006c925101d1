/* poll — see include/feedwatch/poll.h. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "feedwatch/feed.h"
#include "feedwatch/fetch.h"
#include "feedwatch/log.h"
#include "feedwatch/match.h"
#include "feedwatch/outbox.h"
#include "feedwatch/poll.h"
#include "feedwatch/sched.h"

#define POLL_SNIPPET_WIDTH 200
#define POLL_OUTBOX_BATCH 200

/* One feed of the config and its poll in flight. Heap-allocated, so that a
 * reload can keep the runs of feeds that stay and orphan those in flight
 * whose feed was removed (freed when their fetch comes back). */
struct feed_run {
	struct fw_poller *p;
	guint index;              /* in p->cfg->feeds */
	char *key;
	gboolean orphan;          /* its feed left the config while in flight */
	gint64 feed_id;
	gboolean fetched_before;  /* a successful fetch was recorded before this poll */
	gboolean in_flight;
	int failures;             /* consecutive, as stored */
	char *url;                /* fetched by the poll in flight: the config's or moved_to */
	char *moved_to;           /* as stored when the poll started, or NULL */
	gint64 ttl;               /* <ttl> / sy:updatePeriod of the last parse, 0 none */
	gboolean gone_logged;     /* "gone, not polled" said once in this process */
};

struct fw_poller {
	GMainContext *ctx;
	const struct fw_config *cfg;
	struct fw_store *store;
	gboolean notify;
	struct fw_fetcher *fetcher;
	struct fw_matcher *matcher;
	struct fw_outbox *outbox;     /* NULL with notify = FALSE */
	GPtrArray *runs;          /* of struct feed_run *, parallel to cfg->feeds */
	GPtrArray *orphans;       /* of struct feed_run *, in flight, feed removed */
	fw_poll_done_cb done_cb;
	gpointer done_data;
	struct fw_poll_stats stats;
	GString *hashbuf;         /* scratch for item_hash */
};

static void run_free(struct feed_run *run);

static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

#define ROTL64(x, r) (((x) << (r)) | ((x) >> (64 - (r))))

/* MurmurHash3's 64-bit finaliser. */
static guint64
fmix64(guint64 k)
{
	k ^= k >> 33;
	k *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

/* MurmurHash3_x64_128 (Austin Appleby, public domain) of len bytes, seed 0,
 * into out[2]: ~1 instruction a byte where SHA-1 took ~20, and no
 * adversary gains anything from a collision in an edit detector. */
static void
murmur3_128(const guint8 *data, gsize len, guint64 out[2])
{
	const guint64 c1 = G_GUINT64_CONSTANT(0x87c37b91114253d5);
	const guint64 c2 = G_GUINT64_CONSTANT(0x4cf5ad432745937f);
	guint64 h1 = 0, h2 = 0, k1, k2;
	gsize nblocks = len / 16, rem = len % 16;
	guint8 tail[16] = { 0 };

	for (gsize i = 0; i < nblocks; i++) {
		memcpy(&k1, data + i * 16, 8);
		memcpy(&k2, data + i * 16 + 8, 8);
		k1 = GUINT64_FROM_LE(k1);
		k2 = GUINT64_FROM_LE(k2);
		k1 *= c1; k1 = ROTL64(k1, 31); k1 *= c2; h1 ^= k1;
		h1 = ROTL64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
		k2 *= c2; k2 = ROTL64(k2, 33); k2 *= c1; h2 ^= k2;
		h2 = ROTL64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
	}
	/* The tail, zero-padded: the same as the reference's byte switch. */
	memcpy(tail, data + nblocks * 16, rem);
	memcpy(&k1, tail, 8);
	memcpy(&k2, tail + 8, 8);
	k1 = GUINT64_FROM_LE(k1);
	k2 = GUINT64_FROM_LE(k2);
	if (rem > 8) {
		k2 *= c2; k2 = ROTL64(k2, 33); k2 *= c1; h2 ^= k2;
	}
	if (rem > 0) {
		k1 *= c1; k1 = ROTL64(k1, 31); k1 *= c2; h1 ^= k1;
	}
	h1 ^= (guint64)len;
	h2 ^= (guint64)len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	out[0] = h1;
	out[1] = h2;
}

/* Appends one field to the hash input: its length (or ~0 for NULL), then its bytes. */
static void
hash_part(GString *buf, const char *s)
{
	guint32 n = s != NULL ? (guint32)MIN(strlen(s), (gsize)G_MAXUINT32 - 1) : G_MAXUINT32;
	guint32 le = GUINT32_TO_LE(n);

	g_string_append_len(buf, (const char *)&le, sizeof le);
	if (s != NULL)
		g_string_append_len(buf, s, n);
}

/* A content hash of what matching reads, so an edit is noticed: 32 hex
 * digits of MurmurHash3_x64_128 over the length-prefixed fields. buf is
 * reused scratch space. Caller frees. */
static char *
item_hash(GString *buf, const struct fw_item *it)
{
	const char *parts[] = { it->title, it->link, it->summary, it->content, it->author };
	guint64 h[2];

	g_string_truncate(buf, 0);
	for (guint i = 0; i < G_N_ELEMENTS(parts); i++)
		hash_part(buf, parts[i]);
	for (guint i = 0; i < it->categories->len; i++)
		hash_part(buf, it->categories->pdata[i]);
	murmur3_128((const guint8 *)buf->str, buf->len, h);
	return g_strdup_printf("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x", h[0], h[1]);
}

/* [[start,end],...] for the snippet's marks. Caller frees. */
static char *
marks_json(const struct fw_snippet *sn)
{
	GString *s = g_string_new("[");

	for (guint i = 0; sn != NULL && i < sn->marks->len; i++) {
		const struct fw_span *m = &g_array_index(sn->marks, struct fw_span, i);
		g_string_append_printf(s, "%s[%u,%u]", i ? "," : "", m->start, m->end);
	}
	g_string_append_c(s, ']');
	return g_string_free(s, FALSE);
}

/* [{"field":"content","start":1,"end":5},...] for a match. Caller frees. */
static char *
matched_json(const GArray *spans)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array(b);
	for (guint i = 0; i < spans->len; i++) {
		const struct fw_span *sp = &g_array_index(spans, struct fw_span, i);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "field");
		json_builder_add_string_value(b, fw_field_name(sp->field));
		json_builder_set_member_name(b, "start");
		json_builder_add_int_value(b, sp->start);
		json_builder_set_member_name(b, "end");
		json_builder_add_int_value(b, sp->end);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}

/* The categories as one text, one a line (never adjacent for phrases). */
static char *
join_categories(const GPtrArray *cats)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < cats->len; i++) {
		if (i > 0)
			g_string_append(s, " \n ");
		g_string_append(s, cats->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

/* Matches one new or changed item and stores its new hits. */
static gboolean
poll_match_item(struct feed_run *run, const struct fw_feed_conf *fc, const char *feed_title,
                const struct fw_item *it, gint64 item_rowid, gint64 now, GError **error)
{
	struct fw_poller *p = run->p;
	g_autofree char *cats = join_categories(it->categories);
	struct fw_doc doc = { { NULL } };
	g_autoptr(GPtrArray) matches = NULL;

	doc.field[FW_FIELD_TITLE] = it->title;
	doc.field[FW_FIELD_SUMMARY] = it->summary;
	doc.field[FW_FIELD_CONTENT] = it->content;
	doc.field[FW_FIELD_CATEGORY] = cats;
	doc.field[FW_FIELD_AUTHOR] = it->author;
	doc.field[FW_FIELD_FEED] = feed_title;
	doc.field[FW_FIELD_LINK] = it->link;
	matches = fw_matcher_match(p->matcher, &doc);
	for (guint i = 0; i < matches->len; i++) {
		const struct fw_match *m = matches->pdata[i];
		const struct fw_topic_conf *t = p->cfg->topics->pdata[m->topic];
		struct fw_snippet *sn;
		g_autofree char *marks = NULL, *matched = NULL;
		struct fw_hit_new h = { 0 };
		gint64 hit_id;
		guint channels = t->channels;
		gboolean ok;

		if (fw_store_hit_exists(p->store, item_rowid, t->key))
			continue;
		sn = fw_snippet_make(&doc, m->spans, POLL_SNIPPET_WIDTH);
		marks = marks_json(sn);
		matched = matched_json(m->spans);
		h.item_rowid = item_rowid;
		h.topic = t->key;
		h.topic_name = t->name;
		h.snippet = sn ? sn->text : "";
		h.marks_json = marks;
		h.matched_json = matched;
		if (channels == 0)
			h.notified = "none";
		else if (!run->fetched_before && !p->cfg->notify_initial)
			h.notified = "initial";
		else if (fw_store_story_notified(p->store, item_rowid, t->key))
			h.notified = "none";   /* the same story was notified from another feed */
		else
			h.notified = "pending";
		if (strcmp(h.notified, "pending") != 0)
			channels = 0;
		ok = fw_store_hit_add(p->store, &h, channels, now, &hit_id, error);
		fw_snippet_free(sn);
		if (!ok)
			return FALSE;
		p->stats.hits_new++;
		fw_log_debug("%s: hit %" G_GINT64_FORMAT " %s: %s", fc->key, hit_id, t->key,
		             it->title ? it->title : it->id);
	}
	return TRUE;
}

/* Stores every item of a parsed feed in one transaction; matches new and changed ones. */
static gboolean
poll_store_doc(struct feed_run *run, const struct fw_feed_doc *doc, gint64 now, GError **error)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	const char *feed_title = fc->title ? fc->title : doc->title ? doc->title : fc->key;

	if (!fw_store_begin(p->store, error))
		return FALSE;
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = doc->items->pdata[i];
		g_autofree char *hash = item_hash(p->hashbuf, it);
		enum fw_item_state state;
		gint64 rowid;

		if (!fw_store_item_put(p->store, run->feed_id, it, hash, now, &rowid, &state, error))
			goto fail;
		if (state == FW_ITEM_SEEN)
			continue;
		if (state == FW_ITEM_NEW)
			p->stats.items_new++;
		if (!poll_match_item(run, fc, feed_title, it, rowid, now, error))
			goto fail;
	}
	return fw_store_commit(p->store, error);
fail:
	fw_store_rollback(p->store);
	return FALSE;
}

/* TRUE for URLs fetched over the network (publisher hints apply to them). */
static gboolean
is_remote(const char *url)
{
	return g_ascii_strncasecmp(url, "http:", 5) == 0 ||
	       g_ascii_strncasecmp(url, "https:", 6) == 0;
}

/* After a poll that saw a permanent redirect: logs once when the store has
 * just started to follow it (moved_to changed to the target). */
static void
poll_note_move(struct feed_run *run, const struct fw_feed_conf *fc, const char *target)
{
	struct fw_feed_state st = { 0 };
	g_autoptr(GError) err = NULL;

	if (g_strcmp0(run->moved_to, target) == 0)
		return;
	if (!fw_store_feed_get(run->p->store, fc->key, fc->url, &st, &err)) {
		fw_log_err("%s: cannot read its state: %s", fc->key, err->message);
		return;
	}
	if (g_strcmp0(st.moved_to, target) == 0)
		fw_log_info("%s: moved permanently to %s (HTTP 301/308 on %d polls in a row): "
		            "polling that instead of %s from now on; update its url in %s",
		            fc->key, target, FW_STORE_MOVED_AFTER, fc->url, run->p->cfg->path);
	fw_feed_state_clear(&st);
}

/* Records the outcome of a poll and hands the feed back to the caller.
 * hint: the publisher's (ttl, max-age), retry_after: from a 429/503. */
static void
poll_finish(struct feed_run *run, struct fw_poll_record *rec, gint64 hint, gint64 retry_after)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	g_autoptr(GError) err = NULL;
	gint64 now = now_s();
	int failures = rec->ok ? 0 : run->failures + 1;
	gint64 next;

	if (!is_remote(run->url))
		hint = 0;   /* a local file costs nothing to read: the interval rules */
	next = fw_sched_next_poll(now, fc->interval, failures, hint, retry_after, fc->key);
	/* A gone feed is never due; the store has no "never", so 0 is recorded
	 * and the gone flag says why. */
	rec->next_poll = rec->gone ? 0 : next;
	if (!fw_store_feed_polled(p->store, run->feed_id, now, rec, &err))
		fw_log_err("%s: cannot record the poll: %s", fc->key, err->message);
	else if (rec->permanent_url != NULL)
		poll_note_move(run, fc, rec->permanent_url);
	if (rec->gone) {
		p->stats.feeds_failed++;
		fw_log_warn("%s: gone: %s answered HTTP 410; it will not be polled again "
		            "(change its url in %s to poll it again)", fc->key, run->url,
		            p->cfg->path);
		run->gone_logged = TRUE;
		next = G_MAXINT64;
	} else if (rec->ok) {
		p->stats.feeds_ok++;
		if (run->failures > 0)
			fw_log_info("%s: recovered after %d failed poll%s", fc->key, run->failures,
			            run->failures == 1 ? "" : "s");
	} else {
		p->stats.feeds_failed++;
		/* Logged when the feed starts failing, not at every poll. */
		if (run->failures == 0)
			fw_log_warn("%s: %s", fc->key, rec->error);
		else
			fw_log_debug("%s: still failing (%d): %s", fc->key, failures, rec->error);
	}
	run->failures = failures;
	run->in_flight = FALSE;
	g_clear_pointer(&run->url, g_free);
	g_clear_pointer(&run->moved_to, g_free);
	if (p->notify)
		fw_poller_flush_outbox(p);
	if (p->done_cb != NULL)
		p->done_cb(run->index, next, p->done_data);
}

/* A poll that did not happen (gone, or its host asked to wait): nothing is
 * recorded; the feed is handed back due at next. */
static void
poll_skip(struct feed_run *run, gint64 next)
{
	struct fw_poller *p = run->p;

	p->stats.feeds_skipped++;
	run->in_flight = FALSE;
	g_clear_pointer(&run->url, g_free);
	g_clear_pointer(&run->moved_to, g_free);
	if (p->done_cb != NULL)
		p->done_cb(run->index, next, p->done_data);
}

static void
poll_fetch_done_cb(struct fw_fetch_result *r, gpointer data)
{
	struct feed_run *run = r->user;
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc;
	struct fw_poll_record rec = { 0 };
	g_autoptr(GError) err = NULL;
	g_autofree char *msg = NULL;
	struct fw_feed_doc *doc = NULL;

	if (run->orphan) {
		g_ptr_array_remove_fast(p->orphans, run);   /* frees it */
		return;
	}
	fc = p->cfg->feeds->pdata[run->index];

	if (r->deferred) {
		fw_log_debug("%s: %s", fc->key, r->error);
		poll_skip(run, now_s() + r->retry_after);
		return;
	}
	rec.http_status = r->http_status;
	rec.bytes = r->bytes;
	rec.seconds = r->seconds;
	if (r->error != NULL) {
		rec.error = r->error;
		rec.gone = r->http_status == 410;
		poll_finish(run, &rec, run->ttl, r->retry_after);
		return;
	}
	rec.ok = TRUE;
	rec.etag = r->etag;
	rec.last_modified = r->last_modified;
	rec.permanent_url = r->permanent_url;
	if (r->not_modified) {
		fw_log_debug("%s: not modified", fc->key);
		poll_finish(run, &rec, MAX(run->ttl, r->max_age), 0);
		return;
	}
	{
		gsize len = 0;
		const char *body = r->body ? g_bytes_get_data(r->body, &len) : NULL;

		if (body == NULL)
			body = "";   /* an empty body has no data pointer */
		doc = fw_feed_parse(body, len, r->final_url ? r->final_url : r->url, r->content_type,
		                    &err);
	}
	if (doc == NULL) {
		msg = g_strdup_printf("%s", err->message);
		rec.ok = FALSE;
		rec.error = msg;
		rec.etag = rec.last_modified = NULL;
		rec.permanent_url = NULL;
		poll_finish(run, &rec, run->ttl, 0);
		return;
	}
	run->ttl = doc->ttl;
	if (doc->degraded)
		fw_log_warn("%s: broken feed read in recover mode: %s", fc->key,
		            doc->warning ? doc->warning : "");
	rec.degraded = doc->degraded;
	rec.title = fc->title ? fc->title : doc->title;
	if (!poll_store_doc(run, doc, now_s(), &err)) {
		/* Nothing of this poll was stored: keep the old validators so the
		 * next poll fetches the feed again. */
		msg = g_strdup_printf("cannot store: %s", err->message);
		fw_log_err("%s: %s", fc->key, msg);
		rec.ok = FALSE;
		rec.error = msg;
		rec.etag = rec.last_modified = NULL;
		rec.permanent_url = NULL;
	}
	poll_finish(run, &rec, MAX(run->ttl, r->max_age), 0);
	fw_feed_doc_free(doc);
}

void
fw_poller_flush_outbox(struct fw_poller *p)
{
	if (p->outbox != NULL)
		fw_outbox_flush(p->outbox);
}

struct fw_poller *
fw_poller_new(GMainContext *ctx, const struct fw_config *cfg, struct fw_store *store,
              gboolean notify, GError **error)
{
	struct fw_poller *p = g_new0(struct fw_poller, 1);
	struct fw_fetch_opts fo = { 0 };

	p->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	p->store = store;
	p->notify = notify;
	p->runs = g_ptr_array_new_with_free_func((GDestroyNotify)run_free);
	p->hashbuf = g_string_sized_new(4096);
	p->orphans = g_ptr_array_new_with_free_func((GDestroyNotify)run_free);
	if (!fw_poller_reconfigure(p, cfg, error)) {
		fw_poller_free(p);
		return NULL;
	}
	fo.max_parallel = cfg->max_parallel;
	fo.max_per_host = cfg->max_per_host;
	fo.timeout = cfg->timeout;
	fo.max_size = cfg->max_size;
	p->fetcher = fw_fetcher_new(p->ctx, &fo, poll_fetch_done_cb, p);
	if (notify)
		p->outbox = fw_outbox_new(p->ctx, cfg, store);
	return p;
}

void
fw_poller_free(struct fw_poller *p)
{
	if (p == NULL)
		return;
	fw_fetcher_free(p->fetcher);
	fw_outbox_free(p->outbox);
	fw_matcher_free(p->matcher);
	g_ptr_array_unref(p->runs);
	g_ptr_array_unref(p->orphans);
	g_string_free(p->hashbuf, TRUE);
	g_main_context_unref(p->ctx);
	g_free(p);
}

static void
run_free(struct feed_run *run)
{
	g_free(run->key);
	g_free(run->url);
	g_free(run->moved_to);
	g_free(run);
}

gboolean
fw_poller_reconfigure(struct fw_poller *p, const struct fw_config *cfg, GError **error)
{
	struct fw_matcher *m = fw_matcher_new();
	GPtrArray *runs;

	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		guint col = 0;
		g_autofree char *text = fw_topic_conf_query(t);
		struct fw_query *q = fw_query_parse(text, &col, error);
		if (q == NULL) {
			g_prefix_error(error, "topic %s: column %u: ", t->key, col);
			fw_matcher_free(m);
			return FALSE;
		}
		fw_matcher_add(m, i, q);
	}
	runs = g_ptr_array_new_full(cfg->feeds->len, (GDestroyNotify)run_free);
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		struct feed_run *run = NULL;

		for (guint k = 0; k < p->runs->len && run == NULL; k++) {
			struct feed_run *old = p->runs->pdata[k];
			if (old != NULL && strcmp(old->key, fc->key) == 0)
				run = g_ptr_array_steal_index_fast(p->runs, k);
		}
		if (run == NULL) {
			run = g_new0(struct feed_run, 1);
			run->p = p;
			run->key = g_strdup(fc->key);
			run->feed_id = -1;
		}
		run->index = i;
		g_ptr_array_add(runs, run);
	}
	/* What is left belongs to removed feeds. */
	while (p->runs->len > 0) {
		struct feed_run *old = g_ptr_array_steal_index_fast(p->runs, 0);
		if (old->in_flight) {
			old->orphan = TRUE;
			g_ptr_array_add(p->orphans, old);
		} else {
			run_free(old);
		}
	}
	g_ptr_array_unref(p->runs);
	p->runs = runs;
	fw_matcher_free(p->matcher);
	p->matcher = m;
	p->cfg = cfg;
	if (p->outbox != NULL)
		fw_outbox_reconfigure(p->outbox, cfg);
	return TRUE;
}

void
fw_poller_poll(struct fw_poller *p, guint i)
{
	const struct fw_feed_conf *fc;
	struct feed_run *run;
	struct fw_feed_state st = { 0 };
	g_autoptr(GError) err = NULL;

	g_return_if_fail(i < p->cfg->feeds->len);
	fc = p->cfg->feeds->pdata[i];
	run = p->runs->pdata[i];
	if (run->in_flight)
		return;
	if (!fw_store_feed_get(p->store, fc->key, fc->url, &st, &err)) {
		fw_log_err("%s: cannot read its state: %s", fc->key, err->message);
		if (p->done_cb != NULL)
			p->done_cb(i, now_s() + fc->interval, p->done_data);
		return;
	}
	run->feed_id = st.id;
	run->fetched_before = st.fetched;
	run->failures = st.failures;
	run->in_flight = TRUE;
	run->url = g_strdup(st.moved_to != NULL ? st.moved_to : fc->url);
	run->moved_to = g_strdup(st.moved_to);
	if (st.gone) {
		if (!run->gone_logged)
			fw_log_info("%s: gone (HTTP 410): not polled; change its url in %s to poll "
			            "it again", fc->key, p->cfg->path);
		run->gone_logged = TRUE;
		fw_feed_state_clear(&st);
		poll_skip(run, G_MAXINT64);
		return;
	}
	if (st.moved_to != NULL)
		fw_log_debug("%s: polling %s (moved from %s)", fc->key, st.moved_to, fc->url);
	fw_fetcher_add(p->fetcher, run->url, st.etag, st.last_modified, run);
	fw_feed_state_clear(&st);
}

void
fw_poller_set_done_cb(struct fw_poller *p, fw_poll_done_cb cb, gpointer data)
{
	p->done_cb = cb;
	p->done_data = data;
}

gboolean
fw_poller_busy(struct fw_poller *p)
{
	return fw_fetcher_pending(p->fetcher) > 0 || (p->outbox != NULL && fw_outbox_busy(p->outbox));
}

void
fw_poller_stats(struct fw_poller *p, struct fw_poll_stats *out)
{
	*out = p->stats;
	if (p->outbox != NULL)
		fw_outbox_stats(p->outbox, &out->notices_sent, &out->notices_failed);
	out->failing = 0;
	for (guint i = 0; i < p->runs->len; i++)
		out->failing += ((struct feed_run *)p->runs->pdata[i])->failures > 0;
}
