/*
 * template_vars.c — the catalog of the templates the daemon sends and of
 * the variables it gives each, and the check of the files against it.
 *
 * The table `known` below is the contract between the code that fills in
 * values and the people who edit the texts.  `coupdepouce check` compares
 * the files with it (template_check_names()), so a misspelt placeholder is
 * found before a mail goes out with a hole in it.  Adding a template is a
 * file in templates/ and a row here.  The digest's variables, the longest
 * list, are in template_vars_digest.c, those of the pool's mails in
 * template_vars_pool.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "out/template.h"
#include "out/template_tree.h"
#include "out/template_vars_digest.h"
#include "out/template_vars_pool.h"

/* ---- The templates the daemon sends, and their variables ---------------- */

/*
 * Every template gets the common variables.  A list's item fields are
 * written "list.field": inside {{#list}} they are found as {{field}}.
 */
static const char *const common_vars[] = {
	"network_name",		/* [network] name */
	"contact",		/* [network] contact address */
	NULL
};

static const char *const ack_vars[] = {
	"ref",			/* case reference, CDP-2026-0001 */
	"holder_name",		/* sender's display name, "" if unknown */
	"subject",		/* subject of their mail */
	"reply_days",		/* a referent answers within about N days */
	"is_report",		/* true: they report someone else's initiative */
	NULL
};

static const char *const ack_volunteer_vars[] = {
	"ref",
	"volunteer_name",	/* "" if unknown */
	"subject",
	"reply_days",		/* coordinators answer within about N days */
	NULL
};

static const char *const assignment_vars[] = {
	"ref", "referent_name", "holder_name", "holder_address",
	"subject",
	"request_text",		/* the request as written (new text) */
	"received_date",	/* DD/MM/YYYY, local time */
	"received_time",	/* HH:MM */
	"is_report",
	"commune",		/* "" if not found */
	"themes",		/* comma-separated; "" if none found */
	"attachments", "attachments.filename",
	"volunteers",		/* matching volunteers, best first */
	"volunteers.name", "volunteers.address",
	"volunteers.load",	/* open cases they are in */
	"volunteers.skills",	/* their themes, comma-separated */
	"has_volunteers",	/* true: the list is not empty */
	"witnesses",		/* former holders who agreed to testify */
	"witnesses.name",	/* "" if unknown */
	"witnesses.address",
	"witnesses.commune",	/* of their initiative, "" if none */
	"witnesses.themes",	/* of their initiative, comma-separated */
	"has_witnesses",	/* true: the list is not empty */
	"decision_days",	/* reminder if no decision after N days */
	"unassigned",		/* true: no referent free, to coordinators */
	"triage",		/* true: kind other, to coordinators */
	NULL
};

static const char *const volunteer_application_vars[] = {
	"ref", "coordinator_name",
	"volunteer_name", "volunteer_address", "subject",
	"text",			/* their message (new text) */
	"received_date", "received_time",
	"commune",		/* "" if not found */
	"themes",		/* comma-separated; "" if none found */
	"attachments", "attachments.filename",
	NULL
};

static const char *const duplicate_notice_vars[] = {
	"ref",			/* the new case */
	"other_ref",		/* the case it may duplicate */
	"recipient_name",	/* that case's referent (or a coordinator) */
	"holder_name", "holder_address", "subject", "text",
	"tag_only",		/* true: the mail named other_ref in its
				 * subject but its sender is not part of it */
	NULL
};

static const char *const attendance_vars[] = {
	"ref", "recipient_name",
	"who", "who_address",	/* who answered from their calendar */
	"accepted", "declined", "tentative",	/* exactly one is true */
	"meeting_date", "meeting_time",
	NULL
};

static const char *const merged_vars[] = {
	"ref",			/* the case that goes on */
	"old_ref",		/* the case folded into it, now closed */
	"recipient_name", "subject",
	NULL
};

static const char *const bounce_notice_vars[] = {
	"ref",
	"recipient_name",	/* the referent, or a coordinator */
	"failing_name",		/* "" if unknown */
	"failing_address",
	"status",		/* DSN status, e.g. 5.1.1; "" if unknown */
	"reason",		/* the server's diagnostic; "" if none */
	NULL
};

