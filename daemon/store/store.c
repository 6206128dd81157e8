/*
 * store.c — the SQLite database; see store.h.
 *
 * The only file that includes sqlite3.h.  Opening does, in order: create
 * the file ourselves with mode 0600 (SQLite would use 0644 and give its
 * -wal/-shm files the database file's mode), open it read-write, turn on
 * foreign keys, WAL, synchronous=FULL and the busy timeout, then bring the
 * schema to STORE_SCHEMA_VERSION.  Every schema step is one transaction
 * together with its PRAGMA user_version bump, so a crash or an error
 * leaves the database at a version it really has.  The version is read
 * again inside each transaction (BEGIN IMMEDIATE holds the write lock), so
 * two processes starting at once cannot both apply the same step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/log.h"
#include "base/mem.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_private.h"

/* daemon/store/schema.sql, embedded by the Makefile (scripts/embed.sh). */
extern const char schema_sql[];


#define STORE_BUSY_TIMEOUT_MS	5000

/* Reports the connection's last error as "PATH: what: message", or says
 * plainly that the file is not a database; returns -1. */
static int
store_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	int code = sqlite3_extended_errcode(st->db) & 0xff;

	if (code == SQLITE_NOTADB)
		store_seterr(err, errlen, "%s: not an SQLite database file",
		    st->path);
	else if (code == SQLITE_CORRUPT)
		store_seterr(err, errlen, "%s: %s: database file is damaged "
		    "(%s)", st->path, what, sqlite3_errmsg(st->db));
	else
		store_seterr(err, errlen, "%s: %s: %s", st->path, what,
		    sqlite3_errmsg(st->db));
	return -1;
}

static int
store_newer(struct store *st, int version, int target, char *err,
    size_t errlen)
{
	store_seterr(err, errlen, "%s: schema version %d is newer than this "
	    "program (%d); upgrade coupdepouce", st->path, version, target);
	return -1;
}

static int
store_not_ours(struct store *st, char *err, size_t errlen)
{
	store_seterr(err, errlen, "%s: not a coupdepouce database (it has "
	    "tables but no schema version)", st->path);
	return -1;
}

/* Runs a query returning one integer (e.g. a PRAGMA) into *out; -1 on
 * error or when there is no row.  The caller words the error. */
static int
store_query_int(struct store *st, const char *sql, int64_t *out)
{
	return store_get_int64(st, out, NULL, sql, NULL, 0, NULL, 0) == 1 ?
	    0 : -1;
}

/* Runs fixed SQL; on failure reports "PATH: what: message". */
static int
store_do(struct store *st, const char *sql, const char *what, char *err,
    size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, what, err, errlen);
	return 0;
}

/* Creates the database file with mode 0600 if it does not exist, so
 * SQLite (and its -wal and -shm files, which copy the database's mode)
 * never makes it readable by others. */
