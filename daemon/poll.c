/* poll — see include/feedwatch/poll.h. */
#include <malloc.h>
#include <string.h>

#include "feedwatch/feed.h"
#include "feedwatch/fetch.h"
#include "feedwatch/hit.h"
#include "feedwatch/log.h"
#include "feedwatch/match.h"
#include "feedwatch/outbox.h"
#include "feedwatch/poll.h"
#include "feedwatch/sched.h"
#include "feedwatch/service.h"

/* Parse workers at most (one per processor up to this): see fw_poller_new. */
#define POLL_WORKERS_MAX 4
#define POLL_OUTBOX_BATCH 200

/* One poll of a feed, from the start of its fetch until it is recorded:
 * made from the feed's stored state when the fetch starts and freed when
 * the poll is done, so an idle feed costs the poller one byte (p->marks).
 * A reload moves a run to its feed's new index, or orphans it when its feed
 * left the config (freed when its fetch or job comes back). */
struct feed_run {
	struct fw_poller *p;
	guint index;              /* in p->cfg->feeds */
	gboolean orphan;          /* its feed left the config while in flight */
	gint64 feed_id;
	gboolean fetched_before;  /* a successful fetch was recorded before this poll */
	int failures;             /* consecutive, as stored */
	char *url;                /* fetched: the config's or moved_to */
	char *moved_to;           /* as stored when the poll started, or NULL */
	gint64 ttl;               /* <ttl> / sy:updatePeriod, as stored, 0 none */
	gint64 max_age;           /* Cache-Control max-age, as stored, 0 none */
	gboolean claim_kept;      /* team mode: the claim was checked in the open group */
	guint items_new, hits_new; /* stored by this poll (none when its store failed) */
};

/* What the poller keeps of each feed between polls (p->marks, a byte a
 * feed; everything else the next poll needs is in the store). */
enum run_mark {
	RUN_BUSY = 1 << 0,        /* waiting in the backlog or in flight */
	RUN_FAILING = 1 << 1,     /* its last poll in this process failed */
	RUN_GONE_LOGGED = 1 << 2, /* "gone, not polled" said once in this process */
};

/* The compiled topics of one config, shared with the parse worker: a reload
 * makes a new one while a job may still use the old. */
struct poll_gen {
	gint ref;
	struct fw_matcher *matcher;
};

/* What matching one item gave for one topic, ready to store. */
struct item_hit {
	guint topic;
	struct fw_hit_text text;
};

/* A fetched body on its way through the parse worker and back: the worker
 * parses it and hashes and matches every item (pure work), the main loop
 * stores the result (the store is used from one thread). */
struct parse_job {
	guint worker;             /* the worker it went to */
	struct feed_run *run;
	struct poll_gen *gen;
	char *feed_title;         /* the config's title= or NULL (the feed's own is in doc) */
	char *feed_key;
	GBytes *body;
	char *base_url, *content_type;
	struct fw_poll_record rec; /* its strings point into the fields below */
	char *etag, *last_modified, *permanent_url;
	gint64 max_age;
	struct fw_store_packer *packer; /* packs the items' bodies here, or NULL */
	/* results */
	struct fw_feed_doc *doc;
	GError *error;
	GPtrArray *hashes;        /* of char *, parallel to doc->items */
	GPtrArray *hits;          /* of GPtrArray * (of struct item_hit *), parallel */
	GPtrArray *bodies;        /* of GBytes * (or NULL), parallel, with a packer */
};

/* A parse worker: a thread, started on its first job, and its queue. */
struct poll_worker {
	GThread *thread;          /* or NULL (poll_worker_push starts it) */
	GAsyncQueue *queue;       /* of struct parse_job *; owned */
	guint jobs;               /* handed to it, not yet back (main loop's count) */
	struct fw_poller *poller;
};

struct fw_poller {
	GMainContext *ctx;
	const struct fw_config *cfg;
	struct fw_store *store;
	struct fw_fetcher *fetcher;
	struct poll_gen *gen;
	struct fw_outbox *outbox;     /* NULL without notify options */
	guint8 *marks;            /* enum run_mark bits, parallel to cfg->feeds */
	GHashTable *flying;       /* set of struct feed_run * (owned): the polls started */
	fw_poll_done_cb done_cb;
	gpointer done_data;
	struct fw_poll_stats stats;
	struct poll_worker worker[POLL_WORKERS_MAX];  /* the parse workers */
	guint workers;            /* workers in use */
	GAsyncQueue *done_jobs;   /* of struct parse_job *, back from the worker */
	GSource *done_source;     /* made ready by the worker; drains done_jobs */
	gint stopping;            /* atomic: the worker only hands jobs back */
	GArray *backlog;          /* of guint, feed indices waiting for room, from */
	guint backlog_head;       /* this one on */
	guint outstanding;        /* fetches and jobs not yet finished */
	guint max_outstanding;    /* bounds the bodies held in memory */
	GSource *batch_timer;     /* ends the store's group POLL_BATCH_MS after it opened */
	GArray *grouped;          /* of guint: team mode, the feeds whose polls the open
	                             group records (handed back soon if it is lost) */
	GHashTable *pauses;       /* team mode: host -> until (gint64 *), every poller's
	                             Retry-After pauses as last read from the store */
	gint64 pauses_read;       /* when they were (Unix seconds) */
	gboolean db_away;         /* team mode: the database was unreachable, said once */
	gboolean anytime;         /* team mode: claim feeds that are not due (fw_poller_set_anytime) */
};

/* Team mode: a feed whose state could not be read or claimed (the server
 * restarting) is tried again this many seconds later, not an interval. */
#define POLL_RETRY_SOON 5

/* Team mode: the hosts' shared pauses are read again this often (seconds). */
#define POLL_PAUSES_EVERY 5

/* Polls that end within this many milliseconds share one transaction (one
 * WAL write of the pages they all touch): see poll_batch_open. */
#define POLL_BATCH_MS 250

static void run_free(struct feed_run *run);

/* Logs "KEY: WHAT: error". The team database gone (FW_STORE_ERROR_OPEN) is
 * logged once, naming it, until poll_store_back: while it is away every
 * feed fails every POLL_RETRY_SOON seconds, and those lines are debug. */
static void
poll_store_err(struct fw_poller *p, const char *key, const char *what, const GError *err)
{
	if (!fw_store_is_team(p->store) || !g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_OPEN)) {
		fw_log_err("%s: %s: %s", key, what, err->message);
		return;
	}
	if (!p->db_away)
		fw_log_err("the team database is unreachable (%s): its feeds are tried again every "
		           "%d s until it is back", err->message, POLL_RETRY_SOON);
	p->db_away = TRUE;
	fw_log_debug("%s: %s: %s", key, what, err->message);
}

