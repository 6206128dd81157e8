/*
 * test_testimony.c — holders who share their experience (store/
 * testimony_db): answers copied with the case's themes and commune, who
 * counts as asked before, and which witnesses a new case gets — a shared
 * theme, the same commune first, then the latest answer, one entry per
 * person, none after a later NON, none forgotten, deactivated or whose
 * address bounces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/testimony_db.h"
#include "tap.h"
#include "testutil.h"

static struct store *st;

static void
exec(const char *sql)
{
	char err[512];

	if (store_exec(st, sql, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		exit(1);
	}
}

/* A person (id = n) with a name, and a closed case (id = n * 10 + k). */
static void
person(int n, const char *name, const char *extra)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO persons (id, email, name, "
	    "created_at, updated_at) VALUES (%d, 'p%d@example.org', '%s', 0, "
	    "0); UPDATE persons SET %s WHERE id = %d", n, n, name,
	    extra ? extra : "active = 1", n);
	exec(sql);
}

static void
closed_case(int id, int holder, const char *themes, const char *commune)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO cases (id, ref, year, seq, "
	    "kind, state, state_since, holder_id, themes, commune, "
	    "created_at, updated_at, last_activity_at, closed_at) VALUES "
	    "(%d, printf('CDP-2026-%%04d', %d), 2026, %d, 'request', 'closed', "
	    "0, %d, '%s', %s, 0, 0, 0, 0)", id, id, id, holder, themes,
	    commune);
	exec(sql);
}

static void
answer(int case_id, int person_id, int yes, long long at)
{
	char err[256];

	if (testimony_answer(st, case_id, person_id, yes, at, err,
	    sizeof(err)) != 0) {
		printf("# %s\n", err);
		exit(1);
	}
}

/* "name|commune|themes, ..." of the witnesses for themes and commune. */
static char *
witnesses(const char *themes, const char *commune, int64_t except,
    size_t max)
{
	static char out[1024];
	struct testimony_witness *w = NULL;
	char err[256];
	size_t n = 0, len = 0;

	out[0] = '\0';
	if (testimony_witnesses(st, themes, commune, except, max, &w, &n, err,
	    sizeof(err)) != 0) {
		snprintf(out, sizeof(out), "error: %s", err);
		return out;
	}
	for (size_t i = 0; i < n; i++)
		len += snprintf(out + len, sizeof(out) - len, "%s%s|%s|%s",
		    i ? ", " : "", w[i].name, w[i].commune ? w[i].commune :
		    "-", w[i].themes);
	if (n == 0 && w != NULL)
		snprintf(out, sizeof(out), "no witness but an array");
	testimony_witnesses_free(w, n);
	return out;
}

static void
test_answers(void)
{
	char err[256];

	person(1, "Ana", NULL);
	closed_case(11, 1, "[\"alimentation\"]", "'Ambert'");
	closed_case(12, 1, "[\"alimentation\"]", "'Thiers'");
	is_int(testimony_asked_before(st, 1, err, sizeof(err)), 0,
	    "never asked, never answered");
	is_int(testimony_asked(st, 11, 1, 50, err, sizeof(err)), 0,
	    "asked on case 11");
	is_int(testimony_asked_before(st, 1, err, sizeof(err)), 1,
	    "asked, silent: asked before");
	answer(11, 1, 1, 100);
	is_str(q_text(st, "SELECT asked_at || '|' || answer || '|' || "
	    "answered_at || '|' || themes || '|' || commune FROM testimonies "
	    "WHERE case_id = 11"), "50|yes|100|[\"alimentation\"]|Ambert",
	    "the answer keeps when they were asked, copies themes and commune");
	answer(12, 1, 1, 500);
	is_str(q_text(st, "SELECT coalesce(asked_at, 'never') || '|' || answer "
	    "|| '|' || commune FROM testimonies WHERE case_id = 12"),
	    "never|yes|Thiers", "an answer to the closing mail, never asked");

	person(9, "Zoé", NULL);
	closed_case(91, 9, "[\"eau\"]", "NULL");
	answer(91, 9, 0, 60);
	is_int(testimony_asked_before(st, 9, err, sizeof(err)), 1,
	    "NON, never asked: not asked again");
	answer(91, 9, 1, 70);
	is_str(q_text(st, "SELECT answer || '|' || answered_at || '|' || "
	    "count(*) FROM testimonies WHERE case_id = 91"), "yes|70|1",
	    "a second answer on the same case replaces the first");
	answer(91, 9, 0, 80);
}

