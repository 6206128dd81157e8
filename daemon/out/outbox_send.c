/*
 * outbox_send.c — the send loop: due rows of the outbox go to the SMTP
 * server; see outbox.h for the row life cycle and outbox_flush().
 *
 * How it is built:
 * - Sending is claim / send / record: a short committed transaction marks
 *   the row 'sending' (lease in next_attempt_at), the SMTP dialogue runs
 *   outside any transaction (the database is not locked while the network
 *   is slow), and a second committed transaction records the answer.  The
 *   window where a crash re-sends a mail is therefore one row wide.
 * - Two things live in memory only, per process, because they are about
 *   this process's use of the SMTP server rather than about mails: the
 *   per-minute budget (sends counted in 60 one-second buckets of the
 *   monotonic clock) and the pause after an authentication/TLS failure.
 *   The daemon is one process, so that is enough; a restart starts with a
 *   full budget.
 * - When a mail may leave (working hours, backoff) is the queue's policy
 *   (outbox.c); this file applies it and talks to smtp.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/mem.h"
#include "config/config.h"
#include "out/outbox.h"
#include "out/outbox_rows.h"
#include "out/smtp.h"
#include "store/store.h"

#define OUTBOX_LEASE		600	/* s a claimed row is ours */
#define OUTBOX_ERROR_MAX	4000	/* bytes of last_error kept */
#define OUTBOX_PAUSE_MIN	60	/* s, after an auth/TLS failure */
#define OUTBOX_PAUSE_MAX	1800

/* A row being sent. */
struct outbox_row {
	int64_t		 id;
	int64_t		 case_id;	/* 0: none */
	int64_t		 attempts;
	int64_t		 created_at;
	int64_t		 hold_until;	/* 0: none */
	int		 sent_before;	/* accepted for someone already */
	char		*sender;
	char		*message_id;
	char		*msg;
	size_t		 msglen;
	char		**rcpts;
	size_t		 nrcpt;
};

/* ------------------------------------------------------------------ */
/* In-memory state: per-minute budget and the auth/TLS pause.          */

#define OUTBOX_WINDOW 60

static struct {
	long long	 sec[OUTBOX_WINDOW];	/* monotonic second of bucket */
	int		 count[OUTBOX_WINDOW];
} outbox_window;

static long long outbox_rate_until;	/* monotonic s the budget frees */
static long long outbox_pause_until;	/* monotonic s; 0: not paused */
static long long outbox_pause_len;	/* s, grows while failures go on */
static char outbox_pause_reason[512];

static long long
outbox_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

/* Sends counted in the last 60 s. */
static int
outbox_window_used(long long mono)
{
	int used = 0;

	for (int i = 0; i < OUTBOX_WINDOW; i++)
		if (outbox_window.sec[i] > mono - OUTBOX_WINDOW)
			used += outbox_window.count[i];
	return used;
}

static void
outbox_window_add(long long mono, int n)
{
	int i = (int)(mono % OUTBOX_WINDOW);

	if (outbox_window.sec[i] != mono) {
		outbox_window.sec[i] = mono;
		outbox_window.count[i] = 0;
	}
	outbox_window.count[i] += n;
}

/* Seconds until `need` sends fit in the budget `max` again (0: now). */
static long long
outbox_window_wait(long long mono, int max, int need)
{
	long long wait = 0;
	int used = outbox_window_used(mono);

	/* Buckets leave the window oldest first. */
	while (used + need > max && wait < OUTBOX_WINDOW) {
		wait++;
		for (int i = 0; i < OUTBOX_WINDOW; i++)
			if (outbox_window.sec[i] == mono - OUTBOX_WINDOW + wait)
				used -= outbox_window.count[i];
	}
	return wait;
}

/* ------------------------------------------------------------------ */
/* Rows.                                                               */

static void
outbox_row_free(struct outbox_row *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrcpt; i++)
		free(r->rcpts[i]);
	free(r->rcpts);
	free(r->sender);
	free(r->message_id);
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

static void
outbox_abort(struct store *st)
{
	char scratch[256];

	if (store_rollback(st, scratch, sizeof(scratch)) != 0)
		log_warnx("outbox: %s", scratch);
}

/* What makes a row due at ?1 (now). */
#define OUTBOX_DUE							\
	"message_id IS NOT NULL AND next_attempt_at <= ?1 AND "		\
	"(status = 'sending' OR (status = 'queued' AND "		\
	"(hold_until IS NULL OR hold_until <= ?1)))"

