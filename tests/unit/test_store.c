/*
 * test_store.c — the database: a fresh file gets the whole schema, safely
 * configured (0600, WAL, foreign keys); wrong files and newer schemas are
 * refused with the path in the message; migrations apply in order, one
 * transaction each, and a failing one leaves the previous version;
 * savepoints undo one message's work and keep the rest of the batch; the
 * schema's constraints hold.  Everything goes through the store API only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/mem.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_private.h"
#include "tap.h"
#include "testutil.h"

static char err[1024];

/* Runs one statement with no parameters: STORE_DONE, or -1 with the
 * SQLite message in err. */
static int
run(struct store *st, const char *sql)
{
	struct store_stmt *s;
	int r;

	err[0] = '\0';
	s = store_prepare(st, sql, err, sizeof(err));
	if (s == NULL)
		return -2;
	r = store_step(s);
	if (r == -1)
		snprintf(err, sizeof(err), "%s", store_errmsg(st));
	store_finalize(s);
	return r;
}

static struct store *
open_ok(const char *path, const char *name)
{
	struct store *st = NULL;

	err[0] = '\0';
	if (store_open(path, &st, err, sizeof(err)) == -1)
		st = NULL;
	ok(st != NULL, name);
	if (st == NULL)
		printf("#   error: %s\n", err);
	return st;
}

#define ADD_PERSON(email) \
	"INSERT INTO persons (email, created_at, updated_at) " \
	"VALUES ('" email "', 1700000000, 1700000000)"
#define ADD_CASE(ref, year, seq, state) \
	"INSERT INTO cases (ref, year, seq, kind, state, state_since, " \
	"created_at, updated_at, last_activity_at) VALUES ('" ref "', " \
	#year ", " #seq ", 'request', '" state "', 1, 1, 1, 1)"

static const char *expected_tables =
	"case_members,case_seq,cases,events,imap_state,jobs,mailbox_erase,"
	"meetings,messages,milestones,outbox,person_roles,persons,quarantine,"
	"rate,testimonies";

/* Before any database is opened, as main() does: no connection mutex and
 * no memory statistics afterwards, and too late once SQLite is running. */
static void
test_library_setup(void)
{
	struct store *st;

	is_int(store_library_setup(), 0, "library setup before any open");
	st = open_ok(path_in("setup.db"), "opens after the setup");
	if (st == NULL)
		return;
	is_int(run(st, ADD_PERSON("setup@example.org")), STORE_DONE,
	    "a write after the setup");
	ok(sqlite3_db_mutex(st->db) == NULL, "no connection mutex");
	is_int((int)sqlite3_memory_used(), 0, "no memory statistics kept");
	is_int(store_library_setup(), -1, "a second setup is refused");
	store_close(st);
}

static void
test_fresh(void)
{
	const char *path = path_in("fresh.db");
	struct store *st;
	struct stat sb;
	char wal[600];

	umask(022);	/* would give 0644 if the store relied on it */
	st = open_ok(path, "fresh database opens");
	if (st == NULL)
		return;
	is_int(store_version(st), STORE_SCHEMA_VERSION, "fresh: current version");
	is_str(q_text(st, "SELECT group_concat(name, ',') FROM (SELECT name "
	    "FROM sqlite_master WHERE type = 'table' ORDER BY name)"),
	    expected_tables, "fresh: every table of the design");
	is_int(q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'index' AND name = 'jobs_due' AND sql LIKE "
	    "'%WHERE done_at IS NULL%'"), 1, "jobs: partial index on due_at");
	is_int(q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'index' AND name = 'outbox_due'"), 1,
	    "outbox: index on status, next attempt");
	is_str(q_text(st, "PRAGMA journal_mode"), "wal", "journal mode WAL");
	is_int(q_int(st, "PRAGMA synchronous"), 2, "synchronous = FULL");
	is_int(q_int(st, "PRAGMA foreign_keys"), 1, "foreign keys on");
	is_int(q_int(st, "PRAGMA temp_store"), 2,
	    "savepoint journals in memory");
	is_int(q_int(st, "PRAGMA busy_timeout"), 5000, "busy timeout 5 s");
	is_int(store_in_transaction(st), 0, "not left in a transaction");

	ok(stat(path, &sb) == 0, "database file exists");
	is_int(sb.st_mode & 0777, 0600, "database file mode 0600");
	is_int(run(st, ADD_PERSON("a@example.org")), STORE_DONE,
	    "a write goes through the WAL");
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ok(stat(wal, &sb) == 0, "WAL file exists");
	is_int(sb.st_mode & 0777, 0600, "WAL file mode 0600 too");

	err[0] = '\0';
	is_int(store_integrity_check(st, err, sizeof(err)), 0,
	    "integrity check passes");
	is_str(err, "", "integrity check: no message");
	store_close(st);
}

