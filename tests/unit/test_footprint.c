/*
 * test_footprint.c — what the libraries cost in resident memory.
 *
 * libcurl's global start also starts libssh2, which without smtp.c's care
 * loads OpenSSL's configuration and every algorithm, for protocols the
 * daemon never speaks: the start then adds about 2 MiB of resident memory
 * instead of 0.5 MiB.  The bound lies between, far enough from both that
 * the machine's page cache does not make it flaky.  A sanitizer build
 * pads every allocation: the bounds are not checked there.
 *
 * libical, with ICU, is mapped only while a calendar object is built or
 * read (out/ical_lib.h): not after the start, and not after an
 * invitation was built or a reply read.  Loading it more times than a
 * process has thread-specific keys (1 024) must keep working and must not
 * grow the heap: libical's key and buffers are given back at each unload.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "out/ical.h"
#include "out/smtp.h"

/* ical_lib.c once more, under other names, set to load a library that
 * does not exist: its error when libical is missing. */
#define CDP_LIBICAL_SONAME "libcdp-absent.so.0"
#define ical_lib_open absent_lib_open
#define ical_lib_close absent_lib_close
#define ical_lib_soname absent_lib_soname
#include "out/ical_lib.c"

#define LOADS	1100	/* more than a process's 1 024 keys */

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

/* What of libical and ICU /proc/self/maps shows: "ical", "icu",
 * "ical+icu" or "none". */
static const char *
ical_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	int ical = 0, icu = 0;

	if (f == NULL)
		return "no /proc/self/maps";
	while (fgets(line, sizeof(line), f) != NULL) {
		ical |= strstr(line, "/libical.so") != NULL;
		icu |= strstr(line, "/libicu") != NULL;
	}
	fclose(f);
	return ical && icu ? "ical+icu" : ical ? "ical" : icu ? "icu" :
	    "none";
}

static const struct ical_person attendees[] = {
	{ "Camille Porteur", "holder@example.org", ICAL_AS_REQUIRED },
	{ "Rémi Référent", "referent@example.org", ICAL_AS_CHAIR },
};

static const struct ical_meeting meeting = {
	.uid = "cdp-meeting-1.f00d@example.org", .sequence = 0,
	.starts_at = 1774771200, .ends_at = 1774778400, .stamp = 1774000000,
	.summary = "[CDP-2026-0001] Jardin partagé", .location = "Ambert",
	.organizer = { "Coup de pouce", "coupdepouce@example.org",
	    ICAL_AS_REQUIRED },
	.attendees = attendees, .nattendees = 2,
};

static const char reply[] =
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
	"METHOD:REPLY\r\nBEGIN:VEVENT\r\n"
	"UID:cdp-meeting-1.f00d@example.org\r\nSEQUENCE:2\r\n"
	"DTSTAMP:20260320T091720Z\r\n"
	"ATTENDEE;PARTSTAT=ACCEPTED:mailto:holder@example.org\r\n"
	"END:VEVENT\r\nEND:VCALENDAR\r\n";

static void
test_curl(void)
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
}

static void
test_ical_unmapped(void)
{
	char err[512], *text = NULL, *uid = NULL, *att = NULL, *ps = NULL;
	int seq = -1;

	is_str(ical_mapped(), "none", "libical and ICU not mapped after the "
	    "start");
	is_int(ical_build(ICAL_DO_REQUEST, &meeting, &text, err, sizeof(err)),
	    0, "an invitation is built");
	ok(text != NULL && strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0,
	    "it is a calendar object");
	free(text);
	is_str(ical_mapped(), "none", "libical and ICU unmapped after the "
	    "invitation");
	is_int(ical_parse_reply(reply, &uid, &seq, &att, &ps, err,
	    sizeof(err)), 0, "a reply is read");
	is_str(ps, "ACCEPTED", "its answer");
	free(uid);
	free(att);
	free(ps);
	is_str(ical_mapped(), "none", "libical and ICU unmapped after the "
	    "reply");
}

/* LOADS invitations: each built, the keys and the heap given back. */
static void
test_ical_loads(void)
{
	char err[512], *text = NULL, *first = NULL;
	long before, after;
	int failed = 0, differ = 0;
	pthread_key_t key;

	before = rss_kib();
	for (int i = 0; i < LOADS; i++) {
		if (ical_build(ICAL_DO_REQUEST, &meeting, &text, err,
		    sizeof(err)) != 0) {
			if (failed++ == 0)
				printf("# load %d: %s\n", i, err);
			continue;
		}
		if (first == NULL)
			first = text;
		else {
			differ += strcmp(first, text) != 0;
			free(text);
		}
	}
	after = rss_kib();
	free(first);
	printf("# VmRSS %ld KiB before %d invitations, %ld KiB after: "
	    "%+ld KiB\n", before, LOADS, after, after - before);
	is_int(failed, 0, "every invitation built, past 1 024 loads");
	is_int(differ, 0, "each one the same text");
	ok(pthread_key_create(&key, NULL) == 0,
	    "the process still has thread-specific keys");
	pthread_key_delete(key);
	is_str(ical_mapped(), "none", "libical and ICU unmapped after them");
#ifdef __SANITIZE_ADDRESS__
	tap_skip("the heap bound", "AddressSanitizer build");
#else
	/* Without the frees each load leaves about 80 KiB (libical 64, ICU
	 * 16): 90 MiB here; with them about 300 KiB in all. */
	ok(before > 0 && after - before < 1024,
	    "the loads grow the process by less than 1 MiB");
#endif
}

static void
test_ical_absent(void)
{
	struct ical_lib lib;
	char err[512];

	is_int(absent_lib_open(&lib, err, sizeof(err)), -1,
	    "a missing libical is refused");
	is_str(err, "cannot load libcdp-absent.so.0: libcdp-absent.so.0: "
	    "cannot open shared object file: No such file or directory",
	    "the error names the library and says why");
	ok(lib.handle == NULL, "nothing stays open");
	absent_lib_close(&lib);
	is_str(absent_lib_soname(), "libcdp-absent.so.0", "the file name");
}

int
main(void)
{
	test_curl();
	test_ical_unmapped();
	test_ical_loads();
	test_ical_absent();
	return tap_done();
}
