/* store — the only owner of the database: schema, migrations, feeds' poll
 * state, items, hits, outbox. Two backends behind one interface, chosen by
 * the database string at open: an SQLite file (the default, described
 * here), or PostgreSQL for a team (fw_store_is_pg; daemon/store-pg.c and
 * docs/design.md section 18: the same operations, several pollers sharing
 * the database through claims with a lease).
 *
 * SQLite in WAL mode, synchronous=NORMAL (FULL with fw_store_set_durable),
 * busy_timeout on every connection, BEGIN IMMEDIATE for writes, bound
 * parameters only, prepared statements made once. Readers (the feedwatch
 * command) never block the writer. A store is used from one thread.
 *
 * Schema: PRAGMA user_version, brought forward at open by migrations that run
 * in one write transaction. A new database gets 8 KiB pages and
 * auto_vacuum=INCREMENTAL; one made before version 2 keeps 4 KiB pages and
 * auto_vacuum=NONE until a manual VACUUM. From version 5 each hit keeps its
 * story and reader's time (hits.story, hits.rtime, indexed), kept true by
 * triggers whatever writes the tables. */
#ifndef FW_STORE_H
#define FW_STORE_H

#include <glib.h>
#include "feedwatch/feed.h"
#include "feedwatch/hit.h"

#define FW_STORE_ERROR (fw_store_error_quark())
GQuark fw_store_error_quark(void);

enum fw_store_error_code {
	FW_STORE_ERROR_OPEN,     /* cannot open or create; corrupt; too new a schema */
	FW_STORE_ERROR_BUSY,     /* locked by another writer past the busy timeout */
	FW_STORE_ERROR_FULL,     /* disk full */
	FW_STORE_ERROR_READONLY, /* read-only file or directory */
	FW_STORE_ERROR_FAILED,   /* any other SQLite error (message has it) */
	FW_STORE_ERROR_NOT_FOUND,/* no such hit (feed, outbox row) */
	FW_STORE_ERROR_EXISTS,   /* a hit for this (item, topic) is already recorded */
};

struct fw_store;

/* The schema version this code writes (PRAGMA user_version). */
#define FW_STORE_SCHEMA_VERSION 13

/* What is kept of an item's text (schema 6): its summary and its content,
 * each cut to its first FW_STORE_TEXT_MAX bytes (at a character boundary),
 * are stored with its categories as one compressed body (zstd with a
 * dictionary the database trains on its own first items, or since schema
 * 13 a word at a time with a word list learned the same way: wordpack.h);
 * matching at poll time sees the whole text, backtest and show what is
 * kept (docs/design.md section 4). */
#define FW_STORE_TEXT_MAX (16 * 1024)

/* TRUE when database (the config's `database`) names a PostgreSQL database:
 * a postgresql:// or postgres:// URI, or a libpq "key=value ..." string
 * (it starts with a word and '='); anything else is an SQLite file. */
gboolean fw_store_is_pg(const char *database);

/* TRUE when database can be given to its backend as written: a PostgreSQL
 * connection string that libpq parses (libpq loaded for it), any path.
 * Nothing is opened or connected to. FALSE with error (libpq's words). */
gboolean fw_store_database_check(const char *database, GError **error);

/* Opens the database, running migrations: an SQLite file at path (creating
 * it and its directories, 0700), or a PostgreSQL database (fw_store_is_pg:
 * the team mode, see docs/design.md section 18). Returns a new store (free
 * with fw_store_free) or NULL with error naming the database. */
struct fw_store *fw_store_open(const char *path, GError **error);

/* "sqlite" or "postgresql". */
const char *fw_store_backend(struct fw_store *s);

/* TRUE for a team database (PostgreSQL): several pollers may share it. */
gboolean fw_store_is_team(struct fw_store *s);
void fw_store_free(struct fw_store *s);   /* NULL is fine */

/* Opens an existing database read-only, for a reader that cannot write it
 * (a read-only file or folder): nothing is created or migrated, its schema
 * must be current. Reads work; any write fails with FW_STORE_ERROR_READONLY.
 * Returns a new store or NULL with error naming the path. */
