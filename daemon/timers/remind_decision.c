/*
 * remind_decision.c — a referent who has not decided on a case
 * (DESIGN.md §3): after [timers] referent_reminder days under analysis the
 * referent is reminded of the request and of the commands that decide;
 * after referent_flag days the case is flagged late for the digest and
 * the coordinators are told, once.
 *
 * Both jobs are planned for the referent (person_id) when the case is
 * given to them (casework/assign.h) and closed when they decide or hand
 * the case over.  A job still runs only while the case is under analysis
 * with that same referent: anything else means the reason is gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "config/config.h"
#include "out/template.h"
#include "store/case_db.h"
#include "store/store.h"
#include "timers/timers_private.h"

/* About how much of the first mail the reminder quotes: enough to recall
 * the request, the assignment mail has it whole. */
#define DECISION_EXTRACT	800

/* When the referent got the case: the latest assignment on its
 * timeline (the creation when there is none), as "assigned_date". */
static int
decision_assigned_date(struct casework *cw, const struct case_row *c,
    struct tpl_data *d, char *err, size_t errlen)
{
	int64_t at = c->created_at;
	char date[16], hm[16];

	if (store_get_int64(cw->st, &at, "assignment date", "SELECT at FROM "
	    "events WHERE case_id = ?1 AND kind = 'assigned' ORDER BY at "
	    "DESC, id DESC LIMIT 1", STORE_ARGS(STORE_INT(c->id)), err,
	    errlen) < 0)
		return -1;
	cmdctx_format_when(at, 0, date, sizeof(date), hm, sizeof(hm));
	tpl_set(d, "assigned_date", date);
	return 0;
}

/* What both mails say about the case. */
static int
decision_case_data(struct casework *cw, const struct case_row *c,
    struct tpl_data *d, char *err, size_t errlen)
{
	struct cw_person *holder = NULL, ref;
	char *themes, *text, date[16], hm[16];
	size_t n = 0;

	memset(&ref, 0, sizeof(ref));
	if (casemail_person(cw, c->referent_id, &ref, err, errlen) != 0 ||
	    casemail_group(cw, c->id, GROUP_HOLDER, &holder, &n, err,
	    errlen) != 0)
		return -1;
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "subject", c->subject);
	tpl_set(d, "commune", c->commune);
	themes = casemail_themes_text(cw, c->themes);
	tpl_set(d, "themes", themes);
	free(themes);
	text = casemail_first_text(cw, c->id, DECISION_EXTRACT);
	tpl_set(d, "request_text", text);
	free(text);
	cmdctx_format_when(c->created_at, 0, date, sizeof(date), hm,
	    sizeof(hm));
	tpl_set(d, "received_date", date);
	tpl_set_bool(d, "is_report", strcmp(c->kind, "report") == 0);
	tpl_set(d, "holder_name", n ? holder[0].name : "");
	tpl_set(d, "holder_address", n ? holder[0].email : "");
	tpl_set(d, "referent_name", ref.name);
	tpl_set(d, "referent_address", ref.email);
	free(holder);
	return decision_assigned_date(cw, c, d, err, errlen);
}

static int
decision_remind(struct casework *cw, const struct case_row *c,
    struct tpl_data *d, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	struct cw_person ref;

	if (casemail_person(cw, c->referent_id, &ref, err, errlen) != 0)
		return -1;
	tpl_set_int(d, "days", cfg->timers.referent_reminder);
	/* Left unset (false) when the flag comes with the reminder or
	 * before it: the mail then announces no later step. */
	if (cfg->timers.referent_flag > cfg->timers.referent_reminder)
		tpl_set_int(d, "flag_days", cfg->timers.referent_flag -
		    cfg->timers.referent_reminder);
	log_info("%s: referent %s reminded of the decision", c->ref,
	    ref.email);
	return casemail_send(cw, "decision_reminder", d, "recipient_name",
	    c->ref, c->id, &ref, 1, err, errlen);
}

static int
decision_late(struct casework *cw, const struct case_row *c,
    struct tpl_data *d, char *err, size_t errlen)
{
	struct cw_person *co = NULL;
	char days[16];
	const char *kv[] = { "days", days };
	size_t n = 0;
	int rc = -1;

	/* Told once: a flag already up was already told. */
	if (c->flags & CASE_FLAG_DECISION_LATE)
		return 0;
	snprintf(days, sizeof(days), "%d", cw->cfg->timers.referent_flag);
	if (case_flag(cw->st, c->id, CASE_FLAG_DECISION_LATE, err,
	    errlen) != 0 ||
	    case_event(cw->st, c->id, 0, "decision_late", 0, kv, 2, cw->now,
	    err, errlen) != 0 ||
	    casemail_coordinators(cw, &co, &n, err, errlen) != 0)
		goto out;
	log_notice("%s: no decision after %s days, flagged", c->ref, days);
	tpl_set_int(d, "days", cw->cfg->timers.referent_flag);
	rc = casemail_send(cw, "decision_late", d, "recipient_name", c->ref,
	    c->id, co, n, err, errlen);
out:
	free(co);
	return rc;
}

int
timer_decision(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct tpl_data *d = NULL;
	struct case_row c;
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	rc = 0;
	if (strcmp(c.state, "analysis") != 0 || c.referent_id == 0 ||
	    c.referent_id != j->person_id)
		goto out;
	d = tpl_data_new();
	rc = decision_case_data(cw, &c, d, err, errlen);
	if (rc == 0)
		rc = strcmp(j->kind, "decision_flag") == 0 ?
		    decision_late(cw, &c, d, err, errlen) :
		    decision_remind(cw, &c, d, err, errlen);
out:
	tpl_data_free(d);
	case_row_free(&c);
	return rc;
}