/* A claim worked (both connections are up): says once that the team
 * database is back. */
static void
poll_store_back(struct fw_poller *p)
{
	if (p->db_away)
		fw_log_info("connected to the team database again");
	p->db_away = FALSE;
}

static guint run_end(struct feed_run *run);
static void poll_start_waiting(struct fw_poller *p, guint i);
static gboolean poll_claim(struct feed_run *run);
static void poll_host_pause(struct fw_poller *p, const char *url, gint64 seconds);
static gboolean poll_done_source_cb(GSource *source, GSourceFunc cb, gpointer data);

static GSourceFuncs poll_done_source_funcs = { .dispatch = poll_done_source_cb };

static gboolean poll_batch_timer_cb(gpointer data);

/* Team mode: the open group was lost (the database went away, a restart):
 * the feeds whose polls it recorded are handed back due soon, as a claim
 * that failed, not an interval away; they are fetched again in full. */
static void
poll_group_lost(struct fw_poller *p)
{
	static const struct fw_poll_outcome again = { FW_POLL_END_AGAIN, 0, 0, NULL };

	for (guint k = 0; k < p->grouped->len; k++) {
		guint i = g_array_index(p->grouped, guint, k);

		if (i < p->cfg->feeds->len && !(p->marks[i] & RUN_BUSY) && p->done_cb != NULL)
			p->done_cb(i, fw_now() + POLL_RETRY_SOON, &again, p->done_data);
	}
	g_array_set_size(p->grouped, 0);
}

/* Group commit (fw_store_group_begin): the polls that end while a group is
 * open are written in its one transaction, committed when POLL_BATCH_MS have
 * passed, when nothing is in flight, or before anything else writes in a
 * transaction of its own (a delivery). A feed's items and its validators are
 * in the same group, so a lost group means those feeds are fetched again in
 * full. Returns FALSE if it cannot open. */
static gboolean
poll_batch_open(struct fw_poller *p, GError **error)
{
	if (!fw_store_group_begin(p->store, error)) {
		poll_group_lost(p);   /* a group left open is ended, lost, first */
		return FALSE;
	}
	if (p->batch_timer == NULL) {
		p->batch_timer = g_timeout_source_new(POLL_BATCH_MS);
		g_source_set_callback(p->batch_timer, poll_batch_timer_cb, p, NULL);
		g_source_attach(p->batch_timer, p->ctx);
	}
	return TRUE;
}

/* Commits the open group, if any. */
static void
poll_batch_commit(struct fw_poller *p)
{
	g_autoptr(GError) err = NULL;

	if (p->batch_timer != NULL) {
		g_source_destroy(p->batch_timer);
		g_clear_pointer(&p->batch_timer, g_source_unref);
	}
	if (!fw_store_group_end(p->store, &err)) {
		fw_log_err("cannot store the last polls (their feeds are fetched again in full "
		           "at their next poll): %s", err->message);
		poll_group_lost(p);
	}
	g_array_set_size(p->grouped, 0);
}

/* Commits the open group, then lets the outbox send what it holds. */
static void
poll_batch_close(struct fw_poller *p)
{
	poll_batch_commit(p);
	if (p->outbox != NULL)
		fw_outbox_flush(p->outbox);
}

static gboolean
poll_batch_timer_cb(gpointer data)
{
	poll_batch_close(data);
	return G_SOURCE_REMOVE;
}

static void
item_hit_free(struct item_hit *h)
{
	fw_hit_text_clear(&h->text);
	g_free(h);
}

static struct poll_gen *
gen_ref(struct poll_gen *g)
{
	g_atomic_int_inc(&g->ref);
	return g;
}

static void
gen_unref(struct poll_gen *g)
{
	if (g != NULL && g_atomic_int_dec_and_test(&g->ref)) {
		fw_matcher_free(g->matcher);
		g_free(g);
	}
}

/* Matches one item against every topic, into matches (the caller's, reused
 * item after item); returns what each matching topic needs to be stored (of
 * struct item_hit *). Pure: runs on the worker. */
static GPtrArray *
item_hits_compute(struct fw_matcher *matcher, struct fw_matches *matches,
                  const struct fw_item *it, const char *feed_key, const char *feed_title)
{
	g_autofree char *cats = NULL;
	struct fw_doc doc;
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)item_hit_free);

	fw_doc_from_item(&doc, it, feed_key, feed_title, &cats);
	fw_matcher_match(matcher, &doc, matches);
	for (guint i = 0; i < matches->hits->len; i++) {
		const struct fw_match *m = &g_array_index(matches->hits, struct fw_match, i);
		g_autoptr(GArray) spans = g_array_sized_new(FALSE, FALSE, sizeof(struct fw_span),
		                                            m->nspans);
		struct item_hit *h = g_new0(struct item_hit, 1);

		g_array_append_vals(spans, fw_match_spans(matches, m), m->nspans);
		h->topic = m->topic;
		fw_hit_text_make(&h->text, &doc, spans, FW_HIT_SNIPPET_WIDTH);
		g_ptr_array_add(out, h);
	}
	return out;
}

/* Stores the hit of topic t on item_rowid with text: its notification
 * state and channels as fw_outbox_admit says (twin, and whether the feed
 * was fetched before), channels and *hit_id (may be NULL) as stored. */
static gboolean
poll_hit_add(struct fw_poller *p, const struct fw_topic_conf *t, gint64 item_rowid,
             gboolean twin, gboolean fetched_before, const struct fw_hit_text *text, gint64 now,
             guint *channels, gint64 *hit_id, GError **error)
{
	struct fw_hit_new h = {
		.item_rowid = item_rowid, .topic = t->key, .topic_name = t->name,
		.snippet = text->snippet, .marks_json = text->marks, .matched_json = text->matched,
	};

	h.notified = fw_outbox_admit(p->store, p->cfg, t, item_rowid, twin, fetched_before, channels);
	/* Team mode: desktops are the notifiers' (--notify-only), not a
	 * poller's; exec and webhook stay, sent once by the poller that claims
	 * the outbox row. */
	if (fw_store_is_team(p->store))
		*channels &= ~(guint)FW_CHANNEL_DESKTOP;
	return fw_store_hit_add(p->store, &h, *channels, now, hit_id, error);
}

