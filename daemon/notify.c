/* notify — desktop notifications through libnotify on a worker thread.
 * See include/feedwatch/notify.h for the contract.
 *
 * notify_notification_show is a synchronous D-Bus call (25 s on a hung
 * server), so it runs on a worker thread fed by a GAsyncQueue. The worker
 * pushes a private GMainContext as its thread-default before libnotify
 * creates its D-Bus proxy, so the proxy's signals (NotificationClosed...)
 * are dispatched on the worker, never on the caller's main loop. Outcomes go
 * back through one custom GSource attached to the caller's context. */
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <libnotify/notify.h>

#include "feedwatch/html.h"
#include "feedwatch/match.h"
#include "feedwatch/notify.h"

#define FW_NOTIFY_APP_NAME "feedwatch"
#define FW_NOTIFY_CATEGORY "x-feedwatch.hit"
#define FW_NOTIFY_TITLE_MAX 300      /* characters */
#define FW_NOTIFY_SNIPPET_MAX 400    /* characters */
#define FW_NOTIFY_NAME_MAX 100       /* characters of one topic name or the feed title */
#define FW_NOTIFY_SUMMARY_MAX 250    /* characters of the whole summary */
#define FW_NOTIFY_STOP_WAIT_MS 2000  /* how long free waits for the notice being shown */
#define FW_NOTIFY_BUS_NAME "org.freedesktop.Notifications"
#define FW_NOTIFY_BUS_TIMEOUT_MS 5000 /* for questions to the bus daemon itself */
#define FW_NOTIFY_ELLIPSIS "\xe2\x80\xa6"

/* libnotify keeps global state (app name, proxy): one worker at a time. */
static GMutex lib_lock;
static guint lib_users;

/* --- text --- */

/* Returns s made valid UTF-8 with control characters (C0, DEL, C1) turned
 * into spaces, one character for one, so character offsets stay right.
 * NULL gives "". Caller frees. */
static char *clean_text(const char *s, gboolean keep_newlines)
{
	g_autofree char *valid = fw_html_valid_utf8(s != NULL ? s : "", -1);
	GString *out = g_string_sized_new(strlen(valid) + 1);

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\n' && keep_newlines)
			g_string_append_c(out, '\n');
		else if (g_unichar_iscntrl(c) || c == 0xfffe || c == 0xffff)
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Returns the first max characters of valid UTF-8 s, with "…" appended when
 * something was cut. Caller frees. */
static char *cut_with_ellipsis(const char *s, glong max)
{
	const char *end;
	GString *out;

	if (g_utf8_strlen(s, -1) <= max)
		return g_strdup(s);
	end = g_utf8_offset_to_pointer(s, max);
	out = g_string_new_len(s, end - s);
	g_string_append(out, FW_NOTIFY_ELLIPSIS);
	return g_string_free(out, FALSE);
}

/* Appends s[0..len) escaped for Pango markup. */
static void append_escaped(GString *out, const char *s, gssize len)
{
	g_autofree char *esc = g_markup_escape_text(s, len);

	g_string_append(out, esc);
}

/* Compares two struct fw_span by start. */
static gint span_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start ? 1 : (gint)x->end - (gint)y->end;
}

char *fw_notice_summary(const char *const *topic_names, const char *feed_title)
{
	GString *s = g_string_new(NULL);
	g_autofree char *all = NULL;

	for (guint i = 0; topic_names != NULL && topic_names[i] != NULL; i++) {
		g_autofree char *clean = clean_text(topic_names[i], FALSE);
		g_autofree char *cut = cut_with_ellipsis(g_strstrip(clean), FW_NOTIFY_NAME_MAX);
		if (*cut == '\0')
			continue;
		if (s->len > 0)
			g_string_append(s, " \xc2\xb7 ");
		g_string_append(s, cut);
	}
	if (feed_title != NULL) {
		g_autofree char *clean = clean_text(feed_title, FALSE);
		g_autofree char *cut = cut_with_ellipsis(g_strstrip(clean), FW_NOTIFY_NAME_MAX);
		if (*cut != '\0') {
			if (s->len > 0)
				g_string_append(s, " \xe2\x80\x94 ");
			g_string_append(s, cut);
		}
	}
	all = g_string_free(s, FALSE);
	return cut_with_ellipsis(all, FW_NOTIFY_SUMMARY_MAX);
}

