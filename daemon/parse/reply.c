/*
 * reply.c — the new text of a reply; see reply.h.
 *
 * The text is cut into lines once; each line is "blank", "quoted" (its first
 * non-blank character is '>') or "text".  One pass from the top then keeps
 * or drops lines:
 *
 *  - text lines are matched against the rules of config/rules/reply.rules
 *    (phrases live there, not here).  A quote header (possibly wrapped over
 *    up to 4 lines, which are joined before matching), a separator, a
 *    forward marker or a header block (two fields or more, Outlook style)
 *    starts history.  If ">" quoted lines follow it, the history ends with
 *    them and any text below is new text again (interleaved and bottom
 *    replies); otherwise the rest of the mail is history (Outlook and
 *    phones include the original unquoted).
 *  - a quoted block is dropped with the blank lines after it, and so is
 *    the attribution line just above it (quote_intro).  Text lines squeezed
 *    between two quoted lines are the client's wrapping of a long quoted
 *    line (Gmail and Thunderbird rewrap without re-adding ">"), not new
 *    text, when the quoted line above was long or ended in a link.
 *  - a signature delimiter or a mobile client line ends the new text.
 *
 * Then a closing formula near the end ("Cordialement,\nMarie Dupont")
 * starts the signature (reply_signature.c), punctuation-only lines left
 * just above a cut (Orange's "====", Outlook's dashes) go, and the result
 * is trimmed.  Each
 * line is matched a bounded number of times and lookahead is bounded, so
 * the work is linear in the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/reply.h"
#include "parse/reply_scan.h"
#include "parse/rules.h"

/* How many lines a wrapped quote header may take after its first one
 * (Gmail wraps "On ..., Name <address> wrote:" over 2 or 3 lines). */
#define REPLY_JOIN_LINES	3
/* Fields of a header block: more means it is not one. */
#define REPLY_BLOCK_MAX_FIELDS	16
/* Text lines between two quoted lines taken for the rewrapped end of the
 * quoted line above: at most this many, and only if that line was long. */
#define REPLY_WRAP_MAX_LINES	2
#define REPLY_WRAP_MIN_QUOTED	60

/* reply_scan.c bounds matching with the same limit reply.h documents. */
_Static_assert(REPLY_SCAN_MAX_RULE_LINE == REPLY_MAX_RULE_LINE,
    "one limit for the rules");

enum field_kind { FIELD_UNKNOWN = -1, FIELD_NONE, FIELD_FROM, FIELD_DATE,
	FIELD_OTHER };

static const char *const reply_label_names[RL_COUNT] = {
	"quote_header",
	"quote_header_start",
	"quote_intro",
	"separator",
	"forward",
	"header_from",
	"header_date",
	"header_field",
	"mobile_signature",
	"signature",
	"closing",
	"signature_line",
	"disclaimer",
	"command_line",
};

enum cut_kind { CUT_NONE, CUT_HISTORY, CUT_SIGNATURE, CUT_MOBILE };

/* ---- lines ------------------------------------------------------------ */

/* Length of the blank-looking UTF-8 sequence at s (ASCII blank, no-break
 * space, narrow no-break space, zero-width space, byte order mark), or 0. */
static size_t
reply_blank_char(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' ||
	    u[0] == '\n' || u[0] == '\f' || u[0] == '\v'))
		return 1;
	if (len >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (len >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    (u[2] == 0x8b || u[2] == 0xaf))
		return 3;
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

/* Bytes of blank-looking characters at the start of s[0..len). */
static size_t
reply_skip_blank(const char *s, size_t len)
{
	size_t i = 0, k;

	while (i < len && (k = reply_blank_char(s + i, len - i)) > 0)
		i += k;
	return i;
}

/* Length of s[0..len) without its trailing blank-looking characters. */
static size_t
reply_rtrim(const char *s, size_t len)
{
	size_t end = len;

	for (;;) {
		if (end >= 1 && reply_blank_char(s + end - 1, 1) == 1) {
			end--;
			continue;
		}
		if (end >= 2 && reply_blank_char(s + end - 2, 2) == 2) {
			end -= 2;
			continue;
		}
		if (end >= 3 && reply_blank_char(s + end - 3, 3) == 3) {
			end -= 3;
			continue;
		}
		return end;
	}
}

static void
reply_split_lines(struct reply_scan *sc, const char *text, size_t len)
{
	size_t cap = 64, pos = 0;

	sc->lines = xmalloc(cap * sizeof(*sc->lines));
	sc->n = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t l = end - pos, lead;
		struct line *ln;

		if (sc->n == cap) {
			cap *= 2;
			sc->lines = xrealloc(sc->lines,
			    cap * sizeof(*sc->lines));
		}
		if (l > 0 && text[pos + l - 1] == '\r')
			l--;
		ln = &sc->lines[sc->n++];
		ln->off = (uint32_t)pos;
		ln->len = (uint32_t)l;
		ln->keep = 0;
		ln->field = FIELD_UNKNOWN;
		lead = reply_skip_blank(text + pos, l);
		if (lead == l)
			ln->cls = LINE_BLANK;
		else if (text[pos + lead] == '>')
			ln->cls = LINE_QUOTED;
		else
			ln->cls = LINE_TEXT;
		pos = nl ? end + 1 : len;
	}
}

