/*
 * timers/ — what the daemon does because time passed rather than because
 * a mail arrived: jobs come due (store/job_db.h holds them) and their
 * mails go to the same outbox, in the same kind of transaction.
 * Reading order:
 *
 *   timers.c             the runner: due jobs in working time, one
 *                        transaction each, a chain's latest step only
 *   timers_private.h     what a handler receives; the handlers
 *   timer_payload.c      reading a job's payload, for the handlers
 *   remind_invitation.c  a volunteer's unanswered invitation
 *   remind_meeting.c     the group's meeting is coming
 *   remind_decision.c    a referent who has not decided
 *   remind_inactive.c    an open case nobody has written about
 *   remind_milestone.c   a roadmap step or check-in: reminded before,
 *                        "how did it go?" the day after
 *   digest.h, digest.c   the digest to the coordinators: planning,
 *                        the job, sending (and --print)
 *     digest_data.h      what it says, as a plain struct
 *     digest_data.c      the queries about cases and mail
 *     digest_pool.c      the queries about the pool, the counts
 *     digest_render.c    the struct as template values
 *   testimony.c          the holder of a closed case asked to share
 *                        their experience
 *   retention.h, .c      the daily purge of the raw mails of cases
 *                        closed long ago
 *
 * timers.h — running the jobs that have come due (table jobs, job_db.h).
 *
 * Each due job runs in its own transaction with the mails it causes, and
 * is marked done in it: a crash runs it again, never twice.  Jobs wait
 * for working time (base/workday.h: working hours on a working day), so
 * that what they send is written when it leaves.
 */
#ifndef CDP_TIMERS_H
#define CDP_TIMERS_H

#include <stddef.h>

struct casework;
struct config;
struct store;

/* Plans the next digest and retention if none is pending (digest.h,
 * retention.h), then runs the due
 * jobs (at most a batch) if cw->now is working time, counting them in
 * *ran.  0, or -1 on a database error (err; the failing
 * job is rolled back and the rest wait for the next pass). */
int timers_run(struct casework *cw, size_t *ran, char *err, size_t errlen);

/* When the next pending job will run: its due time moved to working
 * time.  1 and *when, 0 when no job is pending, -1 (err). */
int timers_next_due(struct store *st, const struct config *cfg,
    long long *when, char *err, size_t errlen);

#endif
