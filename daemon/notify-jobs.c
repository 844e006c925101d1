/* notify-jobs — fw_jobs: exec hooks and webhooks; and fw_notify_open_link
 * (see include/feedwatch/notify.h).
 *
 * Exec hooks and webhooks run on the caller's context: g_spawn with the
 * input in a memfd and the exit polled with waitpid(WNOHANG) on a short
 * timer (no child watch: GLib's pidfd child watch makes valgrind warn about
 * an unknown syscall in every process log); webhooks are POSTs through a
 * fetcher (fetch.h), the poller's when fw_jobs_set_fetcher gave it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>

#include "feedwatch/fetch.h"
#include "feedwatch/notify.h"

#define FW_NOTIFY_REAP_MS 50          /* how often a running hook's exit is looked for */

/* The process environment without what must not reach a child (systemd's
 * NOTIFY_SOCKET and WATCHDOG_*), plus extra NAME=VALUE strings. Free with
 * g_strfreev. */
static char **child_environ(const char *const *extra)
{
	char **env = g_get_environ();

	env = g_environ_unsetenv(env, "NOTIFY_SOCKET");
	env = g_environ_unsetenv(env, "WATCHDOG_USEC");
	env = g_environ_unsetenv(env, "WATCHDOG_PID");
	for (guint i = 0; extra != NULL && extra[i] != NULL; i++) {
		const char *eq = strchr(extra[i], '=');
		g_autofree char *name = NULL;
		if (eq == NULL || eq == extra[i])
			continue;
		name = g_strndup(extra[i], eq - extra[i]);
		env = g_environ_setenv(env, name, eq + 1, TRUE);
	}
	return env;
}

/* Reaps a program fw_notify_open_link started, once it ended. */
static gboolean reap_link_cb(gpointer data)
{
	pid_t pid = (pid_t)GPOINTER_TO_INT(data);

	return waitpid(pid, NULL, WNOHANG) == 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

gboolean fw_notify_open_link(const char *link, GError **error)
{
	g_autofree char *scheme = link != NULL ? g_uri_parse_scheme(link) : NULL;
	g_autofree char *prog = g_find_program_in_path("xdg-open");
	g_auto(GStrv) env = NULL;
	const char *argv[] = { prog, link, NULL };
	GPid pid = 0;
	GSource *src;

	if (scheme == NULL || (g_ascii_strcasecmp(scheme, "http") != 0 &&
	                       g_ascii_strcasecmp(scheme, "https") != 0)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		            "not an http or https link: %s", link != NULL ? link : "(none)");
		return FALSE;
	}
	if (prog == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "xdg-open is not in PATH");
		return FALSE;
	}
	/* One fork that execs (GLib's reaping double fork would be a copy of
	 * this process that exits); reaped from a timer, not a child watch. */
	env = child_environ(NULL);
	if (!g_spawn_async(NULL, (char **)argv, env,
	                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
	                   G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &pid, error))
		return FALSE;
	src = g_timeout_source_new(FW_NOTIFY_REAP_MS * 4);
	g_source_set_callback(src, reap_link_cb, GINT_TO_POINTER(pid), NULL);
	{
		g_autoptr(GMainContext) ctx = g_main_context_ref_thread_default();
		g_source_attach(src, ctx);
	}
	g_source_unref(src);
	return TRUE;
}

/* One exec run or webhook POST. */
struct job {
	struct fw_jobs *j;
	gpointer tag;
	GDestroyNotify tag_free;
	char *error;              /* set when it failed before starting */
	/* exec */
	GPid pid;                 /* 0 when none */
	GSource *timer;           /* polls for the exit */
	gint64 deadline;          /* monotonic µs: killed then */
	guint timeout_s;
	gboolean timed_out;
};

struct fw_jobs {
	GMainContext *ctx;
	fw_job_done_cb done;
	gpointer data;
	GHashTable *running;      /* struct job *, started and not reported */
	GQueue ready;             /* struct job *, failed at the start: reported from idle */
	GSource *idle;
	struct fw_fetcher *fetcher;   /* webhooks go through it */
	gboolean own_fetcher;     /* made at the first webhook (no fw_jobs_set_fetcher) */
};

/* Frees a job (its tag too when free_tag). */
static void job_free(struct job *x, gboolean free_tag)
{
	if (free_tag && x->tag_free != NULL)
		x->tag_free(x->tag);
	if (x->timer != NULL) {
		g_source_destroy(x->timer);
		g_source_unref(x->timer);
	}
	g_free(x->error);
	g_free(x);
}

