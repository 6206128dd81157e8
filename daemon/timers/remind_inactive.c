/*
 * remind_inactive.c — an open case nobody has written about (DESIGN.md
 * §3): after [timers] inactivity_followup days without activity the
 * privileged contact (the referent when there is none) gets a friendly
 * follow-up; inactivity_flag days without activity flag the case for the
 * digest (CASE_FLAG_INACTIVE).
 *
 * Activity is cases.last_activity_at, which every mail on the case moves
 * (followup.c, through case_touch(), which also lowers the flag).  Rather
 * than move a job at each mail, a case has one inactivity job pending at
 * a time, and the job compares with last_activity_at when it comes due:
 *
 *   inactivity_followup  news since?  → due again inactivity_followup
 *                        days after the latest; otherwise the follow-up
 *                        goes, and inactivity_flag is planned with the
 *                        silence it followed up ({"since": time});
 *   inactivity_flag      news since the follow-up?  → the follow-up is
 *                        planned again from the latest; otherwise the
 *                        flag goes up and a follow-up job keeps watching.
 *
 * One job at a time also means the runner's catch-up rule (only the
 * latest step of a family runs) never drops a step of this chain.  A case
 * still waiting for its referent's decision (new, analysis) is the
 * decision reminders' business: its job only keeps watching.  A flagged
 * case gets no second follow-up until its silence is broken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "config/config.h"
#include "out/template.h"
#include "store/case_db.h"
#include "store/job_db.h"
#include "timers/timers_private.h"

/* The states whose silence is followed up: the support is under way. */
static int
inactive_watched(const char *state)
{
	return strcmp(state, "forming") == 0 ||
	    strcmp(state, "meeting") == 0 || strcmp(state, "active") == 0;
}

static int
inactive_plan(struct casework *cw, const struct case_row *c,
    const char *kind, long long due, long long since, char *err,
    size_t errlen)
{
	char payload[48];

	snprintf(payload, sizeof(payload), "{\"since\": %lld}", since);
	return job_add(cw->st, kind, c->id, 0, due, since ? payload : NULL,
	    cw->now, err, errlen);
}

/* The follow-up to the privileged contact, else the referent, else the
 * coordinators. */
static int
inactive_send(struct casework *cw, const struct case_row *c, char *err,
    size_t errlen)
{
	struct cw_person *to = NULL, ref, holder;
	struct tpl_data *d;
	char date[16], hm[16];
	size_t n = 0;
	int rc = -1;

	memset(&ref, 0, sizeof(ref));
	memset(&holder, 0, sizeof(holder));
	if (c->contact_id != 0) {
		to = xcalloc(1, sizeof(*to));
		n = 1;
		if (casemail_person(cw, c->contact_id, to, err, errlen) != 0)
			goto out;
	} else if (casemail_followers(cw, c->referent_id, &to, &n, err,
	    errlen) != 0)
		goto out;
	if ((c->referent_id && casemail_person(cw, c->referent_id, &ref, err,
	    errlen) != 0) || (c->holder_id && casemail_person(cw,
	    c->holder_id, &holder, err, errlen) != 0))
		goto out;
	cmdctx_format_when(c->last_activity_at, 0, date, sizeof(date), hm,
	    sizeof(hm));
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "subject", c->subject);
	tpl_set(d, "holder_name", holder.name[0] ? holder.name :
	    holder.email);
	tpl_set(d, "referent_name", ref.name);
	tpl_set(d, "referent_address", ref.email);
	tpl_set(d, "last_activity_date", date);
	tpl_set_int(d, "days", (cw->now - c->last_activity_at) / 86400);
	tpl_set_bool(d, "is_contact", c->contact_id != 0);
	if (cw->cfg->timers.inactivity_flag >
	    cw->cfg->timers.inactivity_followup)
		tpl_set_int(d, "flag_days", cw->cfg->timers.inactivity_flag -
		    cw->cfg->timers.inactivity_followup);
	tpl_set_bool(d, "state_forming", strcmp(c->state, "forming") == 0);
	tpl_set_bool(d, "state_meeting", strcmp(c->state, "meeting") == 0);
	tpl_set_bool(d, "state_active", strcmp(c->state, "active") == 0);
	rc = casemail_send(cw, "inactivity_followup", d, "recipient_name",
	    c->ref, c->id, to, n, err, errlen);
	tpl_data_free(d);
