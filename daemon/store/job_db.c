/* job_db.c — timers in the database; see job_db.h. */
#include <stdio.h>

#include "store/job_db.h"
#include "store/store.h"

int
job_add(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long due_at, const char *payload,
    long long now, char *err, size_t errlen)
{
	char what[64];

	snprintf(what, sizeof(what), "job %s", kind);
	return store_run(st, what, "INSERT INTO jobs (kind, case_id, "
	    "person_id, due_at, payload, created_at) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6)", STORE_ARGS(STORE_TEXT(kind), STORE_ID(case_id),
	    STORE_ID(person_id), STORE_INT(due_at), STORE_TEXT(payload),
	    STORE_INT(now)), err, errlen);
}

int
job_close(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long now, char *err, size_t errlen)
{
	return store_run(st, "closing jobs", "UPDATE jobs SET done_at = ?4 "
	    "WHERE done_at IS NULL AND case_id = ?2 AND (?1 IS NULL OR kind = "
	    "?1) AND (?3 = 0 OR person_id = ?3)", STORE_ARGS(STORE_TEXT(kind),
	    STORE_INT(case_id), STORE_INT(person_id), STORE_INT(now)), err,
	    errlen);
}
