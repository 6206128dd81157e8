/*
 * codec.c — base64 and quoted-printable (see codec.h).
 *
 * The decoders come from the MIME reader, where they meet real mail: they
 * accumulate bits rather than whole quanta so that a blob cut anywhere
 * still gives what it holds, and they never refuse input.  The encoders
 * come from composition.
 */
#include <stdint.h>
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

/* What the encoder does with a byte, looked up once per byte. */
enum {
	QP_ENC = 0,	/* always =XX (controls, '=', 8-bit) */
	QP_LIT,		/* printable ASCII: itself */
	QP_BLANK,	/* space, tab: itself unless a line end follows */
	QP_CR,
	QP_LF
};

static const unsigned char qp_class[256] = {
	['\t'] = QP_BLANK, [' '] = QP_BLANK, ['\r'] = QP_CR, ['\n'] = QP_LF,
#define L4(c)	[c] = QP_LIT, [c + 1] = QP_LIT, [c + 2] = QP_LIT, [c + 3] = QP_LIT
	L4(33), L4(37), L4(41), L4(45), L4(49), L4(53), L4(57),
	/* '=' (61) is left out */
	[62] = QP_LIT, [63] = QP_LIT, [64] = QP_LIT,
	L4(65), L4(69), L4(73), L4(77), L4(81), L4(85), L4(89), L4(93),
	L4(97), L4(101), L4(105), L4(109), L4(113), L4(117), L4(121),
	[125] = QP_LIT, [126] = QP_LIT
#undef L4
};

/* 1 when each byte of w is printable ASCII or a space, but not '=' (exact
 * tests of "some byte < 32", "> 126", "== '='", eight bytes at once). */
static int
qp_word_plain(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t eq = w ^ (ones * '=');

	return (((w - ones * 32) & ~w) | (w + ones) | w |
	    ((eq - ones) & ~eq)) & high ? 0 : 1;
}

/*
 * One encoder for both entry points.  With `clean`, the text is read as
 * charset_clean_text() would give it (any line end is CRLF, a byte that
 * is not part of valid UTF-8 is U+FFFD) without making that copy: the
 * bodies of a storm's mails are read once instead of twice.  Without it,
 * only CRLF ends a line and every other byte is encoded as it is.
 *
 * One character (or line end) at a time, as RFC 2045 §6.7 asks, into a
 * chunk on the stack that goes to the buf when nearly full (a buf_add
 * per character cost more than the encoding itself); runs of printable
 * ASCII inside a line are copied by a tight loop.
 */
static void
qp_encode(struct buf *out, const char *text, int clean)
{
	static const unsigned char fffd[] = { 0xEF, 0xBF, 0xBD };
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, col = 0, o = 0;
	char chunk[4096];

	while (i < n) {
		const unsigned char *ch = s + i;
		unsigned char c = s[i], k = qp_class[c], nx;
		size_t tl = 0, cl = 1, used = 1;
		char *tok;
		int eol;

		if (o + QP_STEP_ROOM > sizeof(chunk)) {
			buf_add(out, chunk, o);
			o = 0;
		}
		/* Inside a line, far from its end: printable ASCII (and a
		 * blank no line end follows) is itself, no more to decide. */
		if (col > 0) {
			size_t left = col < QP_MAX_COLS - 1 ?
			    QP_MAX_COLS - 1 - col : 0, j = i;

			if (left > sizeof(chunk) - QP_STEP_ROOM - o)
				left = sizeof(chunk) - QP_STEP_ROOM - o;
			/* Eight bytes at a time while they are plain; a blank
			 * last may end the line: the byte loop decides. */
			for (; j + 8 <= i + left && j + 8 <= n; j += 8) {
				uint64_t w;

				memcpy(&w, s + j, 8);
				if (!qp_word_plain(w) || (s[j + 7] == ' ' &&
				    (s[j + 8] == '\r' || s[j + 8] == '\n' ||
				    s[j + 8] == '\0')))
					break;
				memcpy(chunk + o, s + j, 8);
				o += 8;
			}
			/* Stops at the NUL too: its class is QP_ENC. */
			for (; j < i + left; j++) {
				unsigned char b = s[j], kb = qp_class[b];

				if (kb != QP_LIT && (kb != QP_BLANK ||
				    s[j + 1] == '\r' || s[j + 1] == '\0' ||
				    (clean && s[j + 1] == '\n')))
					break;
				chunk[o++] = (char)b;
			}
			if (j > i) {
				col += j - i;
				i = j;
				continue;
			}
		}
		if (k == QP_CR && s[i + 1] == '\n') {
			chunk[o++] = '\r';
			chunk[o++] = '\n';
			col = 0;
			i += 2;
			continue;
		}
		if (clean && (k == QP_CR || k == QP_LF)) {
			chunk[o++] = '\r';
			chunk[o++] = '\n';
			col = 0;
			i++;
			continue;
		}
		if (c >= 0x80) {
			cl = charset_utf8_seq(text + i, n - i);
			if (cl == 0 && clean) {
				ch = fffd;
				cl = 3;
			} else if (cl == 0)
				cl = 1;
			else
				used = cl;
		}
		nx = s[i + used];
		eol = nx == '\0' || (nx == '\r' && s[i + used + 1] == '\n') ||
		    (clean && (nx == '\r' || nx == '\n'));
		tok = chunk + o;
		if (cl == 1 && (k == QP_LIT || (k == QP_BLANK && !eol)) &&
		    !(col == 0 && (c == '.' || (c == 'F' &&
		    strncmp((const char *)s + i, "From ", 5) == 0))))
			tok[tl++] = (char)c;
		else
			for (size_t j = 0; j < cl; j++) {
				tok[tl++] = '=';
				tok[tl++] = codec_hex[ch[j] >> 4];
				tok[tl++] = codec_hex[ch[j] & 15];
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
		i += used;
	}
	if (col > 0) {
		chunk[o++] = '\r';
		chunk[o++] = '\n';
	}
	if (o > 0)
		buf_add(out, chunk, o);
}

void
codec_qp_encode(struct buf *out, const char *text)
{
	qp_encode(out, text, 0);
}

void
codec_qp_encode_text(struct buf *out, const char *text)
{
	qp_encode(out, text, 1);
}
