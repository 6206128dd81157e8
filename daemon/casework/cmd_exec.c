/*
 * cmd_exec.c — the table of the mail commands, the running of one mail's
 * commands and the transcript; see cmd_exec.h.
 *
 * It was the heart of mailcmd_run.c until commands could come without a
 * case (pool_run.c): both runners now differ only in how they find the
 * sender's roles and whether to trust the mail, and share the rest here,
 * so that a command has one rule and the transcript one shape.  NOTE and
 * AIDE are too small for a file of their own; AIDE also needs the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/cmd_exec.h"
#include "casework/decision.h"
#include "casework/group.h"
#include "casework/meeting.h"
#include "casework/merge.h"
#include "casework/milestone.h"
#include "casework/pool.h"
#include "casework/pool_list.h"
#include "casework/roadmap.h"
#include "casework/status.h"
#include "casework/volunteer.h"
#include "casework/witness.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/person_db.h"
#include "store/store.h"

/* Where a command makes sense (bits): on which kind of case, or in a
 * mail about no case. */
enum { K_SUPPORT = 1, K_VOLUNTEER = 2, K_NOCASE = 4 };
#define K_ANY	(K_SUPPORT | K_VOLUNTEER)
#define K_POOL	(K_ANY | K_NOCASE)

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

#define R_SELF	(R_COORD | R_NETVOL | R_NETREF)	/* about themself */

