/* store — the dispatch: fw_store_open picks a backend by the database
 * string (store-sqlite.c for a path, store-pg.c for a PostgreSQL connection
 * string) and every fw_store_ call goes to its ops table (store-int.h); and
 * what both backends share. See include/feedwatch/store.h. */
#include <string.h>
#include <unistd.h>

#include "store-int.h"
#include "feedwatch/config.h"

G_DEFINE_QUARK(fw-store-error-quark, fw_store_error)

gboolean fw_store_is_pg(const char *database)
{
	return fw_config_database_is_pg(database);
}

gboolean fw_store_database_check(const char *database, GError **error)
{
	return !fw_store_is_pg(database) || fw_store_pg_check(database, error);
}

struct fw_store *fw_store_open(const char *database, GError **error)
{
	g_return_val_if_fail(database != NULL, NULL);
	if (fw_store_is_pg(database))
		return fw_store_pg_open(database, FALSE, error);
	return fw_store_sqlite_open(database, error);
}

struct fw_store *fw_store_open_readonly(const char *database, GError **error)
{
	g_return_val_if_fail(database != NULL, NULL);
	/* The server decides what this role may write; the schema is only read. */
	if (fw_store_is_pg(database))
		return fw_store_pg_open(database, TRUE, error);
	return fw_store_sqlite_open_readonly(database, error);
}

const char *fw_store_backend(struct fw_store *s)
{
	return s->ops->name;
}

gboolean fw_store_is_team(struct fw_store *s)
{
	return s->ops->feed_claim != NULL;
}

void fw_store_free(struct fw_store *s)
{
	if (s) {
		g_free(s->poller);
		s->ops->free(s);
	}
}

gboolean fw_store_feed_claim(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
                             gboolean anytime, gboolean *claimed, gint64 *retry,
                             GError **error)
{
	*claimed = TRUE;
	*retry = 0;
	if (!s->ops->feed_claim)
		return TRUE;
	return s->ops->feed_claim(s, feed_id, now, lease, anytime, claimed, retry, error);
}

gboolean fw_store_feed_claim_keep(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
                                  gboolean *held, GError **error)
{
	*held = TRUE;
	if (!s->ops->feed_claim_keep)
		return TRUE;
	return s->ops->feed_claim_keep(s, feed_id, now, lease, held, error);
}

gboolean fw_store_host_pause(struct fw_store *s, const char *host, gint64 until, GError **error)
{
	if (!s->ops->host_pause)
		return TRUE;
	return s->ops->host_pause(s, host, until, error);
}

gboolean fw_store_host_pauses(struct fw_store *s, gint64 now, GHashTable *out, GError **error)
{
	if (!s->ops->host_pauses)
		return TRUE;
	return s->ops->host_pauses(s, now, out, error);
}

void fw_store_poller_free(struct fw_store_poller *p)
{
	if (!p)
		return;
	g_free(p->name);
	g_free(p->version);
	g_free(p);
}

gboolean fw_store_poller_beat(struct fw_store *s, gint64 started, gint64 now, gint64 every,
                              const char *version, GError **error)
{
	if (!s->ops->poller_beat)
		return TRUE;
	return s->ops->poller_beat(s, started, now, every, version, error);
}

gboolean fw_store_poller_leave(struct fw_store *s, GError **error)
{
	if (!s->ops->poller_leave)
		return TRUE;
	return s->ops->poller_leave(s, error);
}

gboolean fw_store_pollers(struct fw_store *s, GPtrArray *out, GError **error)
{
	if (!s->ops->pollers)
		return TRUE;
	return s->ops->pollers(s, out, error);
}

void fw_store_set_poller_name(struct fw_store *s, const char *name)
{
	g_free(s->poller);
	s->poller = g_strdup(name);
}

const char *fw_store_poller_name(struct fw_store *s)
{
	if (!s->poller)
		s->poller = g_strdup_printf("%s:%ld", g_get_host_name(), (long)getpid());
	return s->poller;
}

void fw_store_set_subscriber(struct fw_store *s, const char *name)
{
	if (s->ops->set_subscriber)
		s->ops->set_subscriber(s, name);
}

gboolean fw_store_subscribe(struct fw_store *s, char **topics, const char *configured,
                            gint64 now, gboolean *fresh, GError **error)
{
	if (!s->ops->subscribe) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_FAILED,
		            "%s: a notifier needs a team database", s->path);
		return FALSE;
	}
	return s->ops->subscribe(s, topics, configured, now, fresh, error);
}

