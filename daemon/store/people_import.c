/*
 * people_import.c — the people file's entries into the persons tables;
 * see people_import.h.
 *
 * The database is the pool's one truth: an entry adds and updates, and
 * nothing here removes a role or deactivates because a line is missing,
 * since a line deleted by mistake (or a spreadsheet saved without its
 * last rows) would otherwise take a referent out of routing without
 * anyone deciding it.  What the file no longer gives is told instead, in
 * a notice naming the commands that act on it.  Every change is a person
 * event saying who made it (the file or the administrator), so the
 * history of the pool can be read back.  The file is read and checked
 * whole (people_parse) before this runs, and a sync is one transaction,
 * so a bad file or a failed write leaves the database as it was.  It
 * lives beside person_db.c because it writes the same tables; the file's
 * format stays config/'s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "config/people_file.h"
#include "store/people_diff.h"
#include "store/people_import.h"
#include "store/people_seen.h"
#include "store/person_db.h"
#include "store/store.h"

/* Names listed at most in one part of the sync's notice. */
#define PEOPLE_NOTICE_MAX	10

void
people_sync_stats_free(struct people_sync_stats *stats)
{
	if (stats != NULL)
		buf_free(&stats->refused_text);
}

/* A person event with at most one key and value. */
static int
people_event(struct store *st, int64_t id, enum person_actor by,
    const char *kind, const char *key, const char *value, long long now,
    char *err, size_t errlen)
{
	const char *kv[2] = { key, value };

	return person_event(st, id, by, 0, kind, 0, kv, key ? 2 : 0, now, err,
	    errlen);
}

/* Which fields of the entry differ from the stored ones. */
enum {
	PF_NAME, PF_THEMES, PF_COMMUNES, PF_MAX, PF_REACTIVATE, PF_NFIELDS,
	PF_ACTIVE = PF_NFIELDS
};

static const char *const people_field_names[PF_NFIELDS] = {
	"name", "themes", "communes", "max_open_cases", "active"
};

/*
 * The fields the entry gives, written over the stored ones, with a
 * 'person_updated' event naming those that changed (none for a person
 * just added: 'person_added' says it).  *active is the stored active
 * before; *changed is set when a value differed.
 */
