/*
 * workday.h — when the network works: weekdays that are not French public
 * holidays, within the configured working hours, in the network's time
 * zone (clock_set_zone).  Mail that is not urgent (reminders, follow-ups,
 * digests) waits for such a time (DESIGN.md §3).
 */
#ifndef CDP_WORKDAY_H
#define CDP_WORKDAY_H

/* Month (3 or 4) and day of Easter Sunday of `year` (Gregorian, 1583 on). */
void workday_easter(int year, int *month, int *day);

/* 1 if the date (month 1-12) is a French public holiday: 1 January,
 * Easter Monday, 1 and 8 May, Ascension, Whit Monday, 14 July,
 * 15 August, 1 and 11 November, 25 December; else 0. */
int workday_is_holiday(int year, int month, int day);

/* 1 if the date is a working day: Monday to Friday and no holiday. */
int workday_is_working_day(int year, int month, int day);

/*
 * The first time at or after `t` that lies on a working day within
 * [start, end) minutes after local midnight: `t` itself when it does.
 * start 0 and end 24 * 60 mean "any time, any day": `t` is returned.
 */
long long workday_next_open(long long t, int start, int end);

#endif
