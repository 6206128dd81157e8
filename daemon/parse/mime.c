/*
 * mime.c — message_parse(): raw RFC 5322 bytes to struct message.
 *
 * libetpan does the parts it does well: the MIME tree (mailmime_parse: where
 * each part's headers and body are, multipart boundaries, message/rfc822
 * nesting), address lists (mailimf_address_list_parse) and dates
 * (mailimf_date_time_parse).  The rest is done here, because libetpan
 * 1.9.4 was seen to get it wrong on real mail:
 *  - its quoted-printable decoder turns "=ZZ" and "= " before a line end
 *    into NUL bytes, its base64 decoder emits garbage for a truncated last
 *    quantum: both decoders are here, lenient and bounded;
 *  - its RFC 2047 decoder fails a whole header when one word is in an
 *    unknown charset, and cannot read raw 8-bit Latin-1: ours decodes word
 *    by word, joins adjacent words of one charset before converting (Gmail
 *    and Outlook split UTF-8 characters across words), and reads raw bytes
 *    as UTF-8 or windows-1252 (charset.c);
 *  - its parameter parser stops at an unquoted space (Outlook's
 *    `name=Rapport annuel.pdf`) and leaves RFC 2231 continuations apart:
 *    part headers are read again from the raw bytes here;
 *  - it recurses once per nested part and per nested comment '(' with no
 *    limit (a crafted mail overflows the stack), and its memory grows with
 *    the number of parts: before parsing, the buffer is tamed (comments
 *    deeper than MIME_MAX_PARENS lose their parentheses) and cut where the
 *    declared nesting or the number of delimiter lines exceeds a cap, and
 *    the message is marked truncated.
 * The top-level header block is scanned here too (all headers, unfolded,
 * capped): libetpan is given only the top-level MIME headers and the body.
 *
 * libetpan's tree points into the buffer it parsed: the buffer (ours) is
 * freed after the tree.  Every string put into struct message is valid
 * UTF-8 without control characters, except raw header values and the html.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "base/codec.h"
#include "base/buf.h"
#include "base/charset.h"
#include "base/clock.h"
#include "parse/html2text.h"
#include "base/log.h"
#include "base/mem.h"
#include "parse/message.h"

#define MIME_MAX_PART_HEADERS	256	/* headers read per part */
#define MIME_MAX_PARENS		64	/* comment nesting given to libetpan */
#define MIME_MAX_NEST_DECL	MESSAGE_MAX_PARTS /* multipart or message
						   * Content-Type lines */
#define MIME_MAX_NESTING	(MESSAGE_MAX_DEPTH + 8)	/* open multiparts
							 * given to libetpan */
#define MIME_MAX_DELIM_LINES	(10 * MESSAGE_MAX_PARTS) /* part delimiters */
#define MIME_MAX_FIELD_LINES	100000	/* header lines in parts */
#define MIME_MAX_MIME_FIELD	(64 * 1024)	/* bytes of one Content-*
						 * header given to libetpan */
#define MIME_MAX_SECTIONS	64	/* RFC 2231 continuations */
#define MIME_MAX_ADDRS		1000	/* addresses kept per header */
#define MIME_MAX_ADDR_HEADER	(256 * 1024)	/* bytes of an address
						 * header given to libetpan */
#define MIME_MAX_REFS		500	/* References kept */

/* ------------------------------------------------------------------ */
/* Header blocks                                                       */

struct mime_hdr {
	const char	*name;		/* points into the parsed buffer */
	size_t		 name_len;
	char		*value;		/* unfolded, trimmed, no NUL; owned */
};

struct mime_hdrs {
	struct mime_hdr	*v;
	size_t		 n, cap;
	size_t		 kept;		/* the first `kept` are in order */
	int		 more;		/* some were not kept */
	unsigned int	 wanted_seen;	/* bit i: mime_wanted[i] stored */
};

/* Top-level headers read even past MESSAGE_MAX_HEADERS. */
static const char *const mime_wanted[] = {
	"from", "to", "cc", "reply-to", "subject", "date", "message-id",
	"in-reply-to", "references", "return-path", "content-type",
	"content-transfer-encoding", "content-disposition"
};

static int
mime_is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static void
mime_hdrs_free(struct mime_hdrs *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].value);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static const char *
mime_hdrs_get(const struct mime_hdrs *h, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].name_len == n &&
		    strncasecmp(h->v[i].name, name, n) == 0)
			return h->v[i].value;
	return NULL;
}

