/*
 * branches.h — a pattern as the union of simpler ones, for the literals
 * of the prefilter (literals.h).
 *
 * Most rules are one long alternation: "\b(?:fêtes?\s+(?:de\s+village|
 * ...)|repas\s+(?:partagés?|...)|personnes?\s+(?:âgées|isolées|...)|
 * ...)\b".  Read whole, it requires only one word of a union as broad as
 * its broadest branch ("personne").  Every match of A(?:B1|B2)C is a
 * match of AB1C or of AB2C, so the alternatives of an alternation at the
 * top of the pattern can be read one by one, each with all it requires
 * ("personne" and one of "âgées", "isolées"...): a rule may match only
 * when one of its alternatives may.
 */
#ifndef CDP_BRANCHES_H
#define CDP_BRANCHES_H

#include <stddef.h>

#define BRANCHES_MAX	32	/* alternatives of one pattern */

/*
 * The alternatives of pattern (valid PCRE2, as rules.h compiles it) into
 * *out (new strings, the caller's; free with branches_free): the
 * alternations of its top-level sequence, and of the groups that become
 * top-level once one is spelt out, are spelt out as long as there are no
 * more than BRANCHES_MAX in all; the pattern itself when it has none or
 * its syntax is not read here (\Q, classes with POSIX names).  They are
 * meant for literals_derive() only: a capturing group or an option
 * setting spelt out no longer means what it did, which changes no
 * literal.  Returns how many (at least 1).
 */
size_t branches_expand(const char *pattern, char ***out);
void branches_free(char **b, size_t n);

#endif
