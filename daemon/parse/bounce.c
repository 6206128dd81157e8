/*
 * bounce.c — the failed recipient, status and action of a bounce; see
 * bounce.h.
 *
 * RFC 3464 fields are read by a small line parser (unfolding, one block
 * per recipient, blank lines between blocks, and tolerant of MTAs that run
 * recipient blocks together, as some Exchange and Domino versions do).
 * Non-standard bounces are read with the administrator's rules, then with
 * what needs no phrase: Exim's X-Failed-Recipients header, the To of the
 * returned message, the first address that is not a party to the bounce
 * itself, and the first RFC 3463 code.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/bounce.h"
#include "base/buf.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/rules.h"

/* Longest address kept (RFC 5321 path limit is 256 octets). */
#define BOUNCE_MAX_ADDR	320

void
bounce_info_free(struct bounce_info *b)
{
	if (b == NULL)
		return;
	free(b->recipient);
	free(b->status);
	free(b->action);
	b->recipient = b->status = b->action = NULL;
}

long
bounce_rules_earliest(const struct rules *rules, const char *label,
    const char *s, size_t len, size_t *end)
{
	const size_t *idx;
	size_t k, n, st, en;
	long best = -1;

	if (rules == NULL || s == NULL)
		return -1;
	n = rules_with_label(rules, label, &idx);
	for (k = 0; k < n; k++) {
		if (rules_match(rules, idx[k], s, len, &st, &en) != 1)
			continue;
		if (best < 0 || (long)st < best) {
			best = (long)st;
			if (end != NULL)
				*end = en;
		}
	}
	return best;
}

/*
 * Finds an RFC 3463 code "C.S.D" (class 2, 4 or 5, subject and detail of
 * one to three digits) in s[0..len) that is not part of a longer dotted
 * number (an IP address, a version).  Returns a new string or NULL.
 * `classes` lists the acceptable class digits.
 */
static char *
bounce_find_status(const char *s, size_t len, const char *classes)
{
	size_t i, j, k, a, b;

	for (i = 0; i + 5 <= len; i++) {
		if (s[i] == '\0' || strchr(classes, s[i]) == NULL)
			continue;
		if (i > 0 && (isdigit((unsigned char)s[i - 1]) ||
		    s[i - 1] == '.'))
			continue;
		if (s[i + 1] != '.')
			continue;
		j = i + 2;
		for (a = 0; j < len && isdigit((unsigned char)s[j]) && a < 4;
		    j++)
			a++;
		if (a < 1 || a > 3 || j >= len || s[j] != '.')
			continue;
		k = j + 1;
		for (b = 0; k < len && isdigit((unsigned char)s[k]) && b < 4;
		    k++)
			b++;
		if (b < 1 || b > 3)
			continue;
		/* "5.1.1." ends a sentence; "10.5.1.1" or "5.1.1.2" does
		 * not end a status code. */
		if (k < len && (isdigit((unsigned char)s[k]) ||
		    (s[k] == '.' && k + 1 < len &&
		    isdigit((unsigned char)s[k + 1]))))
			continue;
		return xstrndup(s + i, k - i);
	}
	return NULL;
}

/* 1 for a status that says only its class: "5.0.0", "4.0.0". */
static int
bounce_status_generic(const char *st)
{
	return strcmp(st + 1, ".0.0") == 0;
}

/* First SMTP reply code (4xx or 5xx, not inside a longer number) in
 * s[0..len), as the generic status "C.0.0"; NULL if none. */
static char *
bounce_reply_status(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if (s[i] != '4' && s[i] != '5')
			continue;
		if (i > 0 && (isalnum((unsigned char)s[i - 1]) ||
		    s[i - 1] == '.'))
			continue;
		if (!isdigit((unsigned char)s[i + 1]) ||
		    !isdigit((unsigned char)s[i + 2]))
			continue;
		if (i + 3 < len && (isalnum((unsigned char)s[i + 3]) ||
		    s[i + 3] == '.'))
			continue;
		return xasprintf("%c.0.0", s[i]);
	}
	return NULL;
}

/* Addresses in reports are ASCII in practice; stopping at the first other
 * byte keeps text glued to an address out of it (Google Groups writes
 * "kijitora@example.jp،" in Arabic, "...jp您好" in Chinese). */
static int
bounce_addr_char(unsigned char c)
{
	return isalnum(c) || (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c)
	    != NULL);
}

static int
bounce_domain_char(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-';
}

