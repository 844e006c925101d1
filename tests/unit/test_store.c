/* Unit tests for store, one table of cases run on both backends: a real
 * SQLite file in a temporary directory, and a schema of its own on a private
 * PostgreSQL server (FW_TEST_PG, a connection string; when unset the test
 * starts one with tests/helpers/pg.sh and stops it at the end). Cases that
 * are SQLite's own (its files, pragmas, locks) run on SQLite only. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <libpq-fe.h>
#include <zstd.h>

#include "feedwatch/store.h"
#include "feedwatch/hit.h"
#include "feedwatch/config.h"
#include "feedwatch/wordpack.h"
#include "store-int.h"      /* fw_store_body_serialise */

struct fixture {
	char *tmp;    /* the temporary directory */
	char *path;   /* tmp/data/feedwatch/feedwatch.db (parents not yet made),
	                 or the connection string of the case's PostgreSQL schema */
	char *schema; /* PostgreSQL: the case's schema */
	struct fw_store *s;
};

/* How a case runs: on which backend, and whether the fixture opens the store. */
struct run {
	gboolean pg;
	gboolean noopen;
};

static char *pg_server;   /* the connection string of the private server */
static int pg_schemas;

static void quiet(void *arg, const char *message)
{
}

/* Runs SQL on the private server (as the test's own connection); the first
 * value of the result, or NULL. */
static char *pg_query(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);

	PQsetNoticeProcessor(c, quiet, NULL);
	PGresult *r;
	char *v = NULL;

	g_assert_cmpint(PQstatus(c), ==, CONNECTION_OK);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		g_error("%s: %s", sql, PQresultErrorMessage(r));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = g_strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* Removes a directory tree (only what the tests made). */
static void rm_rf(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			g_autofree char *child = g_build_filename(path, name, NULL);

			rm_rf(child);
		}
		g_dir_close(d);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

static void fixture_setup(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autoptr(GError) err = NULL;

	f->tmp = g_dir_make_tmp("fwstore-XXXXXX", &err);
	g_assert_no_error(err);
	if (run->pg) {
		g_autofree char *sql = NULL;

		f->schema = g_strdup_printf("t%d_%d", (int)getpid(), ++pg_schemas);
		sql = g_strdup_printf("CREATE SCHEMA %s", f->schema);
		g_free(pg_query(pg_server, sql));
		f->path = g_strdup_printf("%s options='-csearch_path=%s'", pg_server, f->schema);
	} else {
		f->path = g_build_filename(f->tmp, "data", "feedwatch", "feedwatch.db", NULL);
	}
	if (!run->noopen) {
		f->s = fw_store_open(f->path, &err);
		g_assert_no_error(err);
		g_assert_nonnull(f->s);
	}
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
	fw_store_free(f->s);
	if (f->schema) {
		g_autofree char *sql = g_strdup_printf("DROP SCHEMA %s CASCADE", f->schema);

		g_free(pg_query(pg_server, sql));
		g_free(f->schema);
	}
	rm_rf(f->tmp);
	g_free(f->tmp);
	g_free(f->path);
}

/* Takes a PostgreSQL database back to before the migration of the hits'
 * story and time and of the pollers' table (the schema the code before it
 * made); then version = 3 is that schema's number. */
#define PG_UNDO_STORIES \
	"DROP TABLE pollers; DROP FUNCTION fw_hits_insert, fw_hits_settle, fw_hits_delete," \
	" fw_hits_found, fw_items_published, fw_items_canon CASCADE;" \
	" DROP FUNCTION fw_story_of, fw_story_set;" \
	" ALTER TABLE hits DROP COLUMN rtime, DROP COLUMN story; DROP TABLE topics;"

/* An integer from a one-row query, read with a separate connection (a
 * PostgreSQL boolean is 1 or 0; -1 for no row). */
static gint64 sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	gint64 v = -1;

	if (fw_store_is_pg(path)) {
		g_autofree char *t = pg_query(path, sql);

		if (!t)
			return -1;
		return !strcmp(t, "t") ? 1 : !strcmp(t, "f") ? 0 : g_ascii_strtoll(t, NULL, 10);
	}
	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Runs SQL with a separate read-write connection. */
static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	if (fw_store_is_pg(path)) {
		g_free(pg_query(path, sql));
		return;
	}
	g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close(db);
}

/* n characters of text that compress little (bodies are stored compressed):
 * base64 of bytes from rand. */
static char *noise_text(GRand *rand, gsize n)
{
	g_autofree guint8 *raw = g_malloc(n);
	char *text;

	for (gsize k = 0; k < n; k++)
		raw[k] = (guint8)g_rand_int_range(rand, 0, 256);
	text = g_base64_encode(raw, n);
	text[n] = '\0';
	return text;
}

/* A stack item with the given id, title, link. */
static struct fw_item item_make(const char *id, const char *title, const char *link)
{
	struct fw_item it = {
		.id = (char *)id, .title = (char *)title, .link = (char *)link,
		.published = FW_TIME_NONE, .updated = FW_TIME_NONE,
	};
	return it;
}

/* Puts an item and returns its row id. */
static gint64 put_item(struct fw_store *s, gint64 feed, const char *id, const char *title,
                       const char *link, gint64 now)
{
	struct fw_item it = item_make(id, title, link);
	enum fw_item_state state;
	g_autoptr(GError) err = NULL;
	gint64 rowid = 0;

	it.categories = g_ptr_array_new();
	fw_store_item_put(s, feed, &it, title, now, &rowid, &state, &err);
	g_assert_no_error(err);
	g_ptr_array_unref(it.categories);
	return rowid;
}

/* Finds or makes a feed and returns its id. */
static gint64 feed_id(struct fw_store *s, const char *key)
{
	struct fw_feed_state st;
	g_autoptr(GError) err = NULL;
	gint64 id;

	g_assert_true(fw_store_feed_get(s, key, "https://example.com/feed", &st, &err));
	g_assert_no_error(err);
	id = st.id;
	fw_store_feed_state_clear(&st);
	return id;
}

/* Adds a hit and returns its id. */
static gint64 add_hit(struct fw_store *s, gint64 item, const char *topic,
                      enum fw_hit_notified notified, guint channels, gint64 now,
                      const char *snippet)
{
	struct fw_hit_new h = {
		.item_rowid = item, .topic = topic, .topic_name = topic, .snippet = snippet,
		.marks_json = "[[0,1]]", .matched_json = "[]", .notified = notified,
	};
	g_autoptr(GError) err = NULL;
	gint64 id = 0;

	g_assert_true(fw_store_hit_add(s, &h, channels, now, &id, &err));
	g_assert_no_error(err);
	g_assert_cmpint(id, >, 0);
	return id;
}

/* ---- open -------------------------------------------------------------- */

static void test_open(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);
	g_autoptr(GError) err = NULL;
	GStatBuf sb;

	g_assert_cmpint(g_stat(dir, &sb), ==, 0);
	g_assert_cmpint(sb.st_mode & 0777, ==, 0700);
	fw_store_free(f->s);
	f->s = fw_store_open(f->path, &err);     /* reopen: no migration again */
	g_assert_no_error(err);
	g_assert_nonnull(f->s);
	g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), ==, FW_STORE_SCHEMA_VERSION);
	/* a new database can give pages back (fw_store_maintain) */
	g_assert_cmpint(sql_int(f->path, "PRAGMA auto_vacuum"), ==, 2);
	g_assert_cmpint(sql_int(f->path, "PRAGMA page_size"), ==, 8192);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	                        " AND name IN ('feeds','items','hits','outbox','mutes')"), ==, 5);
	g_assert_cmpint(sql_int(f->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
	                ==, 1);
}

static void test_too_new(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;

	fw_store_free(f->s);
	f->s = NULL;
	sql_exec(f->path, fw_store_is_pg(f->path) ? "UPDATE schema_version SET version = 99"
	                                          : "PRAGMA user_version = 99");
	f->s = fw_store_open(f->path, &err);
	g_assert_null(f->s);
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_OPEN);
	g_assert_nonnull(strstr(err->message, f->path));
	g_assert_nonnull(strstr(err->message, "99"));
}

/* Files that are not databases: bytes to write (len -1: strlen; 0: random 4096). */
static const struct {
	const char *name;
	const char *bytes;
	gssize len;
} corrupt_rows[] = {
	{ "random", NULL, 0 },
	{ "text", "hello, this is not a database\n", -1 },
	{ "header-then-junk", "SQLite format 3\0\x10\x00\x01\x01junkjunkjunkjunkjunkjunk"
	  "junkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunkjunk"
	  "junkjunkjunkjunkjunkjunk", 120 },
};

static void test_corrupt(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(corrupt_rows); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *junk = NULL;
		gssize len = corrupt_rows[i].len;
		struct fw_store *s;

		if (len == 0) {
			junk = g_malloc(4096);
			for (int k = 0; k < 4096; k++)
				junk[k] = (char)g_random_int_range(0, 256);
			len = 4096;
		} else {
			junk = g_memdup2(corrupt_rows[i].bytes,
			                 len < 0 ? strlen(corrupt_rows[i].bytes) : (gsize)len);
			if (len < 0)
				len = strlen(corrupt_rows[i].bytes);
		}
		g_assert_true(g_file_set_contents(f->path, junk, len, NULL));
		s = fw_store_open(f->path, &err);
		g_test_message("row %s: %s", corrupt_rows[i].name, err ? err->message : "opened");
		g_assert_null(s);
		g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_OPEN);
		g_assert_nonnull(strstr(err->message, f->path));
		g_unlink(f->path);
	}
}

/* Read-only cases: modes of the database file and of its directory. */
static const struct {
	const char *name;
	int file_mode;
	int dir_mode;
} readonly_rows[] = {
	{ "file 0444", 0444, 0755 },
	{ "directory 0555, file 0666 (no room for the -wal file)", 0666, 0555 },
};

/* Opens path and returns 0 when it failed with READONLY naming the path,
 * else a number saying what happened instead. */
static int open_expect_readonly(const char *path)
{
	GError *err = NULL;
	struct fw_store *s = fw_store_open(path, &err);
	int rc;

	if (s)
		rc = 100;
	else if (err->domain != FW_STORE_ERROR)
		rc = 101;
	else if (!strstr(err->message, path))
		rc = 102;
	else
		rc = err->code == FW_STORE_ERROR_READONLY ? 0 : 10 + err->code;
	if (err && rc)
		g_printerr("# %s\n", err->message);
	fw_store_free(s);
	g_clear_error(&err);
	return rc;
}

/* root writes through any mode: the open is tried in a child that drops to
 * uid/gid 65534 (nobody), so the kernel really refuses the writes. */
static void test_readonly(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);
	g_autofree char *parent = g_path_get_dirname(dir);
	g_autofree char *top = g_path_get_dirname(parent);
	gboolean root = geteuid() == 0;

	fw_store_free(f->s);
	f->s = NULL;
	g_assert_cmpint(g_chmod(top, 0755), ==, 0);
	g_assert_cmpint(g_chmod(parent, 0755), ==, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(readonly_rows); i++) {
		int rc, status = 0;
		pid_t pid;

		g_test_message("row %s", readonly_rows[i].name);
		g_assert_cmpint(g_chmod(f->path, readonly_rows[i].file_mode), ==, 0);
		g_assert_cmpint(g_chmod(dir, readonly_rows[i].dir_mode), ==, 0);
		if (!root) {
			rc = open_expect_readonly(f->path);
		} else {
			pid = fork();
			g_assert_cmpint(pid, >=, 0);
			if (pid == 0) {
				int code = 77;

				if (setgid(65534) == 0 && setuid(65534) == 0)
					code = open_expect_readonly(f->path);
				/* valgrind checks the child for leaks too */
				g_free(dir);
				g_free(parent);
				g_free(top);
				_exit(code);
			}
			g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
			g_assert_true(WIFEXITED(status));
			rc = WEXITSTATUS(status);
			if (rc == 77) {
				g_test_skip("running as root and cannot drop to uid 65534");
				break;
			}
		}
		g_assert_cmpint(rc, ==, 0);
		g_assert_cmpint(g_chmod(dir, 0700), ==, 0);
		g_assert_cmpint(g_chmod(f->path, 0644), ==, 0);
	}
	g_chmod(dir, 0700);
}

/* ---- feeds ------------------------------------------------------------- */

/* One poll after another on the same feed, and the state read back after it. */
static const struct {
	gboolean ok;
	long status;
	const char *etag, *lm, *title, *error;
	const char *want_etag, *want_lm, *want_title;
	int want_failures;
	gboolean want_fetched;
} poll_rows[] = {
	/* failed before any success: nothing fetched yet */
	{ FALSE, 0, NULL, NULL, NULL, "connection refused", NULL, NULL, NULL, 1, FALSE },
	{ TRUE, 200, "\"v1\"", "Tue, 26 Nov 2024 05:05:00 GMT", "TAC", NULL,
	  "\"v1\"", "Tue, 26 Nov 2024 05:05:00 GMT", "TAC", 0, TRUE },
	/* 304 without validators keeps them; title NULL keeps it */
	{ TRUE, 304, NULL, NULL, NULL, NULL, "\"v1\"", "Tue, 26 Nov 2024 05:05:00 GMT", "TAC", 0, TRUE },
	/* a failure keeps validators and counts */
	{ FALSE, 500, NULL, NULL, NULL, "HTTP 500", "\"v1\"", "Tue, 26 Nov 2024 05:05:00 GMT",
	  "TAC", 1, TRUE },
	{ FALSE, 503, NULL, NULL, NULL, "HTTP 503", "\"v1\"", "Tue, 26 Nov 2024 05:05:00 GMT",
	  "TAC", 2, TRUE },
	/* new validators replace */
	{ TRUE, 200, "\"v2\"", NULL, "The American Conservative", NULL, "\"v2\"", NULL,
	  "The American Conservative", 0, TRUE },
	/* a 200 without validators clears them */
	{ TRUE, 200, NULL, NULL, NULL, NULL, NULL, NULL, "The American Conservative", 0, TRUE },
};

static void test_feed_polled(struct fixture *f, gconstpointer data)
{
	struct fw_feed_state st;
	g_autoptr(GError) err = NULL;
	gint64 id, now = 1732597500;

	g_assert_true(fw_store_feed_get(f->s, "tac", "https://old.example/feed", &st, &err));
	g_assert_no_error(err);
	id = st.id;
	g_assert_false(st.fetched);
	g_assert_null(st.etag);
	g_assert_cmpint(st.last_poll, ==, 0);
	fw_store_feed_state_clear(&st);
	g_assert_cmpint(feed_id(f->s, "other"), !=, id);

	for (gsize i = 0; i < G_N_ELEMENTS(poll_rows); i++) {
		struct fw_poll_record rec = {
			.ok = poll_rows[i].ok, .http_status = poll_rows[i].status,
			.error = poll_rows[i].error, .etag = poll_rows[i].etag,
			.last_modified = poll_rows[i].lm, .title = poll_rows[i].title,
			.bytes = 1234, .seconds = 0.5, .next_poll = now + 900,
		};

		g_test_message("poll row %zu", i);
		g_assert_true(fw_store_feed_polled(f->s, id, now, &rec, &err));
		g_assert_no_error(err);
		g_assert_true(fw_store_feed_get(f->s, "tac", "https://www.theamericanconservative.com/feed/",
		                                &st, &err));
		g_assert_no_error(err);
		g_assert_cmpint(st.id, ==, id);
		g_assert_cmpstr(st.etag, ==, poll_rows[i].want_etag);
		g_assert_cmpstr(st.last_modified, ==, poll_rows[i].want_lm);
		g_assert_cmpstr(st.title, ==, poll_rows[i].want_title);
		g_assert_cmpint(st.failures, ==, poll_rows[i].want_failures);
		g_assert_cmpint(st.fetched, ==, poll_rows[i].want_fetched);
		g_assert_cmpint(st.last_poll, ==, now);
		g_assert_cmpint(st.next_poll, ==, now + 900);
		fw_store_feed_state_clear(&st);
		now += 900;
	}
	g_assert_cmpint(sql_int(f->path, "SELECT url = 'https://www.theamericanconservative.com/feed/'"
	                        " FROM feeds WHERE key = 'tac'"), ==, 1);
	{
		struct fw_poll_record rec = { .ok = TRUE, .http_status = 200 };

		g_assert_false(fw_store_feed_polled(f->s, 9999, now, &rec, &err));
		g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
	}
}

static void test_feed_statuses(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
	g_autoptr(GError) err = NULL;
	struct fw_poll_record rec = { .ok = FALSE, .http_status = 404, .error = "HTTP 404" };
	gint64 a = feed_id(f->s, "a"), b = feed_id(f->s, "b");
	gint64 item = put_item(f->s, a, "1", "one", NULL, 100);

	put_item(f->s, a, "2", "two", NULL, 100);
	add_hit(f->s, item, "t", FW_HIT_NOTIFIED_INITIAL, 0, 100, "one");
	g_assert_true(fw_store_feed_polled(f->s, b, 100, &rec, &err));
	g_assert_true(fw_store_feed_statuses(f->s, out, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, 2);
	{
		struct fw_feed_status *sa = out->pdata[0], *sb = out->pdata[1];

		g_assert_cmpstr(sa->key, ==, "a");
		g_assert_cmpint(sa->items, ==, 2);
		g_assert_cmpint(sa->hits, ==, 1);
		g_assert_cmpstr(sb->key, ==, "b");
		g_assert_cmpint(sb->http_status, ==, 404);
		g_assert_cmpstr(sb->error, ==, "HTTP 404");
		g_assert_cmpint(sb->failures, ==, 1);
		g_assert_cmpint(sb->items, ==, 0);
	}
}

/* ---- items ------------------------------------------------------------- */

/* Puts in sequence: (feed, id, title, hash) -> state, and the row id is the
 * one of row same_as (or new when -1). */
static const struct {
	const char *feed, *id, *title, *hash;
	enum fw_item_state want;
	int same_as;
} item_rows[] = {
	{ "a", "guid-1", "First", "h1", FW_ITEM_NEW, -1 },
	{ "a", "guid-1", "First", "h1", FW_ITEM_SEEN, 0 },
	{ "a", "guid-1", "First, edited", "h2", FW_ITEM_CHANGED, 0 },
	{ "a", "guid-1", "First, edited", "h2", FW_ITEM_SEEN, 0 },
	{ "a", "guid-2", "Second", "h1", FW_ITEM_NEW, -1 },
	/* the same id in another feed is another item */
	{ "b", "guid-1", "First", "h1", FW_ITEM_NEW, -1 },
	/* no hash at all, twice: unchanged */
	{ "b", "guid-3", "Third", NULL, FW_ITEM_NEW, -1 },
	{ "b", "guid-3", "Third", NULL, FW_ITEM_SEEN, 6 },
	{ "b", "guid-3", "Third", "h3", FW_ITEM_CHANGED, 6 },
};

/* What schema 8 stores as an item's canon_hash for its canonical link: the
 * first 8 bytes of its SHA-256, big-endian, signed (computed here on its own,
 * as bench/gen_hitlog.py does). */
static gint64 canon_key(const char *canon)
{
	g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 d[32];
	gsize n = sizeof d;
	guint64 v = 0;

	g_checksum_update(c, (const guchar *)canon, -1);
	g_checksum_get_digest(c, d, &n);
	for (int i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return (gint64)v;
}

/* Appends the item's categories, "," between them, and ";" to data (a GString). */
static gboolean cats_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                        const struct fw_item *item, gpointer data)
{
	for (guint i = 0; i < item->categories->len; i++)
		g_string_append_printf(data, "%s%s", i ? "," : "",
		                       (const char *)item->categories->pdata[i]);
	g_string_append_c(data, ';');
	return TRUE;
}

static void test_item_put(struct fixture *f, gconstpointer data)
{
	gint64 rowids[G_N_ELEMENTS(item_rows)];
	const char *cats[] = { "Politics", "Latin America" };

	for (gsize i = 0; i < G_N_ELEMENTS(item_rows); i++) {
		struct fw_item it = item_make(item_rows[i].id, item_rows[i].title,
		                              "https://example.com/story?utm_source=rss");
		g_autoptr(GError) err = NULL;
		enum fw_item_state state = 99;

		it.categories = g_ptr_array_new();
		for (gsize c = 0; c < G_N_ELEMENTS(cats); c++)
			g_ptr_array_add(it.categories, (char *)cats[c]);
		it.published = 1732597500;
		g_assert_true(fw_store_item_put(f->s, feed_id(f->s, item_rows[i].feed), &it,
		                                item_rows[i].hash, 1000 + (gint64)i, &rowids[i],
		                                &state, &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		g_test_message("item row %zu", i);
		g_assert_cmpint(state, ==, item_rows[i].want);
		if (item_rows[i].same_as >= 0) {
			g_assert_cmpint(rowids[i], ==, rowids[item_rows[i].same_as]);
		} else {
			for (gsize k = 0; k < i; k++)
				g_assert_cmpint(rowids[i], !=, rowids[k]);
		}
	}
	/* CHANGED stored the new title and last_seen; SEEN a second later left
	 * last_seen alone (refreshed only every FW_STORE_SEEN_STEP) */
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE title = 'First, edited'"
	                        " AND first_seen = 1000 AND last_seen = 1002"), ==, 1);
	/* the four share their canonical link: PostgreSQL keeps its text,
	 * SQLite (schema 8) the key made of it */
	{
		g_autofree char *q = fw_store_is_pg(f->path)
			? g_strdup("SELECT count(*) FROM items WHERE canon_link ="
			           " 'https://example.com/story'")
			: g_strdup_printf("SELECT count(*) FROM items WHERE canon_hash = %" G_GINT64_FORMAT,
			                  canon_key("https://example.com/story"));

		g_assert_cmpint(sql_int(f->path, q), ==, 4);
	}
	/* the categories come back in order, from the item's compressed body */
	{
		g_autoptr(GString) seen = g_string_new(NULL);
		g_autoptr(GError) err = NULL;

		g_assert_true(fw_store_items_foreach(f->s, 0, cats_cb, seen, &err));
		g_assert_no_error(err);
		g_assert_cmpstr(seen->str, ==, "Politics,Latin America;Politics,Latin America;"
		                "Politics,Latin America;Politics,Latin America;");
	}
}

/* Rolled back items are gone; committed ones stay. */
static void test_transaction(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");

	g_assert_true(fw_store_begin(f->s, &err));
	put_item(f->s, feed, "x", "X", NULL, 1);
	fw_store_rollback(f->s);
	g_assert_true(fw_store_begin(f->s, &err));
	put_item(f->s, feed, "y", "Y", NULL, 1);
	add_hit(f->s, put_item(f->s, feed, "z", "Z", NULL, 1), "t", FW_HIT_NOTIFIED_PENDING,
	        FW_CHANNEL_DESKTOP, 1, "z");
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_no_error(err);
	fw_store_rollback(f->s);  /* no transaction: nothing happens */
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key = 'x'"), ==, 0);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key IN ('y','z')"),
	                ==, 2);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM outbox"), ==, 1);
}

/* A group: savepoints inside it keep or undo their own writes; a reader sees
 * nothing until the group ends; an explicit transaction ends it first. */
