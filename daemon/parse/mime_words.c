/*
 * mime_words.c — header text as a person wrote it: RFC 2047 encoded
 * words, raw 8-bit bytes, and the parameters of Content-Type and
 * Content-Disposition (RFC 2045, RFC 2231).
 *
 * libetpan 1.9.4's RFC 2047 decoder fails a whole header when one word is
 * in an unknown charset and cannot read raw 8-bit Latin-1; its parameter
 * parser stops at an unquoted space (Outlook's `name=Rapport annuel.pdf`)
 * and leaves RFC 2231 continuations apart.  So both are done here, word by
 * word and from the raw header value; see mime_private.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/codec.h"
#include "base/mem.h"
#include "parse/mime_private.h"

#define MIME_MAX_SECTIONS	64	/* RFC 2231 continuations */

/* Control characters (and DEL) become spaces; leading and trailing
 * whitespace goes.  In place; returns s. */
static char *
mime_clean_line(char *s)
{
	size_t n = 0, start = 0, len;

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	len = strlen(s);
	while (start < len && s[start] == ' ')
		start++;
	n = len;
	while (n > start && s[n - 1] == ' ')
		n--;
	memmove(s, s + start, n - start);
	s[n - start] = '\0';
	return s;
}

/* Parses an encoded word "=?charset?B|Q?text?=" at p[0..len); on success
 * fills charset (normalised), the decoded bytes and returns its length. */
