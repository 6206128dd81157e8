/*
 * dispatch.h — what the network does with a received mail once it is
 * stored (DESIGN.md §2–§4): thread it, then open a case, follow one up or
 * record an automatic mail.  casework.h tells what casework/ holds and in
 * which order to read it.
 *
 * Runs inside the fetcher's transaction, in the message's savepoint: the
 * case change, the timeline events and every mail it causes (queued with
 * mailer.h) commit together with the message, or not at all.
 *
 *   new mail, not automatic   a case (intake.h): acknowledgement, routing,
 *                             assignment mail, possible-duplicate notice
 *   reply to a case           timeline, activity, commands, forward to the
 *                             referent (followup.h)
 *   reply to a mail about     recorded for its sender (our token names no
 *   no case (the digest)      case); never a new case
 *   bounce                    failing address flagged, referent told
 *   auto-reply, list mail     recorded on its case if it has one; never
 *                             answered (RFC 3834)
 *
 * Nothing in casework/ calls back into the dispatcher.
 */
#ifndef CDP_DISPATCH_H
#define CDP_DISPATCH_H

#include <stddef.h>

#include "casework/casework.h"

/* Handles one stored mail.  0, or -1 with err (the caller rolls the
 * message back and quarantines it with that reason). */
int dispatch_mail(struct casework *cw, const struct cw_mail *mail,
    char *err, size_t errlen);

#endif
