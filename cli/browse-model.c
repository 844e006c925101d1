/* browse-model — the hit log as `feedwatch browse` shows it: topics with
 * their unread counts, a topic's window of stories, the filter, marking read
 * and muting. See cli/browse.h. */
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "browse.h"

/* A place in a list of stories: a story and its time there (the store's
 * keyset of a page). */
struct fw_browse_mark {
	gint64 at, story;
};

/* ---- stories and topics ------------------------------------------------ */

static void
story_free(gpointer p)
{
	struct fw_browse_story *st = p;

	if (st == NULL)
		return;
	g_free(st->key);
	g_ptr_array_unref(st->hits);
	g_free(st->topics);
	g_free(st);
}

static void
topic_free(gpointer p)
{
	struct fw_browse_topic *t = p;

	g_free(t->key);
	g_free(t->name);
	if (t->stories != NULL)
		g_ptr_array_unref(t->stories);
	g_free(t);
}

/* A new topic with no story. */
static struct fw_browse_topic *
topic_new(const char *key, const char *name)
{
	struct fw_browse_topic *t = g_new0(struct fw_browse_topic, 1);

	t->key = g_strdup(key);
	t->name = g_strdup(name);
	t->stories = g_ptr_array_new();
	return t;
}

struct fw_browse *
fw_browse_new(const struct fw_config *cfg)
{
	struct fw_browse *b = g_new0(struct fw_browse, 1);

	b->topics = g_ptr_array_new_with_free_func(topic_free);
	b->stories = g_ptr_array_new_with_free_func(story_free);
	b->by_key = g_hash_table_new(g_str_hash, g_str_equal);
	b->conf_topics = g_ptr_array_new_with_free_func(topic_free);
	b->page_ends = g_array_new(FALSE, FALSE, sizeof(struct fw_browse_mark));
	for (guint i = 0; cfg != NULL && i < cfg->topics->len; i++) {
		const struct fw_topic_conf *tc = cfg->topics->pdata[i];

		g_ptr_array_add(b->conf_topics, topic_new(tc->key, tc->name ? tc->name : tc->key));
	}
	g_ptr_array_add(b->topics, topic_new(NULL, "All topics"));
	return b;
}

void
fw_browse_free(struct fw_browse *b)
{
	if (b == NULL)
		return;
	g_ptr_array_unref(b->topics);
	g_hash_table_unref(b->by_key);
	g_ptr_array_unref(b->stories);
	g_ptr_array_unref(b->conf_topics);
	g_free(b->filter_text);
	fw_query_free(b->filter);
	if (b->filter_items != NULL)
		g_hash_table_unref(b->filter_items);
	g_free(b->win_topic);
	g_array_unref(b->page_ends);
	g_free(b);
}

/* The key of an item: its feed and id. Caller frees. */
static char *
item_key(const char *feed, const char *item_id)
{
	return g_strdup_printf("%s\x1f%s", feed ? feed : "", item_id ? item_id : "");
}

/* The story key of a hit: the store's story number. */
static char *
story_key(const struct fw_hit_row *r)
{
	return g_strdup_printf("%" G_GINT64_FORMAT, r->story);
}

/* A hit's time for the reader: published, found when it has none or a later
 * one (the store's hits.rtime). */
static gint64
hit_rtime(const struct fw_hit_row *r)
{
	return r->published != FW_TIME_NONE && r->published < r->found ? r->published : r->found;
}

/* When a hit's item was published, else when the hit was found. */
static gint64
hit_when(const struct fw_hit_row *r)
{
	return r->published != FW_TIME_NONE ? r->published : r->found;
}

/* Puts the story's lead first: the hit of the item published first (the
 * original, not a later copy), then the first found; sets when. */
static void
story_lead(struct fw_browse_story *st)
{
	guint lead = 0;

	for (guint i = 1; i < st->hits->len; i++) {
		const struct fw_hit_row *r = st->hits->pdata[i], *l = st->hits->pdata[lead];

		if (hit_when(r) < hit_when(l))
			lead = i;
	}
	if (lead > 0) {
		gpointer h = g_ptr_array_steal_index(st->hits, lead);

		g_ptr_array_insert(st->hits, 0, h);
	}
	st->when = hit_when(st->hits->pdata[0]);
}