static int
people_update_fields(struct store *st, const struct people_entry *e,
    int64_t id, enum person_actor by, int added, long long now,
    int *active, int *changed, char *err, size_t errlen)
{
	unsigned g = e->given;
	const char *name = (g & PEOPLE_NAME) && e->name && *e->name ?
	    e->name : NULL;
	struct store_stmt *s;
	struct buf fields;
	int diff[PF_NFIELDS + 1], rc = -1;

	/* NULL parameters mean "not given: keep"; max_open_cases needs a
	 * flag of its own, since NULL is one of its values.  The file
	 * deactivates through person_deactivate(), not here. */
	s = store_query(st, "SELECT ?2 IS NOT NULL AND name IS NOT ?2, ?3 IS "
	    "NOT NULL AND themes IS NOT ?3, ?4 IS NOT NULL AND communes IS NOT "
	    "?4, ?6 AND max_open_cases IS NOT ?5, ?7 AND active = 0, active "
	    "FROM persons WHERE id = ?1", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(name), STORE_TEXT(g & PEOPLE_THEMES ? e->themes_json :
	    NULL), STORE_TEXT(g & PEOPLE_COMMUNES ? e->communes_json : NULL),
	    e->max_open_cases > 0 ? STORE_INT(e->max_open_cases) : STORE_NULL,
	    STORE_INT((g & PEOPLE_MAX_OPEN) != 0),
	    STORE_INT((g & PEOPLE_ACTIVE) && e->active)), err, errlen);
	if (s == NULL)
		return -1;
	buf_init(&fields, 0);
	if (store_step(s) != STORE_ROW) {
		snprintf(err, errlen, "%s: reading: %s", e->email,
		    store_errmsg(st));
		goto out;
	}
	for (int i = 0; i <= PF_NFIELDS; i++)
		diff[i] = (int)store_col_int64(s, i);
	*active = diff[PF_ACTIVE];
	for (int i = 0; i < PF_NFIELDS; i++)
		if (diff[i])
			buf_printf(&fields, "%s%s", fields.len ? "," : "",
			    people_field_names[i]);
	if (fields.len == 0) {
		rc = 0;
		goto out;
	}
	if (store_run(st, e->email, "UPDATE persons SET name = coalesce(?2, "
	    "name), themes = coalesce(?3, themes), communes = coalesce(?4, "
	    "communes), max_open_cases = CASE WHEN ?6 THEN ?5 ELSE "
	    "max_open_cases END, active = CASE WHEN ?7 THEN 1 ELSE active END, "
	    "updated_at = ?8 WHERE id = ?1", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(diff[PF_NAME] ? name : NULL), STORE_TEXT(
	    diff[PF_THEMES] ? e->themes_json : NULL), STORE_TEXT(
	    diff[PF_COMMUNES] ? e->communes_json : NULL),
	    e->max_open_cases > 0 ? STORE_INT(e->max_open_cases) : STORE_NULL,
	    STORE_INT(diff[PF_MAX]), STORE_INT(diff[PF_REACTIVATE]),
	    STORE_INT(now)), err, errlen) != 0)
		goto out;
	*changed = 1;
	if (!added && people_event(st, id, by, "person_updated", "fields",
	    buf_str(&fields), now, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	store_finalize(s);
	buf_free(&fields);
	return rc;
}

/* The roles the entry lists, each new one with a 'role_added' event. */
static int
people_give_roles(struct store *st, const struct people_entry *e, int64_t id,
    enum person_source src, enum person_actor by, long long now,
    int *changed, char *err, size_t errlen)
{
	for (unsigned r = 1; r <= PEOPLE_ROLE_LAST; r <<= 1) {
		const char *role = people_role_name(r);
		int had;

		if (!(e->roles & r))
			continue;
		if ((had = person_has_role(st, id, role, err, errlen)) < 0 ||
		    person_add_role(st, id, role, src, now, err, errlen) != 0)
			return -1;
		if (had)
			continue;
		*changed = 1;
		if (people_event(st, id, by, "role_added", "role", role, now,
		    err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* active = 0 in the entry: deactivated as `person deactivate` does,
 * refused (and told in stats) while referent of an open case. */
static int
people_deactivate(struct store *st, const struct people_entry *e,
    int64_t id, enum person_actor by, long long now,
    struct people_sync_stats *stats, int *changed, char *err,
    size_t errlen)
{
	char *refs = NULL;
	int rc;

	rc = person_deactivate(st, id, by, 0, 0, now, &refs, err, errlen);
	if (rc == 1) {
		buf_printf(&stats->refused_text, "%s%s (%s)",
		    stats->refused ? "; " : "", e->email, refs);
		stats->refused++;
	} else if (rc == 0) {
		stats->deactivated++;
		*changed = 1;
	}
	free(refs);
	return rc < 0 ? -1 : 0;
}

/* One entry into the database: the person, their fields, their roles
 * (given with `src`), events by `by`. */
static int
people_upsert(struct store *st, const struct people_entry *e,
    enum person_source src, enum person_actor by, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	int64_t id;
	int found, active = 1, changed = 0;

	if (e->email == NULL) {
		snprintf(err, errlen, "line %d: no address", e->line);
		return -1;
	}
	if ((found = person_find(st, e->email, &id, err, errlen)) < 0)
		return -1;
	if (!found && (person_ensure(st, e->email, (e->given & PEOPLE_NAME) ?
	    e->name : NULL, now, &id, err, errlen) != 0 || people_event(st,
	    id, by, "person_added", NULL, NULL, now, err, errlen) != 0))
		return -1;
	if (people_update_fields(st, e, id, by, !found, now, &active,
	    &changed, err, errlen) != 0 ||
	    people_give_roles(st, e, id, src, by, now, &changed, err,
	    errlen) != 0)
		return -1;
	if ((e->given & PEOPLE_ACTIVE) && !e->active && active &&
	    people_deactivate(st, e, id, by, now, stats, &changed, err,
	    errlen) != 0)
		return -1;
	if (!found)
		stats->added++;
	else if (changed)
		stats->updated++;
	return 0;
}

static int
people_apply(struct store *st, const struct people_list *l, long long now,
    enum person_source src, enum person_actor by,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	struct people_sync_stats local;
	int rc = 0;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	for (size_t i = 0; i < l->n && rc == 0; i++)
		rc = people_upsert(st, &l->items[i], src, by, now, stats, err,
		    errlen);
	if (stats == &local)
		people_sync_stats_free(&local);
	return rc;
}

int
people_sync(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_FILE, PERSON_BY_FILE,
	    stats, err, errlen);
}

int
people_import(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_DB, PERSON_BY_ADMIN, stats,
	    err, errlen);
}

/* Appends one part of the notice: the items of `kind`, at most
 * PEOPLE_NOTICE_MAX named. */
static void
people_notice_part(struct buf *b, const struct people_diffs *d,
    enum people_diff_kind kind, const char *title)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct people_diff *x = &d->items[i];

		if (x->kind != kind)
			continue;
		if (n == 0)
			buf_printf(b, "%s%s: ", b->len ? "; " : "", title);
		if (n < PEOPLE_NOTICE_MAX)
			buf_printf(b, "%s%s %s%s%s", n ? ", " : "", x->email,
			    kind == PEOPLE_DIFF_ABSENT ? "(" : "", x->what,
			    kind == PEOPLE_DIFF_ABSENT ? ")" : "");
		n++;
	}
	if (n > PEOPLE_NOTICE_MAX)
		buf_printf(b, " and %zu more", n - PEOPLE_NOTICE_MAX);
}

/* After a sync: what the database keeps that the file does not give,
 * into `notice` ("" when nothing).  0 or -1. */
static int
people_notice(struct store *st, const struct people_list *l,
    const struct people_sync_stats *stats, struct buf *notice, char *err,
    size_t errlen)
{
	struct people_diffs d;
	int rc = -1;

	if (people_diff(st, l, &d, err, errlen) != 0)
		goto out;
	people_notice_part(notice, &d, PEOPLE_DIFF_ABSENT, "in the database, "
	    "not in the file");
	people_notice_part(notice, &d, PEOPLE_DIFF_ROLE_DB, "roles the file "
	    "does not give");
	if (stats->refused)
		buf_printf(notice, "%snot deactivated, referent of open cases: "
		    "%s", notice->len ? "; " : "",
		    buf_str(&stats->refused_text));
	rc = 0;
out:
	people_diffs_free(&d);
	return rc;
}

/* The entries of `l` whose line is new or changed since the last sync
 * into *changed (an array borrowing l's entries: free only the array).
 * 0 or -1. */
static int
people_changed_lines(struct store *st, const struct people_seen *seen,
    const struct people_list *l, struct people_list *changed, char *err,
    size_t errlen)
{
	int same;

	changed->items = xcalloc(l->n ? l->n : 1, sizeof(*changed->items));
	changed->n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if ((same = people_seen_same(st, seen, &l->items[i], err,
		    errlen)) < 0)
			return -1;
		if (!same)
			changed->items[changed->n++] = l->items[i];
	}
	return 0;
}

