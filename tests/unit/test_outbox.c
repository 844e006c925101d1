/* Tests for outbox: the dispatcher's policy over a real store, with its
 * clock moved (clock_offset): a new hit's starting state, digests (exec
 * channel), exec failures and the store's backoff, desktop rows held
 * without a bus; then, on a private session bus with the recording server
 * (tests/helpers/notify_server.py), quiet hours, coalescing and
 * max_per_hour. The D-Bus part is skipped when dbus-daemon or python3-gi
 * is missing. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "feedwatch/config.h"
#include "feedwatch/outbox.h"
#include "feedwatch/sched.h"
#include "feedwatch/store.h"

static char *argv0;
static char *tmpdir;
static char *bus_pid;
static gboolean have_bus;
static gint64 day;     /* a midnight (UTC) after today */

/* --- a store with hits, a config by hand --- */

struct fixture {
	char *db;
	struct fw_store *store;
	struct fw_config cfg;
	gint64 feed_id;
	guint items;
};

/* A topic (desktop by default) added to f's config. */
static struct fw_topic_conf *topic_add(struct fixture *f, const char *key, guint channels)
{
	struct fw_topic_conf *t = g_new0(struct fw_topic_conf, 1);

	t->key = g_strdup(key);
	t->name = g_strdup(key);
	t->query = g_strdup(key);
	t->channels = channels;
	t->urgency = FW_URGENCY_NORMAL;
	t->webhook_format = g_strdup("json");
	t->digest_at = 8 * 60;
	t->quiet_start = t->quiet_end = -1;
	g_ptr_array_add(f->cfg.topics, t);
	return t;
}

/* Frees a topic made by topic_add. */
static void topic_free(gpointer p)
{
	struct fw_topic_conf *t = p;

	g_free(t->key);
	g_free(t->name);
	g_free(t->query);
	g_strfreev(t->exec_argv);
	g_free(t->webhook);
	g_free(t->webhook_format);
	g_free(t);
}

/* A fresh store in tmpdir and an empty config. */
static void fixture_init(struct fixture *f)
{
	static guint serial;
	struct fw_feed_state st = { 0 };
	g_autoptr(GError) err = NULL;

	memset(f, 0, sizeof(*f));
	f->db = g_strdup_printf("%s/outbox-%u.db", tmpdir, ++serial);
	f->store = fw_store_open(f->db, &err);
	g_assert_no_error(err);
	g_assert_true(fw_store_feed_get(f->store, "news", "file:///news.xml", &st, &err));
	f->feed_id = st.id;
	fw_store_feed_state_clear(&st);
	f->cfg.topics = g_ptr_array_new_with_free_func(topic_free);
	f->cfg.feeds = g_ptr_array_new();
	f->cfg.timeout = 5;
	f->cfg.quiet_start = f->cfg.quiet_end = -1;
}

/* Closes the store and removes its files. */
static void fixture_clear(struct fixture *f)
{
	const char *ext[] = { "", "-wal", "-shm" };

	fw_store_free(f->store);
	for (guint i = 0; i < G_N_ELEMENTS(ext); i++) {
		g_autofree char *p = g_strconcat(f->db, ext[i], NULL);
		g_unlink(p);
	}
	g_ptr_array_unref(f->cfg.topics);
	g_ptr_array_unref(f->cfg.feeds);
	g_free(f->db);
}

/* One new item hitting topic, found at `found`, pending on channels. */
static gint64 hit_add(struct fixture *f, const char *topic, guint channels, gint64 found)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *id = g_strdup_printf("item-%u", ++f->items);
	g_autofree char *title = g_strdup_printf("%s story %u", topic, f->items);
	g_autofree char *link = g_strdup_printf("https://example.com/%u", f->items);
	g_autoptr(GPtrArray) cats = g_ptr_array_new();
	struct fw_item it = { .id = id, .title = title, .link = link, .categories = cats,
	                      .summary = title };
	struct fw_hit_new h = { 0 };
	enum fw_item_state state;
	gint64 rowid, hit_id;

	g_assert_true(fw_store_begin(f->store, &err));
	g_assert_true(fw_store_item_put(f->store, f->feed_id, &it, id, found, &rowid, &state, &err));
	h.item_rowid = rowid;
	h.topic = topic;
	h.topic_name = topic;
	h.snippet = title;
	h.marks_json = "[]";
	h.matched_json = "[]";
	h.notified = FW_HIT_NOTIFIED_PENDING;
	g_assert_true(fw_store_hit_add(f->store, &h, channels, found, &hit_id, &err));
	g_assert_true(fw_store_commit(f->store, &err));
	g_assert_no_error(err);
	return hit_id;
}