/* The store's order: newest first by at, then by story number. */
static gint
story_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_browse_story *x = *(struct fw_browse_story *const *)a;
	const struct fw_browse_story *y = *(struct fw_browse_story *const *)b;
	gint64 xi = ((struct fw_hit_row *)x->hits->pdata[0])->story;
	gint64 yi = ((struct fw_hit_row *)y->hits->pdata[0])->story;

	if (x->at != y->at)
		return x->at > y->at ? -1 : 1;
	return xi > yi ? -1 : xi < yi;
}

/* The position of topic key in topics (by key), or -1. */
static int
topic_pos(GPtrArray *topics, const char *key)
{
	for (guint i = 0; i < topics->len; i++)
		if (g_strcmp0(((struct fw_browse_topic *)topics->pdata[i])->key, key) == 0)
			return (int)i;
	return -1;
}

gboolean
fw_browse_story_unread(const struct fw_browse_story *st, const char *topic)
{
	for (guint i = 0; i < st->hits->len; i++) {
		const struct fw_hit_row *r = st->hits->pdata[i];

		if (!r->read && (topic == NULL || g_strcmp0(r->topic, topic) == 0))
			return TRUE;
	}
	return FALSE;
}

gboolean
fw_browse_story_has_topic(const struct fw_browse_story *st, const char *topic)
{
	if (topic == NULL)
		return TRUE;
	for (guint i = 0; i < st->hits->len; i++)
		if (g_strcmp0(((struct fw_hit_row *)st->hits->pdata[i])->topic, topic) == 0)
			return TRUE;
	return FALSE;
}

/* Counts each topic's unread stories again (with a filter: the model holds
 * every story that passes). */
static void
count_unread(struct fw_browse *b)
{
	for (guint i = 0; i < b->topics->len; i++) {
		struct fw_browse_topic *t = b->topics->pdata[i];

		t->unread = 0;
		for (guint k = 0; k < t->stories->len; k++)
			t->unread += fw_browse_story_unread(t->stories->pdata[k], t->key);
	}
}

/* With a filter: which stories pass, and each topic's list of them. */
static void
build_lists(struct fw_browse *b)
{
	for (guint i = 0; i < b->stories->len; i++) {
		struct fw_browse_story *st = b->stories->pdata[i];

		st->shown = b->filter == NULL;
		for (guint k = 0; !st->shown && k < st->hits->len; k++) {
			const struct fw_hit_row *r = st->hits->pdata[k];
			g_autofree char *ik = item_key(r->feed, r->item_id);

			st->shown = g_hash_table_contains(b->filter_items, ik);
		}
	}
	for (guint i = 0; i < b->topics->len; i++) {
		struct fw_browse_topic *t = b->topics->pdata[i];

		g_ptr_array_set_size(t->stories, 0);
		for (guint k = 0; k < b->stories->len; k++) {
			struct fw_browse_story *st = b->stories->pdata[k];

			if (st->shown && fw_browse_story_has_topic(st, t->key))
				g_ptr_array_add(t->stories, st);
		}
		t->first = 0;
		t->total = t->stories->len;
	}
	count_unread(b);
}

/* The names of the story's topics among topics but skip, each after prefix. */
static char *
topics_names(const struct fw_browse_story *st, GPtrArray *topics, const char *skip,
             const char *prefix)
{
	GString *out = g_string_new(NULL);

	for (guint i = 1; i < topics->len; i++) {
		const struct fw_browse_topic *t = topics->pdata[i];

		if (fw_browse_story_has_topic(st, t->key) && g_strcmp0(t->key, skip) != 0)
			g_string_append_printf(out, "%s%s%s", out->len ? ", " : "", prefix, t->name);
	}
	return g_string_free(out, FALSE);
}

char *
fw_browse_story_topics(const struct fw_browse *b, const struct fw_browse_story *st,
                       const char *topic, const char *prefix)
{
	return topics_names(st, b->topics, topic, prefix);
}

/* ---- the filter -------------------------------------------------------- */

static gboolean load_all(struct fw_browse *b, struct fw_store *s, GHashTable *mutes,
                         GError **error);
static gboolean load_counts(struct fw_browse *b, struct fw_store *s, GHashTable *mutes,
                            GError **error);

struct filter_run {
	const struct fw_query *q;
	GHashTable *items;
};