/* Stores the hits of one new or changed item for topics it did not hit before. */
static gboolean
item_hits_store(struct feed_run *run, const struct fw_feed_conf *fc, const struct fw_item *it,
                gint64 item_rowid, GPtrArray *hits, gint64 now, GError **error)
{
	struct fw_poller *p = run->p;

	for (guint i = 0; i < hits->len; i++) {
		const struct item_hit *ih = hits->pdata[i];
		const struct fw_topic_conf *t = p->cfg->topics->pdata[ih->topic];
		gint64 hit_id;
		guint channels;

		if (fw_store_hit_exists(p->store, item_rowid, t->key))
			continue;
		if (!poll_hit_add(p, t, item_rowid, it->link_twin, run->fetched_before, &ih->text, now,
		                  &channels, &hit_id, error))
			return FALSE;
		run->hits_new++;
		fw_log_debug("%s: hit %" G_GINT64_FORMAT " %s: %s", fc->key, hit_id, t->key,
		             it->title ? it->title : it->id);
	}
	return TRUE;
}

/* Stores every item of a parsed feed in one transaction, and the hits of
 * new and changed ones. The job's matches are used when they were made with
 * the topics in force; after a reload they are made again. */
static gboolean
poll_store_job(struct feed_run *run, struct parse_job *job, gint64 now, GError **error)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	const struct fw_feed_doc *doc = job->doc;
	const char *feed_title = fc->title ? fc->title : doc->title ? doc->title : fc->key;
	gboolean fresh = job->gen == p->gen;
	struct fw_matches *matches = NULL;   /* for matching again after a reload */

	if (!poll_batch_open(p, error) || !fw_store_savepoint(p->store, error))
		return FALSE;
	for (guint i = 0; i < doc->items->len; i++) {
		const struct fw_item *it = doc->items->pdata[i];
		g_autoptr(GPtrArray) redo = NULL;
		enum fw_item_state state;
		gint64 rowid;

		if (!fw_store_item_put_packed(p->store, run->feed_id, it, job->hashes->pdata[i],
		                              job->bodies ? job->bodies->pdata[i] : NULL, now, &rowid,
		                              &state, error))
			goto fail;
		if (state == FW_ITEM_SEEN)
			continue;
		if (state == FW_ITEM_NEW)
			run->items_new++;
		if (!fresh) {
			if (matches == NULL)
				matches = fw_matches_new();
			redo = item_hits_compute(p->gen->matcher, matches, it, fc->key, feed_title);
		}
		if (!item_hits_store(run, fc, it, rowid, fresh ? job->hits->pdata[i] : redo, now, error))
			goto fail;
	}
	fw_matches_free(matches);
	if (!fw_store_release(p->store, error)) {   /* rolled back */
		run->items_new = run->hits_new = 0;
		return FALSE;
	}
	p->stats.items_new += run->items_new;
	p->stats.hits_new += run->hits_new;
	return TRUE;
fail:
	fw_matches_free(matches);
	fw_store_rollback_to(p->store);
	run->items_new = run->hits_new = 0;
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
	fw_store_feed_state_clear(&st);
}

/* Team mode, before a poll is recorded: TRUE when this poller still holds
 * the feed (the claim is renewed and locked in the open group); else the
 * poll is dropped (another poller claimed the feed when this one's lease
 * ran out, and records its own) and the feed handed back. */
static gboolean
poll_claim_kept(struct feed_run *run)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	static const struct fw_poll_outcome again = { FW_POLL_END_AGAIN, 0, 0, NULL };
	g_autoptr(GError) err = NULL;
	gboolean held = TRUE;
	guint i;

	if (run->claim_kept || !fw_store_is_team(p->store))
		return TRUE;
	if (!poll_batch_open(p, &err) ||
	    !fw_store_feed_claim_keep(p->store, run->feed_id, fw_now(), p->cfg->lease, &held, &err))
		poll_store_err(p, fc->key, "cannot keep its claim", err);
	else if (held)
		return run->claim_kept = TRUE;
	else
		fw_log_warn("%s: its lease ran out and another poller took it: this poll is dropped "
		            "(lease = %" G_GINT64_FORMAT "s is short for this load?)", fc->key,
		            p->cfg->lease);
	i = run_end(run);
	if (p->done_cb != NULL)
		p->done_cb(i, fw_now() + POLL_RETRY_SOON, &again, p->done_data);
	return FALSE;
}

/* Records the outcome of a poll and hands the feed back to the caller.
 * The publisher's hints (ttl, max-age) are the record's when it has new
 * ones, else those stored; retry_after: from a 429/503. */
static void
poll_finish(struct feed_run *run, struct fw_poll_record *rec, gint64 retry_after)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	g_autoptr(GError) err = NULL;
	gint64 now = fw_now();
	int failures = rec->ok ? 0 : run->failures + 1;
	struct fw_poll_outcome out = { FW_POLL_END_OK, run->items_new, run->hits_new, NULL };
	gint64 next, hint;
	guint i;

	if (!poll_claim_kept(run))
		return;
	run->claim_kept = FALSE;

	if (rec->hints) {
		run->ttl = rec->ttl;
		run->max_age = rec->max_age;
	} else if (rec->max_age > 0) {
		run->max_age = rec->max_age;
	}
	hint = MAX(run->ttl, run->max_age);
	if (!is_remote(run->url))
		hint = 0;   /* a local file costs nothing to read: the interval rules */
	next = fw_sched_next_poll(now, fc->interval, failures, hint, retry_after, fc->key);
	/* A gone feed is never due; the store has no "never", so 0 is recorded
	 * and the gone flag says why. */
	rec->next_poll = rec->gone ? 0 : next;
	if (!poll_batch_open(p, &err) ||
	    !fw_store_feed_polled(p->store, run->feed_id, now, rec, &err)) {
		fw_log_err("%s: cannot record the poll: %s", fc->key, err->message);
		if (fw_store_is_team(p->store))
			next = now + POLL_RETRY_SOON;   /* the database is restarting */
	} else {
		if (fw_store_is_team(p->store))
			g_array_append_val(p->grouped, run->index);
		if (rec->permanent_url != NULL)
			poll_note_move(run, fc, rec->permanent_url);
	}
	if (!rec->ok || rec->gone) {
		out.end = FW_POLL_END_FAILED;
		out.error = rec->gone ? "gone: HTTP 410" : rec->error ? rec->error : "failed";
	}
	if (rec->gone) {
		p->stats.feeds_failed++;
		fw_log_warn("%s: gone: %s answered HTTP 410; it will not be polled again "
		            "(change its url in %s to poll it again)", fc->key, run->url,
		            p->cfg->path);
		p->marks[run->index] |= RUN_GONE_LOGGED;
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
	if (failures > 0)
		p->marks[run->index] |= RUN_FAILING;
	else
		p->marks[run->index] &= ~RUN_FAILING;
	i = run_end(run);
	/* every poll on disk before anything is sent; or the bodies stored
	 * next want the dictionary this group holds */
	if (p->cfg->durable || fw_store_dict_waiting(p->store))
		poll_batch_close(p);
	if (p->done_cb != NULL)
		p->done_cb(i, next, &out, p->done_data);
}