static void test_group(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");

	g_assert_true(fw_store_group_end(f->s, &err));   /* none open: nothing to do */
	g_assert_true(fw_store_group_begin(f->s, &err));
	g_assert_true(fw_store_group_begin(f->s, &err));   /* already open: the same one */
	g_assert_true(fw_store_savepoint(f->s, &err));
	put_item(f->s, feed, "x", "X", NULL, 1);
	g_assert_true(fw_store_release(f->s, &err));
	g_assert_true(fw_store_savepoint(f->s, &err));
	put_item(f->s, feed, "y", "Y", NULL, 1);
	fw_store_rollback_to(f->s);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, 0);
	/* a delivery's transaction commits the group before it starts */
	g_assert_true(fw_store_begin(f->s, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key = 'x'"), ==, 1);
	put_item(f->s, feed, "z", "Z", NULL, 1);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_true(fw_store_group_end(f->s, &err));   /* ended already */
	/* a savepoint with no group around it is its own transaction */
	g_assert_true(fw_store_savepoint(f->s, &err));
	put_item(f->s, feed, "w", "W", NULL, 1);
	g_assert_true(fw_store_release(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key IN ('x','z','w')"),
	                ==, 3);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key = 'y'"), ==, 0);

	/* A new feed's unit finds its own items in memory, and forgets them
	 * with the unit: undone, they are new again. */
	feed = feed_id(f->s, "new");
	g_assert_true(fw_store_group_begin(f->s, &err));
	for (int round = 0; round < 2; round++) {
		g_assert_true(fw_store_savepoint(f->s, &err));
		for (int k = 0; k < 2; k++) {
			struct fw_item it = item_make("p", "P", "https://ex.com/p");
			enum fw_item_state state = 99;
			gint64 rowid = 0;
			static gint64 first;

			it.categories = g_ptr_array_new();
			g_assert_true(fw_store_item_put(f->s, feed, &it, "hp", 1, &rowid, &state, &err));
			g_ptr_array_unref(it.categories);
			g_assert_cmpint(state, ==, k == 0 ? FW_ITEM_NEW : FW_ITEM_SEEN);
			if (k == 0)
				first = rowid;
			g_assert_cmpint(rowid, ==, first);
		}
		if (round == 0)
			fw_store_rollback_to(f->s);
		else
			g_assert_true(fw_store_release(f->s, &err));
	}
	g_assert_true(fw_store_group_end(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE item_key = 'p'"), ==, 1);
}

/* A reader (the feedwatch command) is not blocked by the daemon's open write
 * transaction and sees the last committed state. */
static void test_wal_reader(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");
	struct fw_store *reader;
	gint64 t0 = g_get_monotonic_time();

	add_hit(f->s, put_item(f->s, feed, "1", "One", NULL, 1), "t", FW_HIT_NOTIFIED_INITIAL, 0, 1,
	        "one");
	g_assert_true(fw_store_begin(f->s, &err));
	add_hit(f->s, put_item(f->s, feed, "2", "Two", NULL, 2), "t", FW_HIT_NOTIFIED_INITIAL, 0, 2,
	        "two");
	reader = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	g_assert_true(fw_store_hits(reader, NULL, out, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, 1);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);  /* no busy wait */
	g_assert_true(fw_store_commit(f->s, &err));
	g_ptr_array_set_size(out, 0);
	g_assert_true(fw_store_hits(reader, NULL, out, &err));
	g_assert_cmpuint(out->len, ==, 2);
	/* the reader writes too (feedwatch read) */
	g_assert_true(fw_store_hit_set_read(reader, 1, TRUE, &err));
	g_assert_no_error(err);
	fw_store_free(reader);
}

/* A second writer waits for the lock, then gives up with BUSY naming the file. */
static void test_busy(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	struct fw_store *other = fw_store_open(f->path, &err);
	gint64 t0;

	g_assert_no_error(err);
	g_assert_true(fw_store_begin(f->s, &err));
	fw_store_set_busy_timeout(other, 100);
	t0 = g_get_monotonic_time();
	g_assert_false(fw_store_begin(other, &err));
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 90 * 1000);
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_BUSY);
	g_assert_nonnull(strstr(err->message, f->path));
	g_clear_error(&err);
	/* a single write outside a transaction waits the same way */
	g_assert_false(fw_store_hits_set_read_all(other, NULL, TRUE, NULL, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_BUSY);
	g_clear_error(&err);
	fw_store_rollback(f->s);
	g_assert_true(fw_store_begin(other, &err));
	g_assert_true(fw_store_commit(other, &err));
	g_assert_no_error(err);
	fw_store_free(other);
}

/* ---- hits -------------------------------------------------------------- */

static void test_hit_duplicate(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");
	gint64 item = put_item(f->s, feed, "1", "Milei", NULL, 1);
	struct fw_hit_new h = { .item_rowid = item, .topic = "milei", .topic_name = "Milei",
	                        .notified = FW_HIT_NOTIFIED_PENDING };
	g_autoptr(GError) err = NULL;
	gint64 id = 0;

	g_assert_false(fw_store_hit_exists(f->s, item, "milei"));
	add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_PENDING, FW_CHANNEL_DESKTOP, 1, "Milei");
	g_assert_true(fw_store_hit_exists(f->s, item, "milei"));
	g_assert_false(fw_store_hit_exists(f->s, item, "mercosur"));
	g_assert_false(fw_store_hit_add(f->s, &h, FW_CHANNEL_DESKTOP, 2, &id, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS);
	/* the failed insert left no second outbox row behind */
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM outbox"), ==, 1);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM hits"), ==, 1);
}

/* Pending with no channel is stored as none; initial and none get no outbox. */
static const struct {
	enum fw_hit_notified notified;
	guint channels;
	const char *want;
	int want_outbox;
} notified_rows[] = {
	{ FW_HIT_NOTIFIED_PENDING, FW_CHANNEL_DESKTOP, "pending", 1 },
	{ FW_HIT_NOTIFIED_PENDING, FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC | FW_CHANNEL_WEBHOOK,
	  "pending", 3 },
	{ FW_HIT_NOTIFIED_PENDING, 0, "none", 0 },
	{ FW_HIT_NOTIFIED_INITIAL, FW_CHANNEL_DESKTOP, "initial", 0 },
	{ FW_HIT_NOTIFIED_NONE, 0, "none", 0 },
};

static void test_hit_notified(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");

	for (gsize i = 0; i < G_N_ELEMENTS(notified_rows); i++) {
		g_autofree char *key = g_strdup_printf("item-%zu", i);
		gint64 item = put_item(f->s, feed, key, "T", NULL, 1);
		gint64 id = add_hit(f->s, item, "t", notified_rows[i].notified,
		                    notified_rows[i].channels, 5, "s");
		g_autoptr(GError) err = NULL;
		struct fw_hit_row *r = fw_store_hit_get(f->s, id, &err);
		g_autofree char *q = g_strdup_printf("SELECT count(*) FROM outbox WHERE hit_id = %"
		                                     G_GINT64_FORMAT, id);
		g_autofree char *stored = g_strdup_printf("SELECT notified = '%s' FROM hits"
		                                          " WHERE id = %" G_GINT64_FORMAT,
		                                          notified_rows[i].want, id);

		g_assert_no_error(err);
		g_assert_cmpstr(fw_hit_notified_name(r->notified), ==, notified_rows[i].want);
		g_assert_cmpint(sql_int(f->path, stored), ==, 1);
		g_assert_cmpint(sql_int(f->path, q), ==, notified_rows[i].want_outbox);
		fw_hit_row_free(r);
	}
}

/* fw_store_story_notified: the same story (canonical link) in another feed. */
static const struct {
	const char *name;
	const char *link1, *link2;  /* item in feed a (hit), item in feed b (asked) */
	const char *topic_hit;
	enum fw_hit_notified notified;
	const char *topic_asked;
	gboolean want;
} story_rows[] = {
	{ "same link", "https://ex.com/s", "https://ex.com/s", "milei", FW_HIT_NOTIFIED_PENDING,
	  "milei", TRUE },
	{ "tracking differs", "https://ex.com/s?utm_source=a", "HTTPS://EX.com/s/#top",
	  "milei", FW_HIT_NOTIFIED_DELIVERED, "milei", TRUE },
	{ "other topic", "https://ex.com/s", "https://ex.com/s", "milei", FW_HIT_NOTIFIED_PENDING,
	  "mercosur", FALSE },
	{ "initial not notified", "https://ex.com/s", "https://ex.com/s", "milei",
	  FW_HIT_NOTIFIED_INITIAL, "milei", FALSE },
	{ "failed not notified", "https://ex.com/s", "https://ex.com/s", "milei",
	  FW_HIT_NOTIFIED_FAILED, "milei", FALSE },
	{ "none not notified", "https://ex.com/s", "https://ex.com/s", "milei", FW_HIT_NOTIFIED_NONE,
	  "milei", FALSE },
	{ "other story", "https://ex.com/s", "https://ex.com/t", "milei", FW_HIT_NOTIFIED_PENDING,
	  "milei", FALSE },
	{ "no links", NULL, NULL, "milei", FW_HIT_NOTIFIED_PENDING, "milei", FALSE },
};

static void test_story_notified(struct fixture *f, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS(story_rows); i++) {
		g_autofree char *name = g_strdup_printf("story-%zu.db", i);
		g_autofree char *path = g_build_filename(f->tmp, name, NULL);
		g_autoptr(GError) err = NULL;
		struct fw_store *s = fw_store_open(path, &err);  /* rows do not meet */
		gint64 i1, i2, h;

		g_assert_no_error(err);
		i1 = put_item(s, feed_id(s, "a"), "x", "X", story_rows[i].link1, 1);
		i2 = put_item(s, feed_id(s, "b"), "x", "X", story_rows[i].link2, 1);
		g_test_message("story row %s", story_rows[i].name);
		h = add_hit(s, i1, story_rows[i].topic_hit, story_rows[i].notified,
		            FW_CHANNEL_DESKTOP, 1, "s");
		if (story_rows[i].notified == FW_HIT_NOTIFIED_FAILED ||
		    story_rows[i].notified == FW_HIT_NOTIFIED_DELIVERED) {
			g_autofree char *sql = g_strdup_printf(
				"UPDATE hits SET notified = '%s' WHERE id = %" G_GINT64_FORMAT,
				fw_hit_notified_name(story_rows[i].notified), h);

			sql_exec(path, sql);
		}
		g_assert_cmpint(fw_store_story_notified(s, i2, story_rows[i].topic_asked, FALSE), ==,
		                story_rows[i].want);
		/* the item itself is not "another item" */
		g_assert_false(fw_store_story_notified(s, i1, story_rows[i].topic_hit, FALSE));
		fw_store_free(s);
	}
}

/* ---- outbox ------------------------------------------------------------ */

static void test_outbox(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	g_autoptr(GError) err = NULL;
	struct fw_poll_record rec = { .ok = TRUE, .http_status = 200, .title = "The Feed" };
	gint64 feed = feed_id(f->s, "tac");
	gint64 item = put_item(f->s, feed, "1", "Milei and Mercosur", "https://ex.com/1", 10);
	gint64 hit = add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_PENDING,
	                     FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC,
	                     100, "Milei and");
	struct fw_outbox_row *r;
	gint64 ids[2];

	g_assert_true(fw_store_outbox_due(f->s, 99, 0, due, &err));
	g_assert_cmpuint(due->len, ==, 0);
	g_assert_true(fw_store_outbox_due(f->s, 100, 1, due, &err));
	g_assert_cmpuint(due->len, ==, 1);        /* limit */
	g_ptr_array_set_size(due, 0);
	g_assert_true(fw_store_outbox_due(f->s, 100, 0, due, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(due->len, ==, 2);
	r = due->pdata[0];
	g_assert_cmpint(r->hit_id, ==, hit);
	g_assert_cmpint(r->item_rowid, ==, item);
	g_assert_cmpuint(r->channel, ==, FW_CHANNEL_DESKTOP);
	g_assert_cmpuint(((struct fw_outbox_row *)due->pdata[1])->channel, ==, FW_CHANNEL_EXEC);
	g_assert_cmpstr(r->topic, ==, "milei");
	g_assert_cmpstr(r->feed_title, ==, "tac");   /* no title yet: the key */
	g_assert_cmpstr(r->title, ==, "Milei and Mercosur");
	g_assert_cmpstr(r->link, ==, "https://ex.com/1");
	g_assert_cmpstr(r->snippet, ==, "Milei and");
	g_assert_cmpstr(r->marks_json, ==, "[[0,1]]");
	g_assert_cmpint(r->attempts, ==, 0);
	ids[0] = r->id;
	ids[1] = ((struct fw_outbox_row *)due->pdata[1])->id;

	g_assert_true(fw_store_feed_polled(f->s, feed, 100, &rec, &err));
	g_ptr_array_set_size(due, 0);
	g_assert_true(fw_store_outbox_due(f->s, 100, 0, due, &err));
	g_assert_cmpstr(((struct fw_outbox_row *)due->pdata[0])->feed_title, ==, "The Feed");

	/* one of two delivered: the hit stays pending; both: delivered */
	g_assert_true(fw_store_outbox_done(f->s, ids[0], TRUE, NULL, 101, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT notified = 'pending' FROM hits"), ==, 1);
	g_ptr_array_set_size(due, 0);
	g_assert_true(fw_store_outbox_due(f->s, 1000, 0, due, &err));
	g_assert_cmpuint(due->len, ==, 1);
	g_assert_true(fw_store_outbox_done(f->s, ids[1], TRUE, NULL, 102, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT notified = 'delivered' FROM hits"), ==, 1);
	g_ptr_array_set_size(due, 0);
	g_assert_true(fw_store_outbox_due(f->s, 1000, 0, due, &err));
	g_assert_cmpuint(due->len, ==, 0);

	g_assert_false(fw_store_outbox_done(f->s, 4242, TRUE, NULL, 1, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
}

/* Failure n (1-based) waits 60 * 2^(n-1) s; the 8th is final. */
static const gint64 backoff_rows[FW_STORE_OUTBOX_MAX_ATTEMPTS] = {
	60, 120, 240, 480, 960, 1920, 3840, 0 /* final */
};

static void test_outbox_backoff(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "tac");
	gint64 item = put_item(f->s, feed, "1", "Milei", NULL, 10);
	gint64 now = 1000, outbox;

	add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_PENDING, FW_CHANNEL_WEBHOOK, now, "Milei");
	g_assert_true(fw_store_outbox_due(f->s, now, 0, due, &err));
	g_assert_cmpuint(due->len, ==, 1);
	outbox = ((struct fw_outbox_row *)due->pdata[0])->id;

	for (gsize i = 0; i < G_N_ELEMENTS(backoff_rows); i++) {
		g_test_message("failure %zu", i + 1);
		g_assert_true(fw_store_outbox_done(f->s, outbox, FALSE, "HTTP 502", now, &err));
		g_assert_no_error(err);
		g_ptr_array_set_size(due, 0);
		if (backoff_rows[i] == 0) {
			g_assert_true(fw_store_outbox_due(f->s, G_MAXINT64 / 2, 0, due, &err));
			g_assert_cmpuint(due->len, ==, 0);
			break;
		}
		g_assert_true(fw_store_outbox_due(f->s, now + backoff_rows[i] - 1, 0, due, &err));
		g_assert_cmpuint(due->len, ==, 0);
		g_assert_cmpint(sql_int(f->path, "SELECT notified = 'pending' FROM hits"), ==, 1);
		now += backoff_rows[i];
		g_assert_true(fw_store_outbox_due(f->s, now, 0, due, &err));
		g_assert_cmpuint(due->len, ==, 1);
		g_assert_cmpint(((struct fw_outbox_row *)due->pdata[0])->attempts, ==, (int)i + 1);
	}
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM outbox WHERE state = 'failed'"
	                        " AND error = 'HTTP 502' AND attempts = 8"), ==, 1);
	g_assert_cmpint(sql_int(f->path, "SELECT notified = 'failed' FROM hits"), ==, 1);
}

/* ---- the hit log ------------------------------------------------------- */

/* Hits made by hits_populate: item title, feed, topic, found, snippet. */
static const struct {
	const char *feed, *item, *title, *topic, *snippet;
	gint64 found;
} populate_rows[] = {
	{ "a", "a1", "Milei wins", "milei", "Javier Milei won", 1000 },       /* 1 */
	{ "a", "a2", "Mercosur summit", "mercosur", "the bloc met", 2000 },    /* 2 */
	{ "b", "b1", "China swap lines", "china-swaps", "swap lines", 3000 }, /* 3 */
	{ "b", "b2", "Café Común", "mercosur", "Mercado Común del Sur", 3000 }, /* 4 */
	{ "a", "a1", "Milei wins", "mercosur", "and Mercosur", 4000 },        /* 5, read */
	{ "b", "b2", "Café Común", "milei", "ÉLECTION DE MILEI", 5000 },      /* 6 */
};

static void hits_populate(struct fw_store *s)
{
	g_autoptr(GError) err = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS(populate_rows); i++) {
		gint64 item = put_item(s, feed_id(s, populate_rows[i].feed), populate_rows[i].item,
		                       populate_rows[i].title, NULL, 1);
		gint64 id = add_hit(s, item, populate_rows[i].topic, FW_HIT_NOTIFIED_INITIAL, 0,
		                    populate_rows[i].found, populate_rows[i].snippet);

		g_assert_cmpint(id, ==, (gint64)i + 1);
	}
	g_assert_true(fw_store_hit_set_read(s, 5, TRUE, &err));
	g_assert_no_error(err);
}

static char *mercosur_only[] = { "mercosur", NULL };
static char *mercosur_milei[] = { "mercosur", "milei", NULL };
static char *feed_b[] = { "b", NULL };
static char *nobody[] = { "nobody", NULL };

static const struct {
	const char *name;
	struct fw_hit_filter filter;
	const char *want;   /* ids in order */
} filter_rows[] = {
	{ "all, newest first", { 0 }, "6 5 4 3 2 1" },
	{ "oldest first", { .oldest_first = TRUE }, "1 2 3 4 5 6" },
	{ "one topic", { .topics = mercosur_only }, "5 4 2" },
	{ "two topics", { .topics = mercosur_milei }, "6 5 4 2 1" },
	{ "two topics, two", { .topics = mercosur_milei, .limit = 2 }, "6 5" },
	{ "two topics, oldest first, three", { .topics = mercosur_milei, .oldest_first = TRUE,
	                                       .limit = 3 }, "1 2 4" },
	{ "unknown topic", { .topics = nobody }, "" },
	{ "feed", { .feeds = feed_b }, "6 4 3" },
	{ "feed and topic", { .feeds = feed_b, .topics = mercosur_only }, "4" },
	{ "since", { .since = 3000 }, "6 5 4 3" },
	{ "until (exclusive)", { .until = 3000 }, "2 1" },
	{ "since and until", { .since = 2000, .until = 4000 }, "4 3 2" },
	{ "unread", { .unread = TRUE }, "6 4 3 2 1" },
	{ "search title, any case", { .search = "mILEI WINS" }, "5 1" },
	{ "search title or snippet", { .search = "milei" }, "6 5 1" },
	{ "search accented, case folded", { .search = "COMÚN" }, "6 4" },
	{ "search is not LIKE", { .search = "%" }, "" },
	{ "search underscore", { .search = "_" }, "" },
	{ "limit", { .limit = 2 }, "6 5" },
	{ "after id, oldest first", { .after_id = 4, .oldest_first = TRUE }, "5 6" },
	{ "unread mercosur, one", { .topics = mercosur_only, .unread = TRUE, .limit = 1 }, "4" },
	/* stories (every hit of each, by time): 4 (5000: 4 6), 1 (4000: 1 5), 3, 2 */
	{ "stories, two", { .stories = TRUE, .limit = 2 }, "4 6 1 5" },
	/* the next page: story 4's hit 4 is older than the page's end, its hit 6
	 * newer (it was on the page before) */
	{ "stories, the page after 1", { .stories = TRUE, .limit = 2, .page_time = 4000,
	                                  .page_story = 1 }, "3 2" },
	{ "stories, the page after 1, no limit", { .stories = TRUE, .page_time = 4000,
	                                            .page_story = 1 }, "3 2" },
	{ "stories, a tie at the page's time", { .stories = TRUE, .limit = 3, .page_time = 4000,
	                                         .page_story = 2 }, "1 5 3 2" },
	{ "stories, a tie, no limit", { .stories = TRUE, .page_time = 4000, .page_story = 2 },
	  "1 5 3 2" },
	{ "mercosur stories, the page after 4", { .stories = TRUE, .topics = mercosur_only,
	                                          .limit = 1, .page_time = 3000, .page_story = 4 },
	  "2" },
	{ "two topics' stories, the page after 1", { .stories = TRUE, .topics = mercosur_milei,
	                                             .limit = 1, .page_time = 4000,
	                                             .page_story = 1 }, "2" },
};

static void test_hits_filter(struct fixture *f, gconstpointer data)
{
	hits_populate(f->s);
	for (gsize i = 0; i < G_N_ELEMENTS(filter_rows); i++) {
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		g_autoptr(GString) got = g_string_new(NULL);
		g_autoptr(GError) err = NULL;

		g_assert_true(fw_store_hits(f->s, &filter_rows[i].filter, out, &err));
		g_assert_no_error(err);
		for (guint k = 0; k < out->len; k++)
			g_string_append_printf(got, "%s%" G_GINT64_FORMAT, k ? " " : "",
			                       ((struct fw_hit_row *)out->pdata[k])->id);
		g_test_message("filter %s: %s", filter_rows[i].name, got->str);
		g_assert_cmpstr(got->str, ==, filter_rows[i].want);
	}
}

/* The counts as "topic:stories/unread" (every topic as "*"), by key. */
static char *counts_str(struct fw_store *s, gint64 *last_hit)
{
	g_autoptr(GPtrArray) out =
		g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_browse_count_free);
	g_autoptr(GError) err = NULL;
	GString *got = g_string_new(NULL);

	g_assert_true(fw_store_browse_counts(s, out, &err));
	g_assert_no_error(err);
	for (guint i = 0; i < out->len; i++) {
		const struct fw_browse_count *c = out->pdata[i];

		g_string_append_printf(got, "%s%s%s%s:%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
		                       i ? " " : "", c->topic ? c->topic : "*",
		                       c->topic_name ? "=" : "", c->topic_name ? c->topic_name : "",
		                       c->stories, c->unread);
		if (c->topic == NULL && last_hit != NULL)
			*last_hit = c->last_hit;
	}
	return g_string_free(got, FALSE);
}

/* Each step's counts after it: a story counts once per topic however many
 * hits it has there, and as unread while one of them is; a story's first
 * hit deleted renumbers it and moves no count. */
static void test_browse_counts(struct fixture *f, gconstpointer data)
{
	static const struct {
		const char *step, *topic;   /* step: "read" (topic_set_read), "unread", "prune" */
		gint64 changed;
		const char *want;
	} steps[] = {
		{ NULL, NULL, 0, "*:4/4 china-swaps=china-swaps:1/1 mercosur=mercosur:3/2"
		  " milei=milei:2/2" },
		/* every story with a mercosur hit (1, 2, 4), in every topic */
		{ "read", "mercosur", 3, "*:4/1 china-swaps=china-swaps:1/1 mercosur=mercosur:3/0"
		  " milei=milei:2/0" },
		{ "read", "mercosur", 0, "*:4/1 china-swaps=china-swaps:1/1 mercosur=mercosur:3/0"
		  " milei=milei:2/0" },
		{ "unread", NULL, 3, "*:4/4 china-swaps=china-swaps:1/1 mercosur=mercosur:3/3"
		  " milei=milei:2/2" },
		/* hits 1 and 2 go: story 1 is hit 5's now (mercosur only), story 2 is gone */
		{ "prune", NULL, 2, "*:3/3 china-swaps=china-swaps:1/1 mercosur=mercosur:2/2"
		  " milei=milei:1/1" },
	};
	gint64 last = 0;

	hits_populate(f->s);
	for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *got = NULL;
		gint64 changed = -1;

		if (g_strcmp0(steps[i].step, "prune") == 0)
			g_assert_true(fw_store_prune_hits(f->s, 2500, &changed, &err));
		else if (steps[i].step != NULL)
			g_assert_true(fw_store_topic_set_read(f->s, steps[i].topic,
			                                      g_str_equal(steps[i].step, "read"), &changed,
			                                      &err));
		g_assert_no_error(err);
		if (steps[i].step != NULL)
			g_assert_cmpint(changed, ==, steps[i].changed);
		got = counts_str(f->s, &last);
		g_test_message("counts after %s: %s", steps[i].step ? steps[i].step : "populate", got);
		g_assert_cmpstr(got, ==, steps[i].want);
		g_assert_cmpint(last, ==, 6);
	}
}

