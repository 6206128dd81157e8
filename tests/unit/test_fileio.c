/*
 * test_fileio.c — the one capped file reader used for the configuration,
 * password files, the secret, the people file and the templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"
#include "base/fileio.h"

static void
put(const char *name, const char *text, size_t n, mode_t mode)
{
	write_bytes(path_in(name), text, n);
	chmod(path_in(name), mode);
}

int
main(void)
{
	char err[512], want[600], *text;
	size_t len;
	int rc;

	const char *dir = scratch_make("fileio");

	put("ten", "0123456789", 10, 0644);
	put("nul", "a\0b", 3, 0600);
	put("key", "secret", 6, 0640);

	rc = fileio_read(path_in("ten"), 10, 0, &text, &len, NULL, err,
	    sizeof(err));
	ok(rc == 0 && len == 10 && strcmp(text, "0123456789") == 0,
	    "a file of exactly the cap is read whole, NUL-terminated");
	free(text);

	rc = fileio_read(path_in("ten"), 9, 0, &text, &len, NULL, err,
	    sizeof(err));
	snprintf(want, sizeof(want), "%s: larger than 9 bytes", path_in("ten"));
	ok(rc == -1 && text == NULL, "one byte over the cap is refused");
	is_str(err, want, "  with the path and the cap");

	rc = fileio_read(path_in("ten"), 4, FILEIO_PREFIX, &text, &len, NULL,
	    err, sizeof(err));
	ok(rc == 0 && len == 4 && strcmp(text, "0123") == 0,
	    "FILEIO_PREFIX reads the first bytes only");
	free(text);

	rc = fileio_read(path_in("nul"), 100, 0, &text, &len, NULL, err,
	    sizeof(err));
	ok(rc == 0 && len == 3 && memcmp(text, "a\0b", 3) == 0,
	    "NUL bytes are kept and counted");
	free(text);

	rc = fileio_read(path_in("none"), 100, 0, &text, &len, NULL, err,
	    sizeof(err));
	snprintf(want, sizeof(want), "%s: No such file or directory",
	    path_in("none"));
	ok(rc == -1, "a missing file is an error");
	is_str(err, want, "  saying so");
	rc = fileio_read(path_in("none"), 100, FILEIO_MISSING_OK, &text, &len,
	    NULL, err, sizeof(err));
	ok(rc == 1 && text == NULL && len == 0,
	    "FILEIO_MISSING_OK: 1 and no text");

	rc = fileio_read(dir, 100, 0, &text, &len, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	ok(rc == -1, "a folder is refused");
	is_str(err, want, "  as not a regular file");

	rc = fileio_read(path_in("key"), 100, FILEIO_PRIVATE, &text, &len,
	    NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "%s is readable by others (mode 0640); "
	    "chmod 600 it", path_in("key"));
	ok(rc == -1 && text == NULL, "FILEIO_PRIVATE refuses mode 0640");
	is_str(err, want, "  and says how to fix it");
	chmod(path_in("key"), 0600);
	rc = fileio_read(path_in("key"), 100, FILEIO_PRIVATE, &text, &len,
	    NULL, err, sizeof(err));
	ok(rc == 0 && strcmp(text, "secret") == 0, "  and reads mode 0600");
	free(text);

	scratch_remove();
	return tap_done();
}
