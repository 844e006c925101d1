/* outbox — the dispatcher and the per-topic policy. See include/feedwatch/outbox.h. */
#include <string.h>

#include "feedwatch/hit.h"
#include "feedwatch/log.h"
#include "feedwatch/notify.h"
#include "feedwatch/outbox.h"
#include "feedwatch/sched.h"

#define FW_OUTBOX_COALESCE 3          /* items of one topic in one flush shown one by one */
#define FW_OUTBOX_MUTE_SECONDS (24 * 3600)
#define FW_OUTBOX_EXEC_TIMEOUT 30     /* seconds */
#define FW_OUTBOX_PROBE_EVERY 10      /* seconds between server probes while there is none */
#define FW_OUTBOX_BATCH 1000          /* due rows read per flush */
#define FW_OUTBOX_RELEASE_BATCH 20000 /* and by a flush that summarises a backlog (one
                                       * notification for all of it, not one a 1000) */
#define FW_OUTBOX_TITLES 5            /* titles listed in a summary's body */
#define FW_OUTBOX_TITLE_MAX 80        /* characters of one title in a summary line */
#define FW_OUTBOX_SUMMARY_MAX 250     /* characters of a summary line */
#define FW_OUTBOX_HOUR 3600
#define FW_OUTBOX_FOUND_MAX 10000     /* cached hit times (digests) */
#define FW_OUTBOX_COAL_MAX 1000       /* hits one coalesced notification counts, at most */
#define FW_OUTBOX_TOPIC_KEY "topic:"
#define FW_OUTBOX_DASH " \xe2\x80\x94 "

enum server_state { SERVER_UNKNOWN, SERVER_ON, SERVER_OFF };

/* What the dispatcher remembers of one topic (by key; survives reloads). */
struct topic_state {
	gint64 muted_until;       /* Unix seconds; 0 not muted */
	gboolean held_quiet;      /* rows were held for quiet hours */
	gboolean held_mute;       /* rows were held for the mute */
	gboolean held_cap;        /* rows were held for max_per_hour */
	GArray *shown;            /* gint64: when notices naming it were shown (last hour) */
	gboolean coal_on;         /* its coalesced notification is on screen */
	guint coal_count;         /* items it counts */
	GPtrArray *coal_titles;   /* char *: its newest titles, newest first */
	GArray *coal_hits;        /* gint64: the hits it shows */
	char *coal_feed;          /* the feed title every item it counts came from, or
	                             NULL (none yet, or several: coal_mixed) */
	gboolean coal_mixed;      /* its items came from more than one feed */
};

struct fw_outbox {
	GMainContext *ctx;
	const struct fw_config *cfg;
	struct fw_store *store;
	struct fw_notifier *notifier;
	struct fw_jobs *jobs;
	GHashTable *sending;      /* gint64 outbox ids handed to a channel, not yet done
	                             (or done and not recorded: in unrecorded too) */
	GHashTable *unrecorded;   /* gint64 outbox id -> struct outcome *: sent (or failed)
	                             but the store could not record it (disk full): the
	                             write is retried at each flush, never the delivery */
	GHashTable *topics;       /* key -> struct topic_state * */
	GHashTable *found;        /* gint64 hit id -> gint64 found (digests) */
	enum server_state server;
	char *off_why;            /* why there is no server */
	gboolean off_warned;      /* the warning for this off period was logged */
	gboolean held_off;        /* desktop rows were held for want of a server */
	gboolean release;         /* the next flush summarises every desktop row */
	const char *release_why;  /* "while notifications were off" (static, or the
	                             caller's: fw_outbox_backlog) */
	gint64 probed_at;         /* monotonic µs of the last probe */
	GSource *flush_idle;
	guint sent, failed;
	guint exec_running;       /* exec jobs handed to fw_jobs, not yet done */
	gboolean exec_held;       /* exec rows were left pending at exec_parallel */
	GSource *budget;          /* ends opts.desktop_budget_ms, or NULL */
	gboolean over_budget;     /* it ended: no more desktop notices */
	guint late;               /* notices left unshown by it */
	struct fw_outbox_opts opts;
};

/* An outcome the store could not record yet. */
struct outcome {
	gboolean ok;
	char *error;
};

/* Frees an outcome. */
static void
outcome_free(gpointer p)
{
	struct outcome *x = p;

	g_free(x->error);
	g_free(x);
}

/* A tag of an exec or webhook job: the rows it delivers. */
struct job_tag {
	struct fw_outbox *o;
	GArray *ids;              /* gint64 */
	char *what;               /* "exec" or "webhook" */
	char *topic;
	gboolean exec;            /* counted in exec_running */
};

/* One item's desktop rows in a flush. */
struct item {
	GPtrArray *rows;          /* struct fw_outbox_row *, borrowed */
	gboolean taken;           /* already in a notice */
};

/* This dispatcher's clock: Unix seconds, fw_now() + its clock_offset. */
static gint64
outbox_now(struct fw_outbox *o)
{
	return fw_now() + o->opts.clock_offset;
}

/* The topic config with this key, or NULL (removed since the hit was made). */
static const struct fw_topic_conf *
topic_by_key(const struct fw_outbox *o, const char *key)
{
	for (guint i = 0; i < o->cfg->topics->len; i++) {
		const struct fw_topic_conf *t = o->cfg->topics->pdata[i];
		if (strcmp(t->key, key) == 0)
			return t;
	}
	return NULL;
}

/* Frees a topic state. */
static void
topic_state_free(gpointer p)
{
	struct topic_state *ts = p;

	g_array_unref(ts->shown);
	g_ptr_array_unref(ts->coal_titles);
	g_array_unref(ts->coal_hits);
	g_free(ts->coal_feed);
	g_free(ts);
}

/* The state of topic key, made on first use. */
static struct topic_state *
topic_state(struct fw_outbox *o, const char *key)
{
	struct topic_state *ts = g_hash_table_lookup(o->topics, key);

	if (ts == NULL) {
		ts = g_new0(struct topic_state, 1);
		ts->shown = g_array_new(FALSE, FALSE, sizeof(gint64));
		ts->coal_titles = g_ptr_array_new_with_free_func(g_free);
		ts->coal_hits = g_array_new(FALSE, FALSE, sizeof(gint64));
		g_hash_table_insert(o->topics, g_strdup(key), ts);
	}
	return ts;
}

/* Forgets the coalesced notification of a topic (it left the screen). */
static void
coal_reset(struct topic_state *ts)
{
	ts->coal_on = FALSE;
	ts->coal_count = 0;
	g_ptr_array_set_size(ts->coal_titles, 0);
	g_array_set_size(ts->coal_hits, 0);
	g_clear_pointer(&ts->coal_feed, g_free);
	ts->coal_mixed = FALSE;
}

