/*
 * export_db.c — everything stored about one person; see export_db.h.
 *
 * Each part of the document is one query whose rows are turned into
 * objects by their column names (export_rows), so the SQL below is the
 * whole description of what an export holds.  ?1 is the person's id, ?2
 * their address: mail and rows written before the person existed, or by
 * the mail server, know only the address.  Each query is run behind
 * EXPORT_ARGS, which names both, since SQLite refuses a value for a
 * parameter the statement does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/clock.h"
#include "base/codec.h"
#include "base/json_out.h"
#include "base/mbox.h"
#include "store/export_db.h"
#include "store/store.h"

#define EXPORT_ARGS	"WITH args AS (SELECT ?1, ?2) "

static const struct export_part {
	const char	*key;
	const char	*sql;
} export_parts[] = {
	{ "person", "SELECT * FROM persons WHERE id = ?1" },
	{ "roles", "SELECT role, since, source FROM person_roles WHERE "
	    "person_id = ?1 ORDER BY role" },
	{ "cases", "SELECT c.ref, m.role, m.status, m.invited_at, "
	    "m.answered_at, c.kind, c.state, c.subject, c.themes, c.commune, "
	    "c.roadmap, c.reason, c.created_at, c.closed_at FROM case_members m "
	    "JOIN cases c ON c.id = m.case_id WHERE m.person_id = ?1 UNION ALL "
	    "SELECT c.ref, CASE ?1 WHEN c.holder_id THEN 'holder' WHEN "
	    "c.referent_id THEN 'referent' ELSE 'contact' END, 'accepted', "
	    "NULL, NULL, c.kind, c.state, c.subject, c.themes, c.commune, "
	    "c.roadmap, c.reason, c.created_at, c.closed_at FROM cases c WHERE "
	    "?1 IN (c.holder_id, c.referent_id, c.contact_id) AND NOT EXISTS "
	    "(SELECT 1 FROM case_members m WHERE m.case_id = c.id AND "
	    "m.person_id = ?1) ORDER BY 1, 2" },
	{ "mails_from_them", "SELECT m.id, c.ref AS case_ref, m.message_id, "
	    "m.in_reply_to, m.refs, m.subject, m.from_name, m.from_address, "
	    "m.date AS date_at, m.auto, m.matched_by, m.received_at, "
	    "m.purged_at, m.new_text, m.raw FROM messages m LEFT JOIN cases c "
	    "ON c.id = m.case_id WHERE m.person_id = ?1 OR "
	    "lower(m.from_address) = ?2 ORDER BY m.received_at, m.id" },
	{ "mails_to_them", "SELECT o.id, c.ref AS case_ref, o.template, "
	    "o.recipients, o.message_id, o.status, o.created_at, o.sent_at, "
	    "o.last_error, o.message FROM outbox o LEFT JOIN cases c ON c.id = "
	    "o.case_id WHERE o.person_id = ?1 OR EXISTS (SELECT 1 FROM "
	    "json_each(o.recipients) WHERE lower(value) = ?2) ORDER BY o.id" },
	{ "events", "SELECT e.id, c.ref AS case_ref, e.at, e.kind, "
	    "e.actor_id = ?1 AS by_them, e.msg_id, e.details FROM events e "
	    "LEFT JOIN cases c ON c.id = e.case_id WHERE e.actor_id = ?1 OR "
	    "json_extract(e.details, '$.person_id') = CAST(?1 AS TEXT) OR "
	    "e.msg_id IN (SELECT id FROM messages WHERE person_id = ?1) OR "
	    "instr(lower(e.details), ?2) > 0 ORDER BY e.at, e.id" },
	{ "jobs", "SELECT j.id, c.ref AS case_ref, j.kind, j.due_at, "
	    "j.done_at, j.payload FROM jobs j LEFT JOIN cases c ON c.id = "
	    "j.case_id WHERE j.person_id = ?1 ORDER BY j.due_at, j.id" },
	{ "testimonies", "SELECT c.ref AS case_ref, t.asked_at, t.answer, "
	    "t.answered_at, t.themes, t.commune FROM testimonies t JOIN cases "
	    "c ON c.id = t.case_id WHERE t.person_id = ?1 ORDER BY c.ref" },
	{ "quarantine", "SELECT id, created_at, reason, message_id, raw FROM "
	    "quarantine WHERE instr(lower(raw), ?2) > 0 ORDER BY id" },
	{ "rate", "SELECT day, count FROM rate WHERE address = ?2 ORDER BY "
	    "day" },
};
#define NPARTS	(sizeof(export_parts) / sizeof(export_parts[0]))

/* Columns holding JSON text, shown as JSON. */
static int
export_json_column(const char *name)
{
	static const char *const json_cols[] = { "themes", "communes",
	    "recipients", "details", "payload", NULL };

	for (size_t i = 0; json_cols[i]; i++)
		if (strcmp(json_cols[i], name) == 0)
			return 1;
	return 0;
}

