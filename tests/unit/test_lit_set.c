/*
 * test_lit_set.c — the arena (base/arena.c) and the string sets the
 * literals are derived with (parse/lit_set.c), exactly: what each
 * operation keeps, in which order, and where it gives up.  The literals
 * they make are checked in test_prefilter.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "parse/lit_set.h"
#include "tap.h"

/* The strings of s joined by '|'. */
static const char *
joined(const struct lit_set *s, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < s->n; i++) {
		buf_printf(out, "%s%s", i ? "|" : "", s->v[i].s);
		if (strlen(s->v[i].s) != s->v[i].len)
			buf_adds(out, "(bad length)");
	}
	return buf_str(out);
}

static void
test_arena(void)
{
	struct arena a;
	char *s, *big;
	void *p, *q;
	int aligned = 1;

	arena_init(&a);
	is_int(a.total, 0, "arena: empty at first");
	s = arena_strndup(&a, "projet partagé", 6);
	is_str(s, "projet", "arena: strndup copies n bytes and ends them");
	for (int i = 0; i < 100; i++) {
		p = arena_alloc(&a, (size_t)i % 13 + 1);
		aligned &= ((uintptr_t)p % _Alignof(max_align_t)) == 0;
		memset(p, 0xAB, (size_t)i % 13 + 1);
	}
	ok(aligned, "arena: every allocation aligned for any type");
	is_str(s, "projet", "arena: later allocations leave earlier ones");
	is_int(a.total, 16 * 1024, "arena: small allocations share one "
	    "chunk");
	big = arena_alloc(&a, 40000);
	memset(big, 'x', 40000);
	is_int(a.total, 16 * 1024 + 40000, "arena: a large one gets a chunk "
	    "of its size");
	p = arena_alloc(&a, 8);
	q = arena_alloc(&a, 8);
	ok(p != q && (p < (void *)big || p >= (void *)(big + 40000)) &&
	    (q < (void *)big || q >= (void *)(big + 40000)),
	    "arena: no allocation overlaps the large one");
	is_str(s, "projet", "arena: the first chunk kept");
	arena_free(&a);
	is_int(a.total, 0, "arena: freed whole");
	s = arena_strndup(&a, "abc", 3);
	is_str(s, "abc", "arena: usable again after arena_free");
	arena_free(&a);
}

static void
test_sets(void)
{
	struct arena a;
	struct lit_set x = LIT_SET_EMPTY, y = LIT_SET_EMPTY, z = LIT_SET_EMPTY;
	struct lit_set p;
	struct buf b;
	char word[8];

	arena_init(&a);
	buf_init(&b, 0);
	lit_set_add(&a, &x, "voisin", 6);
	lit_set_add(&a, &x, "ami", 3);
	lit_set_add(&a, &x, "voisins", 6);	/* the first 6 bytes: again */
	lit_set_add(&a, &x, "amie", 4);
	is_str(joined(&x, &b), "voisin|ami|amie", "add: each string once, in "
	    "the order first added");
	is_int(x.min, 3, "add: the shortest length kept");
	for (int i = 0; i < 20; i++) {		/* past a few doublings */
		snprintf(word, sizeof(word), "w%02d", i);
		lit_set_add(&a, &y, word, 3);
		lit_set_add(&a, &y, word, 3);
	}
	is_int(y.n, 20, "add: twenty distinct strings, each once");
	is_str(y.v[0].s, "w00", "add: the first kept as the array grows");
	is_str(y.v[19].s, "w19", "add: the last in its place");

	lit_set_clear(&y);
	lit_set_add(&a, &y, "amie", 4);
	lit_set_add(&a, &y, "copain", 6);
	lit_set_copy(&a, &y, &x);
	is_str(joined(&y, &b), "amie|copain|voisin|ami", "copy: what dst "
	    "lacks, in src's order");
	lit_set_copy(&a, &z, &x);
	is_str(joined(&z, &b), "voisin|ami|amie", "copy: into an empty set, "
	    "all of it");
	is_int(z.min, 3, "copy: the shortest length follows");

	lit_set_clear(&x);
	lit_set_clear(&y);
	lit_set_add(&a, &x, "", 0);
	lit_set_add(&a, &x, "s", 1);
	lit_set_add(&a, &y, "é", 2);
	lit_set_add(&a, &y, "e", 1);
	is_int(lit_set_product(&a, &x, &y, 16, 64, &p), 0, "product: made");
	is_str(joined(&p, &b), "é|e|sé|se", "product: every pair, the first "
	    "set's order first");
	is_int(p.min, 1, "product: the shortest length");
	lit_set_clear(&y);
	lit_set_add(&a, &y, "", 0);
	lit_set_add(&a, &y, "s", 1);
	lit_set_add(&a, &x, "ss", 2);
	is_int(lit_set_product(&a, &x, &y, 16, 64, &p), 0, "product: with "
	    "equal concatenations");
	is_str(joined(&p, &b), "|s|ss|sss", "product: a string made twice "
	    "is kept once");
	is_int(lit_set_product(&a, &x, &y, 5, 64, &p), -1, "product: more "
	    "pairs than allowed");
	is_int(p.n, 0, "product: refused, empty");
	is_int(lit_set_product(&a, &x, &y, 16, 3, &p), 0, "product: the "
	    "longest string exactly at the limit");
	is_int(lit_set_product(&a, &x, &y, 16, 2, &p), -1, "product: a "
	    "string over the length limit");
	is_int(p.n, 0, "product: over the length limit, empty");

	lit_set_clear(&x);
	lit_set_clear(&y);
	lit_set_add(&a, &x, "projet", 6);
	lit_set_add(&a, &y, "idée", 5);
	lit_set_add(&a, &y, "projet", 6);
	ok(lit_set_better(&x, &y, 8) && !lit_set_better(&y, &x, 8),
	    "better: the longer shortest string");
	lit_set_clear(&y);
	lit_set_add(&a, &y, "initiative", 10);
	ok(lit_set_better(&x, &y, 6) == 0 && lit_set_better(&y, &x, 6) == 0,
	    "better: lengths past the cap are equal");
	ok(lit_set_better(&y, &x, 8), "better: below the cap, longer wins");
	lit_set_add(&a, &y, "initiatives", 11);
	ok(lit_set_better(&x, &y, 6) && !lit_set_better(&y, &x, 6),
	    "better: same length, fewer strings");

	lit_set_clear(&x);
	lit_set_clear(&y);
	lit_set_add(&a, &x, "abc", 3);
	lit_set_add(&a, &x, "abcd", 4);
	lit_set_add(&a, &y, "abcd", 4);
	lit_set_add(&a, &y, "abc", 3);
	ok(lit_set_same(&x, &y), "same: the same strings in another order");
	lit_set_add(&a, &y, "xyz", 3);
	ok(!lit_set_same(&x, &y), "same: one more string");
	lit_set_clear(&y);
	lit_set_add(&a, &y, "abc", 3);
	lit_set_add(&a, &y, "abce", 4);
	ok(!lit_set_same(&x, &y), "same: as many, one differs");
	buf_free(&b);
	arena_free(&a);
}

int
main(void)
{
	test_arena();
	test_sets();
	return tap_done();
}
