/*
 * outbox.c — the queue: a mail becomes a row of `outbox` inside the
 * caller's transaction; see outbox.h for the API, the row life cycle and
 * the policy.
 *
 * How it is built:
 * - All SQL goes through store.h.  Recipient lists are JSON arrays of
 *   strings; they are read with json_each() and written with json_insert()
 *   (outbox_rcpts_get/set, shared with the send loop and the listing
 *   through outbox_rows.h), so no file of the outbox quotes JSON itself.
 * - A mail is queued in two steps (reserve, then fill) because its
 *   Message-ID holds the row id; both run in a savepoint so a failure
 *   leaves the caller's transaction as it was.
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

int
outbox_rcpts_set(struct store *st, int64_t id, char *const *addrs, size_t n,
    char *err, size_t errlen)
{
	if (store_run(st, "outbox: recipients", "UPDATE outbox SET "
	    "recipients = '[]' WHERE id = ?1", STORE_ARGS(STORE_INT(id)), err,
	    errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_run(st, "outbox: recipients", "UPDATE outbox SET "
		    "recipients = json_insert(recipients, '$[#]', ?2) WHERE "
		    "id = ?1", STORE_ARGS(STORE_INT(id), STORE_TEXT(addrs[i])),
		    err, errlen) != 0)
			return -1;
	return 0;
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

/* Increments today's automatic-mail count of addr, unless it is at max:
 * then 1 and nothing changed.  0 counted, -1 error. */
static int
outbox_rate_take(struct store *st, const char *addr, const char *day,
    int max, char *err, size_t errlen)
{
	int64_t count;
	int r;

	r = store_get_int64(st, &count, "outbox: rate", "SELECT count FROM "
	    "rate WHERE address = ?1 AND day = ?2",
	    STORE_ARGS(STORE_TEXT(addr), STORE_TEXT(day)), err, errlen);
	if (r < 0)
		return -1;
	if (r == 1 && count >= max)
		return 1;
	return store_run(st, "outbox: rate", "INSERT INTO rate (address, day, "
	    "count) VALUES (?1, ?2, 1) ON CONFLICT (address, day) DO UPDATE "
	    "SET count = count + 1", STORE_ARGS(STORE_TEXT(addr),
	    STORE_TEXT(day)), err, errlen);
}

int
outbox_reserve(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen)
{
	static const char sp[] = "outbox_reserve";
	const struct config *cfg = item->cfg;
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
	if (sender == NULL || !smtp_addr_ok(sender, 1)) {
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

		if (!smtp_addr_ok(a, 0)) {
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
	if (store_run(st, "outbox: queueing", "INSERT INTO outbox (case_id, "
	    "person_id, template, sender, recipients, message_id, message, "
	    "status, attempts, next_attempt_at, hold_until, created_at) VALUES "
	    "(?1, ?2, ?3, ?4, '[]', NULL, X'', 'queued', 0, ?5, ?6, ?5)",
	    STORE_ARGS(item->case_id > 0 ? STORE_INT(item->case_id) :
	    STORE_NULL, item->person_id > 0 ? STORE_INT(item->person_id) :
	    STORE_NULL, STORE_TEXT(item->template), STORE_TEXT(sender),
	    STORE_INT(now), hold > 0 ? STORE_INT(hold) : STORE_NULL), err,
	    errlen) != 0)
		goto undo;
	*id = store_last_insert_id(st);
	if (outbox_rcpts_set(st, *id, addrs, n, err, errlen) != 0)
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
	char *bracketed = NULL, what[64];
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
	snprintf(what, sizeof(what), "outbox: row %lld", (long long)id);
	if (store_run(st, what, "UPDATE outbox SET message_id = ?2, message = "
	    "?3 WHERE id = ?1 AND message_id IS NULL AND status = 'queued'",
	    STORE_ARGS(STORE_INT(id), STORE_TEXT(message_id),
	    STORE_BLOB(message, len)), err, errlen) != 0) {
		if (store_constraint_failed(st))
			snprintf(err, errlen, "outbox: row %lld: Message-ID "
			    "%s is already used by another mail",
			    (long long)id, bracketed);
		goto out;
	}
	if (store_changes(st) != 1) {
		snprintf(err, errlen, "outbox: row %lld is not a reserved row "
		    "waiting for its message", (long long)id);
		goto out;
	}
	rc = 0;
out:
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