/* Reports x (ok, or error) and frees it. */
static void job_report(struct fw_jobs *j, struct job *x, gboolean ok, const char *error)
{
	g_hash_table_remove(j->running, x);
	if (j->done != NULL)
		j->done(x->tag, ok, error, j->data);
	job_free(x, TRUE);
}

/* Idle: reports the jobs that failed before they started. */
static gboolean jobs_idle_cb(gpointer data)
{
	struct fw_jobs *j = data;
	struct job *x;

	g_source_unref(j->idle);
	j->idle = NULL;
	while ((x = g_queue_pop_head(&j->ready)) != NULL)
		job_report(j, x, FALSE, x->error);
	return G_SOURCE_REMOVE;
}

/* Reports x as failed with its error from the idle source (never from
 * inside the caller's call). */
static void job_fail_later(struct fw_jobs *j, struct job *x)
{
	g_queue_push_tail(&j->ready, x);
	if (j->idle != NULL)
		return;
	j->idle = g_idle_source_new();
	g_source_set_callback(j->idle, jobs_idle_cb, j, NULL);
	g_source_attach(j->idle, j->ctx);
}

/* A new job in the running set. */
static struct job *job_new(struct fw_jobs *j, gpointer tag, GDestroyNotify tag_free)
{
	struct job *x = g_new0(struct job, 1);

	x->j = j;
	x->tag = tag;
	x->tag_free = tag_free;
	g_hash_table_add(j->running, x);
	return x;
}

/* Runs in the child before exec: a process group of its own, so that the
 * program and everything it starts are killed together (kill_group). */
static void exec_child_setup(gpointer unused)
{
	setpgid(0, 0);
}

/* Sends sig to x's program and to whatever it started (its process
 * group); to the program alone if it has no group (yet). */
static void kill_group(struct job *x, int sig)
{
	if (kill(-x->pid, sig) != 0)
		kill(x->pid, sig);
}

/* The exec poll: reports the program's end, kills it at its deadline. */
static gboolean exec_poll_cb(gpointer data)
{
	struct job *x = data;
	g_autofree char *why = NULL;
	int status = 0;
	pid_t r = waitpid(x->pid, &status, WNOHANG);

	if (r == 0) {
		if (!x->timed_out && g_get_monotonic_time() >= x->deadline) {
			x->timed_out = TRUE;
			kill_group(x, SIGKILL);
		}
		return G_SOURCE_CONTINUE;
	}
	if (r < 0)
		why = g_strdup_printf("cannot wait for it: %s", g_strerror(errno));
	else if (x->timed_out)
		why = g_strdup_printf("killed after %u s", x->timeout_s);
	else if (WIFSIGNALED(status))
		why = g_strdup_printf("killed by signal %d", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		why = g_strdup_printf("exited with status %d", WEXITSTATUS(status));
	x->pid = 0;
	g_source_unref(x->timer);
	x->timer = NULL;
	job_report(x->j, x, why == NULL, why);
	return G_SOURCE_REMOVE;
}

/* A memfd holding input, at offset 0; -1 with error. */
static int input_fd(const char *input, GError **error)
{
	int fd = memfd_create("feedwatch-input", MFD_CLOEXEC);
	gsize len = input != NULL ? strlen(input) : 0, done = 0;

	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "memfd: %s",
		            g_strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, input + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "memfd: %s",
			            g_strerror(errno));
			close(fd);
			return -1;
		}
		done += (gsize)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "memfd: cannot rewind");
		return -1;
	}
	return fd;
}

