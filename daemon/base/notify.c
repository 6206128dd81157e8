/*
 * notify.c — the service manager's notify protocol; see notify.h.
 *
 * The protocol is one datagram per message to the AF_UNIX socket named by
 * NOTIFY_SOCKET (a leading '@' names the abstract namespace), as
 * sd_notify(3) documents it.  It is spoken here directly rather than
 * through libsystemd, whose dependencies (compression, gcrypt, libcap)
 * cost the daemon about 1 MiB of resident memory for six short messages.
 *
 * Failures to notify are ignored on purpose: a daemon that cannot reach
 * the manager's socket must go on handling mail, and the manager notices
 * a missing READY=1 or WATCHDOG=1 on its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/notify.h"

/* Sends text as one datagram to $NOTIFY_SOCKET; nothing when it is unset
 * or names no unix socket path (the protocol's other transports are not
 * used by the managers we run under). */
static void
notify_send(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len < 2 || len > sizeof(sa.sun_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	/* An abstract name is exactly its bytes, without a terminating NUL;
	 * a path may fill sun_path whole. */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	(void)sendto(fd, text, strlen(text), MSG_NOSIGNAL,
	    (const struct sockaddr *)&sa, salen);
	(void)close(fd);
}

static void notify_sendf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
notify_sendf(const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	notify_send(text);
	free(text);
}

void
notify_ready(const char *status)
{
	notify_sendf("READY=1\nSTATUS=%s", status);
}

void
notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	notify_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void
notify_status(const char *text)
{
	notify_sendf("STATUS=%s", text);
}

/* A whole decimal number in s, or -1. */
static long long
notify_number(const char *s)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > (unsigned long long)INT64_MAX)
		return -1;
	return (long long)v;
}

long
notify_watchdog_interval_ms(void)
{
	const char *pid = getenv("WATCHDOG_PID");
	long long usec;

	/* WATCHDOG_PID names the process the watchdog is meant for: a
	 * child that inherited the environment is not it. */
	if (pid != NULL && notify_number(pid) != (long long)getpid())
		return 0;
	if ((usec = notify_number(getenv("WATCHDOG_USEC"))) <= 0)
		return 0;
	/* sd_watchdog_enabled(3) advises pinging at half the interval. */
	return usec / 2000 > 0 ? (long)(usec / 2000) : 1;
}

void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1");
}
