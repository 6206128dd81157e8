/*
 * casefold.c — the caseless fold of the literal prefilter; see casefold.h.
 *
 * The fold works in place on a copy of the text: no character folds to a
 * longer encoding, so one pass reads ahead of where it writes.  It
 * recognises only well-formed sequences, byte by byte otherwise: a broken
 * byte before a character PCRE2 can match never shifts how that
 * character is read, since PCRE2 (PCRE2_MATCH_INVALID_UTF) matches only
 * within valid UTF-8 and a valid character starts at a lead byte.
 */
#include <string.h>

#include "base/buf.h"
#include "parse/casefold.h"

int
casefold_known(unsigned cp)
{
	if (cp >= 0x20 && cp <= 0x7E)
		return 1;
	if (cp >= 0xC0 && cp <= 0xFF)
		return cp != 0xD7 && cp != 0xF7;	/* × and ÷ */
	return cp == 0x152 || cp == 0x153 || cp == 0x178 || cp == 0x2019;
}

size_t
casefold_inplace(char *s, size_t n)
{
	unsigned char *d = (unsigned char *)s;
	size_t r = 0, w = 0;

	while (r < n) {
		unsigned char b = d[r];

		if (b < 0x80) {
			d[w++] = (b >= 'A' && b <= 'Z') ? (unsigned char)(b |
			    0x20) : b;
			r++;
		} else if (b == 0xC3 && r + 1 < n && d[r + 1] >= 0x80 &&
		    d[r + 1] <= 0x9E && d[r + 1] != 0x97) {
			/* À..Þ but × → à..þ */
			d[w++] = 0xC3;
			d[w++] = (unsigned char)(d[r + 1] + 0x20);
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0x92) {
			d[w++] = 0xC5;			/* Œ → œ */
			d[w++] = 0x93;
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xB8) {
			d[w++] = 0xC3;			/* Ÿ → ÿ */
			d[w++] = 0xBF;
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xBF) {
			d[w++] = 's';			/* ſ LONG S */
			r += 2;
		} else if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 &&
		    d[r + 2] == 0xAA) {
			d[w++] = 'k';			/* KELVIN SIGN */
			r += 3;
		} else if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 &&
		    d[r + 2] == 0xAB) {
			d[w++] = 0xC3;			/* ANGSTROM SIGN → å */
			d[w++] = 0xA5;
			r += 3;
		} else if (b == 0xE1 && r + 2 < n && d[r + 1] == 0xBA &&
		    d[r + 2] == 0x9E) {
			d[w++] = 0xC3;			/* ẞ → ß */
			d[w++] = 0x9F;
			r += 3;
		} else
			d[w++] = d[r++];
	}
	return w;
}

void
casefold_text(const char *s, size_t len, struct buf *out)
{
	size_t start = out->len;

	buf_add(out, s, len);
	if (out->data == NULL || out->len != start + len)
		return;		/* a capped buffer: left as the cap made it */
	out->len = start + casefold_inplace(out->data + start, len);
	out->data[out->len] = '\0';
}
