/* notify-desktop — fw_notifier: desktop notifications through libnotify
 * (see include/feedwatch/notify.h).
 *
 * Desktop: notify_notification_show is a synchronous D-Bus call (25 s on a
 * hung server), so it runs on a worker thread. The worker owns a private
 * GMainContext, pushed as its thread default before libnotify makes its
 * D-Bus proxy, and runs a main loop on it: notices arrive through a
 * GAsyncQueue watched by a custom source (one notice per dispatch, so the
 * server's signals are handled between two notices), and ActionInvoked,
 * NotificationClosed and the bus name watch are dispatched there. Everything
 * the caller must hear about goes back as events through one custom GSource
 * attached to the caller's context. */
#include <string.h>

#include <gio/gio.h>
#include <glib.h>
#include <libnotify/notify.h>

#include "feedwatch/lazylib.h"
#include "feedwatch/notify.h"

/* libnotify, loaded by fw_notifier_new (lazylib.h): the functions this
 * file calls. */
#define NOTIFY_FUNCS(X) \
	X(notify_get_server_caps) \
	X(notify_init) \
	X(notify_is_initted) \
	X(notify_notification_add_action) \
	X(notify_notification_clear_actions) \
	X(notify_notification_new) \
	X(notify_notification_set_app_name) \
	X(notify_notification_set_category) \
	X(notify_notification_set_hint_string) \
	X(notify_notification_set_urgency) \
	X(notify_notification_show) \
	X(notify_notification_update) \
	X(notify_uninit)
FW_LAZYLIB(notify_lib, FW_SONAME_NOTIFY, NOTIFY_FUNCS)
#define notify_get_server_caps (*dl_notify_get_server_caps)
#define notify_init (*dl_notify_init)
#define notify_is_initted (*dl_notify_is_initted)
#define notify_notification_add_action (*dl_notify_notification_add_action)
#define notify_notification_clear_actions (*dl_notify_notification_clear_actions)
#define notify_notification_new (*dl_notify_notification_new)
#define notify_notification_set_app_name (*dl_notify_notification_set_app_name)
#define notify_notification_set_category (*dl_notify_notification_set_category)
#define notify_notification_set_hint_string (*dl_notify_notification_set_hint_string)
#define notify_notification_set_urgency (*dl_notify_notification_set_urgency)
#define notify_notification_show (*dl_notify_notification_show)
#define notify_notification_update (*dl_notify_notification_update)
#define notify_uninit (*dl_notify_uninit)

#define FW_NOTIFY_APP_NAME "feedwatch"
#define FW_NOTIFY_CATEGORY "x-feedwatch.hit"
#define FW_NOTIFY_STOP_WAIT_MS 2000  /* how long free waits for the notice being shown */
#define FW_NOTIFY_BUS_NAME "org.freedesktop.Notifications"
#define FW_NOTIFY_BUS_TIMEOUT_MS 5000 /* for questions to the bus daemon itself */
#define FW_NOTIFY_NO_SERVER_TEXT "no notification server (" FW_NOTIFY_BUS_NAME \
	") on the session bus"

/* libnotify keeps global state (app name, proxy): one worker at a time. */
static GMutex lib_lock;
static guint lib_users;

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

/* What the worker tells the caller's context. */
enum event_kind { EV_DONE, EV_ACTION, EV_SERVER };

struct event {
	enum event_kind kind;
	struct fw_notice *n;            /* EV_DONE, EV_ACTION */
	enum fw_notify_result result;   /* EV_DONE */
	enum fw_notify_action action;   /* EV_ACTION */
	gboolean present;               /* EV_SERVER */
	char *text;                     /* the error (EV_DONE) or why (EV_SERVER) */
};

/* State shared by the notifier and its worker; freed by whoever lets go
 * last (the worker may outlive the notifier when a server hangs). */
struct shared {
	gint ref;
	GAsyncQueue *in;       /* struct fw_notice *, or the probe or stop sentinel */
	GMainContext *wctx;    /* the worker's context */
	gint actions;          /* (atomic) show notices with actions */
	GMutex lock;           /* guards everything below */
	GCond cond;
	GQueue out;            /* struct event * */
	GSource *src;          /* on the caller's context; NULL once freed */
	gboolean stopped;      /* the worker returned */
};

