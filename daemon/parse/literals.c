/*
 * literals.c — the literals a pattern cannot match without; see
 * literals.h.
 *
 * A small recursive-descent reader of the PCRE2 syntax the rules use
 * gives each part of the pattern a summary: the exact strings it can
 * match when they are few ("[ée]" is {"é", "e"}, "voles?" is {"vole",
 * "voles"}), and a set of which any match of it contains one.  A
 * sequence chains exact strings as long as they stay few and keeps its
 * most selective set; an alternation unites its branches' sets, and is
 * left without one when a branch has none.  Lookarounds consume nothing
 * and count as the empty string; so do \b, ^ and $.  Whatever is not
 * known for certain stops the reading: the rule then has no literals and
 * always runs, which costs time and never a match.
 *
 * The pattern is read only after PCRE2 compiled it, so it is valid; the
 * reader still refuses anything it does not know rather than guess.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/casefold.h"
#include "parse/literals.h"

#define LIT_MAX_EXACT		16	/* strings of an exact set */
#define LIT_MAX_EXACT_LEN	64	/* bytes of one of them */
#define LIT_MAX_CLASS		5	/* characters of a class spelled out */
#define LIT_SCORE_CAP		8	/* bytes past which a longer literal
					 * is not deemed more selective */

struct lit_set {
	char	**s;
	size_t	  n;
};

/* What one part of a pattern matches: exactly one of `exact` (when
 * exact_ok), and, in any case, text holding a string of each of `all`. */
struct lit_sum {
	int		exact_ok;
	struct lit_set	exact;
	struct lit_set	all[LITERALS_MAX_GROUPS];
	size_t		nall;
};

struct lit_reader {
	const unsigned char	*p;
	int			 bad;	/* unknown syntax: no literals */
	int			 skip;	/* only read: the result is lost */
};

static void
set_free(struct lit_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	s->s = NULL;
	s->n = 0;
}

/* Adds a copy of str[0..len) unless present. */
static void
set_add(struct lit_set *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) == len && memcmp(s->s[i], str, len) == 0)
			return;
	s->s = xrealloc(s->s, (s->n + 1) * sizeof(*s->s));
	s->s[s->n++] = xstrndup(str, len);
}

static void
set_copy(struct lit_set *dst, const struct lit_set *src)
{
	for (size_t i = 0; i < src->n; i++)
		set_add(dst, src->s[i], strlen(src->s[i]));
}

static size_t
set_minlen(const struct lit_set *s)
{
	size_t m = (size_t)-1;

	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) < m)
			m = strlen(s->s[i]);
	return s->n ? m : 0;
}

/* The concatenations of a string of a and one of b, into *out; -1 when
 * there would be too many or too long ones. */
static int
set_product(const struct lit_set *a, const struct lit_set *b,
    struct lit_set *out)
{
	struct buf one;

	memset(out, 0, sizeof(*out));
	if (a->n * b->n > LIT_MAX_EXACT)
		return -1;
	buf_init(&one, 0);
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			buf_reset(&one);
			buf_adds(&one, a->s[i]);
			buf_adds(&one, b->s[j]);
			if (one.len > LIT_MAX_EXACT_LEN) {
				buf_free(&one);
				set_free(out);
				return -1;
			}
			set_add(out, buf_str(&one), one.len);
		}
	buf_free(&one);
	return 0;
}

static void
sum_free_all(struct lit_sum *s)
{
	for (size_t i = 0; i < s->nall; i++)
		set_free(&s->all[i]);
	s->nall = 0;
}

static void
sum_free(struct lit_sum *s)
{
	set_free(&s->exact);
	sum_free_all(s);
	s->exact_ok = 0;
}

/* 1 if set a is more selective than set b: longer strings, then fewer. */
static int
set_better(const struct lit_set *a, const struct lit_set *b)
{
	size_t la = set_minlen(a), lb = set_minlen(b);

	if (la > LIT_SCORE_CAP)
		la = LIT_SCORE_CAP;
	if (lb > LIT_SCORE_CAP)
		lb = LIT_SCORE_CAP;
	return la != lb ? la > lb : a->n < b->n;
}

/* 1 if a and b hold the same strings. */
static int
set_same(const struct lit_set *a, const struct lit_set *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		size_t j = 0;

		while (j < b->n && strcmp(a->s[i], b->s[j]) != 0)
			j++;
		if (j == b->n)
			return 0;
	}
	return 1;
}

