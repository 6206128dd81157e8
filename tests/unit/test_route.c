/*
 * test_route.c — choosing a referent: commune first, then themes, then
 * load, then the longest wait since the last assignment; limits, inactive
 * referents and nobody available; and the same from the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/case_db.h"
#include "casework/route.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char *ambert[] = { "Ambert" };
static char *thiers[] = { "Thiers" };
static char *energie[] = { "energie" };
static char *energie_eau[] = { "energie", "eau" };
static char *alim[] = { "alimentation" };

static struct route_candidate
cand(int64_t id, char **communes, size_t nc, char **themes, size_t nt,
    int open, int max, long long last, int active)
{
	struct route_candidate c = { id, communes, nc, themes, nt, open, max,
	    last, active };

	return c;
}

static void
test_pick(void)
{
	struct route_candidate c[4];
	char *want_themes[] = { "energie", "eau" };

	/* Load: the one with fewer open cases. */
	c[0] = cand(1, NULL, 0, NULL, 0, 3, 5, 0, 1);
	c[1] = cand(2, NULL, 0, NULL, 0, 1, 5, 0, 1);
	is_int(route_pick(c, 2, NULL, NULL, 0), 1, "load: fewest open cases");

	/* Theme beats load. */
	c[0] = cand(1, NULL, 0, energie, 1, 3, 5, 0, 1);
	c[1] = cand(2, NULL, 0, alim, 1, 0, 5, 0, 1);
	is_int(route_pick(c, 2, NULL, energie, 1), 0,
	    "theme: a matching theme beats a lighter load");
	c[1] = cand(2, NULL, 0, energie_eau, 2, 3, 5, 0, 1);
	is_int(route_pick(c, 2, NULL, want_themes, 2), 1,
	    "theme: more shared themes win");

	/* Commune beats theme. */
	c[0] = cand(1, thiers, 1, energie, 1, 0, 5, 0, 1);
	c[1] = cand(2, ambert, 1, alim, 1, 2, 5, 0, 1);
	is_int(route_pick(c, 2, "Ambert", energie, 1), 1,
	    "commune: serving the commune beats theme and load");
	is_int(route_pick(c, 2, "ambert", energie, 1), 1,
	    "commune: compared case-insensitively");
	is_int(route_pick(c, 2, NULL, energie, 1), 0,
	    "commune unknown: theme decides");

	/* Last assignment breaks ties; never assigned first. */
	c[0] = cand(1, NULL, 0, NULL, 0, 1, 5, 2000, 1);
	c[1] = cand(2, NULL, 0, NULL, 0, 1, 5, 1000, 1);
	c[2] = cand(3, NULL, 0, NULL, 0, 1, 5, 0, 1);
	is_int(route_pick(c, 3, NULL, NULL, 0), 2,
	    "tie: never assigned goes first");
	is_int(route_pick(c, 2, NULL, NULL, 0), 1,
	    "tie: oldest last assignment goes first");
	c[1] = cand(2, NULL, 0, NULL, 0, 1, 5, 2000, 1);
	is_int(route_pick(c, 2, NULL, NULL, 0), 0,
	    "full tie: lowest person id");

	/* Limits and inactive referents. */
	c[0] = cand(1, ambert, 1, energie, 1, 5, 5, 0, 1);
	c[1] = cand(2, ambert, 1, energie, 1, 0, 5, 0, 0);
	c[2] = cand(3, NULL, 0, NULL, 0, 4, 5, 0, 1);
	is_int(route_pick(c, 3, "Ambert", energie, 1), 2,
	    "full and inactive referents are skipped");
	is_int(route_pick(c, 2, "Ambert", energie, 1), -1,
	    "nobody available: -1");
	is_int(route_pick(c, 0, "Ambert", energie, 1), -1,
	    "no referent at all: -1");
}