static size_t
mime_encoded_word(const char *p, size_t len, char *cs, size_t cslen,
    char **bytes, size_t *nbytes)
{
	size_t i = 2, cs_start, cs_end, t_start;
	char enc;

	if (len < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	cs_start = i;
	while (i < len && p[i] != '?' && !mime_is_wsp((unsigned char)p[i]) &&
	    i - cs_start < 64)
		i++;
	if (i >= len || p[i] != '?' || i == cs_start)
		return 0;
	cs_end = i++;
	if (i + 1 >= len || p[i + 1] != '?')
		return 0;
	enc = (char)toupper((unsigned char)p[i]);
	if (enc != 'B' && enc != 'Q')
		return 0;
	i += 2;
	t_start = i;
	/* The text ends at "?=" and holds no other '?': a bad candidate
	 * fails at its first '?', which keeps a header of many "=?"
	 * linear.  B text has no spaces; Q text should not, but some
	 * mailers leave them (accepted, within one header line). */
	while (i + 1 < len && !(p[i] == '?' && p[i + 1] == '=')) {
		if (p[i] == '?' || i - t_start > 4096)
			return 0;
		if (enc == 'B' && mime_is_wsp((unsigned char)p[i]))
			return 0;
		i++;
	}
	if (i + 1 >= len)
		return 0;
	{
		char label[72];
		size_t l = cs_end - cs_start;

		memcpy(label, p + cs_start, l);
		label[l] = '\0';
		charset_normalize(label, cs, cslen);
	}
	if (enc == 'B')
		*bytes = codec_b64_decode(p + t_start, i - t_start, nbytes);
	else
		*bytes = codec_qp_decode(p + t_start, i - t_start, 1, nbytes);
	return i + 2;
}

/* Converts and appends pending bytes: encoded-word bytes in charset cs,
 * or raw header bytes (cs NULL: UTF-8, else windows-1252). */
static void
mime_flush(struct buf *out, struct buf *pend, const char *cs)
{
	char *u;

	if (pend->len == 0)
		return;
	u = charset_to_utf8(cs, pend->data, pend->len, NULL);
	buf_adds(out, u);
	free(u);
	buf_reset(pend);
}

char *
mime_decode_words(const char *in, size_t len)
{
	struct buf out, pend, raw;
	char pend_cs[64] = "", cs[64];
	size_t i = 0, ws_len = 0;
	int last_word = 0;
	char *res;

	buf_init(&out, 0);
	buf_init(&pend, 0);
	buf_init(&raw, 0);
	while (i < len) {
		char *bytes = NULL;
		size_t nbytes = 0, used;

		if (in[i] == '=' && i + 1 < len && in[i + 1] == '?' &&
		    (used = mime_encoded_word(in + i, len - i, cs, sizeof(cs),
		    &bytes, &nbytes)) > 0) {
			mime_flush(&out, &raw, NULL);
			if (!last_word && ws_len > 0)
				buf_addc(&out, ' ');
			if (strcmp(cs, pend_cs) != 0)
				mime_flush(&out, &pend, pend_cs);
			snprintf(pend_cs, sizeof(pend_cs), "%s", cs);
			buf_add(&pend, bytes, nbytes);
			free(bytes);
			ws_len = 0;
			last_word = 1;
			i += used;
			continue;
		}
		if (mime_is_wsp((unsigned char)in[i]) || in[i] == '\r' ||
		    in[i] == '\n') {
			ws_len++;
			i++;
			continue;
		}
		mime_flush(&out, &pend, pend_cs);
		if (ws_len > 0) {
			mime_flush(&out, &raw, NULL);
			buf_addc(&out, ' ');
			ws_len = 0;
		}
		last_word = 0;
		buf_addc(&raw, in[i] ? in[i] : ' ');
		i++;
	}
	mime_flush(&out, &pend, pend_cs);
	mime_flush(&out, &raw, NULL);
	buf_free(&pend);
	buf_free(&raw);
	res = buf_steal(&out);
	return mime_clean_line(res);
}

char *
mime_clean_raw(const char *s, size_t len)
{
	char *u = charset_to_utf8(NULL, s, len, NULL);

	return mime_clean_line(u);
}

/* ---- parameters ---------------------------------------------------- */

void
mime_params_free(struct mime_params *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

char *
mime_parse_params(const char *v, struct mime_params *ps)
{
	size_t i = 0, len = v ? strlen(v) : 0, start;
	char *first;

	memset(ps, 0, sizeof(*ps));
	while (i < len && isspace((unsigned char)v[i]))
		i++;
	start = i;
	while (i < len && v[i] != ';' && !isspace((unsigned char)v[i]))
		i++;
	first = xstrndup(v + start, i - start);
	for (char *p = first; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	while (i < len) {
		size_t ns, ne;
		struct buf val;

		while (i < len && (isspace((unsigned char)v[i]) || v[i] == ';'))
			i++;
		ns = i;
		while (i < len && v[i] != '=' && v[i] != ';')
			i++;
		if (i >= len || v[i] != '=')
			continue;	/* a stray word: skip it */
		ne = i;
		while (ne > ns && isspace((unsigned char)v[ne - 1]))
			ne--;
		i++;
		while (i < len && mime_is_wsp((unsigned char)v[i]))
			i++;
		buf_init(&val, 0);
		if (i < len && v[i] == '"') {
			i++;
			while (i < len && v[i] != '"') {
				/* Only \" and \\ are escapes: Netscape 4 and
				 * Outlook Express write "C:\TEMP\x.png". */
				if (v[i] == '\\' && i + 1 < len &&
				    (v[i + 1] == '"' || v[i + 1] == '\\'))
					i++;
				buf_addc(&val, v[i]);
				i++;
			}
			if (i < len)
				i++;
			while (i < len && v[i] != ';')
				i++;
		} else {
			size_t vs = i, ve;

			while (i < len && v[i] != ';')
				i++;
			ve = i;
			while (ve > vs && isspace((unsigned char)v[ve - 1]))
				ve--;
			buf_add(&val, v + vs, ve - vs);
		}
		if (ne == ns || ps->n >= 4 * MIME_MAX_SECTIONS) {
			buf_free(&val);
			continue;
		}
		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? ps->cap * 2 : 8;
			ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
		}
		ps->v[ps->n].name = xstrndup(v + ns, ne - ns);
		for (char *p = ps->v[ps->n].name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ps->v[ps->n].value = buf_steal(&val);
		ps->n++;
	}
	return first;
}

const char *
mime_params_raw(const struct mime_params *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return ps->v[i].value;
	return NULL;
}

/* Appends %XX-decoded bytes of s. */
static void
mime_percent_decode(struct buf *b, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		int hi, lo;

		if (s[i] == '%' && s[i + 1] && s[i + 2] &&
		    (hi = codec_hex_value((unsigned char)s[i + 1])) >= 0 &&
		    (lo = codec_hex_value((unsigned char)s[i + 2])) >= 0) {
			buf_addc(b, (char)(hi * 16 + lo));
			i += 2;
		} else
			buf_addc(b, s[i]);
	}
}

/* "charset'lang'rest": copies the charset into cs and returns rest; when
 * the quotes are missing returns s with cs "". */
static const char *
mime_2231_prefix(const char *s, char *cs, size_t cslen)
{
	const char *q1 = strchr(s, '\''), *q2;

	cs[0] = '\0';
	if (q1 == NULL || (q2 = strchr(q1 + 1, '\'')) == NULL)
		return s;
	{
		char label[72];
		size_t l = (size_t)(q1 - s) < sizeof(label) - 1 ?
		    (size_t)(q1 - s) : sizeof(label) - 1;

		memcpy(label, s, l);
		label[l] = '\0';
		charset_normalize(label, cs, cslen);
	}
	return q2 + 1;
}

char *
mime_param_get(const struct mime_params *ps, const char *name)
{
	char key[80], cs[64] = "";
	const char *v;
	struct buf bytes;
	char *u;
	int k;

	buf_init(&bytes, 0);
	for (k = 0; k < MIME_MAX_SECTIONS; k++) {
		snprintf(key, sizeof(key), "%s*%d*", name, k);
		if ((v = mime_params_raw(ps, key)) != NULL) {
			if (k == 0)
				v = mime_2231_prefix(v, cs, sizeof(cs));
			mime_percent_decode(&bytes, v);
			continue;
		}
		snprintf(key, sizeof(key), "%s*%d", name, k);
		if ((v = mime_params_raw(ps, key)) == NULL)
			break;
		buf_adds(&bytes, v);
	}
	if (k == 0) {
		snprintf(key, sizeof(key), "%s*", name);
		if ((v = mime_params_raw(ps, key)) != NULL) {
			v = mime_2231_prefix(v, cs, sizeof(cs));
			mime_percent_decode(&bytes, v);
			k = 1;
		}
	}
	if (k > 0) {
		u = charset_to_utf8(cs, bytes.data, bytes.len, NULL);
		buf_free(&bytes);
		return mime_clean_line(u);
	}
	buf_free(&bytes);
	if ((v = mime_params_raw(ps, name)) != NULL)
		return mime_decode_words(v, strlen(v));
	return NULL;
}
