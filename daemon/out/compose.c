/*
 * compose.c — writing outgoing mail; see compose.h for the contract.
 *
 * Built by hand on struct buf rather than with libetpan's writer: the
 * writer folds and encodes in ways we cannot fully control (encoded-word
 * length, where an encoded run starts), and what goes out is exactly what
 * we test here.  Header lines are made of "atoms" (words, encoded words,
 * addresses) placed with a fold before any atom that would pass column 78.
 * Every outside string goes through charset_clean_line() before it reaches a
 * header, and every body is encoded, so no input can end a header or
 * start a MIME part.  The usual mail, one text part, is encoded here
 * straight into the message; compose_mime.c builds bodies of more parts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/codec.h"
#include "base/addr.h"
#include "base/buf.h"
#include "base/charset.h"
#include "out/compose.h"
#include "base/mem.h"

#define LINE_MAX_COLS		78
#define EW_MAX			75	/* an encoded word, RFC 2047 §2 */
#define EW_OVERHEAD		12	/* =?UTF-8?Q?...?= */
#define PLAIN_WORD_MAX		70	/* longer words go into encoded words,
					 * which can be split */

static const char hex[] = "0123456789ABCDEF";

/* ---- Strings from outside ----------------------------------------------- */

/* Refuses a field of the mail: WHAT "value" WHY in err, the value (it may
 * come from outside) cut to 60 bytes, non-printables as '?'.  -1. */
static int
refuse(const char *what, const char *s, const char *why, char *err,
    size_t errlen)
{
	char shown[80];
	size_t k = 0;

	for (; s && *s && k + 4 < sizeof(shown) && k < 60; s++)
		shown[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	if (s && *s && k + 4 < sizeof(shown)) {
		memcpy(shown + k, "...", 3);
		k += 3;
	}
	shown[k] = '\0';
	snprintf(err, errlen, "%s \"%s\" %s", what, shown, why);
	return -1;
}

/* The msg-id in s, without <> and blanks, if valid; else NULL.  New
 * string. */
static char *
msgid_clean(const char *s, int strict)
{
	const char *e;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	if (e - s >= 2 && *s == '<' && e[-1] == '>') {
		s++;
		e--;
	}
	if (!addr_msgid_valid(s, (size_t)(e - s), strict))
		return NULL;
	return xstrndup(s, (size_t)(e - s));
}

/* ---- Header lines ------------------------------------------------------- */

struct hdr {
	struct buf	*b;
	size_t		 col;
};

static void
hdr_start(struct hdr *h, struct buf *b, const char *name)
{
	size_t n = strlen(name);

	h->b = b;
	buf_add(b, name, n);
	buf_addc(b, ':');
	h->col = n + 1;
}

/* Adds an atom after a space, or on a new folded line if it would pass
 * column 78 there (even the first atom: "Message-ID:" CRLF " <long id>"
 * is valid, and better than a long line). */
static void
hdr_atom(struct hdr *h, const char *atom, size_t n)
{
	if (h->col > 1 && h->col + 1 + n > LINE_MAX_COLS) {
		buf_add(h->b, "\r\n", 2);
		h->col = 0;
	}
	buf_addc(h->b, ' ');
	buf_add(h->b, atom, n);
	h->col += 1 + n;
}

static void
hdr_atoms(struct hdr *h, const char *atom)
{
	hdr_atom(h, atom, strlen(atom));
}

static void
hdr_end(struct hdr *h)
{
	buf_add(h->b, "\r\n", 2);
}

/* Q encoding safe anywhere (the "phrase" set of RFC 2047 §5). */
static int
q_plain(unsigned char c)
{
	return isalnum(c) || c == '!' || c == '*' || c == '+' || c == '-' ||
	    c == '/';
}

static size_t
q_len(const unsigned char *s, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += (q_plain(s[i]) || s[i] == ' ') ? 1 : 3;
	return len;
}

/*
 * Appends `text` (valid UTF-8, one line) as encoded words, each at most 75
 * characters and cut between characters, as atoms of h.  Q (readable
 * for French: only the accents are encoded) unless it is more than twice
 * as long as B, as for Greek or Cyrillic.
 */
static void
hdr_encoded(struct hdr *h, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), i = 0;
	int use_b = q_len(s, n) > 2 * 4 * ((n + 2) / 3);
	struct buf w;

	buf_init(&w, 0);
	while (i < n) {
		size_t start = i, enc = 0;

		/* Take whole characters while the word stays <= 75. */
		while (i < n) {
			size_t cl = s[i] < 0x80 ? 1 :
			    charset_utf8_seq(text + i, n - i);
			size_t el;

			if (cl == 0)
				cl = 1;
			el = use_b ? 4 * ((i + cl - start + 2) / 3) :
			    enc + q_len(s + i, cl);
			if (el > EW_MAX - EW_OVERHEAD && i > start)
				break;
			enc = el;
			i += cl;
		}
		buf_reset(&w);
		buf_adds(&w, use_b ? "=?UTF-8?B?" : "=?UTF-8?Q?");
		if (use_b)
			codec_b64_encode(&w, s + start, i - start);
		else {
			for (size_t j = start; j < i; j++) {
				if (s[j] == ' ')
					buf_addc(&w, '_');
				else if (q_plain(s[j]))
					buf_addc(&w, (char)s[j]);
				else {
					buf_addc(&w, '=');
					buf_addc(&w, hex[s[j] >> 4]);
					buf_addc(&w, hex[s[j] & 15]);
				}
			}
		}
		buf_adds(&w, "?=");
		hdr_atom(h, w.data, w.len);
	}
	buf_free(&w);
}

