/*
 * mailcmd_run.c — trust, roles and the transcript of mail commands; see
 * mailcmd_run.h.
 *
 * The table below is the whole authorization policy of DESIGN.md §5:
 * which role may give which command, and on which kind of case.  The
 * state machine is in the effects: each one knows from which states its
 * transition is allowed and answers CMDOUT_WRONG_STATE otherwise.
 *
 * Only the runner is here: what the effects need from the case is in
 * cmd_context.c, so that this file depends on the effects and none of
 * them depends back on it.  NOTE and AIDE are too small for a file of
 * their own; AIDE also needs the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/decision.h"
#include "casework/group.h"
#include "casework/mailcmd_run.h"
#include "casework/meeting.h"
#include "casework/milestone.h"
#include "casework/roadmap.h"
#include "casework/status.h"
#include "casework/volunteer.h"
#include "casework/witness.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/store.h"
#include "thread/match.h"
#include "thread/trust.h"

/* What the sender is to the case (bits). */
enum {
	R_HOLDER	= 1 << 0,
	R_REPORTER	= 1 << 1,
	R_REFERENT	= 1 << 2,
	R_COORD		= 1 << 3,	/* network coordinator */
	R_CONTACT	= 1 << 4,	/* privileged contact */
	R_VOLUNTEER	= 1 << 5,	/* accepted volunteer of the group */
	R_INVITED	= 1 << 6,	/* volunteer invited, not answered */
	R_NETVOL	= 1 << 7,	/* volunteer of the network's pool */
	R_ANYONE	= 1 << 8,
	R_WITNESS	= 1 << 9	/* holder of a closed case, asked to
					 * share their experience */
};
#define R_MEMBER (R_HOLDER | R_REPORTER | R_REFERENT | R_COORD | R_CONTACT | \
	R_VOLUNTEER | R_INVITED)

/* On which kind of case a command makes sense. */
enum { K_ANY, K_SUPPORT, K_VOLUNTEER };

static int cmd_note(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);
static int cmd_help(struct cmd_ctx *, const struct mailcmd *,
    struct cmd_res *, char *, size_t);

/* A verb may have one rule per role that gives it a different meaning
 * (OUI from an invited volunteer, OUI from the holder of a closed case):
 * the sender's role picks the rule. */
struct verb_rule {
	enum mailcmd_verb verb;
	const char	*flag;		/* the help/transcript item flag */
	unsigned	 roles;
	int		 kinds;
	cmd_effect	 effect;
};

