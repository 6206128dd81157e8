/*
 * test_mime_header_cap.c — one header's value is kept up to
 * MESSAGE_MAX_HEADER_LEN bytes (parse/mime_header.c, message.c): a 1 MiB
 * Subject line is cut to the cap and the message marked truncated; the
 * cut never splits a UTF-8 character nor leaves an RFC 2047 word without
 * its end; a value just at the cap is whole and not marked; a folded
 * value is capped over its continuation lines; raw 8-bit bytes that grow
 * when decoded are cut again after decoding; a part's header is capped
 * too; the headers after a huge one are still read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "parse/message.h"
#include "tap.h"

#define CAP	MESSAGE_MAX_HEADER_LEN

/* Parses "Subject: " + `pre` + `n` times `unit` (joined by `sep`) + the
 * rest. */
static struct message *
subject_pre(const char *pre, const char *unit, size_t n, const char *sep,
    const char *rest)
{
	struct message *m = NULL;
	struct buf b;
	char err[256];

	buf_init(&b, 0);
	buf_adds(&b, "Subject: ");
	buf_adds(&b, pre);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&b, sep);
		buf_adds(&b, unit);
	}
	buf_adds(&b, rest);
	if (message_parse(b.data, b.len, &m, err, sizeof(err)) != 0)
		printf("# parse: %s\n", err);
	buf_free(&b);
	return m;
}

static struct message *
subject_of(const char *unit, size_t n, const char *sep, const char *rest)
{
	return subject_pre("", unit, n, sep, rest);
}

/* 1 when s is only repeats of unit. */
static int
only(const char *s, const char *unit)
{
	size_t u = strlen(unit), n = strlen(s);

	if (n % u != 0)
		return 0;
	for (size_t i = 0; i < n; i += u)
		if (memcmp(s + i, unit, u) != 0)
			return 0;
	return 1;
}

static const char rest[] = "\r\nFrom: Anne <anne@example.org>\r\n"
    "Message-ID: <cap@example.org>\r\n\r\nBonjour\r\n";

static void
test_ascii(void)
{
	struct message *m;

	/* " aaa…": the value's first byte is the blank after the colon. */
	m = subject_of("a", 1024 * 1024, "", rest);
	if (!ok(m != NULL, "1 MiB subject: parses"))
		return;
	is_int(strlen(m->subject), CAP - 1, "1 MiB subject: cut at the cap");
	ok(only(m->subject, "a"), "1 MiB subject: what is kept is the start");
	is_int(strlen(message_header(m, "Subject")), CAP - 1,
	    "1 MiB subject: the raw header too");
	is_int(m->truncated, 1, "1 MiB subject: marked truncated");
	is_str(m->from.address, "anne@example.org",
	    "1 MiB subject: the next header is read");
	is_str(m->message_id, "cap@example.org",
	    "1 MiB subject: and the one after");
	is_str(m->text, "Bonjour\n", "1 MiB subject: the body");
	message_free(m);

	m = subject_of("a", CAP - 1, "", rest);
	if (ok(m != NULL, "a subject just at the cap: parses")) {
		is_int(strlen(m->subject), CAP - 1,
		    "a subject just at the cap: whole");
		is_int(m->truncated, 0, "a subject just at the cap: not marked");
	}
	message_free(m);
	m = subject_of("a", CAP, "", rest);
	if (ok(m != NULL, "one byte over the cap: parses")) {
		is_int(strlen(m->subject), CAP - 1,
		    "one byte over the cap: cut");
		is_int(m->truncated, 1, "one byte over the cap: marked");
	}
	message_free(m);

	/* Folded: 2 000 lines of 63 bytes, unfolded to 126 000. */
	m = subject_of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    2000, "\r\n ", rest);
	if (ok(m != NULL, "folded over the cap: parses")) {
		is_int(strlen(message_header(m, "Subject")), CAP - 1,
		    "folded over the cap: the raw value cut");
		is_int(m->truncated, 1, "folded over the cap: marked");
	}
	message_free(m);
}