/* A word that cannot stay as it is in a header. */
static int
needs_encoding(const char *w, size_t n)
{
	if (n > PLAIN_WORD_MAX)
		return 1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] >= 0x80 || (w[i] == '=' &&
		    i + 1 < n && w[i + 1] == '?'))
			return 1;
	return 0;
}

/*
 * Unstructured text (Subject): plain words stay readable; the run from the
 * first to the last word that needs it is encoded (spaces inside), so the
 * [CDP-...] tag at either end stays plain for every client.
 */
static void
hdr_unstructured(struct hdr *h, const char *text)
{
	size_t n = strlen(text), i, first = n, last_end = 0;

	for (i = 0; i < n;) {
		size_t j = i;

		while (j < n && text[j] != ' ')
			j++;
		if (needs_encoding(text + i, j - i)) {
			if (first == n)
				first = i;
			last_end = j;
		}
		i = j < n ? j + 1 : j;
	}
	for (i = 0; i < n;) {
		size_t j = i;

		if (i == first) {
			char *run = xstrndup(text + first, last_end - first);

			hdr_encoded(h, run);
			free(run);
			i = last_end < n ? last_end + 1 : last_end;
			continue;
		}
		while (j < n && text[j] != ' ')
			j++;
		hdr_atom(h, text + i, j - i);
		i = j < n ? j + 1 : j;
	}
}

/* atext of RFC 5322, and the space between words. */
static int
phrase_plain(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != ' ' &&
		    !strchr("!#$%&'*+-/=?^_`{|}~", *s))
			return 0;
	return 1;
}

/* "Name <addr>" (name cleaned; plain, quoted or encoded), then `tail`
 * (e.g. ",") glued to the address. */
static void
hdr_mailbox(struct hdr *h, const char *rawname, const char *addr,
    const char *tail)
{
	char *name = charset_clean_line(rawname);
	char *a;

	/* A name that is the address again says nothing: a bare address. */
	if (*name == '\0' || strcasecmp(name, addr) == 0) {
		a = xasprintf("%s%s", addr, tail);
		hdr_atoms(h, a);
		free(a);
		free(name);
		return;
	}
	if (!compose_mime_ascii(name) || strstr(name, "=?") ||
	    strlen(name) > PLAIN_WORD_MAX)
		hdr_encoded(h, name);
	else if (phrase_plain(name)) {
		char *p = name, *sp;

		while ((sp = strchr(p, ' ')) != NULL) {
			hdr_atom(h, p, (size_t)(sp - p));
			p = sp + 1;
		}
		hdr_atoms(h, p);
	} else {
		struct buf q;

		buf_init(&q, 0);
		buf_addc(&q, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&q, '\\');
			buf_addc(&q, *p);
		}
		buf_addc(&q, '"');
		hdr_atom(h, q.data, q.len);
		buf_free(&q);
	}
	a = xasprintf("<%s>%s", addr, tail);
	hdr_atoms(h, a);
	free(a);
	free(name);
}