/* ---- rules ------------------------------------------------------------ */

static int
reply_label_of(const char *name)
{
	for (int l = 0; l < RL_COUNT; l++)
		if (strcmp(reply_label_names[l], name) == 0)
			return l;
	return -1;
}

/* The rules of each label, gathered by rules.c at load (borrowed). */
static void
reply_index_rules(struct reply_scan *sc)
{
	size_t n = rules_count(sc->rules);

	for (int l = 0; l < RL_COUNT; l++)
		sc->nidx[l] = rules_with_label(sc->rules,
		    reply_label_names[l], &sc->idx[l]);
	sc->may = xcalloc(n ? n : 1, 1);
	sc->mayj = xcalloc(n ? n : 1, 1);
}

/* ---- quote headers ---------------------------------------------------- */

/* A quoted line short enough to be the tail of a wrapped header ("> wrote:"
 * from Polymail, ">:" from Gmail in Norwegian): at most two words after
 * the markers. */
static int
reply_is_header_tail(const struct reply_scan *sc, size_t i)
{
	const char *s = reply_line_str(sc, i);
	size_t len = sc->lines[i].len, p = 0;
	int words = 0, in_word = 0;

	while (p < len && (s[p] == '>' || s[p] == ' ' || s[p] == '\t'))
		p++;
	for (; p < len; p++) {
		int sp = s[p] == ' ' || s[p] == '\t';

		if (!sp && !in_word)
			words++;
		in_word = !sp;
	}
	return words <= 2;
}

/*
 * Is line i the start of a quote header, alone or joined with up to
 * REPLY_JOIN_LINES following lines (one blank line may be skipped once:
 * Polymail leaves one after the name; paragraphs are not joined)?  Returns the rule index or -1; *end is the line after the header,
 * *prefix the bytes of line i before the header (text glued to it).
 */
static long
reply_quote_header(struct reply_scan *sc, size_t i, size_t *end,
    size_t *prefix)
{
	size_t start = 0, j, last;
	int blank_skipped = 0;
	long r;

	r = reply_match_line(sc, RL_QUOTE_HEADER, i, &start);
	if (r >= 0) {
		*end = i + 1;
		*prefix = start;
		return r;
	}
	if (reply_match_line(sc, RL_QUOTE_HEADER_START, i, NULL) < 0)
		return -1;
	buf_reset(&sc->join);
	buf_add(&sc->join, reply_line_str(sc, i), sc->lines[i].len);
	last = i;
	for (int k = 0; k < REPLY_JOIN_LINES; k++) {
		j = last + 1;
		if (j < sc->n && sc->lines[j].cls == LINE_BLANK &&
		    !blank_skipped) {
			blank_skipped = 1;
			j++;
		}
		if (j >= sc->n || sc->lines[j].cls == LINE_BLANK)
			break;
		if (sc->lines[j].cls == LINE_QUOTED &&
		    !reply_is_header_tail(sc, j))
			break;
		if (sc->join.len + 1 + sc->lines[j].len > REPLY_MAX_RULE_LINE)
			break;
		buf_addc(&sc->join, ' ');
		buf_add(&sc->join, reply_line_str(sc, j), sc->lines[j].len);
		last = j;
		r = reply_match_join(sc, RL_QUOTE_HEADER, &start);
		if (r >= 0 && start < sc->lines[i].len) {
			*end = last + 1;
			*prefix = start;
			return r;
		}
		if (sc->lines[j].cls == LINE_QUOTED)
			break;
	}
	return -1;
}

/* ---- header blocks ---------------------------------------------------- */