struct fw_store *fw_store_open_readonly(const char *path, GError **error);

/* How long a write waits for another writer's lock before FW_STORE_ERROR_BUSY
 * (milliseconds; FW_STORE_BUSY_TIMEOUT after open). */
#define FW_STORE_BUSY_TIMEOUT 5000
void fw_store_set_busy_timeout(struct fw_store *s, int ms);

/* Reads the file through a memory map of up to bytes (PRAGMA mmap_size; 0
 * none, the default): no copy of each page read. For a reader of the whole
 * log (the tool); the daemon keeps reads through its page cache. */
void fw_store_set_mmap(struct fw_store *s, gint64 bytes);

/* durable: synchronous=FULL, every commit is on disk before it returns
 * (survives a power cut); else NORMAL (the default: a power cut may lose the
 * last commits, a crash of the process never does). Config `durable = true`. */
void fw_store_set_durable(struct fw_store *s, gboolean durable);

/* Write transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. Begin first
 * commits an open group (below): what is written in a transaction of its
 * own, such as a delivery, is never held back. */
gboolean fw_store_begin(struct fw_store *s, GError **error);
gboolean fw_store_commit(struct fw_store *s, GError **error);
void fw_store_rollback(struct fw_store *s);

/* A unit inside the open transaction (or its own transaction when none is
 * open): SAVEPOINT. Release keeps its writes (committing them when it was
 * its own transaction); rollback_to undoes them only. One at a time. */
gboolean fw_store_savepoint(struct fw_store *s, GError **error);
gboolean fw_store_release(struct fw_store *s, GError **error);
void fw_store_rollback_to(struct fw_store *s);

/* Group commit: writes made while a group is open share its one
 * transaction (one WAL write of the pages they all touch). group_begin opens
 * one unless a transaction is open; group_end commits it, or fails when a
 * storage error (disk full) undid it. TRUE from group_end with none open. */
gboolean fw_store_group_begin(struct fw_store *s, GError **error);
gboolean fw_store_group_end(struct fw_store *s, GError **error);
/* TRUE when the open transaction holds a compression dictionary just
 * trained: bodies are packed with it only from its commit on, so a caller
 * holding a group open should end it now rather than at its timer. The
 * training runs on a thread of the store's; this call is where a training
 * that has ended is collected into the open transaction (or written on its
 * own when none is open). */
gboolean fw_store_dict_waiting(struct fw_store *s);

/* ---- feeds ------------------------------------------------------------ */

/* The poll state of one feed. Strings owned by the struct (fw_store_feed_state_clear). */
struct fw_feed_state {
	gint64 id;            /* feed row id */
	char *etag;           /* for the next conditional GET, or NULL */
	char *last_modified;  /* idem */
	char *title;          /* the feed's own title as last seen, or NULL */
	gboolean fetched;     /* at least one successful fetch recorded */
	gint64 last_poll;     /* Unix seconds, 0 never */
	gint64 next_poll;     /* Unix seconds, 0 = as soon as possible */
	int failures;         /* consecutive failed polls */
	char *moved_to;       /* fetch this URL instead of the config's: the feed
	                         answered a permanent redirect (301/308) to it on
	                         FW_STORE_MOVED_AFTER consecutive polls; or NULL */
	gboolean gone;        /* the server said 410 Gone: not polled again until
	                         its url in the config changes */
	gint64 ttl;           /* the feed's own poll hint (<ttl>, sy:updatePeriod /
	                         updateFrequency) in seconds, 0 none */
	gint64 max_age;       /* Cache-Control max-age of the last answer that had
	                         one since the last full fetch, 0 none */
};

/* Consecutive polls that must end in the same permanent redirect before the
 * stored URL follows it. */
#define FW_STORE_MOVED_AFTER 3

/* Frees st's strings and zeroes it (st itself is the caller's). NULL is fine. */
void fw_store_feed_state_clear(struct fw_feed_state *st);

/* Finds or creates the row of feed `key` (updating its url) and fills st.
 * When the url differs from the stored one (the config changed), moved_to,
 * gone and the redirect count are reset first. */