static void
test_boundaries(void)
{
	struct message *m;

	/* " éé…": the cut at CAP falls after the first byte of an é. */
	m = subject_of("\xc3\xa9", CAP, "", rest);
	if (ok(m != NULL, "UTF-8 over the cap: parses")) {
		is_int(strlen(m->subject), CAP - 2,
		    "UTF-8 over the cap: cut before the split character");
		ok(only(m->subject, "\xc3\xa9"),
		    "UTF-8 over the cap: whole characters only");
	}
	message_free(m);

	/* " =?utf-8?q?=C3=A9t=C3=A9?= …" (26 bytes a word): 2 520 words
	 * end within the cap, the 2 521st is cut and dropped. */
	m = subject_of("=?utf-8?q?=C3=A9t=C3=A9?=", 4000, " ", rest);
	if (ok(m != NULL, "encoded words over the cap: parses")) {
		is_int(strlen(m->subject), 2520 * strlen("\xc3\xa9t\xc3\xa9"),
		    "encoded words over the cap: the whole words decoded");
		ok(only(m->subject, "\xc3\xa9t\xc3\xa9"),
		    "encoded words over the cap: no word left half");
		is_int(m->truncated, 1, "encoded words over the cap: marked");
	}
	message_free(m);

	/* 17 bytes before: the cut falls between the last word's closing
	 * '?' and its '='. */
	m = subject_pre("Prefixe du sujet ", "=?utf-8?q?=C3=A9t=C3=A9?=", 4000,
	    " ", rest);
	if (ok(m != NULL, "a word cut before its '=': parses")) {
		is_int(strlen(m->subject), strlen("Prefixe du sujet ") +
		    2519 * strlen("\xc3\xa9t\xc3\xa9"),
		    "a word cut before its '=': dropped");
		ok(only(m->subject + strlen("Prefixe du sujet "),
		    "\xc3\xa9t\xc3\xa9"),
		    "a word cut before its '=': no word left half");
	}
	message_free(m);

	/* Raw Latin-1 '\xe9' is one byte, two once decoded: 60 000 of them
	 * fit the raw cap and the subject is cut again after decoding. */
	m = subject_of("\xe9", 60000, "", rest);
	if (ok(m != NULL, "raw Latin-1: parses")) {
		is_int(strlen(m->subject), CAP,
		    "raw Latin-1: the decoded subject capped");
		ok(only(m->subject, "\xc3\xa9"),
		    "raw Latin-1: whole characters only");
		is_int(m->truncated, 1, "raw Latin-1: marked");
	}
	message_free(m);
}

static void
test_part(void)
{
	struct message *m = NULL;
	struct buf b;
	char err[256];

	/* A part with a 200 KB header: the part is still read whole and the
	 * message says a header was cut.  (A Content-* header over 64 KB is
	 * mime_tame.c's: renamed for libetpan, the part read as text.) */
	buf_init(&b, 0);
	buf_adds(&b, "From: a@example.org\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
	    "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Le texte\r\n--XX\r\nContent-Type: application/pdf; "
	    "name=\"rapport.pdf\"\r\nX-Note: ");
	for (int i = 0; i < 200 * 1024; i++)
		buf_addc(&b, 'n');
	buf_adds(&b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "JVBERi0=\r\n--XX--\r\n");
	if (ok(message_parse(b.data, b.len, &m, err, sizeof(err)) == 0,
	    "a part's huge header: parses")) {
		is_str(m->text, "Le texte", "a part's huge header: the text");
		is_int(m->nattachments, 1,
		    "a part's huge header: the attachment kept");
		if (m->nattachments == 1) {
			is_str(m->attachments[0].filename, "rapport.pdf",
			    "a part's huge header: its name");
			is_int(m->attachments[0].size, 5,
			    "a part's huge header: its bytes");
		}
		is_int(m->truncated, 1, "a part's huge header: marked");
	}
	message_free(m);
	buf_free(&b);
}

int
main(void)
{
	test_ascii();
	test_boundaries();
	test_part();
	return tap_done();
}
