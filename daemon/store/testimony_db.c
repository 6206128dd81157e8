/* testimony_db.c — holders who share their experience; see
 * testimony_db.h. */
#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"
#include "store/store.h"
#include "store/testimony_db.h"

int
testimony_asked(struct store *st, int64_t case_id, int64_t person_id,
    long long now, char *err, size_t errlen)
{
	return store_run(st, "testimony asked", "INSERT INTO testimonies "
	    "(case_id, person_id, asked_at, themes, commune) SELECT id, ?2, "
	    "?3, themes, commune FROM cases WHERE id = ?1 ON CONFLICT "
	    "(case_id) DO UPDATE SET person_id = excluded.person_id, "
	    "asked_at = excluded.asked_at", STORE_ARGS(STORE_INT(case_id),
	    STORE_INT(person_id), STORE_INT(now)), err, errlen);
}

int
testimony_answer(struct store *st, int64_t case_id, int64_t person_id,
    int yes, long long now, char *err, size_t errlen)
{
	return store_run(st, "testimony answer", "INSERT INTO testimonies "
	    "(case_id, person_id, answer, answered_at, themes, commune) "
	    "SELECT id, ?2, ?3, ?4, themes, commune FROM cases WHERE id = ?1 "
	    "ON CONFLICT (case_id) DO UPDATE SET person_id = "
	    "excluded.person_id, answer = excluded.answer, answered_at = "
	    "excluded.answered_at, themes = excluded.themes, commune = "
	    "excluded.commune", STORE_ARGS(STORE_INT(case_id),
	    STORE_INT(person_id), STORE_TEXT(yes ? "yes" : "no"),
	    STORE_INT(now)), err, errlen);
}

int
testimony_asked_before(struct store *st, int64_t person_id, char *err,
    size_t errlen)
{
	int64_t one;

	return store_get_int64(st, &one, "testimony asked before", "SELECT 1 "
	    "FROM testimonies WHERE person_id = ?1 AND (answer IS NOT NULL "
	    "OR asked_at IS NOT NULL) LIMIT 1",
	    STORE_ARGS(STORE_INT(person_id)), err, errlen);
}

static int
testimony_seen(const struct testimony_witness *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].person_id == id)
			return 1;
	return 0;
}

/* The rows that make a witness, for themes ?1 and without person ?3.  A
 * later NON on any case withdraws the consent: only OUIs that no NON
 * followed. */
#define TW_ROWS "SELECT p.id, p.name, p.email, t.commune, (SELECT "	\
	"group_concat(value, ', ') FROM json_each(t.themes)) FROM "	\
	"testimonies t JOIN persons p ON p.id = t.person_id WHERE "	\
	"t.answer = 'yes' AND p.active = 1 AND p.forgotten_at IS NULL "	\
	"AND p.failing_since IS NULL AND p.id IS NOT ?3 AND NOT EXISTS "	\
	"(SELECT 1 FROM testimonies l WHERE l.person_id = t.person_id "	\
	"AND l.answer = 'no' AND l.answered_at >= t.answered_at) AND "	\
	"EXISTS (SELECT 1 FROM json_each(t.themes) a WHERE a.value IN "	\
	"(SELECT value FROM json_each(?1)))"

/*
 * A witness is looked for among the TW_WINDOW latest OUIs (of the
 * commune, then of everyone), not among every OUI of the years: when no
 * witness shares the new case's themes, the filter of TW_ROWS would
 * reject each of them, one by one, on the way of a mail.  A thousand
 * OUIs are decades of the network; past them, a more recent witness is
 * the better one to suggest anyway.  The window is a lower bound on
 * answered_at, so each pass stays one walk of its index, in order.
 */
#define TW_WINDOW	1000

/* The answered_at of the TW_WINDOW-th latest OUI (of `commune` when not
 * NULL) in *floor; 1 when there is one, 0 when there are fewer OUIs
 * (no bound), -1.  A walk of TW_WINDOW entries of the index alone. */
