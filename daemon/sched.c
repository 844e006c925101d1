/* sched — see include/feedwatch/sched.h. */
#include "feedwatch/sched.h"

/* The due feeds in a binary min-heap of feed indices ordered by due time,
 * with each feed's place in it: setting a feed, and taking the earliest,
 * cost O(log n), so a cycle of n feeds is O(n log n) (a scan of every feed
 * per poll made a cycle of 100,000 feeds O(n^2)). Feeds never due are not
 * in the heap. Times are kept as 32-bit Unix seconds (until 2106): 12 bytes
 * a feed, not 16. */
struct fw_sched {
	GMainContext *ctx;
	guint n;
	guint32 *due;         /* Unix seconds per feed; SCHED_NEVER = never */
	guint *heap;          /* feed indices, heap[0] the earliest */
	guint *pos;           /* where feed i is in heap, or SCHED_OUT */
	guint len;            /* feeds in the heap */
	GSource *timer;       /* fires at the earliest due time */
	gint64 armed;         /* the due time the timer is for */
	gboolean firing;      /* in sched_timer_cb: it arms the timer when done */
	fw_sched_due_cb cb;
	gpointer data;
};

#define SCHED_OUT G_MAXUINT
#define SCHED_NEVER G_MAXUINT32

/* A time as kept: clamped to what 32 bits hold (before 1970 is due as much
 * as 1970; G_MAXINT64 is never). */
static guint32
sched_time(gint64 when)
{
	if (when == G_MAXINT64)
		return SCHED_NEVER;
	return (guint32)CLAMP(when, 0, (gint64)SCHED_NEVER - 1);
}

static void sched_arm(struct fw_sched *s);

gint64
fw_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* Puts feed f at heap place k. */
static void
heap_place(struct fw_sched *s, guint k, guint f)
{
	s->heap[k] = f;
	s->pos[f] = k;
}

/* Moves the feed at place k up while it is due before its parent. */
static void
heap_up(struct fw_sched *s, guint k)
{
	guint f = s->heap[k];

	while (k > 0 && s->due[s->heap[(k - 1) / 2]] > s->due[f]) {
		heap_place(s, k, s->heap[(k - 1) / 2]);
		k = (k - 1) / 2;
	}
	heap_place(s, k, f);
}

/* Moves the feed at place k down while a child is due before it. */
static void
heap_down(struct fw_sched *s, guint k)
{
	guint f = s->heap[k];

	for (;;) {
		guint c = 2 * k + 1;
		if (c >= s->len)
			break;
		if (c + 1 < s->len && s->due[s->heap[c + 1]] < s->due[s->heap[c]])
			c++;
		if (s->due[s->heap[c]] >= s->due[f])
			break;
		heap_place(s, k, s->heap[c]);
		k = c;
	}
	heap_place(s, k, f);
}

/* Takes feed f out of the heap (if it is there). */
static void
heap_remove(struct fw_sched *s, guint f)
{
	guint k = s->pos[f], last;

	if (k == SCHED_OUT)
		return;
	s->pos[f] = SCHED_OUT;
	last = s->heap[--s->len];
	if (k == s->len)
		return;
	heap_place(s, k, last);
	heap_up(s, k);
	heap_down(s, s->pos[last]);
}

/* Orders feed indices. */
static gint
index_cmp(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return (x > y) - (x < y);
}

/* Fires every feed that is due, in the order of the config, then re-arms
 * for the next. The due feeds are taken out first, so a callback that sets
 * its feed due again (even in the past) has it fire at the next round, not
 * in this one. */
