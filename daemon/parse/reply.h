/*
 * reply.h — the new text of a reply: no quoted history, no signature.
 *
 * DESIGN.md §5 and §6: mail commands are read from the text a person wrote
 * this time, and `inspect --json` shows it as `reply`.  People answer from
 * Gmail, Outlook, Thunderbird, Apple Mail, phones and the Orange, SFR, Free
 * and Yahoo webmails; each marks the history it includes in its own way
 * ("Le 3 juin 2024 à 10:12, Marie a écrit :", an Outlook block "De : ...
 * Envoyé : ... À : ... Objet : ...", "----- Mail original -----", lines
 * starting with ">").  The phrases are administrator-editable PCRE2 rules in
 * config/rules/reply.rules (labels documented at its top); this module is
 * the mechanism that applies them: line scanning, wrapped header lines
 * joined before matching, Outlook-style header blocks, quote blocks and the
 * new text between them, signatures.
 *
 * Guarantees, whatever the input: no line starting with ">" is ever part of
 * the result, nor anything below the first quote header, separator, forward
 * marker or header block unless it follows a ">" quote block (interleaved
 * and bottom-posted answers are kept; the quoted lines between them are
 * not) or the header is an attribution above all the text of the mail
 * (the text below it is then the reply: a mail is never lost whole for an
 * attribution put on top).  Time and memory are linear in the input.
 */
#ifndef CDP_REPLY_H
#define CDP_REPLY_H

#include <stddef.h>

struct rules;

/* Larger inputs are refused (-1): the caller quarantines or skips. */
#define REPLY_MAX_INPUT		(64u * 1024 * 1024)
/* Lines longer than this are never taken for a header or a signature (they
 * are text): the rules are not run on them, which bounds matching time. */
#define REPLY_MAX_RULE_LINE	1000

/* reply_extract_ex() flags. */
#define REPLY_KEEP_SIGNATURE	0x01	/* cut quoted history only: keep
					 * signatures, closings and mobile
					 * client lines (talon's notion of a
					 * reply, used by the corpus tests) */

/* Where the new text ended, for debugging and tests.  All borrowed. */
struct reply_info {
	/* What made the first cut: a rule label of reply.rules
	 * ("quote_header", "separator", "mobile_signature", ...), or
	 * "quote_marker" (a line starting with ">"), "header_block" (two
	 * header fields or more), "closing"; NULL when nothing was cut. */
	const char	*cut_by;
	int		 cut_line;	/* 1-based line of the text; 0 if none */
	int		 rule_line;	/* line in the rules file; 0 if the cut
					 * was not made by one rule */
};

/*
 * Extracts the new text of `len` bytes of `text` (borrowed, untrusted;
 * UTF-8, LF or CRLF line ends, need not be NUL-terminated) with the reply
 * rules `rules` (borrowed, loaded from reply.rules; after rules_prefilter()
 * only the rules whose literals the text holds run, with the same
 * result).  On success returns 0
 * and a new NUL-terminated string in *out, owned by the caller: the kept
 * lines joined with LF, leading and trailing blank space removed; "" when
 * the mail is only history.  Returns -1 (and *out untouched) when rules is
 * NULL or len exceeds REPLY_MAX_INPUT.  out must not be NULL.
 */
int reply_extract(const struct rules *rules, const char *text, size_t len,
    char **out);

/* Same, with REPLY_* flags; fills *info (may be NULL). */
int reply_extract_ex(const struct rules *rules, const char *text, size_t len,
    unsigned flags, char **out, struct reply_info *info);

/*
 * Checks that a loaded rules file suits this module: every label is one
 * reply.c knows, and quote_header exists.  Returns 0, or -1 with
 * "path:line: label: unknown label" lines in err (for `coupdepouce check`).
 */
int reply_rules_check(const struct rules *rules, const char *path, char *err,
    size_t errlen);

#endif
