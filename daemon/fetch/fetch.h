/*
 * fetch.h — one pass over the contact mailbox: fetch what is new, store it
 * with group commit, then move it out of the inbox.
 *
 * The order is what makes a crash harmless (DESIGN.md §7): a batch of
 * messages is fetched with BODY.PEEK[] (nothing changes on the server),
 * processed in one transaction with a savepoint per message, committed with
 * the new last UID, and only then moved to the processed or quarantine
 * folder.  A crash before the commit leaves the messages in the inbox to be
 * fetched again; a crash after it leaves them in the inbox below the last
 * UID, and the next pass moves them without processing them again.
 */
#ifndef CDP_FETCH_H
#define CDP_FETCH_H

#include <stddef.h>

struct config;
struct imap_conn;
struct inbound_rules;
struct store;

struct fetch_stats {
	size_t	fetched;	/* new messages taken from the server */
	size_t	stored;
	size_t	duplicates;
	size_t	quarantined;
	size_t	moved;		/* moved out of the inbox, pending ones too */
};

/*
 * Creates the processed and quarantine folders when missing; call once per
 * connection.  Returns an IMAP status (0 or IMAP_E*).
 */
int fetch_prepare(struct imap_conn *c, const struct config *cfg, char *err,
    size_t errlen);

/*
 * One pass: selects the inbox, handles a UIDVALIDITY change, moves what a
 * previous pass committed but did not move, then fetches, stores and moves
 * every new message in batches of [imap] batch_size.  Returns 0, an IMAP
 * status (< 0, e.g. IMAP_ETEMP: the caller reconnects), or FETCH_ESTORE
 * when the database failed (the batch was rolled back; nothing is lost).
 */
#define FETCH_ESTORE	(-100)
int fetch_pass(struct imap_conn *c, struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, struct fetch_stats *stats, char *err,
    size_t errlen);

#endif