static const char *const forward_to_referent_vars[] = {
	"ref", "referent_name", "holder_name", "holder_address",
	"subject",
	"text",			/* the follow-up's new text */
	"received_date", "received_time",
	"attachments", "attachments.filename",
	NULL
};

/* ---- Mails of the support process (mail commands, DESIGN.md §5) ---- */

static const char *const decision_eligible_vars[] = {
	"ref", "holder_name", "subject",
	"referent_name", "referent_address",
	NULL
};

static const char *const decision_ineligible_vars[] = {
	"ref", "holder_name", "subject", "referent_name",
	"reason",		/* the referent's motif, as written */
	NULL
};

/* A list of the people of a case, for transfer, introduction and
 * status. */
#define MEMBER_VARS							\
	"members", "members.name", "members.address",			\
	"members.is_holder", "members.is_referent",			\
	"members.is_volunteer", "members.is_contact",			\
	"members.invited", "members.accepted", "members.declined"

static const char *const transfer_vars[] = {
	"ref",
	"referent_name",	/* the new referent */
	"previous_name", "previous_address",	/* who handed it over */
	"holder_name", "holder_address", "subject",
	"request_text",		/* the first mail's new text */
	"commune", "themes",
	"state_new", "state_analysis", "state_forming", "state_meeting",
	"state_active",		/* exactly one is true */
	MEMBER_VARS,		/* the people of the case, as in STATUT */
	NULL
};

static const char *const transfer_notice_vars[] = {
	"ref", "recipient_name",
	"referent_name",	/* the new referent (address if unknown) */
	"referent_address",
	"is_holder",		/* true: the recipient holds the initiative */
	NULL
};

static const char *const transfer_previous_vars[] = {
	"ref", "recipient_name", "subject", "referent_name",
	"referent_address", "by_name", NULL
};

/* What the decision reminder and the late-decision notice recall of the
 * request. */
#define DECISION_CASE_VARS						\
	"ref", "recipient_name",					\
	"assigned_date",	/* DD/MM/YYYY: the latest assignment */	\
	"received_date",	/* DD/MM/YYYY: the case was opened */	\
	"is_report", "holder_name", "holder_address", "subject",	\
	"commune", "themes",						\
	"request_text",		/* the start of the first mail */	\
	"referent_name",	/* "" if unknown */			\
	"referent_address"

static const char *const decision_reminder_vars[] = {
	DECISION_CASE_VARS,
	"days",			/* [timers] referent_reminder */
	"flag_days",		/* days until the coordinators are told;
				 * unset when not later */
	NULL
};

static const char *const decision_late_vars[] = {
	DECISION_CASE_VARS,
	"days",			/* [timers] referent_flag */
	NULL
};

static const char *const invitation_vars[] = {
	"ref", "volunteer_name", "referent_name", "referent_address",
	"subject",
	"request_text",		/* what the initiative is about */
	"commune", "themes",
	"needs_charter",	/* true: not signed yet; OUI signs it */
	"newcomer",		/* true: not in the pool; OUI joins it */
	"answer_days",		/* reminder after N days without answer */
	NULL
};

static const char *const invitation_reminder_vars[] = {
	"ref", "volunteer_name", "referent_name",
	"subject",		/* the case's subject */
	"expiry_days",		/* the invitation lapses in N more days */
	NULL
};

static const char *const invitation_expired_vars[] = {
	"ref", "referent_name", "volunteer_name", "volunteer_address",
	"days",			/* days without an answer */
	NULL
};

static const char *const invitation_answer_vars[] = {
	"ref", "referent_name", "volunteer_name", "volunteer_address",
	"accepted",		/* true: OUI; false: NON */
	"newcomer",		/* invited from outside the pool */
	"reason",		/* their motif, "" if none */
	"accepted_count",	/* volunteers in the group now */
	"pending_count",	/* invitations still unanswered */
	NULL
};