static void test_hit_get(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	struct fw_item it = item_make("guid-9", "Milei", "https://ex.com/9");
	struct fw_hit_new h = {
		.topic = "milei", .topic_name = "Milei", .snippet = "Milei said",
		.marks_json = "[[0,5]]", .matched_json = "[{\"field\":\"title\",\"start\":0,\"end\":5}]",
		.notified = FW_HIT_NOTIFIED_INITIAL,
	};
	enum fw_item_state state;
	struct fw_poll_record rec = { .ok = TRUE, .http_status = 200, .title = "TAC" };
	gint64 feed = feed_id(f->s, "tac"), id;
	struct fw_hit_row *r;
	gint64 changed = 0;
	char *topics[] = { "milei", NULL };

	it.published = 1732597500;
	it.author = "Jane";
	it.summary = "A summary";
	it.content = "Content";
	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(f->s, feed, &it, "h", 5, &h.item_rowid, &state, &err));
	g_ptr_array_unref(it.categories);
	g_assert_true(fw_store_feed_polled(f->s, feed, 5, &rec, &err));
	g_assert_true(fw_store_hit_add(f->s, &h, 0, 1732600000, &id, &err));
	g_assert_no_error(err);

	r = fw_store_hit_get(f->s, id, &err);
	g_assert_no_error(err);
	g_assert_cmpint(r->id, ==, id);
	g_assert_cmpstr(r->topic, ==, "milei");
	g_assert_cmpstr(r->topic_name, ==, "Milei");
	g_assert_cmpstr(r->feed, ==, "tac");
	g_assert_cmpstr(r->feed_title, ==, "TAC");
	g_assert_cmpstr(r->item_id, ==, "guid-9");
	g_assert_cmpstr(r->title, ==, "Milei");
	g_assert_cmpstr(r->link, ==, "https://ex.com/9");
	g_assert_cmpint(r->published, ==, 1732597500);
	g_assert_cmpint(r->found, ==, 1732600000);
	g_assert_cmpstr(r->snippet, ==, "Milei said");
	g_assert_cmpstr(r->marks_json, ==, "[[0,5]]");
	g_assert_cmpstr(r->matched_json, ==, h.matched_json);
	g_assert_false(r->read);
	g_assert_cmpint(r->notified, ==, FW_HIT_NOTIFIED_INITIAL);
	g_assert_cmpstr(r->author, ==, "Jane");
	g_assert_cmpstr(r->summary, ==, "A summary");
	g_assert_cmpstr(r->content, ==, "Content");
	fw_hit_row_free(r);

	/* listing leaves the long fields out */
	g_assert_true(fw_store_hits(f->s, NULL, out, &err));
	g_assert_cmpuint(out->len, ==, 1);
	g_assert_null(((struct fw_hit_row *)out->pdata[0])->content);

	g_assert_true(fw_store_hit_set_read(f->s, id, TRUE, &err));
	r = fw_store_hit_get(f->s, id, &err);
	g_assert_true(r->read);
	fw_hit_row_free(r);
	g_assert_true(fw_store_hits_set_read_all(f->s, NULL, FALSE, &changed, &err));
	g_assert_cmpint(changed, ==, 1);
	g_assert_true(fw_store_hits_set_read_all(f->s, topics, TRUE, &changed, &err));
	g_assert_cmpint(changed, ==, 1);
	g_assert_true(fw_store_hits_set_read_all(f->s, topics, TRUE, &changed, &err));
	g_assert_cmpint(changed, ==, 0);
	g_assert_no_error(err);

	g_assert_null(fw_store_hit_get(f->s, 777, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
	g_clear_error(&err);
	g_assert_false(fw_store_hit_set_read(f->s, 777, TRUE, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
}

/* ---- retention and backtests ------------------------------------------- */

static gboolean count_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                         const struct fw_item *item, gpointer data)
{
	GString *seen = data;

	g_string_append_printf(seen, "%s%s/%s:%u", seen->len ? " " : "", feed_key, item->id,
	                       item->categories->len);
	return TRUE;
}

static void test_prune_foreach(struct fixture *f, gconstpointer data)
{
	g_autoptr(GString) seen = g_string_new(NULL);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a"), deleted = -1;
	gint64 old_hit = put_item(f->s, feed, "old-hit", "Old with hit", NULL, 100);

	put_item(f->s, feed, "old", "Old", NULL, 100);
	put_item(f->s, feed, "new", "New", NULL, 5000);
	add_hit(f->s, old_hit, "t", FW_HIT_NOTIFIED_INITIAL, 0, 100, "s");
	g_assert_true(fw_store_prune(f->s, 1000, &deleted, &err));
	g_assert_no_error(err);
	g_assert_cmpint(deleted, ==, 1);
	g_assert_true(fw_store_items_foreach(f->s, 0, count_cb, seen, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(seen->str, ==, "a/old-hit:0 a/new:0");
	g_string_truncate(seen, 0);
	g_assert_true(fw_store_items_foreach(f->s, 1000, count_cb, seen, &err));
	g_assert_cmpstr(seen->str, ==, "a/new:0");
	/* the items of the hit log only */
	g_string_truncate(seen, 0);
	g_assert_true(fw_store_browse_items_foreach(f->s, count_cb, seen, &err));
	g_assert_no_error(err);
	g_assert_cmpstr(seen->str, ==, "a/old-hit:0");
}

static struct fw_store *open_spied(const char *path, sqlite3 **db);
static int trace_stmt(unsigned type, void *ctx, void *p, void *x);

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What count_cb wrote, its words sorted. */
static char *sorted_words(const GString *seen)
{
	g_auto(GStrv) v = g_strsplit(seen->str, " ", -1);

	qsort(v, g_strv_length(v), sizeof(char *), cmp_strp);
	return g_strjoinv(" ", v);
}

/* The items still in their feeds: each feed's last seen within
 * FW_STORE_SEEN_STEP of its newest. */
static void test_current_items(struct fixture *f, gconstpointer data)
{
	g_autoptr(GString) seen = g_string_new(NULL);
	g_autoptr(GError) err = NULL;
	gint64 a = feed_id(f->s, "a"), b = feed_id(f->s, "b");

	put_item(f->s, a, "gone", "Gone from the feed", NULL, 100);
	put_item(f->s, b, "b1", "A feed not polled since", NULL, 100);
	put_item(f->s, a, "again", "Seen again", NULL, 100);
	put_item(f->s, a, "new", "New", NULL, 9000);
	put_item(f->s, a, "again", "Seen again", NULL, 9000);
	put_item(f->s, a, "step", "Within a step of the newest", NULL, 9000 - FW_STORE_SEEN_STEP);
	for (int inside = 0; inside <= 1; inside++) {
		g_autofree char *got = NULL;

		/* on its own, and inside a transaction (PostgreSQL: a cursor in it) */
		g_string_truncate(seen, 0);
		if (inside)
			g_assert_true(fw_store_begin(f->s, &err));
		g_assert_true(fw_store_current_items_foreach(f->s, count_cb, seen, &err));
		g_assert_no_error(err);
		if (inside)
			g_assert_true(fw_store_commit(f->s, &err));
		g_assert_no_error(err);
		got = sorted_words(seen);
		g_assert_cmpstr(got, ==, "a/again:0 a/new:0 a/step:0 b/b1:0");
	}
	if (!fw_store_is_pg(f->path)) {
		/* the feeds are walked, each feed's current items a range of
		 * items_feed_seen: no item read but those, no sort */
		g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func(g_free);
		sqlite3 *db = NULL;
		struct fw_store *s;

		fw_store_free(f->s);
		f->s = NULL;
		s = open_spied(f->path, &db);
		sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_stmt, sqls);
		g_string_truncate(seen, 0);
		g_assert_true(fw_store_current_items_foreach(s, count_cb, seen, &err));
		sqlite3_trace_v2(db, 0, NULL, NULL);
		g_assert_cmpuint(sqls->len, >, 0);
		for (guint k = 0; k < sqls->len; k++) {
			g_autofree char *eqp = g_strdup_printf("EXPLAIN QUERY PLAN %s",
			                                       (char *)sqls->pdata[k]);
			sqlite3_stmt *q = NULL;

			g_assert_cmpint(sqlite3_prepare_v2(db, eqp, -1, &q, NULL), ==, SQLITE_OK);
			while (sqlite3_step(q) == SQLITE_ROW) {
				const char *d = (const char *)sqlite3_column_text(q, 3);

				g_test_message("  %s", d);
				if ((g_str_has_prefix(d, "SCAN ") && !g_str_has_prefix(d, "SCAN f")) ||
				    strstr(d, "TEMP B-TREE") != NULL ||
				    (g_str_has_prefix(d, "SEARCH i ") && strstr(d, "last_seen>") == NULL))
					g_error("current items: %s\n%s", d, (char *)sqls->pdata[k]);
			}
			sqlite3_finalize(q);
		}
		fw_store_free(s);
	}
}

/* Learns "key=query ..." ("key=canonical|written": a query with its text as
 * written) and returns "new: a b; changed: c". */
static char *learned_str(struct fw_store *s, const char *pairs, gboolean commit)
{
	g_auto(GStrv) v = g_strsplit(pairs, " ", -1);
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) queries = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
	gboolean any_written = strchr(pairs, '|') != NULL;
	g_autoptr(GPtrArray) learned = g_ptr_array_new();
	g_autoptr(GPtrArray) changed = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) out = g_string_new("new:");

	for (guint i = 0; v[i] != NULL; i++) {
		char *eq = strchr(v[i], '='), *bar = strchr(eq, '|');

		g_ptr_array_add(keys, g_strndup(v[i], eq - v[i]));
		g_ptr_array_add(queries, bar ? g_strndup(eq + 1, bar - eq - 1) : g_strdup(eq + 1));
		g_ptr_array_add(written, g_strdup(bar ? bar + 1 : eq + 1));
	}
	g_assert_true(fw_store_begin(s, &err));
	g_assert_true(fw_store_topics_learn(s, (char *const *)keys->pdata,
	                                    (char *const *)queries->pdata,
	                                    any_written ? (char *const *)written->pdata : NULL,
	                                    keys->len, learned, changed, &err));
	g_assert_no_error(err);
	if (commit)
		g_assert_true(fw_store_commit(s, &err));
	else
		fw_store_rollback(s);
	g_assert_no_error(err);
	for (guint i = 0; i < learned->len; i++)
		g_string_append_printf(out, " %s", (char *)learned->pdata[i]);
	g_string_append(out, "; changed:");
	for (guint i = 0; i < changed->len; i++)
		g_string_append_printf(out, " %s", (char *)changed->pdata[i]);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* A topic is learned once, with its query, when its transaction commits; a
 * changed query is told once; a database from before schema 12 knows the
 * topics that have hits, and takes their queries as they come. */
static void test_topics_learn(struct fixture *f, gconstpointer data)
{
	gboolean pg = fw_store_is_pg(f->path);
	g_autoptr(GError) err = NULL;
	gint64 item = put_item(f->s, feed_id(f->s, "a"), "i1", "Milei", NULL, 100);
	static const struct {
		const char *pairs;
		gboolean commit;
		const char *want;
	} rows[] = {
		{ "milei=Milei mercosur=Mercosur", TRUE, "new: milei mercosur; changed:" },
		{ "mercosur=Mercosur milei=Milei", TRUE, "new:; changed:" },
		{ "milei=Milei swaps=swap*", FALSE, "new: swaps; changed:" },   /* rolled back: */
		{ "swaps=swap* Swaps=swap*", TRUE, "new: swaps Swaps; changed:" },   /* still new */
		{ "milei=Milei+OR+Caputo swaps=swap*", TRUE, "new:; changed: milei" },
		{ "milei=Milei+OR+Caputo", TRUE, "new:; changed:" },
		{ "milei=Milei", FALSE, "new:; changed: milei" },   /* rolled back: */
		{ "milei=Milei", TRUE, "new:; changed: milei" },    /* told again */
		/* kept as written (a feedwatch from before canonical forms): the
		 * canonical form of the same query is taken silently, once */
		{ "milei=C(milei)|Milei", TRUE, "new:; changed:" },
		{ "milei=C(milei)|Milei", TRUE, "new:; changed:" },
		{ "milei=C(milei)|MILEI", TRUE, "new:; changed:" },   /* the same as the matcher sees it */
		{ "milei=C(milei+caputo)|Milei+Caputo", TRUE, "new:; changed: milei" },
		{ "lula=C(lula)|Lula", TRUE, "new: lula; changed:" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *got = learned_str(f->s, rows[i].pairs, rows[i].commit);

		g_test_message("row %zu: %s", i, rows[i].pairs);
		g_assert_cmpstr(got, ==, rows[i].want);
	}
	/* the migration: topics with hits are known (their queries taken as
	 * they come, silently), the rest new */
	add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_INITIAL, 0, 100, "s");
	fw_store_free(f->s);
	f->s = NULL;
	sql_exec(f->path, pg ? "DROP TABLE topics; UPDATE schema_version SET version = version - 1"
	                     : "DROP TABLE topics; PRAGMA user_version = 11");
	f->s = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	{
		g_autofree char *got = learned_str(f->s, "milei=Milei+OR+Lula mercosur=Mercosur", TRUE);
		g_autofree char *again = learned_str(f->s, "milei=Milei mercosur=Mercosur", TRUE);

		g_assert_cmpstr(got, ==, "new: mercosur; changed:");
		g_assert_cmpstr(again, ==, "new:; changed: milei");
	}
}

/* Topics learned in batches (PostgreSQL reads 2000 a round trip): 4500,
 * with keys and queries that an array literal must escape. */
static void test_topics_learn_many(struct fixture *f, gconstpointer data)
{
	static const char *const odd[] = { "q\"x=say\"hi\"", "back\\slash=a\\b",
	                                   "{brace},comma={x},y", "NULL=NULL", "ñandú=Ñandú" };
	g_autoptr(GString) pairs = g_string_new(NULL), keys = g_string_new("new:");
	g_autoptr(GString) edited = NULL;
	g_autofree char *first = NULL, *again = NULL, *changed = NULL, *mixed = NULL;

	for (guint i = 0; i < 4500; i++) {
		g_string_append_printf(pairs, "%st%04u=w%04u", i ? " " : "", i, i);
		g_string_append_printf(keys, " t%04u", i);
	}
	for (guint i = 0; i < G_N_ELEMENTS(odd); i++) {
		g_string_append_printf(pairs, " %s", odd[i]);
		g_string_append_printf(keys, " %.*s", (int)(strchr(odd[i], '=') - odd[i]), odd[i]);
	}
	g_string_append(keys, "; changed:");
	first = learned_str(f->s, pairs->str, TRUE);
	g_assert_cmpstr(first, ==, keys->str);
	again = learned_str(f->s, pairs->str, TRUE);
	g_assert_cmpstr(again, ==, "new:; changed:");
	/* one query changed in the first batch, one in the third, and an odd one */
	edited = g_string_new(pairs->str);
	g_string_replace(edited, "t0001=w0001", "t0001=w0001b", 1);
	g_string_replace(edited, "t4400=w4400", "t4400=w4400b", 1);
	g_string_replace(edited, "back\\slash=a\\b", "back\\slash=a\\c", 1);
	changed = learned_str(f->s, edited->str, TRUE);
	g_assert_cmpstr(changed, ==, "new:; changed: t0001 t4400 back\\slash");
	/* new ones among known ones (PostgreSQL inserts them in one round
	 * trip): in the config's order, beside a change */
	g_string_prepend(edited, "aaa=first ");
	g_string_replace(edited, " t2000=w2000 ", " t2000=w2000 mid=middle ", 1);
	g_string_replace(edited, "t3000=w3000", "t3000=w3000c", 1);
	g_string_append(edited, " zzz=last");
	mixed = learned_str(f->s, edited->str, TRUE);
	g_assert_cmpstr(mixed, ==, "new: aaa mid zzz; changed: t3000");
	g_free(mixed);
	mixed = learned_str(f->s, edited->str, TRUE);
	g_assert_cmpstr(mixed, ==, "new:; changed:");
}

/* A desk's claims, hit after hit of one topic at one link (PostgreSQL):
 * (feed, id, title) -> whether the desk shows it. As fw_outbox_admit
 * decides for a lone daemon: a copy in another feed is the story shown
 * already; an item of the same feed with its own title is news (one with
 * its title too is the stored item, test_item_twins). */
static const struct {
	const char *feed, *id, *title;
	gboolean shown;
} desk_story_rows[] = {
	{ "a", "a1", "Milei one", TRUE },
	{ "a", "a2", "Milei two", TRUE },    /* same feed and link, its own title */
	{ "b", "b1", "Milei one", FALSE },   /* another feed's copy */
	{ "b", "b2", "Milei three", FALSE }, /* another feed, the link shown already */
};

static void test_desk_stories(struct fixture *f, gconstpointer data)
{
	char *topics[] = { "milei", NULL };
	g_autoptr(GError) err = NULL;

	if (!fw_store_is_pg(f->path)) {
		g_test_skip("desks are PostgreSQL's; a lone daemon's rule is test_outbox's admit rows");
		return;
	}
	fw_store_set_subscriber(f->s, "ana");
	g_assert_true(fw_store_subscribe(f->s, topics, "milei", 100, NULL, &err));
	g_assert_no_error(err);
	for (gsize i = 0; i < G_N_ELEMENTS(desk_story_rows); i++) {
		g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
		g_autofree char *url = g_strdup_printf("https://%s.example/feed", desk_story_rows[i].feed);
		struct fw_feed_state st;
		gint64 item, hit;
		gboolean claimed = FALSE;

		g_test_message("desk row %zu", i);
		g_assert_true(fw_store_feed_get(f->s, desk_story_rows[i].feed, url, &st, &err));
		g_assert_no_error(err);
		item = put_item(f->s, st.id, desk_story_rows[i].id, desk_story_rows[i].title,
		                "https://news.example/story", 200);
		fw_store_feed_state_clear(&st);
		hit = add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_PENDING, FW_CHANNEL_DESKTOP, 200, "s");
		g_assert_true(fw_store_outbox_due(f->s, 300, 100, due, &err));
		g_assert_no_error(err);
		for (guint k = 0; k < due->len; k++) {
			struct fw_outbox_row *r = due->pdata[k];

			claimed |= r->hit_id == hit;
			g_assert_true(fw_store_outbox_done(f->s, r->id, TRUE, NULL, 300, &err));
			g_assert_no_error(err);
		}
		g_assert_cmpint(claimed, ==, desk_story_rows[i].shown);
	}
}

/* ---- mutes and the data version ------------------------------------------ */

/* The mutes that last past now, as "topic:until ..." sorted. */
static char *mutes_str(struct fw_store *s, gint64 now)
{
	g_autoptr(GHashTable) m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GList) keys = NULL;

	g_assert_true(fw_store_mutes(s, now, m, &err));
	g_assert_no_error(err);
	keys = g_list_sort(g_hash_table_get_keys(m), (GCompareFunc)strcmp);
	for (GList *k = keys; k; k = k->next)
		g_string_append_printf(out, "%s%s:%" G_GINT64_FORMAT, out->len ? " " : "",
		                       (char *)k->data, *(gint64 *)g_hash_table_lookup(m, k->data));
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void test_mutes(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	char *got;

	g_assert_true(fw_store_mute_set(f->s, "milei", 1000, 100, &err));
	g_assert_true(fw_store_mute_set(f->s, "mercosur", 500, 100, &err));
	g_assert_no_error(err);
	got = mutes_str(f->s, 100);
	g_assert_cmpstr(got, ==, "mercosur:500 milei:1000");
	g_free(got);
	/* a mute that ended is not returned, and the next write forgets it */
	got = mutes_str(f->s, 600);
	g_assert_cmpstr(got, ==, "milei:1000");
	g_free(got);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM mutes"), ==, 2);
	g_assert_true(fw_store_mute_set(f->s, "milei", 2000, 600, &err));   /* longer */
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM mutes"), ==, 1);
	got = mutes_str(f->s, 600);
	g_assert_cmpstr(got, ==, "milei:2000");
	g_free(got);
	/* until <= now: unmuted; inside a transaction it waits for its commit */
	g_assert_true(fw_store_begin(f->s, &err));
	g_assert_true(fw_store_mute_set(f->s, "milei", 0, 600, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM mutes"), ==, 1);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM mutes"), ==, 0);
	got = mutes_str(f->s, 0);
	g_assert_cmpstr(got, ==, "");
	g_free(got);
}

static void test_data_version(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 v0 = -1, v1 = -1, v2 = -1;

	g_assert_true(fw_store_browse_version(f->s, &v0, &err));
	g_assert_no_error(err);
	/* its own writes do not change it */
	g_assert_true(fw_store_mute_set(f->s, "milei", 1000, 100, &err));
	g_assert_true(fw_store_browse_version(f->s, &v1, &err));
	g_assert_cmpint(v1, ==, v0);
	/* another connection's commit does */
	sql_exec(f->path, "DELETE FROM mutes");
	g_assert_true(fw_store_browse_version(f->s, &v2, &err));
	g_assert_no_error(err);
	g_assert_cmpint(v2, !=, v1);
}

/* The signature moves with what the browser shows only. */
static void test_browse_signature(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");
	gint64 item = put_item(f->s, feed, "i1", "One", NULL, 100);
	gint64 item2 = put_item(f->s, feed, "i2", "Two", NULL, 100);
	gint64 h1, h2;
	char *sigs[7];

	sigs[0] = fw_store_browse_signature(f->s, NULL);
	h1 = add_hit(f->s, item, "t", FW_HIT_NOTIFIED_INITIAL, 0, 100, "s");
	h2 = add_hit(f->s, item2, "t", FW_HIT_NOTIFIED_INITIAL, 0, 100, "s");
	sigs[1] = fw_store_browse_signature(f->s, NULL);
	g_assert_true(fw_store_hit_set_read(f->s, h1, TRUE, NULL));
	sigs[2] = fw_store_browse_signature(f->s, NULL);
	/* one read, another unread: not the same */
	g_assert_true(fw_store_hit_set_read(f->s, h1, FALSE, NULL));
	g_assert_true(fw_store_hit_set_read(f->s, h2, TRUE, NULL));
	sigs[3] = fw_store_browse_signature(f->s, NULL);
	g_assert_true(fw_store_mute_set(f->s, "t", 5000, 100, NULL));
	sigs[4] = fw_store_browse_signature(f->s, NULL);
	/* a poll of a feed that brings nothing new */
	put_item(f->s, feed, "i3", "Three", NULL, 200);
	sigs[5] = fw_store_browse_signature(f->s, NULL);
	g_assert_cmpstr(sigs[5], ==, sigs[4]);
	sql_exec(f->path, "DELETE FROM hits WHERE id = 1");
	sigs[6] = fw_store_browse_signature(f->s, NULL);
	for (int i = 0; i < 7; i++) {
		g_assert_nonnull(sigs[i]);
		for (int k = 0; k < i; k++)
			if (!(i == 5 && k == 4))
				g_assert_cmpstr(sigs[i], !=, sigs[k]);
	}
	for (int i = 0; i < 7; i++)
		g_free(sigs[i]);
}

/* ---- identity and newness ---------------------------------------------- */

/* Polls of feeds, one transaction per poll number: each row puts one item
 * and expects its state; rows with the same label must be the same stored
 * item, different labels different items. */
static const struct {
	int poll;
	const char *feed, *id, *title, *link, *hash;
	enum fw_item_state want;
	const char *label;
} identity_rows[] = {
	/* a guid that changes on every fetch: same link and title, same item */
	{ 1, "a", "g-1", "Story A", "https://ex.com/a", "ha", FW_ITEM_NEW, "A" },
	{ 2, "a", "g-2", "Story A", "https://ex.com/a", "ha", FW_ITEM_SEEN, "A" },
	{ 3, "a", "g-3", "Story A", "https://ex.com/a", "ha2", FW_ITEM_CHANGED, "A" },
	{ 4, "a", "g-4", "Story A", "https://ex.com/a", "ha2", FW_ITEM_SEEN, "A" },
	/* ... but another title or another link is another item */
	{ 4, "a", "g-5", "Story A, part 2", "https://ex.com/a", "ha3", FW_ITEM_NEW, "A2" },
	{ 4, "a", "g-6", "Story A", "https://ex.com/a#more", "ha", FW_ITEM_NEW, "A3" },
	/* ... and without a link only the id counts */
	{ 4, "a", "nolink-1", "Story N", NULL, "hn", FW_ITEM_NEW, "N1" },
	{ 5, "a", "nolink-2", "Story N", NULL, "hn", FW_ITEM_NEW, "N2" },
	/* ... the same link and title in another feed is another item */
	{ 5, "b", "g-7", "Story A", "https://ex.com/a", "ha", FW_ITEM_NEW, "B-A" },

	/* a guid twice in one feed: the first wins, the second is ignored */
	{ 6, "a", "dup", "First copy", "https://ex.com/d1", "hd1", FW_ITEM_NEW, "D" },
	{ 6, "a", "dup", "Second copy", "https://ex.com/d2", "hd2", FW_ITEM_SEEN, "D" },
	{ 7, "a", "dup", "First copy", "https://ex.com/d1", "hd1", FW_ITEM_SEEN, "D" },
	{ 7, "a", "dup", "Second copy", "https://ex.com/d2", "hd2", FW_ITEM_SEEN, "D" },
	/* the same item twice, identical: still one */
	{ 8, "a", "twice", "Twice", "https://ex.com/t", "ht", FW_ITEM_NEW, "T" },
	{ 8, "a", "twice", "Twice", "https://ex.com/t", "ht", FW_ITEM_SEEN, "T" },

	/* two items with the same link and title but their own stable guids:
	 * two items, in the poll they first appear and after */
	{ 9, "a", "same-1", "Open thread", "https://ex.com/open", "ho1", FW_ITEM_NEW, "O1" },
	{ 9, "a", "same-2", "Open thread", "https://ex.com/open", "ho2", FW_ITEM_NEW, "O2" },
	{ 10, "a", "same-1", "Open thread", "https://ex.com/open", "ho1", FW_ITEM_SEEN, "O1" },
	{ 10, "a", "same-2", "Open thread", "https://ex.com/open", "ho2", FW_ITEM_SEEN, "O2" },
	/* ... and when both their guids change, each still finds one of them */
	{ 11, "a", "same-3", "Open thread", "https://ex.com/open", "ho1", FW_ITEM_SEEN, "O1" },
	{ 11, "a", "same-4", "Open thread", "https://ex.com/open", "ho2", FW_ITEM_SEEN, "O2" },

	/* an item that leaves the feed and comes back is not new */
	{ 12, "c", "x", "X", "https://ex.com/x", "hx", FW_ITEM_NEW, "X" },
	{ 12, "c", "y", "Y", "https://ex.com/y", "hy", FW_ITEM_NEW, "Y" },
	{ 13, "c", "y", "Y", "https://ex.com/y", "hy", FW_ITEM_SEEN, "Y" },
	{ 14, "c", "y", "Y", "https://ex.com/y", "hy", FW_ITEM_SEEN, "Y" },
	{ 15, "c", "x", "X", "https://ex.com/x", "hx", FW_ITEM_SEEN, "X" },
	{ 15, "c", "y", "Y", "https://ex.com/y", "hy", FW_ITEM_SEEN, "Y" },
	/* ... even edited meanwhile: changed, not new */
	{ 16, "c", "x", "X (updated)", "https://ex.com/x", "hx2", FW_ITEM_CHANGED, "X" },

	/* a feed that reorders its items: nothing new */
	{ 17, "d", "p", "P", "https://ex.com/p", "hp", FW_ITEM_NEW, "P" },
	{ 17, "d", "q", "Q", "https://ex.com/q", "hq", FW_ITEM_NEW, "Q" },
	{ 17, "d", "r", "R", "https://ex.com/r", "hr", FW_ITEM_NEW, "R" },
	{ 18, "d", "r", "R", "https://ex.com/r", "hr", FW_ITEM_SEEN, "R" },
	{ 18, "d", "p", "P", "https://ex.com/p", "hp", FW_ITEM_SEEN, "P" },
	{ 18, "d", "q", "Q", "https://ex.com/q", "hq", FW_ITEM_SEEN, "Q" },
	{ 19, "d", "q", "Q", "https://ex.com/q", "hq", FW_ITEM_SEEN, "Q" },
	{ 19, "d", "r", "R", "https://ex.com/r", "hr", FW_ITEM_SEEN, "R" },
	{ 19, "d", "p", "P", "https://ex.com/p", "hp", FW_ITEM_SEEN, "P" },
	/* ... nor when the reordered feed also has guids that change */
	{ 20, "a", "g-8", "Story A", "https://ex.com/a", "ha2", FW_ITEM_SEEN, "A" },
	{ 20, "a", "g-9", "Story A, part 2", "https://ex.com/a", "ha3", FW_ITEM_SEEN, "A2" },
	/* no guid at all (the id is the link): the link is the identity */
	{ 21, "e", "https://ex.com/l", "L", "https://ex.com/l", "hl", FW_ITEM_NEW, "L" },
	{ 22, "e", "https://ex.com/l", "L (fixed typo)", "https://ex.com/l", "hl2",
	  FW_ITEM_CHANGED, "L" },

	/* A new feed's first poll, which finds its items in memory (nothing is
	 * stored to look up): the same rules. A guid twice, the first wins... */
	{ 23, "f", "f-dup", "First", "https://ex.com/f1", "hf1", FW_ITEM_NEW, "F1" },
	{ 23, "f", "f-dup", "Second", "https://ex.com/f2", "hf2", FW_ITEM_SEEN, "F1" },
	/* ... the same link and title under two guids are two items ... */
	{ 23, "f", "f-open-1", "Open", "https://ex.com/fo", "hfo1", FW_ITEM_NEW, "FO1" },
	{ 23, "f", "f-open-2", "Open", "https://ex.com/fo", "hfo2", FW_ITEM_NEW, "FO2" },
	{ 23, "f", "f-open-1", "Open", "https://ex.com/fo", "hfo1", FW_ITEM_SEEN, "FO1" },
	/* ... an older feed in the same transaction looks its items up */
	{ 23, "a", "g-10", "Story A", "https://ex.com/a", "ha2", FW_ITEM_SEEN, "A" },
	{ 23, "f", "f-late", "Late", "https://ex.com/fl", "hfl", FW_ITEM_NEW, "FL" },
	/* ... and its second poll finds them stored */
	{ 24, "f", "f-dup", "First", "https://ex.com/f1", "hf1", FW_ITEM_SEEN, "F1" },
	{ 24, "f", "f-open-3", "Open", "https://ex.com/fo", "hfo1", FW_ITEM_SEEN, "FO1" },
	{ 24, "f", "f-late", "Late", "https://ex.com/fl", "hfl", FW_ITEM_SEEN, "FL" },
	{ 24, "f", "f-new", "New", "https://ex.com/fn", "hfn", FW_ITEM_NEW, "FN" },
};

/* What each item stored in identity_rows holds at the end. */
static const struct {
	const char *label, *item_key, *title;
} identity_stored[] = {
	{ "A", "g-1", "Story A" },              /* keeps its first id */
	{ "D", "dup", "First copy" },           /* the duplicate changed nothing */
	{ "O1", "same-1", "Open thread" },
	{ "X", "x", "X (updated)" },
	{ "L", "https://ex.com/l", "L (fixed typo)" },
	{ "F1", "f-dup", "First" },
	{ "FO2", "f-open-2", "Open" },
};

/* A text from a one-row query, read with a separate connection; caller frees. */
static char *sql_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (fw_store_is_pg(path))
		return pg_query(path, sql);
	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = g_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Asserts that PRAGMA integrity_check says ok (SQLite's own check: on
 * PostgreSQL the server keeps its files whole). */
static void assert_integrity(const char *path)
{
	g_autofree char *ic = NULL;

	if (fw_store_is_pg(path))
		return;
	ic = sql_text(path, "PRAGMA integrity_check");
	g_assert_cmpstr(ic, ==, "ok");
}

static void test_identity(struct fixture *f, gconstpointer data)
{
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GError) err = NULL;
	int poll = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(identity_rows); i++) {
		struct fw_item it = item_make(identity_rows[i].id, identity_rows[i].title,
		                              identity_rows[i].link);
		enum fw_item_state state = 99;
		gpointer known;
		gint64 rowid = 0;

		if (identity_rows[i].poll != poll) {
			if (poll)
				g_assert_true(fw_store_commit(f->s, &err));
			poll = identity_rows[i].poll;
			g_assert_true(fw_store_begin(f->s, &err));
		}
		g_test_message("identity row %zu (poll %d, %s %s)", i, poll, identity_rows[i].feed,
		               identity_rows[i].id);
		it.categories = g_ptr_array_new();
		g_assert_true(fw_store_item_put(f->s, feed_id(f->s, identity_rows[i].feed), &it,
		                                identity_rows[i].hash, 100000 + poll * 10000,
		                                &rowid, &state, &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		g_assert_cmpint(state, ==, identity_rows[i].want);
		g_assert_cmpint(rowid, >, 0);
		known = g_hash_table_lookup(ids, identity_rows[i].label);
		if (known) {
			g_assert_cmpint(rowid, ==, GPOINTER_TO_SIZE(known));
		} else {
			GHashTableIter iter;
			gpointer other;

			g_hash_table_iter_init(&iter, ids);
			while (g_hash_table_iter_next(&iter, NULL, &other))
				g_assert_cmpint(rowid, !=, GPOINTER_TO_SIZE(other));
			g_hash_table_insert(ids, (gpointer)identity_rows[i].label, GSIZE_TO_POINTER(rowid));
		}
	}
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, g_hash_table_size(ids));
	for (gsize i = 0; i < G_N_ELEMENTS(identity_stored); i++) {
		gint64 rowid = GPOINTER_TO_SIZE(g_hash_table_lookup(ids, identity_stored[i].label));
		g_autofree char *q1 = g_strdup_printf("SELECT item_key FROM items WHERE id = %"
		                                      G_GINT64_FORMAT, rowid);
		g_autofree char *q2 = g_strdup_printf("SELECT title FROM items WHERE id = %"
		                                      G_GINT64_FORMAT, rowid);
		g_autofree char *key = sql_text(f->path, q1), *title = sql_text(f->path, q2);

		g_test_message("stored %s", identity_stored[i].label);
		g_assert_cmpstr(key, ==, identity_stored[i].item_key);
		g_assert_cmpstr(title, ==, identity_stored[i].title);
	}
}

/* Outside a transaction every put stands alone: the same id twice is the
 * same item (no duplicate detection across separate writes). */
static void test_identity_autocommit(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");
	gint64 a = put_item(f->s, feed, "1", "One", "https://ex.com/1", 10);
	struct fw_item it = item_make("1", "One, edited", "https://ex.com/1");
	enum fw_item_state state;
	g_autoptr(GError) err = NULL;
	gint64 rowid = 0;

	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(f->s, feed, &it, "other", 11, &rowid, &state, &err));
	g_ptr_array_unref(it.categories);
	g_assert_cmpint(state, ==, FW_ITEM_CHANGED);
	g_assert_cmpint(rowid, ==, a);
}

/* ---- stories across feeds: "also in" ------------------------------------ */

