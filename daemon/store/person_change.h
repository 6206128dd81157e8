/*
 * person_change.h — changes to a person that take something away or
 * put them aside: a pool role removed, availability for new cases.
 *
 * Kept apart from person_db.c's lookups because each change here is a
 * decision someone made (the administrator, a coordinator's mail) and is
 * recorded as a person event (person_event()) with who made it; adding
 * people and roles from a people file is people_import.c's.  Every
 * function works inside the caller's transaction.
 */
#ifndef CDP_PERSON_CHANGE_H
#define CDP_PERSON_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "store/person_db.h"

struct store;

/*
 * Removes network role `role` from the person, with a 'role_removed'
 * event {"role": role} by `by`.  *removed is 1 when they had it, 0 when
 * not (nothing recorded).  The caller decides whether the removal is
 * allowed (a referent of open cases hands them over first:
 * person_open_referent_cases()).  0 or -1.
 */
int person_remove_role(struct store *st, int64_t id, const char *role,
    enum person_actor by, int64_t actor_id, long long now, int *removed,
    char *err, size_t errlen);

/*
 * Sets the person's availability for new cases: unavailable 1 with
 * `until` the time they are back (0: until made available again), or
 * unavailable 0 (until ignored, cleared).  When it changed (*changed 1),
 * an 'availability' event {"unavailable": "0"|"1", "until": ISO 8601 or
 * null} by `by`.  0 or -1.
 */
int person_set_availability(struct store *st, int64_t id, int unavailable,
    long long until, enum person_actor by, int64_t actor_id, long long now,
    int *changed, char *err, size_t errlen);

#endif
