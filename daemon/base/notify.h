/*
 * notify.h — telling the service manager how the daemon is doing
 * (sd_notify(3)): ready, reloading, stopping, a status line, and the
 * watchdog's keep-alive.
 *
 * notify.c speaks the protocol itself (a datagram to $NOTIFY_SOCKET), so
 * the daemon needs neither libsystemd nor a systemd header.  Every call is
 * a no-op when the daemon was not started by a service manager
 * (NOTIFY_SOCKET unset), so the daemon runs the same from a terminal or a
 * test.  Nothing here is kept between calls: the environment is read each
 * time.
 */
#ifndef CDP_NOTIFY_H
#define CDP_NOTIFY_H

/* READY=1 with a status line: start-up or a reload is done. */
void notify_ready(const char *status);
/* RELOADING=1 (with the monotonic time Type=notify-reload asks for). */
void notify_reloading(void);
/* STOPPING=1: the daemon is on its way out. */
void notify_stopping(void);
/* STATUS=text, shown by `systemctl status`; one line. */
void notify_status(const char *text);

/*
 * How often the main loop must send WATCHDOG=1, in milliseconds: half of
 * WATCHDOG_USEC when the watchdog is enabled for this process
 * (WATCHDOG_PID, if set, names us), else 0.
 */
long notify_watchdog_interval_ms(void);
/* WATCHDOG=1: the main loop is alive. */
void notify_watchdog(void);

#endif