void fw_jobs_exec(struct fw_jobs *j, const char *const *argv, const char *const *env,
                  const char *input, guint timeout_s, gpointer tag, GDestroyNotify tag_free)
{
	struct job *x = job_new(j, tag, tag_free);
	g_autoptr(GError) err = NULL;
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	g_auto(GStrv) envp = NULL;
	g_autofree char *path = NULL;
	int fd;

	if (argv == NULL || argv[0] == NULL) {
		x->error = g_strdup("no program to run");
		job_fail_later(j, x);
		return;
	}
	/* Checked here, not by a fork that fails to exec (a clearer error, and
	 * no half-started child). */
	path = strchr(argv[0], '/') != NULL ? g_strdup(argv[0]) : g_find_program_in_path(argv[0]);
	if (path == NULL || !g_file_test(path, G_FILE_TEST_IS_EXECUTABLE) ||
	    g_file_test(path, G_FILE_TEST_IS_DIR)) {
		x->error = g_strdup_printf("cannot run %s: no such executable file", argv[0]);
		job_fail_later(j, x);
		return;
	}
	if ((fd = input_fd(input, &err)) < 0) {
		x->error = g_strdup(err->message);
		job_fail_later(j, x);
		return;
	}
	g_ptr_array_add(args, path);
	for (guint i = 0; argv[i] != NULL; i++)
		g_ptr_array_add(args, (gpointer)argv[i]);
	g_ptr_array_add(args, NULL);
	envp = child_environ(env);
	if (!g_spawn_async_with_pipes_and_fds(NULL, (const char *const *)args->pdata,
	                                      (const char *const *)envp,
	                                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_FILE_AND_ARGV_ZERO |
	                                      G_SPAWN_STDOUT_TO_DEV_NULL, exec_child_setup, NULL,
	                                      fd, -1, -1, NULL, NULL, 0, &x->pid,
	                                      NULL, NULL, NULL, &err)) {
		close(fd);
		x->error = g_strdup(err->message);
		job_fail_later(j, x);
		return;
	}
	close(fd);
	x->timeout_s = MAX(timeout_s, 1);
	x->deadline = g_get_monotonic_time() + (gint64)x->timeout_s * G_USEC_PER_SEC;
	x->timer = g_timeout_source_new(FW_NOTIFY_REAP_MS);
	g_source_set_callback(x->timer, exec_poll_cb, x, NULL);
	g_source_attach(x->timer, j->ctx);
}

/* A webhook's answer: reports its job. */
static void job_post_done_cb(struct fw_fetch_result *r, gpointer user)
{
	struct job *x = user;

	job_report(x->j, x, r->error == NULL, r->error);
}

/* The fetcher's callback for GETs: jobs make none. */
static void jobs_no_get_cb(struct fw_fetch_result *r, gpointer data)
{
}

void fw_jobs_set_fetcher(struct fw_jobs *j, struct fw_fetcher *f)
{
	if (j->own_fetcher)
		fw_fetcher_free(j->fetcher);
	j->fetcher = f;
	j->own_fetcher = FALSE;
}

void fw_jobs_post(struct fw_jobs *j, const char *url, const char *const *headers,
                  const char *body, gsize len, guint timeout_s,
                  gpointer tag, GDestroyNotify tag_free)
{
	struct job *x = job_new(j, tag, tag_free);

	if (j->fetcher == NULL) {
		struct fw_fetch_opts o = { .max_parallel = 4, .max_per_host = 2,
		                           .timeout = MAX(timeout_s, 1u), .max_size = 1024 * 1024 };
		j->fetcher = fw_fetcher_new(j->ctx, &o, jobs_no_get_cb, NULL);
		j->own_fetcher = TRUE;
	}
	fw_fetcher_post(j->fetcher, url, headers, body, len, job_post_done_cb, x);
}

struct fw_jobs *fw_jobs_new(GMainContext *ctx, fw_job_done_cb done, gpointer data)
{
	struct fw_jobs *j = g_new0(struct fw_jobs, 1);

	j->ctx = ctx != NULL ? g_main_context_ref(ctx) : g_main_context_ref_thread_default();
	j->done = done;
	j->data = data;
	j->running = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_queue_init(&j->ready);
	return j;
}

guint fw_jobs_pending(struct fw_jobs *j)
{
	return j != NULL ? g_hash_table_size(j->running) : 0;
}

void fw_jobs_free(struct fw_jobs *j)
{
	GHashTableIter it;
	gpointer key;

	if (j == NULL)
		return;
	if (j->idle != NULL) {
		g_source_destroy(j->idle);
		g_source_unref(j->idle);
	}
	/* Webhooks in flight on our own fetcher are aborted without a report;
	 * a shared fetcher must have been freed first (fw_jobs_set_fetcher). */
	if (j->own_fetcher)
		fw_fetcher_free(j->fetcher);
	g_hash_table_iter_init(&it, j->running);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		struct job *x = key;
		/* a program still running is ended with what it started (its
		 * delivery stays owed: the next start runs it again, not beside it) */
		if (x->pid > 0) {
			kill_group(x, SIGTERM);
			waitpid(x->pid, NULL, WNOHANG);
		}
		job_free(x, TRUE);
	}
	g_hash_table_unref(j->running);
	g_queue_clear(&j->ready);   /* their jobs were in running */
	g_main_context_unref(j->ctx);
	g_free(j);
}
