/*
 * outbox_send.c — the send loop: due rows of the outbox go to the SMTP
 * server; see outbox.h for the row life cycle and outbox_flush().
 *
 * How it is built:
 * - Sending is claim / send / record: a short committed transaction marks
 *   the row 'sending' (lease in next_attempt_at), the SMTP dialogue runs
 *   outside any transaction (the database is not locked while the network
 *   is slow), and a committed transaction records the answer.  The record
 *   of one row and the claim of the next share that transaction: one
 *   fsync per mail instead of two, and still never a second mail at the
 *   server before the first one's answer is durable.  The window where a
 *   crash re-sends a mail is therefore one row wide (tests/integration/
 *   outbox_batch.sh kills a batch there).
 * - Due rows are read OUTBOX_AHEAD at a time: the due condition is an OR
 *   that SQLite answers by sorting every due row, which once per mail
 *   made a batch cost the square of the queue.
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
#define OUTBOX_PAUSE_MIN	60	/* s, after an auth/TLS failure */
#define OUTBOX_PAUSE_MAX	1800

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

/* Due rows read ahead, so that finding the next one is not a walk of
 * the whole queue per mail.  They are read in id order in the index
 * outbox_pending (schema.sql), which holds only the mail still to send:
 * the walk stops at the OUTBOX_AHEAD-th due row, where the index
 * outbox_due would gather and sort every due row of a storm's queue. */
#define OUTBOX_AHEAD	64

struct outbox_ahead {
	int64_t		 id[OUTBOX_AHEAD];
	int		 nrcpt[OUTBOX_AHEAD];
	int		 n;		/* ids read */
	int		 next;		/* the next one to try */
};

/* Up to OUTBOX_AHEAD due rows after `after`, oldest first, into *a;
 * a->n is 0 when none is due.  0 or -1. */
static int
outbox_pick(struct store *st, long long now, int64_t after,
    struct outbox_ahead *a, char *err, size_t errlen)
{
	struct store_stmt *s;
	int r;

