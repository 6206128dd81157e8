/*
 * milestone.c — a roadmap's steps once planned: their jobs, and the
 * commands FAIT and REPORTER; see milestone.h.
 *
 * Each job carries the step's date as it was when the job was planned
 * (payload "due").  REPORTER closes a step's jobs and plans new ones in
 * the same transaction, and the handlers (timers/remind_milestone.c)
 * compare that date with the step's own before they write: a reminder
 * never announces a date that is no longer the step's.
 *
 * Which step a command means is milestone_pick.c's business; this file
 * changes the step once it is known.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "casework/cmd_context.h"
#include "casework/milestone.h"
#include "casework/milestone_pick.h"
#include "config/config.h"
#include "parse/mailcmd.h"
#include "store/job_db.h"
#include "store/store.h"

/* " : " in French text: a non-breaking space before the colon. */
#define MILESTONE_COLON	"\xc2\xa0: "

long long
milestone_ask_time(long long due)
{
	return clock_days_before(clock_day_start(due), -1);
}

int
milestone_overdue(long long due, long long now)
{
	return now >= milestone_ask_time(due);
}

int
milestone_plan(struct casework *cw, int64_t case_id, int64_t id,
    long long due, char *err, size_t errlen)
{
	long long remind = clock_days_before(due,
	    cw->cfg->timers.milestone_reminder);
	char payload[80];

	snprintf(payload, sizeof(payload), "{\"milestone\": %lld, \"due\": "
	    "%lld}", (long long)id, due);
	if (remind > cw->now && job_add(cw->st, MILESTONE_JOB_REMINDER,
	    case_id, 0, remind, payload, cw->now, err, errlen) != 0)
		return -1;
	/* A step of a past day written into a roadmap is history: nobody
	 * is asked about it. */
	if (due < clock_day_start(cw->now))
		return 0;
	return job_add(cw->st, MILESTONE_JOB_ASK, case_id, 0,
	    milestone_ask_time(due), payload, cw->now, err, errlen);
}

int
milestone_unplan(struct casework *cw, int64_t case_id, int64_t id,
    char *err, size_t errlen)
{
	return store_run(cw->st, "step jobs", "UPDATE jobs SET done_at = ?3 "
	    "WHERE done_at IS NULL AND case_id = ?1 AND kind IN (?4, ?5) AND "
	    "json_extract(payload, '$.milestone') = ?2",
	    STORE_ARGS(STORE_INT(case_id), STORE_INT(id), STORE_INT(cw->now),
	    STORE_TEXT(MILESTONE_JOB_REMINDER), STORE_TEXT(MILESTONE_JOB_ASK)),
	    err, errlen);
}

int
milestone_record_mail(struct casework *cw, int64_t case_id, int64_t id,
    const char *label, int asked, int64_t outbox, const char *to,
    char *err, size_t errlen)
{
	char idtext[24], oidtext[24];
	const char *kv[8];

	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	snprintf(oidtext, sizeof(oidtext), "%lld", (long long)outbox);
	kv[0] = "milestone";
	kv[1] = idtext;
	kv[2] = "label";
	kv[3] = label;
	kv[4] = "outbox";
	kv[5] = oidtext;
	kv[6] = "to";
	kv[7] = to;
	return case_event(cw->st, case_id, 0, asked ? MILESTONE_EVENT_ASKED :
	    MILESTONE_EVENT_REMINDED, 0, kv, 8, cw->now, err, errlen);
}

/* Steps are planned once the group met; an ended case has none to
 * change. */
static int
milestone_state_ok(const char *state)
{
	return strcmp(state, "meeting") == 0 || strcmp(state, "active") == 0;
}

/* An event about step m: {milestone, label} and the pairs kv[0..nkv). */
static int
milestone_event(struct cmd_ctx *x, const char *kind,
    const struct milestone_step *m, const char *const *more, size_t nmore,
    char *err, size_t errlen)
{
	const char *kv[8];
	char idtext[24];
	size_t n = 0;

	snprintf(idtext, sizeof(idtext), "%lld", (long long)m->id);
	kv[n++] = "milestone";
	kv[n++] = idtext;
	kv[n++] = "label";
	kv[n++] = m->label;
	for (size_t i = 0; i < nmore && n < sizeof(kv) / sizeof(*kv); i++)
		kv[n++] = more[i];
	return cmdctx_event(x, kind, kv, n, err, errlen);
}