static gboolean
sched_timer_cb(gpointer data)
{
	struct fw_sched *s = data;
	gint64 now = fw_now();
	GArray *fire = g_array_new(FALSE, FALSE, sizeof(guint));

	g_source_unref(s->timer);
	s->timer = NULL;
	while (s->len > 0 && s->due[s->heap[0]] <= now) {
		guint f = s->heap[0];
		heap_remove(s, f);
		s->due[f] = SCHED_NEVER;   /* the callback reschedules it */
		g_array_append_val(fire, f);
	}
	g_array_sort(fire, index_cmp);
	s->firing = TRUE;
	for (guint k = 0; k < fire->len; k++)
		s->cb(g_array_index(fire, guint, k), s->data);
	s->firing = FALSE;
	g_array_unref(fire);
	sched_arm(s);
	return G_SOURCE_REMOVE;
}

gint64
fw_sched_next_due(struct fw_sched *s)
{
	return s->len > 0 ? (gint64)s->due[s->heap[0]] : G_MAXINT64;
}

/* (Re)starts the single timer for the earliest due feed, unless it is
 * already set for that time. */
static void
sched_arm(struct fw_sched *s)
{
	gint64 next = fw_sched_next_due(s), wait;

	if (s->firing || (s->timer != NULL && s->armed == next))
		return;
	if (s->timer != NULL) {
		g_source_destroy(s->timer);
		g_source_unref(s->timer);
		s->timer = NULL;
	}
	if (next == G_MAXINT64)
		return;
	wait = next - fw_now();
	if (wait < 0)
		wait = 0;
	if (wait > 86400)
		wait = 86400;
	s->armed = next;
	s->timer = wait == 0 ? g_timeout_source_new(0) : g_timeout_source_new_seconds((guint)wait);
	g_source_set_callback(s->timer, sched_timer_cb, s, NULL);
	g_source_attach(s->timer, s->ctx);
}

struct fw_sched *
fw_sched_new(GMainContext *ctx, guint n, fw_sched_due_cb due, gpointer data)
{
	struct fw_sched *s = g_new0(struct fw_sched, 1);

	s->ctx = ctx ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	s->n = n;
	s->due = g_new(guint32, n ? n : 1);
	s->heap = g_new(guint, n ? n : 1);
	s->pos = g_new(guint, n ? n : 1);
	for (guint i = 0; i < n; i++) {
		s->due[i] = SCHED_NEVER;
		s->pos[i] = SCHED_OUT;
	}
	s->cb = due;
	s->data = data;
	return s;
}

void
fw_sched_free(struct fw_sched *s)
{
	if (s == NULL)
		return;
	if (s->timer != NULL) {
		g_source_destroy(s->timer);
		g_source_unref(s->timer);
	}
	g_main_context_unref(s->ctx);
	g_free(s->due);
	g_free(s->heap);
	g_free(s->pos);
	g_free(s);
}

void
fw_sched_set(struct fw_sched *s, guint i, gint64 when)
{
	g_return_if_fail(i < s->n);
	heap_remove(s, i);
	s->due[i] = sched_time(when);
	if (s->due[i] != SCHED_NEVER) {
		s->pos[i] = s->len;
		s->heap[s->len++] = i;
		heap_up(s, s->len - 1);
	}
	sched_arm(s);
}

gint64
fw_sched_next_poll(gint64 now, gint64 interval, int failures, gint64 hint,
                   gint64 retry_after, const char *key)
{
	gint64 wait;

	interval = MAX(interval, 1);
	wait = interval;
	if (failures > 0) {
		for (int i = 1; i < failures && wait < FW_SCHED_DAY; i++)
			wait *= 2;
		if (wait > FW_SCHED_DAY)
			wait = MAX(interval, FW_SCHED_DAY);
	}
	if (hint > 0)
		wait = MAX(wait, MIN(hint, FW_SCHED_DAY));
	if (failures <= 0 && key != NULL) {
		/* Jitter stable per feed, so a thousand feeds do not fire at once. */
		gint64 h = (gint64)(g_str_hash(key) % 1000);
		wait += wait / 20000 * h + wait % 20000 * h / 20000;
	}
	if (retry_after > 0)
		wait = MAX(wait, CLAMP(retry_after, FW_SCHED_RETRY_MIN, FW_SCHED_DAY));
	return now + wait;
}