static void
test_reopen(void)
{
	const char *path = path_in("fresh.db");
	struct store *st;
	long long objects;

	st = open_ok(path, "reopen: opens");
	if (st == NULL)
		return;
	objects = q_int(st, "SELECT count(*) FROM sqlite_master");
	ok(objects > 14, "reopen: schema objects present");
	store_close(st);

	st = open_ok(path, "reopen again: opens");
	if (st == NULL)
		return;
	is_int(store_version(st), STORE_SCHEMA_VERSION, "reopen: still the current version");
	is_int(q_int(st, "SELECT count(*) FROM sqlite_master"), objects,
	    "reopen: no schema object added or lost");
	is_str(q_text(st, "SELECT email FROM persons"), "a@example.org",
	    "reopen: data kept");
	store_close(st);
}

/* A database of schema 1 (as first released: no testimonies) gets the
 * table from migration 2, written exactly as schema.sql writes it for a
 * fresh database. */
/* The columns of a table, "name type notnull default pk" per column. */
static char *
columns_of(struct store *st, const char *table)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT group_concat(name || ' ' || type "
	    "|| ' ' || \"notnull\" || ' ' || ifnull(dflt_value, '-') || ' ' || "
	    "pk, ';') FROM pragma_table_info('%s')", table);
	return xstrdup(q_text(st, sql));
}

/* A version 1 database (the first release: no testimonies, no
 * availability, no retention) is brought to the current schema, which
 * then has the same tables and columns as a fresh database. */
static void
test_upgrade_from_1(void)
{
	static const char *const tables[] = { "persons", "messages",
	    "testimonies" };
	const char *path = path_in("v1.db");
	struct store *st = open_ok(path, "v1: create");
	char *fresh[3];

	if (st == NULL)
		return;
	for (size_t i = 0; i < 3; i++)
		fresh[i] = columns_of(st, tables[i]);
	exec_ok(st, V10_DROP V9_UNDO V7_DROP V6_DROP V4_DROP "DROP TABLE testimonies; "
	    "ALTER TABLE persons DROP COLUMN unavailable; ALTER TABLE persons DROP COLUMN "
	    "unavailable_until; ALTER TABLE messages DROP COLUMN purged_at; "
	    "PRAGMA user_version = 1");
	store_close(st);
	st = open_ok(path, "v1: reopen migrates");
	if (st != NULL) {
		is_int(store_version(st), STORE_SCHEMA_VERSION,
		    "v1: now the current version");
		for (size_t i = 0; i < 3; i++) {
			char *now = columns_of(st, tables[i]);
			char what[64];

			snprintf(what, sizeof(what), "v1: %s as a fresh "
			    "database has it", tables[i]);
			is_str(now, fresh[i], what);
			free(now);
		}
		store_close(st);
	}
	for (size_t i = 0; i < 3; i++)
		free(fresh[i]);
}

