/*
 * cmd_context.h — what a mail command's effect receives and the helpers
 * every effect shares (DESIGN.md §5).
 *
 * The runner (mailcmd_run.h) checks trust, role and kind of case, then
 * hands each command to its effect (decision.h, group.h, meeting.h,
 * roadmap.h, status.h, volunteer.h) with a struct cmd_ctx.  An effect
 * reads and changes the case through these helpers: the answer to the
 * sender's mail, events on the timeline, the state machine's transitions,
 * the people of the case.  Everything runs in the mail's transaction.
 */
#ifndef CDP_CMD_CONTEXT_H
#define CDP_CMD_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "casework/case_mail.h"
#include "casework/casework.h"
#include "store/case_db.h"

struct mailcmd;
struct tpl_data;

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
	CMDOUT_INTERNAL,
	CMDOUT_AMBIGUOUS,	/* several things fit: res->choices */
	CMDOUT_NO_STEP,		/* no roadmap step fits: res->choices */
	CMDOUT_PAST_DATE,	/* a date already past */
	CMDOUT_UNKNOWN_THEME,	/* a theme the rules do not know: detail */
	CMDOUT_UNKNOWN_COMMUNE,	/* a commune not in communes.txt: detail */
	CMDOUT_OPEN_CASES,	/* referent of open cases (their refs in
				 * choices): TRANSFERER first */
	CMDOUT_SKIPPED_TIME	/* a time the clocks skip that day (02:30
				 * the night they go forward) */
};

/* What became of one address of a command that names several
 * (INVITER): one line of the transcript's "addresses" list. */
struct cmd_addr {
	char		 address[256];	/* as written when it is none */
	const char	*flag;		/* static: why, e.g. "invited",
					 * "not_address", "unavailable" */
	const char	*flag2;		/* static or NULL: e.g. "newcomer" */
	char		 until[16];	/* "DD/MM/YYYY" or "" */
};

#define CMD_MAX_ADDRS	40	/* addresses and rejected words of one
				 * command (mailcmd.h caps each at 20) */

struct cmd_res {
	enum cmd_outcome outcome;
	char		 detail[512];	/* what was understood or done, e.g.
					 * "14/06/2027 18h30, mairie" */
	char		 choices[1024];	/* AMBIGUOUS, NO_STEP: the command
					 * lines the sender may send instead,
					 * '\n'-separated; "" if none */
	char		 flags[128];	/* more of the transcript item's
					 * flags to set, blank-separated, e.g.
					 * "added themes_changed" */
	struct cmd_addr	 addrs[CMD_MAX_ADDRS];	/* per address, in order */
	size_t		 naddrs;
	int		 replied;	/* the effect's own mail answered the
					 * sender (a newcomer's OUI gets the
					 * welcome): no transcript for it
					 * when all went well */
};

/* The case and the sender, as every effect sees them.  Pool commands
 * (pool.h) run without a case too: c is then all zero (id 0, ref ""). */
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
	unsigned		 roles;		/* R_* bits of cmd_exec.h */
	int64_t			 answered;	/* the outbox row of our mail this
						 * one answers (verified token),
						 * 0: none known */
};

/*
 * An effect: runs one command whose role and trust were checked.  Sets
 * res->outcome (CMDOUT_OK or why not: wrong state, person not found...)
 * and res->detail.  Returns 0, or -1 on a database or mail error (err):
 * the runner then marks the command CMDOUT_INTERNAL, and the whole mail
 * is rolled back and quarantined.
 */
typedef int (*cmd_effect)(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen);

/* An event on the case by the sender, caused by this mail; with no case
 * (x->c.id 0), an event about the sender (person_event(), by "mail" for
 * a coordinator, "self" otherwise).  0 or -1. */
int cmdctx_event(struct cmd_ctx *x, const char *kind,
    const char *const *kv, size_t nkv, char *err, size_t errlen);

/* Changes the case's state (and closed_at/reason for an end state), with
 * a 'state' event {from, to, reason}; an end state closes the case's
 * pending jobs.  0 or -1. */
int cmdctx_set_state(struct cmd_ctx *x, const char *state,
    const char *reason, char *err, size_t errlen);

/* The people of the case matching `which` (GROUP_* of case_mail.h):
 * casemail_group() for this case.  *out owned by the caller (free()).
 * 0 or -1. */
int cmdctx_group(struct cmd_ctx *x, int which, struct cw_person **out,
    size_t *n, char *err, size_t errlen);

/* The people of the case, invited and declined included, as the "members"
 * list of d (name, "" if unknown, address, is_holder, is_referent,
 * is_volunteer, is_contact, invited, accepted, declined).  0 or -1. */
int cmdctx_members(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen);

/* The sender's name for a mail's text, their address when unknown
 * (borrowed from x). */
const char *cmdctx_sender_name(const struct cmd_ctx *x);

/* "DD/MM/YYYY" and "HHhMM" (time "" when !has_time) of a local time. */
void cmdctx_format_when(long long t, int has_time, char *date,
    size_t datelen, char *tm, size_t tmlen);

/* Answers the sender's mail with template tpl (ref and recipient_name
 * are set here): immediate, Auto-Submitted: auto-replied, in the thread.
 * A sender over the daily cap gets nothing (logged).  0 or -1. */
int cmdctx_answer(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    char *err, size_t errlen);

/* Sends template tpl to each of to[0..n) (ref and recipient_name set for
 * each), tagged and bound to the case.  0 or -1. */
int cmdctx_send(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    const struct cw_person *to, size_t n, char *err, size_t errlen);

#endif