static int
reply_field(struct reply_scan *sc, size_t i)
{
	struct line *ln = &sc->lines[i];

	if (ln->field != FIELD_UNKNOWN)
		return ln->field;
	if (ln->cls != LINE_TEXT)
		ln->field = FIELD_NONE;
	else if (reply_match_line(sc, RL_HEADER_FROM, i, NULL) >= 0)
		ln->field = FIELD_FROM;
	else if (reply_match_line(sc, RL_HEADER_DATE, i, NULL) >= 0)
		ln->field = FIELD_DATE;
	else if (reply_match_line(sc, RL_HEADER_FIELD, i, NULL) >= 0)
		ln->field = FIELD_OTHER;
	else
		ln->field = FIELD_NONE;
	return ln->field;
}

/*
 * Does a header block start at line i: two fields or more in a row, one
 * of them a sender or a date, each value possibly wrapped onto one more
 * line?  (Outlook: "De : ...", "Envoyé : ...", "À : ...", "Objet : ...";
 * its long "From:" values wrap.)  Returns 1 and *end, the line after it.
 */
static int
reply_header_block(struct reply_scan *sc, size_t i, size_t *end)
{
	size_t j = i, nfields = 0;
	int key = 0, f;

	if (reply_field(sc, i) == FIELD_NONE)
		return 0;
	while (j < sc->n && nfields < REPLY_BLOCK_MAX_FIELDS) {
		f = reply_field(sc, j);
		if (f == FIELD_NONE) {
			/* A wrapped value: one text line between fields. */
			if (sc->lines[j].cls == LINE_TEXT && j + 1 < sc->n &&
			    reply_field(sc, j - 1) != FIELD_NONE &&
			    reply_field(sc, j + 1) != FIELD_NONE) {
				j++;
				continue;
			}
			break;
		}
		if (f == FIELD_FROM || f == FIELD_DATE)
			key = 1;
		nfields++;
		j++;
	}
	if (nfields < 2 || !key)
		return 0;
	*end = j;
	return 1;
}

/* ---- quote blocks ----------------------------------------------------- */

/* Does the last word of s[0..len) look like a link cut by wrapping? */
static int
reply_ends_with_link(const char *s, size_t len)
{
	size_t end = reply_rtrim(s, len), p = end;

	while (p > 0 && s[p - 1] != ' ' && s[p - 1] != '\t')
		p--;
	return memmem(s + p, end - p, "://", 3) != NULL;
}

/* Are text lines [j, k) between quoted lines j-1 and k the rewrapped end of
 * quoted line j-1 rather than new text? */
static int
reply_is_rewrapped(const struct reply_scan *sc, size_t j, size_t k)
{
	const char *q = reply_line_str(sc, j - 1);
	size_t qlen = sc->lines[j - 1].len;

	if (qlen >= REPLY_WRAP_MIN_QUOTED || reply_ends_with_link(q, qlen))
		return 1;
	for (size_t m = j; m < k; m++)
		if (memmem(reply_line_str(sc, m), sc->lines[m].len, "://",
		    3) != NULL)
			return 1;
	return 0;
}

/* The line after the quoted block starting at quoted line i, past the
 * blank lines that follow it. */
static size_t
reply_quote_block_end(const struct reply_scan *sc, size_t i)
{
	size_t j = i, k;

	while (j < sc->n) {
		if (sc->lines[j].cls != LINE_TEXT) {
			j++;
			continue;
		}
		if (sc->lines[j - 1].cls == LINE_QUOTED) {
			k = j;
			while (k < sc->n && k - j < REPLY_WRAP_MAX_LINES &&
			    sc->lines[k].cls == LINE_TEXT)
				k++;
			if (k < sc->n && sc->lines[k].cls == LINE_QUOTED &&
			    reply_is_rewrapped(sc, j, k)) {
				j = k;
				continue;
			}
		}
		break;
	}
	return j;
}

/* Last kept non-blank line before i with at most one blank line between
 * them, or -1. */
static long
reply_kept_above(const struct reply_scan *sc, size_t i)
{
	size_t blanks = 0;

	while (i > 0) {
		i--;
		if (!sc->lines[i].keep)
			return -1;
		if (sc->lines[i].cls != LINE_BLANK)
			return (long)i;
		if (++blanks > 1)
			return -1;
	}
	return -1;
}

/* A quoted block starts at line i: drop the attribution just above it, if
 * the rules know it for one (one line, or two joined). */