/* Minutes after local midnight at Unix time t. */
static int
local_minutes(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);

	return dt != NULL ? g_date_time_get_hour(dt) * 60 + g_date_time_get_minute(dt) : 0;
}

/* TRUE when t's quiet hours hold at now (a range may wrap past midnight). */
static gboolean
in_quiet_hours(const struct fw_topic_conf *t, gint64 now)
{
	int m;

	if (t == NULL || t->quiet_start < 0 || t->quiet_end < 0 || t->quiet_start == t->quiet_end)
		return FALSE;
	m = local_minutes(now);
	if (t->quiet_start < t->quiet_end)
		return m >= t->quiet_start && m < t->quiet_end;
	return m >= t->quiet_start || m < t->quiet_end;
}

/* The latest moment at or before now when the local clock read at
 * (minutes after midnight): the digest's cut-off. */
static gint64
digest_moment(int at, gint64 now)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(now);
	g_autoptr(GDateTime) d = NULL;
	gint64 t;

	if (dt == NULL)
		return now;
	d = g_date_time_new_local(g_date_time_get_year(dt), g_date_time_get_month(dt),
	                          g_date_time_get_day_of_month(dt), at / 60, at % 60, 0);
	if (d == NULL)
		return now;
	t = g_date_time_to_unix(d);
	if (t > now) {
		g_autoptr(GDateTime) y = g_date_time_add_days(d, -1);
		t = g_date_time_to_unix(y);
	}
	return t;
}

/* Notices naming the topic in the hour before now (old times dropped). */
static guint
shown_last_hour(struct topic_state *ts, gint64 now)
{
	guint keep = 0;

	for (guint i = 0; i < ts->shown->len; i++) {
		gint64 at = g_array_index(ts->shown, gint64, i);
		if (at > now - FW_OUTBOX_HOUR)
			g_array_index(ts->shown, gint64, keep++) = at;
	}
	g_array_set_size(ts->shown, keep);
	return keep;
}

/* TRUE when topic key may show no more notices this hour. */
static gboolean
cap_full(struct fw_outbox *o, const char *key, gint64 now)
{
	const struct fw_topic_conf *t = topic_by_key(o, key);

	return t != NULL && t->max_per_hour > 0 &&
	       shown_last_hour(topic_state(o, key), now) >= t->max_per_hour;
}

/* Records the outcome of rows in one transaction; forgets them as in flight.
 * When the store cannot write (disk full), the outcomes are kept in memory
 * (the rows stay in flight, so no flush sends them again) and the write is
 * retried at the next flush. */
static void
record(struct fw_outbox *o, const GArray *ids, gboolean ok, const char *error)
{
	g_autoptr(GError) err = NULL;
	gint64 now = outbox_now(o);

	if (fw_store_begin(o->store, &err)) {
		for (guint i = 0; i < ids->len; i++) {
			if (!fw_store_outbox_done(o->store, g_array_index(ids, gint64, i), ok, error,
			                          now, &err))
				break;
		}
		if (err == NULL)
			fw_store_commit(o->store, &err);
		else
			fw_store_rollback(o->store);
	}
	if (err != NULL) {
		fw_log_err("cannot record a notification (kept to record later, not sent again): %s",
		           err->message);
		for (guint i = 0; i < ids->len; i++) {
			struct outcome *x = g_new0(struct outcome, 1);
			x->ok = ok;
			x->error = g_strdup(error);
			g_hash_table_replace(o->unrecorded,
			                     g_memdup2(&g_array_index(ids, gint64, i), sizeof(gint64)), x);
		}
		return;
	}
	for (guint i = 0; i < ids->len; i++) {
		g_hash_table_remove(o->unrecorded, &g_array_index(ids, gint64, i));
		g_hash_table_remove(o->sending, &g_array_index(ids, gint64, i));
	}
}

/* Tries again to record the outcomes the store could not write; TRUE when
 * none is left. */
static gboolean
record_unrecorded(struct fw_outbox *o)
{
	g_autoptr(GError) err = NULL;
	GHashTableIter it;
	gpointer key, val;
	gint64 now = outbox_now(o);

	if (g_hash_table_size(o->unrecorded) == 0)
		return TRUE;
	if (!fw_store_begin(o->store, &err))
		goto fail;
	g_hash_table_iter_init(&it, o->unrecorded);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const struct outcome *x = val;
		if (!fw_store_outbox_done(o->store, *(gint64 *)key, x->ok, x->error, now, &err)) {
			fw_store_rollback(o->store);
			goto fail;
		}
	}
	if (!fw_store_commit(o->store, &err))
		goto fail;
	g_hash_table_iter_init(&it, o->unrecorded);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_hash_table_remove(o->sending, key);
	fw_log_info("recorded %u notification%s the store could not write before",
	            g_hash_table_size(o->unrecorded), g_hash_table_size(o->unrecorded) == 1 ? "" : "s");
	g_hash_table_remove_all(o->unrecorded);
	return TRUE;
fail:
	fw_log_err("cannot record %u notification%s yet (not sent again): %s",
	           g_hash_table_size(o->unrecorded), g_hash_table_size(o->unrecorded) == 1 ? "" : "s",
	           err->message);
	return FALSE;
}

/* Marks ids as in flight. */
static void
mark_sending(struct fw_outbox *o, const GArray *ids)
{
	for (guint i = 0; i < ids->len; i++)
		g_hash_table_add(o->sending, g_memdup2(&g_array_index(ids, gint64, i), sizeof(gint64)));
}

/* Forgets ids as in flight without recording anything (they stay pending). */
static void
unmark_sending(struct fw_outbox *o, const GArray *ids)
{
	for (guint i = 0; i < ids->len; i++)
		g_hash_table_remove(o->sending, &g_array_index(ids, gint64, i));
}

/* Runs a flush from the idle source (after a server came back). */
static gboolean
flush_idle_cb(gpointer data)
{
	struct fw_outbox *o = data;

	g_source_unref(o->flush_idle);
	o->flush_idle = NULL;
	fw_outbox_flush(o);
	return G_SOURCE_REMOVE;
}

/* Schedules a flush on the dispatcher's context. */
static void
flush_later(struct fw_outbox *o)
{
	if (o->flush_idle != NULL)
		return;
	o->flush_idle = g_idle_source_new();
	g_source_set_callback(o->flush_idle, flush_idle_cb, o, NULL);
	g_source_attach(o->flush_idle, o->ctx);
}

/* No server (or no bus) from now on: desktop rows are held. */
static void
server_off(struct fw_outbox *o, const char *why)
{
	GHashTableIter it;
	gpointer ts;

	if (o->server != SERVER_OFF) {
		o->server = SERVER_OFF;
		o->off_warned = FALSE;
		/* whatever was on screen went with the server */
		g_hash_table_iter_init(&it, o->topics);
		while (g_hash_table_iter_next(&it, NULL, &ts))
			coal_reset(ts);
	}
	g_free(o->off_why);
	o->off_why = g_strdup(why != NULL ? why : "no notification server");
}

