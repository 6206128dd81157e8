/*
 * clock.h — the time the program acts at.
 *
 * Every subcommand reads "now" from here so that `--now 'YYYY-MM-DD HH:MM'`
 * fixes the clock for tests and replays.  Local time is the network's time
 * zone ([network] timezone, Europe/Paris): clock_set_zone() makes it the
 * process's TZ so localtime_r()/mktime() speak Paris time everywhere.
 */
#ifndef CDP_CLOCK_H
#define CDP_CLOCK_H

#include <stddef.h>
#include <time.h>

/* Sets TZ to `zone` (e.g. "Europe/Paris"). */
void clock_set_zone(const char *zone);
/* Parses "YYYY-MM-DD HH:MM[:SS]" in local time; -1 on a malformed or
 * non-existent time (err says why). */
int clock_parse_local(const char *text, time_t *out, char *err,
    size_t errlen);
/* Fixes the clock at `t` (the --now option); 0 returns to the real clock. */
void clock_fix(time_t t);
time_t clock_now(void);
/* Start (00:00) of the local day of `t`. */
long long clock_day_start(long long t);
/* The same local time `days` calendar days earlier: a reminder "1 day
 * before" an 18:30 meeting is at 18:30 the day before, even across a
 * change of summer time. */
long long clock_days_before(long long t, int days);
/* Formats `t` as ISO 8601 local time with offset: 2026-11-29T10:15:00+01:00 */
void clock_iso8601(time_t t, char *out, size_t outlen);

#endif
