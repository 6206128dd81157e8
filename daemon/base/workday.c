/* workday.c — working days and hours; see workday.h. */
#include <time.h>

#include "base/clock.h"
#include "base/workday.h"

/* How far ahead a working day is looked for: the longest run of days off
 * is a weekend next to a holiday or two (Christmas to New Year never
 * takes more than four), so a fortnight is plenty. */
#define WORKDAY_MAX_SEARCH	14

void
workday_easter(int year, int *month, int *day)
{
	/* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;

	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
}

/* The date's day of the week and of the year, through timegm so that no
 * zone or summer time plays a part. */
static struct tm
workday_civil(int year, int month, int day)
{
	struct tm tm = { 0 };
	time_t t;

	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm;
}

int
workday_is_holiday(int year, int month, int day)
{
	static const struct { int month, day; } fixed[] = {
		{ 1, 1 }, { 5, 1 }, { 5, 8 }, { 7, 14 }, { 8, 15 },
		{ 11, 1 }, { 11, 11 }, { 12, 25 },
	};
	/* Days after Easter Sunday: Monday, Ascension, Whit Monday. */
	static const int after_easter[] = { 1, 39, 50 };
	int em, ed, easter, yday;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i].month == month && fixed[i].day == day)
			return 1;
	if (month < 3 || month > 6)
		return 0;
	workday_easter(year, &em, &ed);
	easter = workday_civil(year, em, ed).tm_yday;
	yday = workday_civil(year, month, day).tm_yday;
	for (size_t i = 0; i < sizeof(after_easter) / sizeof(after_easter[0]);
	    i++)
		if (yday == easter + after_easter[i])
			return 1;
	return 0;
}

int
workday_is_working_day(int year, int month, int day)
{
	int wday = workday_civil(year, month, day).tm_wday;

	if (wday == 0 || wday == 6)
		return 0;
	return !workday_is_holiday(year, month, day);
}

long long
workday_next_open(long long t, int start, int end)
{
	struct tm tm;
	time_t now = (time_t)t, opens;
	int minute;

	if (start == 0 && end >= 24 * 60)
		return t;
	localtime_r(&now, &tm);
	minute = tm.tm_hour * 60 + tm.tm_min;
	if (workday_is_working_day(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday) && minute >= start && minute < end)
		return t;
	/* Today if its hours are still ahead, else from tomorrow on. */
	if (!workday_is_working_day(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday) || minute >= start)
		tm.tm_mday++;
	for (int i = 0; i < WORKDAY_MAX_SEARCH; i++, tm.tm_mday++) {
		struct tm day = tm;

		day.tm_hour = 12;
		day.tm_min = day.tm_sec = 0;
		day.tm_isdst = -1;
		if (mktime(&day) == (time_t)-1)
			break;
		if (!workday_is_working_day(day.tm_year + 1900,
		    day.tm_mon + 1, day.tm_mday))
			continue;
		if (clock_local_time(day.tm_year + 1900, day.tm_mon + 1,
		    day.tm_mday, start / 60, start % 60, 0, &opens) < 0)
			break;
		return (long long)opens;
	}
	return t;
}