static void
hdr_addresses(struct buf *b, const char *field, const struct compose_addr *v,
    size_t n)
{
	struct hdr h;

	hdr_start(&h, b, field);
	for (size_t i = 0; i < n; i++)
		hdr_mailbox(&h, v[i].name, v[i].address, i + 1 < n ? "," : "");
	hdr_end(&h);
}

/* "Name: <id>", folded before the id if the line would be too long;
 * tmp is scratch space. */
static void
hdr_msgid(struct buf *b, const char *name, const char *id, struct buf *tmp)
{
	struct hdr h;

	buf_reset(tmp);
	buf_addc(tmp, '<');
	buf_adds(tmp, id);
	buf_addc(tmp, '>');
	hdr_start(&h, b, name);
	hdr_atom(&h, tmp->data, tmp->len);
	hdr_end(&h);
}

/* Two decimal digits of v (0..99) at p. */
static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* RFC 5322 date in local time (the network's zone). */
static void
hdr_date(struct buf *b, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;
	char d[40];
	int year;

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	year = tm.tm_year + 1900;
	if (year < 1000 || year > 9999 || labs(off) >= 100 * 60) {
		buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d "
		    "%c%02ld%02ld\r\n", days[tm.tm_wday], tm.tm_mday,
		    months[tm.tm_mon], year, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
		return;
	}
	/* By hand: printf of eight numbers cost more than the rest of the
	 * header. */
	memcpy(d, "Date: Ddd, 00 Mmm 0000 00:00:00 +0000\r\n", 39);
	memcpy(d + 6, days[tm.tm_wday], 3);
	put2(d + 11, tm.tm_mday);
	memcpy(d + 14, months[tm.tm_mon], 3);
	put2(d + 18, year / 100);
	put2(d + 20, year % 100);
	put2(d + 23, tm.tm_hour);
	put2(d + 26, tm.tm_min);
	put2(d + 29, tm.tm_sec);
	d[32] = off < 0 ? '-' : '+';
	put2(d + 33, (int)(labs(off) / 60));
	put2(d + 35, (int)(labs(off) % 60));
	buf_add(b, d, 39);
}

/* ---- The message -------------------------------------------------------- */

/* what: e.g. "To address". */
static int
check_addresses(const char *what, const struct compose_addr *v, size_t n,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++)
		if (!addr_valid(v[i].address))
			return refuse(what, v[i].address, "is not a valid "
			    "address", err, errlen);
	return 0;
}

static int
method_ok(const char *m)
{
	size_t n = strlen(m);

	if (n == 0 || n > 20)
		return 0;
	for (; *m; m++)
		if (!(*m >= 'A' && *m <= 'Z') && *m != '-')
			return 0;
	return 1;
}

