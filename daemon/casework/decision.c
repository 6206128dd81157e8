/*
 * decision.c — the referent's decisions on a case: eligible or not,
 * handed over, closed, withdrawn (DESIGN.md §3, §5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "casework/assign.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/decision.h"
#include "casework/meeting.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/job_db.h"
#include "store/person_db.h"
#include "store/store.h"
#include "store/testimony_db.h"

static int
state_is(const struct cmd_ctx *x, const char *const *states)
{
	for (size_t i = 0; states[i]; i++)
		if (strcmp(x->c.state, states[i]) == 0)
			return 1;
	return 0;
}

static const char *const undecided[] = { "new", "analysis", NULL };

/* A coordinator who decides on a case nobody had becomes its referent:
 * someone must follow it. */
static int
decision_take(struct cmd_ctx *x, char *err, size_t errlen)
{
	if (x->c.referent_id != 0)
		return 0;
	if (assign_referent(x->cw, x->c.id, x->sender.id, x->sender.id,
	    x->mail->msg_id, err, errlen) != 0)
		return -1;
	x->c.referent_id = x->sender.id;
	return 0;
}

/* Sends tpl to the holder (or reporter), with the referent's name. */
static int
decision_to_holder(struct cmd_ctx *x, const char *tpl, const char *reason,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL, ref;
	struct tpl_data *d;
	size_t n = 0;
	int rc = -1;

	memset(&ref, 0, sizeof(ref));
	if (casemail_person(x->cw, x->c.referent_id, &ref, err, errlen) != 0 ||
	    cmdctx_group(x, GROUP_HOLDER, &to, &n, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "subject", x->c.subject);
	tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
	tpl_set(d, "referent_address", ref.email);
	tpl_set(d, "reason", reason);
	tpl_set(d, "ref", x->c.ref);
	rc = casemail_send(x->cw, tpl, d, "holder_name", x->c.ref, x->c.id,
	    to, n, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

int
decision_eligible(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	(void)cmd;
	if (!state_is(x, undecided)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	if (decision_take(x, err, errlen) != 0 ||
	    cmdctx_set_state(x, "forming", NULL, err, errlen) != 0 ||
	    assign_decided(x->cw, x->c.id, err, errlen) != 0)
		return -1;
	return decision_to_holder(x, "decision_eligible", NULL, err, errlen);
}

int
decision_ineligible(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	if (!state_is(x, undecided)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	snprintf(res->detail, sizeof(res->detail), "%s", cmd->text);
	if (decision_take(x, err, errlen) != 0 ||
	    cmdctx_set_state(x, "ineligible", cmd->text, err, errlen) != 0 ||
	    assign_decided(x->cw, x->c.id, err, errlen) != 0)
		return -1;
	return decision_to_holder(x, "decision_ineligible", cmd->text, err,
	    errlen);
}

static void
decision_set_states(struct tpl_data *d, const char *state)
{
	static const char *const names[] = { "new", "analysis", "forming",
	    "meeting", "active" };
	char var[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(var, sizeof(var), "state_%s", names[i]);
		tpl_set_bool(d, var, strcmp(state, names[i]) == 0);
	}
}

static int decision_tell_group(struct cmd_ctx *x, const char *tpl,
    struct tpl_data *d, int which, char *err, size_t errlen);

/* The holder and the group learn who follows the case now: their mails
 * would otherwise keep naming the previous referent. */
static int
decision_transfer_notice(struct cmd_ctx *x, const struct cw_person *to,
    char *err, size_t errlen)
{
	struct tpl_data *d = tpl_data_new();
	int rc;

	tpl_set(d, "referent_name", to->name[0] ? to->name : to->email);
	tpl_set(d, "referent_address", to->email);
	rc = decision_tell_group(x, "transfer_notice", d, GROUP_HOLDER |
	    GROUP_VOLUNTEERS, err, errlen);
	tpl_data_free(d);
	return rc;
}

/* The referent who had the case learns it went to someone else, when
 * the hand-over was not their own TRANSFERER (a coordinator's, or the
 * administrator's `case assign`): their reminders stop without a word
 * otherwise. */
static int
decision_tell_previous(struct cmd_ctx *x, int64_t previous_id,
    const struct cw_person *to, char *err, size_t errlen)
{
	struct cw_person prev;
	struct tpl_data *d;
	int rc;

	if (previous_id == 0 || previous_id == x->sender.id)
		return 0;
	if (casemail_person(x->cw, previous_id, &prev, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "subject", x->c.subject);
	tpl_set(d, "referent_name", to->name[0] ? to->name : to->email);
	tpl_set(d, "referent_address", to->email);
	tpl_set(d, "by_name", cmdctx_sender_name(x));
	rc = casemail_send(x->cw, "transfer_previous", d, "recipient_name",
	    x->c.ref, x->c.id, &prev, 1, err, errlen);
	tpl_data_free(d);
	return rc;
}

int
decision_transfer(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct cw_person to, holder;
	struct tpl_data *d;
	char *text;
	int64_t id = 0, previous_id = x->c.referent_id;
	int rc, ok_role;

	memset(&holder, 0, sizeof(holder));
	snprintf(res->detail, sizeof(res->detail), "%s", cmd->addresses[0]);
	if (!case_state_open(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	rc = person_find(x->cw->st, cmd->addresses[0], &id, err, errlen);
	if (rc < 0)
		return -1;
	ok_role = 0;
	if (rc == 1) {
		int r1 = person_has_role(x->cw->st, id, "referent", err, errlen);
		int r2 = person_has_role(x->cw->st, id, "coordinator", err,
		    errlen);

		if (r1 < 0 || r2 < 0)
			return -1;
		ok_role = r1 || r2;
	}
	/* Only to someone of the network who can follow cases. */
	if (!ok_role || id == x->c.referent_id) {
		res->outcome = id == x->c.referent_id && ok_role ?
		    CMDOUT_WRONG_STATE : CMDOUT_NOT_FOUND;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	if (assign_referent(x->cw, x->c.id, id, x->sender.id,
	    x->mail->msg_id, err, errlen) != 0 ||
	    casemail_person(x->cw, id, &to, err, errlen) != 0 ||
	    (x->c.holder_id != 0 && casemail_person(x->cw, x->c.holder_id,
	    &holder, err, errlen) != 0))
		return -1;
	/* A case handed over is under analysis again if nobody had it. */
	if (strcmp(x->c.state, "new") == 0)
		snprintf(x->c.state, sizeof(x->c.state), "analysis");
	text = casemail_first_text(x->cw, x->c.id, 0);
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "previous_name", cmdctx_sender_name(x));
	tpl_set(d, "previous_address", x->sender.email);
	tpl_set(d, "holder_name", holder.name);
	tpl_set(d, "holder_address", holder.email);
	tpl_set(d, "subject", x->c.subject);
	tpl_set(d, "request_text", text);
	tpl_set(d, "commune", x->c.commune);
	{
		char *themes = casemail_themes_text(x->cw, x->c.themes);

		tpl_set(d, "themes", themes);
		free(themes);
	}
	decision_set_states(d, x->c.state);
	rc = cmdctx_members(x, d, err, errlen);
	if (rc == 0)
		rc = casemail_send(x->cw, "transfer", d, "referent_name",
		    x->c.ref, x->c.id, &to, 1, err, errlen);
	tpl_data_free(d);
	free(text);
	if (rc == 0)
		rc = decision_transfer_notice(x, &to, err, errlen);
	if (rc == 0)
		rc = decision_tell_previous(x, previous_id, &to, err, errlen);
	return rc;
}

/* A case that ends takes its upcoming meeting with it: the calendars of
 * the group get the cancellation. */
static int
decision_cancel_meeting(struct cmd_ctx *x, char *err, size_t errlen)
{
	struct cmd_res scratch;

	memset(&scratch, 0, sizeof(scratch));
	return meeting_cancel(x, NULL, &scratch, err, errlen);
}

/* Tells everyone of the group but the sender, with template tpl. */
static int
decision_tell_group(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    int which, char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	size_t n = 0, k = 0;
	int rc;

	if (cmdctx_group(x, which, &to, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (to[i].id != x->sender.id)
			to[k++] = to[i];
	rc = 0;
	for (size_t i = 0; rc == 0 && i < k; i++) {
		tpl_set_bool(d, "is_holder", to[i].id == x->c.holder_id);
		rc = cmdctx_send(x, tpl, d, &to[i], 1, err, errlen);
	}
	free(to);
	return rc;
}

/*
 * Whether the holder would share their experience: asked in the closing
 * mail (*ask) and again some months later (timers/testimony.c), unless
 * they were asked or answered before — a NON is never asked again.  The
 * job is planned after the state change, which closes the case's pending
 * jobs.
 */
static int
decision_plan_testimony(struct cmd_ctx *x, int *ask, char *err,
    size_t errlen)
{
	int months = x->cw->cfg->timers.testimony_delay, rc;

	*ask = 0;
	if (x->c.holder_id == 0 || months == 0)
		return 0;
	rc = testimony_asked_before(x->cw->st, x->c.holder_id, err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	*ask = 1;
	return job_add(x->cw->st, "testimony", x->c.id, x->c.holder_id,
	    clock_months_after(x->cw->now, months), NULL, x->cw->now, err,
	    errlen);
}

int
decision_close(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	static const char *const closable[] = { "analysis", "forming",
	    "meeting", "active", NULL };
	struct cw_person ref;
	struct tpl_data *d;
	int rc, ask;

	if (!state_is(x, closable) || strcmp(x->c.kind, "volunteer") == 0) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	memset(&ref, 0, sizeof(ref));
	if (cmdctx_set_state(x, "closed", cmd->text, err, errlen) != 0 ||
	    decision_cancel_meeting(x, err, errlen) != 0 ||
	    decision_plan_testimony(x, &ask, err, errlen) != 0 ||
	    (x->c.referent_id && casemail_person(x->cw, x->c.referent_id,
	    &ref, err, errlen) != 0))
		return -1;
	d = tpl_data_new();
	tpl_set(d, "summary", cmd->text);
	tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
	tpl_set_bool(d, "ask_testimony", ask);
	tpl_set_int(d, "testimony_months", x->cw->cfg->timers.testimony_delay);
	rc = decision_tell_group(x, "closing", d, GROUP_HOLDER |
	    GROUP_VOLUNTEERS, err, errlen);
	tpl_data_free(d);
	return rc;
}

int
decision_withdraw(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct tpl_data *d;
	int rc;

	if (!case_state_open(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	if (cmdctx_set_state(x, "withdrawn", cmd->text, err, errlen) != 0 ||
	    decision_cancel_meeting(x, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "by_name", cmdctx_sender_name(x));
	tpl_set_bool(d, "by_holder", x->sender.id == x->c.holder_id);
	tpl_set(d, "reason", cmd->text);
	rc = decision_tell_group(x, "withdrawn", d, GROUP_HOLDER |
	    GROUP_REFERENT | GROUP_VOLUNTEERS, err, errlen);
	tpl_data_free(d);
	return rc;
}
