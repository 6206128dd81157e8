/*
 * mbox.c — mails as an mboxrd file; see mbox.h.
 *
 * Lines are handled one at a time so that quoting only ever looks at the
 * start of a line; a mail without a final line break still ends with one,
 * since the separator of the next mail must start a line.
 */
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mbox.h"

/* 1 if the line (without its end) is ">*From ": mboxrd quotes it. */
static int
mbox_needs_quote(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && line[i] == '>')
		i++;
	return n - i >= 5 && memcmp(line + i, "From ", 5) == 0;
}

void
mbox_append(struct buf *out, const char *sender, long long when,
    const char *raw, size_t len)
{
	char date[32];
	time_t t = (time_t)when;
	struct tm tm;
	size_t pos = 0;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	buf_printf(out, "From %s %s\n", sender && *sender ? sender :
	    "MAILER-DAEMON", date);
	while (pos < len) {
		const char *line = raw + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += nl ? n + 1 : n;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (mbox_needs_quote(line, n))
			buf_addc(out, '>');
		buf_add(out, line, n);
		buf_addc(out, '\n');
	}
	buf_addc(out, '\n');
}
