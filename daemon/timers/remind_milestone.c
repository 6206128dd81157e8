/*
 * remind_milestone.c — a roadmap step or a check-in (DESIGN.md §3):
 * [timers] milestone_reminder days before, a reminder to the privileged
 * contact and the holder (the referent stands in for a missing contact);
 * the day after, a question to the privileged contact (or the referent):
 * how did it go?  FAIT marks the step done, REPORTER moves it.
 *
 * Both jobs are planned by casework/milestone.c and belong to one family,
 * so a catch-up after days without a pass asks without reminding first.
 * Each mail is noted on the timeline with its outbox row
 * (milestone_record_mail()): a FAIT in a reply to it means this step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/milestone.h"
#include "out/template.h"
#include "store/case_db.h"
#include "store/store.h"
#include "timers/timers_private.h"

/* The step a job is about, as it is now. */
struct step {
	int64_t		 id;
	long long	 due;
	long long	 planned_due;	/* the job's "due"; -1: not given */
	int		 has_time;
	int		 checkin;
	int		 planned;	/* state 'planned' */
	char		*label;		/* owned */
};

/* 1 and *m, 0 when the step is gone, -1. */
static int
step_load(struct casework *cw, const struct timer_job *j, struct step *m,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	s = store_query(cw->st, "SELECT id, due_at, coalesce(json_extract(?2, "
	    "'$.due'), -1), has_time, kind = 'checkin', state = 'planned', "
	    "label FROM milestones WHERE case_id = ?1 AND id = "
	    "json_extract(?2, '$.milestone')", STORE_ARGS(STORE_INT(j->case_id),
	    STORE_TEXT(j->payload ? j->payload : "{}")), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		m->id = store_col_int64(s, 0);
		m->due = store_col_int64(s, 1);
		m->planned_due = store_col_int64(s, 2);
		m->has_time = (int)store_col_int64(s, 3);
		m->checkin = (int)store_col_int64(s, 4);
		m->planned = (int)store_col_int64(s, 5);
		m->label = xstrdup(store_col_text(s, 6));
	} else if (rc < 0) {
		snprintf(err, errlen, "job %lld: %s", (long long)j->id,
		    store_errmsg(cw->st));
	}
	store_finalize(s);
	return rc;
}

/* Whether the reason for the job still holds: the case goes on, the step
 * is still planned for the date the job was planned for, and a reminder
 * is still ahead of it. */
static int
step_waits(const struct casework *cw, const struct timer_job *j,
    const struct case_row *c, const struct step *m)
{
	if (!case_state_open(c->state) || !m->planned)
		return 0;
	if (m->planned_due != -1 && m->planned_due != m->due)
		return 0;		/* moved: its own jobs will come */
	if (strcmp(j->kind, MILESTONE_JOB_REMINDER) == 0 && cw->now >= m->due)
		return 0;
	return 1;
}

/* A person who may get mail: 1 and *p; 0 when forgotten (RGPD) or
 * unknown; -1. */
static int
step_person(struct casework *cw, int64_t id, struct cw_person *p,
    char *err, size_t errlen)
{
	int64_t one;
	int rc;

	if (id == 0)
		return 0;
	rc = store_get_int64(cw->st, &one, "recipient", "SELECT 1 FROM persons "
	    "WHERE id = ?1 AND forgotten_at IS NULL", STORE_ARGS(STORE_INT(id)),
	    err, errlen);
	if (rc <= 0)
		return rc;
	return casemail_person(cw, id, p, err, errlen) == 0 ? 1 : -1;
}

/* Who answers for the step: the privileged contact, else the referent,
 * else the coordinators.  *to owned by the caller (free()). */
static int
step_actors(struct casework *cw, const struct case_row *c,
    struct cw_person **to, size_t *n, char *err, size_t errlen)
{
	struct cw_person p;
	int rc;

	rc = step_person(cw, c->contact_id, &p, err, errlen);
	if (rc == 0)
		return casemail_followers(cw, c->referent_id, to, n, err,
		    errlen);
	*to = NULL;
	*n = 0;
	if (rc < 0)
		return -1;
	*to = xcalloc(1, sizeof(**to));
	(*to)[0] = p;
	*n = 1;
	return 0;
}