static const struct verb_rule rules[] = {
	{ CMD_ELIGIBLE, "eligible", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_eligible },
	{ CMD_NON_ELIGIBLE, "non_eligible", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_ineligible },
	{ CMD_TRANSFERER, "transferer", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_transfer },
	{ CMD_INVITER, "inviter", R_REFERENT | R_COORD, K_SUPPORT,
	    group_invite },
	{ CMD_OUI, "oui", R_INVITED, K_SUPPORT, group_answer },
	{ CMD_NON, "non", R_INVITED, K_SUPPORT, group_answer },
	{ CMD_OUI, "oui_temoignage", R_WITNESS, K_SUPPORT, witness_answer },
	{ CMD_NON, "non_temoignage", R_WITNESS, K_SUPPORT, witness_answer },
	{ CMD_INTERLOCUTEUR, "interlocuteur", R_REFERENT | R_COORD, K_SUPPORT,
	    group_contact },
	{ CMD_RENCONTRE, "rencontre", R_REFERENT | R_COORD | R_CONTACT,
	    K_SUPPORT, meeting_schedule },
	{ CMD_ANNULER_RENCONTRE, "annuler_rencontre", R_REFERENT | R_COORD |
	    R_CONTACT, K_SUPPORT, meeting_cancel },
	{ CMD_FEUILLE_DE_ROUTE, "feuille_de_route", R_REFERENT | R_COORD |
	    R_CONTACT, K_SUPPORT, roadmap_record },
	{ CMD_POINT, "point", R_REFERENT | R_COORD | R_CONTACT, K_SUPPORT,
	    roadmap_checkin },
	{ CMD_FAIT, "fait", R_REFERENT | R_COORD | R_CONTACT, K_SUPPORT,
	    milestone_done },
	{ CMD_REPORTER, "reporter", R_REFERENT | R_COORD | R_CONTACT,
	    K_SUPPORT, milestone_move },
	{ CMD_NOTE, "note", R_MEMBER & ~R_HOLDER, K_ANY, cmd_note },
	{ CMD_CLOTURER, "cloturer", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_close },
	{ CMD_ABANDON, "abandon", R_HOLDER | R_REFERENT | R_COORD, K_ANY,
	    decision_withdraw },
	{ CMD_STATUT, "statut", R_MEMBER, K_ANY, status_reply },
	{ CMD_AIDE, "aide", R_ANYONE, K_ANY, cmd_help },
	{ CMD_ACCEPTER, "accepter", R_COORD, K_VOLUNTEER, volunteer_accept },
	{ CMD_REFUSER, "refuser", R_COORD, K_VOLUNTEER, volunteer_refuse },
	{ CMD_CHARTE, "charte", R_NETVOL, K_ANY, volunteer_charter },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static int
kind_fits(const struct verb_rule *r, const struct case_row *c)
{
	int volunteer = strcmp(c->kind, "volunteer") == 0;

	return r->kinds == K_ANY || (r->kinds == K_VOLUNTEER) == volunteer;
}

/* 1 if the effect's own mail is the answer to the sender (STATUT, AIDE,
 * the holder's thanks): no transcript besides it when all went well. */
static int
effect_replies(cmd_effect e)
{
	return e == status_reply || e == cmd_help || e == witness_answer;
}

/* The rule of verb v this sender may use on case c; the verb's first
 * rule when none (the command is then not allowed), NULL for no rule. */
static const struct verb_rule *
rule_for(enum mailcmd_verb v, unsigned roles, const struct case_row *c)
{
	const struct verb_rule *first = NULL;

	for (size_t i = 0; i < NRULES; i++) {
		if (rules[i].verb != v)
			continue;
		if ((rules[i].roles & roles) && kind_fits(&rules[i], c))
			return &rules[i];
		if (first == NULL)
			first = &rules[i];
	}
	return first;
}

/* ---- Who the sender is to the case -------------------------------------- */

static int
sender_roles(struct cmd_ctx *x, unsigned *roles, char *err, size_t errlen)
{
	const struct config_strlist *cl = &x->cw->cfg->network.coordinators;
	struct store_stmt *s;
	int rc;

	*roles = R_ANYONE;
	if (x->sender.id == 0)
		return 0;
	if (x->c.referent_id == x->sender.id)
		*roles |= R_REFERENT;
	if (x->c.contact_id == x->sender.id)
		*roles |= R_CONTACT;
	for (size_t i = 0; i < cl->n; i++)
		if (strcasecmp(cl->items[i], x->sender.email) == 0)
			*roles |= R_COORD;
	s = store_query(x->cw->st, "SELECT role, status FROM case_members "
	    "WHERE case_id = ?1 AND person_id = ?2 UNION ALL SELECT "
	    "'net_' || role, '' FROM person_roles WHERE person_id = ?2",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_INT(x->sender.id)), err,
	    errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *role = store_col_text(s, 0);
		const char *status = store_col_text(s, 1);

		if (strcmp(role, "net_coordinator") == 0)
			*roles |= R_COORD;
		else if (strcmp(role, "net_volunteer") == 0)
			*roles |= R_NETVOL;
		else if (strcmp(status, "accepted") != 0 &&
		    strcmp(status, "invited") != 0)
			continue;
		else if (strcmp(role, "holder") == 0)
			*roles |= R_HOLDER;
		else if (strcmp(role, "reporter") == 0)
			*roles |= R_REPORTER;
		else if (strcmp(role, "volunteer") == 0)
			*roles |= strcmp(status, "invited") == 0 ? R_INVITED :
			    R_VOLUNTEER;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(x->cw->st));
	store_finalize(s);
	/* The holder of an initiative whose support is closed was asked,
	 * in the closing mail, whether they would share their experience
	 * — unless the network never asks ([timers] testimony_delay 0).
	 * An accepted volunteer's application is closed too, and asks
	 * nothing. */
	if ((*roles & R_HOLDER) && x->c.holder_id == x->sender.id &&
	    strcmp(x->c.state, "closed") == 0 &&
	    strcmp(x->c.kind, "volunteer") != 0 &&
	    x->cw->cfg->timers.testimony_delay > 0)
		*roles |= R_WITNESS;
	x->coordinator = (*roles & R_COORD) != 0;
	x->contact = (*roles & R_CONTACT) != 0;
	return rc < 0 ? -1 : 0;
}