/* fw_store_item_cb: records the item when the query matches it. */
static gboolean
filter_item(gint64 rowid, const char *feed_key, const char *feed_title,
            const struct fw_item *item, gpointer data)
{
	struct filter_run *run = data;
	g_autofree char *cats = NULL;
	struct fw_doc doc;
	GArray *spans;

	fw_doc_from_item(&doc, item, feed_key, feed_title, &cats);
	spans = fw_query_match(run->q, &doc);
	if (spans != NULL) {
		g_hash_table_add(run->items, item_key(feed_key, item->id));
		g_array_unref(spans);
	}
	return TRUE;
}

/* The items of the hit log q matches, as a new set of item keys; NULL with
 * error. */
static GHashTable *
filter_items(struct fw_store *s, const struct fw_query *q, GError **error)
{
	struct filter_run run = { q, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };

	if (!fw_store_browse_items_foreach(s, filter_item, &run, error)) {
		g_hash_table_unref(run.items);
		return NULL;
	}
	return run.items;
}

gboolean
fw_browse_set_filter(struct fw_browse *b, struct fw_store *s, const char *text,
                     guint *err_col, GError **error)
{
	g_autofree char *trimmed = g_strstrip(g_strdup(text ? text : ""));
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	struct fw_query *q = NULL, *old_q = b->filter;
	GHashTable *items = NULL, *old_items = b->filter_items;
	gboolean ok;

	if (*trimmed != '\0') {
		if ((q = fw_query_parse(trimmed, err_col, error)) == NULL)
			return FALSE;
		if ((items = filter_items(s, q, error)) == NULL) {
			fw_query_free(q);
			return FALSE;
		}
	}
	b->filter = q;
	b->filter_items = items;
	ok = fw_store_mutes(s, b->now, mutes, error) &&
	     (q != NULL ? load_all(b, s, mutes, error) : load_counts(b, s, mutes, error));
	if (!ok) {
		b->filter = old_q;
		b->filter_items = old_items;
		fw_query_free(q);
		if (items != NULL)
			g_hash_table_unref(items);
		return FALSE;
	}
	fw_query_free(old_q);
	if (old_items != NULL)
		g_hash_table_unref(old_items);
	g_free(b->filter_text);
	b->filter_text = q != NULL ? g_steal_pointer(&trimmed) : NULL;
	return TRUE;
}

/* ---- loading ----------------------------------------------------------- */

/* Groups rows (a story's hits together, as fw_store_hits gives them with
 * stories) into new stories appended to out, each story's at its newest
 * hit of topic (NULL: any); the rows are taken. */
static void
group_rows(GPtrArray *rows, const char *topic, GPtrArray *out)
{
	g_autoptr(GHashTable) by_story = g_hash_table_new(g_int64_hash, g_int64_equal);

	for (guint i = 0; i < rows->len; i++) {
		struct fw_hit_row *r = rows->pdata[i];
		struct fw_browse_story *st = g_hash_table_lookup(by_story, &r->story);

		if (st == NULL) {
			st = g_new0(struct fw_browse_story, 1);
			st->key = story_key(r);
			st->hits = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
			st->at = G_MININT64;
			st->shown = TRUE;
			g_hash_table_insert(by_story, &r->story, st);
			g_ptr_array_add(out, st);
		}
		if (topic == NULL || g_strcmp0(r->topic, topic) == 0)
			st->at = MAX(st->at, hit_rtime(r));
		g_ptr_array_add(st->hits, r);
		rows->pdata[i] = NULL;
	}
	for (guint i = 0; i < out->len; i++)
		story_lead(out->pdata[i]);
}

/* New topics: All, the config's, then those of counts (struct
 * fw_browse_count *) only the hit log knows; with their counts and mutes. */
