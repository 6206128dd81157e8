/* case_db.c — cases, members and timeline in the database; see case_db.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "store/case_db.h"
#include "base/mem.h"
#include "store/store.h"


void
case_ref_format(int year, int seq, char *ref, size_t reflen)
{
	snprintf(ref, reflen, "CDP-%04d-%04d", year, seq);
}

int
case_create(struct store *st, const struct case_new *n, long long now,
    int64_t *id, char *ref, size_t reflen, char *err, size_t errlen)
{
	time_t t = (time_t)now;
	struct tm tm;
	int64_t seq = 0;
	char what[64];
	int rc;

	/* The year of the reference is the network's (local) year: a mail
	 * at 00:30 on 1 January in Paris is in the new year. */
	localtime_r(&t, &tm);
	rc = store_get_int64(st, &seq, "case sequence", "INSERT INTO case_seq "
	    "(year, last_seq) VALUES (?1, 1) ON CONFLICT (year) DO UPDATE SET "
	    "last_seq = last_seq + 1 RETURNING last_seq",
	    STORE_ARGS(STORE_INT(tm.tm_year + 1900)), err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "case sequence: %s", store_errmsg(st));
	if (rc != 1)
		return -1;
	case_ref_format(tm.tm_year + 1900, (int)seq, ref, reflen);

	snprintf(what, sizeof(what), "creating case %s", ref);
	if (store_run(st, what, "INSERT INTO cases (ref, year, seq, kind, "
	    "state_since, holder_id, themes, commune, subject, created_at, "
	    "updated_at, last_activity_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9, ?5, ?5, ?5)", STORE_ARGS(STORE_TEXT(ref),
	    STORE_INT(tm.tm_year + 1900), STORE_INT(seq), STORE_TEXT(n->kind),
	    STORE_INT(now), STORE_ID(n->holder_id),
	    STORE_TEXT(n->themes ? n->themes : "[]"), STORE_TEXT(n->commune),
	    STORE_TEXT(n->subject ? n->subject : "")), err, errlen) != 0)
		return -1;
	*id = store_last_insert_id(st);
	return 0;
}

int
case_find_ref(struct store *st, const char *ref, int64_t *id, char *err,
    size_t errlen)
{
	return store_get_int64(st, id, NULL, "SELECT id FROM cases WHERE ref = "
	    "?1", STORE_ARGS(STORE_TEXT(ref)), err, errlen);
}

static char *
col_dup(struct store_stmt *s, int idx)
{
	return store_col_is_null(s, idx) ? NULL :
	    xstrdup(store_col_text(s, idx));
}

