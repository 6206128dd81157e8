/*
 * retention_db.c — the retention of raw mails; see retention_db.h.
 *
 * The scan and the purge share their conditions (the macros below), so
 * that `purge --dry-run` lists exactly what `purge` takes.
 *
 * The daily purge reads only the mails still kept, through the partial
 * indexes messages_kept and outbox_kept (schema 6), and looks up each
 * one's case: after ten years most mails are purged and most cases
 * ended, and neither is read again.  An IN list of the ended cases
 * would be built from all of them each day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "store/retention_db.h"
#include "store/store.h"

/* Cases closed at or before ?1. */
#define CLOSED_CASES "(SELECT id FROM cases WHERE state IN ('closed', "	\
	"'withdrawn', 'ineligible') AND closed_at <= ?1)"
/* The case of row `tbl` ended at or before ?1: one lookup by its id. */
#define CASE_CLOSED(tbl) "EXISTS (SELECT 1 FROM cases c WHERE c.id = "	\
	tbl ".case_id AND c.state IN ('closed', 'withdrawn', "		\
	"'ineligible') AND c.closed_at <= ?1)"
/* A received mail that still has its content: written as the WHERE of
 * the partial index messages_kept, so that the planner uses it. */
#define MSG_KEPT "purged_at IS NULL AND (length(raw) > 0 OR new_text IS "	\
	"NOT NULL)"
/* A sent (or given up) mail that still has its content; a queued one is
 * still needed.  The WHERE of outbox_kept. */
#define OUT_KEPT "status IN ('sent', 'failed') AND length(message) > 0"
#define MSG_DUE MSG_KEPT " AND (" CASE_CLOSED("messages") " OR (case_id "	\
	"IS NULL AND received_at <= ?1))"
#define OUT_DUE OUT_KEPT " AND (" CASE_CLOSED("outbox") " OR (case_id "	\
	"IS NULL AND coalesce(sent_at, created_at) <= ?1))"
#define QUAR_DUE "length(raw) > 0 AND created_at <= ?1"

long long
retention_cutoff(long long now, int days)
{
	return clock_days_before(now, days);
}

static int
retention_count(struct store *st, const char *sql, long long cutoff,
    long long *n, char *err, size_t errlen)
{
	int64_t v = 0;

	if (store_get_int64(st, &v, "retention", sql,
	    STORE_ARGS(STORE_INT(cutoff)), err, errlen) < 0)
		return -1;
	*n = v;
	return 0;
}

int
retention_scan(struct store *st, long long cutoff, struct retention_plan *p,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	memset(p, 0, sizeof(*p));
	s = store_query(st, "SELECT ref, (SELECT count(*) FROM messages WHERE "
	    "case_id = c.id AND " MSG_KEPT "), (SELECT count(*) FROM outbox "
	    "WHERE case_id = c.id AND " OUT_KEPT ") FROM cases c WHERE id IN "
	    CLOSED_CASES " ORDER BY ref", STORE_ARGS(STORE_INT(cutoff)), err,
	    errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct retention_case *c;

		if (store_col_int64(s, 1) + store_col_int64(s, 2) == 0)
			continue;
		p->cases = xrealloc(p->cases, (p->ncases + 1) *
		    sizeof(*p->cases));
		c = &p->cases[p->ncases++];
		c->ref = xstrdup(store_col_text(s, 0));
		c->received = store_col_int64(s, 1);
		c->sent = store_col_int64(s, 2);
		p->total += c->received + c->sent;
	}
	if (rc < 0)
		snprintf(err, errlen, "retention: %s", store_errmsg(st));
	store_finalize(s);
	if (rc < 0 ||
	    retention_count(st, "SELECT count(*) FROM messages WHERE case_id "
	    "IS NULL AND " MSG_DUE, cutoff, &p->nocase_received, err,
	    errlen) != 0 ||
	    retention_count(st, "SELECT count(*) FROM outbox WHERE case_id IS "
	    "NULL AND " OUT_DUE, cutoff, &p->nocase_sent, err, errlen) != 0 ||
	    retention_count(st, "SELECT count(*) FROM quarantine WHERE "
	    QUAR_DUE, cutoff, &p->quarantine, err, errlen) != 0) {
		retention_plan_free(p);
		return -1;
	}
	p->total += p->nocase_received + p->nocase_sent + p->quarantine;
	return 0;
}