/* The notified field of every hit, oldest first, joined with spaces. */
static char *notified(struct fixture *f)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)fw_hit_row_free);
	struct fw_hit_filter flt = { .oldest_first = TRUE };
	GString *s = g_string_new(NULL);

	g_assert_true(fw_store_hits(f->store, &flt, rows, NULL));
	for (guint i = 0; i < rows->len; i++) {
		const struct fw_hit_row *r = rows->pdata[i];

		g_string_append_printf(s, "%s%s", i ? " " : "", fw_hit_notified_name(r->notified));
	}
	return g_string_free(s, FALSE);
}

/* Quits a loop (a time limit). */
static gboolean timeout_cb(gpointer data)
{
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Runs the default context until o is idle and a little more (so that
 * late events are seen), at most 20 s. */
static void settle(struct fw_outbox *o)
{
	gboolean late = FALSE, calm = FALSE;
	guint t1 = g_timeout_add_seconds(20, timeout_cb, &late);
	guint t2 = 0;

	while (!late && !calm) {
		if (!fw_outbox_busy(o) && t2 == 0)
			t2 = g_timeout_add(300, timeout_cb, &calm);
		g_main_context_iteration(NULL, TRUE);
	}
	if (!late)
		g_source_remove(t1);
	if (!calm && t2 != 0)
		g_source_remove(t2);
	g_assert_false(late);
}

/* A dispatcher whose clock reads now (and runs on). */
static struct fw_outbox *outbox_at(struct fixture *f, gint64 now)
{
	struct fw_outbox_opts opts = { .clock_offset = now - fw_now() };

	return fw_outbox_new(NULL, &f->cfg, f->store, &opts);
}

/* --- without a bus --- */

struct digest_row {
	int at;                   /* digest_at, minutes */
	gint64 now;               /* seconds after the digest moment D */
	gint64 found[3];          /* the hits, seconds after D; 0 ends */
	const char *expected;     /* notified, in order */
	guint runs;               /* program runs */
};

#define DAY 86400
static const struct digest_row digest_rows[] = {
	/* after digest_at: one run with everything found before it */
	{ 8 * 60, 60, { -3600, -7200 }, "delivered delivered", 1 },
	/* before digest_at: wait (found after yesterday's) */
	{ 8 * 60, -60, { -3600, -7200 }, "pending pending", 0 },
	/* found after today's digest_at: tomorrow's */
	{ 8 * 60, 120, { -3600, 60 }, "delivered pending", 1 },
	/* found before yesterday's digest_at: sent before today's */
	{ 8 * 60, -60, { -DAY - 10, -3600 }, "delivered pending", 1 },
	{ 0, 30, { -10 }, "delivered", 1 },
	{ 23 * 60 + 59, 1, { -1 }, "delivered", 1 },
};

/* Digest topics (exec channel) over digest_rows. */
static void test_digest(void)
{
	g_autofree char *out = g_build_filename(tmpdir, "digest.out", NULL);

	for (guint i = 0; i < G_N_ELEMENTS(digest_rows); i++) {
		const struct digest_row *r = &digest_rows[i];
		gint64 D = day + r->at * 60;
		struct fixture f;
		struct fw_topic_conf *t;
		struct fw_outbox *o;
		g_autofree char *got = NULL, *runs = NULL;
		g_autofree char *script = g_strdup_printf("cat >> '%s'; echo >> '%s'", out, out);
		const char *argv[] = { "/bin/sh", "-c", script, NULL };
		guint n = 0;

		g_unlink(out);
		fixture_init(&f);
		t = topic_add(&f, "daily", FW_CHANNEL_EXEC);
		t->digest = TRUE;
		t->digest_at = r->at;
		t->exec_argv = g_strdupv((char **)argv);
		for (guint k = 0; k < G_N_ELEMENTS(r->found) && r->found[k] != 0; k++)
			hit_add(&f, "daily", FW_CHANNEL_EXEC, MIN(D + r->found[k], D + r->now));
		o = outbox_at(&f, D + r->now);
		fw_outbox_flush(o);
		settle(o);
		fw_outbox_free(o);
		got = notified(&f);
		g_test_message("digest row %u: %s", i, got);
		g_assert_cmpstr(got, ==, r->expected);
		if (g_file_get_contents(out, &runs, NULL, NULL)) {
			/* each run writes one JSON line and an empty line */
			for (char *p = runs; (p = strstr(p, "\"digest\":true")) != NULL; p++)
				n++;
		}
		g_assert_cmpuint(n, ==, r->runs);
		fixture_clear(&f);
	}
	g_unlink(out);
}

/* A failing exec: one failed attempt, the hit pending, due again only
 * after the store's backoff (60 s). */
static void test_exec_backoff(void)
{
	const char *argv[] = { "/bin/false", NULL };
	g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	struct fixture f;
	struct fw_topic_conf *t;
	struct fw_outbox *o;
	g_autofree char *got = NULL;
	gint64 now = day + 3600;
	guint sent = 9, failed = 9;

	fixture_init(&f);
	t = topic_add(&f, "hook", FW_CHANNEL_EXEC);
	t->exec_argv = g_strdupv((char **)argv);
	hit_add(&f, "hook", FW_CHANNEL_EXEC, now);
	o = outbox_at(&f, now);
	fw_outbox_flush(o);
	settle(o);
	fw_outbox_stats(o, &sent, &failed);
	g_assert_cmpuint(sent, ==, 0);
	g_assert_cmpuint(failed, ==, 1);
	fw_outbox_free(o);
	got = notified(&f);
	g_assert_cmpstr(got, ==, "pending");
	g_assert_true(fw_store_outbox_due(f.store, now + 59, 10, due, NULL));
	g_assert_cmpuint(due->len, ==, 0);
	g_assert_true(fw_store_outbox_due(f.store, now + 61, 10, due, NULL));
	g_assert_cmpuint(due->len, ==, 1);
	g_assert_cmpint(((struct fw_outbox_row *)due->pdata[0])->attempts, ==, 1);
	fixture_clear(&f);
}

/* The lines of a file (0 when it is missing). */
static guint file_lines(const char *path)
{
	g_autofree char *text = NULL;
	guint n = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* A delivery the store cannot record (every write fails: another connection
 * holds the write lock, as a full disk would refuse it) is not sent again
 * at the next flushes; its outcome is written once the store can, and the
 * hook has run once. */
static void test_unrecorded(void)
{
	g_autofree char *log = g_build_filename(tmpdir, "unrecorded.log", NULL);
	g_autofree char *cmd = g_strdup_printf("echo run >> '%s'", log);
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct fixture f;
	struct fw_topic_conf *t;
	struct fw_outbox *o;
	sqlite3 *lock = NULL;
	gint64 now = day + 3600;
	g_autofree char *got = NULL;

	fixture_init(&f);
	t = topic_add(&f, "hook", FW_CHANNEL_EXEC);
	t->exec_argv = g_strdupv((char **)argv);
	hit_add(&f, "hook", FW_CHANNEL_EXEC, now);
	fw_store_set_busy_timeout(f.store, 20);
	g_assert_cmpint(sqlite3_open(f.db, &lock), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
	o = outbox_at(&f, now);
	for (int i = 0; i < 5; i++) {
		fw_outbox_flush(o);
		settle(o);
	}
	g_assert_cmpuint(file_lines(log), ==, 1);
	g_assert_false(fw_outbox_busy(o));   /* what waits is a write, not a delivery */
	g_assert_cmpint(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close(lock);
	fw_outbox_flush(o);
	settle(o);
	fw_outbox_flush(o);
	settle(o);
	g_assert_cmpuint(file_lines(log), ==, 1);
	got = notified(&f);
	g_assert_cmpstr(got, ==, "delivered");
	fw_outbox_free(o);
	fixture_clear(&f);
	g_unlink(log);
}

/* No session bus: desktop rows are held, pending, with no failed attempt;
 * exec rows of the same hits still go out. Runs before any bus test. */
static void test_no_bus(void)
{
	g_autofree char *addr = g_strdup(g_getenv("DBUS_SESSION_BUS_ADDRESS"));
	g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func((GDestroyNotify)fw_store_outbox_row_free);
	const char *argv[] = { "/bin/true", NULL };
	struct fixture f;
	struct fw_topic_conf *t;
	struct fw_outbox *o;
	gint64 now = day + 3600;
	guint sent, failed;

	g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/feedwatch-test", TRUE);
	fixture_init(&f);
	t = topic_add(&f, "milei", FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC);
	t->exec_argv = g_strdupv((char **)argv);
	for (guint i = 0; i < 5; i++)
		hit_add(&f, "milei", FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC, now);
	o = outbox_at(&f, now);
	fw_outbox_flush(o);
	settle(o);
	fw_outbox_flush(o);   /* held now: nothing handed to the notifier */
	g_assert_false(fw_outbox_busy(o));
	fw_outbox_stats(o, &sent, &failed);
	g_assert_cmpuint(sent, ==, 5);     /* the exec runs */
	g_assert_cmpuint(failed, ==, 1);   /* the one summary tried */
	fw_outbox_free(o);
	g_assert_true(fw_store_outbox_due(f.store, now, 10, due, NULL));
	g_assert_cmpuint(due->len, ==, 5);
	for (guint i = 0; i < due->len; i++) {
		struct fw_outbox_row *r = due->pdata[i];
		g_assert_cmpuint(r->channel, ==, FW_CHANNEL_DESKTOP);
		g_assert_cmpint(r->attempts, ==, 0);
	}
	fixture_clear(&f);
	g_setenv("DBUS_SESSION_BUS_ADDRESS", addr, TRUE);
}

/* --- a new hit's starting state --- */

static const struct {
	const char *name;
	guint channels;           /* the topic's */
	gboolean fetched;         /* the feed had a successful fetch before */
	gboolean notify_initial;
	int elsewhere;            /* the same link in another feed: -1 none, else its hit's state */
	gboolean here;            /* elsewhere is this feed's other item of the same title */
	gboolean twin;            /* the item's document lists that one beside it */
	enum fw_hit_notified want;
} admit_rows[] = {
	{ "pending", FW_CHANNEL_DESKTOP | FW_CHANNEL_EXEC, TRUE, FALSE, -1, FALSE, FALSE,
	  FW_HIT_NOTIFIED_PENDING },
	{ "no channel", 0, TRUE, FALSE, -1, FALSE, FALSE, FW_HIT_NOTIFIED_NONE },
	{ "no channel, first fetch", 0, FALSE, FALSE, -1, FALSE, FALSE, FW_HIT_NOTIFIED_NONE },
	{ "first fetch", FW_CHANNEL_WEBHOOK, FALSE, FALSE, -1, FALSE, FALSE, FW_HIT_NOTIFIED_INITIAL },
	{ "first fetch, notify_initial", FW_CHANNEL_WEBHOOK, FALSE, TRUE, -1, FALSE, FALSE,
	  FW_HIT_NOTIFIED_PENDING },
	{ "story pending elsewhere", FW_CHANNEL_DESKTOP, TRUE, FALSE, FW_HIT_NOTIFIED_PENDING, FALSE, FALSE,
	  FW_HIT_NOTIFIED_NONE },
	{ "story initial elsewhere", FW_CHANNEL_DESKTOP, TRUE, FALSE, FW_HIT_NOTIFIED_INITIAL, FALSE, FALSE,
	  FW_HIT_NOTIFIED_PENDING },
	{ "first fetch wins over the story", FW_CHANNEL_DESKTOP, FALSE, FALSE,
	  FW_HIT_NOTIFIED_PENDING, FALSE, FALSE, FW_HIT_NOTIFIED_INITIAL },
	/* this feed's under the same title: republished */
	{ "republished in this feed", FW_CHANNEL_DESKTOP, TRUE, FALSE, FW_HIT_NOTIFIED_PENDING,
	  TRUE, FALSE, FW_HIT_NOTIFIED_NONE },
	/* two items of one link and title in one document are two */
	{ "a twin in this feed", FW_CHANNEL_DESKTOP, TRUE, FALSE, FW_HIT_NOTIFIED_PENDING, TRUE,
	  TRUE, FW_HIT_NOTIFIED_PENDING },
	{ "a twin, the story elsewhere", FW_CHANNEL_DESKTOP, TRUE, FALSE, FW_HIT_NOTIFIED_PENDING,
	  FALSE, TRUE, FW_HIT_NOTIFIED_NONE },
};

/* fw_outbox_admit over admit_rows, on a real store. */
static void test_admit(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(admit_rows); i++) {
		struct fixture f;
		struct fw_topic_conf *t;
		struct fw_feed_state st = { 0 };
		g_autoptr(GError) err = NULL;
		g_autoptr(GPtrArray) cats = g_ptr_array_new();
		struct fw_item it = { .id = "x", .title = "X", .link = "https://example.com/story",
		                      .categories = cats };
		enum fw_item_state state;
		gint64 rowid, other;
		guint channels = 99;

		g_test_message("admit row: %s", admit_rows[i].name);
		fixture_init(&f);
		f.cfg.notify_initial = admit_rows[i].notify_initial;
		t = topic_add(&f, "milei", admit_rows[i].channels);
		if (admit_rows[i].elsewhere >= 0) {
			struct fw_hit_new h = { .topic = "milei", .notified = admit_rows[i].elsewhere };

			struct fw_item twin = it;

			twin.id = "y";
			if (admit_rows[i].here)   /* a variant of the link: a row of its own */
				twin.link = "https://example.com/story?utm_source=rss";
			g_assert_true(fw_store_feed_get(f.store, "other", "file:///o.xml", &st, &err));
			g_assert_true(fw_store_item_put(f.store, admit_rows[i].here ? f.feed_id : st.id,
			                                &twin, "h", 1, &other, &state, &err));
			h.item_rowid = other;
			g_assert_true(fw_store_hit_add(f.store, &h, FW_CHANNEL_DESKTOP, 1, NULL, &err));
			fw_store_feed_state_clear(&st);
		}
		it.link_twin = admit_rows[i].twin;
		g_assert_true(fw_store_item_put(f.store, f.feed_id, &it, "h", 1, &rowid, &state, &err));
		g_assert_no_error(err);
		g_assert_cmpint(state, ==, FW_ITEM_NEW);
		g_assert_cmpint(fw_outbox_admit(f.store, &f.cfg, t, rowid, admit_rows[i].twin,
		                                admit_rows[i].fetched, &channels), ==,
		                admit_rows[i].want);
		g_assert_cmpuint(channels, ==, admit_rows[i].want == FW_HIT_NOTIFIED_PENDING
		                               ? admit_rows[i].channels : 0);
		fixture_clear(&f);
	}
}

/* --- on a private bus with the recording server --- */

static gboolean bus_start(void);

/* TRUE when the D-Bus tests can run: starts the private bus the first time. */
static gboolean need_bus(void)
{
	if (have_bus && bus_pid == NULL && !bus_start())
		have_bus = FALSE;
	if (!have_bus)
		g_test_skip("no dbus-daemon or python3-gi");
	return have_bus;
}

/* Finds tests/helpers/NAME from the working directory or the binary's. */
static char *find_helper(const char *name)
{
	g_autofree char *dir = g_path_get_dirname(argv0);
	const char *ups[] = { "../..", "../../.." };
	char *p = g_build_filename("tests", "helpers", name, NULL);

	for (guint i = 0; !g_file_test(p, G_FILE_TEST_IS_REGULAR) && i < G_N_ELEMENTS(ups); i++) {
		g_free(p);
		p = g_build_filename(dir, ups[i], "tests", "helpers", name, NULL);
	}
	return p;
}

/* A session bus config without the system's service directories: no
 * notification server installed on the machine (dunst...) is activatable
 * on the test's bus. */
static const char bus_config[] =
	"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	"<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>"
	"<auth>EXTERNAL</auth><policy context=\"default\">"
	"<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
	"<allow own=\"*\"/></policy></busconfig>\n";

/* Starts a private session bus; sets DBUS_SESSION_BUS_ADDRESS. FALSE if it cannot. */
static gboolean bus_start(void)
{
	g_autofree char *conf = g_build_filename(tmpdir, "bus.conf", NULL);
	g_autofree char *conf_arg = g_strconcat("--config-file=", conf, NULL);
	const char *argv[] = { "dbus-daemon", conf_arg, "--fork", "--print-address=1",
	                       "--print-pid=1", NULL };
	g_autofree char *out = NULL;
	g_auto(GStrv) lines = NULL;
	gint status = 0;

	if (!g_file_set_contents(conf, bus_config, -1, NULL))
		return FALSE;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
	                  NULL, NULL, &out, NULL, &status, NULL) || status != 0)
		return FALSE;
	lines = g_strsplit(out, "\n", 3);
	if (g_strv_length(lines) < 2 || *lines[0] == '\0' || *lines[1] == '\0')
		return FALSE;
	g_setenv("DBUS_SESSION_BUS_ADDRESS", lines[0], TRUE);
	bus_pid = g_strdup(lines[1]);
	return TRUE;
}

struct server {
	GPid pid;
	char *log;
	char *ready;
};

/* Starts notify_server.py and waits until it owns the name. */
static void server_start(struct server *s)
{
	g_autofree char *script = find_helper("notify_server.py");
	g_autoptr(GError) err = NULL;
	const char *argv[] = { "/usr/bin/python3", script, "--log", NULL, "--ready", NULL, NULL };

	s->log = g_build_filename(tmpdir, "notify.log", NULL);
	s->ready = g_build_filename(tmpdir, "ready", NULL);
	g_unlink(s->log);
	g_unlink(s->ready);
	argv[3] = s->log;
	argv[5] = s->ready;
	g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
	                            NULL, &s->pid, &err));
	for (int i = 0; i < 200 && !g_file_test(s->ready, G_FILE_TEST_EXISTS); i++)
		g_usleep(50 * 1000);
	g_assert_true(g_file_test(s->ready, G_FILE_TEST_EXISTS));
}

