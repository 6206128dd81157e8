/*
 * mime_part.c — one MIME part: what its headers declare, its body
 * decoded, its text made readable.
 *
 * A part's Content-* headers are read from its raw bytes (mime_words.c
 * reads the parameters), not from libetpan's structures, which lose
 * Outlook's unquoted file names and RFC 2231 continuations.  Bodies are
 * decoded by base/codec (libetpan 1.9.4's decoders emit NUL bytes for
 * "=ZZ" and garbage for a truncated base64 quantum) and by the uudecoder
 * here, which Netscape 4 and Outlook 2000 still call for.  Text comes out
 * UTF-8 with LF line ends, format=flowed undone.  See mime_private.h.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/codec.h"
#include "base/mem.h"
#include "parse/mime_private.h"

/* One uuencoded line ("M" + 60 characters for 45 bytes) into out. */
static size_t
mime_uu_line(const char *p, size_t l, char *out)
{
	size_t n, o = 0;

	if (l == 0)
		return 0;
	n = (size_t)((p[0] - ' ') & 0x3F);
	/* Trailing spaces (zeros) are often trimmed in transit; allow for
	 * 16 of them, no more. */
	if (n > (l + 15) / 4 * 3)
		n = (l + 15) / 4 * 3;
	for (size_t i = 1; o < n; i += 4) {
		unsigned char c[4];

		for (int k = 0; k < 4; k++)
			c[k] = i + (size_t)k < l ?
			    (unsigned char)((p[i + (size_t)k] - ' ') & 0x3F) : 0;
		out[o++] = (char)(c[0] << 2 | c[1] >> 4);
		if (o < n)
			out[o++] = (char)(c[1] << 4 | c[2] >> 2);
		if (o < n)
			out[o++] = (char)(c[2] << 6 | c[3]);
	}
	return o;
}

int
mime_uu_begin(const char *p, size_t l, const char **name, size_t *nlen)
{
	size_t i = 6, d = 0;

	if (l < 9 || strncmp(p, "begin ", 6) != 0)
		return 0;
	while (i < l && p[i] >= '0' && p[i] <= '7') {
		i++;
		d++;
	}
	if (d < 3 || d > 4 || i >= l || p[i] != ' ')
		return 0;
	*name = p + i + 1;
	*nlen = l - i - 1;
	return 1;
}

/* For Content-Transfer-Encoding: x-uuencode (Netscape 4) and the
 * attachments Outlook 2000 inlined in text bodies. */
char *
mime_decode_uu(const char *p, size_t len, size_t *outlen, size_t *used,
    int *ended)
{
	size_t cap = len + 64, o = 0, i = 0;
	char *out = xmalloc(cap);
	int begun = 0;

	if (ended)
		*ended = 0;
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len, l = e - i;
		const char *line = p + i, *name;
		size_t nlen;

		if (l > 0 && p[e - 1] == '\r')
			l--;
		i = nl ? e + 1 : len;
		if (l == 0)
			continue;
		if (!begun && mime_uu_begin(line, l, &name, &nlen)) {
			begun = 1;
			continue;
		}
		begun = 1;
		if (l == 3 && strncmp(line, "end", 3) == 0) {
			if (ended)
				*ended = 1;
			break;
		}
		if (l > 0 && l <= 62) {
			if (o + 64 > cap) {
				if (cap > 2 * len + 128)
					break;	/* not uuencode */
				cap *= 2;
				out = xrealloc(out, cap);
			}
			o += mime_uu_line(line, l, out + o);
		}
	}
	out[o] = '\0';
	*outlen = o;
	if (used)
		*used = i;
	return out;
}

char *
mime_decode_body(enum mime_enc enc, const char *in, size_t len,
    size_t *outlen)
{
	char *out;

	switch (enc) {
	case MIME_ENC_BASE64:
		return codec_b64_decode(in, len, outlen);
	case MIME_ENC_QP:
		return codec_qp_decode(in, len, 0, outlen);
	case MIME_ENC_UU:
		return mime_decode_uu(in, len, outlen, NULL, NULL);
	case MIME_ENC_IDENTITY:
		break;
	}
	out = xmalloc(len + 1);
	if (len)
		memcpy(out, in, len);
	out[len] = '\0';
	*outlen = len;
	return out;
}

void
mime_info_free(struct mime_info *pi)
{
	free(pi->charset);
	free(pi->filename);
	free(pi->content_id);
	free(pi->start);
	memset(pi, 0, sizeof(*pi));
}

static char *
mime_strip_angles(const char *v)
{
	const char *s = v, *e;

	while (*s == ' ' || *s == '\t' || *s == '<')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '>'))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