/* A poll that did not happen (gone, or its host asked to wait): nothing is
 * recorded; the feed is handed back due at next. */
static void
poll_skip(struct feed_run *run, gint64 next)
{
	struct fw_poller *p = run->p;
	static const struct fw_poll_outcome skipped = { FW_POLL_END_SKIPPED, 0, 0, NULL };
	guint i = run_end(run);

	p->stats.feeds_skipped++;
	if (p->done_cb != NULL)
		p->done_cb(i, next, &skipped, p->done_data);
}

static void poll_release(struct fw_poller *p);

static void
parse_job_free(struct parse_job *job)
{
	gen_unref(job->gen);
	g_free(job->feed_title);
	g_free(job->feed_key);
	if (job->body)
		g_bytes_unref(job->body);
	g_free(job->base_url);
	g_free(job->content_type);
	g_free(job->etag);
	g_free(job->last_modified);
	g_free(job->permanent_url);
	fw_feed_doc_free(job->doc);
	g_clear_error(&job->error);
	if (job->hashes)
		g_ptr_array_unref(job->hashes);
	if (job->hits)
		g_ptr_array_unref(job->hits);
	if (job->bodies)
		g_ptr_array_unref(job->bodies);
	fw_store_packer_unref(job->packer);
	g_free(job);
}

/* The worker: parses a body, hashes, matches and packs every item. Touches nothing
 * of the poller but its queue and source. */
static void
poll_worker_run(struct fw_poller *p, struct parse_job *job)
{

	if (!g_atomic_int_get(&p->stopping)) {
		gsize len = 0;
		const char *body = job->body ? g_bytes_get_data(job->body, &len) : NULL;
		/* one feed holds the worker (and every feed's hits behind it) for
		 * its budget at most; stopping interrupts it */
		struct fw_feed_limits lim = { FW_FEED_BUDGET_MS, &p->stopping };

		job->doc = fw_feed_parse_limited(body ? body : "", len, job->base_url,
		                                 job->content_type, &lim, &job->error);
	}
	if (job->doc != NULL) {
		const char *title = job->feed_title ? job->feed_title
		                  : job->doc->title ? job->doc->title : job->feed_key;
		g_autoptr(GString) buf = g_string_sized_new(4096);
		struct fw_matches *matches = fw_matches_new();

		job->hashes = g_ptr_array_new_full(job->doc->items->len, g_free);
		job->hits = g_ptr_array_new_full(job->doc->items->len, (GDestroyNotify)g_ptr_array_unref);
		if (job->packer)
			job->bodies = g_ptr_array_new_full(job->doc->items->len,
			                                   (GDestroyNotify)g_bytes_unref);
		for (guint i = 0; i < job->doc->items->len && !g_atomic_int_get(&p->stopping); i++) {
			const struct fw_item *it = job->doc->items->pdata[i];
			g_ptr_array_add(job->hashes, fw_hit_item_hash(buf, it));
			g_ptr_array_add(job->hits, item_hits_compute(job->gen->matcher, matches, it,
			                                             job->feed_key, title));
			/* packed here, off the main loop, even if the store finds the
			 * item unchanged: cheaper than the main loop packing new ones */
			if (job->bodies)
				g_ptr_array_add(job->bodies, fw_store_packer_pack(job->packer, it));
		}
		fw_matches_free(matches);
		if (job->hashes->len < job->doc->items->len)   /* stopping: never stored */
			g_clear_pointer(&job->doc, fw_feed_doc_free);
	}
	g_async_queue_push(p->done_jobs, job);
	g_source_set_ready_time(p->done_source, 0);
}

/* A worker thread's life: its jobs in turn, until poll_worker_stop's end
 * mark (the worker itself). Returns NULL. */
static gpointer
poll_worker_main(gpointer data)
{
	struct poll_worker *w = data;
	gpointer job;

	while ((job = g_async_queue_pop(w->queue)) != w)
		poll_worker_run(w->poller, job);
	return NULL;
}

/* Hands job to worker k, starting its thread when it has none (the first
 * job since the poller began or since fw_poller_settle ended it). */
static void
poll_worker_push(struct fw_poller *p, guint k, struct parse_job *job)
{
	struct poll_worker *w = &p->worker[k];

	if (w->thread == NULL)
		w->thread = g_thread_new("fw-parse", poll_worker_main, w);
	g_async_queue_push(w->queue, job);
}

/* Ends worker k's thread once the jobs queued before are done, and waits
 * for it: its buffers and malloc's cache are freed when this returns. */
static void
poll_worker_stop(struct fw_poller *p, guint k)
{
	struct poll_worker *w = &p->worker[k];

	if (w->thread == NULL)
		return;
	g_async_queue_push(w->queue, w);
	g_thread_join(w->thread);
	w->thread = NULL;
}

/* Back on the main loop: stores a parsed job and records the poll. */
static void
poll_job_done(struct fw_poller *p, struct parse_job *job)
{
	struct feed_run *run = job->run;
	const struct fw_feed_conf *fc;
	g_autoptr(GError) err = NULL;
	g_autofree char *msg = NULL;
	struct fw_poll_record *rec = &job->rec;

	if (run->orphan) {
		g_hash_table_remove(p->flying, run);   /* frees it */
		return;
	}
	fc = p->cfg->feeds->pdata[run->index];
	if (job->doc == NULL) {
		rec->ok = FALSE;
		rec->error = job->error ? job->error->message : "not parsed";
		rec->etag = rec->last_modified = NULL;
		rec->permanent_url = NULL;
		poll_finish(run, rec, 0);
		return;
	}
	rec->hints = TRUE;
	rec->ttl = job->doc->ttl;
	rec->max_age = job->max_age;
	if (job->doc->degraded)
		fw_log_warn("%s: feed read despite a problem: %s", fc->key,
		            job->doc->warning ? job->doc->warning : "");
	rec->degraded = job->doc->degraded;
	rec->title = fc->title ? fc->title : job->doc->title;
	if (!poll_claim_kept(run))
		return;
	if (!poll_store_job(run, job, fw_now(), &err)) {
		/* Nothing of this poll was stored: keep the old validators so the
		 * next poll fetches the feed again. */
		msg = g_strdup_printf("cannot store: %s", err->message);
		fw_log_err("%s: %s", fc->key, msg);
		rec->ok = FALSE;
		rec->error = msg;
		rec->etag = rec->last_modified = NULL;
		rec->permanent_url = NULL;
	}
	poll_finish(run, rec, 0);
}

