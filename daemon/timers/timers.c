/*
 * timers.c — the runner of due jobs; see timers.h.
 *
 * Every kind of job has a handler (timers_private.h) and a family: jobs of
 * one family about the same case, person and target (a meeting, a
 * milestone) are steps of one reminder chain, and when several of them
 * are due at once (the daemon was stopped for a week) only the latest
 * runs; the others are closed without a mail.  That is what keeps a
 * catch-up from sending "J-7" and "J-1" together, or a reminder and an
 * expiry in the same minute.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fault.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/workday.h"
#include "casework/casework.h"
#include "config/config.h"
#include "store/store.h"
#include "timers/digest.h"
#include "timers/retention.h"
#include "timers/timers.h"
#include "timers/timers_private.h"

#define TIMERS_BATCH	100

static const struct timer_kind {
	const char	*kind;
	const char	*family;
	timer_fn	 run;
} timer_kinds[] = {
	{ "invitation_reminder",	"invitation",	timer_invitation },
	{ "invitation_expiry",		"invitation",	timer_invitation },
	{ "meeting_reminder",		"meeting",	timer_meeting },
	{ "decision_reminder",		"decision",	timer_decision },
	{ "decision_flag",		"decision",	timer_decision },
	{ "inactivity_followup",	"inactivity",	timer_inactivity },
	{ "inactivity_flag",		"inactivity",	timer_inactivity },
	{ "milestone_reminder",		"milestone",	timer_milestone },
	{ "milestone_ask",		"milestone",	timer_milestone },
	{ "digest",			"digest",	timer_digest },
	{ "testimony",			"testimony",	timer_testimony },
	{ "retention",			"retention",	timer_retention },
};
#define NKINDS	(sizeof(timer_kinds) / sizeof(timer_kinds[0]))

static const struct timer_kind *
timers_kind(const char *kind)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(timer_kinds[i].kind, kind) == 0)
			return &timer_kinds[i];
	return NULL;
}

/* "'a', 'b'": the kinds this program runs, for an SQL IN list (the names
 * are the table's own constants, never input). */
static void
timers_kind_list(struct buf *b)
{
	for (size_t i = 0; i < NKINDS; i++)
		buf_printf(b, "%s'%s'", i ? ", " : "", timer_kinds[i].kind);
}

static int
timers_done(struct casework *cw, int64_t id, char *err, size_t errlen)
{
	return store_run(cw->st, NULL, "UPDATE jobs SET done_at = ?2 WHERE "
	    "id = ?1", STORE_ARGS(STORE_INT(id), STORE_INT(cw->now)), err,
	    errlen);
}

/* 1 if a later step of j's chain is due too (j is then skipped), 0 if
 * not, -1. */
static int
timers_superseded(struct casework *cw, const struct timer_job *j,
    const struct timer_kind *k, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc, found = 0;

	s = store_query(cw->st, "SELECT kind FROM jobs WHERE done_at IS NULL "
	    "AND due_at <= ?1 AND id <> ?2 AND case_id IS ?3 AND person_id IS "
	    "?4 AND json_extract(coalesce(payload, '{}'), '$.meeting') IS "
	    "json_extract(coalesce(?5, '{}'), '$.meeting') AND "
	    "json_extract(coalesce(payload, '{}'), '$.milestone') IS "
	    "json_extract(coalesce(?5, '{}'), '$.milestone') AND (due_at > ?6 "
	    "OR (due_at = ?6 AND id > ?2))", STORE_ARGS(STORE_INT(cw->now),
	    STORE_INT(j->id), STORE_ID(j->case_id), STORE_ID(j->person_id),
	    STORE_TEXT(j->payload), STORE_INT(j->due_at)), err, errlen);
	if (s == NULL)
		return -1;
	while (!found && (rc = store_step(s)) == STORE_ROW) {
		const struct timer_kind *other = timers_kind(
		    store_col_text(s, 0));

		found = other != NULL && strcmp(other->family, k->family) == 0;
	}
	if (!found && rc < 0)
		snprintf(err, errlen, "job %lld: %s", (long long)j->id,
		    store_errmsg(cw->st));
	store_finalize(s);
	return !found && rc < 0 ? -1 : found;
}

