/*
 * daemon.c — the run loop and the poll cycle; see daemon.h.
 *
 * The signal flags are the one piece of mutable global state besides the
 * configuration and the log: a signal handler can only reach a global.
 */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casework/casework.h"
#include "base/clock.h"
#include "config/config.h"
#include "cli/daemon.h"
#include "cli/daemon_ctx.h"
#include "fetch/fetch.h"
#include "fetch/imap.h"
#include "fetch/inbound.h"
#include "base/log.h"
#include "base/notify.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "store/people_import.h"
#include "fetch/retention_erase.h"
#include "fetch/sentcopy.h"
#include "out/smtp.h"
#include "store/store.h"
#include "timers/timers.h"

#define IDLE_REISSUE_MS		(25 * 60 * 1000)
#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		(5 * 60 * 1000)
/* Between tries at start while another process holds the database lock
 * (each try itself waits the busy timeout): short, as the lock is
 * usually a backup or an admin's transaction about to end. */
#define LOCKED_WAIT_MAX_MS	(10 * 1000)
/* A wait looks at the signal flags at least this often: a signal that
 * lands just before poll() or nanosleep() is seen within a slice. */
#define SLICE_MAX_MS		1000
/* After SIGTERM, what is left to do (the current batch, DONE, LOGOUT)
 * gets this long; a network call stuck beyond it ends the process, which
 * the transactions make safe. */
#define STOP_GRACE_S		5
#define DAEMON_STR(x)		DAEMON_STR_(x)
#define DAEMON_STR_(x)		#x

static volatile sig_atomic_t daemon_stop;
static volatile sig_atomic_t daemon_hup;

static void
daemon_on_stop(int sig)
{
	(void)sig;
	if (!daemon_stop)
		alarm(STOP_GRACE_S);
	daemon_stop = 1;
}

static void
daemon_on_hup(int sig)
{
	(void)sig;
	daemon_hup = 1;
}

static void
daemon_on_alarm(int sig)
{
	static const char msg[] = "coupdepouce: stopping took more than "
	    DAEMON_STR(STOP_GRACE_S) " s (a network call stuck?); exiting "
	    "now\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

/*
 * SIGHUP is let in only while the daemon waits: delivered during an IMAP
 * call it would fail the call (libetpan takes an interrupted read for a
 * lost connection) and drop the session a reload must keep.
 * SIGTERM may interrupt anything: the daemon is leaving anyway.
 */
static void
daemon_hup_mask(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(how, &set, NULL);
}

/* No SA_RESTART: a signal must interrupt a sleep or an IDLE wait. */
static void
daemon_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = daemon_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = daemon_on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = daemon_on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	daemon_hup_mask(SIG_BLOCK);
}

/* A wait ends early for a stop or a reload. */
static int
daemon_interrupted(void)
{
	return daemon_stop || daemon_hup;
}

/* WATCHDOG=1, at most every half interval.  Called only from the loop,
 * between network calls, never from a timer: a call stuck in the network
 * stops the pings, and systemd restarts the daemon. */
static void
daemon_ping(struct daemon_ctx *d)
{
	long long now;

	if (d->ping_ms == 0)
		return;
	now = clock_mono_ms();
	if (now - d->last_ping < d->ping_ms / 2)
		return;
	notify_watchdog();
	d->last_ping = now;
}

static long
daemon_slice(const struct daemon_ctx *d)
{
	long half = d->ping_ms / 2;

	return half > 0 && half < SLICE_MAX_MS ? half : SLICE_MAX_MS;
}

