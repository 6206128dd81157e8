/*
 * test_store_indexes.c — migration 4: the indexes that keep ten years of
 * history off the way of a mail.  A version 3 database with assignments
 * on its timeline gets exactly the indexes of a fresh database, routing
 * then finds each referent's last assignment with one seek of
 * events_assigned (the exact plan), and the indexes already hold the
 * assignments made before the migration: the referent assigned longest
 * ago is chosen.
 *
 * Migration 5: a version 4 database gets the witnesses' commune index,
 * the witnesses of a commune are then one seek of it and the latest
 * witnesses a walk of testimonies_yes from its end (no sort of every
 * OUI), and the picks are the same before and after.  The daily limits
 * of intake (outbox by template and day) and the digest's count by state
 * (cases_state alone, no row read) have their exact plans checked too.
 *
 * Migration 6: a version 5 database gets the indexes of the mails still
 * kept; the daily purge then walks those and looks up each one's case,
 * instead of listing every ended case, and purges the mails of before
 * the migration exactly as before.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "casework/route.h"
#include "store/case_db.h"
#include "store/store.h"
#include "store/retention_db.h"
#include "store/testimony_db.h"
#include "tap.h"
#include "testutil.h"

/* Undoes migration 5 (store.c). */
#define V5_DROP "DROP INDEX testimonies_yes_commune; "

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
	    "'testimonies_yes', 'jobs_done', 'quarantine_created')"), 12,
	    "fresh: the 12 indexes of v4 that migration 9 kept");
	exec_ok(st, V10_DROP V9_UNDO V7_DROP V6_DROP V5_DROP V4_DROP
	    "PRAGMA user_version = 3");
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
	is_int(store_version(st), STORE_SCHEMA_VERSION, "v3: migrated to "
	    "the current version");
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
	    "= 2 AND " CASE_SQL_OPEN("c.state"));
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

/* "name, name, ..." of the witnesses for `themes` in `commune`. */
static char *
witness_names(struct store *st, const char *themes, const char *commune)
{
	struct testimony_witness *w = NULL;
	char err[256], *out = xcalloc(1, 512);
	size_t n = 0, len = 0;

	if (testimony_witnesses(st, themes, commune, 0, 3, &w, &n, err,
	    sizeof(err)) != 0) {
		snprintf(out, 512, "(error: %s)", err);
		return out;
	}
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, 512 - len, "%s%s",
		    i ? ", " : "", w[i].name);
	testimony_witnesses_free(w, n);
	return out;
}

/* Former holders who said OUI: p(n) on case n, themes and commune as
 * given, answered at `at`. */
static void
witnesses_fill(struct store *st)
{
	exec_ok(st, "INSERT INTO persons (id, email, name, created_at, "
	    "updated_at) VALUES (11, 'a@example.org', 'Ana', 1, 1), "
	    "(12, 'b@example.org', 'Basile', 1, 1), (13, 'c@example.org', "
	    "'Chloé', 1, 1), (14, 'd@example.org', 'Dan', 1, 1), "
	    "(15, 'e@example.org', 'Eva', 1, 1); "
	    "INSERT INTO cases (id, ref, year, seq, kind, state, state_since, "
	    "holder_id, themes, commune, created_at, updated_at, "
	    "last_activity_at, closed_at) VALUES "
	    "(11, 'CDP-2021-0011', 2021, 11, 'request', 'closed', 1, 11, "
	    "'[\"eau\"]', 'Thiers', 1, 1, 1, 1), "
	    "(12, 'CDP-2021-0012', 2021, 12, 'request', 'closed', 1, 12, "
	    "'[\"eau\",\"energie\"]', 'Ambert', 1, 1, 1, 1), "
	    "(13, 'CDP-2021-0013', 2021, 13, 'request', 'closed', 1, 13, "
	    "'[\"eau\"]', 'THIERS', 1, 1, 1, 1), "
	    "(14, 'CDP-2021-0014', 2021, 14, 'request', 'closed', 1, 14, "
	    "'[\"eau\"]', NULL, 1, 1, 1, 1), "
	    "(15, 'CDP-2021-0015', 2021, 15, 'request', 'closed', 1, 15, "
	    "'[\"eau\"]', 'Olliergues', 1, 1, 1, 1); "
	    "INSERT INTO testimonies (case_id, person_id, answer, answered_at, "
	    "themes, commune) SELECT id, holder_id, 'yes', 1000 + id, themes, "
	    "commune FROM cases WHERE id BETWEEN 11 AND 15");
}

