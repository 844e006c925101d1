/* desk — the desk notifier of team mode. See include/feedwatch/desk.h and
 * docs/design.md section 18. */
#include <string.h>
#include <time.h>

#include <glib-unix.h>

#include "feedwatch/desk.h"
#include "feedwatch/log.h"
#include "feedwatch/sched.h"

#define DESK_SOON_MS 100        /* a burst of NOTIFYs (one commit) makes one flush */
#define DESK_RETRY_MS 1000      /* asks the store to reconnect (it backs off itself) */
#define DESK_SLEEP_EVERY 5      /* seconds between looks at the suspend clock */
#define DESK_SLEEP_MIN (5 * G_USEC_PER_SEC)  /* a jump that long was a sleep */
#define DESK_AWAY "while away"

struct fw_desk {
	const struct fw_config *cfg;
	struct fw_store *store;
	struct fw_outbox *outbox;
	struct fw_outbox_opts opts;
	char **topics;          /* what it shows (fw_desk_topics) */
	guint conn;             /* fw_store_connection when it last subscribed */
	GSource *watch;         /* the connection's socket, while it is up */
	guint safety_id, retry_id, soon_id, sleep_id;
	gint64 slept;           /* CLOCK_BOOTTIME - CLOCK_MONOTONIC at the last look, µs */
	gboolean lost;          /* the connection went; retry_id runs */
	gboolean lost_warned;
	gboolean held_warned;   /* back, but another notifier holds the subscriber: said */
};

static gboolean desk_socket_cb(gint fd, GIOCondition cond, gpointer data);

char **
fw_desk_topics(const struct fw_config *cfg)
{
	GPtrArray *keys = g_ptr_array_new();

	for (guint i = 0; i < cfg->topics->len; i++) {
		const struct fw_topic_conf *t = cfg->topics->pdata[i];

		if ((t->channels & FW_CHANNEL_DESKTOP) &&
		    (cfg->subscribe == NULL || g_strv_contains((const char *const *)cfg->subscribe, t->key)))
			g_ptr_array_add(keys, g_strdup(t->key));
	}
	g_ptr_array_add(keys, NULL);
	return (char **)g_ptr_array_free(keys, FALSE);
}

/* How long the machine was suspended since boot, µs: what CLOCK_BOOTTIME
 * counts and CLOCK_MONOTONIC does not. */
static gint64
desk_suspended(void)
{
	struct timespec b, m;

	if (clock_gettime(CLOCK_BOOTTIME, &b) != 0 || clock_gettime(CLOCK_MONOTONIC, &m) != 0)
		return 0;
	return (b.tv_sec - m.tv_sec) * G_USEC_PER_SEC + (b.tv_nsec - m.tv_nsec) / 1000;
}

/* After a sleep, what came meanwhile is one summary. */
static void
desk_check_sleep(struct fw_desk *d)
{
	gint64 s = desk_suspended();

	if (s - d->slept >= DESK_SLEEP_MIN) {
		fw_log_info("the machine slept %" G_GINT64_FORMAT " s: hits stored meanwhile come as "
		            "one summary", (s - d->slept) / G_USEC_PER_SEC);
		fw_outbox_backlog(d->outbox, DESK_AWAY);
	}
	d->slept = s;
}

/* LISTENs, (re)registers the subscriber and watches the socket. */
static gboolean
desk_attach(struct fw_desk *d, GError **error)
{
	g_autofree char *configured = d->cfg->subscribe != NULL
	                              ? g_strjoinv(", ", d->cfg->subscribe) : g_strdup("all");
	gboolean fresh = FALSE;
	int fd = -1;

	if (!fw_store_listen(d->store, &fd, error) ||
	    !fw_store_subscribe(d->store, d->topics, configured, fw_now() + d->opts.clock_offset,
	                        &fresh, error))
		return FALSE;
	if (fresh)
		fw_log_info("new subscriber %s: starts at the newest hit", d->cfg->subscriber);
	d->conn = fw_store_connection(d->store);
	if (d->watch != NULL) {
		g_source_destroy(d->watch);
		g_source_unref(d->watch);
	}
	d->watch = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR | G_IO_NVAL);
	g_source_set_callback(d->watch, (GSourceFunc)(void (*)(void))desk_socket_cb, d, NULL);
	g_source_attach(d->watch, NULL);
	return TRUE;
}

static gboolean desk_retry_cb(gpointer data);

/* The connection went: stop watching it, hold what comes next for one
 * summary, and try again every DESK_RETRY_MS (the store backs off). */
static void
desk_lost(struct fw_desk *d, const char *why)
{
	if (d->watch != NULL) {
		g_source_destroy(d->watch);
		g_source_unref(d->watch);
		d->watch = NULL;
	}
	fw_outbox_backlog(d->outbox, DESK_AWAY);
	if (!d->lost_warned)
		fw_log_warn("lost the team database (%s): connecting again", why);
	d->lost_warned = TRUE;
	d->lost = TRUE;
	if (d->retry_id == 0)
		d->retry_id = g_timeout_add(DESK_RETRY_MS, desk_retry_cb, d);
}

/* Shows what is due; a reconnect the store made meanwhile is followed by
 * LISTEN and the subscriber's lock again. */
static void
desk_flush(struct fw_desk *d)
{
	g_autoptr(GError) err = NULL;

	desk_check_sleep(d);
	fw_outbox_flush(d->outbox);
	if (!d->lost && fw_store_connection(d->store) != d->conn && !desk_attach(d, &err))
		desk_lost(d, err->message);
}

