/*
 * store_stmt.c — statements and queries on the database; see store.h.
 *
 * Every module runs its SQL through these functions, with bound
 * parameters only.  store_query(), store_run() and store_get_int64() bind
 * a whole parameter list in one call, from an array of tagged values
 * (STORE_ARGS), because prepare, bind one by one, step, check and finalize
 * were written out again for nearly every statement of the program.
 *
 * Compiling a statement costs more than running it (a third of a mail's
 * whole handling when every query was compiled anew), and the program
 * runs the same few hundred SQL texts again and again.  So the compiled
 * statements are kept, by SQL text, in a small cache: store_prepare hands
 * out a kept statement that is not in use, and store_finalize resets it
 * and gives it back instead of finalizing it.  A text in use twice at
 * once (a query inside the loop of the same query) gets a statement of
 * its own; when the cache is full the least recently used one goes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/strhash.h"
#include "store/store.h"
#include "store/store_private.h"

/* A statement kept in the cache; `holder` is the handle using it, NULL
 * when it is free. */
struct store_cached {
	char			*sql;
	const char		*given;		/* the caller's text, for a
						 * quick match (compared too:
						 * the address may be reused) */
	uint64_t		 hash;
	sqlite3_stmt		*stmt;
	struct store_stmt	*holder;
	uint64_t		 used;		/* tick of the last use */
};

/* Enough for every fixed SQL text of a batch; the texts built from
 * filters (case list) come and go through the LRU. */
#define STORE_CACHE_SLOTS	192

struct store_cache {
	struct store_cached	 slot[STORE_CACHE_SLOTS];
	size_t			 n;
	uint64_t		 tick;
};

struct store_stmt {
	sqlite3_stmt		*stmt;
	struct store_cached	*cached;	/* NULL: finalized at the end */
};

static struct store_stmt *
store_cache_hold(struct store_cache *c, struct store_cached *k)
{
	struct store_stmt *s = xmalloc(sizeof(*s));

	s->stmt = k->stmt;
	s->cached = k;
	k->holder = s;
	k->used = ++c->tick;
	return s;
}

/* A free kept statement for `sql`, now held by a new handle; NULL if
 * none.  Most texts are the program's constants, found by their address
 * before any hashing: hashing a long text for every statement run was a
 * percent of a mail's handling. */
static struct store_stmt *
store_cache_take(struct store *st, const char *sql, uint64_t *hash)
{
	struct store_cache *c = st->cache;

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		struct store_cached *k = &c->slot[i];

		if (k->given == sql && k->sql != NULL && k->holder == NULL &&
		    strcmp(k->sql, sql) == 0)
			return store_cache_hold(c, k);
	}
	*hash = strhash(sql);
	for (size_t i = 0; i < c->n; i++) {
		struct store_cached *k = &c->slot[i];

		if (k->sql == NULL || k->hash != *hash || k->holder != NULL ||
		    strcmp(k->sql, sql) != 0)
			continue;
		k->given = sql;
		return store_cache_hold(c, k);
	}
	return NULL;
}

/* Keeps the new statement of s for reuse, in a free slot or in place of
 * the least recently used statement not in use; when every slot is in
 * use, s stays a statement of its own. */
static void
store_cache_put(struct store *st, const char *sql, uint64_t hash,
    struct store_stmt *s)
{
	struct store_cache *c;
	struct store_cached *k = NULL;

	if (st->cache == NULL)
		st->cache = xcalloc(1, sizeof(*st->cache));
	c = st->cache;
	for (size_t i = 0; i < c->n && k == NULL; i++)
		if (c->slot[i].sql == NULL)
			k = &c->slot[i];
	if (k == NULL && c->n < STORE_CACHE_SLOTS)
		k = &c->slot[c->n++];
	if (k == NULL) {
		for (size_t i = 0; i < c->n; i++)
			if (c->slot[i].holder == NULL &&
			    (k == NULL || c->slot[i].used < k->used))
				k = &c->slot[i];
		if (k == NULL)
			return;
		sqlite3_finalize(k->stmt);
		free(k->sql);
	}
	k->sql = xstrdup(sql);
	k->given = sql;
	k->hash = hash;
	k->stmt = s->stmt;
	k->holder = s;
	k->used = ++c->tick;
	s->cached = k;
}

void
store_cache_free(struct store *st)
{
	struct store_cache *c = st->cache;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct store_cached *k = &c->slot[i];

		if (k->sql == NULL)
			continue;
		if (k->holder != NULL)
			k->holder->cached = NULL;
		else
			sqlite3_finalize(k->stmt);
		free(k->sql);
	}
	free(c);
	st->cache = NULL;
}

void
store_trim(struct store *st)
{
	struct store_cache *c = st->cache;

	/* Those in use stay in their slots, where their holders point. */
	for (size_t i = 0; c != NULL && i < c->n; i++) {
		struct store_cached *k = &c->slot[i];

		if (k->sql != NULL && k->holder == NULL) {
			sqlite3_finalize(k->stmt);
			free(k->sql);
			k->sql = NULL;
			k->stmt = NULL;
		}
	}
	sqlite3_db_release_memory(st->db);
}

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
	uint64_t hash = 0;

	if ((s = store_cache_take(st, sql, &hash)) != NULL)
		return s;
	if (st->cache == NULL)
		hash = strhash(sql);
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &stmt, &tail) != SQLITE_OK) {
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
	s->cached = NULL;
	stmt = NULL;
	store_cache_put(st, sql, hash, s);
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
	if (s->cached != NULL) {
		/* Back to the cache, ready to run and holding no value. */
		sqlite3_reset(s->stmt);
		sqlite3_clear_bindings(s->stmt);
		s->cached->holder = NULL;
	} else
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

int
store_busy(struct store *st)
{
	int code = sqlite3_extended_errcode(st->db) & 0xff;

	return code == SQLITE_BUSY || code == SQLITE_LOCKED;
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

int
store_get_texts(struct store *st, char ***v, size_t *n, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen)
{
	struct store_stmt *s = store_query(st, sql, args, nargs, err, errlen);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *t = store_col_text(s, 0);

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = xrealloc(*v, cap * sizeof(**v));
		}
		(*v)[(*n)++] = xstrdup(t ? t : "");
	}
	if (rc < 0) {
		store_seterr(err, errlen, "%s%s%s", what ? what : "",
		    what ? ": " : "", sqlite3_errmsg(st->db));
		store_texts_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

void
store_texts_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
