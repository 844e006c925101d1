/* feedwatch poll — one poll cycle now, in the foreground; or, when
 * feedwatchd runs, ask it to poll now. See feedwatch(1). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "feedwatch/lock.h"
#include "feedwatch/log.h"
#include "feedwatch/poll.h"

#include "cli.h"

/* A foreground cycle: how many feeds are still to finish. */
struct poll_run {
	GMainLoop *loop;
	struct fw_poller *poller;
	guint waiting;
	guint8 *done;         /* a byte a feed of the config: its poll was counted */
	gboolean interrupted;
};

/* The time a one-shot poll gives the notification server in all. */
#define FW_POLL_NOTIFY_BUDGET_MS 5000

static gboolean poll_check_cb(gpointer data);

/* One check, then the 20 ms timer carries on if something is still in flight. */
static gboolean
poll_check_once_cb(gpointer data)
{
	poll_check_cb(data);
	return G_SOURCE_REMOVE;
}

/* A feed is done: one fewer to wait for (once a feed: in team mode a poll
 * its lost group took is handed back again, and this run does not retry). */
static void
poll_done_cb(guint feed_index, gint64 next_poll, const struct fw_poll_outcome *o, gpointer data)
{
	struct poll_run *r = data;

	if (r->done[feed_index])
		return;
	r->done[feed_index] = 1;
	if (r->waiting > 0)
		r->waiting--;
	/* The last feed: check at once (after this dispatch) rather than at the
	 * next tick of the timer, which waits for notifications in flight. */
	if (r->waiting == 0)
		g_idle_add(poll_check_once_cb, r);
}