gboolean fw_store_feed_get(struct fw_store *s, const char *key, const char *url,
                           struct fw_feed_state *st, GError **error);

/* What one poll of a feed came to. */
struct fw_poll_record {
	gboolean ok;          /* fetched (200 or 304) and parsed */
	long http_status;     /* 0 if none */
	const char *error;    /* NULL when ok */
	const char *etag;     /* new validators (kept as they were when NULL and ok is FALSE) */
	const char *last_modified;
	const char *title;    /* the feed's own title, or NULL to keep */
	gint64 bytes;
	double seconds;
	gint64 next_poll;     /* Unix seconds */
	gboolean degraded;    /* parsed in recover mode */
	const char *permanent_url; /* the target when every redirect of this poll was
	                              permanent (301/308), else NULL; counted towards
	                              moved_to (a poll without one resets the count) */
	gboolean gone;        /* HTTP 410: sets gone */
	gboolean hints;       /* a document was fetched and parsed: ttl and max_age
	                         replace the stored hints (0: none) */
	gint64 ttl;           /* with hints: the document's <ttl>/sy:update* seconds */
	gint64 max_age;       /* Cache-Control max-age, 0 none; without hints (a 304,
	                         a failure) one > 0 replaces the stored one, 0 keeps it */
};

/* Records a poll (time now) on the feed row: status, error, validators,
 * failures (reset when ok, else +1), fetched = TRUE when ok. Validators: given
 * ones replace the old; when both are NULL they are cleared only by an ok poll
 * that was not a 304. FW_STORE_ERROR_NOT_FOUND for an unknown feed_id. */
gboolean fw_store_feed_polled(struct fw_store *s, gint64 feed_id, gint64 now,
                              const struct fw_poll_record *rec, GError **error);

/* Claims feed feed_id for this process (the store's poller name) until
 * now + lease when it is due (its next_poll <= now; anytime: whenever, as
 * feedwatch poll asks) and no other poller holds it (no lease running).
 * *claimed says whether it did; when not,
 * *retry is when to ask again (its next poll, or the end of the other's
 * lease). A claim ends with fw_store_feed_polled, or at its lease's end
 * when its poller died. On SQLite (one poller) every feed is claimed and
 * nothing is written. */
gboolean fw_store_feed_claim(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
                             gboolean anytime, gboolean *claimed, gint64 *retry,
                             GError **error);

/* Before a poll is recorded (inside the transaction that records it): TRUE
 * in *held when this process still holds its claim on feed_id, which is
 * then renewed to now + lease and locked until the transaction ends; FALSE
 * when another poller claimed the feed meanwhile (this one's lease ran
 * out): the poll must be dropped, the other records its own. Always held on
 * SQLite. */
gboolean fw_store_feed_claim_keep(struct fw_store *s, gint64 feed_id, gint64 now, gint64 lease,
                                  gboolean *held, GError **error);

/* Team mode: a host ("host:port", fw_fetch_url_host) asked every poller to
 * wait until `until` (a 429 or 503 with Retry-After): recorded for all (the
 * later of two pauses wins). A no-op on SQLite, whose one poller keeps its
 * pauses in its fetcher. */
gboolean fw_store_host_pause(struct fw_store *s, const char *host, gint64 until, GError **error);

/* Inserts the host pauses that last past now into out: host (char *) ->
 * until (gint64 *), both newly allocated. Nothing on SQLite. */
gboolean fw_store_host_pauses(struct fw_store *s, gint64 now, GHashTable *out, GError **error);

/* Team mode: the pollers' heartbeats (table pollers). */
struct fw_store_poller {
	char *name;          /* host:pid, as claimed_by */
	char *version;       /* its feedwatch version, or NULL */
	gint64 started;      /* Unix seconds */
	gint64 last_beat;    /* its last beat, Unix seconds */
	gint64 beat_every;   /* seconds between its beats: alive while its last
	                        beat is within twice that */
};
void fw_store_poller_free(struct fw_store_poller *p);   /* NULL is fine */

