/* lock — see include/feedwatch/lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <gio/gio.h>

#include "feedwatch/lock.h"
#include "feedwatch/store.h"

static char *
lock_path(const char *db_path)
{
	return g_strconcat(db_path, ".lock", NULL);
}

/* Whether role is a word a lock file may hold (letters, digits, '-', '_'). */
static gboolean
role_ok(const char *role)
{
	gsize n = strlen(role);

	if (n == 0 || n >= FW_LOCK_ROLE_SIZE)
		return FALSE;
	for (gsize i = 0; i < n; i++)
		if (!g_ascii_isalnum(role[i]) && role[i] != '-' && role[i] != '_')
			return FALSE;
	return TRUE;
}

/* What a holder of role is, for a message: "feedwatchd" or "feedwatch poll";
 * NULL for an unknown role (""). Caller frees. */
static char *
role_name(const char *role)
{
	if (*role == '\0')
		return NULL;
	if (strcmp(role, FW_LOCK_DAEMON) == 0)
		return g_strdup(FW_LOCK_DAEMON);
	return g_strconcat("feedwatch ", role, NULL);
}

/* The role of a holder whose lock file holds its pid alone (a feedwatch
 * from before the role line): a feedwatchd if the kernel names the process
 * so (/proc/PID/comm), as a daemon still running across an upgrade is;
 * else left unknown. */
static void
legacy_role(struct fw_lock_holder *h)
{
	g_autofree char *path = g_strdup_printf("/proc/%ld/comm", (long)h->pid);
	g_autofree char *comm = NULL;

	if (g_file_get_contents(path, &comm, NULL, NULL) &&
	    strcmp(g_strchomp(comm), FW_LOCK_DAEMON) == 0)
		g_strlcpy(h->role, FW_LOCK_DAEMON, sizeof h->role);
}

/* Reads the line "config RELOADS DIGEST PATH" at s (its end cut) into *h;
 * leaves h's config fields empty when s is not one. */
static void
read_config_line(const char *s, struct fw_lock_holder *h)
{
	char *end = NULL;
	guint64 reloads;
	const char *digest, *path;

	if (!g_str_has_prefix(s, "config "))
		return;
	reloads = g_ascii_strtoull(s + 7, &end, 10);
	if (end == s + 7 || *end != ' ')
		return;
	digest = end + 1;
	if ((path = strchr(digest, ' ')) == NULL || path - digest != FW_LOCK_DIGEST_SIZE - 1)
		return;
	h->reloads = reloads;
	memcpy(h->digest, digest, FW_LOCK_DIGEST_SIZE - 1);
	h->digest[FW_LOCK_DIGEST_SIZE - 1] = '\0';
	g_strlcpy(h->config, path + 1, sizeof h->config);
}

/* Reads who a lock file names ("PID ROLE\n", then what fw_lock_note_config
 * wrote: "config RELOADS DIGEST PATH\n", maybe "reloading\n", and
 * "replies\n"; or the pid
 * alone as an older feedwatch wrote it) into *h; pid 0, role "" and no
 * config for what is not there. */
static void
read_holder(int fd, struct fw_lock_holder *h)
{
	char buf[FW_LOCK_CONFIG_SIZE + 256] = { 0 };
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	char *end = buf, *role, *next;
	long pid = 0;

	memset(h, 0, sizeof *h);
	if (n <= 0)
		return;
	pid = strtol(buf, &end, 10);
	if (end == buf || pid <= 0 || pid > G_MAXINT32)
		return;
	h->pid = (pid_t)pid;
	if (*end != ' ') {
		legacy_role(h);
		return;
	}
	role = end + 1;
	next = role + strcspn(role, "\n");
	if (*next == '\n') {
		char *third;

		*next++ = '\0';
		third = next + strcspn(next, "\n");
		if (*third == '\n')
			*third++ = '\0';
		read_config_line(next, h);
		h->reloading = h->digest[0] != '\0' && strncmp(third, "reloading\n", 10) == 0;
		h->replies = h->digest[0] != '\0' &&
		             (strncmp(third, "replies\n", 8) == 0 || strstr(third, "\nreplies\n") != NULL);
	}
	if (role_ok(role))
		g_strlcpy(h->role, role, sizeof h->role);
}