/*
 * Syncs the lines of `l` that are new or changed since the last sync,
 * unless `sha` (of the bytes l was read from) is the last sync's: 1
 * synced, 0 the same file, -1.
 */
static int
people_sync_file(struct store *st, const char *path, int missing,
    const struct people_list *l, const char *sha, long long now,
    char *err, size_t errlen)
{
	struct people_sync_stats stats;
	struct people_seen seen;
	struct people_list changed = { NULL, 0 };
	struct buf notice;
	char e2[256];
	int rc = -1;

	memset(&stats, 0, sizeof(stats));
	memset(&seen, 0, sizeof(seen));
	buf_init(&notice, 0);
	if (store_begin(st, err, errlen) != 0)
		return -1;
	if (people_seen_load(st, &seen, err, errlen) != 0)
		goto out;
	if (seen.sha256 && strcmp(seen.sha256, sha) == 0) {
		rc = 0;
		goto out;
	}
	if (people_changed_lines(st, &seen, l, &changed, err, errlen) != 0 ||
	    people_sync(st, &changed, now, &stats, err, errlen) != 0 ||
	    people_seen_record(st, sha, l, now, err, errlen) != 0 ||
	    (!missing && people_notice(st, l, &stats, &notice, err,
	    errlen) != 0) || store_commit(st, err, errlen) != 0)
		goto out;
	if (missing)
		log_info("people: %s: no such file; the database's people "
		    "stay as they are", path);
	else
		log_info("people: %s: %zu people, %zu added, %zu updated, "
		    "%zu deactivated", path, l->n, stats.added, stats.updated,
		    stats.deactivated);
	if (notice.len)
		log_notice("people: %s: kept as the database has them: %s.  "
		    "`coupdepouce check` lists every difference; `coupdepouce "
		    "person import %s --prune --yes` deactivates the people "
		    "not in the file, `person edit EMAIL --roles` sets roles, "
		    "`person export` writes the database as a people file",
		    path, buf_str(&notice), path);
	rc = 1;
out:
	if (rc != 1)
		store_rollback(st, e2, sizeof(e2));
	free(changed.items);
	people_seen_free(&seen);
	buf_free(&notice);
	people_sync_stats_free(&stats);
	return rc;
}

int
people_reload_if_changed(struct store *st, const char *path,
    struct people_watch *w, long long now, char *err, size_t errlen)
{
	struct people_list l = { NULL, 0 };
	struct stat sb;
	long long mtime = -1, size = -1;
	char sha[HASH_SHA256_HEX], *text = NULL;
	size_t len = 0;
	int rc = -1;

	if (stat(path, &sb) == 0) {
		mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL +
		    sb.st_mtim.tv_nsec;
		size = (long long)sb.st_size;
	} else if (errno != ENOENT)
		mtime = -1 - errno;	/* a new errno is a change */
	if (w->loaded && w->mtime_ns == mtime && w->size == size)
		return 0;
	if (mtime < -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(-1 - (int)mtime));
		goto seen;
	}
	if (people_load(path, &text, &len, err, errlen) != 0 ||
	    (text && people_parse(path, text, len, &l, err, errlen) != 0))
		goto seen;
	/* A missing file and an empty one give nobody alike. */
	hash_sha256_hex(text ? text : "", len, sha);
	if ((rc = people_sync_file(st, path, text == NULL, &l, sha, now, err,
	    errlen)) < 0)
		goto out;
seen:
	/* Read (or found bad): not again until it changes. */
	w->mtime_ns = mtime;
	w->size = size;
	w->loaded = 1;
out:
	people_list_free(&l);
	free(text);
	return rc;
}
