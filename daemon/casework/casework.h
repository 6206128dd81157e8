/*
 * casework.h — what the network does with a mail once it is stored, and
 * the few types every module of casework/ shares.
 *
 * casework/ owns the cases (DESIGN.md §2–§5): a new mail opens one, a
 * reply follows one up, a mail command changes one, and every mail these
 * cause is queued in the same transaction as the change.  Reading order:
 *
 *   dispatch.c      a stored mail: new case, follow-up, bounce or
 *                   automatic mail (the entry point, dispatch.h)
 *   intake.c        a new mail becomes a case
 *   route.c         who takes a new case (the referent ranking)
 *   followup.c      a mail on a known case: timeline, forward, commands
 *   mailcmd_run.c   the mail commands of a reply about a case: trust, and
 *                   the referent told of commands not run
 *   pool_run.c      the mail commands about no case: replies to the
 *                   digest or a welcome, a coordinator's new mail
 *   cmd_exec.c      what both runners share: who may give which command
 *                   (the table), the sender's roles, running each
 *                   command's effect, the transcript
 *   decision.c      effects: ELIGIBLE, NON ELIGIBLE, TRANSFERER,
 *                   CLOTURER, ABANDON
 *   merge.c         effect: FUSIONNER
 *   group.c         effects: INVITER, OUI / NON, INTERLOCUTEUR
 *   meeting.c       effects: RENCONTRE, ANNULER RENCONTRE; iTIP answers
 *                   (attendance.c tells them in words)
 *   roadmap.c       effects: FEUILLE DE ROUTE, POINT
 *   milestone.c     effects: FAIT, REPORTER; a step's reminder and
 *                   question jobs (milestone_pick.c: which step a
 *                   command means)
 *   status.c        effect: STATUT
 *   volunteer.c     effects: ACCEPTER, REFUSER, the charter
 *   witness.c       effect: OUI / NON of the holder of a closed case
 *                   (sharing their experience with new holders)
 *   pool.c          effects: BENEVOLE, REFERENT, COORDINATION, THEMES,
 *                   COMMUNES, DISPONIBLE, INDISPONIBLE, RETIRER
 *   pool_list.c     effect: ANNUAIRE
 *   admin.c         the administrator's case assign, note and close
 *                   (the command line), through the effects above
 *
 * and the helpers the modules above call, which call none of them back:
 *
 *   assign.c        a case gets a referent: the decision's timers
 *   cmd_context.c   what an effect receives: the case, the sender, the
 *                   answer to their mail, events, state changes
 *   case_mail.c     mail about a case: who follows it, the group, the
 *                   coordinators, people, themes, attachments, queuing
 *
 * Calls go one way: dispatch → intake / followup → mailcmd_run (or
 * dispatch → pool_run) → cmd_exec → effects → cmd_context → case_mail;
 * intake and the decisions → assign.  The timers (timers/) use
 * case_mail, cmdctx_format_when(), the meeting's invitation
 * (meeting_invite_load()) and milestone.h to note which step a mail was
 * about, nothing that answers a mail.
 */
#ifndef CDP_CASEWORK_H
#define CDP_CASEWORK_H

#include <stdint.h>

#include "parse/autodetect.h"

struct bounce_info;
struct classify;
struct classify_result;
struct config;
struct mailer;
struct message;
struct store;

/* What the case modules share for one mail or one run of the timers (all
 * borrowed). */
struct casework {
	const struct config	*cfg;
	struct mailer		*mailer;
	const struct classify	*classify;	/* NULL for the timers */
	struct store		*st;
	long long		 now;
};

/* One stored mail (all borrowed). */
struct cw_mail {
	const struct message	*m;
	int64_t			 msg_id;	/* its messages row */
	enum msg_auto		 autokind;
	const struct bounce_info *bounce;	/* when autokind is bounce */
	const char		*new_text;	/* reply without quotes, or the
						 * whole text; never NULL */
	const struct classify_result *classified; /* of the subject and
						 * new_text, when done ahead;
						 * NULL: not done */
};

/* A person a case mail names or goes to. */
struct cw_person {
	int64_t	 id;
	char	 name[256];
	char	 email[256];
};

#endif