static int
add_person(struct store *st, const char *email, const char *role,
    const char *themes, const char *communes, int max, int active)
{
	char sql[1024], err[256];

	snprintf(sql, sizeof(sql), "INSERT INTO persons (email, name, themes, "
	    "communes, max_open_cases, active, created_at, updated_at) VALUES "
	    "('%s', '%s', '%s', '%s', %s, %d, 0, 0)", email, email, themes,
	    communes, max ? "2" : "NULL", active);
	if (store_exec(st, sql, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		return 0;
	}
	snprintf(sql, sizeof(sql), "INSERT INTO person_roles (person_id, "
	    "role, since) VALUES (%lld, '%s', 0)",
	    (long long)store_last_insert_id(st), role);
	if (store_exec(st, sql, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		return 0;
	}
	return 1;
}

static int64_t
person_id(struct store *st, const char *email)
{
	struct store_stmt *s;
	char err[256];
	int64_t id = 0;

	s = store_prepare(st, "SELECT id FROM persons WHERE email = ?1", err,
	    sizeof(err));
	store_bind_text(s, 1, email);
	if (store_step(s) == STORE_ROW)
		id = store_col_int64(s, 0);
	store_finalize(s);
	return id;
}

/* The routing clock of the tests (routing only compares it with
 * unavailable_until). */
#define NOW	1000

static void
test_db(void)
{
	struct store *st = NULL;
	struct route_volunteer *v = NULL;
	char err[512], ref[32];
	struct case_new n = { "request", "[\"energie\"]", "Ambert", "x", 0 };
	int64_t id = 0, cid = 0, r1, r2;
	size_t nv = 0;

	if (store_open(path_in("route.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, NOW, &id, err,
	    sizeof(err)), 0, "db: no referent at all: 0");
	add_person(st, "r1@example.org", "referent", "[\"energie\"]",
	    "[\"Thiers\"]", 1, 1);
	add_person(st, "r2@example.org", "referent", "[]", "[\"Ambert\"]", 0,
	    1);
	add_person(st, "off@example.org", "referent", "[\"energie\"]",
	    "[\"Ambert\"]", 0, 0);
	add_person(st, "v1@example.org", "volunteer",
	    "[\"energie\",\"eau\"]", "[]", 0, 1);
	add_person(st, "v2@example.org", "volunteer", "[\"alimentation\"]",
	    "[]", 0, 1);
	r1 = person_id(st, "r1@example.org");
	r2 = person_id(st, "r2@example.org");

	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, NOW, &id, err,
	    sizeof(err)), 1, "db: a referent found");
	is_int(id, r2, "db: the one serving the commune");
	is_int(route_referent(st, "Olliergues", "[\"energie\"]", 5, NOW, &id,
	    err, sizeof(err)), 1, "db: other commune");
	is_int(id, r1, "db: the one knowing the theme");

	/* r1 takes a case: at its limit of 2? one more makes it full. */
	for (int i = 0; i < 2; i++) {
		if (case_create(st, &n, 1000 + i, &cid, ref, sizeof(ref), err,
		    sizeof(err)) != 0 || case_assign(st, cid, r1, 0, 0,
		    1000 + i, err, sizeof(err)) != 0)
			ok(0, err);
	}
	is_int(route_referent(st, "Olliergues", "[\"energie\"]", 5, NOW, &id,
	    err, sizeof(err)), 1, "db: r1 full");
	is_int(id, r2, "db: r1 at max_open_cases is skipped");

	is_int(route_volunteers(st, "[\"eau\",\"energie\"]", 10, NOW, &v, &nv,
	    err, sizeof(err)), 0, "db: volunteers listed");
	is_int(nv, 1, "db: only the volunteer sharing a theme");
	if (nv == 1) {
		is_str(v[0].email, "v1@example.org", "db: v1");
		is_str(v[0].skills, "energie, eau", "db: skills listed");
		is_int(v[0].load, 0, "db: load 0");
	}
	route_volunteers_free(v, nv);
	v = NULL;
	if (store_exec(st, "UPDATE persons SET unavailable = 1 WHERE email = "
	    "'v1@example.org'", err, sizeof(err)) != 0)
		ok(0, err);
	is_int(route_volunteers(st, "[\"eau\",\"energie\"]", 10, NOW, &v,
	    &nv, err, sizeof(err)), 0, "db: volunteers listed again");
	is_int(nv, 0, "db: an unavailable volunteer is not suggested");
	route_volunteers_free(v, nv);

	/* Availability: r2 away until a date, then for good, then back. */
	if (store_exec(st, "UPDATE persons SET unavailable = 1, "
	    "unavailable_until = 5000 WHERE email = 'r2@example.org'", err,
	    sizeof(err)) != 0)
		ok(0, err);
	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, 4999, &id,
	    err, sizeof(err)), 0,
	    "db: r2 away until 5000, at 4999 (and r1 full): nobody");
	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, 5000, &id,
	    err, sizeof(err)), 1, "db: at 5000");
	is_int(id, r2, "db: unavailable_until reached: available again");
	if (store_exec(st, "UPDATE persons SET unavailable_until = NULL "
	    "WHERE email = 'r2@example.org'", err, sizeof(err)) != 0)
		ok(0, err);
	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, 999999999,
	    &id, err, sizeof(err)), 0,
	    "db: r2 away until further notice: nobody");
	if (store_exec(st, "UPDATE persons SET unavailable = 0 WHERE email = "
	    "'r2@example.org'", err, sizeof(err)) != 0)
		ok(0, err);
	is_int(route_referent(st, "Ambert", "[\"energie\"]", 5, 999999999,
	    &id, err, sizeof(err)), 1, "db: r2 available again");
	is_int(id, r2, "db: DISPONIBLE: routed again");
	store_close(st);
}

int
main(void)
{
	test_pick();
	scratch_make("route");
	test_db();
	scratch_remove();
	return tap_done();
}
