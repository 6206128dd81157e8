/*
 * reply_scan.h — the scan state the files of the reply extractor share.
 * Private to parse/reply*.c; the API is reply.h.
 *
 *   reply.c            lines, quote headers, header blocks, quote blocks,
 *                      the one pass and the public functions
 *   reply_scan.c       a line matched against the rules of one label
 *                      (only those the literal prefilter allows), the
 *                      first cut recorded
 *   reply_signature.c  signatures without a "-- " delimiter: a closing
 *                      formula, then a name, contact lines and a legal
 *                      disclaimer
 * Functions are prefixed reply_; reply.h stays the only API.  This
 * header does not include reply.h (reply.c includes both: no cycle), so
 * the first cut is kept here in plain fields and copied out by reply.c.
 */
#ifndef CDP_REPLY_SCAN_H
#define CDP_REPLY_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct rules;

/* Strings longer than this are never matched (reply.h's
 * REPLY_MAX_RULE_LINE; reply.c checks that the two agree). */
#define REPLY_SCAN_MAX_RULE_LINE	1000

/* The labels of reply.rules, in the order of reply.c's names. */
enum reply_label {
	RL_QUOTE_HEADER,
	RL_QUOTE_HEADER_START,
	RL_QUOTE_INTRO,
	RL_SEPARATOR,
	RL_FORWARD,
	RL_HEADER_FROM,
	RL_HEADER_DATE,
	RL_HEADER_FIELD,
	RL_MOBILE_SIGNATURE,
	RL_SIGNATURE,
	RL_CLOSING,
	RL_SIGNATURE_LINE,
	RL_DISCLAIMER,
	RL_COMMAND_LINE,
	RL_COUNT
};

enum line_cls { LINE_BLANK, LINE_QUOTED, LINE_TEXT };

struct line {
	uint32_t	off;
	uint32_t	len;	/* without the line end (nor a CR before it) */
	unsigned char	cls;
	unsigned char	keep;
	signed char	field;	/* reply.c's enum field_kind, cached */
};

struct reply_scan {
	const struct rules	*rules;
	const size_t		*idx[RL_COUNT];	/* rule indices per label,
						 * borrowed from rules */
	size_t			 nidx[RL_COUNT];
	/* may[i] is 0 when rule i matches no line of the text: its literals
	 * (rules_scan()) are not all in the folded lines; mayj the same for
	 * the string in join.  Every byte 1 without a prefilter. */
	unsigned char		*may;
	unsigned char		*mayj;
	struct buf		 fold;		/* folded text, for the scans */
	const char		*text;
	struct line		*lines;
	size_t			 n;
	unsigned		 flags;
	int			 cut;		/* something was cut */
	const char		*cut_by;	/* the first cut, as in */
	int			 cut_line;	/* struct reply_info */
	int			 rule_line;
	struct buf		 join;
};

static inline const char *
reply_line_str(const struct reply_scan *sc, size_t i)
{
	return sc->text + sc->lines[i].off;
}

/* Finds which rules may match a line of the text (sc->may), in one pass
 * over the lines the rules may run on, before any is matched. */
void reply_scan_lines(struct reply_scan *sc);

/* First rule of `label` matching the string in sc->join: its index, or
 * -1; *start (may be NULL) gets the match start.  Over-long strings never
 * match; a matching error (PCRE2's limit) counts as no match.  Joined
 * lines may hold a literal across a line end: the join is scanned on its
 * own. */
long reply_match_join(struct reply_scan *sc, int label, size_t *start);

/* First rule of `label` matching line i: its index, or -1; *start (may be
 * NULL) gets the match start.  Lines over REPLY_MAX_RULE_LINE never
 * match. */
long reply_match_line(struct reply_scan *sc, int label, size_t i,
    size_t *start);

/* Records a cut made by `by` (borrowed, static) at line i by rule `rule`
 * (-1 when no single rule made it); the first cut is the one reported. */
void reply_note_cut(struct reply_scan *sc, const char *by, size_t line,
    long rule);

/* A closing formula near the end of the kept lines, with the name, title,
 * contact lines and disclaimer below it, is a signature: unkeeps it. */
void reply_cut_closing(struct reply_scan *sc);

#endif
