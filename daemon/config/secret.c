/*
 * secret.c — reading (or making) the Message-ID token key; see secret.h.
 *
 * The file is opened once and checked through its descriptor (fstat), so
 * the mode we check is the mode of the file we read.  A new key is written
 * with O_EXCL: two processes starting at once cannot each make their own
 * key; the loser reads the winner's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/hash.h"
#include "base/mem.h"
#include "config/secret.h"

void
secret_free(unsigned char *key, size_t keylen)
{
	if (key == NULL)
		return;
	explicit_bzero(key, keylen);
	free(key);
}

/* 1 if path is inside $CREDENTIALS_DIRECTORY (systemd's, read-only). */
static int
under_credentials(const char *path)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	size_t n;

	if (dir == NULL || *dir == '\0')
		return 0;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0');
}

/* fsync of the folder holding path, so a new file's name is durable;
 * best effort. */
static void
sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Creates path with new random bytes.  Returns 0 (key in *key), 1 if the
 * file appeared meanwhile (read it instead), -1 on error. */
static int
secret_create(const char *path, unsigned char **key, size_t *keylen,
    char *err, size_t errlen)
{
	unsigned char *k = xmalloc(SECRET_NEW_LEN);
	size_t done = 0;
	ssize_t w;
	int fd = -1, rc = -1;

	if (hash_random(k, SECRET_NEW_LEN) != 0) {
		snprintf(err, errlen, "%s: the random generator failed", path);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			rc = 1;
		else
			snprintf(err, errlen, "%s: cannot create: %s", path,
			    strerror(errno));
		goto out;
	}
	while (done < SECRET_NEW_LEN) {
		w = write(fd, k + done, SECRET_NEW_LEN - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: cannot write: %s", path,
			    w < 0 ? strerror(errno) : "short write");
			goto out;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	sync_parent(path);
	*key = k;
	*keylen = SECRET_NEW_LEN;
	k = NULL;
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		if (rc != 0)
			unlink(path);
	}
	secret_free(k, SECRET_NEW_LEN);
	return rc;
}

int
secret_load(const char *path, int create_if_missing, unsigned char **key,
    size_t *keylen, char *err, size_t errlen)
{
	char *k = NULL;
	size_t len = 0;
	int rc = -1;

	*key = NULL;
	*keylen = 0;
	if (access(path, F_OK) != 0 && errno == ENOENT && create_if_missing &&
	    !under_credentials(path)) {
		rc = secret_create(path, key, keylen, err, errlen);
		if (rc <= 0)
			return rc;
		rc = -1;
	}
	/* One byte more than a key may have tells a file that is too long;
	 * the message below says what a key must be. */
	if (fileio_read(path, SECRET_MAX_LEN + 1, FILEIO_PRIVATE |
	    FILEIO_PREFIX, &k, &len, NULL, err, errlen) != 0)
		goto out;
	if (len == 0) {
		snprintf(err, errlen, "%s is empty (create it with: head -c "
		    "32 /dev/urandom > %s; chmod 600 %s)", path, path, path);
		goto out;
	}
	if (len < SECRET_MIN_LEN || len > SECRET_MAX_LEN) {
		snprintf(err, errlen, "%s: a key must be %d to %d bytes long "
		    "(this one is %s%zu)", path, SECRET_MIN_LEN,
		    SECRET_MAX_LEN, len > SECRET_MAX_LEN ? "over " : "",
		    len > SECRET_MAX_LEN ? (size_t)SECRET_MAX_LEN : len);
		goto out;
	}
	*key = (unsigned char *)k;
	*keylen = len;
	k = NULL;
	rc = 0;
out:
	secret_free((unsigned char *)k, len);
	return rc;
}
