/*
 * test_equiv.c — the fast versions give the very bytes of the
 * straightforward ones they replaced.
 *
 * The quoted-printable encoder and the body cleaner of composition (and
 * the two fused into one pass, codec_qp_encode_text), the base64 decoder
 * and the taming of nested comments before MIME parsing were rewritten
 * for speed (a storm of acknowledgements is mostly the
 * first two; the others read every byte of every mail or attachment).
 * buf_printf now formats straight into the buffer's room; it must still
 * give what formatting apart and appending gives, cap included.  The
 * old versions, one byte or one character at a time through buf_add, are
 * kept here as the reference; both run on tricky inputs (lines of 75 to 77
 * columns, blanks and '=' at the break, "." and "From " after a soft
 * break, 8-bit and broken UTF-8, CRLF, lone CR and LF) and on many
 * generated ones, and must agree byte for byte, also under a buf limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/buf.h"
#include "base/charset.h"
#include "base/codec.h"
#include "parse/mime_private.h"

static const char ref_hex[] = "0123456789ABCDEF";

/* The encoder as it was: one buf_add per character. */
static void
ref_qp_encode(struct buf *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, col = 0;

	while (i < n) {
		char tok[16];
		size_t tl = 0, cl;
		int eol;

		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			buf_add(out, "\r\n", 2);
			col = 0;
			i += 2;
			continue;
		}
		cl = s[i] < 0x80 ? 1 : charset_utf8_seq(text + i, n - i);
		if (cl == 0)
			cl = 1;
		eol = i + cl >= n || (s[i + cl] == '\r' && i + cl + 1 < n &&
		    s[i + cl + 1] == '\n');
		for (size_t j = i; j < i + cl; j++) {
			unsigned char c = s[j];
			int lit = (c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && !eol);

			if (col == 0 && tl == 0 && (c == '.' || (c == 'F' &&
			    n - j >= 5 && memcmp(s + j, "From ", 5) == 0)))
				lit = 0;
			if (lit)
				tok[tl++] = (char)c;
			else {
				tok[tl++] = '=';
				tok[tl++] = ref_hex[c >> 4];
				tok[tl++] = ref_hex[c & 15];
			}
		}
		if (col + tl > (eol ? 76u : 75u)) {
			buf_add(out, "=\r\n", 3);
			col = 0;
			continue;
		}
		buf_add(out, tok, tl);
		col += tl;
		i += cl;
	}
	if (col > 0)
		buf_add(out, "\r\n", 2);
}

/* The body cleaner as it was: one buf_add per character. */
static char *
ref_clean_text(const char *s)
{
	struct buf b;
	size_t len = strlen(s), i = 0;

	buf_init(&b, 0);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n;

		if (c == '\r' || c == '\n') {
			buf_add(&b, "\r\n", 2);
			i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ?
			    2 : 1;
			continue;
		}
		n = c < 0x80 ? 1 : charset_utf8_seq(s + i, len - i);
		if (n == 0) {
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		buf_add(&b, s + i, n);
		i += n;
	}
	return buf_steal(&b);
}

/* Pieces the generated inputs are made of: what the encoders treat apart. */
static const char *const pieces[] = {
	"a", "Z", "0", " ", "\t", "=", ".", "F", "From ", "Fro", "\r\n",
	"\r", "\n", "é", "€", "\xF0\x9F\x98\x80", "\xC3", "\xFF", "\x80",
	"\xE2\x82", "\xED\xA0\x80", "~", "!", "\x01", "\x7F",
	"abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz",
	"  \t ",
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static unsigned long rng_state = 12345;

static unsigned long
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
gen(struct buf *b, size_t npieces)
{
	buf_reset(b);
	for (size_t k = 0; k < npieces; k++)
		buf_adds(b, pieces[rng() % NPIECES]);
}

/* Compares both encoders on text; returns 1 when they agree, printing the
 * first input that differs. */
static int
same_qp(const char *text, size_t limit)
{
	struct buf a, r;
	int same;

	buf_init(&a, limit);
	buf_init(&r, limit);
	codec_qp_encode(&a, text);
	ref_qp_encode(&r, text);
	same = a.len == r.len && a.overflow == r.overflow &&
	    memcmp(buf_str(&a), buf_str(&r), a.len) == 0;
	if (!same)
		printf("#   differs on \"%s\" (limit %zu):\n#   got  \"%s\"\n"
		    "#   want \"%s\"\n", text, limit, buf_str(&a),
		    buf_str(&r));
	buf_free(&a);
	buf_free(&r);
	return same;
}

/* The fused encoder of composition against cleaning, then encoding with
 * the reference encoder. */
static int
same_qp_text(const char *text, size_t limit)
{
	struct buf a, r;
	char *clean = ref_clean_text(text);
	int same;

	buf_init(&a, limit);
	buf_init(&r, limit);
	codec_qp_encode_text(&a, text);
	ref_qp_encode(&r, clean);
	same = a.len == r.len && a.overflow == r.overflow &&
	    memcmp(buf_str(&a), buf_str(&r), a.len) == 0;
	if (!same)
		printf("#   qp text differs on \"%s\" (limit %zu):\n#   got  "
		    "\"%s\"\n#   want \"%s\"\n", text, limit, buf_str(&a),
		    buf_str(&r));
	free(clean);
	buf_free(&a);
	buf_free(&r);
	return same;
}

static int
same_clean(const char *text)
{
	char *a = charset_clean_text(text), *r = ref_clean_text(text);
	int same = strcmp(a, r) == 0;

	if (!same)
		printf("#   differs on \"%s\":\n#   got  \"%s\"\n#   want \"%s\"\n",
		    text, a, r);
	free(a);
	free(r);
	return same;
}

/* A line of `n` letters, then `tail`. */
static char *
line_of(size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 1);

	memset(s, 'x', n);
	strcpy(s + n, tail);
	return s;
}