/* Index of the name in mime_wanted, or -1. */
static int
mime_wanted_index(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(mime_wanted) / sizeof(mime_wanted[0]);
	    i++)
		if (strlen(mime_wanted[i]) == len &&
		    strncasecmp(mime_wanted[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* Finishes the header being collected in `val`: trims it and stores it,
 * unless the cap is reached (then only wanted, first-seen names). */
static void
mime_hdrs_add(struct mime_hdrs *h, const char *name, size_t name_len,
    struct buf *val, size_t max)
{
	const char *v = buf_str(val);
	size_t len = val->len;
	int w = mime_wanted_index(name, name_len);

	if (h->n >= max) {
		h->more = 1;
		if (w < 0 || (h->wanted_seen & (1u << w)))
			return;
	}
	if (w >= 0)
		h->wanted_seen |= 1u << w;
	while (len > 0 && mime_is_wsp((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len > 0 && mime_is_wsp((unsigned char)v[len - 1]))
		len--;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].name = name;
	h->v[h->n].name_len = name_len;
	h->v[h->n].value = xstrndup(v, len);
	h->n++;
	if (h->n <= max)
		h->kept = h->n;
}

/* Appends a piece of header text without its NUL bytes. */
static void
mime_add_nonul(struct buf *b, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *z = memchr(p + i, '\0', n - i);
		size_t run = z ? (size_t)(z - (p + i)) : n - i;

		buf_add(b, p + i, run);
		i += run + (z ? 1 : 0);
	}
}

/*
 * Reads the header block at p[0..len) into h (at most `max` kept) and
 * returns the offset of the body.  The block ends at the first empty (or
 * blank) line.  A line that is neither a header nor a continuation is
 * skipped, as the mail gem and Thunderbird do, unless no empty line
 * follows at all: then it is where the body starts (mails with no header
 * separator would lose their body otherwise).
 */
static size_t
mime_scan_headers(const char *p, size_t len, struct mime_hdrs *h, size_t max)
{
	const char *name = NULL;
	size_t name_len = 0, i = 0;
	struct buf val;
	int blank_ahead = -1;

	buf_init(&val, 0);
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len, l = e - i, k, c;
		size_t next = nl ? e + 1 : len;
		int blank = 1;

		if (l > 0 && p[e - 1] == '\r')
			l--;
		for (k = 0; k < l; k++)
			if (!mime_is_wsp((unsigned char)p[i + k])) {
				blank = 0;
				break;
			}
		/* A line of blanks inside a folded header is folding (RFC
		 * 5322 obs-FWS, seen in the mail gem's example14.eml); else it
		 * ends the block like an empty line. */
		if (blank && l > 0 && name != NULL && next < len &&
		    mime_is_wsp((unsigned char)p[next])) {
			i = next;
			continue;
		}
		if (blank) {
			i = next;
			break;
		}
		if (mime_is_wsp((unsigned char)p[i])) {
			if (name != NULL)
				mime_add_nonul(&val, p + i, l);
			i = next;
			continue;
		}
		for (c = 0; c < l && p[i + c] != ':'; c++)
			;
		k = c;
		while (k > 0 && mime_is_wsp((unsigned char)p[i + k - 1]))
			k--;
		if (c < l && k > 0) {
			for (size_t m = 0; m < k; m++) {
				unsigned char ch = (unsigned char)p[i + m];

				if (ch < 33 || ch > 126) {
					k = 0;
					break;
				}
			}
		} else
			k = 0;
		if (name != NULL) {
			mime_hdrs_add(h, name, name_len, &val, max);
			name = NULL;
		}
		buf_reset(&val);
		if (k == 0) {
			/* Not a header line. */
			if (blank_ahead < 0) {
				blank_ahead = 0;
				for (size_t m = i; m + 1 < len; m++)
					if (p[m] == '\n' && (p[m + 1] == '\n' ||
					    (p[m + 1] == '\r' && m + 2 < len &&
					    p[m + 2] == '\n'))) {
						blank_ahead = 1;
						break;
					}
			}
			if (!blank_ahead)
				break;
			i = next;
			continue;
		}
		name = p + i;
		name_len = k;
		mime_add_nonul(&val, p + i + c + 1, l - c - 1);
		i = next;
	}
	if (name != NULL)
		mime_hdrs_add(h, name, name_len, &val, max);
	buf_free(&val);
	return i;
}

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

/* True if the line p[0..l) is "begin NNN name"; the name goes to *name. */
static int
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

/*
 * Decodes uuencoded lines from p[0..len) up to an "end" line, skipping a
 * "begin" line; *used gets the bytes consumed (through the "end" line) and
 * *ended whether there was one (either may be NULL).
 * For Content-Transfer-Encoding: x-uuencode (Netscape 4) and the
 * attachments Outlook 2000 inlined in text bodies.
 */
static char *
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

enum mime_enc {
	MIME_ENC_IDENTITY,
	MIME_ENC_QP,
	MIME_ENC_BASE64,
	MIME_ENC_UU
};

static char *
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

/* ------------------------------------------------------------------ */
/* Header text: RFC 2047 and raw 8-bit                                  */

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

/* Converts and appends the pending encoded-word bytes. */
static void
mime_flush_words(struct buf *out, struct buf *pend, const char *cs)
{
	char *u;

	if (pend->len == 0)
		return;
	u = charset_to_utf8(cs, pend->data, pend->len, NULL);
	buf_adds(out, u);
	free(u);
	buf_reset(pend);
}

static void
mime_flush_raw(struct buf *out, struct buf *raw)
{
	char *u;

	if (raw->len == 0)
		return;
	u = charset_to_utf8(NULL, raw->data, raw->len, NULL);
	buf_adds(out, u);
	free(u);
	buf_reset(raw);
}

/*
 * Decodes header text: encoded words (whitespace between two of them
 * dropped, adjacent words in one charset joined before conversion) and raw
 * bytes (UTF-8, else windows-1252).  Other runs of whitespace become one
 * space (folding leaves several).  Returns a new cleaned string.
 */
static char *
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
			mime_flush_raw(&out, &raw);
			if (!last_word && ws_len > 0)
				buf_addc(&out, ' ');
			if (strcmp(cs, pend_cs) != 0)
				mime_flush_words(&out, &pend, pend_cs);
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
		mime_flush_words(&out, &pend, pend_cs);
		if (ws_len > 0) {
			mime_flush_raw(&out, &raw);
			buf_addc(&out, ' ');
			ws_len = 0;
		}
		last_word = 0;
		buf_addc(&raw, in[i] ? in[i] : ' ');
		i++;
	}
	mime_flush_words(&out, &pend, pend_cs);
	mime_flush_raw(&out, &raw);
	buf_free(&pend);
	buf_free(&raw);
	res = buf_steal(&out);
	return mime_clean_line(res);
}

char *
message_decode_header(const char *raw)
{
	return mime_decode_words(raw ? raw : "", raw ? strlen(raw) : 0);
}

/* Raw bytes to clean UTF-8 (addresses, ids): no RFC 2047 here. */
static char *
mime_clean_raw(const char *s, size_t len)
{
	char *u = charset_to_utf8(NULL, s, len, NULL);

	return mime_clean_line(u);
}

/* ------------------------------------------------------------------ */
/* Content-Type and Content-Disposition parameters (RFC 2045, 2231)    */

struct mime_param {
	char	*name;		/* lower case */
	char	*value;		/* unquoted raw bytes */
};

struct mime_params {
	struct mime_param *v;
	size_t		 n, cap;
};