static void daemon_status(struct daemon_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* STATUS=, sent only when it changed. */
static void
daemon_status(struct daemon_ctx *d, const char *fmt, ...)
{
	char text[sizeof(d->status)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strcmp(text, d->status) == 0)
		return;
	snprintf(d->status, sizeof(d->status), "%s", text);
	notify_status(text);
}

/* Sleeps `ms` in slices, pinging the watchdog, unless a stop or a reload
 * is asked for. */
static void
daemon_sleep(struct daemon_ctx *d, long ms)
{
	long long end = clock_mono_ms() + ms, left;

	while (!daemon_interrupted() && (left = end - clock_mono_ms()) > 0) {
		long slice = left < daemon_slice(d) ? left : daemon_slice(d);
		struct timespec ts = { slice / 1000,
		    (slice % 1000) * 1000000L };

		daemon_hup_mask(SIG_UNBLOCK);
		(void)nanosleep(&ts, NULL);	/* EINTR: the flags say */
		daemon_hup_mask(SIG_BLOCK);
		daemon_ping(d);
	}
}

static long
daemon_backoff_next(long current)
{
	long next = current ? current * 2 : BACKOFF_MIN_MS;

	return next > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : next;
}

/* ±25 % so that several daemons (or a restarted server's clients) do not
 * reconnect in lock step. */
static long
daemon_jitter(long ms)
{
	return ms - ms / 4 + (long)(random() % (ms / 2 + 1));
}

static void daemon_warn(struct daemon_ctx *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs a warning and keeps it: `poll` ends a failed cycle with an error
 * line saying what went wrong last. */
static void
daemon_warn(struct daemon_ctx *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->last_err, sizeof(d->last_err), fmt, ap);
	va_end(ap);
	log_warnx("%s", d->last_err);
}

/* Opens the database and requeues what a previous process left half-sent.
 * 0; 1 when another process held the lock beyond the busy timeout; -1
 * otherwise.  err is set unless 0. */
static int
daemon_open_store(struct daemon_ctx *d, char *err, size_t errlen)
{
	int busy;

	errno = 0;
	if (store_open(d->cfg->storage.database, &d->st, err, errlen) != 0)
		return errno == EBUSY ? 1 : -1;
	if (outbox_recover(d->st, NULL, err, errlen) == 0)
		return 0;
	busy = store_busy(d->st);
	store_close(d->st);
	d->st = NULL;
	return busy ? 1 : -1;
}

/* wait: a database locked by another process (a backup, an admin's
 * sqlite3) is waited for, as the running loop does, instead of failing
 * after the busy timeout; a stop ends the wait. */
static int
daemon_open(struct daemon_ctx *d, const struct config *cfg, int wait)
{
	char err[2048];
	long backoff = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	if (config_check_credentials(cfg, err, sizeof(err)) != 0 ||
	    inbound_rules_load(cfg->paths.rules, &d->rules, err,
	    sizeof(err)) != 0 ||
	    mailer_open(cfg, &d->mailer, err, sizeof(err)) != 0)
		goto fail;
	while ((rc = daemon_open_store(d, err, sizeof(err))) == 1 && wait &&
	    !daemon_stop) {
		if (backoff == 0) {
			log_warnx("database locked by another process, "
			    "waiting");
			daemon_status(d, "waiting for the database lock");
		}
		backoff = daemon_backoff_next(backoff);
		if (backoff > LOCKED_WAIT_MAX_MS)
			backoff = LOCKED_WAIT_MAX_MS;
		daemon_sleep(d, daemon_jitter(backoff));
	}
	if (rc == 1 && !wait) {
		char why[1024];

		snprintf(why, sizeof(why), "%.900s", err);
		snprintf(err, sizeof(err), "%s: database locked by another "
		    "process, try again later (%s)", cfg->storage.database,
		    why);
	}
	if (rc != 0)
		goto fail;
	if (smtp_global_init() != 0) {
		snprintf(err, sizeof(err), "smtp: curl_global_init failed");
		goto fail;
	}
	d->rules.cfg = cfg;
	d->rules.mailer = d->mailer;
	return 0;
fail:
	if (daemon_stop)
		log_info("stopped before the start");
	else
		log_errorx("%s", err);
	inbound_rules_free(&d->rules);
	mailer_close(d->mailer);
	store_close(d->st);
	memset(d, 0, sizeof(*d));
	return -1;
}

static void
daemon_close(struct daemon_ctx *d)
{
	imap_close(d->imap);
	d->imap = NULL;
	inbound_rules_free(&d->rules);
	mailer_close(d->mailer);
	d->mailer = NULL;
	store_close(d->st);
	d->st = NULL;
	config_free(d->own_cfg);	/* after what borrowed it */
	d->own_cfg = NULL;
	d->cfg = NULL;
}

/* Runs the due timers, then sends what is due.  Runs whatever happened
 * to IMAP: reminders and mail must leave even when the inbox cannot be
 * read. */
static void
daemon_send(struct daemon_ctx *d)
{
	struct outbox_stats stats;
	struct casework cw = { d->cfg, d->mailer, NULL, d->st,
	    (long long)clock_now() };
	char err[1024];
	size_t ran = 0;

	/* Due reminders first, so that what they queue leaves now. */
	if (timers_run(&cw, &ran, err, sizeof(err)) != 0)
		daemon_warn(d, "timers: %s", err);
	else if (ran)
		log_info("ran %zu due timer(s)", ran);
	if (outbox_flush(d->st, d->cfg, &stats, err, sizeof(err)) != 0) {
		daemon_warn(d, "outbox: %s", err);
		return;
	}
	if (stats.rows)
		log_info("sent %d mail(s), %d failed, %d deferred%s%s",
		    stats.sent, stats.failed, stats.deferred,
		    stats.error[0] ? ": " : "", stats.error);
}

/* sentcopy: copies what was sent into [imap] sent_folder over the fetch
 * connection, when it is up (nothing to do when the option is unset).
 * Returns sentcopy_pass's status after logging it; a lost connection is
 * closed so the next cycle reconnects. */
static int
daemon_copy_sent(struct daemon_ctx *d)
{
	size_t copied = 0;
	char err[2048];
	int rc;

	if (d->imap == NULL)
		return 0;
	rc = sentcopy_pass(d->imap, d->st, d->cfg, &copied, err, sizeof(err));
	if (copied)
		log_info("copied %zu sent mail(s) to %s", copied,
		    d->cfg->imap.sent_folder);
	if (rc != 0) {
		daemon_warn(d, "%s: %s", rc == SENTCOPY_ESTORE ? "store" :
		    "imap", err);
		if (rc == IMAP_ETEMP) {
			imap_close(d->imap);
			d->imap = NULL;
		}
	}
	return rc;
}

/* The mailbox copies of mails the retention purged, over the fetch
 * connection when it is up; as daemon_copy_sent.  A queue left unfinished
 * brings the next cycle within a second (daemon_until_due). */
static int
daemon_erase_copies(struct daemon_ctx *d)
{
	struct retention_erase_stats stats;
	char err[2048];
	int rc;

	d->erase_more = 0;
	if (d->imap == NULL)
		return 0;
	rc = retention_erase_pass(d->imap, d->st, d->cfg, &daemon_stop,
	    &stats, err, sizeof(err));
	d->erase_more = rc == 0 && stats.more;
	if (stats.searched)
		log_info("retention: %lld mailbox cop%s of purged mails deleted "
		    "(%lld Message-ID%s searched%s)", stats.erased,
		    stats.erased == 1 ? "y" : "ies", stats.searched,
		    stats.searched == 1 ? "" : "s", d->erase_more ?
		    ", more at the next cycle" : "");
	if (rc != 0) {
		daemon_warn(d, "retention: %s: %s", rc ==
		    RETENTION_ERASE_ESTORE ? "store" : "imap", err);
		if (rc == IMAP_ETEMP) {
			imap_close(d->imap);
			d->imap = NULL;
		}
	}
	return rc;
}

/* Connects if needed and runs one fetch pass.  Returns 0, or an IMAP or
 * FETCH status after logging it; on a network error the connection is
 * closed so the next attempt starts afresh. */
static int
daemon_cycle(struct daemon_ctx *d)
{
	const struct config *cfg = d->cfg;
	struct imap_params p;
	struct fetch_stats stats;
	char err[2048];
	int rc;

	imap_params_from_config(cfg, &p);
	/* The people file is re-read when it changed, so an administrator
	 * edits it without restarting; a bad file keeps the previous data
	 * (people_reload_if_changed reports it once). */
	if (people_reload_if_changed(d->st, cfg->paths.people, &d->people,
	    (long long)clock_now(), err, sizeof(err)) < 0)
		daemon_warn(d, "%s", err);
	if (d->imap == NULL) {
		rc = imap_open(&p, &d->imap, err, sizeof(err));
		if (rc == IMAP_OK)
			rc = fetch_prepare(d->imap, cfg, err, sizeof(err));
		if (rc != IMAP_OK) {
			daemon_warn(d, "imap: %s", err);
			imap_close(d->imap);
			d->imap = NULL;
			return rc;
		}
		log_info("connected to %s as %s", cfg->imap.m.url,
		    cfg->imap.m.user);
		if (!d->ready) {
			/* The database opened before: both work now. */
			snprintf(d->status, sizeof(d->status), "connected to "
			    "%s", cfg->imap.m.url);
			notify_ready(d->status);
			d->ready = 1;
		}
	}
	rc = fetch_pass(d->imap, d->st, cfg, &d->rules, &daemon_stop, &stats,
	    err, sizeof(err));
	if (stats.fetched || stats.moved)
		log_info("fetched %zu: %zu stored, %zu already known, "
		    "%zu quarantined; %zu moved", stats.fetched, stats.stored,
		    stats.duplicates, stats.quarantined, stats.moved);
	if (rc != 0) {
		daemon_warn(d, "%s: %s", rc == FETCH_ESTORE ? "store" :
		    "imap", err);
		imap_close(d->imap);
		d->imap = NULL;
	}
	return rc;
}

/* Milliseconds until the outbox or the timers have something due,
 * capped at `cap`; at least a second, so a row that stays due (database
 * trouble) cannot make the loop spin. */
static long
daemon_until_due(struct daemon_ctx *d, long cap)
{
	long long when = 0, job = 0, now = (long long)clock_now();
	char err[512];
	int has_mail, has_job;

	/* Copies left to delete: the next cycle in a second, whatever is due. */
	if (d->erase_more)
		return 1000;
	has_mail = outbox_next_due(d->st, &when) == 1;
	has_job = timers_next_due(d->st, d->cfg, &job, err, sizeof(err)) == 1;
	if (has_job && (!has_mail || job < when))
		when = job;
	if (!has_mail && !has_job)
		return cap;
	if (when - now < 1)
		return 1000;
	return (when - now) * 1000 < cap ? (long)((when - now) * 1000) : cap;
}

/* Waits in IDLE for `ms` at most, in slices so that the watchdog is
 * pinged and a signal that came just before poll() is seen.  Returns
 * imap_idle_wait's last status. */
static int
daemon_idle(struct daemon_ctx *d, long ms)
{
	long long end = clock_mono_ms() + ms, left;
	int rc;

	for (;;) {
		long slice;

		left = end - clock_mono_ms();
		slice = left < daemon_slice(d) ? (left > 0 ? left : 0) :
		    daemon_slice(d);
		daemon_hup_mask(SIG_UNBLOCK);
		rc = imap_idle_wait(d->imap, (int)slice);
		daemon_hup_mask(SIG_BLOCK);
		if (rc == IMAP_EINTR && daemon_interrupted())
			return rc;
		if (rc != 0 && rc != IMAP_EINTR)
			return rc;
		if (daemon_interrupted())
			return IMAP_EINTR;
		if (rc == 0 && left <= slice)
			return 0;
		daemon_ping(d);
	}
}

/* "idle, 3 mails waiting to be sent": what `systemctl status` shows
 * while the daemon waits. */
static void
daemon_status_idle(struct daemon_ctx *d)
{
	int64_t n = 0;
	char err[512];

	if (store_get_int64(d->st, &n, "outbox", "SELECT count(*) FROM "
	    "outbox WHERE status IN ('queued', 'sending')", NULL, 0, err,
	    sizeof(err)) < 0) {
		daemon_status(d, "idle");
		return;
	}
	if (n == 0)
		daemon_status(d, "idle, no mail waiting to be sent");
	else
		daemon_status(d, "idle, %lld mail%s waiting to be sent",
		    (long long)n, n > 1 ? "s" : "");
}

/* Just before a wait: what the cycle's sending, timers and copies and the
 * wait's own queries used (SQLite's page cache and statements, the heap)
 * goes back to the system, as fetch_pass gives back a batch's.  Without
 * it the cache stays full (1 MiB after a storm's 2 000 acknowledgements)
 * for the whole idle time. */
static void
daemon_release(struct daemon_ctx *d)
{
	if (d->st != NULL)
		store_trim(d->st);
	malloc_trim(0);
}

/* Waits for new mail, the next due outgoing mail or the next due job:
 * IDLE if offered, else sleeps poll_interval at most. */
static void
daemon_wait(struct daemon_ctx *d)
{
	const struct config *cfg = d->cfg;
	char err[1024];
	long ms;
	int rc;

	daemon_status_idle(d);
	if (!cfg->imap.idle || d->imap == NULL || !imap_has_idle(d->imap)) {
		ms = daemon_until_due(d, cfg->imap.poll_interval * 1000L);
		daemon_release(d);
		daemon_sleep(d, ms);
		return;
	}
	ms = daemon_until_due(d, IDLE_REISSUE_MS);
	daemon_release(d);
	if (imap_idle_start(d->imap, err, sizeof(err)) != IMAP_OK) {
		log_warnx("imap: IDLE: %s", err);
		goto drop;
	}
	rc = daemon_idle(d, ms);
	if (rc < 0 && rc != IMAP_EINTR) {
		log_warnx("imap: connection lost while idle");
		goto drop;
	}
	log_debug(LOG_CAT_IMAP, "IDLE: %s", rc == 1 ? "activity" :
	    rc == 0 ? "re-issue" : "interrupted");
	if (imap_idle_done(d->imap, err, sizeof(err)) == IMAP_OK)
		return;
	log_warnx("imap: IDLE DONE: %s", err);
drop:
	imap_close(d->imap);
	d->imap = NULL;
}

/* A network call may take its whole timeout without pinging: one longer
 * than the watchdog's interval gets a healthy daemon restarted. */
static void
daemon_check_watchdog(const struct daemon_ctx *d)
{
	long longest = d->cfg->imap.m.timeout > d->cfg->smtp.m.timeout ?
	    d->cfg->imap.m.timeout : d->cfg->smtp.m.timeout;

	if (d->ping_ms > 0 && longest * 1000L >= 2 * d->ping_ms)
		log_warnx("the watchdog interval (%ld ms) is not longer than "
		    "the longest network timeout (%ld s): a slow server may "
		    "get the daemon restarted", 2 * d->ping_ms, longest);
}

/* SIGHUP, between two cycles: RELOADING=1, the reload, READY=1 whether
 * or not the new files were taken (the daemon runs either way).  Before
 * the first login the daemon is still starting: no RELOADING=1 then. */
static void
daemon_reload(struct daemon_ctx *d)
{
	daemon_hup = 0;
	log_info("SIGHUP: reloading %s", d->cfg->path);
	if (d->ready)
		notify_reloading();
	if (reload_apply(d) == 0)
		daemon_check_watchdog(d);	/* new timeouts */
	if (d->ready)
		notify_ready(d->status);
}

int
daemon_run(const struct config *cfg)
{
	struct daemon_ctx d;
	long backoff = 0;

	daemon_signals();
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (daemon_open(&d, cfg, 1) != 0)
		return daemon_stop ? 0 : 1;
	d.ping_ms = notify_watchdog_interval_ms();
	daemon_check_watchdog(&d);
	log_info("running for %s (database %s)", cfg->network.contact,
	    cfg->storage.database);
	while (!daemon_stop) {
		char why[sizeof(d.last_err)];
		int rc;

		if (daemon_hup)
			daemon_reload(&d);
		daemon_ping(&d);
		rc = daemon_cycle(&d);
		/* What the status line gives as the reason to reconnect: the
		 * steps after the cycle may log other warnings. */
		snprintf(why, sizeof(why), "%s", d.last_err);
		if (daemon_stop)
			break;
		daemon_ping(&d);
		daemon_send(&d);
		if (daemon_stop)
			break;
		daemon_ping(&d);
		(void)daemon_copy_sent(&d);	/* sentcopy */
		daemon_ping(&d);
		(void)daemon_erase_copies(&d);
		daemon_ping(&d);
		if (rc != 0) {
			backoff = daemon_backoff_next(backoff);
			log_info("retrying in about %ld s", backoff / 1000);
			daemon_status(&d, "reconnecting in about %ld s: %s",
			    backoff / 1000, why);
			daemon_release(&d);
			daemon_sleep(&d, daemon_jitter(backoff));
			continue;
		}
		backoff = 0;
		if (!daemon_interrupted())
			daemon_wait(&d);
	}
	log_info("stopping");
	notify_stopping();
	daemon_close(&d);
	return 0;
}

int
daemon_poll_once(const struct config *cfg)
{
	struct daemon_ctx d;
	int rc;

	if (daemon_open(&d, cfg, 0) != 0)
		return 1;
	rc = daemon_cycle(&d);
	daemon_send(&d);
	if (daemon_copy_sent(&d) != 0)	/* sentcopy */
		rc = 1;
	if (daemon_erase_copies(&d) != 0)
		rc = 1;
	if (rc != 0)
		log_errorx("poll did not complete: %s", d.last_err[0] ?
		    d.last_err : "see the lines above");
	daemon_close(&d);
	return rc == 0 ? 0 : 1;
}