gboolean fw_store_listen(struct fw_store *s, int *fd, GError **error)
{
	if (!s->ops->listen) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_FAILED,
		            "%s: only a team database announces hits", s->path);
		return FALSE;
	}
	return s->ops->listen(s, fd, error);
}

gboolean fw_store_heard(struct fw_store *s, guint *count)
{
	*count = 0;
	return s->ops->heard ? s->ops->heard(s, count) : TRUE;
}

guint fw_store_connection(struct fw_store *s)
{
	return s->ops->connection ? s->ops->connection(s) : 0;
}

void fw_store_subscriber_status_free(struct fw_subscriber_status *st)
{
	if (st) {
		g_free(st->name);
		g_free(st->topics);
		g_free(st);
	}
}

gboolean fw_store_subscribers(struct fw_store *s, GPtrArray *out, GError **error)
{
	return s->ops->subscribers ? s->ops->subscribers(s, out, error) : TRUE;
}

/* ---- the backend's ops ------------------------------------------------ */

void fw_store_set_busy_timeout(struct fw_store *s, int ms)
{
	s->ops->set_busy_timeout(s, ms);
}

void fw_store_set_mmap(struct fw_store *s, gint64 bytes)
{
	if (s->ops->set_mmap)
		s->ops->set_mmap(s, bytes);
}

void fw_store_set_durable(struct fw_store *s, gboolean durable)
{
	s->ops->set_durable(s, durable);
}

gboolean fw_store_begin(struct fw_store *s, GError **error)
{
	return s->ops->begin(s, error);
}

gboolean fw_store_commit(struct fw_store *s, GError **error)
{
	return s->ops->commit(s, error);
}

void fw_store_rollback(struct fw_store *s)
{
	if (s)
		s->ops->rollback(s);
}

gboolean fw_store_savepoint(struct fw_store *s, GError **error)
{
	return s->ops->savepoint(s, error);
}

gboolean fw_store_release(struct fw_store *s, GError **error)
{
	return s->ops->release(s, error);
}

void fw_store_rollback_to(struct fw_store *s)
{
	s->ops->rollback_to(s);
}

gboolean fw_store_group_begin(struct fw_store *s, GError **error)
{
	return s->ops->group_begin(s, error);
}

gboolean fw_store_group_end(struct fw_store *s, GError **error)
{
	return s->ops->group_end(s, error);
}

gboolean fw_store_feed_get(struct fw_store *s, const char *key, const char *url,
                           struct fw_feed_state *st, GError **error)
{
	return s->ops->feed_get(s, key, url, st, error);
}

gboolean fw_store_feed_polled(struct fw_store *s, gint64 feed_id, gint64 now,
                              const struct fw_poll_record *rec, GError **error)
{
	return s->ops->feed_polled(s, feed_id, now, rec, error);
}

gboolean fw_store_feed_statuses(struct fw_store *s, GPtrArray *out, GError **error)
{
	return s->ops->feed_statuses(s, out, error);
}

gboolean fw_store_item_put(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
                           const char *hash, gint64 now, gint64 *item_rowid,
                           enum fw_item_state *state, GError **error)
{
	return s->ops->item_put(s, feed_id, item, hash, NULL, now, item_rowid, state, error);
}

void fw_store_unit_init(struct fw_store_unit *u)
{
	u->touched = g_hash_table_new(g_direct_hash, g_direct_equal);
	u->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	u->feed = 0;
	u->fresh = FALSE;
}

void fw_store_unit_clear(struct fw_store_unit *u)
{
	g_clear_pointer(&u->touched, g_hash_table_unref);
	g_clear_pointer(&u->keys, g_hash_table_unref);
}

void fw_store_unit_reset(struct fw_store_unit *u)
{
	g_hash_table_remove_all(u->touched);
	g_hash_table_remove_all(u->keys);
	u->feed = 0;
	u->fresh = FALSE;
}

gboolean fw_store_unit_look(struct fw_store *s, gint64 feed_id, const char *item_key,
                            gboolean *fresh, gint64 *seen, GError **error)
{
	struct fw_store_unit *u = &s->unit;
	gpointer id;

	*seen = 0;
	if (u->feed == 0) {
		gboolean has;

		if (!s->ops->feed_has_items(s, feed_id, &has, error))
			return FALSE;
		u->feed = feed_id;
		u->fresh = !has;
	}
	*fresh = u->fresh && u->feed == feed_id;
	if (*fresh && g_hash_table_lookup_extended(u->keys, item_key, NULL, &id))
		*seen = GPOINTER_TO_SIZE(id);
	return TRUE;
}

