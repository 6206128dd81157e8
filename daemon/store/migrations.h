/*
 * migrations.h — the numbered schema steps that bring an older database
 * to the current schema (migrations.c), which store.c runs, each in its
 * own transaction.
 */
#ifndef CDP_MIGRATIONS_H
#define CDP_MIGRATIONS_H

#include <stddef.h>

struct store;

/* One schema step: running `sql` (one or more statements), then `step`
 * when there is one, on a database at version `version - 1` brings it to
 * `version`. */
struct store_migration {
	int		 version;
	const char	*sql;
	int		(*step)(struct store *st, char *err, size_t errlen);
};

/* The steps, oldest first, and how many. */
extern const struct store_migration store_migrations[];
extern const size_t store_n_migrations;

/* Migration 8's step: rewrites, in the text of the existing tables, each
 * CHECK of a value among three or more from IN to OR (schema_checks.c). */
int store_checks_as_or(struct store *st, char *err, size_t errlen);

#endif
