/* store-sqlite — the SQLite backend of store, the only owner of sqlite3 *:
 * schema, migrations, feeds' poll state, items, hits, outbox. See
 * include/feedwatch/store.h and store-int.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <json-glib/json-glib.h>
#include <zstd.h>
#define ZDICT_STATIC_LINKING_ONLY   /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>

#include "store-int.h"
#include "feedwatch/config.h"
#include "feedwatch/html.h"
#include "feedwatch/wordpack.h"

/* The story of the hits of item ITEM (an SQL expression naming an items.id):
 * the lowest id of the hits of every item with its canonical link, else of
 * its own hits. STORY_ITEMS: those items' ids, as a subquery. */
#define STORY_OF(ITEM) \
	"(SELECT COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs ON hs.item_id = si.id" \
	"   WHERE si.canon_link = i.canon_link)," \
	" (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id)) FROM items i WHERE i.id = " \
	ITEM ")"
#define STORY_ITEMS(ITEM) \
	"(SELECT si.id FROM items i JOIN items si ON si.id = i.id OR si.canon_link = i.canon_link" \
	" WHERE i.id = " ITEM ")"
/* The same since schema 8, where items are joined by the hash of their
 * canonical link (canon_hash) rather than its text. */
#define STORY_OF8(ITEM) \
	"(SELECT COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs ON hs.item_id = si.id" \
	"   WHERE si.canon_hash = i.canon_hash)," \
	" (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id)) FROM items i WHERE i.id = " \
	ITEM ")"
#define STORY_ITEMS8(ITEM) \
	"(SELECT si.id FROM items i JOIN items si ON si.id = i.id OR si.canon_hash = i.canon_hash" \
	" WHERE i.id = " ITEM ")"
/* Schema 8's trigger that renumbers the stories an item leaves and joins
 * when its key changes (made by the migrations to 8 and 11). */
#define ITEMS_CANON_HITS8 \
	"CREATE TRIGGER items_canon_hits AFTER UPDATE OF canon_hash ON items" \
	"  WHEN OLD.canon_hash IS NOT NEW.canon_hash BEGIN" \
	"  UPDATE hits SET story = " STORY_OF8("hits.item_id") " WHERE item_id = NEW.id" \
	"    OR item_id IN (SELECT id FROM items WHERE canon_hash = OLD.canon_hash)" \
	"    OR item_id IN (SELECT id FROM items WHERE canon_hash = NEW.canon_hash);" \
	"END;"

/* The statements of a trigger that add a hit ROW (NEW or OLD) to the counts
 * of topic_counts (SIGN "+") or take it from them ("-"): its story counts
 * for its topic and for every topic ('') unless another hit of the story
 * (of the topic) is there to count it; the same for unread stories. */
#define COUNTS_ONE(SIGN, ROW, COL, WHERE, OTHER) \
	"  UPDATE topic_counts SET " COL " = " COL " " SIGN " 1 WHERE " WHERE " AND " ROW \
	".story IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hits x WHERE x.story = " ROW ".story" \
	" AND x.id <> " ROW ".id" OTHER ");"
#define COUNTS(SIGN, ROW) \
	COUNTS_ONE(SIGN, ROW, "stories", "topic = " ROW ".topic", " AND x.topic = " ROW ".topic") \
	COUNTS_ONE(SIGN, ROW, "stories", "topic = ''", "") \
	COUNTS_ONE(SIGN, ROW, "unread", "topic = " ROW ".topic AND " ROW ".read = 0", \
	           " AND x.topic = " ROW ".topic AND x.read = 0") \
	COUNTS_ONE(SIGN, ROW, "unread", "topic = '' AND " ROW ".read = 0", " AND x.read = 0") \
	"  UPDATE topic_counts SET reads = reads " SIGN " " ROW ".read, readsum = readsum " SIGN \
	" " ROW ".read * " ROW ".id WHERE topic IN (" ROW ".topic, '');"

/* COUNTS since schema 9: the same counts, but a row with read = 0 leaves
 * reads and readsum alone instead of writing them unchanged (two rows of
 * topic_counts written for nothing, twice, for every hit stored). */
#define COUNTS9(SIGN, ROW) \
	COUNTS_ONE(SIGN, ROW, "stories", "topic = " ROW ".topic", " AND x.topic = " ROW ".topic") \
	COUNTS_ONE(SIGN, ROW, "stories", "topic = ''", "") \
	COUNTS_ONE(SIGN, ROW, "unread", "topic = " ROW ".topic AND " ROW ".read = 0", \
	           " AND x.topic = " ROW ".topic AND x.read = 0") \
	COUNTS_ONE(SIGN, ROW, "unread", "topic = '' AND " ROW ".read = 0", " AND x.read = 0") \
	"  UPDATE topic_counts SET reads = reads " SIGN " " ROW ".read, readsum = readsum " SIGN \
	" " ROW ".read * " ROW ".id WHERE topic IN (" ROW ".topic, '') AND " ROW ".read <> 0;"

/* Since schema 10: a row of topic_counts gains or loses a hit ROW in one
 * statement, each count by a 0-or-1 term: ALONE10 is 1 when ROW has a story
 * and no other hit (OTHER: of its topic, unread) has it. Written as
 * COUNTS9 was, with IN (ROW.topic, '') split, so that no statement opens a
 * temporary table (SQLite builds one for an IN list of two values). */
#define ALONE10(ROW, OTHER) \
	"(" ROW ".story IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hits x WHERE x.story = " \
	ROW ".story AND x.id <> " ROW ".id" OTHER "))"
#define COUNTS10_SET(SIGN, ROW, OTHER) \
	"stories = stories " SIGN " " ALONE10(ROW, OTHER) ", unread = unread " SIGN " (" ROW \
	".read = 0 AND " ALONE10(ROW, OTHER " AND x.read = 0") "), reads = reads " SIGN " " \
	ROW ".read, readsum = readsum " SIGN " " ROW ".read * " ROW ".id"
#define COUNTS10(SIGN, ROW, HITS) \
	"  UPDATE topic_counts SET " HITS COUNTS10_SET(SIGN, ROW, " AND x.topic = " ROW ".topic") \
	" WHERE topic = " ROW ".topic;" \
	"  UPDATE topic_counts SET " HITS COUNTS10_SET(SIGN, ROW, "") " WHERE topic = '';"

/* Schema migrations: entry n takes user_version n to n + 1. A new version is
 * a new entry at the end; entries already released never change. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE feeds ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  url TEXT,"
	"  title TEXT,"
	"  etag TEXT,"
	"  last_modified TEXT,"
	"  fetched INTEGER NOT NULL DEFAULT 0,"
	"  last_poll INTEGER NOT NULL DEFAULT 0,"
	"  next_poll INTEGER NOT NULL DEFAULT 0,"
	"  http_status INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  bytes INTEGER NOT NULL DEFAULT 0,"
	"  seconds REAL NOT NULL DEFAULT 0,"
	"  degraded INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
	"  item_key TEXT NOT NULL,"
	"  title TEXT,"
	"  link TEXT,"
	"  canon_link TEXT,"
	"  published INTEGER,"        /* NULL: the feed gave no date */
	"  updated INTEGER,"
	"  author TEXT,"
	"  categories TEXT,"          /* JSON array of strings */
	"  summary TEXT,"
	"  content TEXT,"
	"  hash TEXT,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  UNIQUE (feed_id, item_key)"
	");"
	"CREATE INDEX items_canon_link ON items(canon_link) WHERE canon_link IS NOT NULL;"
	"CREATE INDEX items_last_seen ON items(last_seen);"
	"CREATE TABLE hits ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	"  topic TEXT NOT NULL,"
	"  topic_name TEXT NOT NULL,"
	"  found INTEGER NOT NULL,"
	"  snippet TEXT,"
	"  marks TEXT,"               /* JSON [[start,end],...] in snippet characters */
	"  matched TEXT,"             /* JSON [{field,start,end},...] */
	"  read INTEGER NOT NULL DEFAULT 0,"
	"  notified TEXT NOT NULL CHECK (notified IN"
	"    ('initial','pending','delivered','failed','none')),"
	"  UNIQUE (item_id, topic)"
	");"
	"CREATE INDEX hits_found ON hits(found, id);"
	"CREATE INDEX hits_topic ON hits(topic, found);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  hit_id INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,"
	"  channel INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"    ('pending','delivered','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL,"
	"  error TEXT,"
	"  UNIQUE (hit_id, channel)"
	");"
	"CREATE INDEX outbox_due ON outbox(state, next_try);",
	/* 1 -> 2: permanent redirects and 410 Gone; retention by feed (an item
	 * is gone from its feed when it was last seen well before the feed's
	 * newest one), which needs (feed_id, last_seen) instead of last_seen. */
	"ALTER TABLE feeds ADD COLUMN moved_to TEXT;"
	"ALTER TABLE feeds ADD COLUMN moved_next TEXT;"     /* the last permanent target */
	"ALTER TABLE feeds ADD COLUMN moved_count INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;"
	"DROP INDEX items_last_seen;"
	"CREATE INDEX items_feed_seen ON items(feed_id, last_seen);",
	/* 2 -> 3: the feed's own poll hints, kept until a fetch brings new ones
	 * (a 304 does not lose them). */
	"ALTER TABLE feeds ADD COLUMN ttl INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE feeds ADD COLUMN max_age INTEGER NOT NULL DEFAULT 0;",
	/* 3 -> 4: a topic's notifications muted until a time (feedwatch browse,
	 * the "Mute topic for 24 h" action), kept across restarts. */
	"CREATE TABLE mutes ("
	"  topic TEXT PRIMARY KEY,"
	"  until INTEGER NOT NULL"
	") WITHOUT ROWID;",
	/* 4 -> 5: a hit's reader's time (rtime: its item's published time, or
	 * found when it has none or a later one) and its story (the lowest hit
	 * id of the hits of its item and of every item with the same canonical
	 * link) kept in the hit, so that listing the newest stories, a topic's,
	 * a month's, walks an index instead of computing both for every hit of
	 * the log (1,000,000 hits: 4.8 s for `hits --limit 50`). Triggers keep
	 * them true whatever writes: a new hit, an item whose published time or
	 * link changes, a hit's found time edited, a hit deleted (the next lowest
	 * id numbers its story). */
	"ALTER TABLE hits ADD COLUMN rtime INTEGER;"
	"ALTER TABLE hits ADD COLUMN story INTEGER;"
	"UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, hits.found), hits.found)"
	"  FROM items i WHERE i.id = hits.item_id), story = " STORY_OF("hits.item_id") ";"
	"CREATE INDEX hits_rtime ON hits(rtime);"
	"CREATE INDEX hits_topic_rtime ON hits(topic, rtime);"
	"CREATE INDEX hits_story ON hits(story);"
	"CREATE TRIGGER hits_insert_story AFTER INSERT ON hits BEGIN"
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id), story = " STORY_OF("NEW.item_id")
	"    WHERE id = NEW.id;"
	/* a hit given a lower id than its story's (only ever by hand) renumbers it */
	"  UPDATE hits SET story = NEW.id WHERE story > NEW.id AND story = (SELECT MIN(story)"
	"    FROM hits WHERE story <> NEW.id AND item_id IN " STORY_ITEMS("NEW.item_id") ");"
	"END;"
	"CREATE TRIGGER hits_delete_story AFTER DELETE ON hits WHEN OLD.story = OLD.id BEGIN"
	"  UPDATE hits SET story = " STORY_OF("hits.item_id") " WHERE story = OLD.id;"
	"END;"
	/* found never changes in feedwatch; an edit by hand (a test ageing its
	 * hits) is followed all the same */
	"CREATE TRIGGER hits_found_rtime AFTER UPDATE OF found ON hits"
	"  WHEN OLD.found IS NOT NEW.found BEGIN"
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id) WHERE id = NEW.id;"
	"END;"
	"CREATE TRIGGER items_published_hits AFTER UPDATE OF published ON items"
	"  WHEN OLD.published IS NOT NEW.published BEGIN"
	"  UPDATE hits SET rtime = MIN(COALESCE(NEW.published, found), found) WHERE item_id = NEW.id;"
	"END;"
	"CREATE TRIGGER items_canon_hits AFTER UPDATE OF canon_link ON items"
	"  WHEN OLD.canon_link IS NOT NEW.canon_link BEGIN"
	"  UPDATE hits SET story = " STORY_OF("hits.item_id") " WHERE item_id = NEW.id"
	"    OR item_id IN (SELECT id FROM items WHERE canon_link = OLD.canon_link)"
	"    OR item_id IN (SELECT id FROM items WHERE canon_link = NEW.canon_link);"
	"END;",
	/* 5 -> 6: an item's summary, content and categories become one
	 * compressed body (body_pack: the text cut to FW_STORE_TEXT_MAX, zstd
	 * with a dictionary trained on the database's items), its hash 16
	 * bytes instead of 32 hex digits (hash_pack). */
	"ALTER TABLE items ADD COLUMN body BLOB;"
	"UPDATE items SET body = fw_body_pack(summary, content, categories),"
	" hash = fw_hash_pack(hash);"
	"ALTER TABLE items DROP COLUMN summary;"
	"ALTER TABLE items DROP COLUMN content;"
	"ALTER TABLE items DROP COLUMN categories;"
	/* the zstd dictionaries bodies are packed with, by their dictionary ID */
	"CREATE TABLE dicts ("
	"  id INTEGER PRIMARY KEY,"
	"  data BLOB NOT NULL"
	");",
	/* 6 -> 7: each topic's count of stories and of unread stories, and of
	 * hits and read hits (topic '' for every topic), kept by triggers so
	 * that `feedwatch browse` opens without counting a year of hits (1.6 s
	 * for 1,000,000). A hit adds to a count when no other hit of its story
	 * (of its topic, unread) does, and takes from it in the same way; the
	 * delete trigger counts before it renumbers the story. */
	"CREATE TABLE topic_counts ("
	"  topic TEXT PRIMARY KEY,"
	"  hits INTEGER NOT NULL DEFAULT 0,"
	"  stories INTEGER NOT NULL DEFAULT 0,"
	"  unread INTEGER NOT NULL DEFAULT 0,"
	"  reads INTEGER NOT NULL DEFAULT 0,"     /* read hits, and the sum of their ids: */
	"  readsum INTEGER NOT NULL DEFAULT 0"    /* browse's signature */
	") WITHOUT ROWID;"
	"INSERT INTO topic_counts SELECT topic, COUNT(*), COUNT(DISTINCT story),"
	"  COUNT(DISTINCT CASE WHEN read = 0 THEN story END), TOTAL(read), TOTAL(read * id)"
	"  FROM hits GROUP BY topic;"
	"INSERT INTO topic_counts SELECT '', COUNT(*), COUNT(DISTINCT story),"
	"  COUNT(DISTINCT CASE WHEN read = 0 THEN story END), TOTAL(read), TOTAL(read * id)"
	"  FROM hits;"
	"DROP TRIGGER hits_insert_story;"
	"DROP TRIGGER hits_delete_story;"
	"CREATE TRIGGER hits_insert_story AFTER INSERT ON hits BEGIN"
	"  INSERT INTO topic_counts (topic) VALUES (NEW.topic) ON CONFLICT DO NOTHING;"
	"  UPDATE topic_counts SET hits = hits + 1 WHERE topic IN (NEW.topic, '');"
	COUNTS("+", "NEW")
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id), story = " STORY_OF("NEW.item_id")
	"    WHERE id = NEW.id;"
	"  UPDATE hits SET story = NEW.id WHERE story > NEW.id AND story = (SELECT MIN(story)"
	"    FROM hits WHERE story <> NEW.id AND item_id IN " STORY_ITEMS("NEW.item_id") ");"
	"END;"
	"CREATE TRIGGER hits_delete_story AFTER DELETE ON hits BEGIN"
	"  UPDATE topic_counts SET hits = hits - 1 WHERE topic IN (OLD.topic, '');"
	COUNTS("-", "OLD")
	"  UPDATE hits SET story = " STORY_OF("hits.item_id")
	"    WHERE OLD.story = OLD.id AND story = OLD.id;"
	"END;"
	"CREATE TRIGGER hits_counts AFTER UPDATE OF story, read ON hits"
	"  WHEN OLD.story IS NOT NEW.story OR OLD.read IS NOT NEW.read BEGIN"
	COUNTS("-", "OLD")
	COUNTS("+", "NEW")
	"END;",
	/* 7 -> 8: items of one story are joined by an 8-byte hash of their
	 * canonical link (canon_hash: link_hash of fw_store_canonical_link),
	 * not by its text: the text column and its index cost 96 bytes an item
	 * (a tenth of the database), the hash and its index 25. An item looked
	 * up by its link compares link itself; two links whose hashes collide
	 * (one chance in 2^64 a pair) would be taken for one story. The
	 * triggers that joined by canon_link are made again on canon_hash. */
	"DROP TRIGGER items_canon_hits;"
	"DROP TRIGGER hits_insert_story;"
	"DROP TRIGGER hits_delete_story;"
	"DROP INDEX items_canon_link;"
	"ALTER TABLE items ADD COLUMN canon_hash INTEGER;"
	"UPDATE items SET canon_hash = fw_link_hash(canon_link) WHERE canon_link IS NOT NULL;"
	"ALTER TABLE items DROP COLUMN canon_link;"
	"CREATE INDEX items_canon_hash ON items(canon_hash) WHERE canon_hash IS NOT NULL;"
	/* with schema 7's counts, as 7 made them */
	"CREATE TRIGGER hits_insert_story AFTER INSERT ON hits BEGIN"
	"  INSERT INTO topic_counts (topic) VALUES (NEW.topic) ON CONFLICT DO NOTHING;"
	"  UPDATE topic_counts SET hits = hits + 1 WHERE topic IN (NEW.topic, '');"
	COUNTS("+", "NEW")
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id), story = " STORY_OF8("NEW.item_id")
	"    WHERE id = NEW.id;"
	"  UPDATE hits SET story = NEW.id WHERE story > NEW.id AND story = (SELECT MIN(story)"
	"    FROM hits WHERE story <> NEW.id AND item_id IN " STORY_ITEMS8("NEW.item_id") ");"
	"END;"
	"CREATE TRIGGER hits_delete_story AFTER DELETE ON hits BEGIN"
	"  UPDATE topic_counts SET hits = hits - 1 WHERE topic IN (OLD.topic, '');"
	COUNTS("-", "OLD")
	"  UPDATE hits SET story = " STORY_OF8("hits.item_id")
	"    WHERE OLD.story = OLD.id AND story = OLD.id;"
	"END;"
	ITEMS_CANON_HITS8,
	/* 8 -> 9: the hits' triggers with COUNTS9 (a third less time storing
	 * a hit: 32 -> 21 µs on the wide corpus's 7,445) */
	"DROP TRIGGER hits_insert_story;"
	"DROP TRIGGER hits_delete_story;"
	"DROP TRIGGER hits_counts;"
	"CREATE TRIGGER hits_insert_story AFTER INSERT ON hits BEGIN"
	"  INSERT INTO topic_counts (topic) VALUES (NEW.topic) ON CONFLICT DO NOTHING;"
	"  UPDATE topic_counts SET hits = hits + 1 WHERE topic IN (NEW.topic, '');"
	COUNTS9("+", "NEW")
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id), story = " STORY_OF8("NEW.item_id")
	"    WHERE id = NEW.id;"
	"  UPDATE hits SET story = NEW.id WHERE story > NEW.id AND story = (SELECT MIN(story)"
	"    FROM hits WHERE story <> NEW.id AND item_id IN " STORY_ITEMS8("NEW.item_id") ");"
	"END;"
	"CREATE TRIGGER hits_delete_story AFTER DELETE ON hits BEGIN"
	"  UPDATE topic_counts SET hits = hits - 1 WHERE topic IN (OLD.topic, '');"
	COUNTS9("-", "OLD")
	"  UPDATE hits SET story = " STORY_OF8("hits.item_id")
	"    WHERE OLD.story = OLD.id AND story = OLD.id;"
	"END;"
	"CREATE TRIGGER hits_counts AFTER UPDATE OF story, read ON hits"
	"  WHEN OLD.story IS NOT NEW.story OR OLD.read IS NOT NEW.read BEGIN"
	COUNTS9("-", "OLD")
	COUNTS9("+", "NEW")
	"END;",
	/* 9 -> 10: a hit costs less than half what it did to store (408,000 -> 181,000
	 * instructions; docs/design.md, "Storing a hit"). The store's INSERT gives
	 * the hit its rtime and story (id = MAX(id) + 1, so no older hit's story
	 * needs it); an INSERT that leaves either NULL gets both from
	 * hits_insert_fill, which also moves the stories a hit with an older id
	 * now heads. Counts take one statement a row of topic_counts; CHECKs
	 * lose their IN lists (migrate_checks). */
	"DROP TRIGGER hits_insert_story;"
	"DROP TRIGGER hits_delete_story;"
	"DROP TRIGGER hits_counts;"
	"CREATE TRIGGER hits_insert_story AFTER INSERT ON hits BEGIN"
	"  INSERT INTO topic_counts (topic, hits, stories, unread, reads, readsum)"
	"    VALUES (NEW.topic, 1, " ALONE10("NEW", " AND x.topic = NEW.topic") ","
	"    (NEW.read = 0 AND " ALONE10("NEW", " AND x.topic = NEW.topic AND x.read = 0") "),"
	"    NEW.read, NEW.read * NEW.id) ON CONFLICT (topic) DO UPDATE SET hits = hits + 1,"
	"    stories = stories + excluded.stories, unread = unread + excluded.unread,"
	"    reads = reads + excluded.reads, readsum = readsum + excluded.readsum;"
	"  UPDATE topic_counts SET hits = hits + 1, " COUNTS10_SET("+", "NEW", "")
	"    WHERE topic = '';"
	"END;"
	"CREATE TRIGGER hits_insert_fill AFTER INSERT ON hits"
	"  WHEN NEW.story IS NULL OR NEW.rtime IS NULL"
	"    OR EXISTS (SELECT 1 FROM hits WHERE story > NEW.id) BEGIN"
	"  INSERT INTO topic_counts (topic) VALUES (NEW.topic) ON CONFLICT DO NOTHING;"
	"  UPDATE hits SET rtime = (SELECT MIN(COALESCE(i.published, NEW.found), NEW.found)"
	"    FROM items i WHERE i.id = NEW.item_id), story = " STORY_OF8("NEW.item_id")
	"    WHERE id = NEW.id AND (NEW.story IS NULL OR NEW.rtime IS NULL);"
	"  UPDATE hits SET story = NEW.id WHERE story > NEW.id AND id <> NEW.id"
	"    AND +item_id IN " STORY_ITEMS8("NEW.item_id") ";"
	"END;"
	"CREATE TRIGGER hits_delete_story AFTER DELETE ON hits BEGIN"
	COUNTS10("-", "OLD", "hits = hits - 1, ")
	"  UPDATE hits SET story = " STORY_OF8("hits.item_id")
	"    WHERE OLD.story = OLD.id AND story = OLD.id;"
	"END;"
	"CREATE TRIGGER hits_counts AFTER UPDATE OF story, read ON hits"
	"  WHEN OLD.story IS NOT NEW.story OR OLD.read IS NOT NEW.read BEGIN"
	COUNTS10("-", "OLD", "")
	COUNTS10("+", "NEW", "")
	"END;",
	/* 10 -> 11: items of one document that share a link but not a title
	 * are stories of their own (a press office whose every release links
	 * to its landing page: fw_item.link_shared), keyed on link and title
	 * (fw_store_story_link). Stored items were in one document when they
	 * were seen at the same time (first_seen..last_seen overlap; last_seen
	 * is never later than the truth); the trigger items_canon_hits
	 * renumbers their hits' stories. */
	/* The items are found through the canon_hash index alone (a join that
	 * took items_feed_seen ran for minutes on 773,538 items; this, 0.5 s),
	 * and their hits' stories renumbered once, not by items_canon_hits for
	 * each item (15,470 items in groups of 77: 122 s). */
	"DROP TRIGGER items_canon_hits;"
	"CREATE TEMP TABLE fw_rekey AS SELECT a.id, a.canon_hash AS old FROM items a"
	"  WHERE a.canon_hash IS NOT NULL AND EXISTS (SELECT 1 FROM items o"
	"    WHERE o.canon_hash = a.canon_hash AND +o.feed_id = a.feed_id AND o.id <> a.id"
	"    AND o.title IS NOT a.title AND +o.first_seen <= a.last_seen"
	"    AND a.first_seen <= +o.last_seen);"
	"UPDATE items SET canon_hash = fw_story_hash(link, title)"
	"  WHERE id IN (SELECT id FROM temp.fw_rekey);"
	"UPDATE hits SET story = " STORY_OF8("hits.item_id") " WHERE item_id IN"
	"  (SELECT id FROM temp.fw_rekey UNION SELECT i.id FROM items i"
	"    WHERE i.canon_hash IN (SELECT old FROM temp.fw_rekey));"
	"DROP TABLE temp.fw_rekey;"
	ITEMS_CANON_HITS8,
	/* 11 -> 12: the topics the database has met and their queries
	 * (fw_store_topics_learn): a topic new to it, or whose query changed,
	 * catches up on its feeds' current items. Those with hits were met
	 * (their query not known: taken as it is next); one without is new
	 * once more and catches up. */
	"CREATE TABLE topics ("
	"  topic TEXT PRIMARY KEY,"
	"  query TEXT,"
	"  added INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"INSERT INTO topics SELECT topic, NULL, CAST(strftime('%s', 'now') AS INTEGER)"
	"  FROM topic_counts WHERE topic <> '' AND hits > 0;",
	/* 12 -> 13: a body may be packed a word at a time (wordpack.h), its
	 * model a row of dicts; an older feedwatch would read it as no text.
	 * Nothing to change. */
	"",
};