void fw_store_unit_add(struct fw_store_unit *u, const char *item_key, gint64 rowid, gboolean fresh)
{
	g_hash_table_add(u->touched, GSIZE_TO_POINTER(rowid));
	if (fresh)
		g_hash_table_insert(u->keys, g_strdup(item_key), GSIZE_TO_POINTER(rowid));
}

char *fw_store_story_link(const char *canon, const char *title)
{
	return g_strconcat(canon, "\n", title ? title : "", NULL);
}

gboolean fw_store_item_put_packed(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
                                  const char *hash, GBytes *body, gint64 now,
                                  gint64 *item_rowid, enum fw_item_state *state, GError **error)
{
	return s->ops->item_put(s, feed_id, item, hash, body, now, item_rowid, state, error);
}

gboolean fw_store_dict_waiting(struct fw_store *s)
{
	return s->ops->dict_waiting ? s->ops->dict_waiting(s) : FALSE;
}

struct fw_store_packer *fw_store_packer_get(struct fw_store *s)
{
	return s->ops->packer ? s->ops->packer(s) : NULL;
}

gboolean fw_store_hit_exists(struct fw_store *s, gint64 item_rowid, const char *topic)
{
	return s->ops->hit_exists(s, item_rowid, topic);
}

gboolean fw_store_story_notified(struct fw_store *s, gint64 item_rowid, const char *topic,
                                 gboolean other_feeds)
{
	return s->ops->story_notified(s, item_rowid, topic, other_feeds);
}

gboolean fw_store_hit_add(struct fw_store *s, const struct fw_hit_new *h, guint channels,
                          gint64 now, gint64 *hit_id, GError **error)
{
	return s->ops->hit_add(s, h, channels, now, hit_id, error);
}

gboolean fw_store_outbox_due(struct fw_store *s, gint64 now, guint limit,
                             GPtrArray *out, GError **error)
{
	return s->ops->outbox_due(s, now, limit, out, error);
}

gboolean fw_store_outbox_done(struct fw_store *s, gint64 outbox_id, gboolean ok,
                              const char *error_text, gint64 now, GError **error)
{
	return s->ops->outbox_done(s, outbox_id, ok, error_text, now, error);
}

gboolean fw_store_hits(struct fw_store *s, const struct fw_hit_filter *filter,
                       GPtrArray *out, GError **error)
{
	return s->ops->hits(s, filter, out, error);
}

gboolean fw_store_hits_foreach(struct fw_store *s, const struct fw_hit_filter *filter,
                               fw_store_hit_cb cb, gpointer data, GError **error)
{
	g_autoptr(GPtrArray) rows = NULL;

	if (s->ops->hits_foreach)
		return s->ops->hits_foreach(s, filter, cb, data, error);
	/* A backend without a cursor: the rows read at once, then handed out. */
	rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	if (!s->ops->hits(s, filter, rows, error))
		return FALSE;
	for (guint i = 0; i < rows->len; i++)
		if (!cb(rows->pdata[i], data))
			break;
	return TRUE;
}

gboolean fw_store_hits_count(struct fw_store *s, gint64 since, gint64 *count, GError **error)
{
	return s->ops->hits_count(s, since, count, error);
}

gboolean fw_store_story_hits(struct fw_store *s, gint64 hit_id, GPtrArray *out, GError **error)
{
	return s->ops->story_hits(s, hit_id, out, error);
}

gboolean fw_store_story_set_read(struct fw_store *s, gint64 hit_id, gboolean read,
                                 gint64 *changed, GError **error)
{
	return s->ops->story_set_read(s, hit_id, read, changed, error);
}

struct fw_hit_row *fw_store_hit_get(struct fw_store *s, gint64 hit_id, GError **error)
{
	return s->ops->hit_get(s, hit_id, error);
}

gboolean fw_store_hit_set_read(struct fw_store *s, gint64 hit_id, gboolean read, GError **error)
{
	return s->ops->hit_set_read(s, hit_id, read, error);
}

gboolean fw_store_hits_set_read_all(struct fw_store *s, char **topics, gboolean read,
                                    gint64 *changed, GError **error)
{
	return s->ops->hits_set_read_all(s, topics, read, changed, error);
}