static void
test_witnesses(void)
{
	/* Ana (1): Ambert, yes at 100, and Thiers, yes at 500. */
	person(2, "Basile", NULL);
	closed_case(21, 2, "[\"alimentation\",\"energie\"]", "'Thiers'");
	answer(21, 2, 1, 300);
	person(3, "Chloé", NULL);
	closed_case(31, 3, "[\"alimentation\"]", "'Thiers'");
	answer(31, 3, 1, 200);
	person(4, "Dan", NULL);
	closed_case(41, 4, "[\"energie\"]", "'Ambert'");
	answer(41, 4, 1, 600);
	/* Yes, then no on another case: consent withdrawn. */
	person(5, "Eva", NULL);
	closed_case(51, 5, "[\"alimentation\"]", "'Ambert'");
	closed_case(52, 5, "[\"dechets\"]", "'Ambert'");
	answer(51, 5, 1, 150);
	answer(52, 5, 0, 400);
	person(6, "Fab", "forgotten_at = 10");
	closed_case(61, 6, "[\"alimentation\"]", "'Ambert'");
	answer(61, 6, 1, 700);
	person(7, "Gil", "active = 0");
	closed_case(71, 7, "[\"alimentation\"]", "'Ambert'");
	answer(71, 7, 1, 700);
	person(8, "Hugo", "failing_since = 10");
	closed_case(81, 8, "[\"alimentation\"]", "'Ambert'");
	answer(81, 8, 1, 700);
	/* No name: the address is what the mail shows. */
	person(10, "", NULL);
	closed_case(101, 10, "[\"alimentation\"]", "NULL");
	answer(101, 10, 1, 50);

	is_str(witnesses("[\"alimentation\",\"eau\"]", "ambert", 0, 3),
	    "Ana|Ambert|alimentation, Basile|Thiers|alimentation, energie, "
	    "Chloé|Thiers|alimentation",
	    "same commune first (any case), then the latest; one per person");
	is_str(witnesses("[\"alimentation\"]", NULL, 0, 3),
	    "Ana|Thiers|alimentation, Basile|Thiers|alimentation, energie, "
	    "Chloé|Thiers|alimentation",
	    "commune unknown: the latest answers, each person's latest row");
	is_str(witnesses("[\"alimentation\"]", "Ambert", 1, 2),
	    "Basile|Thiers|alimentation, energie, Chloé|Thiers|alimentation",
	    "the new case's own sender left out; at most max");
	is_str(witnesses("[\"alimentation\"]", "Ambert", 0, 9),
	    "Ana|Ambert|alimentation, Basile|Thiers|alimentation, energie, "
	    "Chloé|Thiers|alimentation, |-|alimentation",
	    "nobody forgotten, deactivated, failing or who said NON later");
	is_str(witnesses("[\"energie\"]", "Ambert", 0, 3),
	    "Dan|Ambert|energie, Basile|Thiers|alimentation, energie",
	    "another theme, other witnesses");
	is_str(witnesses("[\"mobilite\"]", "Ambert", 0, 3), "",
	    "no shared theme: nobody, and no array");
	is_str(witnesses("[\"eau\"]", NULL, 0, 3), "",
	    "a NON after a yes on the same case: nobody");
	is_str(witnesses("[]", "Ambert", 0, 3), "", "a case without themes");
}

int
main(void)
{
	char err[512];

	scratch_make("testimony");
	if (store_open(path_in("t.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return tap_done();
	}
	test_answers();
	test_witnesses();
	store_close(st);
	scratch_remove();
	return tap_done();
}
