/*
 * timers/ — what the daemon does because time passed rather than because
 * a mail arrived: jobs come due (store/job_db.h holds them) and their
 * mails go to the same outbox, in the same kind of transaction.
 *
 * timers.h — running the jobs that have come due (table jobs, job_db.h).
 *
 * Each due job runs in its own transaction with the mails it causes, and
 * is marked done in it: a crash runs it again, never twice.  Handled
 * today: volunteer invitations (one reminder after [timers]
 * invitation_reminder days, then expiry after invitation_expiry days,
 * the referent told).  Meeting, milestone and inactivity reminders and
 * the digest are recorded as jobs by the case modules but not run yet:
 * they stay pending.
 */
#ifndef CDP_TIMERS_H
#define CDP_TIMERS_H

#include <stddef.h>

struct casework;

/* Runs the due jobs it knows (at most a batch), counting them in *ran.
 * 0, or -1 on a database error (err; the failing job is rolled back). */
int timers_run(struct casework *cw, size_t *ran, char *err, size_t errlen);

#endif
