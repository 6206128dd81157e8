/* route.c — choosing the referent of a new case; see route.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "casework/route.h"
#include "store/store.h"
#include "store/case_db.h"

/* Separator of the lists SQLite's group_concat() hands us: a control
 * character no commune or theme name contains. */
#define ROUTE_SEP	"\x1f"

static int
route_has_commune(const struct route_candidate *c, const char *commune)
{
	if (commune == NULL)
		return 0;
	for (size_t i = 0; i < c->ncommunes; i++)
		if (strcasecmp(c->communes[i], commune) == 0)
			return 1;
	return 0;
}

static size_t
route_shared_themes(const struct route_candidate *c, char *const *themes,
    size_t nthemes)
{
	size_t shared = 0;

	for (size_t i = 0; i < nthemes; i++)
		for (size_t j = 0; j < c->nthemes; j++)
			if (strcmp(themes[i], c->themes[j]) == 0) {
				shared++;
				break;
			}
	return shared;
}

/* < 0 when a is the better referent, > 0 when b is. */
static int
route_compare(const struct route_candidate *a,
    const struct route_candidate *b, const char *commune,
    char *const *themes, size_t nthemes)
{
	int ca = route_has_commune(a, commune), cb = route_has_commune(b,
	    commune);
	size_t ta, tb;

	if (ca != cb)
		return cb - ca;
	ta = route_shared_themes(a, themes, nthemes);
	tb = route_shared_themes(b, themes, nthemes);
	if (ta != tb)
		return ta > tb ? -1 : 1;
	if (a->open_cases != b->open_cases)
		return a->open_cases < b->open_cases ? -1 : 1;
	if (a->last_assigned_at != b->last_assigned_at)
		return a->last_assigned_at < b->last_assigned_at ? -1 : 1;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

long
route_pick(const struct route_candidate *c, size_t n, const char *commune,
    char *const *themes, size_t nthemes)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (!c[i].active || c[i].open_cases >= c[i].max_open_cases)
			continue;
		if (best < 0 || route_compare(&c[i], &c[best], commune, themes,
		    nthemes) < 0)
			best = (long)i;
	}
	return best;
}

/* Splits a ROUTE_SEP-joined list (NULL: empty) into owned strings. */
static char **
route_split(const char *s, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	while (s != NULL && *s) {
		size_t len = strcspn(s, ROUTE_SEP);

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = xstrndup(s, len);
		s += len;
		if (*s)
			s++;
	}
	return v;
}

static void
route_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct route_set {
	struct route_candidate	*c;
	size_t			 n;
};

static void
route_set_free(struct route_set *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		route_free_list((char **)rs->c[i].communes,
		    rs->c[i].ncommunes);
		route_free_list((char **)rs->c[i].themes, rs->c[i].nthemes);
	}
	free(rs->c);
}

/* Every referent who could take a case: not forgotten, address not
 * failing (a mail to them would bounce).  One unavailable at `now`
 * (INDISPONIBLE, until DISPONIBLE or past their date) counts as
 * inactive.  Each referent's open cases and last assignment are one
 * seek each in the indexes cases_open and events_assigned (schema.sql),
 * whatever the years of history: the open-case test is written as in
 * the index, and the id is compared as printf('%d') text, since a CAST
 * would give the comparison an affinity that the index expression has
 * not, and SQLite would then read every 'assigned' event. */
static int
route_load(struct store *st, int default_max, long long now,
    struct route_set *rs, char *err, size_t errlen)
{
	struct store_stmt *s;
	size_t cap = 0;
	int64_t bound = default_max;
	int rc;