/* Drains what the worker handed back. */
static gboolean
poll_done_source_cb(GSource *source, GSourceFunc cb, gpointer data)
{
	struct fw_poller *p = data;
	struct parse_job *job;

	g_source_set_ready_time(source, -1);
	while ((job = g_async_queue_try_pop(p->done_jobs)) != NULL) {
		p->worker[job->worker].jobs--;
		poll_job_done(p, job);
		parse_job_free(job);
		poll_release(p);
	}
	return G_SOURCE_CONTINUE;
}

static void
poll_fetch_done_cb(struct fw_fetch_result *r, gpointer data)
{
	struct feed_run *run = r->user;
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc;
	struct fw_poll_record rec = { 0 };
	struct parse_job *job;

	if (run->orphan) {
		g_hash_table_remove(p->flying, run);   /* frees it */
		poll_release(p);
		return;
	}
	fc = p->cfg->feeds->pdata[run->index];

	if (r->deferred) {
		fw_log_debug("%s: %s", fc->key, r->error);
		poll_skip(run, fw_now() + r->retry_after);
		poll_release(p);
		return;
	}
	rec.http_status = r->http_status;
	rec.bytes = r->bytes;
	rec.seconds = r->seconds;
	if (r->error != NULL) {
		rec.error = r->error;
		rec.gone = r->http_status == 410;
		if (r->retry_after > 0)
			poll_host_pause(p, r->url, r->retry_after);
		poll_finish(run, &rec, r->retry_after);
		poll_release(p);
		return;
	}
	rec.ok = TRUE;
	rec.etag = r->etag;
	rec.last_modified = r->last_modified;
	rec.permanent_url = r->permanent_url;
	if (r->not_modified) {
		fw_log_debug("%s: not modified", fc->key);
		rec.max_age = r->max_age;
		poll_finish(run, &rec, 0);
		poll_release(p);
		return;
	}
	/* A body: parse and match it on the worker; the slot stays taken. */
	job = g_new0(struct parse_job, 1);
	job->run = run;
	job->gen = gen_ref(p->gen);
	job->feed_title = g_strdup(fc->title);
	job->feed_key = g_strdup(fc->key);
	job->body = g_steal_pointer(&r->body);
	job->base_url = g_strdup(r->final_url ? r->final_url : r->url);
	job->content_type = g_strdup(r->content_type);
	job->etag = g_strdup(r->etag);
	job->last_modified = g_strdup(r->last_modified);
	job->permanent_url = g_strdup(r->permanent_url);
	job->max_age = r->max_age;
	job->packer = fw_store_packer_get(p->store);
	job->rec = rec;
	job->rec.etag = job->etag;
	job->rec.last_modified = job->last_modified;
	job->rec.permanent_url = job->permanent_url;
	/* to the worker with the fewest jobs (the first of them) */
	for (guint k = 1; k < p->workers; k++)
		if (p->worker[k].jobs < p->worker[job->worker].jobs)
			job->worker = k;
	p->worker[job->worker].jobs++;
	poll_worker_push(p, job->worker, job);
}

/* Starts the fetch of a run whose state was read. */
static void
poll_start(struct fw_poller *p, struct feed_run *run, const char *etag, const char *last_modified)
{
	p->outstanding++;
	fw_fetcher_add(p->fetcher, run->url, etag, last_modified, run);
}

/* A fetch or a job finished: lets a waiting feed start. */
static void
poll_release(struct fw_poller *p)
{
	if (p->outstanding > 0)
		p->outstanding--;
	while (p->outstanding < p->max_outstanding && p->backlog_head < p->backlog->len) {
		guint i = g_array_index(p->backlog, guint, p->backlog_head++);

		if (p->backlog_head == p->backlog->len) {   /* emptied: reuse it */
			g_array_set_size(p->backlog, 0);
			p->backlog_head = 0;
		}
		poll_start_waiting(p, i);
	}
	if (p->outstanding == 0)
		poll_batch_close(p);   /* the cycle is over: no reason to wait */
}

void
fw_poller_flush_outbox(struct fw_poller *p)
{
	poll_batch_close(p);
}

struct fw_poller *
fw_poller_new(GMainContext *ctx, const struct fw_config *cfg, struct fw_store *store,
              const struct fw_outbox_opts *notify, GError **error)
{
	struct fw_poller *p = g_new0(struct fw_poller, 1);
	struct fw_fetch_opts fo = { 0 };

	p->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	p->store = store;
	p->flying = g_hash_table_new_full(g_direct_hash, g_direct_equal, (GDestroyNotify)run_free,
	                                  NULL);
	p->pauses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	p->backlog = g_array_new(FALSE, FALSE, sizeof(guint));
	p->grouped = g_array_new(FALSE, FALSE, sizeof(guint));
	p->max_outstanding = 2 * MAX(cfg->max_parallel, 1u);
	p->done_jobs = g_async_queue_new();
	p->done_source = g_source_new(&poll_done_source_funcs, sizeof(GSource));
	g_source_set_callback(p->done_source, NULL, p, NULL);
	g_source_attach(p->done_source, p->ctx);
	fw_feed_init();
	/* Parsing and matching are most of a cycle's work: a worker per
	 * processor (a thread each, started on its first job and ended by
	 * fw_poller_settle), while the main loop fetches and stores. */
	p->workers = CLAMP(g_get_num_processors(), 1, POLL_WORKERS_MAX);
	for (guint k = 0; k < p->workers; k++) {
		p->worker[k].queue = g_async_queue_new();
		p->worker[k].poller = p;
	}
	if (!fw_poller_reconfigure(p, cfg, error)) {
		fw_poller_free(p);
		return NULL;
	}
	fo.max_parallel = cfg->max_parallel;
	fo.max_per_host = cfg->max_per_host;
	fo.timeout = cfg->timeout;
	fo.max_size = cfg->max_size;
	p->fetcher = fw_fetcher_new(p->ctx, &fo, poll_fetch_done_cb, p);
	if (notify != NULL) {
		p->outbox = fw_outbox_new(p->ctx, cfg, store, notify);
		fw_outbox_set_fetcher(p->outbox, p->fetcher);   /* webhooks on the same multi */
	}
	return p;
}

void
fw_poller_free(struct fw_poller *p)
{
	if (p == NULL)
		return;
	struct parse_job *job;

	/* The workers finish what they hold without parsing; their jobs are dropped. */
	g_atomic_int_set(&p->stopping, 1);
	for (guint k = 0; k < p->workers; k++) {
		poll_worker_stop(p, k);
		if (p->worker[k].queue != NULL)
			g_async_queue_unref(p->worker[k].queue);
	}
	if (p->done_jobs != NULL) {
		while ((job = g_async_queue_try_pop(p->done_jobs)) != NULL)
			parse_job_free(job);
		g_async_queue_unref(p->done_jobs);
	}
	if (p->done_source != NULL) {
		g_source_destroy(p->done_source);
		g_source_unref(p->done_source);
	}
	g_array_unref(p->backlog);
	p->done_cb = NULL;   /* nothing is handed back any more */
	poll_batch_commit(p);
	g_array_unref(p->grouped);
	fw_fetcher_free(p->fetcher);
	fw_outbox_free(p->outbox);
	gen_unref(p->gen);
	g_hash_table_unref(p->flying);
	g_free(p->marks);
	g_hash_table_unref(p->pauses);
	g_main_context_unref(p->ctx);
	g_free(p);
}