/* Quits the loop once every feed is done and nothing is being sent. */
static gboolean
poll_check_cb(gpointer data)
{
	struct poll_run *r = data;

	if (r->interrupted || (r->waiting == 0 && !fw_poller_busy(r->poller))) {
		g_main_loop_quit(r->loop);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* SIGINT, SIGTERM: stop waiting (the command then exits 1). */
static gboolean
poll_signal_cb(gpointer data)
{
	struct poll_run *r = data;

	r->interrupted = TRUE;
	g_main_loop_quit(r->loop);
	return G_SOURCE_REMOVE;
}

/* feedwatchd h runs on cfg's database: asks it to poll the feeds (every
 * one when NULL) now, first, if cfg's file has changed since it read it,
 * to reload it; then, unless no_wait, waits for what it found (a daemon
 * that says it answers, fw_lock_holder.replies). It notifies what it
 * finds, so no_notify is refused (FW_EXIT_USAGE). 1 when it could not be
 * asked, did not take the changed config, or a feed failed. */
static int
ask_daemon(const struct fw_config *cfg, const struct fw_lock_holder *h, char **feeds,
           gboolean no_notify, gboolean no_wait)
{
	g_autofree char *which = feeds ? g_strjoinv(", ", feeds) : NULL, *id = NULL;
	gboolean current = fw_cli_daemon_config_current(cfg, h);
	pid_t pid = h->pid;
	int rc = 0;

	if (no_notify)
		return fw_cli_usage("feedwatchd (pid %ld) is running on %s and notifies every hit "
		                    "it records: --no-notify cannot be done while it runs (stop it "
		                    "first, or poll without --no-notify)", (long)pid, cfg->database);
	if (!current) {
		printf("%s has changed since feedwatchd (pid %ld) read it: asking it to reload first\n",
		       cfg->path, (long)pid);
		fflush(stdout);
	}
	if (!fw_cli_daemon_poll_ask("poll", cfg, h, feeds, !no_wait, !current, &id, &rc))
		return 1;
	printf("feedwatchd (pid %ld) is running on %s: asked it to poll %s now\n", (long)pid,
	       cfg->database, which ? which : "every feed");
	fflush(stdout);
	if (id != NULL && fw_cli_daemon_poll_wait("poll", cfg, h, id) != 0)
		rc = 1;
	return rc;
}

/* Another process than feedwatchd (h: a foreground `feedwatch poll`, say, or
 * one that does not say what it is) holds cfg's database: it is not
 * signalled. Says who; returns 1. */
static int
poll_busy(const struct fw_config *cfg, const struct fw_lock_holder *h)
{
	g_autofree char *who = fw_lock_holder_describe(h);

	return fw_cli_fail("poll", "%s is using %s, and it is %s feedwatchd: nothing was asked of "
	                   "it; poll again once it is done", who, cfg->database,
	                   *h->role ? "not" : "not known to be");
}

/* Polls the config's feeds (or --feed ones) once with the daemon's poller,
 * waits for their notifications, prints the figures on stderr; when
 * feedwatchd runs, asks it instead. 1 when a feed failed or the run was
 * interrupted. */
int
fw_cmd_poll(const struct fw_cmd_entry *cmd, int argc, char **argv)
{
	static gboolean no_notify, now_flag, no_wait;
	static char **feeds;
	static const GOptionEntry entries[] = {
		{ "feed", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &feeds, "Poll only feed F (repeatable)", "F" },
		{ "no-notify", 0, 0, G_OPTION_ARG_NONE, &no_notify, "Record hits without notifying", NULL },
		{ "now", 0, 0, G_OPTION_ARG_NONE, &now_flag, "When the daemon runs, ask it to poll now (the default)", NULL },
		{ "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait, "When the daemon runs, ask it and return at once", NULL },
		{ NULL }
	};
	struct fw_lock_holder holder;
	int lock_fd = -1;
	struct fw_config *cfg;
	struct fw_cli_db db;
	struct poll_run r = { 0 };
	struct fw_outbox_opts notify = { 0 };
	struct fw_poll_stats st;
	g_autoptr(GError) err = NULL;
	int rc = 0;

	if (!fw_cli_parse_options(cmd, entries, &argc, &argv))
		return FW_EXIT_USAGE;
	if (argc > 1)
		return fw_cli_usage("unexpected argument '%s'", argv[1]);
	if ((cfg = fw_cli_load_config()) == NULL)
		return 1;
	if (!fw_cli_feed_keys_ok(cfg, NULL, feeds)) {
		fw_config_free(cfg);
		return FW_EXIT_USAGE;
	}
	/* The daemon polls its own database: ask it rather than race it. Only
	 * a feedwatchd is asked (signalled), never another holder. */
	if (!fw_store_is_pg(cfg->database) &&
	    (lock_fd = fw_lock_take(cfg->database, FW_LOCK_POLL, &holder, &err)) < 0) {
		if (fw_lock_holder_is_daemon(&holder))
			rc = ask_daemon(cfg, &holder, feeds, no_notify, no_wait);
		else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_BUSY))
			rc = poll_busy(cfg, &holder);
		else
			rc = fw_cli_fail("poll", "%s", err->message);
		fw_config_free(cfg);
		return rc;
	}
	if (!fw_cli_db_open_store(&db, cfg, FALSE)) {
		fw_lock_release(lock_fd);
		return 1;
	}
	fw_store_set_durable(db.store, cfg->durable);
	/* a cycle as the daemon runs it: the database read through SQLite's
	 * cache, not mapped whole (the readers' map counts in its memory) */
	fw_store_set_mmap(db.store, 0);
	if (fw_cli_opt_test_now > 0)
		notify.clock_offset = fw_cli_opt_test_now - fw_now();
	/* A hung notification server gets this long in all, not 25 s a notice. */
	notify.desktop_budget_ms = FW_POLL_NOTIFY_BUDGET_MS;
	r.poller = fw_poller_new(NULL, cfg, db.store, no_notify ? NULL : &notify, &err);
	if (r.poller == NULL) {
		fprintf(stderr, "feedwatch poll: %s\n", err->message);
		rc = 1;
		goto out;
	}
	r.loop = g_main_loop_new(NULL, FALSE);
	r.done = g_new0(guint8, MAX(cfg->feeds->len, 1u));
	fw_poller_set_done_cb(r.poller, poll_done_cb, &r);
	/* now, as asked: on a team database too, not only the feeds that are due */
	fw_poller_set_anytime(r.poller, TRUE);
	if (!no_notify)
		fw_poller_flush_outbox(r.poller);  /* what an earlier run could not send */
	for (guint i = 0; i < cfg->feeds->len; i++) {
		const struct fw_feed_conf *fc = cfg->feeds->pdata[i];
		if (feeds != NULL && !g_strv_contains((const char *const *)feeds, fc->key))
			continue;
		r.waiting++;
		fw_poller_poll(r.poller, i);
	}
	g_timeout_add(20, poll_check_cb, &r);
	g_unix_signal_add(SIGINT, poll_signal_cb, &r);
	g_unix_signal_add(SIGTERM, poll_signal_cb, &r);
	g_main_loop_run(r.loop);
	fw_poller_stats(r.poller, &st);
	fprintf(stderr, "feedwatch poll: polled %u feed%s (%u failed): %u new item%s, %u new hit%s, "
	        "%u notification%s sent%s\n",
	        st.feeds_ok + st.feeds_failed, st.feeds_ok + st.feeds_failed == 1 ? "" : "s",
	        st.feeds_failed, st.items_new, st.items_new == 1 ? "" : "s", st.hits_new,
	        st.hits_new == 1 ? "" : "s", st.notices_sent, st.notices_sent == 1 ? "" : "s",
	        st.notices_failed ? " (some could not be shown: kept pending)" : "");
	if (st.notices_late > 0)
		fprintf(stderr, "feedwatch: the notification server did not show %u notification%s "
		        "within %d s: kept pending for the next run\n", st.notices_late,
		        st.notices_late == 1 ? "" : "s", FW_POLL_NOTIFY_BUDGET_MS / 1000);
	if (st.feeds_failed > 0 || r.interrupted)
		rc = 1;
	g_main_loop_unref(r.loop);
out:
	fw_poller_free(r.poller);
	g_free(r.done);
	rc = fw_cli_db_close(&db, rc);
	fw_lock_release(lock_fd);
	return rc;
}
