/*
 * charset.c — conversion of declared (or guessed) charsets to UTF-8.
 *
 * Three paths, chosen from the label (see charset.h):
 *  - "auto" for UTF-8, US-ASCII, unlabelled and unknown text: valid UTF-8 is
 *    kept, any other byte is read as windows-1252.  Deciding per byte rather
 *    than per part keeps a UTF-8 mail with one pasted windows-1252 quote
 *    readable, and reads a whole windows-1252 part mislabelled UTF-8 (what
 *    Outlook 2010 and some webmail composers send) correctly: a windows-1252
 *    accented letter is followed by ASCII, which never makes valid UTF-8;
 *  - windows-1252 from a table, for every Latin-1 label too (WHATWG reads
 *    "iso-8859-1" as windows-1252; Outlook labels its curly quotes Latin-1);
 *  - iconv (glibc) for the rest, with WHATWG's aliases for labels glibc does
 *    not know (ks_c_5601-1987, x-sjis...) and U+FFFD for invalid input.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/mem.h"

/* windows-1252 0x80..0x9F; the five undefined bytes map to the C1 controls,
 * as in the WHATWG index. */
static const unsigned short charset_cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178
};

enum charset_path {
	CHARSET_AUTO,
	CHARSET_CP1252,
	CHARSET_ICONV
};

struct charset_alias {
	const char	*label;
	const char	*name;		/* NULL: auto; "" : windows-1252 */
};