static int
store_create_file(const char *path, char *err, size_t errlen)
{
	const char *slash;
	struct stat sb;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		slash = strrchr(path, '/');
		if (errno == ENOENT && slash != NULL)
			store_seterr(err, errlen, "%s: cannot create the "
			    "database: folder %.*s does not exist", path,
			    slash == path ? 1 : (int)(slash - path), path);
		else
			store_seterr(err, errlen, "%s: cannot open the "
			    "database: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		store_seterr(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
store_library_setup(void)
{
	if (sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		return -1;
	return 0;
}

/* WAL, durability, foreign keys.  journal_mode is the first statement that
 * reads the file, so a file that is not a database fails here. */
static int
store_configure(struct store *st, int memory, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;
	const char *mode, *want = memory ? "memory" : "wal";
	int64_t fk = 0;
	int rc = -1;

	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* Forbid writes to the schema tables and similar footguns. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
	    &stmt, NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		store_fail(st, "cannot enable WAL", err, errlen);
		goto out;
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, want) != 0) {
		store_seterr(err, errlen, "%s: cannot enable WAL (journal "
		    "mode is %s); is the folder on a local file system?",
		    st->path, mode ? mode : "unknown");
		goto out;
	}
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		store_seterr(err, errlen, "%s: database is read-only",
		    st->path);
		goto out;
	}
	/* 1 MiB of page cache instead of SQLite's 2: the daemon's memory
	 * is counted on a small machine, and a batch of new mail touches
	 * few pages but the ends of its tables and indexes.  Each mail of a
	 * batch runs in its own savepoint, whose journal (the pages it
	 * touched, about 100 KB) SQLite would otherwise spill to a temporary
	 * file past 64 KB: a third of a storm's system time. */
	if (store_do(st, "PRAGMA synchronous = FULL", "PRAGMA synchronous",
	    err, errlen) == -1 ||
	    store_do(st, "PRAGMA cache_size = -1024", "PRAGMA cache_size",
	    err, errlen) == -1 ||
	    store_do(st, "PRAGMA temp_store = MEMORY", "PRAGMA temp_store",
	    err, errlen) == -1 ||
	    store_do(st, "PRAGMA foreign_keys = ON", "PRAGMA foreign_keys",
	    err, errlen) == -1)
		goto out;
	if (store_query_int(st, "PRAGMA foreign_keys", &fk) == -1 || fk != 1) {
		store_seterr(err, errlen, "%s: SQLite cannot enforce foreign "
		    "keys", st->path);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Gives an empty database the whole schema and its version, in one
 * transaction; leaves a database that has a version to the migrations;
 * refuses a database with tables but no version (not ours). */
static int
store_create_schema(struct store *st, char *err, size_t errlen)
{
	int64_t version = 0, objects = 0;
	char sql[64];
	int rc = -1;

	if (store_do(st, "BEGIN IMMEDIATE", "begin", err, errlen) == -1)
		return -1;
	if (store_query_int(st, "PRAGMA user_version", &version) == -1 ||
	    store_query_int(st, "SELECT count(*) FROM sqlite_master",
	    &objects) == -1) {
		store_fail(st, "cannot read the schema", err, errlen);
		goto out;
	}
	if (version != 0) {	/* another process was first */
		rc = 0;
		goto out;
	}
	if (objects != 0) {
		store_not_ours(st, err, errlen);
		goto out;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (store_do(st, schema_sql, "creating the schema", err,
	    errlen) == -1 ||
	    store_do(st, sql, "setting the schema version", err,
	    errlen) == -1 ||
	    store_do(st, "COMMIT", "commit", err, errlen) == -1)
		goto out;
	if (strcmp(st->path, ":memory:") != 0)
		log_info("%s: new database, schema version %d", st->path,
		    STORE_SCHEMA_VERSION);
	rc = 0;
out:
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
store_open(const char *path, struct store **out, char *err, size_t errlen)
{
	struct store *st;
	int memory = strcmp(path, ":memory:") == 0;
	int flags = SQLITE_OPEN_READWRITE;
	int version, busy, rc = -1;

	*out = NULL;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (memory)
		flags |= SQLITE_OPEN_CREATE;
	else if (store_create_file(path, err, errlen) == -1)
		goto out;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			fatalx("sqlite3_open_v2: out of memory");
		store_fail(st, "cannot open", err, errlen);
		goto out;
	}
	if (store_configure(st, memory, err, errlen) == -1)
		goto out;
	if ((version = store_version(st)) == -1) {
		store_fail(st, "cannot read the schema version", err, errlen);
		goto out;
	}
	if (version == 0 && store_create_schema(st, err, errlen) == -1)
		goto out;
	if (store_migrate_with(st, store_migrations, store_n_migrations,
	    STORE_SCHEMA_VERSION, err, errlen) == -1)
		goto out;
	*out = st;
	st = NULL;
	rc = 0;
out:
	busy = st != NULL && st->db != NULL && store_busy(st);
	store_close(st);
	if (busy)
		errno = EBUSY;	/* after the close, which may set errno */
	return rc;
}

/* Opens the existing database at `path`, creating and migrating
 * nothing, and reads its version.  *out NULL on failure. */
static int
store_open_nocreate(const char *path, struct store **out, int *version,
    char *err, size_t errlen)
{
	struct store *st;

	*out = NULL;
	*version = 0;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	/* Without SQLITE_OPEN_CREATE: a missing file is an error here. */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		if (st->db == NULL)
			fatalx("sqlite3_open_v2: out of memory");
		store_fail(st, "cannot open", err, errlen);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	if ((*version = store_version(st)) == -1) {
		*version = 0;
		store_fail(st, "cannot read the schema version", err, errlen);
		goto fail;
	}
	if (*version > STORE_SCHEMA_VERSION) {
		store_newer(st, *version, STORE_SCHEMA_VERSION, err, errlen);
		goto fail;
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

int
store_open_existing(const char *path, struct store **out, char *err,
    size_t errlen)
{
	int version;

	if (store_open_nocreate(path, out, &version, err, errlen) != 0)
		return -1;
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	snprintf(err, errlen, "%s: schema version %d, not %d yet (the daemon "
	    "brings it up to date when it starts)", path, version,
	    STORE_SCHEMA_VERSION);
	store_close(*out);
	*out = NULL;
	return -1;
}

int
store_probe(const char *path, int *version, char *err, size_t errlen)
{
	struct store *st;
	int64_t objects = 0;
	int rc = -1;

	if (store_open_nocreate(path, &st, version, err, errlen) != 0)
		return -1;
	if (*version == 0) {
		if (store_query_int(st, "SELECT count(*) FROM sqlite_master",
		    &objects) == -1) {
			store_fail(st, "cannot read the schema", err, errlen);
			goto out;
		}
		if (objects != 0) {
			store_not_ours(st, err, errlen);
			goto out;
		}
	}
	if (store_integrity_check(st, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	store_close(st);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->db != NULL) {
		store_cache_free(st);
		if (sqlite3_next_stmt(st->db, NULL) != NULL)
			log_warnx("%s: closed with statements still open",
			    st->path);
		/* v2: with statements left, closes when they are finalized. */
		sqlite3_close_v2(st->db);
	}
	free(st->path);
	free(st);
}

int
store_version(struct store *st)
{
	int64_t v;

	if (store_query_int(st, "PRAGMA user_version", &v) == -1)
		return -1;
	return (int)v;
}

static const struct store_migration *
store_find_migration(const struct store_migration *list, size_t n,
    int version)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].version == version)
			return &list[i];
	return NULL;
}

/* Applies one migration in its own transaction, as SQLite's ALTER TABLE
 * page describes: foreign keys off around it, foreign_key_check before
 * the commit. */
static int
store_migrate_one(struct store *st, const struct store_migration *m,
    char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;
	int64_t version, fk = 0;
	char sql[64], what[64];
	int step, rc = -1;

	snprintf(what, sizeof(what), "migration to schema version %d",
	    m->version);
	if (store_query_int(st, "PRAGMA foreign_keys", &fk) == -1)
		return store_fail(st, what, err, errlen);
	/* Only effective outside a transaction, hence before BEGIN. */
	if (fk && store_do(st, "PRAGMA foreign_keys = OFF", what, err,
	    errlen) == -1)
		return -1;
	if (store_do(st, "BEGIN IMMEDIATE", what, err, errlen) == -1)
		goto out;
	if (store_query_int(st, "PRAGMA user_version", &version) == -1) {
		store_fail(st, what, err, errlen);
		goto out;
	}
	if (version >= m->version) {	/* another process did it */
		rc = 0;
		goto out;
	}
	if (store_do(st, m->sql, what, err, errlen) == -1 ||
	    (m->step != NULL && m->step(st, err, errlen) == -1))
		goto out;
	if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &stmt,
	    NULL) != SQLITE_OK) {
		store_fail(st, what, err, errlen);
		goto out;
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		store_seterr(err, errlen, "%s: %s: foreign key violation: "
		    "table %s row %lld refers to a missing %s row", st->path,
		    what, (const char *)sqlite3_column_text(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2));
		goto out;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, what, err, errlen);
		goto out;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
	if (store_do(st, sql, what, err, errlen) == -1 ||
	    store_do(st, "COMMIT", what, err, errlen) == -1)
		goto out;
	log_info("%s: schema migrated to version %d", st->path, m->version);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (fk)
		sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL,
		    NULL);
	return rc;
}

