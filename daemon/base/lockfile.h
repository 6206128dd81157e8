/*
 * lockfile.h — one mail-handling process per database.
 *
 * `run` and `poll` fetch, move and send: two of them on one database would
 * race for the same inbox (each would fetch what the other is moving) and
 * hold SQLite's write lock in turn for nothing.  They take an exclusive
 * flock(2) on a companion file, DATABASE.lock, for their whole life.  An
 * flock, not an SQLite lock: the other commands (status, backup, case
 * list, ...) never look at it and keep working beside the daemon, and the
 * kernel lets it go when the process dies, even by SIGKILL, so a crash
 * leaves no stale lock to clean up.  The file holds the holder's pid, for
 * the message only; it is never removed (removing it would let a third
 * process lock a new file while the first still holds the old one).
 */
#ifndef CDP_LOCKFILE_H
#define CDP_LOCKFILE_H

#include <stddef.h>

/*
 * Takes the lock of the database at db_path.  0: taken, *fd owned by the
 * caller (lockfile_release); 1: another process holds it, err names it
 * ("DB is in use by another run or poll (pid N, DB.lock)"); -1: the lock
 * file cannot be opened or locked, err says why.
 */
int lockfile_take(const char *db_path, int *fd, char *err, size_t errlen);

/* Lets the lock go (closes fd); -1 is a no-op. */
void lockfile_release(int fd);

#endif
