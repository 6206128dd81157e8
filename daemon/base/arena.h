/*
 * arena.h — many small allocations freed at once.
 *
 * For work that builds a great many short-lived pieces and drops them
 * all together (the literals of one pattern, literals.c): allocation is
 * a pointer bump in a chunk, nothing is freed one by one, and
 * arena_free() releases the chunks.  Out of memory is fatal, as in
 * mem.h.  An arena is used by one thread at a time.
 */
#ifndef CDP_ARENA_H
#define CDP_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;	/* the chunk being filled, or NULL */
	size_t			 used;	/* bytes taken of it */
	size_t			 total;	/* bytes of all chunks: a high-water
					 * mark for tests and profiles */
};

void arena_init(struct arena *a);
/* n bytes (n may be 0), aligned for any type; valid until
 * arena_free(). */
void *arena_alloc(struct arena *a, size_t n);
/* A copy of s[0..n) with a NUL after it. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Releases every allocation; the arena may be used again. */
void arena_free(struct arena *a);

#endif
