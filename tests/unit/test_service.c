/* Unit tests for the service module (systemd's notification protocol): a
 * real datagram socket, bound at a path or in the abstract namespace, stands
 * in for the service manager; what arrives is checked byte for byte. The
 * watchdog rows are a data table of $WATCHDOG_USEC / $WATCHDOG_PID. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "feedwatch/service.h"

/* A datagram socket bound to name ("/path" or "@abstract"), or -1. */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(n, <, sizeof(sa.sun_path));
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		n++;
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sa,
	                     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)), ==, 0);
	return fd;
}

/* The next datagram on fd as a string (waits up to a second), or NULL. */
static char *receive(int fd)
{
	struct timeval tv = { 1, 0 };
	char buf[4096];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	do
		n = recv(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	return n < 0 ? NULL : g_strndup(buf, (gsize)n);
}

/* The socket at a path: READY=1 and a formatted STATUS= arrive whole. */
static void test_path(void)
{
	g_autofree char *dir = g_dir_make_tmp("fw-service-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "notify", NULL);
	g_autofree char *ready = NULL, *status = NULL;
	int fd = listener(path);

	g_setenv("NOTIFY_SOCKET", path, TRUE);
	g_assert_true(fw_service_notify("READY=1"));
	g_assert_true(fw_service_notify("STATUS=%u feeds, %s", 1000u, "ünïcode ok"));
	ready = receive(fd);
	status = receive(fd);
	g_assert_cmpstr(ready, ==, "READY=1");
	g_assert_cmpstr(status, ==, "STATUS=1000 feeds, ünïcode ok");
	close(fd);
	g_unlink(path);
	g_rmdir(dir);
	g_unsetenv("NOTIFY_SOCKET");
}

/* "@name" is the abstract namespace, as systemd gives it in containers. */
static void test_abstract(void)
{
	g_autofree char *name = g_strdup_printf("@fw-service-test-%d", (int)getpid());
	g_autofree char *got = NULL;
	int fd = listener(name);

	g_setenv("NOTIFY_SOCKET", name, TRUE);
	g_assert_true(fw_service_notify("STOPPING=1"));
	got = receive(fd);
	g_assert_cmpstr(got, ==, "STOPPING=1");
	close(fd);
	g_unsetenv("NOTIFY_SOCKET");
}

/* No manager, a relative name, one too long for sun_path, or a socket
 * nobody listens on: nothing is sent, and nothing fails loudly. */
static void test_none(void)
{
	g_autofree char *dir = g_dir_make_tmp("fw-service-XXXXXX", NULL);
	g_autofree char *gone = g_build_filename(dir, "gone", NULL);
	g_autofree char *toolong = g_strnfill(200, 'x');
	g_autofree char *longpath = g_strconcat("/", toolong, NULL);

	g_unsetenv("NOTIFY_SOCKET");
	g_assert_false(fw_service_notify("READY=1"));
	g_setenv("NOTIFY_SOCKET", "relative/socket", TRUE);
	g_assert_false(fw_service_notify("READY=1"));
	g_setenv("NOTIFY_SOCKET", longpath, TRUE);
	g_assert_false(fw_service_notify("READY=1"));
	g_setenv("NOTIFY_SOCKET", "@", TRUE);
	g_assert_false(fw_service_notify("READY=1"));
	g_setenv("NOTIFY_SOCKET", gone, TRUE);
	g_assert_false(fw_service_notify("READY=1"));
	g_unsetenv("NOTIFY_SOCKET");
	g_rmdir(dir);
}

struct dog_row {
	const char *usec, *pid;   /* NULL: unset; "self": our pid */
	guint64 want;
};

static const struct dog_row dogs[] = {
	{ NULL, NULL, 0 },
	{ "1000000", NULL, 1000000 },
	{ "1000000", "self", 1000000 },
	{ "1000000", "1", 0 },               /* meant for another process */
	{ "1000000", "x", 0 },
	{ "0", NULL, 0 },
	{ "-5", NULL, 0 },
	{ "12abc", NULL, 0 },
	{ "", NULL, 0 },
	{ "18446744073709551615", NULL, G_MAXUINT64 },
	{ "18446744073709551616", NULL, 0 },  /* past 64 bits */
};

static void test_watchdog(gconstpointer data)
{
	const struct dog_row *r = data;
	g_autofree char *self = g_strdup_printf("%d", (int)getpid());

	if (r->usec)
		g_setenv("WATCHDOG_USEC", r->usec, TRUE);
	else
		g_unsetenv("WATCHDOG_USEC");
	if (r->pid)
		g_setenv("WATCHDOG_PID", strcmp(r->pid, "self") == 0 ? self : r->pid, TRUE);
	else
		g_unsetenv("WATCHDOG_PID");
	g_assert_cmpuint(fw_service_watchdog_usec(), ==, r->want);
	g_unsetenv("WATCHDOG_USEC");
	g_unsetenv("WATCHDOG_PID");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/service/path", test_path);
	g_test_add_func("/service/abstract", test_abstract);
	g_test_add_func("/service/none", test_none);
	for (gsize i = 0; i < G_N_ELEMENTS(dogs); i++) {
		g_autofree char *name = g_strdup_printf("/service/watchdog/%" G_GSIZE_FORMAT, i);
		g_test_add_data_func(name, &dogs[i], test_watchdog);
	}
	return g_test_run();
}
