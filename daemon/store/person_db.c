/*
 * person_db.c — the people the network knows; see person_db.h.
 *
 * Addresses are compared as stored: normalized to lower case by
 * person_normalize_email() before they reach SQL, which the schema's CHECK
 * (email = lower(email)) enforces.  A forgotten person's address is
 * 'forgotten-<id>@invalid'; the ".invalid" top-level domain (RFC 2606)
 * is refused as an address, and lookups skip forgotten rows anyway, so no
 * mail and no command can ever be tied to an erased person again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/charset.h"
#include "base/addr.h"
#include "base/buf.h"
#include "base/mem.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "store/store.h"

static const char *const person_roles[] = {
	"holder", "referent", "volunteer", "coordinator"
};

static int
person_role_ok(const char *role)
{
	for (size_t i = 0; i < sizeof(person_roles) / sizeof(person_roles[0]);
	    i++)
		if (strcmp(role, person_roles[i]) == 0)
			return 1;
	return 0;
}

int
person_normalize_email(const char *in, char *out, size_t outlen)
{
	return addr_normalize(in, out, outlen);
}

/* The id of a normalized address: 1, 0 when unknown, -1. */
static int
person_lookup(struct store *st, const char *norm, int64_t *id, char *err,
    size_t errlen)
{
	char what[PERSON_EMAIL_MAX + 16];

	snprintf(what, sizeof(what), "finding %s", norm);
	return store_get_int64(st, id, what, "SELECT id FROM persons WHERE "
	    "email = ?1 AND forgotten_at IS NULL", STORE_ARGS(STORE_TEXT(norm)),
	    err, errlen);
}

int
person_find(struct store *st, const char *email, int64_t *id, char *err,
    size_t errlen)
{
	char norm[PERSON_EMAIL_MAX];

	/* Not an address we could have stored: simply not known. */
	if (person_normalize_email(email, norm, sizeof(norm)) != 0)
		return 0;
	return person_lookup(st, norm, id, err, errlen);
}

/*
 * person_ensure() of an address already normalized and a name already
 * cleaned.  One read of the row gives the id, the name it holds and
 * whether the address is failing, so that the sender of a mail needs no
 * second read (person_ensure_sender): into stored (may be NULL) the name
 * the row holds now, into *failing (may be NULL) whether it was failing.
 */
static int
person_ensure_clean(struct store *st, const char *norm, const char *clean,
    long long now, int64_t *id, char *stored, size_t storedlen,
    int *failing, char *err, size_t errlen)
{
	struct store_stmt *s;
	int step, empty = 0, cut = 0, was_failing = 0;

	s = store_query(st, "SELECT id, name, failing_since IS NOT NULL FROM "
	    "persons WHERE email = ?1 AND forgotten_at IS NULL",
	    STORE_ARGS(STORE_TEXT(norm)), err, errlen);
	if (s == NULL)
		return -1;
	if ((step = store_step(s)) == STORE_ROW) {
		const char *have = store_col_text(s, 1);

		*id = store_col_int64(s, 0);
		empty = have[0] == '\0';
		was_failing = store_col_int64(s, 2) != 0;
		if (stored != NULL)
			cut = snprintf(stored, storedlen, "%s", have) >=
			    (int)storedlen;
	} else if (step < 0)
		snprintf(err, errlen, "finding %s: %s", norm,
		    store_errmsg(st));
	store_finalize(s);
	if (step < 0)
		return -1;
	if (step == STORE_ROW && (!empty || *clean == '\0'))
		goto done;
	if (step == STORE_ROW) {
		if (store_run(st, norm, "UPDATE persons SET name = ?2, "
		    "updated_at = ?3 WHERE id = ?1 AND name = ''",
		    STORE_ARGS(STORE_INT(*id), STORE_TEXT(clean),
		    STORE_INT(now)), err, errlen) != 0)
			return -1;
	} else {
		if (store_run(st, norm, "INSERT INTO persons (email, name, "
		    "created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
		    STORE_ARGS(STORE_TEXT(norm), STORE_TEXT(clean),
		    STORE_INT(now)), err, errlen) != 0)
			return -1;
		*id = store_last_insert_id(st);
	}
	if (stored != NULL)
		cut = snprintf(stored, storedlen, "%s", clean) >= (int)storedlen;
done:
	if (failing != NULL)
		*failing = was_failing;
	if (cut) {
		/* A cut name would be shown: refuse, as person_get does. */
		snprintf(err, errlen, "person %lld: name longer than the "
		    "buffer", (long long)*id);
		return -1;
	}
	return 0;
}

