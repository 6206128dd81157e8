/*
 * outbox.c — the queue: a mail becomes a row of `outbox` inside the
 * caller's transaction; see outbox.h for the API, the row life cycle and
 * the policy.
 *
 * How it is built:
 * - All SQL goes through store.h.  Recipient lists are JSON arrays of
 *   strings; they are read with json_each() and written with json_array()
 *   (outbox_rcpts_get/set, shared with the send loop and the listing
 *   through outbox_rows.h), so no file of the outbox quotes JSON itself.
 * - A mail's Message-ID holds its row id, so the id is taken first
 *   (outbox_slot_open: the next rowid, kept free by the transaction's
 *   write lock) and the row written once with its message and
 *   recipients (outbox_slot_put): every write of a row rewrites its
 *   whole record, message included.  The older reserve-then-fill and
 *   outbox_enqueue run in a savepoint so a failure leaves the caller's
 *   transaction as it was.
 * - The policy that decides when a mail may leave (working hours, the
 *   daily cap on automatic mail, the backoff) lives here, with the rows;
 *   the send loop (outbox_send.c) only applies it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/workday.h"
#include "base/mem.h"
#include "config/config.h"
#include "out/outbox.h"
#include "out/outbox_rows.h"
#include "out/smtp.h"
#include "store/store.h"

#define OUTBOX_MSGID_MAX	250

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

static char *
outbox_lower(const char *s)
{
	char *d = xstrdup(s);

	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Undoes a savepoint after a failure without touching the caller's err. */
