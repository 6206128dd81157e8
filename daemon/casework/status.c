/*
 * status.c — STATUT: the case summary sent back to who asked.  Roadmap
 * steps show as done [x], planned [ ] or overdue (planned, their day
 * over: milestone.h), as the digest counts them.
 */
#include <stdio.h>
#include <string.h>

#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/milestone.h"
#include "casework/status.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/store.h"

static const char *const states[] = { "new", "analysis", "ineligible",
	"forming", "meeting", "active", "closed", "withdrawn" };

static void
status_name(struct casework *cw, struct tpl_data *d, const char *var,
    int64_t id)
{
	struct cw_person p;
	char err[256];

	if (id == 0 || casemail_person(cw, id, &p, err, sizeof(err)) != 0)
		return;
	tpl_set(d, var, p.name[0] ? p.name : p.email);
}

static int
status_meeting(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	char date[16], tm[16];
	int rc;

	s = store_query(x->cw->st, "SELECT starts_at, location FROM meetings "
	    "WHERE case_id = ?1 AND state = 'scheduled' ORDER BY starts_at "
	    "DESC LIMIT 1", STORE_ARGS(STORE_INT(x->c.id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		cmdctx_format_when(store_col_int64(s, 0), 1, date,
		    sizeof(date), tm, sizeof(tm));
		tpl_set_bool(d, "has_meeting", 1);
		tpl_set(d, "meeting_date", date);
		tpl_set(d, "meeting_time", tm);
		tpl_set(d, "meeting_place", store_col_is_null(s, 1) ? "" :
		    store_col_text(s, 1));
	} else if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(x->cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

static int
status_milestones(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	char date[16], tm[16];
	int rc, has_planned = 0;

	tpl_list_init(d, "milestones");
	s = store_query(x->cw->st, "SELECT due_at, has_time, label, kind, "
	    "state FROM milestones WHERE case_id = ?1 AND state <> "
	    "'cancelled' ORDER BY due_at, id", STORE_ARGS(STORE_INT(x->c.id)),
	    err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct tpl_data *it = tpl_list_add(d, "milestones");
		int planned = strcmp(store_col_text(s, 4), "planned") == 0;

		cmdctx_format_when(store_col_int64(s, 0),
		    (int)store_col_int64(s, 1), date, sizeof(date), tm,
		    sizeof(tm));
		tpl_set(it, "date", date);
		tpl_set(it, "label", store_col_text(s, 2));
		tpl_set_bool(it, "is_checkin", strcmp(store_col_text(s, 3),
		    "checkin") == 0);
		tpl_set_bool(it, "done", strcmp(store_col_text(s, 4), "done") ==
		    0);
		tpl_set_bool(it, "overdue", planned &&
		    milestone_overdue(store_col_int64(s, 0), x->cw->now));
		has_planned |= planned;
	}
	tpl_set_bool(d, "has_planned", has_planned);
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(x->cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

int
status_reply(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct tpl_data *d = tpl_data_new();
	char date[16], tm[16], var[32];
	int rc = -1;

	(void)cmd;
	res->outcome = CMDOUT_OK;
	tpl_set(d, "subject", x->c.subject);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		snprintf(var, sizeof(var), "state_%s", states[i]);
		tpl_set_bool(d, var, strcmp(x->c.state, states[i]) == 0);
	}
	cmdctx_format_when(x->c.created_at, 0, date, sizeof(date), tm,
	    sizeof(tm));
	tpl_set(d, "created_date", date);
	cmdctx_format_when(x->c.last_activity_at, 0, date, sizeof(date), tm,
	    sizeof(tm));
	tpl_set(d, "last_activity_date", date);
	status_name(x->cw, d, "holder_name", x->c.holder_id);
	status_name(x->cw, d, "referent_name", x->c.referent_id);
	status_name(x->cw, d, "contact_name", x->c.contact_id);
	/* Who may tick or move a step is told how (mailcmd_run.c's rules
	 * for FAIT and REPORTER). */
	tpl_set_bool(d, "can_mark", x->contact || x->coordinator ||
	    (x->sender.id != 0 && x->sender.id == x->c.referent_id));
	if (cmdctx_members(x, d, err, errlen) == 0 &&
	    status_meeting(x, d, err, errlen) == 0 &&
	    status_milestones(x, d, err, errlen) == 0)
		rc = cmdctx_answer(x, "status", d, err, errlen);
	tpl_data_free(d);
	return rc;
}
