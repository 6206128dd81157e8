/*
 * admin.h — what the administrator does to a case from the command line
 * (DESIGN.md §6: `case assign`, `case note`, `case close`).
 *
 * The mail commands' own effects do the work (decision.h: TRANSFERER
 * and CLOTURER), so that a case changed from the command line sends the
 * same mails, plans and closes the same jobs and writes the same events
 * as one changed by mail.  The administrator is nobody of the network:
 * the effects run with an empty sender (no actor on the events, nobody
 * left out of the group mails), named after the network in the mails,
 * and every event the action writes gets "by": "admin" in its details.
 *
 * Each function works in the caller's transaction and returns 0 when
 * done, 1 when refused (err says why, naming the case or the address:
 * the command line prints it and exits 1), -1 on a database or mail
 * error (err).
 */
#ifndef CDP_ADMIN_H
#define CDP_ADMIN_H

#include <stddef.h>

struct casework;

/*
 * Gives case `ref` to the referent with address `email` (TRANSFERER's
 * effect): they must have the referent role and be active; the previous
 * referent, if any, leaves the group; the new one gets the "transfer"
 * mail (the case, its step and the commands that fit it) and, while the
 * case awaits a decision, the decision reminders.  Refused for an ended
 * case, a volunteer offer, or the referent the case already has.
 */
int admin_assign(struct casework *cw, const char *ref, const char *email,
    char *err, size_t errlen);

/* A 'note' event on case `ref` (any state), no actor, details
 * {"text": text, "by": "admin"}. */
int admin_note(struct casework *cw, const char *ref, const char *text,
    char *err, size_t errlen);

/*
 * Closes case `ref` as CLOTURER does (state 'closed', reason the
 * summary, pending jobs closed, an upcoming meeting cancelled, the holder
 * thanked and asked to share their experience, the volunteers told).
 * Only from the states CLOTURER closes (analysis, forming, meeting,
 * active): an ended case, a new case nobody analysed and a volunteer
 * offer are refused.  `reason` may be NULL.
 */
int admin_close(struct casework *cw, const char *ref, const char *reason,
    char *err, size_t errlen);

#endif