G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == FW_STORE_SCHEMA_VERSION);

/* Prepared statements, prepared on first use and kept for the store's life. */
enum stmt_id {
	ST_FEED_UPSERT,
	ST_FEED_SELECT,
	ST_FEED_POLLED,
	ST_ITEM_SELECT,
	ST_FEED_HAS_ITEMS,
	ST_ITEM_BY_LINK,
	ST_ITEM_INSERT,
	ST_ITEM_UPDATE,
	ST_ITEM_SEEN,
	ST_HIT_EXISTS,
	ST_STORY_NOTIFIED,
	ST_HIT_INSERT,
	ST_OUTBOX_INSERT,
	ST_OUTBOX_DUE,
	ST_OUTBOX_OK,
	ST_OUTBOX_RETRY,
	ST_OUTBOX_HIT_SYNC,
	ST_HIT_GET,
	ST_HIT_SET_READ,
	ST_STORY_HITS,
	ST_STORY_SET_READ,
	ST_FEED_STATUS,
	ST_PRUNE,
	ST_PRUNE_HITS,
	ST_MUTE_SET,
	ST_MUTE_CLEAR,
	ST_MUTE_EXPIRE,
	ST_MUTES,
	ST_DATA_VERSION,
	ST_BROWSE_SIGNATURE,
	ST_TOPIC_GET,
	ST_TOPIC_LEARN,
	ST_TOPIC_ADOPT,
	ST_TOPIC_CHANGE,
	ST_DICT_ONE,
	ST_DICT_GET,
	ST_DICT_ADD,
	ST_DICT_SAMPLES,
	ST_HITS_COUNT,
	ST_BROWSE_COUNTS,
	ST_TOPIC_UNREAD,
	ST_TOPIC_SET_READ,
	ST_COUNT
};

/* A hit's story: the lowest hit id among the hits of its item and of every
 * item with the same canonical link (the same story in other feeds); kept in
 * the hit by the schema's triggers (migration 5). */
#define HIT_STORY "h.story"
/* A hit's time for the reader: published, found when it has none or claims
 * a time after it was found; kept in the hit (indexed). */
#define HIT_TIME "h.rtime"
#define HIT_SELECT_HEAD \
	"SELECT h.id, h.topic, h.topic_name, f.key, COALESCE(f.title, f.key), i.item_key," \
	" i.title, i.link, i.published, h.found, h.snippet, h.marks, h.matched, h.read," \
	" h.notified, i.author,"
/* HIT_SELECT without also_in (filter->no_also_in) */
#define HIT_SELECT_NO_ALSO HIT_SELECT_HEAD " NULL, " HIT_STORY
#define HIT_SELECT HIT_SELECT_HEAD \
	" CASE WHEN EXISTS (SELECT 1 FROM items i2 WHERE i2.canon_hash = i.canon_hash" \
	"   AND i2.id <> i.id) THEN" \
	" (SELECT group_concat(t, ', ') FROM (SELECT DISTINCT COALESCE(f2.title, f2.key) AS t" \
	"   FROM items i2 JOIN feeds f2 ON f2.id = i2.feed_id" \
	"   WHERE i2.canon_hash = i.canon_hash AND i2.feed_id <> i.feed_id ORDER BY t)) END," \
	" " HIT_STORY
/* The columns of HIT_SELECT from the hit alone (filter->brief): id,
 * topic, topic_name, published (the reader's time), found, read, notified
 * and story; with BRIEF_FROM when no filter needs the item or feed. */
#define HIT_SELECT_BRIEF \
	"SELECT h.id, h.topic, h.topic_name, NULL, NULL, NULL, NULL, NULL, h.rtime, h.found," \
	" NULL, NULL, NULL, h.read, h.notified, NULL, NULL, " HIT_STORY
#define BRIEF_FROM " FROM hits h"
/* The columns of HIT_SELECT, HIT_SELECT_NO_ALSO and HIT_SELECT_BRIEF. */
#define HIT_COLUMNS 18
#define HIT_FROM \
	" FROM hits h JOIN items i ON i.id = h.item_id JOIN feeds f ON f.id = i.feed_id"

static const char *const stmt_sql[ST_COUNT] = {
	/* A new url in the config: where it moved or that it was gone no
	 * longer holds. The same url: nothing written. */
	[ST_FEED_UPSERT] =
		"INSERT INTO feeds (key, url) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET url = excluded.url, moved_to = NULL,"
		" moved_next = NULL, moved_count = 0, gone = 0"
		" WHERE feeds.url IS NOT excluded.url",
	[ST_FEED_SELECT] =
		"SELECT id, etag, last_modified, title, fetched, last_poll, next_poll, failures,"
		" moved_to, gone, ttl, max_age, url FROM feeds WHERE key = ?1",
	[ST_FEED_POLLED] =
		"UPDATE feeds SET last_poll = ?2, http_status = ?3, error = ?4,"
		" etag = CASE WHEN ?10 THEN ?5 ELSE etag END,"
		" last_modified = CASE WHEN ?10 THEN ?6 ELSE last_modified END,"
		" title = COALESCE(?7, title), bytes = ?8, seconds = ?9,"
		" failures = CASE WHEN ?11 THEN 0 ELSE failures + 1 END,"
		" fetched = CASE WHEN ?11 THEN 1 ELSE fetched END,"
		" next_poll = ?12, degraded = ?13,"
		/* ?14 permanent target: counted while it stays the same */
		" moved_count = CASE WHEN ?14 IS NULL THEN 0"
		"   WHEN ?14 IS moved_next THEN moved_count + 1 ELSE 1 END,"
		" moved_to = CASE WHEN ?14 IS NOT NULL AND ?15 <= CASE WHEN ?14 IS moved_next"
		"   THEN moved_count + 1 ELSE 1 END"
		"   THEN CASE WHEN ?14 IS url THEN NULL ELSE ?14 END ELSE moved_to END,"
		" moved_next = ?14,"
		" gone = CASE WHEN ?16 THEN 1 WHEN ?11 THEN 0 ELSE gone END,"
		/* ?17 a parsed document: its hints replace the stored ones */
		" ttl = CASE WHEN ?17 THEN ?18 ELSE ttl END,"
		" max_age = CASE WHEN ?17 OR ?19 > 0 THEN ?19 ELSE max_age END"
		" WHERE id = ?1",
	[ST_ITEM_SELECT] =
		"SELECT id, hash, last_seen, canon_hash FROM items WHERE feed_id = ?1 AND item_key = ?2",
	[ST_FEED_HAS_ITEMS] =
		"SELECT 1 FROM items WHERE feed_id = ?1 LIMIT 1",
	/* The same link and title in the same feed, under the link's key ?1 or
	 * its key of link and title ?5 (through the canon_hash index), and
	 * whether it is under ?1. */
	[ST_ITEM_BY_LINK] =
		"SELECT id, hash, last_seen, canon_hash = ?1 FROM items WHERE canon_hash IN (?1, ?5)"
		" AND +feed_id = ?2 AND link = ?3 AND title IS ?4 ORDER BY id",
	[ST_ITEM_INSERT] =
		"INSERT INTO items (feed_id, item_key, title, link, canon_hash, published, updated,"
		" author, body, hash, first_seen, last_seen)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
	[ST_ITEM_UPDATE] =
		"UPDATE items SET title = ?3, link = ?4, canon_hash = ?5, published = ?6,"
		" updated = ?7, author = ?8, body = ?9, hash = ?10, last_seen = ?11 WHERE id = ?1",
	[ST_ITEM_SEEN] =
		"UPDATE items SET last_seen = ?2 WHERE id = ?1",
	[ST_HIT_EXISTS] =
		"SELECT 1 FROM hits WHERE item_id = ?1 AND topic = ?2",
	[ST_TOPIC_GET] =
		"SELECT query IS NULL, query IS ?2 FROM topics WHERE topic = ?1",
	[ST_TOPIC_LEARN] =
		"INSERT INTO topics (topic, query, added) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (topic) DO NOTHING",
	[ST_TOPIC_ADOPT] =
		"UPDATE topics SET query = ?2 WHERE topic = ?1 AND query IS NULL",
	[ST_TOPIC_CHANGE] =
		"UPDATE topics SET query = ?2 WHERE topic = ?1 AND query IS NOT ?2",
	/* ?3: items of other feeds only (a twin) */
	[ST_STORY_NOTIFIED] =
		"SELECT 1 FROM items a JOIN items b ON b.canon_hash = a.canon_hash AND b.id <> a.id"
		" AND (b.feed_id <> a.feed_id OR (NOT ?3 AND b.title IS a.title))"
		" JOIN hits h ON h.item_id = b.id"
		" WHERE a.id = ?1 AND a.canon_hash IS NOT NULL AND h.topic = ?2"
		" AND h.notified IN ('pending', 'delivered') LIMIT 1",
	/* with its rtime and story (schema 10: hits_insert_fill has nothing to
	 * do); the id SQLite would give, named so that a new story can take it */
	[ST_HIT_INSERT] =
		"INSERT INTO hits (id, item_id, topic, topic_name, found, snippet, marks, matched,"
		" notified, rtime, story) VALUES ((SELECT IFNULL(MAX(id), 0) + 1 FROM hits),"
		" ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" (SELECT MIN(COALESCE(published, ?4), ?4) FROM items WHERE id = ?1),"
		" COALESCE(" STORY_OF8("?1") ", (SELECT IFNULL(MAX(id), 0) + 1 FROM hits)))",
	[ST_OUTBOX_INSERT] =
		"INSERT INTO outbox (hit_id, channel, next_try) VALUES (?1, ?2, ?3)",
	[ST_OUTBOX_DUE] =
		"SELECT o.id, o.hit_id, h.item_id, o.channel, h.topic, h.topic_name,"
		" COALESCE(f.title, f.key), i.title, i.link, h.snippet, h.marks, o.attempts"
		" FROM outbox o JOIN hits h ON h.id = o.hit_id JOIN items i ON i.id = h.item_id"
		" JOIN feeds f ON f.id = i.feed_id"
		" WHERE o.state = 'pending' AND o.next_try <= ?1"
		" ORDER BY o.next_try, o.id LIMIT ?2",
	[ST_OUTBOX_OK] =
		"UPDATE outbox SET state = 'delivered', error = NULL WHERE id = ?1",
	[ST_OUTBOX_RETRY] =
		"UPDATE outbox SET attempts = attempts + 1, error = ?2,"
		" state = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE 'pending' END,"
		" next_try = ?4 + (?5 << MIN(attempts, 20)) WHERE id = ?1",
	[ST_OUTBOX_HIT_SYNC] =
		"UPDATE hits SET notified = CASE"
		" WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.hit_id = hits.id"
		"   AND o.state = 'failed') THEN 'failed'"
		" WHEN NOT EXISTS (SELECT 1 FROM outbox o WHERE o.hit_id = hits.id"
		"   AND o.state <> 'delivered') THEN 'delivered'"
		" ELSE notified END"
		" WHERE id = (SELECT hit_id FROM outbox WHERE id = ?1)",
	[ST_HIT_GET] =
		HIT_SELECT ", i.body" HIT_FROM " WHERE h.id = ?1",
	/* Every hit of the story of hit ?1, with the item's text, by id. */
	[ST_STORY_HITS] =
		HIT_SELECT ", i.body" HIT_FROM
		" WHERE h.story = (SELECT story FROM hits WHERE id = ?1) ORDER BY h.id",
	[ST_STORY_SET_READ] =
		"UPDATE hits SET read = ?2 WHERE read <> ?2"
		" AND story = (SELECT story FROM hits WHERE id = ?1)",
	[ST_HIT_SET_READ] =
		"UPDATE hits SET read = ?2 WHERE id = ?1",
	[ST_FEED_STATUS] =
		"SELECT f.key, f.url, f.title, f.fetched, f.last_poll, f.next_poll, f.http_status,"
		" f.error, f.failures, f.bytes, f.seconds, f.degraded, f.moved_to, f.gone,"
		" (SELECT COUNT(*) FROM items i WHERE i.feed_id = f.id),"
		" (SELECT COUNT(*) FROM hits h JOIN items i ON i.id = h.item_id"
		"   WHERE i.feed_id = f.id), f.etag, f.last_modified"
		" FROM feeds f ORDER BY f.key",
	/* Old, without a hit, and no longer in the feed (?2: FW_STORE_SEEN_STEP)
	 * or of a feed not polled since ?1 (gone from the config). */
	[ST_PRUNE] =
		"DELETE FROM items WHERE id IN (SELECT i.id FROM feeds f JOIN items i"
		" ON i.feed_id = f.id AND i.last_seen < ?1"
		" WHERE (f.last_poll < ?1 OR i.last_seen <"
		"   (SELECT MAX(j.last_seen) FROM items j WHERE j.feed_id = f.id) - ?2)"
		" AND NOT EXISTS (SELECT 1 FROM hits h WHERE h.item_id = i.id))",
	/* Hits found before ?1 (their outbox rows go with them). */
	[ST_PRUNE_HITS] =
		"DELETE FROM hits WHERE found < ?1",
	[ST_MUTE_SET] =
		"INSERT INTO mutes (topic, until) VALUES (?1, ?2)"
		" ON CONFLICT (topic) DO UPDATE SET until = excluded.until",
	[ST_MUTE_CLEAR] =
		"DELETE FROM mutes WHERE topic = ?1",
	[ST_MUTE_EXPIRE] =
		"DELETE FROM mutes WHERE until <= ?1",
	[ST_MUTES] =
		"SELECT topic, until FROM mutes WHERE until > ?1",
	[ST_DATA_VERSION] =
		"PRAGMA data_version",
	/* What the browser shows of the hits and mutes, in a few numbers. */
	[ST_BROWSE_SIGNATURE] =
		"SELECT (SELECT hits || ':' || ifnull((SELECT max(id) FROM hits), 0) || ':' || reads"
		" || ':' || readsum FROM topic_counts WHERE topic = '') || '|' ||"
		" ifnull((SELECT group_concat(topic || ':' || until, ',') FROM mutes), '')",
	/* every topic ('') first; a topic's name from its newest hit */
	[ST_BROWSE_COUNTS] =
		"SELECT NULLIF(c.topic, ''), (SELECT h.topic_name FROM hits h WHERE h.topic = c.topic"
		" ORDER BY h.rtime DESC LIMIT 1), c.stories, c.unread,"
		" CASE WHEN c.topic = '' THEN (SELECT MAX(id) FROM hits) END"
		" FROM topic_counts c WHERE c.topic = '' OR c.hits > 0 ORDER BY c.topic",
	/* the stories of topic ?1 (NULL: all) with a hit not yet ?2 */
	[ST_TOPIC_UNREAD] =
		"SELECT COUNT(DISTINCT story) FROM hits WHERE read <> ?2 AND (?1 IS NULL OR story IN"
		" (SELECT story FROM hits WHERE topic = ?1))",
	[ST_TOPIC_SET_READ] =
		"UPDATE hits SET read = ?2 WHERE read <> ?2 AND (?1 IS NULL OR story IN"
		" (SELECT story FROM hits WHERE topic = ?1))",
	/* One dictionary: there is one, unless two processes trained at once. */
	[ST_DICT_ONE] =
		"SELECT id, data FROM dicts ORDER BY id LIMIT 1",
	[ST_DICT_GET] =
		"SELECT data FROM dicts WHERE id = ?1",
	[ST_DICT_ADD] =
		"INSERT OR IGNORE INTO dicts (id, data) VALUES (?1, ?2)",
	[ST_DICT_SAMPLES] =
		"SELECT body FROM items WHERE body IS NOT NULL ORDER BY id DESC LIMIT ?1",
	[ST_HITS_COUNT] =
		"SELECT count(*) FROM hits WHERE found >= ?1",
};


