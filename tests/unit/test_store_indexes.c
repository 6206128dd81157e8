/*
 * test_store_indexes.c — migration 4: the indexes that keep ten years of
 * history off the way of a mail.  A version 3 database with assignments
 * on its timeline gets exactly the indexes of a fresh database, routing
 * then finds each referent's last assignment with one seek of
 * events_assigned (the exact plan), and the indexes already hold the
 * assignments made before the migration: the referent assigned longest
 * ago is chosen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "casework/route.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

#define INDEXES "SELECT group_concat(name || ': ' || sql, char(10)) FROM " \
	"(SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql " \
	"IS NOT NULL ORDER BY name)"

/* The plan of `sql`, its lines' details joined by " / " (owned). */
static char *
plan_of(struct store *st, const char *sql)
{
	char err[1024], eqp[2048];
	struct store_stmt *s;
	size_t len = 0;
	char *out = xcalloc(1, 4096);

	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	if ((s = store_prepare(st, eqp, err, sizeof(err))) == NULL) {
		snprintf(out, 4096, "(error: %s)", err);
		return out;
	}
	while (store_step(s) == STORE_ROW && len < 4000)
		len += (size_t)snprintf(out + len, 4096 - len, "%s%s",
		    len ? " / " : "", store_col_text(s, 3));
	store_finalize(s);
	return out;
}

/* Two referents of Ambert, each assigned a case: r1 at 2000, r2 at 1000
 * (the assignment events as case_db.c writes them). */
static void
fill(struct store *st)
{
	exec_ok(st, "INSERT INTO persons (id, email, communes, created_at, "
	    "updated_at) VALUES (1, 'r1@example.org', '[\"Ambert\"]', 1, 1), "
	    "(2, 'r2@example.org', '[\"Ambert\"]', 1, 1); "
	    "INSERT INTO person_roles (person_id, role, since) VALUES "
	    "(1, 'referent', 1), (2, 'referent', 1); "
	    "INSERT INTO cases (id, ref, year, seq, kind, state, state_since, "
	    "referent_id, created_at, updated_at, last_activity_at, closed_at) "
	    "VALUES (1, 'CDP-2020-0001', 2020, 1, 'request', 'closed', 3000, 1, "
	    "900, 3000, 3000, 3000), (2, 'CDP-2020-0002', 2020, 2, 'request', "
	    "'closed', 3000, 2, 900, 3000, 3000, 3000); "
	    "INSERT INTO events (case_id, at, kind, details) VALUES "
	    "(1, 1500, 'assigned', json_object('referent_id', '2')), "
	    "(1, 2000, 'assigned', json_object('referent_id', '1')), "
	    "(2, 1000, 'assigned', json_object('referent_id', '2')), "
	    "(2, 2500, 'note', json_object('referent_id', '1'))");
}

static void
test_upgrade_from_3(void)
{
	const char *path = path_in("v3.db");
	struct store *st = NULL;
	char err[1024], *fresh, *plan;
	int64_t id = 0;

	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	fresh = xstrdup(q_text(st, INDEXES));
	is_int(q_int(st, "SELECT count(*) FROM sqlite_schema WHERE type = "
	    "'index' AND name IN ('events_assigned', 'events_at', "
	    "'cases_open', 'cases_created', 'cases_closed', "
	    "'persons_failing', 'persons_charter', 'meetings_scheduled', "
	    "'milestones_planned', "
	    "'testimonies_yes', 'jobs_done', 'outbox_template', "
	    "'quarantine_created')"), 13, "fresh: the 13 indexes of v4");
	exec_ok(st, V4_DROP "PRAGMA user_version = 3");
	fill(st);
	is_int(q_int(st, "SELECT count(*) FROM sqlite_schema WHERE name = "
	    "'events_assigned'"), 0, "v3: no events_assigned");
	store_close(st);
	st = NULL;
	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		free(fresh);
		return;
	}
	is_int(store_version(st), 4, "v3: migrated to version 4");
	is_str(q_text(st, INDEXES), fresh, "v3: the indexes of a fresh "
	    "database, written the same");

	/* The query route.c runs for each referent. */
	plan = plan_of(st, "SELECT max(e.at) FROM events e WHERE e.kind = "
	    "'assigned' AND json_extract(e.details, '$.referent_id') = "
	    "printf('%d', 2)");
	is_str(plan, "SEARCH e USING INDEX events_assigned (<expr>=?)",
	    "last assignment: one seek of events_assigned");
	free(plan);
	plan = plan_of(st, "SELECT count(*) FROM cases c WHERE c.referent_id "
	    "= 2 AND c.state NOT IN ('ineligible', 'closed', 'withdrawn')");
	is_str(plan, "SEARCH c USING INDEX cases_open (referent_id=?)",
	    "open cases: the open ones only");
	free(plan);
	is_int(q_int(st, "SELECT max(e.at) FROM events e WHERE e.kind = "
	    "'assigned' AND json_extract(e.details, '$.referent_id') = "
	    "printf('%d', 2)"), 1500, "r2's last assignment, from before the "
	    "migration");
	is_int(route_referent(st, "Ambert", "[]", 5, 5000, &id, err,
	    sizeof(err)), 1, "routing finds a referent");
	is_int(id, 2, "... r2, assigned longest ago (1500 < 2000)");
	exec_ok(st, "INSERT INTO events (case_id, at, kind, details) VALUES "
	    "(2, 4000, 'assigned', json_object('referent_id', '2'))");
	is_int(route_referent(st, "Ambert", "[]", 5, 5000, &id, err,
	    sizeof(err)), 1, "after a new assignment to r2");
	is_int(id, 1, "... r1's turn");
	store_close(st);
	free(fresh);
}

int
main(void)
{
	scratch_make("store-indexes");
	test_upgrade_from_3();
	scratch_remove();
	return tap_done();
}