static GPtrArray *
topics_make(struct fw_browse *b, GPtrArray *counts, GHashTable *mutes)
{
	GPtrArray *topics = g_ptr_array_new_with_free_func(topic_free);

	g_ptr_array_add(topics, topic_new(NULL, "All topics"));
	for (guint i = 0; i < b->conf_topics->len; i++) {
		const struct fw_browse_topic *t = b->conf_topics->pdata[i];

		g_ptr_array_add(topics, topic_new(t->key, t->name));
	}
	for (guint i = 0; counts != NULL && i < counts->len; i++) {
		const struct fw_browse_count *c = counts->pdata[i];
		int k = topic_pos(topics, c->topic);
		struct fw_browse_topic *t;

		if (k < 0) {
			t = topic_new(c->topic, c->topic_name ? c->topic_name : c->topic);
			g_ptr_array_add(topics, t);
		} else {
			t = topics->pdata[k];
		}
		t->total = (guint)c->stories;
		t->unread = (guint)c->unread;
		if (c->topic == NULL)
			b->max_hit_id = c->last_hit;
	}
	for (guint i = 1; i < topics->len; i++) {
		struct fw_browse_topic *t = topics->pdata[i];
		gint64 *until = g_hash_table_lookup(mutes, t->key);

		t->muted_until = until != NULL ? *until : 0;
	}
	return topics;
}

/* Forgets the window (its stories, its pages' places). */
static void
window_drop(struct fw_browse *b)
{
	for (guint i = 0; i < b->topics->len; i++) {
		struct fw_browse_topic *t = b->topics->pdata[i];

		g_ptr_array_set_size(t->stories, 0);
		t->first = 0;
	}
	g_hash_table_remove_all(b->by_key);
	g_ptr_array_set_size(b->stories, 0);
	g_array_set_size(b->page_ends, 0);
	b->win_set = FALSE;
}

/* Names each story's topics (in the order of b's topics). */
static void
stories_name(struct fw_browse *b, GPtrArray *stories)
{
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		g_free(st->topics);
		st->topics = topics_names(st, b->topics, NULL, "");
	}
}

/* Reads every hit into stories that pass the filter (filter_items). */
static gboolean
load_all(struct fw_browse *b, struct fw_store *s, GHashTable *mutes, GError **error)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) stories = g_ptr_array_new_with_free_func(story_free);
	struct fw_hit_filter f = { .oldest_first = TRUE };
	GPtrArray *topics;

	if (!fw_store_hits(s, &f, rows, error))
		return FALSE;
	group_rows(rows, NULL, stories);
	g_ptr_array_sort(stories, story_cmp);
	b->max_hit_id = 0;
	topics = topics_make(b, NULL, mutes);
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		for (guint k = 0; k < st->hits->len; k++) {
			const struct fw_hit_row *r = st->hits->pdata[k];

			if (topic_pos(topics, r->topic) < 0)
				g_ptr_array_add(topics, topic_new(r->topic, r->topic_name ? r->topic_name
				                                                         : r->topic));
			b->max_hit_id = MAX(b->max_hit_id, r->id);
		}
	}
	window_drop(b);
	g_ptr_array_unref(b->topics);
	b->topics = topics;
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		g_hash_table_insert(b->by_key, st->key, st);
		g_ptr_array_add(b->stories, st);
		stories->pdata[i] = NULL;
	}
	stories_name(b, b->stories);
	build_lists(b);
	return TRUE;
}

/* Reads the counts into new topics; the window is read when asked for. */
static gboolean
load_counts(struct fw_browse *b, struct fw_store *s, GHashTable *mutes, GError **error)
{
	g_autoptr(GPtrArray) counts =
		g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_browse_count_free);
	GPtrArray *topics;

	if (!fw_store_browse_counts(s, counts, error))
		return FALSE;
	window_drop(b);
	topics = topics_make(b, counts, mutes);
	g_ptr_array_unref(b->topics);
	b->topics = topics;
	return TRUE;
}

gboolean
fw_browse_load(struct fw_browse *b, struct fw_store *s, gint64 now, GError **error)
{
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) items = NULL;

	if (!fw_store_mutes(s, now, mutes, error))
		return FALSE;
	if (b->filter != NULL && (items = filter_items(s, b->filter, error)) == NULL)
		return FALSE;
	b->now = now;
	if (items != NULL) {
		GHashTable *old = b->filter_items;

		b->filter_items = items;
		if (!load_all(b, s, mutes, error)) {
			b->filter_items = old;
			return FALSE;
		}
		g_steal_pointer(&items);
		if (old != NULL)
			g_hash_table_unref(old);
		return TRUE;
	}
	return load_counts(b, s, mutes, error);
}

/* Reads the counts again after a write (no filter) and puts them in the
 * topics; with a filter, counts the stories held. */