/* After a commit or rollback: starts using a dictionary written in the
 * transaction if it was committed (item bodies, below). */
static void dict_settle(struct fw_store *s);
static void dict_collect(struct fw_store *s, gboolean wait);

/* SQL functions of the migrations to schemas 6 (item bodies, below), 7 and 11. */
static void body_pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);
static void link_hash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);
static void story_hash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);
static void hash_pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv);

static gboolean sq_begin(struct fw_store *s, GError **error);
static gboolean sq_commit(struct fw_store *s, GError **error);
static void sq_rollback(struct fw_store *s);
static void sq_free(struct fw_store *s);
static void sq_rollback_to(struct fw_store *s);
static gboolean sq_group_end(struct fw_store *s, GError **error);
static gboolean sq_hit_set_read(struct fw_store *s, gint64 hit_id, gboolean read, GError **error);

/* Maps an SQLite result code to an FW_STORE_ERROR code. */
static int error_code(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return FW_STORE_ERROR_EXISTS;
	}
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return FW_STORE_ERROR_FULL;
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return FW_STORE_ERROR_READONLY;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return FW_STORE_ERROR_BUSY;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
		return FW_STORE_ERROR_OPEN;
	default:
		return FW_STORE_ERROR_FAILED;
	}
}

/* Sets error from rc and the connection's message, naming the database and
 * what was being done. Returns FALSE. */
static gboolean fail(struct fw_store *s, GError **error, int rc, const char *what)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : NULL;

	if (!msg || !strcmp(msg, "not an error"))
		msg = sqlite3_errstr(rc);
	g_set_error(error, FW_STORE_ERROR, error_code(rc), "%s: %s: %s", s->path, what, msg);
	return FALSE;
}

/* Returns the cached statement id, reset and unbound, preparing it on first
 * use; NULL with error. */
static sqlite3_stmt *stmt(struct fw_store *s, enum stmt_id id, GError **error)
{
	sqlite3_stmt *st = s->stmts[id];
	int rc;

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		fail(s, error, rc, "preparing a statement");
		return NULL;
	}
	s->stmts[id] = st;
	return st;
}

/* Releases a statement after use so that it holds no read snapshot. */
static void done(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Binds a string, or NULL. The string must live until the statement is done. */
static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Binds a time, NULL for FW_TIME_NONE. */
static void bind_time(sqlite3_stmt *st, int i, gint64 t)
{
	if (t == FW_TIME_NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

/* A new copy of column i as text, or NULL. */
static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? g_strdup((const char *)t) : NULL;
}

/* Column i as a time, FW_TIME_NONE for NULL. */
static gint64 column_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return FW_TIME_NONE;
	return sqlite3_column_int64(st, i);
}

/* Steps a statement that returns no row; done() afterwards. */
static gboolean run(struct fw_store *s, sqlite3_stmt *st, const char *what, GError **error)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(s, error, sqlite3_extended_errcode(s->db), what);
		done(st);
		return FALSE;
	}
	done(st);
	return TRUE;
}

/* Runs SQL text without results. */
static gboolean exec(struct fw_store *s, const char *sql, const char *what, GError **error)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return fail(s, error, sqlite3_extended_errcode(s->db), what);
	return TRUE;
}

/* Starts a write transaction unless one is open; *own says whether we did. */
static gboolean auto_begin(struct fw_store *s, gboolean *own, GError **error)
{
	*own = sqlite3_get_autocommit(s->db) != 0;
	if (*own)
		return sq_begin(s, error);
	return TRUE;
}

/* Ends what auto_begin started: commit when ok, else roll back. */
static gboolean auto_end(struct fw_store *s, gboolean own, gboolean ok, GError **error)
{
	if (!own)
		return ok;
	if (ok)
		return sq_commit(s, error);
	sq_rollback(s);
	return FALSE;
}

/* SQL fw_contains(haystack, needle): 1 when needle occurs in haystack, ignoring
 * case (Unicode case folding, compatibility normalisation). */
static void contains_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *hay = (const char *)sqlite3_value_text(argv[0]);
	const char *needle = (const char *)sqlite3_value_text(argv[1]);
	g_autofree char *h = NULL, *folded = NULL;
	const char *n;

	if (!hay || !needle) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	/* The needle is the same on every row: fold it once. */
	n = sqlite3_get_auxdata(ctx, 1);
	if (!n)
		n = folded = fw_store_search_fold(needle);
	h = fw_store_search_fold(hay);
	sqlite3_result_int(ctx, strstr(h, n) != NULL);
	if (folded)
		sqlite3_set_auxdata(ctx, 1, g_steal_pointer(&folded), g_free);
}

/* Schema 10's CHECKs without IN lists: SQLite fills a temporary table with
 * the five values of `notified IN (...)` at every INSERT of a hit (a tenth
 * of its cost), and compares an OR of equalities in place. A CHECK changes
 * in place by editing its text in sqlite_master, SQLite's documented way
 * (lang_altertable.html, "Making Other Kinds Of Table Schema Changes"):
 * every row meets the same condition. The migration's DDL that follows bumps
 * the schema cookie, so other connections read it again. Best effort: where
 * SQLite refuses the edit (a build in defensive mode), the CHECKs stay as
 * they were, as strict and slower. */
static void migrate_checks(struct fw_store *s)
{
	static const char edit[] =
		"PRAGMA writable_schema = ON;"
		"UPDATE sqlite_master SET sql = replace(sql,"
		" 'CHECK (notified IN    (''initial'',''pending'',''delivered'',''failed'',''none''))',"
		" 'CHECK (notified = ''initial'' OR notified = ''pending'' OR notified = ''delivered''"
		" OR notified = ''failed'' OR notified = ''none'')')"
		" WHERE type = 'table' AND name = 'hits';"
		"UPDATE sqlite_master SET sql = replace(sql,"
		" 'CHECK (state IN    (''pending'',''delivered'',''failed''))',"
		" 'CHECK (state = ''pending'' OR state = ''delivered'' OR state = ''failed'')')"
		" WHERE type = 'table' AND name = 'outbox';";

	sqlite3_exec(s->db, edit, NULL, NULL, NULL);
	/* off, and the schema read again from the edited text */
	sqlite3_exec(s->db, "PRAGMA writable_schema = RESET", NULL, NULL, NULL);
}

/* Brings the schema to the newest version, in one write transaction. */
static gboolean migrate(struct fw_store *s, GError **error)
{
	const int newest = G_N_ELEMENTS(migrations);
	sqlite3_stmt *st = NULL;
	int version, rc;
	gboolean ok = TRUE;

	for (int pass = 0; pass < 2; pass++) {
		rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return fail(s, error, sqlite3_extended_errcode(s->db), "reading the schema version");
		rc = sqlite3_step(st);
		version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		if (version < 0)
			return fail(s, error, sqlite3_extended_errcode(s->db), "reading the schema version");
		if (version > newest) {
			if (pass == 1)
				sq_rollback(s);
			g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_OPEN,
			            "%s: database schema version %d is newer than this feedwatch "
			            "knows (%d)", s->path, version, newest);
			return FALSE;
		}
		if (version == newest)
			return pass == 0 ? TRUE : sq_commit(s, error);
		/* Behind: take the write lock and look again (another process may
		 * have migrated meanwhile). */
		if (pass == 0 && !sq_begin(s, error))
			return FALSE;
	}
	for (int v = version; v < newest && ok; v++) {
		g_autofree char *what = g_strdup_printf("migrating the schema to version %d", v + 1);
		g_autofree char *pragma = g_strdup_printf("PRAGMA user_version = %d", v + 1);

		if (v == 9)
			migrate_checks(s);
		ok = exec(s, migrations[v], what, error) && exec(s, pragma, what, error);
	}
	if (!ok) {
		sq_rollback(s);
		return FALSE;
	}
	if (!sq_commit(s, error))
		return FALSE;
	/* Schema 6 packed every item's text: the rows shrank in place and left
	 * their pages mostly empty (a cold cycle's 52 MB became 78 MB); schema 7
	 * took a text column and an index out of them. VACUUM packs them again,
	 * once; if it cannot (disk full, a reader), the database is as valid,
	 * only larger. */
	if (version >= 1 && version < 7)
		sqlite3_exec(s->db, "VACUUM", NULL, NULL, NULL);
	return TRUE;
}

/* TRUE when errno-like e means "no permission to write". */
static gboolean errno_readonly(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* Once a process, before SQLite's first use: no allocation statistics.
 * They cost a mutex on every sqlite3_malloc and free (741,000 and
 * 1,180,000 of them in a cold cycle of bench's corpus) and nothing reads
 * them. A library that set SQLite up first keeps its settings. */
static void sq_global_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		g_once_init_leave(&done, 1);
	}
}

struct fw_store *fw_store_sqlite_open(const char *path, GError **error)
{
	g_autofree char *dir = NULL;
	struct fw_store *s;
	GStatBuf sb;
	gboolean fresh;
	int rc;

	g_return_val_if_fail(path != NULL, NULL);
	sq_global_init();
	dir = g_path_get_dirname(path);
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		int e = errno;

		g_set_error(error, FW_STORE_ERROR,
		            errno_readonly(e) ? FW_STORE_ERROR_READONLY : FW_STORE_ERROR_OPEN,
		            "%s: cannot create directory %s: %s", path, dir, g_strerror(e));
		return NULL;
	}
	fresh = g_stat(path, &sb) != 0 || sb.st_size == 0;
	s = g_new0(struct fw_store, 1);
	s->path = g_strdup(path);
	s->ops = &fw_store_sqlite_ops;
	fw_store_unit_init(&s->unit);
	s->stmts = g_new0(sqlite3_stmt *, ST_COUNT);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK)
		goto fail_open;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, FW_STORE_BUSY_TIMEOUT);
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_READONLY,
		            "%s: database is read-only (no write permission)", path);
		sq_free(s);
		return NULL;
	}
	/* Page size and auto_vacuum take only on a file without tables and
	 * before WAL is set: a new database, about to be made by the migrations
	 * (on an older one they would wait for a manual VACUUM, and take a write
	 * lock). 8 KiB pages hold items (2 kB of text, typically) with less
	 * slack: a database 17% smaller than with 4 KiB. 16 KiB would save 2-6%
	 * more at 5% more CPU in a cold cycle (design.md section 4). */
	if (fresh) {
		rc = sqlite3_exec(s->db, "PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL",
		                  NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail_open;
	}
	/* The first statement that reads the header: a corrupt file fails here. */
	rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail_open;
	/* The WAL file is cut back to 4 MiB after a checkpoint (a cold cycle
	 * can grow it far beyond). Statement and savepoint journals stay in
	 * memory: on disk (/var/tmp) they were written more than the database
	 * itself, 3 MB for every MB stored. */
	rc = sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
	                  " PRAGMA journal_size_limit = 4194304", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail_open;
	rc = sqlite3_create_function_v2(s->db, "fw_contains", 2,
	                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                                NULL, contains_fn, NULL, NULL, NULL);
	/* For the migration to schema 6. */
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(s->db, "fw_body_pack", 3,
		                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
		                                s, body_pack_fn, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(s->db, "fw_hash_pack", 1,
		                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
		                                NULL, hash_pack_fn, NULL, NULL, NULL);
	/* For the migrations to schemas 7 and 11. */
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(s->db, "fw_link_hash", 1,
		                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
		                                NULL, link_hash_fn, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function_v2(s->db, "fw_story_hash", 2,
		                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
		                                NULL, story_hash_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail_open;
	/* Migrations rewrite whole tables: their journals and VACUUM's copy go
	 * to temporary files, not to memory (a daemon under MemoryMax). */
	if (!migrate(s, error)) {
		sq_free(s);
		return NULL;
	}
	sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	return s;

fail_open:
	{
		int ext = s->db ? sqlite3_extended_errcode(s->db) : rc;
		int code = error_code(ext ? ext : rc);
		const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

		/* Cannot create the -wal file or the database in an unwritable
		 * directory: say read-only, not "unable to open". */
		if (code == FW_STORE_ERROR_OPEN && (rc & 0xff) == SQLITE_CANTOPEN &&
		    access(dir, W_OK) != 0 && errno_readonly(errno))
			code = FW_STORE_ERROR_READONLY;
		g_set_error(error, FW_STORE_ERROR, code, "%s: cannot open the database: %s",
		            path, msg);
		sq_free(s);
		return NULL;
	}
}

/* Opens uri (a file: URI) read-only into s; an SQLite result code. */
static int open_ro(struct fw_store *s, const char *uri)
{
	int rc;

	sq_global_init();
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	                     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA user_version", NULL, NULL, NULL);
	return rc;
}

struct fw_store *fw_store_sqlite_open_readonly(const char *path, GError **error)
{
	g_autofree char *abs = g_canonicalize_filename(path, NULL);
	g_autofree char *uri = g_filename_to_uri(abs, NULL, NULL);
	g_autofree char *ro = NULL, *shm = NULL;
	struct fw_store *s;
	sqlite3_stmt *st = NULL;
	GStatBuf sb;
	int rc, version = -1;

	g_return_val_if_fail(path != NULL, NULL);
	if (uri == NULL || g_stat(path, &sb) != 0) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_OPEN,
		            "%s: cannot open the database: %s", path, g_strerror(errno));
		return NULL;
	}
	s = g_new0(struct fw_store, 1);
	s->path = g_strdup(path);
	s->ops = &fw_store_sqlite_ops;
	fw_store_unit_init(&s->unit);
	s->stmts = g_new0(sqlite3_stmt *, ST_COUNT);
	/* A WAL database is read through its -shm file, which exists while any
	 * connection has it open. Without one, no writer has it open and all of
	 * it is in the database file: that is read as is (immutable), so that
	 * the reader makes no -wal or -shm file of its own (one made read-only,
	 * in a folder it can write, would then stop the writer). */
	shm = g_strconcat(path, "-shm", NULL);
	ro = g_strconcat(uri, g_file_test(shm, G_FILE_TEST_EXISTS) ? "?mode=ro" : "?mode=ro&immutable=1",
	                 NULL);
	rc = open_ro(s, ro);
	if (rc != SQLITE_OK) {
		g_set_error(error, FW_STORE_ERROR, error_code(sqlite3_extended_errcode(s->db)),
		            "%s: cannot open the database read-only: %s", path,
		            s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		sq_free(s);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, FW_STORE_BUSY_TIMEOUT);
	sqlite3_exec(s->db, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version != (int)G_N_ELEMENTS(migrations)) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_READONLY,
		            "%s: database is read-only and its schema (version %d) is not this "
		            "feedwatch's (%d): open it once with write access", path, version,
		            (int)G_N_ELEMENTS(migrations));
		sq_free(s);
		return NULL;
	}
	rc = sqlite3_create_function_v2(s->db, "fw_contains", 2,
	                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                                NULL, contains_fn, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_OPEN, "%s: %s", path,
		            sqlite3_errmsg(s->db));
		sq_free(s);
		return NULL;
	}
	return s;
}