/* Adds cand (copied) to the sets of which s requires one string each,
 * if it is a usable one (no empty string); when s has the most it keeps,
 * cand replaces the least selective if it is better. */
static void
sum_consider(struct lit_sum *s, const struct lit_set *cand)
{
	size_t worst = 0;

	if (cand->n == 0 || set_minlen(cand) == 0)
		return;
	for (size_t i = 0; i < s->nall; i++)
		if (set_same(&s->all[i], cand))
			return;
	if (s->nall < LITERALS_MAX_GROUPS) {
		memset(&s->all[s->nall], 0, sizeof(s->all[0]));
		set_copy(&s->all[s->nall++], cand);
		return;
	}
	for (size_t i = 1; i < s->nall; i++)
		if (set_better(&s->all[worst], &s->all[i]))
			worst = i;
	if (!set_better(cand, &s->all[worst]))
		return;
	set_free(&s->all[worst]);
	set_copy(&s->all[worst], cand);
}

/* Adds every required set of `from` to s. */
static void
sum_consider_all(struct lit_sum *s, const struct lit_sum *from)
{
	for (size_t i = 0; i < from->nall; i++)
		sum_consider(s, &from->all[i]);
}

/* A summary of exactly the strings of set (taken). */
static void
sum_exact(struct lit_sum *s, struct lit_set *set)
{
	memset(s, 0, sizeof(*s));
	s->exact = *set;
	s->exact_ok = 1;
	memset(set, 0, sizeof(*set));
}

/* The most selective set of which any match of s contains a string:
 * its exact strings (when none is empty) or one it requires; NULL if
 * none. */
static const struct lit_set *
sum_best(const struct lit_sum *s)
{
	const struct lit_set *b = NULL;

	if (s->exact_ok && s->exact.n > 0 && set_minlen(&s->exact) > 0)
		b = &s->exact;
	for (size_t i = 0; i < s->nall; i++)
		if (b == NULL || set_better(&s->all[i], b))
			b = &s->all[i];
	return b;
}

/* A summary matching only the empty string (assertions). */
static void
sum_empty(struct lit_sum *s)
{
	struct lit_set e = { NULL, 0 };

	set_add(&e, "", 0);
	sum_exact(s, &e);
}

/* Length of the UTF-8 character at p and its code point; 0 if invalid. */
static size_t
lit_utf8(const unsigned char *p, unsigned *cp)
{
	size_t n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0)
		n = 2, *cp = p[0] & 0x1Fu;
	else if ((p[0] & 0xF0) == 0xE0)
		n = 3, *cp = p[0] & 0x0Fu;
	else if ((p[0] & 0xF8) == 0xF0)
		n = 4, *cp = p[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3Fu);
	}
	return n;
}

/* Adds the fold of the character p[0..n) to set when the fold of
 * code point cp is known; 0 if it is not. */
static int
lit_add_char(struct lit_set *set, const unsigned char *p, size_t n,
    unsigned cp)
{
	char f[4];

	if (!casefold_known(cp))
		return 0;
	memcpy(f, p, n);
	set_add(set, f, casefold_inplace(f, n));
	return 1;
}

/* Length of the character at p if it stands for itself and its fold is
 * known, else 0. */
static size_t
lit_plain(const unsigned char *p)
{
	unsigned cp;
	size_t n;

	if (*p == '\0' || strchr("\\^$.[|()?*+{", *p) != NULL)
		return 0;
	n = lit_utf8(p, &cp);
	return n && casefold_known(cp) ? n : 0;
}

/*
 * Characters that stand for themselves: the summary of the string they
 * make, up to the last one before a quantifier (which applies to that
 * one alone, read as the next item); a character of unknown fold is any
 * one character.  Reading the string at once spares building a set per
 * character.
 */
static void
lit_char(struct lit_reader *rd, struct lit_sum *out)
{
	struct lit_set set = { NULL, 0 };
	unsigned cp;
	size_t n = lit_utf8(rd->p, &cp), len;
	char chunk[LIT_MAX_EXACT_LEN + 4];

	memset(out, 0, sizeof(*out));
	if (n == 0) {
		rd->bad = 1;
		return;
	}
	if (!casefold_known(cp)) {
		rd->p += n;
		return;
	}
	memcpy(chunk, rd->p, n);
	len = n;
	rd->p += n;
	while ((n = lit_plain(rd->p)) > 0 && len + n <= LIT_MAX_EXACT_LEN &&
	    rd->p[n] != '?' && rd->p[n] != '*' && rd->p[n] != '+' &&
	    rd->p[n] != '{') {
		memcpy(chunk + len, rd->p, n);
		len += n;
		rd->p += n;
	}
	set_add(&set, chunk, casefold_inplace(chunk, len));
	sum_exact(out, &set);
}