static gboolean
counts_again(struct fw_browse *b, struct fw_store *s, GError **error)
{
	g_autoptr(GPtrArray) counts = NULL;

	if (b->filter != NULL) {
		count_unread(b);
		return TRUE;
	}
	counts = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_browse_count_free);
	if (!fw_store_browse_counts(s, counts, error))
		return FALSE;
	for (guint i = 0; i < b->topics->len; i++) {
		struct fw_browse_topic *t = b->topics->pdata[i];

		t->total = t->unread = 0;
		for (guint k = 0; k < counts->len; k++) {
			const struct fw_browse_count *c = counts->pdata[k];

			if (g_strcmp0(c->topic, t->key) == 0) {
				t->total = (guint)c->stories;
				t->unread = (guint)c->unread;
			}
		}
	}
	return TRUE;
}

/* ---- the window -------------------------------------------------------- */

/* Reads pages q and q + 1 of t's list into the window (the pages before q
 * must have been read: their last story starts it); records where they end.
 * FALSE with error. */
static gboolean
window_read(struct fw_browse *b, struct fw_store *s, struct fw_browse_topic *t, guint q,
            GError **error)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) stories = g_ptr_array_new_with_free_func(story_free);
	char *one[2] = { t->key, NULL };
	struct fw_hit_filter f = { .stories = TRUE, .limit = 2 * FW_BROWSE_PAGE,
	                           .topics = t->key != NULL ? one : NULL };

	g_assert(q <= b->page_ends->len);
	if (q > 0) {
		const struct fw_browse_mark *m = &g_array_index(b->page_ends, struct fw_browse_mark, q - 1);

		f.page_time = m->at;
		f.page_story = m->story;
	}
	if (!fw_store_hits(s, &f, rows, error))
		return FALSE;
	group_rows(rows, t->key, stories);
	g_ptr_array_sort(stories, story_cmp);
	if (!b->win_set || g_strcmp0(b->win_topic, t->key) != 0) {
		window_drop(b);
		g_free(b->win_topic);
		b->win_topic = g_strdup(t->key);
	}
	b->win_set = TRUE;
	/* a full page's last story starts the next (none after a page not full) */
	for (guint k = 0; k < 2 && stories->len >= (k + 1) * FW_BROWSE_PAGE; k++) {
		const struct fw_browse_story *st = stories->pdata[(k + 1) * FW_BROWSE_PAGE - 1];
		struct fw_browse_mark m = { st->at, ((struct fw_hit_row *)st->hits->pdata[0])->story };

		if (q + k < b->page_ends->len)
			g_array_index(b->page_ends, struct fw_browse_mark, q + k) = m;
		else
			g_array_append_val(b->page_ends, m);
	}
	g_hash_table_remove_all(b->by_key);
	g_ptr_array_set_size(b->stories, 0);
	for (guint i = 0; i < b->topics->len; i++)
		g_ptr_array_set_size(((struct fw_browse_topic *)b->topics->pdata[i])->stories, 0);
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		g_hash_table_insert(b->by_key, st->key, st);
		g_ptr_array_add(b->stories, st);
		g_ptr_array_add(t->stories, st);
		stories->pdata[i] = NULL;
	}
	t->first = q * FW_BROWSE_PAGE;
	stories_name(b, b->stories);
	return TRUE;
}

struct fw_browse_story *
fw_browse_topic_story(struct fw_browse *b, struct fw_store *s, struct fw_browse_topic *t,
                      guint i, GError **error)
{
	guint p = i / FW_BROWSE_PAGE, p0 = t->first / FW_BROWSE_PAGE, q = p;
	gboolean loaded = b->filter != NULL ||
	                  (b->win_set && g_strcmp0(b->win_topic, t->key) == 0 && t->stories->len > 0);

	if (i >= t->total)
		return NULL;
	if (loaded && i >= t->first && i - t->first < t->stories->len)
		return t->stories->pdata[i - t->first];
	if (b->filter != NULL)
		return NULL;
	if (!b->win_set || g_strcmp0(b->win_topic, t->key) != 0)
		window_drop(b);
	else if (loaded && p == p0 + 2)
		q = p - 1;   /* moving down: the page before stays in the window */
	/* the pages before q, never read: read them on the way (their ends) */
	while (b->page_ends->len < q) {
		guint had = b->page_ends->len;

		if (!window_read(b, s, t, had, error))
			return NULL;
		if (b->page_ends->len == had)
			return NULL;   /* the list ended before (it changed meanwhile) */
	}
	if (!window_read(b, s, t, q, error))
		return NULL;
	if (i >= t->first && i - t->first < t->stories->len)
		return t->stories->pdata[i - t->first];
	return NULL;
}