static void sq_free(struct fw_store *s)
{
	if (!s)
		return;
	/* a dictionary still training is kept for the next process */
	if (s->db && s->stmts)
		dict_collect(s, TRUE);
	for (int i = 0; s->stmts && i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	g_free(s->stmts);
	sqlite3_close_v2(s->db);
	fw_store_unit_clear(&s->unit);
	ZSTD_freeCCtx(s->zc);
	ZSTD_freeDCtx(s->zd);
	fw_store_packer_unref(s->packer);
	fw_store_packer_unref(s->plain);
	if (s->samples)
		g_byte_array_unref(s->samples);
	if (s->sample_sizes)
		g_array_unref(s->sample_sizes);
	if (s->ddicts)
		g_hash_table_unref(s->ddicts);
	if (s->wmodels)
		g_hash_table_unref(s->wmodels);
	g_free(s->path);
	g_free(s);
}

static void sq_set_busy_timeout(struct fw_store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms);
}

static void sq_set_mmap(struct fw_store *s, gint64 bytes)
{
	g_autofree char *sql = g_strdup_printf("PRAGMA mmap_size = %" G_GINT64_FORMAT, bytes);

	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
}

static void sq_set_durable(struct fw_store *s, gboolean durable)
{
	sqlite3_exec(s->db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
	             NULL, NULL, NULL);
}

static gboolean sq_begin(struct fw_store *s, GError **error)
{
	if (s->group && !sq_group_end(s, error))
		return FALSE;
	fw_store_unit_reset(&s->unit);
	return exec(s, "BEGIN IMMEDIATE", "starting a transaction", error);
}

static gboolean sq_commit(struct fw_store *s, GError **error)
{
	fw_store_unit_reset(&s->unit);
	if (!exec(s, "COMMIT", "committing", error)) {
		sq_rollback(s);
		return FALSE;
	}
	dict_settle(s);
	return TRUE;
}

static void sq_rollback(struct fw_store *s)
{
	if (!s)
		return;
	s->group = FALSE;
	fw_store_unit_reset(&s->unit);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	dict_settle(s);
}

static gboolean sq_savepoint(struct fw_store *s, GError **error)
{
	fw_store_unit_reset(&s->unit);
	return exec(s, "SAVEPOINT fw_unit", "starting a savepoint", error);
}

static gboolean sq_release(struct fw_store *s, GError **error)
{
	fw_store_unit_reset(&s->unit);
	if (!exec(s, "RELEASE fw_unit", "committing", error)) {
		sq_rollback_to(s);
		return FALSE;
	}
	dict_settle(s);
	return TRUE;
}

static void sq_rollback_to(struct fw_store *s)
{
	fw_store_unit_reset(&s->unit);
	/* SQLite may have rolled the whole transaction back already (SQLITE_FULL). */
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK TO fw_unit; RELEASE fw_unit", NULL, NULL, NULL);
}

static gboolean sq_group_begin(struct fw_store *s, GError **error)
{
	if (s->group && sqlite3_get_autocommit(s->db) && !sq_group_end(s, error))
		return FALSE;   /* undone by SQLite: said once, then a new group */
	if (!sqlite3_get_autocommit(s->db))
		return TRUE;
	fw_store_unit_reset(&s->unit);
	if (!exec(s, "BEGIN IMMEDIATE", "starting a transaction", error))
		return FALSE;
	s->group = TRUE;
	return TRUE;
}

static gboolean sq_group_end(struct fw_store *s, GError **error)
{
	if (!s->group)
		return TRUE;
	s->group = FALSE;
	fw_store_unit_reset(&s->unit);
	if (sqlite3_get_autocommit(s->db)) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_FAILED,
		            "a storage error undid the writes of the open group");
		return FALSE;
	}
	return sq_commit(s, error);
}

/* ---- feeds ------------------------------------------------------------ */

/* Reads feed key's row into st; *same is TRUE when it exists with this url.
 * FALSE on an error. */
static gboolean feed_read(struct fw_store *s, const char *key, const char *url,
                          struct fw_feed_state *st, gboolean *same, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	*same = FALSE;
	if (!(q = stmt(s, ST_FEED_SELECT, error)))
		return FALSE;
	bind_text(q, 1, key);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		done(q);
		return TRUE;
	}
	if (rc != SQLITE_ROW) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading a feed");
		done(q);
		return FALSE;
	}
	*same = g_strcmp0((const char *)sqlite3_column_text(q, 12), url) == 0;
	if (*same) {
		st->id = sqlite3_column_int64(q, 0);
		st->etag = column_dup(q, 1);
		st->last_modified = column_dup(q, 2);
		st->title = column_dup(q, 3);
		st->fetched = sqlite3_column_int(q, 4) != 0;
		st->last_poll = sqlite3_column_int64(q, 5);
		st->next_poll = sqlite3_column_int64(q, 6);
		st->failures = sqlite3_column_int(q, 7);
		st->moved_to = column_dup(q, 8);
		st->gone = sqlite3_column_int(q, 9) != 0;
		st->ttl = sqlite3_column_int64(q, 10);
		st->max_age = sqlite3_column_int64(q, 11);
	}
	done(q);
	return TRUE;
}

/* A row with the same url is only read: a write transaction a feed (each
 * feed's poll starts with this, outside the group) cost a cycle of 1000
 * feeds 8000 lock and stat calls. */
static gboolean sq_feed_get(struct fw_store *s, const char *key, const char *url,
                           struct fw_feed_state *st, GError **error)
{
	sqlite3_stmt *q;
	gboolean same;

	g_return_val_if_fail(key != NULL && st != NULL, FALSE);
	memset(st, 0, sizeof(*st));
	if (!feed_read(s, key, url, st, &same, error))
		return FALSE;
	if (same)
		return TRUE;
	if (!(q = stmt(s, ST_FEED_UPSERT, error)))
		return FALSE;
	bind_text(q, 1, key);
	bind_text(q, 2, url);
	if (!run(s, q, "recording a feed", error) || !feed_read(s, key, url, st, &same, error))
		return FALSE;
	if (!same) {
		fail(s, error, SQLITE_ERROR, "reading a feed");
		return FALSE;
	}
	return TRUE;
}

static gboolean sq_feed_polled(struct fw_store *s, gint64 feed_id, gint64 now,
                              const struct fw_poll_record *rec, GError **error)
{
	sqlite3_stmt *q;
	gboolean set_validators;

	g_return_val_if_fail(rec != NULL, FALSE);
	/* New validators replace the old; a failed poll or a 304 that sent none
	 * keeps the old ones. */
	set_validators = rec->etag || rec->last_modified ||
	                 (rec->ok && rec->http_status != 304);
	if (!(q = stmt(s, ST_FEED_POLLED, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, feed_id);
	sqlite3_bind_int64(q, 2, now);
	sqlite3_bind_int64(q, 3, rec->http_status);
	bind_text(q, 4, rec->ok ? NULL : (rec->error ? rec->error : "failed"));
	bind_text(q, 5, rec->etag);
	bind_text(q, 6, rec->last_modified);
	bind_text(q, 7, rec->title);
	sqlite3_bind_int64(q, 8, rec->bytes);
	sqlite3_bind_double(q, 9, rec->seconds);
	sqlite3_bind_int(q, 10, set_validators);
	sqlite3_bind_int(q, 11, rec->ok);
	sqlite3_bind_int64(q, 12, rec->next_poll);
	sqlite3_bind_int(q, 13, rec->degraded);
	bind_text(q, 14, rec->permanent_url && *rec->permanent_url ? rec->permanent_url : NULL);
	sqlite3_bind_int(q, 15, FW_STORE_MOVED_AFTER);
	sqlite3_bind_int(q, 16, rec->gone);
	sqlite3_bind_int(q, 17, rec->hints);
	sqlite3_bind_int64(q, 18, MAX(rec->ttl, 0));
	sqlite3_bind_int64(q, 19, MAX(rec->max_age, 0));
	if (!run(s, q, "recording a poll", error))
		return FALSE;
	if (sqlite3_changes(s->db) == 0) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
		            "%s: no feed with id %" G_GINT64_FORMAT, s->path, feed_id);
		return FALSE;
	}
	return TRUE;
}

static gboolean sq_feed_statuses(struct fw_store *s, GPtrArray *out, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_FEED_STATUS, error)))
		return FALSE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct fw_feed_status *st = g_new0(struct fw_feed_status, 1);

		st->key = column_dup(q, 0);
		st->url = column_dup(q, 1);
		st->title = column_dup(q, 2);
		st->fetched = sqlite3_column_int(q, 3) != 0;
		st->last_poll = sqlite3_column_int64(q, 4);
		st->next_poll = sqlite3_column_int64(q, 5);
		st->http_status = (long)sqlite3_column_int64(q, 6);
		st->error = column_dup(q, 7);
		st->failures = sqlite3_column_int(q, 8);
		st->bytes = sqlite3_column_int64(q, 9);
		st->seconds = sqlite3_column_double(q, 10);
		st->degraded = sqlite3_column_int(q, 11) != 0;
		st->moved_to = column_dup(q, 12);
		st->gone = sqlite3_column_int(q, 13) != 0;
		st->items = sqlite3_column_int64(q, 14);
		st->hits = sqlite3_column_int64(q, 15);
		st->etag = column_dup(q, 16);
		st->last_modified = column_dup(q, 17);
		g_ptr_array_add(out, st);
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading feeds");
		done(q);
		return FALSE;
	}
	done(q);
	return TRUE;
}

/* ---- items and hits ---------------------------------------------------- */

/* ---- item bodies ------------------------------------------------------- */

/* An item's body (schema 6) is a zstd frame (level BODY_LEVEL with the
 * dictionary, PLAIN_LEVEL without one; with its content size, no checksum)
 * of the GVariant (msmsas): summary, content, categories. The text is cut to FW_STORE_TEXT_MAX bytes a field. A body
 * that does not decode (a damaged row) reads as no text.
 *
 * Bodies are packed with the database's dictionary (table dicts, its ID in
 * the frame) once there is one: it is trained (fastCover, at most
 * DICT_SIZE) from the first DICT_SAMPLES bodies a process packs without
 * one (or DICT_SAMPLE_BYTES of them) on a thread of its own (dict_train),
 * while bodies go on being packed without it; stored in the transaction
 * open when the store next finds the training ended (dict_collect: at each
 * item and fw_store_dict_waiting; waited for when the store releases its
 * memory or is freed), and used from the commit of that transaction on
 * (dict_settle; fw_store_dict_waiting until then): no body ever names a
 * dictionary that was rolled back. Bodies packed before stay as they are. */
#define BODY_LEVEL 3
/* without a dictionary level 1 packs an item as small as 3 does, in three
 * quarters of the time (docs/design.md, section 4) */
#define PLAIN_LEVEL 1
#define BODY_MAX (64 * 1024 * 1024)   /* refused past this decoded size */
#define DICT_SIZE (110 * 1024)
#define DICT_SAMPLES 1000
#define DICT_SAMPLE_BYTES (2 * 1024 * 1024)
/* fastCover's segment size: one training pass with it, not the search over
 * k that ZDICT_trainFromBuffer makes (4-5x the time for bodies within 1%;
 * docs/design.md, section 4) */
#define DICT_K 1000
/* A word model is tried on the first WORDS_SAMPLES samples (words_early),
 * and taken at once when it packs them to WORDS_AT_ONCE of zstd's trial. */
#define WORDS_SAMPLES 300
#define WORDS_AT_ONCE 0.7

/* text (NUL-terminated, may be NULL) cut to its first max bytes at a
 * character boundary and made valid UTF-8: its bytes in *out and *len,
 * borrowed when they are valid already (almost always), else in *own
 * (caller frees). FALSE for NULL. */
static gboolean text_cut(const char *text, gsize max, const char **out, gsize *len, char **own)
{
	gsize n;

	*own = NULL;
	if (!text)
		return FALSE;
	n = strlen(text);
	if (n > max) {
		n = max;
		while (n > 0 && ((guchar)text[n] & 0xc0) == 0x80)
			n--;
	}
	if (fw_html_utf8_valid_len(text, n) != n) {
		text = *own = g_utf8_make_valid(text, n);
		n = strlen(text);
	}
	*out = text;
	*len = n;
	return TRUE;
}

/* A dictionary (a zstd one, or a word model) shared by the store and the
 * threads that pack for it (fw_store_packer_get), or none (the store's
 * plain packer, handed out while the database has no dictionary):
 * immutable once made. */
struct fw_store_packer {
	gint ref;
	ZSTD_CDict *cdict;
	struct fw_wordpack *words;
};

/* A packer owning cdict and words (both NULL: packing without a dictionary). */
static struct fw_store_packer *packer_alloc(ZSTD_CDict *cdict, struct fw_wordpack *words)
{
	struct fw_store_packer *k = g_new(struct fw_store_packer, 1);

	k->ref = 1;
	k->cdict = cdict;
	k->words = words;
	return k;
}

/* A packer of the dictionary row id's data[0, n): a word model or a zstd
 * dictionary; NULL when it is neither (or zstd could not make it). */
static struct fw_store_packer *packer_new(guint id, const void *data, int n)
{
	struct fw_wordpack *words;
	ZSTD_CDict *cdict;

	if (!data || n <= 0)
		return NULL;
	if (fw_wordpack_is_model(data, (gsize)n))
		return (words = fw_wordpack_load(data, (gsize)n, id)) ? packer_alloc(NULL, words) : NULL;
	cdict = ZSTD_createCDict(data, (size_t)n, BODY_LEVEL);
	return cdict ? packer_alloc(cdict, NULL) : NULL;
}

void fw_store_packer_unref(struct fw_store_packer *k)
{
	if (k && g_atomic_int_dec_and_test(&k->ref)) {
		ZSTD_freeCDict(k->cdict);
		fw_wordpack_free(k->words);
		g_free(k);
	}
}

/* Reads the stored dictionary into s->packer, once (not while one written
 * in the open transaction waits for its commit: dict_settle). */
static void dict_load(struct fw_store *s)
{
	sqlite3_stmt *q;

	if (s->dict_looked || s->dict_pending)
		return;
	s->dict_looked = TRUE;
	if (!(q = stmt(s, ST_DICT_ONE, NULL)))
		return;
	if (sqlite3_step(q) == SQLITE_ROW)
		s->packer = packer_new((guint)sqlite3_column_int64(q, 0), sqlite3_column_blob(q, 1),
		                       sqlite3_column_bytes(q, 1));
	done(q);
}

/* A dictionary's training, off the store's thread (fastCover on 1000 bodies
 * is about 80 ms: the main loop would stop fetching and storing meanwhile,
 * and the parse workers would wait for it). The thread owns the job until
 * it sets done; then the store's thread joins it (dict_collect). */
struct dict_job {
	GByteArray *samples;
	GArray *sizes;          /* of size_t */
	void *dict;             /* DICT_SIZE bytes, n of them trained */
	size_t n;               /* or a zstd error code */
	GBytes *words;          /* or a word model, when it packs smaller */
	gint done;
};

static ZSTD_CCtx *cctx_new(void);

/* The texts of v, a body (msmsas), into x, borrowed from v; returns the
 * categories' array, which the caller frees. */
static const char **body_texts(GVariant *v, struct fw_wordpack_texts *x)
{
	const char **cats = NULL;

	g_variant_get(v, "(m&sm&s^a&s)", &x->summary, &x->content, &cats);
	x->cats = cats;
	x->n_cats = g_strv_length((char **)cats);
	return cats;
}

/* The texts of job's sample i, at byte at, into x (borrowed from the
 * returned GVariant); *cats is a new array the caller frees. */
static GVariant *sample_texts(const struct dict_job *job, gsize at, guint i,
                              struct fw_wordpack_texts *x, const char ***cats)
{
	size_t size = g_array_index(job->sizes, size_t, i);
	GVariant *v = g_variant_ref_sink(g_variant_new_from_data(G_VARIANT_TYPE("(msmsas)"),
	                                                         job->samples->data + at, size,
	                                                         FALSE, NULL, NULL));

	*cats = body_texts(v, x);
	return v;
}

/* Trying a word model against zstd on a dictionary job's samples: the
 * model learned from the first four fifths (t), both packing the last. */
struct trial {
	struct fw_wordpack_trainer *t;
	guint split;            /* the first sample held out */
	gsize held;             /* its offset */
	gsize words;            /* the held-out samples packed with the model */
	gsize raw;              /* and by zstd with the others as its dictionary */
};

/* The held-out samples' size packed by zstd with cd (their own size when
 * cd is NULL or zstd fails). */
static gsize trial_zstd(const struct dict_job *job, const struct trial *tr, const ZSTD_CDict *cd)
{
	ZSTD_CCtx *zc = cctx_new();
	g_autofree void *buf = NULL;
	gsize at = tr->held, bound = 0, total = 0;

	for (guint i = tr->split; i < job->sizes->len; i++) {
		size_t size = g_array_index(job->sizes, size_t, i), z;

		if (bound < ZSTD_compressBound(size))
			buf = g_realloc(buf, (bound = ZSTD_compressBound(size)));
		z = cd && zc ? ZSTD_compress_usingCDict(zc, buf, bound, job->samples->data + at, size, cd)
		             : size;
		total += ZSTD_isError(z) ? size : z;
		at += size;
	}
	ZSTD_freeCCtx(zc);
	return total;
}

/* Learns the model of tr from the first samples and packs the others with
 * it and with zstd, the samples learned from (their last DICT_SIZE bytes)
 * its dictionary as they are: no training, and within a quarter of a
 * trained one's sizes (design.md section 4). */
static void trial_run(const struct dict_job *job, struct trial *tr)
{
	guint n = job->sizes->len;
	struct fw_wordpack *m = NULL;
	ZSTD_CDict *raw;
	gsize at = 0;

	tr->t = fw_wordpack_trainer_new();
	tr->split = n - n / 5;
	for (guint i = 0; i < n; i++) {
		size_t size = g_array_index(job->sizes, size_t, i);
		g_autofree const char **cats = NULL;
		struct fw_wordpack_texts x;
		g_autoptr(GVariant) v = sample_texts(job, at, i, &x, &cats);
		g_autoptr(GBytes) w = NULL;

		if (i == tr->split) {
			tr->held = at;
			m = fw_wordpack_trainer_model(tr->t, 1);
		}
		at += size;
		if (i < tr->split) {
			fw_wordpack_trainer_add(tr->t, &x);
			continue;
		}
		w = fw_wordpack_pack(m, &x);
		tr->words += w ? g_bytes_get_size(w) : size;
	}
	fw_wordpack_free(m);
	if (tr->split == n)
		return;   /* nothing held out */
	raw = ZSTD_createCDict(job->samples->data + tr->held - MIN(tr->held, DICT_SIZE),
	                       MIN(tr->held, DICT_SIZE), BODY_LEVEL);
	tr->raw = trial_zstd(job, tr, raw);
	ZSTD_freeCDict(raw);
}

