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
/* Days in `month` (1-12) of `year`, Gregorian: 29 for February of a leap
 * year (divisible by 4, not by 100 unless by 400); 0 for a month out of
 * range. */
int clock_days_in_month(int year, int month);

/* clock_local_time(): the date exists, the time was moved. */
#define CLOCK_MOVED	1

/*
 * The time_t of a local date and time (month 1-12, the zone deciding
 * whether it is summer time), through mktime() and back.  Returns 0 with
 * *out set when it exists as written; -1 when the date does not (31/02,
 * which mktime() would carry into March) or mktime() fails, *out
 * untouched; CLOCK_MOVED when the date exists but the time came back
 * different, with *out the time mktime() made of it: 02:30 on the night
 * clocks go forward is 03:30, 10:75 is 11:15.  A time that happens twice
 * (02:30 the night clocks go back) is its first occurrence, +02:00.  Callers decide whether a
 * moved time is an error (a meeting time) or not (--now).
 */
int clock_local_time(int year, int month, int day, int hour, int minute,
    int second, time_t *out);
/* Fixes the clock at `t` (the --now option); 0 returns to the real clock. */
void clock_fix(time_t t);
time_t clock_now(void);
/* Seconds on a clock that only goes forward and --now does not fix: for
 * timeouts, pacing and the debug timings. */
double clock_mono(void);
/* The same in whole milliseconds. */
long long clock_mono_ms(void);
/* Start (00:00) of the local day of `t`. */
long long clock_day_start(long long t);
/* The same local time `days` calendar days earlier: a reminder "1 day
 * before" an 18:30 meeting is at 18:30 the day before, even across a
 * change of summer time. */
long long clock_days_before(long long t, int days);
/* The same local time `months` calendar months later (months >= 0): the
 * same day of the month, or the month's last day when it is shorter
 * (31 August + 6 months is 28 or 29 February).  A time the clocks skip
 * that day is moved as mktime() moves it. */
long long clock_months_after(long long t, int months);
/* The same local time `days` calendar days later: "45 days after the
 * last mail" is at the hour of that mail. */
long long clock_days_after(long long t, int days);
/* Formats `t` as ISO 8601 local time with offset: 2026-11-29T10:15:00+01:00 */
void clock_iso8601(time_t t, char *out, size_t outlen);
/* Formats `t` as local time to the minute, for logs and the command line:
 * 2026-11-29 10:15 */
void clock_local_minute(time_t t, char *out, size_t outlen);

#endif
