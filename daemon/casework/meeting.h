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

struct casework;
struct cmd_ctx;
struct cmd_res;
struct cw_mail;
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

#endif