	memset(rs, 0, sizeof(*rs));
	/*
	 * A referent's open cases are counted up to the largest maximum of
	 * any referent only: route_pick() skips a referent at or past their
	 * own maximum whatever the excess, and an exact count would read
	 * every open case of theirs for each new case, a cost that grows
	 * with a storm of new cases.  (SQLite's LIMIT cannot name the
	 * row's own maximum: it is evaluated once.)
	 */
	if (store_get_int64(st, &bound, "routing: largest maximum", "SELECT "
	    "max(coalesce(p.max_open_cases, ?1)) FROM person_roles r JOIN "
	    "persons p ON p.id = r.person_id WHERE r.role = 'referent'",
	    STORE_ARGS(STORE_INT(default_max)), err, errlen) < 0)
		return -1;
	s = store_query(st, "SELECT p.id, "
	    "(SELECT group_concat(value, char(31)) FROM json_each(p.communes)),"
	    " (SELECT group_concat(value, char(31)) FROM json_each(p.themes)),"
	    " coalesce(p.max_open_cases, ?1), "
	    "(SELECT count(*) FROM (SELECT 1 FROM cases c WHERE "
	    "c.referent_id = p.id AND " CASE_SQL_OPEN("c.state")
	    " LIMIT ?3)), "
	    "coalesce((SELECT max(e.at) FROM events e WHERE e.kind = "
	    "'assigned' AND json_extract(e.details, '$.referent_id') = "
	    "printf('%d', p.id)), 0), p.active AND NOT (p.unavailable = 1 "
	    "AND (p.unavailable_until IS NULL OR p.unavailable_until > ?2)) "
	    "FROM persons p JOIN person_roles r ON r.person_id = p.id "
	    "AND r.role = 'referent' WHERE p.forgotten_at IS NULL AND "
	    "p.failing_since IS NULL ORDER BY p.id",
	    STORE_ARGS(STORE_INT(default_max), STORE_INT(now),
	    STORE_INT(bound)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct route_candidate *c;
		char **communes, **themes;
		size_t nc, nt;

		if (rs->n == cap) {
			cap = cap ? cap * 2 : 8;
			rs->c = xrealloc(rs->c, cap * sizeof(*rs->c));
		}
		c = &rs->c[rs->n++];
		memset(c, 0, sizeof(*c));
		c->person_id = store_col_int64(s, 0);
		communes = route_split(store_col_is_null(s, 1) ? NULL :
		    store_col_text(s, 1), &nc);
		themes = route_split(store_col_is_null(s, 2) ? NULL :
		    store_col_text(s, 2), &nt);
		c->communes = communes;
		c->ncommunes = nc;
		c->themes = themes;
		c->nthemes = nt;
		c->max_open_cases = (int)store_col_int64(s, 3);
		c->open_cases = (int)store_col_int64(s, 4);
		c->last_assigned_at = store_col_int64(s, 5);
		c->active = (int)store_col_int64(s, 6);
	}
	if (rc < 0)
		snprintf(err, errlen, "loading referents: %s",
		    store_errmsg(st));
	store_finalize(s);
	if (rc < 0) {
		route_set_free(rs);
		return -1;
	}
	return 0;
}

/* The case's themes, from its JSON array, as a list. */
static int
route_case_themes(struct store *st, const char *themes_json, char ***out,
    size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	s = store_query(st, "SELECT group_concat(value, char(31)) FROM "
	    "json_each(?1)", STORE_ARGS(STORE_TEXT(themes_json ? themes_json :
	    "[]")), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW)
		*out = route_split(store_col_is_null(s, 0) ? NULL :
		    store_col_text(s, 0), n);
	else
		snprintf(err, errlen, "case themes: %s", store_errmsg(st));
	store_finalize(s);
	return rc == STORE_ROW ? 0 : -1;
}

int
route_referent(struct store *st, const char *commune,
    const char *themes_json, int default_max, long long now,
    int64_t *person_id, char *err, size_t errlen)
{
	struct route_set rs;
	char **themes = NULL;
	size_t nthemes = 0;
	long best;

	if (route_case_themes(st, themes_json, &themes, &nthemes, err,
	    errlen) != 0)
		return -1;
	if (route_load(st, default_max, now, &rs, err, errlen) != 0) {
		route_free_list(themes, nthemes);
		return -1;
	}
	best = route_pick(rs.c, rs.n, commune, themes, nthemes);
	if (best >= 0)
		*person_id = rs.c[best].person_id;
	route_set_free(&rs);
	route_free_list(themes, nthemes);
	return best >= 0;
}

int
route_volunteers(struct store *st, const char *themes_json, size_t max,
    long long now, struct route_volunteer **out, size_t *n, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	struct route_volunteer *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	/* Each volunteer's load is their memberships of open cases, read
	 * in the index case_members_open (schema.sql) that holds only
	 * those: neither the years of ended cases nor the other volunteers'
	 * cases nor a storm of open cases with no volunteer are read.  The
	 * primary key makes one row per case, so count(*) counts cases. */
	s = store_query(st, "SELECT id, name, email, skills, load FROM "
	    "(SELECT p.id, p.name, p.email, "
	    "(SELECT group_concat(value, ', ') FROM json_each(p.themes)) "
	    "AS skills, (SELECT count(*) FROM json_each(p.themes) t WHERE "
	    "t.value IN (SELECT value FROM json_each(?1))) AS shared, "
	    "(SELECT count(*) FROM case_members m WHERE m.person_id = p.id "
	    "AND m.ended = 0 AND m.role = 'volunteer' AND m.status IN "
	    "('invited', 'accepted')) AS load FROM persons p JOIN "
	    "person_roles r ON r.person_id = p.id AND r.role = 'volunteer' "
	    "WHERE p.active = 1 AND p.forgotten_at "
	    "IS NULL AND p.failing_since IS NULL AND NOT (p.unavailable = 1 "
	    "AND (p.unavailable_until IS NULL OR p.unavailable_until > ?3))) "
	    "WHERE shared > 0 "
	    "ORDER BY shared DESC, load, id LIMIT ?2",
	    STORE_ARGS(STORE_TEXT(themes_json ? themes_json : "[]"),
	    STORE_INT(max), STORE_INT(now)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[*n].person_id = store_col_int64(s, 0);
		v[*n].name = xstrdup(store_col_text(s, 1));
		v[*n].email = xstrdup(store_col_text(s, 2));
		v[*n].skills = xstrdup(store_col_is_null(s, 3) ? "" :
		    store_col_text(s, 3));
		v[*n].load = (int)store_col_int64(s, 4);
		(*n)++;
	}
	if (rc < 0) {
		snprintf(err, errlen, "loading volunteers: %s",
		    store_errmsg(st));
		route_volunteers_free(v, *n);
		*n = 0;
		store_finalize(s);
		return -1;
	}
	store_finalize(s);
	*out = v;
	return 0;
}

void
route_volunteers_free(struct route_volunteer *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].email);
		free(v[i].skills);
	}
	free(v);
}
