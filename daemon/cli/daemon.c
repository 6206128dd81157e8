/*
 * daemon.c — the run loop and the poll cycle; see daemon.h.
 *
 * The stop flag is the one piece of mutable global state besides the
 * configuration and the log: a signal handler can only reach a global.
 */
#include <stdarg.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casework/casework.h"
#include "base/clock.h"
#include "config/config.h"
#include "cli/daemon.h"
#include "fetch/fetch.h"
#include "fetch/imap.h"
#include "fetch/inbound.h"
#include "base/log.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "store/people_import.h"
#include "fetch/sentcopy.h"
#include "out/smtp.h"
#include "store/store.h"
#include "timers/timers.h"

#define IDLE_REISSUE_MS		(25 * 60 * 1000)
#define BACKOFF_MIN_MS		1000
#define BACKOFF_MAX_MS		(5 * 60 * 1000)

static volatile sig_atomic_t daemon_stop;

static void
daemon_on_signal(int sig)
{
	(void)sig;
	daemon_stop = 1;
}

/* No SA_RESTART: a signal must interrupt a sleep or an IDLE wait. */
static void
daemon_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = daemon_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Sleeps `ms` unless a stop is requested. */
static void
daemon_sleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (!daemon_stop && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
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

struct daemon_ctx {
	const struct config	*cfg;
	struct store		*st;
	struct inbound_rules	 rules;
	struct mailer		*mailer;
	struct people_watch	 people;
	struct imap_conn	*imap;
	char			 last_err[512];	/* for poll's last line */
};

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

static int
daemon_open(struct daemon_ctx *d, const struct config *cfg)
{
	char err[2048];

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	if (config_check_credentials(cfg, err, sizeof(err)) != 0 ||
	    inbound_rules_load(cfg->paths.rules, &d->rules, err,
	    sizeof(err)) != 0 ||
	    mailer_open(cfg, &d->mailer, err, sizeof(err)) != 0 ||
	    store_open(cfg->storage.database, &d->st, err, sizeof(err)) != 0 ||
	    smtp_global_init() != 0 ||
	    outbox_recover(d->st, NULL, err, sizeof(err)) != 0) {
		log_errorx("%s", err);
		inbound_rules_free(&d->rules);
		mailer_close(d->mailer);
		store_close(d->st);
		memset(d, 0, sizeof(*d));
		return -1;
	}
	d->rules.cfg = cfg;
	d->rules.mailer = d->mailer;
	return 0;
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
	}
	rc = fetch_pass(d->imap, d->st, cfg, &d->rules, &stats, err,
	    sizeof(err));
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

/* Waits for new mail, the next due outgoing mail or the next due job:
 * IDLE if offered, else sleeps poll_interval at most. */
static void
daemon_wait(struct daemon_ctx *d)
{
	const struct config *cfg = d->cfg;
	char err[1024];
	long ms;
	int rc;

	if (!cfg->imap.idle || d->imap == NULL || !imap_has_idle(d->imap)) {
		daemon_sleep(daemon_until_due(d, cfg->imap.poll_interval *
		    1000L));
		return;
	}
	ms = daemon_until_due(d, IDLE_REISSUE_MS);
	if (imap_idle_start(d->imap, err, sizeof(err)) != IMAP_OK) {
		log_warnx("imap: IDLE: %s", err);
		goto drop;
	}
	do
		rc = imap_idle_wait(d->imap, (int)ms);
	while (rc == IMAP_EINTR && !daemon_stop);
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

int
daemon_run(const struct config *cfg)
{
	struct daemon_ctx d;
	long backoff = 0;

	daemon_signals();
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (daemon_open(&d, cfg) != 0)
		return 1;
	log_info("running for %s (database %s)", cfg->network.contact,
	    cfg->storage.database);
	while (!daemon_stop) {
		int rc = daemon_cycle(&d);

		daemon_send(&d);
		(void)daemon_copy_sent(&d);	/* sentcopy */
		if (rc != 0) {
			backoff = daemon_backoff_next(backoff);
			log_info("retrying in about %ld s", backoff / 1000);
			daemon_sleep(daemon_jitter(backoff));
			continue;
		}
		backoff = 0;
		if (!daemon_stop)
			daemon_wait(&d);
	}
	log_info("stopping");
	daemon_close(&d);
	return 0;
}

int
daemon_poll_once(const struct config *cfg)
{
	struct daemon_ctx d;
	int rc;

	if (daemon_open(&d, cfg) != 0)
		return 1;
	rc = daemon_cycle(&d);
	daemon_send(&d);
	if (daemon_copy_sent(&d) != 0)	/* sentcopy */
		rc = 1;
	if (rc != 0)
		log_errorx("poll did not complete: %s", d.last_err[0] ?
		    d.last_err : "see the lines above");
	daemon_close(&d);
	return rc == 0 ? 0 : 1;
}