/* Team mode: records this poller (fw_store_poller_name) alive at now,
 * started at started, running version, beating every `every` seconds; a
 * poller not heard of for FW_STORE_POLLER_FORGET seconds is forgotten.
 * Written at once, whatever group is open. A no-op on SQLite. */
#define FW_STORE_POLLER_FORGET (7 * 86400)
gboolean fw_store_poller_beat(struct fw_store *s, gint64 started, gint64 now, gint64 every,
                              const char *version, GError **error);

/* Team mode: forgets this poller's heartbeat (it exits cleanly). A no-op on SQLite. */
gboolean fw_store_poller_leave(struct fw_store *s, GError **error);

/* Appends the pollers that beat, by name, to out (of struct fw_store_poller
 * *, caller frees). Nothing on SQLite. */
gboolean fw_store_pollers(struct fw_store *s, GPtrArray *out, GError **error);

/* The name this store claims feeds under: host:pid unless set. */
const char *fw_store_poller_name(struct fw_store *s);
void fw_store_set_poller_name(struct fw_store *s, const char *name);

/* The canonical form of a link for joining stories across feeds: scheme and
 * host lower-cased, default port, fragment, utm_*, fbclid and gclid removed,
 * trailing slash folded. NULL for NULL. Caller frees. */
char *fw_store_canonical_link(const char *url);

/* The status of one feed for `feedwatch status`. Owned by the caller. */
struct fw_feed_status {
	char *key, *url, *title;  /* title: the feed's own, or NULL */
	gboolean fetched;
	gint64 last_poll, next_poll;  /* Unix seconds, 0 never / as soon as possible */
	long http_status;
	char *error;              /* of the last poll, NULL when it was ok */
	int failures;
	gint64 bytes;
	double seconds;
	gboolean degraded;
	gint64 items, hits;       /* stored */
	char *moved_to;           /* as in struct fw_feed_state */
	gboolean gone;
	char *etag, *last_modified;  /* the validators of the next conditional GET, or NULL */
	char *claimed_by;         /* team mode: the poller holding it (lease_until >
	                             now) or that polled it last; NULL on SQLite */
	gint64 claimed_since, lease_until;  /* its claim, Unix seconds; 0 none */
};
void fw_store_feed_status_free(struct fw_feed_status *st);   /* NULL is fine */

/* Appends every feed row, by key, to out (of struct fw_feed_status *). */
gboolean fw_store_feed_statuses(struct fw_store *s, GPtrArray *out, GError **error);

/* ---- items and hits (inside a transaction) ---------------------------- */

enum fw_item_state {
	FW_ITEM_NEW,      /* never seen in this feed */
	FW_ITEM_CHANGED,  /* known, its content hash changed: match again */
	FW_ITEM_SEEN,     /* known and unchanged: nothing to do */
};

/* Inserts or updates the item with its content hash; sets *item_rowid and
 * *state. now is the time seen. Identity, within the feed:
 *  - item->id (guid / atom:id, else link, else hash), else
 *  - the same link and title as a stored item (a guid that changes on every
 *    fetch): that item, which keeps its first id; for a twin
 *    (item->link_twin), only a stored item of the same hash;
 *  - inside one transaction (one poll), an item whose identity was already
 *    put is a duplicate: SEEN, nothing stored (the first one wins);
 *  - an item that left the feed and comes back, or moves in the feed's
 *    order, is the stored one: SEEN (or CHANGED when its hash differs).
 * SEEN refreshes last_seen when it is FW_STORE_SEEN_STEP or more old (a poll
 * of an unchanged feed writes nothing). */
gboolean fw_store_item_put(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
                           const char *hash, gint64 now, gint64 *item_rowid,
                           enum fw_item_state *state, GError **error);

/* fw_store_item_put with the item's body already packed by
 * fw_store_packer_pack (a reference is taken), or NULL to pack it here. */
gboolean fw_store_item_put_packed(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
                                  const char *hash, GBytes *body, gint64 now,
                                  gint64 *item_rowid, enum fw_item_state *state, GError **error);

