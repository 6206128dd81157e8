/*
 * outbox.c — the durable queue of outgoing mail; see outbox.h for the API,
 * the row life cycle and the policy.
 *
 * How it is built:
 * - All SQL goes through store.h.  Recipient lists are JSON arrays of
 *   strings; they are read with json_each() and written with json_insert(),
 *   so this file never quotes JSON itself.
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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/codec.h"
#include "base/addr.h"
#include "base/buf.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/outbox.h"
#include "out/smtp.h"
#include "store/store.h"

#define OUTBOX_LEASE		600	/* s a claimed row is ours */
#define OUTBOX_MSGID_MAX	250
#define OUTBOX_ERROR_MAX	4000	/* bytes of last_error kept */
#define OUTBOX_PAUSE_MIN	60	/* s, after an auth/TLS failure */
#define OUTBOX_PAUSE_MAX	1800
#define OUTBOX_HEADER_MAX	65536	/* bytes searched for headers */

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
/* Small helpers.                                                      */

/* Copies src into dst[len], cut if longer. */
static void
outbox_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

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

/* An envelope address: empty only where the null reverse-path is
 * allowed, otherwise the one rule of base/addr.h. */
static int
outbox_addr_ok(const char *a, int allow_empty)
{
	return *a == '\0' ? allow_empty : addr_valid(a);
}