gboolean fw_store_mute_set(struct fw_store *s, const char *topic, gint64 until, gint64 now,
                           GError **error)
{
	return s->ops->mute_set(s, topic, until, now, error);
}

gboolean fw_store_mutes(struct fw_store *s, gint64 now, GHashTable *out, GError **error)
{
	return s->ops->mutes(s, now, out, error);
}

gboolean fw_store_prune(struct fw_store *s, gint64 before, gint64 *deleted, GError **error)
{
	return s->ops->prune(s, before, deleted, error);
}

gboolean fw_store_prune_hits(struct fw_store *s, gint64 before, gint64 *deleted, GError **error)
{
	return s->ops->prune_hits(s, before, deleted, error);
}

gboolean fw_store_maintain(struct fw_store *s, GError **error)
{
	return s->ops->maintain(s, error);
}

void fw_store_release_memory(struct fw_store *s)
{
	s->ops->release_memory(s);
}

gboolean fw_store_items_foreach(struct fw_store *s, gint64 since, fw_store_item_cb cb,
                                gpointer data, GError **error)
{
	return s->ops->items_foreach(s, since, cb, data, error);
}

gboolean fw_store_current_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                        GError **error)
{
	return s->ops->current_items_foreach(s, cb, data, error);
}

/* A lookup a topic, where the usual case (known, same query) ends; then at
 * most one conditional write, whose result says what the topic is even when
 * another poller wrote it at once (it waited for that one's commit). */
gboolean fw_store_topics_learn(struct fw_store *s, char *const *keys, char *const *queries,
                               char *const *written, guint n, GPtrArray *learned,
                               GPtrArray *changed, GError **error)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;   /* for whoever reads the table */
	g_autofree guint8 *states = NULL, *as_written = NULL, *learnt = NULL;

	g_return_val_if_fail((keys != NULL && queries != NULL) || n == 0, FALSE);
	if (n == 0)
		return TRUE;
	/* what the table says of them all: one round trip to a server */
	states = g_new0(guint8, n);
	if (!s->ops->topics_get(s, keys, queries, n, states, error))
		return FALSE;
	/* kept as written (by a feedwatch from before canonical forms): the
	 * same query takes its canonical form silently */
	for (guint i = 0; written != NULL && i < n && !as_written; i++)
		if (states[i] == FW_STORE_TOPIC_KNOWN && strcmp(written[i], queries[i]) != 0) {
			as_written = g_new0(guint8, n);
			if (!s->ops->topics_get(s, keys, written, n, as_written, error))
				return FALSE;
		}
	/* the new ones at once where the backend can (a first start of a
	 * team's 10,000 topics: a few round trips, not 10,000) */
	if (s->ops->topics_learn != NULL) {
		g_autoptr(GPtrArray) k = g_ptr_array_new(), q = g_ptr_array_new();

		for (guint i = 0; i < n; i++)
			if (!(states[i] & FW_STORE_TOPIC_KNOWN)) {
				g_ptr_array_add(k, keys[i]);
				g_ptr_array_add(q, queries[i]);
			}
		learnt = g_new0(guint8, MAX(k->len, 1));
		if (k->len > 0 && !s->ops->topics_learn(s, (char *const *)k->pdata,
		                                        (char *const *)q->pdata, k->len, now, learnt,
		                                        error))
			return FALSE;
	}
	for (guint i = 0, l = 0; i < n; i++) {
		gboolean known = states[i] & FW_STORE_TOPIC_KNOWN, unset = states[i] & FW_STORE_TOPIC_UNSET;
		gboolean wrote = FALSE, same_written;

		if (states[i] & FW_STORE_TOPIC_SAME)
			continue;
		same_written = known && !unset && as_written && strcmp(written[i], queries[i]) != 0 &&
		               (as_written[i] & FW_STORE_TOPIC_SAME);
		/* new; met before schema 12 (takes its query silently); changed */
		if (!known && learnt != NULL)
			wrote = learnt[l++];
		else if (!s->ops->topic_write(s, !known ? FW_STORE_TOPIC_LEARN
		                              : unset ? FW_STORE_TOPIC_ADOPT : FW_STORE_TOPIC_CHANGE,
		                              keys[i], queries[i], now, &wrote, error))
			return FALSE;
		if (wrote && !unset && !same_written)
			g_ptr_array_add(known ? changed : learned, keys[i]);
	}
	return TRUE;
}

