/*
 * store_backup.h — an online copy of the database (SQLite's backup API),
 * for `reprocess` (a scratch database to replay mail into) and `backup`
 * (a copy taken while the daemon runs).
 */
#ifndef CDP_STORE_BACKUP_H
#define CDP_STORE_BACKUP_H

#include <stddef.h>

struct store;

/*
 * Copies the whole database of st into the file `path`, which must not
 * exist or be empty (a file made by mkstemp()); it is created mode 0600
 * (personal data).  The copy is consistent even while another process
 * writes: SQLite restarts it if the source changes.  0, or -1 with the
 * path and SQLite's message in err (a partial file is left for the
 * caller to remove).
 */
int store_backup_to(struct store *st, const char *path, char *err,
    size_t errlen);

/*
 * The same copy of the database file `src`, opened as it is: no schema
 * is created or migrated, so a database of any version (one about to be
 * upgraded) can be saved.  For `coupdepouce backup`.  0, or -1 with the
 * path at fault and SQLite's message in err (a partial file is left for
 * the caller to remove).
 */
int store_backup_file(const char *src, const char *path, char *err,
    size_t errlen);

#endif