/* Packing items' bodies off the store's thread (the parse workers): a
 * packer holds the database's compression dictionary (zstd's, or a word
 * model) and is immutable.
 * fw_store_packer_get (store's thread) returns a new reference, or NULL
 * when the backend keeps text as text (PostgreSQL); while the database has
 * no dictionary yet, a packer without one (the store learns one from the
 * bodies it packs, as from its own). Pack and unref
 * on any thread, several at once: each thread keeps one compression
 * context, freed by fw_store_pack_thread_release or at thread exit.
 * fw_store_packer_pack returns a new GBytes, NULL for an item with no text
 * (or if zstd fails: the store then packs it). */
struct fw_store_packer;
struct fw_store_packer *fw_store_packer_get(struct fw_store *s);
GBytes *fw_store_packer_pack(struct fw_store_packer *k, const struct fw_item *item);
void fw_store_packer_unref(struct fw_store_packer *k);
void fw_store_pack_thread_release(void);

/* TRUE when this item already has a hit for topic. */
gboolean fw_store_hit_exists(struct fw_store *s, gint64 item_rowid, const char *topic);

/* TRUE when a hit for topic exists on another item with the same canonical
 * link (the same story in another feed, or republished in this one under
 * the same title) whose notification was or is being sent (notified is
 * pending or delivered). Items of one feed that share a link but not a
 * title (a landing page as every item's link) are different news; so are
 * those of the same title with other_feeds (the item is a twin: its
 * document lists the other beside it, fw_item.link_twin). */
gboolean fw_store_story_notified(struct fw_store *s, gint64 item_rowid, const char *topic,
                                 gboolean other_feeds);

/* A new hit. Strings are copied. */
struct fw_hit_new {
	gint64 item_rowid;
	const char *topic;       /* key */
	const char *topic_name;  /* display name */
	const char *snippet;     /* plain text */
	const char *marks_json;  /* [[start,end],...] character offsets in snippet */
	const char *matched_json;/* [{"field":"content","start":1,"end":5},...] */
	enum fw_hit_notified notified; /* pending (0), initial or none */
};

/* Inserts the hit (found = now); sets *hit_id. With notified pending also
 * inserts one outbox row per channel in channels (enum fw_channel bits), due
 * now; pending with channels 0 is stored as none. A second hit for the
 * same (item, topic) fails with FW_STORE_ERROR_EXISTS. Outside a transaction
 * it makes its own. */
gboolean fw_store_hit_add(struct fw_store *s, const struct fw_hit_new *h, guint channels,
                          gint64 now, gint64 *hit_id, GError **error);

/* ---- outbox ------------------------------------------------------------ */

/* One pending outbox row with what a notification needs. */
struct fw_outbox_row {
	gint64 id;
	gint64 hit_id;
	gint64 item_rowid;
	guint channel;           /* one enum fw_channel bit */
	char *topic, *topic_name, *feed_title, *title, *link, *snippet, *marks_json;
	int attempts;
};
void fw_store_outbox_row_free(struct fw_outbox_row *r);   /* NULL is fine */

/* Pending rows due at now (next_try <= now), oldest first, at most limit;
 * appended to out (of struct fw_outbox_row *, caller frees). */
gboolean fw_store_outbox_due(struct fw_store *s, gint64 now, guint limit,
                             GPtrArray *out, GError **error);

/* Marks a row delivered (ok) or failed once (retry later with backoff;
 * after FW_STORE_OUTBOX_MAX_ATTEMPTS it stays "failed" with the error). The
 * hit's notified field follows: delivered when every row of it is. */
#define FW_STORE_OUTBOX_MAX_ATTEMPTS 8
#define FW_STORE_OUTBOX_BACKOFF 60   /* seconds; the n-th failure waits 60 * 2^(n-1) */
gboolean fw_store_outbox_done(struct fw_store *s, gint64 outbox_id, gboolean ok,
                              const char *error_text, gint64 now, GError **error);

/* ---- reading the hit log ---------------------------------------------- */

