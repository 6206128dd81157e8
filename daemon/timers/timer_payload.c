/*
 * timer_payload.c — what a handler reads in its job's payload; see
 * timers_private.h.
 *
 * Apart from the runner (timers.c), which calls the handlers: the
 * handlers call this, and nothing here calls back.  The payload is JSON
 * the daemon wrote itself (jobs.payload is checked json_valid); SQLite's
 * JSON functions read it, as the runner's catch-up rule does.
 */
#include <stddef.h>

#include "casework/casework.h"
#include "store/store.h"
#include "timers/timers_private.h"

int
timer_payload_int(struct casework *cw, const struct timer_job *j,
    const char *path, int64_t *v, char *err, size_t errlen)
{
	return store_get_int64(cw->st, v, "job payload", "SELECT "
	    "json_extract(?1, ?2) WHERE json_type(?1, ?2) = 'integer'",
	    STORE_ARGS(STORE_TEXT(j->payload ? j->payload : "{}"),
	    STORE_TEXT(path)), err, errlen);
}
