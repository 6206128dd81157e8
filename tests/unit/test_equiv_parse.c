/*
 * test_equiv_parse.c — the parse path's fast versions give exactly what
 * the straightforward ones they replaced gave.
 *
 * Rules by label: rules.c gathers the rules of each label at load
 * (rules_with_label()), where the callers compared their label with
 * every rule's on every call.  The reference here is that scan: for
 * every shipped rule file and a generated one of many labels, each label
 * gives the same rules in the same order, and bounce_rules_earliest()
 * the same place and end as the scan over every rule on the texts,
 * subjects and senders of every fixture mail, for every label of
 * auto.rules.
 * Matching: a JIT-compiled rule runs through pcre2_jit_match(), not
 * pcre2_match(); every shipped rule, loaded with JIT and without it,
 * gives the same result, start and end on every fixture's text, subject
 * and sender.
 * The fold: casefold_inplace() folds eight ASCII bytes at once; the
 * reference is the character-at-a-time fold it was, run on every byte
 * value at every place of a word, on random strings of the characters
 * it folds, their broken prefixes and other bytes, and on the fixtures.
 * Line ends: mime_normalize_text() copies the runs between CRs and NULs
 * whole, found eight bytes at a time; the reference is the byte loop it
 * was, on CR, LF, CRLF, NUL and BOMs at every place and on random
 * strings of them.
 * Run from the project root, as tests/run.sh does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/bounce.h"
#include "parse/casefold.h"
#include "parse/message.h"
#include "parse/mime_private.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_DIR	"config/rules"

/* ---- fixtures --------------------------------------------------------- */

/* The strings of the fixture mails the rules read (text, subject,
 * sender, delivery status), owned, freed by strings_free(). */
struct strings {
	char	**s;
	size_t	  n;
};

static void
strings_add(struct strings *v, const char *s)
{
	if (s == NULL)
		return;
	v->s = xrealloc(v->s, (v->n + 1) * sizeof(*v->s));
	v->s[v->n++] = xstrdup(s);
}

static void
strings_free(struct strings *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
}

static void
fixture_strings(struct strings *v)
{
	char path[1024];
	FILE *p = popen("find tests/data -name '*.eml' | sort", "r");

	while (p != NULL && fgets(path, sizeof(path), p) != NULL) {
		struct message *m = NULL;
		char *raw, perr[256];
		size_t len;

		path[strcspn(path, "\n")] = '\0';
		raw = read_file(path, &len);
		if (raw != NULL && message_parse(raw, len, &m, perr,
		    sizeof(perr)) == 0) {
			strings_add(v, m->text);
			strings_add(v, m->subject);
			strings_add(v, m->from.address);
			strings_add(v, m->delivery_status);
		}
		message_free(m);
		free(raw);
	}
	if (p != NULL)
		pclose(p);
}

/* Says which bytes a check failed on. */
static void
show_input(const char *s, size_t n)
{
	printf("#   input:");
	for (size_t i = 0; i < n; i++)
		printf(" %02x", (unsigned char)s[i]);
	printf("\n");
}

/* ---- rules by label --------------------------------------------------- */

/* The indices of the rules labelled `label`, by a scan of every rule: a
 * new array, its length in *n. */
static size_t *
ref_with_label(const struct rules *r, const char *label, size_t *n)
{
	size_t *idx = xmalloc((rules_count(r) + 1) * sizeof(*idx));

	*n = 0;
	for (size_t i = 0; i < rules_count(r); i++)
		if (strcmp(rules_label(r, i), label) == 0)
			idx[(*n)++] = i;
	return idx;
}

/* 1 if every label of r gives the rules the scan gives, and a label no
 * rule has gives none. */
static int
same_groups(const struct rules *r)
{
	const size_t *idx;
	size_t n, want_n, total = 0;
	int same = 1;

	for (size_t i = 0; i < rules_count(r) && same; i++) {
		size_t *want = ref_with_label(r, rules_label(r, i), &want_n);

		n = rules_with_label(r, rules_label(r, i), &idx);
		same = n == want_n && memcmp(idx, want, n * sizeof(*idx)) == 0;
		if (want[0] == i)
			total += n;	/* each label counted once */
		free(want);
	}
	n = rules_with_label(r, "no_such_label", &idx);
	return same && total == rules_count(r) && n == 0 && idx == NULL;
}

