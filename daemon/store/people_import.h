/*
 * people_import.h — bringing the people file's entries (config/people_file.h)
 * into the persons tables (person_db.h).
 *
 * The database is the one truth about the pool; the people file is an
 * import format.  Two ways in, both adding and updating and never
 * removing: the people file itself ([paths] people, re-read by the daemon
 * and `person list` when its content changed), whose changes are events
 * by 'file'; and `person add` / `person import FILE.csv`, events by
 * 'admin'.  A person or a role the file does not list stays: the sync
 * logs what differs and how to act (`person import FILE --prune`,
 * `person edit`, `person deactivate`).  person_roles.source still says
 * where a role came from ('file' or 'db'); nothing removes a role
 * because of it.
 */
#ifndef CDP_PEOPLE_IMPORT_H
#define CDP_PEOPLE_IMPORT_H

#include <stddef.h>

#include "base/buf.h"

struct store;
struct people_list;

/* What a sync or import did.  people_sync_stats_free() frees `refused`. */
struct people_sync_stats {
	size_t		added;		/* persons created */
	size_t		updated;	/* persons whose data or roles changed */
	size_t		deactivated;	/* by an entry's active = 0 */
	size_t		refused;	/* deactivations refused: open cases */
	struct buf	refused_text;	/* "EMAIL (REF, REF); ..." of those */
};

void people_sync_stats_free(struct people_sync_stats *stats);

/*
 * Brings the file's entries in, inside the caller's transaction: each
 * entry's person is created ('person_added') or updated (name, themes,
 * communes, max_open_cases and a reactivation; 'person_updated' with
 * "fields": "name,themes"...; updated_at = now), the roles it lists are
 * given with source 'file' ('role_added' for a new one), and active = 0
 * deactivates through person_deactivate() (refused while referent of an
 * open case: counted in stats->refused).  Events are by PERSON_BY_FILE.
 * Nothing is removed: roles and persons the list does not give stay.
 * `l` is borrowed; `stats` may be NULL (else the caller frees it, also
 * on error).  0, or -1 with err (the caller rolls back).
 */
int people_sync(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen);

/*
 * The same for `person add`, `person edit` and `person import
 * FILE.csv`: events by PERSON_BY_ADMIN, roles given with source 'db'
 * (a role the file gave stays marked 'file').  0 or -1 with err.
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
 * the last call (mtime or size; always on the first call), reads it and,
 * when its bytes differ from those of the last sync (people_seen.h: a
 * restart or a `person list` does not apply the same file again), syncs
 * the lines that are new or changed since (people_sync; the others stay
 * as the database has them, changed since by `person edit` or mail) in
 * its own transaction (store_begin: call it outside any transaction).  Then logs a one-line
 * summary and, when the database has people or roles the file does not
 * give, a notice naming them and the commands that settle it.  Returns 1
 * when synced, 0 when unchanged, -1 with err when the file is bad or the
 * database failed; the database then stays as it was.  A bad file is
 * remembered in `w`, so it gives -1 once and then 0 until it changes
 * again (the caller logs each -1); a database error is not, so the next
 * call tries again.
 */
int people_reload_if_changed(struct store *st, const char *path,
    struct people_watch *w, long long now, char *err, size_t errlen);

#endif