static void
outbox_undo(struct store *st, const char *savepoint)
{
	char scratch[256];

	if (store_rollback_to(st, savepoint, scratch, sizeof(scratch)) != 0)
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

/* Appends "json_array(?first, ?first+1, ...)" for n values to the SQL in
 * b: a list of addresses becomes its JSON array in the statement that
 * writes it, with one write of the row. */
static void
outbox_sql_json_array(struct buf *b, int first, size_t n)
{
	buf_adds(b, "json_array(");
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s?%d", i ? ", " : "", first + (int)i);
	buf_addc(b, ')');
}

/* Binds addrs[0..n) from parameter `first` on. */
static int
outbox_bind_addrs(struct store_stmt *s, int first, char *const *addrs,
    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (store_bind_text(s, first + (int)i, addrs[i]) != 0)
			return -1;
	return 0;
}

int
outbox_rcpts_set(struct store *st, int64_t id, char *const *addrs, size_t n,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	struct buf sql;
	int rc = -1;

	/* One UPDATE: each write rewrites the whole row, message included. */
	buf_init(&sql, 0);
	buf_adds(&sql, "UPDATE outbox SET recipients = ");
	outbox_sql_json_array(&sql, 2, n);
	buf_adds(&sql, " WHERE id = ?1");
	if ((s = store_query(st, buf_str(&sql), STORE_ARGS(STORE_INT(id)),
	    err, errlen)) == NULL)
		goto out;
	if (outbox_bind_addrs(s, 2, addrs, n) != 0) {
		snprintf(err, errlen, "outbox: recipients: cannot bind");
		store_finalize(s);
		goto out;
	}
	rc = store_step_done(s, "outbox: recipients", err, errlen);
out:
	buf_free(&sql);
	return rc;
}

int
outbox_rcpts_get(struct store *st, const char *json, char ***rcpts,
    size_t *n, const char *what, char *err, size_t errlen)
{
	struct store_stmt *s;
	size_t cap = *n;
	int r;

	if ((s = store_query(st, "SELECT value FROM json_each(?1)",
	    STORE_ARGS(STORE_TEXT(json ? json : "[]")), err, errlen)) == NULL)
		return -1;
	while ((r = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*rcpts = xrealloc(*rcpts, cap * sizeof(**rcpts));
		}
		(*rcpts)[(*n)++] = xstrdup(store_col_text(s, 0) ?
		    store_col_text(s, 0) : "");
	}
	if (r == -1)
		snprintf(err, errlen, "outbox: %s: %s", what,
		    store_errmsg(st));
	store_finalize(s);
	return r == -1 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Policy.                                                             */

long long
outbox_hold_until(const struct config *cfg, long long now)
{
	long long opens = workday_next_open(now, cfg->network.work_start,
	    cfg->network.work_end);

	return opens == now ? 0 : opens;
}

long long
outbox_backoff(int n)
{
	/* Quick at first: most failures are a server restarting, and a
	 * mail people wait for should leave seconds after it is back (with
	 * 5 min as the first step, an 8 s outage delayed mail by 5 min). */
	static const long long steps[] = { 15, 30, 60, 120, 300, 900, 3600,
	    7200, 14400 };
	size_t nsteps = sizeof(steps) / sizeof(steps[0]);

	if (n < 1)
		n = 1;
	return (size_t)n > nsteps ? steps[nsteps - 1] : steps[n - 1];
}

/* ------------------------------------------------------------------ */
/* Queueing.                                                           */

/* Takes one of today's automatic mails of addr, unless it already got
 * max: then 1 and nothing changed.  One statement, so a capped address
 * leaves nothing to undo.  0 counted, -1 error. */
static int
outbox_rate_take(struct store *st, const char *addr, const char *day,
    int max, char *err, size_t errlen)
{
	if (store_run(st, "outbox: rate", "INSERT INTO rate (address, day, "
	    "count) VALUES (?1, ?2, 1) ON CONFLICT (address, day) DO UPDATE "
	    "SET count = count + 1 WHERE count < ?3",
	    STORE_ARGS(STORE_TEXT(addr), STORE_TEXT(day), STORE_INT(max)),
	    err, errlen) != 0)
		return -1;
	return store_changes(st) == 1 ? 0 : 1;
}

void
outbox_slot_free(struct outbox_slot *slot)
{
	for (size_t i = 0; i < slot->naddrs; i++)
		free(slot->addrs[i]);
	free(slot->addrs);
	memset(slot, 0, sizeof(*slot));
}

/* The recipients of item, lower case, without duplicates, into slot. */
static int
outbox_slot_addrs(struct outbox_slot *slot, const struct outbox_item *item,
    char *err, size_t errlen)
{
	slot->addrs = xcalloc(item->nrcpt, sizeof(*slot->addrs));
	for (size_t i = 0; i < item->nrcpt; i++) {
		const char *a = item->rcpts[i] ? item->rcpts[i] : "";
		char *low;
		int dup = 0;

		if (!smtp_addr_ok(a, 0)) {
			snprintf(err, errlen, "outbox: invalid recipient "
			    "address '%s'", a);
			return -1;
		}
		low = outbox_lower(a);
		for (size_t j = 0; j < slot->naddrs && !dup; j++)
			dup = strcmp(slot->addrs[j], low) == 0;
		if (dup)
			free(low);
		else
			slot->addrs[slot->naddrs++] = low;
	}
	return 0;
}

/* Leaves out of slot the recipients at the daily cap (counting the
 * others); OUTBOX_OK, OUTBOX_PARTIAL or OUTBOX_LIMITED with err naming
 * them, or OUTBOX_ERR. */
static int
outbox_slot_cap(struct store *st, struct outbox_slot *slot, int max,
    char *err, size_t errlen)
{
	struct buf capped;
	char day[16];
	size_t kept = 0, ncapped = 0;
	int rc = OUTBOX_ERR, r;

	buf_init(&capped, 0);
	outbox_local_day(slot->now, day);
	for (size_t i = 0; i < slot->naddrs; i++) {
		if ((r = outbox_rate_take(st, slot->addrs[i], day, max, err,
		    errlen)) < 0) {
			/* Those not looked at yet stay for slot_free. */
			for (size_t j = i; j < slot->naddrs; j++)
				slot->addrs[kept++] = slot->addrs[j];
			slot->naddrs = kept;
			goto out;
		}
		if (r == 1) {
			buf_printf(&capped, "%s%s", ncapped++ ? ", " : "",
			    slot->addrs[i]);
			free(slot->addrs[i]);
		} else
			slot->addrs[kept++] = slot->addrs[i];
	}
	slot->naddrs = kept;
	if (kept == 0) {
		snprintf(err, errlen, "automatic mail not queued: %s already "
		    "got %d automatic mails on %s", buf_str(&capped), max,
		    day);
		rc = OUTBOX_LIMITED;
	} else if (ncapped > 0) {
		snprintf(err, errlen, "automatic mail not sent to %s: already "
		    "%d automatic mails on %s", buf_str(&capped), max, day);
		rc = OUTBOX_PARTIAL;
	} else
		rc = OUTBOX_OK;
out:
	buf_free(&capped);
	return rc;
}

int
outbox_slot_open(struct store *st, const struct outbox_item *item,
    struct outbox_slot *slot, char *err, size_t errlen)
{
	const struct config *cfg = item->cfg;
	int rc = OUTBOX_OK;

	memset(slot, 0, sizeof(*slot));
	if (cfg == NULL || item->rcpts == NULL || item->nrcpt == 0) {
		snprintf(err, errlen, "outbox: a mail needs a configuration "
		    "and at least one recipient");
		return OUTBOX_ERR;
	}
	slot->sender = item->sender ? item->sender : cfg->smtp.from;
	if (slot->sender == NULL || !smtp_addr_ok(slot->sender, 1)) {
		snprintf(err, errlen, "outbox: invalid envelope sender '%s'",
		    slot->sender ? slot->sender : "(none)");
		return OUTBOX_ERR;
	}
	if (!store_in_transaction(st)) {
		snprintf(err, errlen, "outbox: a mail must be queued inside "
		    "the transaction that decides it");
		return OUTBOX_ERR;
	}
	slot->case_id = item->case_id;
	slot->person_id = item->person_id;
	slot->template = item->template;
	slot->now = clock_now();
	if (outbox_slot_addrs(slot, item, err, errlen) != 0)
		goto fail;
	/* Flood and loop protection, counted in this transaction. */
	if (item->automatic && (rc = outbox_slot_cap(st, slot,
	    cfg->network.max_auto_per_day, err, errlen)) != OUTBOX_OK &&
	    rc != OUTBOX_PARTIAL) {
		outbox_slot_free(slot);
		return rc;
	}
	slot->hold = item->urgent ? 0 : outbox_hold_until(cfg, slot->now);
	/* The id SQLite would give the row: the caller's transaction holds
	 * the write lock, so nobody takes it before outbox_slot_put.  max()
	 * of the rowid is one seek; the WHERE shows it in the plan as the
	 * range it is (a bare max() reads like a walk to store_plan.c). */
	if (store_get_int64(st, &slot->id, "outbox: queueing", "SELECT "
	    "max(id) FROM outbox WHERE id > 0", NULL, 0, err, errlen) != 1)
		goto fail;
	slot->id++;
	return rc;
fail:
	outbox_slot_free(slot);
	return OUTBOX_ERR;
}

/* The header block of a message: up to the empty line (excluded); 0
 * when there is none. */
static size_t
outbox_header_len(const char *msg, size_t len)
{
	const char *sep = memmem(msg, len, "\r\n\r\n", 4);

	return sep ? (size_t)(sep - msg) + 2 : 0;
}

/* -1 with err unless message_id is valid and, as <message_id>, in the
 * header of message. */
static int
outbox_check_message(int64_t id, const char *message_id,
    const char *message, size_t len, char *err, size_t errlen)
{
	char bracketed[OUTBOX_MSGID_MAX + 3];
	size_t hlen, n;

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
	snprintf(bracketed, sizeof(bracketed), "<%s>", message_id);
	if (memmem(message, hlen, bracketed, n + 2) == NULL) {
		snprintf(err, errlen, "outbox: row %lld: %s is not in the "
		    "message's header", (long long)id, bracketed);
		return -1;
	}
	return 0;
}

/* After a failed write of row id with message_id: says so plainly when
 * it failed on the unique Message-ID. */
static void
outbox_msgid_taken(struct store *st, int64_t id, const char *message_id,
    char *err, size_t errlen)
{
	if (store_constraint_failed(st))
		snprintf(err, errlen, "outbox: row %lld: Message-ID <%s> is "
		    "already used by another mail", (long long)id, message_id);
}

/* The row of slot, written once; message_id NULL (and an empty message)
 * for a row reserved the old way, filled later. */
static int
outbox_insert(struct store *st, const struct outbox_slot *slot,
    const char *message_id, const char *message, size_t len, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	struct buf sql;
	char what[64];
	int rc = -1;

	snprintf(what, sizeof(what), "outbox: row %lld", (long long)slot->id);
	buf_init(&sql, 0);
	buf_adds(&sql, "INSERT INTO outbox (id, case_id, person_id, template, "
	    "sender, message_id, message, status, attempts, next_attempt_at, "
	    "hold_until, created_at, recipients) VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, 'queued', 0, ?8, ?9, ?8, ");
	outbox_sql_json_array(&sql, 10, slot->naddrs);
	buf_addc(&sql, ')');
	if ((s = store_query(st, buf_str(&sql), STORE_ARGS(STORE_INT(slot->id),
	    STORE_ID(slot->case_id), STORE_ID(slot->person_id),
	    STORE_TEXT(slot->template), STORE_TEXT(slot->sender),
	    STORE_TEXT(message_id), STORE_BLOB(message ? message : "", len),
	    STORE_INT(slot->now), slot->hold > 0 ? STORE_INT(slot->hold) :
	    STORE_NULL), err, errlen)) == NULL)
		goto out;
	if (outbox_bind_addrs(s, 10, slot->addrs, slot->naddrs) != 0) {
		snprintf(err, errlen, "%s: cannot bind the recipients", what);
		store_finalize(s);
		goto out;
	}
	if (store_step_done(s, what, err, errlen) != 0) {
		if (message_id != NULL)
			outbox_msgid_taken(st, slot->id, message_id, err,
			    errlen);
		goto out;
	}
	rc = 0;
out:
	buf_free(&sql);
	return rc;
}

int
outbox_slot_put(struct store *st, const struct outbox_slot *slot,
    const char *message_id, const char *message, size_t len, char *err,
    size_t errlen)
{
	if (outbox_check_message(slot->id, message_id, message, len, err,
	    errlen) != 0)
		return -1;
	return outbox_insert(st, slot, message_id, message, len, err, errlen);
}

/* Queues `item` in savepoint `sp`, with its message when `whole`, or as
 * a row reserved for outbox_fill() when not. */
static int
outbox_queue(struct store *st, const struct outbox_item *item, int whole,
    const char *sp, int64_t *id, char *err, size_t errlen)
{
	struct outbox_slot slot;
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
	rc = outbox_slot_open(st, item, &slot, err, errlen);
	if (rc != OUTBOX_OK && rc != OUTBOX_PARTIAL)
		goto undo;
	snprintf(partial, sizeof(partial), "%s", rc == OUTBOX_PARTIAL ? err :
	    "");
	if ((whole ? outbox_slot_put(st, &slot, item->message_id,
	    item->message, item->message_len, err, errlen) :
	    outbox_insert(st, &slot, NULL, NULL, 0, err, errlen)) != 0 ||
	    store_release(st, sp, err, errlen) != 0) {
		rc = OUTBOX_ERR;
		goto undo;
	}
	*id = slot.id;
	if (rc == OUTBOX_PARTIAL)
		snprintf(err, errlen, "%s", partial);
	outbox_slot_free(&slot);
	return rc;
undo:
	outbox_slot_free(&slot);
	outbox_undo(st, sp);
	return rc;
}

int
outbox_reserve(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen)
{
	return outbox_queue(st, item, 0, "outbox_reserve", id, err, errlen);
}

int
outbox_fill(struct store *st, int64_t id, const char *message_id,
    const char *message, size_t len, char *err, size_t errlen)
{
	char what[64];

	if (outbox_check_message(id, message_id, message, len, err,
	    errlen) != 0)
		return -1;
	snprintf(what, sizeof(what), "outbox: row %lld", (long long)id);
	if (store_run(st, what, "UPDATE outbox SET message_id = ?2, message = "
	    "?3 WHERE id = ?1 AND message_id IS NULL AND status = 'queued'",
	    STORE_ARGS(STORE_INT(id), STORE_TEXT(message_id),
	    STORE_BLOB(message, len)), err, errlen) != 0) {
		outbox_msgid_taken(st, id, message_id, err, errlen);
		return -1;
	}
	if (store_changes(st) != 1) {
		snprintf(err, errlen, "outbox: row %lld is not a reserved row "
		    "waiting for its message", (long long)id);
		return -1;
	}
	return 0;
}

int
outbox_enqueue(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen)
{
	return outbox_queue(st, item, 1, "outbox_enqueue", id, err, errlen);
}

/* ------------------------------------------------------------------ */
/* Rows back in the queue.                                             */

int
outbox_recover(struct store *st, int *n, char *err, size_t errlen)
{
	int rc;

	if (n)
		*n = 0;
	rc = store_run(st, "outbox: recover", "UPDATE outbox SET status = "
	    "'queued', next_attempt_at = ?1 WHERE status = 'sending'",
	    STORE_ARGS(STORE_INT(clock_now())), err, errlen);
	if (rc == 0 && store_changes(st) > 0) {
		log_notice("outbox: %d mail%s interrupted while sending, "
		    "queued again", store_changes(st),
		    store_changes(st) == 1 ? "" : "s");
		if (n)
			*n = store_changes(st);
	}
	return rc;
}

int
outbox_retry(struct store *st, int64_t id, char *err, size_t errlen)
{
	struct store_stmt *s;
	char *status = NULL;
	long long nrcpt = 0, now = clock_now();
	int composing = 0, r, rc = -1;

	if ((s = store_query(st, "SELECT status, json_array_length("
	    "recipients), message_id IS NULL FROM outbox WHERE id = ?1",
	    STORE_ARGS(STORE_INT(id)), err, errlen)) == NULL)
		return -1;
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
	status = xstrdup(store_col_text(s, 0));
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
	if (store_run(st, "outbox: retry", "UPDATE outbox SET status = "
	    "'queued', attempts = 0, next_attempt_at = ?2, hold_until = ?2 "
	    "WHERE id = ?1 AND status IN ('queued', 'failed')",
	    STORE_ARGS(STORE_INT(id), STORE_INT(now)), err, errlen) != 0)
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
