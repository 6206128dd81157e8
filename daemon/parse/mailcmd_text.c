/*
 * mailcmd_text.c — the text of a mail as lines, each read twice over.
 *
 * Each line is kept as written (`orig`), from which arguments, motifs and
 * places are copied, and as a folded "key" (lower case, French accents
 * removed, typographic apostrophes, dashes and non-breaking spaces made
 * ASCII; combining accents dropped, fullwidth letters made ASCII), on
 * which keywords, dates and times are recognized.  A map from
 * key offsets back to `orig` offsets joins the two, so "Non éligible : hors
 * périmètre" is matched as "non eligible : hors perimetre" and keeps its
 * accents in the motif.  See mailcmd_private.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/mailcmd_private.h"

/* ------------------------------------------------------------------ */
/* Folding                                                              */

enum fold_class {
	FOLD_OTHER,		/* blank, digit, punctuation */
	FOLD_LOWER,		/* a letter written in lower case */
	FOLD_UPPER,		/* a letter written in upper case */
	FOLD_FOREIGN		/* any other non-ASCII character */
};

/* U+00C0..U+00FF; NULL for × and ÷, which are not letters. */
static const char *const fold_latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* C0 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* C8 */
	"d", "n", "o", "o", "o", "o", "o", NULL,	/* D0 */
	"o", "u", "u", "u", "u", "y", "th", "ss",	/* D8 */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* E0 */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* E8 */
	"d", "n", "o", "o", "o", "o", "o", NULL,	/* F0 */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* F8 */
};

/* The folded form of a code point other than a Latin-1 letter; NULL to
 * keep it as written. */
static const char *
fold_special(unsigned long cp)
{
	switch (cp) {
	case 0x00a0: case 0x2007: case 0x2009: case 0x200a: case 0x202f:
	case 0x3000:
		return " ";	/* Outlook puts U+00A0 before ':' and '!' */
	case 0x2018: case 0x2019: case 0x02bc: case 0x2032: case 0x00b4:
		return "'";	/* clients "correct" J'accepte into J’accepte */
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2212:
		return "-";	/* and " - " into " – " */
	case 0x2022:
		return "*";
	case 0x2026:
		return "...";
	case 0x00ab: case 0x00bb: case 0x201c: case 0x201d:
		return "\"";
	case 0x00ad: case 0x200b: case 0x200c: case 0x200d: case 0x2060:
	case 0xfeff:
		return "";	/* invisible: soft hyphen, zero widths, BOM */
	case 0x0152: case 0x0153:
		return "oe";
	case 0x0178:
		return "y";
	default:
		return NULL;
	}
}

/*
 * Folds the character at s (NUL-terminated): writes its folded bytes to
 * out (at most 4, never more than the bytes read, so a folded line is no
 * longer than the line), their count to *outlen and its class to *cls.
 * Returns the bytes read (>= 1).  Invalid UTF-8 is kept byte by byte.
 */
