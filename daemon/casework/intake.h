/*
 * intake.h — a new mail becomes a case (DESIGN.md §2, §3).
 *
 * The sender becomes the holder (request, other), the reporter (report)
 * or the applicant (volunteer); the case gets its reference, kind, themes
 * and commune (classify.h).  Then, in the same transaction:
 *   - the acknowledgement, at once, Auto-Submitted: auto-replied — one per
 *     sender and local day, so that a flood of mails from one address
 *     opens one case each but gets one answer;
 *   - the routing: a request or report goes to the best referent
 *     (route.h), who gets the assignment mail; nobody available, a
 *     volunteer offer, or a mail of kind other goes to the coordinators;
 *   - a possible duplicate: when the sender already has an open case, or
 *     the subject named a case they are not part of, that case's referent
 *     is told.
 */
#ifndef CDP_INTAKE_H
#define CDP_INTAKE_H

#include <stddef.h>

struct casework;
struct cw_mail;
struct thread_match;

int intake_new_case(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen);

#endif
