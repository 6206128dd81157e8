/*
 * compose_mime.c — the body of an outgoing mail: its MIME parts, for
 * compose.c (see compose.h).
 * Every body is encoded (quoted-printable text, base64 files), file names
 * and types are cleaned, and a boundary is checked against the content.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/codec.h"
#include "base/hash.h"
#include "base/mem.h"
#include "out/compose.h"

#define FILENAME_MAX_BYTES	200

static const char hex[] = "0123456789ABCDEF";

int
compose_mime_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

struct part {
	struct buf	 head;		/* Content-* header lines, CRLF */
	struct buf	 body;		/* encoded body, CRLF */
};

static void
part_init(struct part *p)
{
	buf_init(&p->head, 0);
	buf_init(&p->body, 0);
}

static void
part_free(struct part *p)
{
	buf_free(&p->head);
	buf_free(&p->body);
}

/* The header lines of a text part. */
void
compose_mime_text_head(struct buf *head, const char *subtype)
{
	buf_adds(head, "Content-Type: text/");
	buf_adds(head, subtype);
	buf_adds(head, "; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n");
}

/* A text part; the body is cleaned (charset_clean_text()) as it is
 * encoded. */
static void
part_text(struct part *p, const char *subtype, const char *text)
{
	part_init(p);
	compose_mime_text_head(&p->head, subtype);
	codec_qp_encode_text(&p->body, text);
}

/* A MIME token (RFC 2045): printable ASCII but tspecials and blanks. */
static int
mime_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || strchr("()<>@,;:\\\"/[]?=",
		    s[i]))
			return 0;
	return 1;
}

/* "type/subtype" in lower case if valid, else application/octet-stream. */
static char *
clean_content_type(const char *ct)
{
	const char *slash = ct ? strchr(ct, '/') : NULL;
	char *r;

	if (slash == NULL || strlen(ct) > 100 ||
	    !mime_token(ct, (size_t)(slash - ct)) ||
	    !mime_token(slash + 1, strlen(slash + 1)))
		return xstrdup("application/octet-stream");
	r = xstrdup(ct);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* A file name: one line, no path separators, quotes or backslashes, at
 * most FILENAME_MAX_BYTES (cut between characters). */
static char *
clean_filename(const char *name)
{
	char *s = charset_clean_line(name);
	size_t n = strlen(s), cut = 0, i = 0;

	for (char *p = s; *p; p++)
		if (*p == '/' || *p == '\\' || *p == '"')
			*p = '_';
	while (i < n) {
		size_t cl = (unsigned char)s[i] < 0x80 ? 1 :
		    charset_utf8_seq(s + i, n - i);

		if (cl == 0)
			cl = 1;
		if (i + cl > FILENAME_MAX_BYTES)
			break;
		i += cl;
		cut = i;
	}
	s[cut] = '\0';
	return s;
}

/*
 * Appends ";" and the parameter `attr` for a file name to a header: a
 * quoted string when it is plain ASCII, else RFC 2231 (UTF-8,
 * percent-encoded, in continuations of at most 60 characters, each on its
 * own folded line, cut between characters).
 */
static void
param_filename(struct buf *b, const char *attr, const char *fn)
{
	static const char keep[] = "!#$&+-.^_`|~";
	const unsigned char *s = (const unsigned char *)fn;
	size_t n = strlen(fn), i = 0;
	int k = 0;

	if (compose_mime_ascii(fn) && n <= 60) {
		buf_printf(b, ";\r\n %s=\"%s\"", attr, fn);
		return;
	}
	while (i < n) {
		size_t col = 0;

		buf_printf(b, ";\r\n %s*%d*=%s", attr, k++, i == 0 ?
		    "UTF-8''" : "");
		while (i < n) {
			size_t cl = s[i] < 0x80 ? 1 :
			    charset_utf8_seq(fn + i, n - i);
			size_t el = 0;

			if (cl == 0)
				cl = 1;
			for (size_t j = i; j < i + cl; j++)
				el += (isalnum(s[j]) || strchr(keep, s[j])) ?
				    1 : 3;
			if (col + el > 60 && col > 0)
				break;
			for (size_t j = i; j < i + cl; j++) {
				if (isalnum(s[j]) || strchr(keep, s[j]))
					buf_addc(b, (char)s[j]);
				else {
					buf_addc(b, '%');
					buf_addc(b, hex[s[j] >> 4]);
					buf_addc(b, hex[s[j] & 15]);
				}
			}
			col += el;
			i += cl;
		}
	}
}

static void
part_file(struct part *p, const char *filename, const char *content_type,
    const void *data, size_t len)
{
	char *ct = clean_content_type(content_type);
	char *fn = clean_filename(filename);

	part_init(p);
	buf_printf(&p->head, "Content-Type: %s", ct);
	if (*fn)
		param_filename(&p->head, "name", fn);
	buf_adds(&p->head, "\r\nContent-Disposition: attachment");
	if (*fn)
		param_filename(&p->head, "filename", fn);
	buf_adds(&p->head, "\r\nContent-Transfer-Encoding: base64\r\n");
	codec_b64_encode_lines(&p->body, data, len);
	free(ct);
	free(fn);
}

/* 1 if `needle` occurs in any of the parts. */
static int
parts_contain(const struct part *kids, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(buf_str(&kids[i].head), needle) ||
		    strstr(buf_str(&kids[i].body), needle))
			return 1;
	return 0;
}