struct fw_hit_filter {
	char **topics;     /* NULL-terminated keys, or NULL for all */
	char **feeds;      /* idem */
	gint64 since;      /* time >= since; 0 none */
	gint64 until;      /* time < until; 0 none */
	gboolean unread;
	const char *search;/* substring of title or snippet, case-insensitive; NULL none */
	guint limit;       /* 0 = no limit (of stories when stories is set) */
	gint64 after_id;   /* id > after_id (for --follow); 0 none */
	gboolean oldest_first;
	gboolean published;/* time (since, until, the order) is the reader's: the
	                      item's published time, or found when it has none or a
	                      later one; else found */
	gboolean stories;  /* select stories (published time): each story with a
	                      hit that matches, with every hit it has */
	gboolean no_also_in; /* leave also_in NULL (the feeds of the story's other
	                      items: a lookup a hit that --format json does not show) */
	gint64 page_time;  /* with stories, newest first and page_story set: only
	                      the stories after (page_time, page_story) in that
	                      order, the next page of a list (keyset paging): */
	gint64 page_story; /* the last story of the page before and its latest
	                      matching hit's reader's time; 0 none */
	gboolean brief;    /* rows from the hit alone, for counting: id, topic,
	                      topic_name, found, read, notified, story, and as
	                      published the reader's time (published, or found
	                      when it has none or a later one); no text, no feed */
};

/* Appends the hits matching filter, newest first (or oldest first), to out
 * (of struct fw_hit_row *). With filter->stories: every hit of each story
 * that has a hit matching, a story's hits together (by id), stories in the
 * order of their latest hit's time. */
gboolean fw_store_hits(struct fw_store *s, const struct fw_hit_filter *filter,
                       GPtrArray *out, GError **error);

/* *count: the hits found at or after since (the daemon's "hits today"),
 * counted without reading them. */
gboolean fw_store_hits_count(struct fw_store *s, gint64 since, gint64 *count, GError **error);

/* Called per hit of fw_store_hits_foreach, in the same order; the row is
 * valid during the call only. Return FALSE to stop. */
typedef gboolean (*fw_store_hit_cb)(const struct fw_hit_row *row, gpointer data);

/* fw_store_hits one row at a time, none kept: memory does not grow with the
 * log (`hits --format json` of a year). */
gboolean fw_store_hits_foreach(struct fw_store *s, const struct fw_hit_filter *filter,
                               fw_store_hit_cb cb, gpointer data, GError **error);

/* A story is a hit's item together with every item of the same canonical
 * link (the same story in other feeds, or republished); its number (struct
 * fw_hit_row's story) is the lowest id of its hits. */

/* Appends every hit of the story of hit hit_id (with summary and content, as
 * fw_store_hit_get), by id, to out. FW_STORE_ERROR_NOT_FOUND for no such hit. */
gboolean fw_store_story_hits(struct fw_store *s, gint64 hit_id, GPtrArray *out, GError **error);

/* Marks every hit of the story of hit hit_id (all its topics and feeds) read
 * or unread; *changed (may be NULL) is how many changed. FW_STORE_ERROR_NOT_FOUND
 * for no such hit. Outside a transaction it makes its own. */
gboolean fw_store_story_set_read(struct fw_store *s, gint64 hit_id, gboolean read,
                                 gint64 *changed, GError **error);

/* One hit by id, or NULL with FW_STORE_ERROR_NOT_FOUND. */
struct fw_hit_row *fw_store_hit_get(struct fw_store *s, gint64 hit_id, GError **error);

/* Marks hits read (or unread). FW_STORE_ERROR_NOT_FOUND for no such hit. */
gboolean fw_store_hit_set_read(struct fw_store *s, gint64 hit_id, gboolean read, GError **error);

/* Marks every hit (of topics, a NULL-terminated list, or all when NULL) read
 * or unread; *changed (may be NULL) is how many changed. */
gboolean fw_store_hits_set_read_all(struct fw_store *s, char **topics, gboolean read,
                                    gint64 *changed, GError **error);

/* ---- team mode: desks (PostgreSQL; docs/design.md section 18) ---------- */

