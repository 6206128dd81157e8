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
 *
 * Reading one long rule makes and drops thousands of small sets: they
 * all live in one arena (lit_set.h), freed when the pattern is done, and
 * the literals kept are copied out into one block.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/mem.h"
#include "parse/casefold.h"
#include "parse/lit_set.h"
#include "parse/literals.h"

#define LIT_MAX_EXACT		16	/* strings of an exact set */
#define LIT_MAX_EXACT_LEN	64	/* bytes of one of them */
#define LIT_MAX_CLASS		5	/* characters of a class spelled out */
#define LIT_SCORE_CAP		8	/* bytes past which a longer literal
					 * is not deemed more selective */

/* What one part of a pattern matches: exactly one of `exact` (when
 * exact_ok), and, in any case, text holding a string of each of `all`. */
struct lit_sum {
	int		exact_ok;
	struct lit_set	exact;
	struct lit_set	all[LITERALS_MAX_GROUPS];
	size_t		nall;
};

struct lit_reader {
	struct arena		*a;	/* every set and string of the reading */
	const unsigned char	*p;
	int			 bad;	/* unknown syntax: no literals */
	int			 skip;	/* only read: the result is lost */
};

static void
sum_free_all(struct lit_sum *s)
{
	for (size_t i = 0; i < s->nall; i++)
		lit_set_clear(&s->all[i]);
	s->nall = 0;
}

static void
sum_free(struct lit_sum *s)
{
	lit_set_clear(&s->exact);
	sum_free_all(s);
	s->exact_ok = 0;
}

/* Adds cand (copied) to the sets of which s requires one string each,
 * if it is a usable one (no empty string); when s has the most it keeps,
 * cand replaces the least selective if it is better. */
static void
sum_consider(struct arena *a, struct lit_sum *s, const struct lit_set *cand)
{
	size_t worst = 0;

	if (cand->n == 0 || cand->min == 0)
		return;
	for (size_t i = 0; i < s->nall; i++)
		if (lit_set_same(&s->all[i], cand))
			return;
	if (s->nall < LITERALS_MAX_GROUPS) {
		lit_set_clear(&s->all[s->nall]);
		lit_set_copy(a, &s->all[s->nall++], cand);
		return;
	}
	for (size_t i = 1; i < s->nall; i++)
		if (lit_set_better(&s->all[worst], &s->all[i], LIT_SCORE_CAP))
			worst = i;
	if (!lit_set_better(cand, &s->all[worst], LIT_SCORE_CAP))
		return;
	lit_set_clear(&s->all[worst]);
	lit_set_copy(a, &s->all[worst], cand);
}

/* Adds every required set of `from` to s. */
static void
sum_consider_all(struct arena *a, struct lit_sum *s,
    const struct lit_sum *from)
{
	for (size_t i = 0; i < from->nall; i++)
		sum_consider(a, s, &from->all[i]);
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

	if (s->exact_ok && s->exact.n > 0 && s->exact.min > 0)
		b = &s->exact;
	for (size_t i = 0; i < s->nall; i++)
		if (b == NULL || lit_set_better(&s->all[i], b, LIT_SCORE_CAP))
			b = &s->all[i];
	return b;
}

/* A summary matching only the empty string (assertions). */
static void
sum_empty(struct arena *a, struct lit_sum *s)
{
	struct lit_set e = LIT_SET_EMPTY;

	lit_set_add(a, &e, "", 0);
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
lit_add_char(struct arena *a, struct lit_set *set, const unsigned char *p,
    size_t n, unsigned cp)
{
	char f[4];

	if (!casefold_known(cp))
		return 0;
	memcpy(f, p, n);
	lit_set_add(a, set, f, casefold_inplace(f, n));
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
	struct lit_set set = LIT_SET_EMPTY;
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
	lit_set_add(rd->a, &set, chunk, casefold_inplace(chunk, len));
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
	struct lit_set set = LIT_SET_EMPTY;
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
					lit_add_char(rd->a, &set, c + 1, 1,
					    c[1]);
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
		else if (listed && !lit_add_char(rd->a, &set, c, n,
		    cp))
			listed = 0;
	}
	if (!rd->bad && listed && set.n >= 1 && set.n <= LIT_MAX_CLASS)
		sum_exact(out, &set);
}

