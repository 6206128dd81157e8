/*
 * outbox_result.c — what the server's answers do to a row of the outbox:
 * who is still owed the mail, the row's new status, the events of the
 * case; see outbox.h for the row life cycle.
 *
 * How it is built:
 * - outbox_record() writes inside the caller's transaction and does not
 *   commit: the send loop (outbox_send.c) commits a row's result together
 *   with the claim of the next row, one commit (one fsync) per mail
 *   instead of two, without a second row ever being 'sending' at once.
 * - What is logged and counted waits for the commit (outbox_report()):
 *   a result rolled back must not say "sent".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/outbox.h"
#include "out/outbox_rows.h"
#include "out/smtp.h"
#include "store/store.h"

#define OUTBOX_ERROR_MAX	4000	/* bytes of last_error kept */

void
outbox_row_free(struct outbox_row *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrcpt; i++)
		free(r->rcpts[i]);
	free(r->rcpts);
	free(r->res);
	free(r->sender);
	free(r->message_id);
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

void
outbox_outcome_free(struct outbox_outcome *o)
{
	buf_free(&o->why);
	buf_free(&o->temp);
	memset(o, 0, sizeof(*o));
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

int
outbox_record(struct store *st, const struct outbox_row *r,
    struct outbox_outcome *o, char *err, size_t errlen)
{
	const struct smtp_result *res = r->res;
	struct buf perm;
	char **keep;
	size_t nkeep = 0, ntemp = 0;
	long long now = clock_now(), deadline;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	o->next = now;
	buf_init(&perm, OUTBOX_ERROR_MAX);
	buf_init(&o->temp, OUTBOX_ERROR_MAX);
	buf_init(&o->why, OUTBOX_ERROR_MAX);
	keep = xcalloc(r->nrcpt + 1, sizeof(*keep));

	for (size_t i = 0; i < r->nrcpt; i++) {
		if (res[i].status == SMTP_OK) {
			o->nacc++;
			log_debug(LOG_CAT_SMTP, "outbox: row %lld accepted for "
			    "%s", (long long)r->id, r->rcpts[i]);
		} else if (res[i].status == SMTP_EPERM) {
			o->nref++;
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
			buf_printf(&o->temp, "%s%s: %s", o->temp.len ? "; " :
			    "", r->rcpts[i], res[i].text);
		}
	}
	if (ntemp == r->nrcpt && ntemp > 0) {
		/* One answer for everybody (the server is down): say it
		 * once, without addresses. */
		int same = 1;

		for (size_t i = 1; i < r->nrcpt && same; i++)
			same = strcmp(res[i].text, res[0].text) == 0;
		if (same) {
			buf_reset(&o->temp);
			buf_adds(&o->temp, res[0].text);
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
			o->status = "failed";
			buf_printf(&o->why, "gave up after 4 days: %s",
			    buf_str(&o->temp));
			for (size_t i = 0; i < r->nrcpt; i++)
				if (res[i].status != SMTP_OK &&
				    res[i].status != SMTP_EPERM &&
				    outbox_event(st, r, now, r->rcpts[i],
				    "gave_up", res[i].code, res[i].text, err,
				    errlen) != 0)
					goto out;
		} else {
			long long d = outbox_backoff((int)r->attempts + 1);

			o->status = "queued";
			o->next = now + d + (long long)arc4random_uniform(
			    (uint32_t)(d / 10 + 1));
			if (o->next > deadline)
				o->next = deadline;
			buf_adds(&o->why, buf_str(&o->temp));
		}
		if (perm.len)
			buf_printf(&o->why, "; %s", buf_str(&perm));
	} else if (r->sent_before || o->nacc > 0) {
		o->status = "sent";
		buf_adds(&o->why, buf_str(&perm));
	} else {
		/* Nobody took it: keep those it failed for, for a retry. */
		o->status = "failed";
		for (size_t i = 0; i < r->nrcpt; i++)
			keep[nkeep++] = r->rcpts[i];
		buf_adds(&o->why, buf_str(&perm));
	}

	if (outbox_rcpts_set(st, r->id, keep, nkeep, err, errlen) != 0)
		goto out;
	if (store_run(st, "outbox: result", "UPDATE outbox SET status = ?2, "
	    "attempts = attempts + 1, next_attempt_at = ?3, last_error = "
	    "coalesce(?4, last_error), sent_at = CASE WHEN ?5 THEN "
	    "coalesce(sent_at, ?6) ELSE sent_at END WHERE id = ?1",
	    STORE_ARGS(STORE_INT(r->id), STORE_TEXT(o->status),
	    STORE_INT(o->next), STORE_TEXT(o->why.len ? buf_str(&o->why) :
	    NULL), STORE_INT(o->nacc > 0), STORE_INT(now)), err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(keep);
	buf_free(&perm);
	return rc;
}

void
outbox_report(const struct outbox_row *r, const struct outbox_outcome *o,
    struct outbox_stats *stats)
{
	char when[40];

	stats->accepted += (int)o->nacc;
	stats->refused += (int)o->nref;
	if (strcmp(o->status, "sent") == 0) {
		stats->sent++;
		log_info("outbox: row %lld <%s> sent (%zu recipient%s)",
		    (long long)r->id, r->message_id, o->nacc, o->nacc == 1 ?
		    "" : "s");
	} else if (strcmp(o->status, "failed") == 0) {
		stats->failed++;
		log_warnx("outbox: row %lld <%s> failed: %s", (long long)r->id,
		    r->message_id, buf_str(&o->why));
	} else {
		stats->deferred++;
		clock_iso8601((time_t)o->next, when, sizeof(when));
		log_notice("outbox: row %lld <%s> deferred until %s (attempt "
		    "%lld): %s", (long long)r->id, r->message_id, when,
		    (long long)r->attempts + 1, buf_str(&o->temp));
	}
}
