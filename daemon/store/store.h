/*
 * store/ — the SQLite database: the handle, the schema and its migrations,
 * the statement API every module runs its SQL through, and one file per
 * family of tables for the rows several folders share.  SQL about one
 * concern only (a meeting's rows, the outbox's) stays beside that concern,
 * written with the one-call queries below.
 *
 * Files, in reading order:
 *   store.c          opening, migrations, transactions
 *   store_stmt.c     statements and one-call queries (this header)
 *   store_plan.c     with `-v store`, the full table scans of each
 *                    statement's query plan logged
 *   store_private.h  what those three share; they alone include sqlite3.h
 *   schema.sql       the whole current schema, compiled into the binary
 *   person_db.c      persons and their roles (persons, person_roles)
 *   person_change.c  a role taken away, availability: decisions, each
 *                    a person event
 *   people_import.c  the people file's entries (config/people_file.h)
 *                    into the persons tables, adding and updating only
 *   people_seen.c    what the last sync of the people file saw (its
 *                    bytes' and lines' fingerprints)
 *   people_diff.c    what the people file and the database say
 *                    differently (sync notice, check, import --prune)
 *   people_export.c  the pool written back as a people file
 *   case_db.c        cases, their members and timeline (cases,
 *                    case_members, events, case_seq)
 *   job_db.c         timers kept in the database (jobs)
 *   store_backup.c   an online copy of the database (store_backup.h)
 *   testimony_db.c   holders asked to share their experience, and the
 *                    witnesses they become (testimonies)
 *   export_db.c      everything stored about a person (RGPD access)
 *   forget_db.c      erasing a person's personal data (RGPD erasure)
 *   retention_db.c   purging the raw mails of cases closed long ago
 *
 * store.h — the SQLite database: opening, schema migrations, transactions,
 * and a small statement API for the other modules.
 *
 * The database is the daemon's only shared state and its durability point:
 * a fetched mail leaves the IMAP inbox only after the transaction that
 * stored it has committed.  So the store opens the file with WAL,
 * synchronous=FULL, foreign keys on and a 5 s busy timeout, creates it
 * mode 0600 (it holds personal data), and brings the schema up to date
 * (PRAGMA user_version) before anything else runs.  Only store.c,
 * store_stmt.c and store_plan.c include sqlite3.h: other modules run their SQL through the
 * wrappers below, with bound parameters only (never text pasted into SQL).
 *
 * Errors: functions return 0 on success and -1 on failure.  Those taking
 * `char *err, size_t errlen` write a one-line reason there (with SQLite's
 * own message); the statement functions leave it in store_errmsg().
 * Nothing here exits, except on out of memory (fatal, as in mem.h).
 */
#ifndef CDP_STORE_H
#define CDP_STORE_H

#include <stddef.h>
#include <stdint.h>

/* The schema version daemon/store/schema.sql creates and the migrations reach. */
#define STORE_SCHEMA_VERSION	10

struct store;		/* an open database; opaque */
struct store_stmt;	/* a prepared statement; opaque */

struct store_migration;	/* one schema step (migrations.h) */

/* Results of store_step() (besides -1). */
enum store_step_result {
	STORE_DONE = 0,		/* the statement has finished */
	STORE_ROW = 1		/* a row is ready for store_col_*() */
};

/*
 * Opens (creating if needed, mode 0600) the database at `path` and brings
 * its schema to STORE_SCHEMA_VERSION: an empty database gets schema.sql and
 * its version in one transaction; an older one gets each missing migration,
 * in order, each in its own transaction.  ":memory:" opens a private
 * in-memory database (for tests).  Fails, with the path in `err`, when the
 * folder does not exist, the file is not an SQLite database or not ours,
 * its schema is newer than this program, or WAL cannot be enabled, and
 * with errno EBUSY when another process held the lock beyond the busy
 * timeout (worth trying again).
 * On success *out is owned by the caller (store_close()).
 */
/*
 * Sets SQLite up for a single-threaded program, before any database is
 * opened: no mutexes and no memory statistics, which took a lock on every
 * one of SQLite's allocations.  Once per process, from main(); a program
 * that skips it keeps SQLite's thread-safe defaults.
 */
int store_library_setup(void);

int store_open(const char *path, struct store **out, char *err,
    size_t errlen);
/* Closes the database.  Every statement should have been finalized first:
 * one still open is logged as a bug and keeps the connection alive until
 * it is finalized.  NULL is a no-op. */
void store_close(struct store *st);

/*
 * For `coupdepouce check`: opens the existing database at `path` without
 * creating or migrating anything, and checks it is a coupdepouce database
 * this program can use (not newer than STORE_SCHEMA_VERSION; an older one
 * will be migrated by store_open) and undamaged (store_integrity_check).
 * Sets *version (0: empty, created at first run).  -1 with the path and
 * the problem in `err`.
 */
int store_probe(const char *path, int *version, char *err, size_t errlen);