static void
mime_params_free(struct mime_params *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/*
 * Splits "type/subtype; a=b; c=\"d;e\"" into the lower-case first token
 * (returned, owned) and its parameters.  Lenient: a missing ';' before a
 * parameter, unquoted values with spaces (Outlook), an unterminated quote.
 */
static char *
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

static const char *
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

/*
 * The decoded value of parameter `name`, as a new clean UTF-8 string, or
 * NULL: RFC 2231 `name*0*=` continuations first, then `name*=`, then the
 * plain `name=` (which Outlook and Gmail fill with RFC 2047 words).
 */
static char *
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

/* ------------------------------------------------------------------ */
/* One part's headers                                                  */

enum mime_disp {
	MIME_DISP_NONE,
	MIME_DISP_INLINE,
	MIME_DISP_ATTACHMENT
};

struct mime_info {
	char		 type[128];	/* "text/plain"; "" when undeclared */
	char		*charset;	/* raw label or NULL */
	char		*filename;	/* decoded, NULL if none */
	char		*content_id;	/* without <>, NULL if none */
	char		*start;		/* multipart/related start, without <> */
	enum mime_disp	 disposition;
	enum mime_enc	 encoding;
	int		 flowed, delsp;
};

static void
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

/* Fills pi from a part's MIME header values (any may be NULL). */
static void
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

/* ------------------------------------------------------------------ */
/* Text bodies                                                         */

/* CRLF and lone CR to LF, NUL bytes and a leading BOM removed. */
static char *
mime_normalize_text(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0, i = 0;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		if (s[i] == '\0')
			continue;
		if (s[i] == '\r') {
			out[o++] = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
			continue;
		}
		out[o++] = s[i];
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

/* ------------------------------------------------------------------ */
/* The walk over libetpan's tree                                       */

enum mime_mode {
	MIME_BODY,		/* text parts become the body */
	MIME_ATTACH		/* an alternative not chosen: only attachments */
};

/* A buffer parsed again after a boundary repair, with its tree. */
struct mime_extra {
	struct mime_extra *next;
	char		*buf;
	struct mailmime	*tree;
};

struct mime_walk {
	struct message	*msg;
	struct buf	 text;
	int		 text_parts;
	int		 from_html;
	size_t		 nparts;
	size_t		 att_cap;
	int		 in_report;
	int		 saw_report;
	int		 related;	/* inside a multipart/related */
	char		*returned;	/* returned headers candidate */
	int		 returned_is_headers; /* text/rfc822-headers */
	struct mime_extra *extra;
};

static void mime_walk_node(struct mime_walk *, struct mailmime *, int,
    enum mime_mode);

/* The part's body bytes as libetpan located them. */
static void
mime_node_body(struct mailmime *node, const char **p, size_t *len)
{
	struct mailmime_data *d = node->mm_body;

	if (node->mm_type == MAILMIME_SINGLE && node->mm_data.mm_single)
		d = node->mm_data.mm_single;
	*p = "";
	*len = 0;
	if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT &&
	    d->dt_data.dt_text.dt_data != NULL) {
		*p = d->dt_data.dt_text.dt_data;
		*len = d->dt_data.dt_text.dt_length;
	}
}

static void
mime_node_info(struct mailmime *node, struct mime_info *pi)
{
	struct mime_hdrs h;
	const char *body;
	size_t blen;

	memset(&h, 0, sizeof(h));
	mime_node_body(node, &body, &blen);
	if (node->mm_body != NULL && node->mm_body->dt_type ==
	    MAILMIME_DATA_TEXT)
		body = node->mm_body->dt_data.dt_text.dt_data;
	if (node->mm_mime_start != NULL && body != NULL &&
	    node->mm_mime_start <= body)
		mime_scan_headers(node->mm_mime_start,
		    (size_t)(body - node->mm_mime_start), &h,
		    MIME_MAX_PART_HEADERS);
	mime_info_from(pi, mime_hdrs_get(&h, "content-type"),
	    mime_hdrs_get(&h, "content-transfer-encoding"),
	    mime_hdrs_get(&h, "content-disposition"),
	    mime_hdrs_get(&h, "content-id"));
	mime_hdrs_free(&h);
	/* The tree's shape is libetpan's: agree with it. */
	if (node->mm_type == MAILMIME_MULTIPLE) {
		if (strncmp(pi->type, "multipart/", 10) != 0) {
			const char *sub = node->mm_content_type &&
			    node->mm_content_type->ct_subtype ?
			    node->mm_content_type->ct_subtype : "mixed";

			snprintf(pi->type, sizeof(pi->type), "multipart/%s",
			    sub);
			for (char *p = pi->type; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		}
	} else if (node->mm_type == MAILMIME_MESSAGE) {
		if (strncmp(pi->type, "message/", 8) != 0)
			snprintf(pi->type, sizeof(pi->type), "message/rfc822");
	}
}

static void
mime_add_attachment(struct mime_walk *w, const struct mime_info *pi,
    const char *bytes, size_t size)
{
	struct message *msg = w->msg;
	struct msg_attachment *a;

	if (msg->nattachments == w->att_cap) {
		w->att_cap = w->att_cap ? w->att_cap * 2 : 4;
		msg->attachments = xrealloc(msg->attachments,
		    w->att_cap * sizeof(*msg->attachments));
	}
	a = &msg->attachments[msg->nattachments++];
	a->filename = xstrdup(pi->filename ? pi->filename : "");
	/* No Content-Type means text/plain (RFC 2045 §5.2). */
	a->content_type = mime_clean_raw(pi->type[0] ? pi->type :
	    "text/plain", strlen(pi->type[0] ? pi->type : "text/plain"));
	a->size = size;
	/* Kept so that a holder's documents can be forwarded to the
	 * referent; the raw message is in the database anyway. */
	a->data = xmalloc(size + 1);
	if (size)
		memcpy(a->data, bytes, size);
	a->data[size] = '\0';
	a->inline_part = pi->disposition == MIME_DISP_INLINE ||
	    (w->related > 0 && pi->content_id != NULL);
}

static int
mime_is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* A text/plain part that is really a delivery-status report (seen in
 * broken bounces: the DSN fields sent as text/plain). */
static int
mime_looks_like_dsn(const char *t)
{
	int status = 0, recipient = 0;

	for (const char *l = t; l && *l; l = strchr(l, '\n'), l = l ? l + 1 :
	    NULL) {
		if (strncasecmp(l, "Status:", 7) == 0)
			status = 1;
		else if (strncasecmp(l, "Final-Recipient:", 16) == 0 ||
		    strncasecmp(l, "Reporting-MTA:", 14) == 0)
			recipient = 1;
	}
	return status && recipient;
}

/* Joins the text of several parts (Apple Mail splits the text around a
 * pasted picture) with exactly one blank line between them. */
static void
mime_add_text(struct mime_walk *w, const char *t)
{
	if (mime_is_blank(t))
		return;
	if (w->text.len > 0) {
		const char *p = t, *line = t;

		/* Leading blank lines of the new part go... */
		for (; *p == ' ' || *p == '\t' || *p == '\n'; p++)
			if (*p == '\n')
				line = p + 1;
		t = line;
		/* ...and so do the trailing ones of what is there. */
		while (w->text.len > 0 && (w->text.data[w->text.len - 1] ==
		    '\n' || w->text.data[w->text.len - 1] == ' ' ||
		    w->text.data[w->text.len - 1] == '\t'))
			w->text.len--;
		w->text.data[w->text.len] = '\0';
		buf_adds(&w->text, "\n\n");
	}
	buf_adds(&w->text, t);
	w->text_parts++;
}

/* Outlook 2000 with "uuencode" set, and old Eudora, put attachments in
 * the text as "begin 644 name" ... "end" blocks: they become attachments
 * and leave the text.  t is compacted in place, in one pass. */
static void
mime_extract_uu(struct mime_walk *w, char *t)
{
	char *r = t, *wp = t, *q = t;

	while ((q = strstr(q, "begin ")) != NULL) {
		const char *name;
		size_t nlen, l = strcspn(q, "\n"), used, n;
		struct mime_info pi;
		char *bytes;
		int ended;

		if ((q != t && q[-1] != '\n') || !mime_uu_begin(q, l, &name,
		    &nlen)) {
			q += 6;
			continue;
		}
		if (w->nparts >= MESSAGE_MAX_PARTS) {
			w->msg->truncated = 1;
			break;
		}
		bytes = mime_decode_uu(q, strlen(q), &n, &used, &ended);
		if (!ended) {
			free(bytes);
			break;	/* no "end" down to the end: none later */
		}
		w->nparts++;
		memset(&pi, 0, sizeof(pi));
		snprintf(pi.type, sizeof(pi.type), "application/octet-stream");
		pi.filename = xstrndup(name, nlen);
		mime_add_attachment(w, &pi, bytes, n);
		free(bytes);
		free(pi.filename);
		memmove(wp, r, (size_t)(q - r));
		wp += q - r;
		r = q = q + used;
	}
	memmove(wp, r, strlen(r) + 1);
}

/* Decoded, converted, normalised text of a text part. */
static char *
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

/* An HTML part: sets msg->html if still unset, returns its text. */
static char *
mime_html_text(struct mime_walk *w, const struct mime_info *pi,
    const char *bytes, size_t n, int want_text)
{
	char *cs = pi->charset ? NULL : html2text_sniff_charset(bytes, n);
	char *u, *html, *t = NULL;
	size_t ulen;

	u = charset_to_utf8(pi->charset ? pi->charset : cs, bytes, n, &ulen);
	html = mime_normalize_text(u, ulen);
	free(u);
	free(cs);
	if (want_text)
		t = html2text_convert(html, strlen(html));
	if (w->msg->html == NULL)
		w->msg->html = html;
	else
		free(html);
	return t;
}

/* Headers of a returned message: up to the first empty line. */
static char *
mime_headers_only(const char *bytes, size_t n)
{
	char *u, *t, *e;
	size_t ulen;

	u = charset_to_utf8(NULL, bytes, n, &ulen);
	t = mime_normalize_text(u, ulen);
	free(u);
	if (t[0] == '\n')
		t[0] = '\0';
	else if ((e = strstr(t, "\n\n")) != NULL)
		e[1] = '\0';
	return t;
}

static int
mime_is_body_type(const char *type)
{
	return type[0] == '\0' || strcmp(type, "text/plain") == 0 ||
	    strcmp(type, "text/html") == 0 ||
	    strncmp(type, "multipart/", 10) == 0;
}

/* A leaf: body text, report data or attachment. */
static void
mime_leaf(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, enum mime_mode mode)
{
	const char *raw;
	size_t rawlen, n;
	char *bytes, *t;
	int is_html = strcmp(pi->type, "text/html") == 0;
	int body_like = mime_is_body_type(pi->type) &&
	    pi->disposition != MIME_DISP_ATTACHMENT && pi->filename == NULL;

	mime_node_body(node, &raw, &rawlen);
	bytes = mime_decode_body(node->mm_type == MAILMIME_MESSAGE ?
	    MIME_ENC_IDENTITY : pi->encoding, raw, rawlen, &n);
	if (strcmp(pi->type, "message/delivery-status") == 0 ||
	    strcmp(pi->type, "message/global-delivery-status") == 0) {
		if (w->msg->delivery_status == NULL) {
			char *u = charset_to_utf8(NULL, bytes, n, NULL);

			w->msg->delivery_status = mime_normalize_text(u,
			    strlen(u));
			free(u);
		}
		goto out;
	}
	if (strcmp(pi->type, "text/rfc822-headers") == 0 ||
	    strcmp(pi->type, "message/global-headers") == 0) {
		if (w->returned == NULL) {
			w->returned = mime_headers_only(bytes, n);
			w->returned_is_headers = 1;
		}
		goto out;
	}
	if (strcmp(pi->type, "message/rfc822") == 0 ||
	    strcmp(pi->type, "message/global") == 0) {
		if (w->returned == NULL)
			w->returned = mime_headers_only(bytes, n);
		if (!w->in_report)
			mime_add_attachment(w, pi, bytes, n);
		goto out;
	}
	if (!body_like) {
		mime_add_attachment(w, pi, bytes, n);
		goto out;
	}
	if (mode == MIME_ATTACH) {
		if (is_html && w->msg->html == NULL)
			free(mime_html_text(w, pi, bytes, n, 0));
		goto out;
	}
	if (is_html) {
		t = mime_html_text(w, pi, bytes, n, 1);
		if (!mime_is_blank(t))
			w->from_html = 1;
	} else {
		t = mime_part_text(pi, bytes, n);
		mime_extract_uu(w, t);
	}
	if (w->text_parts > 0 && !is_html && w->msg->delivery_status == NULL &&
	    mime_looks_like_dsn(t)) {
		w->msg->delivery_status = t;
		goto out;
	}
	mime_add_text(w, t);
	free(t);
out:
	free(bytes);
}

/* True if the text at p[0..len) has a line "--boundary". */
static int
mime_has_delimiter(const char *p, size_t len, const char *boundary)
{
	size_t bl = strlen(boundary);

	for (size_t i = 0; i + 2 + bl <= len; i++) {
		if ((i == 0 || p[i - 1] == '\n') && p[i] == '-' &&
		    p[i + 1] == '-' && memcmp(p + i + 2, boundary, bl) == 0)
			return 1;
		/* jump to the next line */
		{
			const char *nl = memchr(p + i, '\n', len - i);

			if (nl == NULL)
				break;
			i = (size_t)(nl - p);
		}
	}
	return 0;
}

/* The delimiter a multipart body really uses when its declared boundary
 * is missing: the first "--X" line that comes back, or is closed. */
static char *
mime_guess_boundary(const char *p, size_t len)
{
	size_t i = 0;
	int tries = 0;

	/* The delimiter is the first "--" line in every broken mail seen;
	 * a few candidates keep this linear. */
	while (i < len && tries < 8) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len, l = e - i;

		if (l > 0 && p[e - 1] == '\r')
			l--;
		while (l > 0 && mime_is_wsp((unsigned char)p[i + l - 1]))
			l--;
		if (l > 2 && l < 200 && p[i] == '-' && p[i + 1] == '-') {
			char *b = xstrndup(p + i + 2, l - 2);
			size_t bl = strlen(b);

			tries++;
			int ok = bl == l - 2 && strpbrk(b, "\" \t") == NULL;

			if (ok && bl > 2 && strcmp(b + bl - 2, "--") == 0)
				ok = 0;		/* a closing line first */
			if (ok && nl != NULL && mime_has_delimiter(nl + 1,
			    len - e - 1, b))
				return b;
			free(b);
		}
		i = nl ? e + 1 : len;
	}
	return NULL;
}

/*
 * A multipart whose declared boundary never appears (a client that
 * rewrote one and not the other): parse it again with the delimiter the
 * body uses.  Returns 0 if the boundary is fine, 1 if the repaired tree
 * was walked, 2 if it is broken beyond repair.
 */
static int
mime_repair_boundary(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, int depth, enum mime_mode mode)
{
	struct mime_extra *x;
	const char *body;
	size_t blen, idx = 0;
	char *declared, *guess;
	struct buf b;

	if (node->mm_content_type == NULL)
		return 0;
	declared = mailmime_extract_boundary(node->mm_content_type);
	body = node->mm_body ? node->mm_body->dt_data.dt_text.dt_data : NULL;
	blen = node->mm_body ? node->mm_body->dt_data.dt_text.dt_length : 0;
	if (declared == NULL || body == NULL || mime_has_delimiter(body, blen,
	    declared)) {
		free(declared);
		return 0;
	}
	free(declared);
	log_debug(LOG_CAT_MIME, "%s: declared boundary absent", pi->type);
	if ((guess = mime_guess_boundary(body, blen)) == NULL)
		return 2;
	buf_init(&b, 0);
	buf_printf(&b, "Content-Type: %s; boundary=\"%s\"\r\n\r\n", pi->type,
	    guess);
	free(guess);
	buf_add(&b, body, blen);
	x = xcalloc(1, sizeof(*x));
	x->next = w->extra;
	w->extra = x;
	blen = b.len;
	x->buf = buf_steal(&b);
	if (mailmime_parse(x->buf, blen, &idx, &x->tree) !=
	    MAILIMF_NO_ERROR || x->tree == NULL) {
		x->tree = NULL;
		return 2;
	}
	if (x->tree->mm_type != MAILMIME_MESSAGE ||
	    x->tree->mm_data.mm_message.mm_msg_mime == NULL ||
	    x->tree->mm_data.mm_message.mm_msg_mime->mm_type !=
	    MAILMIME_MULTIPLE)
		return 2;
	mime_walk_node(w, x->tree->mm_data.mm_message.mm_msg_mime, depth,
	    mode);
	return 1;
}

/* Does this subtree hold a text/plain body part? */
static int
mime_has_plain(struct mailmime *node, int depth)
{
	struct mime_info pi;
	int found = 0;

	if (depth > MESSAGE_MAX_DEPTH)
		return 0;
	if (node->mm_type == MAILMIME_MULTIPLE) {
		for (clistiter *it = clist_begin(
		    node->mm_data.mm_multipart.mm_mp_list); it && !found;
		    it = clist_next(it))
			found = mime_has_plain(clist_content(it), depth + 1);
		return found;
	}
	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	found = (pi.type[0] == '\0' || strcmp(pi.type, "text/plain") == 0) &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	mime_info_free(&pi);
	return found;
}

/* A text/plain alternative worth showing (not empty: some composers send
 * an empty text/plain next to the real HTML). */
static int
mime_is_plain_choice(struct mailmime *node)
{
	struct mime_info pi;
	const char *raw;
	size_t rawlen, n;
	char *bytes;
	int ok;

	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	ok = (pi.type[0] == '\0' || strcmp(pi.type, "text/plain") == 0) &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	if (ok) {
		mime_node_body(node, &raw, &rawlen);
		bytes = mime_decode_body(pi.encoding, raw, rawlen, &n);
		ok = 0;
		for (size_t i = 0; i < n && !ok; i++)
			if (!isspace((unsigned char)bytes[i]) && bytes[i] != 0)
				ok = 1;
		free(bytes);
	}
	mime_info_free(&pi);
	return ok;
}

static int
mime_is_html_choice(struct mailmime *node)
{
	struct mime_info pi;
	int ok;

	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	ok = strcmp(pi.type, "text/html") == 0 &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	mime_info_free(&pi);
	return ok;
}

/* multipart/alternative: the text/plain version is preferred (it is what
 * the sender's client wrote for text readers, quotes included), else a
 * nested multipart holding one, else the HTML, else the first part. */
static struct mailmime *
mime_choose_alternative(clist *list, int depth)
{
	clistiter *it;

	for (it = clist_begin(list); it; it = clist_next(it))
		if (mime_is_plain_choice(clist_content(it)))
			return clist_content(it);
	for (it = clist_begin(list); it; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);

		if (c->mm_type == MAILMIME_MULTIPLE && mime_has_plain(c,
		    depth + 1))
			return c;
	}
	for (it = clist_begin(list); it; it = clist_next(it))
		if (mime_is_html_choice(clist_content(it)))
			return clist_content(it);
	for (it = clist_begin(list); it; it = clist_next(it))
		if (((struct mailmime *)clist_content(it))->mm_type ==
		    MAILMIME_MULTIPLE)
			return clist_content(it);
	it = clist_begin(list);
	return it ? clist_content(it) : NULL;
}