/* TRUE when tr's model is taken without training zstd's dictionary: it
 * packs the held-out samples to at most WORDS_AT_ONCE of zstd's trial. */
static gboolean trial_decisive(const struct dict_job *job, const struct trial *tr)
{
	return tr->split < job->sizes->len && tr->words <= tr->raw * WORDS_AT_ONCE;
}

/* The model of every sample, in its stored form. */
static GBytes *trial_model(const struct dict_job *job, struct trial *tr)
{
	struct fw_wordpack *m;
	GBytes *out;
	gsize at = tr->held;

	for (guint i = tr->split; i < job->sizes->len; i++) {
		g_autofree const char **cats = NULL;
		struct fw_wordpack_texts x;
		g_autoptr(GVariant) v = sample_texts(job, at, i, &x, &cats);

		fw_wordpack_trainer_add(tr->t, &x);
		at += g_array_index(job->sizes, size_t, i);
	}
	m = fw_wordpack_trainer_model(tr->t, 1);
	out = fw_wordpack_save(m);
	fw_wordpack_free(m);
	return out;
}

/* Trains job's dictionary and drops its samples; returns NULL (a
 * GThreadFunc). A word model that packs the held-out samples to at most
 * WORDS_AT_ONCE of zstd's trial (trial_run) is taken without training
 * zstd's dictionary; else that is trained and the smaller of the two
 * taken, a tie going to zstd. */
static gpointer dict_train_main(gpointer data)
{
	struct dict_job *job = data;
	ZDICT_fastCover_params_t params = {
		.k = DICT_K, .d = 8, .f = 20, .accel = 1, .nbThreads = 1,
		.zParams.compressionLevel = BODY_LEVEL,
	};
	struct trial tr = { 0 };

	trial_run(job, &tr);
	if (trial_decisive(job, &tr)) {
		job->words = trial_model(job, &tr);
	} else {
		job->dict = g_malloc(DICT_SIZE);
		job->n = ZDICT_trainFromBuffer_fastCover(job->dict, DICT_SIZE, job->samples->data,
		                                         (const size_t *)(void *)job->sizes->data,
		                                         job->sizes->len, params);
		ZSTD_CDict *cd = ZDICT_isError(job->n) ? NULL
		                 : ZSTD_createCDict(job->dict, job->n, BODY_LEVEL);

		if (tr.split < job->sizes->len && (!cd || tr.words < trial_zstd(job, &tr, cd)))
			job->words = trial_model(job, &tr);
		ZSTD_freeCDict(cd);
	}
	fw_wordpack_trainer_free(tr.t);
	g_clear_pointer(&job->samples, g_byte_array_unref);
	g_clear_pointer(&job->sizes, g_array_unref);
	g_atomic_int_set(&job->done, 1);
	return NULL;
}

/* Writes a word model (its stored form) as a dictionary of a new ID, as
 * dict_store does a zstd one. */
static void words_store(struct fw_store *s, GBytes *model)
{
	sqlite3_stmt *q;

	/* an ID no row has (zstd's are random too, 32768 to 2^31 - 1) */
	for (int tries = 0; tries < 8; tries++) {
		guint id = (guint)g_random_int_range(1, G_MAXINT32);

		if (!(q = stmt(s, ST_DICT_ADD, NULL)))
			return;
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_blob(q, 2, g_bytes_get_data(model, NULL), (int)g_bytes_get_size(model),
		                  SQLITE_STATIC);
		if (!run(s, q, "storing a word model", NULL))
			return;
		if (sqlite3_changes(s->db) == 1) {
			s->dict_pending = id;
			dict_settle(s);   /* at once when there was no transaction */
			return;
		}
	}
}

/* Writes job's dictionary (if training made one) in the open transaction,
 * or on its own when none is open, and frees job. Used from the commit on
 * (dict_pending, dict_settle). */
static void dict_store(struct fw_store *s, struct dict_job *job)
{
	sqlite3_stmt *q;
	size_t n = job->n;

	if (job->words) {
		words_store(s, job->words);
		g_bytes_unref(job->words);
	} else if (!ZDICT_isError(n) && ZDICT_getDictID(job->dict, n) != 0 &&
	           (q = stmt(s, ST_DICT_ADD, NULL))) {
		sqlite3_bind_int64(q, 1, ZDICT_getDictID(job->dict, n));
		sqlite3_bind_blob(q, 2, job->dict, (int)n, SQLITE_STATIC);
		if (run(s, q, "storing a dictionary", NULL)) {
			s->dict_pending = ZDICT_getDictID(job->dict, n);
			dict_settle(s);   /* at once when there was no transaction */
		}
	}
	g_free(job->dict);
	g_free(job);
}

/* Trains a dictionary on the samples (they go to the job): on a thread of
 * its own, or here if none can be made, or with wait. */
static void dict_train(struct fw_store *s, gboolean wait)
{
	struct dict_job *job = g_new0(struct dict_job, 1);

	job->samples = g_steal_pointer(&s->samples);
	job->sizes = g_steal_pointer(&s->sample_sizes);
	if (!wait && (s->dict_thread = g_thread_try_new("fw-dict", dict_train_main, job, NULL))) {
		s->dict_job = job;
		return;
	}
	dict_train_main(job);
	dict_store(s, job);
}

/* The training on its thread, when it has ended (or with wait, once it
 * has): joined and its dictionary stored (dict_store). */
static void dict_collect(struct fw_store *s, gboolean wait)
{
	if (!s->dict_thread || (!wait && !g_atomic_int_get(&s->dict_job->done)))
		return;
	g_thread_join(g_steal_pointer(&s->dict_thread));
	dict_store(s, g_steal_pointer(&s->dict_job));
}

static void dict_settle(struct fw_store *s)
{
	sqlite3_stmt *q;
	guint id = s->dict_pending;

	if (!id || !sqlite3_get_autocommit(s->db))
		return;
	s->dict_pending = 0;
	if (!(q = stmt(s, ST_DICT_GET, NULL)))
		return;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW && !s->packer)
		s->packer = packer_new(id, sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0));
	done(q);
}

/* TRUE while a dictionary trained in the open transaction waits for its
 * commit (dict_settle). */
static gboolean sq_dict_waiting(struct fw_store *s)
{
	dict_collect(s, FALSE);
	return s->dict_pending != 0;
}

/* Tries a word model on the first WORDS_SAMPLES samples, here (a few ms):
 * when it packs the held-out ones to at most WORDS_AT_ONCE of zstd's trial
 * (trial_run), it is stored and the samples dropped (TRUE). Every body
 * packed while a dictionary trains is packed without one, and a cold cycle
 * stores a hundred a millisecond: this one does not wait for the thousand
 * samples and the thread. */
static gboolean words_early(struct fw_store *s)
{
	struct dict_job job = { .samples = s->samples, .sizes = s->sample_sizes };
	struct trial tr = { 0 };
	g_autoptr(GBytes) model = NULL;

	trial_run(&job, &tr);
	if (trial_decisive(&job, &tr))
		model = trial_model(&job, &tr);
	fw_wordpack_trainer_free(tr.t);
	if (!model)
		return FALSE;
	g_clear_pointer(&s->samples, g_byte_array_unref);
	g_clear_pointer(&s->sample_sizes, g_array_unref);
	words_store(s, model);
	return TRUE;
}

/* Keeps a body packed without a dictionary as a sample; trains one when
 * there are enough. */
static void dict_sample(struct fw_store *s, const void *data, size_t size)
{
	if (s->packer || s->dict_pending || s->dict_thread)
		return;
	if (!s->samples) {
		s->samples = g_byte_array_new();
		s->sample_sizes = g_array_new(FALSE, FALSE, sizeof(size_t));
	}
	g_byte_array_append(s->samples, data, (guint)size);
	g_array_append_val(s->sample_sizes, size);
	if (s->sample_sizes->len == WORDS_SAMPLES && words_early(s))
		return;
	if (s->sample_sizes->len >= DICT_SAMPLES || s->samples->len >= DICT_SAMPLE_BYTES)
		dict_train(s, FALSE);
}

/* A compression context at PLAIN_LEVEL (a dictionary brings its own level),
 * content size in the frame, no checksum; NULL if zstd cannot make one. */
static ZSTD_CCtx *cctx_new(void)
{
	ZSTD_CCtx *zc = ZSTD_createCCtx();

	if (zc) {
		ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, PLAIN_LEVEL);
		ZSTD_CCtx_setParameter(zc, ZSTD_c_contentSizeFlag, 1);
		ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 0);
	}
	return zc;
}

/* The size of a GVariant container of body bytes and n framing offsets, and
 * the size of each offset (GVariant's serialisation, gvariant-serialiser.c). */
static gsize gv_total(gsize body, gsize n, guint *width)
{
	*width = body + n <= G_MAXUINT8 ? 1 : body + 2 * n <= G_MAXUINT16 ? 2
	         : body + 4 * n <= G_MAXUINT32 ? 4 : 8;
	return body + *width * n;
}

/* Writes v as a little-endian offset of width bytes at p. */
static void gv_offset(guint8 *p, gsize v, guint width)
{
	for (guint i = 0; i < width; i++, v >>= 8)
		p[i] = (guint8)v;
}

/* The body of summary, content and cats (of char *, may be NULL; each text
 * cut to FW_STORE_TEXT_MAX) in GVariant's serialisation of (msmsas), or
 * NULL when there is no text at all. Written here rather than by
 * g_variant_new, which validated each string twice (GLib's validator is a
 * byte at a time) and copied it three times: a quarter of packing a body.
 * GLib reads it back (body_unpack); test_store compares it with
 * g_variant_new's byte for byte. */
GBytes *fw_store_body_serialise(const char *summary, const char *content, const GPtrArray *cats)
{
	struct cat { const char *p; gsize len; } on_stack[32], *cv = on_stack;
	const char *text[2];
	gsize len[2], body = 0, arr_body = 0, arr = 0, n = 0, total, at, end;
	g_autofree char *own0 = NULL, *own1 = NULL;
	g_autofree struct cat *on_heap = NULL;
	g_autoptr(GPtrArray) fixed = NULL;    /* categories made valid (rare) */
	gboolean just[2];
	guint width, arr_width = 0;
	guint8 *out;

	just[0] = text_cut(summary, FW_STORE_TEXT_MAX, &text[0], &len[0], &own0);
	just[1] = text_cut(content, FW_STORE_TEXT_MAX, &text[1], &len[1], &own1);
	if (cats && cats->len > G_N_ELEMENTS(on_stack))
		cv = on_heap = g_new(struct cat, cats->len);
	/* each category checked once: what to write, and its length */
	for (guint i = 0; cats && i < cats->len; i++) {
		const char *c = g_ptr_array_index(cats, i);
		gsize clen;

		if (!c)
			continue;
		clen = strlen(c);
		if (fw_html_utf8_valid_len(c, clen) != clen) {
			if (!fixed)
				fixed = g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(fixed, (gpointer)(c = g_utf8_make_valid(c, clen)));
			clen = strlen(c);
		}
		cv[n].p = c;
		cv[n++].len = clen;
		arr_body += clen + 1;
	}
	if (!just[0] && !just[1] && (!cats || cats->len == 0))
		return NULL;
	if (n)
		arr = gv_total(arr_body, n, &arr_width);
	for (int f = 0; f < 2; f++)
		body += just[f] ? len[f] + 2 : 0;   /* the string, its NUL, Just's NUL */
	total = gv_total(body + arr, 2, &width);
	out = g_malloc(total);
	at = 0;
	for (int f = 0; f < 2; f++) {
		if (just[f]) {
			memcpy(out + at, text[f], len[f]);
			at += len[f];
			out[at++] = '\0';
			out[at++] = '\0';
		}
		/* the end of the first member last, of the second before it */
		gv_offset(out + total - (f + 1) * width, at, width);
	}
	end = at;
	for (gsize k = 0; k < n; k++) {
		memcpy(out + at, cv[k].p, cv[k].len + 1);
		at += cv[k].len + 1;
		gv_offset(out + end + arr_body + k * arr_width, at - end, arr_width);
	}
	return g_bytes_new_take(out, total);
}

/* data[0, size) packed with zc (and cdict unless NULL) as a new GBytes, or
 * NULL when zstd fails. */
static GBytes *bytes_pack(ZSTD_CCtx *zc, const ZSTD_CDict *cdict, GBytes *data)
{
	gsize size, bound, n;
	const void *in = g_bytes_get_data(data, &size);
	void *out = g_malloc((bound = ZSTD_compressBound(size)));

	if (cdict)
		n = ZSTD_compress_usingCDict(zc, out, bound, in, size, cdict);
	else
		n = ZSTD_compress2(zc, out, bound, in, size);
	if (ZSTD_isError(n)) {
		g_free(out);
		return NULL;
	}
	return g_bytes_new_take(g_realloc(out, n), n);
}

/* The body v (a serialised (msmsas)) packed with k's word model, or with
 * zc and k's zstd dictionary (none when k is NULL or has none; none either
 * for a body past the model's bounds), as a new GBytes; NULL when zstd
 * fails. */
static GBytes *packer_pack(const struct fw_store_packer *k, ZSTD_CCtx *zc, GBytes *v)
{
	if (k && k->words) {
		/* serialised here, so trusted */
		g_autoptr(GVariant) b = g_variant_new_from_bytes(G_VARIANT_TYPE("(msmsas)"), v, TRUE);
		struct fw_wordpack_texts x;
		g_autofree const char **cats = body_texts(b, &x);
		GBytes *out;

		if ((out = fw_wordpack_pack(k->words, &x)))
			return out;
	}
	return bytes_pack(zc, k ? k->cdict : NULL, v);
}

/* The body of summary, content and cats (of char *, may be NULL) as a new
 * GBytes, or NULL when there is no text at all or zstd fails. With learn, a
 * body packed without a dictionary goes to the samples (dict_sample). */
static GBytes *body_pack(struct fw_store *s, const char *summary, const char *content,
                         const GPtrArray *cats, gboolean learn)
{
	g_autoptr(GBytes) v = fw_store_body_serialise(summary, content, cats);
	GBytes *out;

	if (!v || (!s->zc && !(s->zc = cctx_new())))
		return NULL;
	if (learn)
		dict_load(s);
	out = packer_pack(learn ? s->packer : NULL, s->zc, v);
	if (out && learn && !s->packer)
		dict_sample(s, g_bytes_get_data(v, NULL), g_bytes_get_size(v));
	return out;
}

static void cctx_free(gpointer zc)
{
	ZSTD_freeCCtx(zc);
}

/* This thread's compression context for fw_store_packer_pack. */
static GPrivate pack_cctx = G_PRIVATE_INIT(cctx_free);

/* The dictionary's packer, or while there is none the plain one: the
 * bodies it packs are learned from as the store's own (dict_sample_packed). */
static struct fw_store_packer *sq_packer(struct fw_store *s)
{
	struct fw_store_packer *k;

	dict_load(s);
	if (!(k = s->packer) && !(k = s->plain))
		k = s->plain = packer_alloc(NULL, NULL);
	g_atomic_int_inc(&k->ref);
	return k;
}

GBytes *fw_store_packer_pack(struct fw_store_packer *k, const struct fw_item *item)
{
	g_autoptr(GBytes) v = fw_store_body_serialise(item->summary, item->content,
	                                              item->categories);
	ZSTD_CCtx *zc = g_private_get(&pack_cctx);

	if (!v)
		return NULL;
	if (!zc) {
		if (!(zc = cctx_new()))
			return NULL;
		g_private_set(&pack_cctx, zc);
	}
	return packer_pack(k, zc, v);
}

void fw_store_pack_thread_release(void)
{
	g_private_replace(&pack_cctx, NULL);
}

/* A reading dictionary made from a dicts row's data[0, n) of ID id, or
 * NULL (a dict_cached maker). */
typedef gpointer (*dict_make)(const void *data, gsize n, guint id);

static gpointer ddict_make(const void *data, gsize n, guint id)
{
	return ZSTD_createDDict(data, n);
}

static void ddict_free(gpointer d)
{
	ZSTD_freeDDict(d);
}

static gpointer wmodel_make(const void *data, gsize n, guint id)
{
	return fw_wordpack_load(data, n, id);
}

static void wmodel_free(gpointer m)
{
	fw_wordpack_free(m);
}

/* The dictionary of ID id for reading, made by make from its row once and
 * kept in *cache (freed with free_fn), or NULL when there is none. */
static gpointer dict_cached(struct fw_store *s, GHashTable **cache, GDestroyNotify free_fn,
                            dict_make make, guint id)
{
	gpointer d;
	sqlite3_stmt *q;

	if (!*cache)
		*cache = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_fn);
	if ((d = g_hash_table_lookup(*cache, GUINT_TO_POINTER(id))))
		return d;
	if (!(q = stmt(s, ST_DICT_GET, NULL)))
		return NULL;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 0) > 0 &&
	    (d = make(sqlite3_column_blob(q, 0), (gsize)sqlite3_column_bytes(q, 0), id)))
		g_hash_table_insert(*cache, GUINT_TO_POINTER(id), d);
	done(q);
	return d;
}

/* The (msmsas) of a body packed a word at a time, or NULL when it does not
 * decode (or its model is not there). */
static GVariant *words_unpack(struct fw_store *s, const void *data, int len)
{
	guint id = fw_wordpack_body_id(data, (gsize)len);
	struct fw_wordpack *m = id ? dict_cached(s, &s->wmodels, wmodel_free, wmodel_make, id)
	                           : NULL;
	g_autofree char *summary = NULL, *content = NULL;
	g_autoptr(GPtrArray) cats = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GBytes) b = NULL;

	if (!m || !fw_wordpack_unpack(m, data, (gsize)len, &summary, &content, cats))
		return NULL;
	/* made valid UTF-8 and cut as when packed: a damaged body reads as text */
	if (!(b = fw_store_body_serialise(summary, content, cats)))
		return NULL;
	return g_variant_ref_sink(g_variant_new_from_bytes(G_VARIANT_TYPE("(msmsas)"), b, TRUE));
}

/* The (msmsas) of a stored body, or NULL for none or one that does not
 * decode. */
