/*
 * fuzz.h — what the libFuzzer targets in fuzz/ share.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput for one parser of
 * outside input.  tests/unit/test_fuzz_regress.c includes the same files
 * with that name defined to fuzz_NAME_one, so the crashes kept under
 * tests/data/fuzz/NAME/ are replayed through exactly the code the fuzzer
 * ran, in the ordinary build and under the sanitizers of `make check`.
 * Static names in a target therefore carry the target's prefix.
 */
#ifndef CDP_FUZZ_H
#define CDP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

/* The shipped rules, read from the project root (where `make fuzz` and
 * the tests run); CDP_FUZZ_RULES overrides the folder. */
static const char *__attribute__((unused))
fuzz_rules_dir(void)
{
	const char *d = getenv("CDP_FUZZ_RULES");

	return d != NULL && d[0] != '\0' ? d : "config/rules";
}

/* A NUL-terminated copy of the input, for APIs that take C strings (a NUL
 * inside ends the text early, as it would for them). */
static char *__attribute__((unused))
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Writes data to path with mode 0600 (the config loader refuses a file
 * others can read); 0 or -1. */
static int __attribute__((unused))
fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc = -1;

	if (fd < 0)
		return -1;
	if (size == 0 || write(fd, data, size) == (ssize_t)size)
		rc = 0;
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* A private folder made once per process (under $TMPDIR), for the loaders
 * that read files; removed at exit.  NULL on failure. */
static char fuzz_dir_path[256];

static int
fuzz_dir_unlink(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
fuzz_dir_remove(void)
{
	if (fuzz_dir_path[0] != '\0')
		(void)nftw(fuzz_dir_path, fuzz_dir_unlink, 8,
		    FTW_DEPTH | FTW_PHYS);
}

static const char *__attribute__((unused))
fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir_path[0] != '\0')
		return fuzz_dir_path;
	snprintf(fuzz_dir_path, sizeof(fuzz_dir_path), "%s/cdp-fuzz-XXXXXX",
	    tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir_path) == NULL) {
		fuzz_dir_path[0] = '\0';
		return NULL;
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir_path;
}

#endif