/* multipart/related: the root is the part named by `start`, else the
 * first. */
static struct mailmime *
mime_related_root(clist *list, const char *start)
{
	clistiter *it;

	if (start != NULL) {
		for (it = clist_begin(list); it; it = clist_next(it)) {
			struct mime_info pi;
			int match;

			mime_node_info(clist_content(it), &pi);
			match = pi.content_id &&
			    strcmp(pi.content_id, start) == 0;
			mime_info_free(&pi);
			if (match)
				return clist_content(it);
		}
	}
	it = clist_begin(list);
	return it ? clist_content(it) : NULL;
}

static void
mime_multipart(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, int depth, enum mime_mode mode)
{
	clist *list = node->mm_data.mm_multipart.mm_mp_list;
	const char *sub = pi->type + 10;
	struct mailmime *chosen = NULL;
	int first_only = 0;
	int repair = mime_repair_boundary(w, node, pi, depth, mode);

	if (repair == 1)
		return;
	if (repair == 2 || list == NULL || clist_isempty(list)) {
		/* Nothing libetpan could split: show the body as text. */
		struct mime_info t = *pi;

		snprintf(t.type, sizeof(t.type), "text/plain");
		t.filename = NULL;
		t.disposition = MIME_DISP_NONE;
		mime_leaf(w, node, &t, mode);
		return;
	}
	if (mode == MIME_BODY) {
		if (strcmp(sub, "alternative") == 0)
			chosen = mime_choose_alternative(list, depth);
		else if (strcmp(sub, "related") == 0)
			chosen = mime_related_root(list, pi->start);
		else if (strcmp(sub, "signed") == 0 ||
		    strcmp(sub, "encrypted") == 0)
			first_only = 1;
	}
	if (strcmp(sub, "report") == 0) {
		w->in_report++;
		w->saw_report = 1;
	}
	if (strcmp(sub, "related") == 0)
		w->related++;
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);
		enum mime_mode m = mode;

		if (chosen != NULL && c != chosen)
			m = MIME_ATTACH;
		if (first_only && it != clist_begin(list))
			m = MIME_ATTACH;
		mime_walk_node(w, c, depth + 1, m);
	}
	if (strcmp(sub, "report") == 0)
		w->in_report--;
	if (strcmp(sub, "related") == 0)
		w->related--;
}

