/*
 * trust.c — Authentication-Results (RFC 8601) from our own server, for the
 * trust of a mail matched to its case by the subject tag; see trust.h.
 *
 * A small hand-written parser rather than a regular expression: comments
 * nest, quoted strings may hold ';' or "dkim=pass", and text the sender
 * controls (envelope sender, From domain, SMTP details a server copies into
 * comments) sits inside the very header we trust.  The grammar is read
 * strictly, with two tolerances for what real servers write: a property
 * value runs up to a blank, ';' or a comment (Gmail's header.b holds '/' and
 * '+', base64 may end in '='), and a property without a ptype (Microsoft's
 * "dmarc=pass action=none") is skipped like any property we do not need.
 * Any other surprise voids the whole header: failing closed only costs the
 * referent a manual step, failing open lets a stranger run commands.
 * Character classes are ASCII by hand so the locale cannot change them.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "thread/trust.h"

#define AR_WORD_MAX	64	/* method, result and property names */
#define AR_VALUE_MAX	256	/* authserv-ids and property values: a longer
				 * one cannot hold a domain (253 bytes at most,
				 * RFC 1035) we would compare */
#define AR_DOMAIN_MAX	253

/* The properties that name what was authenticated. */
enum ar_prop {
	AR_HEADER_D,		/* dkim: the signing domain */
	AR_HEADER_I,		/* dkim: the agent, "@example.org" */
	AR_SMTP_MAILFROM,	/* spf: the envelope sender or its domain */
	AR_HEADER_FROM,		/* dmarc: the From domain it evaluated */
	AR_NPROPS
};

static const char *const ar_prop_names[AR_NPROPS] = {
	"header.d", "header.i", "smtp.mailfrom", "header.from"
};

/* One "method=result property=value ..." of a header. */
struct ar_result {
	char	method[AR_WORD_MAX];
	char	result[AR_WORD_MAX];
	char	props[AR_NPROPS][AR_VALUE_MAX];	/* "" if unset or too long */
	int	seen[AR_NPROPS];
};

static int
ar_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ar_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
ar_ieqn(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (ar_lower((unsigned char)a[i]) != ar_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
ar_ieq(const char *a, const char *b)
{
	return ar_ieqn(a, strlen(a), b, strlen(b));
}

/* Folding is undone in message headers, but CR and LF may remain. */
static int
ar_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips blanks and comments (nested, with quoted pairs); -1 on a comment
 * that never closes. */
static int
ar_skip_cfws(const char **sp)
{
	const char *s = *sp;
	int depth;

	for (;;) {
		while (ar_blank(*s))
			s++;
		if (*s != '(')
			break;
		depth = 0;
		do {
			if (*s == '\0')
				return -1;
			if (*s == '\\' && s[1] != '\0')
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')')
				depth--;
			s++;
		} while (depth > 0);
	}
	*sp = s;
	return 0;
}

/* A method, result or property name (RFC 8601 Keyword; '.' allowed when
 * `dots`, for "ptype.property"), then any blanks and comments. */
static int
ar_keyword(const char **sp, int dots, char *out, size_t outlen)
{
	size_t n = 0;

	while (ar_alnum((unsigned char)**sp) || **sp == '-' || **sp == '_' ||
	    (dots && **sp == '.')) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = *(*sp)++;
	}
	out[n] = '\0';
	return n == 0 ? -1 : ar_skip_cfws(sp);
}

/* '=' between a name and its value, with blanks and comments around. */
static int
ar_equals(const char **sp)
{
	if (**sp != '=')
		return -1;
	(*sp)++;
	return ar_skip_cfws(sp);
}

static void
ar_put(char *out, size_t outlen, size_t *n, char c, int *fits)
{
	if (*n + 1 < outlen)
		out[(*n)++] = c;
	else
		*fits = 0;
}

/* Outside quotes, a value stops at blanks, ';', comments, stray quoting
 * characters and control characters. */
static int
ar_value_char(unsigned char c)
{
	return c > ' ' && c != 0x7f && c != ';' && c != '(' && c != ')' &&
	    c != '"' && c != '\\';
}

/*
 * A value: quoted strings and runs of value characters, adjacent pieces
 * joined as one (smtp.mailfrom="a b"@example.org), quoted pairs unescaped;
 * then any blanks and comments.  *fits is 0 when the value was longer than
 * out (it is still read through).  -1 when there is no value or a quoted
 * string never closes.
 */