/* The next due row after `after`: 1 with *id and *nrcpt, 0 none, -1. */
static int
outbox_pick(struct store *st, long long now, int64_t after, int64_t *id,
    int *nrcpt, char *err, size_t errlen)
{
	struct store_stmt *s;
	int r;

	if ((s = store_query(st, "SELECT id, json_array_length(recipients) "
	    "FROM outbox WHERE " OUTBOX_DUE " AND id > ?2 ORDER BY id LIMIT 1",
	    STORE_ARGS(STORE_INT(now), STORE_INT(after)), err,
	    errlen)) == NULL)
		return -1;
	r = store_step(s);
	if (r == STORE_ROW) {
		*id = store_col_int64(s, 0);
		*nrcpt = (int)store_col_int64(s, 1);
	} else if (r == -1)
		snprintf(err, errlen, "outbox: %s", store_errmsg(st));
	store_finalize(s);
	return r;
}

/* The server answered: mails waiting out their backoff after a temporary
 * failure are due now (a backoff only guesses when the server is back;
 * a connection says so).  Held mail stays held.  0 or -1. */
static int
outbox_wake(struct store *st, long long now, char *err, size_t errlen)
{
	return store_run(st, "outbox: wake", "UPDATE outbox SET "
	    "next_attempt_at = ?1 WHERE status = 'queued' AND attempts > 0 "
	    "AND message_id IS NOT NULL AND next_attempt_at > ?1",
	    STORE_ARGS(STORE_INT(now)), err, errlen);
}

/* Loads row id into r (inside the claim transaction). */
static int
outbox_load(struct store *st, int64_t id, struct outbox_row *r, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	char what[64];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->id = id;
	if ((s = store_query(st, "SELECT sender, message_id, message, "
	    "coalesce(case_id, 0), attempts, created_at, "
	    "coalesce(hold_until, 0), sent_at IS NOT NULL, recipients FROM "
	    "outbox WHERE id = ?1", STORE_ARGS(STORE_INT(id)), err,
	    errlen)) == NULL)
		return -1;
	if (store_step(s) != STORE_ROW) {
		snprintf(err, errlen, "outbox: row %lld: %s", (long long)id,
		    store_errmsg(st));
		goto out;
	}
	r->sender = xstrdup(store_col_text(s, 0));
	r->message_id = xstrdup(store_col_text(s, 1));
	r->msg = store_col_blob_dup(s, 2, &r->msglen);
	r->case_id = store_col_int64(s, 3);
	r->attempts = store_col_int64(s, 4);
	r->created_at = store_col_int64(s, 5);
	r->hold_until = store_col_int64(s, 6);
	r->sent_before = (int)store_col_int64(s, 7);
	snprintf(what, sizeof(what), "row %lld: recipients", (long long)id);
	rc = outbox_rcpts_get(st, store_col_text(s, 8), &r->rcpts, &r->nrcpt,
	    what, err, errlen);
out:
	store_finalize(s);
	return rc;
}

/* Claims row id if still due: 1 claimed (r loaded), 0 taken meanwhile. */
static int
outbox_claim(struct store *st, long long now, int64_t id,
    struct outbox_row *r, char *err, size_t errlen)
{
	int rc = -1;

	if (store_begin(st, err, errlen) != 0)
		return -1;
	if (store_run(st, "outbox: claim", "UPDATE outbox SET status = "
	    "'sending', next_attempt_at = ?3 WHERE id = ?2 AND " OUTBOX_DUE,
	    STORE_ARGS(STORE_INT(now), STORE_INT(id),
	    STORE_INT(clock_now() + OUTBOX_LEASE)), err, errlen) != 0)
		goto out;
	if (store_changes(st) == 0) {
		rc = 0;
		goto out;
	}
	if (outbox_load(st, id, r, err, errlen) != 0)
		goto out;
	rc = 1;
out:
	if (rc < 0 || store_commit(st, err, errlen) != 0) {
		outbox_abort(st);
		outbox_row_free(r);
		return -1;
	}
	return rc;
}

/* An events row 'mail_failed' for a row with a case. */
static int
outbox_event(struct store *st, const struct outbox_row *r, long long now,
    const char *rcpt, const char *reason, int code, const char *text,
    char *err, size_t errlen)
{
	if (r->case_id <= 0)
		return 0;
	return store_run(st, "outbox: event", "INSERT INTO events (case_id, "
	    "at, kind, details) VALUES (?1, ?2, 'mail_failed', "
	    "json_object('outbox_id', ?3, 'message_id', ?4, 'recipient', ?5, "
	    "'reason', ?6, 'code', ?7, 'error', ?8))",
	    STORE_ARGS(STORE_INT(r->case_id), STORE_INT(now), STORE_INT(r->id),
	    STORE_TEXT(r->message_id), STORE_TEXT(rcpt), STORE_TEXT(reason),
	    code > 0 ? STORE_INT(code) : STORE_NULL, STORE_TEXT(text)), err,
	    errlen);
}