static void
run_free(struct feed_run *run)
{
	g_free(run->url);
	g_free(run->moved_to);
	g_free(run);
}

/* A run for a poll of feed i starting now (the feed is marked busy). */
static struct feed_run *
run_new(struct fw_poller *p, guint i)
{
	struct feed_run *run = g_new0(struct feed_run, 1);

	run->p = p;
	run->index = i;
	run->feed_id = -1;
	g_hash_table_add(p->flying, run);
	return run;
}

/* Ends a run: its feed is no longer busy and the run is freed. Returns the
 * feed's index. */
static guint
run_end(struct feed_run *run)
{
	struct fw_poller *p = run->p;
	guint i = run->index;

	p->marks[i] &= ~RUN_BUSY;
	g_hash_table_remove(p->flying, run);
	return i;
}

/* Every feed of the config gets its row at once, in config order and one
 * transaction, before any poll: team pollers starting together then never
 * make rows in a crossing order inside their groups (a deadlock), and on
 * SQLite a new config's 1000 feeds are one write transaction, not 1000
 * (a feed whose row is there with its url is only read). */
static void
poll_feeds_register(struct fw_poller *p)
{
	g_autoptr(GError) err = NULL;

	if (!fw_store_begin(p->store, &err)) {
		if (err != NULL)
			fw_log_warn("cannot record the feeds: %s", err->message);
		return;
	}
	for (guint i = 0; i < p->cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = p->cfg->feeds->pdata[i];
		struct fw_feed_state st = { 0 };

		if (!fw_store_feed_get(p->store, fc->key, fc->url, &st, &err)) {
			fw_log_warn("cannot record the feeds: %s", err->message);
			fw_store_rollback(p->store);
			return;
		}
		fw_store_feed_state_clear(&st);
	}
	if (!fw_store_commit(p->store, &err))
		fw_log_warn("cannot record the feeds: %s", err->message);
}

/* Current items read between two heartbeats of a long catch-up (about a
 * quarter of a second of work) */
#define CATCH_UP_BEAT 10000

/* A topic new to the database (or with a new query), and what it found
 * among the current items. */
struct catch_topic {
	guint index;               /* in the config's topics */
	gboolean changed;          /* a known topic with a new query */
	struct fw_query *query;
	guint found;
};

struct catch_up {
	struct fw_poller *p;
	GPtrArray *topics;         /* of struct catch_topic * */
	GHashTable *feeds;         /* the config's feed keys */
	guint items;
	gint64 now;
	gboolean sent;             /* a hit has channels to send */
	GError *error;             /* what stopped the read */
};

static void
catch_topic_free(struct catch_topic *t)
{
	fw_query_free(t->query);
	g_free(t);
}

/* Runs the new topics over one current item of a feed of the config and
 * stores their matches the item has no hit of, as a first fetch stores
 * them: initial unless notify_initial (a fw_store_item_cb). FALSE with
 * c->error when the store fails. */
static gboolean
catch_up_item_cb(gint64 item_rowid, const char *feed_key, const char *feed_title,
                 const struct fw_item *it, gpointer data)
{
	struct catch_up *c = data;
	struct fw_poller *p = c->p;
	g_autofree char *cats = NULL;
	struct fw_doc doc;

	if (!g_hash_table_contains(c->feeds, feed_key))
		return TRUE;   /* a feed that left the config */
	/* A catch-up of millions of items blocks the main loop for a minute:
	 * it tells the service manager it is alive and working, so that its
	 * watchdog (and the start or reload timeout) does not kill it, only to
	 * catch up again after the restart. Nothing without $NOTIFY_SOCKET. */
	if (++c->items % CATCH_UP_BEAT == 0)
		fw_service_notify("WATCHDOG=1\nEXTEND_TIMEOUT_USEC=%d", 30 * 1000 * 1000);
	fw_doc_from_item(&doc, it, feed_key, feed_title, &cats);
	for (guint k = 0; k < c->topics->len; k++) {
		struct catch_topic *t = c->topics->pdata[k];
		const struct fw_topic_conf *tc = p->cfg->topics->pdata[t->index];
		g_autoptr(GArray) spans = NULL;
		struct fw_hit_text text = { 0 };
		guint channels;
		gboolean ok;

		if (fw_store_hit_exists(p->store, item_rowid, tc->key) ||
		    (spans = fw_query_match(t->query, &doc)) == NULL)
			continue;   /* (a hit its query found before is kept) */
		fw_hit_text_make(&text, &doc, spans, FW_HIT_SNIPPET_WIDTH);
		/* as at a feed's first fetch: initial unless notify_initial */
		ok = poll_hit_add(p, tc, item_rowid, FALSE, FALSE, &text, c->now, &channels, NULL,
		                  &c->error);
		fw_hit_text_clear(&text);
		if (!ok)
			return FALSE;
		t->found++;
		c->sent |= channels != 0;
	}
	return TRUE;
}

/* Topics new to the database, and topics whose query changed, catch up
 * (docs/design.md section 3): each is run over the items the config's
 * feeds list now, and its matches without a hit of it are stored as a
 * feed's first fetch stores its hits: initial (in the hit log, not
 * notified) unless notify_initial. The store learns the topics and queries
 * in the same transaction, so this happens once a topic and query. A
 * failure is logged and rolled back: they are new again at the next start
 * or reload. canon: each topic's fw_query_canonical, in the config's order. */
