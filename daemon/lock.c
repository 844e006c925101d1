/* lock — see include/feedwatch/lock.h. */
#include <errno.h>
#include <fcntl.h>
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

/* Reads the pid written in a lock file; 0 if none. */
static pid_t
read_pid(int fd)
{
	char buf[32] = { 0 };
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);

	return n > 0 ? (pid_t)atol(buf) : 0;
}

int
fw_lock_take(const char *db_path, pid_t *holder, GError **error)
{
	g_autofree char *path = lock_path(db_path);
	g_autofree char *dir = g_path_get_dirname(path);
	char pid[32];
	int fd, len;

	*holder = 0;
	g_mkdir_with_parents(dir, 0700);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot open %s: %s",
		            path, g_strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		*holder = read_pid(fd);
		close(fd);
		if (e == EWOULDBLOCK)
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_BUSY,
			            "another feedwatch process (pid %ld) is using %s", (long)*holder, db_path);
		else
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot lock %s: %s",
			            path, g_strerror(e));
		return -1;
	}
	len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, len, 0) != len) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "cannot write %s: %s",
		            path, g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

pid_t
fw_lock_holder(const char *db_path)
{
	g_autofree char *path = NULL;
	int fd;

	if (fw_store_is_pg(db_path))
		return 0;
	path = lock_path(db_path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	/* A shared lock we can take means nobody holds the exclusive one. */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		pid = read_pid(fd);
	close(fd);
	return pid;
}

void
fw_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* The directory and the name prefix of db_path's requests. */
static void
request_prefix(const char *db_path, char **dir, char **prefix)
{
	g_autofree char *base = g_path_get_basename(db_path);

	*dir = g_path_get_dirname(db_path);
	*prefix = g_strconcat(base, ".poll.", NULL);
}

gboolean
fw_lock_request_put(const char *db_path, char **feed_keys, GError **error)
{
	static guint n;
	g_autofree char *dir = NULL, *prefix = NULL, *name = NULL, *path = NULL;
	g_autoptr(GString) text = g_string_new(NULL);

	request_prefix(db_path, &dir, &prefix);
	name = g_strdup_printf("%s%ld-%u.req", prefix, (long)getpid(), n++);
	path = g_build_filename(dir, name, NULL);
	for (int i = 0; feed_keys != NULL && feed_keys[i] != NULL; i++)
		g_string_append_printf(text, "%s\n", feed_keys[i]);
	/* A temporary file renamed: the daemon never reads half a request. */
	return g_file_set_contents_full(path, text->str, (gssize)text->len,
	                                G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char **
fw_lock_requests_take(const char *db_path)
{
	g_autofree char *dir = NULL, *prefix = NULL;
	g_autoptr(GStrvBuilder) keys = g_strv_builder_new();
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GDir) d = NULL;
	const char *name;

	request_prefix(db_path, &dir, &prefix);
	if ((d = g_dir_open(dir, 0, NULL)) == NULL)
		return g_strv_builder_end(keys);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = NULL, *text = NULL;
		g_auto(GStrv) lines = NULL;
		gsize len = 0;

		if (!g_str_has_prefix(name, prefix) || !g_str_has_suffix(name, ".req"))
			continue;
		path = g_build_filename(dir, name, NULL);
		/* Taken once: whoever removes it reads it. A request is a few
		 * names; a bigger file is no request of ours. */
		if (!g_file_get_contents(path, &text, &len, NULL) || unlink(path) != 0 ||
		    len > 65536)
			continue;
		lines = g_strsplit(text, "\n", -1);
		for (int i = 0; lines[i] != NULL; i++)
			if (*lines[i] != '\0' && g_hash_table_add(seen, g_strdup(lines[i])))
				g_strv_builder_add(keys, lines[i]);
	}
	return g_strv_builder_end(keys);
}
