/*
 * rules.c — loading and matching PCRE2 rule files; see rules.h.
 *
 * Each pattern is compiled once at load and, when the platform allows it,
 * JIT-compiled: rules run on every line of every incoming mail.  One match
 * data block per rule set is reused, so matching allocates nothing; a rules
 * object is therefore used by one thread at a time (the daemon has one).
 *
 * Most text matches no rule at all, and trying a hundred patterns one
 * after the other scanned it a hundred times: more than half of the work
 * of taking in a mail.  So each label (and the whole file) also gets one
 * alternation of its rules, each in a group of its own so that an inline
 * option stays inside it; one scan of it tells that none of them matches,
 * and only when it matches are the rules tried one by one, in file order,
 * so that which rule matches and where is what it always was.  A rule
 * whose meaning would change inside a larger pattern (group numbers,
 * verbs, \Q, extended mode) keeps its label out of this: that label is
 * always tried rule by rule.
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
#include "parse/rules.h"

struct rule {
	char		*label;
	int		 line;
	pcre2_code	*code;
	char		*pattern;	/* for the unions */
	int		 alone;		/* cannot be part of an alternation */
};

/* The alternation of the rules of one label (label NULL: of all rules);
 * code NULL when they cannot be combined. */
struct rules_union {
	char		*label;
	size_t		 n;		/* rules it stands for */
	int		 tried;		/* compiled, or found not to be */
	pcre2_code	*code;
};

struct rules {
	struct rule		*items;
	size_t			 n;
	struct rules_union	*unions;
	size_t			 nunions;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
};

/* Caps the work one pattern may do on one input: a rule with catastrophic
 * backtracking must not stall the daemon on a crafted mail. */
#define RULES_MATCH_LIMIT	1000000

/* Compiles one pattern (a rule or an alternation of rules) with the
 * options every rule has. */