static void
test_groups_shipped(void)
{
	static const char *const files[] = {
		"auto.rules", "reply.rules", "kind.rules", "themes.rules"
	};
	char path[256], err[4096];

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct rules *r = NULL;
		char name[128];

		snprintf(path, sizeof(path), "%s/%s", RULES_DIR, files[f]);
		snprintf(name, sizeof(name), "%s: each label gives the rules "
		    "a scan of every rule gives, in file order", files[f]);
		if (rules_load(path, &r, err, sizeof(err)) != 0) {
			ok(0, name);
			printf("#   %s\n", err);
			continue;
		}
		ok(rules_count(r) > 0 && same_groups(r), name);
		rules_free(r);
	}
}

/* Many labels, interleaved, some sharing a prefix: the load's hash of
 * the labels must keep them apart and in file order. */
static void
test_groups_generated(void)
{
	struct rules *r = NULL;
	struct buf text;
	const size_t *idx;
	char err[1024];
	size_t n;

	buf_init(&text, 0);
	for (int i = 0; i < 3000; i++)
		buf_printf(&text, "l%d_%s  x%d\n", (i * 7) % 997,
		    i % 2 ? "a" : "ab", i);
	ok(rules_load_text("gen.rules", buf_str(&text), 0, &r, err,
	    sizeof(err)) == 0, "generated: 3000 rules load");
	if (r != NULL) {
		ok(same_groups(r), "generated: 1994 labels, each gives the "
		    "rules a scan gives, in file order");
		n = rules_with_label(r, "l7_a", &idx);
		is_int((long long)n, 2, "generated: l7_a has two rules");
		if (n == 2)
			ok(idx[0] == 1 && idx[1] == 1995,
			    "generated: l7_a: rules 1 and 1995");
	}
	rules_free(r);
	r = NULL;
	ok(rules_load_text("empty", "", 0, &r, err, sizeof(err)) == 0 &&
	    rules_with_label(r, "x", &idx) == 0 && idx == NULL,
	    "empty rules: no label");
	rules_free(r);
	ok(rules_with_label(NULL, "x", &idx) == 0 && idx == NULL,
	    "NULL rules: no label");
	buf_free(&text);
}

/* bounce_rules_earliest() as it was: every rule's label compared. */
static long
ref_earliest(const struct rules *rules, const char *label, const char *s,
    size_t len, size_t *end)
{
	size_t st, en;
	long best = -1;

	for (size_t i = 0; i < rules_count(rules); i++) {
		if (strcmp(rules_label(rules, i), label) != 0 ||
		    rules_match(rules, i, s, len, &st, &en) != 1)
			continue;
		if (best < 0 || (long)st < best) {
			best = (long)st;
			*end = en;
		}
	}
	return best;
}

/* Every label of `rules` on s: 1 if the earliest place and its end are
 * the reference's; *hits counts the matches. */
static int
same_earliest(const struct rules *rules, const char *s, size_t *hits)
{
	for (size_t i = 0; s != NULL && i < rules_count(rules); i++) {
		const char *label = rules_label(rules, i);
		size_t e1 = 0, e2 = 0, len = strlen(s);
		long a = bounce_rules_earliest(rules, label, s, len, &e1);
		long b = ref_earliest(rules, label, s, len, &e2);

		if (a != b || e1 != e2) {
			printf("#   %s on \"%.40s\": %ld..%zu, want %ld..%zu\n",
			    label, s, a, e1, b, e2);
			return 0;
		}
		*hits += a >= 0;
	}
	return 1;
}

static void
test_earliest(void)
{
	struct rules *rules = NULL;
	struct strings v = { NULL, 0 };
	char err[4096];
	size_t hits = 0;
	int same = 1;

	if (rules_load(RULES_DIR "/auto.rules", &rules, err,
	    sizeof(err)) != 0) {
		ok(0, "auto.rules loads");
		return;
	}
	fixture_strings(&v);
	for (size_t k = 0; k < v.n && same; k++)
		same = same_earliest(rules, v.s[k], &hits);
	ok(v.n >= 60 && hits >= 20, "fixtures: the mails read, rules "
	    "matched");
	ok(same, "bounce_rules_earliest: the place and end of the scan over "
	    "every rule, for every label on every fixture");
	strings_free(&v);
	rules_free(rules);
}

/* ---- matching -------------------------------------------------------- */

