/* browse-model — the hit log as `feedwatch browse` shows it: topics with
 * their unread counts, stories, the filter, marking read and muting. See
 * cli/browse.h. */
#include <string.h>

#include "feedwatch/match.h"
#include "feedwatch/topic.h"

#include "browse.h"

/* ---- stories and topics ------------------------------------------------ */

static void
story_free(gpointer p)
{
	struct fw_browse_story *st = p;

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
	g_free(b);
}

/* The key of an item: its feed and id. Caller frees. */
static char *
item_key(const char *feed, const char *item_id)
{
	return g_strdup_printf("%s\x1f%s", feed ? feed : "", item_id ? item_id : "");
}

/* The story key of a hit: its link made canonical, else its item. */
static char *
story_key(const struct fw_hit_row *r)
{
	if (r->link != NULL && *r->link != '\0')
		return fw_store_canonical_link(r->link);
	return item_key(r->feed, r->item_id);
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

/* Newest first: by when, then by the lead's id. */
static gint
story_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_browse_story *x = *(struct fw_browse_story *const *)a;
	const struct fw_browse_story *y = *(struct fw_browse_story *const *)b;
	gint64 xi = ((struct fw_hit_row *)x->hits->pdata[0])->id;
	gint64 yi = ((struct fw_hit_row *)y->hits->pdata[0])->id;

	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
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

/* Counts each topic's unread stories again. */
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

/* Which stories the filter shows, and each topic's list of them. */
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

	fw_doc_from_item(&doc, item, feed_title, &cats);
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
	struct fw_query *q = NULL;
	GHashTable *items = NULL;

	if (*trimmed != '\0') {
		if ((q = fw_query_parse(trimmed, err_col, error)) == NULL)
			return FALSE;
		if ((items = filter_items(s, q, error)) == NULL) {
			fw_query_free(q);
			return FALSE;
		}
	}
	fw_query_free(b->filter);
	g_free(b->filter_text);
	if (b->filter_items != NULL)
		g_hash_table_unref(b->filter_items);
	b->filter = q;
	b->filter_items = items;
	b->filter_text = q != NULL ? g_steal_pointer(&trimmed) : NULL;
	build_lists(b);
	return TRUE;
}

/* ---- loading ----------------------------------------------------------- */

gboolean
fw_browse_load(struct fw_browse *b, struct fw_store *s, gint64 now, GError **error)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GHashTable) mutes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) items = NULL;
	struct fw_hit_filter f = { .oldest_first = TRUE };
	GPtrArray *stories, *topics;
	GHashTable *by_key;

	if (!fw_store_hits(s, &f, rows, error) || !fw_store_mutes(s, now, mutes, error))
		return FALSE;
	if (b->filter != NULL && (items = filter_items(s, b->filter, error)) == NULL)
		return FALSE;

	/* Topics: All, the config's, then those only the hit log knows. */
	topics = g_ptr_array_new_with_free_func(topic_free);
	g_ptr_array_add(topics, topic_new(NULL, "All topics"));
	for (guint i = 0; i < b->conf_topics->len; i++) {
		const struct fw_browse_topic *t = b->conf_topics->pdata[i];

		g_ptr_array_add(topics, topic_new(t->key, t->name));
	}
	/* Stories: hits grouped by story key, oldest hit first. */
	stories = g_ptr_array_new_with_free_func(story_free);
	by_key = g_hash_table_new(g_str_hash, g_str_equal);
	b->max_hit_id = 0;
	for (guint i = 0; i < rows->len; i++) {
		struct fw_hit_row *r = rows->pdata[i];
		g_autofree char *key = story_key(r);
		struct fw_browse_story *st = g_hash_table_lookup(by_key, key);

		if (st == NULL) {
			st = g_new0(struct fw_browse_story, 1);
			st->key = g_steal_pointer(&key);
			st->hits = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
			g_hash_table_insert(by_key, st->key, st);
			g_ptr_array_add(stories, st);
		}
		if (topic_pos(topics, r->topic) < 0)
			g_ptr_array_add(topics, topic_new(r->topic, r->topic_name ? r->topic_name : r->topic));
		b->max_hit_id = MAX(b->max_hit_id, r->id);
		g_ptr_array_add(st->hits, rows->pdata[i]);
		rows->pdata[i] = NULL;
	}
	for (guint i = 0; i < stories->len; i++)
		story_lead(stories->pdata[i]);
	g_ptr_array_sort(stories, story_cmp);
	for (guint i = 0; i < stories->len; i++) {
		struct fw_browse_story *st = stories->pdata[i];

		st->topics = topics_names(st, topics, NULL, "");
	}
	for (guint i = 1; i < topics->len; i++) {
		struct fw_browse_topic *t = topics->pdata[i];
		gint64 *until = g_hash_table_lookup(mutes, t->key);

		t->muted_until = until != NULL ? *until : 0;
	}

	g_ptr_array_unref(b->topics);
	g_hash_table_unref(b->by_key);
	g_ptr_array_unref(b->stories);
	b->topics = topics;
	b->stories = stories;
	b->by_key = by_key;
	if (items != NULL) {
		g_hash_table_unref(b->filter_items);
		b->filter_items = g_steal_pointer(&items);
	}
	build_lists(b);
	return TRUE;
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
			return (int)i;
	return -1;
}

/* ---- marking read and muting ------------------------------------------- */

/* Writes read to every hit of the stories (struct fw_browse_story *) in one
 * transaction; then to the model. */
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
	count_unread(b);
	return TRUE;
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