/* Logs, once per off period, that desktop notifications are held. */
static void
warn_off(struct fw_outbox *o)
{
	if (o->off_warned)
		return;
	o->off_warned = TRUE;
	fw_log_warn("desktop notification not shown (kept pending): %s", o->off_why);
}

static void outbox_server_cb(gboolean present, const char *why, gpointer data);

/* The key of the topic a replace_key names, or NULL. */
static const char *
replace_topic(const struct fw_notice *n)
{
	if (n->replace_key != NULL && g_str_has_prefix(n->replace_key, FW_OUTBOX_TOPIC_KEY))
		return n->replace_key + strlen(FW_OUTBOX_TOPIC_KEY);
	return NULL;
}

/* The notifier's report on one notice. */
static void
outbox_notice_done_cb(const struct fw_notice *n, enum fw_notify_result result, const char *error,
                      gpointer data)
{
	struct fw_outbox *o = data;
	const char *topic = replace_topic(n);

	switch (result) {
	case FW_NOTIFY_SHOWN:
		o->sent++;
		record(o, n->outbox_ids, TRUE, NULL);
		outbox_server_cb(TRUE, NULL, o);
		return;
	case FW_NOTIFY_FAILED:
		o->failed++;
		fw_log_warn("desktop notification failed (tried again later): %s",
		            error != NULL ? error : "?");
		record(o, n->outbox_ids, FALSE, error);
		break;
	case FW_NOTIFY_NO_SERVER:
		o->failed++;
		server_off(o, error);
		warn_off(o);
		o->held_off = TRUE;
		unmark_sending(o, n->outbox_ids);
		break;
	}
	if (topic != NULL)
		coal_reset(topic_state(o, topic));
}

/* The notifier's report on the server. */
static void
outbox_server_cb(gboolean present, const char *why, gpointer data)
{
	struct fw_outbox *o = data;

	if (!present) {
		server_off(o, why);
		return;
	}
	if (o->server == SERVER_OFF && o->held_off) {
		fw_log_info("a notification server is there now: what was held comes as one summary");
		o->held_off = FALSE;
		o->release = TRUE;
		o->release_why = "while notifications were off";
		flush_later(o);
	}
	o->server = SERVER_ON;
}

/* The user acted on a notification. */
static void
outbox_action_cb(const struct fw_notice *n, enum fw_notify_action action, gpointer data)
{
	struct fw_outbox *o = data;
	g_autoptr(GError) err = NULL;
	const char *topic;

	switch (action) {
	case FW_NOTIFY_OPEN:
		if (n->link != NULL && !fw_notify_open_link(n->link, &err)) {
			fw_log_warn("cannot open %s: %s", n->link, err->message);
			g_clear_error(&err);
		}
		G_GNUC_FALLTHROUGH;   /* opening marks read */
	case FW_NOTIFY_READ:
		for (guint i = 0; n->hit_ids != NULL && i < n->hit_ids->len; i++) {
			gint64 id = g_array_index(n->hit_ids, gint64, i);
			if (!fw_store_hit_set_read(o->store, id, TRUE, &err)) {
				fw_log_warn("cannot mark hit %" G_GINT64_FORMAT " read: %s", id,
				            err->message);
				g_clear_error(&err);
			}
		}
		break;
	case FW_NOTIFY_MUTE:
		for (guint i = 0; n->topics != NULL && n->topics[i] != NULL; i++) {
			gint64 now = outbox_now(o);

			topic_state(o, n->topics[i])->muted_until = now + FW_OUTBOX_MUTE_SECONDS;
			if (!fw_store_mute_set(o->store, n->topics[i], now + FW_OUTBOX_MUTE_SECONDS,
			                       now, &err)) {
				fw_log_warn("cannot store the mute of topic %s: %s", n->topics[i],
				            err->message);
				g_clear_error(&err);
			}
			fw_log_info("topic %s muted for 24 h", n->topics[i]);
		}
		break;
	case FW_NOTIFY_CLOSED:
		if ((topic = replace_topic(n)) != NULL)
			coal_reset(topic_state(o, topic));
		break;
	}
}

/* --- exec and webhook --- */

/* Frees a job tag. */
static void
job_tag_free(gpointer p)
{
	struct job_tag *t = p;

	if (t->exec)
		t->o->exec_running--;
	g_array_unref(t->ids);
	g_free(t->what);
	g_free(t->topic);
	g_free(t);
}

/* A tag for rows (gint64 ids), marked in flight. */
static struct job_tag *
job_tag_new(struct fw_outbox *o, const char *what, const char *topic, const GArray *ids)
{
	struct job_tag *t = g_new0(struct job_tag, 1);

	t->o = o;
	t->exec = strcmp(what, "exec") == 0;
	if (t->exec)
		o->exec_running++;
	t->ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_array_append_vals(t->ids, ids->data, ids->len);
	t->what = g_strdup(what);
	t->topic = g_strdup(topic);
	mark_sending(o, t->ids);
	return t;
}

/* An exec run or a POST ended. */
static void
outbox_job_done_cb(gpointer tag, gboolean ok, const char *error, gpointer data)
{
	struct fw_outbox *o = data;
	struct job_tag *t = tag;
	g_autofree char *why = NULL;

	if (ok) {
		o->sent++;
	} else {
		o->failed++;
		why = g_strdup_printf("%s: %s", t->what, error != NULL ? error : "failed");
		fw_log_warn("topic %s: %s (tried again later)", t->topic, why);
	}
	record(o, t->ids, ok, why);
	/* a hook slot is free once this tag is freed, after the callback */
	if (t->exec && o->exec_held)
		flush_later(o);
}

/* TRUE when exec_parallel hooks run: the row stays pending in the outbox
 * (not in flight) and a hook's end flushes again. */
static gboolean
exec_full(struct fw_outbox *o)
{
	if (o->exec_running < MAX(o->cfg->exec_parallel, 1u))
		return FALSE;
	o->exec_held = TRUE;
	return TRUE;
}

/* Fails rows now (a row that cannot even be tried), for a retry later. */
static void
fail_rows(struct fw_outbox *o, const GArray *ids, const char *why)
{
	o->failed++;
	fw_log_warn("%s", why);
	record(o, ids, FALSE, why);
}

/* The hit of a row, for JSON and the environment; NULL (logged) when gone. */
static struct fw_hit_row *
row_hit(struct fw_outbox *o, const struct fw_outbox_row *r)
{
	g_autoptr(GError) err = NULL;
	struct fw_hit_row *h = fw_store_hit_get(o->store, r->hit_id, &err);

	if (h == NULL)
		fw_log_err("hit %" G_GINT64_FORMAT ": %s", r->hit_id, err->message);
	return h;
}

