/*
 * test_charset_subject.c — what a stranger's name or subject may put in
 * the subject of a mail sent from the network's address: no link, no
 * bidirectional trick, no control character, a bounded length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/charset.h"

static void
part(const char *in, const char *want, const char *name)
{
	char *got = charset_subject_part(in);

	is_str(got, want, name);
	free(got);
}

int
main(void)
{
	char longname[200], want[200];

	part("Camille Dupré", "Camille Dupré", "a plain name is kept");
	part(NULL, "", "NULL gives an empty value");
	part("Camille https://evil.example/pay", "Camille",
	    "a word with :// is dropped");
	part("Gagnez www.EVIL.example maintenant", "Gagnez maintenant",
	    "a word starting with www. is dropped");
	part("Ca\xe2\x80\xaeille", "Caille", "U+202E (right-to-left override) "
	    "dropped");
	part("Ca\xe2\x81\xa6mi\xe2\x81\xa9lle\xef\xbb\xbf", "Camille",
	    "isolates and BOM dropped");
	part("www\xe2\x80\x8b.evil.example ok", "ok",
	    "a zero-width space cannot hide a link");
	part("Jean\r\nBcc: x@y", "Jean Bcc: x@y", "a line break is a space");
	part("holder@example.org", "holder@example.org", "an address is kept");

	memset(longname, 'a', 70);
	longname[70] = '\0';
	memset(want, 'a', CHARSET_SUBJECT_PART_MAX);
	strcpy(want + CHARSET_SUBJECT_PART_MAX, "\xe2\x80\xa6");
	part(longname, want, "70 characters cut at 60, with an ellipsis");
	for (int i = 0; i < 35; i++)
		memcpy(longname + 2 * i, "é", 2);
	longname[70] = '\0';
	want[0] = '\0';
	for (int i = 0; i < 35 && i < CHARSET_SUBJECT_PART_MAX; i++)
		strcat(want, "é");
	part(longname, want, "35 two-byte characters are under the cap");
	memset(longname, 'a', CHARSET_SUBJECT_PART_MAX);
	longname[CHARSET_SUBJECT_PART_MAX] = '\0';
	part(longname, longname, "exactly the cap: not cut");
	return tap_done();
}