static pcre2_code *
rules_compile(const char *pat, int *errcode, PCRE2_SIZE *erroff)
{
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat,
	    PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS |
	    PCRE2_MATCH_INVALID_UTF, errcode, erroff, NULL);

	/* JIT is an optimisation only; without it matching still works.
	 * Its code reads ahead of the subject with wide loads, which
	 * valgrind reports as errors it cannot trace: `make memcheck`
	 * turns it off with CDP_NO_JIT. */
	if (code != NULL && getenv("CDP_NO_JIT") == NULL)
		(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

/*
 * 0 when a pattern would not mean the same inside an alternation: back
 * references and subroutine calls count groups from the start of the
 * whole pattern, verbs ((*COMMIT), (*UTF)...) act on all of it, \Q runs
 * to the end of the pattern and extended mode ((?x)) lets a # comment
 * eat the alternatives after it.  Anything unusual is refused: such a
 * rule is only slower.
 */
static int
rules_combinable(const char *pat, const pcre2_code *code)
{
	uint32_t backrefs = 1;
	const char *p;

	if (pcre2_pattern_info(code, PCRE2_INFO_BACKREFMAX, &backrefs) != 0 ||
	    backrefs != 0)
		return 0;
	if (strstr(pat, "(*") || strstr(pat, "\\Q") || strstr(pat, "\\g") ||
	    strstr(pat, "\\k") || strstr(pat, "\\K"))
		return 0;
	for (p = strstr(pat, "(?"); p != NULL; p = strstr(p + 2, "(?")) {
		const char *q = p + 2;

		/* Lookarounds and plain groups: (?: (?= (?! (?<= (?<! */
		if (*q == ':' || *q == '=' || *q == '!' ||
		    (q[0] == '<' && (q[1] == '=' || q[1] == '!')))
			continue;
		/* Option settings, (?i) (?-i) (?i:...), without x. */
		while (*q == '-' || *q == '^' || (*q >= 'a' && *q <= 'z' &&
		    *q != 'x'))
			q++;
		if (q > p + 2 && (*q == ')' || *q == ':'))
			continue;
		return 0;	/* named groups, (?|, (?R), (?1), (?(, (?C... */
	}
	return 1;
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
	code = rules_compile(pat, &errcode, &erroff);
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
	r->items[r->n].pattern = xstrdup(pat);
	r->items[r->n].alone = !rules_combinable(pat, code);
	r->n++;
	return 0;
}

/* The union of the rules labelled `label` (NULL: all), appended to
 * r->unions, not compiled yet. */
static void
rules_add_union(struct rules *r, const char *label)
{
	struct rules_union *u;

	r->unions = xrealloc(r->unions, (r->nunions + 1) *
	    sizeof(*r->unions));
	u = &r->unions[r->nunions++];
	u->label = label ? xstrdup(label) : NULL;
	u->n = 0;
	u->tried = 0;
	u->code = NULL;
	for (size_t i = 0; i < r->n; i++)
		if (label == NULL || strcmp(r->items[i].label, label) == 0)
			u->n++;
}

/* One union per label and one of the whole file. */
static void
rules_build_unions(struct rules *r)
{
	rules_add_union(r, NULL);
	for (size_t i = 0; i < r->n; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (strcmp(r->items[j].label, r->items[i].label) == 0)
				break;
		if (j == i)
			rules_add_union(r, r->items[i].label);
	}
}

/*
 * Compiles union u when first asked for, so that the unions no caller
 * uses (the commune names are matched one by one on a short excerpt)
 * cost neither time nor memory.  Its code stays NULL when one of its
 * rules cannot be combined, when there is only one (the rule itself is
 * as fast) or when the whole does not compile (PCRE2's limit on a
 * pattern's size).
 */
static void
rules_compile_union(const struct rules *r, struct rules_union *u)
{
	struct buf pat;
	size_t n = 0;
	int alone = 0, errcode;
	PCRE2_SIZE erroff;

	u->tried = 1;
	if (u->n < 2)
		return;
	buf_init(&pat, 0);
	for (size_t i = 0; i < r->n; i++) {
		if (u->label != NULL && strcmp(r->items[i].label, u->label) != 0)
			continue;
		alone |= r->items[i].alone;
		buf_printf(&pat, "%s(?:%s)", n++ ? "|" : "",
		    r->items[i].pattern);
	}
	if (!alone)
		u->code = rules_compile(buf_str(&pat), &errcode, &erroff);
	buf_free(&pat);
}

/*
 * The end of a load: every error collected in errs is the caller's, else
 * the match data is made and *out set.  Frees r on failure.
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
	rules_build_unions(r);
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
	struct rules *r = xcalloc(1, sizeof(*r));
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
rules_load_text(const char *name, const char *text, struct rules **out,
    char *err, size_t errlen)
{
	struct rules *r = xcalloc(1, sizeof(*r));
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
	for (size_t i = 0; i < r->nunions; i++) {
		free(r->unions[i].label);
		pcre2_code_free(r->unions[i].code);
	}
	free(r->unions);
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mctx);
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
rules_match(const struct rules *r, size_t i, const char *s, size_t len,
    size_t *start, size_t *end)
{
	int rc = pcre2_match(r->items[i].code, (PCRE2_SPTR)s, len, 0, 0,
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

int
rules_may_match(const struct rules *r, const char *label, const char *s,
    size_t len)
{
	struct rules_union *u = NULL;
	int rc;

	if (r == NULL)
		return 0;
	for (size_t i = 0; i < r->nunions && u == NULL; i++)
		if (label == NULL ? r->unions[i].label == NULL :
		    r->unions[i].label != NULL &&
		    strcmp(r->unions[i].label, label) == 0)
			u = &r->unions[i];
	if (u == NULL || u->n == 0)
		return 0;		/* no rule has that label */
	if (!u->tried)
		rules_compile_union(r, u);
	if (u->code == NULL)
		return 1;
	rc = pcre2_match(u->code, (PCRE2_SPTR)s, len, 0, 0, r->md, r->mctx);
	/* A matching error (the match limit) says nothing: the rules will
	 * be tried one by one. */
	return rc != PCRE2_ERROR_NOMATCH;
}

long
rules_first_match(const struct rules *r, const char *label, const char *s,
    size_t len, size_t *start, size_t *end)
{
	if (!rules_may_match(r, label, s, len))
		return -1;
	for (size_t i = 0; i < r->n; i++) {
		if (label && strcmp(r->items[i].label, label) != 0)
			continue;
		if (rules_match(r, i, s, len, start, end) == 1)
			return (long)i;
	}
	return -1;
}
