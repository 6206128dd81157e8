/*
 * person_change.c — a pool role removed, availability set; see
 * person_change.h.
 *
 * Each statement changes a row only when its value differs, so "nothing
 * changed" is read from the change count and no event is written for a
 * command that repeats the current state.
 */
#include <stdio.h>
#include <time.h>

#include "base/clock.h"
#include "store/person_change.h"
#include "store/store.h"

int
person_remove_role(struct store *st, int64_t id, const char *role,
    enum person_actor by, int64_t actor_id, long long now, int *removed,
    char *err, size_t errlen)
{
	const char *kv[2] = { "role", role };

	*removed = 0;
	if (store_run(st, "removing a role", "DELETE FROM person_roles WHERE "
	    "person_id = ?1 AND role = ?2", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(role)), err, errlen) != 0)
		return -1;
	if (store_changes(st) == 0)
		return 0;
	*removed = 1;
	return person_event(st, id, by, actor_id, "role_removed", 0, kv, 2,
	    now, err, errlen);
}

int
person_set_availability(struct store *st, int64_t id, int unavailable,
    long long until, enum person_actor by, int64_t actor_id, long long now,
    int *changed, char *err, size_t errlen)
{
	char iso[40];
	const char *kv[4] = { "unavailable", unavailable ? "1" : "0", "until",
	    NULL };

	*changed = 0;
	if (!unavailable)
		until = 0;
	if (store_run(st, "setting availability", "UPDATE persons SET "
	    "unavailable = ?2, unavailable_until = ?3, updated_at = ?4 WHERE "
	    "id = ?1 AND (unavailable IS NOT ?2 OR unavailable_until IS NOT "
	    "?3)", STORE_ARGS(STORE_INT(id), STORE_INT(unavailable != 0),
	    until ? STORE_INT(until) : STORE_NULL, STORE_INT(now)), err,
	    errlen) != 0)
		return -1;
	if (store_changes(st) == 0)
		return 0;
	*changed = 1;
	if (until) {
		clock_iso8601((time_t)until, iso, sizeof(iso));
		kv[3] = iso;
	}
	return person_event(st, id, by, actor_id, "availability", 0, kv, 4,
	    now, err, errlen);
}
