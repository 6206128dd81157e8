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
 * Run from the project root, as tests/run.sh does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/bounce.h"
#include "parse/message.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_DIR	"config/rules"

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
	char err[4096], path[1024];
	size_t mails = 0, hits = 0;
	int same = 1;
	FILE *p;

	if (rules_load(RULES_DIR "/auto.rules", &rules, err,
	    sizeof(err)) != 0) {
		ok(0, "auto.rules loads");
		return;
	}
	p = popen("find tests/data -name '*.eml' | sort", "r");
	while (p != NULL && fgets(path, sizeof(path), p) != NULL) {
		struct message *m = NULL;
		size_t len;
		char *raw, perr[256];

		path[strcspn(path, "\n")] = '\0';
		raw = read_file(path, &len);
		if (raw != NULL && message_parse(raw, len, &m, perr,
		    sizeof(perr)) == 0) {
			mails++;
			same = same && same_earliest(rules, m->text, &hits) &&
			    same_earliest(rules, m->subject, &hits) &&
			    same_earliest(rules, m->from.address, &hits) &&
			    same_earliest(rules, m->delivery_status, &hits);
		}
		message_free(m);
		free(raw);
	}
	if (p != NULL)
		pclose(p);
	ok(mails >= 20 && hits >= 20, "fixtures: the mails read, rules "
	    "matched");
	ok(same, "bounce_rules_earliest: the place and end of the scan over "
	    "every rule, for every label on every fixture");
	rules_free(rules);
}

int
main(void)
{
	test_groups_shipped();
	test_groups_generated();
	test_earliest();
	return tap_done();
}
