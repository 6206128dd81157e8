/*
 * test_workday.c — base/workday: Easter by the computus (checked against
 * published dates, including the earliest and latest possible), the
 * French public holidays of a whole year, and the next working time
 * across weekends, holidays and a change of summer time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/workday.h"
#include "tap.h"
#include "testutil.h"

static void
test_easter(void)
{
	static const struct { int y, m, d; } known[] = {
		{ 1818, 3, 22 }, { 1943, 4, 25 }, { 2008, 3, 23 },
		{ 2011, 4, 24 }, { 2019, 4, 21 }, { 2024, 3, 31 },
		{ 2025, 4, 20 }, { 2026, 4, 5 }, { 2027, 3, 28 },
		{ 2028, 4, 16 }, { 2038, 4, 25 }, { 2285, 3, 22 },
	};
	char name[64];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int m = 0, d = 0;

		workday_easter(known[i].y, &m, &d);
		snprintf(name, sizeof(name), "Easter %d", known[i].y);
		is_int(m * 100 + d, known[i].m * 100 + known[i].d, name);
	}
}

/* Every holiday of 2027, and no other day of the year. */
static void
test_holidays_2027(void)
{
	static const int want[] = { 101, 329, 501, 506, 508, 517, 714, 815,
	    1101, 1111, 1225 };
	char got[256] = "", exp[256] = "";

	for (int m = 1; m <= 12; m++)
		for (int d = 1; d <= clock_days_in_month(2027, m); d++)
			if (workday_is_holiday(2027, m, d))
				snprintf(got + strlen(got), sizeof(got) -
				    strlen(got), "%d ", m * 100 + d);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), "%d ",
		    want[i]);
	is_str(got, exp, "the holidays of 2027");
	/* 2026: Easter Monday 6 April, Ascension 14 May, Whit Monday 25
	 * May. */
	ok(workday_is_holiday(2026, 4, 6) && workday_is_holiday(2026, 5, 14) &&
	    workday_is_holiday(2026, 5, 25) && !workday_is_holiday(2026, 4, 5),
	    "the Easter-based holidays of 2026");
}

static void
test_working_days(void)
{
	ok(workday_is_working_day(2027, 12, 24), "Friday 24/12/2027 works");
	ok(!workday_is_working_day(2027, 12, 25), "Saturday 25/12/2027");
	ok(!workday_is_working_day(2027, 12, 26), "Sunday 26/12/2027");
	ok(workday_is_working_day(2027, 12, 27), "Monday 27/12/2027 works");
	ok(!workday_is_working_day(2027, 7, 14), "Wednesday 14/07/2027");
	ok(!workday_is_working_day(2027, 3, 29), "Easter Monday 2027");
}

static void
test_next_open(void)
{
	static const struct { const char *at, *want; } cases[] = {
		{ "2027-12-25 10:00", "2027-12-27 08:00" },
		{ "2027-12-24 19:59", "2027-12-24 19:59" },
		{ "2027-12-24 20:00", "2027-12-27 08:00" },
		{ "2027-12-27 07:00", "2027-12-27 08:00" },
		{ "2027-07-13 21:00", "2027-07-15 08:00" },
		/* Easter 2027: Friday evening to Tuesday. */
		{ "2027-03-26 20:15", "2027-03-30 08:00" },
		/* Summer time begins on Sunday 28 March 2027. */
		{ "2027-03-28 01:00", "2027-03-30 08:00" },
		/* Ends on Sunday 31 October 2027; 1 November is a Monday
		 * holiday. */
		{ "2027-10-29 20:00", "2027-11-02 08:00" },
	};
	char name[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s opens at %s", cases[i].at,
		    cases[i].want);
		is_int(workday_next_open(local_time(cases[i].at), 8 * 60,
		    20 * 60), local_time(cases[i].want), name);
	}
	is_int(workday_next_open(local_time("2027-12-25 03:00"), 0, 24 * 60),
	    local_time("2027-12-25 03:00"), "00:00-24:00: any time, any day");
	is_int(local_time("2027-03-30 08:00") - local_time("2027-03-26 20:15"),
	    3 * 86400 + 11 * 3600 + 45 * 60 - 3600,
	    "(the Easter weekend is an hour shorter)");
}

int
main(void)
{
	clock_set_zone("Europe/Paris");
	test_easter();
	test_holidays_2027();
	test_working_days();
	test_next_open();
	return tap_done();
}