int
milestone_done(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct milestone_steps s = { NULL, 0 };
	const struct milestone_step *m;
	size_t i;
	int rc, picked;

	snprintf(res->detail, sizeof(res->detail), "%s", cmd->text ?
	    cmd->text : "");
	if (!milestone_state_ok(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	if (milestone_steps_load(x, &s, err, errlen) != 0)
		return -1;
	rc = -1;
	picked = milestone_pick(x, &s, cmd->text, 0, "FAIT", "", &i, res,
	    err, errlen);
	if (picked <= 0) {
		rc = picked;
		goto out;
	}
	m = &s.v[i];
	snprintf(res->detail, sizeof(res->detail), "%s du %s%s", m->name,
	    m->date, m->done ? ", déjà marquée faite" : "");
	res->outcome = CMDOUT_OK;
	if (m->done) {		/* the same answer twice */
		rc = 0;
		goto out;
	}
	if (store_run(x->cw->st, "step done", "UPDATE milestones SET state = "
	    "'done' WHERE id = ?1", STORE_ARGS(STORE_INT(m->id)), err,
	    errlen) != 0 ||
	    milestone_unplan(x->cw, x->c.id, m->id, err, errlen) != 0 ||
	    milestone_event(x, "milestone_done", m, NULL, 0, err, errlen) != 0)
		goto out;
	log_info("%s: step %lld done", x->c.ref, (long long)m->id);
	rc = 0;
out:
	milestone_steps_free(&s);
	return rc;
}

/* "15/03/2027" or "15/03/2027 14h30". */
static void
milestone_when_text(long long t, int has_time, char *out, size_t outlen)
{
	char date[16], hm[16];

	cmdctx_format_when(t, has_time, date, sizeof(date), hm, sizeof(hm));
	snprintf(out, outlen, "%s%s%s", date, hm[0] ? " " : "", hm);
}

/* The step's new date, its jobs moved with it, and the event. */
static int
milestone_reschedule(struct cmd_ctx *x, const struct milestone_step *m,
    long long due, int has_time, char *err, size_t errlen)
{
	char from[40], to[40];
	const char *kv[4];

	clock_iso8601((time_t)m->due, from, sizeof(from));
	clock_iso8601((time_t)due, to, sizeof(to));
	kv[0] = "from";
	kv[1] = from;
	kv[2] = "to";
	kv[3] = to;
	if (store_run(x->cw->st, "step moved", "UPDATE milestones SET due_at "
	    "= ?2, has_time = ?3, reminded_at = NULL, asked_at = NULL WHERE "
	    "id = ?1", STORE_ARGS(STORE_INT(m->id), STORE_INT(due),
	    STORE_INT(has_time ? 1 : 0)), err, errlen) != 0 ||
	    milestone_unplan(x->cw, x->c.id, m->id, err, errlen) != 0 ||
	    milestone_plan(x->cw, x->c.id, m->id, due, err, errlen) != 0)
		return -1;
	return milestone_event(x, "milestone_moved", m, kv, 4, err, errlen);
}

int
milestone_move(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct milestone_steps s = { NULL, 0 };
	const struct milestone_step *m;
	int has_time = cmd->when.has_time;
	long long due = (long long)mailcmd_when_time(&cmd->when);
	char when[40] = "", tail[48], old[40];
	size_t i;
	int rc, picked;

	if (due != -1)
		milestone_when_text(due, has_time, when, sizeof(when));
	snprintf(res->detail, sizeof(res->detail), "%s%s%s", cmd->text ?
	    cmd->text : "", cmd->text ? MILESTONE_COLON : "", when);
	if (!milestone_state_ok(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	if (due == -1) {		/* 02:30 the night clocks go forward */
		res->outcome = CMDOUT_BAD_TIME;
		return 0;
	}
	/* Today without a time is still to come. */
	if (has_time ? due < x->cw->now : due < clock_day_start(x->cw->now)) {
		res->outcome = CMDOUT_PAST_DATE;
		return 0;
	}
	if (milestone_steps_load(x, &s, err, errlen) != 0)
		return -1;
	rc = -1;
	snprintf(tail, sizeof(tail), " %s", when);
	picked = milestone_pick(x, &s, cmd->text, 1, "REPORTER", tail, &i,
	    res, err, errlen);
	if (picked <= 0) {
		rc = picked;
		goto out;
	}
	m = &s.v[i];
	milestone_when_text(m->due, m->has_time, old, sizeof(old));
	snprintf(res->detail, sizeof(res->detail), "%s" MILESTONE_COLON
	    "du %s au %s", m->name, old, when);
	if (milestone_reschedule(x, m, due, has_time, err, errlen) != 0)
		goto out;
	log_info("%s: step %lld moved to %s", x->c.ref, (long long)m->id,
	    when);
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	milestone_steps_free(&s);
	return rc;
}
