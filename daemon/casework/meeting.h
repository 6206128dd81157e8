/*
 * meeting.h — the group's meeting (DESIGN.md §1 step 4, §3, §5).
 *
 * RENCONTRE and ANNULER RENCONTRE are effects of the mail commands
 * (cmd_context.h tells what they receive and return); the holder and the
 * group get an iCalendar invitation or cancellation.  A calendar client's
 * answer to it comes back as an ordinary follow-up (followup.h), which
 * hands it to meeting_itip_reply().
 */
#ifndef CDP_MEETING_H
#define CDP_MEETING_H

#include <stddef.h>
#include <stdint.h>

struct case_row;
struct casework;
struct cmd_ctx;
struct cmd_res;
struct cw_mail;
struct cw_person;
struct mailcmd;

/* RENCONTRE date heure [lieu]: schedules the upcoming meeting, or moves
 * it (same UID, SEQUENCE + 1). */
int meeting_schedule(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
/* ANNULER RENCONTRE: cancels the upcoming meeting (CMDOUT_WRONG_STATE
 * when there is none; cmd may be NULL, as when a case ends). */
int meeting_cancel(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

/* An iTIP REPLY (a calendar client's answer to the invitation) in the
 * mail: attendance recorded on the case.  *found 1 when there was one.
 * 0 or -1. */
int meeting_itip_reply(struct casework *cw, const struct cw_mail *mail,
    int64_t case_id, int64_t sender_id, int *found, char *err,
    size_t errlen);

/* A scheduled meeting as its invitation shows it, and whom it goes to
 * (all owned: meeting_invite_free()). */
struct meeting_invite {
	int64_t		  id;
	char		 *uid;
	int		  sequence;
	long long	  starts_at;
	char		 *location;	/* NULL: none */
	struct cw_person *to;		/* holder, referent, accepted
					 * volunteers; nto may be 0 */
	size_t		  nto;
	char		 *calendar;	/* iCalendar REQUEST; NULL when nto
					 * is 0 */
};

/*
 * Meeting `meeting_id` of case c as it stands, for the reminders
 * (timers/remind_meeting.c): 1 and *out when it is still scheduled, with
 * its invitation built for the people of the case now, under the same
 * UID and SEQUENCE as the one RENCONTRE last sent; 0 when it was
 * cancelled or is not c's; -1 (err).  Whether it is still ahead is the
 * caller's question (out->starts_at).
 */
int meeting_invite_load(struct casework *cw, const struct case_row *c,
    int64_t meeting_id, struct meeting_invite *out, char *err,
    size_t errlen);
void meeting_invite_free(struct meeting_invite *m);

/* Counts one more reminder sent for the meeting (meetings.reminders_sent).
 * 0 or -1. */
int meeting_reminded(struct casework *cw, int64_t meeting_id, char *err,
    size_t errlen);

#endif