struct fw_notifier {
	struct shared *sh;
	GThread *thread;
	GMainContext *ctx;
	fw_notify_done_cb done;
	fw_notify_action_cb action;
	fw_notify_server_cb server;
	gpointer data;
	guint pending;         /* sent, done not called yet */
};

/* A notification kept on the worker while it is on screen: for its actions
 * and for updates in place. */
struct live {
	struct worker *w;
	char *key;
	NotifyNotification *nn;
	struct fw_notice *n;   /* as last shown */
	gboolean closed;       /* the server closed it; let go at the next idle */
};

/* The worker's own state (its thread only). */
struct worker {
	struct shared *sh;
	GMainLoop *loop;
	int markup;            /* the server renders body markup: 1, 0, -1 not known */
	int actions;           /* the server has "actions": 1, 0, -1 not known */
	GHashTable *live;      /* key -> struct live * */
	GQueue order;          /* struct live *, oldest first */
	guint serial;
	guint watch;           /* the bus name watch */
	gboolean watch_done;   /* its user data was let go */
	GSource *reap;         /* idle source letting closed notifications go */
	gboolean start_failed; /* the bus could not start the (activatable) server:
	                          it counts as absent until one owns the name */
};

static char stop_sentinel, probe_sentinel;
#define STOP ((gpointer)&stop_sentinel)
#define PROBE ((gpointer)&probe_sentinel)

/* Frees one event and its notice. */
static void event_free(gpointer p)
{
	struct event *e = p;

	fw_notice_free(e->n);
	g_free(e->text);
	g_free(e);
}

/* Drops a reference to sh; the last one frees it and what is still queued. */
static void shared_unref(struct shared *sh)
{
	gpointer n;

	if (!g_atomic_int_dec_and_test(&sh->ref))
		return;
	while ((n = g_async_queue_try_pop(sh->in)) != NULL) {
		if (n != STOP && n != PROBE)
			fw_notice_free(n);
	}
	g_async_queue_unref(sh->in);
	g_main_context_unref(sh->wctx);
	g_queue_clear_full(&sh->out, event_free);
	g_mutex_clear(&sh->lock);
	g_cond_clear(&sh->cond);
	g_free(sh);
}

/* Queues an event for the caller's context and wakes it; takes e. */
static void post_event(struct shared *sh, struct event *e)
{
	g_mutex_lock(&sh->lock);
	g_queue_push_tail(&sh->out, e);
	if (sh->src != NULL)
		g_source_set_ready_time(sh->src, 0);
	g_mutex_unlock(&sh->lock);
}

/* Posts a server event. */
static void post_server(struct shared *sh, gboolean present, const char *why)
{
	struct event *e = g_new0(struct event, 1);

	e->kind = EV_SERVER;
	e->present = present;
	e->text = g_strdup(why);
	post_event(sh, e);
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

/* Asks the server for its capabilities: sets w->markup and w->actions
 * (-1 both when it does not answer). */
static void server_caps(struct worker *w)
{
	GList *caps = notify_get_server_caps();

	w->markup = w->actions = caps != NULL ? 0 : -1;
	for (GList *l = caps; l != NULL; l = l->next) {
		if (g_strcmp0(l->data, "body-markup") == 0)
			w->markup = 1;
		else if (g_strcmp0(l->data, "actions") == 0)
			w->actions = 1;
	}
	g_list_free_full(caps, g_free);
}

/* The session bus (the process-wide connection), set not to end the
 * process when it closes; NULL with error when there is none. */
static GDBusConnection *session_bus(GError **error)
{
	GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, error);

	if (bus != NULL)
		g_dbus_connection_set_exit_on_close(bus, FALSE);
	return bus;
}

/* Checks with the bus daemon (which answers at once, unlike a hung server)
 * that there is a session bus and a notification server on it, running or
 * activatable (unless starting it failed before). FALSE with *error_out set
 * when not: libnotify is then not asked at all (it would log a warning of
 * its own every time). */
static gboolean server_present(struct worker *w, char **error_out)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GDBusConnection) bus = session_bus(&err);
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
	if (w->start_failed) {
		*error_out = g_strdup("no notification server (" FW_NOTIFY_BUS_NAME
		                      ") running, and starting one failed");
		return FALSE;
	}
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
		*error_out = g_strdup(FW_NOTIFY_NO_SERVER_TEXT);
	return has;
}

