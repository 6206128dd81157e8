/*
 * store_private.h — what store.c (opening, schema, transactions) and
 * store_stmt.c (statements and queries) share.  Private to store/store*.c:
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

/* Finalizes the statements kept for reuse (all of them before closing);
 * one still in use stays its owner's, finalized by store_finalize(). */
void store_cache_free(struct store *st);

/* snprintf into err when there is room for it (err may be NULL). */
void store_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