static const char *const introduction_vars[] = {
	"ref", "recipient_name",
	"is_holder",		/* true for the holder's copy */
	"subject", "holder_name", "holder_address",
	"referent_name", "referent_address",
	"contact_name", "contact_address",	/* privileged contact */
	MEMBER_VARS,
	NULL
};

static const char *const meeting_vars[] = {
	"ref", "recipient_name",
	"date",			/* DD/MM/YYYY, local */
	"time",			/* e.g. 18h30 */
	"place",		/* "" if not given */
	"is_update",		/* true: it was moved */
	"by_name",		/* who scheduled it */
	NULL
};

static const char *const meeting_cancelled_vars[] = {
	"ref", "recipient_name", "date", "time", "place", "by_name",
	NULL
};

static const char *const meeting_reminder_vars[] = {
	"ref", "recipient_name", "subject",
	"date", "time", "place",
	"referent_name",	/* "" if unknown */
	"referent_address",
	"is_holder",		/* the holder's copy */
	"can_move",		/* referent or privileged contact: may use
				 * RENCONTRE / ANNULER RENCONTRE */
	"attendees",		/* the people invited, holder first */
	"attendees.name",	/* name, or address if unknown */
	"attendees.is_holder", "attendees.is_referent",
	"attendees.is_contact",
	NULL
};

static const char *const roadmap_vars[] = {
	"ref", "recipient_name", "is_holder",
	"roadmap",		/* the text as written */
	"milestones", "milestones.date", "milestones.time",
	"milestones.label", "contact_name", "contact_address",
	NULL
};

static const char *const checkin_vars[] = {
	"ref", "recipient_name",
	"date", "time",		/* time "" when not given */
	"topic",		/* "" if none */
	"by_name",
	NULL
};

static const char *const milestone_reminder_vars[] = {
	"ref", "recipient_name", "subject",
	"label",		/* what is planned; "" for a check-in */
	"is_checkin",		/* true: a check-in (POINT), not a step */
	"date", "time",		/* time "" when not given */
	"days",			/* how many days ahead */
	"tomorrow",		/* true: it is tomorrow */
	"is_holder",		/* true: the holder's copy */
	"no_contact",		/* true: no privileged contact, the referent
				 * (or a coordinator) gets it instead */
	"contact_name",		/* whom the holder tells of a change */
	NULL
};

static const char *const milestone_ask_vars[] = {
	"ref", "recipient_name", "subject", "label", "is_checkin",
	"date", "time", "no_contact",
	NULL
};

static const char *const closing_vars[] = {
	"ref", "recipient_name",
	"is_holder",		/* the holder is also asked to testify */
	"summary",		/* the bilan, "" if none */
	"referent_name",
	"ask_testimony",	/* true: the holder is asked OUI / NON (never
				 * asked nor answered before) */
	"testimony_months",	/* asked again after N months otherwise */
	NULL
};

static const char *const testimony_request_vars[] = {
	"ref", "holder_name", "subject",
	"closed_date",		/* DD/MM/YYYY, local */
	"referent_name",	/* "" if the case had none */
	NULL
};

static const char *const testimony_thanks_vars[] = {
	"ref", "recipient_name",
	"accepted",		/* true: OUI; false: NON */
	"newcomer",		/* invited from outside the pool */
	"themes",		/* the case's, comma-separated; "" if none */
	NULL
};

static const char *const charter_signed_vars[] = {
	"ref",			/* "" when signed outside a case */
	"recipient_name",
	"already",		/* true: it was signed before */
	NULL
};

static const char *const invitation_thanks_vars[] = {
	"ref", "recipient_name",
	"accepted",		/* true: a yes in a sentence; false: a no */
	"reason",		/* the no's reason; "" if none */
	NULL
};

static const char *const withdrawn_vars[] = {
	"ref", "recipient_name",
	"by_name",		/* who withdrew the case */
	"by_holder",		/* true: the holder did */
	"reason",		/* "" if none */
	NULL
};

