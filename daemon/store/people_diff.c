/*
 * people_diff.c — the people file against the database; see
 * people_diff.h.
 *
 * Lists are compared as the file writes them (';'-joined, in order), so
 * what is shown is what the administrator would type.  Roles are the
 * pool's three: 'holder' is the database's own record of who carried an
 * initiative and never appears in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "config/people_file.h"
#include "store/people_diff.h"
#include "store/store.h"

/* The pool roles of person p, in role order, joined by SEP. */
#define PEOPLE_DIFF_ROLES(sep) \
	"(SELECT group_concat(role, '" sep "') FROM (SELECT role FROM " \
	"person_roles WHERE person_id = p.id AND role <> 'holder' ORDER BY " \
	"role))"

static void
people_diff_add(struct people_diffs *d, enum people_diff_kind kind,
    int64_t id, int line, const char *email, const char *what,
    const char *file, const char *db)
{
	struct people_diff *x;

	d->items = xrealloc(d->items, (d->n + 1) * sizeof(*d->items));
	x = &d->items[d->n++];
	x->kind = kind;
	x->id = id;
	x->line = line;
	x->email = xstrdup(email);
	x->what = xstrdup(what ? what : "");
	x->file = file ? xstrdup(file) : NULL;
	x->db = db ? xstrdup(db) : NULL;
}

/* 1 if `item` is one of the ';'-separated items of list. */
static int
people_diff_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p; p += strcspn(p, ";"),
	    p += *p == ';')
		if (strncmp(p, item, n) == 0 && (p[n] == ';' || p[n] == '\0'))
			return 1;
	return 0;
}

/* A field of the entry against the stored value (NULL: SQL NULL). */
static void
people_diff_field(struct people_diffs *d, const struct people_entry *e,
    int64_t id, unsigned field, const char *name, const char *file,
    const char *db)
{
	if (!(e->given & field))
		return;
	if (strcmp(file ? file : "", db ? db : "") != 0)
		people_diff_add(d, PEOPLE_DIFF_FIELD, id, e->line, e->email,
		    name, file ? file : "", db ? db : "");
}

enum {
	DC_ID, DC_NAME, DC_THEMES, DC_COMMUNES, DC_MAX, DC_ACTIVE, DC_ROLES,
	DC_FTHEMES, DC_FCOMMUNES
};

/* One entry against its person. */
static int
people_diff_entry(struct store *st, const struct people_entry *e,
    struct people_diffs *d, char *err, size_t errlen)
{
	struct store_stmt *s;
	char max[16], active[4];
	const char *roles;
	int64_t id;
	int step;

	s = store_query(st, "SELECT p.id, p.name, (SELECT group_concat(value, "
	    "';') FROM json_each(p.themes)), (SELECT group_concat(value, ';') "
	    "FROM json_each(p.communes)), p.max_open_cases, p.active, "
	    PEOPLE_DIFF_ROLES(";") ", (SELECT group_concat(value, ';') FROM "
	    "json_each(coalesce(?2, '[]'))), (SELECT group_concat(value, ';') "
	    "FROM json_each(coalesce(?3, '[]'))) FROM persons p WHERE "
	    "p.email = ?1 AND p.forgotten_at IS NULL",
	    STORE_ARGS(STORE_TEXT(e->email), STORE_TEXT(e->themes_json),
	    STORE_TEXT(e->communes_json)), err, errlen);
	if (s == NULL)
		return -1;
	if ((step = store_step(s)) != STORE_ROW) {
		if (step == STORE_DONE)
			people_diff_add(d, PEOPLE_DIFF_NEW, 0, e->line, e->email,
			    NULL, NULL, NULL);
		else
			snprintf(err, errlen, "%s: %s", e->email,
			    store_errmsg(st));
		store_finalize(s);
		return step == STORE_DONE ? 0 : -1;
	}
	id = store_col_int64(s, DC_ID);
	if (e->name && *e->name)
		people_diff_field(d, e, id, PEOPLE_NAME, "name", e->name,
		    store_col_text(s, DC_NAME));
	people_diff_field(d, e, id, PEOPLE_THEMES, "themes", store_col_text(s,
	    DC_FTHEMES), store_col_text(s, DC_THEMES));
	people_diff_field(d, e, id, PEOPLE_COMMUNES, "communes",
	    store_col_text(s, DC_FCOMMUNES), store_col_text(s, DC_COMMUNES));
	snprintf(max, sizeof(max), "%d", e->max_open_cases);
	people_diff_field(d, e, id, PEOPLE_MAX_OPEN, "max_open_cases",
	    e->max_open_cases ? max : NULL, store_col_text(s, DC_MAX));
	snprintf(active, sizeof(active), "%d", e->active);
	people_diff_field(d, e, id, PEOPLE_ACTIVE, "active", active,
	    store_col_text(s, DC_ACTIVE));
	roles = store_col_text(s, DC_ROLES);
	for (unsigned r = 1; r <= PEOPLE_ROLE_LAST; r <<= 1) {
		const char *name = people_role_name(r);
		int in_db = people_diff_has(roles, name);

		if ((e->roles & r) && !in_db)
			people_diff_add(d, PEOPLE_DIFF_ROLE_FILE, id, e->line,
			    e->email, name, NULL, NULL);
		else if ((e->given & PEOPLE_ROLES) && !(e->roles & r) && in_db)
			people_diff_add(d, PEOPLE_DIFF_ROLE_DB, id, e->line,
			    e->email, name, NULL, NULL);
	}
	store_finalize(s);
	return 0;
}