/* Frees a live record and lets its notification go (under lib_lock: the
 * notification's dispose talks to libnotify's proxy). */
static void live_free(gpointer p)
{
	struct live *lv = p;

	g_mutex_lock(&lib_lock);
	g_signal_handlers_disconnect_by_data(lv->nn, lv);
	g_object_unref(lv->nn);
	g_mutex_unlock(&lib_lock);
	fw_notice_free(lv->n);
	g_free(lv->key);
	g_free(lv);
}

/* Forgets a live record. */
static void live_remove(struct worker *w, struct live *lv)
{
	g_queue_remove(&w->order, lv);
	g_hash_table_remove(w->live, lv->key);   /* frees lv */
}

/* Idle on the worker: lets go of the notifications the server closed (never
 * from inside their own "closed" emission). */
static gboolean reap_cb(gpointer data)
{
	struct worker *w = data;
	GList *l = w->order.head;

	while (l != NULL) {
		struct live *lv = l->data;
		l = l->next;
		if (lv->closed)
			live_remove(w, lv);
	}
	g_source_unref(w->reap);
	w->reap = NULL;
	return G_SOURCE_REMOVE;
}

/* Posts an action (or the close) of a live notification to the caller. */
static void post_action(struct live *lv, enum fw_notify_action action)
{
	struct event *e = g_new0(struct event, 1);

	e->kind = EV_ACTION;
	e->action = action;
	e->n = fw_notice_copy(lv->n);
	post_event(lv->w->sh, e);
}

/* libnotify's action callback (on the worker, from ActionInvoked). */
static void action_cb(NotifyNotification *nn, char *action, gpointer data)
{
	struct live *lv = data;

	if (strcmp(action, "read") == 0)
		post_action(lv, FW_NOTIFY_READ);
	else if (strcmp(action, "mute") == 0)
		post_action(lv, FW_NOTIFY_MUTE);
	else
		post_action(lv, FW_NOTIFY_OPEN);   /* "default" and "open" */
}

/* The "closed" signal: reports it and lets the notification go soon. */
static void closed_cb(NotifyNotification *nn, gpointer data)
{
	struct live *lv = data;
	struct worker *w = lv->w;

	if (lv->closed)
		return;
	lv->closed = TRUE;
	post_action(lv, FW_NOTIFY_CLOSED);
	if (w->reap == NULL) {
		w->reap = g_idle_source_new();
		g_source_set_callback(w->reap, reap_cb, w, NULL);
		g_source_attach(w->reap, w->sh->wctx);
	}
}

/* Sets text, hints and actions of nn for n. */
static void notification_fill(struct worker *w, NotifyNotification *nn, struct live *lv,
                              const struct fw_notice *n, gboolean with_actions)
{
	g_autofree char *plain = NULL;
	g_autofree char *summary = fw_notice_summary_inert(n->summary != NULL && *n->summary != '\0' ?
	                                                   n->summary : FW_NOTIFY_APP_NAME);

	if (w->markup != 1)
		plain = markup_to_plain(n->body != NULL ? n->body : "");
	notify_notification_update(nn, summary, plain != NULL ? plain : n->body, NULL);
	notify_notification_set_urgency(nn, urgency_of(n->urgency));
	notify_notification_set_category(nn, FW_NOTIFY_CATEGORY);
	notify_notification_set_app_name(nn, FW_NOTIFY_APP_NAME);
	notify_notification_set_hint_string(nn, "desktop-entry", FW_NOTIFY_APP_NAME);
	if (n->hit_ids != NULL && n->hit_ids->len > 0) {
		/* which hits it shows, for scripts and tests: "12 13 40" */
		GString *ids = g_string_new(NULL);

		for (guint i = 0; i < n->hit_ids->len; i++)
			g_string_append_printf(ids, "%s%" G_GINT64_FORMAT, i ? " " : "",
			                       g_array_index(n->hit_ids, gint64, i));
		notify_notification_set_hint_string(nn, "x-feedwatch-hits", ids->str);
		g_string_free(ids, TRUE);
	}
	notify_notification_clear_actions(nn);
	if (!with_actions)
		return;
	if (n->link != NULL) {
		notify_notification_add_action(nn, "default", "Open", action_cb, lv, NULL);
		notify_notification_add_action(nn, "open", "Open", action_cb, lv, NULL);
	}
	if (n->hit_ids != NULL && n->hit_ids->len > 0)
		notify_notification_add_action(nn, "read", "Mark read", action_cb, lv, NULL);
	if (n->topics != NULL && n->topics[0] != NULL)
		notify_notification_add_action(nn, "mute", "Mute topic for 24 h", action_cb, lv, NULL);
}

