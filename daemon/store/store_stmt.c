/*
 * store_stmt.c — statements and queries on the database; see store.h.
 *
 * Every module runs its SQL through these functions, with bound
 * parameters only.  store_query(), store_run() and store_get_int64() bind
 * a whole parameter list in one call, from an array of tagged values
 * (STORE_ARGS), because prepare, bind one by one, step, check and finalize
 * were written out again for nearly every statement of the program.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"
#include "store/store_private.h"

struct store_stmt {
	sqlite3_stmt	*stmt;
};

void
store_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		store_seterr(err, errlen, "%s",
		    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct store_stmt *
store_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct store_stmt *s = NULL;
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, &tail) != SQLITE_OK) {
		store_seterr(err, errlen, "%s", sqlite3_errmsg(st->db));
		goto out;
	}
	if (stmt == NULL) {
		store_seterr(err, errlen, "empty SQL statement");
		goto out;
	}
	tail += strspn(tail, " \t\r\n;");
	if (*tail != '\0') {
		store_seterr(err, errlen, "more than one SQL statement");
		goto out;
	}
	if (log_debug_enabled(LOG_CAT_STORE))
		store_plan_check(st, sql);
	s = xmalloc(sizeof(*s));
	s->stmt = stmt;
	stmt = NULL;
out:
	sqlite3_finalize(stmt);
	return s;
}

int
store_bind_int64(struct store_stmt *s, int idx, int64_t v)
{
	return sqlite3_bind_int64(s->stmt, idx, v) == SQLITE_OK ? 0 : -1;
}

int
store_bind_text(struct store_stmt *s, int idx, const char *text)
{
	if (text == NULL)
		return store_bind_null(s, idx);
	return sqlite3_bind_text(s->stmt, idx, text, -1, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

int
store_bind_blob(struct store_stmt *s, int idx, const void *p, size_t n)
{
	if (p == NULL)
		return store_bind_null(s, idx);
	return sqlite3_bind_blob64(s->stmt, idx, p, n, SQLITE_TRANSIENT) ==
	    SQLITE_OK ? 0 : -1;
}

int
store_bind_null(struct store_stmt *s, int idx)
{
	return sqlite3_bind_null(s->stmt, idx) == SQLITE_OK ? 0 : -1;
}

int
store_step(struct store_stmt *s)
{
	switch (sqlite3_step(s->stmt)) {
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	default:
		return -1;
	}
}

void
store_reset(struct store_stmt *s)
{
	/* The return value repeats the last step's error, already seen. */
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
}

int
store_step_done(struct store_stmt *s, const char *what, char *err,
    size_t errlen)
{
	int rc = 0, step = store_step(s);

	if (step != STORE_DONE) {
		const char *msg = step == STORE_ROW ? "unexpected row" :
		    sqlite3_errmsg(sqlite3_db_handle(s->stmt));

		if (what != NULL)
			snprintf(err, errlen, "%s: %s", what, msg);
		else
			snprintf(err, errlen, "%s", msg);
		rc = -1;
	}
	store_finalize(s);
	return rc;
}

void
store_finalize(struct store_stmt *s)
{
	if (s == NULL)
		return;
	if (log_debug_enabled(LOG_CAT_STORE))
		store_plan_steps(s->stmt);
	sqlite3_finalize(s->stmt);
	free(s);
}

int
store_col_count(struct store_stmt *s)
{
	return sqlite3_column_count(s->stmt);
}

int
store_col_is_null(struct store_stmt *s, int idx)
{
	return sqlite3_column_type(s->stmt, idx) == SQLITE_NULL;
}

enum store_col_type
store_col_type(struct store_stmt *s, int idx)
{
	switch (sqlite3_column_type(s->stmt, idx)) {
	case SQLITE_INTEGER:	return STORE_COL_INT;
	case SQLITE_FLOAT:	return STORE_COL_FLOAT;
	case SQLITE_TEXT:	return STORE_COL_TEXT;
	case SQLITE_BLOB:	return STORE_COL_BLOB;
	default:		return STORE_COL_NULL;
	}
}

const char *
store_col_name(struct store_stmt *s, int idx)
{
	return sqlite3_column_name(s->stmt, idx);
}

int64_t
store_col_int64(struct store_stmt *s, int idx)
{
	return sqlite3_column_int64(s->stmt, idx);
}

const char *
store_col_text(struct store_stmt *s, int idx)
{
	return (const char *)sqlite3_column_text(s->stmt, idx);
}

const void *
store_col_blob(struct store_stmt *s, int idx, size_t *len)
{
	const void *p;

	/* Pointer first, then size, as SQLite's documentation asks. */
	p = sqlite3_column_blob(s->stmt, idx);
	*len = (size_t)sqlite3_column_bytes(s->stmt, idx);
	return p;
}

char *
store_col_blob_dup(struct store_stmt *s, int idx, size_t *len)
{
	const void *blob = store_col_blob(s, idx, len);
	char *copy = xmalloc(*len + 1);

	if (*len > 0)
		memcpy(copy, blob, *len);
	copy[*len] = '\0';
	return copy;
}

int64_t
store_last_insert_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int
store_changes(struct store *st)
{
	return sqlite3_changes(st->db);
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int
store_constraint_failed(struct store *st)
{
	return (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT;
}


static int
store_bind_arg(struct store_stmt *s, int idx, const struct store_arg *a)
{
	switch (a->type) {
	case STORE_ARG_INT:
		return store_bind_int64(s, idx, a->i);
	case STORE_ARG_ID:
		return a->i == 0 ? store_bind_null(s, idx) :
		    store_bind_int64(s, idx, a->i);
	case STORE_ARG_TEXT:
		return store_bind_text(s, idx, a->t);
	case STORE_ARG_BLOB:
		return store_bind_blob(s, idx, a->t, (size_t)a->i);
	case STORE_ARG_NULL:
	default:
		return store_bind_null(s, idx);
	}
}

int
store_bind_args(struct store_stmt *s, const struct store_arg *args,
    size_t nargs, char *err, size_t errlen)
{
	for (size_t i = 0; i < nargs; i++) {
		if (store_bind_arg(s, (int)i + 1, &args[i]) != 0) {
			store_seterr(err, errlen, "binding parameter %zu: %s",
			    i + 1, sqlite3_errmsg(sqlite3_db_handle(s->stmt)));
			return -1;
		}
	}
	return 0;
}

struct store_stmt *
store_query(struct store *st, const char *sql, const struct store_arg *args,
    size_t nargs, char *err, size_t errlen)
{
	struct store_stmt *s;

	if ((s = store_prepare(st, sql, err, errlen)) == NULL)
		return NULL;
	if (store_bind_args(s, args, nargs, err, errlen) != 0) {
		store_finalize(s);
		return NULL;
	}
	return s;
}

int
store_run(struct store *st, const char *what, const char *sql,
    const struct store_arg *args, size_t nargs, char *err, size_t errlen)
{
	struct store_stmt *s = store_query(st, sql, args, nargs, err, errlen);

	if (s == NULL)
		return -1;
	return store_step_done(s, what, err, errlen);
}

int
store_get_int64(struct store *st, int64_t *out, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen)
{
	struct store_stmt *s = store_query(st, sql, args, nargs, err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW)
		*out = store_col_int64(s, 0);
	else if (rc < 0)
		store_seterr(err, errlen, "%s%s%s", what ? what : "",
		    what ? ": " : "", sqlite3_errmsg(st->db));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}