/*
 * Records the answer for each recipient of r (res[i] for r->rcpts[i]) in
 * one committed transaction, and counts it in stats.
 */
static int
outbox_record(struct store *st, struct outbox_row *r,
    const struct smtp_result *res, struct outbox_stats *stats, char *err,
    size_t errlen)
{
	struct buf perm, temp, why;
	char **keep, when[40];
	const char *status;
	size_t nkeep = 0, nacc = 0, nref = 0, ntemp = 0;
	long long now = clock_now(), deadline, next = now;
	int rc = -1;

	buf_init(&perm, OUTBOX_ERROR_MAX);
	buf_init(&temp, OUTBOX_ERROR_MAX);
	buf_init(&why, OUTBOX_ERROR_MAX);
	keep = xcalloc(r->nrcpt + 1, sizeof(*keep));
	if (store_begin(st, err, errlen) != 0)
		goto out;

	for (size_t i = 0; i < r->nrcpt; i++) {
		if (res[i].status == SMTP_OK) {
			nacc++;
			log_debug(LOG_CAT_SMTP, "outbox: row %lld accepted for "
			    "%s", (long long)r->id, r->rcpts[i]);
		} else if (res[i].status == SMTP_EPERM) {
			nref++;
			buf_printf(&perm, "%s%s: %s", perm.len ? "; " : "",
			    r->rcpts[i], res[i].text);
			log_warnx("outbox: row %lld <%s>: %s refused by the "
			    "server: %s", (long long)r->id, r->message_id,
			    r->rcpts[i], res[i].text);
			if (outbox_event(st, r, now, r->rcpts[i], "refused",
			    res[i].code, res[i].text, err, errlen) != 0)
				goto out;
		} else {
			ntemp++;
			buf_printf(&temp, "%s%s: %s", temp.len ? "; " : "",
			    r->rcpts[i], res[i].text);
		}
	}
	if (ntemp == r->nrcpt) {
		/* One answer for everybody (the server is down): say it
		 * once, without addresses. */
		int same = 1;

		for (size_t i = 1; i < r->nrcpt && same; i++)
			same = strcmp(res[i].text, res[0].text) == 0;
		if (same) {
			buf_reset(&temp);
			buf_adds(&temp, res[0].text);
		}
	}

	/* Who is still owed the mail, and the row's new status. */
	deadline = (r->hold_until > r->created_at ? r->hold_until :
	    r->created_at) + OUTBOX_GIVE_UP_SECS;
	if (ntemp > 0) {
		for (size_t i = 0; i < r->nrcpt; i++)
			if (res[i].status != SMTP_OK &&
			    res[i].status != SMTP_EPERM)
				keep[nkeep++] = r->rcpts[i];
		if (now >= deadline) {
			status = "failed";
			buf_printf(&why, "gave up after 4 days: %s",
			    buf_str(&temp));
			for (size_t i = 0; i < r->nrcpt; i++)
				if (res[i].status != SMTP_OK &&
				    res[i].status != SMTP_EPERM &&
				    outbox_event(st, r, now, r->rcpts[i],
				    "gave_up", res[i].code, res[i].text, err,
				    errlen) != 0)
					goto out;
		} else {
			long long d = outbox_backoff((int)r->attempts + 1);

			status = "queued";
			next = now + d + (long long)arc4random_uniform(
			    (uint32_t)(d / 10 + 1));
			if (next > deadline)
				next = deadline;
			buf_adds(&why, buf_str(&temp));
		}
		if (perm.len)
			buf_printf(&why, "; %s", buf_str(&perm));
	} else if (r->sent_before || nacc > 0) {
		status = "sent";
		buf_adds(&why, buf_str(&perm));
	} else {
		/* Nobody took it: keep those it failed for, for a retry. */
		status = "failed";
		for (size_t i = 0; i < r->nrcpt; i++)
			keep[nkeep++] = r->rcpts[i];
		buf_adds(&why, buf_str(&perm));
	}

	if (outbox_rcpts_set(st, r->id, keep, nkeep, err, errlen) != 0)
		goto out;
	if (store_run(st, "outbox: result", "UPDATE outbox SET status = ?2, "
	    "attempts = attempts + 1, next_attempt_at = ?3, last_error = "
	    "coalesce(?4, last_error), sent_at = CASE WHEN ?5 THEN "
	    "coalesce(sent_at, ?6) ELSE sent_at END WHERE id = ?1",
	    STORE_ARGS(STORE_INT(r->id), STORE_TEXT(status), STORE_INT(next),
	    STORE_TEXT(why.len ? buf_str(&why) : NULL), STORE_INT(nacc > 0),
	    STORE_INT(now)), err, errlen) != 0)
		goto out;
	if (store_commit(st, err, errlen) != 0)
		goto out;
	rc = 0;

	stats->accepted += (int)nacc;
	stats->refused += (int)nref;
	if (strcmp(status, "sent") == 0) {
		stats->sent++;
		log_info("outbox: row %lld <%s> sent (%zu recipient%s)",
		    (long long)r->id, r->message_id, nacc, nacc == 1 ? "" :
		    "s");
	} else if (strcmp(status, "failed") == 0) {
		stats->failed++;
		log_warnx("outbox: row %lld <%s> failed: %s", (long long)r->id,
		    r->message_id, buf_str(&why));
	} else {
		stats->deferred++;
		clock_iso8601((time_t)next, when, sizeof(when));
		log_notice("outbox: row %lld <%s> deferred until %s (attempt "
		    "%lld): %s", (long long)r->id, r->message_id, when,
		    (long long)r->attempts + 1, buf_str(&temp));
	}
out:
	if (rc != 0)
		outbox_abort(st);
	free(keep);
	buf_free(&perm);
	buf_free(&temp);
	buf_free(&why);
	return rc;
}