static gboolean
desk_retry_cb(gpointer data)
{
	struct fw_desk *d = data;
	g_autoptr(GError) err = NULL;

	if (!desk_attach(d, &err)) {
		/* the database is back but another notifier took the subscriber
		 * while this one was away: said once, waited for */
		if (g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_BUSY) && !d->held_warned)
			fw_log_warn("connected to the team database again, but %s: showing nothing "
			            "until it stops", err->message);
		else
			fw_log_debug("still no team database: %s", err->message);
		d->held_warned |= g_error_matches(err, FW_STORE_ERROR, FW_STORE_ERROR_BUSY);
		return G_SOURCE_CONTINUE;
	}
	fw_log_info("connected to the team database again");
	d->retry_id = 0;
	d->lost = d->lost_warned = d->held_warned = FALSE;
	desk_flush(d);
	return G_SOURCE_REMOVE;
}

static gboolean
desk_soon_cb(gpointer data)
{
	struct fw_desk *d = data;

	d->soon_id = 0;
	if (!d->lost)
		desk_flush(d);
	return G_SOURCE_REMOVE;
}

/* Input on the connection: announcements of new hits, or its end. */
static gboolean
desk_socket_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct fw_desk *d = data;
	guint heard = 0;

	g_autoptr(GError) err = NULL;

	(void)fd;
	(void)cond;
	if (fw_store_connection(d->store) != d->conn) {
		/* the store connected again meanwhile (a write after a show):
		 * this socket is gone, watch the new one */
		if (!desk_attach(d, &err))
			desk_lost(d, err->message);
		return G_SOURCE_REMOVE;
	}
	if (!fw_store_heard(d->store, &heard)) {
		desk_lost(d, "the connection closed");
		return G_SOURCE_REMOVE;   /* desk_lost dropped its reference */
	}
	if (heard > 0 && d->soon_id == 0)
		d->soon_id = g_timeout_add(DESK_SOON_MS, desk_soon_cb, d);
	return G_SOURCE_CONTINUE;
}

/* Every FW_DESK_SAFETY seconds: a NOTIFY may have been missed; retries. */
static gboolean
desk_safety_cb(gpointer data)
{
	struct fw_desk *d = data;
	guint heard = 0;

	if (d->lost)
		return G_SOURCE_CONTINUE;
	if (!fw_store_heard(d->store, &heard)) {
		desk_lost(d, "the connection closed");
		return G_SOURCE_CONTINUE;
	}
	desk_flush(d);
	return G_SOURCE_CONTINUE;
}

/* Every DESK_SLEEP_EVERY seconds: a sleep shows as a jump of the suspend
 * clock; what the socket brings at wake-up is then one summary. */
static gboolean
desk_sleep_cb(gpointer data)
{
	struct fw_desk *d = data;
	gint64 before = d->slept;

	desk_check_sleep(d);
	if (d->slept != before && !d->lost && d->soon_id == 0)
		d->soon_id = g_timeout_add(DESK_SOON_MS, desk_soon_cb, d);
	return G_SOURCE_CONTINUE;
}

struct fw_desk *
fw_desk_new(const struct fw_config *cfg, struct fw_store *store,
            const struct fw_outbox_opts *opts, GError **error)
{
	struct fw_desk *d;

	if (!fw_store_is_team(store)) {
		g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_FAILED,
		            "--notify-only needs a team database (database = postgresql://...)");
		return NULL;
	}
	d = g_new0(struct fw_desk, 1);
	d->cfg = cfg;
	d->store = store;
	if (opts != NULL)
		d->opts = *opts;
	d->topics = fw_desk_topics(cfg);
	d->slept = desk_suspended();
	d->outbox = fw_outbox_new(NULL, cfg, store, &d->opts);
	if (!desk_attach(d, error)) {
		fw_desk_free(d);
		return NULL;
	}
	if (d->topics[0] == NULL)
		fw_log_warn("no subscribed topic has the desktop channel: nothing to show");
	/* what is waiting since it last looked: one summary */
	fw_outbox_backlog(d->outbox, DESK_AWAY);
	d->safety_id = g_timeout_add_seconds(FW_DESK_SAFETY, desk_safety_cb, d);
	d->sleep_id = g_timeout_add_seconds(DESK_SLEEP_EVERY, desk_sleep_cb, d);
	desk_flush(d);
	return d;
}

void
fw_desk_reconfigure(struct fw_desk *d, const struct fw_config *cfg)
{
	g_autoptr(GError) err = NULL;

	d->cfg = cfg;
	fw_outbox_reconfigure(d->outbox, cfg);
	g_strfreev(d->topics);
	d->topics = fw_desk_topics(cfg);
	if (!d->lost && !desk_attach(d, &err))
		desk_lost(d, err->message);
}

void
fw_desk_free(struct fw_desk *d)
{
	if (d == NULL)
		return;
	if (d->watch != NULL) {
		g_source_destroy(d->watch);
		g_source_unref(d->watch);
	}
	if (d->safety_id != 0)
		g_source_remove(d->safety_id);
	if (d->retry_id != 0)
		g_source_remove(d->retry_id);
	if (d->soon_id != 0)
		g_source_remove(d->soon_id);
	if (d->sleep_id != 0)
		g_source_remove(d->sleep_id);
	fw_outbox_free(d->outbox);
	g_strfreev(d->topics);
	g_free(d);
}