/* Stops the server and waits for it. */
static void server_stop(struct server *s)
{
	int status;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &status, 0);
	g_spawn_close_pid(s->pid);
	g_unlink(s->log);
	g_unlink(s->ready);
	g_free(s->log);
	g_free(s->ready);
}

/* The summaries the server received, one a line. */
static char *summaries(struct server *s)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GString *out = g_string_new(NULL);

	if (!g_file_get_contents(s->log, &text, NULL, NULL))
		return g_string_free(out, FALSE);
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		/* "summary": "..." — enough for these plain summaries */
		char *p = strstr(lines[i], "\"summary\": \"");
		char *q = p != NULL ? strstr(p + 12, "\", \"body\"") : NULL;
		if (q != NULL)
			g_string_append_printf(out, "%s%.*s", out->len ? "\n" : "", (int)(q - p - 12),
			                       p + 12);
	}
	return g_string_free(out, FALSE);
}

struct quiet_row {
	const char *quiet;        /* "HH:MM-HH:MM" or NULL */
	int at;                   /* the clock, minutes after midnight */
	gboolean held;
};

static const struct quiet_row quiet_rows[] = {
	{ "22:00-07:00", 23 * 60, TRUE },
	{ "22:00-07:00", 22 * 60, TRUE },
	{ "22:00-07:00", 0, TRUE },
	{ "22:00-07:00", 6 * 60 + 59, TRUE },
	{ "22:00-07:00", 7 * 60, FALSE },
	{ "22:00-07:00", 21 * 60 + 59, FALSE },
	{ "09:00-17:00", 12 * 60, TRUE },
	{ "09:00-17:00", 17 * 60, FALSE },
	{ "09:00-17:00", 8 * 60 + 59, FALSE },
	{ "10:00-10:00", 10 * 60, FALSE },   /* an empty range holds nothing */
	{ NULL, 23 * 60, FALSE },
};