static const struct verb_rule rules[] = {
	{ CMD_ELIGIBLE, "eligible", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_eligible },
	{ CMD_NON_ELIGIBLE, "non_eligible", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_ineligible },
	{ CMD_TRANSFERER, "transferer", R_REFERENT | R_COORD, K_SUPPORT,
	    decision_transfer },
	{ CMD_FUSIONNER, "fusionner", R_REFERENT | R_COORD, K_SUPPORT,
	    merge_case },
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
	{ CMD_AIDE, "aide", R_ANYONE, K_POOL, cmd_help },
	{ CMD_ACCEPTER, "accepter", R_COORD, K_VOLUNTEER, volunteer_accept },
	{ CMD_REFUSER, "refuser", R_COORD, K_VOLUNTEER, volunteer_refuse },
	{ CMD_CHARTE, "charte", R_NETVOL, K_POOL, volunteer_charter },
	/* The pool: about people, never about the case the mail is on. */
	{ CMD_BENEVOLE, "benevole", R_COORD, K_POOL, pool_member },
	{ CMD_REFERENT, "referent", R_COORD, K_POOL, pool_member },
	{ CMD_COORDINATION, "coordination", R_COORD, K_POOL, pool_member },
	{ CMD_THEMES, "themes", R_COORD, K_POOL, pool_replace },
	{ CMD_COMMUNES, "communes", R_COORD, K_POOL, pool_replace },
	{ CMD_DISPONIBLE, "disponible", R_SELF, K_POOL, pool_availability },
	{ CMD_INDISPONIBLE, "indisponible", R_SELF, K_POOL,
	    pool_availability },
	{ CMD_RETIRER, "retirer", R_COORD, K_POOL, pool_retire },
	{ CMD_ANNUAIRE, "annuaire", R_COORD, K_POOL, pool_list },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static int
kind_fits(const struct verb_rule *r, const struct case_row *c)
{
	if (c->id == 0)
		return (r->kinds & K_NOCASE) != 0;
	return (r->kinds & (strcmp(c->kind, "volunteer") == 0 ? K_VOLUNTEER :
	    K_SUPPORT)) != 0;
}

/* 1 if the effect's own mail is the answer to the sender (STATUT, AIDE,
 * ANNUAIRE, the holder's thanks): no transcript besides it when all went
 * well. */
static int
effect_replies(cmd_effect e)
{
	return e == status_reply || e == cmd_help || e == witness_answer ||
	    e == pool_list;
}

/* The rule of verb v this sender may use here; the verb's first rule
 * when none (the command is then not allowed), NULL for no rule. */
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

/* ---- Who the sender is ------------------------------------------------- */

int
cmdexec_roles(struct cmd_ctx *x, char *err, size_t errlen)
{
	const struct config_strlist *cl = &x->cw->cfg->network.coordinators;
	unsigned roles = R_ANYONE;
	struct store_stmt *s;
	int rc;

	x->roles = roles;
	x->coordinator = x->contact = 0;
	if (x->sender.id == 0)
		return 0;
	if (x->c.id != 0 && x->c.referent_id == x->sender.id)
		roles |= R_REFERENT;
	if (x->c.id != 0 && x->c.contact_id == x->sender.id)
		roles |= R_CONTACT;
	for (size_t i = 0; i < cl->n; i++)
		if (strcasecmp(cl->items[i], x->sender.email) == 0)
			roles |= R_COORD;
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
			roles |= R_COORD;
		else if (strcmp(role, "net_volunteer") == 0)
			roles |= R_NETVOL;
		else if (strcmp(role, "net_referent") == 0)
			roles |= R_NETREF;
		else if (strcmp(status, "accepted") != 0 &&
		    strcmp(status, "invited") != 0)
			continue;
		else if (strcmp(role, "holder") == 0)
			roles |= R_HOLDER;
		else if (strcmp(role, "reporter") == 0)
			roles |= R_REPORTER;
		else if (strcmp(role, "volunteer") == 0)
			roles |= strcmp(status, "invited") == 0 ? R_INVITED :
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
	if ((roles & R_HOLDER) && x->c.holder_id == x->sender.id &&
	    strcmp(x->c.state, "closed") == 0 &&
	    strcmp(x->c.kind, "volunteer") != 0 &&
	    x->cw->cfg->timers.testimony_delay > 0)
		roles |= R_WITNESS;
	x->roles = roles;
	x->coordinator = (roles & R_COORD) != 0;
	x->contact = (roles & R_CONTACT) != 0;
	return rc < 0 ? -1 : 0;
}

/*
 * A person known only by address (invited, added by BENEVOLE) gets the
 * display name of their own mail's From:, so that the next mails greet
 * them by name instead of showing their address twice.  Only when From:
 * is the sender's own address: a token forwarded to someone else must not
 * rename its recipient.
 */
static int
cmdexec_learn_name(struct cmd_ctx *x, int64_t sender_id, char *err,
    size_t errlen)
{
	const struct msg_addr *from = &x->mail->m->from;
	int64_t id = 0;
	int found;

	if (from->name == NULL || from->name[0] == '\0')
		return 0;
	if ((found = person_find(x->cw->st, from->address, &id, err,
	    errlen)) <= 0 || id != sender_id)
		return found < 0 ? -1 : 0;
	return person_ensure(x->cw->st, from->address, from->name,
	    x->cw->now, &id, err, errlen);
}

int
cmdexec_sender(struct cmd_ctx *x, int64_t sender_id, char *err,
    size_t errlen)
{
	x->sender.id = sender_id;
	if (sender_id != 0 && cmdexec_learn_name(x, sender_id, err,
	    errlen) != 0)
		return -1;
	if (sender_id != 0 && casemail_person(x->cw, sender_id, &x->sender,
	    err, errlen) != 0)
		return -1;
	if (sender_id == 0)
		snprintf(x->sender.email, sizeof(x->sender.email), "%s",
		    x->mail->m->from.address);
	return cmdexec_roles(x, err, errlen);
}

int
cmdexec_applies(const struct mailcmd_list *cl, unsigned roles)
{
	for (size_t i = 0; i < cl->n; i++)
		if (!cl->items[i].natural || (roles & (R_INVITED | R_WITNESS)))
			return 1;
	return 0;
}

/* ---- Help and transcript ------------------------------------------------- */

/* The "commands" list of help and transcript: what this sender may use
 * here. */
static void
help_list(const struct cmd_ctx *x, struct tpl_data *d)
{
	tpl_list_init(d, "commands");
	for (size_t i = 0; i < NRULES; i++) {
		struct tpl_data *item;

		if (!(rules[i].roles & x->roles) || !kind_fits(&rules[i], &x->c))
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
	[CMDOUT_UNKNOWN_THEME] = "unknown_theme",
	[CMDOUT_UNKNOWN_COMMUNE] = "unknown_commune",
	[CMDOUT_OPEN_CASES] = "open_cases",
	[CMDOUT_SKIPPED_TIME] = "skipped_time",
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
	int rc;

	(void)cmd;
	help_list(x, d);
	rc = cmdctx_answer(x, "help", d, err, errlen);
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
	case CMDERR_BAD_REF:
		break;
	}
	return CMDOUT_MISSING_ARGUMENT;
}

/* Runs one command; sets res, and *replied when its effect answered
 * the mail itself. */
static int
run_one(struct cmd_ctx *x, const struct mailcmd *cmd, struct cmd_res *res,
    int *replied, char *err, size_t errlen)
{
	const struct verb_rule *r = rule_for(cmd->verb, x->roles, &x->c);
	const char *kv[6];

	memset(res, 0, sizeof(*res));
	*replied = r != NULL && effect_replies(r->effect);
	if (cmd->verb == CMD_UNKNOWN || r == NULL)
		res->outcome = CMDOUT_UNKNOWN;
	else if (cmd->error != CMDERR_NONE)
		res->outcome = parse_outcome(cmd->error);
	else if (!(r->roles & x->roles) || !kind_fits(r, &x->c))
		res->outcome = CMDOUT_NOT_ALLOWED;
	else if (r->effect(x, cmd, res, err, errlen) != 0) {
		res->outcome = CMDOUT_INTERNAL;
		return -1;
	} else if (res->replied) {
		*replied = 1;
	}
	/* Without a case the event is about the sender (person_event()),
	 * where personal data about others (a BENEVOLE line) has no place:
	 * no line then. */
	kv[0] = "verb";
	kv[1] = mailcmd_verb_name(cmd->verb);
	kv[2] = x->c.id ? "line" : "outcome";
	kv[3] = x->c.id ? cmd->line : outcome_name(res->outcome);
	kv[4] = "outcome";
	kv[5] = outcome_name(res->outcome);
	log_info("%s: %s from %s: %s", x->c.id ? x->c.ref : "no case",
	    cmd->verb == CMD_UNKNOWN ? "unknown command" :
	    mailcmd_verb_name(cmd->verb), x->sender.email,
	    outcome_name(res->outcome));
	return cmdctx_event(x, "command", kv, x->c.id ? 6 : 4, err, errlen);
}

static void
add_result(struct tpl_data *d, const struct mailcmd *cmd,
    const struct cmd_res *res)
{
	struct tpl_data *item = tpl_list_add(d, "results");
	char flags[sizeof(res->flags)], *f, *save = NULL;

	tpl_set(item, "line", cmd->line);
	tpl_set(item, "verb", mailcmd_verb_name(cmd->verb));
	tpl_set(item, "detail", res->detail);
	tpl_set_bool(item, "ok", res->outcome == CMDOUT_OK);
	if (res->outcome != CMDOUT_OK)
		tpl_set_bool(item, outcome_flags[res->outcome], 1);
	snprintf(flags, sizeof(flags), "%s", res->flags);
	for (f = strtok_r(flags, " ", &save); f; f = strtok_r(NULL, " ",
	    &save))
		tpl_set_bool(item, f, 1);
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

char *
cmdexec_join_lines(const struct mailcmd_list *cl)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < cl->n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", cl->items[i].line);
	return buf_steal(&b);
}

int
cmdexec_all(struct cmd_ctx *x, const struct mailcmd_list *cl, int trusted,
    int (*refresh)(struct cmd_ctx *, char *, size_t), struct tpl_data *d,
    int *failed, int *want, char *err, size_t errlen)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct mailcmd *cmd = &cl->items[i];
		struct cmd_res res;
		int replied = 0;

		memset(&res, 0, sizeof(res));
		if (!trusted)
			res.outcome = CMDOUT_NOT_ALLOWED;
		else if (*failed)
			res.outcome = CMDOUT_NOT_RUN;
		else if (run_one(x, cmd, &res, &replied, err, errlen) != 0)
			return -1;
		*failed |= res.outcome != CMDOUT_OK;
		/* No transcript when the answer is the mail itself (STATUT,
		 * AIDE, ANNUAIRE, the holder's thanks) or a volunteer
		 * answered an invitation in a sentence, and all went well. */
		if (res.outcome != CMDOUT_OK || (!replied && !cmd->natural))
			*want = 1;
		add_result(d, cmd, &res);
		/* The effects change the case: the next command sees it. */
		if (refresh != NULL && refresh(x, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
cmdexec_transcript(struct cmd_ctx *x, struct tpl_data *d, int failed,
    int want, char *err, size_t errlen)
{
	tpl_set_bool(d, "has_errors", failed);
	if (failed)
		help_list(x, d);
	if (!want)
		return 0;
	return cmdctx_answer(x, "command_transcript", d, err, errlen);
}