static void
mime_walk_node(struct mime_walk *w, struct mailmime *node, int depth,
    enum mime_mode mode)
{
	struct mime_info pi;

	if (node == NULL)
		return;
	if (depth > MESSAGE_MAX_DEPTH || w->nparts >= MESSAGE_MAX_PARTS) {
		w->msg->truncated = 1;
		return;
	}
	w->nparts++;
	mime_node_info(node, &pi);
	if (node->mm_type == MAILMIME_MULTIPLE)
		mime_multipart(w, node, &pi, depth, mode);
	else {
		if (node->mm_type == MAILMIME_SINGLE &&
		    strncmp(pi.type, "multipart/", 10) == 0)
			/* multipart without a usable boundary: text */
			snprintf(pi.type, sizeof(pi.type), "text/plain");
		mime_leaf(w, node, &pi, mode);
	}
	mime_info_free(&pi);
}

/* ------------------------------------------------------------------ */
/* Preparing the buffer for libetpan                                    */

/* Parentheses nested deeper than MIME_MAX_PARENS in one (unfolded) line
 * become brackets: libetpan parses comments recursively. */
static void
mime_tame_parens(char *s, size_t len, int per_line)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (per_line && s[i] == '\n' && (i + 1 >= len ||
		    !mime_is_wsp((unsigned char)s[i + 1])))
			depth = 0;
		else if (s[i] == '(') {
			if (++depth > MIME_MAX_PARENS)
				s[i] = '[';
		} else if (s[i] == ')' && depth > 0) {
			if (depth-- > MIME_MAX_PARENS)
				s[i] = ']';
		}
	}
}

static int
mime_line_starts(const char *s, size_t len, size_t i, const char *prefix)
{
	size_t n = strlen(prefix);

	return i + n <= len && strncasecmp(s + i, prefix, n) == 0;
}

/* A Content-* header longer than MIME_MAX_MIME_FIELD (folded lines
 * included) is renamed "Xontent-...": libetpan would build one list node
 * per parameter of it (6 million "a=b;" took 10 s and 1 GB).  Returns 1 if
 * one was. */
static int
mime_tame_fields(char *s, size_t len)
{
	int tamed = 0;

	for (size_t i = 0; i < len; ) {
		size_t e = i;

		do {
			const char *nl = memchr(s + e, '\n', len - e);

			e = nl ? (size_t)(nl - s) + 1 : len;
		} while (e < len && mime_is_wsp((unsigned char)s[e]) &&
		    mime_line_starts(s, len, i, "content-"));
		if (e - i > MIME_MAX_MIME_FIELD &&
		    mime_line_starts(s, len, i, "content-")) {
			s[i] = 'X';
			tamed = 1;
		}
		i = e;
	}
	return tamed;
}

/* The boundary a Content-Type header starting at s[i] declares, if it is
 * a multipart one (folded lines included, first 1 KiB); 0 if none. */
static size_t
mime_declared_boundary(const char *s, size_t len, size_t i, const char **b)
{
	size_t lim = i + 1024 < len ? i + 1024 : len, j, start;
	int multipart = 0;

	for (j = i + 13; j < lim; j++) {
		if (s[j] == '\n' && (j + 1 >= lim ||
		    !mime_is_wsp((unsigned char)s[j + 1]))) {
			lim = j;
			break;
		}
		if (!multipart && mime_line_starts(s, lim, j, "multipart/"))
			multipart = 1;
	}
	if (!multipart)
		return 0;
	for (j = i + 13; j + 9 < lim; j++) {
		if (!mime_line_starts(s, lim, j, "boundary"))
			continue;
		j += 8;
		while (j < lim && mime_is_wsp((unsigned char)s[j]))
			j++;
		if (j >= lim || s[j] != '=')
			continue;
		j++;
		while (j < lim && mime_is_wsp((unsigned char)s[j]))
			j++;
		if (j < lim && s[j] == '"') {
			start = ++j;
			while (j < lim && s[j] != '"' && s[j] != '\r' &&
			    s[j] != '\n')
				j++;
		} else {
			start = j;
			while (j < lim && s[j] != ';' && !isspace((unsigned
			    char)s[j]))
				j++;
		}
		*b = s + start;
		return j - start;
	}
	return 0;
}