/* Parses "HH:MM-HH:MM" into minutes. */
static void parse_range(const char *s, int *start, int *end)
{
	int a, b, c, d;

	g_assert_cmpint(sscanf(s, "%d:%d-%d:%d", &a, &b, &c, &d), ==, 4);
	*start = a * 60 + b;
	*end = c * 60 + d;
}

/* Quiet hours over quiet_rows: a held hit stays pending, unseen. */
static void test_quiet(void)
{
	if (!need_bus())
		return;
	for (guint i = 0; i < G_N_ELEMENTS(quiet_rows); i++) {
		const struct quiet_row *r = &quiet_rows[i];
		gint64 now = day + r->at * 60;
		struct server s;
		struct fixture f;
		struct fw_topic_conf *t;
		struct fw_outbox *o;
		g_autofree char *got = NULL, *seen = NULL;

		server_start(&s);
		fixture_init(&f);
		t = topic_add(&f, "quiet", FW_CHANNEL_DESKTOP);
		if (r->quiet != NULL)
			parse_range(r->quiet, &t->quiet_start, &t->quiet_end);
		hit_add(&f, "quiet", FW_CHANNEL_DESKTOP, now - 10);
		o = outbox_at(&f, now);
		fw_outbox_flush(o);
		settle(o);
		fw_outbox_free(o);
		got = notified(&f);
		seen = summaries(&s);
		g_test_message("quiet row %u: %s [%s]", i, got, seen);
		g_assert_cmpstr(got, ==, r->held ? "pending" : "delivered");
		g_assert_cmpstr(seen, ==, r->held ? "" : "quiet \xe2\x80\x94 news");
		fixture_clear(&f);
		server_stop(&s);
	}
}