static void
test_jit_match(void)
{
	static const char *const files[] = {
		"auto.rules", "reply.rules", "kind.rules", "themes.rules"
	};
	struct strings v = { NULL, 0 };
	size_t hits = 0;

	fixture_strings(&v);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct rules *jit = NULL, *interp = NULL;
		char path[256], err[4096], name[128], *text;
		int same = 1;

		snprintf(path, sizeof(path), "%s/%s", RULES_DIR, files[f]);
		snprintf(name, sizeof(name), "%s: each rule matches alike "
		    "with JIT and without, on every fixture string", files[f]);
		text = read_file(path, NULL);
		if (text == NULL || rules_load(path, &jit, err,
		    sizeof(err)) != 0 || rules_load_text(path, text, 0,
		    &interp, err, sizeof(err)) != 0) {
			ok(0, name);
			goto next;
		}
		for (size_t i = 0; i < rules_count(jit) && same; i++)
			for (size_t k = 0; k < v.n && same; k++) {
				size_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
				size_t len = strlen(v.s[k]);
				int a = rules_match(jit, i, v.s[k], len, &a0,
				    &a1);
				int b = rules_match(interp, i, v.s[k], len,
				    &b0, &b1);

				same = a == b && a0 == b0 && a1 == b1;
				hits += a == 1;
				if (!same)
					printf("#   rule %zu on string %zu: "
					    "%d %zu..%zu, want %d %zu..%zu\n",
					    i, k, a, a0, a1, b, b0, b1);
			}
		ok(same, name);
next:
		free(text);
		rules_free(jit);
		rules_free(interp);
	}
	ok(v.n >= 60 && hits >= 50, "fixture strings read, rules matched");
	strings_free(&v);
}

/* ---- the fold ----------------------------------------------------------- */

/* casefold_inplace() as it was: one character at a time. */
static size_t
ref_casefold(char *s, size_t n)
{
	unsigned char *d = (unsigned char *)s;
	size_t r = 0, w = 0;

	while (r < n) {
		unsigned char b = d[r];

		if (b < 0x80) {
			d[w++] = (b >= 'A' && b <= 'Z') ? (unsigned char)(b |
			    0x20) : b;
			r++;
		} else if (b == 0xC3 && r + 1 < n && d[r + 1] >= 0x80 &&
		    d[r + 1] <= 0x9E && d[r + 1] != 0x97) {
			d[w++] = 0xC3;
			d[w++] = (unsigned char)(d[r + 1] + 0x20);
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0x92) {
			d[w++] = 0xC5;
			d[w++] = 0x93;
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xB8) {
			d[w++] = 0xC3;
			d[w++] = 0xBF;
			r += 2;
		} else if (b == 0xC5 && r + 1 < n && d[r + 1] == 0xBF) {
			d[w++] = 's';
			r += 2;
		} else if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 &&
		    d[r + 2] == 0xAA) {
			d[w++] = 'k';
			r += 3;
		} else if (b == 0xE2 && r + 2 < n && d[r + 1] == 0x84 &&
		    d[r + 2] == 0xAB) {
			d[w++] = 0xC3;
			d[w++] = 0xA5;
			r += 3;
		} else if (b == 0xE1 && r + 2 < n && d[r + 1] == 0xBA &&
		    d[r + 2] == 0x9E) {
			d[w++] = 0xC3;
			d[w++] = 0x9F;
			r += 3;
		} else
			d[w++] = d[r++];
	}
	return w;
}

/* 1 if both folds of s[0..n) give the same bytes; says where not. */
static int
same_fold(const char *s, size_t n)
{
	char *a = xmalloc(n + 1), *b = xmalloc(n + 1);
	size_t na, nb;
	int same;

	memcpy(a, s, n);
	memcpy(b, s, n);
	na = casefold_inplace(a, n);
	nb = ref_casefold(b, n);
	same = na == nb && memcmp(a, b, na) == 0;
	if (!same) {
		show_input(s, n);
		printf("#   length %zu, want %zu\n", na, nb);
	}
	free(a);
	free(b);
	return same;
}