/* The address normalized into norm and the name cleaned (owned), as
 * person_ensure() stores them; -1 when the address is none. */
static int
person_prepare(const char *email, const char *name, char *norm,
    size_t normlen, char **clean, char *err, size_t errlen)
{
	if (person_normalize_email(email, norm, normlen) != 0) {
		snprintf(err, errlen, "'%s' is not a mail address",
		    email ? email : "");
		return -1;
	}
	/* Names come from From: headers and files: one clean line.  Some
	 * clients put the address itself as display name: that is no name,
	 * and kept it would show "a@b <a@b>" on every mail. */
	*clean = charset_clean_line(name);
	if (addr_valid(*clean))
		**clean = '\0';
	return 0;
}

int
person_ensure(struct store *st, const char *email, const char *name,
    long long now, int64_t *id, char *err, size_t errlen)
{
	char norm[PERSON_EMAIL_MAX];
	char *clean = NULL;
	int rc;

	if (person_prepare(email, name, norm, sizeof(norm), &clean, err,
	    errlen) != 0)
		return -1;
	rc = person_ensure_clean(st, norm, clean, now, id, NULL, 0, NULL, err,
	    errlen);
	free(clean);
	return rc;
}

int
person_ensure_sender(struct store *st, const char *email, const char *name,
    long long now, int64_t *id, char *name_out, size_t namelen,
    char *email_out, size_t emaillen, char *err, size_t errlen)
{
	char norm[PERSON_EMAIL_MAX];
	char *clean = NULL;
	int failing = 0, rc = -1;

	if (person_prepare(email, name, norm, sizeof(norm), &clean, err,
	    errlen) != 0)
		return -1;
	if (person_ensure_clean(st, norm, clean, now, id, name_out, namelen,
	    &failing, err, errlen) != 0 ||
	    (failing && person_mark_working(st, *id, now, err, errlen) != 0))
		goto out;
	if (snprintf(email_out, emaillen, "%s", norm) >= (int)emaillen) {
		snprintf(err, errlen, "person %lld: address longer than the "
		    "buffer", (long long)*id);
		goto out;
	}
	rc = 0;
out:
	free(clean);
	return rc;
}

int
person_has_role(struct store *st, int64_t id, const char *role, char *err,
    size_t errlen)
{
	int64_t one;

	return store_get_int64(st, &one, "reading roles", "SELECT 1 FROM "
	    "person_roles WHERE person_id = ?1 AND role = ?2",
	    STORE_ARGS(STORE_INT(id), STORE_TEXT(role)), err, errlen);
}

int
person_add_role(struct store *st, int64_t id, const char *role,
    enum person_source src, long long now, char *err, size_t errlen)
{
	if (role == NULL || !person_role_ok(role)) {
		snprintf(err, errlen, "unknown role '%s'", role ? role : "");
		return -1;
	}
	/* The row's change count tells people_import.c whether anything
	 * changed: nothing when the role is there and keeps its source. */
	return store_run(st, "giving a role", "INSERT INTO person_roles "
	    "(person_id, role, since, source) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT (person_id, role) DO UPDATE SET source = 'file' "
	    "WHERE excluded.source = 'file' AND source <> 'file'",
	    STORE_ARGS(STORE_INT(id), STORE_TEXT(role), STORE_INT(now),
	    STORE_TEXT(src == PERSON_SRC_FILE ? "file" : "db")), err, errlen);
}

int
person_mark_bounce(struct store *st, const char *email, const char *status,
    long long now, int64_t *id, char *err, size_t errlen)
{
	int found;

	*id = 0;
	if ((found = person_find(st, email, id, err, errlen)) <= 0)
		return found;
	return store_run(st, "recording a bounce", "UPDATE persons SET "
	    "failing_since = coalesce(failing_since, ?2), last_bounce_at = ?2, "
	    "last_bounce_status = ?3, updated_at = ?2 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(*id), STORE_INT(now), STORE_TEXT(status)),
	    err, errlen);
}