static GVariant *body_unpack(struct fw_store *s, const void *data, int len)
{
	unsigned long long size;
	ZSTD_DDict *dict = NULL;
	unsigned id;
	void *buf;
	size_t n;

	if (!data || len <= 0)
		return NULL;
	if (*(const guint8 *)data == FW_WORDPACK_MAGIC)
		return words_unpack(s, data, len);
	size = ZSTD_getFrameContentSize(data, (size_t)len);
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > BODY_MAX)
		return NULL;
	id = ZSTD_getDictID_fromFrame(data, (size_t)len);
	if (id && !(dict = dict_cached(s, &s->ddicts, ddict_free, ddict_make, id)))
		return NULL;
	if (!s->zd && !(s->zd = ZSTD_createDCtx()))
		return NULL;
	buf = g_malloc(size ? size : 1);
	if (dict)
		n = ZSTD_decompress_usingDDict(s->zd, buf, size, data, (size_t)len, dict);
	else
		n = ZSTD_decompressDCtx(s->zd, buf, size, data, (size_t)len);
	if (ZSTD_isError(n) || n != size) {
		g_free(buf);
		return NULL;
	}
	/* Not trusted: a damaged body gives empty values, never a crash. */
	return g_variant_ref_sink(g_variant_new_from_data(G_VARIANT_TYPE("(msmsas)"), buf, size,
	                                                  FALSE, g_free, buf));
}

/* A body a worker packed without a dictionary (the plain packer), kept as a
 * sample like the store's own (dict_sample) while one is to be learned. */
static void dict_sample_packed(struct fw_store *s, GBytes *packed)
{
	gsize n;
	const void *data = g_bytes_get_data(packed, &n);
	unsigned long long size;
	g_autofree void *raw = NULL;

	if (s->packer || s->dict_pending || s->dict_thread || ZSTD_getDictID_fromFrame(data, n))
		return;
	/* our own frame, just made: its bytes as they were, not read as a body */
	size = ZSTD_getFrameContentSize(data, n);
	if (size == 0 || size > BODY_MAX || (!s->zd && !(s->zd = ZSTD_createDCtx())))
		return;   /* also ZSTD_CONTENTSIZE_UNKNOWN and _ERROR, past BODY_MAX */
	raw = g_malloc(size);
	if (ZSTD_decompressDCtx(s->zd, raw, size, data, n) == size)
		dict_sample(s, raw, size);
}

/* TRUE for a body packed without a dictionary (a zstd frame naming none). */
static gboolean body_plain(GBytes *body)
{
	gsize n;
	const guint8 *p = g_bytes_get_data(body, &n);

	return n > 5 && p[0] == 0x28 && p[1] == 0xB5 && p[2] == 0x2F && p[3] == 0xFD &&
	       ZSTD_getDictID_fromFrame(p, n) == 0;
}

/* Reads the body in column i into new strings *summary and *content and, when
 * cats is not NULL, appends the categories (char *, newly allocated) to it. */
static void body_read(struct fw_store *s, sqlite3_stmt *q, int i, char **summary,
                      char **content, GPtrArray *cats)
{
	g_autoptr(GVariant) v = body_unpack(s, sqlite3_column_blob(q, i), sqlite3_column_bytes(q, i));
	g_autoptr(GVariantIter) it = NULL;
	char *c;

	*summary = *content = NULL;
	if (!v)
		return;
	g_variant_get(v, "(msmsas)", summary, content, &it);
	while (cats && g_variant_iter_next(it, "s", &c))
		g_ptr_array_add(cats, c);
}

/* SQL fw_body_pack(summary, content, categories JSON): the body of schema 6
 * (the migration from 5). */
static void body_pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct fw_store *s = sqlite3_user_data(ctx);
	g_autoptr(GPtrArray) cats = fw_store_categories_parse((const char *)sqlite3_value_text(argv[2]));
	g_autoptr(GBytes) body = body_pack(s, (const char *)sqlite3_value_text(argv[0]),
	                                   (const char *)sqlite3_value_text(argv[1]), cats, FALSE);
	gsize n;
	const void *data;

	if (!body) {
		sqlite3_result_null(ctx);
		return;
	}
	data = g_bytes_get_data(body, &n);
	sqlite3_result_blob64(ctx, data, n, SQLITE_TRANSIENT);
}

/* The stored form of an item hash into out: the 16 bytes of the 32 hex
 * digits hit makes (TRUE), else FALSE (stored as the text given). */
static gboolean hash_pack(const char *hash, guint8 out[16])
{
	if (!hash || strlen(hash) != 32)
		return FALSE;
	for (int i = 0; i < 16; i++) {
		int hi = g_ascii_xdigit_value(hash[2 * i]), lo = g_ascii_xdigit_value(hash[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return FALSE;
		out[i] = (guint8)(hi << 4 | lo);
	}
	return TRUE;
}

/* SQL fw_hash_pack(hash): the stored form of a hash of schema 5 and before (hash_pack). */
static void hash_pack_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	guint8 raw[16];

	if (hash_pack((const char *)sqlite3_value_text(argv[0]), raw))
		sqlite3_result_blob(ctx, raw, sizeof raw, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[0]);
}

/* The key stories join on (schema 7): the first 8 bytes of the SHA-256 of
 * a canonical link (fw_store_canonical_link), big-endian, as a signed
 * integer; canon NULL: no key (FALSE). */
static gboolean link_hash(const char *canon, gint64 *out)
{
	g_autoptr(GChecksum) c = NULL;
	guint8 d[32];
	gsize n = sizeof d;
	guint64 v = 0;

	if (!canon)
		return FALSE;
	c = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(c, (const guchar *)canon, -1);
	g_checksum_get_digest(c, d, &n);
	for (int i = 0; i < 8; i++)
		v = v << 8 | d[i];
	*out = (gint64)v;
	return TRUE;
}

/* SQL fw_link_hash(canonical link): its link_hash, NULL for NULL (the
 * migration to schema 7). */
static void link_hash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	gint64 h;

	if (link_hash((const char *)sqlite3_value_text(argv[0]), &h))
		sqlite3_result_int64(ctx, h);
	else
		sqlite3_result_null(ctx);
}

/* SQL fw_story_hash(link, title): the key of link and title
 * (fw_store_story_link's link_hash), NULL for no link (the migration to
 * schema 11). */
static void story_hash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	g_autofree char *canon = fw_store_canonical_link((const char *)sqlite3_value_text(argv[0]));
	g_autofree char *key = canon ? fw_store_story_link(canon,
	                                   (const char *)sqlite3_value_text(argv[1])) : NULL;
	gint64 h;

	(void)argc;
	if (link_hash(key, &h))
		sqlite3_result_int64(ctx, h);
	else
		sqlite3_result_null(ctx);
}

/* Binds hash in its stored form (hash_pack). */
static void bind_hash(sqlite3_stmt *q, int i, const char *hash)
{
	guint8 raw[16];

	if (hash_pack(hash, raw))
		sqlite3_bind_blob(q, i, raw, sizeof raw, SQLITE_TRANSIENT);
	else
		bind_text(q, i, hash);
}

/* An item's story keys (canon_hash): the link_hash of its link's canonical
 * form, and of that and its title (fw_store_story_link), for an item whose
 * document has the link under another title (fw_item.link_shared); worked
 * out on first use and kept for the item's other statements. */
typedef struct {
	gboolean made, has, titled_made;
	char *canon;       /* the link's canonical form, NULL without a link */
	gint64 plain;      /* the link's key */
	gint64 titled;     /* the key of link and title */
} CanonKey;

static void canon_key_clear(CanonKey *k)
{
	g_free(k->canon);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CanonKey, canon_key_clear)

/* Makes k's link key for item's link; TRUE when it has one. */
static gboolean canon_key_make(CanonKey *k, const struct fw_item *item)
{
	if (!k->made) {
		k->canon = fw_store_canonical_link(item->link);
		k->has = link_hash(k->canon, &k->plain);
		k->made = TRUE;
	}
	return k->has;
}

/* k's key of link and title (the link's key must exist). */
static gint64 canon_key_titled(CanonKey *k, const struct fw_item *item)
{
	if (!k->titled_made) {
		g_autofree char *key = fw_store_story_link(k->canon, item->title);

		link_hash(key, &k->titled);
		k->titled_made = TRUE;
	}
	return k->titled;
}

/* Binds item's story key to parameter i: the key of link and title when
 * titled, else the link's, NULL without a link. */
static void bind_canon_key(sqlite3_stmt *q, int i, CanonKey *k, const struct fw_item *item,
                           gboolean titled)
{
	if (!canon_key_make(k, item))
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, titled ? canon_key_titled(k, item) : k->plain);
}

/* Binds the item's fields ?3..?11 (shared by insert and update), its story
 * keyed on link and title when titled; body may be NULL. */
static void bind_item(sqlite3_stmt *q, const struct fw_item *item, CanonKey *key,
                      gboolean titled, GBytes *body, const char *hash, gint64 now)
{
	bind_text(q, 3, item->title);
	bind_text(q, 4, item->link);
	bind_canon_key(q, 5, key, item, titled);
	bind_time(q, 6, item->published);
	bind_time(q, 7, item->updated);
	bind_text(q, 8, item->author);
	if (body)
		sqlite3_bind_blob64(q, 9, g_bytes_get_data(body, NULL), g_bytes_get_size(body),
		                    SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 9);
	bind_hash(q, 10, hash);
	sqlite3_bind_int64(q, 11, now);
}

/* TRUE when column i holds hash in its stored form (both may be NULL); no
 * copy made. */
static gboolean column_is(sqlite3_stmt *q, int i, const char *hash)
{
	guint8 raw[16];
	const char *old;

	if (hash_pack(hash, raw))
		return sqlite3_column_type(q, i) == SQLITE_BLOB && sqlite3_column_bytes(q, i) == 16 &&
		       memcmp(sqlite3_column_blob(q, i), raw, 16) == 0;
	if (hash && sqlite3_column_type(q, i) != SQLITE_TEXT)
		return FALSE;
	old = (const char *)sqlite3_column_text(q, i);
	return old == hash || (old && hash && strcmp(old, hash) == 0);
}

/* Reads ST_ITEM_BY_LINK, bound by the caller: the first row not yet put in
 * this transaction (any row outside one), and for a twin one whose hash is
 * hash, fills *rowid, *same (its hash is hash) and *last_seen; the first row
 * of all *titled (its story keyed on link and title: the same link and title
 * are the same story). FALSE with error on an SQLite error. */
static gboolean item_find_link(struct fw_store *s, sqlite3_stmt *q, gboolean in_txn,
                               const char *hash, gboolean twin, gint64 *rowid, gboolean *same,
                               gint64 *last_seen, gboolean *titled, GError **error)
{
	int rc;

	for (gboolean first = TRUE; (rc = sqlite3_step(q)) == SQLITE_ROW; first = FALSE) {
		gint64 id = sqlite3_column_int64(q, 0);

		if (first)
			*titled = !sqlite3_column_int(q, 3);
		if (in_txn && g_hash_table_contains(s->unit.touched, GSIZE_TO_POINTER(id)))
			continue;
		if (twin && !column_is(q, 1, hash))
			continue;   /* a twin takes only a row of its own text */
		*rowid = id;
		*same = column_is(q, 1, hash);
		*last_seen = sqlite3_column_int64(q, 2);
		break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading an item");
		done(q);
		return FALSE;
	}
	done(q);
	return TRUE;
}

static gboolean sq_feed_has_items(struct fw_store *s, gint64 feed_id, gboolean *has,
                                  GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_FEED_HAS_ITEMS, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, feed_id);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading a feed's items");
		done(q);
		return FALSE;
	}
	done(q);
	*has = rc == SQLITE_ROW;
	return TRUE;
}

static gboolean sq_item_put(struct fw_store *s, gint64 feed_id, const struct fw_item *item,
                           const char *hash, GBytes *packed, gint64 now, gint64 *item_rowid,
                           enum fw_item_state *state, GError **error)
{
	g_auto(CanonKey) key = { 0 };
	g_autoptr(GBytes) body = NULL;
	gboolean in_txn = !sqlite3_get_autocommit(s->db), same = FALSE, fresh = FALSE;
	gboolean titled = FALSE, stored_has = FALSE;
	gint64 rowid = 0, last_seen = 0, stored_key = 0;
	sqlite3_stmt *q;
	int rc;

	g_return_val_if_fail(item != NULL && item->id != NULL, FALSE);
	dict_collect(s, FALSE);
	if (in_txn && !fw_store_unit_look(s, feed_id, item->id, &fresh, &rowid, error))
		return FALSE;
	if (rowid) {   /* put in this unit already: a duplicate, ignored */
		*item_rowid = rowid;
		*state = FW_ITEM_SEEN;
		return TRUE;
	}
	titled = item->link_shared;
	if (fresh)   /* nothing stored to find but what this unit put */
		goto insert;
	/* By its id. Already put in this poll: a duplicate, ignored. */
	if (!(q = stmt(s, ST_ITEM_SELECT, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, feed_id);
	bind_text(q, 2, item->id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		rowid = sqlite3_column_int64(q, 0);
		same = column_is(q, 1, hash);
		last_seen = sqlite3_column_int64(q, 2);
		stored_has = sqlite3_column_type(q, 3) != SQLITE_NULL;
		stored_key = sqlite3_column_int64(q, 3);
	} else if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading an item");
		done(q);
		return FALSE;
	}
	done(q);
	if (rowid && in_txn && g_hash_table_contains(s->unit.touched, GSIZE_TO_POINTER(rowid))) {
		*item_rowid = rowid;
		*state = FW_ITEM_SEEN;
		return TRUE;
	}

	/* Else by link and title: a guid that changes on every fetch; a twin
	 * (another item of its document has its link and title) only as a
	 * stored row of the same text, which nothing can tell from it. */
	if (!rowid && canon_key_make(&key, item)) {
		if (!(q = stmt(s, ST_ITEM_BY_LINK, error)))
			return FALSE;
		bind_canon_key(q, 1, &key, item, FALSE);
		sqlite3_bind_int64(q, 2, feed_id);
		bind_text(q, 3, item->link);
		bind_text(q, 4, item->title);
		bind_canon_key(q, 5, &key, item, TRUE);
		if (!item_find_link(s, q, in_txn, hash, item->link_twin, &rowid, &same, &last_seen,
		                    &titled, error))
			return FALSE;
	} else if (rowid && !same && canon_key_make(&key, item)) {
		/* edited: a stored key of link or of link and title stays */
		titled = !(stored_has && stored_key == key.plain) &&
		         (titled || (stored_has && stored_key == canon_key_titled(&key, item)));
	}

insert:
	if (rowid && same) {
		if (last_seen <= now - FW_STORE_SEEN_STEP) {
			if (!(q = stmt(s, ST_ITEM_SEEN, error)))
				return FALSE;
			sqlite3_bind_int64(q, 1, rowid);
			sqlite3_bind_int64(q, 2, now);
			if (!run(s, q, "updating an item", error))
				return FALSE;
		}
		*state = FW_ITEM_SEEN;
	} else {
		if (packed)
			dict_sample_packed(s, packed);
		if (packed && !(s->packer && body_plain(packed)))
			body = g_bytes_ref(packed);
		else   /* packed while the dictionary trained: again, with it */
			body = body_pack(s, item->summary, item->content, item->categories, TRUE);
		if (!(q = stmt(s, rowid ? ST_ITEM_UPDATE : ST_ITEM_INSERT, error)))
			return FALSE;
		sqlite3_bind_int64(q, 1, rowid ? rowid : feed_id);
		bind_text(q, 2, item->id);
		bind_item(q, item, &key, titled, body, hash, now);
		if (!run(s, q, rowid ? "updating an item" : "adding an item", error))
			return FALSE;
		*state = rowid ? FW_ITEM_CHANGED : FW_ITEM_NEW;
		if (!rowid)
			rowid = sqlite3_last_insert_rowid(s->db);
	}
	if (in_txn)
		fw_store_unit_add(&s->unit, item->id, rowid, fresh);
	*item_rowid = rowid;
	return TRUE;
}

/* Steps a "SELECT 1 ..." statement bound to (item_rowid, topic) and, when
 * it has a third parameter, flag: TRUE on a row. */
static gboolean exists(struct fw_store *s, enum stmt_id id, gint64 item_rowid,
                       const char *topic, gboolean flag)
{
	sqlite3_stmt *q = stmt(s, id, NULL);
	gboolean found;

	if (!q)
		return FALSE;
	sqlite3_bind_int64(q, 1, item_rowid);
	bind_text(q, 2, topic);
	if (sqlite3_bind_parameter_count(q) >= 3)
		sqlite3_bind_int(q, 3, flag);
	found = sqlite3_step(q) == SQLITE_ROW;
	done(q);
	return found;
}

static gboolean sq_hit_exists(struct fw_store *s, gint64 item_rowid, const char *topic)
{
	return exists(s, ST_HIT_EXISTS, item_rowid, topic, FALSE);
}

static gboolean sq_story_notified(struct fw_store *s, gint64 item_rowid, const char *topic,
                                  gboolean other_feeds)
{
	return exists(s, ST_STORY_NOTIFIED, item_rowid, topic, other_feeds);
}

static gboolean sq_hit_add(struct fw_store *s, const struct fw_hit_new *h, guint channels,
                          gint64 now, gint64 *hit_id, GError **error)
{
	enum fw_hit_notified notified;
	sqlite3_stmt *q;
	gboolean own, ok;
	gint64 id;

	g_return_val_if_fail(h != NULL && h->topic != NULL, FALSE);
	notified = h->notified;
	/* Pending with nowhere to send would stay pending forever. */
	if (notified == FW_HIT_NOTIFIED_PENDING && channels == 0)
		notified = FW_HIT_NOTIFIED_NONE;
	if (!auto_begin(s, &own, error))
		return FALSE;
	ok = (q = stmt(s, ST_HIT_INSERT, error)) != NULL;
	if (ok) {
		sqlite3_bind_int64(q, 1, h->item_rowid);
		bind_text(q, 2, h->topic);
		bind_text(q, 3, h->topic_name ? h->topic_name : h->topic);
		sqlite3_bind_int64(q, 4, now);
		bind_text(q, 5, h->snippet);
		bind_text(q, 6, h->marks_json);
		bind_text(q, 7, h->matched_json);
		bind_text(q, 8, fw_hit_notified_name(notified));
		ok = run(s, q, "adding a hit", error);
	}
	id = ok ? sqlite3_last_insert_rowid(s->db) : 0;
	for (guint bit = 1; ok && bit && bit <= channels && notified == FW_HIT_NOTIFIED_PENDING;
	     bit <<= 1) {
		if (!(channels & bit))
			continue;
		ok = (q = stmt(s, ST_OUTBOX_INSERT, error)) != NULL;
		if (!ok)
			break;
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_int(q, 2, (int)bit);
		sqlite3_bind_int64(q, 3, now);
		ok = run(s, q, "adding a notification", error);
	}
	if (!auto_end(s, own, ok, error))
		return FALSE;
	if (hit_id)
		*hit_id = id;
	return TRUE;
}

/* ---- outbox ------------------------------------------------------------ */

static gboolean sq_outbox_due(struct fw_store *s, gint64 now, guint limit,
                             GPtrArray *out, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_OUTBOX_DUE, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_int64(q, 2, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct fw_outbox_row *r = g_new0(struct fw_outbox_row, 1);

		r->id = sqlite3_column_int64(q, 0);
		r->hit_id = sqlite3_column_int64(q, 1);
		r->item_rowid = sqlite3_column_int64(q, 2);
		r->channel = (guint)sqlite3_column_int(q, 3);
		r->topic = column_dup(q, 4);
		r->topic_name = column_dup(q, 5);
		r->feed_title = column_dup(q, 6);
		r->title = column_dup(q, 7);
		r->link = column_dup(q, 8);
		r->snippet = column_dup(q, 9);
		r->marks_json = column_dup(q, 10);
		r->attempts = sqlite3_column_int(q, 11);
		g_ptr_array_add(out, r);
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading the outbox");
		done(q);
		return FALSE;
	}
	done(q);
	return TRUE;
}

static gboolean sq_outbox_done(struct fw_store *s, gint64 outbox_id, gboolean ok,
                              const char *error_text, gint64 now, GError **error)
{
	sqlite3_stmt *q;
	gboolean own, good;

	if (!auto_begin(s, &own, error))
		return FALSE;
	good = (q = stmt(s, ok ? ST_OUTBOX_OK : ST_OUTBOX_RETRY, error)) != NULL;
	if (good) {
		sqlite3_bind_int64(q, 1, outbox_id);
		if (!ok) {
			bind_text(q, 2, error_text ? error_text : "failed");
			sqlite3_bind_int(q, 3, FW_STORE_OUTBOX_MAX_ATTEMPTS);
			sqlite3_bind_int64(q, 4, now);
			sqlite3_bind_int64(q, 5, FW_STORE_OUTBOX_BACKOFF);
		}
		good = run(s, q, "recording a notification", error);
	}
	if (good && sqlite3_changes(s->db) == 0) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
		            "%s: no notification with id %" G_GINT64_FORMAT, s->path, outbox_id);
		good = FALSE;
	}
	if (good && (good = (q = stmt(s, ST_OUTBOX_HIT_SYNC, error)) != NULL)) {
		sqlite3_bind_int64(q, 1, outbox_id);
		good = run(s, q, "recording a notification", error);
	}
	return auto_end(s, own, good, error);
}

