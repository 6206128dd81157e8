/*
 * retention.c — the daily purge of raw mails; see retention.h.
 *
 * secure_delete is turned on before the purge so that the erased mails do
 * not linger in the pages SQLite frees; the file is not rewritten
 * (VACUUM would stop the daemon for as long as it takes): the zeroed
 * pages are reused.
 */
#include <stdio.h>

#include "base/clock.h"
#include "base/log.h"
#include "casework/casework.h"
#include "config/config.h"
#include "store/job_db.h"
#include "store/retention_db.h"
#include "store/store.h"
#include "timers/retention.h"
#include "timers/timers_private.h"

/* 1 when a retention job is pending, 0 if not, -1. */
static int
retention_pending(struct casework *cw, char *err, size_t errlen)
{
	int64_t one;

	return store_get_int64(cw->st, &one, "retention: pending", "SELECT 1 "
	    "FROM jobs WHERE kind = '" RETENTION_KIND "' AND done_at IS NULL "
	    "LIMIT 1", NULL, 0, err, errlen);
}

int
retention_plan_next(struct casework *cw, char *err, size_t errlen)
{
	char scratch[256];
	int rc;

	if (cw->cfg->storage.keep_raw_days == 0)
		return 0;
	if ((rc = retention_pending(cw, err, errlen)) != 0)
		return rc < 0 ? -1 : 0;
	if (store_begin(cw->st, err, errlen) != 0)
		return -1;
	/* Checked again under the write lock (a poll beside the daemon). */
	rc = retention_pending(cw, err, errlen);
	if (rc == 0)
		rc = job_add(cw->st, RETENTION_KIND, 0, 0, cw->now, NULL,
		    cw->now, err, errlen);
	if (rc < 0 || store_commit(cw->st, err, errlen) != 0) {
		store_rollback(cw->st, scratch, sizeof(scratch));
		return -1;
	}
	return 0;
}

int
timer_retention(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	int days = cw->cfg->storage.keep_raw_days;
	long long n;

	(void)j;
	if (days == 0)
		return 0;	/* set to "forever" since it was planned */
	if (store_exec(cw->st, "PRAGMA secure_delete = ON", err, errlen) != 0 ||
	    retention_purge(cw->st, retention_cutoff(cw->now, days), cw->now,
	    &n, err, errlen) != 0)
		return -1;
	log_info("retention: %lld mail%s purged", n, n == 1 ? "" : "s");
	return job_add(cw->st, RETENTION_KIND, 0, 0, clock_days_after(cw->now,
	    1), NULL, cw->now, err, errlen);
}
