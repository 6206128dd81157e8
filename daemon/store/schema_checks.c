/*
 * schema_checks.c — migration 8's step: the CHECK constraints that name a
 * value among three or more, rewritten from IN to OR in the text of the
 * existing tables.
 *
 * SQLite builds a temporary table for an IN list of three constants or
 * more each time it checks a row: with a dozen such checks on the way of
 * a new request, a tenth of the mail's handling.  A table's constraints
 * cannot be altered, and rebuilding the messages table of ten years would
 * take many minutes, so the text of each CREATE TABLE is edited in place,
 * as SQLite's documentation on ALTER TABLE allows for a change that
 * leaves the stored rows as they are: each new check accepts exactly the
 * values of the old one.  These tables have kept the text schema.sql gave
 * them first; a text that differs is left alone, slower but correct.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "store/migrations.h"
#include "store/store.h"
#include "store/store_private.h"

static const struct {
	const char	*table;
	const char	*was;
	const char	*now;
} store_checks[] = {
	{ "person_roles",
	  "CHECK (role IN\n"
	  "               ('holder', 'referent', 'volunteer', 'coordinator'))",
	  "CHECK (role = 'holder' OR role = 'referent' OR\n"
	  "               role = 'volunteer' OR role = 'coordinator')" },
	{ "cases",
	  "CHECK (kind IN\n"
	  "                      ('request', 'report', 'volunteer', 'other'))",
	  "CHECK (kind = 'request' OR\n"
	  "                      kind = 'report' OR kind = 'volunteer' OR "
	  "kind = 'other')" },
	{ "cases",
	  "CHECK (state IN\n"
	  "                      ('new', 'analysis', 'ineligible', 'forming',\n"
	  "                       'meeting', 'active', 'closed', 'withdrawn'))",
	  "CHECK (state = 'new' OR\n"
	  "                      state = 'analysis' OR state = 'ineligible' OR\n"
	  "                      state = 'forming' OR state = 'meeting' OR\n"
	  "                      state = 'active' OR state = 'closed' OR\n"
	  "                      state = 'withdrawn')" },
	{ "case_members",
	  "CHECK (role IN ('holder', 'referent',\n"
	  "                 'volunteer', 'coordinator', 'reporter'))",
	  "CHECK (role = 'holder' OR role = 'referent' OR\n"
	  "                 role = 'volunteer' OR role = 'coordinator' OR\n"
	  "                 role = 'reporter')" },
	{ "case_members",
	  "CHECK (status IN\n"
	  "                 ('invited', 'accepted', 'declined', 'expired', "
	  "'removed'))",
	  "CHECK (status = 'invited' OR\n"
	  "                 status = 'accepted' OR status = 'declined' OR\n"
	  "                 status = 'expired' OR status = 'removed')" },
	{ "messages",
	  "CHECK (auto IN\n"
	  "                      ('none', 'auto-reply', 'bounce', 'list'))",
	  "CHECK (auto = 'none' OR\n"
	  "                      auto = 'auto-reply' OR auto = 'bounce' OR\n"
	  "                      auto = 'list')" },
	{ "messages",
	  "CHECK (matched_by IN ('token', 'tag', 'new', 'none'))",
	  "CHECK (matched_by = 'token' OR matched_by = 'tag' OR\n"
	  "                      matched_by = 'new' OR matched_by = 'none')" },
	{ "milestones",
	  "CHECK (state IN ('planned', 'done', 'cancelled'))",
	  "CHECK (state = 'planned' OR state = 'done' OR\n"
	  "                 state = 'cancelled')" },
	{ "outbox",
	  "CHECK (status IN\n"
	  "                     ('queued', 'sending', 'sent', 'failed'))",
	  "CHECK (status = 'queued' OR\n"
	  "                     status = 'sending' OR status = 'sent' OR\n"
	  "                     status = 'failed')" },
};

static int
checks_fail(struct store *st, char *err, size_t errlen)
{
	store_seterr(err, errlen, "%s: rewriting the checks: %s", st->path,
	    sqlite3_errmsg(st->db));
	return -1;
}

int
store_checks_as_or(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = NULL;
	char sql[64];
	int version, rc = -1;

	/* The schema table is written only here, inside the migration's
	 * transaction; the connection is defensive again before it ends. */
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	if (sqlite3_exec(st->db, "PRAGMA writable_schema = ON", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, "UPDATE sqlite_schema SET sql = "
	    "replace(sql, ?2, ?3) WHERE type = 'table' AND name = ?1", -1,
	    &stmt, NULL) != SQLITE_OK) {
		checks_fail(st, err, errlen);
		goto out;
	}
	for (size_t i = 0; i < sizeof(store_checks) / sizeof(store_checks[0]);
	    i++) {
		sqlite3_reset(stmt);
		if (sqlite3_bind_text(stmt, 1, store_checks[i].table, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_text(stmt, 2, store_checks[i].was, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_text(stmt, 3, store_checks[i].now, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(stmt) != SQLITE_DONE) {
			checks_fail(st, err, errlen);
			goto out;
		}
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* A new schema version makes every connection, this one included,
	 * read the tables' text again. */
	if (sqlite3_prepare_v2(st->db, "PRAGMA schema_version", -1, &stmt,
	    NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		checks_fail(st, err, errlen);
		goto out;
	}
	version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	snprintf(sql, sizeof(sql), "PRAGMA schema_version = %d", version + 1);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		checks_fail(st, err, errlen);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(stmt);
	sqlite3_exec(st->db, "PRAGMA writable_schema = OFF", NULL, NULL, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	return rc;
}