/* Items (feed, id, link) and the also_in their hit must show. */
static const struct {
	const char *feed, *id, *link, *want_also_in;
} also_rows[] = {
	{ "tac", "1", "https://ex.com/story?utm_source=rss", "MercoPress, zz-untitled" },
	{ "mp", "m1", "HTTPS://EX.com/story/#comments", "TAC, zz-untitled" },
	{ "zz-untitled", "z1", "https://ex.com/story?fbclid=abc", "MercoPress, TAC" },
	/* a second item of the same story in tac: its own feed is not "also" */
	{ "tac", "2", "https://ex.com/story", "MercoPress, zz-untitled" },
	{ "tac", "3", "https://ex.com/other", NULL },
	{ "mp", "m2", NULL, NULL },
	/* a query parameter that matters makes another story */
	{ "mp", "m3", "https://ex.com/story?id=2", NULL },
};

static void test_also_in(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	struct fw_poll_record tac = { .ok = TRUE, .http_status = 200, .title = "TAC" };
	struct fw_poll_record mp = { .ok = TRUE, .http_status = 200, .title = "MercoPress" };
	g_autoptr(GError) err = NULL;
	gint64 hits[G_N_ELEMENTS(also_rows)];

	g_assert_true(fw_store_feed_polled(f->s, feed_id(f->s, "tac"), 1, &tac, &err));
	g_assert_true(fw_store_feed_polled(f->s, feed_id(f->s, "mp"), 1, &mp, &err));
	for (gsize i = 0; i < G_N_ELEMENTS(also_rows); i++) {
		gint64 item = put_item(f->s, feed_id(f->s, also_rows[i].feed), also_rows[i].id,
		                       also_rows[i].id, also_rows[i].link, 10);

		hits[i] = add_hit(f->s, item, "milei", FW_HIT_NOTIFIED_INITIAL, 0, 10 + (gint64)i,
		                  "Milei");
	}
	g_assert_true(fw_store_hits(f->s, &(struct fw_hit_filter){ .oldest_first = TRUE }, out,
	                            &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, G_N_ELEMENTS(also_rows));
	for (gsize i = 0; i < G_N_ELEMENTS(also_rows); i++) {
		struct fw_hit_row *r = out->pdata[i], *one;

		g_test_message("also in row %zu", i);
		g_assert_cmpint(r->id, ==, hits[i]);
		g_assert_cmpstr(r->also_in, ==, also_rows[i].want_also_in);
		one = fw_store_hit_get(f->s, hits[i], &err);
		g_assert_no_error(err);
		g_assert_cmpstr(one->also_in, ==, also_rows[i].want_also_in);
		fw_hit_row_free(one);
	}
}

/* ---- stories ------------------------------------------------------------ */

/* The hits of the story test, in the order they are added: an item that hits
 * two topics, the same story in another feed (its link differs only in
 * tracking and case), an item edited to hit another topic, that story again
 * under a new guid and title in the same feed, an item without a link (a
 * story of its own), and an unrelated one. published: FW_TIME_NONE or Unix s. */
static const struct {
	const char *feed, *id, *title, *link, *topic;
	gint64 published, found;
	int story;   /* index (in this table) of the hit whose id numbers the story */
} grouping_rows[] = {
	{ "tac", "a1", "Milei and Mercosur", "https://x.example/s1", "milei", 100, 1000, 0 },
	{ "tac", "a1", "Milei and Mercosur", "https://x.example/s1", "mercosur", 100, 1000, 0 },
	{ "mp", "b1", "Milei, Mercosur", "https://X.example/s1?utm_source=rss", "milei", 200, 1001, 0 },
	{ "tac", "a2", "Swaps", "https://x.example/s2", "milei", 500, 1002, 3 },
	/* the same item edited: a new title (hash), now it hits china too */
	{ "tac", "a2", "Swaps with China", "https://x.example/s2", "china", 500, 1100, 3 },
	/* republished under a new guid and title: the same story by its link */
	{ "tac", "a2-v2", "Swaps with China (updated)", "https://x.example/s2#top", "mercosur",
	  FW_TIME_NONE, 1200, 3 },
	{ "mp", "c1", "No link", NULL, "milei", FW_TIME_NONE, 1300, 6 },
	{ "mp", "d1", "Other", "https://x.example/other", "milei", 5000, 1400, 7 },
};

/* Puts an item with a published time; returns its row id. */
static gint64 put_dated(struct fw_store *s, gint64 feed, const char *id, const char *title,
                        const char *link, gint64 published, gint64 now)
{
	struct fw_item it = item_make(id, title, link);
	enum fw_item_state state;
	g_autoptr(GError) err = NULL;
	gint64 rowid = 0;

	it.published = published;
	it.categories = g_ptr_array_new();
	fw_store_item_put(s, feed, &it, title, now, &rowid, &state, &err);
	g_assert_no_error(err);
	g_ptr_array_unref(it.categories);
	return rowid;
}

/* Puts grouping_rows' items and hits in s, in order; their hit ids to ids
 * (may be NULL). With path, after each hit no hit of the database may be
 * stale (the query stale counts those that are). */
static void grouping_put(struct fw_store *s, gint64 *ids, const char *path, const char *stale)
{
	for (gsize i = 0; i < G_N_ELEMENTS(grouping_rows); i++) {
		gint64 item = put_dated(s, feed_id(s, grouping_rows[i].feed), grouping_rows[i].id,
		                        grouping_rows[i].title, grouping_rows[i].link,
		                        grouping_rows[i].published, grouping_rows[i].found);
		gint64 id = add_hit(s, item, grouping_rows[i].topic, FW_HIT_NOTIFIED_INITIAL, 0,
		                    grouping_rows[i].found, grouping_rows[i].title);

		if (ids)
			ids[i] = id;
		if (path)
			g_assert_cmpint(sql_int(path, stale), ==, 0);
	}
}

/* Asserts out holds exactly the hits (by grouping_rows index) of want, -1 ended, in order. */
static void assert_hits(GPtrArray *out, const gint64 *ids, const int *want)
{
	guint n = 0;

	for (; want[n] >= 0; n++) {
		g_assert_cmpuint(n, <, out->len);
		g_assert_cmpint(((struct fw_hit_row *)out->pdata[n])->id, ==, ids[want[n]]);
	}
	g_assert_cmpuint(out->len, ==, n);
}

/* Stories: two topics, two feeds, an edit and a republished copy group
 * under the lowest hit id; listing, reading and marking them read. */
static void test_stories(struct fixture *f, gconstpointer data)
{
	gint64 ids[G_N_ELEMENTS(grouping_rows)];
	g_autoptr(GError) err = NULL;
	gint64 changed = -1;
	const char *read_count;

	grouping_put(f->s, ids, NULL, NULL);
	/* Each hit knows its story, and the story lists every hit of it. */
	for (gsize i = 0; i < G_N_ELEMENTS(grouping_rows); i++) {
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		struct fw_hit_row *r = fw_store_hit_get(f->s, ids[i], &err);
		guint n = 0;

		g_test_message("story of row %zu", i);
		g_assert_no_error(err);
		g_assert_cmpint(r->story, ==, ids[grouping_rows[i].story]);
		fw_hit_row_free(r);
		g_assert_true(fw_store_story_hits(f->s, ids[i], out, &err));
		g_assert_no_error(err);
		for (gsize k = 0; k < G_N_ELEMENTS(grouping_rows); k++) {
			if (grouping_rows[k].story != grouping_rows[i].story)
				continue;
			g_assert_cmpuint(n, <, out->len);
			g_assert_cmpint(((struct fw_hit_row *)out->pdata[n])->id, ==, ids[k]);
			g_assert_cmpint(((struct fw_hit_row *)out->pdata[n])->story, ==,
			                ids[grouping_rows[i].story]);
			n++;
		}
		g_assert_cmpuint(out->len, ==, n);
	}
	{
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);

		g_assert_false(fw_store_story_hits(f->s, 999, out, &err));
		g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
		g_clear_error(&err);
		g_assert_cmpuint(out->len, ==, 0);
	}
	/* Listing stories, by the time of their latest hit: story 0 at 200,
	 * story 3 at 1200 (the copy without a date: found), c1 at 1300 (found),
	 * d1 at 1400 (published 5000 is after it was found: found). */
	{
		static char *mercosur[] = { "mercosur", NULL }, *china[] = { "china", NULL };
		static char *mp[] = { "mp", NULL };
		static char *china_mercosur[] = { "china", "mercosur", NULL };
		static char *milei_china[] = { "milei", "china", NULL };
		const struct {
			struct fw_hit_filter filter;
			int want[12];
		} lists[] = {
			{ { .stories = TRUE }, { 7, 6, 3, 4, 5, 0, 1, 2, -1 } },
			{ { .stories = TRUE, .oldest_first = TRUE }, { 0, 1, 2, 3, 4, 5, 6, 7, -1 } },
			{ { .stories = TRUE, .limit = 2 }, { 7, 6, -1 } },
			/* a topic selects stories, each with all its hits */
			{ { .stories = TRUE, .topics = mercosur },
			  { 3, 4, 5, 0, 1, 2, -1 } },
			{ { .stories = TRUE, .topics = china }, { 3, 4, 5, -1 } },
			{ { .stories = TRUE, .feeds = mp, .limit = 3 },
			  { 7, 6, 0, 1, 2, -1 } },
			/* two topics and a limit: the topics' walks merged */
			{ { .stories = TRUE, .topics = china_mercosur, .limit = 5 },
			  { 3, 4, 5, 0, 1, 2, -1 } },
			{ { .stories = TRUE, .topics = china_mercosur, .limit = 1 }, { 3, 4, 5, -1 } },
			{ { .stories = TRUE, .topics = milei_china, .limit = 2 }, { 7, 6, -1 } },
			{ { .stories = TRUE, .topics = milei_china, .limit = 3 }, { 7, 6, 3, 4, 5, -1 } },
			{ { .stories = TRUE, .topics = china_mercosur, .since = 150, .limit = 5 },
			  { 3, 4, 5, -1 } },
			{ { .stories = TRUE, .topics = china_mercosur, .feeds = mp, .limit = 5 }, { -1 } },
			/* time is published (found without one): story 0 is of 100..200 */
			{ { .stories = TRUE, .until = 300 }, { 0, 1, 2, -1 } },
			{ { .stories = TRUE, .since = 300, .until = 1250 }, { 3, 4, 5, -1 } },
			{ { .published = TRUE, .since = 300, .until = 1250 }, { 5, 4, 3, -1 } },
			{ { .published = TRUE, .since = 1000, .until = 1250 }, { 5, -1 } },
			/* found, as before */
			{ { .since = 1000, .until = 1101 }, { 4, 3, 2, 1, 0, -1 } },
		};

		for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
			g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);

			g_test_message("story list %zu", i);
			g_assert_true(fw_store_hits(f->s, &lists[i].filter, out, &err));
			g_assert_no_error(err);
			assert_hits(out, ids, lists[i].want);
		}
	}
	/* Marking a story read marks every topic and feed of it, nothing else
	 * (on PostgreSQL, for this subscriber). */
	read_count = fw_store_is_pg(f->path) ? "SELECT COUNT(*) FROM reads"
	                                     : "SELECT COUNT(*) FROM hits WHERE read = 1";
	g_assert_true(fw_store_story_set_read(f->s, ids[2], TRUE, &changed, &err));
	g_assert_no_error(err);
	g_assert_cmpint(changed, ==, 3);
	g_assert_cmpint(sql_int(f->path, read_count), ==, 3);
	g_assert_true(fw_store_story_set_read(f->s, ids[0], TRUE, &changed, &err));
	g_assert_cmpint(changed, ==, 0);
	{
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		static const int unread[] = { 7, 6, 3, 4, 5, -1 };

		g_assert_true(fw_store_hits(f->s, &(struct fw_hit_filter){ .stories = TRUE, .unread = TRUE },
		                            out, &err));
		assert_hits(out, ids, unread);
	}
	g_assert_true(fw_store_story_set_read(f->s, ids[5], TRUE, &changed, &err));
	g_assert_cmpint(changed, ==, 3);
	g_assert_true(fw_store_story_set_read(f->s, ids[1], FALSE, &changed, &err));
	g_assert_cmpint(changed, ==, 3);
	g_assert_cmpint(sql_int(f->path, read_count), ==, 3);
	g_assert_false(fw_store_story_set_read(f->s, 999, TRUE, &changed, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_NOT_FOUND);
}

/* Hits whose stored story or reader's time is not what their definition
 * says (store.h): the story is the lowest id of the hits of every item with
 * the item's canonical link, else of the item's own hits; the time is
 * published, or found when there is none or a later one. */
#define STALE_HITS \
	"SELECT COUNT(*) FROM hits h JOIN items i ON i.id = h.item_id" \
	" WHERE h.rtime IS NOT MIN(COALESCE(i.published, h.found), h.found)" \
	" OR h.story IS NOT COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs" \
	"   ON hs.item_id = si.id WHERE si.canon_hash = i.canon_hash)," \
	"   (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id))"

/* STALE_HITS in PostgreSQL's words. */
#define PG_HIT_STORY_OLD \
	"COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs" \
	"   ON hs.item_id = si.id WHERE si.canon_link = i.canon_link)," \
	"   (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id))"
#define STALE_HITS_PG \
	"SELECT COUNT(*) FROM hits h JOIN items i ON i.id = h.item_id" \
	" WHERE h.rtime IS DISTINCT FROM LEAST(COALESCE(i.published, h.found), h.found)" \
	" OR h.story IS DISTINCT FROM " PG_HIT_STORY_OLD

/* Rows of topic_counts (SQLite, schema 7) that differ from a count of the
 * hits themselves: 0 when the triggers kept them true. */
#define STALE_COUNTS \
	"SELECT COUNT(*) FROM (SELECT topic, COUNT(*) h, COUNT(DISTINCT story) s," \
	"  COUNT(DISTINCT CASE WHEN read = 0 THEN story END) u, TOTAL(read) r," \
	"  TOTAL(read * id) rs FROM hits GROUP BY topic UNION ALL SELECT '', COUNT(*)," \
	"  COUNT(DISTINCT story), COUNT(DISTINCT CASE WHEN read = 0 THEN story END)," \
	"  TOTAL(read), TOTAL(read * id) FROM hits) c FULL JOIN (SELECT * FROM topic_counts" \
	"  WHERE hits > 0 OR topic = '') t ON t.topic = c.topic WHERE c.h IS NOT t.hits" \
	"  OR c.s IS NOT t.stories OR c.u IS NOT t.unread OR c.r IS NOT t.reads" \
	"  OR c.rs IS NOT t.readsum"

/* Items put in sequence, each unit a transaction (the poll of one document):
 * (id, title, link, twin: another item of its document has its link and
 * title) -> state, and the row of row same_as (-1: a new one). */
static const struct {
	int unit;
	const char *id, *title, *link;
	gboolean twin;
	enum fw_item_state want;
	int same_as;
} twin_rows[] = {
	{ 1, "ep-full", "Geekistry", "https://cast.example/", FALSE, FW_ITEM_NEW, -1 },
	/* the next fetch lists a second episode under the same link and title
	 * first: a twin, not the stored one under a new guid */
	{ 2, "ep-preview", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_NEW, -1 },
	{ 2, "ep-full", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_SEEN, 0 },
	{ 3, "ep-preview", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_SEEN, 1 },
	{ 3, "ep-full", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_SEEN, 0 },
	/* alone in its document, a new guid at a stored link and title is the
	 * stored item (a guid that changes on every fetch) */
	{ 4, "rand-1", "Daily", "https://cast.example/daily", FALSE, FW_ITEM_NEW, -1 },
	{ 5, "rand-2", "Daily", "https://cast.example/daily", FALSE, FW_ITEM_SEEN, 5 },
	/* a feed of guids that change on every fetch lists one story twice:
	 * the pair is stored once, then each finds a stored one of its text */
	{ 6, "rand-3", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_NEW, -1 },
	{ 6, "rand-4", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_NEW, -1 },
	{ 7, "rand-5", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_SEEN, 7 },
	{ 7, "rand-6", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_SEEN, 8 },
	{ 8, "rand-7", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_SEEN, 7 },
	{ 8, "rand-8", "Twice", "https://cast.example/twice", TRUE, FW_ITEM_SEEN, 8 },
	/* a third episode while the first leaves the feed: its own text, so
	 * new, not the first under a new guid */
	{ 9, "ep-third", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_NEW, -1 },
	{ 9, "ep-preview", "Geekistry", "https://cast.example/", TRUE, FW_ITEM_SEEN, 1 },
};

/* A twin is found by its id only (docs/design.md section 3). */
static void test_item_twins(struct fixture *f, gconstpointer data)
{
	gint64 rowids[G_N_ELEMENTS(twin_rows)] = { 0 };
	gint64 feed = feed_id(f->s, "cast");
	int unit = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(twin_rows); i++) {
		struct fw_item it = item_make(twin_rows[i].id, twin_rows[i].title, twin_rows[i].link);
		enum fw_item_state state = 99;
		g_autoptr(GError) err = NULL;

		g_test_message("twin row %zu", i);
		if (twin_rows[i].unit != unit) {
			if (unit)
				g_assert_true(fw_store_commit(f->s, &err));
			g_assert_true(fw_store_begin(f->s, &err));
			unit = twin_rows[i].unit;
		}
		g_assert_no_error(err);
		it.link_twin = twin_rows[i].twin;
		it.categories = g_ptr_array_new();
		/* the content is the id's: each episode is its own */
		g_assert_true(fw_store_item_put(f->s, feed, &it, twin_rows[i].id[0] == 'r' ? "daily"
		                                : twin_rows[i].id, 1000 + 4000 * (gint64)unit,
		                                &rowids[i], &state, &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		g_assert_cmpint(state, ==, twin_rows[i].want);
		if (twin_rows[i].same_as >= 0)
			g_assert_cmpint(rowids[i], ==, rowids[twin_rows[i].same_as]);
		else
			for (gsize k = 0; k < i; k++)
				g_assert_cmpint(rowids[i], !=, rowids[k]);
	}
	{
		g_autoptr(GError) err = NULL;

		g_assert_true(fw_store_commit(f->s, &err));
		g_assert_no_error(err);
	}
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, 6);
}

/* Items of one feed at one link (a press office's landing page), put in
 * sequence at time now: unit 1 a transaction on the feed's first poll
 * (fresh), 2 a later one, 0 none; (feed, id, title, hash, link, whether
 * its document has the link under another title) -> state, the row of row
 * same_as (-1: new), and a NEW row's hit in the story of row story_as's
 * (-1: a story of its own). */
#define LP "https://press.example.org/"
static const struct {
	int unit;
	gint64 now;
	const char *feed, *id, *title, *hash, *link;
	gboolean shared;
	enum fw_item_state want;
	int same_as, story_as;
} link_rows[] = {
	{ 1, 1000, "press", "r1", "One", "h1", LP, TRUE, FW_ITEM_NEW, -1, -1 },
	{ 1, 1000, "press", "r2", "Two", "h2", "https://press.example.org", TRUE, FW_ITEM_NEW, -1, -1 },
	{ 1, 1000, "press", "r3", "Three", "h3", "https://PRESS.example.org/?utm_source=rss", TRUE,
	  FW_ITEM_NEW, -1, -1 },
	/* the same title under another id in the same document: the same story */
	{ 1, 1000, "press", "r3b", "Three", "h3", LP, TRUE, FW_ITEM_NEW, -1, 2 },
	{ 1, 1000, "press", "r1", "One", "h1", LP, TRUE, FW_ITEM_SEEN, 0, -1 },
	{ 0, 5000, "press", "r4", "Four", "h4", LP, TRUE, FW_ITEM_NEW, -1, -1 },
	{ 0, 5000, "press", "r1", "One", "h1", LP, TRUE, FW_ITEM_SEEN, 0, -1 },
	/* republished under a new id: found by link and title */
	{ 0, 5000, "press", "r2x", "Two", "h2", "https://press.example.org", TRUE, FW_ITEM_SEEN, 1,
	  -1 },
	/* edited: each keeps its story */
	{ 0, 5000, "press", "r2", "Two", "h2e", "https://press.example.org", TRUE, FW_ITEM_CHANGED,
	  1, -1 },
	{ 0, 5000, "press", "r1", "One", "h1e", LP, FALSE, FW_ITEM_CHANGED, 0, -1 },
	/* another feed at the link: a landing page is no story's identity */
	{ 0, 5000, "wire", "w1", "Milei at the press office", "w", LP, FALSE, FW_ITEM_NEW, -1, -1 },
	{ 2, 9000, "press", "r6", "Six", "h6", LP, TRUE, FW_ITEM_NEW, -1, -1 },
	{ 2, 9000, "press", "r7", "Six", "h6", LP, TRUE, FW_ITEM_NEW, -1, 11 },
	{ 2, 9000, "press", "r1", "One", "h1e", LP, TRUE, FW_ITEM_SEEN, 0, -1 },
	/* the same link and title again under a new id beside it: its story */
	{ 2, 9000, "press", "r1c", "One", "h1e", LP, TRUE, FW_ITEM_NEW, -1, 0 },
	/* republished under a new id and title, the first gone: the same story */
	{ 0, 1000, "tac", "a1", "Swaps", "a", "https://tac.example/swaps", FALSE, FW_ITEM_NEW, -1,
	  -1 },
	{ 0, 9000, "tac", "a1v2", "Swaps (updated)", "a2", "https://tac.example/swaps", FALSE,
	  FW_ITEM_NEW, -1, 15 },
};

/* The story of the hit of each NEW row of link_rows, as a string. */
static char *link_stories(struct fixture *f, const gint64 *hits)
{
	GString *out = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(link_rows); i++) {
		g_autofree char *q = NULL;

		if (!hits[i])
			continue;
		q = g_strdup_printf("SELECT story FROM hits WHERE id = %" G_GINT64_FORMAT, hits[i]);
		g_string_append_printf(out, "%" G_GINT64_FORMAT " ", sql_int(f->path, q));
	}
	return g_string_free(out, FALSE);
}

/* Items of one document that share a link but not a title are stories of
 * their own, on the feed's first poll and after; the same title is the same
 * story; an edit keeps an item's story; an item republished under a new id
 * and title is the same story. A database of the schema before (every such
 * item on the link's key: SQLite 10, PostgreSQL 4) migrates to the same
 * stories. */
static void test_story_link(struct fixture *f, gconstpointer data)
{
	gint64 rowids[G_N_ELEMENTS(link_rows)] = { 0 }, hits[G_N_ELEMENTS(link_rows)] = { 0 };
	g_autofree char *before = NULL, *after = NULL, *undo = NULL;
	g_autoptr(GError) err = NULL;
	gint64 press = feed_id(f->s, "press");
	gboolean pg = fw_store_is_pg(f->path);
	int unit = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(link_rows); i++) {
		struct fw_item it = item_make(link_rows[i].id, link_rows[i].title, link_rows[i].link);
		enum fw_item_state state = 99;

		it.link_shared = link_rows[i].shared;

		g_test_message("link row %zu", i);
		if (link_rows[i].unit != unit && unit)
			g_assert_true(fw_store_commit(f->s, &err));
		if (link_rows[i].unit != unit && link_rows[i].unit)
			g_assert_true(fw_store_begin(f->s, &err));
		g_assert_no_error(err);
		unit = link_rows[i].unit;
		it.categories = g_ptr_array_new();
		g_assert_true(fw_store_item_put(f->s, feed_id(f->s, link_rows[i].feed), &it,
		                                link_rows[i].hash, link_rows[i].now, &rowids[i], &state,
		                                &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		g_assert_cmpint(state, ==, link_rows[i].want);
		if (link_rows[i].same_as >= 0)
			g_assert_cmpint(rowids[i], ==, rowids[link_rows[i].same_as]);
		if (state == FW_ITEM_NEW)
			hits[i] = add_hit(f->s, rowids[i], "milei", FW_HIT_NOTIFIED_NONE, 0,
			                  link_rows[i].now + (gint64)i, link_rows[i].title);
	}
	if (unit)
		g_assert_true(fw_store_commit(f->s, &err));
	g_assert_no_error(err);
	for (gsize i = 0; i < G_N_ELEMENTS(link_rows); i++) {
		g_autofree char *q = NULL;
		gint64 story;

		if (!hits[i])
			continue;
		q = g_strdup_printf("SELECT story FROM hits WHERE id = %" G_GINT64_FORMAT, hits[i]);
		story = sql_int(f->path, q);
		g_test_message("link row %zu: hit %" G_GINT64_FORMAT ", story %" G_GINT64_FORMAT, i,
		               hits[i], story);
		for (gsize k = 0; k < i; k++) {
			if (!hits[k])
				continue;
			g_free(q);
			q = g_strdup_printf("SELECT story FROM hits WHERE id = %" G_GINT64_FORMAT, hits[k]);
			if ((int)k == link_rows[i].story_as)
				g_assert_cmpint(story, ==, sql_int(f->path, q));
			else if (link_rows[i].story_as < 0 || link_rows[link_rows[i].story_as].story_as < 0)
				g_assert_cmpint(story, !=, sql_int(f->path, q));
		}
	}
	/* `hits`: a row a story, 7 of them */
	{
		struct fw_hit_filter filter = { .stories = TRUE };
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		g_autoptr(GHashTable) stories = g_hash_table_new(g_int64_hash, g_int64_equal);

		g_assert_true(fw_store_hits(f->s, &filter, out, &err));
		g_assert_no_error(err);
		for (guint i = 0; i < out->len; i++)
			g_hash_table_add(stories, &((struct fw_hit_row *)out->pdata[i])->story);
		g_assert_cmpuint(g_hash_table_size(stories), ==, 7);
	}

	/* the schema before: every item at the link on its key */
	before = link_stories(f, hits);
	fw_store_free(f->s);
	f->s = NULL;
	/* (back to 10 for SQLite, 4 for PostgreSQL: the later one made topics) */
	undo = pg ? g_strdup_printf("UPDATE items SET canon_link = 'https://press.example.org'"
	                            " WHERE feed_id = %" G_GINT64_FORMAT "; DROP TABLE topics;"
	                            " UPDATE schema_version SET version = version - 2", press)
	          : g_strdup_printf("UPDATE items SET canon_hash = %" G_GINT64_FORMAT
	                            " WHERE feed_id = %" G_GINT64_FORMAT "; DROP TABLE topics;"
	                            " PRAGMA user_version = %d",
	                            canon_key("https://press.example.org"), press, 10);
	sql_exec(f->path, undo);
	g_assert_cmpint(sql_int(f->path, "SELECT count(DISTINCT story) FROM hits"), ==, 2);
	f->s = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	after = link_stories(f, hits);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpint(sql_int(f->path, pg ? STALE_HITS_PG : STALE_HITS), ==, 0);
	if (!pg)
		g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
}

/* The story and time kept in each hit (schema 5; PostgreSQL's migration
 * after the subscribers') stay true through what changes them: new hits, an
 * item republished with another date, an item whose link moves it into
 * another story, the lowest hit of a story pruned. */
static void test_story_kept(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	const char *STALE_HITS_OF = run->pg ? STALE_HITS_PG : STALE_HITS;
	gint64 ids[G_N_ELEMENTS(grouping_rows)], changed = 0;
	g_autoptr(GError) err = NULL;
	struct fw_hit_row *r;

	grouping_put(f->s, ids, f->path, STALE_HITS_OF);
	g_assert_cmpint(sql_int(f->path, "SELECT COUNT(*) FROM hits WHERE story IS NULL"
	                        " OR rtime IS NULL"), ==, 0);
	/* d1 edited: published earlier than found now, so its time follows */
	put_dated(f->s, feed_id(f->s, "mp"), "d1", "Other, edited", "https://x.example/other", 900,
	          1500);
	g_assert_cmpint(sql_int(f->path, STALE_HITS_OF), ==, 0);
	r = fw_store_hit_get(f->s, ids[7], &err);
	g_assert_no_error(err);
	g_assert_cmpint(r->published, ==, 900);
	fw_hit_row_free(r);
	g_assert_cmpint(sql_int(f->path, "SELECT rtime FROM hits WHERE id = 8"), ==, 900);
	/* found aged by hand (as a test may): the time follows */
	sql_exec(f->path, "UPDATE hits SET found = found - 40 * 86400");
	g_assert_cmpint(sql_int(f->path, STALE_HITS_OF), ==, 0);
	sql_exec(f->path, "UPDATE hits SET found = found + 40 * 86400");
	/* some read, one unread again: the counts follow (SQLite) */
	g_assert_true(fw_store_hit_set_read(f->s, ids[0], TRUE, &err));
	g_assert_true(fw_store_hit_set_read(f->s, ids[7], TRUE, &err));
	g_assert_true(fw_store_hit_set_read(f->s, ids[2], TRUE, &err));
	g_assert_true(fw_store_hit_set_read(f->s, ids[2], FALSE, &err));
	g_assert_no_error(err);
	if (!run->pg)
		g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	/* d1's link now the first story's: it joins it */
	put_dated(f->s, feed_id(f->s, "mp"), "d1", "Other, moved", "https://x.example/s1", 900, 1600);
	g_assert_cmpint(sql_int(f->path, STALE_HITS_OF), ==, 0);
	if (!run->pg)
		g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	r = fw_store_hit_get(f->s, ids[7], &err);
	g_assert_cmpint(r->story, ==, ids[0]);
	fw_hit_row_free(r);
	/* the first story's lowest hits (found 1000) pruned: b1's hit numbers it */
	g_assert_true(fw_store_prune_hits(f->s, 1001, &changed, &err));
	g_assert_no_error(err);
	g_assert_cmpint(changed, ==, 2);
	g_assert_cmpint(sql_int(f->path, STALE_HITS_OF), ==, 0);
	if (!run->pg)
		g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	r = fw_store_hit_get(f->s, ids[7], &err);
	g_assert_cmpint(r->story, ==, ids[2]);
	fw_hit_row_free(r);
	{
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);

		g_assert_true(fw_store_story_hits(f->s, ids[7], out, &err));
		g_assert_cmpuint(out->len, ==, 2);   /* b1 and d1 */
		g_assert_cmpint(((struct fw_hit_row *)out->pdata[0])->id, ==, ids[2]);
	}
}

