/*
 * prefilter.h — which rules of a set cannot match a text, found in one
 * pass over it before any pattern runs.
 *
 * Each rule may come with literals (literals.h): groups of strings such
 * that every match of its pattern contains one string of each group,
 * folded by casefold.h.  A scan of the folded text finds which of all
 * the rules' literals it holds; a rule with a group none of whose strings
 * is there cannot match and is not run.  A rule without literals always
 * runs.  The scan allocates nothing; a prefilter
 * is read-only once built, so several scans may share it.
 */
#ifndef CDP_PREFILTER_H
#define CDP_PREFILTER_H

#include <stddef.h>

struct literals;
struct prefilter;

struct prefilter *prefilter_new(void);
void prefilter_free(struct prefilter *pf);

/* Rule `rule` may match only a text holding a string of each group of
 * lits (copied; n == 0, or more than 8 groups, adds nothing: the rule
 * always runs). */
void prefilter_add(struct prefilter *pf, size_t rule,
    const struct literals *lits);

/* 1 if rule `rule` has literals. */
int prefilter_has(const struct prefilter *pf, size_t rule);

/*
 * Sets may[i], for every i < nrules: 0 when rule i has literals and a
 * group of them has no string in folded[0..len) (a text folded by
 * casefold_text()), 1 otherwise.
 */
void prefilter_scan(const struct prefilter *pf, const char *folded,
    size_t len, unsigned char *may, size_t nrules);

#endif