/* Labels seen in mail whose meaning is not glibc's name for them. */
static const struct charset_alias charset_aliases[] = {
	{ "utf-8", NULL }, { "utf8", NULL }, { "unicode-1-1-utf-8", NULL },
	{ "x-unicode20utf8", NULL },
	{ "us-ascii", NULL }, { "ascii", NULL }, { "us", NULL },
	{ "ansi-x3.4-1968", NULL }, { "iso646-us", NULL }, { "cp367", NULL },
	{ "ibm367", NULL }, { "csascii", NULL },
	{ "unknown-8bit", NULL }, { "x-unknown", NULL }, { "unknown", NULL },
	{ "default", NULL }, { "x-user-defined", NULL }, { "8bit", NULL },
	{ "7bit", NULL }, { "charset", NULL }, { "none", NULL },
	{ "iso-8859-1", "" }, { "latin1", "" }, { "latin-1", "" },
	{ "l1", "" }, { "iso-ir-100", "" }, { "cp819", "" }, { "ibm819", "" },
	{ "iso-8859-1:1987", "" }, { "csisolatin1", "" }, { "iso88591", "" },
	{ "windows-1252", "" }, { "cp1252", "" }, { "x-cp1252", "" },
	{ "cp-1252", "" }, { "win-1252", "" }, { "windows1252", "" },
	{ "ansi", "" },
	{ "ks-c-5601-1987", "CP949" }, { "ks-c-5601", "CP949" },
	{ "ksc5601", "CP949" }, { "euc-kr", "CP949" }, { "windows-949", "CP949" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
	{ "cp936", "GB18030" }, { "chinese", "GB18030" },
	{ "shift-jis", "CP932" }, { "sjis", "CP932" }, { "x-sjis", "CP932" },
	{ "ms-kanji", "CP932" }, { "windows-31j", "CP932" },
	{ "csshiftjis", "CP932" },
	{ "big5", "BIG5-HKSCS" }, { "x-x-big5", "BIG5-HKSCS" },
	{ "cn-big5", "BIG5-HKSCS" },
	{ "iso-8859-8-i", "ISO-8859-8" }, { "windows-874", "CP874" },
	{ "tis-620", "CP874" }, { "iso-8859-11", "CP874" },
	{ "unicode-1-1-utf-7", "UTF-7" }, { "x-mac-roman", "MACINTOSH" },
	{ "mac", "MACINTOSH" }, { "macintosh", "MACINTOSH" },
};

char *
charset_normalize(const char *label, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p = label ? label : "";

	if (outlen == 0)
		return out;
	while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
		p++;
	for (; *p && *p != '*' && *p != '"' && *p != '\'' && *p != ' ' &&
	    *p != '\t' && *p != ';' && n + 1 < outlen; p++) {
		char c = (char)tolower((unsigned char)*p);

		out[n++] = c == '_' ? '-' : c;
	}
	out[n] = '\0';
	/* "iso8859-1", "iso-8859_1" and friends all mean "iso-8859-1". */
	if (strncmp(out, "iso8859", 7) == 0 && n + 1 < outlen) {
		memmove(out + 4, out + 3, n - 3 + 1);
		out[3] = '-';
		n++;
	}
	if (strncmp(out, "iso-8859", 8) == 0 && out[8] != '\0' &&
	    out[8] != '-' && n + 1 < outlen) {
		memmove(out + 9, out + 8, n - 8 + 1);
		out[8] = '-';
	}
	return out;
}

size_t
charset_put_utf8(unsigned long cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t
charset_utf8_seq(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	size_t n, i;

	if (len == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		n = 2;
		cp = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		n = 3;
		cp = u[0] & 0x0F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		n = 4;
		cp = u[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (u[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

int
charset_utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = charset_utf8_seq(s + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

static unsigned long
charset_cp1252(unsigned char c)
{
	if (c >= 0x80 && c <= 0x9F)
		return charset_cp1252_high[c - 0x80];
	return c;
}

/* UTF-8 where valid, windows-1252 byte by byte elsewhere (or everywhere
 * when `utf8` is 0). */
static char *
charset_decode_simple(const char *in, size_t len, int utf8, size_t *outlen)
{
	char *out = xmalloc(len * 3 + 1);
	size_t i = 0, o = 0, n;

	while (i < len) {
		unsigned char c = (unsigned char)in[i];

		if (c < 0x80) {
			out[o++] = (char)c;
			i++;
		} else if (utf8 && (n = charset_utf8_seq(in + i, len - i)) > 0) {
			memcpy(out + o, in + i, n);
			o += n;
			i += n;
		} else {
			o += charset_put_utf8(charset_cp1252(c), out + o);
			i++;
		}
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

static char *
charset_iconv(iconv_t cd, const char *in, size_t len, size_t *outlen)
{
	size_t cap = len * 2 + 64, used = 0, inleft = len, outleft;
	char *out = xmalloc(cap), *inp = (char *)in, *outp;
	int flushing = 0;

	for (;;) {
		size_t r;

		outp = out + used;
		outleft = cap - used - 1;
		if (flushing)
			r = iconv(cd, NULL, NULL, &outp, &outleft);
		else
			r = iconv(cd, &inp, &inleft, &outp, &outleft);
		used = (size_t)(outp - out);
		if (r != (size_t)-1) {
			if (flushing)
				break;
			flushing = 1;
			continue;
		}
		if (errno == E2BIG) {
			cap *= 2;
			out = xrealloc(out, cap);
			continue;
		}
		/* EILSEQ: one bad byte; EINVAL: a sequence cut by the end. */
		if (cap - used < 8) {
			cap *= 2;
			out = xrealloc(out, cap);
		}
		used += charset_put_utf8(0xFFFD, out + used);
		if (errno != EILSEQ || inleft == 0 || flushing) {
			if (flushing)
				break;
			inleft = 0;
			flushing = 1;
			continue;
		}
		inp++;
		inleft--;
	}
	out[used] = '\0';
	if (outlen)
		*outlen = used;
	return out;
}

static enum charset_path
charset_lookup(const char *norm, const char **iconv_name)
{
	*iconv_name = norm;
	if (norm[0] == '\0')
		return CHARSET_AUTO;
	for (size_t i = 0; i < sizeof(charset_aliases) /
	    sizeof(charset_aliases[0]); i++) {
		if (strcmp(charset_aliases[i].label, norm) != 0)
			continue;
		if (charset_aliases[i].name == NULL)
			return CHARSET_AUTO;
		if (charset_aliases[i].name[0] == '\0')
			return CHARSET_CP1252;
		*iconv_name = charset_aliases[i].name;
		break;
	}
	return CHARSET_ICONV;
}

char *
charset_to_utf8(const char *charset, const char *in, size_t len,
    size_t *outlen)
{
	char norm[64];
	const char *name;
	iconv_t cd;
	char *out;

	if (in == NULL)
		len = 0;
	charset_normalize(charset, norm, sizeof(norm));
	switch (charset_lookup(norm, &name)) {
	case CHARSET_AUTO:
		return charset_decode_simple(in, len, 1, outlen);
	case CHARSET_CP1252:
		return charset_decode_simple(in, len, 0, outlen);
	case CHARSET_ICONV:
		break;
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return charset_decode_simple(in, len, 1, outlen);
	out = charset_iconv(cd, in, len, outlen);
	iconv_close(cd);
	return out;
}

/* Copies runs of bytes that stay as they are with one buf_add each: a
 * body is long, and most of it is such a run. */
char *
charset_clean_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t len = strlen(s), i = 0, run = 0;

	buf_init(&b, 0);
	while (i < len) {
		unsigned char c = u[i];
		size_t n;

		if (c < 0x80 && c != '\r' && c != '\n') {
			i++;
			continue;
		}
		if (c >= 0x80 && (n = charset_utf8_seq(s + i, len - i)) > 0) {
			i += n;
			continue;
		}
		if (i > run)
			buf_add(&b, s + run, i - run);
		if (c >= 0x80) {
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			buf_add(&b, "\r\n", 2);
			i += (c == '\r' && i + 1 < len && u[i + 1] == '\n') ?
			    2 : 1;
		}
		run = i;
	}
	if (i > run)
		buf_add(&b, s + run, i - run);
	return buf_steal(&b);
}

char *
charset_clean_line(const char *s)
{
	struct buf b;
	size_t len = s ? strlen(s) : 0, i = 0;
	int space = 0;

	buf_init(&b, 0);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : charset_utf8_seq(s + i, len - i);
		int blank = 0;

		if (n == 0) {
			if (space && b.len)
				buf_addc(&b, ' ');
			space = 0;
			buf_adds(&b, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		if (n == 1)
			blank = c <= ' ' || c == 0x7f;
		else if (n == 2 && c == 0xc2 && (unsigned char)s[i + 1] <= 0x9f)
			blank = 1;
		else if (n == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		    (unsigned char)s[i + 2] == 0xa9))
			blank = 1;
		if (blank)
			space = 1;
		else {
			if (space && b.len)
				buf_addc(&b, ' ');
			space = 0;
			buf_add(&b, s + i, n);
		}
		i += n;
	}
	return buf_steal(&b);
}

/* 1 if the UTF-8 sequence at s (n bytes) is a bidirectional or invisible
 * format character a subject must not carry. */
static int
charset_is_format(const unsigned char *s, size_t n)
{
	unsigned cp;

	if (n == 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 1;			/* U+FEFF */
	if (n != 3 || s[0] != 0xe2)
		return 0;
	cp = ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) |
	    (unsigned)(s[2] & 0x3f);
	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a &&
	    cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* 1 if the word w[0..n) looks like a link. */
static int
charset_is_link(const char *w, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(w + i, "://", 3) == 0)
			return 1;
	return n >= 4 && strncasecmp(w, "www.", 4) == 0;
}

char *
charset_subject_part(const char *s)
{
	char *line = charset_clean_line(s), *p = line;
	const char *end = line + strlen(line);
	struct buf plain, out;
	size_t chars = 0;

	/* Format characters out first, so that they cannot hide a link. */
	buf_init(&plain, 0);
	while (*p) {
		size_t n = (unsigned char)*p < 0x80 ? 1 :
		    charset_utf8_seq(p, (size_t)(end - p));

		if (n == 0)
			n = 1;
		if (!charset_is_format((const unsigned char *)p, n))
			buf_add(&plain, p, n);
		p += n;
	}
	free(line);
	buf_init(&out, 0);
	for (p = plain.data ? plain.data : ""; *p;) {
		size_t n = strcspn(p, " ");

		if (n > 0 && !charset_is_link(p, n)) {
			if (out.len > 0)
				buf_addc(&out, ' ');
			buf_add(&out, p, n);
		}
		p += n;
		p += strspn(p, " ");
	}
	buf_free(&plain);
	/* Cut at a character boundary. */
	for (size_t i = 0; i < out.len; chars++) {
		size_t n = (unsigned char)out.data[i] < 0x80 ? 1 :
		    charset_utf8_seq(out.data + i, out.len - i);

		if (chars == CHARSET_SUBJECT_PART_MAX) {
			out.len = i;
			while (out.len > 0 && out.data[out.len - 1] == ' ')
				out.len--;
			out.data[out.len] = '\0';
			buf_adds(&out, "\xE2\x80\xA6");	/* … */
			break;
		}
		i += n ? n : 1;
	}
	return buf_steal(&out);
}
