/*
 * classify.h — what a new mail is about: kind, themes, commune
 * (DESIGN.md §2), from files an administrator edits in [paths] rules:
 *
 *   kind.rules     LABEL PATTERN lines (rules.h); labels request, report,
 *                  volunteer, other; the first rule in file order that
 *                  matches the subject or the text decides; none: request
 *   themes.rules   LABEL PATTERN lines; every label with at least one
 *                  matching rule is a theme, in the order of first
 *                  appearance in the file
 *   communes.txt   one commune per line, its official name as it should be
 *                  shown ("Ambert", "Saint-Amant-Roche-Savine"); '#'
 *                  comments; letters, digits, '-', blanks and apostrophes
 *                  only.  Matched as a whole word, case- and
 *                  accent-insensitively, with '-', blanks and apostrophes
 *                  interchangeable (an apostrophe may also be left out)
 *                  and "St"/"Ste" for Saint/Sainte; not when glued by a
 *                  hyphen to another word ("Saint-Just" is not in
 *                  "Saint-Just-en-Chevalet").  The first commune named in
 *                  the subject, else in the text, wins; when one name
 *                  contains another ("Saint-Germain-l'Herm" and a shorter
 *                  one) the longer match wins.
 *
 * Only the first 64 KiB of the subject and of the text are read.
 *
 * Errors name file and line (rules.h), e.g.
 * "config/rules/kind.rules:4: label 'requets': not a kind (request, report,
 * volunteer, other)" or "config/rules/communes.txt:9: 'Amb;ert': ';' is not
 * allowed in a commune name (...)".
 */
#ifndef CDP_CLASSIFY_H
#define CDP_CLASSIFY_H

#include <stddef.h>

struct classify;

/* Loads the three files from `dir`.  -1 with every problem of the three
 * files in err, one per line. *out is the caller's (classify_free). */
int classify_load(const char *dir, struct classify **out, char *err,
    size_t errlen);
void classify_free(struct classify *c);

struct classify_result {
	const char	*kind;		/* static: "request", "report",
					 * "volunteer" or "other" */
	char		**themes;	/* owned; labels, no duplicates */
	size_t		  nthemes;
	char		 *commune;	/* owned; name as in communes.txt,
					 * NULL when none found */
};

/* Classifies a mail from its decoded subject and new text (either may be
 * NULL; c may be NULL: a request about nothing).  Always fills *out (never
 * fails: a matching error, e.g. PCRE2's match limit, counts as no match);
 * free it with classify_result_free.  Threads calling it with the same c
 * take turns. */
void classify_run(const struct classify *c, const char *subject,
    const char *text, struct classify_result *out);
void classify_result_free(struct classify_result *r);

/* What a mail is classified on: what its sender wrote (new_text, the
 * reply without its quotes), or its whole text when that is empty or NULL
 * (a mail that is only quoted history still has a text to go by).  Every
 * caller of classify_run on a received mail goes through it, so that a
 * mail classified ahead and at intake reads the same. */
const char *classify_text(const char *new_text, const char *text);

/* With on = 0, classify_run() runs every rule on both inputs instead of
 * only those the literal prefilter allows (rules_scan()), and finds the
 * commune with the plain alternation of all names rather than the one
 * gathered by first letter (commune_any.h): the reference the tests
 * compare with.  On by default. */
void classify_prefilter(struct classify *c, int on);

/* The themes as a JSON array string, e.g. ["energie","habitat"] (new
 * string), for the database. */
char *classify_themes_json(const struct classify_result *r);

/* 1 if `id` is a theme of the rules (a label of themes.rules). */
int classify_theme_known(const struct classify *c, const char *id);
/* The themes of the rules, in file order: how many, and the i-th
 * (borrowed). */
size_t classify_theme_count(const struct classify *c);
const char *classify_theme_name(const struct classify *c, size_t i);

/* The commune of communes.txt that `name` names, compared without case
 * or accents ("saint-germain-l'herm"), borrowed from c; NULL if none. */
const char *classify_commune_name(const struct classify *c,
    const char *name);

#endif
