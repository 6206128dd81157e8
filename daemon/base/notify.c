/*
 * notify.c — sd_notify(3) messages for the service manager; see notify.h.
 *
 * Failures to notify are ignored on purpose: a daemon that cannot reach
 * the manager's socket must go on handling mail, and the manager notices
 * a missing READY=1 or WATCHDOG=1 on its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "base/notify.h"

void
notify_ready(const char *status)
{
	(void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}

void
notify_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}

void
notify_status(const char *text)
{
	(void)sd_notifyf(0, "STATUS=%s", text);
}

long
notify_watchdog_interval_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	/* sd_watchdog_enabled(3) advises pinging at half the interval. */
	return usec / 2000 > 0 ? (long)(usec / 2000) : 1;
}

void
notify_watchdog(void)
{
	(void)sd_notify(0, "WATCHDOG=1");
}
