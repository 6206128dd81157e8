/*
 * codec.c — base64 and quoted-printable (see codec.h).
 *
 * The decoders come from the MIME reader, where they meet real mail: they
 * accumulate bits rather than whole quanta so that a blob cut anywhere
 * still gives what it holds, and they never refuse input.  The encoders
 * come from composition.
 */
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/codec.h"
#include "base/mem.h"

#define QP_MAX_COLS	76	/* RFC 2045 §6.7 rule 5 */
#define B64_LINE	76	/* RFC 2045 §6.8 */

static const char codec_hex[] = "0123456789ABCDEF";
static const char codec_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
codec_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1 + the value of each base64 digit; 0 for a byte outside the alphabet.
 * A table rather than comparisons: attachments are most of the bytes the
 * reader decodes. */
static const unsigned char codec_b64_rev[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27,
	['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62,
	['+'] = 63, ['/'] = 64
};

char *
codec_b64_decode(const char *in, size_t len, size_t *outlen)
{
	char *out = xmalloc(len / 4 * 3 + 4);
	size_t o = 0;
	unsigned long acc = 0;
	int nbits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == '=') {
			acc = 0;
			nbits = 0;
			continue;
		}
		if ((v = codec_b64_rev[c]) == 0)
			continue;
		acc = ((acc << 6) | (unsigned long)(v - 1)) & 0xFFFFFF;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (char)((acc >> nbits) & 0xFF);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

char *
codec_qp_decode(const char *in, size_t len, int header, size_t *outlen)
{
	char *out = xmalloc(len + 1);
	size_t o = 0, i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		if (c == '=') {
			size_t j = i + 1;
			int hi, lo;

			if (j + 1 < len &&
			    (hi = codec_hex_value((unsigned char)in[j])) >= 0 &&
			    (lo = codec_hex_value((unsigned char)in[j + 1])) >=
			    0) {
				out[o++] = (char)(hi * 16 + lo);
				i += 3;
				continue;
			}
			while (j < len && (in[j] == ' ' || in[j] == '\t'))
				j++;
			if (j < len && in[j] == '\r')
				j++;
			if (j < len && in[j] == '\n') {
				i = j + 1;
				continue;
			}
			if (j >= len) {		/* "=" at the very end */
				i = len;
				continue;
			}
			out[o++] = '=';
			i++;
			continue;
		}
		out[o++] = header && c == '_' ? ' ' : (char)c;
		i++;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

void
codec_b64_encode(struct buf *out, const void *data, size_t n)
{
	const unsigned char *s = data;

	for (size_t j = 0; j < n; j += 3) {
		unsigned v = (unsigned)s[j] << 16;
		size_t left = n - j;
		char q[4];

		if (left > 1)
			v |= (unsigned)s[j + 1] << 8;
		if (left > 2)
			v |= s[j + 2];
		q[0] = codec_b64[v >> 18 & 63];
		q[1] = codec_b64[v >> 12 & 63];
		q[2] = left > 1 ? codec_b64[v >> 6 & 63] : '=';
		q[3] = left > 2 ? codec_b64[v & 63] : '=';
		buf_add(out, q, 4);
	}
}

void
codec_b64_encode_lines(struct buf *out, const void *data, size_t n)
{
	const unsigned char *s = data;
	const size_t chunk = B64_LINE / 4 * 3;

	for (size_t j = 0; j < n; j += chunk) {
		codec_b64_encode(out, s + j, n - j < chunk ? n - j : chunk);
		buf_add(out, "\r\n", 2);
	}
}

/* Room the encoder keeps free in its chunk for one step: a token of a
 * four-byte character (12) or a soft break, and a line end. */
#define QP_STEP_ROOM	16

/* Copies from s[*i] the characters the general rule would write as
 * themselves without a soft break (col stays below 75, no line start,
 * nothing that could end a line), up to `room` bytes of chunk; returns
 * how many.  The bounds are worked out once, so that the loop only looks
 * at each character. */
static size_t
qp_plain_run(const unsigned char *s, size_t n, size_t *i, size_t *col,
    char *chunk, size_t *o, size_t room)
{
	const unsigned char *p = s + *i;
	char *w = chunk + *o;
	size_t left, j;

	if (*col >= QP_MAX_COLS - 1 || *o >= room)
		return 0;
	left = QP_MAX_COLS - 1 - *col;
	if (left > n - 1 - *i)		/* the last character may end a line */
		left = n - 1 - *i;
	if (left > room - *o)
		left = room - *o;
	for (j = 0; j < left; j++) {
		unsigned char c = p[j];

		if ((c < 33 || c > 126 || c == '=') && ((c != ' ' &&
		    c != '\t') || p[j + 1] == '\r'))
			break;
		w[j] = (char)c;
	}
	*i += j;
	*col += j;
	*o += j;
	return j;
}

/*
 * One character (or CRLF) at a time, as RFC 2045 §6.7 asks, but written
 * into a chunk on the stack that goes to the buf when nearly full: the
 * acknowledgements of a storm are mostly this loop, and a buf_add per
 * character cost more than the encoding itself.
 */
void
codec_qp_encode(struct buf *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, col = 0, o = 0;
	char chunk[2048];

	while (i < n) {
		unsigned char c = s[i];
		size_t tl = 0, cl = 1;
		char *tok;
		int eol;

		if (o + QP_STEP_ROOM > sizeof(chunk)) {
			buf_add(out, chunk, o);
			o = 0;
		}
		/* Inside a line, far from its end: printable ASCII (and a blank
		 * that no line end follows) is itself, no more to decide. */
		if (col > 0 && qp_plain_run(s, n, &i, &col, chunk, &o,
		    sizeof(chunk) - QP_STEP_ROOM) > 0)
			continue;
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			chunk[o++] = '\r';
			chunk[o++] = '\n';
			col = 0;
			i += 2;
			continue;
		}
		if (c >= 0x80 && (cl = charset_utf8_seq(text + i, n - i)) == 0)
			cl = 1;
		eol = i + cl >= n || (s[i + cl] == '\r' && i + cl + 1 < n &&
		    s[i + cl + 1] == '\n');
		tok = chunk + o;
		for (size_t j = i; j < i + cl; j++) {
			int lit;

			c = s[j];
			lit = (c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && !eol);
			if (col == 0 && tl == 0 && (c == '.' || (c == 'F' &&
			    n - j >= 5 && memcmp(s + j, "From ", 5) == 0)))
				lit = 0;
			if (lit)
				tok[tl++] = (char)c;
			else {
				tok[tl++] = '=';
				tok[tl++] = codec_hex[c >> 4];
				tok[tl++] = codec_hex[c & 15];
			}
		}
		/* Room for the token, and for a soft break unless the line
		 * ends right after it. */
		if (col + tl > (eol ? QP_MAX_COLS : QP_MAX_COLS - 1)) {
			memcpy(tok, "=\r\n", 3);
			o += 3;
			col = 0;
			continue;	/* re-encode: a new line may start with
					 * a "." to protect */
		}
		o += tl;
		col += tl;
		i += cl;
	}
	if (col > 0) {
		chunk[o++] = '\r';
		chunk[o++] = '\n';
	}
	if (o > 0)
		buf_add(out, chunk, o);
}