static void
test_upgrade_from_4(void)
{
	const char *path = path_in("v4.db");
	struct store *st = NULL;
	char err[1024], *fresh, *got;

	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	fresh = xstrdup(q_text(st, INDEXES));
	exec_ok(st, V10_DROP V9_UNDO V7_DROP V6_DROP V5_DROP "PRAGMA user_version = 4");
	witnesses_fill(st);
	got = witness_names(st, "[\"eau\"]", "thiers");
	is_str(got, "Chloé, Ana, Eva", "v4: Thiers first (any case), then the "
	    "latest");
	free(got);
	store_close(st);
	st = NULL;
	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		free(fresh);
		return;
	}
	is_int(store_version(st), STORE_SCHEMA_VERSION, "v4: migrated to "
	    "the current version");
	is_str(q_text(st, INDEXES), fresh, "v4: the indexes of a fresh "
	    "database, written the same");
	got = witness_names(st, "[\"eau\"]", "thiers");
	is_str(got, "Chloé, Ana, Eva", "v5: the same witnesses, from the rows "
	    "of before the migration");
	free(got);
	got = witness_names(st, "[\"energie\"]", "Thiers");
	is_str(got, "Basile", "v5: another theme, another commune");
	free(got);
	got = witness_names(st, "[\"eau\"]", NULL);
	is_str(got, "Eva, Dan, Chloé", "v5: commune unknown: the latest");
	free(got);

	/* The two statements testimony_db.c runs, in this order. */
	got = plan_of(st, "SELECT p.id FROM testimonies t JOIN persons p ON "
	    "p.id = t.person_id WHERE t.answer = 'yes' AND p.active = 1 AND "
	    "t.commune = ?2 COLLATE NOCASE ORDER BY t.answered_at DESC, "
	    "t.case_id DESC");
	is_str(got, "SEARCH t USING INDEX testimonies_yes_commune (commune=?) "
	    "/ SEARCH p USING INTEGER PRIMARY KEY (rowid=?)",
	    "witnesses of the commune: a seek, in order, no sort");
	free(got);
	got = plan_of(st, "SELECT p.id FROM testimonies t JOIN persons p ON "
	    "p.id = t.person_id WHERE t.answer = 'yes' AND p.active = 1 "
	    "ORDER BY t.answered_at DESC, t.case_id DESC");
	is_str(got, "SCAN t USING INDEX testimonies_yes / SEARCH p USING "
	    "INTEGER PRIMARY KEY (rowid=?)", "the latest witnesses: the OUIs "
	    "in order, no sort");
	free(got);
	store_close(st);
	free(fresh);
}

/* Two ended cases (1, 2) and an open one (3), each with a received and
 * a sent mail; case 2's were purged on an earlier day. */