gboolean fw_store_browse_version(struct fw_store *s, gint64 *version, GError **error)
{
	return s->ops->browse_version(s, version, error);
}

char *fw_store_browse_signature(struct fw_store *s, GError **error)
{
	return s->ops->browse_signature(s, error);
}

gboolean fw_store_browse_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                       GError **error)
{
	return s->ops->browse_items_foreach(s, cb, data, error);
}

gboolean fw_store_browse_counts(struct fw_store *s, GPtrArray *out, GError **error)
{
	return s->ops->browse_counts(s, out, error);
}

void fw_store_browse_count_free(struct fw_browse_count *c)
{
	if (c) {
		g_free(c->topic);
		g_free(c->topic_name);
		g_free(c);
	}
}

gboolean fw_store_topic_set_read(struct fw_store *s, const char *topic, gboolean read,
                                 gint64 *changed, GError **error)
{
	return s->ops->topic_set_read(s, topic, read, changed, error);
}

/* ---- shared ------------------------------------------------------------ */

void fw_store_feed_state_clear(struct fw_feed_state *st)
{
	if (!st)
		return;
	g_clear_pointer(&st->etag, g_free);
	g_clear_pointer(&st->last_modified, g_free);
	g_clear_pointer(&st->title, g_free);
	g_clear_pointer(&st->moved_to, g_free);
	memset(st, 0, sizeof(*st));
}


void fw_store_feed_status_free(struct fw_feed_status *st)
{
	if (!st)
		return;
	g_free(st->key);
	g_free(st->url);
	g_free(st->title);
	g_free(st->error);
	g_free(st->moved_to);
	g_free(st->etag);
	g_free(st->last_modified);
	g_free(st->claimed_by);
	g_free(st);
}


/* ---- canonical links --------------------------------------------------- */

/* TRUE for query parameters that only track the reader. */
static gboolean tracking_param(const char *param, gsize len)
{
	return (len >= 4 && g_ascii_strncasecmp(param, "utm_", 4) == 0) ||
	       (len == 6 && g_ascii_strncasecmp(param, "fbclid", 6) == 0) ||
	       (len == 5 && g_ascii_strncasecmp(param, "gclid", 5) == 0);
}

/* TRUE when a parsed host holds only what a host may (RFC 3986 reg-name,
 * IP literal, or non-ASCII for IDNs). */
static gboolean host_ok(const char *host)
{
	if (!host || !*host)
		return FALSE;
	for (const unsigned char *p = (const unsigned char *)host; *p; p++) {
		if (*p < 0x80 && !g_ascii_isalnum(*p) && !strchr("-._~%!$&'()*+,;=:[]", *p))
			return FALSE;
	}
	return TRUE;
}

/* Upper-cases the hex digits of %-escapes in place. */
static void upcase_escapes(char *p)
{
	for (; *p; p++) {
		if (p[0] == '%' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
			p[1] = g_ascii_toupper(p[1]);
			p[2] = g_ascii_toupper(p[2]);
			p += 2;
		}
	}
}