char *fw_notice_body(const char *title, const char *snippet, const GArray *marks)
{
	g_autofree char *t = clean_text(title, FALSE);
	g_autofree char *tcut = cut_with_ellipsis(g_strstrip(t), FW_NOTIFY_TITLE_MAX);
	g_autofree char *sn = clean_text(snippet, TRUE);
	g_autoptr(GArray) sorted = g_array_new(FALSE, FALSE, sizeof(struct fw_span));
	GString *out = g_string_new(NULL);
	glong len = g_utf8_strlen(sn, -1);
	glong cut = MIN(len, FW_NOTIFY_SNIPPET_MAX);
	glong pos = 0;

	append_escaped(out, tcut, -1);
	if (*sn == '\0')
		return g_string_free(out, FALSE);
	if (out->len > 0)
		g_string_append_c(out, '\n');

	if (marks != NULL)
		g_array_append_vals(sorted, marks->data, marks->len);
	g_array_sort(sorted, span_cmp);
	/* Never cut inside a mark: a mark across the cut ends the text before it. */
	for (guint i = 0; i < sorted->len; i++) {
		const struct fw_span *m = &g_array_index(sorted, struct fw_span, i);
		if (m->start < (guint)cut && m->end > (guint)cut && m->end <= (guint)len)
			cut = m->start;
	}
	for (guint i = 0; i < sorted->len; i++) {
		const struct fw_span *m = &g_array_index(sorted, struct fw_span, i);
		const char *a, *b, *c;
		/* Out of range, empty, overlapping the previous one, or past the cut: skipped. */
		if (m->start >= m->end || (glong)m->start < pos || (glong)m->end > cut)
			continue;
		a = g_utf8_offset_to_pointer(sn, pos);
		b = g_utf8_offset_to_pointer(sn, m->start);
		c = g_utf8_offset_to_pointer(sn, m->end);
		append_escaped(out, a, b - a);
		g_string_append(out, "<b>");
		append_escaped(out, b, c - b);
		g_string_append(out, "</b>");
		pos = m->end;
	}
	{
		const char *a = g_utf8_offset_to_pointer(sn, pos);
		const char *b = g_utf8_offset_to_pointer(sn, cut);
		append_escaped(out, a, b - a);
	}
	if (cut < len)
		g_string_append(out, FW_NOTIFY_ELLIPSIS);
	return g_string_free(out, FALSE);
}

/* The text callback of markup_to_plain: collects text. */
static void plain_text_cb(GMarkupParseContext *ctx, const char *text, gsize len,
                          gpointer data, GError **error)
{
	g_string_append_len(data, text, (gssize)len);
}

/* Turns body markup into plain text: tags dropped, entities decoded (for
 * servers without "body-markup"). Caller frees. */
static char *markup_to_plain(const char *markup)
{
	static const GMarkupParser parser = { .text = plain_text_cb };
	GString *out = g_string_new(NULL);
	g_autofree char *wrapped = g_strconcat("<m>", markup, "</m>", NULL);
	GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, out, NULL);
	gboolean ok = g_markup_parse_context_parse(ctx, wrapped, -1, NULL) &&
	              g_markup_parse_context_end_parse(ctx, NULL);

	g_markup_parse_context_free(ctx);
	if (!ok) {
		/* Not ours (fw_notice_body always parses): send it as it is. */
		g_string_assign(out, markup);
	}
	return g_string_free(out, FALSE);
}

void fw_notice_free(struct fw_notice *n)
{
	if (n == NULL)
		return;
	if (n->outbox_ids != NULL)
		g_array_unref(n->outbox_ids);
	g_free(n->summary);
	g_free(n->body);
	g_free(n->link);
	g_free(n);
}

/* --- the worker --- */

/* What came of one notice, from the worker to the main context. */
struct outcome {
	struct fw_notice *n;
	gboolean ok;
	char *error;
};

/* State shared by the notifier and its worker; freed by whoever lets go
 * last (the worker may outlive the notifier when a server hangs). */
struct shared {
	gint ref;
	GAsyncQueue *in;       /* struct fw_notice *, or the stop sentinel */
	GMutex lock;           /* guards everything below */
	GCond cond;
	GQueue out;            /* struct outcome * */
	GSource *src;          /* on the caller's context; NULL once freed */
	gboolean stopped;      /* the worker returned */
};

struct fw_notifier {
	struct shared *sh;
	GThread *thread;
	GMainContext *ctx;
	fw_notify_done_cb done;
	gpointer data;
	guint pending;         /* sent, done not called yet */
};

static char stop_sentinel;
#define STOP ((gpointer)&stop_sentinel)

/* Frees one outcome and its notice. */
static void outcome_free(gpointer p)
{
	struct outcome *o = p;

	fw_notice_free(o->n);
	g_free(o->error);
	g_free(o);
}

