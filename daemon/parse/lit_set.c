/*
 * lit_set.c — sets of strings in an arena; see lit_set.h.
 *
 * Sets are small (a handful of strings, a few hundred for the union of a
 * long alternation's branches), so membership is a scan comparing
 * lengths first; the arrays double as they grow.
 */
#include <string.h>

#include "base/arena.h"
#include "parse/lit_set.h"

void
lit_set_clear(struct lit_set *s)
{
	memset(s, 0, sizeof(*s));
}

static int
lit_set_has(const struct lit_set *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].len == len && memcmp(s->v[i].s, str, len) == 0)
			return 1;
	return 0;
}

/* Appends one string already in the arena. */
static void
lit_set_push(struct arena *a, struct lit_set *s, const char *str,
    size_t len)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4;
		struct lit_str *v = arena_alloc(a, cap * sizeof(*v));

		if (s->n)
			memcpy(v, s->v, s->n * sizeof(*v));
		s->v = v;
		s->cap = cap;
	}
	if (s->n == 0 || len < s->min)
		s->min = len;
	s->v[s->n].s = str;
	s->v[s->n++].len = len;
}

void
lit_set_add(struct arena *a, struct lit_set *s, const char *str, size_t len)
{
	if (!lit_set_has(s, str, len))
		lit_set_push(a, s, arena_strndup(a, str, len), len);
}

void
lit_set_copy(struct arena *a, struct lit_set *dst, const struct lit_set *src)
{
	int fresh = dst->n == 0;	/* src's strings are distinct */

	for (size_t i = 0; i < src->n; i++)
		if (fresh || !lit_set_has(dst, src->v[i].s, src->v[i].len))
			lit_set_push(a, dst, src->v[i].s, src->v[i].len);
}

int
lit_set_product(struct arena *a, const struct lit_set *x,
    const struct lit_set *y, size_t most, size_t maxlen, struct lit_set *out)
{
	lit_set_clear(out);
	if (x->n * y->n > most)
		return -1;
	for (size_t i = 0; i < x->n; i++)
		for (size_t j = 0; j < y->n; j++) {
			size_t len = x->v[i].len + y->v[j].len;
			char *c;

			if (len > maxlen) {
				lit_set_clear(out);
				return -1;
			}
			c = arena_alloc(a, len + 1);
			memcpy(c, x->v[i].s, x->v[i].len);
			memcpy(c + x->v[i].len, y->v[j].s, y->v[j].len);
			c[len] = '\0';
			if (!lit_set_has(out, c, len))
				lit_set_push(a, out, c, len);
		}
	return 0;
}

int
lit_set_better(const struct lit_set *x, const struct lit_set *y, size_t cap)
{
	size_t lx = x->min < cap ? x->min : cap;
	size_t ly = y->min < cap ? y->min : cap;

	return lx != ly ? lx > ly : x->n < y->n;
}

int
lit_set_same(const struct lit_set *x, const struct lit_set *y)
{
	if (x->n != y->n || x->min != y->min)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (!lit_set_has(y, x->v[i].s, x->v[i].len))
			return 0;
	return 1;
}
