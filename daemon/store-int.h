/* store-int — what store.c (the dispatch) shares with its two backends,
 * store-sqlite.c and store-pg.c: the store's struct and the ops table.
 * Private to daemon/store*.c. Every op has the meaning of the fw_store_
 * function of the same name in include/feedwatch/store.h. */
#ifndef FW_STORE_INT_H
#define FW_STORE_INT_H

#include <json-glib/json-glib.h>

#include "feedwatch/store.h"

struct sqlite3;
struct sqlite3_stmt;
struct fw_pg;

/* The writes of fw_store_topics_learn, each a no-op when another writer got
 * there first: insert a new key (nothing if it is there), give a key kept
 * without a query its query, change a key's query (nothing if it has it). */
enum fw_store_topic_write {
	FW_STORE_TOPIC_LEARN,
	FW_STORE_TOPIC_ADOPT,
	FW_STORE_TOPIC_CHANGE,
};

/* What the topics table says of a key and query (fw_store_ops.topics_get). */
enum {
	FW_STORE_TOPIC_KNOWN = 1,   /* a row */
	FW_STORE_TOPIC_UNSET = 2,   /* without a query (met before schema 12) */
	FW_STORE_TOPIC_SAME = 4,    /* with this query */
};

struct fw_store_ops {
	const char *name;   /* "sqlite", "postgresql" */
	void (*free)(struct fw_store *s);
	void (*set_busy_timeout)(struct fw_store *s, int ms);
	void (*set_mmap)(struct fw_store *s, gint64 bytes);
	void (*set_durable)(struct fw_store *s, gboolean durable);
	gboolean (*begin)(struct fw_store *s, GError **error);
	gboolean (*commit)(struct fw_store *s, GError **error);
	void (*rollback)(struct fw_store *s);
	gboolean (*savepoint)(struct fw_store *s, GError **error);
	gboolean (*release)(struct fw_store *s, GError **error);
	void (*rollback_to)(struct fw_store *s);
	gboolean (*group_begin)(struct fw_store *s, GError **error);
	gboolean (*group_end)(struct fw_store *s, GError **error);
	gboolean (*feed_get)(struct fw_store *s, const char *key, const char *url,
	                     struct fw_feed_state *st, GError **error);
	gboolean (*feed_polled)(struct fw_store *s, gint64 feed_id, gint64 now,
	                        const struct fw_poll_record *rec, GError **error);
	gboolean (*feed_statuses)(struct fw_store *s, GPtrArray *out, GError **error);
	gboolean (*feed_claim)(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
	                       gboolean anytime, gboolean *claimed, gint64 *retry,
	                       GError **error);
	gboolean (*host_pause)(struct fw_store *s, const char *host, gint64 until, GError **error);
	gboolean (*host_pauses)(struct fw_store *s, gint64 now, GHashTable *out, GError **error);
	gboolean (*poller_beat)(struct fw_store *s, gint64 started, gint64 now, gint64 every,
	                        const char *version, GError **error);
	gboolean (*poller_leave)(struct fw_store *s, GError **error);
	gboolean (*pollers)(struct fw_store *s, GPtrArray *out, GError **error);
	gboolean (*feed_claim_keep)(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
	                            gboolean *held, GError **error);
	/* *has: whether feed_id has any stored item (fw_store_unit_look) */
	gboolean (*feed_has_items)(struct fw_store *s, gint64 feed_id, gboolean *has, GError **error);
	gboolean (*item_put)(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
	                     const char *hash, GBytes *body, gint64 now, gint64 *item_rowid,
	                     enum fw_item_state *state, GError **error);
	gboolean (*hit_exists)(struct fw_store *s, gint64 item_rowid, const char *topic);
	gboolean (*story_notified)(struct fw_store *s, gint64 item_rowid, const char *topic,
	                           gboolean other_feeds);
	gboolean (*hit_add)(struct fw_store *s, const struct fw_hit_new *h, guint channels,
	                    gint64 now, gint64 *hit_id, GError **error);
	gboolean (*outbox_due)(struct fw_store *s, gint64 now, guint limit, GPtrArray *out,
	                       GError **error);
	gboolean (*outbox_done)(struct fw_store *s, gint64 outbox_id, gboolean ok,
	                        const char *error_text, gint64 now, GError **error);
	gboolean (*hits)(struct fw_store *s, const struct fw_hit_filter *filter, GPtrArray *out,
	                 GError **error);
	gboolean (*hits_foreach)(struct fw_store *s, const struct fw_hit_filter *filter,
	                         fw_store_hit_cb cb, gpointer data, GError **error);
	gboolean (*hits_count)(struct fw_store *s, gint64 since, gint64 *count, GError **error);
	gboolean (*story_hits)(struct fw_store *s, gint64 hit_id, GPtrArray *out, GError **error);
	gboolean (*story_set_read)(struct fw_store *s, gint64 hit_id, gboolean read,
	                           gint64 *changed, GError **error);
	struct fw_hit_row *(*hit_get)(struct fw_store *s, gint64 hit_id, GError **error);
	gboolean (*hit_set_read)(struct fw_store *s, gint64 hit_id, gboolean read, GError **error);
	gboolean (*hits_set_read_all)(struct fw_store *s, char **topics, gboolean read,
	                              gint64 *changed, GError **error);
	gboolean (*mute_set)(struct fw_store *s, const char *topic, gint64 until, gint64 now,
	                     GError **error);
	gboolean (*mutes)(struct fw_store *s, gint64 now, GHashTable *out, GError **error);
	gboolean (*prune)(struct fw_store *s, gint64 before, gint64 *deleted, GError **error);
	gboolean (*prune_hits)(struct fw_store *s, gint64 before, gint64 *deleted, GError **error);
	gboolean (*maintain)(struct fw_store *s, GError **error);
	void (*release_memory)(struct fw_store *s);
	struct fw_store_packer *(*packer)(struct fw_store *s);   /* NULL: text kept as text */
	gboolean (*dict_waiting)(struct fw_store *s);            /* NULL: no dictionary */
	gboolean (*items_foreach)(struct fw_store *s, gint64 since, fw_store_item_cb cb,
	                          gpointer data, GError **error);
	gboolean (*current_items_foreach)(struct fw_store *s, fw_store_item_cb cb, gpointer data,
	                                  GError **error);
	/* fw_store_topics_learn's two steps: what the table says of each
	 * keys[i] with queries[i] (states[i], FW_STORE_TOPIC_* bits), and one
	 * conditional write of one (*wrote: a row changed) */
	gboolean (*topics_get)(struct fw_store *s, char *const *keys, char *const *queries,
	                       guint n, guint8 *states, GError **error);
	gboolean (*topic_write)(struct fw_store *s, enum fw_store_topic_write what, const char *key,
	                        const char *query, gint64 now, gboolean *wrote, GError **error);
	/* NULL, or FW_STORE_TOPIC_LEARN of n keys at once, in their order
	 * (wrote[i]: keys[i]'s row was made): a server's round trips */
	gboolean (*topics_learn)(struct fw_store *s, char *const *keys, char *const *queries,
	                         guint n, gint64 now, guint8 *wrote, GError **error);
	gboolean (*browse_version)(struct fw_store *s, gint64 *version, GError **error);
	char *(*browse_signature)(struct fw_store *s, GError **error);
	gboolean (*browse_items_foreach)(struct fw_store *s, fw_store_item_cb cb, gpointer data,
	                                 GError **error);
	gboolean (*browse_counts)(struct fw_store *s, GPtrArray *out, GError **error);
	gboolean (*topic_set_read)(struct fw_store *s, const char *topic, gboolean read,
	                           gint64 *changed, GError **error);
	/* Team mode only (NULL on SQLite). */
	void (*set_subscriber)(struct fw_store *s, const char *name);
	gboolean (*subscribe)(struct fw_store *s, char **topics, const char *configured,
	                      gint64 now, gboolean *fresh, GError **error);
	gboolean (*listen)(struct fw_store *s, int *fd, GError **error);
	gboolean (*heard)(struct fw_store *s, guint *count);
	guint (*connection)(struct fw_store *s);
	gboolean (*subscribers)(struct fw_store *s, GPtrArray *out, GError **error);
};