static size_t
fold_char(const unsigned char *s, char out[4], size_t *outlen, int *cls)
{
	unsigned long cp;
	const char *rep;
	size_t n;

	if (s[0] < 0x80) {
		out[0] = (char)tolower(s[0]);
		*outlen = 1;
		*cls = isupper(s[0]) ? FOLD_UPPER : islower(s[0]) ?
		    FOLD_LOWER : FOLD_OTHER;
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80) {
		cp = ((unsigned long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		cp = ((unsigned long)(s[0] & 0x0f) << 12) |
		    ((unsigned long)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		n = 3;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		memcpy(out, s, 4);
		*outlen = 4;
		*cls = FOLD_FOREIGN;
		return 4;
	} else {
		out[0] = (char)s[0];
		*outlen = 1;
		*cls = FOLD_FOREIGN;
		return 1;
	}

	rep = NULL;
	*cls = FOLD_OTHER;
	if (cp >= 0x0300 && cp <= 0x036f) {
		/* A combining accent, as Apple clients write "É" (NFD: E
		 * then U+0301): the key drops accents anyway, so dropping
		 * the mark gives the key of the composed letter, without a
		 * normalisation table. */
		*outlen = 0;
		return n;
	}
	if (cp >= 0xff01 && cp <= 0xff5e) {
		/* Fullwidth ASCII ("ＯＵＩ" from a Japanese or Chinese input
		 * method), NFKC's mapping for it. */
		unsigned char a = (unsigned char)(cp - 0xff01 + 0x21);

		out[0] = (char)tolower(a);
		*outlen = 1;
		*cls = isupper(a) ? FOLD_UPPER : islower(a) ? FOLD_LOWER :
		    FOLD_OTHER;
		return n;
	}
	if (cp >= 0xc0 && cp <= 0xff && fold_latin1[cp - 0xc0] != NULL) {
		rep = fold_latin1[cp - 0xc0];
		*cls = cp < 0xdf ? FOLD_UPPER : FOLD_LOWER;	/* ß: lower */
	} else if ((rep = fold_special(cp)) != NULL) {
		if (cp == 0x0152 || cp == 0x0178)
			*cls = FOLD_UPPER;
		else if (cp == 0x0153)
			*cls = FOLD_LOWER;
	}
	if (rep == NULL) {
		memcpy(out, s, n);
		*outlen = n;
		*cls = FOLD_FOREIGN;
		return n;
	}
	*outlen = strlen(rep);
	memcpy(out, rep, *outlen);
	return n;
}

static void
line_make(struct line *ln, const char *s, size_t n)
{
	size_t o = 0, k = 0;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	ln->orig = xstrndup(s, n);
	ln->olen = strlen(ln->orig);
	ln->key = xmalloc(ln->olen + 1);
	ln->map = xmalloc((ln->olen + 1) * sizeof(*ln->map));
	while (o < ln->olen) {
		char rep[4];
		size_t rn, used;
		int cls;

		used = fold_char((const unsigned char *)ln->orig + o, rep, &rn,
		    &cls);
		for (size_t i = 0; i < rn; i++) {
			ln->key[k] = rep[i];
			ln->map[k++] = o;
		}
		o += used;
	}
	ln->key[k] = '\0';
	ln->map[k] = ln->olen;
	ln->klen = k;
	ln->k0 = skip_blanks(ln->key, 0);
}

char *
mailcmd_fold(const char *s)
{
	struct line ln;
	char *out;

	/* A line's key is exactly this; the map is a small price for one
	 * folding in the program. */
	line_make(&ln, s ? s : "", s ? strlen(s) : 0);
	out = ln.key;
	ln.key = NULL;
	mailcmd_line_free(&ln);
	return out;
}

void
mailcmd_line_free(struct line *ln)
{
	free(ln->orig);
	free(ln->key);
	free(ln->map);
}

int
mailcmd_span_caps(const struct line *ln, size_t ks, size_t ke)
{
	size_t o = ln->map[ks], end = ln->map[ke];
	int upper = 0;

	while (o < end) {
		char rep[4];
		size_t rn;
		int cls;

		o += fold_char((const unsigned char *)ln->orig + o, rep, &rn,
		    &cls);
		if (cls == FOLD_LOWER)
			return 0;
		if (cls == FOLD_UPPER)
			upper = 1;
	}
	return upper;
}

int
mailcmd_only_punct(const char *key, size_t k)
{
	for (; key[k] != '\0'; k++)
		if (!is_blank(key[k]) && strchr(".!?:;,", key[k]) == NULL)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Trimming the text as written                                         */

size_t
mailcmd_blank_at(const unsigned char *s)
{
	if (*s != '\0' && strchr(" \t\r\v\f", *s) != NULL)
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xaf || s[2] == 0x87 ||
	    s[2] == 0x89 || s[2] == 0x8a))
		return 3;
	return 0;
}

size_t
mailcmd_rtrim(const char *s, size_t n, const char *punct)
{
	const unsigned char *u = (const unsigned char *)s;

	for (;;) {
		if (n >= 1 && (strchr(" \t\r\v\f", u[n - 1]) != NULL ||
		    (punct != NULL && strchr(punct, u[n - 1]) != NULL)))
			n--;
		else if (n >= 2 && u[n - 2] == 0xc2 && u[n - 1] == 0xa0)
			n -= 2;
		else if (n >= 3 && u[n - 3] == 0xe2 && u[n - 2] == 0x80 &&
		    (u[n - 1] == 0xaf || u[n - 1] == 0x87 ||
		    u[n - 1] == 0x89 || u[n - 1] == 0x8a))
			n -= 3;
		else
			return n;
	}
}

char *
mailcmd_dup_trim(const char *s, const char *punct)
{
	size_t n;

	while ((n = mailcmd_blank_at((const unsigned char *)s)) > 0)
		s += n;
	return xstrndup(s, mailcmd_rtrim(s, strlen(s), punct));
}

char *
mailcmd_rest_at(const struct line *ln, size_t k, const char *punct)
{
	return mailcmd_dup_trim(ln->orig + ln->map[k], punct);
}

int
mailcmd_take_word(const char *key, size_t *k, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(key + *k, w, n) != 0 || is_word(key[*k + n]))
		return 0;
	*k += n;
	return 1;
}

size_t
mailcmd_skip_sep(const char *key, size_t k, const char *seps)
{
	k = skip_blanks(key, k);
	if (key[k] != '\0' && strchr(seps, key[k]) != NULL)
		k = skip_blanks(key, k + 1);
	return k;
}

int
mailcmd_cursor_next(struct cursor *cur, struct line *ln)
{
	const char *eol;
	size_t n;

	if (cur->p == NULL || *cur->p == '\0' ||
	    cur->lines >= COMMAND_MAX_LINES)
		return 0;
	eol = strchr(cur->p, '\n');
	n = eol != NULL ? (size_t)(eol - cur->p) : strlen(cur->p);
	/* A line is read whole into three copies (as written, folded, and
	 * the map of size_t): a 30 MB line took 300 MB.  Past the cap (a
	 * long NOTE fits) the line is cut at a character boundary. */
	if (n > (size_t)COMMAND_MAX_LINE) {
		n = (size_t)COMMAND_MAX_LINE;
		while (n > 0 && ((unsigned char)cur->p[n] & 0xc0) == 0x80)
			n--;
	}
	line_make(ln, cur->p, n);
	cur->p = eol != NULL ? eol + 1 : NULL;
	cur->lines++;
	return 1;
}