/*
 * Cleans an address as found in a report: drops an "rfc822;" type, blanks,
 * <> and mailto:, a trailing dot.  Returns a new string, or NULL when what
 * is left is empty, too long or has no '@' with something on both sides.
 */
static char *
bounce_clean_addr(const char *s, size_t len)
{
	const char *p = s, *e = s + len, *semi, *at, *q;

	semi = memchr(p, ';', len);
	if (semi != NULL)
		p = semi + 1;
	while (p < e && (isspace((unsigned char)*p) || *p == '<' ||
	    *p == '"' || *p == '\''))
		p++;
	if ((size_t)(e - p) >= 7 && strncasecmp(p, "mailto:", 7) == 0)
		p += 7;
	while (e > p && (isspace((unsigned char)e[-1]) || e[-1] == '>' ||
	    e[-1] == '.' || e[-1] == '"' || e[-1] == '\'' || e[-1] == ',' ||
	    e[-1] == ':' || e[-1] == ';'))
		e--;
	/* Stop at the first blank or bracket: "addr> (reason)". */
	for (at = p; at < e; at++)
		if (isspace((unsigned char)*at) || *at == '<' || *at == '>' ||
		    *at == '(' || *at == ')' || *at == '[' || *at == ']' ||
		    *at == ',')
			break;
	e = at;
	at = memchr(p, '@', (size_t)(e - p));
	if (at == NULL || at == p)
		return NULL;
	for (q = at + 1; q < e && bounce_domain_char((unsigned char)*q); q++)
		;
	e = q;
	while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
		e--;
	if (e == at + 1 || (size_t)(e - p) > BOUNCE_MAX_ADDR)
		return NULL;
	return xstrndup(p, (size_t)(e - p));
}

/* One recipient block of a delivery-status text: the raw field values
 * (unfolded), owned. */
struct dsn_rcpt {
	char	*final;
	char	*orig;
	char	*action;
	char	*status;
	char	*diag;
};

static void
dsn_rcpt_clear(struct dsn_rcpt *r)
{
	free(r->final);
	free(r->orig);
	free(r->action);
	free(r->status);
	free(r->diag);
	memset(r, 0, sizeof(*r));
}

/* RFC 3464 §2.3 makes Final-Recipient mandatory; a block with neither a
 * recipient nor a Status is not about a recipient (Boxbe's
 * challenge-response mails carry such a block with "Action: failed"). */
static int
dsn_rcpt_any(const struct dsn_rcpt *r)
{
	return r->final || r->orig || r->status;
}

static enum bounce_dsn
dsn_rcpt_kind(const struct dsn_rcpt *r)
{
	const char *a = r->action, *st = r->status;

	if (a != NULL) {
		while (isspace((unsigned char)*a))
			a++;
		if (strncasecmp(a, "failed", 6) == 0 ||
		    strncasecmp(a, "failure", 7) == 0)
			return BOUNCE_DSN_FAILED;
		if (strncasecmp(a, "delayed", 7) == 0)
			return BOUNCE_DSN_DELAYED;
		if (strncasecmp(a, "delivered", 9) == 0 ||
		    strncasecmp(a, "relayed", 7) == 0 ||
		    strncasecmp(a, "expanded", 8) == 0)
			return BOUNCE_DSN_DELIVERED;
	}
	/* No (or an unknown) Action: some MTAs give only Status. */
	if (st != NULL) {
		while (isspace((unsigned char)*st))
			st++;
		if (*st == '5')
			return BOUNCE_DSN_FAILED;
		if (*st == '4')
			return BOUNCE_DSN_DELAYED;
		if (*st == '2')
			return BOUNCE_DSN_DELIVERED;
	}
	if (r->diag != NULL) {
		char *code = bounce_find_status(r->diag, strlen(r->diag),
		    "45");

		if (code != NULL) {
			enum bounce_dsn k = code[0] == '5' ?
			    BOUNCE_DSN_FAILED : BOUNCE_DSN_DELAYED;

			free(code);
			return k;
		}
	}
	return BOUNCE_DSN_NONE;
}

/* The status of a recipient block: Status's code, made more precise by the
 * Diagnostic-Code when Status is only the generic "C.0.0" (Postfix and
 * Sendmail write "Status: 5.0.0" with "550 5.1.1" in the diagnostic). */