/*
 * Where libetpan must stop: the length of s it may parse.  libetpan
 * recurses once per nested part and scans a part's whole body once per
 * level above it (990 nested multiparts around 20 MB of text took 34 s),
 * and allocates a node per header line and per part.  So the buffer is
 * followed line by line the way libetpan will read it: a stack of the
 * boundaries declared (matched as libetpan does: prefix, at a line start),
 * and whether the line is in a header block (the top one, one after a
 * delimiter, the message inside a message/rfc822 part or a digest entry).
 * Past a cap — nesting, message/rfc822 declarations (libetpan's recursion
 * for message chains), delimiters, header lines — the rest is cut off.
 * Text in bodies (a bounce quoting the original's headers, a pasted log)
 * is not counted.
 */
static size_t
mime_safe_length(const char *s, size_t len, int *truncated)
{
	const char *stack[MIME_MAX_NESTING];
	size_t stack_len[MIME_MAX_NESTING], depth = 0;
	int stack_digest[MIME_MAX_NESTING];
	size_t nest = 0, delim = 0, fields = 0;
	int in_hdr = 1, msg_next = 0, digest_part = 0, saw_ctype = 0;

	for (size_t i = 0; i < len; ) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len, l = e - i;

		if (l > 0 && s[e - 1] == '\r')
			l--;
		if (l >= 2 && s[i] == '-' && s[i + 1] == '-') {
			for (size_t k = depth; k-- > 0; ) {
				if (l - 2 < stack_len[k] ||
				    memcmp(s + i + 2, stack[k], stack_len[k]) != 0)
					continue;
				if (++delim > MIME_MAX_DELIM_LINES)
					goto cut;
				/* "--b--" closes level k, "--b" opens a part
				 * of it. */
				if (l - 2 >= stack_len[k] + 2 &&
				    s[i + 2 + stack_len[k]] == '-' &&
				    s[i + 3 + stack_len[k]] == '-') {
					depth = k;
					in_hdr = 0;
				} else {
					depth = k + 1;
					in_hdr = 1;
					digest_part = stack_digest[k];
				}
				msg_next = saw_ctype = 0;
				goto next;
			}
		}
		if (!in_hdr)
			goto next;
		if (l == 0) {
			/* End of a header block: a message's own headers
			 * follow for message/rfc822 and digest entries. */
			in_hdr = msg_next || (digest_part && !saw_ctype);
			msg_next = saw_ctype = digest_part = 0;
			goto next;
		}
		if (++fields > MIME_MAX_FIELD_LINES)
			goto cut;
		if (mime_is_wsp((unsigned char)s[i]))
			goto next;
		if (memchr(s + i, ':', l) == NULL) {
			in_hdr = 0;	/* libetpan's header block ends */
			goto next;
		}
		if (mime_line_starts(s, len, i, "content-type:")) {
			const char *b = NULL;
			size_t bl = mime_declared_boundary(s, len, i, &b);
			size_t j = i + 13, lim = j + 256 < len ? j + 256 : len;

			saw_ctype = 1;
			while (j < lim && mime_is_wsp((unsigned char)s[j]))
				j++;
			if (mime_line_starts(s, lim, j, "message/")) {
				msg_next = 1;
				if (++nest > MIME_MAX_NEST_DECL)
					goto cut;
			}
			if (bl > 0) {
				if (depth == MIME_MAX_NESTING)
					goto cut;
				stack[depth] = b;
				stack_len[depth] = bl;
				stack_digest[depth++] = mime_line_starts(s, lim, j,
				    "multipart/digest");
			}
		}
next:
		i = nl ? e + 1 : len;
		continue;
cut:
		*truncated = 1;
		return i;
	}
	return len;
}

/* ------------------------------------------------------------------ */
/* Addresses, dates, message-ids                                       */

static void
mime_addr_set(struct msg_addr *a, const char *name, const char *addr)
{
	char *n = NULL;
	size_t nl;

	while (name != NULL && mime_is_wsp((unsigned char)*name))
		name++;
	nl = name ? strlen(name) : 0;
	while (nl > 0 && mime_is_wsp((unsigned char)name[nl - 1]))
		nl--;
	if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
		struct buf b;

		buf_init(&b, 0);
		for (size_t i = 1; i + 1 < nl; i++) {
			if (name[i] == '\\' && i + 2 < nl)
				i++;
			buf_addc(&b, name[i]);
		}
		n = buf_steal(&b);
	}
	a->name = mime_decode_words(n ? n : name ? name : "",
	    strlen(n ? n : name ? name : ""));
	free(n);
	if (addr != NULL) {
		const char *s = addr, *lt = strrchr(addr, '<');
		size_t l;

		if (lt != NULL)
			s = lt + 1;
		l = strcspn(s, ">");
		a->address = mime_clean_raw(s, l);
	} else
		a->address = xstrdup("");
}

static void
mime_addrs_push(struct msg_addrs *out, size_t *cap, const char *name,
    const char *addr)
{
	if (out->n >= MIME_MAX_ADDRS)
		return;
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		out->items = xrealloc(out->items, *cap * sizeof(*out->items));
	}
	mime_addr_set(&out->items[out->n++], name, addr);
}

/*
 * One mailbox from a chunk of an address header (comments already
 * removed).  libetpan reads the mailbox grammar; what it cannot read, or
 * reads into nonsense ("Jean <j@d" without '>'), is taken apart by hand.
 * A bare word (no '@', no '<') is kept as written so that an Outlook
 * "Dupont, Jean <j@d.fr>" can be joined back later.
 */
static void
mime_add_chunk(struct msg_addrs *out, size_t *cap, const char *chunk,
    const char *comment)
{
	struct mailimf_mailbox *mb = NULL;
	size_t len = strlen(chunk), idx = 0;
	const char *lt;

	while (len > 0 && isspace((unsigned char)chunk[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char)*chunk)) {
		chunk++;
		len--;
	}
	if (len == 0)
		return;
	if (memchr(chunk, '@', len) == NULL && memchr(chunk, '<', len) ==
	    NULL) {
		char *word = xstrndup(chunk, len);

		mime_addrs_push(out, cap, comment, word);
		free(word);
		return;
	}
	if (mailimf_mailbox_parse(chunk, len, &idx, &mb) == MAILIMF_NO_ERROR &&
	    mb != NULL) {
		const char *a = mb->mb_addr_spec;

		while (idx < len && isspace((unsigned char)chunk[idx]))
			idx++;
		if (idx == len && a != NULL && strpbrk(a, "<> \t") == NULL) {
			const char *name = mb->mb_display_name;

			mime_addrs_push(out, cap, name && name[0] ? name :
			    comment, a);
			mailimf_mailbox_free(mb);
			return;
		}
	}
	if (mb != NULL)
		mailimf_mailbox_free(mb);
	if ((lt = memchr(chunk, '<', len)) != NULL) {
		char *name = xstrndup(chunk, (size_t)(lt - chunk));
		char *addr = xstrndup(lt + 1, len - (size_t)(lt - chunk) - 1);
		char *colon;

		addr[strcspn(addr, ">")] = '\0';
		/* obsolete source route "<@relay:a@b>" */
		if (addr[0] == '@' && (colon = strchr(addr, ':')) != NULL)
			memmove(addr, colon + 1, strlen(colon + 1) + 1);
		mime_addrs_push(out, cap, name[0] ? name : comment, addr);
		free(name);
		free(addr);
		return;
	}
	{
		char *addr = xstrndup(chunk, len);

		mime_addrs_push(out, cap, comment, addr);
		free(addr);
	}
}