static void
test_tricky(void)
{
	static const char *const tails[] = {
		"", " ", "\t", "=", ".", " \r\n", "=\r\nz", "é", "\xF0\x9F\x98\x80",
		"From here", ".dot", "\r\n.\r\nFrom x", "\r", "\n", "\xC3",
		"  \r\n", "a b", " é",
	};
	int all = 1, allc = 1, allt = 1;

	for (size_t n = 70; n <= 80; n++)
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			char *s = line_of(n, tails[t]);
			char *twice = malloc(2 * strlen(s) + 1);

			/* Twice, so that what follows a soft break is seen. */
			strcpy(twice, s);
			strcat(twice, s);
			all &= same_qp(s, 0) & same_qp(twice, 0);
			allc &= same_clean(s) & same_clean(twice);
			allt &= same_qp_text(s, 0) & same_qp_text(twice, 0);
			free(twice);
			free(s);
		}
	ok(all, "quoted-printable: lines of 70 to 80 columns, every tail");
	ok(allc, "clean text: lines of 70 to 80 columns, every tail");
	ok(allt, "quoted-printable of any text: lines of 70 to 80 columns, "
	    "every tail");
	ok(same_qp("", 0) && same_clean("") && same_qp_text("", 0),
	    "empty text");
	ok(same_qp(".\r\nFrom me\r\nfin \r\ncafé = 1", 0),
	    "dot, From, trailing blank, UTF-8 and =");
	ok(same_qp_text(".\nFrom me\rfin \ncafé = 1 \xff\n\xC3 \r\r\n", 0),
	    "any text: dot, From, blanks before LF and CR, broken UTF-8");
}

static void
test_generated(void)
{
	struct buf in;
	int qp = 0, qpl = 0, clean = 0, qpt = 0, qptl = 0;
	const int runs = 3000;

	buf_init(&in, 0);
	for (int k = 0; k < runs; k++) {
		/* Mostly short, some long enough to fill the encoder's chunk
		 * several times. */
		gen(&in, k % 10 == 0 ? 600 : rng() % 60);
		qp += same_qp(buf_str(&in), 0);
		qpl += same_qp(buf_str(&in), 1 + rng() % 300);
		clean += same_clean(buf_str(&in));
		qpt += same_qp_text(buf_str(&in), 0);
		qptl += same_qp_text(buf_str(&in), 1 + rng() % 300);
	}
	buf_free(&in);
	is_int(qp, runs, "quoted-printable: generated texts agree");
	is_int(qpl, runs, "quoted-printable: same bytes and overflow under a "
	    "limit");
	is_int(clean, runs, "clean text: generated texts agree");
	is_int(qpt, runs, "quoted-printable of any text: as cleaning, then "
	    "encoding");
	is_int(qptl, runs, "quoted-printable of any text: same bytes and "
	    "overflow under a limit");
}

/* The comment taming as it was: every byte looked at. */
static void
ref_tame_parens(char *s, size_t len, int per_line)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (per_line && s[i] == '\n' && (i + 1 >= len ||
		    !mime_is_wsp((unsigned char)s[i + 1])))
			depth = 0;
		else if (s[i] == '(') {
			if (++depth > 64)
				s[i] = '[';
		} else if (s[i] == ')' && depth > 0) {
			if (depth-- > 64)
				s[i] = ']';
		}
	}
}

