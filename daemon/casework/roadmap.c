/*
 * roadmap.c — what the first meeting produces and what follows it
 * (DESIGN.md §1 steps 4-5, §3, §5): FEUILLE DE ROUTE records the roadmap
 * and its dated steps, POINT schedules a check-in.  See roadmap.h.
 *
 * The roadmap is kept as written (cases.roadmap): it is the group's text,
 * and the mail that confirms it quotes it whole.  Its dated lines become
 * rows of milestones (kind 'milestone'); a check-in is a row of the same
 * table (kind 'checkin'), so that reminders and "how did it go?" follow
 * both the same way.  A new roadmap replaces the previous one: the steps
 * still planned from it are cancelled, and only the new ones count.
 *
 * Each step's reminder before and question after are rows of jobs
 * planned by milestone_plan() (milestone.h), which also moves them when
 * REPORTER moves the step; the timers send them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/milestone.h"
#include "casework/roadmap.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "store/store.h"

/* FEUILLE DE ROUTE and POINT come out of the first meeting: before it
 * there is nothing to record. */
static int
roadmap_state_ok(const char *state)
{
	return strcmp(state, "meeting") == 0 || strcmp(state, "active") == 0;
}

/* A milestones row, and its jobs (milestone.h).  *id is the new row. */
static int
roadmap_add_milestone(struct cmd_ctx *x, const char *kind, long long due,
    int has_time, const char *label, int64_t *id, char *err, size_t errlen)
{
	struct casework *cw = x->cw;

	if (store_run(cw->st, "new milestone", "INSERT INTO milestones "
	    "(case_id, kind, due_at, has_time, label, state, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6)",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_TEXT(kind), STORE_INT(due),
	    STORE_INT(has_time ? 1 : 0), STORE_TEXT(label ? label : ""),
	    STORE_INT(cw->now)), err, errlen) != 0)
		return -1;
	*id = store_last_insert_id(cw->st);
	return milestone_plan(cw, x->c.id, *id, due, err, errlen);
}

/* The previous roadmap's steps still planned are cancelled, and their
 * reminders and questions closed, before the new ones are written. */
static int
roadmap_cancel_planned(struct cmd_ctx *x, char *err, size_t errlen)
{
	struct casework *cw = x->cw;

	if (store_run(cw->st, "old milestone jobs", "UPDATE jobs SET "
	    "done_at = ?1 WHERE kind IN (?3, ?4) AND done_at IS NULL AND "
	    "case_id = ?2 AND json_extract(payload, '$.milestone') IN (SELECT "
	    "id FROM milestones WHERE case_id = ?2 AND kind = 'milestone' AND "
	    "state = 'planned')", STORE_ARGS(STORE_INT(cw->now),
	    STORE_INT(x->c.id), STORE_TEXT(MILESTONE_JOB_REMINDER),
	    STORE_TEXT(MILESTONE_JOB_ASK)), err, errlen) != 0)
		return -1;
	return store_run(cw->st, "old milestones", "UPDATE milestones SET "
	    "state = 'cancelled' WHERE case_id = ?1 AND kind = 'milestone' AND "
	    "state = 'planned'", STORE_ARGS(STORE_INT(x->c.id)), err, errlen);
}

static int
roadmap_store_text(struct cmd_ctx *x, const char *text, char *err,
    size_t errlen)
{
	return store_run(x->cw->st, "roadmap", "UPDATE cases SET roadmap = "
	    "?2, updated_at = ?3 WHERE id = ?1", STORE_ARGS(STORE_INT(x->c.id),
	    STORE_TEXT(text), STORE_INT(x->cw->now)), err, errlen);
}

/*
 * The holder commits to share their experience with later holders
 * (DESIGN.md §1 step 4): they get the network role 'holder', which is how
 * the network finds them again, and the case records the commitment once,
 * at its first roadmap (a replaced roadmap does not renew it).
 */
