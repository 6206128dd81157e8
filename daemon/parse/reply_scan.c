/*
 * reply_scan.c — matching the lines of a reply against the rules of one
 * label, and recording where the first cut was made; see reply_scan.h.
 *
 * Shared by reply.c (the pass over the lines) and reply_signature.c
 * (signatures without a delimiter), which both call down into it: the
 * rule lookups stay in one place and no file calls back into reply.c.
 */
#include <stddef.h>

#include "parse/reply_scan.h"
#include "parse/rules.h"

/* First rule of `label` matching s[0..len): its index, or -1.  *start gets
 * the match start.  Over-long strings are never matched (see
 * REPLY_SCAN_MAX_RULE_LINE); a matching error (PCRE2's limit) counts as no
 * match. */
long
reply_match(struct reply_scan *sc, int label, const char *s, size_t len,
    size_t *start)
{
	if (len == 0 || len > REPLY_SCAN_MAX_RULE_LINE)
		return -1;
	for (size_t k = 0; k < sc->nidx[label]; k++) {
		size_t i = sc->idx[label][k];

		if (rules_match(sc->rules, i, s, len, start, NULL) == 1)
			return (long)i;
	}
	return -1;
}

long
reply_match_line(struct reply_scan *sc, int label, size_t i, size_t *start)
{
	return reply_match(sc, label, reply_line_str(sc, i), sc->lines[i].len,
	    start);
}

void
reply_note_cut(struct reply_scan *sc, const char *by, size_t line,
    long rule)
{
	sc->cut = 1;
	if (sc->cut_by != NULL)
		return;
	sc->cut_by = by;
	sc->cut_line = (int)line + 1;
	sc->rule_line = rule >= 0 ? rules_line(sc->rules, (size_t)rule) : 0;
}
