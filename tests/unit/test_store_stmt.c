/*
 * test_store_stmt.c — compiled statements kept for reuse (store_stmt.c):
 * a statement given back holds no value nor half-read result, the same
 * SQL in use twice at once runs twice independently, more texts than the
 * cache holds still run right, a text found by its address is the text
 * it holds now (a buffer written again), a schema change is seen, and
 * store_trim() leaves a statement in use working.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char err[1024];

/* The first column of the next row of s as text ("NULL", "DONE"). */
static const char *
next_text(struct store_stmt *s)
{
	switch (store_step(s)) {
	case STORE_ROW:
		return store_col_is_null(s, 0) ? "NULL" : store_col_text(s, 0);
	case STORE_DONE:
		return "DONE";
	default:
		return "ERROR";
	}
}

static const char *const list_sql = "SELECT n FROM t ORDER BY n";

static void
test_given_back_clean(struct store *st)
{
	struct store_stmt *s;

	s = store_prepare(st, "SELECT ?1", err, sizeof(err));
	store_bind_text(s, 1, "premier");
	is_str(next_text(s), "premier", "a bound value is read");
	store_finalize(s);
	s = store_prepare(st, "SELECT ?1", err, sizeof(err));
	is_str(next_text(s), "NULL", "the same SQL again holds no old value");
	store_finalize(s);

	s = store_prepare(st, list_sql, err, sizeof(err));
	is_str(next_text(s), "1", "first row");
	store_finalize(s);	/* left after one row of three */
	s = store_prepare(st, list_sql, err, sizeof(err));
	is_str(next_text(s), "1", "given back half-read, it starts over");
	is_str(next_text(s), "2", "then the second row");
	store_finalize(s);
}

static void
test_nested(struct store *st)
{
	struct store_stmt *outer, *inner;
	char seen[64] = "";

	outer = store_prepare(st, list_sql, err, sizeof(err));
	for (int i = 0; i < 4; i++) {
		const char *v = next_text(outer);

		strcat(seen, v);
		strcat(seen, " ");
		if (strcmp(v, "DONE") == 0)
			break;
		/* The same text inside its own loop: a statement of its own. */
		inner = store_prepare(st, list_sql, err, sizeof(err));
		strcat(seen, "(");
		strcat(seen, next_text(inner));
		strcat(seen, ") ");
		store_finalize(inner);
	}
	store_finalize(outer);
	is_str(seen, "1 (1) 2 (1) 3 (1) DONE ",
	    "the same SQL in use twice runs twice, independently");
}

static void
test_many_texts(struct store *st)
{
	char sql[64], want[32];
	int bad = 0;

	/* More texts than the cache keeps, twice over, then the first. */
	for (int round = 0; round < 2; round++)
		for (int k = 0; k < 500; k++) {
			struct store_stmt *s;

			snprintf(sql, sizeof(sql), "SELECT %d + ?1", k);
			snprintf(want, sizeof(want), "%d", k + round);
			s = store_prepare(st, sql, err, sizeof(err));
			store_bind_int64(s, 1, round);
			if (strcmp(next_text(s), want) != 0)
				bad++;
			store_finalize(s);
		}
	is_int(bad, 0, "500 texts, twice: every statement gives its value");
}

/* The cache finds the program's constant texts by their address first;
 * a buffer that held one text and now holds another runs the new one. */
static void
test_same_address(struct store *st)
{
	char sql[64];
	struct store_stmt *s;

	snprintf(sql, sizeof(sql), "SELECT 'first'");
	s = store_prepare(st, sql, err, sizeof(err));
	is_str(s ? next_text(s) : "ERROR", "first", "a text in a buffer");
	store_finalize(s);
	snprintf(sql, sizeof(sql), "SELECT 'other'");
	s = store_prepare(st, sql, err, sizeof(err));
	is_str(s ? next_text(s) : "ERROR", "other",
	    "the same buffer with another text runs the new text");
	store_finalize(s);
	snprintf(sql, sizeof(sql), "SELECT 'first'");
	s = store_prepare(st, sql, err, sizeof(err));
	is_str(s ? next_text(s) : "ERROR", "first",
	    "... and the first text again, from the cache");
	store_finalize(s);
}

static void
test_schema_change(struct store *st)
{
	struct store_stmt *s;

	s = store_prepare(st, "SELECT count(*) FROM u", err, sizeof(err));
	is_str(next_text(s), "0", "counted before the change");
	store_finalize(s);
	ok(store_exec(st, "DROP TABLE u; CREATE TABLE u (a); "
	    "INSERT INTO u VALUES (1), (2)", err, sizeof(err)) == 0,
	    "table dropped and made again while its query is kept");
	s = store_prepare(st, "SELECT count(*) FROM u", err, sizeof(err));
	is_str(next_text(s), "2", "the kept query reads the new table");
	store_finalize(s);
}

static void
test_trim(struct store *st)
{
	struct store_stmt *held, *s;

	held = store_prepare(st, list_sql, err, sizeof(err));
	is_str(next_text(held), "1", "held statement, first row");
	s = store_prepare(st, "SELECT 41 + 1", err, sizeof(err));
	store_finalize(s);
	store_trim(st);
	is_str(next_text(held), "2", "store_trim leaves a statement in use");
	store_finalize(held);
	s = store_prepare(st, list_sql, err, sizeof(err));
	is_str(next_text(s), "1", "after store_trim the SQL runs again");
	store_finalize(s);
	s = store_prepare(st, "SELECT 41 + 1", err, sizeof(err));
	is_str(next_text(s), "42", "a trimmed text is compiled again");
	store_finalize(s);
}

int
main(void)
{
	struct store *st = NULL;

	scratch_make("store_stmt");
	if (!ok(store_open(path_in("t.db"), &st, err, sizeof(err)) == 0,
	    "database open"))
		printf("#   %s\n", err);
	if (st != NULL) {
		ok(store_exec(st, "CREATE TABLE t (n INTEGER); INSERT INTO t "
		    "VALUES (1), (2), (3); CREATE TABLE u (a)", err,
		    sizeof(err)) == 0, "tables made");
		test_given_back_clean(st);
		test_nested(st);
		test_many_texts(st);
		test_same_address(st);
	test_schema_change(st);
		test_trim(st);
		store_close(st);
	}
	scratch_remove();
	return tap_done();
}