static void
test_tame_parens(void)
{
	static const char *const bits[] = {
		"(", "(", "(", ")", ")", "\n", "\n ", "\n\t", "a", "))",
		"((((((((((((((((((((((((((((((((",
	};
	struct buf in;
	int same = 0;
	const int runs = 2000;

	buf_init(&in, 0);
	for (int k = 0; k < runs; k++) {
		char *a, *r;

		buf_reset(&in);
		for (size_t m = rng() % 200; m > 0; m--)
			buf_adds(&in, bits[rng() % (sizeof(bits) /
			    sizeof(bits[0]))]);
		a = strdup(buf_str(&in));
		r = strdup(buf_str(&in));
		mime_tame_parens(a, in.len, k % 2);
		ref_tame_parens(r, in.len, k % 2);
		if (strcmp(a, r) == 0)
			same++;
		else
			printf("#   differs on \"%s\" (per line %d):\n#   got  "
			    "\"%s\"\n#   want \"%s\"\n", buf_str(&in), k % 2, a,
			    r);
		free(a);
		free(r);
	}
	buf_free(&in);
	is_int(same, runs, "tame parens: generated headers agree");
}

/* The base64 decoder as it was: comparisons instead of a table. */
static int
ref_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static char *
ref_b64_decode(const char *in, size_t len, size_t *outlen)
{
	char *out = malloc(len / 4 * 3 + 4);
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
		if ((v = ref_b64_value(c)) < 0)
			continue;
		acc = ((acc << 6) | (unsigned long)v) & 0xFFFFFF;
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

static void
test_b64_decode(void)
{
	char in[600];
	int same = 0, bytes = 1;
	const int runs = 2000;

	/* Every byte value once, as data and as noise. */
	for (int c = 0; c < 256; c++) {
		char one = (char)c, *a, *r;
		size_t na, nr;

		a = codec_b64_decode(&one, 1, &na);
		r = ref_b64_decode(&one, 1, &nr);
		bytes &= na == nr && memcmp(a, r, na) == 0;
		free(a);
		free(r);
	}
	ok(bytes, "base64: every single byte read alike");
	for (int k = 0; k < runs; k++) {
		size_t n = rng() % sizeof(in), na, nr;
		char *a, *r;

		for (size_t i = 0; i < n; i++) {
			unsigned long x = rng();

			/* Mostly the alphabet, some line ends, '=' and any
			 * byte at all. */
			in[i] = x % 16 == 0 ? (char)(x >> 8) : x % 16 == 1 ?
			    '\n' : x % 16 == 2 ? '=' :
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789+/"[(x >> 8) % 64];
		}
		a = codec_b64_decode(in, n, &na);
		r = ref_b64_decode(in, n, &nr);
		if (na == nr && memcmp(a, r, na) == 0)
			same++;
		free(a);
		free(r);
	}
	is_int(same, runs, "base64: generated blobs decode alike");
}

static void
test_buf_printf(void)
{
	int same = 0;
	const int runs = 2000;

	for (int k = 0; k < runs; k++) {
		struct buf a, r;
		size_t limit = k % 3 == 0 ? 0 : rng() % 400;
		int steps = (int)(rng() % 40);

		buf_init(&a, limit);
		buf_init(&r, limit);
		for (int j = 0; j < steps; j++) {
			char word[100], tmp[200];
			size_t wl = rng() % sizeof(word);
			int n;

			memset(word, 'a' + (int)(rng() % 26), wl);
			word[wl] = '\0';
			if (rng() % 4 == 0)
				buf_adds(&a, word), buf_adds(&r, word);
			if (rng() % 5 == 0)	/* room only: same bytes */
				buf_reserve(&a, rng() % 500);
			buf_printf(&a, "%s:%d;", word, j);
			n = snprintf(tmp, sizeof(tmp), "%s:%d;", word, j);
			buf_add(&r, tmp, (size_t)n);
		}
		if (a.len == r.len && a.overflow == r.overflow &&
		    strcmp(buf_str(&a), buf_str(&r)) == 0 &&
		    strlen(buf_str(&a)) == a.len)
			same++;
		buf_free(&a);
		buf_free(&r);
	}
	is_int(same, runs, "buf_printf and buf_reserve: as formatting apart "
	    "and appending, under a cap too");
}

int
main(void)
{
	test_tricky();
	test_generated();
	test_tame_parens();
	test_b64_decode();
	test_buf_printf();
	return tap_done();
}