/* Adds NAME=value to env (NULL value as empty). */
static void
env_add(GPtrArray *env, const char *name, const char *value)
{
	g_ptr_array_add(env, g_strconcat(name, "=", value != NULL ? value : "", NULL));
}

/* The numeric priority ntfy takes for an urgency. */
static const char *
ntfy_priority(enum fw_urgency u)
{
	return u == FW_URGENCY_LOW ? "2" : u == FW_URGENCY_CRITICAL ? "5" : "3";
}

/* Adds a header line made safe. */
static void
header_add(GPtrArray *hdrs, const char *name, const char *value)
{
	g_ptr_array_add(hdrs, fw_notify_header(name, value));
}

/* Adds a Click header when link is http(s) and plain ASCII. */
static void
click_add(GPtrArray *hdrs, const char *link)
{
	if (link == NULL || (!g_str_has_prefix(link, "http://") && !g_str_has_prefix(link, "https://")))
		return;
	for (const char *p = link; *p != '\0'; p++) {
		if ((guchar)*p <= 0x20 || (guchar)*p >= 0x7f)
			return;
	}
	header_add(hdrs, "Click", link);
}

/* POSTs a webhook for rows (ids) of topic t: body JSON or ntfy text. */
static void
post_webhook(struct fw_outbox *o, const struct fw_topic_conf *t, const GArray *ids,
             const char *json, const char *ntfy_title, const char *ntfy_text, const char *link)
{
	g_autoptr(GPtrArray) hdrs = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *idem = g_strdup_printf("%" G_GINT64_FORMAT, g_array_index(ids, gint64, 0));
	gboolean ntfy = g_strcmp0(t->webhook_format, "ntfy") == 0;
	const char *body = ntfy ? ntfy_text : json;

	header_add(hdrs, "Idempotency-Key", idem);
	if (ntfy) {
		g_ptr_array_add(hdrs, g_strdup("Content-Type: text/plain; charset=utf-8"));
		header_add(hdrs, "Title", ntfy_title);
		header_add(hdrs, "Priority", ntfy_priority(t->urgency));
		header_add(hdrs, "Tags", t->key);
		click_add(hdrs, link);
	} else {
		g_ptr_array_add(hdrs, g_strdup("Content-Type: application/json"));
	}
	g_ptr_array_add(hdrs, NULL);
	fw_jobs_post(o->jobs, t->webhook, (const char *const *)hdrs->pdata, body, strlen(body),
	             (guint)MAX(o->cfg->timeout, 1), job_tag_new(o, "webhook", t->key, ids),
	             job_tag_free);
}

/* Sends one exec or webhook row. */
static void
send_job_row(struct fw_outbox *o, const struct fw_outbox_row *r)
{
	const struct fw_topic_conf *t = topic_by_key(o, r->topic);
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	struct fw_hit_row *h;
	g_autofree char *json = NULL;

	g_array_append_val(ids, r->id);
	if (r->channel == FW_CHANNEL_EXEC && t != NULL && t->exec_argv != NULL && exec_full(o))
		return;
	if (t == NULL || (r->channel == FW_CHANNEL_EXEC && t->exec_argv == NULL) ||
	    (r->channel == FW_CHANNEL_WEBHOOK && t->webhook == NULL)) {
		g_autofree char *why = g_strdup_printf("topic %s: no %s configured any more", r->topic,
		                                       r->channel == FW_CHANNEL_EXEC ? "exec" : "webhook");
		fail_rows(o, ids, why);
		return;
	}
	if ((h = row_hit(o, r)) == NULL) {
		fail_rows(o, ids, "the hit is gone");
		return;
	}
	json = fw_hit_json(h);
	if (r->channel == FW_CHANNEL_EXEC) {
		g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
		g_autofree char *hid = g_strdup_printf("%" G_GINT64_FORMAT, h->id);
		g_autofree char *oid = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
		g_autofree char *input = g_strconcat(json, "\n", NULL);
		env_add(env, "FEEDWATCH_TOPIC", h->topic);
		env_add(env, "FEEDWATCH_TOPIC_NAME", h->topic_name);
		env_add(env, "FEEDWATCH_TITLE", h->title);
		env_add(env, "FEEDWATCH_LINK", h->link);
		env_add(env, "FEEDWATCH_FEED", h->feed);
		env_add(env, "FEEDWATCH_FEED_TITLE", h->feed_title);
		env_add(env, "FEEDWATCH_SNIPPET", h->snippet);
		env_add(env, "FEEDWATCH_HIT_ID", hid);
		env_add(env, "FEEDWATCH_OUTBOX_ID", oid);
		g_ptr_array_add(env, NULL);
		fw_jobs_exec(o->jobs, (const char *const *)t->exec_argv,
		             (const char *const *)env->pdata, input, FW_OUTBOX_EXEC_TIMEOUT,
		             job_tag_new(o, "exec", t->key, ids), job_tag_free);
	} else {
		const char *names[] = { h->topic_name, NULL };
		g_autofree char *title = fw_notice_summary(names, h->feed_title);
		g_autofree char *text = g_strconcat(h->title != NULL ? h->title : "", "\n",
		                                    h->snippet != NULL ? h->snippet : "", NULL);
		post_webhook(o, t, ids, json, title, text, h->link);
	}
	fw_hit_row_free(h);
}

/* --- desktop notices --- */

/* The urgency of topic key (normal when it left the config). */
static enum fw_urgency
topic_urgency(struct fw_outbox *o, const char *key)
{
	const struct fw_topic_conf *t = topic_by_key(o, key);

	return t != NULL ? t->urgency : FW_URGENCY_NORMAL;
}

/* The display name of topic key (the config's, else the row's). */
static const char *
topic_name(struct fw_outbox *o, const char *key, const char *fallback)
{
	const struct fw_topic_conf *t = topic_by_key(o, key);

	return t != NULL ? t->name : fallback;
}