static void
test_memory(void)
{
	struct store *st = open_ok(":memory:", ":memory: opens");

	if (st == NULL)
		return;
	is_int(store_version(st), STORE_SCHEMA_VERSION, ":memory: current version");
	is_int(q_int(st, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table'"), 16, ":memory: all tables");
	is_int(q_int(st, "PRAGMA foreign_keys"), 1, ":memory: foreign keys");
	store_close(st);
}

static void
test_refusals(void)
{
	const char *path = path_in("newer.db"), *junk, *mark;
	struct store *st;
	char big[4096], want[1200], back[4096];
	FILE *f;
	size_t n;

	/* A database from a newer program. */
	st = open_ok(path, "newer: create");
	if (st == NULL)
		return;
	is_int(store_exec(st, "PRAGMA user_version = 99", err, sizeof(err)),
	    0, "newer: set user_version 99");
	store_close(st);
	st = (struct store *)&st;	/* must be reset to NULL */
	err[0] = '\0';
	is_int(store_open(path, &st, err, sizeof(err)), -1, "newer: refused");
	ok(st == NULL, "newer: no store returned");
	if (st == (struct store *)&st)
		st = NULL;
	snprintf(want, sizeof(want), "%s: schema version 99 is newer than "
	    "this program (%d); upgrade coupdepouce", path,
	    STORE_SCHEMA_VERSION);
	is_str(err, want, "newer: message names the versions");
	store_close(st);

	/* Garbage, big and small. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "From: someone\r\n", 15);
	junk = path_in("garbage.db");
	write_bytes(junk, big, sizeof(big));
	st = NULL;
	err[0] = '\0';
	is_int(store_open(junk, &st, err, sizeof(err)), -1,
	    "garbage: refused");
	snprintf(want, sizeof(want), "%s: not an SQLite database file", junk);
	is_str(err, want, "garbage: clear message with the path");
	store_close(st);
	f = fopen(junk, "rb");
	n = f ? fread(back, 1, sizeof(back), f) : 0;
	if (f)
		fclose(f);
	ok(n == sizeof(big) && memcmp(back, big, n) == 0,
	    "garbage: file left untouched");

	junk = path_in("short.db");
	write_bytes(junk, "hello\n", 6);
	err[0] = '\0';
	is_int(store_open(junk, &st, err, sizeof(err)), -1,
	    "short garbage: refused");
	like_str(err, "short.db: not an SQLite database",
	    "short garbage: clear message");
	store_close(st);

	/* Some other program's SQLite database. */
	mark = path_in("other.db");
	st = open_ok(mark, "other: create");
	if (st == NULL)
		return;
	store_exec(st, "PRAGMA user_version = 0", err, sizeof(err));
	store_close(st);
	st = NULL;
	err[0] = '\0';
	is_int(store_open(mark, &st, err, sizeof(err)), -1,
	    "tables without version: refused");
	like_str(err, "other.db: not a coupdepouce database",
	    "tables without version: says so");
	store_close(st);

	/* A folder that does not exist. */
	junk = path_in("nope/sub/x.db");
	err[0] = '\0';
	is_int(store_open(junk, &st, err, sizeof(err)), -1,
	    "missing folder: refused");
	snprintf(want, sizeof(want), "%s: cannot create the database: folder "
	    "%s/nope/sub does not exist", junk, scratch);
	is_str(err, want, "missing folder: names the folder");

	/* A database we may not write (root writes anyway: skipped). */
	if (geteuid() == 0) {
		tap_skip("read-only database refused", "running as root");
	} else if ((st = open_ok(path_in("ro.db"), "read-only: create"))) {
		store_close(st);
		st = NULL;
		chmod(path_in("ro.db"), 0400);
		err[0] = '\0';
		is_int(store_open(path_in("ro.db"), &st, err, sizeof(err)), -1,
		    "read-only database refused");
		like_str(err, "ro.db: cannot open the database: Permission "
		    "denied", "... with the reason");
		store_close(st);
	}

	/* A directory instead of a file. */
	err[0] = '\0';
	is_int(store_open(scratch, &st, err, sizeof(err)), -1,
	    "directory: refused");
	like_str(err, scratch, "directory: message names the path");
}

static void
test_constraints(void)
{
	struct store *st = open_ok(path_in("fk.db"), "constraints: open");

	if (st == NULL)
		return;
	/* Foreign keys. */
	is_int(run(st, "INSERT INTO case_members (case_id, person_id, role) "
	    "VALUES (42, 43, 'holder')"), -1,
	    "member of a missing case refused");
	like_str(err, "FOREIGN KEY constraint failed", "... by a foreign key");
	is_int(q_int(st, "SELECT count(*) FROM case_members"), 0,
	    "... nothing inserted");
	is_int(run(st, ADD_PERSON("holder@example.org")), STORE_DONE,
	    "person inserted");
	is_int(run(st, ADD_CASE("CDP-2025-0001", 2025, 1, "new")), STORE_DONE,
	    "case inserted");
	is_int(run(st, "INSERT INTO case_members (case_id, person_id, role) "
	    "VALUES (1, 1, 'holder')"), STORE_DONE, "valid member accepted");
	is_int(run(st, "UPDATE cases SET holder_id = 1"), STORE_DONE,
	    "holder set");
	is_int(run(st, "DELETE FROM persons WHERE id = 1"), -1,
	    "a case's holder cannot be deleted (RESTRICT)");
	is_int(run(st, "INSERT INTO events (case_id, at, kind) "
	    "VALUES (1, 5, 'state')"), STORE_DONE, "event recorded");
	is_int(run(st, "DELETE FROM case_members WHERE case_id = 1"),
	    STORE_DONE, "members removed");
	is_int(run(st, "UPDATE cases SET holder_id = NULL"), STORE_DONE,
	    "holder cleared");
	is_int(run(st, "DELETE FROM cases WHERE id = 1"), STORE_DONE,
	    "case deleted");
	is_int(q_int(st, "SELECT count(*) FROM events"), 0,
	    "its timeline went with it (CASCADE)");

	/* CHECK constraints. */
	is_int(run(st, ADD_CASE("CDP-2025-0002", 2025, 2, "pending")), -1,
	    "unknown case state refused");
	like_str(err, "CHECK constraint failed", "... by a CHECK constraint");
	is_int(run(st, ADD_CASE("CDP-2025-0002", 2025, 2, "analysis")),
	    STORE_DONE, "same case with a known state accepted");
	is_int(run(st, ADD_CASE("CDP-2025-0007", 2025, 3, "new")), -1,
	    "reference not matching year and sequence refused");
	is_int(run(st, ADD_CASE("CDP-2025-0002", 2025, 2, "new")), -1,
	    "duplicate reference refused");
	like_str(err, "UNIQUE constraint failed", "... by UNIQUE");
	is_int(run(st, ADD_PERSON("Upper@Example.org")), -1,
	    "e-mail not in lower case refused");
	is_int(run(st, "INSERT INTO persons (email, themes, created_at, "
	    "updated_at) VALUES ('t@example.org', 'energie', 1, 1)"), -1,
	    "themes that are not a JSON array refused");
	is_int(run(st, "INSERT INTO persons (email, themes, created_at, "
	    "updated_at) VALUES ('t@example.org', '[\"energie\"]', 1, 1)"),
	    STORE_DONE, "themes as a JSON array accepted");
	is_int(run(st, "INSERT INTO rate (address, day, count) "
	    "VALUES ('t@example.org', 'today', 1)"), -1,
	    "rate day must be YYYY-MM-DD");
	is_int(run(st, "INSERT INTO imap_state (folder, uidvalidity, "
	    "updated_at) VALUES ('INBOX', 'abc', 1)"), -1,
	    "STRICT: text in an INTEGER column refused");

	/* Message dedupe on (message_id, content_hash). */
#define ADD_MSG(hash) \
	"INSERT INTO messages (direction, message_id, content_hash, raw, " \
	"received_at) VALUES ('in', 'x@y', '" hash "', X'41', 1)"
	is_int(run(st, ADD_MSG("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef")), STORE_DONE,
	    "message stored");
	is_int(run(st, ADD_MSG("0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef")), -1,
	    "same message twice refused");
	is_int(run(st, ADD_MSG("1123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef")), STORE_DONE,
	    "same Message-ID, other content: stored");

	/* The integrity check sees what foreign keys would have stopped. */
	store_exec(st, "PRAGMA foreign_keys = OFF", err, sizeof(err));
	run(st, "INSERT INTO jobs (kind, case_id, due_at, created_at) "
	    "VALUES ('reminder', 777, 1, 1)");
	store_exec(st, "PRAGMA foreign_keys = ON", err, sizeof(err));
	err[0] = '\0';
	is_int(store_integrity_check(st, err, sizeof(err)), -1,
	    "integrity check finds a dangling reference");
	like_str(err, "foreign key violation: table jobs",
	    "... and names the table");
	store_close(st);
}

/* Runs after the tests above, on the files they left. */
static void
test_probe(void)
{
	const char *path;
	char want[1200];
	int version = -5;

	err[0] = '\0';
	is_int(store_probe(path_in("fresh.db"), &version, err, sizeof(err)), 0,
	    "probe: good database passes");
	is_str(err, "", "probe: no message");
	is_int(version, STORE_SCHEMA_VERSION, "probe: current version");

	path = path_in("empty.db");
	write_bytes(path, "", 0);
	is_int(store_probe(path, &version, err, sizeof(err)), 0,
	    "probe: empty file passes");
	is_int(version, 0, "probe: empty file is version 0");

	path = path_in("missing.db");
	err[0] = '\0';
	is_int(store_probe(path, &version, err, sizeof(err)), -1,
	    "probe: missing file fails");
	like_str(err, "missing.db: cannot open", "probe: missing file message");
	ok(access(path, F_OK) != 0, "probe: missing file not created");

	path = path_in("newer.db");
	err[0] = '\0';
	is_int(store_probe(path, &version, err, sizeof(err)), -1,
	    "probe: newer schema fails");
	snprintf(want, sizeof(want), "%s: schema version 99 is newer than "
	    "this program (%d); upgrade coupdepouce", path,
	    STORE_SCHEMA_VERSION);
	is_str(err, want, "probe: newer schema message");

	err[0] = '\0';
	is_int(store_probe(path_in("garbage.db"), &version, err, sizeof(err)),
	    -1, "probe: garbage fails");
	like_str(err, "garbage.db: not an SQLite database file",
	    "probe: garbage message");

	err[0] = '\0';
	is_int(store_probe(path_in("other.db"), &version, err, sizeof(err)),
	    -1, "probe: other program's database fails");
	like_str(err, "not a coupdepouce database", "probe: says so");

	err[0] = '\0';
	is_int(store_probe(path_in("fk.db"), &version, err, sizeof(err)), -1,
	    "probe: dangling reference fails");
	like_str(err, "fk.db: foreign key violation: table jobs",
	    "probe: names the problem");
}

static void
test_statements(void)
{
	static const unsigned char blob[] = { 'a', 0, 'b', 0xff, 0 };
	struct store *st = open_ok(":memory:", "statements: open");
	struct store_stmt *s;
	const unsigned char *p;
	size_t len = 99;
	int64_t id;

	if (st == NULL)
		return;
	is_int(store_exec(st, "CREATE TABLE t (i INTEGER, s TEXT, b BLOB, "
	    "u TEXT UNIQUE)", err, sizeof(err)), 0, "exec creates a table");
	s = store_prepare(st, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)", err,
	    sizeof(err));
	ok(s != NULL, "prepare insert");
	if (s == NULL)
		goto out;
	ok(store_bind_int64(s, 1, INT64_C(1) << 40) == 0 &&
	    store_bind_text(s, 2, "élan ' ; DROP TABLE t") == 0 &&
	    store_bind_blob(s, 3, blob, sizeof(blob)) == 0 &&
	    store_bind_text(s, 4, "one") == 0, "bind values");
	is_int(store_step(s), STORE_DONE, "insert runs");
	id = store_last_insert_id(st);
	is_int(id, 1, "last insert id");
	is_int(store_changes(st), 1, "one row changed");
	store_reset(s);
	ok(store_bind_text(s, 2, NULL) == 0 &&
	    store_bind_blob(s, 3, NULL, 0) == 0 &&
	    store_bind_text(s, 4, "two") == 0, "bind NULLs after reset");
	is_int(store_step(s), STORE_DONE, "second insert (i unbound: NULL)");
	is_int(store_last_insert_id(st), 2, "second id");
	store_reset(s);
	store_bind_blob(s, 3, "", 0);
	store_bind_text(s, 4, "one");
	is_int(store_step(s), -1, "duplicate on UNIQUE fails");
	is_int(store_constraint_failed(st), 1, "... as a constraint");
	like_str(store_errmsg(st), "UNIQUE", "... errmsg says UNIQUE");
	ok(store_bind_int64(s, 9, 1) == -1, "bind to a bad index fails");
	store_finalize(s);

	s = store_prepare(st, "SELECT i, s, b, u FROM t ORDER BY rowid", err,
	    sizeof(err));
	ok(s != NULL, "prepare select");
	if (s == NULL)
		goto out;
	is_int(store_col_count(s), 4, "four columns");
	is_int(store_step(s), STORE_ROW, "first row");
	is_int(store_col_int64(s, 0), INT64_C(1) << 40, "64-bit integer kept");
	is_str(store_col_text(s, 1), "élan ' ; DROP TABLE t",
	    "text kept as bound (no injection)");
	p = store_col_blob(s, 2, &len);
	ok(p != NULL && len == sizeof(blob) && memcmp(p, blob, len) == 0,
	    "blob with NUL bytes kept");
	is_int(store_step(s), STORE_ROW, "second row");
	ok(store_col_is_null(s, 0) && store_col_is_null(s, 1) &&
	    store_col_is_null(s, 2), "NULLs read back as NULL");
	ok(store_col_text(s, 1) == NULL, "NULL text is a NULL pointer");
	ok(store_col_blob(s, 2, &len) == NULL && len == 0,
	    "NULL blob: NULL, length 0");
	is_int(store_step(s), STORE_DONE, "then done");
	store_finalize(s);

	s = store_prepare(st, "SELECT 1; DROP TABLE t", err, sizeof(err));
	ok(s == NULL, "two statements refused");
	like_str(err, "more than one SQL statement", "... with a reason");
	s = store_prepare(st, "SELEKT 1", err, sizeof(err));
	ok(s == NULL, "syntax error refused");
	like_str(err, "syntax error", "... with SQLite's message");
	s = store_prepare(st, "SELECT abs(-9223372036854775807 - 1)", err,
	    sizeof(err));
	ok(s != NULL && store_step(s) == -1, "run-time error: -1");
	is_int(store_constraint_failed(st), 0, "... not a constraint");
	like_str(store_errmsg(st), "integer overflow", "... errmsg");
	store_finalize(s);
	is_int(store_exec(st, "INSERT INTO nowhere VALUES (1)", err,
	    sizeof(err)), -1, "exec error");
	like_str(err, "no such table: nowhere", "exec error message");

	/* A statement left open when its store closes (a bug, logged) can
	 * still be finalized without touching freed memory. */
	{
		struct store *st2 = open_ok(":memory:", "second store");
		struct store_stmt *s2;

		if (st2 != NULL) {
			s2 = store_prepare(st2, "SELECT 7", err, sizeof(err));
			store_close(st2);
			ok(s2 != NULL && store_step(s2) == STORE_ROW &&
			    store_col_int64(s2, 0) == 7,
			    "statement outlives its store");
			store_finalize(s2);
		}
	}
	store_finalize(NULL);
	store_close(NULL);
	ok(1, "finalize(NULL) and close(NULL) are no-ops");
out:
	store_close(st);
}

static void
test_savepoints(void)
{
	struct store *st = open_ok(":memory:", "savepoints: open");

	if (st == NULL)
		return;
	store_exec(st, "CREATE TABLE sp (x TEXT)", err, sizeof(err));
	is_int(store_begin(st, err, sizeof(err)), 0, "begin");
	is_int(store_in_transaction(st), 1, "in a transaction");
	run(st, "INSERT INTO sp VALUES ('A')");
	is_int(store_savepoint(st, "msg_1", err, sizeof(err)), 0,
	    "savepoint msg_1");
	run(st, "INSERT INTO sp VALUES ('B')");
	is_int(store_rollback_to(st, "msg_1", err, sizeof(err)), 0,
	    "rollback to msg_1");
	is_int(store_in_transaction(st), 1, "outer transaction still open");
	is_int(store_release(st, "msg_1", err, sizeof(err)), -1,
	    "msg_1 is gone after rollback_to");
	like_str(err, "no such savepoint", "... SQLite says so");
	is_int(store_savepoint(st, "msg_2", err, sizeof(err)), 0,
	    "savepoint msg_2");
	run(st, "INSERT INTO sp VALUES ('C')");
	is_int(store_release(st, "msg_2", err, sizeof(err)), 0,
	    "release msg_2");
	is_int(store_commit(st, err, sizeof(err)), 0, "commit");
	is_int(store_in_transaction(st), 0, "transaction over");
	is_str(q_text(st, "SELECT group_concat(x, ',') FROM (SELECT x FROM "
	    "sp ORDER BY rowid)"), "A,C",
	    "the savepoint's work undone, the rest committed");

	store_begin(st, err, sizeof(err));
	run(st, "INSERT INTO sp VALUES ('D')");
	is_int(store_rollback(st, err, sizeof(err)), 0, "rollback");
	is_int(q_int(st, "SELECT count(*) FROM sp WHERE x = 'D'"), 0,
	    "rolled back work is gone");
	is_int(store_rollback(st, err, sizeof(err)), 0,
	    "rollback outside a transaction is a no-op");
	is_int(store_commit(st, err, sizeof(err)), -1,
	    "commit outside a transaction fails");
	like_str(err, "commit: ", "... with the step named");

	err[0] = '\0';
	is_int(store_savepoint(st, "x; DROP TABLE sp", err, sizeof(err)), -1,
	    "savepoint name with SQL refused");
	like_str(err, "bad savepoint name", "... with a reason");
	is_int(store_savepoint(st, "", err, sizeof(err)), -1,
	    "empty savepoint name refused");
	is_int(store_savepoint(st, "9a", err, sizeof(err)), -1,
	    "savepoint name starting with a digit refused");
	is_int(q_int(st, "SELECT count(*) FROM sp"), 2, "table still there");
	is_int(store_in_transaction(st), 0, "no transaction left open");
	store_close(st);
}

static const struct store_migration mig_ok[] = {
	/* Listed out of order on purpose: versions decide the order. */
	{ 3, "ALTER TABLE mlog ADD COLUMN note TEXT;"
	     "INSERT INTO mlog (v, note) VALUES (3, 'three');", NULL },
	{ 2, "CREATE TABLE mlog (v INTEGER);"
	     "INSERT INTO mlog (v) VALUES (2);", NULL },
};

static const struct store_migration mig_bad_sql[] = {
	{ 4, "INSERT INTO mlog (v) VALUES (4);"
	     "CREATE TABLE broken (;", NULL },
};

static const struct store_migration mig_half[] = {
	{ 4, "INSERT INTO mlog (v) VALUES (4);", NULL },
	{ 5, "INSERT INTO mlog (v) VALUES (5);"
	     "INSERT INTO nowhere VALUES (1);", NULL },
};

static const struct store_migration mig_fk[] = {
	{ 5, "INSERT INTO mlog (v) VALUES (5);"
	     "INSERT INTO case_members (case_id, person_id, role) "
	     "VALUES (12345, 67890, 'holder');", NULL },
};

static const struct store_migration mig_gap[] = {
	{ 6, "INSERT INTO mlog (v) VALUES (6);", NULL },
};

static void
test_migrations(void)
{
	const char *path = path_in("migrate.db");
	struct store *st = open_ok(path, "migrations: open");
	char want[1200];

	if (st == NULL)
		return;
	/* These test migrations start from version 1, whatever the
	 * current schema is. */
	exec_ok(st, "PRAGMA user_version = 1");
	is_int(store_migrate_with(st, mig_ok, 2, 3, err, sizeof(err)), 0,
	    "v1 -> v3 applies");
	is_int(store_version(st), 3, "now version 3");
	is_str(q_text(st, "SELECT group_concat(v, ',') FROM (SELECT v FROM "
	    "mlog ORDER BY rowid)"), "2,3", "applied in version order");
	is_str(q_text(st, "SELECT note FROM mlog WHERE v = 3"), "three",
	    "v3 built on v2");
	is_int(store_migrate_with(st, mig_ok, 2, 3, err, sizeof(err)), 0,
	    "re-running succeeds");
	is_int(q_int(st, "SELECT count(*) FROM mlog"), 2,
	    "re-running is a no-op");

	err[0] = '\0';
	is_int(store_migrate_with(st, mig_bad_sql, 1, 4, err, sizeof(err)),
	    -1, "SQL error in migration 4 fails");
	like_str(err, "migration to schema version 4", "... names the version");
	like_str(err, "syntax error", "... gives SQLite's error");
	is_int(store_version(st), 3, "... still version 3");
	is_int(q_int(st, "SELECT count(*) FROM mlog WHERE v = 4"), 0,
	    "... its first statement rolled back");
	is_int(store_in_transaction(st), 0, "... no transaction left open");
	is_int(q_int(st, "PRAGMA foreign_keys"), 1,
	    "... foreign keys back on");

	err[0] = '\0';
	is_int(store_migrate_with(st, mig_half, 2, 5, err, sizeof(err)), -1,
	    "4 good, 5 bad: fails");
	like_str(err, "version 5", "... blames version 5");
	like_str(err, "no such table: nowhere", "... with the SQL error");
	is_int(store_version(st), 4, "... version 4 committed on its own");
	is_str(q_text(st, "SELECT group_concat(v, ',') FROM (SELECT v FROM "
	    "mlog ORDER BY rowid)"), "2,3,4", "... 4 applied, 5 not");

	err[0] = '\0';
	is_int(store_migrate_with(st, mig_fk, 1, 5, err, sizeof(err)), -1,
	    "migration breaking a foreign key fails");
	like_str(err, "foreign key violation: table case_members",
	    "... names the table");
	is_int(store_version(st), 4, "... still version 4");
	is_int(q_int(st, "SELECT count(*) FROM case_members"), 0,
	    "... rolled back");
	is_int(q_int(st, "PRAGMA foreign_keys"), 1,
	    "... foreign keys back on");

	err[0] = '\0';
	is_int(store_migrate_with(st, mig_gap, 1, 6, err, sizeof(err)), -1,
	    "missing migration 5 refused");
	snprintf(want, sizeof(want), "%s: no migration from schema version 4 "
	    "to 5", path);
	is_str(err, want, "... says which");
	is_int(q_int(st, "SELECT count(*) FROM mlog WHERE v = 6"), 0,
	    "... and nothing was applied");

	err[0] = '\0';
	is_int(store_migrate_with(st, mig_ok, 2, 2, err, sizeof(err)), -1,
	    "target below the current version refused");
	snprintf(want, sizeof(want), "%s: schema version 4 is newer than this "
	    "program (2); upgrade coupdepouce", path);
	is_str(err, want, "... as newer");
	exec_ok(st, "PRAGMA user_version = 99");
	store_close(st);
	st = NULL;
	err[0] = '\0';
	is_int(store_open(path, &st, err, sizeof(err)), -1,
	    "store_open refuses the version 99 database");
	snprintf(want, sizeof(want), "schema version 99 is newer than this "
	    "program (%d)", STORE_SCHEMA_VERSION);
	like_str(err, want, "... as newer");
	store_close(st);
}

static void
test_queries(void)
{
	struct store *st = open_ok(":memory:", "queries: open");
	struct store_stmt *s;
	int64_t v = -7;

	if (st == NULL)
		return;
	is_int(store_exec(st, "CREATE TABLE q (id INTEGER PRIMARY KEY, "
	    "n INTEGER, s TEXT, ref INTEGER)", err, sizeof(err)), 0,
	    "queries: table");
	is_int(store_run(st, "first row", "INSERT INTO q (n, s, ref) VALUES "
	    "(?1, ?2, ?3)", STORE_ARGS(STORE_INT(INT64_C(1) << 40),
	    STORE_TEXT("l'été ; DROP TABLE q"), STORE_ID(0)), err,
	    sizeof(err)), 0, "store_run inserts with three parameters");
	is_int(store_run(st, NULL, "INSERT INTO q (n, s, ref) VALUES (?1, ?2, "
	    "?3)", STORE_ARGS(STORE_INT(2), STORE_TEXT(NULL), STORE_ID(5)),
	    err, sizeof(err)), 0, "NULL text and a real id");
	is_int(store_get_int64(st, &v, NULL, "SELECT n FROM q WHERE s = ?1",
	    STORE_ARGS(STORE_TEXT("l'été ; DROP TABLE q")), err,
	    sizeof(err)), 1, "store_get_int64 finds the row by its text");
	ok(v == INT64_C(1) << 40, "  and reads the 64-bit value");
	is_int(store_get_int64(st, &v, NULL, "SELECT count(*) FROM q WHERE "
	    "ref IS NULL AND s IS NOT NULL", NULL, 0, err, sizeof(err)), 1,
	    "no parameters");
	is_int((int)v, 1, "  STORE_ID(0) bound NULL");
	is_int(store_get_int64(st, &v, NULL, "SELECT ref FROM q WHERE n = ?1 "
	    "AND s IS ?2", STORE_ARGS(STORE_INT(2), STORE_NULL), err,
	    sizeof(err)), 1, "STORE_NULL and STORE_TEXT(NULL) bind NULL");
	is_int((int)v, 5, "  STORE_ID(5) bound 5");
	v = -7;
	is_int(store_get_int64(st, &v, NULL, "SELECT n FROM q WHERE n = ?1",
	    STORE_ARGS(STORE_INT(3)), err, sizeof(err)), 0, "no row: 0");
	is_int((int)v, -7, "  *out untouched");
	is_int(store_run(st, "bad insert", "INSERT INTO nowhere VALUES (?1)",
	    STORE_ARGS(STORE_INT(1)), err, sizeof(err)), -1,
	    "store_run: a bad statement fails");
	is_str(err, "no such table: nowhere", "  with SQLite's message");
	is_int(store_run(st, "checked", "INSERT INTO q (id) VALUES (?1)",
	    STORE_ARGS(STORE_INT(1)), err, sizeof(err)), -1,
	    "store_run: a broken constraint fails");
	is_str(err, "checked: UNIQUE constraint failed: q.id",
	    "  with what and SQLite's message");
	is_int(store_get_int64(st, &v, NULL, "SELECT length(?1) + (?2 IS NULL) "
	    "* 100", STORE_ARGS(STORE_BLOB("a\0b", 3), STORE_BLOB(NULL, 0)),
	    err, sizeof(err)), 1, "STORE_BLOB binds bytes, NUL included");
	is_int((int)v, 103, "  and NULL for a NULL pointer");
	s = store_query(st, "SELECT n FROM q WHERE n > ?1 ORDER BY n",
	    STORE_ARGS(STORE_INT(1)), err, sizeof(err));
	ok(s != NULL && store_step(s) == STORE_ROW &&
	    store_col_int64(s, 0) == 2 && store_step(s) == STORE_ROW &&
	    store_step(s) == STORE_DONE, "store_query: rows in order");
	store_finalize(s);
	ok(store_query(st, "SELECT n FROM q WHERE n = ?1 AND s = ?2",
	    STORE_ARGS(STORE_INT(1), STORE_INT(2), STORE_INT(3)), err,
	    sizeof(err)) == NULL, "store_query: too many parameters refused");
	is_str(err, "binding parameter 3: column index out of range",
	    "  naming the parameter");
	store_close(st);
}

int
main(void)
{
	scratch_make("store");
	test_library_setup();
	test_fresh();
	test_reopen();
	test_memory();
	test_upgrade_from_1();
	test_refusals();
	test_constraints();
	test_probe();
	test_statements();
	test_savepoints();
	test_migrations();
	test_queries();
	scratch_remove();
	return tap_done();
}