static int
lit_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Skips "\p{...}" or "\pL" from the letter after the backslash. */
static void
lit_skip_property(struct lit_reader *rd)
{
	rd->p += 2;
	if (*rd->p == '{') {
		const char *end = strchr((const char *)rd->p, '}');

		if (end == NULL) {
			rd->bad = 1;
			return;
		}
		rd->p = (const unsigned char *)end + 1;
	} else if (*rd->p != '\0')
		rd->p++;
	else
		rd->bad = 1;
}

/* 1 (and the '-' skipped) if the element just read starts a range: its
 * other end is read as the next element, and the class is not a short
 * list. */
static int
lit_range(struct lit_reader *rd)
{
	if (rd->p[0] != '-' || rd->p[1] == ']')
		return 0;
	rd->p++;
	return 1;
}

/*
 * A character class.  Spelled out when it is a short list of characters
 * of known fold; any one character otherwise (ranges, \s, \p{L}, negated
 * classes).
 */
static void
lit_class(struct lit_reader *rd, struct lit_sum *out)
{
	struct lit_set set = { NULL, 0 };
	int listed = 1, first = 1;
	unsigned cp;
	size_t n;

	memset(out, 0, sizeof(*out));
	rd->p++;
	if (*rd->p == '^') {
		listed = 0;
		rd->p++;
	}
	for (;;) {
		const unsigned char *c = rd->p;

		if (*c == '\0' || *c == '[') {	/* POSIX names: not read */
			rd->bad = 1;
			break;
		}
		if (*c == ']' && !first) {
			rd->p++;
			break;
		}
		first = 0;
		if (*c == '\\') {
			if (c[1] != '\0' && c[1] < 0x80 && !lit_is_alnum(c[1])) {
				rd->p += 2;
				if (lit_range(rd))
					listed = 0;
				else if (listed)
					lit_add_char(&set, c + 1, 1, c[1]);
			} else if (c[1] != '\0' && strchr("sSwWdDhHvV",
			    c[1]) != NULL) {
				listed = 0;
				rd->p += 2;
			} else if (c[1] == 'p' || c[1] == 'P') {
				listed = 0;
				lit_skip_property(rd);
				if (rd->bad)
					break;
			} else {
				rd->bad = 1;
				break;
			}
			continue;
		}
		n = lit_utf8(c, &cp);
		if (n == 0) {
			rd->bad = 1;
			break;
		}
		rd->p += n;
		if (lit_range(rd))
			listed = 0;
		else if (listed && !lit_add_char(&set, c, n, cp))
			listed = 0;
	}
	if (!rd->bad && listed && set.n >= 1 && set.n <= LIT_MAX_CLASS)
		sum_exact(out, &set);
	set_free(&set);
}

/* A backslash sequence outside a class. */
static void
lit_escape(struct lit_reader *rd, struct lit_sum *out)
{
	unsigned char c = rd->p[1];

	memset(out, 0, sizeof(*out));
	if (c != '\0' && strchr("bBAZzG", c) != NULL) {
		rd->p += 2;
		sum_empty(out);
	} else if (c != '\0' && strchr("sSwWdDhHvVRX", c) != NULL) {
		rd->p += 2;		/* some character(s): no literal */
	} else if (c == 'N' && rd->p[2] != '{') {
		rd->p += 2;
	} else if (c == 'p' || c == 'P') {
		lit_skip_property(rd);
	} else if (c != '\0' && c < 0x80 && !lit_is_alnum(c)) {
		rd->p++;		/* "\." is the character '.' */
		lit_char(rd, out);
	} else
		rd->bad = 1;		/* \Q, \x, \K, back-references... */
}

static void lit_alt(struct lit_reader *, struct lit_sum *);

/* Skips the inline flags at rd->p; -1 on a flag that changes how the
 * pattern is read ((?x) makes blanks meaningless) or is unknown. */