char *fw_store_canonical_link(const char *url)
{
	g_autoptr(GUri) uri = NULL;
	g_autofree char *scheme = NULL, *host = NULL, *path = NULL;
	g_autoptr(GString) query = NULL;
	const char *q;
	int port;

	if (!url)
		return NULL;
	uri = g_uri_parse(url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
	if (!uri || !host_ok(g_uri_get_host(uri)))
		return g_strdup(url);
	scheme = g_ascii_strdown(g_uri_get_scheme(uri), -1);
	host = g_ascii_strdown(g_uri_get_host(uri), -1);
	port = g_uri_get_port(uri);
	if ((port == 80 && !strcmp(scheme, "http")) || (port == 443 && !strcmp(scheme, "https")))
		port = -1;
	path = g_strdup(g_uri_get_path(uri));
	upcase_escapes(path);
	for (gsize n = strlen(path); n > 0 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';

	q = g_uri_get_query(uri);
	if (q) {
		g_auto(GStrv) params = g_strsplit(q, "&", -1);

		query = g_string_new(NULL);
		for (char **p = params; *p; p++) {
			gsize name_len = strcspn(*p, "=");

			if (!**p || tracking_param(*p, name_len))
				continue;
			if (query->len)
				g_string_append_c(query, '&');
			g_string_append(query, *p);
		}
		upcase_escapes(query->str);
	}
	return g_uri_join(G_URI_FLAGS_ENCODED, scheme, g_uri_get_userinfo(uri), host, port,
	                  path, query && query->len ? query->str : NULL, NULL);
}


/* The categories as a JSON array of strings. */
char *fw_store_categories_json(const GPtrArray *cats)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_array(b);
	for (guint i = 0; cats && i < cats->len; i++) {
		const char *c = g_ptr_array_index(cats, i);

		if (c)
			json_builder_add_string_value(b, c);
	}
	json_builder_end_array(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	return json_generator_to_data(gen, NULL);
}


void fw_store_outbox_row_free(struct fw_outbox_row *r)
{
	if (!r)
		return;
	g_free(r->topic);
	g_free(r->topic_name);
	g_free(r->feed_title);
	g_free(r->title);
	g_free(r->link);
	g_free(r->snippet);
	g_free(r->marks_json);
	g_free(r);
}


/* Parses the categories column (JSON array) into a new array of strings. */
GPtrArray *fw_store_categories_parse(const char *json)
{
	GPtrArray *cats = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(JsonParser) p = NULL;
	JsonNode *root;
	JsonArray *a;

	if (!json || !*json)
		return cats;
	p = json_parser_new_immutable();
	if (!json_parser_load_from_data(p, json, -1, NULL))
		return cats;
	root = json_parser_get_root(p);
	if (!root || !JSON_NODE_HOLDS_ARRAY(root))
		return cats;
	a = json_node_get_array(root);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);

		if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
			g_ptr_array_add(cats, g_strdup(json_node_get_string(n)));
	}
	return cats;
}


/* Folds a string for case-insensitive search. */
char *fw_store_search_fold(const char *text)
{
	g_autofree char *valid = g_utf8_make_valid(text, -1);
	g_autofree char *folded = g_utf8_casefold(valid, -1);

	return g_utf8_normalize(folded, -1, G_NORMALIZE_ALL);
}

gboolean fw_store_hit_append(struct fw_hit_row *row, gpointer data)
{
	g_ptr_array_add(data, row);
	return TRUE;
}

gboolean fw_store_hit_call(struct fw_hit_row *row, gpointer data)
{
	struct fw_store_hit_call *c = data;

	return c->cb(row, c->data);
}

/* ---- the stories of a listing --------------------------------------------- */

struct story_at {
	gint64 story, t;
};

static int story_at_newest_first(gconstpointer a, gconstpointer b)
{
	const struct story_at *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? 1 : -1;
	return x->story < y->story ? 1 : x->story > y->story ? -1 : 0;
}

void fw_store_stories_init(struct fw_store_stories *st, gboolean walk, guint limit)
{
	st->found = g_array_new(FALSE, FALSE, sizeof(struct story_at));
	st->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	st->walk = walk;
	st->limit = limit;
	st->cut = G_MININT64;
	st->skip = NULL;
	st->skip_data = NULL;
}

gboolean fw_store_stories_add(struct fw_store_stories *st, gint64 story, gint64 t)
{
	struct story_at a = { story, t };

	if (!st->walk) {
		g_array_append_val(st->found, a);
		return TRUE;
	}
	/* past the limit's story and the stories of its time */
	if (t < st->cut)
		return FALSE;
	if (!g_hash_table_contains(st->seen, &story)) {
		g_hash_table_add(st->seen, g_memdup2(&story, sizeof story));
		if (st->skip != NULL && st->skip(story, t, st->skip_data))
			return TRUE;
		g_array_append_val(st->found, a);
		if (st->found->len == st->limit)
			st->cut = t;
	}
	return TRUE;
}

char *fw_store_stories_end(struct fw_store_stories *st, char open, char close)
{
	GString *out = g_string_new(NULL);

	if (st->walk) {
		g_array_sort(st->found, story_at_newest_first);
		if (st->found->len > st->limit)
			g_array_set_size(st->found, st->limit);
	}
	g_string_append_c(out, open);
	for (guint i = 0; i < st->found->len; i++)
		g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i ? "," : "",
		                       g_array_index(st->found, struct story_at, i).story);
	g_string_append_c(out, close);
	g_array_unref(st->found);
	g_hash_table_unref(st->seen);
	st->found = NULL;
	st->seen = NULL;
	return g_string_free(out, FALSE);
}