struct coalesce_row {
	guint items;              /* of one topic, in one flush */
	guint other;              /* and of another topic */
	const char *expected;     /* the summaries, one a line */
};

static const struct coalesce_row coalesce_rows[] = {
	{ 1, 0, "milei \xe2\x80\x94 news" },
	{ 3, 0, "milei \xe2\x80\x94 news\nmilei \xe2\x80\x94 news\nmilei \xe2\x80\x94 news" },
	/* a batch's summary is short: the count and the one feed (the titles
	 * are in its body, once) */
	{ 4, 0, "milei: 4 new \xe2\x80\x94 news" },
	{ 9, 1, "milei: 9 new \xe2\x80\x94 news\nother \xe2\x80\x94 news" },
};

/* Coalescing over coalesce_rows (after a first, empty flush: the first
 * flush of a dispatcher summarises what was already due). */
static void test_coalesce(void)
{
	if (!need_bus())
		return;
	for (guint i = 0; i < G_N_ELEMENTS(coalesce_rows); i++) {
		const struct coalesce_row *r = &coalesce_rows[i];
		gint64 now = day + 12 * 3600;
		struct server s;
		struct fixture f;
		struct fw_outbox *o;
		g_autofree char *got = NULL, *seen = NULL;

		server_start(&s);
		fixture_init(&f);
		topic_add(&f, "milei", FW_CHANNEL_DESKTOP);
		topic_add(&f, "other", FW_CHANNEL_DESKTOP);
		o = outbox_at(&f, now);
		fw_outbox_flush(o);
		for (guint k = 0; k < r->items; k++)
			hit_add(&f, "milei", FW_CHANNEL_DESKTOP, now - 10);
		for (guint k = 0; k < r->other; k++)
			hit_add(&f, "other", FW_CHANNEL_DESKTOP, now - 10);
		fw_outbox_flush(o);
		settle(o);
		fw_outbox_free(o);
		seen = summaries(&s);
		got = notified(&f);
		g_test_message("coalesce row %u: [%s] %s", i, seen, got);
		g_assert_cmpstr(seen, ==, r->expected);
		g_assert_null(strstr(got, "pending"));
		fixture_clear(&f);
		server_stop(&s);
	}
}

