/*
 * assign.c — a case gets a referent; see assign.h.
 *
 * The decision jobs carry the referent as their person: a reminder that
 * comes due after a transfer is about someone who no longer has the case,
 * and remind_decision.c checks that too, but closing them here keeps the
 * jobs table telling the truth.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "casework/assign.h"
#include "casework/casework.h"
#include "config/config.h"
#include "store/case_db.h"
#include "store/job_db.h"
#include "store/store.h"

int
assign_decided(struct casework *cw, int64_t case_id, char *err,
    size_t errlen)
{
	if (job_close(cw->st, "decision_reminder", case_id, 0, cw->now, err,
	    errlen) != 0 ||
	    job_close(cw->st, "decision_flag", case_id, 0, cw->now, err,
	    errlen) != 0)
		return -1;
	return store_run(cw->st, "decision flag", "UPDATE cases SET flags = "
	    "flags & ~?2 WHERE id = ?1", STORE_ARGS(STORE_INT(case_id),
	    STORE_INT(CASE_FLAG_DECISION_LATE)), err, errlen);
}

int
assign_referent(struct casework *cw, int64_t case_id, int64_t referent_id,
    int64_t actor_id, int64_t msg_id, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	struct case_row c;
	int rc = -1;

	if (case_assign(cw->st, case_id, referent_id, actor_id, msg_id,
	    cw->now, err, errlen) != 0 ||
	    assign_decided(cw, case_id, err, errlen) != 0)
		return -1;
	if (case_load(cw->st, case_id, &c, err, errlen) != 1)
		return -1;
	/* A case handed over after the decision (forming and later) waits
	 * for no decision. */
	if (strcmp(c.state, "analysis") != 0) {
		rc = 0;
		goto out;
	}
	if (job_add(cw->st, "decision_reminder", case_id, referent_id,
	    clock_days_after(cw->now, cfg->timers.referent_reminder),
	    NULL, cw->now, err, errlen) != 0 ||
	    job_add(cw->st, "decision_flag", case_id, referent_id,
	    clock_days_after(cw->now, cfg->timers.referent_flag), NULL,
	    cw->now, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	case_row_free(&c);
	return rc;
}