/* TRUE when item has a row of topic key. */
static gboolean
item_has(const struct item *it, const char *key)
{
	for (guint i = 0; i < it->rows->len; i++) {
		if (strcmp(((struct fw_outbox_row *)it->rows->pdata[i])->topic, key) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Adds an item's rows and hits to n (its urgency too). */
static void
notice_add_item(struct fw_outbox *o, struct fw_notice *n, const struct item *it)
{
	for (guint i = 0; i < it->rows->len; i++) {
		const struct fw_outbox_row *r = it->rows->pdata[i];
		g_array_append_val(n->outbox_ids, r->id);
		g_array_append_val(n->hit_ids, r->hit_id);
		n->urgency = MAX(n->urgency, topic_urgency(o, r->topic));
	}
}

/* The topic keys of an item, NULL-terminated. Caller frees. */
static char **
item_topics(const struct item *it)
{
	GPtrArray *keys = g_ptr_array_new();

	for (guint i = 0; i < it->rows->len; i++)
		g_ptr_array_add(keys, g_strdup(((struct fw_outbox_row *)it->rows->pdata[i])->topic));
	g_ptr_array_add(keys, NULL);
	return (char **)g_ptr_array_free(keys, FALSE);
}

/* The title of an item, plain and short (for summaries). Caller frees. */
static char *
item_title(const struct item *it)
{
	const struct fw_outbox_row *r = it->rows->pdata[0];

	return fw_notice_line(r->title != NULL && *r->title != '\0' ? r->title : r->link,
	                      FW_OUTBOX_TITLE_MAX);
}

/* The end of desktop_budget_ms: what the notifier still holds is late. */
static gboolean
budget_cb(gpointer data)
{
	struct fw_outbox *o = data;

	o->over_budget = TRUE;
	o->late += fw_notifier_pending(o->notifier);
	g_source_unref(o->budget);
	o->budget = NULL;
	return G_SOURCE_REMOVE;
}

/* Sends n (held when every topic it names is over its hourly cap, unless
 * force); records it as shown for its topics. Takes n. With a desktop
 * budget, the first notice starts it and none goes after it ran out. */
static void
notice_send(struct fw_outbox *o, struct fw_notice *n, const char *const *topics, gboolean force)
{
	gint64 now = outbox_now(o);
	gboolean held = !force && topics != NULL && topics[0] != NULL;

	if (o->over_budget) {
		o->late++;   /* its rows stay pending */
		fw_notice_free(n);
		return;
	}
	if (o->opts.desktop_budget_ms > 0 && o->budget == NULL) {
		o->budget = g_timeout_source_new(o->opts.desktop_budget_ms);
		g_source_set_callback(o->budget, budget_cb, o, NULL);
		g_source_attach(o->budget, o->ctx);
	}

	for (guint i = 0; held && topics[i] != NULL; i++)
		held = cap_full(o, topics[i], now);
	if (held) {
		for (guint i = 0; topics[i] != NULL; i++)
			topic_state(o, topics[i])->held_cap = TRUE;
		fw_notice_free(n);
		return;
	}
	for (guint i = 0; topics != NULL && topics[i] != NULL; i++) {
		struct topic_state *ts = topic_state(o, topics[i]);
		shown_last_hour(ts, now);
		g_array_append_val(ts->shown, now);
		ts->held_cap = FALSE;
	}
	mark_sending(o, n->outbox_ids);
	fw_notifier_send(o->notifier, n);
}

/* One item's own notice: its topics, the feed, its title and snippet. */
static void
send_item(struct fw_outbox *o, struct item *it)
{
	const struct fw_outbox_row *first = it->rows->pdata[0];
	struct fw_notice *n = fw_notice_new();
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	g_autoptr(GArray) marks = fw_hit_marks_parse(first->marks_json);
	g_auto(GStrv) topics = item_topics(it);

	n->urgency = FW_URGENCY_LOW;
	notice_add_item(o, n, it);
	for (guint i = 0; i < it->rows->len; i++) {
		const struct fw_outbox_row *r = it->rows->pdata[i];
		g_ptr_array_add(names, (gpointer)topic_name(o, r->topic, r->topic_name));
		/* every topic's words in bold where its snippet is the one shown */
		if (i > 0 && g_strcmp0(r->snippet, first->snippet) == 0) {
			g_autoptr(GArray) more = fw_hit_marks_parse(r->marks_json);
			if (more != NULL && marks != NULL)
				g_array_append_vals(marks, more->data, more->len);
		}
	}
	g_ptr_array_add(names, NULL);
	n->summary = fw_notice_summary((const char *const *)names->pdata, first->feed_title);
	n->body = fw_notice_body(first->title != NULL ? first->title : "", first->snippet, marks);
	n->link = g_strdup(first->link);
	n->topics = g_strdupv(topics);
	it->taken = TRUE;
	notice_send(o, n, (const char *const *)topics, FALSE);
}

/* "head — t1; t2; t3…" cut to a summary line. Caller frees. */
static char *
summary_with_titles(const char *head, GPtrArray *titles)
{
	GString *s = g_string_new(head);

	for (guint i = 0; i < titles->len && i < FW_OUTBOX_TITLES; i++) {
		g_string_append(s, i == 0 ? FW_OUTBOX_DASH : "; ");
		g_string_append(s, titles->pdata[i]);
	}
	{
		g_autofree char *all = g_string_free(s, FALSE);
		return fw_notice_line(all, FW_OUTBOX_SUMMARY_MAX);
	}
}

/* The body of a summary: its first titles (escaped), one a line, then
 * "and N more". Caller frees. */
static char *
summary_body(GPtrArray *titles, guint count)
{
	GString *b = g_string_new(NULL);
	guint shown = MIN(titles->len, FW_OUTBOX_TITLES);

	for (guint i = 0; i < shown; i++) {
		g_autofree char *esc = g_markup_escape_text(titles->pdata[i], -1);
		if (i > 0)
			g_string_append_c(b, '\n');
		g_string_append(b, esc);
	}
	if (count > shown)
		g_string_append_printf(b, "\nand %u more", count - shown);
	return g_string_free(b, FALSE);
}

/* One notice for a topic's items, updating the one on screen in place:
 * "Mercosur: 4 new — <first titles>". how ("" or " while muted") follows "new". */
static void
send_topic_summary(struct fw_outbox *o, const char *key, GPtrArray *items, const char *how)
{
	struct topic_state *ts = topic_state(o, key);
	struct fw_notice *n = fw_notice_new();
	const char *topics[] = { key, NULL };
	g_autofree char *head = NULL;
	const char *name = key;

	n->urgency = FW_URGENCY_LOW;
	/* A notification the server never closes would grow without end: past
	 * FW_OUTBOX_COAL_MAX it starts counting afresh (still in place). */
	if (!ts->coal_on || ts->coal_hits->len > FW_OUTBOX_COAL_MAX)
		coal_reset(ts);
	for (guint i = 0; i < items->len; i++) {
		struct item *it = items->pdata[i];
		const struct fw_outbox_row *r0 = it->rows->pdata[0];

		notice_add_item(o, n, it);
		/* this flush's titles before the older ones: a new story shows */
		g_ptr_array_insert(ts->coal_titles, (gint)MIN(i, ts->coal_titles->len), item_title(it));
		if (ts->coal_titles->len > FW_OUTBOX_TITLES)
			g_ptr_array_set_size(ts->coal_titles, FW_OUTBOX_TITLES);
		if (ts->coal_feed == NULL && !ts->coal_mixed)
			ts->coal_feed = g_strdup(r0->feed_title ? r0->feed_title : "");
		else if (!ts->coal_mixed && g_strcmp0(ts->coal_feed, r0->feed_title ? r0->feed_title : "") != 0)
			ts->coal_mixed = TRUE;
		for (guint k = 0; k < it->rows->len; k++) {
			const struct fw_outbox_row *rk = it->rows->pdata[k];
			if (strcmp(rk->topic, key) == 0)
				name = topic_name(o, key, rk->topic_name);
		}
		it->taken = TRUE;
	}
	g_array_append_vals(ts->coal_hits, n->hit_ids->data, n->hit_ids->len);
	g_array_set_size(n->hit_ids, 0);
	g_array_append_vals(n->hit_ids, ts->coal_hits->data, ts->coal_hits->len);
	ts->coal_count += items->len;
	ts->coal_on = TRUE;
	head = g_strdup_printf("%s: %u new%s", name, ts->coal_count, how);
	{
		/* short: "Milei: 6 new — MercoPress" when every item counted so far
		 * came from one feed, in this flush or the ones before; the titles
		 * are in the body */
		const char *feed = ts->coal_mixed ? NULL : ts->coal_feed;

		if (feed != NULL && *feed != '\0') {
			g_autofree char *all = g_strconcat(head, FW_OUTBOX_DASH, feed, NULL);
			n->summary = fw_notice_line(all, FW_OUTBOX_SUMMARY_MAX);
		} else {
			n->summary = fw_notice_line(head, FW_OUTBOX_SUMMARY_MAX);
		}
	}
	n->body = summary_body(ts->coal_titles, ts->coal_count);
	n->topics = g_strdupv((char **)topics);
	n->replace_key = g_strconcat(FW_OUTBOX_TOPIC_KEY, key, NULL);
	notice_send(o, n, topics, FALSE);
}

/* One notice for items of several topics: "feedwatch: 12 hits while
 * notifications were off — Milei 5, Mercosur 7". A single item gets its
 * own notice instead. */
static void
send_summary(struct fw_outbox *o, GPtrArray *items, const char *why)
{
	struct fw_notice *n;
	g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) order = g_ptr_array_new();   /* topic keys, first seen first */
	g_autoptr(GHashTable) counts = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
	GString *s;
	guint hits = 0;

	if (items->len == 0)
		return;
	if (items->len == 1) {
		send_item(o, items->pdata[0]);
		return;
	}
	n = fw_notice_new();
	n->urgency = FW_URGENCY_LOW;
	for (guint i = 0; i < items->len; i++) {
		struct item *it = items->pdata[i];
		notice_add_item(o, n, it);
		if (titles->len < FW_OUTBOX_TITLES)
			g_ptr_array_add(titles, item_title(it));
		for (guint k = 0; k < it->rows->len; k++) {
			const struct fw_outbox_row *r = it->rows->pdata[k];
			guint c = GPOINTER_TO_UINT(g_hash_table_lookup(counts, r->topic));
			if (c == 0) {
				g_ptr_array_add(order, r->topic);
				g_hash_table_insert(names, r->topic,
				                    (gpointer)topic_name(o, r->topic, r->topic_name));
			}
			g_hash_table_insert(counts, r->topic, GUINT_TO_POINTER(c + 1));
			hits++;
		}
		it->taken = TRUE;
	}
	s = g_string_new(NULL);
	g_string_append_printf(s, "feedwatch: %u hit%s %s", hits, hits == 1 ? "" : "s", why);
	for (guint i = 0; i < order->len; i++) {
		g_string_append(s, i == 0 ? FW_OUTBOX_DASH : ", ");
		g_string_append_printf(s, "%s %u", (char *)g_hash_table_lookup(names, order->pdata[i]),
		                       GPOINTER_TO_UINT(g_hash_table_lookup(counts, order->pdata[i])));
	}
	{
		g_autofree char *all = g_string_free(s, FALSE);
		n->summary = fw_notice_line(all, FW_OUTBOX_SUMMARY_MAX);
	}
	n->body = summary_body(titles, items->len);
	n->replace_key = g_strdup("summary");
	g_ptr_array_add(order, NULL);
	/* shown whatever the caps: it replaces many */
	notice_send(o, n, (const char *const *)order->pdata, TRUE);
}

/* Groups desktop rows by item, in order. Returns struct item * (free with
 * item_free). */
static void
item_free(gpointer p)
{
	struct item *it = p;

	g_ptr_array_unref(it->rows);
	g_free(it);
}

static GPtrArray *
group_items(GPtrArray *rows)
{
	GPtrArray *items = g_ptr_array_new_with_free_func(item_free);
	g_autoptr(GHashTable) by_item = g_hash_table_new(g_int64_hash, g_int64_equal);

	for (guint i = 0; i < rows->len; i++) {
		struct fw_outbox_row *r = rows->pdata[i];
		struct item *it = g_hash_table_lookup(by_item, &r->item_rowid);
		if (it == NULL) {
			it = g_new0(struct item, 1);
			it->rows = g_ptr_array_new();
			g_ptr_array_add(items, it);
			g_hash_table_insert(by_item, &r->item_rowid, it);
		}
		g_ptr_array_add(it->rows, r);
	}
	return items;
}

/* Reads the stored mutes (feedwatch browse and the "Mute" action write
 * them) into the topics' states: the store's word holds, unmutes too. */
static void
mutes_read(struct fw_outbox *o, gint64 now)
{
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	GHashTableIter it;
	gpointer key, val;

	if (!fw_store_mutes(o->store, now, mutes, &err)) {
		fw_log_warn("cannot read the mutes: %s", err->message);
		return;
	}
	g_hash_table_iter_init(&it, mutes);
	while (g_hash_table_iter_next(&it, &key, NULL))
		topic_state(o, key);
	g_hash_table_iter_init(&it, o->topics);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		gint64 *until = g_hash_table_lookup(mutes, key);

		((struct topic_state *)val)->muted_until = until != NULL ? *until : 0;
	}
}

/* The desktop part of a flush: holds, summaries, coalescing, then one
 * notice per item. */
static void
flush_desktop(struct fw_outbox *o, GPtrArray *desk, gint64 now)
{
	g_autoptr(GPtrArray) eligible = g_ptr_array_new();
	g_autoptr(GPtrArray) items = NULL;
	g_autoptr(GPtrArray) quiet_items = g_ptr_array_new();
	g_autoptr(GHashTable) quiet_rel = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) mute_rel = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTableIter hit;
	gpointer key, val;

	if (o->server == SERVER_OFF) {
		if (desk->len > 0) {
			warn_off(o);
			o->held_off = TRUE;
			if (g_get_monotonic_time() - o->probed_at >=
			    FW_OUTBOX_PROBE_EVERY * G_USEC_PER_SEC) {
				o->probed_at = g_get_monotonic_time();
				fw_notifier_probe(o->notifier);
			}
		}
		return;
	}
	mutes_read(o, now);
	/* Topics whose quiet hours or mute just ended: what they held comes now. */
	g_hash_table_iter_init(&hit, o->topics);
	while (g_hash_table_iter_next(&hit, &key, &val)) {
		struct topic_state *ts = val;
		if (ts->held_quiet && !in_quiet_hours(topic_by_key(o, key), now)) {
			ts->held_quiet = FALSE;
			g_hash_table_add(quiet_rel, key);
		}
		if (ts->held_mute && ts->muted_until <= now) {
			ts->held_mute = FALSE;
			g_hash_table_add(mute_rel, key);
		}
	}
	for (guint i = 0; i < desk->len; i++) {
		struct fw_outbox_row *r = desk->pdata[i];
		const struct fw_topic_conf *t = topic_by_key(o, r->topic);
		struct topic_state *ts = topic_state(o, r->topic);
		if (ts->muted_until > now) {
			ts->held_mute = TRUE;
			continue;
		}
		if (in_quiet_hours(t, now)) {
			ts->held_quiet = TRUE;
			continue;
		}
		g_ptr_array_add(eligible, r);
	}
	items = group_items(eligible);
	if (items->len == 0)
		return;
	if (o->release) {
		o->release = FALSE;
		send_summary(o, items, o->release_why);
		return;
	}
	for (guint i = 0; i < items->len; i++) {
		struct item *it = items->pdata[i];
		for (guint k = 0; k < it->rows->len; k++) {
			if (g_hash_table_contains(quiet_rel,
			                          ((struct fw_outbox_row *)it->rows->pdata[k])->topic)) {
				g_ptr_array_add(quiet_items, it);
				break;
			}
		}
	}
	send_summary(o, quiet_items, "during quiet hours");
	for (guint ti = 0; ti < o->cfg->topics->len; ti++) {
		const struct fw_topic_conf *t = o->cfg->topics->pdata[ti];
		struct topic_state *ts = topic_state(o, t->key);
		g_autoptr(GPtrArray) its = g_ptr_array_new();
		gboolean muted = g_hash_table_contains(mute_rel, t->key);

		for (guint i = 0; i < items->len; i++) {
			struct item *it = items->pdata[i];
			if (!it->taken && item_has(it, t->key))
				g_ptr_array_add(its, it);
		}
		if (its->len == 0)
			continue;
		if (ts->coal_on || its->len > FW_OUTBOX_COALESCE ||
		    (its->len > 1 && (muted || (ts->held_cap && !cap_full(o, t->key, now)))))
			send_topic_summary(o, t->key, its, muted ? " while muted" : "");
	}
	for (guint i = 0; i < items->len; i++) {
		struct item *it = items->pdata[i];
		if (!it->taken)
			send_item(o, it);
	}
}

