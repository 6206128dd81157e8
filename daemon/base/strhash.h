/*
 * strhash.h — the one hash of a string for in-memory tables (FNV-1a,
 * 64 bits): the statement cache, the rule labels, the prefilter's group
 * signatures.  Fast, not for anything an outsider could aim at: a crafted
 * collision only makes a lookup compare more strings.
 */
#ifndef CDP_STRHASH_H
#define CDP_STRHASH_H

#include <stdint.h>

static inline uint64_t
strhash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

#endif
