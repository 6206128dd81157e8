/*
 * store_backup.c — an online copy of the database; see store_backup.h.
 *
 * One sqlite3_backup_step(-1) copies every page while holding a read
 * transaction on the source, so the copy is one consistent snapshot
 * and the daemon's writers are only delayed by the busy timeout at
 * worst.  Under WAL a reader is rarely refused a lock (a log being
 * recovered, a checkpoint resetting it); the backup API does not call
 * the source's busy handler then, so the step is retried here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_backup.h"
#include "store/store_private.h"

#define BACKUP_RETRIES		100
#define BACKUP_RETRY_MS		100

static int
backup_db(sqlite3 *src, const char *srcpath, const char *path, char *err,
    size_t errlen)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	struct stat sb;
	int fd, rc = -1, tries = 0;

	/* Created here with mode 0600 so SQLite never makes it readable by
	 * others; an existing file is only accepted empty. */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (sb.st_size != 0) {
		snprintf(err, errlen, "%s: exists and is not empty (the copy "
		    "never overwrites a file)", path);
		return -1;
	}
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, dst ? sqlite3_errmsg(dst) :
		    "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (++tries > BACKUP_RETRIES)
			break;
		sqlite3_sleep(BACKUP_RETRY_MS);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: copy of %s: %s", path, srcpath,
		    sqlite3_errstr(rc));
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(dst);
	return rc;
}

int
store_backup_to(struct store *st, const char *path, char *err,
    size_t errlen)
{
	return backup_db(st->db, st->path, path, err, errlen);
}

int
store_backup_file(const char *src, const char *path, char *err,
    size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = -1;

	/* Read-write without create: a missing file is an error, and the
	 * WAL index (-shm) can be made when no daemon holds it open. */
	if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", src, db ? sqlite3_errmsg(db) :
		    "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, BACKUP_RETRIES * BACKUP_RETRY_MS);
	rc = backup_db(db, src, path, err, errlen);
out:
	sqlite3_close(db);
	return rc;
}
