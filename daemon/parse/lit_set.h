/*
 * lit_set.h — the sets of strings literals.c reasons with: what a part of
 * a pattern matches exactly, or of which any match holds one.
 *
 * A set lives in an arena (arena.h) with its strings: sets are made,
 * copied and dropped by the thousand while one pattern is read, and all
 * go at once when it is done.  Strings are never changed once in a set,
 * so copies share them.  A set keeps its strings in the order they were
 * first added, once each; the order decides which literals come out
 * first, and literals.h's results depend on it.
 */
#ifndef CDP_LIT_SET_H
#define CDP_LIT_SET_H

#include <stddef.h>

struct arena;

struct lit_str {
	const char	*s;	/* in the arena, NUL-terminated */
	size_t		 len;
};

struct lit_set {
	struct lit_str	*v;	/* in the arena */
	size_t		 n, cap;
	size_t		 min;	/* length of the shortest, 0 when empty */
};

#define LIT_SET_EMPTY	{ NULL, 0, 0, 0 }

/* Empties s (its memory stays the arena's). */
void lit_set_clear(struct lit_set *s);
/* Adds a copy of str[0..len) unless s has it. */
void lit_set_add(struct arena *a, struct lit_set *s, const char *str,
    size_t len);
/* Adds every string of src that dst lacks, in src's order. */
void lit_set_copy(struct arena *a, struct lit_set *dst,
    const struct lit_set *src);
/* The concatenations of a string of x and one of y, x's order first,
 * into *out; -1 (and *out empty) past `most` strings or a string longer
 * than `maxlen` bytes. */
int lit_set_product(struct arena *a, const struct lit_set *x,
    const struct lit_set *y, size_t most, size_t maxlen,
    struct lit_set *out);
/* 1 if x is more selective than y: longer shortest string (counted up
 * to `cap` bytes), then fewer strings. */
int lit_set_better(const struct lit_set *x, const struct lit_set *y,
    size_t cap);
/* 1 if x and y hold the same strings, in any order. */
int lit_set_same(const struct lit_set *x, const struct lit_set *y);

#endif
