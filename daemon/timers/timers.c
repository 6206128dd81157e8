/* timers.c — due jobs; see timers.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/case_db.h"
#include "casework/case_mail.h"
#include "config/config.h"
#include "store/job_db.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"
#include "out/template.h"
#include "timers/timers.h"

#define TIMERS_BATCH	100

struct due_job {
	int64_t	 id;
	char	 kind[32];
	int64_t	 case_id;
	int64_t	 person_id;
};

/* Marks one job done. */
static int
timers_done(struct casework *cw, int64_t id, char *err, size_t errlen)
{
	return store_run(cw->st, NULL, "UPDATE jobs SET done_at = ?2 WHERE "
	    "id = ?1", STORE_ARGS(STORE_INT(id), STORE_INT(cw->now)), err,
	    errlen);
}

/* 1 if the volunteer's invitation on the case still waits, 0 if it was
 * answered (or withdrawn) meanwhile, -1 on error. */
static int
timers_still_invited(struct casework *cw, const struct due_job *j,
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
timers_invitation(struct casework *cw, const struct due_job *j, char *err,
    size_t errlen)
{
	const struct config *cfg = cw->cfg;
	int expiry = strcmp(j->kind, "invitation_expiry") == 0;
	struct cw_person v, *to = NULL;
	struct case_row c;
	struct tpl_data *d = NULL;
	size_t n = 0;
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	rc = timers_still_invited(cw, j, &c, err, errlen);
	if (rc <= 0)
		goto out;
	rc = -1;
	if (casemail_person(cw, j->person_id, &v, err, errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", c.ref);
	if (!expiry) {
		struct cw_person ref;

		memset(&ref, 0, sizeof(ref));
		if (c.referent_id && casemail_person(cw, c.referent_id, &ref,
		    err, errlen) != 0)
			goto out;
		tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
		tpl_set(d, "subject", c.subject);
		tpl_set_int(d, "expiry_days", cfg->timers.invitation_expiry -
		    cfg->timers.invitation_reminder);
		rc = casemail_send(cw, "invitation_reminder", d,
		    "volunteer_name", c.ref, c.id, &v, 1, err, errlen);
		goto out;
	}
	{
		const char *kv[] = { "address", v.email };

		if (store_run(cw->st, NULL, "UPDATE case_members SET status = "
		    "'expired', answered_at = ?3 WHERE case_id = ?1 AND "
		    "person_id = ?2 AND role = 'volunteer'",
		    STORE_ARGS(STORE_INT(c.id), STORE_INT(v.id),
		    STORE_INT(cw->now)), err, errlen) != 0 ||
		    case_event(cw->st, c.id, 0, "invitation_expired",
		    0, kv, 2, cw->now, err, errlen) != 0) {
			rc = -1;
			goto out;
		}
	}
	rc = -1;
	if (casemail_followers(cw, c.referent_id, &to, &n, err, errlen) != 0)
		goto out;
	tpl_set(d, "volunteer_name", v.name);
	tpl_set(d, "volunteer_address", v.email);
	tpl_set_int(d, "days", cfg->timers.invitation_expiry);
	rc = casemail_send(cw, "invitation_expired", d, "referent_name", c.ref,
	    c.id, to, n, err, errlen);
	log_info("%s: invitation of %s expired", c.ref, v.email);
out:
	free(to);
	tpl_data_free(d);
	case_row_free(&c);
	return rc;
}

static int
timers_load(struct casework *cw, struct due_job *v, size_t *n, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	*n = 0;
	s = store_query(cw->st, "SELECT id, kind, coalesce(case_id, 0), "
	    "coalesce(person_id, 0) FROM jobs WHERE done_at IS NULL AND "
	    "due_at <= ?1 AND kind IN ('invitation_reminder', "
	    "'invitation_expiry') ORDER BY due_at, id LIMIT ?2",
	    STORE_ARGS(STORE_INT(cw->now), STORE_INT(TIMERS_BATCH)), err,
	    errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		v[*n].id = store_col_int64(s, 0);
		snprintf(v[*n].kind, sizeof(v[*n].kind), "%s",
		    store_col_text(s, 1));
		v[*n].case_id = store_col_int64(s, 2);
		v[*n].person_id = store_col_int64(s, 3);
		(*n)++;
	}
	if (rc < 0)
		snprintf(err, errlen, "due jobs: %s", store_errmsg(cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

int
timers_run(struct casework *cw, size_t *ran, char *err, size_t errlen)
{
	struct due_job v[TIMERS_BATCH];
	char scratch[256];
	size_t n;

	*ran = 0;
	if (timers_load(cw, v, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (store_begin(cw->st, err, errlen) != 0)
			return -1;
		if (timers_invitation(cw, &v[i], err, errlen) != 0 ||
		    timers_done(cw, v[i].id, err, errlen) != 0 ||
		    store_commit(cw->st, err, errlen) != 0) {
			store_rollback(cw->st, scratch, sizeof(scratch));
			return -1;
		}
		(*ran)++;
	}
	return 0;
}