/* Two pollers store hits of one story (the same link in two feeds) in
 * transactions open at the same time, each blind to the other's hit: at
 * commit the story is settled whichever commits first (PostgreSQL's
 * deferred trigger; SQLite has one writer at a time and runs them in turn). */
static const struct {
	const char *name;
	gboolean lower_first;   /* the transaction with the lower hit id commits first */
} race_rows[] = {
	{ "the lower hit commits first", TRUE },
	{ "the higher hit commits first", FALSE },
};

static void test_story_race(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autoptr(GError) err = NULL;
	struct fw_store *b;

	if (!run->pg)
		return;   /* one writer: nothing races */
	b = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	for (gsize i = 0; i < G_N_ELEMENTS(race_rows); i++) {
		g_autofree char *link = g_strdup_printf("https://race.example/%zu", i);
		g_autofree char *ka = g_strdup_printf("ra%zu", i), *kb = g_strdup_printf("rb%zu", i);
		gint64 ia = put_dated(f->s, feed_id(f->s, "tac"), ka, "Race", link, 100, 1000);
		gint64 ib = put_dated(b, feed_id(b, "mp"), kb, "Race", link, 100, 1000);
		gint64 ha, hb;
		g_autofree char *q = NULL;

		g_test_message("%s", race_rows[i].name);
		g_assert_true(fw_store_begin(f->s, &err));
		g_assert_true(fw_store_begin(b, &err));
		ha = add_hit(f->s, ia, "milei", FW_HIT_NOTIFIED_INITIAL, 0, 1000, "a");
		hb = add_hit(b, ib, "milei", FW_HIT_NOTIFIED_INITIAL, 0, 1000, "b");
		g_assert_cmpint(ha, <, hb);
		g_assert_true(fw_store_commit(race_rows[i].lower_first ? f->s : b, &err));
		g_assert_true(fw_store_commit(race_rows[i].lower_first ? b : f->s, &err));
		g_assert_no_error(err);
		q = g_strdup_printf("SELECT COUNT(*) FROM hits WHERE id IN (%" G_GINT64_FORMAT ", %"
		                    G_GINT64_FORMAT ") AND story = %" G_GINT64_FORMAT, ha, hb, ha);
		g_assert_cmpint(sql_int(f->path, q), ==, 2);
		g_assert_cmpint(sql_int(f->path, STALE_HITS_PG), ==, 0);
	}
	fw_store_free(b);
}

/* A PostgreSQL database made before hits kept their story and time (its
 * schema taken back: PG_UNDO_STORIES) migrates to the same stories and
 * times the queries of that schema computed from the items, and the
 * listings read them. */
static void test_migrate_stories(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	static const char computed[] =
		"SELECT string_agg(h.id || ':' || " PG_HIT_STORY_OLD " || ':' ||"
		" LEAST(COALESCE(i.published, h.found), h.found), ',' ORDER BY h.id)"
		" FROM hits h JOIN items i ON i.id = h.item_id";
	static const char kept[] =
		"SELECT string_agg(id || ':' || story || ':' || rtime, ',' ORDER BY id) FROM hits";
	gint64 ids[G_N_ELEMENTS(grouping_rows)];
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *before = NULL, *after = NULL;
	gint64 version;

	if (!run->pg)
		return;   /* SQLite's migration 5: test_migrate_v4 */
	grouping_put(f->s, ids, NULL, NULL);
	fw_store_free(f->s);
	f->s = NULL;
	version = sql_int(f->path, "SELECT version FROM schema_version");
	sql_exec(f->path, PG_UNDO_STORIES "UPDATE schema_version SET version = 3");
	before = sql_text(f->path, computed);
	f->s = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT version FROM schema_version"), ==, version);
	after = sql_text(f->path, kept);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpint(sql_int(f->path, STALE_HITS_PG), ==, 0);
	/* the table's stories, and the listing by them */
	for (gsize i = 0; i < G_N_ELEMENTS(grouping_rows); i++) {
		struct fw_hit_row *r = fw_store_hit_get(f->s, ids[i], &err);

		g_assert_no_error(err);
		g_assert_cmpint(r->story, ==, ids[grouping_rows[i].story]);
		fw_hit_row_free(r);
	}
	g_assert_true(fw_store_hits(f->s, &(struct fw_hit_filter){ .stories = TRUE, .limit = 2 },
	                            out, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, 2);   /* d1's story (found 1400), then c1's (1300) */
	g_assert_cmpint(((struct fw_hit_row *)out->pdata[0])->story, ==, ids[7]);
	g_assert_cmpint(((struct fw_hit_row *)out->pdata[1])->story, ==, ids[6]);
}

/* ---- query plans ---------------------------------------------------------- */

static struct fw_store *open_spied(const char *path, sqlite3 **db);

/* The statements a store's connection prepares and runs (sqlite3_trace_v2). */
static int trace_stmt(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);

	if (type == SQLITE_TRACE_STMT && sql != NULL && !g_str_has_prefix(sql, "--"))
		g_ptr_array_add(ctx, g_strdup(sql));
	return 0;
}

/* What the review commands ask the store (feedwatch(1)): none of them may
 * read the hits or items table in full (a SCAN without an index) or sort
 * the whole log (a temporary b-tree for the ORDER BY of the outer query). */
static const struct {
	const char *name;
	struct fw_hit_filter filter;
	int story_of;   /* >= 0: fw_store_story_hits of this hit (show) instead */
	gboolean full_walk;   /* the whole log in order (--format json): an index
	                         walk is right, only a sort is wrong */
	gboolean sort_ok;     /* what it reads is few (the hits after an id) */
} plan_rows[] = {
	{ "hits --limit 50", { .stories = TRUE, .limit = 50 }, -1, FALSE, FALSE },
	{ "hits --topic X --limit 50", { .stories = TRUE, .limit = 50,
	                                 .topics = (char *[]){ "milei", NULL } }, -1, FALSE, FALSE },
	{ "hits --topic X --topic Y --limit 50", { .stories = TRUE, .limit = 50,
	                                           .topics = (char *[]){ "milei", "china", NULL } },
	  -1, FALSE, FALSE },
	{ "hits --unread --limit 50", { .stories = TRUE, .limit = 50, .unread = TRUE }, -1, FALSE, FALSE },
	{ "hits --since 30d --limit 50", { .stories = TRUE, .limit = 50, .since = 900 }, -1, FALSE, FALSE },
	{ "stats --days 30", { .published = TRUE, .brief = TRUE, .oldest_first = TRUE,
	                       .since = 900 }, -1, FALSE, FALSE },
	{ "report --since 30d", { .published = TRUE, .brief = TRUE, .since = 900 }, -1, FALSE, FALSE },
	{ "hits --format json", { .published = TRUE }, -1, TRUE, FALSE },
	{ "hits --format json --topic X", { .published = TRUE,
	                                    .topics = (char *[]){ "milei", NULL } }, -1, FALSE, FALSE },
	{ "hits --format json --topic X --topic Y --limit 50",
	  { .published = TRUE, .limit = 50, .topics = (char *[]){ "milei", "china", NULL } },
	  -1, FALSE, FALSE },
	{ "hits --format json --topic X --topic Y", { .published = TRUE,
	                                              .topics = (char *[]){ "milei", "china", NULL } },
	  -1, FALSE, FALSE },
	{ "browse: a topic's next page", { .stories = TRUE, .limit = 200,
	                                   .topics = (char *[]){ "milei", NULL },
	                                   .page_time = G_GINT64_CONSTANT(1) << 40, .page_story = 1 },
	  -1, FALSE, FALSE },
	{ "browse: the next page of all topics", { .stories = TRUE, .limit = 200,
	                                           .page_time = G_GINT64_CONSTANT(1) << 40,
	                                           .page_story = 1 }, -1, FALSE, FALSE },
	{ "hits --follow", { .after_id = 3, .oldest_first = TRUE }, -1, FALSE, TRUE },
	{ "show ID", { 0 }, 3, FALSE, FALSE },
};

static void test_query_plans(struct fixture *f, gconstpointer data)
{
	sqlite3 *db = NULL, *ro = NULL;
	struct fw_store *s;

	fw_store_free(f->s);
	f->s = NULL;
	s = open_spied(f->path, &db);
	grouping_put(s, NULL, NULL, NULL);
	g_assert_cmpint(sqlite3_open_v2(f->path, &ro, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	for (gsize i = 0; i < G_N_ELEMENTS(plan_rows); i++) {
		g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		g_autoptr(GError) err = NULL;
		guint hits_seen = 0;

		g_test_message("plan of %s", plan_rows[i].name);
		sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_stmt, sqls);
		if (plan_rows[i].story_of >= 0)
			g_assert_true(fw_store_story_hits(s, plan_rows[i].story_of, out, &err));
		else
			g_assert_true(fw_store_hits(s, &plan_rows[i].filter, out, &err));
		sqlite3_trace_v2(db, 0, NULL, NULL);
		g_assert_no_error(err);
		g_assert_cmpuint(out->len, >, 0);
		g_assert_cmpuint(sqls->len, >, 0);
		for (guint k = 0; k < sqls->len; k++) {
			g_autofree char *eqp = g_strdup_printf("EXPLAIN QUERY PLAN %s",
			                                       (char *)sqls->pdata[k]);
			sqlite3_stmt *q = NULL;
			/* the hits of the stories chosen (json_each): a sort of those only */
			gboolean chosen = strstr(sqls->pdata[k], "FROM json_each(") != NULL;

			g_assert_cmpint(sqlite3_prepare_v2(ro, eqp, -1, &q, NULL), ==, SQLITE_OK);
			while (sqlite3_step(q) == SQLITE_ROW) {
				int parent = sqlite3_column_int(q, 1);
				const char *d = (const char *)sqlite3_column_text(q, 3);

				g_test_message("  %d %s", parent, d);
				/* every table read is a SEARCH, or a walk in index order */
				if (g_str_has_prefix(d, "SCAN ") && strstr(d, " USING ") == NULL &&
				    strstr(d, "VIRTUAL TABLE") == NULL && strstr(d, "CONSTANT ROW") == NULL &&
				    !g_str_has_prefix(d, "SCAN (subquery"))
					g_error("%s: a full scan: %s\n%s", plan_rows[i].name, d,
					        (char *)sqls->pdata[k]);
				if (g_str_has_prefix(d, "SCAN h USING") && !plan_rows[i].full_walk &&
				    !(plan_rows[i].filter.stories && plan_rows[i].filter.limit))
					g_error("%s: walks every hit: %s", plan_rows[i].name, d);
				if (parent == 0 && !chosen && !plan_rows[i].sort_ok &&
				    strstr(d, "TEMP B-TREE FOR ORDER BY") != NULL)
					g_error("%s: sorts the log: %s\n%s", plan_rows[i].name, d,
					        (char *)sqls->pdata[k]);
				hits_seen += strstr(d, " h ") != NULL || g_str_has_suffix(d, " h");
			}
			sqlite3_finalize(q);
		}
		g_assert_cmpuint(hits_seen, >, 0);
	}
	sqlite3_close(ro);
	fw_store_free(s);
}

/* OpenEphemeral instructions of EXPLAIN sql on db, outside the program of
 * trigger skip (a trigger's program opens with "-- TRIGGER name"). */
static guint temp_tables(sqlite3 *db, const char *sql, const char *skip)
{
	g_autofree char *explain = g_strdup_printf("EXPLAIN %s", sql);
	g_autofree char *program = g_strdup("");
	sqlite3_stmt *q = NULL;
	guint n = 0;

	g_assert_cmpint(sqlite3_prepare_v2(db, explain, -1, &q, NULL), ==, SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(q, 1);
		const char *p4 = (const char *)sqlite3_column_text(q, 5);

		if (!strcmp(op, "Init")) {
			g_free(program);
			program = g_strdup(p4 && g_str_has_prefix(p4, "-- TRIGGER ") ? p4 + 11 : "");
		} else if (!strcmp(op, "OpenEphemeral") && strcmp(program, skip) != 0) {
			g_test_message("a temporary table in %s", *program ? program : "the statement");
			n++;
		}
	}
	sqlite3_finalize(q);
	return n;
}

/* Storing a hit (schema 10): the store's INSERT gives the hit its time and
 * story, and neither it, the CHECKs nor the counting trigger open a
 * temporary table (an IN list of constants or an UPDATE of the rows an
 * index walk finds would); hits inserted by hand, without them or with an
 * older id than the hits of their story, get them from hits_insert_fill,
 * and the counts stay true either way. */
static void test_hit_insert(struct fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) sqls = g_ptr_array_new_with_free_func(g_free);
	sqlite3 *db = NULL, *ro = NULL;
	gint64 ids[G_N_ELEMENTS(grouping_rows)];
	struct fw_store *s;
	guint inserts = 0;

	fw_store_free(f->s);
	f->s = NULL;
	/* a new database: this connection is the one that migrates it */
	for (int k = 0; k < 3; k++) {
		g_autofree char *p = g_strconcat(f->path, (const char *[]){ "", "-wal", "-shm" }[k], NULL);

		g_unlink(p);
	}
	s = open_spied(f->path, &db);
	sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_stmt, sqls);
	grouping_put(s, ids, f->path, STALE_HITS);
	sqlite3_trace_v2(db, 0, NULL, NULL);
	g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	/* the hit's INSERT names its story and time: the filling trigger is idle */
	g_assert_cmpint(sql_int(f->path, "SELECT COUNT(*) FROM hits WHERE story IS NULL"
	                        " OR rtime IS NULL"), ==, 0);
	g_assert_cmpint(sqlite3_open_v2(f->path, &ro, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	for (guint k = 0; k < sqls->len; k++) {
		if (!g_str_has_prefix(sqls->pdata[k], "INSERT INTO hits"))
			continue;
		g_assert_nonnull(strstr(sqls->pdata[k], "story"));
		g_assert_cmpuint(temp_tables(ro, sqls->pdata[k], "hits_insert_fill"), ==, 0);
		inserts++;
	}
	g_assert_cmpuint(inserts, >, 0);
	g_assert_cmpuint(temp_tables(ro, "INSERT INTO outbox (hit_id, channel, next_try)"
	                             " VALUES (1, 1, 1)", ""), ==, 0);
	/* the connection that migrated reads the new CHECKs too, without a reopen */
	g_assert_cmpuint(temp_tables(db, "INSERT INTO hits (item_id, topic, topic_name, found,"
	                             " notified, rtime, story) VALUES (1, 't', 't', 1, 'none', 1, 1)",
	                             "hits_insert_fill"), ==, 0);
	/* the CHECKs compare in place, and still refuse what they did */
	g_assert_cmpint(sql_int(f->path, "SELECT COUNT(*) FROM sqlite_master WHERE name IN"
	                        " ('hits', 'outbox') AND sql LIKE '%CHECK%' AND sql NOT LIKE '% IN (%'"
	                        " AND sql NOT LIKE '% IN    (%'"), ==, 2);
	sqlite3_close(ro);
	g_assert_cmpint(sqlite3_exec(db, "UPDATE hits SET notified = 'lost' WHERE id = 1",
	                             NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
	g_assert_cmpint(sqlite3_extended_errcode(db), ==, SQLITE_CONSTRAINT_CHECK);
	g_assert_cmpint(sqlite3_exec(db, "UPDATE outbox SET state = 'lost'",
	                             NULL, NULL, NULL), ==, SQLITE_OK);   /* no rows */
	fw_store_free(s);
	/* by hand, without story or time (as a test or a script may): filled */
	sql_exec(f->path, "INSERT INTO hits (item_id, topic, topic_name, found, notified)"
	                  " SELECT item_id, 'hand', 'Hand', 2000, 'none' FROM hits WHERE id = 2");
	g_assert_cmpint(sql_int(f->path, STALE_HITS), ==, 0);
	g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	g_assert_cmpint(sql_int(f->path, "SELECT story FROM hits WHERE topic = 'hand'"), ==, ids[0]);
	/* by hand with an id older than its story's hits: it heads the story now,
	 * and the hits that were the story's follow it */
	sql_exec(f->path, "DELETE FROM hits WHERE id = 1");
	g_assert_cmpint(sql_int(f->path, STALE_HITS), ==, 0);
	sql_exec(f->path, "INSERT INTO hits (id, item_id, topic, topic_name, found, notified)"
	                  " SELECT 1, item_id, 'old', 'Old', 900, 'none' FROM hits WHERE id = 2");
	g_assert_cmpint(sql_int(f->path, STALE_HITS), ==, 0);
	g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
	g_assert_cmpint(sql_int(f->path, "SELECT COUNT(*) FROM hits WHERE story = 1"), ==, 4);
}

/* Sends stderr to a new file at path; returns the old stderr for stderr_back. */
static int stderr_to(const char *path)
{
	int saved, fd;

	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	g_assert_cmpint(fd, >=, 0);
	dup2(fd, 2);
	close(fd);
	return saved;
}

static void stderr_back(int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

/* TRUE when an EXPLAIN text has a Sort node (an Incremental Sort of rows
 * already in order by its first key is not one). */
static gboolean plan_sorts(const char *plan)
{
	g_auto(GStrv) lines = g_strsplit(plan, "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		const char *l = lines[i];

		while (*l == ' ')
			l++;
		if (g_str_has_prefix(l, "->  "))
			l += 4;
		if (g_str_has_prefix(l, "Sort  ("))
			return TRUE;
	}
	return FALSE;
}

/* The same on PostgreSQL: the store's connection explains every statement
 * it runs (auto_explain, at WARNING: its notices go to stderr, caught here)
 * with sequential scans and sorts priced out (enable_seqscan, enable_sort
 * off: the tables are tiny, and a plan that has one anyway has no index
 * to do without). None may read a table in full or sort the log. */
static void test_query_plans_pg(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autofree char *conn = NULL, *cap = NULL;
	g_autoptr(GError) err = NULL;
	struct fw_store *s;
	int saved;

	if (!run->pg)
		return;   /* test_query_plans */
	conn = g_strdup_printf("%s options='-csearch_path=%s -cenable_seqscan=off"
	                       " -cenable_sort=off -csession_preload_libraries=auto_explain"
	                       " -cauto_explain.log_min_duration=0 -cauto_explain.log_level=warning'",
	                       pg_server, f->schema);
	cap = g_build_filename(f->tmp, "plans", NULL);
	saved = stderr_to(cap);   /* the plans of opening and filling it */
	s = fw_store_open(conn, &err);
	grouping_put(s, NULL, NULL, NULL);
	stderr_back(saved);
	g_assert_no_error(err);
	for (gsize i = 0; i < G_N_ELEMENTS(plan_rows); i++) {
		g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
		g_autofree char *text = NULL;
		g_auto(GStrv) plans = NULL;
		guint hits_seen = 0;

		g_test_message("plan of %s", plan_rows[i].name);
		saved = stderr_to(cap);
		if (plan_rows[i].story_of >= 0)
			fw_store_story_hits(s, plan_rows[i].story_of, out, &err);
		else
			fw_store_hits(s, &plan_rows[i].filter, out, &err);
		stderr_back(saved);
		g_assert_no_error(err);
		g_assert_cmpuint(out->len, >, 0);
		g_assert_true(g_file_get_contents(cap, &text, NULL, NULL));
		plans = g_strsplit(text, "Query Text:", -1);
		g_assert_cmpuint(g_strv_length(plans), >, 1);
		for (guint k = 1; plans[k]; k++) {
			/* the hits of the stories chosen (unnest): a sort of those only */
			gboolean chosen = strstr(plans[k], "unnest(") != NULL;

			g_test_message("%s", plans[k]);
			if (strstr(plans[k], "Seq Scan on ") != NULL)
				g_error("%s: a full scan:\n%s", plan_rows[i].name, plans[k]);
			if (!chosen && !plan_rows[i].sort_ok && plan_sorts(plans[k]))
				g_error("%s: sorts the log:\n%s", plan_rows[i].name, plans[k]);
			hits_seen += strstr(plans[k], " on hits ") != NULL;
		}
		g_assert_cmpuint(hits_seen, >, 0);
	}
	fw_store_free(s);
}

/* ---- permanent redirects and 410 Gone ----------------------------------- */

/* Polls in sequence (url: the config's url for the feed get before the poll). */
static const struct {
	const char *url;
	gboolean ok;
	long status;
	const char *permanent_url;
	gboolean gone;
	const char *want_moved_to;
	gboolean want_gone;
} moved_rows[] = {
	{ "https://a.example/feed", TRUE, 200, "https://b.example/feed", FALSE, NULL, FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://b.example/feed", FALSE, NULL, FALSE },
	/* the third in a row moves it */
	{ "https://a.example/feed", TRUE, 200, "https://b.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	/* fetched at the new place without a redirect: stays moved */
	{ "https://a.example/feed", TRUE, 304, NULL, FALSE, "https://b.example/feed", FALSE },
	/* two to c, then a poll without one: the count starts again */
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	{ "https://a.example/feed", FALSE, 0, NULL, FALSE, "https://b.example/feed", FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	/* two to d break the count for c */
	{ "https://a.example/feed", TRUE, 200, "https://d.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://b.example/feed", FALSE },
	{ "https://a.example/feed", TRUE, 200, "https://c.example/feed", FALSE,
	  "https://c.example/feed", FALSE },
	/* 410: gone, and stays gone while the config's url is the same */
	{ "https://a.example/feed", FALSE, 410, NULL, TRUE, "https://c.example/feed", TRUE },
	{ "https://a.example/feed", FALSE, 0, NULL, FALSE, "https://c.example/feed", TRUE },
	/* a new url in the config: neither moved nor gone any more */
	{ "https://e.example/feed", FALSE, 0, NULL, FALSE, NULL, FALSE },
	{ "https://e.example/feed", FALSE, 410, NULL, TRUE, NULL, TRUE },
	/* a successful poll (the user asked for it) clears gone */
	{ "https://e.example/feed", TRUE, 200, NULL, FALSE, NULL, FALSE },
	/* moved back to where the config points: not moved */
	{ "https://e.example/feed", TRUE, 200, "https://f.example/feed", FALSE, NULL, FALSE },
	{ "https://e.example/feed", TRUE, 200, "https://f.example/feed", FALSE, NULL, FALSE },
	{ "https://e.example/feed", TRUE, 200, "https://f.example/feed", FALSE,
	  "https://f.example/feed", FALSE },
	{ "https://e.example/feed", TRUE, 200, "https://e.example/feed", FALSE,
	  "https://f.example/feed", FALSE },
	{ "https://e.example/feed", TRUE, 200, "https://e.example/feed", FALSE,
	  "https://f.example/feed", FALSE },
	{ "https://e.example/feed", TRUE, 200, "https://e.example/feed", FALSE, NULL, FALSE },
};

static void test_moved(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 now = 1000;

	for (gsize i = 0; i < G_N_ELEMENTS(moved_rows); i++) {
		struct fw_poll_record rec = {
			.ok = moved_rows[i].ok, .http_status = moved_rows[i].status,
			.error = moved_rows[i].ok ? NULL : "failed",
			.permanent_url = moved_rows[i].permanent_url, .gone = moved_rows[i].gone,
		};
		g_autoptr(GPtrArray) out =
			g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_feed_status_free);
		struct fw_feed_status *fs;
		struct fw_feed_state st;

		g_test_message("moved row %zu", i);
		g_assert_true(fw_store_feed_get(f->s, "f", moved_rows[i].url, &st, &err));
		g_assert_no_error(err);
		g_assert_true(fw_store_feed_polled(f->s, st.id, now++, &rec, &err));
		g_assert_no_error(err);
		fw_store_feed_state_clear(&st);
		g_assert_true(fw_store_feed_get(f->s, "f", moved_rows[i].url, &st, &err));
		g_assert_cmpstr(st.moved_to, ==, moved_rows[i].want_moved_to);
		g_assert_cmpint(st.gone, ==, moved_rows[i].want_gone);
		fw_store_feed_state_clear(&st);
		g_assert_null(st.moved_to);
		g_assert_true(fw_store_feed_statuses(f->s, out, &err));
		fs = out->pdata[0];
		g_assert_cmpstr(fs->moved_to, ==, moved_rows[i].want_moved_to);
		g_assert_cmpint(fs->gone, ==, moved_rows[i].want_gone);
		g_assert_cmpstr(fs->url, ==, moved_rows[i].url);
	}
}

/* ---- schema versions ----------------------------------------------------- */

/* Reads a file under tests/fixtures/. Caller frees. */
static char *read_fixture(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(__FILE__);
	g_autofree char *path = g_build_filename(dir, "..", "fixtures", name, NULL);
	g_autoptr(GError) e = NULL;
	char *data = NULL;

	if (!g_file_get_contents(path, &data, NULL, &e)) {
		g_autofree char *alt = g_test_build_filename(G_TEST_DIST, "..", "fixtures", name, NULL);

		g_clear_error(&e);
		if (!g_file_get_contents(alt, &data, NULL, &e))
			g_error("fixture %s: %s", name, e->message);
	}
	return data;
}

/* Databases made by every earlier schema version (as SQL text; NULL: an empty
 * file, version 0), and what must hold once the current code opened them. */
static const struct {
	const char *name, *sql;
	const char *spoil;    /* run on the old database first, or NULL */
	gboolean want_open;
	int want_version;     /* user_version afterwards */
	int want_auto_vacuum;
	int feeds, items, hits, outbox;
} migrate_rows[] = {
	{ "version 0: an empty file", NULL, NULL, TRUE, FW_STORE_SCHEMA_VERSION, 2, 0, 0, 0, 0 },
	{ "version 1", "db/v1.sql", NULL, TRUE, FW_STORE_SCHEMA_VERSION, 0, 2, 5, 4, 3 },
	/* a migration that fails leaves the database as it was */
	{ "version 1, a migration fails", "db/v1.sql", "DROP INDEX items_last_seen", FALSE, 1, 0,
	  2, 5, 4, 3 },
};

/* The v1 fixture's data, read back through the current code. */
static void check_v1_data(struct fw_store *s, const char *path)
{
	g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	g_autoptr(GError) err = NULL;
	struct fw_feed_state st;
	struct fw_hit_row *h;
	enum fw_item_state state;
	struct fw_item it = item_make("https://www.theamericanconservative.com/?p=1",
	                              "The Limits to a Trump-Milei Alignment",
	                              "https://www.theamericanconservative.com/trump-milei/"
	                              "?utm_source=rss");
	gint64 rowid = 0;

	g_assert_true(fw_store_feed_get(s, "tac", "https://www.theamericanconservative.com/feed/",
	                                &st, &err));
	g_assert_no_error(err);
	g_assert_cmpint(st.id, ==, 1);
	g_assert_cmpstr(st.etag, ==, "\"abc\"");
	g_assert_cmpstr(st.last_modified, ==, "Tue, 26 Nov 2024 05:05:00 GMT");
	g_assert_true(st.fetched);
	g_assert_null(st.moved_to);
	g_assert_false(st.gone);
	fw_store_feed_state_clear(&st);

	g_assert_true(fw_store_hits(s, &(struct fw_hit_filter){ .oldest_first = TRUE }, hits, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(hits->len, ==, 4);
	h = hits->pdata[0];
	g_assert_cmpstr(h->topic, ==, "milei");
	g_assert_cmpstr(h->feed_title, ==, "The American Conservative");
	g_assert_cmpstr(h->title, ==, "The Limits to a Trump-Milei Alignment");
	g_assert_cmpstr(h->author, ==, "Ana Pérez");
	g_assert_cmpstr(h->also_in, ==, "MercoPress");   /* the reprint in the other feed */
	g_assert_true(h->read);
	g_assert_cmpint(h->notified, ==, FW_HIT_NOTIFIED_INITIAL);
	g_assert_cmpint(((struct fw_hit_row *)hits->pdata[2])->notified, ==,
	                FW_HIT_NOTIFIED_DELIVERED);
	g_assert_cmpint(((struct fw_hit_row *)hits->pdata[3])->notified, ==,
	                FW_HIT_NOTIFIED_PENDING);
	/* the webhook that failed twice is retried */
	g_assert_true(fw_store_outbox_due(s, G_MAXINT32, 0, due, &err));
	g_assert_cmpuint(due->len, ==, 1);
	g_assert_cmpint(((struct fw_outbox_row *)due->pdata[0])->attempts, ==, 2);
	/* a known item is still known */
	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(s, 1, &it, "h1", 1732600000, &rowid, &state, &err));
	g_ptr_array_unref(it.categories);
	g_assert_no_error(err);
	g_assert_cmpint(rowid, ==, 1);
	g_assert_cmpint(state, ==, FW_ITEM_SEEN);
	g_assert_cmpint(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name ="
	                        " 'items_feed_seen'"), ==, 1);
}

static void test_migrate(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(migrate_rows); i++) {
		g_autoptr(GError) err = NULL;
		struct fw_store *s;

		g_test_message("migrate row %s", migrate_rows[i].name);
		g_assert_true(g_file_set_contents(f->path, "", 0, NULL));
		if (migrate_rows[i].sql) {
			g_autofree char *sql = read_fixture(migrate_rows[i].sql);

			sql_exec(f->path, sql);
			g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), <,
			                FW_STORE_SCHEMA_VERSION);
		}
		if (migrate_rows[i].spoil)
			sql_exec(f->path, migrate_rows[i].spoil);
		s = fw_store_open(f->path, &err);
		if (migrate_rows[i].want_open) {
			g_assert_no_error(err);
			g_assert_nonnull(s);
		} else {
			g_assert_null(s);
			g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_FAILED);
			g_assert_nonnull(strstr(err->message, f->path));
			g_assert_nonnull(strstr(err->message, "migrating the schema to version 2"));
		}
		g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), ==,
		                migrate_rows[i].want_version);
		g_assert_cmpint(sql_int(f->path, "PRAGMA auto_vacuum"), ==,
		                migrate_rows[i].want_auto_vacuum);
		g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM feeds"), ==,
		                migrate_rows[i].feeds);
		g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==,
		                migrate_rows[i].items);
		g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM hits"), ==,
		                migrate_rows[i].hits);
		g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM outbox"), ==,
		                migrate_rows[i].outbox);
		assert_integrity(f->path);
		/* schema 10: the CHECKs lost their IN lists; the counts are true */
		if (s) {
			g_assert_cmpint(sql_int(f->path, "SELECT COUNT(*) FROM sqlite_master WHERE"
			                        " sql LIKE '%CHECK%IN (%' OR sql LIKE '%CHECK%IN    (%'"), ==, 0);
			g_assert_cmpint(sql_int(f->path, STALE_COUNTS), ==, 0);
		}
		if (s && migrate_rows[i].items)
			check_v1_data(s, f->path);
		fw_store_free(s);
		/* opening again migrates nothing */
		if (migrate_rows[i].want_open) {
			s = fw_store_open(f->path, &err);
			g_assert_no_error(err);
			fw_store_free(s);
			g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), ==,
			                FW_STORE_SCHEMA_VERSION);
		}
		g_unlink(f->path);
	}
}