static int
roadmap_commitment(struct cmd_ctx *x, char *err, size_t errlen)
{
	struct casework *cw = x->cw;
	char holder[24], what[64];
	const char *kv[2];
	int64_t one;
	int rc;

	if (x->c.holder_id == 0)
		return 0;
	if (person_add_role(cw->st, x->c.holder_id, "holder", PERSON_SRC_DB,
	    cw->now, err, errlen) != 0)
		return -1;
	snprintf(what, sizeof(what), "%s: commitment", x->c.ref);
	rc = store_get_int64(cw->st, &one, what, "SELECT 1 FROM events WHERE "
	    "case_id = ?1 AND kind = 'commitment' LIMIT 1",
	    STORE_ARGS(STORE_INT(x->c.id)), err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	snprintf(holder, sizeof(holder), "%lld", (long long)x->c.holder_id);
	kv[0] = "holder_id";
	kv[1] = holder;
	return cmdctx_event(x, "commitment", kv, 2, err, errlen);
}

/* Appends `s` to the detail, ", "-separated.  A detail that would not
 * fit ends with "..." instead, so the answer shows there was more. */
static void
roadmap_detail_add(char *detail, size_t size, int *full, const char *s)
{
	size_t used = strlen(detail);
	const char *sep = used ? ", " : "";

	if (*full)
		return;
	/* Keep room for a last ", ..." after this one. */
	if (used + strlen(sep) + strlen(s) + 5 >= size) {
		snprintf(detail + used, size - used, "%s...", sep);
		*full = 1;
		return;
	}
	snprintf(detail + used, size - used, "%s%s", sep, s);
}

/* The roadmap mail: the holder's copy (is_holder) and the group's. */
static int
roadmap_notify(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct casework *cw = x->cw;
	struct cw_person *to = NULL, contact;
	size_t nto = 0, nholder = 0;
	int rc = -1;

	memset(&contact, 0, sizeof(contact));
	if (x->c.contact_id != 0 && casemail_person(cw, x->c.contact_id,
	    &contact, err, errlen) != 0)
		goto out;
	tpl_set(d, "contact_name", contact.name);
	tpl_set(d, "contact_address", contact.email);
	if (cmdctx_group(x, GROUP_HOLDER | GROUP_REFERENT | GROUP_VOLUNTEERS,
	    &to, &nto, err, errlen) != 0)
		goto out;
	/* Holder first (cmdctx_group's order), but make sure: move them to
	 * the front so the two sends below split the list. */
	for (size_t i = 0; i < nto; i++)
		if (x->c.holder_id != 0 && to[i].id == x->c.holder_id) {
			struct cw_person tmp = to[0];

			to[0] = to[i];
			to[i] = tmp;
			nholder = 1;
			break;
		}
	tpl_set_bool(d, "is_holder", 1);
	if (nholder && casemail_send(cw, "roadmap", d, "recipient_name",
	    x->c.ref, x->c.id, to, nholder, err, errlen) != 0)
		goto out;
	tpl_set_bool(d, "is_holder", 0);
	if (nto > nholder && casemail_send(cw, "roadmap", d,
	    "recipient_name", x->c.ref, x->c.id, to + nholder, nto - nholder,
	    err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(to);
	return rc;
}

int
roadmap_record(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct tpl_data *d = NULL;
	const char *kv[2];
	char count[16];
	size_t n = 0;
	int rc = -1, full = 0;

	if (!roadmap_state_ok(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	if (cmd->args == NULL || cmd->args[0] == '\0') {
		res->outcome = CMDOUT_MISSING_ARGUMENT;
		return 0;
	}
	res->detail[0] = '\0';
	if (roadmap_store_text(x, cmd->args, err, errlen) != 0 ||
	    roadmap_cancel_planned(x, err, errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "roadmap", cmd->args);
	tpl_list_init(d, "milestones");
	for (size_t i = 0; i < cmd->nmilestones; i++) {
		const struct mailcmd_milestone *ms = &cmd->milestones[i];
		long long due = (long long)mailcmd_when_time(&ms->when);
		struct tpl_data *item;
		char date[16], hm[16];
		int64_t id;

		/* A date that does not exist was reported by the parser;
		 * the caller runs no command with an error, so this is
		 * only a guard. */
		if (due == -1)
			continue;
		if (roadmap_add_milestone(x, "milestone", due,
		    ms->when.has_time, ms->label, &id, err, errlen) != 0)
			goto out;
		cmdctx_format_when(due, ms->when.has_time, date,
		    sizeof(date), hm, sizeof(hm));
		item = tpl_list_add(d, "milestones");
		tpl_set(item, "date", date);
		tpl_set(item, "time", hm);
		tpl_set(item, "label", ms->label);
		roadmap_detail_add(res->detail, sizeof(res->detail), &full,
		    date);
		n++;
	}
	if (strcmp(x->c.state, "active") != 0 &&
	    cmdctx_set_state(x, "active", NULL, err, errlen) != 0)
		goto out;
	snprintf(count, sizeof(count), "%zu", n);
	kv[0] = "milestones";
	kv[1] = count;
	if (cmdctx_event(x, "roadmap", kv, 2, err, errlen) != 0 ||
	    roadmap_commitment(x, err, errlen) != 0 ||
	    roadmap_notify(x, d, err, errlen) != 0)
		goto out;
	log_info("%s: roadmap recorded, %zu dated step(s)", x->c.ref, n);
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	tpl_data_free(d);
	return rc;
}

int
roadmap_checkin(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct casework *cw = x->cw;
	struct cw_person *to = NULL;
	struct tpl_data *d = NULL;
	const char *topic = cmd->text ? cmd->text : "";
	int has_time = cmd->when.has_time;
	char date[16] = "", hm[16] = "", iso[40], idtext[24];
	const char *kv[6];
	long long due;
	size_t nto = 0;
	int64_t id;
	int rc = -1;

	due = (long long)mailcmd_when_time(&cmd->when);
	if (due != -1) {
		cmdctx_format_when(due, has_time, date, sizeof(date), hm,
		    sizeof(hm));
		snprintf(res->detail, sizeof(res->detail), "%s%s%s", date,
		    hm[0] ? " " : "", hm);
	}
	if (!roadmap_state_ok(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	if (due == -1) {		/* a time that does not exist */
		res->outcome = CMDOUT_BAD_DATE;
		return 0;
	}
	/* A date already past (today without a time is still to come): a
	 * typo, most likely, answered as past rather than not understood. */
	if (has_time ? due < cw->now : due < clock_day_start(cw->now)) {
		res->outcome = CMDOUT_PAST_DATE;
		return 0;
	}
	if (roadmap_add_milestone(x, "checkin", due, has_time, topic, &id,
	    err, errlen) != 0)
		goto out;
	clock_iso8601((time_t)due, iso, sizeof(iso));
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	kv[0] = "due";
	kv[1] = iso;
	kv[2] = "label";
	kv[3] = topic;
	kv[4] = "milestone";
	kv[5] = idtext;
	if (cmdctx_event(x, "checkin", kv, 6, err, errlen) != 0 ||
	    cmdctx_group(x, GROUP_HOLDER | GROUP_REFERENT | GROUP_CONTACT,
	    &to, &nto, err, errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "date", date);
	tpl_set(d, "time", hm);
	tpl_set(d, "topic", topic);
	tpl_set(d, "by_name", cmdctx_sender_name(x));
	if (casemail_send(cw, "checkin", d, "recipient_name", x->c.ref,
	    x->c.id, to, nto, err, errlen) != 0)
		goto out;
	log_info("%s: check-in planned %s", x->c.ref, res->detail);
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	tpl_data_free(d);
	free(to);
	return rc;
}