/* Authentication or TLS trouble: the claimed row goes back untouched but
 * for last_error, the other due rows get the same last_error. */
static int
outbox_release(struct store *st, const struct outbox_row *r, long long now,
    const char *why, char *err, size_t errlen)
{
	int rc = -1;

	if (store_begin(st, err, errlen) != 0)
		return -1;
	if (store_run(st, "outbox: release", "UPDATE outbox SET status = "
	    "'queued', next_attempt_at = ?1, last_error = ?3 WHERE id = ?2 AND "
	    "status = 'sending'", STORE_ARGS(STORE_INT(now), STORE_INT(r->id),
	    STORE_TEXT(why)), err, errlen) == 0 &&
	    store_run(st, "outbox: release", "UPDATE outbox SET last_error = "
	    "?2 WHERE " OUTBOX_DUE, STORE_ARGS(STORE_INT(now),
	    STORE_TEXT(why)), err, errlen) == 0)
		rc = store_commit(st, err, errlen);
	if (rc != 0)
		outbox_abort(st);
	return rc;
}

static void
outbox_pause(const char *why)
{
	outbox_pause_len = outbox_pause_len ? outbox_pause_len * 2 :
	    OUTBOX_PAUSE_MIN;
	if (outbox_pause_len > OUTBOX_PAUSE_MAX)
		outbox_pause_len = OUTBOX_PAUSE_MAX;
	outbox_pause_until = outbox_mono() + outbox_pause_len;
	smtp_text_copy(outbox_pause_reason, sizeof(outbox_pause_reason),
	    why);
	log_warnx("outbox: cannot send mail, check [smtp] in the "
	    "configuration: %s; mails stay queued, next try in %lld s", why,
	    outbox_pause_len);
}