/* ---- item bodies (schema 6) --------------------------------------------- */

/* An item's text through the store: summary, content and categories in,
 * what fw_store_items_foreach and fw_store_hit_get give back. want_* NULL:
 * the same as given; "" with a NULL field given: NULL back. */
static const struct {
	const char *name, *summary, *content;
	const char *cats;        /* "|" between categories, NULL none */
	gsize cut_summary, cut_content;  /* 0: whole; else the bytes kept */
} body_rows[] = {
	{ "plain", "A summary.", "Some content, longer than the summary.", "Politics|World", 0, 0 },
	{ "no content", "Only a summary", NULL, NULL, 0, 0 },
	{ "no text", NULL, NULL, NULL, 0, 0 },
	{ "categories only", NULL, NULL, "Economía|日本", 0, 0 },
	{ "empty strings", "", "", "", 0, 0 },
	{ "multibyte", "Común — ñandú 😀 东京", "Ação, São Paulo; 北京 ‮rtl‬", NULL, 0, 0 },
	/* cut at FW_STORE_TEXT_MAX bytes, never inside a character: "é" is 2
	 * bytes at offset FW_STORE_TEXT_MAX - 1, so one byte less is kept */
	{ "content cut", "short", "@long-é", NULL, 0, FW_STORE_TEXT_MAX - 1 },
	{ "summary cut", "@long", NULL, NULL, FW_STORE_TEXT_MAX, 0 },
};

/* Text of FW_STORE_TEXT_MAX + 100 bytes for "@long" (ASCII), with "é" at
 * FW_STORE_TEXT_MAX - 1 for "@long-é"; else text itself (a copy). */
static char *body_text(const char *text)
{
	GString *g;

	if (!text || text[0] != '@')
		return g_strdup(text);
	g = g_string_new(NULL);
	for (int i = 0; g->len < FW_STORE_TEXT_MAX + 100; i++)
		g_string_append_printf(g, "w%d ", i);
	if (strcmp(text, "@long-é") == 0) {
		g_string_truncate(g, FW_STORE_TEXT_MAX - 1);
		g_string_append(g, "é and more words after the cut");
	}
	return g_string_free(g, FALSE);
}

struct body_seen {
	char *summary, *content, *cats;
};

/* Keeps the item's text (the one item stored). */
static gboolean body_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                        const struct fw_item *item, gpointer data)
{
	struct body_seen *b = data;
	g_autoptr(GString) cats = g_string_new(NULL);

	b->summary = g_strdup(item->summary);
	b->content = g_strdup(item->content);
	for (guint i = 0; i < item->categories->len; i++)
		g_string_append_printf(cats, "%s%s", i ? "|" : "",
		                       (const char *)item->categories->pdata[i]);
	b->cats = g_strdup(cats->str);
	return TRUE;
}

/* want: text cut to cut bytes (0: whole), or NULL for NULL. */
static void assert_kept(const char *got, const char *text, gsize cut)
{
	if (!text) {
		g_assert_null(got);
		return;
	}
	g_assert_nonnull(got);
	g_assert_true(g_utf8_validate(got, -1, NULL));
	if (cut) {
		g_assert_cmpuint(strlen(got), ==, cut);
		g_assert_true(strncmp(got, text, cut) == 0);
	} else {
		g_assert_cmpstr(got, ==, text);
	}
}

/* fw_store_body_serialise writes (msmsas) as g_variant_new does, byte for
 * byte: Nothing and Just, no categories and many, each size of framing
 * offset (1, 2 and 4 bytes: a body past 255 bytes, past 65,535), invalid
 * UTF-8 repaired, text cut at FW_STORE_TEXT_MAX. */
static void test_body_serialise(void)
{
	g_autofree char *k1 = g_strnfill(300, 'k'), *k16 = g_strnfill(FW_STORE_TEXT_MAX + 7, 'x');
	g_autoptr(GPtrArray) many = g_ptr_array_new();
	g_autoptr(GPtrArray) few = g_ptr_array_new();
	g_autoptr(GPtrArray) nulls = g_ptr_array_new();
	g_autoptr(GPtrArray) bad = g_ptr_array_new();
	g_autoptr(GPtrArray) empty = g_ptr_array_new();
	const struct {
		const char *summary, *content;
		GPtrArray *cats;
	} rows[] = {
		{ "A summary.", "Some content.", NULL },
		{ NULL, "Only content", NULL },
		{ "Only a summary", NULL, few },
		{ NULL, NULL, few },
		{ NULL, NULL, nulls },
		{ "", "", NULL },
		{ "Común — 😀", "São Paulo; 北京", few },
		{ k1, "short", few },
		{ k16, k16, NULL },
		{ "s", k1, many },
		{ "bad \xff\xfe bytes", "cut \xe2\x82", bad },
	};

	g_ptr_array_add(few, "Politics");
	g_ptr_array_add(few, "");
	g_ptr_array_add(few, "日本");
	g_ptr_array_add(nulls, NULL);
	for (int i = 0; i < 5000; i++)
		g_ptr_array_add(many, i % 7 ? "Economía" : "a category of some length, to pass 65,535");
	g_ptr_array_add(bad, "ok");
	g_ptr_array_add(bad, NULL);
	g_ptr_array_add(bad, "bad \xc3");
	g_assert_null(fw_store_body_serialise(NULL, NULL, NULL));
	g_assert_null(fw_store_body_serialise(NULL, NULL, empty));
	for (gsize r = 0; r < G_N_ELEMENTS(rows); r++) {
		g_autoptr(GBytes) got = fw_store_body_serialise(rows[r].summary, rows[r].content,
		                                                rows[r].cats);
		g_autofree char *sum = NULL, *con = NULL;
		g_autoptr(GVariant) want = NULL;
		GVariantBuilder b;

		g_test_message("body row %zu", r);
		for (int f = 0; f < 2; f++) {
			const char *t = f ? rows[r].content : rows[r].summary;
			gsize n = t ? strlen(t) : 0;

			if (n > FW_STORE_TEXT_MAX) {   /* at a character boundary */
				n = FW_STORE_TEXT_MAX;
				while (((guchar)t[n] & 0xc0) == 0x80)
					n--;
			}
			*(f ? &con : &sum) = t ? g_utf8_make_valid(t, n) : NULL;
		}
		g_variant_builder_init(&b, G_VARIANT_TYPE_STRING_ARRAY);
		for (guint i = 0; rows[r].cats && i < rows[r].cats->len; i++) {
			const char *c = g_ptr_array_index(rows[r].cats, i);
			g_autofree char *v = c ? g_utf8_make_valid(c, -1) : NULL;

			if (v)
				g_variant_builder_add(&b, "s", v);
		}
		want = g_variant_ref_sink(g_variant_new("(msmsas)", sum, con, &b));
		g_assert_nonnull(got);
		g_assert_cmpmem(g_bytes_get_data(got, NULL), g_bytes_get_size(got),
		                g_variant_get_data(want), g_variant_get_size(want));
	}
}

static void test_body(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");

	for (gsize i = 0; i < G_N_ELEMENTS(body_rows); i++) {
		g_autofree char *summary = body_text(body_rows[i].summary);
		g_autofree char *content = body_text(body_rows[i].content);
		g_auto(GStrv) cats = body_rows[i].cats ? g_strsplit(body_rows[i].cats, "|", -1) : NULL;
		g_autofree char *id = g_strdup_printf("body-%zu", i);
		g_autoptr(GError) err = NULL;
		struct fw_item it = item_make(id, body_rows[i].name, NULL);
		struct body_seen seen = { 0 };
		enum fw_item_state state;
		struct fw_hit_row *r;
		gint64 rowid, hit;

		g_test_message("body row %s", body_rows[i].name);
		sql_exec(f->path, "DELETE FROM hits; DELETE FROM items");
		it.summary = summary;
		it.content = content;
		it.categories = g_ptr_array_new();
		for (char **c = cats; c && *c; c++)
			if (**c)
				g_ptr_array_add(it.categories, *c);
		g_assert_true(fw_store_item_put(f->s, feed, &it, "0123456789abcdef0123456789ABCDEF",
		                                100, &rowid, &state, &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		/* backtest's view */
		g_assert_true(fw_store_items_foreach(f->s, 0, body_cb, &seen, &err));
		g_assert_no_error(err);
		assert_kept(seen.summary, summary, body_rows[i].cut_summary);
		assert_kept(seen.content, content, body_rows[i].cut_content);
		g_assert_cmpstr(seen.cats, ==, body_rows[i].cats ? body_rows[i].cats : "");
		/* show's view */
		hit = add_hit(f->s, rowid, "t", FW_HIT_NOTIFIED_NONE, 0, 100, "s");
		r = fw_store_hit_get(f->s, hit, &err);
		g_assert_no_error(err);
		assert_kept(r->summary, summary, body_rows[i].cut_summary);
		assert_kept(r->content, content, body_rows[i].cut_content);
		fw_hit_row_free(r);
		/* the hash is 16 bytes, and the same hash is the same item */
		g_assert_cmpint(sql_int(f->path, "SELECT length(hash) FROM items"), ==, 16);
		g_assert_true(fw_store_item_put(f->s, feed, &it, "0123456789abcdef0123456789abcdef",
		                                100, &rowid, &state, &err));
		g_assert_cmpint(state, ==, FW_ITEM_SEEN);
		g_free(seen.summary);
		g_free(seen.content);
		g_free(seen.cats);
	}
	/* the body is compressed: 16 KiB of "wN " words take under half */
	g_assert_cmpint(sql_int(f->path, "SELECT length(body) FROM items"), <,
	                FW_STORE_TEXT_MAX / 2);
}

/* A body that does not decode (a damaged row) reads as no text. */
static void test_body_damaged(struct fixture *f, gconstpointer data)
{
	static const char *const damage[] = {
		"x'00'", "x'28b52ffd'", "x'28b52ffd2000ffffffffffff'", "'text'", "zeroblob(9)",
		"substr(body, 1, length(body) - 3)",
	};
	gint64 feed = feed_id(f->s, "a");
	struct fw_item it = item_make("d", "Damaged", NULL);
	g_autoptr(GError) err = NULL;
	enum fw_item_state state;
	gint64 rowid, hit;

	it.summary = "a summary";
	it.content = "the content";
	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(f->s, feed, &it, "h", 100, &rowid, &state, &err));
	g_ptr_array_unref(it.categories);
	hit = add_hit(f->s, rowid, "t", FW_HIT_NOTIFIED_NONE, 0, 100, "s");
	for (gsize i = 0; i < G_N_ELEMENTS(damage); i++) {
		g_autofree char *sql = g_strdup_printf("UPDATE items SET body = %s", damage[i]);
		struct body_seen seen = { 0 };
		struct fw_hit_row *r;

		g_test_message("damage %s", damage[i]);
		sql_exec(f->path, sql);
		g_assert_true(fw_store_items_foreach(f->s, 0, body_cb, &seen, &err));
		g_assert_no_error(err);
		g_assert_null(seen.summary);
		g_assert_null(seen.content);
		g_free(seen.cats);
		r = fw_store_hit_get(f->s, hit, &err);
		g_assert_no_error(err);
		g_assert_cmpstr(r->title, ==, "Damaged");
		g_assert_null(r->content);
		fw_hit_row_free(r);
	}
}

/* Puts n items "PREFIX-i" of prose (words of a small vocabulary from rand)
 * in feed, in the open transaction or their own. */
/* put_prose, with each body packed by k first (fw_store_item_put_packed),
 * or by the store when k is NULL. */
static void put_prose_with(struct fw_store *s, struct fw_store_packer *k, gint64 feed,
                           const char *prefix, int n, GRand *rand);

/* What put_prose writes (see there). */
static enum { PROSE_SITE, PROSE_WORDS } prose_kind;

static void put_prose(struct fw_store *s, gint64 feed, const char *prefix, int n, GRand *rand)
{
	put_prose_with(s, NULL, feed, prefix, n, rand);
}

static void put_prose_with(struct fw_store *s, struct fw_store_packer *k, gint64 feed,
                           const char *prefix, int n, GRand *rand)
{
	static const char *const words[] = {
		"the", "government", "said", "trade", "minister", "bloc", "summit", "inflation",
		"peso", "exports", "talks", "agreement", "on", "with", "a", "of", "to", "and",
		"reform", "budget", "central", "bank", "rates", "soy", "harvest", "ports",
	};

	/* eighteen words each */
	static const char *const boiler[] = {
		"Subscribe to our newsletter for the latest updates from the region and the world delivered every single morning",
		"This story was produced with the support of our readers and partners across the continent and its islands",
		"All rights reserved and reproduction of this material without written permission of the publisher is strictly prohibited here",
	};

	for (int i = 0; i < n; i++) {
		g_autofree char *id = g_strdup_printf("%s-%d", prefix, i);
		g_autoptr(GString) text = g_string_new(NULL);
		struct fw_item it = item_make(id, id, NULL);
		g_autoptr(GError) err = NULL;
		enum fw_item_state state;
		gint64 rowid;

		/* 60 words: of a small list at random (a word model's case), or a
		 * site's boilerplate around numbers of its own (zstd's) */
		for (int b = 0; prose_kind == PROSE_SITE && b < 3; b++)
			g_string_append_printf(text, "%s %08x %08x ", boiler[(i + b) % 3],
			                       g_rand_int(rand), g_rand_int(rand));
		for (int w = 0; prose_kind == PROSE_WORDS && w < 60; w++)
			g_string_append_printf(text, "%s ", words[g_rand_int_range(rand, 0,
			                                                G_N_ELEMENTS(words))]);
		g_autoptr(GBytes) body = NULL;

		it.content = text->str;
		it.categories = g_ptr_array_new();
		if (k)
			g_assert_nonnull((body = fw_store_packer_pack(k, &it)));
		g_assert_true(fw_store_item_put_packed(s, feed, &it, id, body, 100, &rowid, &state,
		                                       &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
	}
}

/* Word models stored; bodies packed with one. */
#define WORD_MODELS "SELECT count(*) FROM dicts WHERE hex(substr(data, 1, 4)) = '46575750'"
#define WORD_BODIES "SELECT count(*) FROM items WHERE hex(substr(body, 1, 1)) = 'B7'"

/* How many bodies name a zstd dictionary (read with a separate connection). */
static int bodies_with_dict(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = 0;

	g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT body FROM items WHERE body IS NOT NULL", -1,
	                                   &st, NULL), ==, SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += ZSTD_getDictID_fromFrame(sqlite3_column_blob(st, 0),
		                              (size_t)sqlite3_column_bytes(st, 0)) != 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Waits (at most a minute) for the dictionary training on the store's
 * thread to end and be collected into the open transaction. */
static void wait_dict(struct fw_store *s)
{
	for (int i = 0; i < 60000 && !fw_store_dict_waiting(s); i++)
		g_usleep(1000);
	g_assert_true(fw_store_dict_waiting(s));
}

/* Counts the items whose content is 60 words (read back whole). */
static gboolean prose_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                         const struct fw_item *item, gpointer data)
{
	g_auto(GStrv) words = item->content ? g_strsplit(item->content, " ", -1) : NULL;
	int *n = data;

	*n += words && g_strv_length(words) == 61;   /* 60 words and the empty tail */
	return TRUE;
}

/* How many items of s read back with 60 words (prose_cb). */
static int prose_whole(struct fw_store *s)
{
	g_autoptr(GError) err = NULL;
	int whole = 0;

	g_assert_true(fw_store_items_foreach(s, 0, prose_cb, &whole, &err));
	g_assert_no_error(err);
	return whole;
}

/* prose_whole of a read-only store of f's database. */
static int prose_whole_ro(struct fixture *f)
{
	g_autoptr(GError) err = NULL;
	struct fw_store *ro = fw_store_open_readonly(f->path, &err);
	int whole;

	g_assert_no_error(err);
	whole = prose_whole(ro);
	fw_store_free(ro);
	return whole;
}

/* The dictionary: trained from the first 1000 bodies on a thread while
 * items go on being stored, collected into the transaction open when it
 * has ended, waiting (fw_store_dict_waiting) until committed and used from
 * then on, never when its transaction was rolled back; bodies with and
 * without it read back, in this store, a read-only one, and after memory
 * is released. */
static void test_body_dict(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(3);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");

	/* a transaction that trains one and rolls back: no dictionary, none used */
	g_assert_false(fw_store_dict_waiting(f->s));
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "undone", 1100, rand);
	wait_dict(f->s);
	fw_store_rollback(f->s);
	g_assert_false(fw_store_dict_waiting(f->s));
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "plain", 50, rand);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
	g_assert_cmpint(bodies_with_dict(f->path), ==, 0);
	/* 1000 samples (the 50 above count) start the training; its
	 * transaction commits without waiting for it (a commit does not
	 * collect it), and the next one stores it once it has ended; used from
	 * that one's commit on */
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "first", 1000, rand);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
	g_assert_true(fw_store_begin(f->s, &err));
	wait_dict(f->s);   /* the poller commits for it */
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_false(fw_store_dict_waiting(f->s));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 1);
	g_assert_cmpint(sql_int(f->path, WORD_MODELS), ==, 0);   /* zstd's packs a site smaller */
	g_assert_cmpint(bodies_with_dict(f->path), ==, 0);
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "then", 200, rand);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(bodies_with_dict(f->path), ==, 200);
	g_assert_cmpint(sql_int(f->path, "SELECT avg(length(body)) FROM items WHERE item_key"
	                        " LIKE 'then-%'"), <,
	                sql_int(f->path, "SELECT avg(length(body)) FROM items WHERE item_key"
	                        " LIKE 'first-%'"));
	/* every body reads back whole, here, read-only, and after a release */
	g_assert_cmpint(prose_whole(f->s), ==, 1250);
	g_assert_cmpint(prose_whole_ro(f), ==, 1250);
	fw_store_release_memory(f->s);
	put_prose(f->s, feed, "after", 10, rand);
	g_assert_cmpint(bodies_with_dict(f->path), ==, 210);
	g_assert_cmpint(prose_whole(f->s), ==, 1260);
	/* a dictionary that is gone: its bodies read as no text */
	sql_exec(f->path, "DELETE FROM dicts");
	fw_store_release_memory(f->s);
	g_assert_cmpint(prose_whole(f->s), ==, 1050);
}

/* Adds the categories of the item many-cats to *data (a guint). */
static gboolean many_cats_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                        const struct fw_item *item, gpointer data)
{
	if (g_strcmp0(item->id, "many-cats") == 0)
		*(guint *)data += item->categories ? item->categories->len : 0;
	return TRUE;
}

/* A word model: prose of a small list's words packs smaller a word at a
 * time than with zstd's dictionary, which the first WORDS_SAMPLES (300)
 * bodies tell at once: the model is stored in the transaction open then,
 * used from its commit on, and never when that rolls back; a body packed
 * without it in the meantime (a worker's, in flight) is packed again with
 * it; bodies read back whole here, read-only and after a release, and as
 * no text once the model is gone. */
static void test_body_words(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(9);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");
	struct fw_store_packer *k;

	prose_kind = PROSE_WORDS;
	/* the model of a transaction rolled back: none stored, none used */
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "undone", 300, rand);
	g_assert_true(fw_store_dict_waiting(f->s));
	fw_store_rollback(f->s);
	g_assert_false(fw_store_dict_waiting(f->s));
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "plain", 50, rand);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
	g_assert_cmpint(sql_int(f->path, WORD_BODIES), ==, 0);
	/* the 300th sample (the 50 above count): stored, used from its commit */
	k = fw_store_packer_get(f->s);
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "first", 249, rand);
	g_assert_false(fw_store_dict_waiting(f->s));
	put_prose(f->s, feed, "first-last", 1, rand);
	g_assert_true(fw_store_dict_waiting(f->s));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
	put_prose(f->s, feed, "waiting", 10, rand);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_false(fw_store_dict_waiting(f->s));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 1);
	g_assert_cmpint(sql_int(f->path, WORD_MODELS), ==, 1);
	g_assert_cmpint(sql_int(f->path, WORD_BODIES), ==, 0);
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose(f->s, feed, "then", 200, rand);
	/* packed by a worker without it, before: packed again */
	put_prose_with(f->s, k, feed, "flight", 10, rand);
	fw_store_packer_unref(k);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(sql_int(f->path, WORD_BODIES), ==, 210);
	g_assert_cmpint(bodies_with_dict(f->path), ==, 0);
	g_assert_cmpint(sql_int(f->path, "SELECT avg(length(body)) FROM items WHERE item_key"
	                        " LIKE 'then-%'") * 2, <,
	                sql_int(f->path, "SELECT avg(length(body)) FROM items WHERE item_key"
	                        " LIKE 'first-%'"));
	/* every body reads back whole, here, read-only, and after a release */
	g_assert_cmpint(prose_whole(f->s), ==, 520);
	g_assert_cmpint(prose_whole_ro(f), ==, 520);
	fw_store_release_memory(f->s);
	/* a worker's packer after the release: the model */
	k = fw_store_packer_get(f->s);
	put_prose_with(f->s, k, feed, "after", 10, rand);
	fw_store_packer_unref(k);
	g_assert_cmpint(sql_int(f->path, WORD_BODIES), ==, 220);
	g_assert_cmpint(prose_whole(f->s), ==, 530);
	/* past a word-packed body's bounds (categories): zstd, read back whole */
	{
		struct fw_item it = item_make("many-cats", "many-cats", NULL);
		enum fw_item_state state;
		gint64 rowid;
		guint n = 0;

		it.content = "x";
		it.categories = g_ptr_array_new();
		for (int i = 0; i < FW_WORDPACK_CATS_MAX + 1; i++)
			g_ptr_array_add(it.categories, "Trade");
		g_assert_true(fw_store_item_put_packed(f->s, feed, &it, "h", NULL, 100, &rowid,
		                                       &state, &err));
		g_assert_no_error(err);
		g_ptr_array_unref(it.categories);
		g_assert_cmpint(sql_int(f->path, "SELECT hex(substr(body, 1, 1)) = '28' FROM items"
		                        " WHERE item_key = 'many-cats'"), ==, 1);
		g_assert_true(fw_store_items_foreach(f->s, 0, many_cats_cb, &n, &err));
		g_assert_cmpuint(n, ==, FW_WORDPACK_CATS_MAX + 1);
	}
	/* a model that is gone: its bodies read as no text */
	sql_exec(f->path, "DELETE FROM dicts");
	fw_store_release_memory(f->s);
	g_assert_cmpint(prose_whole(f->s), ==, 310);
	prose_kind = PROSE_SITE;
}

struct pack_job {
	struct fw_store_packer *k;
	GPtrArray *texts;       /* of char *: the items' contents */
	GPtrArray *bodies;      /* of GBytes *: what the thread packed */
};

