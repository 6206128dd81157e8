/*
 * store_plan.c — with `-v store`, the query plan of every statement is
 * read (EXPLAIN QUERY PLAN) as it is prepared, and each full scan of a
 * table is logged with the statement.  A query whose cost grows with the
 * years of history (cases, mails, events, timers, people) shows up on a
 * small database already: without ANALYZE statistics, which the daemon
 * never gathers, SQLite plans a statement the same whatever the size of
 * the tables.  tests/integration/scale_plans.sh runs the mail path so.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "base/log.h"
#include "store/store.h"
#include "store/store_private.h"

/* Tables with one row per folder or per year, and the queue of mailbox
 * copies to delete, which each cycle empties: a scan costs nothing. */
static const char *const store_plan_tiny[] = { "imap_state", "case_seq",
    "mailbox_erase" };

/* 1 if index `name` is partial: scanning it reads only the rows of its
 * WHERE (mail still queued, timers not done), not the history. */
static int
store_plan_partial(struct store *st, const char *name, size_t len)
{
	sqlite3_stmt *q = NULL;
	int partial = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'index' AND name = ?1 AND sql LIKE '% WHERE %'", -1, &q,
	    NULL) == SQLITE_OK &&
	    sqlite3_bind_text(q, 1, name, (int)len, SQLITE_TRANSIENT) ==
	    SQLITE_OK)
		partial = sqlite3_step(q) == SQLITE_ROW;
	sqlite3_finalize(q);
	return partial;
}

/* The table (or alias) a plan line reads in full, or NULL: "SCAN t",
 * "SCAN t USING INDEX i" (all of a whole index), and "SEARCH t" or
 * "SEARCH t USING INDEX i" without a "(column=?)" constraint (what a
 * min()/max() shows when it walks a table or an index from one end
 * until a row matches).  *len is the name's length. */
static const char *
store_plan_scanned(struct store *st, const char *detail, size_t *len)
{
	const char *name, *idx;

	if (strncmp(detail, "SCAN ", 5) == 0)
		name = detail + 5;
	else if (strncmp(detail, "SEARCH ", 7) == 0 &&
	    strchr(detail, '(') == NULL)
		name = detail + 7;
	else
		return NULL;
	*len = strcspn(name, " ");
	if (*name == '(' || strstr(name, "VIRTUAL TABLE") != NULL ||
	    strncmp(name, "CONSTANT ROW", 12) == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(store_plan_tiny) /
	    sizeof(store_plan_tiny[0]); i++)
		if (strlen(store_plan_tiny[i]) == *len &&
		    strncmp(name, store_plan_tiny[i], *len) == 0)
			return NULL;
	if ((idx = strstr(name, " INDEX ")) != NULL) {
		idx += 7;
		if (store_plan_partial(st, idx, strcspn(idx, " ")))
			return NULL;
	}
	return name;
}

void
store_plan_check(struct store *st, const char *sql)
{
	sqlite3_stmt *q = NULL;
	char *eqp;

	if ((eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql)) == NULL)
		return;
	if (sqlite3_prepare_v2(st->db, eqp, -1, &q, NULL) == SQLITE_OK) {
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *detail, *name;
			size_t len;

			/* Columns: id, parent, notused, detail. */
			detail = (const char *)sqlite3_column_text(q, 3);
			if (detail != NULL && (name = store_plan_scanned(st,
			    detail, &len)) != NULL)
				log_debug(LOG_CAT_STORE, "full scan of %.*s: "
				    "%s", (int)len, name, sql);
		}
	}
	sqlite3_finalize(q);
	sqlite3_free(eqp);
}

void
store_plan_steps(sqlite3_stmt *stmt)
{
	int steps = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_VM_STEP, 1);

	if (steps > STORE_PLAN_STEPS)
		log_debug(LOG_CAT_STORE, "%d steps: %s", steps,
		    sqlite3_sql(stmt));
}
