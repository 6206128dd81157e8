/*
 * mailcmd_run.h — running the mail commands of a reply (DESIGN.md §4, §5).
 *
 * casecmd_run() takes the commands parsed from a matched mail's new text
 * (mailcmd.h), decides whether the sender may give commands at all
 * (trust: a verified token with a matching From, or the subject tag with
 * an Authentication-Results pass from our own server, trust.h), then runs
 * each in order after checking the sender's role on the case and the
 * case's state, and answers with one transcript (command_transcript).
 * After a failed command, the following ones are not run.  Every command,
 * run or refused, is an event of the case's timeline; every mail a
 * command causes is queued in the same transaction.
 *
 * The effects live in files named for what they do (decision.c, group.c,
 * meeting.c, roadmap.c, volunteer.c); they share the context below.
 */
#ifndef CDP_MAILCMD_RUN_H
#define CDP_MAILCMD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "store/case_db.h"
#include "casework/dispatch.h"

struct mailcmd;
struct mailcmd_list;
struct thread_match;

/* What happened to one command (the transcript's flags). */
enum cmd_outcome {
	CMDOUT_OK,
	CMDOUT_UNKNOWN,
	CMDOUT_NOT_ALLOWED,
	CMDOUT_BAD_DATE,
	CMDOUT_BAD_TIME,
	CMDOUT_BAD_ADDRESS,
	CMDOUT_MISSING_ARGUMENT,
	CMDOUT_WRONG_STATE,
	CMDOUT_NOT_FOUND,
	CMDOUT_NOT_RUN,
	CMDOUT_INTERNAL
};

struct cmd_res {
	enum cmd_outcome outcome;
	char		 detail[512];	/* what was understood or done, e.g.
					 * "14/06/2027 18h30, mairie" */
};

/* The case and the sender, as every effect sees them. */
struct cmd_ctx {
	struct casework		*cw;
	const struct cw_mail	*mail;
	struct case_row		 c;		/* reloaded after each command */
	struct cw_person	 sender;
	char			 role[16];	/* sender's role in the case:
						 * holder, reporter, referent,
						 * volunteer, coordinator */
	int			 coordinator;	/* a network coordinator */
	int			 contact;	/* the privileged contact */
};

/*
 * An effect: runs one command whose role and trust were checked.  Sets
 * res->outcome (CMDOUT_OK or why not: wrong state, person not found...)
 * and res->detail.  Returns 0, or -1 on a database or mail error (err):
 * the whole mail is then rolled back and quarantined.
 */
typedef int (*cmd_effect)(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen);

/*
 * Runs the commands of `cl` found in a mail matched to a case.  Natural
 * answers (mailcmd.h) count only from a volunteer invited on this case;
 * when nothing applies, nothing happens (*ran = 0) and the mail is just
 * correspondence.  0 or -1 (err).
 */
int casecmd_run(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, const struct mailcmd_list *cl,
    int *ran, char *err, size_t errlen);

/* ---- Helpers the effects share (mailcmd_run.c) ---------------------------- */

/* Changes the case's state (and closed_at/reason for an end state), with
 * a 'state' event {from, to, reason}. 0 or -1. */
int casecmd_set_state(struct cmd_ctx *x, const char *state,
    const char *reason, char *err, size_t errlen);

/* Who gets a group mail. */
enum {
	GROUP_HOLDER	= 1 << 0,	/* holder (or reporter) */
	GROUP_REFERENT	= 1 << 1,
	GROUP_VOLUNTEERS = 1 << 2,	/* accepted volunteers */
	GROUP_CONTACT	= 1 << 3	/* the privileged contact only */
};

/* The people of the case matching `which` (no duplicates, holder first).
 * *out owned by the caller (free()).  0 or -1. */
int casecmd_group(struct cmd_ctx *x, int which, struct cw_person **out,
    size_t *n, char *err, size_t errlen);

/* "DD/MM/YYYY" and "HHhMM" (time "" when !has_time) of a local time. */
void casecmd_format_when(long long t, int has_time, char *date,
    size_t datelen, char *tm, size_t tmlen);

/* Answers the sender's mail with template tpl (ref and recipient_name
 * are set here): immediate, Auto-Submitted: auto-replied, in the thread.
 * 0 or -1. */
int casecmd_answer(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    char *err, size_t errlen);

/* Sends template tpl to each of to[0..n) (recipient_name set for each),
 * tagged and bound to the case.  0 or -1. */
int casecmd_send(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    const struct cw_person *to, size_t n, char *err, size_t errlen);

/* The people of the case as the "members" list of d (group.c). 0 or -1. */
int casecmd_members(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen);

/* The sender's name for a mail's text, their address when unknown. */
const char *casecmd_sender_name(const struct cmd_ctx *x);

/* An event on the case by the sender, caused by this mail. 0 or -1. */
int casecmd_event(struct cmd_ctx *x, const char *kind,
    const char *const *kv, size_t nkv, char *err, size_t errlen);

/* ---- The effects (one file each, named for what they do) -------------- */

/* decision.c */
int decision_eligible(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
int decision_ineligible(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
int decision_transfer(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
int decision_close(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
int decision_withdraw(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

/* group.c */
int group_invite(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
int group_answer(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* OUI and NON */
int group_contact(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* INTERLOCUTEUR */

/* meeting.c */
int meeting_schedule(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* RENCONTRE */
int meeting_cancel(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* ANNULER RENCONTRE */
/* An iTIP REPLY (a calendar client's answer to the invitation) in the
 * mail: attendance recorded on the case.  *found 1 when there was one.
 * 0 or -1. */
int meeting_itip_reply(struct casework *cw, const struct cw_mail *mail,
    int64_t case_id, int64_t sender_id, int *found, char *err,
    size_t errlen);

/* roadmap.c */
int roadmap_record(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* FEUILLE DE ROUTE */
int roadmap_checkin(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* POINT */

/* status.c */
int status_reply(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* STATUT */

/* volunteer.c */
int volunteer_accept(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* ACCEPTER */
int volunteer_refuse(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* REFUSER */
int volunteer_charter(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);		/* J'ACCEPTE LA CHARTE */
/* The sender signs the charter (charter_signed_at, event).  0 or -1. */
int volunteer_sign(struct cmd_ctx *x, char *err, size_t errlen);

#endif