/*
 * Parses an address header into out.  The header is cut into mailboxes
 * here, at ',' and ';' outside quotes, comments and <> (libetpan's list
 * parser stops at the first thing it cannot read: "a@b, , c@d", the
 * "a@b; c@d" people type in Outlook); a group's "name:" is dropped and its
 * members kept.  Comments are removed (libetpan 1.9.4 misreads "\)" in
 * them); the first one names a mailbox written "a@b (Jean Dupont)".
 * Afterwards "Dupont, Jean <j@d.fr>" (an unquoted comma, as older Outlook
 * writes it) is joined back: a bare word without a name becomes part of
 * the next entry's name; other bare words are dropped ("To: Jean Dupont"
 * is not an address), but "Mail Delivery System <MAILER-DAEMON>" stays.
 */
static void
mime_parse_addrs(const char *value, struct msg_addrs *out)
{
	size_t len = strlen(value), cap = 0, k;
	struct buf chunk, comment;
	int quoted = 0, angle = 0, depth = 0, ncomments = 0;

	memset(out, 0, sizeof(*out));
	if (len > MIME_MAX_ADDR_HEADER)
		len = MIME_MAX_ADDR_HEADER;
	buf_init(&chunk, 0);
	buf_init(&comment, 0);
	for (size_t i = 0; i <= len && out->n < MIME_MAX_ADDRS; i++) {
		char c = i < len ? value[i] : ',';

		if (depth > 0 && i < len) {
			if (c == '\\' && i + 1 < len) {
				if (ncomments == 1)
					buf_addc(&comment, value[i + 1]);
				i++;
			} else if (c == '(') {
				depth++;
			} else if (c == ')') {
				if (--depth == 0 && !angle)
					buf_addc(&chunk, ' ');
			} else if (ncomments == 1)
				buf_addc(&comment, c);
			continue;
		}
		if (quoted && i < len) {
			buf_addc(&chunk, c);
			if (c == '\\' && i + 1 < len)
				buf_addc(&chunk, value[++i]);
			else if (c == '"')
				quoted = 0;
			continue;
		}
		if (c == '"')
			quoted = 1;
		else if (c == '(') {
			depth = 1;
			ncomments++;
			continue;
		} else if (c == '<')
			angle = 1;
		else if (c == '>')
			angle = 0;
		else if (i == len || (!angle && (c == ',' || c == ';'))) {
			mime_add_chunk(out, &cap, buf_str(&chunk),
			    comment.len ? buf_str(&comment) : NULL);
			buf_reset(&chunk);
			buf_reset(&comment);
			ncomments = 0;
			quoted = 0;
			depth = 0;
			continue;
		} else if (!angle && c == ':' && memchr(buf_str(&chunk), '@',
		    chunk.len) == NULL) {
			buf_reset(&chunk);	/* "group name:" */
			buf_reset(&comment);
			ncomments = 0;
			continue;
		}
		buf_addc(&chunk, c);
	}
	buf_free(&chunk);
	buf_free(&comment);
	/* Join "Dupont, Jean <j@d.fr>"; drop bare words. */
	for (k = 0; k < out->n; k++) {
		struct msg_addr *a = &out->items[k];

		if (strchr(a->address, '@') != NULL || a->name[0] != '\0')
			continue;
		if (k + 1 < out->n && out->items[k + 1].name[0] != '\0' &&
		    strchr(out->items[k + 1].address, '@') != NULL) {
			char *joined = xasprintf("%s, %s", a->address,
			    out->items[k + 1].name);

			free(out->items[k + 1].name);
			out->items[k + 1].name = joined;
		}
		a->address[0] = '\0';	/* marks it for removal */
	}
	for (size_t i = k = 0; i < out->n; i++) {
		if (out->items[i].address[0] == '\0' &&
		    out->items[i].name[0] == '\0') {
			free(out->items[i].name);
			free(out->items[i].address);
			continue;
		}
		out->items[k++] = out->items[i];
	}
	out->n = k;
}

static void
mime_parse_from(const char *value, struct msg_addr *from)
{
	struct msg_addrs all;
	const char *lt;
	char *name;

	mime_parse_addrs(value, &all);
	if (all.n > 0) {
		*from = all.items[0];
		for (size_t i = 1; i < all.n; i++) {
			free(all.items[i].name);
			free(all.items[i].address);
		}
		free(all.items);
		return;
	}
	free(all.items);
	/* "From: Jean Dupont", "From: <>" and other unreadable forms: keep
	 * what is there. */
	lt = strchr(value, '<');
	if (lt == NULL) {
		from->name = mime_decode_words(value, strlen(value));
		from->address = xstrdup("");
		return;
	}
	name = xstrndup(value, (size_t)(lt - value));
	mime_addr_set(from, name, lt);
	free(name);
}

static void
mime_parse_date(const char *value, struct message *msg)
{
	struct mailimf_date_time *dt = NULL;
	size_t len = strlen(value), idx = 0, l;
	char *v = xstrndup(value, len < 1024 ? len : 1024);
	int year, zone, hh, mm, off;
	struct tm tm;

	len = strlen(v);
	mime_tame_parens(v, len, 0);
	if (mailimf_date_time_parse(v, len, &idx, &dt) != MAILIMF_NO_ERROR ||
	    dt == NULL)
		goto out;
	year = dt->dt_year;
	if (year < 50)
		year += 2000;		/* RFC 5322 §4.3 */
	else if (year < 1000)
		year += 1900;
	if (dt->dt_month < 1 || dt->dt_month > 12 || dt->dt_day < 1 ||
	    year > 9999 || dt->dt_day > clock_days_in_month(year,
	    dt->dt_month) || dt->dt_hour < 0 || dt->dt_hour > 23 ||
	    dt->dt_min < 0 || dt->dt_min > 59 || dt->dt_sec < 0 ||
	    dt->dt_sec > 60)
		goto out;
	zone = dt->dt_zone;
	hh = (zone < 0 ? -zone : zone) / 100;
	mm = (zone < 0 ? -zone : zone) % 100;
	off = hh * 60 + mm;
	if (mm >= 60 || hh > 18)
		off = 0;		/* nonsense offset: read as UTC */
	if (zone < 0)
		off = -off;
	/* libetpan 1.9.4 reads the obsolete zone "UT" as +0001. */
	l = idx;
	while (l > 0 && mime_is_wsp((unsigned char)v[l - 1]))
		l--;
	if (l >= 2 && strncasecmp(v + l - 2, "UT", 2) == 0)
		off = 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = dt->dt_month - 1;
	tm.tm_mday = dt->dt_day;
	tm.tm_hour = dt->dt_hour;
	tm.tm_min = dt->dt_min;
	tm.tm_sec = dt->dt_sec > 59 ? 59 : dt->dt_sec;
	msg->date = timegm(&tm) - (time_t)off * 60;
	msg->date_offset = off;
	msg->has_date = 1;
out:
	if (dt != NULL)
		mailimf_date_time_free(dt);
	free(v);
}

/* Message-ids from a Message-ID, In-Reply-To or References value: the
 * contents of <...>; without any <>, the words holding an '@'. */
static size_t
mime_msgids(const char *v, char **ids, size_t max)
{
	size_t n = 0;
	const char *p = v;

	if (strchr(v, '<') != NULL) {
		while (n < max && (p = strchr(p, '<')) != NULL) {
			const char *e = strchr(p + 1, '>');
			const char *lt;
			char *id;

			if (e == NULL)
				break;
			/* "<<id>": the id starts after the last '<'. */
			lt = memrchr(p, '<', (size_t)(e - p));
			id = mime_clean_raw(lt + 1, (size_t)(e - lt - 1));
			if (id[0] != '\0' && strchr(id, ' ') == NULL)
				ids[n++] = id;
			else
				free(id);
			p = e + 1;
		}
		return n;
	}
	while (n < max && *p) {
		size_t l;

		p += strspn(p, " \t,");
		l = strcspn(p, " \t,");
		if (l == 0)
			break;
		if (memchr(p, '@', l) != NULL)
			ids[n++] = mime_clean_raw(p, l);
		p += l;
	}
	return n;
}

