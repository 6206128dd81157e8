/*
 * fetch.h — the fetch/ folder's main header: one pass over the contact
 * mailbox (fetch what is new, store it with group commit, then move it out
 * of the inbox).
 *
 * fetch/ owns everything that talks IMAP to the contact mailbox: the
 * connection, the fetch loop with group commit, what happens to one
 * inbound mail inside that loop, IDLE, the copy of sent mail into the
 * sent folder, and the deletion of the copies of purged mails.  Outside this folder the IMAP session is an opaque struct
 * imap_conn, and libetpan's IMAP client is used by the imap_* files only.
 * The files, in reading order:
 *   fetch.h, fetch.c        one pass, below
 *   fetch_pipe.h, .c        its IMAP commands, run by a second thread
 *                           that also reads each mail, while this one
 *                           stores (fetch_pipe.h)
 *   inbound.h, inbound.c    one fetched mail: read (parse, recognise),
 *                           then inside the batch transaction stored or
 *                           quarantined
 *   replay.h, replay.c      a stored mail read again with the current
 *                           rules, storing nothing (`reprocess`)
 *   sentcopy.h, sentcopy.c  copies of what the outbox sent, APPENDed to
 *                           [imap] sent_folder
 *   retention_erase.h, .c   the copies of the mails the retention purged,
 *                           deleted from the processed, quarantine and
 *                           sent folders
 *   imap.h                  the IMAP client's API: session, mailbox
 *                           commands, IDLE, return codes
 *   imap_private.h          struct imap_conn, shared by the four below
 *   imap_conn.c             connect, TLS and certificate check, login,
 *                           capabilities, NOOP, close
 *   imap_mailbox.c          SELECT, LIST/CREATE, APPEND, SEARCH, FETCH,
 *                           MOVE, \Seen
 *   imap_idle.c             IDLE: start, wait, done
 *   imap_erase.c            search by Message-ID and delete for good
 *                           (`forget`, the retention)
 *
 * In a pass, the order is what makes a crash harmless (DESIGN.md §7): a
 * batch of messages is fetched with BODY.PEEK[] (nothing changes on the
 * server), processed in one transaction with a savepoint per message,
 * committed with the new last UID, and only then moved to the processed or
 * quarantine folder (ten committed batches per MOVE, the rest at the end
 * of the pass).  A crash before the commit leaves the messages in the
 * inbox to be fetched again; a crash after it leaves them in the inbox
 * below the last UID, and the next pass moves them without processing them
 * again.
 */
#ifndef CDP_FETCH_H
#define CDP_FETCH_H

#include <signal.h>
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
	size_t	left;		/* new messages left in the inbox by a stop */
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
 * every new message in batches of [imap] batch_size; a pass that went
 * through sets imap_state.updated_at to now (the "last successful fetch"
 * of `coupdepouce status`).  Returns 0, an IMAP
 * status (< 0, e.g. IMAP_ETEMP: the caller reconnects), or FETCH_ESTORE
 * when the database failed (the batch was rolled back; nothing is lost).
 *
 * A pass looks at *stop (when not NULL) after each batch has been
 * committed and moved, never inside one, and ends there when it is set:
 * a storm of thousands of mails does not hold up SIGTERM.  What is left
 * stays in the inbox for the next pass (stats->left), and such a pass
 * does not count as one that went through (updated_at is left alone).
 */
#define FETCH_ESTORE	(-100)
int fetch_pass(struct imap_conn *c, struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const volatile sig_atomic_t *stop,
    struct fetch_stats *stats, char *err, size_t errlen);

#endif