int
case_load(struct store *st, int64_t id, struct case_row *out, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	s = store_query(st, "SELECT id, ref, kind, state, "
	    "coalesce(holder_id, 0), coalesce(referent_id, 0), "
	    "coalesce(contact_id, 0), themes, commune, subject, flags, "
	    "created_at, last_activity_at FROM cases WHERE id = ?1",
	    STORE_ARGS(STORE_INT(id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		out->id = store_col_int64(s, 0);
		snprintf(out->ref, sizeof(out->ref), "%s",
		    store_col_text(s, 1));
		snprintf(out->kind, sizeof(out->kind), "%s",
		    store_col_text(s, 2));
		snprintf(out->state, sizeof(out->state), "%s",
		    store_col_text(s, 3));
		out->holder_id = store_col_int64(s, 4);
		out->referent_id = store_col_int64(s, 5);
		out->contact_id = store_col_int64(s, 6);
		out->themes = col_dup(s, 7);
		out->commune = col_dup(s, 8);
		out->subject = col_dup(s, 9);
		out->flags = (int)store_col_int64(s, 10);
		out->created_at = store_col_int64(s, 11);
		out->last_activity_at = store_col_int64(s, 12);
	} else if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

void
case_row_free(struct case_row *c)
{
	free(c->themes);
	free(c->commune);
	free(c->subject);
	memset(c, 0, sizeof(*c));
}

int
case_state_open(const char *state)
{
	return strcmp(state, "ineligible") != 0 &&
	    strcmp(state, "closed") != 0 && strcmp(state, "withdrawn") != 0;
}

int
case_add_member(struct store *st, int64_t case_id, int64_t person_id,
    const char *role, const char *status, long long now, char *err,
    size_t errlen)
{
	return store_run(st, "case member", "INSERT INTO case_members "
	    "(case_id, person_id, role, status, invited_at) VALUES (?1, ?2, "
	    "?3, ?4, CASE WHEN ?4 = 'invited' THEN ?5 END) "
	    "ON CONFLICT (case_id, person_id, role) DO UPDATE SET "
	    "status = excluded.status, invited_at = coalesce("
	    "excluded.invited_at, invited_at)", STORE_ARGS(STORE_INT(case_id),
	    STORE_INT(person_id), STORE_TEXT(role), STORE_TEXT(status),
	    STORE_INT(now)), err, errlen);
}

int
case_participant(struct store *st, int64_t case_id, int64_t person_id,
    char *role, size_t rolelen, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	/* Members first, in the order of their weight in the case; a
	 * network coordinator takes part in every case. */
	s = store_query(st, "SELECT role FROM (SELECT role, CASE role "
	    "WHEN 'referent' THEN 1 WHEN 'holder' THEN 2 WHEN 'reporter' "
	    "THEN 3 WHEN 'coordinator' THEN 4 ELSE 5 END AS w "
	    "FROM case_members WHERE case_id = ?1 AND person_id = ?2 "
	    "AND status <> 'removed' UNION ALL SELECT 'coordinator', 6 "
	    "FROM person_roles pr JOIN persons p ON p.id = pr.person_id "
	    "WHERE pr.person_id = ?2 AND pr.role = 'coordinator' "
	    "AND p.active = 1) ORDER BY w LIMIT 1",
	    STORE_ARGS(STORE_INT(case_id), STORE_INT(person_id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(role, rolelen, "%s", store_col_text(s, 0));
	else if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

int
case_event(struct store *st, int64_t case_id, int64_t actor_id,
    const char *kind, int64_t msg_id, const char *const *kv, size_t nkv,
    long long now, char *err, size_t errlen)
{
	struct store_arg *args = xcalloc(5 + nkv, sizeof(*args));
	struct buf sql;
	char what[128];
	int rc;

	/* SQLite's json_object() quotes the values: text from mail goes
	 * in as data, never as JSON or SQL. */
	buf_init(&sql, 0);
	buf_adds(&sql, "INSERT INTO events (case_id, at, actor_id, kind, "
	    "msg_id, details) VALUES (?1, ?2, ?3, ?4, ?5, ");
	if (nkv == 0)
		buf_adds(&sql, "NULL)");
	else {
		buf_adds(&sql, "json_object(");
		for (size_t i = 0; i < nkv; i++)
			buf_printf(&sql, "%s?%zu", i ? ", " : "", i + 6);
		buf_adds(&sql, "))");
	}
	args[0] = STORE_ID(case_id);
	args[1] = STORE_INT(now);
	args[2] = STORE_ID(actor_id);
	args[3] = STORE_TEXT(kind);
	args[4] = STORE_ID(msg_id);
	for (size_t i = 0; i < nkv; i++)
		args[5 + i] = STORE_TEXT(kv[i]);
	snprintf(what, sizeof(what), "event %s", kind);
	rc = store_run(st, what, buf_str(&sql), args, 5 + nkv, err, errlen);
	buf_free(&sql);
	free(args);
	return rc;
}

int
case_touch(struct store *st, int64_t case_id, long long now, char *err,
    size_t errlen)
{
	/* Activity also lifts the "inactive" flag: it was about silence. */
	return store_run(st, NULL, "UPDATE cases SET last_activity_at = ?2, "
	    "updated_at = ?2, flags = flags & ~?3 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(case_id), STORE_INT(now),
	    STORE_INT(CASE_FLAG_INACTIVE)), err, errlen);
}

int
case_flag(struct store *st, int64_t case_id, int flags, char *err,
    size_t errlen)
{
	return store_run(st, NULL, "UPDATE cases SET flags = flags | ?2 "
	    "WHERE id = ?1", STORE_ARGS(STORE_INT(case_id), STORE_INT(flags)),
	    err, errlen);
}

int
case_assign(struct store *st, int64_t case_id, int64_t referent_id,
    int64_t actor_id, int64_t msg_id, long long now, char *err,
    size_t errlen)
{
	char rid[24];
	const char *kv[] = { "referent_id", rid };

	snprintf(rid, sizeof(rid), "%lld", (long long)referent_id);
	/* "flags & ~1": a case with a referent is no longer
	 * CASE_FLAG_UNASSIGNED. */
	if (store_run(st, NULL, "UPDATE case_members SET status = 'removed' "
	    "WHERE case_id = ?1 AND role = 'referent' AND person_id <> ?2",
	    STORE_ARGS(STORE_INT(case_id), STORE_INT(referent_id)), err,
	    errlen) != 0 ||
	    case_add_member(st, case_id, referent_id, "referent", "accepted",
	    now, err, errlen) != 0 ||
	    store_run(st, NULL, "UPDATE cases SET referent_id = ?2, updated_at "
	    "= ?3, flags = flags & ~1, state = CASE state WHEN 'new' "
	    "THEN 'analysis' ELSE state END, state_since = CASE state "
	    "WHEN 'new' THEN ?3 ELSE state_since END WHERE id = ?1",
	    STORE_ARGS(STORE_INT(case_id), STORE_INT(referent_id),
	    STORE_INT(now)), err, errlen) != 0)
		return -1;
	return case_event(st, case_id, actor_id, "assigned", msg_id, kv, 2,
	    now, err, errlen);
}

int
case_link_message(struct store *st, int64_t msg_id, int64_t case_id,
    int64_t person_id, const char *matched_by, char *err, size_t errlen)
{
	return store_run(st, NULL, "UPDATE messages SET case_id = ?2, "
	    "person_id = ?3, matched_by = ?4 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(msg_id), STORE_ID(case_id),
	    STORE_ID(person_id), STORE_TEXT(matched_by)), err, errlen);
}

int
case_open_for(struct store *st, int64_t person_id, int64_t except,
    int64_t *case_id, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	/* Case ids grow with time, so the smallest open id is the oldest;
	 * ORDER BY id walks the holder index in order and stops at the
	 * first open case, even for a sender with thousands of cases. */
	s = store_query(st, "SELECT min(x) FROM (SELECT (SELECT id FROM "
	    "cases WHERE holder_id = ?1 AND id <> ?2 AND "
	    CASE_SQL_OPEN("state") " ORDER BY id LIMIT 1) AS x "
	    "UNION ALL SELECT (SELECT c.id FROM case_members m JOIN cases c "
	    "ON c.id = m.case_id WHERE m.person_id = ?1 AND m.role = "
	    "'reporter' AND c.id <> ?2 AND " CASE_SQL_OPEN("c.state")
	    " ORDER BY c.id LIMIT 1))",
	    STORE_ARGS(STORE_INT(person_id), STORE_INT(except)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW && !store_col_is_null(s, 0))
		*case_id = store_col_int64(s, 0);
	else if (rc == STORE_ROW)
		rc = STORE_DONE;
	else if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}
