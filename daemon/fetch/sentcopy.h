/*
 * sentcopy.h — a copy of every mail the daemon sent in the contact
 * mailbox's sent folder ([imap] sent_folder), so that coordinators who
 * open the mailbox in Thunderbird see both sides of each conversation.
 *
 * The outbox keeps every message byte for byte (outbox.h).  A pass APPENDs
 * to the sent folder, flagged \Seen, the rows with status 'sent' whose
 * `copied_at` is NULL, oldest first, over the daemon's IMAP connection, and
 * sets copied_at once the server said OK, for up to 32 copies in one
 * committed transaction, and for the last ones before the pass returns,
 * also when the connection was lost.  Hence:
 *   - a crash between the server's OK and that commit copies those mails
 *     (at most 32) once more at the next pass: the sent folder may then
 *     hold them twice (same bytes, same Message-ID); a copy is never lost;
 *   - a mail is copied when its row becomes 'sent' (accepted for at least
 *     one recipient and owed to nobody any more); rows queued, failed or
 *     still being retried for some recipient wait;
 *   - two processes copying at once (`coupdepouce poll` beside a running
 *     daemon) may both copy a mail: there is no claim, unlike sending.
 *
 * Old mail: only mail sent within the last 7 days (SENTCOPY_MAX_AGE, by
 * sent_at, against clock_now()) is copied.  Rows older than that and not
 * yet copied — sent before sent_folder was set, or while the mailbox was
 * out of reach for a week — get copied_at without a copy (logged once per
 * pass with their number).  So enabling the option does not pour months of
 * history into the folder, and a mail the server keeps refusing stops
 * being retried after a week.
 *
 * A refused copy (the server's NO: quota, size limit...) is skipped for
 * this pass and tried again at the next; after SENTCOPY_MAX_REFUSED
 * refusals in one pass the pass stops, the problem being the folder rather
 * than one mail.
 */
#ifndef CDP_SENTCOPY_H
#define CDP_SENTCOPY_H

#include <stddef.h>

struct config;
struct imap_conn;
struct store;

#define SENTCOPY_MAX_AGE	(7LL * 86400)	/* s after sent_at */
#define SENTCOPY_BATCH		200	/* copies per pass at most */
#define SENTCOPY_MAX_REFUSED	3	/* refusals that end a pass */

/* The database failed (distinct from every IMAP_E* code). */
#define SENTCOPY_ESTORE		(-100)

/*
 * One copy pass over the logged-in connection c (not in IDLE; the selected
 * folder, if any, stays selected).  Does nothing and returns 0 when
 * cfg->imap.sent_folder is "" — rows then keep copied_at NULL, and mail
 * from the last 7 days is copied once the option is set.  Otherwise marks
 * the too old rows (see above); when some rows are left to copy, makes sure
 * the folder exists (imap_ensure_folder: LIST, CREATE if missing) and
 * copies up to SENTCOPY_BATCH of them.  Must NOT be called inside a
 * transaction (the marks are its own commits).  *copied (may be NULL) is set
 * to the number of copies made and recorded, also on error.
 * Returns 0; an IMAP status (< 0, imap.h) when the server failed:
 * IMAP_ETEMP means the connection is gone (close it; the rest waits for
 * the next pass), IMAP_EPROTO a refusal (CREATE, or copies refused: err
 * says how many and quotes the last answer); or SENTCOPY_ESTORE for a
 * database error.  err holds one sentence naming the folder.
 */
int sentcopy_pass(struct imap_conn *c, struct store *st,
    const struct config *cfg, size_t *copied, char *err, size_t errlen);

#endif