	a->n = a->next = 0;
	if ((s = store_query(st, "SELECT id, json_array_length(recipients) "
	    "FROM outbox INDEXED BY outbox_pending WHERE status IN ('queued', "
	    "'sending') AND message_id IS NOT NULL AND " OUTBOX_DUE " AND id > "
	    "?2 ORDER BY id LIMIT ?3",
	    STORE_ARGS(STORE_INT(now), STORE_INT(after),
	    STORE_INT(OUTBOX_AHEAD)), err, errlen)) == NULL)
		return -1;
	while ((r = store_step(s)) == STORE_ROW && a->n < OUTBOX_AHEAD) {
		a->id[a->n] = store_col_int64(s, 0);
		a->nrcpt[a->n++] = (int)store_col_int64(s, 1);
	}
	if (r == -1)
		snprintf(err, errlen, "outbox: %s", store_errmsg(st));
	store_finalize(s);
	return r == -1 ? -1 : 0;
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

/* Claims row id if still due, inside the caller's transaction: 1
 * claimed (r loaded), 0 taken meanwhile, -1. */
static int
outbox_claim(struct store *st, long long now, int64_t id,
    struct outbox_row *r, char *err, size_t errlen)
{
	if (store_run(st, "outbox: claim", "UPDATE outbox SET status = "
	    "'sending', next_attempt_at = ?3 WHERE id = ?2 AND " OUTBOX_DUE,
	    STORE_ARGS(STORE_INT(now), STORE_INT(id),
	    STORE_INT(clock_now() + OUTBOX_LEASE)), err, errlen) != 0)
		return -1;
	if (store_changes(st) == 0)
		return 0;
	if (outbox_load(st, id, r, err, errlen) != 0) {
		outbox_row_free(r);
		return -1;
	}
	r->res = xcalloc(r->nrcpt + 1, sizeof(*r->res));
	return 1;
}

/*
 * One commit for the result of `done` (when done->id is set) and the
 * claim of row `id` (when not 0) into *r: 1 claimed, 0 not, -1.  Done is
 * freed either way.  A claim that fails is rolled back alone, so that
 * the answer of a mail the server already has is still recorded: a
 * database error claiming the next row must not send this one twice.
 */
static int
outbox_commit_step(struct store *st, long long now, struct outbox_row *done,
    int64_t id, struct outbox_row *r, struct outbox_stats *stats, char *err,
    size_t errlen)
{
	struct outbox_outcome o;
	char why[512] = "";
	int rc = -1, claimed = 0;

	memset(&o, 0, sizeof(o));
	if (done->id == 0 && id == 0)
		return 0;
	if (store_begin(st, err, errlen) != 0)
		goto out;
	if (done->id != 0 && outbox_record(st, done, &o, err, errlen) != 0)
		goto out;
	if (id != 0) {
		if (store_savepoint(st, "claim", err, errlen) != 0)
			goto out;
		claimed = outbox_claim(st, now, id, r, why, sizeof(why));
		if (claimed < 0 && store_rollback_to(st, "claim", err,
		    errlen) != 0)
			goto out;
		if (claimed >= 0 && store_release(st, "claim", err,
		    errlen) != 0)
			goto out;
	}
	if (store_commit(st, err, errlen) != 0)
		goto out;
	if (done->id != 0)
		outbox_report(done, &o, stats);
	if (claimed < 0) {
		snprintf(err, errlen, "%s", why);
		goto out;
	}
	rc = claimed;
out:
	if (rc < 0) {
		if (store_in_transaction(st))
			outbox_abort(st);
		outbox_row_free(r);
	}
	outbox_outcome_free(&o);
	outbox_row_free(done);
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
	outbox_pause_until = (long long)clock_mono() + outbox_pause_len;
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
	struct outbox_ahead ahead;
	struct outbox_row r, done;	/* claimed; sent, result to commit */
	char why[1024], down[SMTP_TEXT_MAX] = "";
	long long now = clock_now();
	int64_t last = 0, id;
	int max = cfg->smtp.max_per_minute, nrcpt, rc = -1, got, st_send;
	int woken = 0;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	memset(&done, 0, sizeof(done));
	memset(&ahead, 0, sizeof(ahead));
	smtp_params_from_config(cfg, &p);
	if (store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: flush must not run inside a "
		    "transaction");
		return -1;
	}
	if (outbox_pause_until > (long long)clock_mono()) {
		stats->paused = 1;
		smtp_text_copy(stats->error, sizeof(stats->error),
		    outbox_pause_reason);
		return 0;
	}
	for (;;) {
		long long mono = (long long)clock_mono();
		int left = max - outbox_window_used(mono);

		if (left <= 0) {
			stats->rate_limited = 1;
			outbox_rate_until = mono + outbox_window_wait(mono, max,
			    1);
			break;
		}
		if (ahead.next == ahead.n) {
			if (outbox_pick(st, now, last, &ahead, err,
			    errlen) != 0)
				goto out;
			if (ahead.n == 0)
				break;
		}
		id = ahead.id[ahead.next];
		nrcpt = ahead.nrcpt[ahead.next++];
		last = id;
		/* A row with more recipients than the whole budget goes
		 * when the window is empty. */
		if (nrcpt > left && left < max) {
			stats->rate_limited = 1;
			outbox_rate_until = mono + outbox_window_wait(mono, max,
			    nrcpt);
			break;
		}
		/* The previous row's result and this row's claim: one
		 * commit, and never two rows in flight. */
		got = outbox_commit_step(st, now, &done, id, &r, stats, err,
		    errlen);
		if (got < 0)
			goto out;
		if (got == 0)
			continue;	/* another process took it */
		stats->rows++;
		if (r.nrcpt == 0) {
			/* Defensive: nobody is owed it, nothing to send. */
			done = r;
			memset(&r, 0, sizeof(r));
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
					last = ahead.n = ahead.next = 0;
				woken = 1;
			}
		}
		if (down[0] != '\0') {
			/* The server cannot be reached: every due row
			 * counts a failed attempt with that answer, without
			 * one more connection timeout each. */
			for (size_t i = 0; i < r.nrcpt; i++) {
				r.res[i].status = SMTP_ETEMP;
				smtp_text_copy(r.res[i].text,
				    sizeof(r.res[i].text), down);
			}
			done = r;
			memset(&r, 0, sizeof(r));
			continue;
		}
		st_send = smtp_session_send(sess, r.sender,
		    (const char *const *)r.rcpts, r.nrcpt, r.msg, r.msglen,
		    r.res, why, sizeof(why));
		outbox_window_add((long long)clock_mono(), (int)r.nrcpt);
		/* The server has the mail, the row does not know yet: the
		 * one window where a crash sends a mail twice, until the
		 * next commit. */
		fault_point("outbox.sent", (long)stats->rows);
		if (st_send != SMTP_OK)
			smtp_text_copy(stats->error, sizeof(stats->error),
			    why);
		done = r;
		memset(&r, 0, sizeof(r));
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
	if (outbox_commit_step(st, now, &done, 0, &r, stats, err,
	    errlen) < 0)
		goto out;
	rc = 0;
out:
	outbox_row_free(&r);
	outbox_row_free(&done);
	smtp_session_close(sess);
	return rc;
}

int
outbox_next_due(struct store *st, long long *when)
{
	struct store_stmt *s;
	char err[256];
	long long t, mono = (long long)clock_mono(), now = clock_now();
	int r;

	/* One seek of the index outbox_wake, written with this very
	 * expression: without it, every queued row was read. */
	if ((s = store_prepare(st, "SELECT min(CASE WHEN status = 'queued' "
	    "THEN max(next_attempt_at, coalesce(hold_until, 0)) ELSE "
	    "next_attempt_at END) FROM outbox INDEXED BY outbox_wake WHERE "
	    "status IN ('queued', 'sending') AND message_id IS NOT NULL", err,
	    sizeof(err))) == NULL)
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
