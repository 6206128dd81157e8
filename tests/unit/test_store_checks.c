/*
 * test_store_checks.c — migration 8: no IN list of three values or more
 * where SQLite evaluates it on each row written.
 *
 * A database made from the schema as first released (tests/data/
 * schema_v1.sql) is brought to the current version; its CHECK
 * constraints, the open cases' index and the membership triggers are then
 * written exactly as a fresh database has them, they still refuse a value
 * outside their list, and the statements that store a new request (the
 * mail, its case, its members, the mail queued) build no temporary table,
 * in the migrated database as in a fresh one.
 *
 * Migration 9: fewer index entries for each mail.  The indexes of the
 * tables a mail writes are exactly those the queries need, the ones of
 * a column often NULL hold no NULL, and the migrated database has every
 * index of a fresh one, written the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/buf.h"
#include "base/fileio.h"
#include "base/mem.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static struct store *
open_ok(const char *path, const char *name)
{
	struct store *st = NULL;
	char err[1024];

	if (store_open(path, &st, err, sizeof(err)) == -1) {
		printf("#   error: %s\n", err);
		st = NULL;
	}
	ok(st != NULL, name);
	return st;
}

/* The statements of a new request that check a value among several. */
static const char *const hot[] = {
	"INSERT INTO messages (direction, message_id, subject, from_address, "
	"auto, content_hash, raw, received_at) VALUES ('in', ?1, '', '', "
	"'none', ?2, X'', 0)",
	"UPDATE messages SET case_id = ?2, person_id = ?3, matched_by = ?4 "
	"WHERE id = ?1",
	"INSERT INTO cases (ref, year, seq, kind, state_since, created_at, "
	"updated_at, last_activity_at) VALUES (?1, ?2, ?3, 'request', 0, 0, 0, "
	"0)",
	"INSERT INTO case_members (case_id, person_id, role, status) VALUES "
	"(?1, ?2, ?3, ?4)",
	"INSERT INTO outbox (case_id, person_id, template, sender, recipients, "
	"message, status, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, "
	"'[]', X'', 'queued', 0, 0)",
	"UPDATE cases SET state = ?2 WHERE id = ?1",
	"INSERT INTO person_roles (person_id, role, since) VALUES (?1, ?2, 0)",
	"UPDATE milestones SET state = ?2 WHERE id = ?1",
};

/* How many temporary tables (OpenEphemeral) the program of `sql` opens;
 * -1 when it does not compile. */
static int
ephemeral_tables(struct store *st, const char *sql)
{
	struct store_stmt *s;
	char *explain = xasprintf("EXPLAIN %s", sql), err[512];
	int n = 0;

	s = store_prepare(st, explain, err, sizeof(err));
	free(explain);
	if (s == NULL) {
		printf("# %s\n", err);
		return -1;
	}
	while (store_step(s) == STORE_ROW)
		if (strcmp(store_col_text(s, 1), "OpenEphemeral") == 0)
			n++;
	store_finalize(s);
	return n;
}

/* Every "CHECK (...)" of every table, in order, one per line. */
static char *
checks_of(struct store *st)
{
	struct store_stmt *s;
	struct buf out;
	char err[512];

	buf_init(&out, 0);
	s = store_prepare(st, "SELECT sql FROM sqlite_schema WHERE type = "
	    "'table' ORDER BY name", err, sizeof(err));
	while (s != NULL && store_step(s) == STORE_ROW) {
		const char *p = store_col_text(s, 0);

		while (p != NULL && (p = strstr(p, "CHECK (")) != NULL) {
			const char *q = p + strlen("CHECK ");
			int depth = 0;

			do {
				depth += (*q == '(') - (*q == ')');
				q++;
			} while (depth > 0 && *q != '\0');
			buf_add(&out, p, (size_t)(q - p));
			buf_add(&out, "\n", 1);
			p = q;
		}
	}
	store_finalize(s);
	return buf_steal(&out);
}

/* The text of the objects migration 8 remade. */
#define REMADE "SELECT group_concat(sql, char(10)) FROM (SELECT sql FROM " \
	"sqlite_schema WHERE name IN ('cases_open', 'case_members_ended', " \
	"'cases_ended') ORDER BY name)"

/* Every index of the database, "name: sql" one per line. */
#define INDEXES "SELECT group_concat(name || ': ' || sql, char(10)) FROM " \
	"(SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql " \
	"IS NOT NULL ORDER BY name)"

/* The indexes written when a mail is stored, opens a case, is put on
 * its timeline and answered (autoindexes of UNIQUE included). */
#define MAIL_INDEXES "SELECT group_concat(name, ' ') FROM (SELECT name " \
	"FROM sqlite_schema WHERE type = 'index' AND tbl_name IN " \
	"('messages', 'cases', 'events', 'outbox') ORDER BY tbl_name, name)"

/* "index:entries ..." of the indexes of messages. */
#define ENTRIES "SELECT group_concat(name || ':' || n, ' ') FROM (SELECT " \
	"name, sum(ncell) AS n FROM dbstat WHERE name IN (SELECT name FROM " \
	"sqlite_schema WHERE type = 'index' AND tbl_name = 'messages') AND " \
	"pagetype = 'leaf' GROUP BY name ORDER BY name)"

/* A mail of no case and no known person leaves no entry in the indexes
 * of those columns (schema 9); linked to its case and person, it gets
 * one in each. */