static void
reply_drop_intro(struct reply_scan *sc, size_t i)
{
	long p = reply_kept_above(sc, i), q, r;
	size_t first;

	if (p < 0)
		return;
	first = (size_t)p;
	r = reply_match_line(sc, RL_QUOTE_INTRO, (size_t)p, NULL);
	if (r < 0)
		r = reply_match_line(sc, RL_QUOTE_HEADER, (size_t)p, NULL);
	if (r < 0 && p > 0 && sc->lines[p - 1].keep &&
	    sc->lines[p - 1].cls == LINE_TEXT) {
		q = p - 1;
		buf_reset(&sc->join);
		buf_add(&sc->join, reply_line_str(sc, (size_t)q),
		    sc->lines[q].len);
		buf_addc(&sc->join, ' ');
		buf_add(&sc->join, reply_line_str(sc, (size_t)p),
		    sc->lines[p].len);
		r = reply_match_join(sc, RL_QUOTE_INTRO, NULL);
		if (r < 0)
			r = reply_match_join(sc, RL_QUOTE_HEADER, NULL);
		if (r >= 0)
			first = (size_t)q;
	}
	if (r < 0)
		return;
	reply_note_cut(sc, rules_label(sc->rules, (size_t)r), first, r);
	for (size_t m = first; m < i; m++)
		sc->lines[m].keep = 0;
}

/* ---- the pass --------------------------------------------------------- */

/* What text line i is: the start of history (with *end the line after its
 * header and *prefix the bytes of line i to keep), a signature, a mobile
 * client line, or new text. */
static enum cut_kind
reply_classify(struct reply_scan *sc, size_t i, size_t *end, size_t *prefix,
    const char **by, long *rule)
{
	long r;

	*prefix = 0;
	*end = i + 1;
	if ((r = reply_quote_header(sc, i, end, prefix)) >= 0) {
		*by = reply_label_names[RL_QUOTE_HEADER];
		*rule = r;
		return CUT_HISTORY;
	}
	if ((r = reply_match_line(sc, RL_SEPARATOR, i, NULL)) >= 0 ||
	    (r = reply_match_line(sc, RL_FORWARD, i, NULL)) >= 0) {
		*by = rules_label(sc->rules, (size_t)r);
		*rule = r;
		return CUT_HISTORY;
	}
	if (reply_header_block(sc, i, end)) {
		*by = "header_block";
		*rule = -1;
		return CUT_HISTORY;
	}
	if ((r = reply_match_line(sc, RL_MOBILE_SIGNATURE, i, NULL)) >= 0) {
		*by = reply_label_names[RL_MOBILE_SIGNATURE];
		*rule = r;
		return CUT_MOBILE;
	}
	if ((r = reply_match_line(sc, RL_SIGNATURE, i, NULL)) >= 0) {
		*by = reply_label_names[RL_SIGNATURE];
		*rule = r;
		return CUT_SIGNATURE;
	}
	return CUT_NONE;
}

/* Bytes of s[0..len) to keep before a header glued to the reply: without
 * the blanks and dashes that led to the header ("reply--- On ..."). */
static size_t
reply_glued_prefix(const char *s, size_t len)
{
	for (;;) {
		len = reply_rtrim(s, len);
		if (len > 0 && s[len - 1] == '-')
			len--;
		else
			return len;
	}
}

static void
reply_pass(struct reply_scan *sc)
{
	size_t i = 0, end, prefix, j;
	const char *by;
	long rule;
	int kept_text = 0;

	while (i < sc->n) {
		struct line *ln = &sc->lines[i];

		if (ln->cls == LINE_BLANK) {
			ln->keep = 1;
			i++;
			continue;
		}
		if (ln->cls == LINE_QUOTED) {
			reply_drop_intro(sc, i);
			reply_note_cut(sc, "quote_marker", i, -1);
			i = reply_quote_block_end(sc, i);
			continue;
		}
		switch (reply_classify(sc, i, &end, &prefix, &by, &rule)) {
		case CUT_NONE:
			ln->keep = 1;
			kept_text = 1;
			i++;
			continue;
		case CUT_SIGNATURE:
			if (sc->flags & REPLY_KEEP_SIGNATURE) {
				ln->keep = 1;
				i++;
				continue;
			}
			reply_note_cut(sc, by, i, rule);
			return;
		case CUT_MOBILE:
			/* Phones put the history, unquoted, below this line. */
			if (sc->flags & REPLY_KEEP_SIGNATURE)
				ln->keep = 1;
			reply_note_cut(sc, by, i, rule);
			return;
		case CUT_HISTORY:
			reply_note_cut(sc, by, i, rule);
			if (prefix > 0) {
				prefix = reply_glued_prefix(
				    reply_line_str(sc, i), prefix);
				ln->len = (uint32_t)prefix;
				ln->keep = prefix > 0;
			}
			j = end;
			while (j < sc->n && sc->lines[j].cls == LINE_BLANK)
				j++;
			if (j < sc->n && sc->lines[j].cls == LINE_QUOTED) {
				i = reply_quote_block_end(sc, j);
				continue;
			}
			/* An attribution above everything the person wrote
			 * (some phones put it there): what follows it is the
			 * reply, or the mail would be lost.  A "From:" line
			 * there is a forwarded header: history. */
			if (!kept_text && prefix == 0 && j < sc->n &&
			    by == reply_label_names[RL_QUOTE_HEADER] &&
			    reply_field(sc, i) == FIELD_NONE) {
				i = end;
				continue;
			}
			return;
		}
	}
}