/* --- digests --- */

/* When hit id was found (cached). */
static gint64
hit_found(struct fw_outbox *o, gint64 hit_id)
{
	gint64 *cached = g_hash_table_lookup(o->found, &hit_id);
	g_autoptr(GError) err = NULL;
	struct fw_hit_row *h;
	gint64 found;

	if (cached != NULL)
		return cached[1];
	if ((h = fw_store_hit_get(o->store, hit_id, &err)) == NULL)
		return 0;
	found = h->found;
	fw_hit_row_free(h);
	if (g_hash_table_size(o->found) >= FW_OUTBOX_FOUND_MAX)
		g_hash_table_remove_all(o->found);
	{
		gint64 *pair = g_new(gint64, 2);
		pair[0] = hit_id;
		pair[1] = found;
		g_hash_table_add(o->found, pair);
	}
	return found;
}

/* Sends one digest of topic t through channel: rows are its ready rows. */
static void
send_digest(struct fw_outbox *o, const struct fw_topic_conf *t, guint channel, GPtrArray *rows)
{
	g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *head = NULL, *summary = NULL;
	GString *hid = g_string_new(NULL), *text = g_string_new(NULL);

	for (guint i = 0; i < rows->len; i++) {
		const struct fw_outbox_row *r = rows->pdata[i];
		struct fw_hit_row *h = row_hit(o, r);
		g_array_append_val(ids, r->id);
		if (h == NULL)
			continue;
		g_ptr_array_add(hits, h);
		g_ptr_array_add(titles, fw_notice_line(h->title != NULL && *h->title != '\0'
		                                       ? h->title : h->link, FW_OUTBOX_TITLE_MAX));
		g_string_append_printf(hid, "%s%" G_GINT64_FORMAT, hid->len ? " " : "", h->id);
		g_string_append_printf(text, "%s%s", text->len ? "\n" : "", (char *)titles->pdata[
		                       titles->len - 1]);
	}
	head = g_strdup_printf("%s digest: %u hit%s", t->name, ids->len, ids->len == 1 ? "" : "s");
	summary = summary_with_titles(head, titles);
	if (channel == FW_CHANNEL_DESKTOP) {
		struct fw_notice *n = fw_notice_new();
		const char *topics[] = { t->key, NULL };
		n->urgency = t->urgency;
		g_array_append_vals(n->outbox_ids, ids->data, ids->len);
		for (guint i = 0; i < hits->len; i++)
			g_array_append_val(n->hit_ids, ((struct fw_hit_row *)hits->pdata[i])->id);
		n->summary = g_strdup(summary);
		n->body = summary_body(titles, ids->len);
		n->topics = g_strdupv((char **)topics);
		n->replace_key = g_strconcat("digest:", t->key, NULL);
		notice_send(o, n, topics, TRUE);
	} else if (hits->len == 0) {
		fail_rows(o, ids, "the digest's hits are gone");
	} else {
		g_autofree char *json = fw_hit_digest_json(t->key, t->name, hits);
		if (channel == FW_CHANNEL_EXEC) {
			g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
			g_autofree char *count = g_strdup_printf("%u", hits->len);
			g_autofree char *input = g_strconcat(json, "\n", NULL);
			env_add(env, "FEEDWATCH_TOPIC", t->key);
			env_add(env, "FEEDWATCH_TOPIC_NAME", t->name);
			env_add(env, "FEEDWATCH_TITLE", head);
			env_add(env, "FEEDWATCH_DIGEST", count);
			env_add(env, "FEEDWATCH_HIT_ID", hid->str);
			g_ptr_array_add(env, NULL);
			fw_jobs_exec(o->jobs, (const char *const *)t->exec_argv,
			             (const char *const *)env->pdata, input, FW_OUTBOX_EXEC_TIMEOUT,
			             job_tag_new(o, "exec", t->key, ids), job_tag_free);
		} else {
			post_webhook(o, t, ids, json, head, text->str, NULL);
		}
	}
	g_string_free(hid, TRUE);
	g_string_free(text, TRUE);
}