/* Unix times are named *_at (or since): shown as local ISO 8601. */
static int
export_time_column(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "since") == 0 ||
	    (n > 3 && strcmp(name + n - 3, "_at") == 0);
}

static void
export_blob(struct json_out *o, const char *name, const void *p, size_t n)
{
	struct buf b;
	char key[64];

	if (n == 0 || (memchr(p, '\0', n) == NULL &&
	    charset_utf8_valid(p, n))) {
		buf_init(&b, 0);
		buf_add(&b, p, n);
		json_out_set_string(o, name, buf_str(&b));
		buf_free(&b);
		return;
	}
	buf_init(&b, 0);
	codec_b64_encode(&b, p, n);
	snprintf(key, sizeof(key), "%s_base64", name);
	json_out_set_string(o, key, buf_str(&b));
	buf_free(&b);
}

/* The current row of s as an object, by column names. */
static struct json_out *
export_row(struct store_stmt *s)
{
	struct json_out *o = json_out_object();
	int n = store_col_count(s);

	for (int i = 0; i < n; i++) {
		const char *name = store_col_name(s, i);
		char when[40];
		size_t len;
		const void *p;

		switch (store_col_type(s, i)) {
		case STORE_COL_NULL:
			json_out_set_null(o, name);
			break;
		case STORE_COL_BLOB:
			p = store_col_blob(s, i, &len);
			export_blob(o, name, p, len);
			break;
		case STORE_COL_INT:
			if (export_time_column(name)) {
				clock_iso8601((time_t)store_col_int64(s, i),
				    when, sizeof(when));
				json_out_set_string(o, name, when);
			} else
				json_out_set_int(o, name, store_col_int64(s,
				    i));
			break;
		default:
			if (export_json_column(name))
				json_out_set(o, name, json_out_parse(
				    store_col_text(s, i)));
			else
				json_out_set_string(o, name,
				    store_col_text(s, i));
		}
	}
	return o;
}

/* The rows of one part, as an array (or the first row, for "person"). */
static int
export_rows(struct store *st, const struct export_part *part, int64_t id,
    const char *email, struct json_out *doc, char *err, size_t errlen)
{
	struct store_stmt *s;
	struct json_out *arr = json_out_array(), *one = NULL;
	struct buf sql;
	int rc, single = strcmp(part->key, "person") == 0;

	buf_init(&sql, 0);
	buf_printf(&sql, EXPORT_ARGS "%s", part->sql);
	s = store_query(st, buf_str(&sql), STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(email)), err, errlen);
	buf_free(&sql);
	if (s == NULL) {
		json_out_free(arr);
		return -1;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		if (single && one == NULL)
			one = export_row(s);
		else if (!single)
			json_out_push(arr, export_row(s));
	}
	if (rc < 0)
		snprintf(err, errlen, "export %s: %s", part->key,
		    store_errmsg(st));
	store_finalize(s);
	if (single) {
		json_out_free(arr);
		json_out_set(doc, part->key, one);
	} else
		json_out_set(doc, part->key, arr);
	return rc < 0 ? -1 : 0;
}

int
export_person(struct store *st, int64_t id, const char *email,
    long long now, struct json_out **doc, char *err, size_t errlen)
{
	char when[40];
	int rc = 0;

	*doc = json_out_object();
	clock_iso8601((time_t)now, when, sizeof(when));
	json_out_set_string(*doc, "exported_at", when);
	json_out_set_string(*doc, "address", email);
	for (size_t i = 0; i < NPARTS && rc == 0; i++)
		rc = export_rows(st, &export_parts[i], id, email, *doc, err,
		    errlen);
	if (rc != 0) {
		json_out_free(*doc);
		*doc = NULL;
	}
	return rc;
}

int
export_mbox(struct store *st, int64_t id, const char *email,
    struct buf *out, size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	*n = 0;
	s = store_query(st, "SELECT from_address, received_at, raw FROM "
	    "messages WHERE (person_id = ?1 OR lower(from_address) = ?2) AND "
	    "length(raw) > 0 ORDER BY received_at, id",
	    STORE_ARGS(STORE_INT(id), STORE_TEXT(email)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		size_t len;
		const char *raw = store_col_blob(s, 2, &len);

		mbox_append(out, store_col_text(s, 0), store_col_int64(s, 1),
		    raw, len);
		(*n)++;
	}
	if (rc < 0)
		snprintf(err, errlen, "export mbox: %s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}