/*
 * For `coupdepouce check`'s reads: opens the existing database at `path`
 * without creating or migrating anything; only a database at
 * STORE_SCHEMA_VERSION is opened (an older one would need the migration
 * the daemon runs).  0 and *out (store_close()), or -1 with the path and
 * the problem in `err`.
 */
int store_open_existing(const char *path, struct store **out, char *err,
    size_t errlen);

/* The database's schema version (PRAGMA user_version), -1 on error. */
int store_version(struct store *st);

/*
 * For tests and for store_open: brings the database from its current
 * version to `target` with the migrations in `list` (any order; one per
 * version from current+1 to target must be there).  Each migration runs in
 * its own transaction, with foreign key enforcement suspended as SQLite's
 * ALTER TABLE procedure requires and a foreign key check before its version
 * bump and commit; a failing migration is rolled back, the database stays
 * at the previous version and `err` names the version and the SQL error.
 * A database already at `target` is left alone (0); one above `target` is
 * refused ("PATH: schema version N is newer than this program (M)...").
 */
int store_migrate_with(struct store *st, const struct store_migration *list,
    size_t n, int target, char *err, size_t errlen);

/*
 * Transactions.  store_begin starts a write transaction (BEGIN IMMEDIATE:
 * it takes the write lock at once, waiting up to the busy timeout, so two
 * processes never deadlock upgrading a read).  store_rollback is a no-op
 * outside a transaction (SQLite may already have rolled back after an I/O
 * error).  Savepoint names are SQL identifiers ([A-Za-z_][A-Za-z0-9_]*);
 * store_rollback_to undoes everything since the savepoint and removes it,
 * so the enclosing transaction goes on as if it had never been taken —
 * this is how one bad message is dropped from an inbound batch.
 */
int store_begin(struct store *st, char *err, size_t errlen);
int store_commit(struct store *st, char *err, size_t errlen);
int store_rollback(struct store *st, char *err, size_t errlen);
int store_savepoint(struct store *st, const char *name, char *err,
    size_t errlen);
int store_release(struct store *st, const char *name, char *err,
    size_t errlen);
int store_rollback_to(struct store *st, const char *name, char *err,
    size_t errlen);
/* 1 inside a transaction (or savepoint), 0 otherwise. */
int store_in_transaction(struct store *st);

/* Runs `sql` (one or more statements, no parameters, results ignored).
 * Meant for fixed SQL: anything from outside goes through store_bind_*(). */
int store_exec(struct store *st, const char *sql, char *err, size_t errlen);

/*
 * Prepared statements.  store_prepare compiles one statement (parameters
 * written ?1, ?2...; indexes start at 1) and returns it, owned by the
 * caller (store_finalize()), or NULL with the reason in `err`.
 * The bind functions copy their argument and return 0/-1 (bad index, too
 * big); text is UTF-8 and NULL binds SQL NULL, as does a NULL blob.
 * store_step returns STORE_ROW, STORE_DONE or -1 (reason in
 * store_errmsg(); store_constraint_failed() tells a UNIQUE, CHECK, NOT NULL
 * or FOREIGN KEY violation from other failures).
 * store_reset makes the statement ready to run again and clears its
 * bindings.  store_finalize(NULL) is a no-op.
 */
struct store_stmt *store_prepare(struct store *st, const char *sql,
    char *err, size_t errlen);
int store_bind_int64(struct store_stmt *s, int idx, int64_t v);
int store_bind_text(struct store_stmt *s, int idx, const char *text);
int store_bind_blob(struct store_stmt *s, int idx, const void *p, size_t n);
int store_bind_null(struct store_stmt *s, int idx);
int store_step(struct store_stmt *s);
void store_reset(struct store_stmt *s);
void store_finalize(struct store_stmt *s);
/* Compiled statements are kept for reuse (store_stmt.c); this gives their
 * memory back, between two batches of mail. */
void store_trim(struct store *st);
/*
 * Runs a statement that returns no row (INSERT, UPDATE, DELETE) once and
 * finalizes it, whatever happens.  0, or -1 with "what: SQLite's message"
 * in err (just the message when what is NULL).
 */
int store_step_done(struct store_stmt *s, const char *what, char *err,
    size_t errlen);

/*
 * Columns of the current row (indexes start at 0).  Text and blobs are
 * borrowed: valid until the next store_step/reset/finalize on the
 * statement.  store_col_text returns NULL for SQL NULL; store_col_blob
 * returns NULL for NULL and for an empty blob, with *len set either way.
 */
int store_col_count(struct store_stmt *s);
int store_col_is_null(struct store_stmt *s, int idx);
/* The type of the value in the current row (tables are STRICT, but an
 * expression or a NULL may differ from the declared type). */
enum store_col_type {
	STORE_COL_NULL,
	STORE_COL_INT,
	STORE_COL_FLOAT,
	STORE_COL_TEXT,
	STORE_COL_BLOB
};
enum store_col_type store_col_type(struct store_stmt *s, int idx);
/* The column's name (its AS alias if any); borrowed, valid until the
 * statement is finalized. */