static uint32_t
prng(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void
test_fold(void)
{
	/* What the fold changes, what it must not, and broken sequences. */
	static const char *const pieces[] = {
		"A", "Z", "M", "a", "z", "@", "[", "`", "{", " ", "\n", "\x7f",
		"\x01", "\xC3\x80", "\xC3\x89", "\xC3\x9E", "\xC3\x97",
		"\xC3\x9F", "\xC3\xA9", "\xC5\x92", "\xC5\x93", "\xC5\xB8",
		"\xC5\xBF", "\xE2\x84\xAA", "\xE2\x84\xAB", "\xE1\xBA\x9E",
		"\xE2\x80\x99", "\xC3", "\xC5", "\xE2", "\xE2\x84", "\xE1\xBA",
		"\x80", "\xFF", "BONJOUR", "Deux MOTS", "\xC3\x89T\xC3\x89",
	};
	size_t np = sizeof(pieces) / sizeof(pieces[0]), checked = 0;
	char word[32], path[1024], *text;
	uint32_t seed = 15;
	int same = 1;
	FILE *p;

	/* Every byte value at every place of a word of upper-case ASCII,
	 * the words cut at every length. */
	for (int c = 0; c < 256 && same; c++)
		for (size_t at = 0; at < 24 && same; at++) {
			memset(word, 'Q', sizeof(word));
			word[at] = (char)c;
			for (size_t n = at + 1; n <= 24 && same; n++, checked++)
				same = same_fold(word, n);
		}
	ok(same && checked > 70000, "fold: every byte at every place of a "
	    "word of up to 24 bytes, as the reference");
	same = 1;
	for (int t = 0; t < 50000 && same; t++) {
		struct buf b;

		buf_init(&b, 0);
		for (uint32_t k = prng(&seed) % 24; k > 0; k--)
			buf_adds(&b, pieces[prng(&seed) % np]);
		same = same_fold(b.data ? b.data : "", b.len);
		buf_free(&b);
	}
	ok(same, "fold: 50 000 random strings of folded characters, broken "
	    "sequences and others, as the reference");
	same = 1;
	checked = 0;
	p = popen("find tests/data -name '*.eml' | sort", "r");
	while (p != NULL && fgets(path, sizeof(path), p) != NULL && same) {
		size_t len;

		path[strcspn(path, "\n")] = '\0';
		if ((text = read_file(path, &len)) == NULL)
			continue;
		same = same_fold(text, len);
		checked++;
		free(text);
	}
	if (p != NULL)
		pclose(p);
	ok(same && checked >= 20, "fold: every fixture mail, as the "
	    "reference");
}

/* ---- line ends ---------------------------------------------------------- */

/* mime_normalize_text() as it was: one byte at a time. */
static char *
ref_normalize(const char *s, size_t len)
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

/* 1 if both give the same string for s[0..n) (NUL-free results). */
static int
same_normalize(const char *s, size_t n)
{
	char *a = mime_normalize_text(s, n), *b = ref_normalize(s, n);
	int same = strcmp(a, b) == 0;

	if (!same) {
		show_input(s, n);
		printf("#   got  \"%s\"\n#   want \"%s\"\n", a, b);
	}
	free(a);
	free(b);
	return same;
}

static void
test_normalize(void)
{
	static const char *const pieces[] = {
		"a", "Zz", "\r", "\n", "\r\n", "\n\r", "\x0d", "\x0c", "\x0e",
		"\xEF\xBB\xBF", "\xC3\xA9", "\xFF", "\x8D", "\x01", "ligne\r\n",
	};
	static const char specials[] = { '\r', '\n', '\0', '\x0d', '\xEF' };
	size_t np = sizeof(pieces) / sizeof(pieces[0]), checked = 0;
	char word[40];
	uint32_t seed = 77;
	int same = 1;

	for (size_t c = 0; c < sizeof(specials) && same; c++)
		for (size_t at = 0; at < 20 && same; at++)
			for (size_t at2 = at; at2 < 20 && same; at2++) {
				memset(word, 'x', sizeof(word));
				word[at] = specials[c];
				word[at2] = specials[(c + at2) %
				    sizeof(specials)];
				for (size_t n = 0; n <= 24 && same; n++,
				    checked++)
					same = same_normalize(word, n);
			}
	ok(same && checked > 20000, "line ends: CR, LF, NUL and BOM bytes at "
	    "every place of words of up to 24 bytes, as the reference");
	same = 1;
	for (int t = 0; t < 50000 && same; t++) {
		struct buf b;

		buf_init(&b, 0);
		for (uint32_t k = prng(&seed) % 30; k > 0; k--) {
			uint32_t r = prng(&seed) % (np + 1);

			if (r == np)
				buf_add(&b, "\0", 1);
			else
				buf_adds(&b, pieces[r]);
		}
		same = same_normalize(b.data ? b.data : "", b.len);
		buf_free(&b);
	}
	ok(same, "line ends: 50 000 random strings of CR, LF, NUL, BOM and "
	    "text, as the reference");
}

int
main(void)
{
	test_groups_shipped();
	test_groups_generated();
	test_earliest();
	test_jit_match();
	test_fold();
	test_normalize();
	return tap_done();
}