static char *
dsn_rcpt_status(const struct dsn_rcpt *r)
{
	char *st = NULL, *dg = NULL;

	if (r->status != NULL)
		st = bounce_find_status(r->status, strlen(r->status), "245");
	if (r->diag != NULL)
		dg = bounce_find_status(r->diag, strlen(r->diag), "45");
	if (st != NULL && dg != NULL && bounce_status_generic(st) &&
	    dg[0] == st[0]) {
		free(st);
		return dg;
	}
	if (st != NULL) {
		free(dg);
		return st;
	}
	if (dg != NULL)
		return dg;
	if (r->diag != NULL)
		return bounce_reply_status(r->diag, strlen(r->diag));
	return NULL;
}

static void
dsn_field(struct dsn_rcpt *cur, const char *line, size_t len)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} fields[] = {
		{ "final-recipient", offsetof(struct dsn_rcpt, final) },
		{ "original-recipient", offsetof(struct dsn_rcpt, orig) },
		{ "action", offsetof(struct dsn_rcpt, action) },
		{ "status", offsetof(struct dsn_rcpt, status) },
		{ "diagnostic-code", offsetof(struct dsn_rcpt, diag) },
	};
	const char *colon = memchr(line, ':', len), *v;
	size_t i, nlen;
	char **slot;

	if (colon == NULL)
		return;
	nlen = (size_t)(colon - line);
	while (nlen > 0 && isspace((unsigned char)line[nlen - 1]))
		nlen--;
	v = colon + 1;
	while (v < line + len && isspace((unsigned char)*v))
		v++;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strlen(fields[i].name) != nlen ||
		    strncasecmp(line, fields[i].name, nlen) != 0)
			continue;
		slot = (char **)((char *)cur + fields[i].off);
		if (*slot == NULL)
			*slot = xstrndup(v, (size_t)(line + len - v));
		return;
	}
}

/* Folds the finished block `cur` into the best one so far. */
static void
dsn_take(struct dsn_rcpt *cur, struct dsn_rcpt *best, enum bounce_dsn *kind)
{
	enum bounce_dsn k;

	if (!dsn_rcpt_any(cur)) {
		dsn_rcpt_clear(cur);
		return;
	}
	k = dsn_rcpt_kind(cur);
	if ((k == BOUNCE_DSN_FAILED && *kind != BOUNCE_DSN_FAILED) ||
	    (k == BOUNCE_DSN_DELAYED && (*kind == BOUNCE_DSN_NONE ||
	    *kind == BOUNCE_DSN_DELIVERED))) {
		dsn_rcpt_clear(best);
		*best = *cur;
		memset(cur, 0, sizeof(*cur));
		*kind = k;
		return;
	}
	if (k == BOUNCE_DSN_DELIVERED && *kind == BOUNCE_DSN_NONE)
		*kind = k;
	dsn_rcpt_clear(cur);
}

enum bounce_dsn
bounce_parse_dsn(const char *ds, struct bounce_info *out)
{
	struct dsn_rcpt cur, best;
	enum bounce_dsn kind = BOUNCE_DSN_NONE;
	struct buf field;
	const char *p, *end, *eol, *line;
	size_t len, n;

	memset(&cur, 0, sizeof(cur));
	memset(&best, 0, sizeof(best));
	buf_init(&field, 0);
	if (ds == NULL)
		goto out;
	n = strlen(ds);
	if (n > BOUNCE_MAX_DSN)
		n = BOUNCE_MAX_DSN;
	p = ds;
	end = ds + n;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		line = p;
		len = (size_t)(eol - p);
		p = eol < end ? eol + 1 : end;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
			size_t k = 0;

			while (k < len && isspace((unsigned char)line[k]))
				k++;
			if (k == len) {
				/* A line of blanks separates blocks too. */
				len = 0;
			} else if (field.len > 0) {
				buf_addc(&field, ' ');
				buf_add(&field, line + k, len - k);
				continue;
			} else {
				line += k;
				len -= k;
			}
		}
		if (field.len > 0) {
			dsn_field(&cur, field.data, field.len);
			buf_reset(&field);
		}
		if (len == 0) {
			dsn_take(&cur, &best, &kind);
			continue;
		}
		/* Recipient blocks run together: a second Final-Recipient,
		 * or an Original-Recipient after a block's Action or Status
		 * (RFC 3464 puts it first), starts a new block. */
		if ((cur.final != NULL && len >= 16 &&
		    strncasecmp(line, "final-recipient:", 16) == 0) ||
		    ((cur.orig != NULL || cur.action != NULL ||
		    cur.status != NULL) && len >= 19 &&
		    strncasecmp(line, "original-recipient:", 19) == 0))
			dsn_take(&cur, &best, &kind);
		buf_add(&field, line, len);
	}
	if (field.len > 0)
		dsn_field(&cur, field.data, field.len);
	dsn_take(&cur, &best, &kind);

	if (kind == BOUNCE_DSN_FAILED || kind == BOUNCE_DSN_DELAYED) {
		if (best.orig != NULL)
			out->recipient = bounce_clean_addr(best.orig,
			    strlen(best.orig));
		if (out->recipient == NULL && best.final != NULL)
			out->recipient = bounce_clean_addr(best.final,
			    strlen(best.final));
		out->status = dsn_rcpt_status(&best);
		out->action = xstrdup(kind == BOUNCE_DSN_FAILED ? "failed" :
		    "delayed");
	}