void
mime_info_from(struct mime_info *pi, const char *ctype, const char *cte,
    const char *cdisp, const char *cid)
{
	struct mime_params ps;
	char *first, *fn;

	memset(pi, 0, sizeof(*pi));
	if (ctype) {
		first = mime_parse_params(ctype, &ps);
		if (strchr(first, '/') != NULL && first[0] != '/')
			snprintf(pi->type, sizeof(pi->type), "%s", first);
		else if (strcmp(first, "text") == 0)
			snprintf(pi->type, sizeof(pi->type), "text/plain");
		free(first);
		if (mime_params_raw(&ps, "charset"))
			pi->charset = xstrdup(mime_params_raw(&ps, "charset"));
		pi->filename = mime_param_get(&ps, "name");
		if (mime_params_raw(&ps, "start"))
			pi->start = mime_strip_angles(
			    mime_params_raw(&ps, "start"));
		if (mime_params_raw(&ps, "format") &&
		    strcasecmp(mime_params_raw(&ps, "format"), "flowed") == 0)
			pi->flowed = 1;
		if (mime_params_raw(&ps, "delsp") &&
		    strcasecmp(mime_params_raw(&ps, "delsp"), "yes") == 0)
			pi->delsp = 1;
		mime_params_free(&ps);
	}
	if (cdisp) {
		first = mime_parse_params(cdisp, &ps);
		if (strcmp(first, "attachment") == 0)
			pi->disposition = MIME_DISP_ATTACHMENT;
		else if (strcmp(first, "inline") == 0)
			pi->disposition = MIME_DISP_INLINE;
		free(first);
		fn = mime_param_get(&ps, "filename");
		if (fn != NULL && fn[0] != '\0') {
			free(pi->filename);
			pi->filename = fn;
		} else
			free(fn);
		mime_params_free(&ps);
	}
	/* "C:\TEMP\nsmail.png" (Netscape 4): the name is after the last
	 * backslash. */
	if (pi->filename != NULL && strrchr(pi->filename, '\\') != NULL) {
		char *base = xstrdup(strrchr(pi->filename, '\\') + 1);

		free(pi->filename);
		pi->filename = base;
	}
	if (pi->filename != NULL && pi->filename[0] == '\0') {
		free(pi->filename);
		pi->filename = NULL;
	}
	if (cte) {
		char tok[32];
		size_t n = 0;

		while (*cte && isspace((unsigned char)*cte))
			cte++;
		while (cte[n] && n + 1 < sizeof(tok) &&
		    !isspace((unsigned char)cte[n]) && cte[n] != ';') {
			tok[n] = (char)tolower((unsigned char)cte[n]);
			n++;
		}
		tok[n] = '\0';
		if (strcmp(tok, "base64") == 0)
			pi->encoding = MIME_ENC_BASE64;
		else if (strcmp(tok, "quoted-printable") == 0)
			pi->encoding = MIME_ENC_QP;
		else if (strcmp(tok, "x-uuencode") == 0 ||
		    strcmp(tok, "uuencode") == 0 || strcmp(tok, "x-uue") == 0)
			pi->encoding = MIME_ENC_UU;
	}
	if (cid)
		pi->content_id = mime_strip_angles(cid);
}

#define MIME_ONES	0x0101010101010101ULL
#define MIME_HIGHS	0x8080808080808080ULL
/* Nonzero when a byte of v is zero (exact: no false alarm). */
#define MIME_HAS_ZERO(v)	(((v) - MIME_ONES) & ~(v) & MIME_HIGHS)

/* Bytes of s[0..n) before the first CR or NUL, eight at a time: text
 * has a line end every few dozen bytes and hardly ever a NUL. */
static size_t
mime_plain_run(const char *s, size_t n)
{
	size_t i = 0;

	for (; n - i >= 8; i += 8) {
		uint64_t v;

		memcpy(&v, s + i, 8);
		if (MIME_HAS_ZERO(v) || MIME_HAS_ZERO(v ^ (MIME_ONES * '\r')))
			break;
	}
	while (i < n && s[i] != '\r' && s[i] != '\0')
		i++;
	return i;
}

char *
mime_normalize_text(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0, i = 0, run;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		run = mime_plain_run(s + i, len - i);
		memcpy(out + o, s + i, run);
		o += run;
		i += run;
		if (i == len)
			break;
		if (s[i] == '\r') {
			out[o++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		}
		i++;	/* the CR, or a NUL dropped */
	}
	out[o] = '\0';
	return out;
}

/*
 * format=flowed (RFC 3676): a line ending in a space continues on the next
 * line of the same quote depth; space-stuffing is undone; with DelSp=yes
 * the trailing space is deleted.  "-- " (signature separator) never flows.
 * Quoted paragraphs come out as ">> text" (the depth, then one space).
 */
static char *
mime_unflow(const char *s, int delsp)
{
	struct buf out;
	int open = 0;
	size_t open_depth = 0;

	buf_init(&out, 0);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s), depth = 0, k;
		const char *c;
		int flowed, sig;

		while (depth < l && s[depth] == '>')
			depth++;
		c = s + depth;
		k = l - depth;
		if (k > 0 && c[0] == ' ') {
			c++;
			k--;
		}
		sig = k == 3 && memcmp(c, "-- ", 3) == 0;
		flowed = !sig && k > 0 && c[k - 1] == ' ';
		if (flowed && delsp)
			k--;
		if (open && depth != open_depth) {
			buf_addc(&out, '\n');
			open = 0;
		}
		if (!open) {
			for (size_t m = 0; m < depth; m++)
				buf_addc(&out, '>');
			if (depth > 0 && k > 0)
				buf_addc(&out, ' ');
			open_depth = depth;
		}
		buf_add(&out, c, k);
		if (flowed && nl != NULL)
			open = 1;
		else {
			buf_addc(&out, '\n');
			open = 0;
		}
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return buf_steal(&out);
}

char *
mime_part_text(const struct mime_info *pi, const char *bytes, size_t n)
{
	char *u, *t, *f;
	size_t ulen;

	u = charset_to_utf8(pi->charset, bytes, n, &ulen);
	t = mime_normalize_text(u, ulen);
	free(u);
	if (!pi->flowed)
		return t;
	f = mime_unflow(t, pi->delsp);
	free(t);
	return f;
}
