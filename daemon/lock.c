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
	g_autofree char *path = lock_path(db_path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
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