struct cap_row {
	guint max;                /* max_per_hour */
	guint flushes;            /* one item each */
	guint shown;
};

static const struct cap_row cap_rows[] = {
	{ 2, 5, 2 },
	{ 1, 2, 1 },
	{ 0, 3, 3 },              /* no cap */
	{ 5, 3, 3 },
};

/* max_per_hour over cap_rows: the rest stays pending. */
static void test_cap(void)
{
	if (!need_bus())
		return;
	for (guint i = 0; i < G_N_ELEMENTS(cap_rows); i++) {
		const struct cap_row *r = &cap_rows[i];
		gint64 now = day + 12 * 3600;
		struct server s;
		struct fixture f;
		struct fw_topic_conf *t;
		struct fw_outbox *o;
		g_autofree char *seen = NULL, *got = NULL;
		guint lines = 0, pending = 0;

		server_start(&s);
		fixture_init(&f);
		t = topic_add(&f, "capped", FW_CHANNEL_DESKTOP);
		t->max_per_hour = r->max;
		o = outbox_at(&f, now);
		fw_outbox_flush(o);
		for (guint k = 0; k < r->flushes; k++) {
			hit_add(&f, "capped", FW_CHANNEL_DESKTOP, now - 10);
			fw_outbox_flush(o);
			settle(o);
		}
		fw_outbox_free(o);
		seen = summaries(&s);
		got = notified(&f);
		for (char *p = seen; *p != '\0'; p++)
			lines += *p == '\n';
		lines += *seen != '\0';
		for (char *p = got; (p = strstr(p, "pending")) != NULL; p++)
			pending++;
		g_test_message("cap row %u: %u shown, %s", i, lines, got);
		g_assert_cmpuint(lines, ==, r->shown);
		g_assert_cmpuint(pending, ==, r->flushes - r->shown);
		fixture_clear(&f);
		server_stop(&s);
	}
}

