/*
 * rules.c — loading and matching PCRE2 rule files; see rules.h.
 *
 * Each pattern is compiled once at load and, when the platform allows it,
 * JIT-compiled once it has been run on enough text: rules run on every
 * line of every incoming mail, but of the hundreds loaded by each `poll`
 * most run on none of a few mails (the prefilter rules them out) or only
 * on short header lines, and compiling them all took most of the
 * start-up.  One match data block per rule set is
 * reused, so matching allocates nothing; a rules object is therefore used
 * by one thread at a time (the daemon has one), which also makes the
 * count of runs safe to keep in it.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/strhash.h"
#include "parse/branches.h"
#include "parse/literals.h"
#include "parse/prefilter.h"
#include "parse/rules.h"

struct rule {
	char		*label;
	int		 line;
	pcre2_code	*code;
	int		 jit;		/* code was JIT-compiled */
	char		*pattern;	/* its source, for rules_prefilter() */
	size_t		 interpreted;	/* bytes run on without JIT, up to
					 * RULES_JIT_AFTER */
};

/* The rules of one label, in file order: gathered at load, so that a
 * caller running one label on every mail compares its label with the
 * few distinct ones, not with every rule. */
struct rules_group {
	const char		*label;		/* the first rule's */
	size_t			*idx;
	size_t			 n;
};

struct rules {
	struct rule		*items;
	size_t			 n;
	struct rules_group	*groups;
	size_t			 ngroups;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	struct prefilter	*pf;	/* the rules' literals, once
					 * rules_prefilter() made it */
	int			 jit;	/* JIT-compile the rules that run */
};

/* Caps the work one pattern may do on one input: a rule with catastrophic
 * backtracking must not stall the daemon on a crafted mail. */
#define RULES_MATCH_LIMIT	1000000

/* An empty rule set; jit 0 leaves its rules to the interpreter. */
static struct rules *
rules_new(int jit)
{
	struct rules *r = xcalloc(1, sizeof(*r));

	/* JIT is an optimisation only; without it matching still works.
	 * Its code reads ahead of the subject with wide loads, which
	 * valgrind reports as errors it cannot trace: `make memcheck`
	 * turns it off with CDP_NO_JIT. */
	r->jit = jit && getenv("CDP_NO_JIT") == NULL;
	return r;
}

static int
rules_add_line(struct rules *r, const char *path, int lineno, char *line,
    struct buf *errs)
{
	char *p = line, *label, *pat, *end;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	label = p;
	while (*p && (islower((unsigned char)*p) ||
	    isdigit((unsigned char)*p) || *p == '_'))
		p++;
	if (p == label || (*p != ' ' && *p != '\t')) {
		buf_printf(errs, "%s%s:%d: %.*s: expected 'label pattern' "
		    "with a label of a-z, 0-9 and _", errs->len ? "\n" : "",
		    path, lineno, (int)strcspn(label, " \t"), label);
		return -1;
	}
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	pat = p;
	if (*pat == '\0') {
		buf_printf(errs, "%s%s:%d: %s: missing pattern",
		    errs->len ? "\n" : "", path, lineno, label);
		return -1;
	}
	code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF,
	    &errcode, &erroff, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		buf_printf(errs, "%s%s:%d: %s: %s at offset %zu of the "
		    "pattern", errs->len ? "\n" : "", path, lineno, label,
		    (char *)msg, (size_t)erroff);
		return -1;
	}
	if (r->n == RULES_MAX_RULES) {
		pcre2_code_free(code);
		buf_printf(errs, "%s%s:%d: %s: more than %d rules in one file",
		    errs->len ? "\n" : "", path, lineno, label,
		    RULES_MAX_RULES);
		return -1;
	}
	r->items = xrealloc(r->items, (r->n + 1) * sizeof(*r->items));
	r->items[r->n].label = xstrdup(label);
	r->items[r->n].line = lineno;
	r->items[r->n].code = code;
	r->items[r->n].jit = 0;
	r->items[r->n].pattern = xstrdup(pat);
	r->items[r->n].interpreted = 0;
	r->n++;
	return 0;
}

/* Gathers the rules of each label (rules_with_label()), with a hash of
 * the labels so that a file of many labels loads in linear time. */
