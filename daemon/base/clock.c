/*
 * clock.c — "now", fixed or real, and local-time helpers; see clock.h.
 *
 * The one home of calendar arithmetic (days in a month, a local date and
 * time to time_t checked by a round trip through mktime()): the mail
 * command parser, the MIME date reader and --now all use it, so that
 * they agree on which days exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

/* Set once from the command line before any work starts. */
static time_t clock_fixed;

void
clock_set_zone(const char *zone)
{
	char tz[256];

	snprintf(tz, sizeof(tz), ":%s", zone);
	setenv("TZ", tz, 1);
	tzset();
}

int
clock_days_in_month(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) ||
	    year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * A local time the clocks go through twice (02:30 the night they go back)
 * is its first occurrence, summer time, as RFC 5545 reads a DTSTART with
 * TZID: mktime() with tm_isdst = -1 picks either one, depending on what
 * it was asked before.  `tm` is the round-tripped local time of `t`.
 */
static time_t
clock_first_occurrence(const struct tm *tm, time_t t)
{
	struct tm summer = *tm;
	time_t s;

	summer.tm_isdst = 1;
	s = mktime(&summer);
	if (s == (time_t)-1 || s >= t || summer.tm_isdst <= 0 ||
	    summer.tm_mday != tm->tm_mday || summer.tm_hour != tm->tm_hour ||
	    summer.tm_min != tm->tm_min || summer.tm_sec != tm->tm_sec)
		return t;
	return s;
}

int
clock_local_time(int year, int month, int day, int hour, int minute,
    int second, time_t *out)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	tm.tm_sec = second;
	tm.tm_isdst = -1;	/* let the zone say whether it is summer */
	t = mktime(&tm);
	/* mktime() normalizes 31/02 into 03/03 (and 02:30 on the night
	 * clocks go forward into 03:30): a day or time that does not exist
	 * comes back different. */
	if (t == (time_t)-1 || tm.tm_year != year - 1900 ||
	    tm.tm_mon != month - 1 || tm.tm_mday != day)
		return -1;
	*out = t;
	if (tm.tm_hour != hour || tm.tm_min != minute || tm.tm_sec != second)
		return CLOCK_MOVED;
	*out = clock_first_occurrence(&tm, t);
	return 0;
}

int
clock_parse_local(const char *text, time_t *out, char *err, size_t errlen)
{
	int y, mo, d, h, mi, s = 0, n = 0;

	if ((sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &s, &n) != 6 || text[n] != '\0') &&
	    (n = 0, s = 0, sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &n) != 5 || text[n] != '\0')) {
		snprintf(err, errlen, "'%s' is not 'YYYY-MM-DD HH:MM'", text);
		return -1;
	}
	/* A time the clocks skip (02:30 the night they go forward) is taken
	 * as mktime() moves it: --now only needs a day that exists. */
	if (clock_local_time(y, mo, d, h, mi, s, out) < 0) {
		snprintf(err, errlen, "'%s' is not a valid date", text);
		return -1;
	}
	return 0;
}

void
clock_fix(time_t t)
{
	clock_fixed = t;
}

time_t
clock_now(void)
{
	return clock_fixed ? clock_fixed : time(NULL);
}

double
clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
clock_iso8601(time_t t, char *out, size_t outlen)
{
	struct tm tm;
	char z[8];

	localtime_r(&t, &tm);
	strftime(z, sizeof(z), "%z", &tm);
	/* strftime gives +0100; ISO 8601 extended form wants +01:00. */
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, z, z + 3);
}

void
clock_local_minute(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%d %H:%M", &tm);
}

long long
clock_day_start(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	tt = mktime(&tm);
	return tt == (time_t)-1 ? t : (long long)tt;
}

long long
clock_days_before(long long t, int days)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday -= days;
	tm.tm_isdst = -1;
	tt = mktime(&tm);
	return tt == (time_t)-1 ? t - (long long)days * 86400 : (long long)tt;
}

long long
clock_months_after(long long t, int months)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int month0, last;

	localtime_r(&tt, &tm);
	month0 = tm.tm_mon + months;
	tm.tm_year += month0 / 12;
	tm.tm_mon = month0 % 12;
	/* mktime() would carry 31 February into March: clamp first. */
	last = clock_days_in_month(tm.tm_year + 1900, tm.tm_mon + 1);
	if (tm.tm_mday > last)
		tm.tm_mday = last;
	tm.tm_isdst = -1;
	tt = mktime(&tm);
	return tt == (time_t)-1 ? t + (long long)months * 30 * 86400 :
	    (long long)tt;
}

long long
clock_days_after(long long t, int days)
{
	return clock_days_before(t, -days);
}
