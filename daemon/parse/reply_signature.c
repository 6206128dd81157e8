/*
 * reply_signature.c — signatures without a "-- " delimiter; see
 * reply_scan.h.
 *
 * Most people close with a formula and their name, and the town halls and
 * associations of the network add a title, a postal address, phones and a
 * legal disclaimer ("Ce message et ses pièces jointes sont
 * confidentiels...").  A closing starts the signature only when what
 * follows it up to the end looks like one: at most REPLY_CLOSING_MAX_LINES
 * short lines of free text (a name, a title, an organisation), then any
 * number of contact lines within REPLY_SIGNATURE_MAX_LINES (rules
 * labelled signature_line: phones, addresses, links; only below the free
 * text, where signatures put them: an address in the middle of a
 * paragraph counts as text), then possibly a disclaimer paragraph (rules
 * labelled disclaimer).  Losing a person's words is worse than keeping a
 * signature: without a closing above it nothing is cut, not even a
 * disclaimer, and more free text below a closing keeps it all, as does a
 * mail command below it (rules labelled command_line).
 */
#include <stddef.h>

#include "parse/reply_scan.h"

/* A closing formula starts the signature if 1 to this many lines of free
 * text follow it, none longer than REPLY_CLOSING_LINE_MAX bytes. */
#define REPLY_CLOSING_MAX_LINES		5
#define REPLY_CLOSING_LINE_MAX		100
/* Lines of a signature below its closing, contact lines included. */
#define REPLY_SIGNATURE_MAX_LINES	12
/* How far up from the end a disclaimer may start (it wraps). */
#define REPLY_DISCLAIMER_MAX_LINES	12

/* The first kept non-blank line before `end` and after `first` that
 * starts a disclaimer running to the end, or `end` if there is none. */
static size_t
reply_disclaimer_start(struct reply_scan *sc, size_t first, size_t end)
{
	size_t start = end, seen = 0;

	for (size_t i = end; i > first + 1 &&
	    seen < REPLY_DISCLAIMER_MAX_LINES; i--) {
		const struct line *ln = &sc->lines[i - 1];

		if (!ln->keep || ln->cls == LINE_BLANK)
			continue;
		seen++;
		if (reply_match_line(sc, RL_DISCLAIMER, i - 1, NULL) >= 0)
			start = i - 1;
	}
	return start;
}

/* Cuts the signature whose closing is above line `end` (a disclaimer's
 * start, or the end); returns 1 if it did. */
static int
reply_cut_closing_above(struct reply_scan *sc, size_t first, size_t end)
{
	size_t tail[REPLY_SIGNATURE_MAX_LINES + 1], ntail = 0, text_lines = 0;
	long r;

	/* The last kept non-blank lines above `end`, but not the first line
	 * of the reply, in reverse text order. */
	for (size_t i = end; i > first + 1 &&
	    ntail < REPLY_SIGNATURE_MAX_LINES + 1; i--) {
		const struct line *ln = &sc->lines[i - 1];

		if (!ln->keep || ln->cls == LINE_BLANK)
			continue;
		/* A command is what the person came to say, not their name
		 * ("Merci\nFAIT 2"): no closing above it ends the reply. */
		if (ln->len > REPLY_CLOSING_LINE_MAX ||
		    reply_match_line(sc, RL_COMMAND_LINE, i - 1, NULL) >= 0)
			break;
		if (text_lines > 0 ||
		    reply_match_line(sc, RL_SIGNATURE_LINE, i - 1, NULL) < 0) {
			if (text_lines == REPLY_CLOSING_MAX_LINES + 1)
				break;
			text_lines++;
		}
		tail[ntail++] = i - 1;
	}
	/* The topmost closing wins; the last line is never a closing: a
	 * signature has a name. */
	while (ntail > 1) {
		size_t c = tail[--ntail];

		r = reply_match_line(sc, RL_CLOSING, c, NULL);
		if (r < 0)
			continue;
		reply_note_cut(sc, "closing", c, r);
		for (size_t m = c; m < sc->n; m++)
			sc->lines[m].keep = 0;
		return 1;
	}
	return 0;
}

void
reply_cut_closing(struct reply_scan *sc)
{
	size_t first = sc->n, end;

	for (size_t i = 0; i < sc->n; i++)
		if (sc->lines[i].keep && sc->lines[i].cls != LINE_BLANK) {
			first = i;
			break;
		}
	if (first == sc->n)
		return;
	end = reply_disclaimer_start(sc, first, sc->n);
	/* A sentence of the person's that reads like a disclaimer ("Ce
	 * message corrige une erreur") may sit above their own closing. */
	if (!reply_cut_closing_above(sc, first, end) && end < sc->n)
		(void)reply_cut_closing_above(sc, first, sc->n);
}