static void
kept_fill(struct store *st)
{
	exec_ok(st, "INSERT INTO cases (id, ref, year, seq, kind, state, "
	    "state_since, created_at, updated_at, last_activity_at, "
	    "closed_at) VALUES (1, 'CDP-2020-0001', 2020, 1, 'request', "
	    "'closed', 1, 1, 1, 1, 1000), (2, 'CDP-2020-0002', 2020, 2, "
	    "'request', 'withdrawn', 1, 1, 1, 1, 900), (3, 'CDP-2020-0003', "
	    "2020, 3, 'request', 'active', 1, 1, 1, 1, NULL); "
	    "INSERT INTO messages (id, direction, case_id, message_id, "
	    "content_hash, raw, new_text, received_at, purged_at) SELECT "
	    "id, 'in', id, 'm' || id, printf('%064d', id), CASE id WHEN 2 "
	    "THEN X'' ELSE CAST('Bonjour' AS BLOB) END, NULL, 100, CASE id "
	    "WHEN 2 THEN 950 END FROM cases; "
	    "INSERT INTO outbox (id, case_id, sender, recipients, message_id, "
	    "message, status, next_attempt_at, created_at, sent_at) SELECT "
	    "id, id, 'cdp', '[\"h@example.org\"]', 'o' || id, CASE id WHEN "
	    "2 THEN X'' ELSE CAST('Bonjour' AS BLOB) END, 'sent', 100, 100, "
	    "100 FROM cases");
}

static void
test_upgrade_from_5(void)
{
	const char *path = path_in("v5.db");
	struct store *st = NULL;
	char err[1024], *fresh, *got;
	long long n = -1;

	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	fresh = xstrdup(q_text(st, INDEXES));
	exec_ok(st, V10_DROP V9_UNDO V7_DROP V6_DROP "PRAGMA user_version = 5");
	kept_fill(st);
	store_close(st);
	st = NULL;
	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		free(fresh);
		return;
	}
	is_int(store_version(st), STORE_SCHEMA_VERSION, "v5: migrated to "
	    "the current version");
	is_str(q_text(st, INDEXES), fresh, "v5: the indexes of a fresh "
	    "database, written the same");
	is_str(q_text(st, "SELECT (SELECT group_concat(id) FROM messages "
	    "INDEXED BY messages_kept WHERE purged_at IS NULL AND "
	    "(length(raw) > 0 OR new_text IS NOT NULL)) || ' / ' || (SELECT "
	    "group_concat(id) FROM outbox INDEXED BY outbox_kept WHERE "
	    "status IN ('sent', 'failed') AND length(message) > 0)"),
	    "1,3 / 1,3", "v5: the mails kept before the migration are "
	    "indexed, the purged ones not");

	/* The two statements retention_db.c runs each day. */
	got = plan_of(st, "UPDATE messages SET raw = X'', new_text = NULL, "
	    "purged_at = ?2 WHERE purged_at IS NULL AND (length(raw) > 0 OR "
	    "new_text IS NOT NULL) AND (EXISTS (SELECT 1 FROM cases c WHERE "
	    "c.id = messages.case_id AND c.state IN ('closed', 'withdrawn', "
	    "'ineligible') AND c.closed_at <= ?1) OR (case_id IS NULL AND "
	    "received_at <= ?1))");
	is_str(got, "SCAN messages USING INDEX messages_kept / CORRELATED "
	    "SCALAR SUBQUERY 1 / SEARCH c USING INTEGER PRIMARY KEY (rowid=?)",
	    "purge of received mails: the kept ones, each case by id");
	free(got);
	got = plan_of(st, "UPDATE outbox INDEXED BY outbox_kept SET message = "
	    "X'' WHERE status IN ('sent', 'failed') AND length(message) > 0 "
	    "AND (EXISTS (SELECT 1 FROM cases c WHERE c.id = outbox.case_id "
	    "AND c.state IN ('closed', 'withdrawn', 'ineligible') AND "
	    "c.closed_at <= ?1) OR (case_id IS NULL AND coalesce(sent_at, "
	    "created_at) <= ?1))");
	is_str(got, "SCAN outbox USING INDEX outbox_kept / CORRELATED SCALAR "
	    "SUBQUERY 1 / SEARCH c USING INTEGER PRIMARY KEY (rowid=?)",
	    "purge of sent mails: the kept ones, each case by id");
	free(got);
	is_int(retention_purge(st, 2000, 3000, &n, err, sizeof(err)), 0,
	    "v6: the purge runs");
	is_int(n, 2, "v6: case 1's two mails purged");
	is_str(q_text(st, "SELECT group_concat(id || ':' || length(raw) || ':' "
	    "|| coalesce(purged_at, '-'), ' ') FROM messages"), "1:0:3000 "
	    "2:0:950 3:7:-", "v6: the ended case's mail purged, the earlier "
	    "purge kept, the open case's mail kept");
	is_str(q_text(st, "SELECT group_concat(id || ':' || length(message), "
	    "' ') FROM outbox"), "1:0 2:0 3:7", "v6: the same for sent mail");
	is_str(q_text(st, "SELECT coalesce((SELECT group_concat(id) FROM "
	    "messages INDEXED BY messages_kept WHERE purged_at IS NULL AND "
	    "(length(raw) > 0 OR new_text IS NOT NULL)), '')"), "3",
	    "v6: what is purged leaves the index");
	store_close(st);
	free(fresh);
}

