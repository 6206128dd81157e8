/*
 * fileio.c — the capped whole-file reader (see fileio.h).
 *
 * The buffer is sized from fstat() so that the usual file is read with one
 * allocation and never copied; it grows only when the file grows while we
 * read it, and the old copy is wiped because the secret comes through here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/mem.h"

static char *
fileio_grow(char *data, size_t len, size_t newcap)
{
	char *n = xmalloc(newcap);

	memcpy(n, data, len);
	explicit_bzero(data, len);
	free(data);
	return n;
}

int
fileio_read(const char *path, size_t max, int flags, char **out,
    size_t *outlen, struct stat *st, char *err, size_t errlen)
{
	struct stat sb;
	char *data = NULL;
	size_t len = 0, cap, want;
	ssize_t r;
	int fd, rc = -1;

	*out = NULL;
	*outlen = 0;
	if (st == NULL)
		st = &sb;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && (flags & FILEIO_MISSING_OK))
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((flags & FILEIO_PRIVATE) && (st->st_mode & (S_IRWXG | S_IRWXO))) {
		snprintf(err, errlen, "%s is readable by others (mode %04o); "
		    "chmod 600 it", path, (unsigned)(st->st_mode & 07777));
		goto out;
	}
	/* One byte past the cap tells a file that is too large. */
	want = (flags & FILEIO_PREFIX) ? max : max + 1;
	cap = (size_t)st->st_size < want ? (size_t)st->st_size : want;
	cap += 1;
	data = xmalloc(cap);
	while (len < want) {
		if (len + 1 == cap)
			data = fileio_grow(data, len, cap = (cap * 2 < want + 1 ?
			    cap * 2 : want + 1));
		r = read(fd, data + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	data[len] = '\0';
	*out = data;
	*outlen = len;
	data = NULL;
	rc = 0;
out:
	if (data != NULL) {
		explicit_bzero(data, len);
		free(data);
	}
	close(fd);
	return rc;
}

int
fileio_write_private(const char *path, const void *p, size_t n, char *err,
    size_t errlen)
{
	char *tmp = xasprintf("%s.tmp", path);
	const char *at = p;
	int fd, rc = -1;

	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	while (n > 0) {
		ssize_t w = write(fd, at, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		at += w;
		n -= (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		(void)unlink(tmp);
	free(tmp);
	return rc;
}