int
fw_lock_take(const char *db_path, const char *role, struct fw_lock_holder *holder,
             GError **error)
{
	g_autofree char *path = lock_path(db_path);
	g_autofree char *dir = g_path_get_dirname(path);
	char line[64];
	int fd, len;

	g_return_val_if_fail(role_ok(role), -1);
	memset(holder, 0, sizeof *holder);
	g_mkdir_with_parents(dir, 0700);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot open %s: %s%s", path,
		            g_strerror(e), e == EACCES ? " (the database is another user's, the "
		            "system service's maybe: run this as that user, or as root)" : "");
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e == EWOULDBLOCK) {
			g_autofree char *what = NULL;

			read_holder(fd, holder);
			what = role_name(holder->role);
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
			            "another feedwatch process (pid %ld) is using %s%s%s", (long)holder->pid,
			            db_path, what ? ": " : "", what ? what : "");
		} else {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot lock %s: %s",
			            path, g_strerror(e));
		}
		close(fd);
		return -1;
	}
	len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), role);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, len, 0) != len) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot write %s: %s",
		            path, g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

gboolean
fw_lock_holder_read(const char *db_path, struct fw_lock_holder *holder)
{
	g_autofree char *path = NULL;
	gboolean held = FALSE;
	int fd;

	memset(holder, 0, sizeof *holder);
	if (fw_store_is_pg(db_path))
		return FALSE;
	path = lock_path(db_path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return FALSE;
	/* A shared lock we can take means nobody holds the exclusive one. */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		held = TRUE;
		read_holder(fd, holder);
	}
	close(fd);
	return held;
}

gboolean
fw_lock_holder_is_daemon(const struct fw_lock_holder *h)
{
	return h->pid > 0 && strcmp(h->role, FW_LOCK_DAEMON) == 0;
}

char *
fw_lock_holder_describe(const struct fw_lock_holder *h)
{
	g_autofree char *what = role_name(h->role);

	if (h->pid <= 0)
		return g_strdup("a feedwatch process that has not said what it is yet");
	if (what == NULL)
		return g_strdup_printf("pid %ld (a feedwatch that does not say what it is)",
		                       (long)h->pid);
	if (fw_lock_holder_is_daemon(h))
		return g_strdup_printf("%s (pid %ld)", what, (long)h->pid);
	return g_strdup_printf("`%s` (pid %ld)", what, (long)h->pid);
}

/* path's real path (symbolic links followed), else its absolute path.
 * Caller frees. */
static char *
real_path(const char *path)
{
	char *r = realpath(path, NULL);
	char *out = r ? g_strdup(r) : g_canonicalize_filename(path, NULL);

	free(r);
	return out;
}