/* ---- reading the hit log ---------------------------------------------- */

/* Column i's text as SQLite holds it (valid until the next step), or NULL. */
static char *column_view(sqlite3_stmt *st, int i)
{
	return (char *)sqlite3_column_text(st, i);
}

/* Fills r from the columns of HIT_SELECT, its strings made by text
 * (column_dup: copies; column_view: borrowed). */
static void hit_row_fill(struct fw_hit_row *r, sqlite3_stmt *q, char *(*text)(sqlite3_stmt *, int))
{
	r->id = sqlite3_column_int64(q, 0);
	r->topic = text(q, 1);
	r->topic_name = text(q, 2);
	r->feed = text(q, 3);
	r->feed_title = text(q, 4);
	r->item_id = text(q, 5);
	r->title = text(q, 6);
	r->link = text(q, 7);
	r->published = column_time(q, 8);
	r->found = sqlite3_column_int64(q, 9);
	r->snippet = text(q, 10);
	r->marks_json = text(q, 11);
	r->matched_json = text(q, 12);
	r->read = sqlite3_column_int(q, 13) != 0;
	/* the schema's CHECK allows the enum's names only */
	if (!fw_hit_notified_from_name((const char *)sqlite3_column_text(q, 14), &r->notified))
		r->notified = FW_HIT_NOTIFIED_NONE;
	r->author = text(q, 15);
	r->also_in = text(q, 16);
	r->story = sqlite3_column_int64(q, 17);
}

/* A new hit row from the columns of HIT_SELECT (and the item's summary and
 * content from its body, if full). */
static struct fw_hit_row *hit_row_read(struct fw_store *s, sqlite3_stmt *q, gboolean full)
{
	struct fw_hit_row *r = g_new0(struct fw_hit_row, 1);

	hit_row_fill(r, q, column_dup);
	if (full)
		body_read(s, q, 18, &r->summary, &r->content, NULL);
	return r;
}

/* Appends " AND column IN (?,...)" for a NULL-terminated list; values to binds. */
static void where_in(GString *sql, GPtrArray *binds, const char *column, char **list)
{
	if (!list || !*list)
		return;
	g_string_append_printf(sql, " AND %s IN (", column);
	for (char **p = list; *p; p++) {
		g_string_append(sql, p == list ? "?" : ",?");
		g_ptr_array_add(binds, *p);
	}
	g_string_append_c(sql, ')');
}

/* The filter's WHERE clause (" WHERE 1 AND ...") with its bound values in
 * order: texts then times; t is the time column. */
struct hit_where {
	GString *sql;
	GPtrArray *texts;
};

static void hit_where_make(struct hit_where *w, const struct fw_hit_filter *f, const char *t)
{
	w->sql = g_string_new(" WHERE 1");
	w->texts = g_ptr_array_new();
	where_in(w->sql, w->texts, "h.topic", f->topics);
	where_in(w->sql, w->texts, "f.key", f->feeds);
	if (f->search && *f->search) {
		g_string_append(w->sql, " AND (fw_contains(i.title, ?) OR fw_contains(h.snippet, ?))");
		g_ptr_array_add(w->texts, (gpointer)f->search);
		g_ptr_array_add(w->texts, (gpointer)f->search);
	}
	if (f->since)
		g_string_append_printf(w->sql, " AND %s >= ?", t);
	if (f->until)
		g_string_append_printf(w->sql, " AND %s < ?", t);
	if (f->unread)
		g_string_append(w->sql, " AND h.read = 0");
	if (f->after_id)
		g_string_append(w->sql, " AND h.id > ?");
}

static void hit_where_clear(struct hit_where *w)
{
	g_string_free(w->sql, TRUE);
	g_ptr_array_unref(w->texts);
}

/* Binds the values of w (and the filter's times) from parameter n + 1;
 * returns the next parameter's number. */
static int hit_where_bind(sqlite3_stmt *q, const struct hit_where *w,
                          const struct fw_hit_filter *f, int n)
{

	for (guint i = 0; i < w->texts->len; i++)
		bind_text(q, ++n, g_ptr_array_index(w->texts, i));
	if (f->since)
		sqlite3_bind_int64(q, ++n, f->since);
	if (f->until)
		sqlite3_bind_int64(q, ++n, f->until);
	if (f->after_id)
		sqlite3_bind_int64(q, ++n, f->after_id);
	return n + 1;
}

/* One topic's arm of a walk merged over several topics: the filter with
 * that topic alone and its WHERE clause. */
struct topic_arm {
	struct fw_hit_filter f;
	char *topic[2];
	struct hit_where w;
};

/* The arms of f's topics (arms of them), t the time column. Free with
 * topic_arms_free. */
static struct topic_arm *topic_arms_make(const struct fw_hit_filter *f, const char *t, guint arms)
{
	struct topic_arm *one = g_new0(struct topic_arm, arms);

	for (guint i = 0; i < arms; i++) {
		one[i].f = *f;
		one[i].topic[0] = f->topics[i];
		one[i].f.topics = one[i].topic;
		hit_where_make(&one[i].w, &one[i].f, t);
	}
	return one;
}

static void topic_arms_free(struct topic_arm *one, guint arms)
{
	for (guint i = 0; one != NULL && i < arms; i++)
		hit_where_clear(&one[i].w);
	g_free(one);
}

/* A page's probe: a statement of the filter f bound up to parameter n - 1. */
struct page_probe {
	sqlite3_stmt *probe;
	int n;
	const struct fw_hit_filter *f;
};

/* fw_store_stories' skip for a page after (page_time, page_story): TRUE
 * when the story was listed on a page before (at the page's time and not
 * after it in order, or with a matching hit after that time). */
static gboolean page_skip(gint64 story, gint64 t, gpointer data)
{
	struct page_probe *pc = data;
	gboolean before;

	if (t == pc->f->page_time && story >= pc->f->page_story)
		return TRUE;
	sqlite3_bind_int64(pc->probe, pc->n, story);
	sqlite3_bind_int64(pc->probe, pc->n + 1, pc->f->page_time);
	before = sqlite3_step(pc->probe) == SQLITE_ROW;
	sqlite3_reset(pc->probe);
	return before;
}

/* The stories with a hit that matches the filter, in the order of their
 * latest matching hit's time (then by number; newest first unless
 * oldest_first), at most limit, as a JSON array of numbers. Newest first
 * with a limit walks the hits newest first through an index (hits_rtime,
 * hits_topic_rtime; for two topics or more, each topic's walk merged by a
 * UNION ALL) and stops after the limit's story (and its ties): a story
 * first met is at its latest time. Else one GROUP BY. A page after
 * (page_time, page_story): the walk starts at page_time and leaves out the
 * stories met that have a matching hit after it (they were listed before);
 * the GROUP BY keeps the stories after it. NULL on error. */
static char *story_numbers(struct fw_store *s, const struct fw_hit_filter *f,
                           const struct hit_where *w, GError **error)
{
	g_autoptr(GString) sql = g_string_new(NULL);
	gboolean walk = !f->oldest_first && f->limit > 0;
	gboolean page = !f->oldest_first && f->page_story > 0;
	sqlite3_stmt *probe = NULL;
	int pn = 0;
	const char *dir = f->oldest_first ? "ASC" : "DESC";
	struct fw_store_stories st;
	struct page_probe pc;
	sqlite3_stmt *q = NULL;
	guint arms = f->topics != NULL ? g_strv_length(f->topics) : 0;
	struct topic_arm *one = NULL;
	int rc, n = 0;

	if (walk && arms > 1)
		one = topic_arms_make(f, HIT_TIME, arms);
	if (one != NULL) {
		/* two topics or more: each topic's walk of hits_topic_rtime, merged
		 * (an IN list would sort every hit of those topics) */
		for (guint i = 0; i < arms; i++) {
			g_string_append_printf(sql, "%sSELECT h.story, h.rtime, h.id" HIT_FROM "%s%s",
			                       i ? " UNION ALL " : "", one[i].w.sql->str,
			                       page ? " AND h.rtime <= ?" : "");
		}
		g_string_append(sql, " ORDER BY 2 DESC, 3 DESC");
	} else if (walk)
		g_string_append_printf(sql, "SELECT h.story, h.rtime" HIT_FROM "%s%s"
		                       " ORDER BY h.rtime DESC, h.id DESC", w->sql->str,
		                       page ? " AND h.rtime <= ?" : "");
	else
		g_string_append_printf(sql, "SELECT h.story, MAX(h.rtime) AS st" HIT_FROM "%s"
		                       " GROUP BY h.story%s ORDER BY st %s, h.story %s%s",
		                       w->sql->str, page ? " HAVING st < ? OR (st = ? AND h.story < ?)" : "",
		                       dir, dir, f->limit ? " LIMIT ?" : "");
	rc = sqlite3_prepare_v2(s->db, sql->str, -1, &q, NULL);
	if (rc == SQLITE_OK && one != NULL) {
		n = 0;
		for (guint i = 0; i < arms; i++) {
			n = hit_where_bind(q, &one[i].w, &one[i].f, n) - 1;
			if (page)
				sqlite3_bind_int64(q, ++n, f->page_time);
		}
	} else if (rc == SQLITE_OK) {
		n = hit_where_bind(q, w, f, 0);
		if (page && walk) {
			sqlite3_bind_int64(q, n++, f->page_time);
		} else if (page) {
			sqlite3_bind_int64(q, n++, f->page_time);
			sqlite3_bind_int64(q, n++, f->page_time);
			sqlite3_bind_int64(q, n++, f->page_story);
		}
	}
	topic_arms_free(one, arms);
	if (rc == SQLITE_OK && page && walk) {
		/* a story met at or before the page's time that has a matching hit
		 * after it was on a page before (through the story's few hits, not
		 * the topic's index: that would walk every newer hit) */
		g_autofree char *psql = g_strdup_printf("SELECT 1 FROM hits h INDEXED BY hits_story"
		                                        " JOIN items i ON i.id = h.item_id"
		                                        " JOIN feeds f ON f.id = i.feed_id"
		                                        "%s AND h.story = ? AND h.rtime > ? LIMIT 1",
		                                        w->sql->str);

		if ((rc = sqlite3_prepare_v2(s->db, psql, -1, &probe, NULL)) == SQLITE_OK)
			pn = hit_where_bind(probe, w, f, 0);
	}
	if (rc != SQLITE_OK) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading hits");
		sqlite3_finalize(q);
		return NULL;
	}
	if (!walk && f->limit)
		sqlite3_bind_int64(q, n, f->limit);
	fw_store_stories_init(&st, walk, f->limit);
	if (page && walk) {
		pc.probe = probe;
		pc.n = pn;
		pc.f = f;
		st.skip = page_skip;
		st.skip_data = &pc;
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if (!fw_store_stories_add(&st, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1)))
			break;
	sqlite3_finalize(probe);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading hits");
		sqlite3_finalize(q);
		g_free(fw_store_stories_end(&st, '[', ']'));
		return NULL;
	}
	sqlite3_finalize(q);
	return fw_store_stories_end(&st, '[', ']');
}

/* Runs the hit log query of filter (see fw_store_hits), handing each row to
 * take with data; stops when take returns FALSE. The row is take's to keep
 * and free, or with borrow a view into the statement's columns that lives
 * during the call only (no copy of its strings: a million rows of --format
 * json). */
static gboolean hits_each(struct fw_store *s, const struct fw_hit_filter *filter,
                          gboolean (*take)(struct fw_hit_row *row, gpointer data), gpointer data,
                          gboolean borrow, GError **error)
{
	static const struct fw_hit_filter none = { 0 };
	g_autoptr(GString) sql = g_string_new(NULL);
	const struct fw_hit_filter *f = filter ? filter : &none;
	const char *t = f->published || f->stories ? HIT_TIME : "h.found";
	const char *dir = f->oldest_first ? "ASC" : "DESC";
	const char *select = f->brief ? HIT_SELECT_BRIEF : f->no_also_in ? HIT_SELECT_NO_ALSO
	                                                                : HIT_SELECT;
	g_autofree char *stories = NULL;
	struct hit_where w;
	sqlite3_stmt *q = NULL;
	int rc, n;
	gboolean hit_only = f->brief && !f->feeds && !(f->search && *f->search);
	guint arms = f->topics != NULL && !f->stories && !f->after_id ? g_strv_length(f->topics) : 0;
	struct topic_arm *one = NULL;

	hit_where_make(&w, f, t);
	if (f->stories) {
		/* The stories with a hit that matches (story_numbers), then every
		 * hit of each, a story's hits together, the first published (then
		 * found) first: it leads the story's row. The hits of a story
		 * through hits_story. */
		stories = story_numbers(s, f, &w, error);
		if (stories == NULL) {
			hit_where_clear(&w);
			return FALSE;
		}
		g_string_append_printf(sql, "%s FROM json_each(?) sn JOIN hits h ON h.story = sn.value"
		                       " JOIN items i ON i.id = h.item_id JOIN feeds f ON f.id = i.feed_id"
		                       " ORDER BY sn.key, h.rtime, h.id", select);
	} else if (arms > 1) {
		/* two topics or more (json, csv, atom): each topic's walk of its
		 * index merged, as the table's stories are (story_numbers); the
		 * time is a column after the row's for the merge's order */
		one = topic_arms_make(f, t, arms);
		for (guint i = 0; i < arms; i++) {
			g_string_append_printf(sql, "%s%s, %s%s%s", i ? " UNION ALL " : "", select, t,
			                       hit_only ? BRIEF_FROM : HIT_FROM, one[i].w.sql->str);
		}
		g_string_append_printf(sql, " ORDER BY %d %s, 1 %s%s", HIT_COLUMNS + 1, dir, dir,
		                       f->limit ? " LIMIT ?" : "");
	} else {
		/* after an id (--follow, every 0.5 s): the hits past it by rowid,
		 * then sorted ('+' keeps the time's index from walking them all) */
		g_string_append_printf(sql, "%s%s%s ORDER BY %s%s %s, h.id %s%s", select,
		                       hit_only ? BRIEF_FROM : HIT_FROM, w.sql->str,
		                       f->after_id ? "+" : "", t, dir, dir, f->limit ? " LIMIT ?" : "");
	}

	rc = sqlite3_prepare_v2(s->db, sql->str, -1, &q, NULL);
	if (rc == SQLITE_OK && f->stories) {
		bind_text(q, 1, stories);
	} else if (rc == SQLITE_OK) {
		n = 1;
		for (guint i = 0; one != NULL && i < arms; i++)
			n = hit_where_bind(q, &one[i].w, &one[i].f, n - 1);
		if (one == NULL)
			n = hit_where_bind(q, &w, f, 0);
		if (f->limit)
			sqlite3_bind_int64(q, n, f->limit);
	}
	for (guint i = 0; one != NULL && i < arms; i++)
		hit_where_clear(&one[i].w);
	g_free(one);
	if (rc != SQLITE_OK) {
		hit_where_clear(&w);
		return fail(s, error, sqlite3_extended_errcode(s->db), "reading hits");
	}
	hit_where_clear(&w);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct fw_hit_row view = { 0 }, *r = &view;

		if (borrow)
			hit_row_fill(&view, q, column_view);
		else
			r = hit_row_read(s, q, FALSE);
		if (!take(r, data)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading hits");
		sqlite3_finalize(q);
		return FALSE;
	}
	sqlite3_finalize(q);
	return TRUE;
}

static gboolean sq_hits(struct fw_store *s, const struct fw_hit_filter *filter,
                       GPtrArray *out, GError **error)
{
	return hits_each(s, filter, fw_store_hit_append, out, FALSE, error);
}

static gboolean sq_hits_foreach(struct fw_store *s, const struct fw_hit_filter *filter,
                               fw_store_hit_cb cb, gpointer data, GError **error)
{
	struct fw_store_hit_call c = { cb, data };

	return hits_each(s, filter, fw_store_hit_call, &c, TRUE, error);
}