#define TRIGGERS "SELECT group_concat(name || ': ' || sql, char(10)) " \
	"FROM (SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' " \
	"ORDER BY name)"

/* The loads of the volunteers route_volunteers() proposes for energy,
 * "email:load ..." (owned). */
static char *
loads(struct store *st)
{
	struct route_volunteer *v = NULL;
	char err[256], *out = xcalloc(1, 512);
	size_t n = 0, len = 0;

	if (route_volunteers(st, "[\"energie\"]", 10, 0, &v, &n, err,
	    sizeof(err)) != 0) {
		snprintf(out, 512, "(error: %.256s)", err);
		return out;
	}
	for (size_t i = 0; i < n && len < 400; i++)
		len += (size_t)snprintf(out + len, 512 - len, "%s%s:%d",
		    i ? " " : "", v[i].email, v[i].load);
	route_volunteers_free(v, n);
	return out;
}

/* Migration 7: a version 6 database with volunteers in open and ended
 * cases gets the `ended` marks, the index of open memberships and the
 * triggers of a fresh database; the loads are the same before and
 * after, and follow the cases' ends and reopenings and the memberships
 * added to an ended case. */
static void
test_upgrade_from_6(void)
{
	const char *path = path_in("v6.db");
	struct store *st = NULL;
	char err[1024], *fresh, *fresh_trg, *got;

	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	fresh = xstrdup(q_text(st, INDEXES));
	fresh_trg = xstrdup(q_text(st, TRIGGERS));
	exec_ok(st, V10_DROP V9_UNDO V7_DROP "PRAGMA user_version = 6");
	/* v1 in cases 1 (open) and 2 (closed), v2 invited to 1 and 3
	 * (open), declined 4 (open), v3 in 2 only. */
	exec_ok(st, "INSERT INTO persons (id, email, themes, created_at, "
	    "updated_at) VALUES (1, 'v1@example.org', '[\"energie\"]', 1, 1), "
	    "(2, 'v2@example.org', '[\"energie\"]', 1, 1), "
	    "(3, 'v3@example.org', '[\"energie\"]', 1, 1); "
	    "INSERT INTO person_roles (person_id, role, since) VALUES "
	    "(1, 'volunteer', 1), (2, 'volunteer', 1), (3, 'volunteer', 1); "
	    "INSERT INTO cases (id, ref, year, seq, kind, state, state_since, "
	    "created_at, updated_at, last_activity_at) VALUES "
	    "(1, 'CDP-2020-0001', 2020, 1, 'request', 'new', 1, 1, 1, 1), "
	    "(2, 'CDP-2020-0002', 2020, 2, 'request', 'closed', 1, 1, 1, 1), "
	    "(3, 'CDP-2020-0003', 2020, 3, 'request', 'active', 1, 1, 1, 1), "
	    "(4, 'CDP-2020-0004', 2020, 4, 'request', 'new', 1, 1, 1, 1); "
	    "INSERT INTO case_members (case_id, person_id, role, status) "
	    "VALUES (1, 1, 'volunteer', 'accepted'), "
	    "(2, 1, 'volunteer', 'accepted'), (1, 2, 'volunteer', 'invited'), "
	    "(3, 2, 'volunteer', 'accepted'), (4, 2, 'volunteer', 'declined'), "
	    "(2, 3, 'volunteer', 'accepted')");
	store_close(st);
	st = NULL;
	if (store_open(path, &st, err, sizeof(err)) != 0) {
		ok(0, err);
		free(fresh);
		free(fresh_trg);
		return;
	}
	is_int(store_version(st), STORE_SCHEMA_VERSION, "v6: migrated to "
	    "the current version");
	is_str(q_text(st, INDEXES), fresh, "v6: the indexes of a fresh "
	    "database, written the same");
	is_str(q_text(st, TRIGGERS), fresh_trg, "v6: the triggers of a fresh "
	    "database, written the same");
	is_str(q_text(st, "SELECT group_concat(case_id || ':' || person_id, "
	    "' ') FROM (SELECT case_id, person_id FROM case_members INDEXED BY "
	    "case_members_open WHERE ended = 0 AND role = 'volunteer' AND "
	    "status IN ('invited', 'accepted') ORDER BY case_id, person_id)"),
	    "1:1 1:2 3:2", "v6: the open memberships indexed, the closed "
	    "case's and the declined one not");
	/* What the count over every open case gave before migration 7. */
	got = loads(st);
	is_str(got, "v3@example.org:0 v1@example.org:1 v2@example.org:2",
	    "v7: the loads, least loaded first, as before the migration");
	free(got);
	got = plan_of(st, "SELECT count(*) FROM case_members m WHERE "
	    "m.person_id = ?1 AND m.ended = 0 AND m.role = 'volunteer' AND "
	    "m.status IN ('invited', 'accepted')");
	is_str(got, "SEARCH m USING INDEX case_members_open (person_id=?)",
	    "a volunteer's load: their open memberships only");
	free(got);
	exec_ok(st, "UPDATE cases SET state = 'withdrawn' WHERE id = 3");
	got = loads(st);
	is_str(got, "v3@example.org:0 v1@example.org:1 v2@example.org:1",
	    "v7: a case that ends leaves its volunteers' loads");
	free(got);
	exec_ok(st, "UPDATE cases SET state = 'active' WHERE id = 2");
	got = loads(st);
	is_str(got, "v2@example.org:1 v3@example.org:1 v1@example.org:2",
	    "v7: a case reopened counts again");
	free(got);
	exec_ok(st, "UPDATE cases SET state = 'closed' WHERE id = 2; "
	    "INSERT INTO case_members (case_id, person_id, role, status) "
	    "VALUES (3, 3, 'volunteer', 'accepted')");
	is_str(q_text(st, "SELECT group_concat(case_id || ':' || person_id "
	    "|| ':' || ended, ' ') FROM (SELECT * FROM case_members ORDER BY "
	    "case_id, person_id)"), "1:1:0 1:2:0 2:1:1 2:3:1 3:2:1 3:3:1 "
	    "4:2:0", "v7: ended follows the state, also for a membership "
	    "added to an ended case");
	store_close(st);
	free(fresh);
	free(fresh_trg);
}

