/*
 * fileio.h — reading a whole small file the administrator gave us.
 *
 * The configuration, the password files, the secret, the people file and
 * the templates are all read whole, with a cap, from regular files only:
 * one reader so that they all refuse the same things the same way
 * ("PATH: larger than N bytes", "PATH: not a regular file", a file others
 * can read when it holds a password or a key).
 */
#ifndef CDP_FILEIO_H
#define CDP_FILEIO_H

#include <stddef.h>
#include <sys/stat.h>

/* Flags of fileio_read(). */
#define FILEIO_PRIVATE		0x1	/* refuse a file group or others may
					 * read, write or run (passwords, keys),
					 * before reading a byte of it */
#define FILEIO_MISSING_OK	0x2	/* a file that does not exist is not an
					 * error: 1 is returned, *out is NULL */
#define FILEIO_PREFIX		0x4	/* read at most `max` bytes and stop,
					 * no error when the file is larger (the
					 * caller tells why that is wrong) */

/*
 * Reads the regular file at `path`, at most `max` bytes, into *out
 * (NUL-terminated, owned by the caller; the bytes may contain NULs, *outlen
 * says how many).  `st`, when not NULL, receives the file's status.
 * Returns 0; 1 for a missing file with FILEIO_MISSING_OK; -1 with
 * "PATH: reason" in err.  A buffer that had to grow is wiped before it is
 * freed, so a key never lingers in freed memory.
 */
int fileio_read(const char *path, size_t max, int flags, char **out,
    size_t *outlen, struct stat *st, char *err, size_t errlen);

/*
 * Writes n bytes at p to `path`, replacing the file, readable by its owner
 * only (mode 0600, also when it existed before): what we write holds
 * personal data (the RGPD export).  The data goes to a temporary file
 * beside it first, renamed over `path` once complete, so a failure never
 * leaves half a file.  0, or -1 with "PATH: reason" in err.
 */
int fileio_write_private(const char *path, const void *p, size_t n,
    char *err, size_t errlen);

#endif