static void
rules_group_labels(struct rules *r)
{
	size_t cap = 16, mask, *slot;

	while (cap < 2 * r->n)
		cap *= 2;
	mask = cap - 1;
	slot = xmalloc(cap * sizeof(*slot));	/* group + 1, 0 = empty */
	memset(slot, 0, cap * sizeof(*slot));
	r->groups = xcalloc(r->n ? r->n : 1, sizeof(*r->groups));
	for (size_t i = 0; i < r->n; i++) {
		const char *label = r->items[i].label;
		size_t h = strhash(label) & mask;
		struct rules_group *g;

		while (slot[h] != 0 &&
		    strcmp(r->groups[slot[h] - 1].label, label) != 0)
			h = (h + 1) & mask;
		if (slot[h] == 0) {
			slot[h] = ++r->ngroups;
			r->groups[r->ngroups - 1].label = label;
		}
		g = &r->groups[slot[h] - 1];
		g->idx = xrealloc(g->idx, (g->n + 1) * sizeof(*g->idx));
		g->idx[g->n++] = i;
	}
	free(slot);
}

/*
 * The end of a load: every error collected in errs is the caller's, else
 * the label groups and the match data are made and *out set.  Frees r on
 * failure.
 */
static int
rules_finish(struct rules *r, const char *name, struct buf *errs,
    struct rules **out, char *err, size_t errlen)
{
	if (errs->len) {
		snprintf(err, errlen, "%s", buf_str(errs));
		goto fail;
	}
	r->md = pcre2_match_data_create(1, NULL);
	r->mctx = pcre2_match_context_create(NULL);
	if (r->md == NULL || r->mctx == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto fail;
	}
	pcre2_set_match_limit(r->mctx, RULES_MATCH_LIMIT);
	rules_group_labels(r);
	*out = r;
	return 0;
fail:
	rules_free(r);
	return -1;
}

static void
rules_too_long(struct buf *errs, const char *name, int lineno)
{
	buf_printf(errs, "%s%s:%d: line: longer than %d bytes",
	    errs->len ? "\n" : "", name, lineno, RULES_MAX_LINE);
}

int
rules_load(const char *path, struct rules **out, char *err, size_t errlen)
{
	struct rules *r = rules_new(1);
	struct buf errs;
	char line[RULES_MAX_LINE + 2];
	FILE *f;
	int lineno = 0, rc = -1;

	buf_init(&errs, 0);
	f = fopen(path, "re");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (strlen(line) > RULES_MAX_LINE) {
			int c;

			rules_too_long(&errs, path, lineno);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		rules_add_line(r, path, lineno, line, &errs);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = rules_finish(r, path, &errs, out, err, errlen);
	r = NULL;
out:
	if (f)
		fclose(f);
	buf_free(&errs);
	rules_free(r);
	return rc;
}

int
rules_load_text(const char *name, const char *text, int jit,
    struct rules **out, char *err, size_t errlen)
{
	struct rules *r = rules_new(jit);
	struct buf errs;
	const char *p = text, *nl;
	char *line;
	size_t n;
	int lineno = 0, rc;

	/* Generated text (all the communes in one pattern) may have lines
	 * longer than a file's: only the file limit is lifted here. */
	buf_init(&errs, 0);
	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		line = xstrndup(p, n);
		rules_add_line(r, name, lineno, line, &errs);
		free(line);
		p += n + (nl != NULL);
	}
	rc = rules_finish(r, name, &errs, out, err, errlen);
	buf_free(&errs);
	return rc;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].label);
		free(r->items[i].pattern);
		pcre2_code_free(r->items[i].code);
	}
	free(r->items);
	for (size_t g = 0; g < r->ngroups; g++)
		free(r->groups[g].idx);
	free(r->groups);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
	prefilter_free(r->pf);
	free(r);
}

size_t
rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

const char *
rules_label(const struct rules *r, size_t i)
{
	return r->items[i].label;
}

int
rules_line(const struct rules *r, size_t i)
{
	return r->items[i].line;
}

int
rules_jitted(const struct rules *r, size_t i)
{
	size_t size = 0;

	return pcre2_pattern_info(r->items[i].code, PCRE2_INFO_JITSIZE,
	    &size) == 0 && size > 0;
}