/* What the open unit put: a unit is a transaction, or a poll's savepoint
 * within a group (fw_store_savepoint). Both backends' item_put find items
 * through it (docs/design.md section 4, "A new feed's first poll"). */
struct fw_store_unit {
	GHashTable *touched;   /* item row ids put in it */
	gint64 feed;           /* the feed of its first item, or 0 before one */
	gboolean fresh;        /* that feed had no stored items then */
	GHashTable *keys;      /* that feed's item_keys put in it -> row id, when fresh */
};

/* Makes u empty; frees what it holds (store.c). */
void fw_store_unit_init(struct fw_store_unit *u);
void fw_store_unit_clear(struct fw_store_unit *u);
/* Forgets what the unit put, as it ends (commit, release, rollback) or begins. */
void fw_store_unit_reset(struct fw_store_unit *u);
/* For an item put in a transaction: *fresh when feed_id is the unit's first
 * feed and had no stored item then (asked once a unit, ops->feed_has_items),
 * and then *seen, the row item_key was put as in this unit, or 0; FALSE with
 * error if the database cannot be read. fw_store_unit_add notes one put
 * (touched always, keys when fresh). */
struct fw_store;
gboolean fw_store_unit_look(struct fw_store *s, gint64 feed_id, const char *item_key,
                            gboolean *fresh, gint64 *seen, GError **error);
void fw_store_unit_add(struct fw_store_unit *u, const char *item_key, gint64 rowid, gboolean fresh);

