/*
 * prefilter.h — which rules of a set cannot match a text, found in one
 * pass over it before any pattern runs.
 *
 * Each rule may come with literals (literals.h): groups of strings such
 * that every match of its pattern contains one string of each group,
 * folded by casefold.h; or with several alternatives of such groups
 * (branches.h), every match meeting one of them.  A scan of the folded
 * text finds which of all the rules' literals it holds; a rule none of
 * whose alternatives has all its groups there cannot match and is not
 * run.  A rule without literals always runs.  The scan allocates
 * nothing; a prefilter is read-only once built, so several scans may
 * share it.
 */
#ifndef CDP_PREFILTER_H
#define CDP_PREFILTER_H

#include <stddef.h>

#define PREFILTER_MAX_ALTS	64	/* alternatives of one rule */
#define PREFILTER_MAX_SLOTS	4096	/* alternatives of all the rules */
#define PREFILTER_MAX_STRINGS	8192	/* strings of all the rules */

struct literals;
struct prefilter;

struct prefilter *prefilter_new(void);
void prefilter_free(struct prefilter *pf);

/* Rule `rule` may match only a text holding a string of each group of
 * lits (copied; n == 0, or more than 8 groups, adds nothing: the rule
 * always runs). */
void prefilter_add(struct prefilter *pf, size_t rule,
    const struct literals *lits);

/* Rule `rule` may match only a text meeting one of alts[0..n): holding a
 * string of each of its groups.  Nothing is added (the rule always runs)
 * when an alternative has no group, or more than 8, or there are more
 * than PREFILTER_MAX_ALTS, or the prefilter is full. */
void prefilter_add_any(struct prefilter *pf, size_t rule,
    const struct literals *alts, size_t n);

/* 1 if rule `rule` has literals. */
int prefilter_has(const struct prefilter *pf, size_t rule);
/* How many alternatives of all rules are kept (one implied by another
 * is not), and how many distinct strings: what a scan may look at. */
size_t prefilter_alternatives(const struct prefilter *pf);
size_t prefilter_strings(const struct prefilter *pf);

/*
 * Sets may[i], for every i < nrules: 0 when rule i has literals and a
 * group of them has no string in folded[0..len) (a text folded by
 * casefold_text()), 1 otherwise.
 */
void prefilter_scan(const struct prefilter *pf, const char *folded,
    size_t len, unsigned char *may, size_t nrules);

#endif