/* Drops a reference to sh; the last one frees it and what is still queued. */
static void shared_unref(struct shared *sh)
{
	gpointer n;

	if (!g_atomic_int_dec_and_test(&sh->ref))
		return;
	while ((n = g_async_queue_try_pop(sh->in)) != NULL) {
		if (n != STOP)
			fw_notice_free(n);
	}
	g_async_queue_unref(sh->in);
	g_queue_clear_full(&sh->out, outcome_free);
	g_mutex_clear(&sh->lock);
	g_cond_clear(&sh->cond);
	g_free(sh);
}

/* Maps our urgency to libnotify's. */
static NotifyUrgency urgency_of(enum fw_urgency u)
{
	switch (u) {
	case FW_URGENCY_LOW:
		return NOTIFY_URGENCY_LOW;
	case FW_URGENCY_CRITICAL:
		return NOTIFY_URGENCY_CRITICAL;
	default:
		return NOTIFY_URGENCY_NORMAL;
	}
}

/* Asks the server whether it renders body markup: 1 yes, 0 no, -1 no answer. */
static int server_has_markup(void)
{
	GList *caps = notify_get_server_caps();
	int has = 0;

	if (caps == NULL)
		return -1;
	for (GList *l = caps; l != NULL; l = l->next) {
		if (g_strcmp0(l->data, "body-markup") == 0)
			has = 1;
	}
	g_list_free_full(caps, g_free);
	return has;
}

/* Checks with the bus daemon (which answers at once, unlike a hung server)
 * that there is a session bus and a notification server on it, running or
 * activatable. FALSE with *error_out set when not: libnotify is then not
 * asked at all (it would log a warning of its own every time). */
static gboolean server_present(char **error_out)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &err);
	g_autoptr(GVariant) owned = NULL;
	g_autoptr(GVariant) names = NULL;
	gboolean has = FALSE;

	if (bus == NULL) {
		*error_out = g_strdup_printf("no session bus: %s", err->message);
		return FALSE;
	}
	owned = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
	                                    "org.freedesktop.DBus", "NameHasOwner",
	                                    g_variant_new("(s)", FW_NOTIFY_BUS_NAME),
	                                    G_VARIANT_TYPE("(b)"), G_DBUS_CALL_FLAGS_NONE,
	                                    FW_NOTIFY_BUS_TIMEOUT_MS, NULL, NULL);
	if (owned == NULL)
		return TRUE;    /* an odd bus: let libnotify try and report */
	g_variant_get(owned, "(b)", &has);
	if (has)
		return TRUE;
	names = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
	                                    "org.freedesktop.DBus", "ListActivatableNames", NULL,
	                                    G_VARIANT_TYPE("(as)"), G_DBUS_CALL_FLAGS_NONE,
	                                    FW_NOTIFY_BUS_TIMEOUT_MS, NULL, NULL);
	if (names == NULL)
		return TRUE;
	{
		g_autofree const char **list = NULL;
		g_variant_get(names, "(^a&s)", &list);
		for (guint i = 0; list != NULL && list[i] != NULL && !has; i++)
			has = strcmp(list[i], FW_NOTIFY_BUS_NAME) == 0;
	}
	if (!has)
		*error_out = g_strdup("no notification server (" FW_NOTIFY_BUS_NAME
		                      ") on the session bus");
	return has;
}

/* Shows n (blocking); returns TRUE or FALSE with *error_out set. *markup
 * caches the server's body-markup capability (-1 = not known yet). */
static gboolean show_notice(const struct fw_notice *n, int *markup, char **error_out)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *plain = NULL;
	NotifyNotification *nn;
	gboolean ok;

	if (!server_present(error_out)) {
		*markup = -1;
		return FALSE;
	}
	if (*markup < 0)
		*markup = server_has_markup();
	if (*markup != 1)
		plain = markup_to_plain(n->body != NULL ? n->body : "");
	nn = notify_notification_new(n->summary != NULL ? n->summary : "",
	                             plain != NULL ? plain : n->body, NULL);
	notify_notification_set_urgency(nn, urgency_of(n->urgency));
	notify_notification_set_category(nn, FW_NOTIFY_CATEGORY);
	notify_notification_set_app_name(nn, FW_NOTIFY_APP_NAME);
	notify_notification_set_hint_string(nn, "desktop-entry", FW_NOTIFY_APP_NAME);
	ok = notify_notification_show(nn, &err);
	g_object_unref(nn);
	if (!ok) {
		*error_out = g_strdup(err != NULL ? err->message : "notification not shown");
		*markup = -1;   /* ask again: the server may be another one next time */
	}
	return ok;
}

