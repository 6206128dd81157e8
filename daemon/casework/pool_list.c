/*
 * pool_list.c — ANNUAIRE: the network's people, for a coordinator; see
 * pool_list.h.
 *
 * One query per section, the same columns each time, so that the
 * template shows everyone the same way.  Coordinators named in the
 * configuration count even without the role in the database (they are
 * made persons first, as the digest does).  Availability is judged at
 * the time of the answer, the way routing judges it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/pool_list.h"
#include "out/template.h"
#include "store/store.h"
#include "store/case_db.h"

/* The sections of the answer, in order: the role they list (NULL: the
 * retired people of any role) and their flag. */
static const struct section {
	const char	*role;
	const char	*flag;
} sections[] = {
	{ "referent", "is_referents" },
	{ "volunteer", "is_volunteers" },
	{ "coordinator", "is_coordinators" },
	{ NULL, "is_retired" },
};

#define POOL_ROLE(r) "EXISTS (SELECT 1 FROM person_roles r WHERE " \
	"r.person_id = p.id AND r.role = '" r "')"

static const char pool_sql[] = "SELECT p.name, p.email, json(p.themes), "
    "(SELECT group_concat(value, ', ') FROM json_each(p.communes)), "
    "p.charter_signed_at, p.unavailable = 1 AND (p.unavailable_until IS "
    "NULL OR p.unavailable_until > ?3), p.unavailable_until, "
    "(SELECT count(*) FROM cases c WHERE c.referent_id = p.id AND "
    CASE_SQL_OPEN("c.state") "), "
    "(SELECT count(DISTINCT m.case_id) FROM case_members m JOIN cases c ON "
    "c.id = m.case_id WHERE m.person_id = p.id AND m.role = 'volunteer' "
    "AND m.status IN ('invited', 'accepted') AND "
    CASE_SQL_OPEN("c.state") "), "
    POOL_ROLE("referent") ", " POOL_ROLE("volunteer") ", "
    POOL_ROLE("coordinator") " OR p.id IN (SELECT value FROM "
    "json_each(?2)) FROM persons p WHERE p.forgotten_at IS NULL AND "
    "CASE WHEN ?1 IS NULL THEN p.active = 0 AND (" POOL_ROLE("referent")
    " OR " POOL_ROLE("volunteer") " OR " POOL_ROLE("coordinator") " OR "
    "p.id IN (SELECT value FROM json_each(?2))) ELSE p.active = 1 AND ("
    "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND "
    "r.role = ?1) OR (?1 = 'coordinator' AND p.id IN (SELECT value FROM "
    "json_each(?2)))) END ORDER BY CASE WHEN p.name = '' THEN p.email "
    "ELSE p.name END COLLATE NOCASE, p.email";

static void
pool_person(struct cmd_ctx *x, struct store_stmt *s, struct tpl_data *it)
{
	char date[16], tm[8], n[24];

	tpl_set(it, "name", store_col_text(s, 0));
	tpl_set(it, "address", store_col_text(s, 1));
	casemail_set_themes(x->cw, it, "themes", store_col_text(s, 2));
	tpl_set_bool(it, "has_themes", strcmp(store_col_text(s, 2), "[]"));
	tpl_set(it, "communes", store_col_is_null(s, 3) ? "" :
	    store_col_text(s, 3));
	tpl_set_bool(it, "charter_signed", !store_col_is_null(s, 4));
	if (!store_col_is_null(s, 4)) {
		cmdctx_format_when(store_col_int64(s, 4), 0, date, sizeof(date),
		    tm, sizeof(tm));
		tpl_set(it, "charter_date", date);
	}
	tpl_set_bool(it, "unavailable", store_col_int64(s, 5) != 0);
	if (store_col_int64(s, 5) != 0 && !store_col_is_null(s, 6)) {
		/* Stored as the start of the first day back. */
		cmdctx_format_when(store_col_int64(s, 6) - 1, 0, date,
		    sizeof(date), tm, sizeof(tm));
		tpl_set(it, "unavailable_until", date);
	}
	snprintf(n, sizeof(n), "%lld", (long long)store_col_int64(s, 7));
	tpl_set(it, "cases_referent", n);
	snprintf(n, sizeof(n), "%lld", (long long)store_col_int64(s, 8));
	tpl_set(it, "cases_member", n);
	tpl_set_bool(it, "is_referent", store_col_int64(s, 9) != 0);
	tpl_set_bool(it, "is_volunteer", store_col_int64(s, 10) != 0);
	tpl_set_bool(it, "is_coordinator", store_col_int64(s, 11) != 0);
}

/* One section of the answer into d's "sections". */
static int
pool_section(struct cmd_ctx *x, const struct section *sec,
    const char *coords, struct tpl_data *d, char *err, size_t errlen)
{
	struct tpl_data *it = tpl_list_add(d, "sections");
	struct store_stmt *s;
	size_t count = 0;
	char n[24];
	int rc;

	tpl_set_bool(it, sec->flag, 1);
	tpl_list_init(it, "people");
	s = store_query(x->cw->st, pool_sql, STORE_ARGS(sec->role ?
	    STORE_TEXT(sec->role) : STORE_NULL, STORE_TEXT(coords),
	    STORE_INT(x->cw->now)), err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		pool_person(x, s, tpl_list_add(it, "people"));
		count++;
	}
	if (rc < 0)
		snprintf(err, errlen, "pool: %s", store_errmsg(x->cw->st));
	store_finalize(s);
	snprintf(n, sizeof(n), "%zu", count);
	tpl_set(it, "count", n);
	tpl_set_bool(it, "empty", count == 0);
	return rc < 0 ? -1 : 0;
}

int
pool_list(struct cmd_ctx *x, const struct mailcmd *cmd, struct cmd_res *res,
    char *err, size_t errlen)
{
	struct cw_person *co = NULL;
	struct tpl_data *d = NULL;
	struct buf ids;
	size_t nco = 0;
	int rc = -1;

	(void)cmd;
	buf_init(&ids, 0);
	if (casemail_coordinators(x->cw, &co, &nco, err, errlen) != 0)
		goto out;
	buf_addc(&ids, '[');
	for (size_t i = 0; i < nco; i++)
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)co[i].id);
	buf_addc(&ids, ']');
	d = tpl_data_new();
	tpl_list_init(d, "sections");
	for (size_t i = 0; i < sizeof(sections) / sizeof(*sections); i++)
		if (pool_section(x, &sections[i], buf_str(&ids), d, err,
		    errlen) != 0)
			goto out;
	if (cmdctx_answer(x, "pool_list", d, err, errlen) != 0)
		goto out;
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	tpl_data_free(d);
	buf_free(&ids);
	free(co);
	return rc;
}
