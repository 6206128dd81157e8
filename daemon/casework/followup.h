/*
 * followup.h — a mail that belongs to a known case (match.h matched it).
 *
 * It goes on the case's timeline with its sender and new text and resets
 * the case's inactivity clock.  An automatic reply is recorded and never
 * answered.  A follow-up from the holder (or the reporter) that reached
 * only the contact address — the referent was neither in To nor in Cc —
 * is forwarded to the referent with its attachments (the coordinators
 * when the case has no referent yet): the daemon keeps the memory of the
 * case, the people talk to each other.  A mail whose commands ran has
 * its answer in their effects and is not forwarded — except the holder's
 * OUI or NON on a closed case followed by more than a sign-off (the
 * closing mail asks them both for that answer and for a few words to the
 * referent).
 */
#ifndef CDP_FOLLOWUP_H
#define CDP_FOLLOWUP_H

#include <stddef.h>

struct casework;
struct cw_mail;
struct thread_match;

int followup_record(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen);

#endif