static void
poll_topics_catch_up(struct fw_poller *p, GPtrArray *canon)
{
	const struct fw_config *cfg = p->cfg;
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) learned = g_ptr_array_new();
	g_autoptr(GPtrArray) changed = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	struct catch_up c = { .p = p, .now = fw_now() };
	gboolean ok;

	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *tc = cfg->topics->pdata[i];

		g_ptr_array_add(keys, tc->key);
		g_ptr_array_add(queries, fw_topic_conf_query(tc));
	}
	if (keys->len == 0 || !fw_store_begin(p->store, &err)) {
		if (err != NULL)
			fw_log_warn("cannot look for new topics: %s", err->message);
		return;
	}
	ok = fw_store_topics_learn(p->store, (char *const *)keys->pdata,
	                           (char *const *)canon->pdata, (char *const *)queries->pdata,
	                           keys->len, learned, changed, &err);
	if (!ok || learned->len + changed->len == 0)
		goto end;
	c.topics = g_ptr_array_new_with_free_func((GDestroyNotify)catch_topic_free);
	c.feeds = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < cfg->feeds->len; i++)
		g_hash_table_add(c.feeds, ((struct fw_feed_conf *)cfg->feeds->pdata[i])->key);
	for (guint i = 0, k = 0, j = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *tc = cfg->topics->pdata[i];
		struct catch_topic *t;
		gboolean is_new = k < learned->len && tc->key == learned->pdata[k];

		/* learned and changed keep the config's order */
		if (!is_new && !(j < changed->len && tc->key == changed->pdata[j]))
			continue;
		if (is_new)
			k++;
		else
			j++;
		t = g_new0(struct catch_topic, 1);
		t->index = i;
		t->changed = !is_new;
		/* compiled before: it does */
		t->query = fw_query_parse(queries->pdata[i], NULL, NULL);
		if (t->query == NULL) {
			catch_topic_free(t);
			continue;
		}
		g_ptr_array_add(c.topics, t);
	}
	ok = fw_store_current_items_foreach(p->store, catch_up_item_cb, &c, &err) && c.error == NULL;
	if (c.error != NULL) {   /* the first failure says why (a cursor fails after it) */
		g_clear_error(&err);
		g_propagate_error(&err, g_steal_pointer(&c.error));
	}
end:
	if (ok && fw_store_commit(p->store, &err)) {
		if (c.sent && p->outbox != NULL)
			fw_outbox_flush(p->outbox);   /* (at a start, fw_poller_flush_outbox) */
		/* (a fresh database has nothing to say) */
		for (guint k = 0; c.topics != NULL && c.items > 0 && k < c.topics->len; k++) {
			const struct catch_topic *t = c.topics->pdata[k];
			const struct fw_topic_conf *tc = cfg->topics->pdata[t->index];

			fw_log_info("%s %s%s: %u %shit%s among the feeds' %u current item%s%s",
			            t->changed ? "topic" : "new topic", tc->key,
			            t->changed ? " has a new query" : "", t->found,
			            t->changed ? "new " : "", t->found == 1 ? "" : "s", c.items,
			            c.items == 1 ? "" : "s",
			            cfg->notify_initial ? "" : ", logged, not notified");
		}
	} else {
		fw_log_warn("cannot look for what new topics and queries find among the stored "
		            "items: %s (they will look again at the next start or reload)",
		            err ? err->message : "unknown error");
		fw_store_rollback(p->store);
	}
	if (c.topics != NULL) {
		g_ptr_array_unref(c.topics);
		g_hash_table_unref(c.feeds);
	}
}

gboolean
fw_poller_reconfigure(struct fw_poller *p, const struct fw_config *cfg, GError **error)
{
	struct fw_matcher *m = fw_matcher_new();
	g_autoptr(GPtrArray) canon = g_ptr_array_new_with_free_func(g_free);
	guint old_n = p->cfg != NULL ? p->cfg->feeds->len : 0;
	guint8 *marks = g_new0(guint8, MAX(cfg->feeds->len, 1u));
	guint *moved = g_new(guint, MAX(old_n, 1u));   /* old index -> new, or G_MAXUINT */
	GArray *backlog;
	GHashTable *old_index;
	GHashTableIter it;
	gpointer value;

	if (p->cfg != NULL)
		poll_batch_commit(p);   /* the open group's feeds are known by index */
	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];
		guint col = 0;
		g_autofree char *text = fw_topic_conf_query(t);
		struct fw_query *q = fw_query_parse(text, &col, error);
		if (q == NULL) {
			g_prefix_error(error, "topic %s: column %u: ", t->key, col);
			fw_matcher_free(m);
			g_free(marks);
			g_free(moved);
			return FALSE;
		}
		g_ptr_array_add(canon, fw_query_canonical(q));
		fw_matcher_add(m, i, q);
	}
	fw_matcher_build(m);   /* on this thread: the worker's memory stays transient */
	/* Feeds that stay keep their marks, runs and places in the backlog:
	 * found by key in the old config, still alive (a hash table: a reload
	 * of 100,000 feeds must not compare every pair). */
	old_index = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint k = 0; k < old_n; k++) {   /* keys are unique: group names */
		const struct fw_feed_conf *fc = p->cfg->feeds->pdata[k];
		g_hash_table_insert(old_index, fc->key, GUINT_TO_POINTER(k));
		moved[k] = G_MAXUINT;
	}
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		gpointer k;

		if (g_hash_table_lookup_extended(old_index, fc->key, NULL, &k)) {
			marks[i] = p->marks[GPOINTER_TO_UINT(k)];
			moved[GPOINTER_TO_UINT(k)] = i;
		}
	}
	g_hash_table_unref(old_index);
	/* Runs of removed feeds are orphans, dropped when they come back;
	 * removed feeds waiting in the backlog are dropped now. */
	g_hash_table_iter_init(&it, p->flying);
	while (g_hash_table_iter_next(&it, &value, NULL)) {
		struct feed_run *run = value;
		if (run->orphan)
			continue;
		if (moved[run->index] == G_MAXUINT)
			run->orphan = TRUE;
		else
			run->index = moved[run->index];
	}
	backlog = g_array_new(FALSE, FALSE, sizeof(guint));
	for (guint k = p->backlog_head; k < p->backlog->len; k++) {
		guint i = moved[g_array_index(p->backlog, guint, k)];
		if (i != G_MAXUINT)
			g_array_append_val(backlog, i);
	}
	g_array_unref(p->backlog);
	p->backlog = backlog;
	p->backlog_head = 0;
	g_free(moved);
	g_free(p->marks);
	p->marks = marks;
	gen_unref(p->gen);
	p->gen = g_new0(struct poll_gen, 1);
	p->gen->ref = 1;
	p->gen->matcher = m;
	p->cfg = cfg;
	if (p->outbox != NULL)
		fw_outbox_reconfigure(p->outbox, cfg);
	poll_feeds_register(p);
	poll_topics_catch_up(p, canon);
	return TRUE;
}

/* Copies what a poll needs of a feed's stored state into its new run. */
static void
run_take_state(struct feed_run *run, const struct fw_feed_conf *fc, const struct fw_feed_state *st)
{
	run->feed_id = st->id;
	run->fetched_before = st->fetched;
	run->failures = st->failures;
	run->ttl = st->ttl;
	run->max_age = st->max_age;
	g_free(run->url);
	g_free(run->moved_to);
	run->url = g_strdup(st->moved_to != NULL ? st->moved_to : fc->url);
	run->moved_to = g_strdup(st->moved_to);
}