int
rules_match(const struct rules *r, size_t i, const char *s, size_t len,
    size_t *start, size_t *end)
{
	struct rule *ru = &r->items[i];
	int rc;

	/* A failed JIT compilation (no executable memory under the
	 * systemd unit) leaves the interpreter, and is not tried again. */
	if (ru->interpreted < RULES_JIT_AFTER) {
		ru->interpreted += len < RULES_JIT_AFTER ? len :
		    RULES_JIT_AFTER;
		if (ru->interpreted >= RULES_JIT_AFTER && r->jit)
			ru->jit = pcre2_jit_compile(ru->code,
			    PCRE2_JIT_COMPLETE) == 0;
	}
	/* pcre2_match() would run the same JIT code after checks that
	 * cost more than a short line's match: the rules' options never
	 * need them (invalid UTF-8 is allowed at compile time). */
	rc = ru->jit ? pcre2_jit_match(ru->code, (PCRE2_SPTR)s, len, 0, 0,
	    r->md, r->mctx) : pcre2_match(ru->code, (PCRE2_SPTR)s, len, 0, 0,
	    r->md, r->mctx);

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	if (start || end) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);

		if (start)
			*start = ov[0];
		if (end)
			*end = ov[1];
	}
	return 1;
}

size_t
rules_with_label(const struct rules *r, const char *label,
    const size_t **idx)
{
	*idx = NULL;
	for (size_t g = 0; r != NULL && g < r->ngroups; g++)
		if (strcmp(r->groups[g].label, label) == 0) {
			*idx = r->groups[g].idx;
			return r->groups[g].n;
		}
	return 0;
}

long
rules_first_match(const struct rules *r, const char *label, const char *s,
    size_t len, size_t *start, size_t *end)
{
	const size_t *idx;
	size_t n;

	if (r == NULL)
		return -1;
	if (label == NULL) {
		for (size_t i = 0; i < r->n; i++)
			if (rules_match(r, i, s, len, start, end) == 1)
				return (long)i;
		return -1;
	}
	n = rules_with_label(r, label, &idx);
	for (size_t k = 0; k < n; k++)
		if (rules_match(r, idx[k], s, len, start, end) == 1)
			return (long)idx[k];
	return -1;
}

/*
 * The literals of one rule: of each alternative of its pattern
 * (branches.h) when every one has some, else of the pattern whole.
 */
static void
rules_prefilter_one(struct prefilter *pf, size_t i, const char *pattern)
{
	char **alt;
	size_t n = branches_expand(pattern, &alt), k;
	struct literals *lits = xcalloc(n, sizeof(*lits));

	for (k = 0; k < n; k++) {
		literals_derive(alt[k], &lits[k]);
		if (lits[k].n == 0)
			break;
	}
	if (k == n)
		prefilter_add_any(pf, i, lits, n);
	else {
		struct literals whole;

		literals_derive(pattern, &whole);
		prefilter_add(pf, i, &whole);
		literals_free(&whole);
	}
	for (k = 0; k < n; k++)
		literals_free(&lits[k]);
	free(lits);
	branches_free(alt, n);
}

void
rules_prefilter(struct rules *r)
{
	if (r == NULL || r->pf != NULL)
		return;
	r->pf = prefilter_new();
	rules_prefilter_into(r, r->pf, 0);
}

void
rules_prefilter_into(const struct rules *r, struct prefilter *pf,
    size_t base)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		rules_prefilter_one(pf, base + i, r->items[i].pattern);
}

int
rules_prefiltered(const struct rules *r, size_t i)
{
	return r->pf != NULL && prefilter_has(r->pf, i);
}

int
rules_have_literals(const struct rules *r)
{
	for (size_t i = 0; r != NULL && i < r->n; i++)
		if (rules_prefiltered(r, i))
			return 1;
	return 0;
}

void
rules_scan(const struct rules *r, const char *folded, size_t flen,
    unsigned char *may)
{
	if (r == NULL)
		return;
	if (r->pf == NULL)
		memset(may, 1, r->n);
	else
		prefilter_scan(r->pf, folded, flen, may, r->n);
}