static const char *const status_vars[] = {
	"ref", "recipient_name", "subject",
	"state_new", "state_analysis", "state_ineligible", "state_forming",
	"state_meeting", "state_active", "state_closed", "state_withdrawn",
	"created_date", "last_activity_date",
	"holder_name", "referent_name", "contact_name",
	MEMBER_VARS,
	"has_meeting", "meeting_date", "meeting_time", "meeting_place",
	"milestones", "milestones.date", "milestones.label",
	"milestones.is_checkin", "milestones.done",
	"milestones.overdue",	/* planned, and its day is over */
	"has_planned",		/* true: a step is still to do */
	"can_mark",		/* true: the recipient may send FAIT and
				 * REPORTER */
	NULL
};

static const char *const inactivity_followup_vars[] = {
	"ref", "recipient_name", "subject",
	"holder_name",		/* name, or address if unknown */
	"last_activity_date",	/* DD/MM/YYYY */
	"days",			/* days since */
	"is_contact",		/* the privileged contact (else the referent
				 * or a coordinator, who may CLOTURER) */
	"referent_name",	/* "" if unknown */
	"referent_address",
	"state_forming", "state_meeting", "state_active",
	"flag_days",		/* days until flagged; unset when not later */
	NULL
};

static const char *const volunteer_accepted_vars[] = {
	"ref", "volunteer_name",
	NULL
};

static const char *const pool_joined_vars[] = {
	"ref", "recipient_name",
	"themes",		/* theirs now, comma-separated; "" if none */
	"communes",		/* the same */
	NULL
};

static const char *const volunteer_refused_vars[] = {
	"ref", "volunteer_name",
	"reason",		/* "" if none */
	NULL
};

static const char *const untrusted_notice_vars[] = {
	"ref",
	"recipient_name",	/* the referent or a coordinator */
	"sender_name", "sender_address", "subject",
	"lines", "lines.line",	/* the command lines not run */
	NULL
};

static const char *const charter_vars[] = {
	NULL
};

/* One item per command the recipient may use, in order; exactly one of
 * the flags is true in each item. */
#define HELP_VARS							\
	"commands", "commands.verb",					\
	"commands.eligible", "commands.non_eligible",			\
	"commands.transferer", "commands.fusionner", "commands.inviter", \
	"commands.oui",							\
	"commands.non", "commands.interlocuteur", "commands.rencontre",	\
	"commands.annuler_rencontre", "commands.feuille_de_route",	\
	"commands.point", "commands.note", "commands.cloturer",		\
	"commands.abandon", "commands.statut", "commands.aide",		\
	"commands.accepter", "commands.refuser", "commands.charte",	\
	"commands.fait", "commands.reporter",				\
	"commands.oui_temoignage", "commands.non_temoignage",		\
	"commands.benevole", "commands.referent", "commands.coordination", \
	"commands.themes", "commands.communes", "commands.disponible",	\
	"commands.indisponible", "commands.retirer", "commands.annuaire"

static const char *const help_commands_vars[] = {
	"ref",			/* "" when the mail named no case */
	HELP_VARS,
	NULL
};

static const char *const help_vars[] = {
	"ref",			/* "" when the mail named no case */
	"recipient_name",
	HELP_VARS,
	NULL
};

