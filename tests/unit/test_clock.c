/*
 * test_clock.c — the calendar arithmetic of base/clock: days in a month
 * (leap years, centuries), local date and time to time_t in the network's
 * zone (Europe/Paris) across a change of summer time, --now parsing, and
 * calendar months later (clamped to the month's length).
 * Expected instants are written out in seconds, computed independently
 * from the IANA zone rules, so that a wrong offset or a skipped check
 * fails here and not three modules away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "tap.h"

static void
test_days_in_month(void)
{
	is_int(clock_days_in_month(2024, 2), 29, "February 2024 (leap)");
	is_int(clock_days_in_month(2026, 2), 28, "February 2026 (not leap)");
	is_int(clock_days_in_month(2000, 2), 29, "February 2000 (by 400)");
	is_int(clock_days_in_month(1900, 2), 28, "February 1900 (by 100)");
	is_int(clock_days_in_month(2100, 2), 28, "February 2100 (by 100)");
	is_int(clock_days_in_month(2026, 1), 31, "January");
	is_int(clock_days_in_month(2026, 4), 30, "April");
	is_int(clock_days_in_month(2026, 12), 31, "December");
	is_int(clock_days_in_month(2026, 0), 0, "month 0 is none");
	is_int(clock_days_in_month(2026, 13), 0, "month 13 is none");
}

/* clock_local_time() with its result and, when set, the instant. */
static void
local(int y, int mo, int d, int h, int mi, int s, int want_rc,
    long long want_t, const char *name)
{
	time_t t = 12345;
	int rc = clock_local_time(y, mo, d, h, mi, s, &t);

	is_int(rc, want_rc, name);
	is_int((long long)t, want_t, name);
}

static void
test_local_time(void)
{
	/* Winter: CET, UTC+1. */
	local(2026, 1, 15, 12, 0, 0, 0, 1768474800LL, "2026-01-15 12:00 CET");
	/* 29 February exists in a leap year only; *out untouched when the
	 * date does not exist. */
	local(2024, 2, 29, 12, 0, 0, 0, 1709204400LL, "2024-02-29 12:00");
	local(2000, 2, 29, 0, 0, 0, 0, 951778800LL, "2000-02-29 00:00");
	local(2026, 2, 29, 12, 0, 0, -1, 12345, "2026-02-29 does not exist");
	local(2026, 2, 28, 23, 59, 59, 0, 1772319599LL, "2026-02-28 23:59:59");
	local(2026, 4, 31, 10, 0, 0, -1, 12345, "31 April does not exist");
	local(2026, 13, 1, 10, 0, 0, -1, 12345, "month 13 does not exist");
	/* The night of 29 March 2026: 02:00 CET becomes 03:00 CEST. */
	local(2026, 3, 29, 0, 0, 0, 0, 1774738800LL, "2026-03-29 00:00 CET");
	local(2026, 3, 29, 1, 30, 0, 0, 1774744200LL, "01:30 CET, before");
	local(2026, 3, 29, 3, 30, 0, 0, 1774747800LL, "03:30 CEST, after");
	local(2026, 3, 29, 2, 30, 0, CLOCK_MOVED, 1774747800LL,
	    "02:30 is skipped: moved to 03:30 CEST");
	local(2026, 3, 29, 18, 30, 0, 0, 1774801800LL, "18:30 CEST");
	/* The night of 31 October 2027: 03:00 CEST becomes 02:00 CET, so
	 * 02:30 happens twice.  It is the first one (00:30 UTC) whatever
	 * mktime() was asked just before: a summer day, then a winter one. */
	local(2027, 7, 1, 12, 0, 0, 0, 1814436000LL, "2027-07-01 12:00 CEST");
	local(2027, 10, 31, 2, 30, 0, 0, 1824942600LL,
	    "02:30 twice: the first, CEST, after a summer time");
	local(2027, 1, 1, 12, 0, 0, 0, 1798801200LL, "2027-01-01 12:00 CET");
	local(2027, 10, 31, 2, 30, 0, 0, 1824942600LL,
	    "02:30 twice: the first, CEST, after a winter time");
	local(2027, 10, 31, 3, 30, 0, 0, 1824949800LL, "03:30 CET, after");
	/* Out-of-range time fields are carried, and said to be. */
	local(2026, 1, 15, 10, 75, 0, CLOCK_MOVED, 1768472100LL,
	    "10:75 is moved to 11:15");
	local(2026, 1, 15, 24, 0, 0, -1, 12345,
	    "24:00 carries into the next day");
}