static int
ar_value(const char **sp, char *out, size_t outlen, int *fits)
{
	const char *s = *sp;
	size_t n = 0;

	*fits = 1;
	for (;;) {
		if (*s == '"') {
			for (s++; *s != '"'; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				if (*s == '\0')
					return -1;
				ar_put(out, outlen, &n, *s, fits);
			}
			s++;
		} else if (ar_value_char((unsigned char)*s))
			ar_put(out, outlen, &n, *s++, fits);
		else
			break;
	}
	out[n] = '\0';
	if (s == *sp)
		return -1;
	*sp = s;
	return ar_skip_cfws(sp);
}

/*
 * One resinfo after its ';':
 *   method [/ version] = result [reason=value] [ptype.property=value ...]
 * Fills r with the result and the properties of ar_prop_names; -1 on a
 * syntax error, "none" (no result at all) included.
 */
static int
ar_resinfo(const char **sp, struct ar_result *r)
{
	char key[AR_WORD_MAX], val[AR_VALUE_MAX];
	size_t i;
	int fits;

	if (ar_keyword(sp, 0, r->method, sizeof(r->method)) != 0)
		return -1;
	if (**sp == '/') {
		(*sp)++;
		if (ar_skip_cfws(sp) != 0 ||
		    ar_keyword(sp, 0, key, sizeof(key)) != 0)
			return -1;
	}
	if (ar_equals(sp) != 0 ||
	    ar_keyword(sp, 0, r->result, sizeof(r->result)) != 0)
		return -1;
	while (**sp != ';' && **sp != '\0') {
		if (ar_keyword(sp, 1, key, sizeof(key)) != 0 ||
		    ar_equals(sp) != 0 ||
		    ar_value(sp, val, sizeof(val), &fits) != 0)
			return -1;
		for (i = 0; i < AR_NPROPS; i++)
			if (ar_ieq(key, ar_prop_names[i]))
				break;
		if (i == AR_NPROPS)
			continue;	/* header.s, smtp.helo, reason... */
		/* Two answers to one question: which one is ours to
		 * believe?  Neither. */
		if (r->seen[i]++)
			return -1;
		if (fits)
			snprintf(r->props[i], sizeof(r->props[i]), "%s", val);
	}
	return 0;
}

/* A DNS name as it appears in a From address or a result: non-empty
 * dot-separated labels of letters, digits, '-', '_' or UTF-8 bytes
 * (RFC 6531 domains); no trailing dot. */
static int
ar_valid_domain(const char *s)
{
	size_t label = 0, len = strlen(s);

	if (len == 0 || len > AR_DOMAIN_MAX)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '.' && label == 0)
			return 0;
		if (c == '.')
			label = 0;
		else if (ar_alnum(c) || c == '-' || c == '_' || c >= 0x80)
			label++;
		else
			return 0;
	}
	return label > 0;
}

/* "x@example.org", "@example.org" or "example.org" → "example.org".  The
 * last '@' is the one before the domain: a quoted local part may hold
 * others, a domain cannot. */
static const char *
ar_domain_of(const char *s)
{
	const char *at = strrchr(s, '@');

	return at ? at + 1 : s;
}

/* Does authenticating `d` vouch for the From domain?  Equal, or `from` is
 * a subdomain of a `d` that has at least two labels. */
static int
ar_aligned(const char *from, const char *d)
{
	size_t fl = strlen(from), dl = strlen(d);

	if (!ar_valid_domain(d))
		return 0;
	if (ar_ieq(from, d))
		return 1;
	return strchr(d, '.') != NULL && fl > dl + 1 &&
	    from[fl - dl - 1] == '.' && ar_ieqn(from + fl - dl, dl, d, dl);
}

/* Which verdict r gives about the From domain: 0 when it speaks of another
 * domain or of none (an unknown method, an unaligned one), 1 for DKIM or SPF
 * with an aligned domain, 2 for DMARC of that very domain. */
