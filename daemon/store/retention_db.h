/*
 * retention_db.h — the retention of raw mails ([storage] keep_raw_days,
 * DESIGN.md §3): `coupdepouce purge` and the daily job (timers/retention.h).
 *
 * A case closed (closed, withdrawn or found ineligible) longer ago than
 * the delay no longer needs the mails themselves: their raw bytes and
 * extracted text are erased, received (messages: raw X'', new_text NULL,
 * purged_at set) and sent (outbox: message X'').  The rest of a mail's row
 * stays, so the timeline still reads: who wrote, when, with which subject;
 * so do the case's own subject, roadmap, closing text and events, which
 * are the file of the support given.  Mails of no case go when they are
 * older than the delay, and so do quarantined mails (their row and reason
 * stay).  A mail already blanked (purged, or its sender forgotten) is not
 * counted again.  The copies of the purged mails in the contact mailbox
 * are queued here and deleted by the daemon (fetch/retention_erase.h).
 */
#ifndef CDP_RETENTION_DB_H
#define CDP_RETENTION_DB_H

#include <stddef.h>

struct store;

/* One case's mails due for purging. */
struct retention_case {
	char		*ref;		/* owned */
	long long	 received;	/* messages rows */
	long long	 sent;		/* outbox rows */
};

/* What a purge at a given cutoff takes. */
struct retention_plan {
	struct retention_case	*cases;	/* owned, by reference */
	size_t			 ncases;
	long long		 nocase_received;
	long long		 nocase_sent;
	long long		 quarantine;
	long long		 total;	/* every mail above */
};

/* The cutoff for `now` and keep_raw_days `days`: what closed (or arrived,
 * for mail of no case) at or before it goes. */
long long retention_cutoff(long long now, int days);

/* Fills *p with what a purge at `cutoff` would take, without changing
 * anything.  0, or -1 with err (*p is then empty).  Free with
 * retention_plan_free(). */
int retention_scan(struct store *st, long long cutoff,
    struct retention_plan *p, char *err, size_t errlen);
void retention_plan_free(struct retention_plan *p);

/* Purges what retention_scan would list, inside the caller's transaction,
 * marking received mails purged at `now`; *n is the number of mails
 * purged.  The Message-IDs of the purged mails that have copies in the
 * mailbox (received, quarantined, or sent and copied into the sent
 * folder) are queued in the same transaction, unless another mail with
 * the same Message-ID is kept.  0 or -1. */
int retention_purge(struct store *st, long long cutoff, long long now,
    long long *n, char *err, size_t errlen);

/* The queue of mailbox copies to delete (fetch/retention_erase.h): up to
 * `max` Message-IDs (without <>), oldest first, in *ids (free with
 * store_texts_free); and, once their copies are gone, their removal from
 * the queue in one transaction of its own.  0 or -1. */
int retention_erase_next(struct store *st, size_t max, char ***ids,
    size_t *n, char *err, size_t errlen);
int retention_erase_done(struct store *st, char *const *ids, size_t n,
    char *err, size_t errlen);

#endif
