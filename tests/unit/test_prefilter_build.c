/*
 * test_prefilter_build.c — how prefilter.c builds its tables from the
 * literals of each rule's alternatives: an alternative another one
 * implies is dropped (its groups compared by signature, then string by
 * string), each string is kept once, and the tables grow past their
 * first sizes without losing anything.  What a scan allows with the
 * shipped rules is test_prefilter's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/literals.h"
#include "parse/prefilter.h"
#include "tap.h"

/* Literals from "abc|def & ghi": strings of a group joined by '|',
 * groups by " & ", as literals_derive() would give them. */
static void
lits(const char *spec, struct literals *l)
{
	size_t len = strlen(spec), at = 0;
	char *p;

	memset(l, 0, sizeof(*l));
	l->strings = xstrdup(spec);
	l->items = xcalloc(len, sizeof(*l->items));
	l->group = xcalloc(len, sizeof(*l->group));
	for (p = l->strings; at <= len; ) {
		size_t n = strcspn(p, "| &");

		l->items[l->n] = p;
		l->group[l->n++] = (unsigned)l->ngroups;
		at += n;
		if (p[n] == '\0') {
			l->ngroups++;
			break;
		}
		if (p[n] == '|') {
			p[n] = '\0';
			p += n + 1;
			at++;
		} else {			/* " & " */
			p[n] = '\0';
			p += n + 3;
			at += 3;
			l->ngroups++;
		}
	}
}

/* Adds the alternatives of specs (split on " || ") as rule `rule`. */
static void
add(struct prefilter *pf, size_t rule, const char *specs)
{
	struct literals alt[PREFILTER_MAX_ALTS];
	char *copy = xstrdup(specs), *p = copy, *end;
	size_t n = 0;

	do {
		end = strstr(p, " || ");
		if (end)
			*end = '\0';
		lits(p, &alt[n++]);
		p = end ? end + 4 : NULL;
	} while (p);
	prefilter_add_any(pf, rule, alt, n);
	for (size_t k = 0; k < n; k++)
		literals_free(&alt[k]);
	free(copy);
}

/* What a scan of text allows of rules 0..n), as "1 0 1". */
static const char *
allows(const struct prefilter *pf, const char *text, size_t n, char *out)
{
	unsigned char may[8];

	prefilter_scan(pf, text, strlen(text), may, n);
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%d ", may[i]);
	out[2 * n - 1] = '\0';
	return out;
}

static void
test_implied(void)
{
	struct prefilter *pf = prefilter_new();
	char got[32];

	add(pf, 0, "abc & def || abc || def & abc");
	is_int(prefilter_alternatives(pf), 1, "implied: what holds 'abc' "
	    "and more is dropped for 'abc' alone");
	add(pf, 1, "xyz|uvw || uvw|xyz || uvw|xyz & qrs || uvw");
	is_int(prefilter_alternatives(pf), 3, "implied: of two same groups "
	    "the first kept, one with more dropped, a smaller group kept");
	add(pf, 2, "kiwi & pomme || pomme & kiwi");
	is_int(prefilter_alternatives(pf), 4, "implied: the same groups in "
	    "another order: one kept");
	add(pf, 3, "kiwi|poire & pomme || pomme & kiwi");
	is_int(prefilter_alternatives(pf), 6, "implied: a group with one "
	    "string more is another group: both kept");
	add(pf, 4, "aaab|aaba || abaa|baaa || aaab|abaa");
	is_int(prefilter_alternatives(pf), 9, "implied: groups of as many "
	    "strings of the same bytes: all kept");
	is_int(prefilter_strings(pf), 10, "strings: each once, however many "
	    "kept alternatives hold it");
	is_str(allows(pf, "def abc kiwi", 5, got), "1 0 0 0 0",
	    "scan: the alternative kept for rule 0");
	is_str(allows(pf, "uvw pomme", 5, got), "0 1 0 0 0",
	    "scan: a group of two strings found by either");
	is_str(allows(pf, "pomme kiwi baaa", 5, got), "0 0 1 1 1",
	    "scan: rules 2, 3 and 4 by their kept alternatives");
	is_str(allows(pf, "pomme poire", 5, got), "0 0 0 1 0",
	    "scan: the alternative a larger group makes");
	prefilter_free(pf);
}

static void
test_growth(void)
{
	struct prefilter *pf = prefilter_new();
	unsigned char may[300];
	struct buf text;
	char spec[64];
	int all = 1, none = 1;

	/* More rules, strings and targets than the first allocations. */
	for (size_t r = 0; r < 300; r++) {
		snprintf(spec, sizeof(spec), "w%03zu || v%03zu & x%03zu", r, r,
		    r);
		add(pf, r, spec);
	}
	is_int(prefilter_alternatives(pf), 600, "growth: every alternative");
	is_int(prefilter_strings(pf), 900, "growth: every string");
	buf_init(&text, 0);
	for (size_t r = 0; r < 300; r += 2)
		buf_printf(&text, "w%03zu ", r);
	for (size_t r = 1; r < 300; r += 2)
		buf_printf(&text, "v%03zu x%03zu ", r, r);
	prefilter_scan(pf, buf_str(&text), text.len, may, 300);
	for (size_t r = 0; r < 300; r++)
		all &= may[r] == 1;
	ok(all, "growth: each rule allowed by its own words");
	buf_reset(&text);
	for (size_t r = 0; r < 300; r++)
		buf_printf(&text, "v%03zu w%03zx ", r, r + 1000);
	prefilter_scan(pf, buf_str(&text), text.len, may, 300);
	for (size_t r = 0; r < 300; r++)
		none &= may[r] == 0;
	ok(none, "growth: no rule allowed by half an alternative");
	buf_free(&text);
	prefilter_free(pf);
}

int
main(void)
{
	test_implied();
	test_growth();
	return tap_done();
}
