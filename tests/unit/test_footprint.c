/*
 * test_footprint.c — what starting the libraries costs in resident
 * memory.  libcurl's global start also starts libssh2, which without
 * smtp.c's care loads OpenSSL's configuration and every algorithm, for
 * protocols the daemon never speaks: the start then adds about 2 MiB of
 * resident memory instead of 0.5 MiB.  The bound lies between, far enough
 * from both that the machine's page cache does not make it flaky.  A
 * sanitizer build pads every allocation: the bound is not checked there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "out/smtp.h"

/* VmRSS of this process in KiB, or -1. */
static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

int
main(void)
{
	long before, after;

	before = rss_kib();
	ok(smtp_global_init() == 0, "libcurl's global start succeeds");
	after = rss_kib();
	printf("# VmRSS %ld KiB before, %ld KiB after: +%ld KiB\n", before,
	    after, after - before);
#ifdef __SANITIZE_ADDRESS__
	tap_skip("the memory bound", "AddressSanitizer build");
#else
	ok(before > 0 && after - before < 1024,
	    "libcurl's start adds less than 1 MiB (no OpenSSL set up for "
	    "libssh2)");
#endif
	ok(smtp_global_init() == 0, "a second call is harmless");
	return tap_done();
}