static const char *const command_transcript_vars[] = {
	"ref", "recipient_name",
	"subject",		/* subject of their mail */
	"has_errors",		/* true: at least one command failed */
	"untrusted",		/* true: nothing run, the sender could not
				 * be verified */
	"results",		/* one item per command line, in order */
	"results.line",		/* the line as written */
	"results.verb",		/* as understood, e.g. NON ELIGIBLE; "" if none */
	"results.detail",	/* argument as understood (date, address...) */
	"results.ok",		/* true: done */
	/* why it failed: exactly one of these is true when ok is false */
	"results.unknown",	/* not a command */
	"results.not_allowed",	/* not for this sender's role */
	"results.bad_date", "results.bad_time", "results.bad_address",
	"results.missing_argument",
	"results.wrong_state",	/* not possible at this stage of the case */
	"results.not_found",	/* address or person not known in the case */
	"results.not_run",	/* not carried out: an earlier command failed */
	"results.internal_error",
	"results.ambiguous",	/* several roadmap steps fit */
	"results.no_step",	/* no roadmap step fits */
	"results.past_date",	/* the date is already past */
	"results.unknown_theme",	/* not a theme of the rules: detail */
	"results.unknown_commune",	/* not in communes.txt: detail */
	"results.open_cases",	/* RETIRER: referent of open cases: detail */
	"results.skipped_time",	/* RENCONTRE: the clocks skip that time */
	/* pool commands done: what changed */
	"results.added", "results.role_added", "results.name_changed",
	"results.themes_changed", "results.communes_changed",
	"results.reactivated", "results.unchanged",
	"results.choices",	/* ambiguous, no_step: the lines to send */
	"results.choices.command",
	"results.has_choices",
	/* INVITER: one item per address or rejected word, in order */
	"results.has_addresses", "results.addresses",
	"results.addresses.address",
	/* exactly one of these is true in each item */
	"results.addresses.invited",
	"results.addresses.already_invited",
	"results.addresses.already_member",
	"results.addresses.is_holder", "results.addresses.is_referent",
	"results.addresses.is_network",	/* the network's own address */
	"results.addresses.not_address", "results.addresses.inactive",
	"results.addresses.unavailable",
	"results.addresses.newcomer",	/* invited, not in the pool yet */
	"results.addresses.until",	/* unavailable: DD/MM/YYYY, "" if
					 * until further notice */
	HELP_VARS,
	NULL
};

struct known_template {
	const char		*name;
	const char		*purpose;	/* for "missing template" */
	const char *const	*vars;
};

static const struct known_template known[] = {
	{ "ack", "acknowledgement of a new request or report", ack_vars },
	{ "ack_volunteer", "acknowledgement of a volunteer's offer",
	    ack_volunteer_vars },
	{ "assignment", "a new case sent to its referent", assignment_vars },
	{ "volunteer_application", "a volunteer's offer sent to the "
	    "coordinators", volunteer_application_vars },
	{ "duplicate_notice", "a referent told of a possible duplicate case",
	    duplicate_notice_vars },
	{ "bounce_notice", "a referent told that mail to a member bounced",
	    bounce_notice_vars },
	{ "forward_to_referent", "a holder's follow-up forwarded to the "
	    "referent", forward_to_referent_vars },
	{ "command_transcript", "reply to a mail carrying commands",
	    command_transcript_vars },
	{ "help", "reply to AIDE: the commands the sender may use",
	    help_vars },
	{ "_help_commands", "partial: the command list of help and "
	    "command_transcript", help_commands_vars },
	{ "_charter", "partial: the network's ethics and trust charter",
	    charter_vars },
	{ "decision_eligible", "the holder told their initiative is "
	    "accepted", decision_eligible_vars },
	{ "decision_ineligible", "the holder told, kindly, it is not",
	    decision_ineligible_vars },
	{ "transfer", "a case handed to another referent", transfer_vars },
	{ "attendance", "a calendar answer to the meeting told in words",
	    attendance_vars },
	{ "merged", "the holder told their new case joined an open one "
	    "(FUSIONNER)", merged_vars },
	{ "transfer_notice", "the holder and the group told who follows "
	    "the case now", transfer_notice_vars },
	{ "transfer_previous", "the referent who had the case told who has "
	    "it now", transfer_previous_vars },
	{ "invitation", "a volunteer invited to join a support group",
	    invitation_vars },
	{ "invitation_reminder", "a volunteer reminded of an unanswered "
	    "invitation", invitation_reminder_vars },
	{ "invitation_expired", "the referent told an invitation lapsed",
	    invitation_expired_vars },
	{ "invitation_answer", "the referent told of a volunteer's answer",
	    invitation_answer_vars },
	{ "introduction", "the group complete: everyone introduced",
	    introduction_vars },
	{ "meeting", "first meeting scheduled or moved (with .ics)",
	    meeting_vars },
	{ "meeting_cancelled", "first meeting cancelled (with .ics)",
	    meeting_cancelled_vars },
	{ "meeting_reminder", "the group reminded of its meeting (with "
	    ".ics)", meeting_reminder_vars },
	{ "decision_reminder", "a referent reminded of an undecided case",
	    decision_reminder_vars },
	{ "decision_late", "the coordinators told a case waits too long "
	    "for a decision", decision_late_vars },
	{ "inactivity_followup", "news asked of a silent case",
	    inactivity_followup_vars },
	{ "roadmap", "the roadmap sent to the holder and the group",
	    roadmap_vars },
	{ "checkin", "a check-in scheduled", checkin_vars },
	{ "milestone_reminder", "a roadmap step or check-in reminded a few "
	    "days before", milestone_reminder_vars },
	{ "milestone_ask", "the day after a step: how did it go?",
	    milestone_ask_vars },
	{ "closing", "the support closed: thanks, testimonial request",
	    closing_vars },
	{ "testimony_request", "the holder of a closed case asked to share "
	    "their experience", testimony_request_vars },
	{ "testimony_thanks", "the holder thanked for their OUI or NON",
	    testimony_thanks_vars },
	{ "charter_signed", "J'ACCEPTE LA CHARTE: the signature welcomed",
	    charter_signed_vars },
	{ "invitation_thanks", "a volunteer thanked for answering an "
	    "invitation in a sentence", invitation_thanks_vars },
	{ "withdrawn", "a case withdrawn", withdrawn_vars },
	{ "status", "reply to STATUT: the case summary", status_vars },
	{ "volunteer_accepted", "an applicant accepted: the charter to sign",
	    volunteer_accepted_vars },
	{ "pool_joined", "a newcomer's OUI to an invitation: welcome to "
	    "the pool", pool_joined_vars },
	{ "volunteer_refused", "an applicant not retained",
	    volunteer_refused_vars },
	{ "pool_welcome_volunteer", "a volunteer added by BENEVOLE: the "
	    "network and the charter to accept", template_pool_welcome_vars },
	{ "pool_welcome", "a referent or coordinator added by REFERENT or "
	    "COORDINATION", template_pool_welcome_vars },
	{ "pool_list", "reply to ANNUAIRE: the network's people",
	    template_pool_list_vars },
	{ "untrusted_notice", "the referent told commands were not run for "
	    "lack of proof of the sender", untrusted_notice_vars },
	{ "auth_failed", "the sender told their commands were not run: our "
	    "server saw their From fail its authentication",
	    command_transcript_vars },
	{ "digest", "the digest to the coordinators (and referents)",
	    template_digest_vars },
	{ "_theme", "partial: a theme's French label", template_theme_vars },
	{ "_case_state", "partial: a case's step in French",
	    template_case_state_vars },
	{ "_digest_case", "partial: a case in a line of the digest",
	    template_digest_case_vars },
};