static gboolean sq_hits_count(struct fw_store *s, gint64 since, gint64 *count, GError **error)
{
	sqlite3_stmt *q;

	if (!(q = stmt(s, ST_HITS_COUNT, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, since);
	if (sqlite3_step(q) != SQLITE_ROW) {
		fail(s, error, sqlite3_extended_errcode(s->db), "counting hits");
		done(q);
		return FALSE;
	}
	*count = sqlite3_column_int64(q, 0);
	done(q);
	return TRUE;
}

static gboolean sq_story_hits(struct fw_store *s, gint64 hit_id, GPtrArray *out, GError **error)
{
	sqlite3_stmt *q;
	guint before = out->len;
	int rc;

	if (!(q = stmt(s, ST_STORY_HITS, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, hit_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		g_ptr_array_add(out, hit_row_read(s, q, TRUE));
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading a story");
		done(q);
		return FALSE;
	}
	done(q);
	if (out->len == before) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
		            "no hit %" G_GINT64_FORMAT, hit_id);
		return FALSE;
	}
	return TRUE;
}

static gboolean sq_story_set_read(struct fw_store *s, gint64 hit_id, gboolean read,
                                 gint64 *changed, GError **error)
{
	sqlite3_stmt *q;
	gboolean own;

	if (!auto_begin(s, &own, error))
		return FALSE;
	if (!(q = stmt(s, ST_STORY_SET_READ, error)))
		return auto_end(s, own, FALSE, error);
	sqlite3_bind_int64(q, 1, hit_id);
	sqlite3_bind_int(q, 2, read ? 1 : 0);
	if (!run(s, q, "marking a story read", error))
		return auto_end(s, own, FALSE, error);
	if (changed)
		*changed = sqlite3_changes64(s->db);
	/* Nothing changed: a story already marked, or no such hit (NOT_FOUND). */
	if (sqlite3_changes(s->db) == 0 && !sq_hit_set_read(s, hit_id, read, error))
		return auto_end(s, own, FALSE, error);
	return auto_end(s, own, TRUE, error);
}

static struct fw_hit_row *sq_hit_get(struct fw_store *s, gint64 hit_id, GError **error)
{
	struct fw_hit_row *r = NULL;
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_HIT_GET, error)))
		return NULL;
	sqlite3_bind_int64(q, 1, hit_id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		r = hit_row_read(s, q, TRUE);
	else if (rc == SQLITE_DONE)
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
		            "no hit %" G_GINT64_FORMAT, hit_id);
	else
		fail(s, error, sqlite3_extended_errcode(s->db), "reading a hit");
	done(q);
	return r;
}

static gboolean sq_hit_set_read(struct fw_store *s, gint64 hit_id, gboolean read, GError **error)
{
	sqlite3_stmt *q;

	if (!(q = stmt(s, ST_HIT_SET_READ, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, hit_id);
	sqlite3_bind_int(q, 2, read ? 1 : 0);
	if (!run(s, q, "marking a hit read", error))
		return FALSE;
	if (sqlite3_changes(s->db) == 0) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND,
		            "no hit %" G_GINT64_FORMAT, hit_id);
		return FALSE;
	}
	return TRUE;
}

static gboolean sq_hits_set_read_all(struct fw_store *s, char **topics, gboolean read,
                                    gint64 *changed, GError **error)
{
	g_autoptr(GString) sql = g_string_new("UPDATE hits SET read = ? WHERE read <> ?");
	g_autoptr(GPtrArray) texts = g_ptr_array_new();
	sqlite3_stmt *q = NULL;
	int rc, n = 0;

	where_in(sql, texts, "topic", topics);
	rc = sqlite3_prepare_v2(s->db, sql->str, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return fail(s, error, sqlite3_extended_errcode(s->db), "marking hits read");
	sqlite3_bind_int(q, ++n, read ? 1 : 0);
	sqlite3_bind_int(q, ++n, read ? 1 : 0);
	for (guint i = 0; i < texts->len; i++)
		bind_text(q, ++n, g_ptr_array_index(texts, i));
	rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "marking hits read");
		sqlite3_finalize(q);
		return FALSE;
	}
	sqlite3_finalize(q);
	if (changed)
		*changed = sqlite3_changes64(s->db);
	return TRUE;
}

/* ---- maintenance and backtests ------------------------------------------ */

static gboolean sq_prune(struct fw_store *s, gint64 before, gint64 *deleted, GError **error)
{
	sqlite3_stmt *q;

	if (!(q = stmt(s, ST_PRUNE, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, before);
	sqlite3_bind_int64(q, 2, FW_STORE_SEEN_STEP);
	if (!run(s, q, "forgetting old items", error))
		return FALSE;
	if (deleted)
		*deleted = sqlite3_changes64(s->db);
	return TRUE;
}

static gboolean sq_prune_hits(struct fw_store *s, gint64 before, gint64 *deleted, GError **error)
{
	sqlite3_stmt *q;

	if (!(q = stmt(s, ST_PRUNE_HITS, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, before);
	if (!run(s, q, "forgetting old hits", error))
		return FALSE;
	if (deleted)
		*deleted = sqlite3_changes64(s->db);
	return TRUE;
}

/* Trains the database's dictionary from its newest DICT_SAMPLES bodies
 * when it has none (a database migrated from schema 5 or before, or whose polls never
 * packed DICT_SAMPLES bodies in one go), in a transaction of its own;
 * nothing while it has fewer. */
static gboolean dict_learn_stored(struct fw_store *s, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	dict_collect(s, TRUE);
	dict_load(s);
	if (s->packer || s->dict_pending || !sqlite3_get_autocommit(s->db))
		return TRUE;
	if (!(q = stmt(s, ST_DICT_SAMPLES, error)))
		return FALSE;
	sqlite3_bind_int(q, 1, DICT_SAMPLES);
	g_clear_pointer(&s->samples, g_byte_array_unref);
	g_clear_pointer(&s->sample_sizes, g_array_unref);
	s->samples = g_byte_array_new();
	s->sample_sizes = g_array_new(FALSE, FALSE, sizeof(size_t));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && s->samples->len < DICT_SAMPLE_BYTES) {
		g_autoptr(GVariant) v = body_unpack(s, sqlite3_column_blob(q, 0),
		                                    sqlite3_column_bytes(q, 0));
		size_t size = v ? g_variant_get_size(v) : 0;

		if (size) {
			g_byte_array_append(s->samples, g_variant_get_data(v), (guint)size);
			g_array_append_val(s->sample_sizes, size);
		}
	}
	done(q);
	if (s->sample_sizes->len < DICT_SAMPLES && s->samples->len < DICT_SAMPLE_BYTES) {
		g_clear_pointer(&s->samples, g_byte_array_unref);
		g_clear_pointer(&s->sample_sizes, g_array_unref);
		return TRUE;
	}
	if (!sq_begin(s, error))
		return FALSE;
	dict_train(s, TRUE);
	return sq_commit(s, error);
}

static gboolean sq_maintain(struct fw_store *s, GError **error)
{
	/* analysis_limit bounds the ANALYZE that optimize may run on big tables. */
	return exec(s, "PRAGMA analysis_limit = 1000; PRAGMA optimize", "optimizing", error) &&
	       exec(s, "PRAGMA incremental_vacuum", "vacuuming", error) &&
	       dict_learn_stored(s, error);
}

static void sq_release_memory(struct fw_store *s)
{
	dict_collect(s, TRUE);
	sqlite3_db_release_memory(s->db);
	/* made (or read) again on first use; samples not yet trained on are
	 * dropped (a cycle that packs DICT_SAMPLES bodies trains) */
	g_clear_pointer(&s->samples, g_byte_array_unref);
	g_clear_pointer(&s->sample_sizes, g_array_unref);
	g_clear_pointer(&s->zc, ZSTD_freeCCtx);
	g_clear_pointer(&s->zd, ZSTD_freeDCtx);
	g_clear_pointer(&s->packer, fw_store_packer_unref);
	g_clear_pointer(&s->plain, fw_store_packer_unref);
	s->dict_looked = FALSE;
	if (s->ddicts)
		g_hash_table_remove_all(s->ddicts);
	if (s->wmodels)
		g_hash_table_remove_all(s->wmodels);
}

/* Runs an items query (columns: row id, feed key, feed title, item_key,
 * title, link, published, updated, author, body; ?1 bound to *since unless
 * since is NULL) and calls cb per row. */
static gboolean items_query(struct fw_store *s, const char *sql, const gint64 *since,
                            fw_store_item_cb cb, gpointer data, GError **error)
{
	sqlite3_stmt *q = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &q, NULL);
	if (rc != SQLITE_OK)
		return fail(s, error, sqlite3_extended_errcode(s->db), "reading items");
	if (since)
		sqlite3_bind_int64(q, 1, *since);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct fw_item item = { 0 };
		gboolean more;

		item.id = (char *)sqlite3_column_text(q, 3);
		item.title = (char *)sqlite3_column_text(q, 4);
		item.link = (char *)sqlite3_column_text(q, 5);
		item.published = column_time(q, 6);
		item.updated = column_time(q, 7);
		item.author = (char *)sqlite3_column_text(q, 8);
		item.categories = g_ptr_array_new_with_free_func(g_free);
		body_read(s, q, 9, &item.summary, &item.content, item.categories);
		more = cb(sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
		          (const char *)sqlite3_column_text(q, 2), &item, data);
		g_ptr_array_unref(item.categories);
		g_free(item.summary);
		g_free(item.content);
		if (!more) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading items");
		sqlite3_finalize(q);
		return FALSE;
	}
	sqlite3_finalize(q);
	return TRUE;
}

static gboolean sq_items_foreach(struct fw_store *s, gint64 since, fw_store_item_cb cb,
                                gpointer data, GError **error)
{
	static const char sql[] =
		"SELECT i.id, f.key, COALESCE(f.title, f.key), i.item_key, i.title, i.link,"
		" i.published, i.updated, i.author, i.body"
		" FROM items i JOIN feeds f ON f.id = i.feed_id"
		" WHERE COALESCE(i.published, i.first_seen) >= ?1"
		" ORDER BY COALESCE(i.published, i.first_seen), i.id";

	return items_query(s, sql, &since, cb, data, error);
}

/* Feed by feed: each feed's newest last_seen is one step of
 * items_feed_seen, its current items a range of it; no sort (test_store
 * checks the plan). */
static gboolean sq_current_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                         GError **error)
{
	static const char sql[] =
		"SELECT i.id, f.key, COALESCE(f.title, f.key), i.item_key, i.title, i.link,"
		" i.published, i.updated, i.author, i.body"
		" FROM feeds f CROSS JOIN items i"   /* (CROSS: the feeds outside) */
		" WHERE i.feed_id = f.id AND i.last_seen >="
		"  (SELECT MAX(j.last_seen) FROM items j WHERE j.feed_id = f.id) - ?1";
	const gint64 step = FW_STORE_SEEN_STEP;

	return items_query(s, sql, &step, cb, data, error);
}

static gboolean sq_topics_get(struct fw_store *s, char *const *keys, char *const *queries,
                              guint n, guint8 *states, GError **error)
{
	for (guint i = 0; i < n; i++) {
		sqlite3_stmt *q = stmt(s, ST_TOPIC_GET, error);
		int rc;

		if (q == NULL)
			return FALSE;
		bind_text(q, 1, keys[i]);
		bind_text(q, 2, queries[i]);
		states[i] = 0;
		if ((rc = sqlite3_step(q)) == SQLITE_ROW)
			states[i] = FW_STORE_TOPIC_KNOWN |
			            (sqlite3_column_int(q, 0) ? FW_STORE_TOPIC_UNSET : 0) |
			            (sqlite3_column_int(q, 1) ? FW_STORE_TOPIC_SAME : 0);
		done(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return fail(s, error, sqlite3_extended_errcode(s->db), "reading the topics");
	}
	return TRUE;
}

static gboolean sq_topic_write(struct fw_store *s, enum fw_store_topic_write what,
                               const char *key, const char *query, gint64 now,
                               gboolean *wrote, GError **error)
{
	static const enum stmt_id ids[] = {
		[FW_STORE_TOPIC_LEARN] = ST_TOPIC_LEARN,
		[FW_STORE_TOPIC_ADOPT] = ST_TOPIC_ADOPT,
		[FW_STORE_TOPIC_CHANGE] = ST_TOPIC_CHANGE,
	};
	sqlite3_stmt *q = stmt(s, ids[what], error);

	if (q == NULL)
		return FALSE;
	bind_text(q, 1, key);
	bind_text(q, 2, query);
	if (what == FW_STORE_TOPIC_LEARN)
		sqlite3_bind_int64(q, 3, now);
	if (!run(s, q, "recording the topics", error))
		return FALSE;
	*wrote = sqlite3_changes(s->db) > 0;
	return TRUE;
}

/* ---- mutes ------------------------------------------------------------- */

static gboolean sq_mute_set(struct fw_store *s, const char *topic, gint64 until, gint64 now,
                           GError **error)
{
	sqlite3_stmt *q;
	gboolean own, ok;

	g_return_val_if_fail(topic != NULL, FALSE);
	if (!auto_begin(s, &own, error))
		return FALSE;
	ok = (q = stmt(s, ST_MUTE_EXPIRE, error)) != NULL;
	if (ok) {
		sqlite3_bind_int64(q, 1, now);
		ok = run(s, q, "forgetting ended mutes", error);
	}
	if (ok)
		ok = (q = stmt(s, until > now ? ST_MUTE_SET : ST_MUTE_CLEAR, error)) != NULL;
	if (ok) {
		bind_text(q, 1, topic);
		sqlite3_bind_int64(q, 2, until);
		ok = run(s, q, until > now ? "muting a topic" : "unmuting a topic", error);
	}
	return auto_end(s, own, ok, error);
}

static gboolean sq_mutes(struct fw_store *s, gint64 now, GHashTable *out, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_MUTES, error)))
		return FALSE;
	sqlite3_bind_int64(q, 1, now);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		gint64 until = sqlite3_column_int64(q, 1);

		g_hash_table_insert(out, column_dup(q, 0), g_memdup2(&until, sizeof until));
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading mutes");
		done(q);
		return FALSE;
	}
	done(q);
	return TRUE;
}

/* ---- feedwatch browse -------------------------------------------------- */

static gboolean sq_browse_version(struct fw_store *s, gint64 *version, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_DATA_VERSION, error)))
		return FALSE;
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		fail(s, error, sqlite3_extended_errcode(s->db), "reading the data version");
		done(q);
		return FALSE;
	}
	*version = sqlite3_column_int64(q, 0);
	done(q);
	return TRUE;
}

static char *sq_browse_signature(struct fw_store *s, GError **error)
{
	sqlite3_stmt *q;
	char *sig = NULL;

	if (!(q = stmt(s, ST_BROWSE_SIGNATURE, error)))
		return NULL;
	if (sqlite3_step(q) == SQLITE_ROW)
		sig = column_dup(q, 0);
	else
		fail(s, error, sqlite3_extended_errcode(s->db), "reading the hit log's signature");
	done(q);
	return sig;
}

static gboolean sq_browse_items_foreach(struct fw_store *s, fw_store_item_cb cb, gpointer data,
                                       GError **error)
{
	static const char sql[] =
		"SELECT i.id, f.key, COALESCE(f.title, f.key), i.item_key, i.title, i.link,"
		" i.published, i.updated, i.author, i.body"
		" FROM items i JOIN feeds f ON f.id = i.feed_id"
		" WHERE EXISTS (SELECT 1 FROM hits h WHERE h.item_id = i.id) ORDER BY i.id";

	return items_query(s, sql, NULL, cb, data, error);
}

static gboolean sq_browse_counts(struct fw_store *s, GPtrArray *out, GError **error)
{
	sqlite3_stmt *q;
	int rc;

	if (!(q = stmt(s, ST_BROWSE_COUNTS, error)))
		return FALSE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct fw_browse_count *c = g_new0(struct fw_browse_count, 1);

		c->topic = column_dup(q, 0);
		c->topic_name = column_dup(q, 1);
		c->stories = sqlite3_column_int64(q, 2);
		c->unread = sqlite3_column_int64(q, 3);
		c->last_hit = sqlite3_column_int64(q, 4);
		g_ptr_array_add(out, c);
	}
	if (rc != SQLITE_DONE) {
		fail(s, error, sqlite3_extended_errcode(s->db), "counting stories");
		done(q);
		return FALSE;
	}
	done(q);
	return TRUE;
}

static gboolean sq_topic_set_read(struct fw_store *s, const char *topic, gboolean read,
                                  gint64 *changed, GError **error)
{
	sqlite3_stmt *q;
	gint64 n = 0;
	gboolean own, ok;

	if (!auto_begin(s, &own, error))
		return FALSE;
	if (!(q = stmt(s, ST_TOPIC_UNREAD, error)))
		return auto_end(s, own, FALSE, error);
	bind_text(q, 1, topic);
	sqlite3_bind_int(q, 2, read ? 1 : 0);
	ok = sqlite3_step(q) == SQLITE_ROW;
	n = ok ? sqlite3_column_int64(q, 0) : 0;
	if (!ok)
		fail(s, error, sqlite3_extended_errcode(s->db), "marking stories read");
	done(q);
	if (ok && (ok = (q = stmt(s, ST_TOPIC_SET_READ, error)) != NULL)) {
		bind_text(q, 1, topic);
		sqlite3_bind_int(q, 2, read ? 1 : 0);
		ok = run(s, q, "marking stories read", error);
	}
	if (ok && changed)
		*changed = n;
	return auto_end(s, own, ok, error);
}

const struct fw_store_ops fw_store_sqlite_ops = {
	.name = "sqlite",
	.free = sq_free,
	.set_busy_timeout = sq_set_busy_timeout,
	.set_mmap = sq_set_mmap,
	.set_durable = sq_set_durable,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.savepoint = sq_savepoint,
	.release = sq_release,
	.rollback_to = sq_rollback_to,
	.group_begin = sq_group_begin,
	.group_end = sq_group_end,
	.feed_get = sq_feed_get,
	.feed_polled = sq_feed_polled,
	.feed_statuses = sq_feed_statuses,
	.feed_has_items = sq_feed_has_items,
	.item_put = sq_item_put,
	.hit_exists = sq_hit_exists,
	.story_notified = sq_story_notified,
	.hit_add = sq_hit_add,
	.outbox_due = sq_outbox_due,
	.outbox_done = sq_outbox_done,
	.hits = sq_hits,
	.hits_foreach = sq_hits_foreach,
	.hits_count = sq_hits_count,
	.story_hits = sq_story_hits,
	.story_set_read = sq_story_set_read,
	.hit_get = sq_hit_get,
	.hit_set_read = sq_hit_set_read,
	.hits_set_read_all = sq_hits_set_read_all,
	.mute_set = sq_mute_set,
	.mutes = sq_mutes,
	.prune = sq_prune,
	.prune_hits = sq_prune_hits,
	.maintain = sq_maintain,
	.release_memory = sq_release_memory,
	.packer = sq_packer,
	.dict_waiting = sq_dict_waiting,
	.items_foreach = sq_items_foreach,
	.current_items_foreach = sq_current_items_foreach,
	.topics_get = sq_topics_get,
	.topic_write = sq_topic_write,
	.browse_version = sq_browse_version,
	.browse_signature = sq_browse_signature,
	.browse_items_foreach = sq_browse_items_foreach,
	.browse_counts = sq_browse_counts,
	.topic_set_read = sq_topic_set_read,
};
