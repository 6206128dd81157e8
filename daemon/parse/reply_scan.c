/*
 * reply_scan.c — matching the lines of a reply against the rules of one
 * label, and recording where the first cut was made; see reply_scan.h.
 *
 * Shared by reply.c (the pass over the lines) and reply_signature.c
 * (signatures without a delimiter), which both call down into it: the
 * rule lookups stay in one place and no file calls back into reply.c.
 *
 * Most rules run on most lines, and a pattern whose words a mail does
 * not hold fails only after trying each place of each line (without JIT,
 * as under the systemd unit, that was half of a poll).  The literal
 * prefilter (rules.h) reads the folded lines once per mail instead: a
 * rule whose literals are not all in them cannot match any line, and a
 * line is a substring of that text, so it is not run.  A join of lines
 * is not one: it is scanned by itself.
 */
#include <stddef.h>
#include <string.h>

#include "base/buf.h"
#include "parse/casefold.h"
#include "parse/reply_scan.h"
#include "parse/rules.h"

void
reply_scan_lines(struct reply_scan *sc)
{
	if (!rules_have_literals(sc->rules)) {
		memset(sc->may, 1, rules_count(sc->rules));
		return;
	}
	/* Only the lines the rules may run on.  The LF after each can only
	 * make the scan allow more, never hide a literal of a line. */
	buf_reset(&sc->fold);
	for (size_t i = 0; i < sc->n; i++) {
		if (sc->lines[i].len == 0 ||
		    sc->lines[i].len > REPLY_SCAN_MAX_RULE_LINE)
			continue;
		casefold_text(reply_line_str(sc, i), sc->lines[i].len,
		    &sc->fold);
		buf_addc(&sc->fold, '\n');
	}
	rules_scan(sc->rules, buf_str(&sc->fold), sc->fold.len, sc->may);
}

/* First rule of `label` allowed by may and matching s[0..len): its index,
 * or -1.  *start gets the match start.  Over-long strings are never
 * matched (see REPLY_SCAN_MAX_RULE_LINE); a matching error (PCRE2's
 * limit) counts as no match. */
static long
reply_match(struct reply_scan *sc, int label, const char *s, size_t len,
    const unsigned char *may, size_t *start)
{
	if (len == 0 || len > REPLY_SCAN_MAX_RULE_LINE)
		return -1;
	for (size_t k = 0; k < sc->nidx[label]; k++) {
		size_t i = sc->idx[label][k];

		if (may[i] && rules_match(sc->rules, i, s, len, start,
		    NULL) == 1)
			return (long)i;
	}
	return -1;
}

long
reply_match_line(struct reply_scan *sc, int label, size_t i, size_t *start)
{
	return reply_match(sc, label, reply_line_str(sc, i), sc->lines[i].len,
	    sc->may, start);
}

long
reply_match_join(struct reply_scan *sc, int label, size_t *start)
{
	const char *s = buf_str(&sc->join);
	size_t len = sc->join.len;

	if (len == 0 || len > REPLY_SCAN_MAX_RULE_LINE)
		return -1;
	if (!rules_have_literals(sc->rules))
		memset(sc->mayj, 1, rules_count(sc->rules));
	else {
		buf_reset(&sc->fold);
		casefold_text(s, len, &sc->fold);
		rules_scan(sc->rules, buf_str(&sc->fold), sc->fold.len,
		    sc->mayj);
	}
	return reply_match(sc, label, s, len, sc->mayj, start);
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