/* ---- finding ----------------------------------------------------------- */

struct fw_browse_story *
fw_browse_story_find(struct fw_browse *b, const char *key)
{
	return key != NULL ? g_hash_table_lookup(b->by_key, key) : NULL;
}

struct fw_browse_topic *
fw_browse_topic_find(struct fw_browse *b, const char *key)
{
	int i = topic_pos(b->topics, key);

	return i >= 0 ? b->topics->pdata[i] : NULL;
}

int
fw_browse_topic_index(const struct fw_browse_topic *t, const struct fw_browse_story *st)
{
	for (guint i = 0; st != NULL && i < t->stories->len; i++)
		if (t->stories->pdata[i] == st)
			return (int)(t->first + i);
	return -1;
}

/* ---- marking read and muting ------------------------------------------- */

/* Writes read to every hit of the stories (struct fw_browse_story *) in one
 * transaction; then to the model and its counts. */
static gboolean
stories_set_read(struct fw_browse *b, struct fw_store *s, GPtrArray *stories, gboolean read,
                 GError **error)
{
	if (!fw_store_begin(s, error))
		return FALSE;
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		for (guint k = 0; k < st->hits->len; k++) {
			struct fw_hit_row *r = st->hits->pdata[k];
			g_autoptr(GError) err = NULL;

			if (r->read == read)
				continue;
			/* A hit pruned meanwhile is no reason to fail. */
			if (!fw_store_hit_set_read(s, r->id, read, &err) &&
			    !g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND)) {
				g_propagate_error(error, g_steal_pointer(&err));
				fw_store_rollback(s);
				return FALSE;
			}
		}
	}
	if (!fw_store_commit(s, error))
		return FALSE;
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		for (guint k = 0; k < st->hits->len; k++)
			((struct fw_hit_row *)st->hits->pdata[k])->read = read;
	}
	return counts_again(b, s, error);
}

gboolean
fw_browse_story_set_read(struct fw_browse *b, struct fw_store *s, struct fw_browse_story *st,
                         gboolean read, GError **error)
{
	g_autoptr(GPtrArray) one = g_ptr_array_new();

	g_ptr_array_add(one, st);
	return stories_set_read(b, s, one, read, error);
}

gboolean
fw_browse_topic_set_read(struct fw_browse *b, struct fw_store *s, struct fw_browse_topic *t,
                         guint *changed, GError **error)
{
	g_autoptr(GPtrArray) unread = g_ptr_array_new();
	gint64 n = 0;

	if (b->filter == NULL) {
		/* the whole list, in the store; then the window's rows */
		if (!fw_store_topic_set_read(s, t->key, TRUE, &n, error))
			return FALSE;
		for (guint i = 0; i < b->stories->len; i++) {
			struct fw_browse_story *st = b->stories->pdata[i];

			for (guint k = 0; fw_browse_story_has_topic(st, t->key) && k < st->hits->len; k++)
				((struct fw_hit_row *)st->hits->pdata[k])->read = TRUE;
		}
		if (changed != NULL)
			*changed = (guint)n;
		return counts_again(b, s, error);
	}
	for (guint i = 0; i < t->stories->len; i++)
		if (fw_browse_story_unread(t->stories->pdata[i], NULL))
			g_ptr_array_add(unread, t->stories->pdata[i]);
	if (changed != NULL)
		*changed = unread->len;
	return unread->len == 0 || stories_set_read(b, s, unread, TRUE, error);
}

gboolean
fw_browse_topic_mute(struct fw_browse *b, struct fw_store *s, struct fw_browse_topic *t,
                     gint64 until, gint64 now, GError **error)
{
	g_return_val_if_fail(t->key != NULL, FALSE);
	if (!fw_store_mute_set(s, t->key, until, now, error))
		return FALSE;
	t->muted_until = until > now ? until : 0;
	return TRUE;
}