/*
 * Wraps kids (consumed) into a multipart/subtype part.  The boundary is
 * "=_cdp_" + a hash of the Message-ID + a counter, changed until it
 * occurs in no part.
 */
static void
part_multipart(struct part *p, const char *subtype, struct part *kids,
    size_t n, const char *seed, int *counter)
{
	char hash[HASH_SHA256_HEX], boundary[64];

	hash_sha256_hex(seed, strlen(seed), hash);
	do
		snprintf(boundary, sizeof(boundary), "=_cdp_%.16s_%d", hash,
		    (*counter)++);
	while (parts_contain(kids, n, boundary));
	part_init(p);
	buf_printf(&p->head, "Content-Type: multipart/%s;\r\n"
	    " boundary=\"%s\"\r\n", subtype, boundary);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&p->body, "--%s\r\n", boundary);
		buf_add(&p->body, kids[i].head.data, kids[i].head.len);
		buf_add(&p->body, "\r\n", 2);
		buf_add(&p->body, buf_str(&kids[i].body), kids[i].body.len);
		buf_add(&p->body, "\r\n", 2);
		part_free(&kids[i]);
	}
	buf_printf(&p->body, "--%s--\r\n", boundary);
}

/* The body of a mail with more than a text part: the MIME tree of
 * compose.h, its head and body appended to msg. */
void
compose_mime_body(const struct compose_mail *m, const char *id,
    const char *method, struct buf *msg)
{
	struct part alt[3], mixed[2 + COMPOSE_MAX_ATTACHMENTS], top;
	struct buf ics;
	size_t nalt = 0, nmixed = 0;
	int counter = 0;

	buf_init(&ics, 0);
	part_text(&alt[nalt++], "plain", m->body_text);
	if (m->body_html)
		part_text(&alt[nalt++], "html", m->body_html);
	if (m->calendar) {
		char *cal = charset_clean_text(m->calendar);

		buf_adds(&ics, cal);
		free(cal);
		part_init(&alt[nalt]);
		buf_printf(&alt[nalt].head, "Content-Type: text/calendar; "
		    "charset=UTF-8; method=%s\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n", method);
		codec_qp_encode(&alt[nalt].body, buf_str(&ics));
		nalt++;
	}
	if (nalt > 1)
		part_multipart(&mixed[nmixed++], "alternative", alt, nalt, id,
		    &counter);
	else
		mixed[nmixed++] = alt[0];
	for (size_t i = 0; i < m->nattachments; i++) {
		const struct compose_attachment *a = &m->attachments[i];

		part_file(&mixed[nmixed++], a->filename, a->content_type,
		    a->data ? a->data : "", a->data ? a->len : 0);
	}
	if (m->calendar)
		part_file(&mixed[nmixed++], m->calendar_filename ?
		    m->calendar_filename : "invitation.ics",
		    "application/ics", buf_str(&ics), ics.len);
	if (nmixed > 1)
		part_multipart(&top, "mixed", mixed, nmixed, id, &counter);
	else {
		top = mixed[0];
		part_init(&mixed[0]);
	}
	buf_add(msg, top.head.data, top.head.len);
	buf_add(msg, "\r\n", 2);
	buf_add(msg, buf_str(&top.body), top.body.len);
	part_free(&top);
	buf_free(&ics);
}