void
fw_poller_poll(struct fw_poller *p, guint i)
{
	g_return_if_fail(i < p->cfg->feeds->len);
	if (p->marks[i] & RUN_BUSY)
		return;
	p->marks[i] |= RUN_BUSY;
	if (p->outstanding >= p->max_outstanding) {
		/* It waits as its index; its state is read when it starts (a
		 * cycle of 100,000 feeds keeps 4 bytes a feed waiting, and reads
		 * each feed's row once, mostly inside the open group). */
		g_array_append_val(p->backlog, i);
		return;
	}
	poll_start_waiting(p, i);
}

/* Team mode: when url's host is paused for every poller, until when; else
 * 0. The pauses are read from the store every POLL_PAUSES_EVERY seconds. */
static gint64
poll_host_paused(struct fw_poller *p, const char *url, gint64 now)
{
	g_autofree char *host = fw_fetch_url_host(url);
	g_autoptr(GError) err = NULL;
	gint64 *until;

	if (now - p->pauses_read >= POLL_PAUSES_EVERY) {
		g_hash_table_remove_all(p->pauses);
		if (!fw_store_host_pauses(p->store, now, p->pauses, &err))
			fw_log_warn("cannot read the hosts' pauses: %s", err->message);
		p->pauses_read = now;
	}
	until = g_hash_table_lookup(p->pauses, host);
	return until != NULL ? *until : 0;
}

/* Team mode: a 429 or 503 with Retry-After pauses the host for every
 * poller (and at once for this one). */
static void
poll_host_pause(struct fw_poller *p, const char *url, gint64 seconds)
{
	g_autofree char *host = fw_fetch_url_host(url);
	g_autoptr(GError) err = NULL;
	gint64 until = fw_now() + seconds;

	if (!fw_store_is_team(p->store) || *host == '\0' || seconds <= 0)
		return;
	if (!fw_store_host_pause(p->store, host, until, &err))
		fw_log_warn("%s: cannot share its pause: %s", host, err->message);
	g_hash_table_insert(p->pauses, g_steal_pointer(&host), g_memdup2(&until, sizeof until));
}

/* Team mode: claims the run's feed as its fetch starts (section 18): TRUE
 * to go on; FALSE when another poller has it, or polled it since it was
 * scheduled here: the run is handed back due when to look again. Always
 * TRUE on SQLite. */
static gboolean
poll_claim(struct feed_run *run)
{
	struct fw_poller *p = run->p;
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[run->index];
	g_autoptr(GError) err = NULL;
	gboolean claimed = TRUE;
	gint64 retry = 0, now = fw_now();
	struct fw_poll_outcome out = { FW_POLL_END_AGAIN, 0, 0, NULL };
	guint i;

	if (fw_store_is_team(p->store) && (retry = poll_host_paused(p, run->url, now)) > now) {
		/* Another poller's 429 or 503 asked every poller to wait. */
		fw_log_debug("%s: its host asked to wait; looking again at %" G_GINT64_FORMAT, fc->key,
		             retry);
		p->stats.feeds_skipped++;
		out.end = FW_POLL_END_SKIPPED;
	} else if (!fw_store_feed_claim(p->store, run->feed_id, now, p->cfg->lease, p->anytime,
	                                &claimed, &retry, &err)) {
		poll_store_err(p, fc->key, "cannot claim it", err);
		retry = now + POLL_RETRY_SOON;
	} else if (claimed) {
		poll_store_back(p);
		return TRUE;
	} else {
		fw_log_debug("%s: another poller has it or polled it; looking again at %"
		             G_GINT64_FORMAT, fc->key, retry);
	}
	i = run_end(run);
	if (p->done_cb != NULL)
		p->done_cb(i, retry, &out, p->done_data);
	return FALSE;
}

/* Starts the poll of feed i, at once or after it waited in the backlog:
 * reads its state; a feed gone (410) is skipped, said once, and one whose
 * state cannot be read is handed back for later. */
static void
poll_start_waiting(struct fw_poller *p, guint i)
{
	const struct fw_feed_conf *fc = p->cfg->feeds->pdata[i];
	struct feed_run *run = run_new(p, i);
	struct fw_feed_state st = { 0 };
	g_autoptr(GError) err = NULL;

	if (!fw_store_feed_get(p->store, fc->key, fc->url, &st, &err)) {
		poll_store_err(p, fc->key, "cannot read its state", err);
		poll_skip(run, fw_now() + (fw_store_is_team(p->store) ? POLL_RETRY_SOON : fc->interval));
		return;
	}
	run_take_state(run, fc, &st);
	if (st.gone) {
		if (!(p->marks[i] & RUN_GONE_LOGGED))
			fw_log_info("%s: gone (HTTP 410): not polled; change its url in %s to poll "
			            "it again", fc->key, p->cfg->path);
		p->marks[i] |= RUN_GONE_LOGGED;
		fw_store_feed_state_clear(&st);
		poll_skip(run, G_MAXINT64);
		return;
	}
	if (st.moved_to != NULL)
		fw_log_debug("%s: polling %s (moved from %s)", fc->key, st.moved_to, fc->url);
	if (poll_claim(run))
		poll_start(p, run, st.etag, st.last_modified);
	fw_store_feed_state_clear(&st);
}

void
fw_poller_set_done_cb(struct fw_poller *p, fw_poll_done_cb cb, gpointer data)
{
	p->done_cb = cb;
	p->done_data = data;
}

void
fw_poller_set_anytime(struct fw_poller *p, gboolean anytime)
{
	p->anytime = anytime;
}

void
fw_poller_settle(struct fw_poller *p)
{
	/* Each worker thread ends (joined) once its jobs are done: its buffers
	 * (GPrivate) and malloc's per-thread cache go back to the arenas. The cache alone,
	 * a few hundred small chunks scattered over a worker's arena, kept about
	 * half a megabyte of its pages resident. */
	for (guint k = 0; k < p->workers; k++)
		poll_worker_stop(p, k);
	malloc_trim(0);
}

gboolean
fw_poller_busy(struct fw_poller *p)
{
	return p->outstanding > 0 || p->backlog_head < p->backlog->len ||
	       fw_fetcher_pending(p->fetcher) > 0 || (p->outbox != NULL && fw_outbox_busy(p->outbox));
}

void
fw_poller_stats(struct fw_poller *p, struct fw_poll_stats *out)
{
	*out = p->stats;
	if (p->outbox != NULL) {
		fw_outbox_stats(p->outbox, &out->notices_sent, &out->notices_failed);
		out->notices_late = fw_outbox_late(p->outbox);
	}
	out->failing = 0;
	for (guint i = 0; i < p->cfg->feeds->len; i++)
		out->failing += (p->marks[i] & RUN_FAILING) != 0;
}