/* Whose read state and mutes this store reads and writes: on PostgreSQL
 * they belong to a subscriber (the config's `subscriber`; $USER@hostname
 * until set). Ignored on SQLite (one reader: hits.read, mutes). Kept across
 * reconnects. */
void fw_store_set_subscriber(struct fw_store *s, const char *name);

/* Makes this store a desk notifier's (feedwatchd --notify-only) for the
 * subscriber set before: takes the subscriber's lock for the session (a
 * second desk of the same name fails with FW_STORE_ERROR_BUSY), registers it
 * (configured: its topics as written, for status) and from now on
 * fw_store_outbox_due claims the new hits of topics (keys, NULL-terminated)
 * for it and returns its unshown ones as desktop rows whose id is the hit's;
 * fw_store_outbox_done records them shown. *fresh (may be NULL): the
 * subscriber is new (it starts at the newest hit). Call again after a
 * reconnect (fw_store_connection). FW_STORE_ERROR_FAILED on SQLite. */
gboolean fw_store_subscribe(struct fw_store *s, char **topics, const char *configured,
                            gint64 now, gboolean *fresh, GError **error);

/* LISTENs for new hits on this store's connection (again after each
 * reconnect) and sets *fd to its socket, to watch for input. */
gboolean fw_store_listen(struct fw_store *s, int *fd, GError **error);

/* Reads what arrived on the socket: *count new-hit announcements. FALSE
 * when the connection is lost (calls then reconnect with backoff). */
gboolean fw_store_heard(struct fw_store *s, guint *count);

/* Connections made again since open: changes at each reconnect (0 on SQLite). */
guint fw_store_connection(struct fw_store *s);

/* A desk, for `feedwatch status`. */
struct fw_subscriber_status {
	char *name, *topics;
	gint64 first_seen, last_seen;   /* Unix seconds */
	gint64 shown, pending;          /* hits shown; claimed and not shown yet */
};
void fw_store_subscriber_status_free(struct fw_subscriber_status *st);   /* NULL is fine */

/* Appends every subscriber, by name, to out (of struct fw_subscriber_status *);
 * nothing on SQLite. */
gboolean fw_store_subscribers(struct fw_store *s, GPtrArray *out, GError **error);

/* ---- mutes ------------------------------------------------------------- */

/* A mute holds a topic's desktop notifications until a time (table mutes):
 * `feedwatch browse` (m) and the notification action "Mute topic for 24 h"
 * write it, the outbox reads it at every flush; it outlives the processes. */

/* Mutes topic until `until` (Unix seconds), or unmutes it when until <= now;
 * mutes that ended by now are forgotten. Outside a transaction it makes its own. */
gboolean fw_store_mute_set(struct fw_store *s, const char *topic, gint64 until, gint64 now,
                           GError **error);

/* Inserts the mutes that last past now into out: topic key (char *) ->
 * until (gint64 *), both newly allocated (make out with g_free for both). */
gboolean fw_store_mutes(struct fw_store *s, gint64 now, GHashTable *out, GError **error);

/* ---- maintenance and backtests ------------------------------------------ */

/* last_seen granularity, seconds: see fw_store_item_put. */
#define FW_STORE_SEEN_STEP 3600

/* Forgets items last seen before `before` that have no hit (retention) and
 * are no longer in their feed (last seen more than FW_STORE_SEEN_STEP before
 * the newest item seen in the feed: an item still present, even in a feed
 * that answered 304 or failed for months, is kept) or whose feed was not
 * polled since `before` (it left the config); *deleted (may be NULL) is how
 * many. */
gboolean fw_store_prune(struct fw_store *s, gint64 before, gint64 *deleted, GError **error);

/* Forgets the hits found before `before`, with their outbox rows (only on
 * the user's word: `feedwatch prune --hits-before`); *deleted (may be NULL)
 * is how many. Their items then fall to fw_store_prune like any other. */
gboolean fw_store_prune_hits(struct fw_store *s, gint64 before, gint64 *deleted, GError **error);