/* Active people with a pool role whose address `emails` (a JSON array)
 * does not hold. */
static int
people_diff_absent(struct store *st, const char *emails,
    struct people_diffs *d, char *err, size_t errlen)
{
	struct store_stmt *s;
	int step;

	s = store_query(st, "SELECT p.id, p.email, " PEOPLE_DIFF_ROLES(", ")
	    " FROM persons p WHERE p.active = 1 AND p.forgotten_at IS NULL "
	    "AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = "
	    "p.id AND r.role <> 'holder') AND p.email NOT IN (SELECT value "
	    "FROM json_each(?1)) ORDER BY p.email",
	    STORE_ARGS(STORE_TEXT(emails)), err, errlen);
	if (s == NULL)
		return -1;
	while ((step = store_step(s)) == STORE_ROW)
		people_diff_add(d, PEOPLE_DIFF_ABSENT, store_col_int64(s, 0), 0,
		    store_col_text(s, 1), store_col_text(s, 2), NULL, NULL);
	if (step < 0)
		snprintf(err, errlen, "people not in the file: %s",
		    store_errmsg(st));
	store_finalize(s);
	return step < 0 ? -1 : 0;
}

int
people_diff(struct store *st, const struct people_list *l,
    struct people_diffs *out, char *err, size_t errlen)
{
	struct json_out *emails = json_out_array();
	char *text = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < l->n; i++) {
		if (people_diff_entry(st, &l->items[i], out, err,
		    errlen) != 0)
			goto out;
		json_out_push(emails, json_out_string(l->items[i].email));
	}
	text = json_out_dump(emails, 0);
	if (people_diff_absent(st, text, out, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(text);
	json_out_free(emails);
	return rc;
}

void
people_diffs_free(struct people_diffs *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].email);
		free(d->items[i].what);
		free(d->items[i].file);
		free(d->items[i].db);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

void
people_diff_text(const struct people_diff *d, const char *path,
    struct buf *b)
{
	if (d->kind == PEOPLE_DIFF_ABSENT) {
		buf_printf(b, "%s: %s (%s): in the database, not in the file "
		    "(`coupdepouce person import %s --prune` deactivates it)",
		    path, d->email, d->what, path);
		return;
	}
	buf_printf(b, "%s:%d: %s: ", path, d->line, d->email);
	switch (d->kind) {
	case PEOPLE_DIFF_NEW:
		buf_adds(b, "not in the database yet (imported when the "
		    "file is next read)");
		break;
	case PEOPLE_DIFF_FIELD:
		buf_printf(b, "%s: file '%s', database '%s' (the file's value "
		    "wins when this line changes)", d->what, d->file, d->db);
		break;
	case PEOPLE_DIFF_ROLE_FILE:
		buf_printf(b, "role %s in the file, not in the database yet",
		    d->what);
		break;
	default:
		buf_printf(b, "role %s in the database, not in the file "
		    "(kept; `person edit EMAIL --roles` removes it)", d->what);
		break;
	}
}