out:
	buf_free(&field);
	dsn_rcpt_clear(&cur);
	dsn_rcpt_clear(&best);
	return kind;
}

/* 1 if `addr` is a party to the bounce itself (its sender, envelope
 * sender, recipients) or a delivery system's own address. */
static int
bounce_addr_excluded(const struct message *msg, const struct rules *rules,
    const char *addr)
{
	size_t i;

	if (msg->from.address != NULL &&
	    strcasecmp(addr, msg->from.address) == 0)
		return 1;
	if (msg->return_path != NULL &&
	    strcasecmp(addr, msg->return_path) == 0)
		return 1;
	for (i = 0; i < msg->to.n; i++)
		if (msg->to.items[i].address != NULL &&
		    strcasecmp(addr, msg->to.items[i].address) == 0)
			return 1;
	for (i = 0; i < msg->cc.n; i++)
		if (msg->cc.items[i].address != NULL &&
		    strcasecmp(addr, msg->cc.items[i].address) == 0)
			return 1;
	if (bounce_rules_earliest(rules, "bounce_sender", addr, strlen(addr),
	    NULL) >= 0)
		return 1;
	return 0;
}

/* The first address in s[0..len) that is not excluded; NULL if none. */
static char *
bounce_scan_addr(const struct message *msg, const struct rules *rules,
    const char *s, size_t len)
{
	size_t i, a, b;
	char *addr;

	for (i = 1; i + 1 < len; i++) {
		if (s[i] != '@')
			continue;
		a = i;
		while (a > 0 && bounce_addr_char((unsigned char)s[a - 1]))
			a--;
		b = i + 1;
		while (b < len && bounce_domain_char((unsigned char)s[b]))
			b++;
		while (a < i && s[a] == '.')
			a++;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a == i || b <= i + 1 || memchr(s + i + 1, '.',
		    b - i - 1) == NULL)
			continue;
		addr = bounce_clean_addr(s + a, b - a);
		if (addr == NULL)
			continue;
		if (!bounce_addr_excluded(msg, rules, addr))
			return addr;
		free(addr);
	}
	return NULL;
}

/* The first address of the returned message's To: when a report names
 * no recipient (Postfix's "Delivery report unavailable"), the mail we
 * sent was addressed to the one that failed.  NULL if none. */
