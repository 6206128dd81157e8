/*
 * people_import.h — bringing the people file's entries (config/people_file.h)
 * into the persons tables (person_db.h).
 *
 * Two ways in: the people file itself, whose roles are the file's
 * (person_roles.source = 'file') and are taken away when the file stops
 * giving them; and `person add` / `person import FILE.csv`, whose roles are
 * the database's and are never taken away by a re-read of the file.  The
 * daemon and `person list` re-read the file when it changed.
 */
#ifndef CDP_PEOPLE_IMPORT_H
#define CDP_PEOPLE_IMPORT_H

#include <stddef.h>

struct store;
struct people_list;

/* What a sync or import did. */
struct people_sync_stats {
	size_t	added;		/* persons created */
	size_t	updated;	/* persons whose data or roles changed */
	size_t	roles_removed;	/* file roles the file no longer gives */
};

/*
 * Makes the database say what the file says, inside the caller's
 * transaction: each entry's person is created or updated (name, themes,
 * communes, max_open_cases, active, updated_at = now), the roles it lists
 * are given with source 'file' (a 'db' role it lists becomes 'file'), and
 * every 'file' role the list no longer gives is removed — also from
 * persons no longer in the list, who keep their row and their 'db' roles.
 * `l` is borrowed; `stats` may be NULL.  0, or -1 with err (the caller
 * rolls back).
 */
int people_sync(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen);

/*
 * The same upsert for `person add` and `person import FILE.csv`: roles are
 * given with source 'db' (a role the file already gives stays the file's)
 * and nothing is removed.  Inside the caller's transaction; `stats` may be
 * NULL.  0 or -1 with err.
 */
int people_import(struct store *st, const struct people_list *l,
    long long now, struct people_sync_stats *stats, char *err,
    size_t errlen);

/* What people_reload_if_changed() last saw of the file.  Zero it before
 * the first call. */
struct people_watch {
	long long	mtime_ns;	/* -1: missing; < -1: stat() failed */
	long long	size;
	int		loaded;		/* the file has been looked at */
};

/*
 * For the daemon's passes and `person list`: when the file changed since
 * the last call (mtime or size; always on the first call), reads it
 * (people_read) and syncs it in its own transaction (store_begin: call it
 * outside any transaction), then logs a one-line summary.  Returns 1 when
 * reloaded, 0 when unchanged, -1 with err when the file is bad or the
 * database failed; the previous data then stays.  A bad file is
 * remembered in `w`, so it gives -1 once and then 0 until it changes
 * again (the caller logs each -1); a database error is not, so the next
 * call tries again.
 */
int people_reload_if_changed(struct store *st, const char *path,
    struct people_watch *w, long long now, char *err, size_t errlen);

#endif
