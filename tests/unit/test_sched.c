/* Tests for sched: fw_sched_next_poll as a table (interval, backoff, the
 * publisher's hint as a lower bound, Retry-After, jitter), then the single
 * timer: due feeds fire, others wait, a callback may reschedule. */
#include <glib.h>

#include "feedwatch/sched.h"

#define NOW G_GINT64_CONSTANT(1700000000)
#define DAY 86400
#define DECADE (G_GINT64_CONSTANT(10) * 365 * DAY)

struct row {
	gint64 interval;
	int failures;
	gint64 hint;
	gint64 retry_after;
	const char *key;    /* NULL: no jitter */
	gint64 wait;        /* expected next - now; with a key, the lowest allowed */
};

static const struct row rows[] = {
	/* success: the interval */
	{ 900, 0, 0, 0, NULL, 900 },
	{ 60, 0, 0, 0, NULL, 60 },
	{ 2 * DAY, 0, 0, 0, NULL, 2 * DAY },
	/* errors back off exponentially from the interval, capped at a day */
	{ 900, 1, 0, 0, NULL, 900 },
	{ 900, 2, 0, 0, NULL, 1800 },
	{ 900, 3, 0, 0, NULL, 3600 },
	{ 900, 7, 0, 0, NULL, 57600 },
	{ 900, 8, 0, 0, NULL, DAY },
	{ 900, 100, 0, 0, NULL, DAY },
	{ 900, G_MAXINT, 0, 0, NULL, DAY },
	{ 60, 11, 0, 0, NULL, 61440 },
	{ 60, 12, 0, 0, NULL, DAY },
	/* ...but never below the interval the user asked for */
	{ 2 * DAY, 1, 0, 0, NULL, 2 * DAY },
	{ 2 * DAY, 9, 0, 0, NULL, 2 * DAY },
	{ 5 * 3600, 3, 0, 0, NULL, 72000 },
	{ 5 * 3600, 4, 0, 0, NULL, DAY },
	/* the hint (ttl, sy:updatePeriod, max-age) is a lower bound: slower, never faster */
	{ 900, 0, 3600, 0, NULL, 3600 },
	{ 900, 0, 60, 0, NULL, 900 },
	{ 900, 0, 900, 0, NULL, 900 },
	{ 900, 0, 901, 0, NULL, 901 },
	{ 900, 0, DAY, 0, NULL, DAY },
	{ 900, 0, 31536000, 0, NULL, DAY },          /* max-age of a year: a day at most */
	{ 2 * DAY, 0, 3600, 0, NULL, 2 * DAY },
	{ 2 * DAY, 0, 31536000, 0, NULL, 2 * DAY },
	{ 900, 0, -5, 0, NULL, 900 },
	{ 900, 3, 7200, 0, NULL, 7200 },             /* backoff 3600 < hint */
	{ 900, 4, 3600, 0, NULL, 7200 },             /* backoff 7200 > hint */
	{ 900, 100, 31536000, 0, NULL, DAY },
	/* Retry-After: at least that long, clamped to [1 min, 1 day] */
	{ 900, 1, 0, 120, NULL, 900 },
	{ 900, 1, 0, 7200, NULL, 7200 },
	{ 900, 1, 0, 10, NULL, 900 },
	{ 60, 1, 0, 1, NULL, 60 },
	{ 60, 1, 0, 61, NULL, 61 },
	{ 30, 1, 0, 1, NULL, 60 },                   /* a file feed: the clamp's minute */
	{ 900, 1, 0, DECADE, NULL, DAY },
	{ 900, 8, 0, DECADE, NULL, DAY },
	{ 2 * DAY, 1, 0, DECADE, NULL, 2 * DAY },
	{ 900, 1, 3600, 7200, NULL, 7200 },
	{ 900, 1, 7200, 3600, NULL, 7200 },
	{ 900, 1, 0, 0, NULL, 900 },
	{ 900, 1, 0, -60, NULL, 900 },
	/* a nonsensical interval counts as one second */
	{ 0, 0, 0, 0, NULL, 1 },
	{ -10, 3, 0, 0, NULL, 4 },
	/* jitter: up to 5% more after a success, stable per key; none after errors */
	{ 900, 0, 0, 0, "feed-a", 900 },
	{ 900, 0, 0, 0, "feed-b", 900 },
	{ 900, 0, 3600, 0, "feed-a", 3600 },
	{ DAY, 0, 0, 0, "feed-a", DAY },
	{ 900, 2, 0, 0, "feed-a", 1800 },
	{ 900, 1, 0, 7200, "feed-a", 7200 },
};