int
person_mark_working(struct store *st, int64_t id, long long now, char *err,
    size_t errlen)
{
	/* The bounce history stays: only "failing now" is cleared. */
	return store_run(st, "clearing a bounce", "UPDATE persons SET "
	    "failing_since = NULL, updated_at = ?2 WHERE id = ?1 AND "
	    "failing_since IS NOT NULL", STORE_ARGS(STORE_INT(id),
	    STORE_INT(now)), err, errlen);
}

int
person_get(struct store *st, int64_t id, char *name, size_t namelen,
    char *email, size_t emaillen, char *err, size_t errlen)
{
	struct store_stmt *s;
	int step, rc = -1;

	if (namelen)
		name[0] = '\0';
	if (emaillen)
		email[0] = '\0';
	s = store_query(st, "SELECT name, email FROM persons WHERE id = ?1",
	    STORE_ARGS(STORE_INT(id)), err, errlen);
	if (s == NULL)
		return -1;
	step = store_step(s);
	if (step == STORE_ROW) {
		const char *n = store_col_text(s, 0), *e = store_col_text(s, 1);

		/* A cut address would reach someone else: refuse instead. */
		if (strlen(n) >= namelen || strlen(e) >= emaillen) {
			snprintf(err, errlen, "person %lld: name or address "
			    "longer than the buffer", (long long)id);
			goto out;
		}
		memcpy(name, n, strlen(n) + 1);
		memcpy(email, e, strlen(e) + 1);
	} else if (step != STORE_DONE) {
		snprintf(err, errlen, "reading person %lld: %s", (long long)id,
		    store_errmsg(st));
		goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	return rc;
}

const char *
person_actor_name(enum person_actor by)
{
	static const char *const names[] = {
		[PERSON_BY_ADMIN] = "admin",
		[PERSON_BY_MAIL] = "mail",
		[PERSON_BY_SELF] = "self",
		[PERSON_BY_FILE] = "file",
		[PERSON_BY_DAEMON] = "daemon",
	};

	return names[by];
}

int
person_event(struct store *st, int64_t person_id, enum person_actor by,
    int64_t actor_id, const char *kind, int64_t msg_id,
    const char *const *kv, size_t nkv, long long now, char *err,
    size_t errlen)
{
	const char **all = xcalloc(nkv + 4, sizeof(*all));
	char id[24];
	int rc;

	snprintf(id, sizeof(id), "%lld", (long long)person_id);
	all[0] = "person_id";
	all[1] = id;
	all[2] = "by";
	all[3] = person_actor_name(by);
	for (size_t i = 0; i < nkv; i++)
		all[4 + i] = kv[i];
	rc = case_event(st, 0, actor_id, kind, msg_id, all, nkv + 4, now,
	    err, errlen);
	free(all);
	return rc;
}

int
person_open_referent_cases(struct store *st, int64_t id, char **refs,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	struct buf b;
	int rc;

	*refs = NULL;
	/* The open ones only, by the index cases_open: not the years of
	 * cases the referent ended. */
	s = store_query(st, "SELECT ref FROM cases WHERE referent_id = ?1 "
	    "AND " CASE_SQL_OPEN("state") " ORDER BY ref",
	    STORE_ARGS(STORE_INT(id)), err, errlen);
	if (s == NULL)
		return -1;
	buf_init(&b, 0);
	while ((rc = store_step(s)) == STORE_ROW)
		buf_printf(&b, "%s%s", b.len ? ", " : "",
		    store_col_text(s, 0));
	if (rc < 0)
		snprintf(err, errlen, "open cases: %s", store_errmsg(st));
	store_finalize(s);
	if (rc >= 0 && b.len > 0)
		*refs = buf_steal(&b);
	buf_free(&b);
	return rc < 0 ? -1 : 0;
}

int
person_deactivate(struct store *st, int64_t id, enum person_actor by,
    int64_t actor_id, int64_t msg_id, long long now, char **refs,
    char *err, size_t errlen)
{
	if (person_open_referent_cases(st, id, refs, err, errlen) != 0)
		return -1;
	if (*refs != NULL)
		return 1;
	if (store_run(st, "deactivate", "UPDATE persons SET active = 0, "
	    "updated_at = ?2 WHERE id = ?1 AND active = 1",
	    STORE_ARGS(STORE_INT(id), STORE_INT(now)), err, errlen) != 0)
		return -1;
	if (store_changes(st) == 0)
		return 0;
	return person_event(st, id, by, actor_id, "person_deactivated",
	    msg_id, NULL, 0, now, err, errlen);
}