/* Is the line only blanks and punctuation used as rules ("====",
 * "------", "***")? */
static int
reply_is_decoration(const struct reply_scan *sc, size_t i)
{
	const char *s = reply_line_str(sc, i);
	size_t len = sc->lines[i].len, p = 0, k;

	while (p < len) {
		if ((k = reply_blank_char(s + p, len - p)) > 0) {
			p += k;
			continue;
		}
		if (strchr("-_=*~#+.", s[p]) == NULL || s[p] == '\0')
			return 0;
		p++;
	}
	return 1;
}

static char *
reply_assemble(struct reply_scan *sc)
{
	struct buf out;
	size_t last = sc->n, first = sc->n, i;
	size_t start, len;
	int started = 0;

	/* Decoration left just above a cut belongs to the history. */
	for (i = sc->n; i > 0; i--) {
		if (!sc->lines[i - 1].keep)
			continue;
		if (sc->cut && reply_is_decoration(sc, i - 1)) {
			sc->lines[i - 1].keep = 0;
			continue;
		}
		break;
	}
	for (i = 0; i < sc->n; i++) {
		if (!sc->lines[i].keep || sc->lines[i].cls == LINE_BLANK)
			continue;
		if (first == sc->n)
			first = i;
		last = i;
	}
	buf_init(&out, 0);
	if (first == sc->n)
		return buf_steal(&out);
	for (i = first; i <= last; i++) {
		const char *s;

		if (!sc->lines[i].keep)
			continue;
		s = reply_line_str(sc, i);
		len = sc->lines[i].len;
		start = 0;
		if (i == first)
			start = reply_skip_blank(s, len);
		if (i == last)
			len = reply_rtrim(s, len);
		if (started)
			buf_addc(&out, '\n');
		started = 1;
		if (sc->lines[i].cls == LINE_BLANK)
			continue;
		buf_add(&out, s + start, len - start);
	}
	return buf_steal(&out);
}

int
reply_extract_ex(const struct rules *rules, const char *text, size_t len,
    unsigned flags, char **out, struct reply_info *info)
{
	struct reply_scan sc;
	size_t bom = 0;

	if (info)
		memset(info, 0, sizeof(*info));
	if (rules == NULL || (text == NULL && len > 0) ||
	    len > REPLY_MAX_INPUT)
		return -1;
	if (text == NULL)
		text = "";
	memset(&sc, 0, sizeof(sc));
	sc.rules = rules;
	sc.flags = flags;
	buf_init(&sc.join, 0);
	buf_init(&sc.fold, 0);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		bom = 3;
	sc.text = text + bom;
	reply_index_rules(&sc);
	reply_split_lines(&sc, sc.text, len - bom);
	reply_scan_lines(&sc);
	reply_pass(&sc);
	if (!(flags & REPLY_KEEP_SIGNATURE))
		reply_cut_closing(&sc);
	*out = reply_assemble(&sc);
	if (info) {
		info->cut_by = sc.cut_by;
		info->cut_line = sc.cut_line;
		info->rule_line = sc.rule_line;
	}
	free(sc.lines);
	free(sc.may);
	free(sc.mayj);
	buf_free(&sc.join);
	buf_free(&sc.fold);
	return 0;
}

int
reply_extract(const struct rules *rules, const char *text, size_t len,
    char **out)
{
	return reply_extract_ex(rules, text, len, 0, out, NULL);
}

int
reply_rules_check(const struct rules *rules, const char *path, char *err,
    size_t errlen)
{
	struct buf msg;
	int have_header = 0, rc = 0;

	buf_init(&msg, 0);
	for (size_t i = 0; i < rules_count(rules); i++) {
		const char *label = rules_label(rules, i);
		int l = reply_label_of(label);

		if (l == RL_QUOTE_HEADER)
			have_header = 1;
		if (l < 0) {
			buf_printf(&msg, "%s%s:%d: %s: unknown label",
			    msg.len ? "\n" : "", path, rules_line(rules, i),
			    label);
			rc = -1;
		}
	}
	if (!have_header) {
		buf_printf(&msg, "%s%s: no quote_header rule", msg.len ? "\n" :
		    "", path);
		rc = -1;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", buf_str(&msg));
	buf_free(&msg);
	return rc;
}
