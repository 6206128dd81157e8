/*
 * retention_erase.h — the second half of the retention of raw mails: the
 * copies in the contact mailbox of the mails the purge blanked
 * (store/retention_db.h queues their Message-IDs in its transaction).
 *
 * The daemon deletes them over its own IMAP connection after each cycle,
 * from the processed, quarantine and sent folders (the inbox holds only
 * mails not yet stored), then takes them off the queue.  Delete, then
 * dequeue: a crash between the two only searches again for copies already
 * gone.  A mail without a Message-ID cannot be found and keeps its copy.
 */
#ifndef CDP_RETENTION_ERASE_H
#define CDP_RETENTION_ERASE_H

#include <signal.h>
#include <stddef.h>

struct config;
struct imap_conn;
struct store;

#define RETENTION_ERASE_BATCH	100	/* Message-IDs per round */
#define RETENTION_ERASE_ROUNDS	5	/* rounds per pass at most */

/* The database failed (distinct from every IMAP_E* code). */
#define RETENTION_ERASE_ESTORE	(-100)

struct retention_erase_stats {
	long long	 searched;	/* Message-IDs looked for and dequeued */
	long long	 erased;	/* copies deleted */
	int		 more;		/* the pass stopped with some left */
};

/*
 * Up to RETENTION_ERASE_ROUNDS rounds of RETENTION_ERASE_BATCH queued
 * Message-IDs over the logged-in connection c (not in IDLE), fewer when
 * the queue empties or *stop is set: a large queue (the first purge of a
 * storm of years ago) is worked a few hundred mails per cycle, between
 * which the daemon takes new mail.  When it selected another folder it
 * selects [imap] folder again, for the IDLE that follows.  Must not be
 * called inside a transaction.  *stats is filled, also on error.
 * Returns 0; an IMAP status (< 0, imap.h) when the server failed, the
 * rest being left for the next pass (IMAP_ETEMP: the connection is gone);
 * or RETENTION_ERASE_ESTORE.  err names the folder.
 */
int retention_erase_pass(struct imap_conn *c, struct store *st,
    const struct config *cfg, const volatile sig_atomic_t *stop,
    struct retention_erase_stats *stats, char *err, size_t errlen);

#endif
