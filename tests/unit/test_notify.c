/*
 * test_notify.c — the notify protocol spoken without libsystemd: each
 * message is one datagram with exactly the fields sd_notify(3) sends, to
 * a socket path or to an abstract name ('@'); nothing without
 * NOTIFY_SOCKET; the watchdog interval is half of WATCHDOG_USEC, and 0
 * when WATCHDOG_PID names another process or the value is not a number.
 * (tests/integration/notify.sh checks the daemon's messages under a
 * listener bound as systemd binds it.)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "base/notify.h"

/* A datagram socket bound to name (a path, or '@' and an abstract name),
 * that does not block; -1 on failure. */
static int
listener(const char *name)
{
	struct sockaddr_un sa;
	size_t len = strlen(name);
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1) {
		perror(name);
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* The next datagram waiting on fd, or "" when there is none. */
static const char *
next(int fd)
{
	static char msg[4096];
	ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);

	msg[n > 0 ? n : 0] = '\0';
	return msg;
}

int
main(void)
{
	char name[300], pid[32];
	const char *msg;
	int fd;

	const char *dir = scratch_make("notify");

	/* A path, as systemd gives it. */
	snprintf(name, sizeof(name), "%s/notify.sock", dir);
	if (strlen(name) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		snprintf(name, sizeof(name), "/tmp/cdp-notify-%ld.sock",
		    (long)getpid());
	unlink(name);
	fd = listener(name);
	ok(fd != -1, "a listener on a socket path");
	setenv("NOTIFY_SOCKET", name, 1);
	notify_ready("connected to imaps://127.0.0.1:993");
	is_str(next(fd), "READY=1\nSTATUS=connected to imaps://127.0.0.1:993",
	    "READY=1 and the status in one datagram");
	notify_status("idle, 3 mails waiting to be sent");
	is_str(next(fd), "STATUS=idle, 3 mails waiting to be sent",
	    "STATUS= alone");
	notify_watchdog();
	is_str(next(fd), "WATCHDOG=1", "WATCHDOG=1");
	notify_reloading();
	msg = next(fd);
	ok(strncmp(msg, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0 &&
	    strlen(msg) > 27 && strspn(msg + 27, "0123456789") ==
	    strlen(msg + 27), "RELOADING=1 with the monotonic time in µs");
	notify_stopping();
	is_str(next(fd), "STOPPING=1", "STOPPING=1");
	is_str(next(fd), "", "one datagram per message, nothing more");
	close(fd);
	unlink(name);

	/* The abstract namespace: '@' stands for the leading NUL. */
	snprintf(name, sizeof(name), "@cdp-test-notify-%ld", (long)getpid());
	fd = listener(name);
	ok(fd != -1, "a listener on an abstract name");
	setenv("NOTIFY_SOCKET", name, 1);
	notify_stopping();
	is_str(next(fd), "STOPPING=1", "a leading '@' reaches the abstract name");

	/* Without NOTIFY_SOCKET, or with something that is no socket name,
	 * nothing is sent and nothing fails. */
	unsetenv("NOTIFY_SOCKET");
	notify_stopping();
	setenv("NOTIFY_SOCKET", name + 1, 1);
	notify_stopping();
	setenv("NOTIFY_SOCKET", "@", 1);
	notify_stopping();
	is_str(next(fd), "", "no NOTIFY_SOCKET or a relative name: nothing sent");
	close(fd);

	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	is_int(notify_watchdog_interval_ms(), 0, "no WATCHDOG_USEC: no watchdog");
	setenv("WATCHDOG_USEC", "2000000", 1);
	is_int(notify_watchdog_interval_ms(), 1000,
	    "WATCHDOG_USEC=2000000: a ping every 1000 ms");
	setenv("WATCHDOG_USEC", "1500", 1);
	is_int(notify_watchdog_interval_ms(), 1,
	    "a tiny interval still gives 1 ms");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "2000000", 1);
	is_int(notify_watchdog_interval_ms(), 1000,
	    "WATCHDOG_PID naming this process: the watchdog is ours");
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	is_int(notify_watchdog_interval_ms(), 0,
	    "WATCHDOG_PID naming another process: not ours");
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "2s", 1);
	is_int(notify_watchdog_interval_ms(), 0,
	    "WATCHDOG_USEC that is not a number: no watchdog");
	setenv("WATCHDOG_USEC", "0", 1);
	is_int(notify_watchdog_interval_ms(), 0, "WATCHDOG_USEC=0: no watchdog");

	scratch_remove();
	return tap_done();
}
