/*
 * digest_pool.c — the coordinators' part of the digest: the pool of
 * volunteers and the counts; see digest_data.h.
 *
 * The pool is read as one row per volunteer and theme (and per volunteer
 * and commune), sorted, so the renderer groups consecutive rows without
 * a second query per group.  A volunteer's load is the number of open
 * cases whose group they accepted to join: what a coordinator weighs
 * before asking them once more.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "store/store.h"
#include "timers/digest_data.h"
#include "store/case_db.h"

#define DG_OPEN_CASE	CASE_SQL_OPEN("state")

/* The volunteers of the pool (active, role volunteer), one row per item
 * of their JSON list `col` (themes or communes; NULL for an empty list),
 * with their load and whether they are unavailable at ?1 (and until
 * when: 0 for until further notice). */
#define DG_UNAVAILABLE	"p.unavailable = 1 AND coalesce(p.unavailable_until "\
	"> ?1, 1)"
/* Each volunteer's load, counted once from the open cases (index
 * cases_open; CROSS JOIN keeps that order), not per row of the pool
 * from every case of their years in the network. */
#define DG_LOAD "(SELECT m.person_id AS pid, count(*) AS n FROM cases c "	\
	"CROSS JOIN case_members m ON c.id = m.case_id WHERE m.role = "	\
	"'volunteer' AND m.status = 'accepted' AND c." DG_OPEN_CASE	\
	" GROUP BY m.person_id)"
#define DG_POOL(col)							\
	"SELECT NULL, NULL, NULL, t.value, coalesce(nullif(p.name, ''), "\
	"p.email), NULL, CASE WHEN " DG_UNAVAILABLE " THEN coalesce("	\
	"p.unavailable_until, 0) ELSE 0 END, coalesce(ld.n, 0), 0, 0, "	\
	"CASE WHEN " DG_UNAVAILABLE " THEN 'unavailable' END, NULL "	\
	"FROM persons p JOIN person_roles r ON "			\
	"r.person_id = p.id AND r.role = 'volunteer' LEFT JOIN "	\
	DG_LOAD " ld ON ld.pid = p.id LEFT JOIN "			\
	"json_each(p." col ") t WHERE p.active = 1 AND p.forgotten_at IS "\
	"NULL ORDER BY t.value IS NULL, t.value, 5, p.id"

/* Who came into the pool since the last digest: a newcomer's OUI to an
 * invitation (the 'joined_pool' event names the case), and anyone who
 * signed the charter (a newcomer signs it with the same OUI: one line).
 * The people are picked by id from those two (indexes events_at and
 * persons_charter), not by reading every person ever known. */
static int
dg_joined(struct store *st, struct digest *d, char *err, size_t errlen)
{
	return digest_rows(st, &d->joined, "joined the pool", "SELECT "
	    "coalesce(j.ref, ''), NULL, NULL, p.name, p.email, NULL, "
	    "coalesce(j.at, p.charter_signed_at), 0, 0, 0, CASE WHEN j.at IS "
	    "NOT NULL THEN 'is_newcomer' END, CASE WHEN p.charter_signed_at "
	    ">= ?1 THEN 'charter_signed' END FROM persons p LEFT JOIN (SELECT "
	    "CAST(json_extract(details, '$.person_id') AS INTEGER) AS pid, "
	    "json_extract(details, '$.ref') AS ref, min(at) AS at FROM events "
	    "WHERE kind = 'joined_pool' AND at >= ?1 GROUP BY pid) j ON "
	    "j.pid = p.id WHERE p.id IN (SELECT CAST(json_extract(details, "
	    "'$.person_id') AS INTEGER) FROM events WHERE kind = 'joined_pool' "
	    "AND at >= ?1 UNION ALL SELECT id FROM persons WHERE "
	    "charter_signed_at >= ?1) AND p.forgotten_at IS NULL "
	    "ORDER BY 7, p.id",
	    STORE_ARGS(STORE_INT(d->since)), err, errlen);
}

/* The latest DIGEST_WITNESSES_MAX witnesses (testimonies_yes walked
 * from its end), then how many there are in all and how many are new
 * since the last digest, counted rather than listed. */
static int
dg_witnesses(struct store *st, struct digest *d, char *err, size_t errlen)
{
	int64_t total = 0, fresh = 0;

	if (digest_rows(st, &d->witnesses, "witnesses", "SELECT c.ref, "
	    "c.subject, coalesce(nullif(rp.name, ''), rp.email, ''), "
	    "coalesce(nullif(p.name, ''), p.email), (SELECT "
	    "group_concat(value, ',') FROM json_each(t.themes)), t.commune, "
	    "coalesce(t.answered_at, 0), 0, 0, 0, CASE WHEN t.answered_at >= "
	    "?1 THEN 'is_new' END, NULL FROM testimonies t JOIN persons p ON "
	    "p.id = t.person_id JOIN cases c ON c.id = t.case_id LEFT JOIN "
	    "persons rp ON rp.id = c.referent_id WHERE t.answer = 'yes' AND "
	    "p.forgotten_at IS NULL ORDER BY t.answered_at DESC, c.ref "
	    "LIMIT ?2", STORE_ARGS(STORE_INT(d->since),
	    STORE_INT(DIGEST_WITNESSES_MAX)), err, errlen) != 0 ||
	    store_get_int64(st, &total, "digest: witnesses", "SELECT count(*) "
	    "FROM testimonies t JOIN persons p ON p.id = t.person_id WHERE "
	    "t.answer = 'yes' AND p.forgotten_at IS NULL", NULL, 0, err,
	    errlen) < 0 ||
	    store_get_int64(st, &fresh, "digest: new witnesses", "SELECT "
	    "count(*) FROM testimonies t JOIN persons p ON p.id = "
	    "t.person_id WHERE t.answer = 'yes' AND t.answered_at >= ?1 AND "
	    "p.forgotten_at IS NULL", STORE_ARGS(STORE_INT(d->since)), err,
	    errlen) < 0)
		return -1;
	d->witnesses_total = total;
	d->witnesses_new = fresh;
	return 0;
}

