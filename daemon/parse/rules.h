/*
 * rules.h — PCRE2 rules read from files under config/rules/.
 *
 * The administrator edits these files, not the C code: phrases that start
 * quoted history in replies, out-of-office subjects, themes, communes.  One
 * rule per line:
 *
 *     LABEL   PATTERN
 *
 * LABEL is an identifier ([a-z0-9_]+); PATTERN, the rest of the line after
 * the blanks that follow the label, is a PCRE2 pattern compiled with UTF,
 * UCP and CASELESS (write "(?-i)" to match case).  Blank lines and lines
 * starting with '#' are ignored.  An error names the file, the line and the
 * label, with PCRE2's own message and the offset in the pattern.
 * Only rules.c includes PCRE2.
 */
#ifndef CDP_RULES_H
#define CDP_RULES_H

#include <stddef.h>

struct rules;

#define RULES_MAX_LINE	4096
#define RULES_MAX_RULES	10000
/* Bytes of text a rule runs on before it is JIT-compiled (the run that
 * reaches them runs compiled).  Compiling costs about 250 000
 * instructions for most of the shipped rules, which JIT code repays only
 * over a few KiB of text; a rule run on a few short header lines, or on
 * none, is better left to the interpreter.  Of 1 KiB and 4 KiB, 1 KiB
 * cost less over a poll of 400 bench mails (-0.7 %), 4 KiB less for a
 * poll of one (-8 %). */
#define RULES_JIT_AFTER	1024

/* Loads one rules file; on failure every bad line is reported in err, one
 * per line.  *out is owned by the caller (rules_free). */
int rules_load(const char *path, struct rules **out, char *err,
    size_t errlen);
/* The same from rules in memory (`text`, LF-separated lines, borrowed),
 * for rules a module generates from another file (classify.c's communes):
 * `name` stands for the file in error messages, so a generator that keeps
 * one line per source line gets errors pointing at the source.  Lines
 * are not limited to RULES_MAX_LINE here.  jit 0 leaves the patterns to
 * PCRE2's interpreter: JIT code takes memory for as long as the rules
 * live, which rules only ever run on a few bytes do not repay. */
int rules_load_text(const char *name, const char *text, int jit,
    struct rules **out, char *err, size_t errlen);
void rules_free(struct rules *r);

size_t rules_count(const struct rules *r);
/* Borrowed label of rule i. */
const char *rules_label(const struct rules *r, size_t i);
/* Line in the file of rule i (for messages). */
int rules_line(const struct rules *r, size_t i);
/* 1 if rule i runs as JIT code: once it has run on RULES_JIT_AFTER
 * bytes, when the platform allows it and the rules were loaded with JIT
 * (rules_load always, rules_load_text when asked; never with CDP_NO_JIT
 * set). */
int rules_jitted(const struct rules *r, size_t i);

/*
 * Matches rule i against s[0..len) (JIT-compiling it once it has run on
 * enough text, see rules_jitted()).  Returns 1 and the match bounds in
 * *start and *end (either may be NULL), 0 if no match, -1 on a matching error
 * (e.g. PCRE2's match limit hit: treated as no match by most callers).
 */
int rules_match(const struct rules *r, size_t i, const char *s, size_t len,
    size_t *start, size_t *end);

/* The rules labelled `label`, in file order: how many, and their indices
 * in *idx (borrowed from r; NULL when none).  The labels are gathered at
 * load: a lookup compares `label` with each distinct label once, never
 * with every rule. */
size_t rules_with_label(const struct rules *r, const char *label,
    const size_t **idx);

/* Index of the first rule with `label` (NULL = any label) that matches s,
 * or -1 if none.  start and end as in rules_match. */
long rules_first_match(const struct rules *r, const char *label,
    const char *s, size_t len, size_t *start, size_t *end);

/*
 * The literal prefilter (prefilter.h), for a caller that runs many rules
 * on each text: rules_prefilter() derives once the literals of every
 * rule (literals.h); then rules_scan() sets may[i], for each rule i, to 0
 * when rule i cannot match the text whose fold by casefold_text() is
 * folded[0..flen), 1 when it may (it then has to be run).  One pass over
 * the text for all the rules; `may` holds rules_count(r) bytes.  Running
 * only the rules it allows gives the same matches as running them all.
 * Without rules_prefilter(), rules_scan() allows every rule.
 */
void rules_prefilter(struct rules *r);
void rules_scan(const struct rules *r, const char *folded, size_t flen,
    unsigned char *may);
/* The same literals into pf, rule i of r as rule base + i of pf: one
 * scan for several rule sets run on the same text (prefilter.h). */
struct prefilter;
void rules_prefilter_into(const struct rules *r, struct prefilter *pf,
    size_t base);
/* 1 if rule i has literals, i.e. rules_scan() may rule it out. */
int rules_prefiltered(const struct rules *r, size_t i);
/* 1 if some rule of r has literals: else a scan is not worth the fold. */
int rules_have_literals(const struct rules *r);

#endif