/* ---- Help and transcript ------------------------------------------------- */

/* The "commands" list of help and transcript: what this sender may use
 * on this case. */
static void
help_list(const struct cmd_ctx *x, unsigned roles, struct tpl_data *d)
{
	tpl_list_init(d, "commands");
	for (size_t i = 0; i < NRULES; i++) {
		struct tpl_data *item;

		if (!(rules[i].roles & roles) || !kind_fits(&rules[i], &x->c))
			continue;
		item = tpl_list_add(d, "commands");
		tpl_set(item, "verb", mailcmd_verb_name(rules[i].verb));
		tpl_set_bool(item, rules[i].flag, 1);
	}
}

static const char *const outcome_flags[] = {
	[CMDOUT_OK] = NULL,
	[CMDOUT_UNKNOWN] = "unknown",
	[CMDOUT_NOT_ALLOWED] = "not_allowed",
	[CMDOUT_BAD_DATE] = "bad_date",
	[CMDOUT_BAD_TIME] = "bad_time",
	[CMDOUT_BAD_ADDRESS] = "bad_address",
	[CMDOUT_MISSING_ARGUMENT] = "missing_argument",
	[CMDOUT_WRONG_STATE] = "wrong_state",
	[CMDOUT_NOT_FOUND] = "not_found",
	[CMDOUT_NOT_RUN] = "not_run",
	[CMDOUT_INTERNAL] = "internal_error",
	[CMDOUT_AMBIGUOUS] = "ambiguous",
	[CMDOUT_NO_STEP] = "no_step",
	[CMDOUT_PAST_DATE] = "past_date",
};

static const char *
outcome_name(enum cmd_outcome o)
{
	return o == CMDOUT_OK ? "ok" : outcome_flags[o];
}

static int
cmd_help(struct cmd_ctx *x, const struct mailcmd *cmd, struct cmd_res *res,
    char *err, size_t errlen)
{
	struct tpl_data *d = tpl_data_new();
	unsigned roles;
	int rc;

	(void)cmd;
	rc = sender_roles(x, &roles, err, errlen);
	if (rc == 0) {
		help_list(x, roles, d);
		rc = cmdctx_answer(x, "help", d, err, errlen);
	}
	tpl_data_free(d);
	res->outcome = CMDOUT_OK;
	return rc;
}

static int
cmd_note(struct cmd_ctx *x, const struct mailcmd *cmd, struct cmd_res *res,
    char *err, size_t errlen)
{
	const char *kv[] = { "text", cmd->text ? cmd->text : cmd->args };

	res->outcome = CMDOUT_OK;
	return cmdctx_event(x, "note", kv, 2, err, errlen);
}

/* ---- Running a mail's commands ------------------------------------------ */

static enum cmd_outcome
parse_outcome(enum mailcmd_error e)
{
	switch (e) {
	case CMDERR_NONE:
		return CMDOUT_OK;
	case CMDERR_UNKNOWN:
		return CMDOUT_UNKNOWN;
	case CMDERR_BAD_DATE:
		return CMDOUT_BAD_DATE;
	case CMDERR_BAD_TIME:
		return CMDOUT_BAD_TIME;
	case CMDERR_BAD_ADDRESS:
		return CMDOUT_BAD_ADDRESS;
	case CMDERR_MISSING_ARGUMENT:
		break;
	}
	return CMDOUT_MISSING_ARGUMENT;
}

/* Runs one command; sets res, and *replied when its effect answered
 * the mail itself. */
static int
run_one(struct cmd_ctx *x, unsigned roles, const struct mailcmd *cmd,
    struct cmd_res *res, int *replied, char *err, size_t errlen)
{
	const struct verb_rule *r = rule_for(cmd->verb, roles, &x->c);
	const char *kv[6];