#define NKNOWN	(sizeof(known) / sizeof(known[0]))

const char *const *
template_known_names(void)
{
	static const char *names[NKNOWN + 1];

	for (size_t i = 0; i < NKNOWN; i++)
		names[i] = known[i].name;
	names[NKNOWN] = NULL;
	return names;
}

static const struct known_template *
known_find(const char *name)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].name, name) == 0)
			return &known[i];
	return NULL;
}

int
template_known_vars(const char *name, const char **out, size_t max)
{
	const struct known_template *k = known_find(name);
	size_t n = 0;

	if (k == NULL || max == 0)
		return -1;
	for (size_t i = 0; k->vars[i] && n + 1 < max; i++)
		out[n++] = k->vars[i];
	for (size_t i = 0; common_vars[i] && n + 1 < max; i++)
		out[n++] = common_vars[i];
	out[n] = NULL;
	return (int)n;
}

static int
known_has_var(const struct known_template *k, const char *var)
{
	for (size_t i = 0; k->vars[i]; i++)
		if (strcmp(k->vars[i], var) == 0)
			return 1;
	for (size_t i = 0; common_vars[i]; i++)
		if (strcmp(common_vars[i], var) == 0)
			return 1;
	return 0;
}

/* ---- Checking names ----------------------------------------------------- */

struct checker {
	const struct template_set	*set;
	const struct known_template	*k;
	const struct template		*top;	/* the template checked */
	struct buf			*errs;
};