/* The digest part of a flush: rows of digest topics wait for digest_at;
 * then each channel gets one notice of the hits found before it. */
static void
flush_digests(struct fw_outbox *o, GPtrArray *rows, gint64 now)
{
	static const guint channels[] = { FW_CHANNEL_DESKTOP, FW_CHANNEL_EXEC, FW_CHANNEL_WEBHOOK };

	for (guint ti = 0; ti < o->cfg->topics->len && rows->len > 0; ti++) {
		const struct fw_topic_conf *t = o->cfg->topics->pdata[ti];
		gint64 cut = digest_moment(t->digest_at, now);

		if (!t->digest)
			continue;
		for (guint c = 0; c < G_N_ELEMENTS(channels); c++) {
			g_autoptr(GPtrArray) ready = g_ptr_array_new();
			for (guint i = 0; i < rows->len; i++) {
				struct fw_outbox_row *r = rows->pdata[i];
				if (r->channel == channels[c] && strcmp(r->topic, t->key) == 0 &&
				    hit_found(o, r->hit_id) <= cut)
					g_ptr_array_add(ready, r);
			}
			if (ready->len == 0)
				continue;
			if (channels[c] == FW_CHANNEL_DESKTOP &&
			    (o->server == SERVER_OFF || in_quiet_hours(t, now))) {
				if (o->server == SERVER_OFF) {
					warn_off(o);
					o->held_off = TRUE;
				}
				continue;
			}
			if (channels[c] == FW_CHANNEL_EXEC && (t->exec_argv == NULL || exec_full(o)))
				continue;
			if (channels[c] == FW_CHANNEL_WEBHOOK && t->webhook == NULL)
				continue;
			send_digest(o, t, channels[c], ready);
		}
	}
}

