/*
 * retention.h — the daily purge of raw mails ([storage] keep_raw_days;
 * what goes and what stays: store/retention_db.h).
 *
 * One job of kind "retention" is always pending while keep_raw_days is not
 * 0: retention_plan_next() adds the first (timers_run calls it before the
 * due jobs, as for the digest), and each run plans the next one a day
 * later.  Like every job it waits for working time, and it runs in the
 * runner's transaction: a crash purges nothing or everything.
 */
#ifndef CDP_RETENTION_H
#define CDP_RETENTION_H

#include <stddef.h>

struct casework;

#define RETENTION_KIND	"retention"

/* Adds a retention job due now when none is pending and keep_raw_days is
 * not 0, in its own transaction.  0 or -1 (err). */
int retention_plan_next(struct casework *cw, char *err, size_t errlen);

#endif