/* Each row; with a key, within [wait, wait * 1.05) and the same every time. */
static void test_next_poll(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		const struct row *r = &rows[i];
		gint64 next = fw_sched_next_poll(NOW, r->interval, r->failures, r->hint,
		                                 r->retry_after, r->key);
		gint64 wait = next - NOW;

		g_test_message("row %u: interval %" G_GINT64_FORMAT " failures %d hint %"
		               G_GINT64_FORMAT " retry %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT,
		               i, r->interval, r->failures, r->hint, r->retry_after, wait);
		if (r->key == NULL || r->failures > 0) {
			g_assert_cmpint(wait, ==, r->wait);
		} else {
			g_assert_cmpint(wait, >=, r->wait);
			g_assert_cmpint(wait, <, r->wait + r->wait / 20);
		}
		g_assert_cmpint(fw_sched_next_poll(NOW, r->interval, r->failures, r->hint,
		                                   r->retry_after, r->key), ==, next);
	}
}

/* A thousand feeds at one interval spread over the 5% window. */
static void test_jitter_spread(void)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_int64_hash, g_int64_equal);
	gint64 *waits = g_new(gint64, 1000);

	for (guint i = 0; i < 1000; i++) {
		g_autofree char *key = g_strdup_printf("feed-%u", i);
		waits[i] = fw_sched_next_poll(NOW, 3600, 0, 0, 0, key) - NOW;
		g_assert_cmpint(waits[i], >=, 3600);
		g_assert_cmpint(waits[i], <, 3780);
		g_hash_table_add(seen, &waits[i]);
	}
	g_assert_cmpuint(g_hash_table_size(seen), >, 150);   /* of 180 possible */
	g_free(waits);
}

struct fire {
	GMainLoop *loop;
	struct fw_sched *s;
	guint count[3];
	gboolean reschedule;   /* feed 0 sets itself due again once */
};

/* Counts calls per feed; quits the loop. */
static void due_cb(guint i, gpointer data)
{
	struct fire *f = data;

	if (i >= G_N_ELEMENTS(f->count))
		g_error("no feed %u", i);
	f->count[i]++;
	if (i == 0 && f->reschedule) {
		f->reschedule = FALSE;
		fw_sched_set(f->s, 0, 0);   /* long past: due again at once */
		return;
	}
	g_main_loop_quit(f->loop);
}

/* Fails the test if the loop does not quit in time. */
static gboolean guard_cb(gpointer data)
{
	g_error("the scheduler did not fire");
	return G_SOURCE_REMOVE;
}

/* One timer for all: only due feeds fire, each once; next_due follows. */
static void test_timer(void)
{
	struct fire f = { .loop = g_main_loop_new(NULL, FALSE) };
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	guint guard = g_timeout_add_seconds(10, guard_cb, NULL);

	f.s = fw_sched_new(NULL, 3, due_cb, &f);
	g_assert_cmpint(fw_sched_next_due(f.s), ==, G_MAXINT64);
	fw_sched_set(f.s, 1, now - 10);
	fw_sched_set(f.s, 2, now + 3600);
	g_assert_cmpint(fw_sched_next_due(f.s), ==, now - 10);
	g_main_loop_run(f.loop);
	g_assert_cmpuint(f.count[0], ==, 0);
	g_assert_cmpuint(f.count[1], ==, 1);
	g_assert_cmpuint(f.count[2], ==, 0);
	/* A fired feed is not due until it is set again. */
	g_assert_cmpint(fw_sched_next_due(f.s), ==, now + 3600);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
	g_assert_cmpuint(f.count[1], ==, 1);

	/* A callback may set its own feed due again. */
	f.reschedule = TRUE;
	fw_sched_set(f.s, 0, now);
	g_main_loop_run(f.loop);
	g_assert_cmpuint(f.count[0], ==, 2);

	/* G_MAXINT64 = never. */
	fw_sched_set(f.s, 2, G_MAXINT64);
	g_assert_cmpint(fw_sched_next_due(f.s), ==, G_MAXINT64);
	fw_sched_free(f.s);
	fw_sched_free(NULL);
	g_source_remove(guard);
	g_main_loop_unref(f.loop);
}