int
store_migrate_with(struct store *st, const struct store_migration *list,
    size_t n, int target, char *err, size_t errlen)
{
	const struct store_migration *m;
	int v, version;

	if ((version = store_version(st)) == -1)
		return store_fail(st, "cannot read the schema version", err,
		    errlen);
	if (version > target)
		return store_newer(st, version, target, err, errlen);
	/* Check the whole path first: never stop halfway for a gap. */
	for (v = version + 1; v <= target; v++) {
		m = store_find_migration(list, n, v);
		if (m == NULL || m->sql == NULL) {
			store_seterr(err, errlen, "%s: no migration from "
			    "schema version %d to %d", st->path, v - 1, v);
			return -1;
		}
	}
	for (v = version + 1; v <= target; v++)
		if (store_migrate_one(st, store_find_migration(list, n, v),
		    err, errlen) == -1)
			return -1;
	/* A newer program may have upgraded it meanwhile. */
	if ((version = store_version(st)) == -1)
		return store_fail(st, "cannot read the schema version", err,
		    errlen);
	if (version > target)
		return store_newer(st, version, target, err, errlen);
	return 0;
}

/* Savepoint names are pasted into SQL: allow identifiers only. */
static int
store_check_name(const char *name, char *err, size_t errlen)
{
	const char *p;

	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    *p == '_' || (p != name && *p >= '0' && *p <= '9')))
			break;
	if (p == name || *p != '\0' || p - name > 64) {
		store_seterr(err, errlen, "bad savepoint name '%s'", name);
		return -1;
	}
	return 0;
}