static char *
bounce_returned_to(const struct message *msg, const struct rules *rules)
{
	const char *p = msg->returned_headers, *end, *nl;
	size_t n;

	if (p == NULL)
		return NULL;
	end = p + strnlen(p, BOUNCE_MAX_TEXT);
	while (p < end) {
		if ((size_t)(end - p) > 3 && strncasecmp(p, "to:", 3) == 0) {
			/* The field and its continuation lines. */
			for (nl = p; (nl = memchr(nl, '\n',
			    (size_t)(end - nl))) != NULL; nl++)
				if (nl + 1 >= end || (nl[1] != ' ' &&
				    nl[1] != '\t'))
					break;
			n = (nl != NULL ? (size_t)(nl - p) : (size_t)(end - p));
			return bounce_scan_addr(msg, rules, p + 3, n - 3);
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return NULL;
}

/* The first rule labelled `label` (in file order: the administrator puts
 * specific phrasings first) that matches, as a new copy of the match. */
static char *
bounce_rule_capture(const struct rules *rules, const char *label,
    const char *s, size_t len)
{
	const size_t *idx;
	size_t k, n, st, en;

	n = rules_with_label(rules, label, &idx);
	for (k = 0; k < n; k++)
		if (rules_match(rules, idx[k], s, len, &st, &en) == 1 &&
		    en > st)
			return xstrndup(s + st, en - st);
	return NULL;
}

/* Same, for the recipient: each matching rule in turn until one gives an
 * address.  A rule names the failed address by its place in a known
 * phrasing, so it is trusted even when it is a postmaster address or the
 * sender's own (people test by writing to themselves); only the bounce's
 * own From is refused. */
static char *
bounce_rule_recipient(const struct message *msg, const struct rules *rules,
    const char *s, size_t len)
{
	const size_t *idx;
	size_t k, n, st, en;
	char *addr;

	n = rules_with_label(rules, "bounce_recipient", &idx);
	for (k = 0; k < n; k++) {
		if (rules_match(rules, idx[k], s, len, &st, &en) != 1 ||
		    en <= st)
			continue;
		addr = bounce_clean_addr(s + st, en - st);
		if (addr == NULL)
			continue;
		if (msg->from.address == NULL ||
		    strcasecmp(addr, msg->from.address) != 0)
			return addr;
		free(addr);
	}
	return NULL;
}

/*
 * Status from human text s[0..len): a `bounce_status` rule, else the first
 * 4.x.x / 5.x.x code.  A generic "5.0.0" already in *status is replaced by
 * a precise code of the same class (OpenSMTPD writes "Status: 5.0.0" with
 * the remote "550 5.7.26" only in the human part).
 */
static void
bounce_text_status(const struct rules *rules, const char *s, size_t len,
    char **status)
{
	char *st = NULL, *m;

	if (*status != NULL && !bounce_status_generic(*status))
		return;
	m = bounce_rule_capture(rules, "bounce_status", s, len);
	if (m != NULL) {
		st = bounce_find_status(m, strlen(m), "245");
		free(m);
	}
	if (st == NULL)
		st = bounce_find_status(s, len, "45");
	if (st != NULL && (*status == NULL || (st[0] == (*status)[0] &&
	    !bounce_status_generic(st)))) {
		free(*status);
		*status = st;
	} else
		free(st);
}

/* Only "550" in the text: the generic status of its class. */
static void
bounce_text_reply(const struct rules *rules, const char *s, size_t len,
    char **status)
{
	char *m;

	if (*status != NULL)
		return;
	m = bounce_rule_capture(rules, "bounce_reply", s, len);
	if (m != NULL) {
		*status = bounce_reply_status(m, strlen(m));
		free(m);
	}
}

void
bounce_parse_text(const struct message *msg, const struct rules *rules,
    struct bounce_info *out)
{
	const char *text = msg->text != NULL ? msg->text : "";
	/* Some MTAs write their human text in the delivery-status part
	 * (InterMail: "This Message was undeliverable due to..."): it is
	 * searched after the text. */
	const char *ds = msg->delivery_status;
	size_t len = strnlen(text, BOUNCE_MAX_TEXT);
	size_t dslen = ds != NULL ? strnlen(ds, BOUNCE_MAX_TEXT) : 0;
	long cut;

	/* Only the report itself: the returned copy below the marker is the
	 * original mail, with our own addresses and codes in it. */
	cut = bounce_rules_earliest(rules, "bounce_original", text, len, NULL);
	if (cut > 0)
		len = (size_t)cut;

	/* Exim names the failed addresses in a header of its own. */
	if (out->recipient == NULL) {
		const char *xf = message_header(msg, "X-Failed-Recipients");

		if (xf != NULL)
			out->recipient = bounce_clean_addr(xf, strlen(xf));
	}
	if (out->recipient == NULL)
		out->recipient = bounce_rule_recipient(msg, rules, text, len);
	if (out->recipient == NULL && ds != NULL)
		out->recipient = bounce_rule_recipient(msg, rules, ds, dslen);
	if (out->recipient == NULL)
		out->recipient = bounce_returned_to(msg, rules);
	if (out->recipient == NULL)
		out->recipient = bounce_scan_addr(msg, rules, text, len);
	if (out->recipient == NULL && ds != NULL)
		out->recipient = bounce_scan_addr(msg, rules, ds, dslen);

	bounce_text_status(rules, text, len, &out->status);
	if (ds != NULL)
		bounce_text_status(rules, ds, dslen, &out->status);
	bounce_text_reply(rules, text, len, &out->status);
	if (ds != NULL)
		bounce_text_reply(rules, ds, dslen, &out->status);

	if (out->action == NULL) {
		const char *subj = msg->subject != NULL ? msg->subject : "";
		int delayed = bounce_rules_earliest(rules, "bounce_delayed",
		    subj, strlen(subj), NULL) >= 0 ||
		    bounce_rules_earliest(rules, "bounce_delayed", text, len,
		    NULL) >= 0;

		out->action = xstrdup(delayed ? "delayed" : "failed");
	}
}
