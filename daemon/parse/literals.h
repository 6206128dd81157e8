/*
 * literals.h — what text a rule's pattern cannot match without: the
 * literals of the prefilter (prefilter.h), derived once when the rules
 * are loaded.
 *
 * literals_derive() reads the PCRE2 pattern source (as rules.h compiles
 * it: UTF, UCP, caseless) and finds a set of strings such that every
 * match of the pattern, in any text, contains at least one of them once
 * both are folded by casefold.h.  "\b(?:se|vous|me)\s+d[ée]sabonner\b"
 * gives {"désabonner", "desabonner"}; an alternation gives one string
 * per branch or nothing.  Any syntax it does not know for certain (\Q,
 * \x{...}, conditionals, backtracking verbs, (?x), recursion...), a
 * branch that may match without a literal, or a string shorter than
 * LITERALS_MIN_LEN bytes gives no set: the rule then always runs.
 */
#ifndef CDP_LITERALS_H
#define CDP_LITERALS_H

#include <stddef.h>

#define LITERALS_MIN_LEN	3	/* bytes of the shortest literal kept */
#define LITERALS_MAX	512		/* literals of one pattern */

struct literals {
	char	**items;	/* owned, folded, NUL-terminated; none is a
				 * substring of another */
	size_t	  n;		/* 0: no set found, the rule always runs */
};

/* Fills *out (never fails: n == 0 when nothing certain was found); the
 * caller frees it with literals_free. */
void literals_derive(const char *pattern, struct literals *out);
void literals_free(struct literals *l);

#endif