gboolean
fw_lock_note_config(int fd, const char *role, guint64 reloads, const char *digest,
                    const char *path, gboolean reloading, GError **error)
{
	g_autofree char *real = real_path(path);
	g_autofree char *text = NULL;
	gsize len;

	g_return_val_if_fail(role_ok(role), FALSE);
	/* A path that does not fit a line is not named (the config is then not
	 * known by its path: readers compare nothing). */
	if (strchr(real, '\n') != NULL || strlen(real) >= FW_LOCK_CONFIG_SIZE)
		real[0] = '\0';
	if (strlen(digest) != FW_LOCK_DIGEST_SIZE - 1 || strchr(digest, ' ') != NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad config digest");
		return FALSE;
	}
	text = g_strdup_printf("%ld %s\nconfig %" G_GUINT64_FORMAT " %s %s\n%sreplies\n",
	                       (long)getpid(), role, reloads, digest, real,
	                       reloading ? "reloading\n" : "");
	len = strlen(text);
	/* One write from the start: the first line stays what it was, so a
	 * reader meanwhile still finds who holds the lock. */
	if (pwrite(fd, text, len, 0) != (ssize_t)len || ftruncate(fd, (off_t)len) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
		            "cannot write the lock file: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

gboolean
fw_lock_holder_config_is(const struct fw_lock_holder *h, const char *path)
{
	g_autofree char *real = real_path(path);

	return h->config[0] != '\0' && strcmp(h->config, real) == 0;
}

void
fw_lock_release(int fd)
{
	if (fd < 0)
		return;
	/* Best effort: the next holder writes its own line anyway. */
	if (ftruncate(fd, 0) < 0)
		g_debug("cannot empty a lock file: %s", g_strerror(errno));
	close(fd);
}

/* The largest request file taken (bytes). */
#define FW_LOCK_REQUEST_MAX (16 * 1024 * 1024)

/* The path of request id's file with suffix (".req" or ".rep"). */
static char *
request_path(const char *db_path, const char *id, const char *suffix)
{
	return g_strconcat(db_path, ".poll.", id, suffix, NULL);
}

/* Whether the process that wrote request id ("PID-N") is alive. */
static gboolean
asker_alive(const char *id)
{
	gint64 pid = g_ascii_strtoll(id, NULL, 10);

	return pid > 0 && pid <= G_MAXINT32 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void
request_free(struct fw_lock_request *r)
{
	g_free(r->id);
	g_strfreev(r->keys);
	g_free(r);
}

gboolean
fw_lock_request_put(const char *db_path, char **feed_keys, gboolean reply, char **id,
                    GError **error)
{
	static guint n;
	g_autofree char *name = g_strdup_printf("%ld-%u", (long)getpid(), n++);
	g_autofree char *path = request_path(db_path, name, ".req");
	g_autoptr(GString) text = g_string_new(reply ? "+reply\n" : "");

	if (feed_keys == NULL)
		g_string_append(text, "*\n");
	for (int i = 0; feed_keys != NULL && feed_keys[i] != NULL; i++)
		g_string_append_printf(text, "%s\n", feed_keys[i]);
	/* A temporary file renamed: the daemon never reads half a request. */
	if (!g_file_set_contents_full(path, text->str, (gssize)text->len,
	                              G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
		return FALSE;
	if (id != NULL)
		*id = g_steal_pointer(&name);
	return TRUE;
}

/* Reads the request file dir/name (db_path's, id between prefix and
 * ".req") and takes it: the reply file first when it asks for one, then
 * the request file goes. NULL when it is no request, or another took it. */
static struct fw_lock_request *
request_take(const char *db_path, const char *dir, const char *name, gsize prefix_len)
{
	g_autofree char *path = g_build_filename(dir, name, NULL), *text = NULL;
	g_autoptr(GStrvBuilder) keys = g_strv_builder_new();
	g_auto(GStrv) lines = NULL;
	struct fw_lock_request *r;
	gboolean all = FALSE;
	gsize len = 0;

	/* A request names feeds of a config (an import's thousands, at most);
	 * a bigger file is no request of ours. */
	if (!g_file_get_contents(path, &text, &len, NULL) || len > FW_LOCK_REQUEST_MAX) {
		unlink(path);
		return NULL;
	}
	r = g_new0(struct fw_lock_request, 1);
	r->id = g_strndup(name + prefix_len, strlen(name) - prefix_len - strlen(".req"));
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		if (strcmp(lines[i], "+reply") == 0)
			r->reply = asker_alive(r->id);
		else if (strcmp(lines[i], "*") == 0)
			all = TRUE;
		else if (*lines[i] != '\0')
			g_strv_builder_add(keys, lines[i]);
	}
	r->keys = all ? NULL : g_strv_builder_end(keys);
	/* the reply before the request goes: an asker that finds neither
	 * knows its daemon does not answer */
	if (r->reply && !fw_lock_reply_put(db_path, r->id, "polling\n", NULL))
		r->reply = FALSE;
	/* Taken once: whoever removes it reads it. */
	if (unlink(path) != 0) {
		if (r->reply)
			fw_lock_request_drop(db_path, r->id);
		request_free(r);
		return NULL;
	}
	return r;
}

GPtrArray *
fw_lock_requests_take(const char *db_path)
{
	g_autofree char *dir = g_path_get_dirname(db_path), *base = g_path_get_basename(db_path);
	g_autofree char *prefix = g_strconcat(base, ".poll.", NULL);
	GPtrArray *taken = g_ptr_array_new_with_free_func((GDestroyNotify)request_free);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		struct fw_lock_request *r;

		if (g_str_has_prefix(name, prefix) && g_str_has_suffix(name, ".req") &&
		    (r = request_take(db_path, dir, name, strlen(prefix))) != NULL)
			g_ptr_array_add(taken, r);
	}
	return taken;
}

gboolean
fw_lock_request_waiting(const char *db_path, const char *id)
{
	g_autofree char *path = request_path(db_path, id, ".req");

	return g_file_test(path, G_FILE_TEST_EXISTS);
}

gboolean
fw_lock_reply_put(const char *db_path, const char *id, const char *text, GError **error)
{
	g_autofree char *path = request_path(db_path, id, ".rep");

	if (!asker_alive(id)) {
		unlink(path);
		return TRUE;
	}
	return g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
	                                error);
}

char *
fw_lock_reply_get(const char *db_path, const char *id)
{
	g_autofree char *path = request_path(db_path, id, ".rep");
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return text;
}

void
fw_lock_request_drop(const char *db_path, const char *id)
{
	g_autofree char *req = request_path(db_path, id, ".req");
	g_autofree char *rep = request_path(db_path, id, ".rep");

	unlink(req);
	unlink(rep);
}