/* TRUE for the D-Bus errors that mean nobody is there to answer: the name
 * has no owner and could not be started. */
static gboolean no_server_error(const GError *err)
{
	if (err == NULL || err->domain != G_DBUS_ERROR)
		return FALSE;
	switch (err->code) {
	case G_DBUS_ERROR_SERVICE_UNKNOWN:
	case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
	case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
	case G_DBUS_ERROR_SPAWN_FORK_FAILED:
	case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
	case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
	case G_DBUS_ERROR_SPAWN_FAILED:
	case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
	case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
	case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
	case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
	case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
	case G_DBUS_ERROR_SPAWN_FILE_INVALID:
	case G_DBUS_ERROR_SPAWN_NO_MEMORY:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Shows n (blocking), in place of the live notification with its
 * replace_key if there is one, and posts the outcome; takes n. */
static void show_notice(struct worker *w, struct fw_notice *n)
{
	g_autoptr(GError) err = NULL;
	struct event *e = g_new0(struct event, 1);
	struct live *lv = NULL;
	gboolean with_actions, keep, ok;

	e->kind = EV_DONE;
	e->n = n;
	if (!server_present(w, &e->text)) {
		e->result = FW_NOTIFY_NO_SERVER;
		w->markup = w->actions = -1;
		post_event(w->sh, e);
		return;
	}
	if (n->replace_key != NULL) {
		lv = g_hash_table_lookup(w->live, n->replace_key);
		if (lv != NULL && lv->closed) {
			live_remove(w, lv);   /* closed and not reaped yet: a new one */
			lv = NULL;
		}
	}
	g_mutex_lock(&lib_lock);
	if (w->markup < 0)
		server_caps(w);
	with_actions = g_atomic_int_get(&w->sh->actions) && w->actions == 1;
	keep = with_actions || n->replace_key != NULL;
	if (lv == NULL && keep) {
		lv = g_new0(struct live, 1);
		lv->w = w;
		lv->key = n->replace_key != NULL ? g_strdup(n->replace_key)
		          : g_strdup_printf("#%u", ++w->serial);
		lv->nn = notify_notification_new(FW_NOTIFY_APP_NAME, NULL, NULL);
		g_signal_connect(lv->nn, "closed", G_CALLBACK(closed_cb), lv);
		g_hash_table_insert(w->live, lv->key, lv);
		g_queue_push_tail(&w->order, lv);
	}
	if (lv != NULL) {
		notification_fill(w, lv->nn, lv, n, with_actions);
		ok = notify_notification_show(lv->nn, &err);
	} else {
		NotifyNotification *nn = notify_notification_new(FW_NOTIFY_APP_NAME, NULL, NULL);
		notification_fill(w, nn, NULL, n, FALSE);
		ok = notify_notification_show(nn, &err);
		g_object_unref(nn);
	}
	g_mutex_unlock(&lib_lock);
	if (lv != NULL) {
		if (ok) {
			fw_notice_free(lv->n);
			lv->n = fw_notice_copy(n);
			g_queue_remove(&w->order, lv);   /* the newest now */
			g_queue_push_tail(&w->order, lv);
		} else {
			live_remove(w, lv);
		}
	}
	while (g_hash_table_size(w->live) > FW_NOTIFY_LIVE_MAX)
		live_remove(w, g_queue_peek_head(&w->order));
	if (ok) {
		e->result = FW_NOTIFY_SHOWN;
	} else if (no_server_error(err)) {
		/* activatable, but the bus could not start it (no display...) */
		e->result = FW_NOTIFY_NO_SERVER;
		e->text = g_strdup_printf("no notification server (" FW_NOTIFY_BUS_NAME
		                          ") could be started: %s", err->message);
		w->start_failed = TRUE;
		w->markup = w->actions = -1;
	} else {
		e->result = FW_NOTIFY_FAILED;
		e->text = g_strdup(err != NULL ? err->message : "notification not shown");
		w->markup = w->actions = -1;   /* ask again: the server may be another one next time */
	}
	post_event(w->sh, e);
}

/* The name watch: a server took org.freedesktop.Notifications. */
static void name_appeared_cb(GDBusConnection *bus, const char *name, const char *owner,
                             gpointer data)
{
	struct worker *w = data;

	w->markup = w->actions = -1;
	w->start_failed = FALSE;
	post_server(w->sh, TRUE, NULL);
}

/* The name watch: nobody owns the name (or there is no bus). The server
 * may still be activatable: asks the bus daemon before saying it is gone. */
static void name_vanished_cb(GDBusConnection *bus, const char *name, gpointer data)
{
	struct worker *w = data;
	g_autofree char *why = NULL;

	w->markup = w->actions = -1;
	if (bus == NULL)
		why = g_strdup("no session bus");
	else if (server_present(w, &why))
		return;
	post_server(w->sh, FALSE, why);
}

/* The name watch let go of its user data: nothing of it is in flight. */
static void watch_done_cb(gpointer data)
{
	struct worker *w = data;

	w->watch_done = TRUE;
}

/* A time limit: does nothing but end (its source is then destroyed). */
static gboolean limit_cb(gpointer data)
{
	return G_SOURCE_REMOVE;
}

/* Answers a probe: is there a server now? */
static void probe(struct worker *w)
{
	g_autofree char *why = NULL;
	gboolean present = server_present(w, &why);

	post_server(w->sh, present, why);
}

/* GSourceFuncs.prepare and .check of the input source: ready while the
 * queue holds something. */
static gboolean input_prepare(GSource *src, gint *timeout)
{
	struct worker *w = ((struct worker **)(src + 1))[0];

	*timeout = -1;
	return g_async_queue_length(w->sh->in) > 0;
}

static gboolean input_check(GSource *src)
{
	struct worker *w = ((struct worker **)(src + 1))[0];

	return g_async_queue_length(w->sh->in) > 0;
}

/* GSourceFuncs.dispatch of the input source: one item per dispatch. */
static gboolean input_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	struct worker *w = ((struct worker **)(src + 1))[0];
	gpointer item = g_async_queue_try_pop(w->sh->in);

	if (item == STOP)
		g_main_loop_quit(w->loop);
	else if (item == PROBE)
		probe(w);
	else if (item != NULL)
		show_notice(w, item);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs input_source_funcs = {
	.prepare = input_prepare,
	.check = input_check,
	.dispatch = input_dispatch,
};

/* The worker: a main loop on its own context until the stop sentinel. */
static gpointer worker_main(gpointer data)
{
	struct shared *sh = data;
	struct worker w = { .sh = sh, .markup = -1, .actions = -1 };
	GSource *input;

	g_main_context_push_thread_default(sh->wctx);
	g_mutex_lock(&lib_lock);
	lib_users++;
	notify_init(FW_NOTIFY_APP_NAME);   /* does nothing when already done */
	g_mutex_unlock(&lib_lock);
	w.loop = g_main_loop_new(sh->wctx, FALSE);
	w.live = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, live_free);
	g_queue_init(&w.order);
	input = g_source_new(&input_source_funcs, sizeof(GSource) + sizeof(struct worker *));
	((struct worker **)(input + 1))[0] = &w;
	g_source_set_name(input, "fw_notify input");
	g_source_attach(input, sh->wctx);
	{
		/* Connect first, so that the process-wide connection is made here
		 * and does not end the process when the bus goes away. */
		g_autoptr(GError) err = NULL;
		g_autoptr(GDBusConnection) bus = session_bus(&err);

		(void)bus;   /* only kept until the watch is set up */
		w.watch = g_bus_watch_name(G_BUS_TYPE_SESSION, FW_NOTIFY_BUS_NAME,
		                           G_BUS_NAME_WATCHER_FLAGS_NONE, name_appeared_cb,
		                           name_vanished_cb, &w, watch_done_cb);
	}

	g_main_loop_run(w.loop);

	/* Unwatch and wait (a little) until the watch lets go: a bus connection
	 * in the making would otherwise stay behind with its error cached. */
	g_bus_unwatch_name(w.watch);
	{
		GSource *limit = g_timeout_source_new(FW_NOTIFY_STOP_WAIT_MS / 2);
		g_source_set_callback(limit, limit_cb, NULL, NULL);
		g_source_attach(limit, sh->wctx);
		while (!w.watch_done && !g_source_is_destroyed(limit))
			g_main_context_iteration(sh->wctx, TRUE);
		g_source_destroy(limit);
		g_source_unref(limit);
	}
	g_source_destroy(input);
	g_source_unref(input);
	if (w.reap != NULL) {
		g_source_destroy(w.reap);
		g_source_unref(w.reap);
	}
	/* Let go of the notifications before notify_uninit, which would close
	 * those with actions (a D-Bus call each): they stay on screen. */
	g_queue_clear(&w.order);
	g_hash_table_unref(w.live);
	g_mutex_lock(&lib_lock);
	if (--lib_users == 0 && notify_is_initted())
		notify_uninit();
	g_mutex_unlock(&lib_lock);
	while (g_main_context_iteration(sh->wctx, FALSE))
		;
	g_main_loop_unref(w.loop);
	g_main_context_pop_thread_default(sh->wctx);

	g_mutex_lock(&sh->lock);
	sh->stopped = TRUE;
	g_cond_broadcast(&sh->cond);
	g_mutex_unlock(&sh->lock);
	shared_unref(sh);
	return NULL;
}

/* GSourceFuncs.dispatch of the event source: one shot per wake-up. */
static gboolean event_source_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	g_source_set_ready_time(src, -1);
	return cb(data);
}

