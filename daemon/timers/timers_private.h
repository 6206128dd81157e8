/*
 * timers_private.h — what the runner (timers.c) hands each kind of job,
 * and the handlers it knows.  Not for use outside timers/.
 *
 * A handler acts on one due job inside the runner's transaction: it
 * checks that the reason for the job still holds (the meeting is still
 * ahead, the referent still has not decided...), queues its mails, and
 * may plan follow-up jobs; the runner then marks the job done in the same
 * transaction.  A handler whose reason is gone simply returns 0: the job
 * is done without a mail.
 */
#ifndef CDP_TIMERS_PRIVATE_H
#define CDP_TIMERS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

struct casework;

/* One due row of jobs (payload owned by the runner). */
struct timer_job {
	int64_t		 id;
	const char	*kind;		/* static: the kind table's name */
	int64_t		 case_id;	/* 0: none */
	int64_t		 person_id;	/* 0: none */
	long long	 due_at;
	const char	*payload;	/* JSON object text, or NULL */
};

typedef int (*timer_fn)(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* The integer at `path` ("$.meeting") of j's payload: 1 and *v, 0 when
 * there is none (no payload, no such key, not an integer), -1 (err). */
int timer_payload_int(struct casework *cw, const struct timer_job *j,
    const char *path, int64_t *v, char *err, size_t errlen);

/* remind_invitation.c: invitation_reminder and invitation_expiry. */
int timer_invitation(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);
/* remind_milestone.c: milestone_reminder and milestone_ask. */
int timer_milestone(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* digest.c: the digest to the coordinators (and referents). */
int timer_digest(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* testimony.c: testimony, the holder of a closed case asked to share
 * their experience. */
int timer_testimony(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* retention.c: retention, the daily purge of raw mails. */
int timer_retention(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* remind_meeting.c: meeting_reminder. */
int timer_meeting(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* remind_decision.c: decision_reminder and decision_flag. */
int timer_decision(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

/* remind_inactive.c: inactivity_followup and inactivity_flag. */
int timer_inactivity(struct casework *cw, const struct timer_job *j,
    char *err, size_t errlen);

#endif