int main(int argc, char **argv)
{
	int rc;
	g_autofree char *script = NULL;

	g_setenv("TZ", "UTC", TRUE);
	tzset();
	g_test_init(&argc, &argv, NULL);
	signal(SIGPIPE, SIG_IGN);
	argv0 = argv[0];
	day = (g_get_real_time() / G_USEC_PER_SEC / DAY + 2) * DAY;
	tmpdir = g_dir_make_tmp("fwoutbox.XXXXXX", NULL);
	script = find_helper("notify_server.py");
	g_test_add_func("/outbox/admit", test_admit);
	g_test_add_func("/outbox/digest", test_digest);
	g_test_add_func("/outbox/exec-backoff", test_exec_backoff);
	g_test_add_func("/outbox/unrecorded", test_unrecorded);
	g_test_add_func("/outbox/no-bus", test_no_bus);
	g_test_add_func("/outbox/quiet", test_quiet);
	g_test_add_func("/outbox/coalesce", test_coalesce);
	g_test_add_func("/outbox/cap", test_cap);
	/* the D-Bus tests start the bus after the others ran (one session
	 * connection per process): the tests run in the order added */
	have_bus = g_file_test("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) &&
	           g_file_test(script, G_FILE_TEST_IS_REGULAR) &&
	           g_spawn_command_line_sync("/usr/bin/python3 -c 'import gi'", NULL, NULL,
	                                     &rc, NULL) && rc == 0;
	/* no bus until the D-Bus tests start their own */
	g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/feedwatch-test", TRUE);
	rc = g_test_run();
	if (bus_pid != NULL)
		kill((pid_t)g_ascii_strtoll(bus_pid, NULL, 10), SIGTERM);
	g_free(bus_pid);
	{
		g_autofree char *conf = g_build_filename(tmpdir, "bus.conf", NULL);
		g_unlink(conf);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
	return rc;
}