/* A thread packing each text as an item's content (fw_store_packer_pack). */
static gpointer pack_thread(gpointer data)
{
	struct pack_job *j = data;

	for (guint i = 0; i < j->texts->len; i++) {
		struct fw_item it = { .content = j->texts->pdata[i] };

		g_ptr_array_add(j->bodies, fw_store_packer_pack(j->k, &it));
	}
	fw_store_pack_thread_release();
	return NULL;
}

/* A packer: one without a dictionary while the database has none (or one
 * waits for its commit), whose bodies the store learns one from; then
 * bodies packed on other threads, even after the store released its
 * memory, are stored as given, name the dictionary and read back whole. */
static void test_body_packer(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(5);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");
	struct pack_job j = { 0 }, j2;
	GThread *th[2];

	/* no dictionary yet: a packer without one, whose bodies name none and
	 * are learned from as the store's own */
	j.k = fw_store_packer_get(f->s);
	g_assert_nonnull(j.k);
	g_assert_true(fw_store_begin(f->s, &err));
	put_prose_with(f->s, j.k, feed, "first", 1000, rand);
	wait_dict(f->s);
	fw_store_packer_unref(j.k);
	j.k = fw_store_packer_get(f->s);   /* trained, not yet committed: still none */
	put_prose_with(f->s, j.k, feed, "second", 10, rand);
	fw_store_packer_unref(j.k);
	g_assert_true(fw_store_commit(f->s, &err));
	g_assert_cmpint(bodies_with_dict(f->path), ==, 0);
	j.k = fw_store_packer_get(f->s);
	g_assert_nonnull(j.k);
	fw_store_release_memory(f->s);
	j.texts = g_ptr_array_new_with_free_func(g_free);
	j.bodies = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	for (int i = 0; i < 40; i++) {
		GString *text = g_string_new(NULL);

		for (int w = 0; w < 60; w++)
			g_string_append_printf(text, "%s ", i % 2 ? "peso" : "summit");
		g_ptr_array_add(j.texts, g_string_free(text, FALSE));
	}
	/* two threads with the one packer, one after the other: each its own
	 * context, the same bytes */
	j2 = (struct pack_job){ j.k, j.texts,
	                        g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref) };
	th[0] = g_thread_new("pack", pack_thread, &j);
	th[1] = g_thread_new("pack", pack_thread, &j2);
	g_thread_join(th[0]);
	g_thread_join(th[1]);
	fw_store_packer_unref(j.k);
	g_assert_cmpuint(j.bodies->len, ==, 40);
	for (guint i = 0; i < j.bodies->len; i++)
		g_assert_true(g_bytes_equal(j.bodies->pdata[i], j2.bodies->pdata[i]));
	g_ptr_array_unref(j2.bodies);
	g_assert_true(fw_store_begin(f->s, &err));
	for (guint i = 0; i < j.texts->len; i++) {
		g_autofree char *id = g_strdup_printf("packed-%u", i);
		struct fw_item it = item_make(id, id, NULL);
		enum fw_item_state state;
		gint64 rowid;

		it.content = j.texts->pdata[i];
		it.categories = g_ptr_array_new();
		g_assert_nonnull(j.bodies->pdata[i]);
		g_assert_true(fw_store_item_put_packed(f->s, feed, &it, id, j.bodies->pdata[i], 100,
		                                       &rowid, &state, &err));
		g_assert_no_error(err);
		g_assert_cmpint(state, ==, FW_ITEM_NEW);
		g_ptr_array_unref(it.categories);
	}
	g_assert_true(fw_store_commit(f->s, &err));
	for (guint i = 0; i < j.bodies->len; i++) {
		g_autofree char *sql = g_strdup_printf("SELECT length(body) FROM items WHERE "
		                                       "item_key = 'packed-%u'", i);

		g_assert_cmpint(sql_int(f->path, sql), ==, g_bytes_get_size(j.bodies->pdata[i]));
	}
	g_assert_cmpint(bodies_with_dict(f->path), ==, 40);
	g_assert_cmpint(prose_whole(f->s), ==, 1050);
	g_ptr_array_unref(j.texts);
	g_ptr_array_unref(j.bodies);
}

/* Items that arrive a few at a time (memory released between them) never
 * make 1000 samples in one go: maintenance trains the dictionary from the
 * stored bodies, once there are enough. */
static void test_body_dict_maintain(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(4);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a");

	for (int i = 0; i < 11; i++) {
		g_autofree char *prefix = g_strdup_printf("slow%d", i);

		put_prose(f->s, feed, prefix, 99, rand);
		fw_store_release_memory(f->s);
		if (i == 0) {
			/* too few bodies yet: maintenance trains nothing */
			g_assert_true(fw_store_maintain(f->s, &err));
			g_assert_no_error(err);
			g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
		}
	}
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 0);
	g_assert_true(fw_store_maintain(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 1);
	put_prose(f->s, feed, "later", 20, rand);
	g_assert_cmpint(bodies_with_dict(f->path), ==, 20);
	g_assert_cmpint(prose_whole(f->s), ==, 1109);
	/* and once only */
	g_assert_true(fw_store_maintain(f->s, &err));
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM dicts"), ==, 1);
}

/* A database of schema 4 (made here with the SQL that version ran): its
 * items' text in columns, hashes as hex. */
static const char v4_schema[] =
	"CREATE TABLE feeds (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT,"
	" title TEXT, etag TEXT, last_modified TEXT, fetched INTEGER NOT NULL DEFAULT 0,"
	" last_poll INTEGER NOT NULL DEFAULT 0, next_poll INTEGER NOT NULL DEFAULT 0,"
	" http_status INTEGER NOT NULL DEFAULT 0, error TEXT, failures INTEGER NOT NULL DEFAULT 0,"
	" bytes INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,"
	" degraded INTEGER NOT NULL DEFAULT 0, moved_to TEXT, moved_next TEXT,"
	" moved_count INTEGER NOT NULL DEFAULT 0, gone INTEGER NOT NULL DEFAULT 0,"
	" ttl INTEGER NOT NULL DEFAULT 0, max_age INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE items (id INTEGER PRIMARY KEY,"
	" feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,"
	" item_key TEXT NOT NULL, title TEXT, link TEXT, canon_link TEXT, published INTEGER,"
	" updated INTEGER, author TEXT, categories TEXT, summary TEXT, content TEXT, hash TEXT,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, UNIQUE (feed_id, item_key));"
	"CREATE INDEX items_canon_link ON items(canon_link) WHERE canon_link IS NOT NULL;"
	"CREATE TABLE hits (id INTEGER PRIMARY KEY,"
	" item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" topic TEXT NOT NULL, topic_name TEXT NOT NULL, found INTEGER NOT NULL, snippet TEXT,"
	" marks TEXT, matched TEXT, read INTEGER NOT NULL DEFAULT 0, notified TEXT NOT NULL"
	" CHECK (notified IN ('initial','pending','delivered','failed','none')),"
	" UNIQUE (item_id, topic));"
	"CREATE INDEX hits_found ON hits(found, id);"
	"CREATE INDEX hits_topic ON hits(topic, found);"
	"CREATE TABLE outbox (id INTEGER PRIMARY KEY,"
	" hit_id INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,"
	" channel INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	" ('pending','delivered','failed')), attempts INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL, error TEXT, UNIQUE (hit_id, channel));"
	"CREATE INDEX outbox_due ON outbox(state, next_try);"
	"CREATE INDEX items_feed_seen ON items(feed_id, last_seen);"
	"CREATE TABLE mutes (topic TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO feeds (id, key, url, title, fetched, last_poll)"
	" VALUES (1, 'mp', 'https://en.mercopress.com/rss', 'MercoPress', 1, 1732700000);";

/* The v4 items: id, title, summary, content, categories. */
static const struct {
	const char *id, *title, *summary, *content;
	const char *cats[3];
} v4_items[] = {
	{ "mp-1", "Milei and Lula meet", "At the Mercosur summit.",
	  "Milei and Lula met at the Mercosur summit in Montevideo; the swap with China was"
	  " not discussed.", { "Politics", "Mercosur", NULL } },
	{ "mp-2", "Soy exports", "Record harvest.", NULL, { NULL } },
	{ "mp-3", "Ñandú census", NULL, "Los ñandúes de la Patagonia — 日本 😀", { "Ciencia", NULL } },
};

/* Counts the items whose text (summary or content) holds data (a string). */
static gboolean find_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                        const struct fw_item *item, gpointer data)
{
	const char **want = data;

	if ((item->content && strstr(item->content, want[0])) ||
	    (item->summary && strstr(item->summary, want[0])))
		want[1]++;
	return TRUE;
}

/* Appends "id|summary|content|cat,cat,;" to data (a GString). */
static gboolean fields_cb(gint64 rowid, const char *feed_key, const char *feed_title,
                          const struct fw_item *item, gpointer data)
{
	GString *g = data;

	g_string_append_printf(g, "%s|%s|%s|", item->id, item->summary ? item->summary : "(null)",
	                       item->content ? item->content : "(null)");
	for (guint i = 0; i < item->categories->len; i++)
		g_string_append_printf(g, "%s,", (const char *)item->categories->pdata[i]);
	g_string_append_c(g, ';');
	return TRUE;
}

/* Makes the database at f->path from sql (schema version `from`) and opens it
 * into f->s: migrated to the current version, intact. */
static void open_old(struct fixture *f, const char *sql, int from)
{
	g_autoptr(GError) err = NULL;

	g_assert_true(g_file_set_contents(f->path, "", 0, NULL));
	sql_exec(f->path, sql);
	g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), ==, from);
	f->s = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "PRAGMA user_version"), ==, FW_STORE_SCHEMA_VERSION);
	assert_integrity(f->path);
}

static void test_migrate_v4(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);
	g_autoptr(GString) sql = g_string_new(v4_schema);
	g_autoptr(GString) scratch = g_string_new(NULL);
	g_autoptr(GPtrArray) story = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	g_autofree char *hash_edited = NULL;
	const char *find[2] = { "Montevideo", NULL };
	struct fw_hit_row *r;
	gint64 rowid;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	for (gsize i = 0; i < G_N_ELEMENTS(v4_items); i++) {
		struct fw_item it = item_make(v4_items[i].id, v4_items[i].title, NULL);
		g_autofree char *hash = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;
		g_autoptr(GString) cats = g_string_new("[");

		it.summary = (char *)v4_items[i].summary;
		it.content = (char *)v4_items[i].content;
		it.categories = g_ptr_array_new();
		for (const char *const *c = v4_items[i].cats; *c; c++) {
			g_ptr_array_add(it.categories, (char *)*c);
			g_string_append_printf(cats, "%s\"%s\"", cats->len > 1 ? "," : "", *c);
		}
		g_string_append_c(cats, ']');
		hash = fw_hit_item_hash(scratch, &it);
		g_ptr_array_unref(it.categories);
		s1 = sqlite3_mprintf("%Q", v4_items[i].title);
		s2 = sqlite3_mprintf("%Q", v4_items[i].summary);
		s3 = sqlite3_mprintf("%Q", v4_items[i].content);
		s4 = sqlite3_mprintf("%Q", cats->str);
		g_string_append_printf(sql, "INSERT INTO items (id, feed_id, item_key, title, published,"
		                       " categories, summary, content, hash, first_seen, last_seen)"
		                       " VALUES (%zu, 1, '%s', %s, 1732700000, %s, %s, %s, '%s',"
		                       " 1732700000, 1732700000);", i + 1, v4_items[i].id, s1, s4,
		                       s2, s3, hash);
		sqlite3_free(g_steal_pointer(&s1));
		sqlite3_free(g_steal_pointer(&s2));
		sqlite3_free(g_steal_pointer(&s3));
		sqlite3_free(g_steal_pointer(&s4));
	}
	g_string_append(sql, "INSERT INTO hits (item_id, topic, topic_name, found, snippet, marks,"
	                " matched, notified) VALUES (1, 'milei', 'Milei', 1732700100, 'Milei and"
	                " Lula', '[[0,5]]', '[]', 'delivered'); PRAGMA user_version = 4;");
	open_old(f, sql->str, 4);
	/* the text columns are gone, every row has its body and a 16-byte hash */
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM pragma_table_info('items')"
	                        " WHERE name IN ('summary', 'content', 'categories')"), ==, 0);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items WHERE body IS NOT NULL"
	                        " AND length(hash) = 16"), ==, 3);
	/* show reads the hit's item text back */
	g_assert_true(fw_store_story_hits(f->s, 1, story, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(story->len, ==, 1);
	r = story->pdata[0];
	g_assert_cmpstr(r->title, ==, "Milei and Lula meet");
	g_assert_cmpstr(r->summary, ==, v4_items[0].summary);
	g_assert_cmpstr(r->content, ==, v4_items[0].content);
	/* backtest finds the old items' text, categories and all */
	g_assert_true(fw_store_items_foreach(f->s, 0, find_cb, find, &err));
	g_assert_no_error(err);
	g_assert_cmpint(GPOINTER_TO_INT(find[1]), ==, 1);
	/* every field of every item, as it was */
	{
		g_autoptr(GString) want = g_string_new(NULL), got = g_string_new(NULL);

		for (gsize i = 0; i < G_N_ELEMENTS(v4_items); i++) {
			g_string_append_printf(want, "%s|%s|%s|", v4_items[i].id,
			                       v4_items[i].summary ? v4_items[i].summary : "(null)",
			                       v4_items[i].content ? v4_items[i].content : "(null)");
			for (const char *const *c = v4_items[i].cats; *c; c++)
				g_string_append_printf(want, "%s,", *c);
			g_string_append_c(want, ';');
		}
		g_assert_true(fw_store_items_foreach(f->s, 0, fields_cb, got, &err));
		g_assert_no_error(err);
		g_assert_cmpstr(got->str, ==, want->str);
	}
	/* edit detection: each item as it was is SEEN, an edited one CHANGED */
	for (gsize i = 0; i < G_N_ELEMENTS(v4_items); i++) {
		struct fw_item it = item_make(v4_items[i].id, v4_items[i].title, NULL);
		g_autofree char *hash = NULL;
		enum fw_item_state state;

		it.summary = (char *)v4_items[i].summary;
		it.content = (char *)v4_items[i].content;
		it.categories = g_ptr_array_new();
		for (const char *const *c = v4_items[i].cats; *c; c++)
			g_ptr_array_add(it.categories, (char *)*c);
		hash = fw_hit_item_hash(scratch, &it);
		g_assert_true(fw_store_item_put(f->s, 1, &it, hash, 1732700200, &rowid, &state, &err));
		g_assert_no_error(err);
		g_assert_cmpint(rowid, ==, (gint64)i + 1);
		g_assert_cmpint(state, ==, FW_ITEM_SEEN);
		if (i == 0) {
			it.content = "Milei and Lula met at the Mercosur summit; edited.";
			hash_edited = fw_hit_item_hash(scratch, &it);
			g_assert_true(fw_store_item_put(f->s, 1, &it, hash_edited, 1732700300, &rowid,
			                                &state, &err));
			g_assert_cmpint(state, ==, FW_ITEM_CHANGED);
		}
		g_ptr_array_unref(it.categories);
	}
	r = fw_store_hit_get(f->s, 1, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(r->content, ==, "Milei and Lula met at the Mercosur summit; edited.");
	fw_hit_row_free(r);
}

/* The items of db/v6.sql (a database made by the schema-6 binary): row id,
 * link, and each hit's id, item and story as that binary numbered them. */
static const struct {
	gint64 id;
	const char *link;
} v6_items[] = {
	{ 1, "https://alpha.example/2024/milei-wins?utm_source=rss" },   /* beta's reprint */
	{ 2, "https://beta.example/mercosur" },
	{ 3, "https://alpha.example/2024/milei-wins/" },
	{ 4, "https://alpha.example/2024/wheat/" },
};
static const gint64 v6_hits[][3] = { { 1, 1, 1 }, { 2, 2, 2 }, { 3, 3, 1 } };

/* Schema 6 to 7 on a file the schema-6 binary made: the canonical links
 * become their keys (canon_hash), the stories and "also in" are as they
 * were, the items are still found by key and by link, their text reads
 * back, and a new item of the same story joins it. */
static void test_migrate_v6(struct fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname(f->path);
	g_autofree char *sql = read_fixture("db/v6.sql");
	g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GPtrArray) story = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	g_autoptr(GError) err = NULL;
	const char *find[2] = { "Rosario", NULL };
	g_autofree char *hash = NULL;
	struct fw_item it = item_make("alpha-1", "Milei wins the runoff",
	                              "https://alpha.example/2024/milei-wins/");
	enum fw_item_state state;
	gint64 rowid = 0, gamma, hit;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
	open_old(f, sql, 6);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM pragma_table_info('items')"
	                        " WHERE name = 'canon_link'"), ==, 0);
	/* each item's key is that of its canonical link */
	for (gsize i = 0; i < G_N_ELEMENTS(v6_items); i++) {
		g_autofree char *canon = fw_store_canonical_link(v6_items[i].link);
		g_autofree char *q = g_strdup_printf("SELECT canon_hash = %" G_GINT64_FORMAT
		                                     " FROM items WHERE id = %" G_GINT64_FORMAT
		                                     " AND link = '%s'", canon_key(canon),
		                                     v6_items[i].id, v6_items[i].link);

		g_test_message("v6 item %" G_GINT64_FORMAT, v6_items[i].id);
		g_assert_cmpint(sql_int(f->path, q), ==, 1);
	}
	/* the hits keep their stories, which still match their definition */
	for (gsize i = 0; i < G_N_ELEMENTS(v6_hits); i++) {
		g_autofree char *q = g_strdup_printf("SELECT item_id = %" G_GINT64_FORMAT
		                                     " AND story = %" G_GINT64_FORMAT
		                                     " FROM hits WHERE id = %" G_GINT64_FORMAT,
		                                     v6_hits[i][1], v6_hits[i][2], v6_hits[i][0]);

		g_assert_cmpint(sql_int(f->path, q), ==, 1);
	}
	g_assert_cmpint(sql_int(f->path, STALE_HITS), ==, 0);
	/* the reprint is "also in" the other feed; show reads the story's text */
	g_assert_true(fw_store_hits(f->s, &(struct fw_hit_filter){ .oldest_first = TRUE }, hits,
	                            &err));
	g_assert_no_error(err);
	g_assert_cmpuint(hits->len, ==, 3);
	for (guint i = 0; i < hits->len; i++) {
		struct fw_hit_row *r = hits->pdata[i];

		g_assert_cmpstr(r->also_in, ==, r->id == 1 ? "Alpha News" : r->id == 3 ? "Beta Wire"
		                                                                      : NULL);
	}
	g_assert_true(fw_store_story_hits(f->s, 3, story, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(story->len, ==, 2);
	g_assert_cmpstr(((struct fw_hit_row *)story->pdata[1])->summary, ==,
	                "Javier Milei won the runoff on Sunday.");
	/* backtest reads every item's text */
	g_assert_true(fw_store_items_foreach(f->s, 0, find_cb, find, &err));
	g_assert_no_error(err);
	g_assert_cmpint(GPOINTER_TO_INT(find[1]), ==, 1);
	/* edit detection: the item as stored is seen, by its key and, under a
	 * guid that changed, by its link and title */
	hash = sql_text(f->path, "SELECT lower(hex(hash)) FROM items WHERE id = 3");
	it.categories = g_ptr_array_new();
	g_assert_true(fw_store_item_put(f->s, 1, &it, hash, 1796300000, &rowid, &state, &err));
	g_assert_no_error(err);
	g_assert_cmpint(rowid, ==, 3);
	g_assert_cmpint(state, ==, FW_ITEM_SEEN);
	it.id = "alpha-1-again";
	g_assert_true(fw_store_item_put(f->s, 1, &it, hash, 1796300000, &rowid, &state, &err));
	g_assert_no_error(err);
	g_assert_cmpint(rowid, ==, 3);
	g_assert_cmpint(state, ==, FW_ITEM_SEEN);
	g_ptr_array_unref(it.categories);
	/* a third feed's copy joins the story (the triggers made again on
	 * canon_hash) */
	gamma = put_item(f->s, feed_id(f->s, "gamma"), "gamma-1", "Milei wins",
	                 "https://ALPHA.example/2024/milei-wins?utm_medium=rss", 1796300000);
	g_assert_cmpint(gamma, ==, 5);
	hit = add_hit(f->s, gamma, "milei", FW_HIT_NOTIFIED_NONE, 0, 1796300000, "Milei");
	g_assert_cmpint(sql_int(f->path, "SELECT story FROM hits WHERE item_id = 5"), ==, 1);
	g_assert_cmpint(hit, >, 3);
	g_assert_cmpint(sql_int(f->path, STALE_HITS), ==, 0);
}

/* ---- durable, maintenance ------------------------------------------------ */

/* The connection every store opens is spied on through an SQLite auto
 * extension (run for each new connection of this process): the tests read
 * its per-connection settings, and may give it a page limit. */
static sqlite3 *spy_db;
static int spy_max_pages;

static int spy_init(sqlite3 *db, char **msg, const sqlite3_api_routines *api)
{
	spy_db = db;
	if (spy_max_pages > 0) {
		g_autofree char *sql = g_strdup_printf("PRAGMA max_page_count = %d", spy_max_pages);

		sqlite3_exec(db, sql, NULL, NULL, NULL);
	}
	return SQLITE_OK;
}

/* An integer from a one-row query on the spied connection db. */
static gint64 db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	gint64 v = -1;

	g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Opens the store at path and returns its connection in *db. */
static struct fw_store *open_spied(const char *path, sqlite3 **db)
{
	g_autoptr(GError) err = NULL;
	struct fw_store *s;

	spy_db = NULL;
	s = fw_store_open(path, &err);
	g_assert_no_error(err);
	g_assert_nonnull(spy_db);
	*db = spy_db;
	return s;
}

static void test_durable(struct fixture *f, gconstpointer data)
{
	sqlite3 *db;

	fw_store_free(f->s);
	f->s = open_spied(f->path, &db);
	g_assert_cmpint(db_int(db, "PRAGMA synchronous"), ==, 1);   /* NORMAL */
	g_assert_cmpint(db_int(db, "PRAGMA busy_timeout"), ==, FW_STORE_BUSY_TIMEOUT);
	g_assert_cmpint(db_int(db, "PRAGMA foreign_keys"), ==, 1);
	fw_store_set_durable(f->s, TRUE);
	g_assert_cmpint(db_int(db, "PRAGMA synchronous"), ==, 2);   /* FULL */
	fw_store_set_durable(f->s, FALSE);
	g_assert_cmpint(db_int(db, "PRAGMA synchronous"), ==, 1);
}

/* Pruning frees pages; maintenance gives them back to the file system. */
static void test_maintain(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(1);
	g_autoptr(GError) err = NULL;
	gint64 feed = feed_id(f->s, "a"), deleted = 0, pages;

	g_assert_true(fw_store_begin(f->s, &err));
	for (int i = 0; i < 300; i++) {
		g_autofree char *id = g_strdup_printf("old-%d", i);
		struct fw_item it = item_make(id, "Old", NULL);
		enum fw_item_state state;
		g_autofree char *big = noise_text(rand, 3000);
		gint64 rowid;

		it.content = big;
		it.categories = g_ptr_array_new();
		g_assert_true(fw_store_item_put(f->s, feed, &it, id, 100, &rowid, &state, &err));
		g_ptr_array_unref(it.categories);
	}
	g_assert_true(fw_store_commit(f->s, &err));
	put_item(f->s, feed, "new", "New", NULL, 100 + 10 * FW_STORE_SEEN_STEP);
	pages = sql_int(f->path, "PRAGMA page_count");
	g_assert_true(fw_store_prune(f->s, 1000, &deleted, &err));
	g_assert_no_error(err);
	g_assert_cmpint(deleted, ==, 300);
	g_assert_cmpint(sql_int(f->path, "PRAGMA freelist_count"), >, pages / 2);
	g_assert_true(fw_store_maintain(f->s, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "PRAGMA freelist_count"), ==, 0);
	g_assert_cmpint(sql_int(f->path, "PRAGMA page_count"), <, pages / 4);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, 1);
}

/* ---- retention ----------------------------------------------------------- */

#define DAY 86400

/* Items of feed "live" polled every 7 hours from day 0 to day 100 (present
 * from day `from` to day `to`), of feed "quiet", fetched on day 0 and 304
 * since, and of feed "removed", polled on days 0 to 5 only (it left the
 * config); a hit or not; kept or pruned by retention 90 days on day 100. */
static const struct {
	const char *feed, *id;
	int from, to;
	gboolean hit, want_kept;
} retention_rows[] = {
	{ "live", "always", 0, 100, FALSE, TRUE },        /* old, but still in the feed */
	{ "live", "left-day-9", 0, 9, FALSE, FALSE },
	{ "live", "left-day-9-hit", 0, 9, TRUE, TRUE },   /* hits are kept */
	{ "live", "left-day-90", 0, 90, FALSE, TRUE },    /* not 90 days ago yet */
	{ "live", "day-50-to-70", 50, 70, FALSE, TRUE },
	{ "live", "back-on-day-95", 0, 5, FALSE, TRUE },  /* and from 95 again, below */
	{ "live", "back-on-day-95", 95, 100, FALSE, TRUE },
	{ "quiet", "q1", 0, 0, FALSE, TRUE },             /* 304 for 100 days: still there */
	{ "quiet", "q2", 0, 0, FALSE, TRUE },
	{ "removed", "r1", 0, 5, FALSE, FALSE },
	{ "removed", "r2", 0, 5, TRUE, TRUE },
};

/* The last day each feed of retention_rows is polled (ok, 200 or 304). */
static const struct {
	const char *feed;
	int last_day;
} retention_feeds[] = {
	{ "live", 100 }, { "quiet", 100 }, { "removed", 5 },
};

static void test_retention(struct fixture *f, gconstpointer data)
{
	g_autoptr(GError) err = NULL;
	gint64 t0 = 1700000000, deleted = -1;

	/* a poll (transaction) every 7 hours */
	for (gint64 t = t0; t <= t0 + 100 * DAY + 23 * 3600; t += 7 * 3600) {
		int day = (int)((t - t0) / DAY);

		g_assert_true(fw_store_begin(f->s, &err));
		for (gsize i = 0; i < G_N_ELEMENTS(retention_rows); i++) {
			gint64 item;

			if (day < retention_rows[i].from || day > retention_rows[i].to)
				continue;
			item = put_item(f->s, feed_id(f->s, retention_rows[i].feed),
			                retention_rows[i].id, retention_rows[i].id, NULL, t);
			if (retention_rows[i].hit && !fw_store_hit_exists(f->s, item, "t"))
				add_hit(f->s, item, "t", FW_HIT_NOTIFIED_INITIAL, 0, t, "s");
		}
		for (gsize i = 0; i < G_N_ELEMENTS(retention_feeds); i++) {
			struct fw_poll_record rec = { .ok = TRUE, .http_status = t > t0 ? 304 : 200 };

			if (day <= retention_feeds[i].last_day)
				g_assert_true(fw_store_feed_polled(f->s, feed_id(f->s, retention_feeds[i].feed),
				                                   t, &rec, &err));
		}
		g_assert_true(fw_store_commit(f->s, &err));
	}
	g_assert_true(fw_store_prune(f->s, t0 + 100 * DAY - 90 * DAY, &deleted, &err));
	g_assert_no_error(err);
	for (gsize i = 0; i < G_N_ELEMENTS(retention_rows); i++) {
		g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM items WHERE item_key = '%s'",
		                                       retention_rows[i].id);

		g_test_message("retention row %s", retention_rows[i].id);
		g_assert_cmpint(sql_int(f->path, sql), ==, retention_rows[i].want_kept ? 1 : 0);
	}
	g_assert_cmpint(deleted, ==, 2);
	/* an item still present keeps a last_seen within FW_STORE_SEEN_STEP of the poll */
	g_assert_cmpint(sql_int(f->path, "SELECT last_seen FROM items WHERE item_key = 'always'"),
	                >, t0 + 100 * DAY + 23 * 3600 - 7 * 3600 - FW_STORE_SEEN_STEP);
}

