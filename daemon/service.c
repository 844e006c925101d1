/* service — systemd's notification protocol, spoken directly: see
 * feedwatch/service.h. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "feedwatch/service.h"

/* The address $NOTIFY_SOCKET names into *sa; returns its length, or 0 when
 * it is unset or not an absolute path or "@name" that fits. */
static socklen_t service_address(struct sockaddr_un *sa)
{
	const char *name = g_getenv("NOTIFY_SOCKET");
	size_t n = name ? strlen(name) : 0;

	if (n < 2 || (name[0] != '/' && name[0] != '@') || n >= sizeof(sa->sun_path))
		return 0;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';   /* abstract: no terminating NUL counted */
	else
		n++;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

gboolean fw_service_notify(const char *fmt, ...)
{
	struct sockaddr_un sa;
	socklen_t len = service_address(&sa);
	g_autofree char *msg = NULL;
	va_list ap;
	ssize_t sent;
	int fd;

	if (len == 0)
		return FALSE;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return FALSE;
	do
		sent = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	while (sent < 0 && errno == EINTR);
	close(fd);
	return sent == (ssize_t)strlen(msg);
}

guint64 fw_service_watchdog_usec(void)
{
	const char *usec = g_getenv("WATCHDOG_USEC"), *pid = g_getenv("WATCHDOG_PID");
	guint64 v = 0, p = 0;

	if (!usec || !g_ascii_string_to_unsigned(usec, 10, 1, G_MAXUINT64, &v, NULL))
		return 0;
	if (pid && (!g_ascii_string_to_unsigned(pid, 10, 1, G_MAXINT, &p, NULL) ||
	            (pid_t)p != getpid()))
		return 0;
	return v;
}
