/*
 * test_mbox.c — the mboxrd writer of the RGPD export: the separator line,
 * CRLF to LF, "From " quoting at any depth of '>' and only at the start
 * of a line, a mail without a final line break.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "base/buf.h"
#include "base/mbox.h"

static void
test_one(void)
{
	static const char raw[] = "From: Camille <c@example.org>\r\n"
	    "Subject: x\r\n\r\nFrom the start\r\n>From quoted\r\n"
	    ">>From deeper\r\n  From indented\r\nFromage\r\nend";
	struct buf b;

	buf_init(&b, 0);
	/* 2026-12-03 00:45:53 UTC */
	mbox_append(&b, "c@example.org", 1796258753LL, raw, sizeof(raw) - 1);
	is_str(buf_str(&b), "From c@example.org Thu Dec  3 00:45:53 2026\n"
	    "From: Camille <c@example.org>\nSubject: x\n\n>From the start\n"
	    ">>From quoted\n>>>From deeper\n  From indented\nFromage\nend\n\n",
	    "mboxrd: separator, LF, quoted From lines, final line break");
	buf_reset(&b);
	mbox_append(&b, "", 0, "a\n", 2);
	mbox_append(&b, NULL, 0, "", 0);
	is_str(buf_str(&b), "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\na\n\n"
	    "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n\n",
	    "no sender, empty mail");
	buf_free(&b);
}

int
main(void)
{
	test_one();
	return tap_done();
}