	memset(res, 0, sizeof(*res));
	*replied = r != NULL && effect_replies(r->effect);
	if (cmd->verb == CMD_UNKNOWN || r == NULL)
		res->outcome = CMDOUT_UNKNOWN;
	else if (cmd->error != CMDERR_NONE)
		res->outcome = parse_outcome(cmd->error);
	else if (!(r->roles & roles) || !kind_fits(r, &x->c))
		res->outcome = CMDOUT_NOT_ALLOWED;
	else if (r->effect(x, cmd, res, err, errlen) != 0) {
		res->outcome = CMDOUT_INTERNAL;
		return -1;
	}
	kv[0] = "verb";
	kv[1] = mailcmd_verb_name(cmd->verb);
	kv[2] = "line";
	kv[3] = cmd->line;
	kv[4] = "outcome";
	kv[5] = outcome_name(res->outcome);
	log_info("%s: %s from %s: %s", x->c.ref, cmd->verb == CMD_UNKNOWN ?
	    "unknown command" : mailcmd_verb_name(cmd->verb),
	    x->sender.email, outcome_name(res->outcome));
	return cmdctx_event(x, "command", kv, 6, err, errlen);
}

static void
add_result(struct tpl_data *d, const struct mailcmd *cmd,
    const struct cmd_res *res)
{
	struct tpl_data *item = tpl_list_add(d, "results");

	tpl_set(item, "line", cmd->line);
	tpl_set(item, "verb", mailcmd_verb_name(cmd->verb));
	tpl_set(item, "detail", res->detail);
	tpl_set_bool(item, "ok", res->outcome == CMDOUT_OK);
	if (res->outcome != CMDOUT_OK)
		tpl_set_bool(item, outcome_flags[res->outcome], 1);
	tpl_set_bool(item, "has_addresses", res->naddrs > 0);
	tpl_list_init(item, "addresses");
	for (size_t i = 0; i < res->naddrs; i++) {
		const struct cmd_addr *a = &res->addrs[i];
		struct tpl_data *it = tpl_list_add(item, "addresses");

		tpl_set(it, "address", a->address);
		tpl_set_bool(it, a->flag, 1);
		if (a->flag2 != NULL)
			tpl_set_bool(it, a->flag2, 1);
		tpl_set(it, "until", a->until);
	}
	tpl_set_bool(item, "has_choices", res->choices[0] != '\0');
	tpl_list_init(item, "choices");
	for (const char *p = res->choices; *p != '\0'; ) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);

		tpl_set(tpl_list_add(item, "choices"), "command", line);
		free(line);
		p += n + (p[n] == '\n');
	}
}

/* The referent (or the coordinators) told that commands came in a mail
 * we could not tie to its sender. */
