/* clock.c — "now", fixed or real, and local-time helpers; see clock.h. */
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
clock_parse_local(const char *text, time_t *out, char *err, size_t errlen)
{
	struct tm tm, back;
	int y, mo, d, h, mi, s = 0, n = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &s, &n) != 6 || text[n] != '\0') &&
	    (n = 0, s = 0, sscanf(text, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &n) != 5 || text[n] != '\0')) {
		snprintf(err, errlen, "'%s' is not 'YYYY-MM-DD HH:MM'", text);
		return -1;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	back = tm;
	t = mktime(&tm);
	/* mktime normalises 31/02 into March: refuse instead. */
	if (t == (time_t)-1 || tm.tm_mday != back.tm_mday ||
	    tm.tm_mon != back.tm_mon || tm.tm_year != back.tm_year) {
		snprintf(err, errlen, "'%s' is not a valid date", text);
		return -1;
	}
	*out = t;
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
