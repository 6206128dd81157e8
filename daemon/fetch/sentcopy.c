/*
 * sentcopy.c — copies of sent mail into [imap] sent_folder; see
 * sentcopy.h for the rules.
 *
 * How it is built:
 * - The pass reads the ids to copy first through the partial index
 *   outbox_to_copy (schema.sql), named with INDEXED BY: without
 *   statistics SQLite prefers outbox_due, which walks every sent row and,
 *   copied_at coming after the message blob, each message's overflow
 *   pages (38 ms instead of 1 ms for 20,000 rows of 6 KB with a warm
 *   cache; a cold one reads the whole table).  Then it loads and
 *   APPENDs one message at a time: no read transaction stays open while
 *   the network is slow, and only one message is in memory.
 * - Append, then mark: the server's OK comes before the commit of
 *   copied_at, so the only thing a crash can cost is a duplicate copy.
 *   The opposite order could lose a copy for good.  The marks of up to
 *   SENTCOPY_MARKS copies share one commit (and its fsync, which cost as
 *   much as the APPEND itself), and whatever stops the pass, the copies
 *   the server has are recorded before it returns: only a crash copies
 *   again, at most SENTCOPY_MARKS mails.
 * - No claim (as outbox_send.c does for sending): the daemon is the only
 *   process that copies, and a rare duplicate copy in a folder people
 *   read is harmless, unlike a duplicate mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "config/config.h"
#include "fetch/imap.h"
#include "base/log.h"
#include "base/mem.h"
#include "fetch/sentcopy.h"
#include "store/store.h"

#define SENTCOPY_MARKS		32	/* copies recorded per commit */

/* One row being copied. */
struct sentcopy_row {
	int64_t		 id;
	char		*message_id;	/* without <> */
	char		*msg;
	size_t		 len;
};

static void
sentcopy_row_free(struct sentcopy_row *r)
{
	free(r->message_id);
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

/*
 * Rows sent before `cutoff` and never copied are marked copied at `now`
 * without a copy; *n is how many.  One statement: its own transaction.
 */
static int
sentcopy_skip_old(struct store *st, long long now, long long cutoff, int *n,
    char *err, size_t errlen)
{
	*n = 0;
	if (store_run(st, "old rows", "UPDATE outbox INDEXED BY "
	    "outbox_to_copy SET copied_at = ?1 WHERE status = 'sent' AND "
	    "copied_at IS NULL AND sent_at < ?2", STORE_ARGS(STORE_INT(now),
	    STORE_INT(cutoff)), err, errlen) != 0)
		return -1;
	*n = store_changes(st);
	return 0;
}

/* Up to SENTCOPY_BATCH ids to copy, oldest sent first, into ids[]. */
static int
sentcopy_pending(struct store *st, int64_t *ids, size_t *n, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int r = STORE_DONE;

	*n = 0;
	if ((s = store_query(st, "SELECT id FROM outbox INDEXED BY "
	    "outbox_to_copy WHERE status = 'sent' AND copied_at IS NULL "
	    "ORDER BY sent_at, id LIMIT ?1", STORE_ARGS(STORE_INT(
	    SENTCOPY_BATCH)), err, errlen)) == NULL)
		return -1;
	while (*n < SENTCOPY_BATCH && (r = store_step(s)) == STORE_ROW)
		ids[(*n)++] = store_col_int64(s, 0);
	if (*n < SENTCOPY_BATCH && r == -1) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		store_finalize(s);
		return -1;
	}
	store_finalize(s);
	return 0;
}

/* Loads row id into r: 1, 0 when it is no longer to copy, -1. */
static int
sentcopy_load(struct store *st, int64_t id, struct sentcopy_row *r,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc = -1, step;

	memset(r, 0, sizeof(*r));
	if ((s = store_query(st, "SELECT message_id, message FROM outbox "
	    "WHERE id = ?1 AND status = 'sent' AND copied_at IS NULL",
	    STORE_ARGS(STORE_INT(id)), err, errlen)) == NULL)
		return -1;
	if ((step = store_step(s)) != STORE_ROW) {
		if (step == STORE_DONE)
			rc = 0;		/* copied meanwhile */
		else
			snprintf(err, errlen, "outbox row %lld: %s",
			    (long long)id, store_errmsg(st));
		goto out;
	}
	r->id = id;
	r->message_id = xstrdup(store_col_text(s, 0) ? store_col_text(s, 0) :
	    "");
	r->msg = store_col_blob_dup(s, 1, &r->len);
	rc = 1;
out:
	store_finalize(s);
	return rc;
}

/* Records the copies of ids[0..*n-1] in one transaction: 0 (*n added to
 * *done, then set to 0) or -1. */
