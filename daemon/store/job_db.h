/*
 * job_db.h — timers kept in the database (table jobs): a reminder, an
 * expiry, a follow-up, due at a given time.  They are created in the
 * transaction of the change that makes them necessary, and closed (done)
 * when what they wait for happens first.
 */
#ifndef CDP_JOB_DB_H
#define CDP_JOB_DB_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* Adds a job; payload is a JSON object text or NULL; case_id and
 * person_id 0: none.  A due time already past is kept: the next pass
 * runs it.  0 or -1. */
int job_add(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long due_at, const char *payload,
    long long now, char *err, size_t errlen);

/* Marks done the jobs of `kind` (NULL: any) for the case and person
 * (0: any person) that are not done yet.  0 or -1. */
int job_close(struct store *st, const char *kind, int64_t case_id,
    int64_t person_id, long long now, char *err, size_t errlen);

#endif