/* The earliest due time follows any sequence of settings (checked against
 * a scan of every feed after each), feeds set never included. */
static void test_heap(void)
{
	enum { N = 2000, OPS = 20000 };
	struct fw_sched *s = fw_sched_new(NULL, N, due_cb, NULL);
	gint64 *due = g_new(gint64, N);
	GRand *r = g_rand_new_with_seed(19);
	gint64 base = g_get_real_time() / G_USEC_PER_SEC + 86400;   /* nothing fires */

	for (guint i = 0; i < N; i++)
		due[i] = G_MAXINT64;
	for (guint k = 0; k < OPS; k++) {
		guint i = g_rand_int_range(r, 0, N);
		gint64 want = G_MAXINT64;

		/* a few equal times, some never, most anywhere in a day */
		switch (g_rand_int_range(r, 0, 8)) {
		case 0: due[i] = G_MAXINT64; break;
		case 1: due[i] = base; break;
		default: due[i] = base + g_rand_int_range(r, 0, 86400); break;
		}
		fw_sched_set(s, i, due[i]);
		for (guint j = 0; j < N; j++)
			want = MIN(want, due[j]);
		g_assert_cmpint(fw_sched_next_due(s), ==, want);
	}
	/* every feed set never: nothing is due */
	for (guint i = 0; i < N; i++)
		fw_sched_set(s, i, G_MAXINT64);
	g_assert_cmpint(fw_sched_next_due(s), ==, G_MAXINT64);
	g_rand_free(r);
	g_free(due);
	fw_sched_free(s);
}

struct many {
	GMainLoop *loop;
	guint *count;
	guint fired;
	guint want;
	gint last;      /* the feed fired last, -1 none */
};

/* Counts the calls of each feed, which come in the config's order; quits
 * after the last one expected. */
static void many_cb(guint i, gpointer data)
{
	struct many *m = data;

	g_assert_cmpint((gint)i, >, m->last);
	m->last = (gint)i;
	m->count[i]++;
	if (++m->fired == m->want)
		g_main_loop_quit(m->loop);
}

/* Of many feeds, those due (set in any order, several at the same second)
 * fire once each, in the config's order, and the others not at all. */
static void test_many_due(void)
{
	enum { N = 3000 };
	struct many m = { .loop = g_main_loop_new(NULL, FALSE), .count = g_new0(guint, N), .last = -1 };
	struct fw_sched *s = fw_sched_new(NULL, N, many_cb, &m);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	guint guard = g_timeout_add_seconds(10, guard_cb, NULL);

	for (guint k = 0; k < N; k++) {
		guint i = (k * 7919u) % N;   /* a permutation of 0..N-1 */
		fw_sched_set(s, i, i % 3 == 0 ? now + 3600 + i : now - (gint64)(i % 5));
		m.want += i % 3 != 0;
	}
	g_main_loop_run(m.loop);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
	for (guint i = 0; i < N; i++)
		g_assert_cmpuint(m.count[i], ==, i % 3 == 0 ? 0 : 1);
	g_assert_cmpint(fw_sched_next_due(s), ==, now + 3600);
	g_source_remove(guard);
	fw_sched_free(s);
	g_free(m.count);
	g_main_loop_unref(m.loop);
}

/* A scheduler of no feeds is fine. */
static void test_empty(void)
{
	struct fw_sched *s = fw_sched_new(NULL, 0, due_cb, NULL);

	g_assert_cmpint(fw_sched_next_due(s), ==, G_MAXINT64);
	fw_sched_free(s);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sched/next-poll", test_next_poll);
	g_test_add_func("/sched/jitter-spread", test_jitter_spread);
	g_test_add_func("/sched/timer", test_timer);
	g_test_add_func("/sched/empty", test_empty);
	g_test_add_func("/sched/heap", test_heap);
	g_test_add_func("/sched/many-due", test_many_due);
	return g_test_run();
}
