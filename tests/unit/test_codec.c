/*
 * test_codec.c — base64 and quoted-printable, the one codec module: known
 * vectors (RFC 4648 §10), the tolerance a mail reader needs, and the
 * encoders' line rules that SMTP and mbox depend on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/buf.h"
#include "base/codec.h"

static void
dec_b64(const char *in, const char *want, const char *name)
{
	size_t n;
	char *out = codec_b64_decode(in, strlen(in), &n);

	is_str(out, want, name);
	is_int((int)n, (int)strlen(want), "  length");
	free(out);
}

static void
dec_qp(const char *in, int header, const char *want, const char *name)
{
	size_t n;
	char *out = codec_qp_decode(in, strlen(in), header, &n);

	is_str(out, want, name);
	free(out);
}

static void
test_b64(void)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct buf b;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		char name[64];

		buf_init(&b, 0);
		codec_b64_encode(&b, plain[i], strlen(plain[i]));
		snprintf(name, sizeof(name), "encode \"%s\"", plain[i]);
		is_str(buf_str(&b), enc[i], name);
		buf_free(&b);
		snprintf(name, sizeof(name), "decode \"%s\"", enc[i]);
		dec_b64(enc[i], plain[i], name);
	}
	dec_b64("Zm9v\r\nYmFy\r\n", "foobar", "line breaks skipped");
	dec_b64("Zm 9v*Ym!Fy", "foobar", "garbage skipped");
	dec_b64("Zg==Zm8=", "ffo", "concatenated blobs");
	dec_b64("Zm9vYmF", "fooba", "cut-off quantum gives what it holds");
}

static void
test_b64_lines(void)
{
	unsigned char data[200];
	struct buf b;
	const char *s, *nl;
	char *back;
	size_t n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	buf_init(&b, 0);
	codec_b64_encode_lines(&b, data, sizeof(data));
	s = buf_str(&b);
	nl = strstr(s, "\r\n");
	is_int((int)(nl - s), 76, "first line is 76 characters");
	is_int((int)(b.len % 78 == 0 ? 0 : 1), 1, "last line is shorter");
	ok(b.len > 2 && strcmp(s + b.len - 2, "\r\n") == 0, "ends with CRLF");
	back = codec_b64_decode(s, b.len, &n);
	ok(n == sizeof(data) && memcmp(back, data, n) == 0, "round trip");
	free(back);
	buf_free(&b);
}

static void
test_qp_decode(void)
{
	dec_qp("caf=C3=A9", 0, "café", "=XX");
	dec_qp("caf=c3=a9", 0, "café", "lower-case hex");
	dec_qp("long=\r\nline", 0, "longline", "soft break CRLF");
	dec_qp("long= \t\nline", 0, "longline", "soft break after blanks");
	dec_qp("a=zz b", 0, "a=zz b", "bad escape kept");
	dec_qp("end=", 0, "end", "= at the very end");
	dec_qp("a_b", 0, "a_b", "_ is itself in a body");
	dec_qp("a_b=5F", 1, "a b_", "_ is a space in a header word");
}

static void
qp_round(const char *text, const char *name)
{
	struct buf b;
	char *back;
	size_t n;

	buf_init(&b, 0);
	codec_qp_encode(&b, text);
	back = codec_qp_decode(buf_str(&b), b.len, 0, &n);
	/* The encoder ends the body with CRLF. */
	ok(n >= 2 && strncmp(back, text, strlen(text)) == 0 &&
	    strcmp(back + strlen(text), "\r\n") == 0, name);
	free(back);
	buf_free(&b);
}

static void
test_qp_encode(void)
{
	struct buf b;
	char longline[400];
	const char *s;
	int maxcol = 0, col = 0, split_utf8 = 0;

	buf_init(&b, 0);
	codec_qp_encode(&b, ".\r\nFrom me\r\nfin \r\ncafé = 1");
	is_str(buf_str(&b), "=2E\r\n=46rom me\r\nfin=20\r\ncaf=C3=A9 =3D 1\r\n",
	    "dot, From, trailing blank, UTF-8 and = encoded");
	buf_free(&b);

	/* A long line of "é": soft breaks every 76 columns at most, never
	 * inside the two bytes of one character. */
	for (size_t i = 0; i + 2 < sizeof(longline); i += 2)
		memcpy(longline + i, "é", 2);
	longline[sizeof(longline) - 2] = '\0';
	buf_init(&b, 0);
	codec_qp_encode(&b, longline);
	for (s = buf_str(&b); *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n') {
			if (col > maxcol)
				maxcol = col;
			if (col >= 4 && strncmp(s - 4, "=C3=", 4) == 0)
				split_utf8 = 1;
			col = 0;
			continue;
		}
		col++;
	}
	ok(maxcol <= 76 && maxcol >= 70, "lines of at most 76 columns");
	is_int(split_utf8, 0, "no break inside a UTF-8 sequence");
	buf_free(&b);
	qp_round(longline, "long line round trip");
	qp_round("Bonjour,\r\n\r\nÀ bientôt !\r\n-- \r\nCamille", "text round trip");
}

int
main(void)
{
	test_b64();
	test_b64_lines();
	test_qp_decode();
	test_qp_encode();
	return tap_done();
}