static int
store_tx(struct store *st, const char *sql, const char *what, char *err,
    size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		store_seterr(err, errlen, "%s: %s", what,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st, char *err, size_t errlen)
{
	return store_tx(st, "BEGIN IMMEDIATE", "begin", err, errlen);
}

int
store_commit(struct store *st, char *err, size_t errlen)
{
	return store_tx(st, "COMMIT", "commit", err, errlen);
}

int
store_rollback(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_get_autocommit(st->db))
		return 0;
	return store_tx(st, "ROLLBACK", "rollback", err, errlen);
}

/* Savepoints open and close around every mail: their statements are
 * kept compiled like any other (store_stmt.c). */
int
store_savepoint(struct store *st, const char *name, char *err,
    size_t errlen)
{
	char sql[128];

	if (store_check_name(name, err, errlen) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "SAVEPOINT %s", name);
	return store_run(st, "savepoint", sql, NULL, 0, err, errlen);
}

int
store_release(struct store *st, const char *name, char *err, size_t errlen)
{
	char sql[128];

	if (store_check_name(name, err, errlen) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT %s", name);
	return store_run(st, "release savepoint", sql, NULL, 0, err, errlen);
}

int
store_rollback_to(struct store *st, const char *name, char *err,
    size_t errlen)
{
	char sql[192];

	if (store_check_name(name, err, errlen) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT %s; "
	    "RELEASE SAVEPOINT %s", name, name);
	return store_tx(st, sql, "rollback to savepoint", err, errlen);
}

int
store_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

int
store_integrity_check(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;
	const char *line;
	char found[512];
	size_t len = 0;
	int step, rows = 0, rc = -1;

	found[0] = '\0';
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &stmt,
	    NULL) != SQLITE_OK) {
		store_fail(st, "integrity check", err, errlen);
		goto out;
	}
	/* One row "ok", or one row per problem: keep the first three. */
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		line = (const char *)sqlite3_column_text(stmt, 0);
		if (line != NULL && strcmp(line, "ok") == 0)
			continue;
		if (rows++ < 3 && len < sizeof(found))
			len += (size_t)snprintf(found + len, sizeof(found) -
			    len, "%s%s", len ? "; " : "", line ? line : "?");
	}
	if (step != SQLITE_DONE) {
		store_fail(st, "integrity check", err, errlen);
		goto out;
	}
	if (rows > 0) {
		store_seterr(err, errlen, "%s: integrity check failed (%d "
		    "problem%s): %s", st->path, rows, rows > 1 ? "s" : "",
		    found);
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA foreign_key_check", -1, &stmt,
	    NULL) != SQLITE_OK) {
		store_fail(st, "foreign key check", err, errlen);
		goto out;
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		store_seterr(err, errlen, "%s: foreign key violation: table %s "
		    "row %lld refers to a missing %s row", st->path,
		    (const char *)sqlite3_column_text(stmt, 0),
		    (long long)sqlite3_column_int64(stmt, 1),
		    (const char *)sqlite3_column_text(stmt, 2));
		goto out;
	}
	if (step != SQLITE_DONE) {
		store_fail(st, "foreign key check", err, errlen);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	return rc;
}