static int
lit_flags(struct lit_reader *rd)
{
	while (*rd->p != '\0' && strchr("imnsUJ^-", *rd->p) != NULL)
		rd->p++;
	return *rd->p == ')' || *rd->p == ':' ? 0 : -1;
}

/* A parenthesised group, from its '('. */
static void
lit_group(struct lit_reader *rd, struct lit_sum *out)
{
	const unsigned char *p = rd->p + 1;
	int assertion = 0;

	memset(out, 0, sizeof(*out));
	if (*p == '*') {			/* (*VERB) */
		rd->bad = 1;
		return;
	}
	if (*p == '?') {
		p++;
		if (*p == ':' || *p == '>' || *p == '|')
			p++;
		else if (*p == '=' || *p == '!')
			p++, assertion = 1;
		else if (*p == '<' && (p[1] == '=' || p[1] == '!'))
			p += 2, assertion = 1;
		else if (*p == '<' || *p == '\'' || (*p == 'P' &&
		    p[1] == '<')) {		/* named group */
			const char *end = strchr((const char *)p + 1,
			    *p == '\'' ? '\'' : '>');

			if (end == NULL) {
				rd->bad = 1;
				return;
			}
			p = (const unsigned char *)end + 1;
		} else if (*p == '#') {
			const char *end = strchr((const char *)p, ')');

			if (end == NULL) {
				rd->bad = 1;
				return;
			}
			rd->p = (const unsigned char *)end + 1;
			sum_empty(out);
			return;
		} else {
			rd->p = p;
			if (lit_flags(rd) != 0) {
				rd->bad = 1;
				return;
			}
			p = rd->p;
			if (*p == ')') {	/* (?-i): for what follows */
				rd->p = p + 1;
				sum_empty(out);
				return;
			}
			p++;			/* (?i:...) */
		}
	}
	rd->p = p;
	lit_alt(rd, out);
	if (rd->bad)
		return;
	if (*rd->p != ')') {
		rd->bad = 1;
		return;
	}
	rd->p++;
	if (assertion) {		/* consumes nothing */
		sum_free(out);
		sum_empty(out);
	}
}

/* A quantifier after an atom, if any, applied to its summary. */
static void
lit_quantifier(struct lit_reader *rd, struct lit_sum *s)
{
	unsigned long min, max;
	char *end;

	switch (*rd->p) {
	case '?':
		min = 0, max = 1, rd->p++;
		break;
	case '*':
		min = 0, max = 2, rd->p++;
		break;
	case '+':
		min = 1, max = 2, rd->p++;
		break;
	case '{':
		if (rd->p[1] < '0' || rd->p[1] > '9') {
			rd->bad = 1;
			return;
		}
		min = max = strtoul((const char *)rd->p + 1, &end, 10);
		if (*end == ',')
			max = (end[1] >= '0' && end[1] <= '9') ?
			    strtoul(end + 1, &end, 10) : (end++, 2);
		if (*end != '}') {
			rd->bad = 1;
			return;
		}
		rd->p = (const unsigned char *)end + 1;
		break;
	default:
		return;
	}
	if (*rd->p == '?' || *rd->p == '+')	/* lazy or possessive */
		rd->p++;
	if (min == 1 && max == 1)
		return;
	if (min >= 1 && s->exact_ok)	/* still holds one of them */
		sum_consider(s, &s->exact);
	if (min == 0 && max == 1 && s->exact_ok)
		set_add(&s->exact, "", 0);
	else {
		set_free(&s->exact);
		s->exact_ok = 0;
	}
	if (min == 0)
		sum_free_all(s);
}

/* One atom and its quantifier. */
static void
lit_item(struct lit_reader *rd, struct lit_sum *out)
{
	memset(out, 0, sizeof(*out));
	switch (*rd->p) {
	case '(':
		lit_group(rd, out);
		break;
	case '[':
		lit_class(rd, out);
		break;
	case '\\':
		lit_escape(rd, out);
		break;
	case '.':
		rd->p++;
		break;
	case '^':
	case '$':
		rd->p++;
		sum_empty(out);
		break;
	case '*':
	case '+':
	case '?':
	case '{':
		rd->bad = 1;
		break;
	default:
		lit_char(rd, out);
		break;
	}
	if (!rd->bad)
		lit_quantifier(rd, out);
}