/* Queues tpl to p and notes which step it was about. */
static int
step_send(struct casework *cw, const struct case_row *c,
    const struct step *m, const char *tpl, struct tpl_data *d,
    const struct cw_person *p, char *err, size_t errlen)
{
	int asked = strcmp(tpl, "milestone_ask") == 0;
	int64_t oid;
	int rc;

	rc = casemail_send_one(cw, tpl, d, "recipient_name", c->ref, c->id, p,
	    &oid, err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return milestone_record_mail(cw, c->id, m->id, m->label, asked, oid,
	    p->email, err, errlen);
}

static int
step_remind(struct casework *cw, const struct case_row *c,
    const struct step *m, struct tpl_data *d, char *err, size_t errlen)
{
	struct cw_person *to = NULL, holder;
	size_t n = 0;
	long long days;
	int rc = -1, has_holder;

	days = (clock_day_start(m->due) - clock_day_start(cw->now) + 43200) /
	    86400;
	tpl_set_int(d, "days", days);
	tpl_set_bool(d, "tomorrow", days == 1);
	if (step_actors(cw, c, &to, &n, err, errlen) != 0 ||
	    (has_holder = step_person(cw, c->holder_id, &holder, err,
	    errlen)) < 0)
		goto out;
	tpl_set_bool(d, "no_contact", c->contact_id == 0);
	tpl_set(d, "contact_name", n == 1 ? (to[0].name[0] ? to[0].name :
	    to[0].email) : "");
	tpl_set_bool(d, "is_holder", 0);
	for (size_t i = 0; i < n; i++)
		if (to[i].id != c->holder_id && step_send(cw, c, m,
		    "milestone_reminder", d, &to[i], err, errlen) != 0)
			goto out;
	tpl_set_bool(d, "is_holder", 1);
	if (has_holder && step_send(cw, c, m, "milestone_reminder", d,
	    &holder, err, errlen) != 0)
		goto out;
	rc = store_run(cw->st, "step reminded", "UPDATE milestones SET "
	    "reminded_at = ?2 WHERE id = ?1", STORE_ARGS(STORE_INT(m->id),
	    STORE_INT(cw->now)), err, errlen);
	log_info("%s: reminder of step %lld sent", c->ref, (long long)m->id);
out:
	free(to);
	return rc;
}

static int
step_ask(struct casework *cw, const struct case_row *c,
    const struct step *m, struct tpl_data *d, char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	size_t n = 0;
	int rc = -1;

	if (step_actors(cw, c, &to, &n, err, errlen) != 0)
		goto out;
	tpl_set_bool(d, "no_contact", c->contact_id == 0);
	for (size_t i = 0; i < n; i++)
		if (step_send(cw, c, m, "milestone_ask", d, &to[i], err,
		    errlen) != 0)
			goto out;
	rc = store_run(cw->st, "step asked", "UPDATE milestones SET asked_at "
	    "= ?2 WHERE id = ?1", STORE_ARGS(STORE_INT(m->id),
	    STORE_INT(cw->now)), err, errlen);
	log_info("%s: step %lld: asked how it went", c->ref,
	    (long long)m->id);
out:
	free(to);
	return rc;
}

int
timer_milestone(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct step m;
	struct case_row c;
	struct tpl_data *d = NULL;
	char date[16], hm[16];
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	memset(&m, 0, sizeof(m));
	rc = step_load(cw, j, &m, err, errlen);
	if (rc <= 0 || !step_waits(cw, j, &c, &m)) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	cmdctx_format_when(m.due, m.has_time, date, sizeof(date), hm,
	    sizeof(hm));
	d = tpl_data_new();
	tpl_set(d, "ref", c.ref);
	tpl_set(d, "subject", c.subject);
	tpl_set(d, "label", m.label);
	tpl_set_bool(d, "is_checkin", m.checkin);
	tpl_set(d, "date", date);
	tpl_set(d, "time", hm);
	rc = strcmp(j->kind, MILESTONE_JOB_ASK) == 0 ?
	    step_ask(cw, &c, &m, d, err, errlen) :
	    step_remind(cw, &c, &m, d, err, errlen);
out:
	tpl_data_free(d);
	free(m.label);
	case_row_free(&c);
	return rc;
}