static void
parse_ok(const char *text, long long want, const char *name)
{
	char err[128] = "";
	time_t t = 0;

	is_int(clock_parse_local(text, &t, err, sizeof(err)), 0, name);
	is_int((long long)t, want, name);
}

static void
test_parse_local(void)
{
	char err[128] = "";
	time_t t = 777;

	parse_ok("2026-01-15 12:00", 1768474800LL, "--now in winter");
	parse_ok("2026-02-28 23:59:59", 1772319599LL, "--now with seconds");
	parse_ok("2024-02-29 12:00", 1709204400LL, "--now on 29 February");
	/* --now only needs a day that exists. */
	parse_ok("2026-03-29 02:30", 1774747800LL, "--now in the skipped hour");
	is_int(clock_parse_local("2026-02-31 10:00", &t, err, sizeof(err)),
	    -1, "--now on 31 February is refused");
	is_str(err, "'2026-02-31 10:00' is not a valid date", "  says why");
	is_int((long long)t, 777, "  and leaves the time alone");
	is_int(clock_parse_local("2026-02-29 10:00", &t, err, sizeof(err)),
	    -1, "--now on 29 February 2026 is refused");
	is_int(clock_parse_local("29/02/2024 10:00", &t, err, sizeof(err)),
	    -1, "--now in another form is refused");
	is_str(err, "'29/02/2024 10:00' is not 'YYYY-MM-DD HH:MM'",
	    "  says which form");
}

static void
test_days_before(void)
{
	/* A reminder one day before a Monday 18:30 meeting is at 18:30 on
	 * the Sunday the clocks went forward: 23 hours earlier. */
	is_int(clock_days_before(1774888200LL, 1), 1774801800LL,
	    "one day before, across the change to summer time");
	is_int(clock_day_start(1774801800LL), 1774738800LL,
	    "start of 29 March 2026 is 00:00 CET");
}

static void
test_months_after(void)
{
	/* The testimony request, some months after a case was closed. */
	is_int(clock_months_after(1788163200LL, 6), 1803805200LL,
	    "31/08/2026 10:00 CEST + 6 months: 28/02/2027 10:00 CET");
	is_int(clock_months_after(1693468800LL, 6), 1709197200LL,
	    "31/08/2023 + 6 months: 29/02/2024, a leap year");
	is_int(clock_months_after(1774944000LL, 6), 1790755200LL,
	    "31/03/2026 + 6 months: 30/09/2026");
	is_int(clock_months_after(1798707600LL, 2), 1803805200LL,
	    "31/12/2026 + 2 months: 28/02/2027, into the next year");
	is_int(clock_months_after(1781524800LL, 18), 1828875600LL,
	    "15/06/2026 14:00 + 18 months: 15/12/2027 14:00");
	is_int(clock_months_after(1709197200LL, 12), 1740733200LL,
	    "29/02/2024 + 12 months: 28/02/2025");
	is_int(clock_months_after(1768465800LL, 0), 1768465800LL,
	    "0 months: the same instant");
	is_int(clock_months_after(1790555400LL, 6), 1806197400LL,
	    "28/09/2026 02:30 + 6 months: the skipped 02:30 is 03:30 CEST");
}

int
main(void)
{
	clock_set_zone("Europe/Paris");
	test_days_in_month();
	test_local_time();
	test_parse_local();
	test_days_before();
	test_months_after();
	return tap_done();
}