int
outbox_flush(struct store *st, const struct config *cfg,
    struct outbox_stats *stats, char *err, size_t errlen)
{
	struct smtp_params p;
	struct smtp_session *sess = NULL;
	struct smtp_result *res = NULL;
	struct outbox_row r;
	char why[1024], down[SMTP_TEXT_MAX] = "";
	long long now = clock_now();
	int64_t last = 0, id = 0;
	int max = cfg->smtp.max_per_minute, nrcpt = 0, rc = -1, got, st_send;
	int woken = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	smtp_params_from_config(cfg, &p);
	if (store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: flush must not run inside a "
		    "transaction");
		return -1;
	}
	if (outbox_pause_until > outbox_mono()) {
		stats->paused = 1;
		smtp_text_copy(stats->error, sizeof(stats->error),
		    outbox_pause_reason);
		return 0;
	}
	for (;;) {
		long long mono = outbox_mono();
		int left = max - outbox_window_used(mono);

		if (left <= 0) {
			stats->rate_limited = 1;
			outbox_rate_until = mono + outbox_window_wait(mono, max,
			    1);
			break;
		}
		got = outbox_pick(st, now, last, &id, &nrcpt, err, errlen);
		if (got < 0)
			goto out;
		if (got == STORE_DONE)
			break;
		last = id;
		/* A row with more recipients than the whole budget goes
		 * when the window is empty. */
		if (nrcpt > left && left < max) {
			stats->rate_limited = 1;
			outbox_rate_until = mono + outbox_window_wait(mono, max,
			    nrcpt);
			break;
		}
		got = outbox_claim(st, now, id, &r, err, errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			continue;	/* another process took it */
		stats->rows++;
		free(res);
		res = xcalloc(r.nrcpt + 1, sizeof(*res));
		if (r.nrcpt == 0) {
			/* Defensive: nobody is owed it, nothing to send. */
			if (outbox_record(st, &r, res, stats, err, errlen) != 0)
				goto out;
			outbox_row_free(&r);
			continue;
		}
		if (sess == NULL && down[0] == '\0') {
			st_send = smtp_session_open(&p, &sess, why,
			    sizeof(why));
			if (st_send == SMTP_ETEMP) {
				smtp_text_copy(down, sizeof(down), why);
				smtp_text_copy(stats->error,
				    sizeof(stats->error), why);
			} else if (st_send != SMTP_OK) {
				smtp_text_copy(stats->error,
				    sizeof(stats->error), why);
				stats->paused = 1;
				outbox_pause(why);
				if (outbox_release(st, &r, now, why, err,
				    errlen) != 0)
					goto out;
				break;
			} else {
				outbox_pause_len = 0;
				/* Once per flush, so that a server that
				 * breaks each connection cannot loop us;
				 * rows before this one are due again too. */
				if (!woken && outbox_wake(st, now, err,
				    errlen) != 0)
					goto out;
				if (!woken)
					last = 0;
				woken = 1;
			}
		}
		if (down[0] != '\0') {
			/* The server cannot be reached: every due row
			 * counts a failed attempt with that answer, without
			 * one more connection timeout each. */
			for (size_t i = 0; i < r.nrcpt; i++) {
				res[i].status = SMTP_ETEMP;
				smtp_text_copy(res[i].text,
				    sizeof(res[i].text), down);
			}
			if (outbox_record(st, &r, res, stats, err, errlen) != 0)
				goto out;
			outbox_row_free(&r);
			continue;
		}
		st_send = smtp_session_send(sess, r.sender,
		    (const char *const *)r.rcpts, r.nrcpt, r.msg, r.msglen,
		    res, why, sizeof(why));
		outbox_window_add(outbox_mono(), (int)r.nrcpt);
		/* The server has the mail, the row does not know yet: the
		 * one window where a crash sends a mail twice. */
		fault_point("outbox.sent", (long)stats->rows);
		if (st_send != SMTP_OK)
			smtp_text_copy(stats->error, sizeof(stats->error),
			    why);
		if (outbox_record(st, &r, res, stats, err, errlen) != 0)
			goto out;
		outbox_row_free(&r);
		if (st_send == SMTP_ETEMP) {
			/* The connection broke: the next row reconnects
			 * (once; if that fails too, the server is down). */
			smtp_session_close(sess);
			sess = NULL;
		} else if (st_send == SMTP_EAUTH || st_send == SMTP_ETLS) {
			stats->paused = 1;
			outbox_pause(why);
			break;
		}
	}
	rc = 0;
out:
	outbox_row_free(&r);
	free(res);
	smtp_session_close(sess);
	return rc;
}

int
outbox_next_due(struct store *st, long long *when)
{
	struct store_stmt *s;
	char err[256];
	long long t, mono = outbox_mono(), now = clock_now();
	int r;

	if ((s = store_prepare(st, "SELECT min(CASE WHEN status = 'queued' "
	    "THEN max(next_attempt_at, coalesce(hold_until, 0)) ELSE "
	    "next_attempt_at END) FROM outbox WHERE message_id IS NOT NULL "
	    "AND status IN ('queued', 'sending')", err, sizeof(err))) == NULL)
		return -1;
	r = store_step(s);
	if (r != STORE_ROW) {
		store_finalize(s);
		return -1;
	}
	if (store_col_is_null(s, 0)) {
		store_finalize(s);
		return 0;
	}
	t = store_col_int64(s, 0);
	store_finalize(s);
	if (outbox_pause_until > mono && now + (outbox_pause_until - mono) > t)
		t = now + (outbox_pause_until - mono);
	if (outbox_rate_until > mono && now + (outbox_rate_until - mono) > t)
		t = now + (outbox_rate_until - mono);
	*when = t;
	return 1;
}
