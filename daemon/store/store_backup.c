/*
 * store_backup.c — an online copy of the database; see store_backup.h.
 *
 * One sqlite3_backup_step(-1) copies every page while holding a read
 * transaction on the source, so the copy is one consistent snapshot
 * and the daemon's writers are only delayed by the busy timeout at
 * worst.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_backup.h"
#include "store/store_private.h"

int
store_backup_to(struct store *st, const char *path, char *err,
    size_t errlen)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	struct stat sb;
	int fd, rc = -1;

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
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (b == NULL) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(dst));
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: copy of %s: %s", path, st->path,
		    sqlite3_errstr(rc));
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(dst);
	return rc;
}