/* One store. The first five fields are both backends'; db to wmodels are
 * SQLite's (store-sqlite.c), pg PostgreSQL's (store-pg.c). */
struct fw_store {
	const struct fw_store_ops *ops;
	char *path;            /* named in messages: the file, or the connection
	                          string as status shows it (fw_config_database_shown) */
	struct fw_store_unit unit; /* what the open unit put */
	gboolean group;        /* the open transaction is a group (fw_store_group_begin) */
	char *poller;          /* this process: host:pid */
	struct sqlite3 *db;
	struct sqlite3_stmt **stmts;
	struct ZSTD_CCtx_s *zc;   /* items' bodies, made on first use */
	struct ZSTD_DCtx_s *zd;
	struct fw_store_packer *packer; /* the dictionary bodies are packed with
	                             (a reference, shared with workers), or NULL */
	struct fw_store_packer *plain; /* the workers' packer while there is none */
	gboolean dict_looked;     /* the stored dictionary was looked for */
	guint dict_pending;       /* the ID of a dictionary written in the open
	                             transaction: used once committed (dict_settle) */
	GByteArray *samples;      /* bodies packed without a dictionary, to train one */
	GThread *dict_thread;     /* training one from them, or NULL (dict_collect) */
	struct dict_job *dict_job; /* its job, the thread's until it is done */
	GArray *sample_sizes;     /* of size_t */
	GHashTable *ddicts;       /* dictionary ID -> ZSTD_DDict *, for reading */
	GHashTable *wmodels;      /* model ID -> struct fw_wordpack *, for reading */
	struct fw_pg *pg;
};

extern const struct fw_store_ops fw_store_sqlite_ops;
extern const struct fw_store_ops fw_store_pg_ops;

/* The backends' openers: a new store or NULL with error. */
struct fw_store *fw_store_sqlite_open(const char *path, GError **error);
struct fw_store *fw_store_sqlite_open_readonly(const char *path, GError **error);
struct fw_store *fw_store_pg_open(const char *conninfo, gboolean readonly, GError **error);
gboolean fw_store_pg_check(const char *conninfo, GError **error);

/* Shared helpers (store.c). */

/* The categories as a JSON array of strings (new). */
char *fw_store_categories_json(const GPtrArray *cats);
/* Parses a categories column (JSON array) into a new array of strings. */
GPtrArray *fw_store_categories_parse(const char *json);
/* The story key of an item whose link another item of its document has
 * under another title (fw_item.link_shared: a press office whose items all
 * link to one page): canon, a newline and the title ("" for none), new;
 * docs/design.md section 3, "The same story in several feeds". */
char *fw_store_story_link(const char *canon, const char *title);
/* Folds a string for case-insensitive search (new). */
char *fw_store_search_fold(const char *text);

/* The backends' row takers for fw_store_hits (appends the row to the
 * GPtrArray data) and fw_store_hits_foreach (data a struct
 * fw_store_hit_call: calls its callback with the borrowed row); TRUE to go on. */
struct fw_store_hit_call {
	fw_store_hit_cb cb;
	gpointer data;
};
gboolean fw_store_hit_append(struct fw_hit_row *row, gpointer data);
gboolean fw_store_hit_call(struct fw_hit_row *row, gpointer data);

/* The stories of a listing (fw_store_hits with stories) chosen from rows of
 * (story, time) in a query's order: every row (a GROUP BY's, walk FALSE), or
 * a walk of the hits newest first that stops after the limit's story and
 * the stories of its time (a story first met is at its latest time). */
struct fw_store_stories {
	GArray *found;       /* of struct { gint64 story, t; }, in the rows' order */
	GHashTable *seen;    /* the story numbers met */
	gboolean walk;
	guint limit;
	gint64 cut;          /* the time of the limit's story once met */
	/* NULL, or TRUE to leave out a story first met at t (a page's stories
	 * listed before); set after init */
	gboolean (*skip)(gint64 story, gint64 t, gpointer data);
	gpointer skip_data;
};
void fw_store_stories_init(struct fw_store_stories *st, gboolean walk, guint limit);
/* Takes one row; FALSE when the walk is past what it needs (stop reading). */
gboolean fw_store_stories_add(struct fw_store_stories *st, gint64 story, gint64 t);
/* The stories chosen, in order, as numbers joined by commas between open and
 * close ("[1,2]" for SQLite's json_each, "{1,2}" for a PostgreSQL array);
 * frees st's parts. */
char *fw_store_stories_end(struct fw_store_stories *st, char open, char close);

/* An item's body before compression (SQLite, schema 6): GVariant's
 * serialisation of (msmsas), summary, content (each cut to
 * FW_STORE_TEXT_MAX, made valid UTF-8) and categories; NULL when there is no
 * text at all. Any thread. */
GBytes *fw_store_body_serialise(const char *summary, const char *content, const GPtrArray *cats);

#endif