/*
 * A sequence, up to '|', ')' or the end.  `run` holds the exact strings of
 * the items read since the last one that was not exact: each is a
 * candidate for the sequence's set, as is the set of each item.
 */
static void
lit_seq(struct lit_reader *rd, struct lit_sum *out)
{
	struct lit_set run = { NULL, 0 }, next;
	struct lit_sum it;
	int whole = 1;

	memset(out, 0, sizeof(*out));
	set_add(&run, "", 0);
	while (!rd->bad && *rd->p != '\0' && *rd->p != '|' && *rd->p != ')') {
		lit_item(rd, &it);
		if (rd->skip) {
			sum_free(&it);
			continue;
		}
		sum_consider_all(out, &it);
		if (it.exact_ok && set_product(&run, &it.exact, &next) == 0) {
			set_free(&run);
			run = next;
		} else {
			sum_consider(out, &run);
			set_free(&run);
			if (it.exact_ok)
				set_copy(&run, &it.exact);
			else
				set_add(&run, "", 0);
			whole = 0;
		}
		sum_free(&it);
	}
	sum_consider(out, &run);
	if (whole) {
		out->exact = run;
		out->exact_ok = 1;
	} else
		set_free(&run);
}

/* Branches separated by '|', up to ')' or the end. */
static void
lit_alt(struct lit_reader *rd, struct lit_sum *out)
{
	struct lit_set must = { NULL, 0 };
	const struct lit_set *b;
	struct lit_sum br;
	int must_ok, skip = rd->skip;

	lit_seq(rd, out);
	if (*rd->p != '|')	/* one branch: all it requires */
		return;
	if ((must_ok = (b = sum_best(out)) != NULL))
		set_copy(&must, b);
	while (!rd->bad && *rd->p == '|') {
		/* Once neither set can be had, the other branches are
		 * only read (a long list of names costs no sets). */
		rd->skip = skip || (!must_ok && !out->exact_ok);
		rd->p++;
		lit_seq(rd, &br);
		if (out->exact_ok && br.exact_ok &&
		    out->exact.n + br.exact.n <= LIT_MAX_EXACT)
			set_copy(&out->exact, &br.exact);
		else {
			set_free(&out->exact);
			out->exact_ok = 0;
		}
		b = sum_best(&br);
		if (must_ok && b && must.n + b->n <= LITERALS_MAX)
			set_copy(&must, b);
		else {
			set_free(&must);
			must_ok = 0;
		}
		sum_free(&br);
	}
	rd->skip = skip;
	/* Any match holds a string of one branch's set: their union. */
	sum_free_all(out);
	if (must_ok) {
		out->all[0] = must;
		out->nall = 1;
	}
}

/* Appends to out the strings of set, but those that hold another one of
 * it (a text with them has the other), as group g. */
static void
lit_output(struct literals *out, const struct lit_set *set, unsigned g)
{
	for (size_t i = 0; i < set->n; i++) {
		int redundant = 0;

		for (size_t j = 0; j < set->n && !redundant; j++)
			redundant = j != i && strstr(set->s[i],
			    set->s[j]) != NULL && (strlen(set->s[i]) >
			    strlen(set->s[j]) || j < i);
		if (redundant)
			continue;
		out->items = xrealloc(out->items, (out->n + 1) *
		    sizeof(*out->items));
		out->group = xrealloc(out->group, (out->n + 1) *
		    sizeof(*out->group));
		out->items[out->n] = xstrdup(set->s[i]);
		out->group[out->n++] = g;
	}
}

void
literals_derive(const char *pattern, struct literals *out)
{
	struct lit_reader rd = { (const unsigned char *)pattern, 0, 0 };
	struct lit_sum top;

	memset(out, 0, sizeof(*out));
	lit_alt(&rd, &top);
	if (rd.bad || *rd.p != '\0')
		goto out;
	if (top.exact_ok)
		sum_consider(&top, &top.exact);
	/* A set with a string too short to be telling is left out: the
	 * others still hold. */
	for (size_t i = 0; i < top.nall; i++)
		if (set_minlen(&top.all[i]) >= LITERALS_MIN_LEN)
			lit_output(out, &top.all[i], (unsigned)out->ngroups++);
out:
	sum_free(&top);
}

void
literals_free(struct literals *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->items[i]);
	if (l) {
		free(l->items);
		free(l->group);
		memset(l, 0, sizeof(*l));
	}
}