/* The due jobs, oldest first, at most TIMERS_BATCH; payloads owned by
 * the caller (timers_free). */
static int
timers_load(struct casework *cw, struct timer_job *v, size_t *n, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	struct buf sql;
	int rc;

	*n = 0;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT id, kind, coalesce(case_id, 0), "
	    "coalesce(person_id, 0), due_at, payload FROM jobs WHERE done_at "
	    "IS NULL AND due_at <= ?1 AND kind IN (");
	timers_kind_list(&sql);
	buf_printf(&sql, ") ORDER BY due_at, id LIMIT ?2");
	s = store_query(cw->st, buf_str(&sql), STORE_ARGS(STORE_INT(cw->now),
	    STORE_INT(TIMERS_BATCH)), err, errlen);
	buf_free(&sql);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct timer_job *j = &v[(*n)++];

		j->id = store_col_int64(s, 0);
		j->kind = timers_kind(store_col_text(s, 1))->kind;
		j->case_id = store_col_int64(s, 2);
		j->person_id = store_col_int64(s, 3);
		j->due_at = store_col_int64(s, 4);
		j->payload = store_col_is_null(s, 5) ? NULL :
		    xstrdup(store_col_text(s, 5));
	}
	if (rc < 0)
		snprintf(err, errlen, "due jobs: %s", store_errmsg(cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

static void
timers_free(struct timer_job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)v[i].payload);
}

/* One job in its own transaction, with its mails; done either way. */
static int
timers_one(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	const struct timer_kind *k = timers_kind(j->kind);
	char scratch[256];
	int skip;

	if (store_begin(cw->st, err, errlen) != 0)
		return -1;
	if ((skip = timers_superseded(cw, j, k, err, errlen)) < 0 ||
	    (!skip && k->run(cw, j, err, errlen) != 0) ||
	    timers_done(cw, j->id, err, errlen) != 0 ||
	    store_commit(cw->st, err, errlen) != 0) {
		store_rollback(cw->st, scratch, sizeof(scratch));
		return -1;
	}
	if (skip)
		log_debug(LOG_CAT_TIMER, "job %lld (%s) skipped: a later "
		    "step is due too", (long long)j->id, j->kind);
	return 0;
}

int
timers_run(struct casework *cw, size_t *ran, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;
	struct timer_job v[TIMERS_BATCH];
	size_t n;
	int rc = 0;

	*ran = 0;
	/* The digest and the retention are the jobs nothing else plans. */
	if (digest_plan_next(cw, err, errlen) != 0 ||
	    retention_plan_next(cw, err, errlen) != 0)
		return -1;
	/* Nothing that can wait is done outside working time: a job due on
	 * a Saturday runs on Monday morning, with Monday's view of the
	 * case. */
	if (workday_next_open(cw->now, cfg->network.work_start,
	    cfg->network.work_end) != cw->now)
		return 0;
	if (timers_load(cw, v, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = timers_one(cw, &v[i], err, errlen);
		if (rc == 0)
			(*ran)++;
		fault_point("timers.job", (long)*ran);
	}
	timers_free(v, n);
	return rc;
}

int
timers_next_due(struct store *st, const struct config *cfg, long long *when,
    char *err, size_t errlen)
{
	struct buf sql;
	int64_t due = 0;
	int rc;

	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT min(due_at) FROM jobs WHERE done_at IS NULL "
	    "AND kind IN (");
	timers_kind_list(&sql);
	buf_printf(&sql, ") HAVING count(*) > 0");
	rc = store_get_int64(st, &due, "next due job", buf_str(&sql), NULL, 0,
	    err, errlen);
	buf_free(&sql);
	if (rc != 1)
		return rc;
	*when = workday_next_open((long long)due, cfg->network.work_start,
	    cfg->network.work_end);
	return 1;
}
