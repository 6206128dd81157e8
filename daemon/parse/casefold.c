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
#include <stdint.h>
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

/* The first high byte of a word is its lowest one only in little-endian
 * order; elsewhere every character goes by itself. */
#define CF_LITTLE_ENDIAN	(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define CF_HIGH	0x8080808080808080ULL
#define CF_LOW7	0x7F7F7F7F7F7F7F7FULL

/*
 * The ASCII fold of eight bytes at once: each byte under 0x80 in 'A'..'Z'
 * gets its 0x20 bit; bytes from 0x80 are left as they are.  Adding to
 * the low seven bits of a byte never carries into the next one.
 */
static inline uint64_t
casefold_ascii8(uint64_t v)
{
	uint64_t h = v & CF_LOW7;
	uint64_t ge_a = h + 0x3F3F3F3F3F3F3F3FULL;	/* byte >= 'A' */
	uint64_t gt_z = h + 0x2525252525252525ULL;	/* byte > 'Z' */

	return v | ((ge_a & ~gt_z & ~v & CF_HIGH) >> 2);
}

/* One character of s[r..n) folded to d[w..): the bytes read. */
static size_t
casefold_char(unsigned char *d, size_t r, size_t n, size_t *w)
{
	unsigned char b = d[r];

	if (b < 0x80) {
		d[(*w)++] = (b >= 'A' && b <= 'Z') ? (unsigned char)(b | 0x20) :
		    b;
		return 1;
	}
	if (b == 0xC3 && r + 1 < n && d[r + 1] >= 0x80 && d[r + 1] <= 0x9E &&
	    d[r + 1] != 0x97) {
		/* À..Þ but × → à..þ */
		d[(*w)++] = 0xC3;
		d[(*w)++] = (unsigned char)(d[r + 1] + 0x20);
		return 2;
	}
	if (b == 0xC5 && r + 1 < n && d[r + 1] == 0x92) {
		d[(*w)++] = 0xC5;			/* Œ → œ */
		d[(*w)++] = 0x93;
		return 2;
	}
	if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xB8) {
		d[(*w)++] = 0xC3;			/* Ÿ → ÿ */
		d[(*w)++] = 0xBF;
		return 2;
	}
	if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xBF) {
		d[(*w)++] = 's';			/* ſ LONG S */
		return 2;
	}
	if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 && d[r + 2] == 0xAA) {
		d[(*w)++] = 'k';			/* KELVIN SIGN */
		return 3;
	}
	if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 && d[r + 2] == 0xAB) {
		d[(*w)++] = 0xC3;			/* ANGSTROM SIGN → å */
		d[(*w)++] = 0xA5;
		return 3;
	}
	if (b == 0xE1 && r + 2 < n && d[r + 1] == 0xBA && d[r + 2] == 0x9E) {
		d[(*w)++] = 0xC3;			/* ẞ → ß */
		d[(*w)++] = 0x9F;
		return 3;
	}
	d[(*w)++] = b;
	return 1;
}

/*
 * Mail text is mostly ASCII: eight bytes are folded at once up to the
 * first byte from 0x80, which starts a character folded by itself.  The
 * eight bytes are read before any is written, and w never passes r, so
 * writing them back never overwrites a byte not yet read; where w is
 * behind r (a character folded shorter), only the bytes before the first
 * high one are written.
 */
size_t
casefold_inplace(char *s, size_t n)
{
	unsigned char *d = (unsigned char *)s;
	size_t r = 0, w = 0;

	while (r < n) {
		if (CF_LITTLE_ENDIAN && n - r >= 8) {
			uint64_t v, high;
			size_t k;

			memcpy(&v, d + r, 8);
			high = v & CF_HIGH;
			v = casefold_ascii8(v);
			k = high ? (size_t)__builtin_ctzll(high) / 8 : 8;
			if (k == 8 || w == r)
				memcpy(d + w, &v, 8);
			else
				memcpy(d + w, &v, k);
			r += k;
			w += k;
			if (k == 8)
				continue;
		}
		r += casefold_char(d, r, n, &w);
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