out:
	free(to);
	return rc;
}

static int
inactive_followup(struct casework *cw, const struct case_row *c,
    char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	long long last = c->last_activity_at;
	long long next = clock_days_after(last, cfg->timers.inactivity_followup);
	long long flag;
	char days[24];
	const char *kv[] = { "days", days };

	if (next > cw->now)
		return inactive_plan(cw, c, "inactivity_followup", next, 0,
		    err, errlen);
	if (!inactive_watched(c->state) || (c->flags & CASE_FLAG_INACTIVE))
		return inactive_plan(cw, c, "inactivity_followup",
		    clock_days_after(cw->now, cfg->timers.inactivity_followup),
		    0, err, errlen);
	/* The flag gives the follow-up the time the two delays leave
	 * between them, even when the follow-up went late (the daemon was
	 * stopped). */
	flag = clock_days_after(last, cfg->timers.inactivity_flag);
	if (flag < clock_days_after(cw->now, cfg->timers.inactivity_flag -
	    cfg->timers.inactivity_followup))
		flag = clock_days_after(cw->now, cfg->timers.inactivity_flag -
		    cfg->timers.inactivity_followup);
	snprintf(days, sizeof(days), "%lld", (cw->now - last) / 86400);
	if (inactive_send(cw, c, err, errlen) != 0 ||
	    case_event(cw->st, c->id, 0, "inactivity_followup", 0, kv, 2,
	    cw->now, err, errlen) != 0 ||
	    inactive_plan(cw, c, "inactivity_flag", flag, last, err,
	    errlen) != 0)
		return -1;
	log_info("%s: no activity for %s days, followed up", c->ref, days);
	return 0;
}

static int
inactive_flag(struct casework *cw, const struct timer_job *j,
    const struct case_row *c, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	long long watch = clock_days_after(cw->now,
	    cfg->timers.inactivity_followup);
	int64_t since = c->last_activity_at;
	char days[24];
	const char *kv[] = { "days", days };

	if (timer_payload_int(cw, j, "$.since", &since, err, errlen) < 0)
		return -1;
	/* News after the follow-up: the watch starts again from it. */
	if (c->last_activity_at != since)
		return inactive_plan(cw, c, "inactivity_followup",
		    clock_days_after(c->last_activity_at,
		    cfg->timers.inactivity_followup), 0, err, errlen);
	if (!inactive_watched(c->state))
		return inactive_plan(cw, c, "inactivity_followup", watch, 0,
		    err, errlen);
	snprintf(days, sizeof(days), "%lld",
	    (cw->now - c->last_activity_at) / 86400);
	if (case_flag(cw->st, c->id, CASE_FLAG_INACTIVE, err, errlen) != 0 ||
	    case_event(cw->st, c->id, 0, "inactive", 0, kv, 2, cw->now, err,
	    errlen) != 0 ||
	    inactive_plan(cw, c, "inactivity_followup", watch, 0, err,
	    errlen) != 0)
		return -1;
	log_notice("%s: no activity for %s days, flagged", c->ref, days);
	return 0;
}

int
timer_inactivity(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct case_row c;
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	rc = 0;
	/* An ended case is watched no more (its jobs were closed). */
	if (case_state_open(c.state))
		rc = strcmp(j->kind, "inactivity_flag") == 0 ?
		    inactive_flag(cw, j, &c, err, errlen) :
		    inactive_followup(cw, &c, err, errlen);
	case_row_free(&c);
	return rc;
}
