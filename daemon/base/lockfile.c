/* lockfile.c — one mail-handling process per database; see lockfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/lockfile.h"

/* The holder's pid as it wrote it, or "unknown" while it is writing. */
static void
lockfile_holder(int fd, char *pid, size_t len)
{
	ssize_t n = pread(fd, pid, len - 1, 0);
	char *end;
	long v;

	if (n <= 0) {
		snprintf(pid, len, "unknown");
		return;
	}
	pid[n] = '\0';
	v = strtol(pid, &end, 10);
	if (end == pid || v <= 0)
		snprintf(pid, len, "unknown");
	else
		snprintf(pid, len, "%ld", v);
}

int
lockfile_take(const char *db_path, int *fd, char *err, size_t errlen)
{
	char path[4096], pid[32];
	int lfd, rc = -1;

	*fd = -1;
	if ((size_t)snprintf(path, sizeof(path), "%s.lock", db_path) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s.lock: path too long", db_path);
		return -1;
	}
	lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lfd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			lockfile_holder(lfd, pid, sizeof(pid));
			snprintf(err, errlen, "%s is in use by another run or "
			    "poll (pid %s, %s)", db_path, pid, path);
			rc = 1;
		} else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(lfd, 0) != 0 ||
	    pwrite(lfd, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	*fd = lfd;
	lfd = -1;
	rc = 0;
out:
	if (lfd >= 0)
		close(lfd);
	return rc;
}

void
lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