const char *store_col_name(struct store_stmt *s, int idx);
int64_t store_col_int64(struct store_stmt *s, int idx);
const char *store_col_text(struct store_stmt *s, int idx);
const void *store_col_blob(struct store_stmt *s, int idx, size_t *len);
/* A copy of a blob (or text) column with a NUL after it, owned by the
 * caller; *len is the length without the NUL (0 for NULL). */
char *store_col_blob_dup(struct store_stmt *s, int idx, size_t *len);

/* Rowid of the last successful INSERT on this connection. */
int64_t store_last_insert_id(struct store *st);
/* Rows changed by the last INSERT, UPDATE or DELETE. */
int store_changes(struct store *st);
/* SQLite's message for the last failed call (ask right after it: the next
 * call on the store replaces it); borrowed. */
const char *store_errmsg(struct store *st);
/* 1 if the last failed call broke a constraint, 0 otherwise (ask right
 * after it, as for store_errmsg).  E.g. a duplicate on a UNIQUE column. */
int store_constraint_failed(struct store *st);
/* 1 if the last failed call gave up because another connection held the
 * lock beyond the busy timeout, 0 otherwise (ask right after it). */
int store_busy(struct store *st);

/* For `coupdepouce check`: PRAGMA quick_check and foreign_key_check; -1
 * with the first problems found in `err` if the database is damaged. */
int store_integrity_check(struct store *st, char *err, size_t errlen);

/*
 * Queries in one call.  A parameter list is an array of tagged values
 * bound to ?1, ?2... in order; STORE_ARGS(...) passes it with its length:
 *
 *	store_run(st, "meeting move", "UPDATE meetings SET starts_at = ?2 "
 *	    "WHERE id = ?1", STORE_ARGS(STORE_INT(id), STORE_INT(at)),
 *	    err, errlen);
 *
 * STORE_INT(v) binds an integer, STORE_TEXT(s) a UTF-8 string (NULL binds
 * SQL NULL), STORE_ID(v) a row id where 0 means "none" and binds NULL,
 * STORE_NULL binds NULL, STORE_BLOB(p, n) the n bytes at p (a NULL p binds
 * NULL).  A statement without parameters passes NULL, 0.
 *
 * store_query prepares and binds, and returns the statement owned by the
 * caller (store_finalize()), or NULL with the reason in err.
 * store_run runs a statement that returns no row and finalizes it: 0, or
 * -1 with "what: SQLite's message" in err (what may be NULL).
 * store_get_int64 reads the first column of the first row into *out:
 * 1 when there is a row, 0 when there is none (*out untouched), -1 on
 * error ("what: message" in err).
 */
enum store_arg_type {
	STORE_ARG_NULL,
	STORE_ARG_INT,
	STORE_ARG_ID,
	STORE_ARG_TEXT,
	STORE_ARG_BLOB
};

struct store_arg {
	enum store_arg_type	 type;
	int64_t			 i;	/* the integer, or the blob's length */
	const void		*t;	/* the text or the blob */
};

#define STORE_INT(v)	((struct store_arg){ STORE_ARG_INT, (int64_t)(v), NULL })
#define STORE_ID(v)	((struct store_arg){ STORE_ARG_ID, (int64_t)(v), NULL })
#define STORE_TEXT(v)	((struct store_arg){ STORE_ARG_TEXT, 0, (v) })
#define STORE_NULL	((struct store_arg){ STORE_ARG_NULL, 0, NULL })
#define STORE_BLOB(p, n) \
	((struct store_arg){ STORE_ARG_BLOB, (int64_t)(n), (p) })
#define STORE_ARGS(...)	((const struct store_arg[]){ __VA_ARGS__ }),	\
	(sizeof((const struct store_arg[]){ __VA_ARGS__ }) /		\
	    sizeof(struct store_arg))

/* Binds a whole parameter list to ?1, ?2... of a prepared statement, as
 * store_query() does; for a statement run many times (store_reset()
 * clears the bindings).  0, or -1 with the parameter at fault in err. */
int store_bind_args(struct store_stmt *s, const struct store_arg *args,
    size_t nargs, char *err, size_t errlen);
struct store_stmt *store_query(struct store *st, const char *sql,
    const struct store_arg *args, size_t nargs, char *err, size_t errlen);
int store_run(struct store *st, const char *what, const char *sql,
    const struct store_arg *args, size_t nargs, char *err, size_t errlen);
int store_get_int64(struct store *st, int64_t *out, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen);
/* The first column of every row, as text: *v (owned by the caller, freed
 * with store_texts_free) holds *n copies.  0, or -1 with err (*v NULL). */
int store_get_texts(struct store *st, char ***v, size_t *n, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen);
void store_texts_free(char **v, size_t n);

#endif