int
compose_build(const struct compose_mail *m, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct compose_addr from = { NULL, m->from_addr };
	struct compose_addr reply_to = { NULL, m->reply_to };
	size_t nrefs = 0;
	struct buf msg, ref;
	struct hdr h;
	char *id = NULL, *irt = NULL, *subject = NULL;
	const char *autosub = m->auto_submitted ? m->auto_submitted :
	    "auto-generated";
	const char *method = m->calendar_method ? m->calendar_method :
	    "REQUEST";
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	buf_init(&msg, COMPOSE_MAX_SIZE);
	buf_init(&ref, 0);
	if (m->nattachments > COMPOSE_MAX_ATTACHMENTS) {
		snprintf(err, errlen, "more than %d attachments",
		    COMPOSE_MAX_ATTACHMENTS);
		goto out;
	}
	if (m->body_text == NULL || m->nto == 0) {
		snprintf(err, errlen, "a mail needs a text body and a To "
		    "address");
		goto out;
	}
	if (check_addresses("From address", &from, 1, err, errlen) != 0 ||
	    check_addresses("Reply-To address", &reply_to, m->reply_to != NULL,
	    err, errlen) != 0 ||
	    check_addresses("To address", m->to, m->nto, err, errlen) != 0 ||
	    check_addresses("Cc address", m->cc, m->ncc, err, errlen) != 0)
		goto out;
	if ((id = msgid_clean(m->message_id, 1)) == NULL) {
		refuse("Message-ID", m->message_id, "is not valid", err,
		    errlen);
		goto out;
	}
	if (strcmp(autosub, "auto-generated") != 0 &&
	    strcmp(autosub, "auto-replied") != 0) {
		refuse("Auto-Submitted", autosub, "is neither auto-generated "
		    "nor auto-replied", err, errlen);
		goto out;
	}
	if (m->calendar && !method_ok(method)) {
		refuse("calendar method", method, "is not valid", err, errlen);
		goto out;
	}

	/* Headers, and the text of a text-only mail: one allocation. */
	buf_reserve(&msg, 2048 + strlen(m->body_text) * 5 / 4);
	hdr_date(&msg, m->date);
	hdr_start(&h, &msg, "From");
	hdr_mailbox(&h, m->from_name, m->from_addr, "");
	hdr_end(&h);
	if (m->reply_to) {
		hdr_start(&h, &msg, "Reply-To");
		hdr_atoms(&h, m->reply_to);
		hdr_end(&h);
	}
	hdr_addresses(&msg, "To", m->to, m->nto);
	if (m->ncc)
		hdr_addresses(&msg, "Cc", m->cc, m->ncc);
	subject = charset_clean_line(m->subject);
	hdr_start(&h, &msg, "Subject");
	hdr_unstructured(&h, subject);
	hdr_end(&h);
	hdr_msgid(&msg, "Message-ID", id, &ref);
	if ((irt = msgid_clean(m->in_reply_to, 0)) != NULL)
		hdr_msgid(&msg, "In-Reply-To", irt, &ref);
	for (size_t i = 0; i < m->nreferences; i++) {
		char *r;

		/* The first, then the most recent ones. */
		if (i > 0 && m->nreferences - i >= COMPOSE_MAX_REFERENCES)
			continue;
		if ((r = msgid_clean(m->references[i], 0)) == NULL)
			continue;
		if (nrefs++ == 0)
			hdr_start(&h, &msg, "References");
		buf_reset(&ref);
		buf_addc(&ref, '<');
		buf_adds(&ref, r);
		buf_addc(&ref, '>');
		hdr_atom(&h, ref.data, ref.len);
		free(r);
	}
	if (nrefs > 0)
		hdr_end(&h);
	buf_adds(&msg, "Auto-Submitted: ");
	buf_adds(&msg, autosub);
	buf_adds(&msg, "\r\nX-Auto-Response-Suppress: All\r\n"
	    "MIME-Version: 1.0\r\n");

	if (m->body_html == NULL && m->calendar == NULL &&
	    m->nattachments == 0) {
		/* Most mail is one text part: encoded straight into the
		 * message, the bytes compose_mime_body() would give it. */
		compose_mime_text_head(&msg, "plain");
		buf_add(&msg, "\r\n", 2);
		codec_qp_encode_text(&msg, m->body_text);
	} else
		compose_mime_body(m, id, method, &msg);
	if (msg.len < 2 || memcmp(msg.data + msg.len - 2, "\r\n", 2) != 0)
		buf_add(&msg, "\r\n", 2);
	if (msg.overflow) {
		snprintf(err, errlen, "message larger than %d bytes",
		    COMPOSE_MAX_SIZE);
		goto out;
	}
	*outlen = msg.len;
	*out = buf_steal(&msg);
	rc = 0;
out:
	buf_free(&msg);
	buf_free(&ref);
	free(id);
	free(irt);
	free(subject);
	return rc;
}

char *
compose_tag_subject(const char *ref, const char *subject)
{
	char *tag = xasprintf("[%s]", ref);
	char *r;

	if (subject == NULL || *subject == '\0')
		return tag;
	if (strcasestr(subject, tag) != NULL)
		r = xstrdup(subject);
	else
		r = xasprintf("%s %s", tag, subject);
	free(tag);
	return r;
}