static int
testimony_floor(struct store *st, const char *commune, int64_t *floor,
    char *err, size_t errlen)
{
	if (commune == NULL)
		return store_get_int64(st, floor, "witnesses: window", "SELECT "
		    "answered_at FROM testimonies WHERE answer = 'yes' ORDER BY "
		    "answered_at DESC LIMIT 1 OFFSET ?1",
		    STORE_ARGS(STORE_INT(TW_WINDOW - 1)), err, errlen);
	return store_get_int64(st, floor, "witnesses: window", "SELECT "
	    "answered_at FROM testimonies WHERE answer = 'yes' AND commune = "
	    "?2 COLLATE NOCASE ORDER BY answered_at DESC LIMIT 1 OFFSET ?1",
	    STORE_ARGS(STORE_INT(TW_WINDOW - 1), STORE_TEXT(commune)), err,
	    errlen);
}

/*
 * Adds to v (*n entries, room for max) the people of the rows of `sql`
 * (TW_ROWS, then the window's bound ?4, then its order), taken best first, until max: a person already there is
 * skipped.  The statement stops being read once v is full, so an index
 * giving the rows in order (testimonies_yes_commune, testimonies_yes)
 * reads a few rows, and at most the window's.  0 or -1.
 */
static int
testimony_pick(struct store *st, const char *where, const char *themes_json,
    const char *commune, int64_t except, size_t max,
    struct testimony_witness **v, size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	int64_t floor = 0;
	int rc, bounded;
	char sql[2048];

	if ((bounded = testimony_floor(st, commune, &floor, err, errlen)) < 0)
		return -1;
	/* ?4 is NULL when there is no bound. */
	snprintf(sql, sizeof(sql), "%s%s%s ORDER BY t.answered_at DESC, "
	    "t.case_id DESC", TW_ROWS, where, bounded ? " AND t.answered_at "
	    ">= ?4" : " AND ?4 IS NULL");
	s = store_query(st, sql, STORE_ARGS(STORE_TEXT(themes_json),
	    STORE_TEXT(commune), STORE_ID(except), bounded ? STORE_INT(floor) :
	    STORE_NULL), err, errlen);
	if (s == NULL)
		return -1;
	rc = STORE_DONE;
	while (*n < max && (rc = store_step(s)) == STORE_ROW) {
		struct testimony_witness *w;
		int64_t id = store_col_int64(s, 0);

		/* Rows come best first: a person's first row is theirs. */
		if (testimony_seen(*v, *n, id))
			continue;
		if (*v == NULL)
			*v = xcalloc(max, sizeof(**v));
		w = &(*v)[(*n)++];
		w->person_id = id;
		w->name = xstrdup(store_col_text(s, 1));
		w->email = xstrdup(store_col_text(s, 2));
		w->commune = store_col_is_null(s, 3) ? NULL :
		    xstrdup(store_col_text(s, 3));
		w->themes = xstrdup(store_col_is_null(s, 4) ? "" :
		    store_col_text(s, 4));
	}
	if (*n < max && rc < 0) {
		snprintf(err, errlen, "witnesses: %s", store_errmsg(st));
		store_finalize(s);
		return -1;
	}
	store_finalize(s);
	return 0;
}

int
testimony_witnesses(struct store *st, const char *themes_json,
    const char *commune, int64_t except, size_t max,
    struct testimony_witness **out, size_t *n, char *err, size_t errlen)
{
	struct testimony_witness *v = NULL;
	const char *themes = themes_json ? themes_json : "[]";

	*out = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	/* The same commune first, then everyone, each by latest answer.
	 * The second pass meets the first one's rows again: their people
	 * are already there, or the rows fail the same filter again, so
	 * the picks are those of one ORDER BY on both keys. */
	if (commune != NULL && testimony_pick(st, " AND t.commune = ?2 "
	    "COLLATE NOCASE", themes, commune, except, max, &v, n, err,
	    errlen) != 0)
		goto fail;
	if (*n < max && testimony_pick(st, "", themes, NULL, except, max, &v,
	    n, err, errlen) != 0)
		goto fail;
	*out = v;
	return 0;
fail:
	testimony_witnesses_free(v, *n);
	*n = 0;
	return -1;
}

void
testimony_witnesses_free(struct testimony_witness *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].email);
		free(v[i].commune);
		free(v[i].themes);
	}
	free(v);
}