/* A backslash sequence outside a class. */
static void
lit_escape(struct lit_reader *rd, struct lit_sum *out)
{
	unsigned char c = rd->p[1];

	memset(out, 0, sizeof(*out));
	if (c != '\0' && strchr("bBAZzG", c) != NULL) {
		rd->p += 2;
		sum_empty(rd->a, out);
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
			sum_empty(rd->a, out);
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
				sum_empty(rd->a, out);
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
		sum_empty(rd->a, out);
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
		sum_consider(rd->a, s, &s->exact);
	if (min == 0 && max == 1 && s->exact_ok)
		lit_set_add(rd->a, &s->exact, "", 0);
	else {
		lit_set_clear(&s->exact);
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
		sum_empty(rd->a, out);
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
	struct lit_set run = LIT_SET_EMPTY, next;
	struct lit_sum it;
	int whole = 1;

	memset(out, 0, sizeof(*out));
	lit_set_add(rd->a, &run, "", 0);
	while (!rd->bad && *rd->p != '\0' && *rd->p != '|' && *rd->p != ')') {
		lit_item(rd, &it);
		if (rd->skip)
			continue;
		sum_consider_all(rd->a, out, &it);
		if (it.exact_ok && lit_set_product(rd->a, &run, &it.exact,
		    LIT_MAX_EXACT, LIT_MAX_EXACT_LEN, &next) == 0)
			run = next;
		else {
			sum_consider(rd->a, out, &run);
			lit_set_clear(&run);
			if (it.exact_ok)
				run = it.exact;
			else
				lit_set_add(rd->a, &run, "", 0);
			whole = 0;
		}
	}
	sum_consider(rd->a, out, &run);
	if (whole) {
		out->exact = run;
		out->exact_ok = 1;
	}
}

/* Branches separated by '|', up to ')' or the end. */
static void
lit_alt(struct lit_reader *rd, struct lit_sum *out)
{
	struct lit_set must = LIT_SET_EMPTY;
	const struct lit_set *b;
	struct lit_sum br;
	int must_ok, skip = rd->skip;

	lit_seq(rd, out);
	if (*rd->p != '|')	/* one branch: all it requires */
		return;
	if ((must_ok = (b = sum_best(out)) != NULL))
		lit_set_copy(rd->a, &must, b);
	while (!rd->bad && *rd->p == '|') {
		/* Once neither set can be had, the other branches are
		 * only read (a long list of names costs no sets). */
		rd->skip = skip || (!must_ok && !out->exact_ok);
		rd->p++;
		lit_seq(rd, &br);
		if (out->exact_ok && br.exact_ok &&
		    out->exact.n + br.exact.n <= LIT_MAX_EXACT)
			lit_set_copy(rd->a, &out->exact, &br.exact);
		else {
			lit_set_clear(&out->exact);
			out->exact_ok = 0;
		}
		b = sum_best(&br);
		if (must_ok && b && must.n + b->n <= LITERALS_MAX)
			lit_set_copy(rd->a, &must, b);
		else {
			lit_set_clear(&must);
			must_ok = 0;
		}
	}
	rd->skip = skip;
	/* Any match holds a string of one branch's set: their union. */
	sum_free_all(out);
	if (must_ok) {
		out->all[0] = must;
		out->nall = 1;
	}
}

/* 1 if string i of set holds another one of it, which makes it useless
 * (a text with it has the other).  The strings of a set are distinct, so
 * the other is shorter. */
static int
lit_redundant(const struct lit_set *set, size_t i)
{
	const struct lit_str *x = &set->v[i];

	for (size_t j = 0; j < set->n; j++) {
		const struct lit_str *y = &set->v[j];

		if (y->len < x->len && memmem(x->s, x->len, y->s, y->len) !=
		    NULL)
			return 1;
	}
	return 0;
}

void
literals_derive(const char *pattern, struct literals *out)
{
	struct arena a;
	struct lit_reader rd = { &a, (const unsigned char *)pattern, 0, 0 };
	struct lit_sum top;
	size_t n = 0, bytes = 0, at = 0;
	unsigned char *keep = NULL;

	memset(out, 0, sizeof(*out));
	arena_init(&a);
	lit_alt(&rd, &top);
	if (rd.bad || *rd.p != '\0')
		goto out;
	if (top.exact_ok)
		sum_consider(&a, &top, &top.exact);
	/* A set with a string too short to be telling is left out: the
	 * others still hold.  The strings kept go to one block. */
	for (size_t g = 0; g < top.nall; g++)
		if (top.all[g].min >= LITERALS_MIN_LEN)
			n += top.all[g].n;
	if (n == 0)
		goto out;
	keep = arena_alloc(&a, n);
	n = 0;
	for (size_t g = 0; g < top.nall; g++)
		for (size_t i = 0; top.all[g].min >= LITERALS_MIN_LEN &&
		    i < top.all[g].n; i++)
			if ((keep[n++] = !lit_redundant(&top.all[g], i)))
				bytes += top.all[g].v[i].len + 1;
	out->items = xmalloc(n * sizeof(*out->items));
	out->group = xmalloc(n * sizeof(*out->group));
	out->strings = xmalloc(bytes);
	n = 0;
	for (size_t g = 0; g < top.nall; g++) {
		const struct lit_set *set = &top.all[g];

		if (set->min < LITERALS_MIN_LEN)
			continue;
		for (size_t i = 0; i < set->n; i++) {
			if (!keep[n++])
				continue;
			out->items[out->n] = memcpy(out->strings + at,
			    set->v[i].s, set->v[i].len + 1);
			out->group[out->n++] = (unsigned)out->ngroups;
			at += set->v[i].len + 1;
		}
		out->ngroups++;
	}
out:
	arena_free(&a);
}

void
literals_free(struct literals *l)
{
	if (l == NULL)
		return;
	free(l->items);
	free(l->group);
	free(l->strings);
	memset(l, 0, sizeof(*l));
}
