/*
 * remind_invitation.c — a volunteer invited to a group who has not
 * answered (DESIGN.md §3): one reminder after [timers] invitation_reminder
 * days, then after invitation_expiry days the invitation lapses and the
 * referent is told.  Both jobs are planned by INVITER (casework/group.c)
 * and closed by the volunteer's answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "config/config.h"
#include "out/template.h"
#include "store/case_db.h"
#include "store/store.h"
#include "timers/timers_private.h"

/* 1 if the volunteer's invitation on the case still waits, 0 if it was
 * answered (or withdrawn) meanwhile, -1 on error. */
static int
invitation_waits(struct casework *cw, const struct timer_job *j,
    const struct case_row *c, char *err, size_t errlen)
{
	int64_t one;

	if (!case_state_open(c->state))
		return 0;
	return store_get_int64(cw->st, &one, NULL, "SELECT 1 FROM case_members "
	    "WHERE case_id = ?1 AND person_id = ?2 AND role = 'volunteer' AND "
	    "status = 'invited'", STORE_ARGS(STORE_INT(j->case_id),
	    STORE_INT(j->person_id)), err, errlen);
}

static int
invitation_remind(struct casework *cw, const struct case_row *c,
    struct cw_person *v, struct tpl_data *d, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	struct cw_person ref;

	memset(&ref, 0, sizeof(ref));
	if (c->referent_id && casemail_person(cw, c->referent_id, &ref, err,
	    errlen) != 0)
		return -1;
	tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
	tpl_set(d, "subject", c->subject);
	tpl_set_int(d, "expiry_days", cfg->timers.invitation_expiry -
	    cfg->timers.invitation_reminder);
	return casemail_send(cw, "invitation_reminder", d, "volunteer_name",
	    c->ref, c->id, v, 1, err, errlen);
}

static int
invitation_expire(struct casework *cw, const struct case_row *c,
    struct cw_person *v, struct tpl_data *d, char *err, size_t errlen)
{
	const char *kv[] = { "address", v->email };
	struct cw_person *to = NULL;
	size_t n = 0;
	int rc = -1;

	if (store_run(cw->st, NULL, "UPDATE case_members SET status = "
	    "'expired', answered_at = ?3 WHERE case_id = ?1 AND "
	    "person_id = ?2 AND role = 'volunteer'",
	    STORE_ARGS(STORE_INT(c->id), STORE_INT(v->id),
	    STORE_INT(cw->now)), err, errlen) != 0 ||
	    case_event(cw->st, c->id, 0, "invitation_expired", 0, kv, 2,
	    cw->now, err, errlen) != 0 ||
	    casemail_followers(cw, c->referent_id, &to, &n, err, errlen) != 0)
		goto out;
	tpl_set(d, "volunteer_name", v->name);
	tpl_set(d, "volunteer_address", v->email);
	tpl_set_int(d, "days", cw->cfg->timers.invitation_expiry);
	rc = casemail_send(cw, "invitation_expired", d, "referent_name",
	    c->ref, c->id, to, n, err, errlen);
	log_info("%s: invitation of %s expired", c->ref, v->email);
out:
	free(to);
	return rc;
}

int
timer_invitation(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct cw_person v;
	struct case_row c;
	struct tpl_data *d = NULL;
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	rc = invitation_waits(cw, j, &c, err, errlen);
	if (rc <= 0)
		goto out;
	rc = -1;
	if (casemail_person(cw, j->person_id, &v, err, errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", c.ref);
	rc = strcmp(j->kind, "invitation_expiry") == 0 ?
	    invitation_expire(cw, &c, &v, d, err, errlen) :
	    invitation_remind(cw, &c, &v, d, err, errlen);
out:
	tpl_data_free(d);
	case_row_free(&c);
	return rc;
}
