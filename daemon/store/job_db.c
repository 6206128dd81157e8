/* job_db.c — timers in the database; see job_db.h. */
#include <stdio.h>

#include "store/job_db.h"
#include "store/store.h"

int
job_add(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long due_at, const char *payload,
    long long now, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc = -1;

	s = store_prepare(st, "INSERT INTO jobs (kind, case_id, person_id, "
	    "due_at, payload, created_at) VALUES (?1, nullif(?2, 0), "
	    "nullif(?3, 0), ?4, ?5, ?6)", err, errlen);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, kind);
	store_bind_int64(s, 2, case_id);
	store_bind_int64(s, 3, person_id);
	store_bind_int64(s, 4, due_at);
	store_bind_text(s, 5, payload);
	store_bind_int64(s, 6, now);
	if (store_step(s) == STORE_DONE)
		rc = 0;
	else
		snprintf(err, errlen, "job %s: %s", kind, store_errmsg(st));
	store_finalize(s);
	return rc;
}

int
job_close(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long now, char *err, size_t errlen)
{
	struct store_stmt *s;

	s = store_prepare(st, "UPDATE jobs SET done_at = ?4 WHERE done_at IS "
	    "NULL AND case_id = ?2 AND (?1 IS NULL OR kind = ?1) AND "
	    "(?3 = 0 OR person_id = ?3)", err, errlen);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, kind);
	store_bind_int64(s, 2, case_id);
	store_bind_int64(s, 3, person_id);
	store_bind_int64(s, 4, now);
	return store_step_done(s, "closing jobs", err, errlen);
}