/* SEEN refreshes last_seen once it is FW_STORE_SEEN_STEP old: (now, want last_seen). */
static const gint64 seen_rows[][2] = {
	{ 1000, 1000 },                                  /* new */
	{ 1001, 1000 },
	{ 1000 + FW_STORE_SEEN_STEP - 1, 1000 },
	{ 1000 + FW_STORE_SEEN_STEP, 1000 + FW_STORE_SEEN_STEP },
	{ 1000 + FW_STORE_SEEN_STEP + 5, 1000 + FW_STORE_SEEN_STEP },
	{ 1000 + 5 * FW_STORE_SEEN_STEP, 1000 + 5 * FW_STORE_SEEN_STEP },
};

static void test_last_seen(struct fixture *f, gconstpointer data)
{
	gint64 feed = feed_id(f->s, "a");

	for (gsize i = 0; i < G_N_ELEMENTS(seen_rows); i++) {
		put_item(f->s, feed, "1", "One", NULL, seen_rows[i][0]);
		g_test_message("last seen row %zu", i);
		g_assert_cmpint(sql_int(f->path, "SELECT last_seen FROM items"), ==, seen_rows[i][1]);
	}
}

/* ---- disk full ------------------------------------------------------------ */

/* Items of 2 kB, 5 a transaction, into a database SQLite may not grow past
 * 60 pages (a real SQLITE_FULL from the pager): the write that does not fit
 * fails with FULL naming the database, and every committed one is there. */
static void test_full(struct fixture *f, gconstpointer data)
{
	g_autoptr(GRand) rand = g_rand_new_with_seed(2);
	g_autoptr(GError) err = NULL;
	struct fw_store *s;
	sqlite3 *db;
	gint64 feed, committed = 0;
	gboolean full = FALSE;

	fw_store_free(f->s);
	f->s = NULL;
	spy_max_pages = 60;
	s = open_spied(f->path, &db);
	spy_max_pages = 0;
	g_assert_cmpint(db_int(db, "PRAGMA max_page_count"), ==, 60);
	feed = feed_id(s, "a");
	for (int poll = 0; poll < 200 && !full; poll++) {
		gboolean ok = fw_store_begin(s, &err);

		for (int i = 0; ok && i < 5; i++) {
			g_autofree char *id = g_strdup_printf("%d-%d", poll, i);
			g_autofree char *body = noise_text(rand, 2000);
			struct fw_item it = item_make(id, id, NULL);
			enum fw_item_state state;
			gint64 rowid;

			it.content = body;
			it.categories = g_ptr_array_new();
			ok = fw_store_item_put(s, feed, &it, id, 100, &rowid, &state, &err);
			if (ok)
				ok = fw_store_hit_add(s, &(struct fw_hit_new){
					.item_rowid = rowid, .topic = "t",
					.notified = FW_HIT_NOTIFIED_PENDING },
					FW_CHANNEL_DESKTOP, 100, NULL, &err);
			g_ptr_array_unref(it.categories);
		}
		if (ok && fw_store_commit(s, &err)) {
			committed += 5;
			continue;
		}
		fw_store_rollback(s);
		g_test_message("poll %d: %s", poll, err->message);
		g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_FULL);
		g_assert_nonnull(strstr(err->message, f->path));
		g_assert_nonnull(strstr(err->message, "full"));
		full = TRUE;
	}
	g_assert_true(full);
	g_assert_cmpint(committed, >, 0);
	/* the store still reads, and writes what fits */
	g_clear_error(&err);
	g_assert_true(fw_store_hit_set_read(s, 1, TRUE, &err));
	g_assert_no_error(err);
	fw_store_free(s);
	/* reopened without the limit: everything committed, nothing else */
	assert_integrity(f->path);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, committed);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM hits"), ==, committed);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM outbox"), ==, committed);
	f->s = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	put_item(f->s, feed, "after", "After", NULL, 200);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, committed + 1);
}

/* ---- canonical links --------------------------------------------------- */

static const struct {
	const char *in, *want;
} canon_rows[] = {
	{ "HTTP://Example.COM/a/b", "http://example.com/a/b" },
	{ "https://example.com/Path/Case", "https://example.com/Path/Case" },
	{ "https://example.com/a/?utm_source=x&utm_medium=y", "https://example.com/a" },
	{ "https://example.com/a?id=3&utm_campaign=z", "https://example.com/a?id=3" },
	{ "https://example.com/a?UTM_Source=x", "https://example.com/a" },
	{ "https://example.com/a?utm_source", "https://example.com/a" },
	{ "https://example.com/a?utm=1", "https://example.com/a?utm=1" },
	{ "https://example.com/a?fbclid=IwAR0abc", "https://example.com/a" },
	{ "https://example.com/a?gclid=abc&b=2", "https://example.com/a?b=2" },
	{ "https://example.com/a?b=1&&c=2", "https://example.com/a?b=1&c=2" },
	{ "https://example.com/a#section", "https://example.com/a" },
	{ "https://example.com/a?x=1#frag?utm_source=y", "https://example.com/a?x=1" },
	{ "https://example.com/a/", "https://example.com/a" },
	{ "https://example.com/", "https://example.com" },
	{ "https://example.com", "https://example.com" },
	{ "http://example.com:80/x", "http://example.com/x" },
	{ "https://example.com:443/x", "https://example.com/x" },
	{ "https://example.com:8443/x", "https://example.com:8443/x" },
	{ "http://example.com:443/x", "http://example.com:443/x" },
	{ "https://example.com/a%2fb", "https://example.com/a%2Fb" },
	{ "https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x" },
	{ "https://www.theamericanconservative.com/milei-wins/?utm_source=rss&utm_medium=rss"
	  "&utm_campaign=milei-wins", "https://www.theamericanconservative.com/milei-wins" },
	/* junk comes back as it was */
	{ "not a url", "not a url" },
	{ "", "" },
	{ "http://", "http://" },
	{ "javascript:alert(1)", "javascript:alert(1)" },
	{ "https://exa mple.com/", "https://exa mple.com/" },
	{ "https://example.com:99999/", "https://example.com:99999/" },
	{ "%%%", "%%%" },
};

/* ---- claims (team mode) -------------------------------------------------- */

/* Two stores are two pollers (their names made different). On SQLite every
 * claim succeeds and nothing is held; on PostgreSQL a feed is one poller's
 * until its poll is recorded or its lease ends, a feed not due is nobody's,
 * and a poll whose lease ran out and was taken is not kept. Two pollers
 * putting the same item and hit make one of each. */
static void test_claims(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autoptr(GError) err = NULL;
	struct fw_store *b = fw_store_open(f->path, &err);
	struct fw_poll_record rec = { .ok = TRUE, .http_status = 200, .next_poll = 2000 };
	gint64 feed = feed_id(f->s, "a"), retry = -1, item_a, item_b, hit = 0;
	gboolean claimed = FALSE, held = FALSE;
	struct fw_hit_new h = { .topic = "t", .topic_name = "t", .snippet = "s", .marks_json = "[]",
	                        .matched_json = "[]", .notified = FW_HIT_NOTIFIED_NONE };

	g_assert_no_error(err);
	fw_store_set_poller_name(b, "other:1");
	g_assert_cmpint(fw_store_is_team(f->s), ==, run->pg);
	/* a new feed is due: A claims it for 60 s, B cannot until then */
	g_assert_true(fw_store_feed_claim(f->s, feed, 1000, 60, FALSE, &claimed, &retry, &err));
	g_assert_true(claimed);
	g_assert_true(fw_store_feed_claim(b, feed, 1010, 60, FALSE, &claimed, &retry, &err));
	g_assert_no_error(err);
	g_assert_cmpint(claimed, ==, !run->pg);
	if (run->pg)
		g_assert_cmpint(retry, ==, 1060);
	/* A records the poll: its claim ends; the feed is due at 2000 for both */
	g_assert_true(fw_store_feed_polled(f->s, feed, 1020, &rec, &err));
	g_assert_true(fw_store_feed_claim(b, feed, 1030, 60, FALSE, &claimed, &retry, &err));
	g_assert_cmpint(claimed, ==, !run->pg);
	if (run->pg)
		g_assert_cmpint(retry, ==, 2000);
	/* feedwatch poll (anytime) claims it before it is due, and A cannot
	 * then; the poll it records ends that claim */
	g_assert_true(fw_store_feed_claim(b, feed, 1040, 60, TRUE, &claimed, &retry, &err));
	g_assert_true(claimed);
	g_assert_true(fw_store_feed_claim(f->s, feed, 1050, 60, TRUE, &claimed, &retry, &err));
	g_assert_cmpint(claimed, ==, !run->pg);
	g_assert_true(fw_store_feed_polled(b, feed, 1060, &rec, &err));
	/* due again: A claims, dies; B takes it when the lease ended; A's
	 * late poll is then not kept, B's is */
	g_assert_true(fw_store_feed_claim(f->s, feed, 2000, 60, FALSE, &claimed, &retry, &err));
	g_assert_true(claimed);
	g_assert_true(fw_store_feed_claim(b, feed, 2061, 60, FALSE, &claimed, &retry, &err));
	g_assert_true(claimed);
	g_assert_true(fw_store_feed_claim_keep(f->s, feed, 2070, 60, &held, &err));
	g_assert_cmpint(held, ==, !run->pg);
	g_assert_true(fw_store_feed_claim_keep(b, feed, 2070, 60, &held, &err));
	g_assert_true(held);
	g_assert_no_error(err);
	/* racing writers: the same item and hit from both make one of each */
	item_a = put_item(f->s, feed, "x", "X", NULL, 1);
	item_b = put_item(b, feed, "x", "X", NULL, 1);
	g_assert_cmpint(item_a, ==, item_b);
	h.item_rowid = item_a;
	g_assert_true(fw_store_hit_add(f->s, &h, 0, 1, &hit, &err));
	g_assert_true(fw_store_begin(b, &err));
	g_assert_false(fw_store_hit_add(b, &h, 0, 1, &hit, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_EXISTS);
	g_clear_error(&err);
	/* the transaction is still usable after it */
	put_item(b, feed, "y", "Y", NULL, 1);
	g_assert_true(fw_store_commit(b, &err));
	g_assert_no_error(err);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM hits"), ==, 1);
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM items"), ==, 2);
	fw_store_free(b);
}

/* Hosts' pauses: shared on PostgreSQL (the later pause wins, ended ones are
 * not returned), nothing on SQLite. A PostgreSQL database of schema 1 gets
 * the table when opened (migrations 2, 3 and 4). */
static void test_host_pauses(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autoptr(GHashTable) m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	gint64 *until;

	if (run->pg) {
		gint64 newest = sql_int(f->path, "SELECT version FROM schema_version");

		fw_store_free(f->s);
		/* back to schema 1: without schema 2's, 3's and 4's tables and columns */
		sql_exec(f->path, PG_UNDO_STORIES "DROP TABLE host_pauses, shown, reads, subscribers;"
		         " ALTER TABLE mutes DROP CONSTRAINT mutes_pkey;"
		         " ALTER TABLE mutes DROP COLUMN subscriber; ALTER TABLE mutes ADD PRIMARY KEY (topic);"
		         " UPDATE schema_version SET version = 1");
		f->s = fw_store_open(f->path, &err);
		g_assert_no_error(err);
		g_assert_cmpint(sql_int(f->path, "SELECT version FROM schema_version"), ==, newest);
		g_assert_cmpint(newest, ==, 6);
	}
	g_assert_true(fw_store_host_pause(f->s, "example.org:443", 100, &err));
	g_assert_true(fw_store_host_pause(f->s, "example.org:443", 50, &err));
	g_assert_true(fw_store_host_pause(f->s, "other.org:80", 70, &err));
	g_assert_true(fw_store_host_pauses(f->s, 60, m, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(g_hash_table_size(m), ==, run->pg ? 2 : 0);
	if (run->pg) {
		until = g_hash_table_lookup(m, "example.org:443");
		g_assert_nonnull(until);
		g_assert_cmpint(*until, ==, 100);
	}
	g_hash_table_remove_all(m);
	g_assert_true(fw_store_host_pauses(f->s, 70, m, &err));
	g_assert_cmpuint(g_hash_table_size(m), ==, run->pg ? 1 : 0);
}

/* Pollers' heartbeats: made, renewed (started kept as given), listed by
 * name, forgotten on leaving; a poller silent for a week is forgotten by
 * the next beat of another. Nothing on SQLite. */
static void test_pollers(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_poller_free);
	g_autoptr(GError) err = NULL;
	struct fw_store_poller *p;

	sql_exec(f->path, run->pg ? "INSERT INTO pollers VALUES ('gone:1', 1, 10, 30, NULL)"
	                          : "SELECT 1");
	fw_store_set_poller_name(f->s, "b:2");
	g_assert_true(fw_store_poller_beat(f->s, 100, 100, 30, "0.1.0", &err));
	g_assert_true(fw_store_poller_beat(f->s, 100, 130, 30, "0.1.0", &err));
	fw_store_set_poller_name(f->s, "a:1");
	g_assert_true(fw_store_poller_beat(f->s, 120, 120 + FW_STORE_POLLER_FORGET, 2, NULL, &err));
	g_assert_true(fw_store_pollers(f->s, out, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, run->pg ? 2 : 0);
	if (!run->pg)
		return;
	p = out->pdata[1];
	g_assert_cmpstr(p->name, ==, "b:2");
	g_assert_cmpint(p->started, ==, 100);
	g_assert_cmpint(p->last_beat, ==, 130);
	g_assert_cmpint(p->beat_every, ==, 30);
	g_assert_cmpstr(p->version, ==, "0.1.0");
	p = out->pdata[0];
	g_assert_cmpstr(p->name, ==, "a:1");
	g_assert_null(p->version);
	g_assert_true(fw_store_poller_leave(f->s, &err));
	g_ptr_array_set_size(out, 0);
	g_assert_true(fw_store_pollers(f->s, out, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(out->len, ==, 1);
	g_assert_cmpstr(((struct fw_store_poller *)out->pdata[0])->name, ==, "b:2");
}

static void test_canonical(void)
{
	g_assert_null(fw_store_canonical_link(NULL));
	for (gsize i = 0; i < G_N_ELEMENTS(canon_rows); i++) {
		g_autofree char *got = fw_store_canonical_link(canon_rows[i].in);

		g_test_message("canon %s", canon_rows[i].in);
		g_assert_cmpstr(got, ==, canon_rows[i].want);
	}
}

/* Starts the private PostgreSQL unless FW_TEST_PG names one; its directory
 * (to stop it) in *dir. */
static void pg_server_start(char **dir)
{
	const char *given = g_getenv("FW_TEST_PG");
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	*dir = NULL;
	if (given && *given) {
		pg_server = g_strdup(given);
		return;
	}
	*dir = g_strdup_printf("/tmp/fwpg-unit.%d", (int)getpid());
	{
		char *argv[] = { "sh", "tests/helpers/pg.sh", "start", *dir, NULL };

		if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
		                  &status, &error) || !g_spawn_check_wait_status(status, NULL))
			g_error("cannot start PostgreSQL (tests/helpers/pg.sh, run from the top "
			        "directory): %s%s", error ? error->message : "", err ? err : "");
	}
	pg_server = g_strdup(g_strstrip(out));
}

static void pg_server_stop(char *dir)
{
	char *argv[] = { "sh", "tests/helpers/pg.sh", "stop", dir, NULL };

	if (dir)
		g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
		             NULL, NULL, NULL, NULL, NULL, NULL);
	g_free(dir);
}

/* Desks (team mode): a new subscriber starts at the newest hit; a desk's
 * outbox claims its topics' new hits once (not those of a first fetch, one
 * per story and topic) and returns them until they are shown; two
 * subscribers each get a hit, one name has one desk; read state and mutes
 * are each subscriber's. No desks on SQLite. */
static void test_subscribers(struct fixture *f, gconstpointer data)
{
	const struct run *run = data;
	char *topics[] = { "milei", NULL };
	g_autoptr(GPtrArray) rows =
		g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	g_autoptr(GPtrArray) subs =
		g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_subscriber_status_free);
	g_autoptr(GHashTable) m = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) err = NULL;
	struct fw_store *b, *c;
	struct fw_hit_row *row;
	gint64 feed, feed2, h1, h2, h6;
	gboolean fresh = FALSE;

	if (!run->pg) {
		g_assert_false(fw_store_subscribe(f->s, topics, "milei", 100, &fresh, &err));
		g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_FAILED);
		return;
	}
	feed = feed_id(f->s, "f");
	feed2 = feed_id(f->s, "g");
	add_hit(f->s, put_item(f->s, feed, "0", "Old", "https://a.example/0", 10), "milei",
	        FW_HIT_NOTIFIED_NONE, 0, 10, "old");
	fw_store_set_subscriber(f->s, "ana");
	g_assert_true(fw_store_subscribe(f->s, topics, "milei", 100, &fresh, &err));
	g_assert_no_error(err);
	g_assert_true(fresh);
	h1 = add_hit(f->s, put_item(f->s, feed, "1", "One", "https://a.example/1", 110), "milei",
	             FW_HIT_NOTIFIED_PENDING, 0, 110, "one");
	h2 = add_hit(f->s, put_item(f->s, feed, "2", "Two", "https://b.example/story", 110),
	             "milei", FW_HIT_NOTIFIED_PENDING, 0, 110, "two");
	/* the same story in another feed, another topic, a first fetch */
	add_hit(f->s, put_item(f->s, feed2, "3", "Two", "https://b.example/story/", 110), "milei",
	        FW_HIT_NOTIFIED_NONE, 0, 110, "two again");
	add_hit(f->s, put_item(f->s, feed, "4", "Four", "https://a.example/4", 110), "mercosur",
	        FW_HIT_NOTIFIED_PENDING, 0, 110, "four");
	add_hit(f->s, put_item(f->s, feed2, "5", "Five", "https://a.example/5", 110), "milei",
	        FW_HIT_NOTIFIED_INITIAL, 0, 110, "five");
	for (int pass = 0; pass < 2; pass++) {   /* claimed once, due until shown */
		g_ptr_array_set_size(rows, 0);
		g_assert_true(fw_store_outbox_due(f->s, 200, 0, rows, &err));
		g_assert_no_error(err);
		g_assert_cmpuint(rows->len, ==, 2);
		g_assert_cmpint(((struct fw_outbox_row *)rows->pdata[0])->id, ==, h1);
		g_assert_cmpint(((struct fw_outbox_row *)rows->pdata[0])->hit_id, ==, h1);
		g_assert_cmpint(((struct fw_outbox_row *)rows->pdata[1])->id, ==, h2);
		g_assert_cmpuint(((struct fw_outbox_row *)rows->pdata[1])->channel, ==, FW_CHANNEL_DESKTOP);
	}
	g_assert_cmpint(sql_int(f->path, "SELECT count(*) FROM shown"), ==, 2);
	g_assert_true(fw_store_outbox_done(f->s, h1, TRUE, NULL, 200, &err));
	g_assert_true(fw_store_outbox_done(f->s, h2, FALSE, "no", 200, &err));
	g_assert_no_error(err);
	g_ptr_array_set_size(rows, 0);
	g_assert_true(fw_store_outbox_due(f->s, 200, 0, rows, &err));
	g_assert_cmpuint(rows->len, ==, 0);   /* h2 waits for its backoff */
	g_assert_true(fw_store_outbox_due(f->s, 200 + FW_STORE_OUTBOX_BACKOFF, 0, rows, &err));
	g_assert_cmpuint(rows->len, ==, 1);

	/* a second desk starts at the newest hit, then gets the new ones too */
	b = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	fw_store_set_subscriber(b, "ben");
	g_assert_true(fw_store_subscribe(b, topics, "all", 300, &fresh, &err));
	g_assert_true(fresh);
	g_ptr_array_set_size(rows, 0);
	g_assert_true(fw_store_outbox_due(b, 300, 0, rows, &err));
	g_assert_cmpuint(rows->len, ==, 0);
	h6 = add_hit(f->s, put_item(f->s, feed, "6", "Six", "https://a.example/6", 310), "milei",
	             FW_HIT_NOTIFIED_PENDING, 0, 310, "six");
	g_assert_true(fw_store_outbox_due(b, 400, 0, rows, &err));
	g_assert_cmpuint(rows->len, ==, 1);
	g_assert_cmpint(((struct fw_outbox_row *)rows->pdata[0])->id, ==, h6);
	g_ptr_array_set_size(rows, 0);
	g_assert_true(fw_store_outbox_due(f->s, 400, 0, rows, &err));
	g_assert_cmpuint(rows->len, ==, 2);   /* h2 again and h6 */

	/* one desk per subscriber */
	c = fw_store_open(f->path, &err);
	g_assert_no_error(err);
	fw_store_set_subscriber(c, "ana");
	g_assert_false(fw_store_subscribe(c, topics, "milei", 400, NULL, &err));
	g_assert_error(err, FW_STORE_ERROR, FW_STORE_ERROR_BUSY);
	g_clear_error(&err);
	fw_store_free(c);

	/* read state and mutes: each subscriber's */
	g_assert_true(fw_store_hit_set_read(f->s, h1, TRUE, &err));
	g_assert_no_error(err);
	row = fw_store_hit_get(f->s, h1, &err);
	g_assert_true(row->read);
	fw_hit_row_free(row);
	row = fw_store_hit_get(b, h1, &err);
	g_assert_false(row->read);
	fw_hit_row_free(row);
	g_assert_true(fw_store_mute_set(f->s, "milei", 1000, 400, &err));
	g_assert_true(fw_store_mutes(b, 400, m, &err));
	g_assert_cmpuint(g_hash_table_size(m), ==, 0);
	g_assert_true(fw_store_mutes(f->s, 400, m, &err));
	g_assert_cmpuint(g_hash_table_size(m), ==, 1);
	g_assert_true(fw_store_subscribers(b, subs, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(subs->len, ==, 2);
	g_assert_cmpstr(((struct fw_subscriber_status *)subs->pdata[0])->name, ==, "ana");
	g_assert_cmpint(((struct fw_subscriber_status *)subs->pdata[0])->shown, ==, 1);
	g_assert_cmpstr(((struct fw_subscriber_status *)subs->pdata[1])->topics, ==, "all");
	fw_store_free(b);
}

/* The cases: name (under /store/sqlite and /store/pg), function, whether the
 * fixture leaves the store closed, whether it runs on PostgreSQL too. */
static const struct {
	const char *name;
	void (*fn)(struct fixture *f, gconstpointer data);
	gboolean noopen;
	gboolean pg;
} cases[] = {
	{ "/open", test_open, FALSE, FALSE },
	{ "/open/too-new", test_too_new, FALSE, TRUE },
	{ "/open/corrupt", test_corrupt, TRUE, FALSE },
	{ "/open/readonly", test_readonly, FALSE, FALSE },
	{ "/feed/polled", test_feed_polled, FALSE, TRUE },
	{ "/feed/statuses", test_feed_statuses, FALSE, TRUE },
	{ "/item/put", test_item_put, FALSE, TRUE },
	{ "/transaction", test_transaction, FALSE, TRUE },
	{ "/group", test_group, FALSE, TRUE },
	{ "/wal-reader", test_wal_reader, FALSE, TRUE },
	{ "/busy", test_busy, FALSE, FALSE },
	{ "/hit/duplicate", test_hit_duplicate, FALSE, TRUE },
	{ "/hit/notified", test_hit_notified, FALSE, TRUE },
	{ "/hit/story-notified", test_story_notified, FALSE, TRUE },
	{ "/hit/get-read", test_hit_get, FALSE, TRUE },
	{ "/hits/filter", test_hits_filter, FALSE, TRUE },
	{ "/browse/counts", test_browse_counts, FALSE, TRUE },
	{ "/outbox/deliver", test_outbox, FALSE, TRUE },
	{ "/outbox/backoff", test_outbox_backoff, FALSE, TRUE },
	{ "/feed/claims", test_claims, FALSE, TRUE },
	{ "/host-pauses", test_host_pauses, FALSE, TRUE },
	{ "/subscribers", test_subscribers, FALSE, TRUE },
	{ "/pollers", test_pollers, FALSE, TRUE },
	{ "/prune-foreach", test_prune_foreach, FALSE, TRUE },
	{ "/items/current", test_current_items, FALSE, TRUE },
	{ "/topics/learn", test_topics_learn, FALSE, TRUE },
	{ "/topics/learn-many", test_topics_learn_many, FALSE, TRUE },
	{ "/desk/stories", test_desk_stories, FALSE, TRUE },
	{ "/mutes", test_mutes, FALSE, TRUE },
	{ "/data-version", test_data_version, FALSE, FALSE },
	{ "/browse-signature", test_browse_signature, FALSE, TRUE },
	{ "/item/identity", test_identity, FALSE, TRUE },
	{ "/item/identity-autocommit", test_identity_autocommit, FALSE, TRUE },
	{ "/hits/also-in", test_also_in, FALSE, TRUE },
	{ "/hits/stories", test_stories, FALSE, TRUE },
	{ "/hits/story-kept", test_story_kept, FALSE, TRUE },
	{ "/hits/story-link", test_story_link, FALSE, TRUE },
	{ "/item/twins", test_item_twins, FALSE, TRUE },
	{ "/hits/story-race", test_story_race, FALSE, TRUE },
	{ "/hits/query-plans-pg", test_query_plans_pg, TRUE, TRUE },
	{ "/open/migrate-stories", test_migrate_stories, FALSE, TRUE },
	{ "/hits/query-plans", test_query_plans, FALSE, FALSE },
	{ "/hit/insert", test_hit_insert, FALSE, FALSE },
	{ "/open/migrate-v4", test_migrate_v4, TRUE, FALSE },
	{ "/open/migrate-v6", test_migrate_v6, TRUE, FALSE },
	{ "/item/body", test_body, FALSE, FALSE },
	{ "/item/body-damaged", test_body_damaged, FALSE, FALSE },
	{ "/item/body-dict", test_body_dict, FALSE, FALSE },
	{ "/item/body-words", test_body_words, FALSE, FALSE },
	{ "/item/body-dict-maintain", test_body_dict_maintain, FALSE, FALSE },
	{ "/item/body-packer", test_body_packer, FALSE, FALSE },
	{ "/feed/moved-gone", test_moved, FALSE, TRUE },
	{ "/open/migrate", test_migrate, TRUE, FALSE },
	{ "/durable", test_durable, FALSE, FALSE },
	{ "/maintain", test_maintain, FALSE, FALSE },
	{ "/retention", test_retention, FALSE, TRUE },
	{ "/item/last-seen", test_last_seen, FALSE, TRUE },
	{ "/full", test_full, FALSE, FALSE },
};

int main(int argc, char **argv)
{
	static struct run runs[2][2] = {
		{ { FALSE, FALSE }, { FALSE, TRUE } }, { { TRUE, FALSE }, { TRUE, TRUE } },
	};
	char *pg_dir = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	sqlite3_auto_extension((void (*)(void))spy_init);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		for (int pg = 0; pg <= (cases[i].pg ? 1 : 0); pg++) {
			g_autofree char *name = g_strdup_printf("/store/%s%s", pg ? "pg" : "sqlite",
			                                        cases[i].name);

			g_test_add(name, struct fixture, &runs[pg][cases[i].noopen], fixture_setup,
			           cases[i].fn, fixture_teardown);
		}
	}
	g_test_add_func("/store/canonical-link", test_canonical);
	g_test_add_func("/store/body-serialise", test_body_serialise);
	pg_server_start(&pg_dir);
	rc = g_test_run();
	pg_server_stop(pg_dir);
	g_free(pg_server);
	return rc;
}