static GSourceFuncs event_source_funcs = {
	.dispatch = event_source_dispatch,
};

/* On the caller's context: reports every event the worker posted. */
static gboolean events_cb(gpointer data)
{
	struct fw_notifier *nt = data;

	for (;;) {
		struct event *e;

		g_mutex_lock(&nt->sh->lock);
		e = g_queue_pop_head(&nt->sh->out);
		g_mutex_unlock(&nt->sh->lock);
		if (e == NULL)
			break;
		switch (e->kind) {
		case EV_DONE:
			if (nt->pending > 0)
				nt->pending--;
			if (nt->done != NULL)
				nt->done(e->n, e->result, e->text, nt->data);
			break;
		case EV_ACTION:
			if (nt->action != NULL)
				nt->action(e->n, e->action, nt->data);
			break;
		case EV_SERVER:
			if (nt->server != NULL)
				nt->server(e->present, e->text, nt->data);
			break;
		}
		event_free(e);
	}
	return G_SOURCE_CONTINUE;
}

struct fw_notifier *fw_notifier_new(GMainContext *ctx, fw_notify_done_cb done, gpointer data)
{
	struct fw_notifier *nt;
	struct shared *sh;

	fw_lazylib_require(&notify_lib);
	nt = g_new0(struct fw_notifier, 1);
	sh = g_new0(struct shared, 1);
	sh->ref = 2;   /* the notifier and the worker */
	sh->in = g_async_queue_new();
	sh->wctx = g_main_context_new();
	g_mutex_init(&sh->lock);
	g_cond_init(&sh->cond);
	g_queue_init(&sh->out);
	nt->sh = sh;
	nt->ctx = ctx != NULL ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	nt->done = done;
	nt->data = data;
	sh->src = g_source_new(&event_source_funcs, sizeof(GSource));
	g_source_set_callback(sh->src, events_cb, nt, NULL);
	g_source_set_name(sh->src, "fw_notify events");
	g_source_attach(sh->src, nt->ctx);
	nt->thread = g_thread_new("fw-notify", worker_main, sh);
	return nt;
}

void fw_notifier_set_callbacks(struct fw_notifier *nt, fw_notify_action_cb action,
                               fw_notify_server_cb server)
{
	nt->action = action;
	nt->server = server;
	g_atomic_int_set(&nt->sh->actions, action != NULL);
}

void fw_notifier_send(struct fw_notifier *nt, struct fw_notice *n)
{
	if (n == NULL)
		return;
	nt->pending++;
	g_async_queue_push(nt->sh->in, n);
	g_main_context_wakeup(nt->sh->wctx);
}

void fw_notifier_probe(struct fw_notifier *nt)
{
	g_async_queue_push(nt->sh->in, PROBE);
	g_main_context_wakeup(nt->sh->wctx);
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
	g_main_context_wakeup(sh->wctx);
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