static int
notify_untrusted(struct cmd_ctx *x, const struct mailcmd_list *cl,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0;
	int rc;

	/* The referent is told even when the mail claims to be theirs:
	 * then it is their address that someone is using. */
	if (casemail_followers(x->cw, x->c.referent_id, &to, &nto, err,
	    errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "sender_name", x->sender.name);
	tpl_set(d, "sender_address", x->sender.email[0] ? x->sender.email :
	    x->mail->m->from.address);
	tpl_set(d, "subject", x->mail->m->subject);
	tpl_list_init(d, "lines");
	for (size_t i = 0; i < cl->n; i++)
		tpl_set(tpl_list_add(d, "lines"), "line", cl->items[i].line);
	rc = casemail_send(x->cw, "untrusted_notice", d, "recipient_name",
	    x->c.ref, x->c.id, to, nto, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

static int
is_trusted(const struct cmd_ctx *x, const struct thread_match *tm)
{
	const struct message *m = x->mail->m;

	if (tm->how == THREAD_TOKEN && tm->from_bound)
		return 1;
	return x->sender.id != 0 && trust_auth_pass(m,
	    &x->cw->cfg->network.authserv_id, m->from.address);
}

static char *
join_lines(const struct mailcmd_list *cl)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < cl->n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", cl->items[i].line);
	return buf_steal(&b);
}

/* Only someone asked a question answers it in a sentence: a volunteer
 * invited on this case, the holder of a closed case. */
static int
applies(const struct mailcmd_list *cl, unsigned roles)
{
	for (size_t i = 0; i < cl->n; i++)
		if (!cl->items[i].natural || (roles & (R_INVITED | R_WITNESS)))
			return 1;
	return 0;
}

/* No transcript when the answer is the mail itself (STATUT, AIDE, the
 * holder's thanks) or a volunteer answered an invitation in a sentence,
 * and all went well. */
static int
wants_transcript(const struct mailcmd_list *cl, const struct cmd_res *res,
    const int *replied)
{
	for (size_t i = 0; i < cl->n; i++) {
		if (res[i].outcome != CMDOUT_OK)
			return 1;
		if (!replied[i] && !cl->items[i].natural)
			return 1;
	}
	return 0;
}

int
mailcmd_run(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, const struct mailcmd_list *cl, int *ran,
    char *err, size_t errlen)
{
	struct cmd_ctx x;
	struct cmd_res *res = NULL;
	int *replied = NULL;
	struct tpl_data *d = NULL;
	unsigned roles = 0;
	int rc = -1, failed = 0, trusted;

	*ran = 0;
	memset(&x, 0, sizeof(x));
	x.cw = cw;
	x.mail = mail;
	x.answered = tm->how == THREAD_TOKEN ? tm->outbox_id : 0;
	if (case_load(cw->st, tm->case_id, &x.c, err, errlen) != 1)
		return -1;
	x.sender.id = tm->sender_id;
	if (x.sender.id != 0 && casemail_person(cw, x.sender.id, &x.sender,
	    err, errlen) != 0)
		goto out;
	if (x.sender.id == 0)
		snprintf(x.sender.email, sizeof(x.sender.email), "%s",
		    mail->m->from.address);
	if (sender_roles(&x, &roles, err, errlen) != 0)
		goto out;
	if (cl->n == 0 || !applies(cl, roles)) {
		rc = 0;
		goto out;
	}
	*ran = 1;
	res = xcalloc(cl->n, sizeof(*res));
	replied = xcalloc(cl->n, sizeof(*replied));
	d = tpl_data_new();
	tpl_set(d, "subject", mail->m->subject);
	tpl_list_init(d, "results");
	trusted = is_trusted(&x, tm);
	for (size_t i = 0; i < cl->n; i++) {
		const struct mailcmd *cmd = &cl->items[i];

		if (!trusted)
			res[i].outcome = CMDOUT_NOT_ALLOWED;
		else if (failed)
			res[i].outcome = CMDOUT_NOT_RUN;
		else if (run_one(&x, roles, cmd, &res[i], &replied[i], err,
		    errlen) != 0)
			goto out;
		failed |= res[i].outcome != CMDOUT_OK;
		add_result(d, cmd, &res[i]);
		/* The effects change the case: the next command sees it. */
		case_row_free(&x.c);
		if (case_load(cw->st, tm->case_id, &x.c, err, errlen) != 1 ||
		    sender_roles(&x, &roles, err, errlen) != 0)
			goto out;
	}
	if (!trusted) {
		const char *kv[] = { "reason", "sender not verified",
		    "lines", NULL };
		char *lines = join_lines(cl);
		int bad;

		log_notice("%s: commands from %s not run: no verified token "
		    "and no trusted authentication result", x.c.ref,
		    x.sender.email);
		tpl_set_bool(d, "untrusted", 1);
		kv[3] = lines;
		bad = cmdctx_event(&x, "commands_refused", kv, 4, err,
		    errlen) != 0 || case_flag(cw->st, x.c.id,
		    CASE_FLAG_UNTRUSTED, err, errlen) != 0 ||
		    notify_untrusted(&x, cl, err, errlen) != 0;
		free(lines);
		if (bad)
			goto out;
	}
	tpl_set_bool(d, "has_errors", failed);
	if (failed)
		help_list(&x, roles, d);
	if (wants_transcript(cl, res, replied) && cmdctx_answer(&x,
	    "command_transcript", d, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	tpl_data_free(d);
	free(replied);
	free(res);
	case_row_free(&x.c);
	return rc;
}