/* The known list of k, for messages: "a, b, c". */
static void
known_list(const struct known_template *k, struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; k->vars[i]; i++)
		buf_printf(b, "%s%s", n++ ? ", " : "", k->vars[i]);
	for (size_t i = 0; common_vars[i]; i++)
		buf_printf(b, "%s%s", n++ ? ", " : "", common_vars[i]);
}

/*
 * Walks ns with the qualified names of the enclosing sections in
 * scope[0..depth) and reports every name the table does not allow.
 */
static void
check_nodes(struct checker *c, const struct template *t,
    const struct nodes *ns, char **scope, int depth, int partials)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];
		char *qual = NULL;

		if (n->kind == NODE_TEXT)
			continue;
		if (n->kind == NODE_PARTIAL) {
			const struct template *pt = template_find_partial(
			    c->set, n->text, t->html);
			struct buf m;

			if (pt == NULL)
				continue;	/* reported by the loader */
			if (partials >= TEMPLATE_MAX_PARTIALS) {
				buf_init(&m, 0);
				buf_printf(&m, "%s:%d: partials nested more "
				    "than %d deep (does {{> %s}} include "
				    "itself?)", t->path, n->line,
				    TEMPLATE_MAX_PARTIALS, n->text);
				template_error_add(c->errs, buf_str(&m));
				buf_free(&m);
				continue;
			}
			check_nodes(c, pt, &pt->body, scope, depth,
			    partials + 1);
			continue;
		}
		for (int d = depth; d >= 0 && qual == NULL; d--) {
			char *cand = d ? xasprintf("%s.%s", scope[d - 1],
			    n->text) : xstrdup(n->text);

			if (known_has_var(c->k, cand))
				qual = cand;
			else
				free(cand);
		}
		if (qual == NULL) {
			struct buf m;

			buf_init(&m, 0);
			buf_printf(&m, "%s:%d: unknown placeholder {{%s}}",
			    t->path, n->line, n->text);
			if (t != c->top)
				buf_printf(&m, " in %s", c->top->name);
			buf_adds(&m, " (known: ");
			known_list(c->k, &m);
			buf_adds(&m, ")");
			template_error_add(c->errs, buf_str(&m));
			buf_free(&m);
			qual = xstrdup(n->text);
		}
		if (n->kind == NODE_SECTION || n->kind == NODE_INVERTED) {
			scope[depth] = qual;
			check_nodes(c, t, &n->kids, scope, depth + 1, partials);
		}
		free(qual);
	}
}

int
template_check_names(const struct template_set *set, char *err,
    size_t errlen)
{
	/* Section depth per file x files in a partial chain, plus one. */
	char *scope[TEMPLATE_MAX_DEPTH * (TEMPLATE_MAX_PARTIALS + 1) + 1];
	struct buf errs, m;
	int rc;

	buf_init(&errs, 0);
	for (size_t i = 0; i < NKNOWN; i++)
		if (template_find(set, known[i].name, 0) == NULL) {
			buf_init(&m, 0);
			buf_printf(&m, "%s/%s.txt: missing template (%s)",
			    set->dir, known[i].name, known[i].purpose);
			template_error_add(&errs, buf_str(&m));
			buf_free(&m);
		}
	for (size_t i = 0; i < set->n; i++) {
		const struct template *t = &set->t[i];
		struct checker c = { set, known_find(t->name), t, &errs };

		if (c.k == NULL) {
			buf_init(&m, 0);
			buf_printf(&m, "%s: not a template the daemon sends "
			    "(known: ", t->path);
			for (size_t j = 0; j < NKNOWN; j++)
				buf_printf(&m, "%s%s", j ? ", " : "",
				    known[j].name);
			buf_adds(&m, ")");
			template_error_add(&errs, buf_str(&m));
			buf_free(&m);
			continue;
		}
		check_nodes(&c, t, &t->subject, scope, 0, 0);
		check_nodes(&c, t, &t->body, scope, 0, 0);
	}
	rc = errs.len ? -1 : 0;
	if (rc != 0)
		snprintf(err, errlen, "%s", buf_str(&errs));
	buf_free(&errs);
	return rc;
}