static int
dg_pool(struct store *st, struct digest *d, char *err, size_t errlen)
{
	if (digest_rows(st, &d->pool_theme, "pool by theme", DG_POOL("themes"),
	    STORE_ARGS(STORE_INT(d->now)), err, errlen) != 0 ||
	    digest_rows(st, &d->pool_commune, "pool by commune",
	    DG_POOL("communes"), STORE_ARGS(STORE_INT(d->now)), err,
	    errlen) != 0 ||
	    dg_joined(st, d, err, errlen) != 0 ||
	    dg_witnesses(st, d, err, errlen) != 0)
		return -1;
	return 0;
}

static int
dg_counts(struct store *st, struct digest *d, char *err, size_t errlen)
{
	return digest_rows(st, &d->by_state, "cases by state", "SELECT NULL, "
	    "NULL, NULL, state, NULL, NULL, 0, count(*), 0, 0, 'state_' || "
	    "state, NULL FROM cases GROUP BY state ORDER BY CASE state WHEN "
	    "'new' THEN 1 WHEN 'analysis' THEN 2 WHEN 'forming' THEN 3 WHEN "
	    "'meeting' THEN 4 WHEN 'active' THEN 5 WHEN 'closed' THEN 6 WHEN "
	    "'ineligible' THEN 7 ELSE 8 END", NULL, 0, err, errlen) != 0 ||
	    digest_rows(st, &d->by_theme, "open cases by theme", "SELECT "
	    "NULL, NULL, NULL, t.value, NULL, NULL, 0, count(*), 0, 0, NULL, "
	    "NULL FROM cases c LEFT JOIN json_each(c.themes) t WHERE c."
	    DG_OPEN_CASE " GROUP BY t.value ORDER BY t.value IS NULL, "
	    "count(*) DESC, t.value", NULL, 0, err, errlen) != 0 ||
	    digest_rows(st, &d->by_commune, "open cases by commune", "SELECT "
	    "NULL, NULL, NULL, commune, NULL, NULL, 0, count(*), 0, 0, NULL, "
	    "NULL FROM cases WHERE " DG_OPEN_CASE " GROUP BY commune ORDER BY "
	    "commune IS NULL, count(*) DESC, commune", NULL, 0, err,
	    errlen) != 0 ? -1 : 0;
}

/* New and ended cases in each of the last DIGEST_TREND_MONTHS local
 * months, this one included. */
static int
dg_trend(struct store *st, struct digest *d, char *err, size_t errlen)
{
	time_t t = (time_t)d->now;
	struct tm tm;
	int year, month;

	localtime_r(&t, &tm);
	year = tm.tm_year + 1900;
	month = tm.tm_mon + 1 - (DIGEST_TREND_MONTHS - 1);
	while (month < 1) {
		month += 12;
		year--;
	}
	for (int i = 0; i < DIGEST_TREND_MONTHS; i++) {
		struct digest_month *m = &d->trend[i];
		int ny = month == 12 ? year + 1 : year;
		int nm = month == 12 ? 1 : month + 1;
		time_t from, to;
		int64_t n = 0;

		if (clock_local_time(year, month, 1, 0, 0, 0, &from) < 0 ||
		    clock_local_time(ny, nm, 1, 0, 0, 0, &to) < 0) {
			snprintf(err, errlen, "digest: no start for month "
			    "%d-%02d", year, month);
			return -1;
		}
		m->year = year;
		m->month = month;
		if (store_get_int64(st, &n, "digest: trend", "SELECT count(*) "
		    "FROM cases WHERE created_at >= ?1 AND created_at < ?2",
		    STORE_ARGS(STORE_INT(from), STORE_INT(to)), err,
		    errlen) < 0)
			return -1;
		m->opened = n;
		if (store_get_int64(st, &n, "digest: trend", "SELECT count(*) "
		    "FROM cases WHERE closed_at >= ?1 AND closed_at < ?2",
		    STORE_ARGS(STORE_INT(from), STORE_INT(to)), err,
		    errlen) < 0)
			return -1;
		m->ended = n;
		year = ny;
		month = nm;
	}
	return 0;
}

int
digest_load_pool(struct store *st, struct digest *d, char *err,
    size_t errlen)
{
	if (dg_pool(st, d, err, errlen) != 0 ||
	    dg_counts(st, d, err, errlen) != 0)
		return -1;
	return dg_trend(st, d, err, errlen);
}