/* Periodic upkeep (the daemon: hourly, after fw_store_prune): PRAGMA
 * optimize, an incremental vacuum that gives freed pages back to the file
 * system (a no-op on databases made with auto_vacuum=NONE), and for a
 * database without a compression dictionary one trained from its newest
 * item bodies (docs/design.md section 4). */
gboolean fw_store_maintain(struct fw_store *s, GError **error);

/* Gives SQLite's page cache back to the heap (the daemon: when a poll cycle
 * has ended and nothing is in flight); the next query reads pages again. */
void fw_store_release_memory(struct fw_store *s);

/* Called per stored item; the item and strings are valid during the call
 * only. Return FALSE to stop. */
typedef gboolean (*fw_store_item_cb)(gint64 item_rowid, const char *feed_key,
                                     const char *feed_title, const struct fw_item *item,
                                     gpointer data);

/* Calls cb for every stored item published (or, without a date, first seen)
 * at or after since, oldest first (for `feedwatch backtest`). */
gboolean fw_store_items_foreach(struct fw_store *s, gint64 since, fw_store_item_cb cb,
                                gpointer data, GError **error);

/* Calls cb for every item still in its feed (last seen within
 * FW_STORE_SEEN_STEP of the newest item seen in the feed, as fw_store_prune
 * counts them), in no set order. cb may use the store (the items are read
 * by a statement of their own, or a PostgreSQL cursor) but not change
 * items. */
gboolean fw_store_current_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                        GError **error);

/* Topics the database has met (schema 12), with the query each had:
 * records each of keys[0..n) with queries[i] (fw_query_canonical) and
 * appends to learned the keys it had not met and to changed those it had
 * met with another query (both borrowed from keys; a topic met before its
 * query was kept, by a database from before schema 12, takes its query
 * silently, and so does one kept as written, written[i], by a feedwatch
 * from before canonical forms; written may be NULL). Inside a
 * transaction (fw_store_begin), so that what is stored for them commits
 * with them; on PostgreSQL one poller learns a topic or a change, the
 * others wait for its commit and find it known. */
gboolean fw_store_topics_learn(struct fw_store *s, char *const *keys, char *const *queries,
                               char *const *written, guint n, GPtrArray *learned,
                               GPtrArray *changed, GError **error);

/* ---- feedwatch browse -------------------------------------------------- */

/* A number that changes when another connection commits to the database
 * (PRAGMA data_version; this connection's own writes do not change it). */
gboolean fw_store_browse_version(struct fw_store *s, gint64 *version, GError **error);

/* A short text that changes when a hit is added, removed, or marked read or
 * unread, or a mute changes (counts and sums, so two changes may in rare
 * cases cancel out): the browser loads the hit log again only then, not at
 * every commit of the daemon. NULL with error. Caller frees. */
char *fw_store_browse_signature(struct fw_store *s, GError **error);

/* The stories of one topic, or of every topic (topic NULL): how many have
 * a hit of it, how many an unread hit of it. */
struct fw_browse_count {
	char *topic;        /* key; NULL for every topic */
	char *topic_name;   /* the name its newest hit has; NULL for every topic */
	gint64 stories, unread;
	gint64 last_hit;    /* every topic only: the highest hit id (0 none) */
};
void fw_store_browse_count_free(struct fw_browse_count *c);   /* NULL is fine */

/* Appends the counts of every topic (topic NULL) first, then of each topic
 * with a hit, by key, to out (of struct fw_browse_count *). SQLite keeps
 * them in table topic_counts (schema 7, by triggers): reading them costs
 * nothing like counting a year of hits. */
gboolean fw_store_browse_counts(struct fw_store *s, GPtrArray *out, GError **error);

/* Marks every hit of every story that has a hit of topic (NULL: of every
 * story) read or unread, in all their topics; *changed (may be NULL) is how
 * many stories changed. Outside a transaction it makes its own. */
gboolean fw_store_topic_set_read(struct fw_store *s, const char *topic, gboolean read,
                                 gint64 *changed, GError **error);

/* Calls cb for every stored item that has a hit, by row id (the fields of
 * fw_store_items_foreach), for filtering the hit log with a query. */
gboolean fw_store_browse_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                       GError **error);

#endif
