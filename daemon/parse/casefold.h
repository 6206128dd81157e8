/*
 * casefold.h — the caseless fold the rules' literal prefilter compares
 * with (prefilter.h): one canonical character for every character PCRE2
 * matches caselessly (UTF + UCP) with a letter a French rule may hold.
 *
 * Only the characters of casefold_known() are folded with certainty:
 * ASCII, the Latin-1 letters, Œ/œ, Ÿ, and the right single quotation
 * mark.  For each of them, every character PCRE2 treats as the same
 * letter caselessly folds to the same character here, including the
 * outsiders Unicode gives some of them (KELVIN SIGN for k, LONG S for s,
 * ANGSTROM SIGN for å, CAPITAL SHARP S for ß); tests/unit/test_prefilter.c
 * checks that against PCRE2 itself over every code point.  A literal that
 * holds any other character is not used by the prefilter.
 */
#ifndef CDP_CASEFOLD_H
#define CDP_CASEFOLD_H

#include <stddef.h>

struct buf;

/* 1 if the fold of code point cp is exact (see above). */
int casefold_known(unsigned cp);

/*
 * Appends the fold of s[0..len) to out, character by character: a
 * substring of s folds to a substring of the result.  Bytes that are not
 * valid UTF-8 are copied as they are.
 */
void casefold_text(const char *s, size_t len, struct buf *out);
/* The same in place on s[0..len); returns the length of the fold (never
 * more than len). */
size_t casefold_inplace(char *s, size_t len);

#endif