static void
check_partial(struct store *st, const char *which)
{
	char what[128];

	exec_ok(st, "INSERT INTO persons (id, email, created_at, updated_at) "
	    "VALUES (900, 'partial@example.org', 0, 0); "
	    "INSERT INTO messages (id, direction, message_id, content_hash, "
	    "raw, received_at) VALUES (900, 'in', 'partial', printf('%064d', "
	    "900), CAST('Bonjour' AS BLOB), 0); "
	    "INSERT INTO cases (id, ref, year, seq, kind, state_since, "
	    "created_at, updated_at, last_activity_at) VALUES (900, "
	    "'CDP-2020-0900', 2020, 900, 'request', 0, 0, 0, 0)");
	/* The entries the index pages hold (dbstat), not the rows a
	 * WHERE on the column would find. */
	snprintf(what, sizeof(what), "%s: no NULL in the indexes of case and "
	    "person", which);
	is_str(q_text(st, ENTRIES), "messages_case:0 messages_kept:1 "
	    "messages_person:0 sqlite_autoindex_messages_1:1", what);
	exec_ok(st, "UPDATE messages SET case_id = 900, person_id = 900 WHERE "
	    "id = 900");
	snprintf(what, sizeof(what), "%s: linked, indexed", which);
	is_str(q_text(st, ENTRIES), "messages_case:1 messages_kept:1 "
	    "messages_person:1 sqlite_autoindex_messages_1:1", what);
	is_str(q_text(st, "SELECT (SELECT group_concat(id) FROM messages "
	    "INDEXED BY messages_case WHERE case_id = 900) || ' ' || (SELECT "
	    "group_concat(id) FROM messages INDEXED BY messages_person WHERE "
	    "person_id = 900)"), "900 900", what);
	exec_ok(st, "DELETE FROM messages WHERE id = 900; DELETE FROM cases "
	    "WHERE id = 900; DELETE FROM persons WHERE id = 900");
}

/* Creates at `path` a database of the first release's schema and says
 * whether its checks are written with IN there. */
static int
first_release(const char *path, const char *schema)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = "
	    "'messages'", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		printf("# %s\n", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
	ok(strstr((const char *)sqlite3_column_text(stmt, 0),
	    "CHECK (auto IN") != NULL, "v1: checks written with IN");
out:
	ok(rc == 0, "v1: first release's schema");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return rc;
}

static void
check_hot(struct store *st, const char *which)
{
	char what[128];

	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
		snprintf(what, sizeof(what), "%s: statement %zu builds no "
		    "temporary table", which, i + 1);
		is_int(ephemeral_tables(st, hot[i]), 0, what);
	}
}

int
main(void)
{
	struct store *st;
	char *v1 = NULL, *fresh_checks, *fresh_remade, *fresh_indexes, *now;
	char err[1024];
	const char *path;
	size_t v1len;

	scratch_make("store_checks");
	st = open_ok(path_in("fresh.db"), "fresh database");
	if (st == NULL)
		return tap_done();
	fresh_checks = checks_of(st);
	fresh_remade = xstrdup(q_text(st, REMADE));
	ok(strstr(fresh_checks, "CHECK (auto = 'none' OR") != NULL,
	    "fresh: checks read");
	check_hot(st, "fresh");
	fresh_indexes = xstrdup(q_text(st, INDEXES));
	is_str(q_text(st, MAIL_INDEXES), "cases_closed cases_created "
	    "cases_holder cases_open cases_state "
	    "sqlite_autoindex_cases_1 sqlite_autoindex_cases_2 "
	    "events_assigned events_at events_case events_duplicate "
	    "messages_case messages_kept messages_person "
	    "sqlite_autoindex_messages_1 outbox_case outbox_due outbox_kept "
	    "outbox_pending outbox_person outbox_to_copy outbox_wake "
	    "sqlite_autoindex_outbox_1", "fresh: the indexes of a mail's "
	    "tables, none that no query reads");
	check_partial(st, "fresh");
	store_close(st);

	if (fileio_read("tests/data/schema_v1.sql", 1 << 20, 0, &v1, &v1len,
	    NULL, err, sizeof(err)) != 0)
		printf("# %s\n", err);
	/* The first release's schema, as its program created it. */
	path = path_in("v1.db");
	if (first_release(path, v1) != 0)
		return tap_done();
	st = open_ok(path, "v1: opens and migrates");
	if (st == NULL)
		return tap_done();
	is_int(store_version(st), STORE_SCHEMA_VERSION, "v1: current version");
	now = checks_of(st);
	is_str(now, fresh_checks, "v1: every check as a fresh database has it");
	free(now);
	is_str(q_text(st, REMADE), fresh_remade,
	    "v1: open cases' index and triggers as fresh");
	check_hot(st, "v1");
	is_str(q_text(st, INDEXES), fresh_indexes, "v1: every index as a "
	    "fresh database has it");
	check_partial(st, "v1");
	is_int(store_exec(st, "INSERT INTO messages (direction, subject, "
	    "from_address, auto, content_hash, raw, received_at) VALUES ('in', "
	    "'', '', 'weird', printf('%064d', 1), X'', 0)", err, sizeof(err)),
	    -1, "v1: an unknown auto kind still refused");
	like_str(err, "CHECK constraint failed", "... by its check");
	is_int(store_exec(st, "INSERT INTO messages (direction, subject, "
	    "from_address, auto, content_hash, raw, received_at) VALUES ('in', "
	    "'', '', 'bounce', printf('%064d', 2), X'', 0)", err, sizeof(err)),
	    0, "v1: a listed auto kind accepted");
	is_str(q_text(st, "PRAGMA integrity_check"), "ok", "v1: integrity");
	store_close(st);

	free(v1);
	free(fresh_checks);
	free(fresh_remade);
	free(fresh_indexes);
	scratch_remove();
	return tap_done();
}