/* The worker: shows notices until the sentinel, posting each outcome. */
static gpointer worker_main(gpointer data)
{
	struct shared *sh = data;
	GMainContext *wctx = g_main_context_new();
	int markup = -1;
	gpointer item;

	g_main_context_push_thread_default(wctx);
	g_mutex_lock(&lib_lock);
	lib_users++;
	notify_init(FW_NOTIFY_APP_NAME);   /* does nothing when already done */
	g_mutex_unlock(&lib_lock);

	while ((item = g_async_queue_pop(sh->in)) != STOP) {
		struct outcome *o = g_new0(struct outcome, 1);

		o->n = item;
		g_mutex_lock(&lib_lock);
		o->ok = show_notice(o->n, &markup, &o->error);
		g_mutex_unlock(&lib_lock);
		/* Signals from the server (NotificationClosed) queue up here. */
		while (g_main_context_iteration(wctx, FALSE))
			;
		g_mutex_lock(&sh->lock);
		g_queue_push_tail(&sh->out, o);
		if (sh->src != NULL)
			g_source_set_ready_time(sh->src, 0);
		g_mutex_unlock(&sh->lock);
	}

	g_mutex_lock(&lib_lock);
	if (--lib_users == 0 && notify_is_initted())
		notify_uninit();
	g_mutex_unlock(&lib_lock);
	while (g_main_context_iteration(wctx, FALSE))
		;
	g_main_context_pop_thread_default(wctx);
	g_main_context_unref(wctx);

	g_mutex_lock(&sh->lock);
	sh->stopped = TRUE;
	g_cond_broadcast(&sh->cond);
	g_mutex_unlock(&sh->lock);
	shared_unref(sh);
	return NULL;
}

/* GSourceFuncs.dispatch of the outcome source: one shot per wake-up. */
static gboolean outcome_source_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	g_source_set_ready_time(src, -1);
	return cb(data);
}

static GSourceFuncs outcome_source_funcs = {
	.dispatch = outcome_source_dispatch,
};

/* On the caller's context: reports every outcome the worker posted. */
static gboolean outcomes_cb(gpointer data)
{
	struct fw_notifier *nt = data;

	for (;;) {
		struct outcome *o;

		g_mutex_lock(&nt->sh->lock);
		o = g_queue_pop_head(&nt->sh->out);
		g_mutex_unlock(&nt->sh->lock);
		if (o == NULL)
			break;
		if (nt->pending > 0)
			nt->pending--;
		if (nt->done != NULL)
			nt->done(o->n, o->ok, o->error, nt->data);
		outcome_free(o);
	}
	return G_SOURCE_CONTINUE;
}

struct fw_notifier *fw_notifier_new(GMainContext *ctx, fw_notify_done_cb done, gpointer data)
{
	struct fw_notifier *nt = g_new0(struct fw_notifier, 1);
	struct shared *sh = g_new0(struct shared, 1);


	sh->ref = 2;   /* the notifier and the worker */
	sh->in = g_async_queue_new();
	g_mutex_init(&sh->lock);
	g_cond_init(&sh->cond);
	g_queue_init(&sh->out);
	nt->sh = sh;
	nt->ctx = g_main_context_ref(ctx != NULL ? ctx : g_main_context_default());
	nt->done = done;
	nt->data = data;
	sh->src = g_source_new(&outcome_source_funcs, sizeof(GSource));
	g_source_set_callback(sh->src, outcomes_cb, nt, NULL);
	g_source_set_name(sh->src, "fw_notify outcomes");
	g_source_attach(sh->src, nt->ctx);
	nt->thread = g_thread_new("fw-notify", worker_main, sh);
	return nt;
}

void fw_notifier_send(struct fw_notifier *nt, struct fw_notice *n)
{
	if (n == NULL)
		return;
	nt->pending++;
	g_async_queue_push(nt->sh->in, n);
}

guint fw_notifier_pending(struct fw_notifier *nt)
{
	return nt != NULL ? nt->pending : 0;
}

void fw_notifier_free(struct fw_notifier *nt)
{
	struct shared *sh;
	gint64 deadline;
	gboolean stopped;

	if (nt == NULL)
		return;
	sh = nt->sh;
	g_async_queue_push_front(sh->in, STOP);
	deadline = g_get_monotonic_time() + FW_NOTIFY_STOP_WAIT_MS * G_TIME_SPAN_MILLISECOND;
	g_mutex_lock(&sh->lock);
	while (!sh->stopped && g_cond_wait_until(&sh->cond, &sh->lock, deadline))
		;
	stopped = sh->stopped;
	g_source_destroy(sh->src);
	g_source_unref(sh->src);
	sh->src = NULL;
	g_mutex_unlock(&sh->lock);
	if (stopped)
		g_thread_join(nt->thread);
	else
		g_thread_unref(nt->thread);   /* hung server: it frees its side when it returns */
	shared_unref(sh);
	g_main_context_unref(nt->ctx);
	g_free(nt);
}