void
retention_plan_free(struct retention_plan *p)
{
	for (size_t i = 0; i < p->ncases; i++)
		free(p->cases[i].ref);
	free(p->cases);
	memset(p, 0, sizeof(*p));
}

/*
 * The Message-IDs of the mails the purge is about to blank, queued for the
 * daemon to delete their copies in the mailbox.  Run before the purge:
 * their conditions are the ones it reads.  A sent mail has a copy only
 * once copied into the sent folder.
 */
static const char *const retention_queue[] = {
	"INSERT OR IGNORE INTO mailbox_erase SELECT message_id, ?2 FROM "
	"messages WHERE message_id <> '' AND " MSG_DUE,
	"INSERT OR IGNORE INTO mailbox_erase SELECT message_id, ?2 FROM outbox "
	"INDEXED BY outbox_kept WHERE message_id <> '' AND copied_at IS NOT "
	"NULL AND " OUT_DUE,
	"INSERT OR IGNORE INTO mailbox_erase SELECT message_id, ?2 FROM "
	"quarantine WHERE message_id <> '' AND " QUAR_DUE,
};
#define RETENTION_NQUEUE (sizeof(retention_queue) / sizeof(retention_queue[0]))
/* Run after the purge, on what it queued: a received mail still kept
 * (another mail with the same Message-ID, of a case still open) keeps its
 * copy. */
static const char *const retention_unqueue = "DELETE FROM mailbox_erase "
    "WHERE queued_at = ?2 AND EXISTS (SELECT 1 FROM messages k WHERE "
    "k.message_id = mailbox_erase.message_id AND " MSG_KEPT ")";

static int
retention_queue_run(struct store *st, const char *const *sql, size_t n,
    long long cutoff, long long now, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (store_run(st, "retention: mailbox copies", sql[i],
		    STORE_ARGS(STORE_INT(cutoff), STORE_INT(now)), err,
		    errlen) != 0)
			return -1;
	return 0;
}

int
retention_purge(struct store *st, long long cutoff, long long now,
    long long *n, char *err, size_t errlen)
{
	long long m;

	if (retention_queue_run(st, retention_queue, RETENTION_NQUEUE,
	    cutoff, now, err, errlen) != 0)
		return -1;
	if (store_run(st, "retention: mails received", "UPDATE messages SET "
	    "raw = X'', new_text = NULL, purged_at = ?2 WHERE " MSG_DUE,
	    STORE_ARGS(STORE_INT(cutoff), STORE_INT(now)), err, errlen) != 0)
		return -1;
	*n = store_changes(st);
	/* Named: outbox_due (status first) would read every sent mail. */
	if (store_run(st, "retention: mails sent", "UPDATE outbox INDEXED BY "
	    "outbox_kept SET message = X'' WHERE " OUT_DUE, STORE_ARGS(STORE_INT(cutoff)), err,
	    errlen) != 0)
		return -1;
	m = store_changes(st);
	if (store_run(st, "retention: quarantine", "UPDATE quarantine SET raw "
	    "= X'' WHERE " QUAR_DUE, STORE_ARGS(STORE_INT(cutoff)), err,
	    errlen) != 0)
		return -1;
	*n += m + store_changes(st);
	return retention_queue_run(st, &retention_unqueue, 1, cutoff, now,
	    err, errlen);
}

int
retention_erase_next(struct store *st, size_t max, char ***ids, size_t *n,
    char *err, size_t errlen)
{
	return store_get_texts(st, ids, n, "mailbox copies to erase",
	    "SELECT message_id FROM mailbox_erase ORDER BY queued_at, "
	    "message_id LIMIT ?1", STORE_ARGS(STORE_INT(max)), err, errlen);
}

int
retention_erase_done(struct store *st, char *const *ids, size_t n,
    char *err, size_t errlen)
{
	char scratch[256];
	int rc = 0;

	if (store_begin(st, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_run(st, "mailbox copies erased", "DELETE FROM "
		    "mailbox_erase WHERE message_id = ?1",
		    STORE_ARGS(STORE_TEXT(ids[i])), err, errlen);
	if (rc != 0 || store_commit(st, err, errlen) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		return -1;
	}
	return 0;
}
