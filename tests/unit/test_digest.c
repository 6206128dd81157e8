/*
 * test_digest.c — when the digest goes out (timers/digest.h,
 * digest_next_slot): the first one at the next digest_day at
 * digest_time, then one interval after the last run, counted from when
 * it ran (a late run does not make the next one late, nor early), across
 * a change of summer time, with other days, times and intervals.  What
 * it says is tested from a seeded database (digest_print.sh) and through
 * the real servers (digest_mail.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "tap.h"
#include "testutil.h"
#include "timers/digest.h"

static void
slot(const struct config *cfg, const char *now, int after_run,
    const char *want, const char *name)
{
	is_int((long long)digest_next_slot(cfg, (long long)local_time(now),
	    after_run), (long long)local_time(want), name);
}

int
main(void)
{
	struct config *cfg;

	scratch_make("digest");
	cfg = config_from("[network]\ncontact = c@example.org\n[imap]\n"
	    "url = imaps://127.0.0.1:1\n[smtp]\nurl = smtp://127.0.0.1:1\n");
	if (cfg == NULL)
		return 1;
	clock_set_zone(cfg->network.timezone);

	/* Weekly, Monday 08:00 (the defaults). */
	slot(cfg, "2026-12-01 10:00", 0, "2026-12-07 08:00",
	    "first: the next Monday 08:00");
	slot(cfg, "2026-12-07 07:59", 0, "2026-12-07 08:00",
	    "first, on a Monday before 08:00: that day");
	slot(cfg, "2026-12-07 08:00", 0, "2026-12-07 08:00",
	    "first, at the slot itself: now");
	slot(cfg, "2026-12-07 08:00", 1, "2026-12-14 08:00",
	    "after a run: next week");
	slot(cfg, "2027-03-30 08:00", 1, "2027-04-05 08:00",
	    "after a run moved to Tuesday by Easter Monday: next Monday");
	slot(cfg, "2027-03-22 08:00", 1, "2027-03-29 08:00",
	    "across the change to summer time: still 08:00");
	slot(cfg, "2026-12-31 23:30", 1, "2027-01-04 08:00",
	    "across the new year");

	/* Every other Friday at 17:30. */
	cfg->timers.digest_day = 5;
	cfg->timers.digest_time = 17 * 60 + 30;
	cfg->timers.digest_interval = 14;
	slot(cfg, "2026-12-07 08:00", 0, "2026-12-11 17:30",
	    "first: the next Friday 17:30");
	slot(cfg, "2026-12-11 17:30", 1, "2026-12-25 17:30",
	    "fortnightly: two weeks later");

	/* Daily at 07:00: the day of the week does not matter. */
	cfg->timers.digest_interval = 1;
	cfg->timers.digest_time = 7 * 60;
	slot(cfg, "2026-12-07 06:00", 0, "2026-12-07 07:00",
	    "daily, first: today");
	slot(cfg, "2026-12-07 07:00", 1, "2026-12-08 07:00",
	    "daily, after a run: tomorrow");
	cfg->timers.digest_interval = 3;
	slot(cfg, "2026-12-07 07:00", 1, "2026-12-10 07:00",
	    "every three days");

	config_free(cfg);
	scratch_remove();
	return tap_done();
}
