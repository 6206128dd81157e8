/*
 * store_private.h — what store.c (opening, schema, transactions),
 * store_stmt.c (statements and queries) and store_plan.c (query plans)
 * share.  Private to store/store*.c:
 * the rest of the program sees struct store as opaque and never SQLite.
 */
#ifndef CDP_STORE_PRIVATE_H
#define CDP_STORE_PRIVATE_H

#include <stddef.h>

#include <sqlite3.h>

struct store_cache;

struct store {
	sqlite3			*db;
	char			*path;	/* as given, for error messages */
	struct store_cache	*cache;	/* prepared statements kept for
					 * reuse (store_stmt.c) */
};

/* With `-v store`: logs each full table scan in the plan of `sql`
 * (store_plan.c), so that a query slowing down with history is seen. */
void store_plan_check(struct store *st, const char *sql);
/* With `-v store`: logs a statement that ran more than STORE_PLAN_STEPS
 * virtual machine steps (rows read, roughly ten steps a row), with the
 * count: a search through an index that still reads thousands of rows
 * is no full scan, and would not be seen otherwise. */
#define STORE_PLAN_STEPS	100000
void store_plan_steps(sqlite3_stmt *stmt);
/* Finalizes the statements kept for reuse (all of them before closing);
 * one still in use stays its owner's, finalized by store_finalize(). */
void store_cache_free(struct store *st);

/* snprintf into err when there is room for it (err may be NULL). */
void store_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