/* Statements run for every new mail or every digest: their plans. */
static void
test_plans(void)
{
	struct store *st = NULL;
	char err[1024], *got;

	if (store_open(path_in("plans.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	/* casework/intake.c: the daily limits. */
	got = plan_of(st, "SELECT 1 FROM events e CROSS JOIN outbox o ON "
	    "o.case_id = e.case_id AND +o.template = 'duplicate_notice' AND "
	    "o.created_at >= ?2 WHERE e.kind = 'possible_duplicate' AND "
	    "json_extract(e.details, '$.other_ref') = ?1 LIMIT 1");
	is_str(got, "SEARCH e USING INDEX events_duplicate (<expr>=?) / "
	    "SEARCH o USING INDEX outbox_case (case_id=?)",
	    "duplicate notice today: the case's duplicates, then their mails");
	free(got);
	got = plan_of(st, "SELECT 1 FROM outbox WHERE person_id = ?3 AND "
	    "template IN (?1, ?2) AND created_at >= ?4 LIMIT 1");
	is_str(got, "SEARCH outbox USING COVERING INDEX outbox_person "
	    "(person_id=? AND template=? AND created_at>?)", "acknowledged "
	    "today, a person: their mail of the template today only, from "
	    "the index alone");
	free(got);
	/* Schema 9: the indexes left partial or dropped still serve. */
	got = plan_of(st, "SELECT ref FROM cases WHERE referent_id = ?1 AND "
	    CASE_SQL_OPEN("state") " ORDER BY ref");
	is_str(got, "SEARCH cases USING INDEX cases_open (referent_id=?) / "
	    "USE TEMP B-TREE FOR ORDER BY", "a referent's open cases (RETIRER): "
	    "the open ones only");
	free(got);
	got = plan_of(st, "SELECT new_text FROM messages WHERE case_id = ?1 "
	    "AND direction = 'in' AND matched_by = 'new' ORDER BY id LIMIT 1");
	is_str(got, "SEARCH messages USING INDEX messages_case (case_id=?) / "
	    "USE TEMP B-TREE FOR ORDER BY", "a case's first mail: its mails "
	    "only");
	free(got);
	got = plan_of(st, "SELECT id FROM messages WHERE person_id = ?1");
	is_str(got, "SEARCH messages USING COVERING INDEX messages_person "
	    "(person_id=?)", "a person's mails (export): theirs only");
	free(got);
	/* out/outbox_send.c: the next due mails, oldest first. */
	got = plan_of(st, "SELECT id, json_array_length(recipients) FROM "
	    "outbox INDEXED BY outbox_pending WHERE status IN ('queued', "
	    "'sending') AND message_id IS NOT NULL AND message_id IS NOT NULL "
	    "AND next_attempt_at <= ?1 AND (status = 'sending' OR (status = "
	    "'queued' AND (hold_until IS NULL OR hold_until <= ?1))) AND id > "
	    "?2 ORDER BY id LIMIT ?3");
	is_str(got, "SEARCH outbox USING INDEX outbox_pending (id>?)",
	    "next due mails: the queue in order, no sort");
	free(got);
	got = plan_of(st, "SELECT min(CASE WHEN status = 'queued' THEN "
	    "max(next_attempt_at, coalesce(hold_until, 0)) ELSE "
	    "next_attempt_at END) FROM outbox INDEXED BY outbox_wake WHERE "
	    "status IN ('queued', 'sending') AND message_id IS NOT NULL");
	is_str(got, "SEARCH outbox USING INDEX outbox_wake",
	    "when the next mail is due: one end of the index");
	free(got);
	/* timers/digest_pool.c: cases by state. */
	got = plan_of(st, "SELECT state, count(*) FROM cases GROUP BY state "
	    "ORDER BY CASE state WHEN 'new' THEN 1 ELSE 8 END");
	is_str(got, "SCAN cases USING COVERING INDEX cases_state / USE TEMP "
	    "B-TREE FOR ORDER BY", "cases by state: the index alone, no row");
	free(got);
	store_close(st);
}

int
main(void)
{
	scratch_make("store-indexes");
	test_upgrade_from_3();
	test_upgrade_from_4();
	test_upgrade_from_5();
	test_upgrade_from_6();
	test_plans();
	scratch_remove();
	return tap_done();
}
