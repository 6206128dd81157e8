/*
 * forget_db.h — erasing a person's personal data (RGPD art. 17):
 * `coupdepouce forget`.
 *
 * The person's row stays, with 'forgotten-<id>@invalid' as its address
 * and nothing else about them, because cases, members and events point at
 * it and the network's statistics (how many cases, in which state, on
 * which themes, in which commune, how long) must survive.  What they
 * wrote, what was written to them and what was written about their
 * initiative goes:
 *
 *   - the persons row (name, lists, bounce fields emptied), their roles,
 *     testimonies, rate rows; their pending jobs are closed;
 *   - the cases they carried (holder or reporter): subject, roadmap and
 *     reason emptied, milestone labels and meeting places too; state,
 *     kind, themes, commune, referent and dates stay;
 *   - every stored mail (received: raw, new text; sent: raw) of those
 *     cases, that they sent, that was sent to them, or whose raw holds
 *     their address, their name or one of those cases' references (a
 *     digest, a referent told of their new case): raw blanked (X''),
 *     subject emptied where it is theirs or names them, their name and
 *     address emptied where they are the sender; headers other people
 *     wrote (their own addresses, Message-IDs, dates) stay;
 *   - recipients lists: their address replaced by the placeholder; a mail
 *     to them still waiting in the outbox is failed, not sent;
 *   - events of those cases, by them, about their mails or naming them:
 *     details keep only fields that are no text (kinds, states, ids,
 *     themes, commune, days), without any value naming them;
 *   - quarantined mails holding their address or name are deleted.
 *
 * What remains about them: the row's id, created_at, forgotten_at, the
 * charter date, the case memberships and event kinds and times.  Their
 * name written in another person's mail in an encoded form (base64,
 * quoted-printable cut at a line end, an RFC 2047 word) of a case they
 * did not carry is not found.  Copies in the mailboxes (the IMAP
 * processed, quarantine and sent folders) are outside the database:
 * forget_copies() names them by Message-ID for the caller to delete.
 */
#ifndef CDP_FORGET_DB_H
#define CDP_FORGET_DB_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* What an erasure changed. */
struct forget_counts {
	long long	received;	/* messages rows blanked */
	long long	sent;		/* outbox rows blanked */
	long long	events;		/* events whose details were cut */
	long long	quarantine;	/* quarantine rows deleted */
	long long	cases;		/* cases carried, texts emptied */
};

/*
 * Erases person `id` (0: no such person, then only the traces of the
 * address `email` are erased: mails, events, quarantine, rate) inside
 * the caller's transaction, and records a 'forgotten' event {person_id,
 * by: admin} with nothing else.  Refused while the person is referent of
 * an open case: returns 1 and *refs, a new string naming those cases
 * (nothing is changed).  0 when done (*refs NULL), -1 on a database
 * error.
 */
int forget_person(struct store *st, int64_t id, const char *email,
    long long now, struct forget_counts *n, char **refs, char *err,
    size_t errlen);

/*
 * After forget_person(), in the same transaction: the Message-IDs
 * (without <>) of the mails it blanked or deleted, received, sent (those
 * the server accepted) and quarantined, sorted and each once, in *ids
 * (owned by the caller: forget_copies_free).  0, or -1 with err.
 */
int forget_copies(struct store *st, char ***ids, size_t *n, char *err,
    size_t errlen);
void forget_copies_free(char **ids, size_t n);
/*
 * After the erasure has committed: rewrites the database file (VACUUM)
 * and empties the write-ahead log (checkpoint, TRUNCATE), so that the
 * erased bytes are in no free page and no old page image.  Outside any
 * transaction.  -1 with err when a reader (the daemon) kept the log from
 * being emptied: running it again later finishes the job.
 */
int forget_scrub_files(struct store *st, char *err, size_t errlen);

#endif
