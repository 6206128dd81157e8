/*
 * cmd_exec.h — what the two runners of mail commands share: the table of
 * who may give which command where, the running of one mail's commands
 * and the transcript (DESIGN.md §5).
 *
 * Commands come in a reply to a mail about a case (mailcmd_run.h) or
 * about no case — the digest, a pool welcome — or in a new mail from a
 * coordinator (pool_run.h).  Both runners work out who the sender is
 * (R_* bits in cmd_ctx.roles) and whether the mail is trusted, then hand
 * the list to cmdexec_all() and cmdexec_transcript().  The table is the
 * whole authorization policy: a rule says which roles may give a verb
 * and where (K_* bits: on which kind of case, or without one); the state
 * machine is in the effects.
 */
#ifndef CDP_CMD_EXEC_H
#define CDP_CMD_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "casework/cmd_context.h"

struct mailcmd_list;
struct tpl_data;

/* What the sender is (bits of cmd_ctx.roles). */
enum {
	R_HOLDER	= 1 << 0,
	R_REPORTER	= 1 << 1,
	R_REFERENT	= 1 << 2,	/* the case's referent */
	R_COORD		= 1 << 3,	/* network coordinator */
	R_CONTACT	= 1 << 4,	/* privileged contact */
	R_VOLUNTEER	= 1 << 5,	/* accepted volunteer of the group */
	R_INVITED	= 1 << 6,	/* volunteer invited, not answered */
	R_NETVOL	= 1 << 7,	/* volunteer of the network's pool */
	R_ANYONE	= 1 << 8,
	R_WITNESS	= 1 << 9,	/* holder of a closed case, asked to
					 * share their experience */
	R_NETREF	= 1 << 10	/* referent of the network's pool */
};
#define R_MEMBER (R_HOLDER | R_REPORTER | R_REFERENT | R_COORD | R_CONTACT | \
	R_VOLUNTEER | R_INVITED)

/* Who x->sender is, from the case x->c (zero: none) and the network's
 * roles ([network] coordinators, person_roles): x->roles, x->coordinator
 * and x->contact.  0 or -1. */
int cmdexec_roles(struct cmd_ctx *x, char *err, size_t errlen);

/* x->sender from person sender_id (0: unknown, the From address only),
 * then cmdexec_roles().  x->cw, x->mail and x->c set.  0 or -1. */
int cmdexec_sender(struct cmd_ctx *x, int64_t sender_id, char *err,
    size_t errlen);

/* 1 unless every command of cl is a natural answer (mailcmd.h) and the
 * sender was asked no question: invited (R_INVITED), closed case's
 * holder (R_WITNESS). */
int cmdexec_applies(const struct mailcmd_list *cl, unsigned roles);

/* Runs the commands of cl in order for x (x->roles set, x->c loaded or
 * zero for no case), each result an item of d's "results"; nothing is
 * run when !trusted (each NOT_ALLOWED), and after a failed command the
 * following ones are not.  refresh(x) reloads what a command may have
 * changed (the case, the roles) before the next one; may be NULL.
 * *failed: one did not succeed; *want: a transcript is due (not when the
 * effects' own mails answered, STATUT, AIDE, ANNUAIRE, and all went
 * well).  0 or -1 (err: the mail is rolled back). */
int cmdexec_all(struct cmd_ctx *x, const struct mailcmd_list *cl,
    int trusted, int (*refresh)(struct cmd_ctx *, char *, size_t),
    struct tpl_data *d, int *failed, int *want, char *err, size_t errlen);

/* Answers the mail with d as command_transcript when want: has_errors
 * and, on errors, the commands x may use.  0 or -1. */
int cmdexec_transcript(struct cmd_ctx *x, struct tpl_data *d, int failed,
    int want, char *err, size_t errlen);

/* The lines of cl, '\n'-joined (new string). */
char *cmdexec_join_lines(const struct mailcmd_list *cl);

#endif