static char *
outbox_lower(const char *s)
{
	char *d = xstrdup(s);

	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Runs a statement with no result; -1 with the SQLite message in err. */
static int
outbox_step_done(struct store *st, struct store_stmt *s, const char *what,
    char *err, size_t errlen)
{
	if (store_step(s) != STORE_DONE) {
		snprintf(err, errlen, "outbox: %s: %s", what,
		    store_errmsg(st));
		return -1;
	}
	return 0;
}

/* Undoes a savepoint after a failure without touching the caller's err. */
static void
outbox_undo(struct store *st, const char *savepoint)
{
	char scratch[256];

	if (store_rollback_to(st, savepoint, scratch, sizeof(scratch)) != 0)
		log_warnx("outbox: %s", scratch);
}

static void
outbox_abort(struct store *st)
{
	char scratch[256];

	if (store_rollback(st, scratch, sizeof(scratch)) != 0)
		log_warnx("outbox: %s", scratch);
}

/* Local calendar day of t, 'YYYY-MM-DD'. */
static void
outbox_local_day(long long t, char out[16])
{
	struct tm tm;
	time_t tt = (time_t)t;

	localtime_r(&tt, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Replaces the row's recipients by addrs[0..n-1]. */
static int
outbox_set_rcpts(struct store *st, int64_t id, char *const *addrs, size_t n,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc = -1;

	if ((s = store_prepare(st, "UPDATE outbox SET recipients = '[]' "
	    "WHERE id = ?1", err, errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	if (outbox_step_done(st, s, "recipients", err, errlen) != 0)
		goto out;
	store_finalize(s);
	if ((s = store_prepare(st, "UPDATE outbox SET recipients = "
	    "json_insert(recipients, '$[#]', ?2) WHERE id = ?1", err,
	    errlen)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		store_reset(s);
		store_bind_int64(s, 1, id);
		store_bind_text(s, 2, addrs[i]);
		if (outbox_step_done(st, s, "recipients", err, errlen) != 0)
			goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Policy.                                                             */

long long
outbox_hold_until(const struct config *cfg, long long now)
{
	struct tm tm;
	time_t t = (time_t)now;
	int ws = cfg->network.work_start, we = cfg->network.work_end, m, in;

	if (ws == we || (ws == 0 && we >= 24 * 60))
		return 0;
	localtime_r(&t, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	in = ws < we ? (m >= ws && m < we) : (m >= ws || m < we);
	if (in)
		return 0;
	/* Before the start: today; after the end: tomorrow.  mktime with
	 * tm_isdst = -1 finds the right offset on DST change days. */
	if (m >= ws)
		tm.tm_mday += 1;
	tm.tm_hour = ws / 60;
	tm.tm_min = ws % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (long long)mktime(&tm);
}

long long
outbox_backoff(int n)
{
	static const long long steps[] = { 300, 900, 3600, 7200, 14400 };
	size_t nsteps = sizeof(steps) / sizeof(steps[0]);

	if (n < 1)
		n = 1;
	return (size_t)n > nsteps ? steps[nsteps - 1] : steps[n - 1];
}

/* ------------------------------------------------------------------ */
/* Queueing.                                                           */

/* Increments today's automatic-mail count of addr, unless it is at max:
 * then 1 and nothing changed.  0 counted, -1 error. */
static int
outbox_rate_take(struct store *st, const char *addr, const char *day,
    int max, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc = -1, r;

	if ((s = store_prepare(st, "SELECT count FROM rate WHERE address = "
	    "?1 AND day = ?2", err, errlen)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	store_bind_text(s, 2, day);
	r = store_step(s);
	if (r == -1) {
		snprintf(err, errlen, "outbox: rate: %s", store_errmsg(st));
		goto out;
	}
	if (r == STORE_ROW && store_col_int64(s, 0) >= max) {
		rc = 1;
		goto out;
	}
	store_finalize(s);
	if ((s = store_prepare(st, "INSERT INTO rate (address, day, count) "
	    "VALUES (?1, ?2, 1) ON CONFLICT (address, day) DO UPDATE SET "
	    "count = count + 1", err, errlen)) == NULL)
		return -1;
	store_bind_text(s, 1, addr);
	store_bind_text(s, 2, day);
	rc = outbox_step_done(st, s, "rate", err, errlen);
out:
	store_finalize(s);
	return rc;
}

int
outbox_reserve(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen)
{
	static const char sp[] = "outbox_reserve";
	const struct config *cfg = item->cfg;
	struct store_stmt *s = NULL;
	struct buf capped;
	char **addrs = NULL, day[16];
	const char *sender;
	size_t n = 0, ncapped = 0;
	long long now = clock_now(), hold;
	int rc = OUTBOX_ERR, r;

	*id = 0;
	buf_init(&capped, 0);
	if (cfg == NULL || item->rcpts == NULL || item->nrcpt == 0) {
		snprintf(err, errlen, "outbox: a mail needs a configuration "
		    "and at least one recipient");
		return OUTBOX_ERR;
	}
	sender = item->sender ? item->sender : cfg->smtp.from;
	if (sender == NULL || !outbox_addr_ok(sender, 1)) {
		snprintf(err, errlen, "outbox: invalid envelope sender '%s'",
		    sender ? sender : "(none)");
		return OUTBOX_ERR;
	}
	if (!store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: a mail must be queued inside "
		    "the transaction that decides it");
		return OUTBOX_ERR;
	}
	addrs = xcalloc(item->nrcpt, sizeof(*addrs));
	for (size_t i = 0; i < item->nrcpt; i++) {
		const char *a = item->rcpts[i] ? item->rcpts[i] : "";
		int dup = 0;

		if (!outbox_addr_ok(a, 0)) {
			snprintf(err, errlen, "outbox: invalid recipient "
			    "address '%s'", a);
			goto out;
		}
		addrs[n] = outbox_lower(a);
		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp(addrs[j], addrs[n]) == 0;
		if (dup)
			free(addrs[n]);
		else
			n++;
	}
	if (store_savepoint(st, sp, err, errlen) != 0)
		goto out;

	/* Flood and loop protection, counted in this transaction. */
	if (item->automatic) {
		size_t kept = 0;

		outbox_local_day(now, day);
		for (size_t i = 0; i < n; i++) {
			r = outbox_rate_take(st, addrs[i], day,
			    cfg->network.max_auto_per_day, err, errlen);
			if (r < 0)
				goto undo;
			if (r == 1) {
				buf_printf(&capped, "%s%s", ncapped ? ", " :
				    "", addrs[i]);
				ncapped++;
				free(addrs[i]);
				addrs[i] = NULL;
			}
		}
		for (size_t i = 0; i < n; i++)
			if (addrs[i] != NULL)
				addrs[kept++] = addrs[i];
		n = kept;
		if (n == 0) {
			outbox_undo(st, sp);
			snprintf(err, errlen, "automatic mail not queued: %s "
			    "already got %d automatic mails on %s",
			    buf_str(&capped), cfg->network.max_auto_per_day,
			    day);
			rc = OUTBOX_LIMITED;
			goto out;
		}
	}

	hold = item->urgent ? 0 : outbox_hold_until(cfg, now);
	if ((s = store_prepare(st, "INSERT INTO outbox (case_id, person_id, "
	    "template, sender, recipients, message_id, message, status, "
	    "attempts, next_attempt_at, hold_until, created_at) VALUES (?1, "
	    "?2, ?3, ?4, '[]', NULL, X'', 'queued', 0, ?5, ?6, ?5)", err,
	    errlen)) == NULL)
		goto undo;
	if (item->case_id > 0)
		store_bind_int64(s, 1, item->case_id);
	if (item->person_id > 0)
		store_bind_int64(s, 2, item->person_id);
	store_bind_text(s, 3, item->template);
	store_bind_text(s, 4, sender);
	store_bind_int64(s, 5, now);
	if (hold > 0)
		store_bind_int64(s, 6, hold);
	if (outbox_step_done(st, s, "queueing", err, errlen) != 0)
		goto undo;
	*id = store_last_insert_id(st);
	if (outbox_set_rcpts(st, *id, addrs, n, err, errlen) != 0)
		goto undo;
	if (store_release(st, sp, err, errlen) != 0)
		goto undo;
	if (ncapped > 0) {
		snprintf(err, errlen, "automatic mail not sent to %s: already "
		    "%d automatic mails on %s", buf_str(&capped),
		    cfg->network.max_auto_per_day, day);
		rc = OUTBOX_PARTIAL;
	} else
		rc = OUTBOX_OK;
	goto out;
undo:
	*id = 0;
	outbox_undo(st, sp);
out:
	store_finalize(s);
	for (size_t i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	buf_free(&capped);
	return rc;
}

/* The header block of a message: up to the empty line (excluded). */
static size_t
outbox_header_len(const char *msg, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(msg + i, "\r\n\r\n", 4) == 0)
			return i + 2;
	return 0;
}

int
outbox_fill(struct store *st, int64_t id, const char *message_id,
    const char *message, size_t len, char *err, size_t errlen)
{
	struct store_stmt *s = NULL;
	char *bracketed = NULL;
	size_t hlen, n;
	int rc = -1;

	n = message_id ? strlen(message_id) : 0;
	if (n == 0 || n > OUTBOX_MSGID_MAX ||
	    !addr_msgid_valid(message_id, n, 1)) {
		snprintf(err, errlen, "outbox: row %lld: invalid Message-ID "
		    "'%s'", (long long)id, message_id ? message_id : "");
		return -1;
	}
	if (message == NULL || (hlen = outbox_header_len(message, len)) == 0) {
		snprintf(err, errlen, "outbox: row %lld: the message has no "
		    "header/body separator (CRLF CRLF)", (long long)id);
		return -1;
	}
	bracketed = xasprintf("<%s>", message_id);
	if (memmem(message, hlen, bracketed, n + 2) == NULL) {
		snprintf(err, errlen, "outbox: row %lld: %s is not in the "
		    "message's header", (long long)id, bracketed);
		goto out;
	}
	if ((s = store_prepare(st, "UPDATE outbox SET message_id = ?2, "
	    "message = ?3 WHERE id = ?1 AND message_id IS NULL AND status = "
	    "'queued'", err, errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, id);
	store_bind_text(s, 2, message_id);
	store_bind_blob(s, 3, message, len);
	if (store_step(s) != STORE_DONE) {
		if (store_constraint_failed(st))
			snprintf(err, errlen, "outbox: row %lld: Message-ID "
			    "%s is already used by another mail",
			    (long long)id, bracketed);
		else
			snprintf(err, errlen, "outbox: row %lld: %s",
			    (long long)id, store_errmsg(st));
		goto out;
	}
	if (store_changes(st) != 1) {
		snprintf(err, errlen, "outbox: row %lld is not a reserved row "
		    "waiting for its message", (long long)id);
		goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	free(bracketed);
	return rc;
}

int
outbox_enqueue(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen)
{
	static const char sp[] = "outbox_enqueue";
	char partial[512];
	int rc;

	*id = 0;
	if (!store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: a mail must be queued inside "
		    "the transaction that decides it");
		return OUTBOX_ERR;
	}
	if (store_savepoint(st, sp, err, errlen) != 0)
		return OUTBOX_ERR;
	rc = outbox_reserve(st, item, id, err, errlen);
	if (rc != OUTBOX_OK && rc != OUTBOX_PARTIAL) {
		outbox_undo(st, sp);
		return rc;
	}
	snprintf(partial, sizeof(partial), "%s", rc == OUTBOX_PARTIAL ? err :
	    "");
	if (outbox_fill(st, *id, item->message_id, item->message,
	    item->message_len, err, errlen) != 0 ||
	    store_release(st, sp, err, errlen) != 0) {
		*id = 0;
		outbox_undo(st, sp);
		return OUTBOX_ERR;
	}
	if (rc == OUTBOX_PARTIAL)
		snprintf(err, errlen, "%s", partial);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Sending.                                                            */

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

	if ((s = store_prepare(st, "SELECT id, json_array_length(recipients) "
	    "FROM outbox WHERE " OUTBOX_DUE " AND id > ?2 ORDER BY id LIMIT 1",
	    err, errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, now);
	store_bind_int64(s, 2, after);
	r = store_step(s);
	if (r == STORE_ROW) {
		*id = store_col_int64(s, 0);
		*nrcpt = (int)store_col_int64(s, 1);
	} else if (r == -1)
		snprintf(err, errlen, "outbox: %s", store_errmsg(st));
	store_finalize(s);
	return r;
}

/* Loads row id into r (inside the claim transaction). */
static int
outbox_load(struct store *st, int64_t id, struct outbox_row *r, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	const void *blob;
	size_t len, cap = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->id = id;
	if ((s = store_prepare(st, "SELECT sender, message_id, message, "
	    "coalesce(case_id, 0), attempts, created_at, "
	    "coalesce(hold_until, 0), sent_at IS NOT NULL FROM outbox "
	    "WHERE id = ?1", err, errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	if (store_step(s) != STORE_ROW) {
		snprintf(err, errlen, "outbox: row %lld: %s", (long long)id,
		    store_errmsg(st));
		goto out;
	}
	r->sender = xstrdup(store_col_text(s, 0));
	r->message_id = xstrdup(store_col_text(s, 1));
	blob = store_col_blob(s, 2, &len);
	r->msg = xmalloc(len + 1);
	if (len > 0)
		memcpy(r->msg, blob, len);
	r->msg[len] = '\0';
	r->msglen = len;
	r->case_id = store_col_int64(s, 3);
	r->attempts = store_col_int64(s, 4);
	r->created_at = store_col_int64(s, 5);
	r->hold_until = store_col_int64(s, 6);
	r->sent_before = (int)store_col_int64(s, 7);
	store_finalize(s);

	if ((s = store_prepare(st, "SELECT value FROM json_each((SELECT "
	    "recipients FROM outbox WHERE id = ?1))", err, errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		if (r->nrcpt == cap) {
			cap = cap ? cap * 2 : 4;
			r->rcpts = xrealloc(r->rcpts, cap * sizeof(*r->rcpts));
		}
		r->rcpts[r->nrcpt++] = xstrdup(store_col_text(s, 0) ?
		    store_col_text(s, 0) : "");
	}
	if (rc == -1) {
		snprintf(err, errlen, "outbox: row %lld: recipients: %s",
		    (long long)id, store_errmsg(st));
		goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	return rc;
}

/* Claims row id if still due: 1 claimed (r loaded), 0 taken meanwhile. */
static int
outbox_claim(struct store *st, long long now, int64_t id,
    struct outbox_row *r, char *err, size_t errlen)
{
	struct store_stmt *s = NULL;
	int rc = -1;

	if (store_begin(st, err, errlen) != 0)
		return -1;
	if ((s = store_prepare(st, "UPDATE outbox SET status = 'sending', "
	    "next_attempt_at = ?3 WHERE id = ?2 AND " OUTBOX_DUE, err,
	    errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, now);
	store_bind_int64(s, 2, id);
	store_bind_int64(s, 3, clock_now() + OUTBOX_LEASE);
	if (outbox_step_done(st, s, "claim", err, errlen) != 0)
		goto out;
	if (store_changes(st) == 0) {
		rc = 0;
		goto out;
	}
	if (outbox_load(st, id, r, err, errlen) != 0)
		goto out;
	rc = 1;
out:
	store_finalize(s);
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
	struct store_stmt *s;
	int rc;

	if (r->case_id <= 0)
		return 0;
	if ((s = store_prepare(st, "INSERT INTO events (case_id, at, kind, "
	    "details) VALUES (?1, ?2, 'mail_failed', json_object('outbox_id', "
	    "?3, 'message_id', ?4, 'recipient', ?5, 'reason', ?6, 'code', ?7, "
	    "'error', ?8))", err, errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, r->case_id);
	store_bind_int64(s, 2, now);
	store_bind_int64(s, 3, r->id);
	store_bind_text(s, 4, r->message_id);
	store_bind_text(s, 5, rcpt);
	store_bind_text(s, 6, reason);
	if (code > 0)
		store_bind_int64(s, 7, code);
	store_bind_text(s, 8, text);
	rc = outbox_step_done(st, s, "event", err, errlen);
	store_finalize(s);
	return rc;
}

static void
outbox_iso(long long t, char *out, size_t len)
{
	clock_iso8601((time_t)t, out, len);
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
	struct store_stmt *s = NULL;
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

	if (outbox_set_rcpts(st, r->id, keep, nkeep, err, errlen) != 0)
		goto out;
	if ((s = store_prepare(st, "UPDATE outbox SET status = ?2, attempts = "
	    "attempts + 1, next_attempt_at = ?3, last_error = "
	    "coalesce(?4, last_error), sent_at = CASE WHEN ?5 THEN "
	    "coalesce(sent_at, ?6) ELSE sent_at END WHERE id = ?1", err,
	    errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, r->id);
	store_bind_text(s, 2, status);
	store_bind_int64(s, 3, next);
	store_bind_text(s, 4, why.len ? buf_str(&why) : NULL);
	store_bind_int64(s, 5, nacc > 0);
	store_bind_int64(s, 6, now);
	if (outbox_step_done(st, s, "result", err, errlen) != 0)
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
		outbox_iso(next, when, sizeof(when));
		log_notice("outbox: row %lld <%s> deferred until %s (attempt "
		    "%lld): %s", (long long)r->id, r->message_id, when,
		    (long long)r->attempts + 1, buf_str(&temp));
	}
out:
	store_finalize(s);
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
	struct store_stmt *s = NULL;
	int rc = -1;

	if (store_begin(st, err, errlen) != 0)
		return -1;
	if ((s = store_prepare(st, "UPDATE outbox SET status = 'queued', "
	    "next_attempt_at = ?1, last_error = ?3 WHERE id = ?2 AND status = "
	    "'sending'", err, errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, now);
	store_bind_int64(s, 2, r->id);
	store_bind_text(s, 3, why);
	if (outbox_step_done(st, s, "release", err, errlen) != 0)
		goto out;
	store_finalize(s);
	if ((s = store_prepare(st, "UPDATE outbox SET last_error = ?2 WHERE "
	    OUTBOX_DUE, err, errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, now);
	store_bind_text(s, 2, why);
	if (outbox_step_done(st, s, "release", err, errlen) != 0)
		goto out;
	rc = store_commit(st, err, errlen);
out:
	store_finalize(s);
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
	outbox_copy(outbox_pause_reason, sizeof(outbox_pause_reason), why);
	log_warnx("outbox: cannot send mail, check [smtp] in the "
	    "configuration: %s; mails stay queued, next try in %lld s", why,
	    outbox_pause_len);
}

int
outbox_flush(struct store *st, const struct config *cfg,
    struct outbox_stats *stats, char *err, size_t errlen)
{
	struct smtp_params p = {
		.url = cfg->smtp.m.url,
		.user = cfg->smtp.m.user,
		.password = cfg->smtp.m.password,
		.starttls = cfg->smtp.starttls,
		.tls_verify = cfg->smtp.m.tls_verify,
		.ca_file = cfg->smtp.m.ca_file,
		.timeout_sec = cfg->smtp.m.timeout,
	};
	struct smtp_session *sess = NULL;
	struct smtp_result *res = NULL;
	struct outbox_row r;
	char why[1024], down[SMTP_TEXT_MAX] = "";
	long long now = clock_now();
	int64_t last = 0, id = 0;
	int max = cfg->smtp.max_per_minute, nrcpt = 0, rc = -1, got, st_send;

	memset(stats, 0, sizeof(*stats));
	memset(&r, 0, sizeof(r));
	if (store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: flush must not run inside a "
		    "transaction");
		return -1;
	}
	if (outbox_pause_until > outbox_mono()) {
		stats->paused = 1;
		outbox_copy(stats->error, sizeof(stats->error),
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
				outbox_copy(down, sizeof(down), why);
				outbox_copy(stats->error,
				    sizeof(stats->error), why);
			} else if (st_send != SMTP_OK) {
				outbox_copy(stats->error,
				    sizeof(stats->error), why);
				stats->paused = 1;
				outbox_pause(why);
				if (outbox_release(st, &r, now, why, err,
				    errlen) != 0)
					goto out;
				break;
			} else
				outbox_pause_len = 0;
		}
		if (down[0] != '\0') {
			/* The server cannot be reached: every due row
			 * counts a failed attempt with that answer, without
			 * one more connection timeout each. */
			for (size_t i = 0; i < r.nrcpt; i++) {
				res[i].status = SMTP_ETEMP;
				outbox_copy(res[i].text, sizeof(res[i].text),
				    down);
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
		if (st_send != SMTP_OK)
			outbox_copy(stats->error, sizeof(stats->error), why);
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

int
outbox_recover(struct store *st, int *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	if (n)
		*n = 0;
	if ((s = store_prepare(st, "UPDATE outbox SET status = 'queued', "
	    "next_attempt_at = ?1 WHERE status = 'sending'", err,
	    errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, clock_now());
	rc = outbox_step_done(st, s, "recover", err, errlen);
	if (rc == 0 && store_changes(st) > 0) {
		log_notice("outbox: %d mail%s interrupted while sending, "
		    "queued again", store_changes(st),
		    store_changes(st) == 1 ? "" : "s");
		if (n)
			*n = store_changes(st);
	}
	store_finalize(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Listing and retry (the command line).                               */

/* The unfolded value of header `name` in the header block h[0..len). */
static char *
outbox_header(const char *h, size_t len, const char *name)
{
	struct buf b;
	size_t n = strlen(name), i = 0;

	buf_init(&b, OUTBOX_HEADER_MAX);
	while (i < len) {
		size_t eol = i;

		while (eol < len && h[eol] != '\n')
			eol++;
		if (eol - i > n && strncasecmp(h + i, name, n) == 0 &&
		    h[i + n] == ':') {
			size_t j = i + n + 1;

			/* The value and its continuation lines. */
			for (;;) {
				while (j < eol && (h[j] == ' ' || h[j] == '\t'))
					j++;
				if (b.len && j < eol)
					buf_addc(&b, ' ');
				buf_add(&b, h + j, eol - j -
				    (eol > j && h[eol - 1] == '\r'));
				if (eol + 1 >= len || (h[eol + 1] != ' ' &&
				    h[eol + 1] != '\t'))
					break;
				j = eol + 1;
				eol = j;
				while (eol < len && h[eol] != '\n')
					eol++;
			}
			break;
		}
		i = eol + 1;
	}
	return buf_steal(&b);
}

/* Decodes one "=?charset?X?text?=" word at s (UTF-8 or US-ASCII only)
 * into b; returns its length, 0 if s is not such a word. */
static size_t
outbox_word(const char *s, struct buf *b)
{
	const char *cs = s + 2, *q, *text, *end;
	char *decoded;
	size_t n;
	int enc;

	if (strncmp(s, "=?", 2) != 0 || (q = strchr(cs, '?')) == NULL)
		return 0;
	if (!((q - cs == 5 && strncasecmp(cs, "utf-8", 5) == 0) ||
	    (q - cs == 8 && strncasecmp(cs, "us-ascii", 8) == 0)))
		return 0;
	enc = q[1] == 'B' || q[1] == 'b' ? 'B' : q[1] == 'Q' ||
	    q[1] == 'q' ? 'Q' : 0;
	if (enc == 0 || q[2] != '?')
		return 0;
	text = q + 3;
	if ((end = strstr(text, "?=")) == NULL)
		return 0;
	decoded = enc == 'Q' ?
	    codec_qp_decode(text, (size_t)(end - text), 1, &n) :
	    codec_b64_decode(text, (size_t)(end - text), &n);
	buf_add(b, decoded, n);
	free(decoded);
	return (size_t)(end + 2 - s);
}

/* RFC 2047 words in UTF-8 decoded; anything else kept as it is. */
static char *
outbox_decode_words(const char *in)
{
	struct buf b;
	const char *p = in;
	int prev_word = 0;

	buf_init(&b, OUTBOX_HEADER_MAX);
	while (*p) {
		size_t n = outbox_word(p, &b);

		if (n > 0) {
			p += n;
			prev_word = 1;
			continue;
		}
		if (prev_word && (*p == ' ' || *p == '\t')) {
			/* Space between two encoded words is dropped. */
			const char *q = p;
			struct buf probe;

			while (*q == ' ' || *q == '\t')
				q++;
			buf_init(&probe, OUTBOX_HEADER_MAX);
			n = outbox_word(q, &probe);
			buf_free(&probe);
			if (n > 0) {
				p = q;
				continue;
			}
		}
		prev_word = 0;
		buf_addc(&b, *p++);
	}
	return buf_steal(&b);
}

static char *
outbox_dup_col(struct store_stmt *s, int idx)
{
	const char *t = store_col_text(s, idx);

	return t ? xstrdup(t) : NULL;
}

void
outbox_list_free(struct outbox_entry *e, size_t n)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(e[i].status);
		free(e[i].template);
		free(e[i].message_id);
		free(e[i].recipients);
		for (size_t j = 0; j < e[i].nrcpt; j++)
			free(e[i].rcpts[j]);
		free(e[i].rcpts);
		free(e[i].to);
		free(e[i].subject);
		free(e[i].last_error);
	}
	free(e);
}

/* The addresses of a recipients JSON array, into x->rcpts. */
static int
outbox_split_rcpts(struct store *st, struct outbox_entry *x, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	size_t cap = 0;
	int r;

	if ((s = store_prepare(st, "SELECT value FROM json_each(?1)", err,
	    errlen)) == NULL)
		return -1;
	store_bind_text(s, 1, x->recipients ? x->recipients : "[]");
	while ((r = store_step(s)) == STORE_ROW) {
		if (x->nrcpt == cap) {
			cap = cap ? cap * 2 : 4;
			x->rcpts = xrealloc(x->rcpts, cap * sizeof(*x->rcpts));
		}
		x->rcpts[x->nrcpt++] = xstrdup(store_col_text(s, 0) ?
		    store_col_text(s, 0) : "");
	}
	if (r == -1)
		snprintf(err, errlen, "outbox: list: %s", store_errmsg(st));
	store_finalize(s);
	return r == -1 ? -1 : 0;
}

int
outbox_list(struct store *st, const char *status, struct outbox_entry **out,
    size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	struct outbox_entry *e = NULL;
	size_t cap = 0, cnt = 0;
	int r;

	*out = NULL;
	*n = 0;
	/* Only the header block of each message is read. */
	if ((s = store_prepare(st, "SELECT id, status, attempts, "
	    "next_attempt_at, coalesce(hold_until, 0), created_at, "
	    "coalesce(sent_at, 0), coalesce(case_id, 0), template, "
	    "message_id, recipients, last_error, substr(message, 1, CASE "
	    "instr(message, X'0D0A0D0A') WHEN 0 THEN 65536 ELSE "
	    "instr(message, X'0D0A0D0A') + 1 END) FROM outbox WHERE ?1 IS "
	    "NULL OR status = ?1 ORDER BY id DESC", err, errlen)) == NULL)
		return -1;
	store_bind_text(s, 1, status);
	while ((r = store_step(s)) == STORE_ROW) {
		struct outbox_entry *x;
		const char *h;
		size_t hlen;
		char *raw;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			e = xrealloc(e, cap * sizeof(*e));
		}
		x = &e[cnt++];
		memset(x, 0, sizeof(*x));
		x->id = store_col_int64(s, 0);
		x->status = outbox_dup_col(s, 1);
		x->attempts = store_col_int64(s, 2);
		x->next_attempt_at = store_col_int64(s, 3);
		x->hold_until = store_col_int64(s, 4);
		x->created_at = store_col_int64(s, 5);
		x->sent_at = store_col_int64(s, 6);
		x->case_id = store_col_int64(s, 7);
		x->template = outbox_dup_col(s, 8);
		x->message_id = outbox_dup_col(s, 9);
		x->recipients = outbox_dup_col(s, 10);
		x->last_error = outbox_dup_col(s, 11);
		h = store_col_blob(s, 12, &hlen);
		x->to = outbox_header(h ? h : "", h ? hlen : 0, "To");
		raw = outbox_header(h ? h : "", h ? hlen : 0, "Subject");
		x->subject = outbox_decode_words(raw);
		free(raw);
	}
	if (r == -1)
		snprintf(err, errlen, "outbox: list: %s", store_errmsg(st));
	store_finalize(s);
	for (size_t i = 0; i < cnt && r != -1; i++)
		if (outbox_split_rcpts(st, &e[i], err, errlen) != 0)
			r = -1;
	if (r == -1) {
		outbox_list_free(e, cnt);
		return -1;
	}
	*out = e;
	*n = cnt;
	return 0;
}

int
outbox_retry(struct store *st, int64_t id, char *err, size_t errlen)
{
	struct store_stmt *s;
	char *status = NULL;
	long long nrcpt = 0, now = clock_now();
	int composing = 0, r, rc = -1;

	if ((s = store_prepare(st, "SELECT status, json_array_length("
	    "recipients), message_id IS NULL FROM outbox WHERE id = ?1", err,
	    errlen)) == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	r = store_step(s);
	if (r == -1) {
		snprintf(err, errlen, "outbox: %s", store_errmsg(st));
		goto out;
	}
	if (r == STORE_DONE) {
		snprintf(err, errlen, "no outbox mail with id %lld",
		    (long long)id);
		goto out;
	}
	status = outbox_dup_col(s, 0);
	nrcpt = store_col_int64(s, 1);
	composing = (int)store_col_int64(s, 2);
	store_finalize(s);
	s = NULL;
	if (strcmp(status, "sent") == 0) {
		snprintf(err, errlen, "outbox mail %lld was already sent",
		    (long long)id);
		goto out;
	}
	if (strcmp(status, "sending") == 0) {
		snprintf(err, errlen, "outbox mail %lld is being sent right "
		    "now", (long long)id);
		goto out;
	}
	if (composing || nrcpt == 0) {
		snprintf(err, errlen, "outbox mail %lld has %s", (long long)id,
		    composing ? "no message yet (being composed)" :
		    "no recipient left to send to");
		goto out;
	}
	if ((s = store_prepare(st, "UPDATE outbox SET status = 'queued', "
	    "attempts = 0, next_attempt_at = ?2, hold_until = ?2 WHERE id = "
	    "?1 AND status IN ('queued', 'failed')", err, errlen)) == NULL)
		goto out;
	store_bind_int64(s, 1, id);
	store_bind_int64(s, 2, now);
	if (outbox_step_done(st, s, "retry", err, errlen) != 0)
		goto out;
	if (store_changes(st) != 1) {
		snprintf(err, errlen, "outbox mail %lld changed meanwhile; "
		    "try again", (long long)id);
		goto out;
	}
	log_info("outbox: mail %lld queued again by an administrator",
	    (long long)id);
	rc = 0;
out:
	store_finalize(s);
	free(status);
	return rc;
}