static int
ar_about_from(const struct ar_result *r, const char *from)
{
	const char *hfrom;

	if (ar_ieq(r->method, "dkim"))
		return ar_aligned(from, r->seen[AR_HEADER_D] ?
		    r->props[AR_HEADER_D] : ar_domain_of(r->props[AR_HEADER_I]));
	if (ar_ieq(r->method, "spf"))
		return ar_aligned(from,
		    ar_domain_of(r->props[AR_SMTP_MAILFROM]));
	if (ar_ieq(r->method, "dmarc")) {
		/* DMARC did its own alignment: the domain it checked must be
		 * the From domain itself. */
		hfrom = ar_domain_of(r->props[AR_HEADER_FROM]);
		return ar_valid_domain(hfrom) && ar_ieq(from, hfrom) ? 2 : 0;
	}
	return 0;
}

static int
ar_vouches(const struct ar_result *r, const char *from)
{
	return ar_ieq(r->result, "pass") && ar_about_from(r, from) != 0;
}

/* Does r say the From domain failed: dkim=fail for an aligned signing
 * domain, spf=fail for an aligned envelope domain, dmarc=fail for it?
 * Softfail, neutral and errors are no verdict.  2 for DMARC, 1 otherwise. */
static int
ar_fails(const struct ar_result *r, const char *from)
{
	return ar_ieq(r->result, "fail") ? ar_about_from(r, from) : 0;
}

static int
ar_ours(const char *id, const struct config_strlist *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ar_ieq(id, ids->items[i]))
			return 1;
	return 0;
}

/* What the headers of ours say about the From domain. */
struct ar_verdict {
	int	pass;		/* one method passed for it */
	int	fail;		/* DKIM or SPF failed for it */
	int	dmarc_fail;	/* DMARC failed for it */
};

/* One header value: when it is ours and parses whole, adds what its
 * results say about `from` (a valid domain) to *v. */
static void
ar_header_judge(const char *s, const struct config_strlist *ids,
    const char *from, struct ar_verdict *v)
{
	struct ar_result r;
	char id[AR_VALUE_MAX], version[AR_WORD_MAX];
	struct ar_verdict h = { 0, 0, 0 };
	int fits, f;

	if (ar_skip_cfws(&s) != 0 || ar_value(&s, id, sizeof(id), &fits) != 0 ||
	    !fits || !ar_ours(id, ids))
		return;
	/* Version 1 is the only one defined; another may mean something
	 * else (RFC 8601 §2.2). */
	if (*s >= '0' && *s <= '9' &&
	    (ar_keyword(&s, 0, version, sizeof(version)) != 0 ||
	    strcmp(version, "1") != 0))
		return;
	if (*s != ';')
		return;
	while (*s == ';') {
		s++;
		if (ar_skip_cfws(&s) != 0)
			return;
		if (*s == '\0')
			break;		/* a trailing ';' adds nothing */
		memset(&r, 0, sizeof(r));
		if (ar_resinfo(&s, &r) != 0)
			return;
		h.pass |= ar_vouches(&r, from);
		f = ar_fails(&r, from);
		h.fail |= f == 1;
		h.dmarc_fail |= f == 2;
	}
	v->pass |= h.pass;
	v->fail |= h.fail;
	v->dmarc_fail |= h.dmarc_fail;
}

/* What the headers of ours in m say about from_address's domain; 0, or
 * -1 when there is nothing to look at (no id, no usable domain). */
static int
ar_judge(const struct message *m, const struct config_strlist *authserv_ids,
    const char *from_address, struct ar_verdict *v)
{
	const char *from;

	memset(v, 0, sizeof(*v));
	if (m == NULL || authserv_ids == NULL || authserv_ids->n == 0 ||
	    from_address == NULL)
		return -1;
	from = ar_domain_of(from_address);
	if (from == from_address || !ar_valid_domain(from))
		return -1;
	for (size_t i = 0; i < m->nheaders; i++) {
		const struct msg_header *h = &m->headers[i];

		if (h->name && h->value &&
		    ar_ieq(h->name, "Authentication-Results"))
			ar_header_judge(h->value, authserv_ids, from, v);
	}
	return 0;
}

int
trust_auth_pass(const struct message *m,
    const struct config_strlist *authserv_ids, const char *from_address)
{
	struct ar_verdict v;

	return ar_judge(m, authserv_ids, from_address, &v) == 0 && v.pass;
}

int
trust_auth_fail(const struct message *m,
    const struct config_strlist *authserv_ids, const char *from_address)
{
	struct ar_verdict v;

	if (ar_judge(m, authserv_ids, from_address, &v) != 0)
		return 0;
	return v.dmarc_fail || (v.fail && !v.pass);
}
