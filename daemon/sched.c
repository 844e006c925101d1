/* sched — see include/feedwatch/sched.h. */
#include "feedwatch/sched.h"

struct fw_sched {
	GMainContext *ctx;
	guint n;
	gint64 *due;          /* Unix seconds per feed; G_MAXINT64 = never */
	GSource *timer;       /* fires at the earliest due time */
	fw_sched_due_cb cb;
	gpointer data;
};

static void sched_arm(struct fw_sched *s);

gint64
fw_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* Fires every feed that is due, then re-arms for the next. */
static gboolean
sched_timer_cb(gpointer data)
{
	struct fw_sched *s = data;
	gint64 now = fw_now();

	g_source_unref(s->timer);
	s->timer = NULL;
	for (guint i = 0; i < s->n; i++) {
		if (s->due[i] <= now) {
			s->due[i] = G_MAXINT64;   /* the callback reschedules it */
			s->cb(i, s->data);
		}
	}
	sched_arm(s);
	return G_SOURCE_REMOVE;
}

gint64
fw_sched_next_due(struct fw_sched *s)
{
	gint64 min = G_MAXINT64;

	for (guint i = 0; i < s->n; i++)
		if (s->due[i] < min)
			min = s->due[i];
	return min;
}

/* (Re)starts the single timer for the earliest due feed. */
static void
sched_arm(struct fw_sched *s)
{
	gint64 next = fw_sched_next_due(s), wait;

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
	s->due = g_new(gint64, n ? n : 1);
	for (guint i = 0; i < n; i++)
		s->due[i] = G_MAXINT64;
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
	g_free(s);
}

void
fw_sched_set(struct fw_sched *s, guint i, gint64 when)
{
	g_return_if_fail(i < s->n);
	s->due[i] = when;
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
