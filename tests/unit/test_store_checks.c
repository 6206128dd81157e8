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
	char *v1 = NULL, *fresh_checks, *fresh_remade, *now, err[1024];
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
	scratch_remove();
	return tap_done();
}
