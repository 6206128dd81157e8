/*
 * literals.h — what text a rule's pattern cannot match without: the
 * literals of the prefilter (prefilter.h), derived once when the rules
 * are loaded.
 *
 * literals_derive() reads the PCRE2 pattern source (as rules.h compiles
 * it: UTF, UCP, caseless) and finds groups of strings such that every
 * match of the pattern, in any text, contains a string of each group once
 * both are folded by casefold.h.  "\b(?:se|vous|me)\s+d[ée]sabonner\b"
 * gives one group {"désabonner", "desabonner"}; "\b(?:mon|ton)\s+voisin
 * \s+(?:a|porte)\s+un\s+projet" gives {"voisin"} and {"projet"}: a text
 * needs both.  An alternation gives one group, a string from each branch,
 * or nothing.  Any syntax it does not know for certain (\Q, \x{...},
 * conditionals, backtracking verbs, (?x), recursion...) gives no group,
 * nor does a branch that may match without a literal; a group with a
 * string shorter than LITERALS_MIN_LEN bytes is left out.  No group: the
 * rule always runs.
 */
#ifndef CDP_LITERALS_H
#define CDP_LITERALS_H

#include <stddef.h>

#define LITERALS_MIN_LEN	3	/* bytes of the shortest literal kept */
#define LITERALS_MAX	512		/* literals of one group */
#define LITERALS_MAX_GROUPS	4	/* groups of one pattern: the most
					 * selective are kept */

struct literals {
	char	**items;	/* owned array of folded, NUL-terminated
				 * strings (in `strings`); none is a
				 * substring of another of its group */
	unsigned *group;	/* owned: the group of each item, 0.. */
	char	 *strings;	/* owned: the items, back to back */
	size_t	  n;		/* 0: nothing found, the rule always runs */
	size_t	  ngroups;
};

/* Fills *out (never fails: n == 0 when nothing certain was found); the
 * caller frees it with literals_free. */
void literals_derive(const char *pattern, struct literals *out);
void literals_free(struct literals *l);

#endif
