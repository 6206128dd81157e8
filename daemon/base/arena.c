/*
 * arena.c — bump allocation in chunks; see arena.h.
 *
 * Chunks are small enough for malloc to serve them from the heap and
 * reuse them once freed, rather than mapping pages for each: an arena
 * made and freed for every pattern leaves the process no larger.  A
 * request larger than a chunk gets a chunk of its own.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/mem.h"

#define ARENA_CHUNK	(16 * 1024)	/* bytes of a chunk's space */

struct arena_chunk {
	struct arena_chunk	*prev;
	size_t			 size;	/* bytes of data[] */
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	size_t at = (a->used + align - 1) & ~(align - 1);
	struct arena_chunk *c;

	if (a->head != NULL && at <= a->head->size &&
	    n <= a->head->size - at) {
		a->used = at + n;
		return a->head->data + at;
	}
	c = xmalloc(sizeof(*c) + (n > ARENA_CHUNK ? n : ARENA_CHUNK));
	c->size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
	c->prev = a->head;
	a->head = c;
	a->used = n;
	a->total += c->size;
	return c->data;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void
arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct arena_chunk *c = a->head;

		a->head = c->prev;
		free(c);
	}
	arena_init(a);
}