static char *
mime_first_msgid(const char *v)
{
	char *id = NULL;

	if (v == NULL || mime_msgids(v, &id, 1) == 0)
		return NULL;
	return id;
}

static char *
mime_return_path(const char *v)
{
	const char *lt = strchr(v, '<');

	if (lt != NULL)
		return mime_clean_raw(lt + 1, strcspn(lt + 1, ">"));
	return mime_clean_raw(v, strlen(v));
}

/* ------------------------------------------------------------------ */
/* message_parse                                                       */

/* The body (and the top-level MIME headers) through libetpan. */
static void
mime_parse_body(struct message *msg, const struct mime_hdrs *h,
    const char *body, size_t blen)
{
	static const char *const mime_fields[] = { "Content-Type",
	    "Content-Transfer-Encoding", "Content-Disposition" };
	struct mime_walk w;
	struct mailmime *tree = NULL;
	struct buf b;
	size_t len, idx = 0;
	char *buf;
	int truncated = 0;

	memset(&w, 0, sizeof(w));
	w.msg = msg;
	buf_init(&w.text, 0);
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(mime_fields) / sizeof(mime_fields[0]);
	    i++) {
		const char *v = mime_hdrs_get(h, mime_fields[i]);

		if (v != NULL)
			buf_printf(&b, "%s: %s\r\n", mime_fields[i], v);
	}
	buf_adds(&b, "\r\n");
	buf_add(&b, body, blen);
	len = b.len;
	buf = buf_steal(&b);
	mime_tame_parens(buf, len, 1);
	truncated = mime_tame_fields(buf, len);
	len = mime_safe_length(buf, len, &truncated);
	if (truncated) {
		log_debug(LOG_CAT_MIME, "message cut at %zu bytes for the "
		    "MIME parser", len);
		msg->truncated = 1;
	}
	if (mailmime_parse(buf, len, &idx, &tree) == MAILIMF_NO_ERROR &&
	    tree != NULL && tree->mm_type == MAILMIME_MESSAGE &&
	    tree->mm_data.mm_message.mm_msg_mime != NULL)
		mime_walk_node(&w, tree->mm_data.mm_message.mm_msg_mime, 0,
		    MIME_BODY);
	else {
		/* libetpan refused it all: the body as text. */
		struct mime_info pi;
		char *t;

		log_debug(LOG_CAT_MIME, "MIME parse failed; body read as text");
		mime_info_from(&pi, mime_hdrs_get(h, "content-type"), NULL,
		    NULL, NULL);
		t = mime_part_text(&pi, body, blen);
		mime_add_text(&w, t);
		free(t);
		mime_info_free(&pi);
	}
	if (w.returned != NULL && (w.saw_report || w.returned_is_headers ||
	    msg->delivery_status != NULL)) {
		msg->returned_headers = w.returned;
		w.returned = NULL;
	}
	free(w.returned);
	/* Trees first, then the buffers they point into. */
	if (tree != NULL)
		mailmime_free(tree);
	while (w.extra != NULL) {
		struct mime_extra *x = w.extra;

		w.extra = x->next;
		if (x->tree != NULL)
			mailmime_free(x->tree);
		free(x->buf);
		free(x);
	}
	free(buf);
	msg->text_from_html = w.from_html;
	msg->text = buf_steal(&w.text);
}

int
message_parse(const char *raw, size_t len, struct message **out, char *err,
    size_t errlen)
{
	struct message *msg = NULL;
	struct mime_hdrs h;
	const char *v;
	size_t off = 0, body;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	*out = NULL;
	if (raw == NULL || len == 0) {
		snprintf(err, errlen, "empty message");
		goto out;
	}
	if (len > MESSAGE_MAX_SIZE) {
		snprintf(err, errlen, "message too large (%zu bytes, limit "
		    "%d)", len, MESSAGE_MAX_SIZE);
		goto out;
	}
	msg = xcalloc(1, sizeof(*msg));
	/* An mbox "From " envelope line is not a header. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);

		off = nl ? (size_t)(nl - raw) + 1 : len;
	}
	body = off + mime_scan_headers(raw + off, len - off, &h,
	    MESSAGE_MAX_HEADERS);
	if (h.more)
		msg->truncated = 1;
	msg->nheaders = h.kept;
	msg->headers = xcalloc(h.kept ? h.kept : 1, sizeof(*msg->headers));
	for (size_t i = 0; i < h.kept; i++) {
		msg->headers[i].name = xstrndup(h.v[i].name, h.v[i].name_len);
		msg->headers[i].value = xstrdup(h.v[i].value);
	}

	if ((v = mime_hdrs_get(&h, "from")) != NULL)
		mime_parse_from(v, &msg->from);
	else {
		msg->from.name = xstrdup("");
		msg->from.address = xstrdup("");
	}
	if ((v = mime_hdrs_get(&h, "to")) != NULL)
		mime_parse_addrs(v, &msg->to);
	if ((v = mime_hdrs_get(&h, "cc")) != NULL)
		mime_parse_addrs(v, &msg->cc);
	if ((v = mime_hdrs_get(&h, "reply-to")) != NULL)
		mime_parse_addrs(v, &msg->reply_to);
	if ((v = mime_hdrs_get(&h, "return-path")) != NULL)
		msg->return_path = mime_return_path(v);
	v = mime_hdrs_get(&h, "subject");
	msg->subject = mime_decode_words(v ? v : "", v ? strlen(v) : 0);
	if ((v = mime_hdrs_get(&h, "date")) != NULL)
		mime_parse_date(v, msg);
	msg->message_id = mime_first_msgid(mime_hdrs_get(&h, "message-id"));
	msg->in_reply_to = mime_first_msgid(mime_hdrs_get(&h,
	    "in-reply-to"));
	if ((v = mime_hdrs_get(&h, "references")) != NULL) {
		msg->references = xcalloc(MIME_MAX_REFS,
		    sizeof(*msg->references));
		msg->nreferences = mime_msgids(v, msg->references,
		    MIME_MAX_REFS);
	}

	mime_parse_body(msg, &h, raw + body, len - body);
	*out = msg;
	msg = NULL;
	rc = 0;
out:
	mime_hdrs_free(&h);
	message_free(msg);
	return rc;
}

static void
mime_addrs_free(struct msg_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].name);
		free(a->items[i].address);
	}
	free(a->items);
}

void
message_free(struct message *msg)
{
	if (msg == NULL)
		return;
	free(msg->from.name);
	free(msg->from.address);
	mime_addrs_free(&msg->to);
	mime_addrs_free(&msg->cc);
	mime_addrs_free(&msg->reply_to);
	free(msg->return_path);
	free(msg->subject);
	free(msg->message_id);
	free(msg->in_reply_to);
	for (size_t i = 0; i < msg->nreferences; i++)
		free(msg->references[i]);
	free(msg->references);
	for (size_t i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	free(msg->html);
	for (size_t i = 0; i < msg->nattachments; i++) {
		free(msg->attachments[i].filename);
		free(msg->attachments[i].content_type);
		free(msg->attachments[i].data);
	}
	free(msg->attachments);
	free(msg->delivery_status);
	free(msg->returned_headers);
	free(msg);
}

const char *
message_header(const struct message *msg, const char *name)
{
	if (msg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < msg->nheaders; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0)
			return msg->headers[i].value;
	return NULL;
}
