/*
 * daemon.h — the main loop of `coupdepouce run` and the single cycle of
 * `coupdepouce poll`.
 *
 * A cycle is: fetch and store new mail (fetch.c), then due timers, the
 * outbox and the copies of sent mail.  Between cycles the daemon waits in
 * IMAP IDLE when the server offers it (re-issued every 25 minutes, before
 * the 29 minutes RFC 2177 allows), else sleeps poll_interval; waits are
 * cut into slices of at most a second (and half the watchdog's ping
 * interval).  Any network or server error closes the connection and
 * retries with exponential backoff and jitter (1 s doubling to 5 min): a
 * dead server never makes the daemon exit or spin.
 *
 * Signals: SIGTERM and SIGINT end the loop between two steps, within 5 s
 * (then a stuck network call is abandoned, exit status 1); SIGHUP reloads
 * the configuration, templates and rules between two cycles (reload.c).
 * The service manager hears READY=1 after the first IMAP login, STATUS=
 * lines, WATCHDOG=1 from the loop and STOPPING=1 (base/notify.h).
 */
#ifndef CDP_DAEMON_H
#define CDP_DAEMON_H

struct config;

/* Runs until SIGTERM/SIGINT; returns the exit status (0 on a clean stop,
 * 1 if the store or rules could not be opened).  cfg stays the caller's;
 * a configuration loaded by a reload is the daemon's and freed here. */
int daemon_run(const struct config *cfg);

/* One full cycle, then returns 0, or 1 with the error logged. */
int daemon_poll_once(const struct config *cfg);

#endif