static int
sentcopy_mark(struct store *st, const int64_t *ids, size_t *n, size_t *done,
    char *err, size_t errlen)
{
	char scratch[256], what[64];
	long long now = clock_now();
	int rc = 0;

	if (*n == 0)
		return 0;
	if (store_begin(st, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < *n && rc == 0; i++) {
		snprintf(what, sizeof(what), "outbox row %lld",
		    (long long)ids[i]);
		rc = store_run(st, what, "UPDATE outbox SET copied_at = ?2 "
		    "WHERE id = ?1 AND copied_at IS NULL",
		    STORE_ARGS(STORE_INT(ids[i]), STORE_INT(now)), err, errlen);
	}
	if (rc == 0 && store_commit(st, err, errlen) == 0) {
		*done += *n;
		*n = 0;
		return 0;
	}
	(void)store_rollback(st, scratch, sizeof(scratch));
	return -1;
}

int
sentcopy_pass(struct imap_conn *c, struct store *st,
    const struct config *cfg, size_t *copied, char *err, size_t errlen)
{
	const char *folder = cfg->imap.sent_folder;
	struct sentcopy_row row = { 0 };
	int64_t *ids = NULL, marks[SENTCOPY_MARKS];
	size_t n = 0, done = 0, refused = 0, nmarks = 0;
	long long now;
	char why[1024], last[1280];
	int rc = 0, old;

	if (copied != NULL)
		*copied = 0;
	if (folder == NULL || *folder == '\0')
		return 0;
	if (store_in_transaction(st)) {
		snprintf(err, errlen, "sent folder %s: called inside a "
		    "transaction", folder);
		return SENTCOPY_ESTORE;
	}
	now = (long long)clock_now();
	if (sentcopy_skip_old(st, now, now - SENTCOPY_MAX_AGE, &old, why,
	    sizeof(why)) != 0) {
		snprintf(err, errlen, "sent folder %s: %s", folder, why);
		return SENTCOPY_ESTORE;
	}
	if (old > 0)
		log_info("sent folder %s: %d mail(s) sent more than %lld days "
		    "ago left without a copy", folder, old,
		    SENTCOPY_MAX_AGE / 86400);
	ids = xcalloc(SENTCOPY_BATCH, sizeof(*ids));
	if (sentcopy_pending(st, ids, &n, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "sent folder %s: %s", folder, why);
		rc = SENTCOPY_ESTORE;
		goto out;
	}
	if (n == 0)
		goto out;
	/* imap_ensure_folder logs a folder it had to create. */
	if ((rc = imap_ensure_folder(c, folder, NULL, err, errlen)) !=
	    IMAP_OK)
		goto out;
	for (size_t i = 0; i < n && refused < SENTCOPY_MAX_REFUSED; i++) {
		int r = sentcopy_load(st, ids[i], &row, why, sizeof(why));

		if (r < 0) {
			snprintf(err, errlen, "sent folder %s: %s", folder,
			    why);
			rc = SENTCOPY_ESTORE;
			goto out;
		}
		if (r == 0)
			continue;
		r = imap_append(c, folder, row.msg, row.len, 1, why,
		    sizeof(why));
		if (r == IMAP_EPROTO) {
			/* Refused, the session is fine: the next mail may
			 * pass (one too large); this one waits for the
			 * next pass. */
			refused++;
			snprintf(last, sizeof(last), "<%.250s>: %s",
			    row.message_id, why);
			sentcopy_row_free(&row);
			continue;
		}
		if (r != IMAP_OK) {
			snprintf(err, errlen, "sent folder %s: copy of <%s>: "
			    "%s", folder, row.message_id, why);
			rc = r;
			goto out;
		}
		marks[nmarks++] = row.id;
		if (nmarks == SENTCOPY_MARKS && sentcopy_mark(st, marks,
		    &nmarks, &done, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "sent folder %s: %zu copies "
			    "made but not recorded (copied again next time): "
			    "%s", folder, nmarks, why);
			rc = SENTCOPY_ESTORE;
			goto out;
		}
		log_debug(LOG_CAT_IMAP, "sent folder %s: copied <%s> (outbox "
		    "%lld)", folder, row.message_id, (long long)row.id);
		sentcopy_row_free(&row);
	}
	if (refused > 0) {
		snprintf(err, errlen, "sent folder %s: %zu cop%s refused%s, "
		    "tried again next time; last: %s", folder, refused,
		    refused == 1 ? "y" : "ies",
		    refused >= SENTCOPY_MAX_REFUSED ? " (pass stopped)" : "",
		    last);
		rc = IMAP_EPROTO;
	}
out:
	/* Copies the server has are recorded whatever stopped the pass. */
	if (rc != SENTCOPY_ESTORE && sentcopy_mark(st, marks, &nmarks, &done,
	    why, sizeof(why)) != 0) {
		if (rc == 0 || rc == IMAP_EPROTO) {
			snprintf(err, errlen, "sent folder %s: %zu copies "
			    "made but not recorded (copied again next time): "
			    "%s", folder, nmarks, why);
			rc = SENTCOPY_ESTORE;
		} else
			log_warnx("sent folder %s: %zu copies made but not "
			    "recorded (copied again next time): %s", folder,
			    nmarks, why);
	}
	if (copied != NULL)
		*copied = done;
	sentcopy_row_free(&row);
	free(ids);
	return rc;
}
