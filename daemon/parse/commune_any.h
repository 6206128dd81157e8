/*
 * commune_any.h — the one pattern that finds any commune of communes.txt
 * (classify.c), from the pattern of each name.
 */
#ifndef CDP_COMMUNE_ANY_H
#define CDP_COMMUNE_ANY_H

#include <stddef.h>

/*
 * The rules line "any PATTERN\n" (new string) for the names whose
 * patterns are pats[order[0]], pats[order[1]]... tried in that order
 * (longest names first).  Each pattern is `before`, the name, then
 * `after`; the line holds `before` and `after` once around the names.
 * With grouped = 1, the names are gathered by the letter they start with,
 * each gathering behind a look-ahead for its first letters: the same
 * matches, in the same order, but at each place PCRE2 tries only the
 * names that start with the letter there instead of all of them.  When a
 * name does not start with a letter or digit of a known case (see the .c),
 * the line is the plain alternation, as with grouped = 0.
 */
char *commune_any_text(const char *const *pats, const size_t *order,
    size_t n, const char *before, const char *after, int grouped);

#endif