void
fw_outbox_flush(struct fw_outbox *o)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	g_autoptr(GPtrArray) desk = g_ptr_array_new();
	g_autoptr(GPtrArray) digest = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	gint64 now = outbox_now(o);

	record_unrecorded(o);
	if (!fw_store_outbox_due(o->store, now, o->release ? FW_OUTBOX_RELEASE_BATCH : FW_OUTBOX_BATCH,
	                         rows, &err)) {
		fw_log_err("cannot read the outbox: %s", err->message);
		return;
	}
	o->exec_held = FALSE;
	for (guint i = 0; i < rows->len; i++) {
		struct fw_outbox_row *r = rows->pdata[i];
		const struct fw_topic_conf *t;
		if (g_hash_table_contains(o->sending, &r->id))
			continue;
		/* past a batch, a release reads on for the summary only: the other
		 * channels' rows wait for the next flushes, a batch at a time */
		if (i >= FW_OUTBOX_BATCH && r->channel != FW_CHANNEL_DESKTOP)
			continue;
		t = topic_by_key(o, r->topic);
		if (t != NULL && t->digest)
			g_ptr_array_add(digest, r);
		else if (r->channel == FW_CHANNEL_DESKTOP)
			g_ptr_array_add(desk, r);
		else
			send_job_row(o, r);
	}
	flush_digests(o, digest, now);
	flush_desktop(o, desk, now);
	/* A release summarises what one flush finds due, no more. */
	if (o->server != SERVER_OFF)
		o->release = FALSE;
}

enum fw_hit_notified
fw_outbox_admit(struct fw_store *store, const struct fw_config *cfg,
                const struct fw_topic_conf *t, gint64 item_rowid, gboolean twin,
                gboolean feed_fetched, guint *channels)
{
	enum fw_hit_notified n;

	if (t->channels == 0)
		n = FW_HIT_NOTIFIED_NONE;
	else if (!feed_fetched && !cfg->notify_initial)
		n = FW_HIT_NOTIFIED_INITIAL;
	else if (fw_store_story_notified(store, item_rowid, t->key, twin))
		n = FW_HIT_NOTIFIED_NONE;   /* the same story, notified from another feed */
	else
		n = FW_HIT_NOTIFIED_PENDING;
	*channels = n == FW_HIT_NOTIFIED_PENDING ? t->channels : 0;
	return n;
}

struct fw_outbox *
fw_outbox_new(GMainContext *ctx, const struct fw_config *cfg, struct fw_store *store,
              const struct fw_outbox_opts *opts)
{
	struct fw_outbox *o = g_new0(struct fw_outbox, 1);

	o->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	o->cfg = cfg;
	o->store = store;
	o->sending = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	o->unrecorded = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, outcome_free);
	o->topics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, topic_state_free);
	o->found = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	o->release = TRUE;
	o->release_why = "not shown yet";
	if (opts != NULL)
		o->opts = *opts;
	o->notifier = fw_notifier_new(o->ctx, outbox_notice_done_cb, o);
	fw_notifier_set_callbacks(o->notifier, o->opts.actions ? outbox_action_cb : NULL,
	                          outbox_server_cb);
	o->jobs = fw_jobs_new(o->ctx, outbox_job_done_cb, o);
	return o;
}

void
fw_outbox_free(struct fw_outbox *o)
{
	if (o == NULL)
		return;
	fw_notifier_free(o->notifier);
	fw_jobs_free(o->jobs);
	if (o->budget != NULL) {
		g_source_destroy(o->budget);
		g_source_unref(o->budget);
	}
	if (o->flush_idle != NULL) {
		g_source_destroy(o->flush_idle);
		g_source_unref(o->flush_idle);
	}
	if (g_hash_table_size(o->unrecorded) > 0 && !record_unrecorded(o))
		fw_log_err("%u notification%s sent but not recorded: sent again at the next start",
		           g_hash_table_size(o->unrecorded),
		           g_hash_table_size(o->unrecorded) == 1 ? " was" : "s were");
	g_hash_table_unref(o->unrecorded);
	g_hash_table_unref(o->sending);
	g_hash_table_unref(o->topics);
	g_hash_table_unref(o->found);
	g_free(o->off_why);
	g_main_context_unref(o->ctx);
	g_free(o);
}

void
fw_outbox_set_fetcher(struct fw_outbox *o, struct fw_fetcher *f)
{
	fw_jobs_set_fetcher(o->jobs, f);
}

void
fw_outbox_reconfigure(struct fw_outbox *o, const struct fw_config *cfg)
{
	o->cfg = cfg;
}

void
fw_outbox_backlog(struct fw_outbox *o, const char *why)
{
	o->release = TRUE;
	o->release_why = why;
}

gboolean
fw_outbox_busy(struct fw_outbox *o)
{
	if (o->over_budget)   /* only exec and webhook rows are still awaited */
		return fw_jobs_pending(o->jobs) > 0;
	return fw_notifier_pending(o->notifier) > 0 || fw_jobs_pending(o->jobs) > 0 ||
	       g_hash_table_size(o->sending) > g_hash_table_size(o->unrecorded) ||
	       o->flush_idle != NULL;
}

guint
fw_outbox_late(struct fw_outbox *o)
{
	return o->late;
}

void
fw_outbox_stats(struct fw_outbox *o, guint *sent, guint *failed)
{
	*sent = o->sent;
	*failed = o->failed;
}
