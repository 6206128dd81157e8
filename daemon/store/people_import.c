/*
 * people_import.c — the people file's entries into the persons tables;
 * see people_import.h.
 *
 * Where a role came from (person_roles.source) is what lets a re-read
 * take away the roles the administrator removed from the file without
 * touching those a volunteer earned by mail.  The file is read and checked
 * whole (people_read) before this runs, and a sync is one transaction, so
 * a bad file or a failed write leaves the database as it was.  It lives
 * beside person_db.c because it writes the same tables; the file's
 * format stays config/'s.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/log.h"
#include "config/people_file.h"
#include "store/people_import.h"
#include "store/person_db.h"
#include "store/store.h"

/* The fields the entry gives, written over the stored ones; *changed is
 * set when a value differed. */
static int
people_update_fields(struct store *st, const struct people_entry *e,
    int64_t id, long long now, int *changed, char *err, size_t errlen)
{
	unsigned g = e->given;

	/* NULL parameters mean "not given: keep"; max_open_cases needs a
	 * flag of its own, since NULL is one of its values. */
	if (store_run(st, e->email, "UPDATE persons SET name = coalesce(?2, "
	    "name), themes = coalesce(?3, themes), communes = coalesce(?4, "
	    "communes), max_open_cases = CASE WHEN ?6 THEN ?5 ELSE "
	    "max_open_cases END, active = coalesce(?7, active), updated_at = "
	    "?8 WHERE id = ?1 AND (name IS NOT coalesce(?2, name) OR themes IS "
	    "NOT coalesce(?3, themes) OR communes IS NOT coalesce(?4, "
	    "communes) OR (?6 AND max_open_cases IS NOT ?5) OR active IS NOT "
	    "coalesce(?7, active))", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT((g & PEOPLE_NAME) && e->name && *e->name ? e->name :
	    NULL), STORE_TEXT(g & PEOPLE_THEMES ? e->themes_json : NULL),
	    STORE_TEXT(g & PEOPLE_COMMUNES ? e->communes_json : NULL),
	    e->max_open_cases > 0 ? STORE_INT(e->max_open_cases) : STORE_NULL,
	    STORE_INT((g & PEOPLE_MAX_OPEN) != 0),
	    g & PEOPLE_ACTIVE ? STORE_INT(e->active) : STORE_NULL,
	    STORE_INT(now)), err, errlen) != 0)
		return -1;
	*changed |= store_changes(st) > 0;
	return 0;
}

/* Removes the person's file roles the entry does not list. */
static int
people_drop_roles(struct store *st, const struct people_entry *e, int64_t id,
    size_t *removed, char *err, size_t errlen)
{
	if (store_run(st, e->email, "DELETE FROM person_roles WHERE person_id "
	    "= ?1 AND source = 'file' AND role NOT IN (SELECT value FROM "
	    "json_each(?2))", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(e->roles_json ? e->roles_json : "[]")), err,
	    errlen) != 0)
		return -1;
	*removed += (size_t)store_changes(st);
	return 0;
}

/* One entry into the database: the person, their fields, their roles
 * (given with `src`; with PERSON_SRC_FILE the file roles it no longer
 * lists are removed).  Sets *id. */
static int
people_upsert(struct store *st, const struct people_entry *e,
    enum person_source src, long long now, int64_t *id,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	size_t removed = 0;
	int found, changed = 0;

	if (e->email == NULL) {
		snprintf(err, errlen, "line %d: no address", e->line);
		return -1;
	}
	if ((found = person_find(st, e->email, id, err, errlen)) < 0)
		return -1;
	if (!found && person_ensure(st, e->email, (e->given & PEOPLE_NAME) ?
	    e->name : NULL, now, id, err, errlen) != 0)
		return -1;
	if (people_update_fields(st, e, *id, now, &changed, err, errlen) != 0)
		return -1;
	for (unsigned r = 1; r <= PEOPLE_ROLE_LAST; r <<= 1) {
		if (!(e->roles & r))
			continue;
		if (person_add_role(st, *id, people_role_name(r), src, now,
		    err, errlen) != 0)
			return -1;
		changed |= store_changes(st) > 0;
	}
	if (src == PERSON_SRC_FILE && people_drop_roles(st, e, *id, &removed,
	    err, errlen) != 0)
		return -1;
	stats->roles_removed += removed;
	if (!found)
		stats->added++;
	else if (changed || removed)
		stats->updated++;
	return 0;
}

/* Removes the file roles of persons the file no longer lists (`ids`: a
 * JSON array of those it does). */
static int
people_drop_absent(struct store *st, const char *ids, size_t *removed,
    char *err, size_t errlen)
{
	if (store_run(st, "removing roles", "DELETE FROM person_roles WHERE "
	    "source = 'file' AND person_id NOT IN (SELECT value FROM "
	    "json_each(?1))", STORE_ARGS(STORE_TEXT(ids)), err, errlen) != 0)
		return -1;
	*removed += (size_t)store_changes(st);
	return 0;
}

static int
people_apply(struct store *st, const struct people_list *l, long long now,
    enum person_source src, struct people_sync_stats *stats, char *err,
    size_t errlen)
{
	struct people_sync_stats local;
	struct buf ids;
	int64_t id;
	int rc = -1;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	buf_init(&ids, 0);
	buf_addc(&ids, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (people_upsert(st, &l->items[i], src, now, &id, stats, err,
		    errlen) != 0)
			goto out;
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)id);
	}
	buf_addc(&ids, ']');
	if (src == PERSON_SRC_FILE && people_drop_absent(st, buf_str(&ids),
	    &stats->roles_removed, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&ids);
	return rc;
}

int
people_sync(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_FILE, stats, err, errlen);
}

int
people_import(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_DB, stats, err, errlen);
}

int
people_reload_if_changed(struct store *st, const char *path,
    struct people_watch *w, long long now, char *err, size_t errlen)
{
	struct people_list l = { NULL, 0 };
	struct people_sync_stats stats;
	struct stat sb;
	long long mtime = -1, size = -1;
	char e2[256];
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
	if (people_read(path, &l, err, errlen) != 0)
		goto seen;
	if (store_begin(st, err, errlen) != 0)
		goto out;
	if (people_sync(st, &l, now, &stats, err, errlen) != 0 ||
	    store_commit(st, err, errlen) != 0) {
		store_rollback(st, e2, sizeof(e2));
		goto out;
	}
	if (mtime == -1)
		log_info("people: %s: no such file, nobody from it; %zu "
		    "roles removed", path, stats.roles_removed);
	else
		log_info("people: %s: %zu people, %zu added, %zu updated, "
		    "%zu roles removed", path, l.n, stats.added,
		    stats.updated, stats.roles_removed);
	rc = 1;
seen:
	/* Read (or found bad): not again until it changes. */
	w->mtime_ns = mtime;
	w->size = size;
	w->loaded = 1;
out:
	people_list_free(&l);
	return rc;
}
