/*
 * mailcmd.c — the mail commands of DESIGN.md §5; see mailcmd.h.
 *
 * Each line is read twice over: as written (`orig`), from which arguments,
 * motifs and places are copied, and as a folded "key" (lower case, French
 * accents removed, typographic apostrophes, dashes and non-breaking spaces
 * made ASCII), on which keywords, dates and times are recognized.  A map
 * from key offsets back to `orig` offsets joins the two, so "Non éligible :
 * hors périmètre" is matched as "non eligible : hors perimetre" and keeps
 * its accents in the motif.  Addresses are read from `orig`, never from
 * the key: folding "andré@" into "andre@" would name another person.
 *
 * Commands are written by people in ordinary mail clients, so the parser
 * is lenient on form (case, accents, blanks, '-', bullets in roadmaps) and
 * strict on meaning: a line that reads as a sentence is never a command
 * (the "prose guard" of mailcmd.h), because acting on "Abandon du projet
 * de haie ? Pas du tout !" would withdraw a case nobody meant to withdraw.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/clock.h"
#include "parse/mailcmd.h"
#include "base/mem.h"

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

/* One line of the text, as written and folded. */
struct line {
	char	*orig;		/* the line without its CR, NUL-terminated */
	size_t	 olen;
	char	*key;		/* folded, NUL-terminated */
	size_t	*map;		/* key offset -> orig offset; klen + 1 */
	size_t	 klen;
	size_t	 k0;		/* first non-blank byte of key */
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A byte of the key that continues a word: a keyword followed by one is
 * a longer word ("ELIGIBLES", "NOTER"), not the keyword. */
static int
is_word(char c)
{
	unsigned char u = (unsigned char)c;

	return isalnum(u) || u == '_' || u == '@' || u >= 0x80;
}

static size_t
skip_blanks(const char *key, size_t k)
{
	while (is_blank(key[k]))
		k++;
	return k;
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

static void
line_free(struct line *ln)
{
	free(ln->orig);
	free(ln->key);
	free(ln->map);
}

/* 1 if orig[map[ks]..map[ke]) has letters, all written in upper case. */
static int
span_caps(const struct line *ln, size_t ks, size_t ke)
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

/* 1 if the key from k holds only blanks and punctuation that ends or
 * introduces nothing ("Éligible !", "STATUT ?", "OUI."). */
static int
only_punct(const char *key, size_t k)
{
	for (; key[k] != '\0'; k++)
		if (!is_blank(key[k]) && strchr(".!?:;,", key[k]) == NULL)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Trimming the text as written                                         */

/* Bytes of a blank at s: ASCII blanks and the Unicode spaces clients put
 * in text (U+00A0, U+2007, U+2009, U+200A, U+202F); 0 if none. */
static size_t
blank_at(const unsigned char *s)
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

/* The length of s[0..n) without trailing blanks and bytes of `punct`. */
static size_t
rtrim(const char *s, size_t n, const char *punct)
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

/* s trimmed (and without trailing `punct`), owned. */
static char *
dup_trim(const char *s, const char *punct)
{
	size_t n;

	while ((n = blank_at((const unsigned char *)s)) > 0)
		s += n;
	return xstrndup(s, rtrim(s, strlen(s), punct));
}

/* The line as written from key offset k, trimmed, owned. */
static char *
rest_at(const struct line *ln, size_t k, const char *punct)
{
	return dup_trim(ln->orig + ln->map[k], punct);
}

/* ------------------------------------------------------------------ */
/* Dates and times                                                      */

enum parsed {
	PARSED_NONE,		/* not written as a date / time at all */
	PARSED_BAD,		/* written as one, but wrong */
	PARSED_OK
};

static const char *const weekdays[] = {
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	"dimanche"
};

/* Takes the word w (folded) at key + *k when a word ends there. */
static int
take_word(const char *key, size_t *k, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(key + *k, w, n) != 0 || is_word(key[*k + n]))
		return 0;
	*k += n;
	return 1;
}

/* Reads a run of digits; returns how many (the value saturates). */
static int
digits(const char *key, size_t *k, int *value)
{
	int n = 0, v = 0;

	while (isdigit((unsigned char)key[*k])) {
		if (v < 100000)
			v = v * 10 + (key[*k] - '0');
		(*k)++;
		n++;
	}
	*value = v;
	return n;
}

/*
 * A date at key + *k, after an optional "le" and French weekday (both
 * ignored: "mardi 14/06", "le 14/06"): AAAA-MM-JJ, JJ/MM/AAAA, JJ/MM/AA,
 * JJ/MM, with '/', '-' or '.' (the same twice).  Without a year, the next
 * such day on or after now's local date.  Fills the date of *w and moves
 * *k past it when PARSED_OK.
 */
static enum parsed
parse_date(const char *key, size_t *k, time_t now, struct mailcmd_when *w)
{
	size_t p = *k;
	int a, y = 0, m, d, n;
	char sep;

	for (int i = 0; i < 3; i++) {
		int took = 0;

		p = skip_blanks(key, p);
		if (take_word(key, &p, "le"))
			continue;
		for (size_t j = 0; j < sizeof(weekdays) / sizeof(*weekdays);
		    j++)
			if ((took = take_word(key, &p, weekdays[j])) != 0)
				break;
		if (!took)
			break;
		p = skip_blanks(key, p);
		if (key[p] == ',')
			p++;
	}
	if (!isdigit((unsigned char)key[p]))
		return PARSED_NONE;
	n = digits(key, &p, &a);
	sep = key[p];
	if ((sep != '/' && sep != '-' && sep != '.') ||
	    !isdigit((unsigned char)key[p + 1]) || (n != 4 && n > 2))
		return PARSED_NONE;	/* a number, "3.", "2027" */
	p++;
	if (n == 4) {
		y = a;
		if (digits(key, &p, &m) > 2 || key[p] != sep)
			return PARSED_BAD;
		p++;
		if ((n = digits(key, &p, &d)) < 1 || n > 2)
			return PARSED_BAD;
	} else {
		d = a;
		if (digits(key, &p, &m) > 2)
			return PARSED_BAD;	/* 14/062027 */
		if (key[p] == sep && isdigit((unsigned char)key[p + 1])) {
			p++;
			n = digits(key, &p, &y);
			if (n == 2)
				y += 2000;
			else if (n != 4)
				return PARSED_BAD;
		}
	}
	if (is_word(key[p]))
		return PARSED_BAD;		/* 14/06/2027h, 14/06abc */
	if (m < 1 || m > 12 || d < 1 ||
	    d > clock_days_in_month(y ? y : 2000, m))
		return PARSED_BAD;
	if (y != 0 && y < 1970)
		return PARSED_BAD;
	if (y == 0) {
		struct tm lt;

		if (localtime_r(&now, &lt) == NULL)
			return PARSED_BAD;
		y = lt.tm_year + 1900;
		if (m < lt.tm_mon + 1 || (m == lt.tm_mon + 1 &&
		    d < lt.tm_mday))
			y++;
		while (d > clock_days_in_month(y, m))		/* 29/02 */
			y++;
	}
	w->year = y;
	w->month = m;
	w->day = d;
	*k = p;
	return PARSED_OK;
}

/* A time at key + *k: HH:MM, HHhMM, HHh, HH h MM, "18 heures". */
static enum parsed
parse_time(const char *key, size_t *k, int *hour, int *minute)
{
	size_t p = *k, q;
	int h, m = 0;

	if (!isdigit((unsigned char)key[p]) || digits(key, &p, &h) > 2)
		return PARSED_NONE;
	if (key[p] == ':') {
		p++;
		if (digits(key, &p, &m) != 2)
			return PARSED_BAD;
	} else {
		q = skip_blanks(key, p);
		if (!take_word(key, &q, "heures") &&
		    !take_word(key, &q, "heure")) {
			if (key[q] != 'h' || isalpha((unsigned char)key[q + 1]))
				return PARSED_NONE;	/* "3 hommes" */
			q++;
		}
		p = q;
		q = skip_blanks(key, q);
		if (isdigit((unsigned char)key[q])) {
			if (digits(key, &q, &m) != 2)
				return PARSED_BAD;
			p = q;
		}
	}
	if (is_word(key[p]))
		return PARSED_BAD;		/* 18h30m */
	if (h > 23 || m > 59)
		return PARSED_BAD;
	*hour = h;
	*minute = m;
	*k = p;
	return PARSED_OK;
}

/*
 * An optional time after a date, introduced or not by ',', "à", "de" or
 * "vers"; an end time after it ("18h-20h", "de 18h à 20h") is read and
 * dropped.  *k moves only when a time was read.
 */
static enum parsed
parse_time_after(const char *key, size_t *k, struct mailcmd_when *w)
{
	size_t p = skip_blanks(key, *k), q;
	enum parsed r;
	int h, m;

	if (key[p] == ',')
		p = skip_blanks(key, p + 1);
	while (take_word(key, &p, "a") || take_word(key, &p, "de") ||
	    take_word(key, &p, "vers"))
		p = skip_blanks(key, p);
	if ((r = parse_time(key, &p, &w->hour, &w->minute)) != PARSED_OK)
		return r;
	w->has_time = 1;
	q = skip_blanks(key, p);
	if (key[q] == '-' || take_word(key, &q, "a")) {
		q = skip_blanks(key, key[q] == '-' ? q + 1 : q);
		if (parse_time(key, &q, &h, &m) == PARSED_OK)
			p = q;
	}
	*k = p;
	return PARSED_OK;
}

/* Skips blanks, one separator among `seps` and the blanks after it. */
static size_t
skip_sep(const char *key, size_t k, const char *seps)
{
	k = skip_blanks(key, k);
	if (key[k] != '\0' && strchr(seps, key[k]) != NULL)
		k = skip_blanks(key, k + 1);
	return k;
}

/* ------------------------------------------------------------------ */
/* Keywords                                                             */

/* What a keyword needs, when not written in capitals and followed by
 * more than punctuation, for its line to be a command (mailcmd.h). */
enum guard {
	GUARD_ALONE,		/* nothing: "Statut de l'association" is prose */
	GUARD_ANY,		/* anything: the phrase says it all */
	GUARD_COLON,		/* a ':' ("Note : ...", "Abandon : ...") */
	GUARD_ADDRESS,		/* a ':' or an '@' in the line */
	GUARD_DATE,		/* a ':' or a date ("Rencontre le 14/06") */
	GUARD_ANSWER		/* OUI/NON: a natural answer, first line */
};

/*
 * Longest first, so that "NON ELIGIBLE" is tried before "NON".  In a
 * pattern ' ' stands for any run of blanks and '-', '\'' for an apostrophe
 * with blanks or not around it (or blanks alone: "J ACCEPTE").
 */
static const struct keyword {
	const char		*pat;
	enum mailcmd_verb	 verb;
	enum guard		 guard;
} keywords[] = {
	{ "annuler la rencontre",	CMD_ANNULER_RENCONTRE,	GUARD_ALONE },
	{ "j'accepte la charte",	CMD_CHARTE,		GUARD_ANY },
	{ "annuler rencontre",		CMD_ANNULER_RENCONTRE,	GUARD_ALONE },
	{ "feuille de route",		CMD_FEUILLE_DE_ROUTE,	GUARD_COLON },
	{ "interlocuteur",		CMD_INTERLOCUTEUR,	GUARD_ADDRESS },
	{ "non eligible",		CMD_NON_ELIGIBLE,	GUARD_ANY },
	{ "transferer",			CMD_TRANSFERER,		GUARD_ADDRESS },
	{ "cloturer",			CMD_CLOTURER,		GUARD_COLON },
	{ "rencontre",			CMD_RENCONTRE,		GUARD_DATE },
	{ "accepter",			CMD_ACCEPTER,		GUARD_ALONE },
	{ "eligible",			CMD_ELIGIBLE,		GUARD_ALONE },
	{ "inviter",			CMD_INVITER,		GUARD_ADDRESS },
	{ "abandon",			CMD_ABANDON,		GUARD_COLON },
	{ "refuser",			CMD_REFUSER,		GUARD_COLON },
	{ "statut",			CMD_STATUT,		GUARD_ALONE },
	{ "point",			CMD_POINT,		GUARD_DATE },
	{ "aide",			CMD_AIDE,		GUARD_ALONE },
	{ "note",			CMD_NOTE,		GUARD_COLON },
	{ "oui",			CMD_OUI,		GUARD_ANSWER },
	{ "non",			CMD_NON,		GUARD_ANSWER },
};

/* The key offset just past pattern `pat` matched at k, 0 if no match. */
static size_t
match_pattern(const char *key, size_t k, const char *pat)
{
	for (; *pat != '\0'; pat++) {
		size_t start = k;

		if (*pat == ' ') {
			while (is_blank(key[k]) || key[k] == '-')
				k++;
			if (k == start)
				return 0;
		} else if (*pat == '\'') {
			k = skip_blanks(key, k);
			if (key[k] == '\'')
				k++;
			k = skip_blanks(key, k);
			if (k == start)
				return 0;
		} else if (key[k] == *pat) {
			k++;
		} else {
			return 0;
		}
	}
	return is_word(key[k]) ? 0 : k;
}

/* Courtesy words that open a line in capitals without being a mistyped
 * command ("MERCI !", "BONJOUR A TOUS"): prose. */
static const char *const courtesy[] = {
	"bonjour", "bonsoir", "salut", "coucou", "hello", "merci",
	"cordialement", "bien", "amities", "bises", "bonne"
};

/*
 * The CMD_UNKNOWN rule: the first word, of three letters or more (with
 * '-' and apostrophes inside: "RENDEZ-VOUS"), is written in capitals and
 * ends the way a keyword would, on a line of at most 8 words.
 */
static int
looks_like_command(const struct line *ln)
{
	const char *key = ln->key;
	size_t k = ln->k0, letters = 0, words = 0;

	while (islower((unsigned char)key[k]) || key[k] == '-' ||
	    key[k] == '\'') {
		if (islower((unsigned char)key[k]))
			letters++;
		k++;
	}
	if (letters < 3 || is_word(key[k]) || !span_caps(ln, ln->k0, k))
		return 0;
	for (size_t i = 0; i < sizeof(courtesy) / sizeof(*courtesy); i++) {
		size_t p = ln->k0;

		if (take_word(key, &p, courtesy[i]))
			return 0;
	}
	for (k = ln->k0; key[k] != '\0'; ) {
		words++;
		while (key[k] != '\0' && !is_blank(key[k]))
			k++;
		k = skip_blanks(key, k);
	}
	return words <= 8;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                            */

static void
add_address(struct mailcmd *c, const char *s, size_t n, int *bad)
{
	char *a = xstrndup(s, n), *p;

	for (p = a; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	p = a;
	if (strncmp(p, "mailto:", 7) == 0)
		p += 7;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '.')	/* the end of the sentence */
		p[--n] = '\0';
	if (!addr_valid(p)) {
		*bad = 1;
		goto out;
	}
	for (size_t i = 0; i < c->naddresses; i++)
		if (strcmp(c->addresses[i], p) == 0)
			goto out;	/* "a@b.fr <mailto:a@b.fr>" */
	if (c->naddresses == COMMAND_MAX_ADDRESSES) {
		*bad = 1;
		goto out;
	}
	c->addresses = xrealloc(c->addresses,
	    (c->naddresses + 1) * sizeof(*c->addresses));
	c->addresses[c->naddresses++] = xstrdup(p);
out:
	free(a);
}

/* "et" between two addresses, "à" before one ("TRANSFERER à a@b.fr"). */
static int
filler(const char *w, size_t n)
{
	return (n == 2 && strncasecmp(w, "et", 2) == 0) ||
	    (n == 1 && (*w == 'a' || *w == 'A')) ||
	    (n == 2 && (memcmp(w, "\xc3\xa0", 2) == 0 ||
	    memcmp(w, "\xc3\x80", 2) == 0));
}

/*
 * Addresses separated by ',', ';' or blanks, each bare, "<a@b.fr>",
 * "Name <a@b.fr>", "\"Name\" <a@b.fr>" or "mailto:a@b.fr"; filler words
 * and "(comments)" are skipped.  Words that are no address and name
 * no <address> make the list bad.
 */
static void
parse_addresses(struct mailcmd *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *q;
	int bad = 0, names = 0;
	size_t n;

	for (;;) {
		while ((n = blank_at(p)) > 0)
			p += n;
		if (*p == '\0' || *p == ',' || *p == ';') {
			if (names > 0)
				bad = 1;
			names = 0;
			if (*p == '\0')
				break;
			p++;
		} else if (*p == '"' || *p == '(') {
			q = (const unsigned char *)strchr((const char *)p + 1,
			    *p == '"' ? '"' : ')');
			if (*p == '"')
				names++;
			p = q != NULL ? q + 1 : p + strlen((const char *)p);
		} else if (*p == '<') {
			q = (const unsigned char *)strchr((const char *)p, '>');
			if (q == NULL) {
				bad = 1;
				break;
			}
			add_address(c, (const char *)p + 1,
			    (size_t)(q - p - 1), &bad);
			names = 0;
			p = q + 1;
		} else {
			for (q = p; *q != '\0' && blank_at(q) == 0 &&
			    strchr(",;<\"(", *q) == NULL; q++)
				;
			if (memchr(p, '@', (size_t)(q - p)) != NULL)
				add_address(c, (const char *)p,
				    (size_t)(q - p), &bad);
			else if (!filler((const char *)p, (size_t)(q - p)))
				names++;
			p = q;
		}
	}
	if (bad)
		c->error = CMDERR_BAD_ADDRESS;
	else if (c->naddresses == 0)
		c->error = *s == '\0' ? CMDERR_MISSING_ARGUMENT :
		    CMDERR_BAD_ADDRESS;
	else if (c->naddresses > 1 && c->verb != CMD_INVITER)
		c->error = CMDERR_BAD_ADDRESS;	/* which one? */
}

/* RENCONTRE date heure [lieu] and POINT date [heure] [objet], from k. */
static void
parse_when(struct mailcmd *c, const struct line *ln, size_t k, time_t now)
{
	const char *key = ln->key;
	enum parsed r;

	if (key[k] == '\0') {
		c->error = CMDERR_MISSING_ARGUMENT;
		return;
	}
	if (parse_date(key, &k, now, &c->when) != PARSED_OK) {
		c->error = CMDERR_BAD_DATE;
		return;
	}
	r = parse_time_after(key, &k, &c->when);
	if (r == PARSED_BAD || (r == PARSED_NONE && c->verb == CMD_RENCONTRE)) {
		c->error = CMDERR_BAD_TIME;
		return;
	}
	k = skip_sep(key, k, "-,:;");
	/* "RENCONTRE 14/06 18h30 à la mairie": the place is "la mairie";
	 * a POINT's object keeps its words as written. */
	if (c->verb == CMD_RENCONTRE && take_word(key, &k, "a"))
		k = skip_blanks(key, k);
	if (key[k] != '\0')
		c->text = rest_at(ln, k, NULL);
}

/* Text arguments: NULL when there is none; required ones are errors. */
static void
parse_text(struct mailcmd *c, int required)
{
	if (c->args[0] != '\0')
		c->text = xstrdup(c->args);
	else if (required)
		c->error = CMDERR_MISSING_ARGUMENT;
}

/* ------------------------------------------------------------------ */
/* Roadmaps                                                             */

struct roadmap {
	struct buf	 b;
	size_t		 lines;		/* non-blank lines kept */
	size_t		 blanks;	/* blank lines not yet kept */
};

/* "- date [heure] : étape" ('-', '*' or '•' bullet or none; ':' or '-'
 * before the label) from key offset k. */
static void
roadmap_milestone(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now)
{
	const char *key = ln->key;
	struct mailcmd_milestone *ms;
	struct mailcmd_when w;
	enum parsed r;
	char *label;

	memset(&w, 0, sizeof(w));
	k = skip_blanks(key, k);
	if (key[k] == '-' || key[k] == '*')
		k = skip_blanks(key, k + 1);
	if ((r = parse_date(key, &k, now, &w)) == PARSED_NONE)
		return;
	if (r == PARSED_OK && (r = parse_time_after(key, &k, &w)) ==
	    PARSED_BAD) {
		if (c->error == CMDERR_NONE)
			c->error = CMDERR_BAD_TIME;
		return;
	}
	if (r == PARSED_BAD) {
		if (c->error == CMDERR_NONE)
			c->error = CMDERR_BAD_DATE;
		return;
	}
	k = skip_blanks(key, k);
	if (key[k] != ':' && key[k] != '-')
		return;			/* "12.5 kg de compost" is no step */
	label = rest_at(ln, k + 1, NULL);
	if (label[0] == '\0') {
		free(label);
		return;
	}
	c->milestones = xrealloc(c->milestones,
	    (c->nmilestones + 1) * sizeof(*c->milestones));
	ms = &c->milestones[c->nmilestones++];
	ms->when = w;
	ms->label = label;
}

/* Keeps the line from key offset k (right-trimmed, as written). */
static void
roadmap_add(struct roadmap *rm, struct mailcmd *c, const struct line *ln,
    size_t k, time_t now)
{
	const char *s = ln->orig + ln->map[k];

	if (skip_blanks(ln->key, k) == ln->klen) {
		if (rm->lines > 0)
			rm->blanks++;	/* kept only if a line follows */
		return;
	}
	if (rm->lines > 0)
		for (size_t i = 0; i <= rm->blanks; i++)
			buf_addc(&rm->b, '\n');
	rm->blanks = 0;
	rm->lines++;
	buf_add(&rm->b, s, rtrim(s, strlen(s), NULL));
	roadmap_milestone(c, ln, k, now);
}

/* "FIN", "Fin.", "fin !" */
static int
roadmap_end(const struct line *ln)
{
	size_t k = ln->k0;

	return take_word(ln->key, &k, "fin") && only_punct(ln->key, k);
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */

struct cursor {
	const char	*p;		/* the next line; NULL at the end */
	size_t		 lines;		/* lines looked at */
};

static int
cursor_next(struct cursor *cur, struct line *ln)
{
	const char *eol;

	if (cur->p == NULL || *cur->p == '\0' ||
	    cur->lines >= COMMAND_MAX_LINES)
		return 0;
	eol = strchr(cur->p, '\n');
	line_make(ln, cur->p, eol != NULL ? (size_t)(eol - cur->p) :
	    strlen(cur->p));
	cur->p = eol != NULL ? eol + 1 : NULL;
	cur->lines++;
	return 1;
}

enum line_kind {
	LINE_PROSE,		/* not a command: parsing stops */
	LINE_COMMAND,
	LINE_LAST		/* a command after which parsing stops */
};

static int
argless(enum mailcmd_verb v)
{
	return v == CMD_ELIGIBLE || v == CMD_OUI ||
	    v == CMD_ANNULER_RENCONTRE || v == CMD_STATUT || v == CMD_AIDE ||
	    v == CMD_ACCEPTER || v == CMD_CHARTE;
}

/*
 * Reads one non-blank line into *c.  `first`: the first non-blank line of
 * the text, the only one that may be a natural answer.  *kargs: the key
 * offset where the arguments start.
 */
static enum line_kind
parse_line(const struct line *ln, int first, time_t now, struct mailcmd *c,
    size_t *kargs)
{
	const char *key = ln->key;
	const struct keyword *kw = NULL;
	size_t kend = 0, k, t;
	struct mailcmd_when w;
	int natural = 0;

	for (size_t i = 0; i < sizeof(keywords) / sizeof(*keywords); i++)
		if ((kend = match_pattern(key, ln->k0, keywords[i].pat)) != 0) {
			kw = &keywords[i];
			break;
		}
	if (kw == NULL) {
		if (!looks_like_command(ln))
			return LINE_PROSE;
		c->verb = CMD_UNKNOWN;
		c->error = CMDERR_UNKNOWN;
		c->line = dup_trim(ln->orig, NULL);
		c->args = xstrdup(c->line);
		return LINE_COMMAND;
	}

	k = skip_blanks(key, kend);
	if (!span_caps(ln, ln->k0, kend) && !only_punct(key, k)) {
		int ok = 0;

		switch (kw->guard) {
		case GUARD_ANY:
			ok = 1;
			break;
		case GUARD_ALONE:
			break;
		case GUARD_COLON:
			ok = key[k] == ':';
			break;
		case GUARD_ADDRESS:
			ok = key[k] == ':' || strchr(key + k, '@') != NULL;
			break;
		case GUARD_DATE:
			t = k;
			memset(&w, 0, sizeof(w));
			ok = key[k] == ':' ||
			    parse_date(key, &t, now, &w) != PARSED_NONE;
			break;
		case GUARD_ANSWER:
			ok = natural = first;
			break;
		}
		if (!ok)
			return LINE_PROSE;
	}

	c->verb = kw->verb;
	c->line = dup_trim(ln->orig, NULL);
	if (natural) {
		/* "Oui, avec plaisir !" -> "avec plaisir !" */
		while (key[k] != '\0' && (is_blank(key[k]) ||
		    strchr(",;:.!-", key[k]) != NULL))
			k++;
		c->natural = 1;
		c->args = rest_at(ln, k, NULL);
		if (c->verb == CMD_NON)
			c->text = xstrdup(c->args);
		return LINE_LAST;
	}

	k = skip_sep(key, kend, ":,;-");
	*kargs = k;
	if (only_punct(key, k))
		c->args = xstrdup("");
	else
		c->args = rest_at(ln, k, argless(c->verb) ? ".!?" : NULL);

	switch (c->verb) {
	case CMD_TRANSFERER:
	case CMD_INVITER:
	case CMD_INTERLOCUTEUR:
		parse_addresses(c, c->args);
		break;
	case CMD_RENCONTRE:
	case CMD_POINT:
		parse_when(c, ln, k, now);
		break;
	case CMD_NON_ELIGIBLE:
	case CMD_NOTE:
		parse_text(c, 1);
		break;
	case CMD_NON:
	case CMD_CLOTURER:
	case CMD_ABANDON:
	case CMD_REFUSER:
		parse_text(c, 0);
		break;
	default:
		break;
	}
	return LINE_COMMAND;
}

/* The lines after FEUILLE DE ROUTE (and the rest of its own line), up to
 * FIN; returns 1 if a quoted line ended the text's commands. */
static int
parse_roadmap(struct cursor *cur, const struct line *first, size_t kargs,
    time_t now, struct mailcmd *c)
{
	struct roadmap rm;
	struct line ln;
	int quoted = 0;

	buf_init(&rm.b, 0);
	rm.lines = rm.blanks = 0;
	roadmap_add(&rm, c, first, kargs, now);
	while (cursor_next(cur, &ln)) {
		int end = roadmap_end(&ln);

		if (ln.key[ln.k0] == '>')
			quoted = 1;
		else if (!end)
			roadmap_add(&rm, c, &ln, 0, now);
		line_free(&ln);
		if (quoted || end)
			break;
	}
	free(c->args);
	c->args = buf_steal(&rm.b);
	buf_free(&rm.b);
	if (rm.lines == 0 && c->error == CMDERR_NONE)
		c->error = CMDERR_MISSING_ARGUMENT;
	return quoted;
}

void
mailcmd_parse(const char *text, time_t now, struct mailcmd_list *out)
{
	struct cursor cur = { text, 0 };
	struct line ln;
	int first = 1, stop = 0;

	out->items = NULL;
	out->n = 0;
	while (!stop && out->n < COMMAND_MAX && cursor_next(&cur, &ln)) {
		struct mailcmd c;
		enum line_kind kind;
		size_t kargs = 0;

		if (ln.k0 == ln.klen) {
			line_free(&ln);
			continue;
		}
		if (ln.key[ln.k0] == '>') {	/* quoted history */
			line_free(&ln);
			break;
		}
		memset(&c, 0, sizeof(c));
		kind = parse_line(&ln, first, now, &c, &kargs);
		first = 0;
		if (kind != LINE_PROSE && c.verb == CMD_FEUILLE_DE_ROUTE)
			stop = parse_roadmap(&cur, &ln, kargs, now, &c);
		line_free(&ln);
		if (kind == LINE_PROSE)
			break;
		out->items = xrealloc(out->items,
		    (out->n + 1) * sizeof(*out->items));
		out->items[out->n++] = c;
		if (kind == LINE_LAST)
			break;
	}
}

static void
command_free(struct mailcmd *c)
{
	free(c->line);
	free(c->args);
	for (size_t i = 0; i < c->naddresses; i++)
		free(c->addresses[i]);
	free(c->addresses);
	free(c->text);
	for (size_t i = 0; i < c->nmilestones; i++)
		free(c->milestones[i].label);
	free(c->milestones);
}

void
mailcmd_list_free(struct mailcmd_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		command_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

const char *
mailcmd_verb_name(enum mailcmd_verb v)
{
	static const char *const names[] = {
		[CMD_UNKNOWN] = "",
		[CMD_ELIGIBLE] = "ELIGIBLE",
		[CMD_NON_ELIGIBLE] = "NON ELIGIBLE",
		[CMD_TRANSFERER] = "TRANSFERER",
		[CMD_INVITER] = "INVITER",
		[CMD_OUI] = "OUI",
		[CMD_NON] = "NON",
		[CMD_INTERLOCUTEUR] = "INTERLOCUTEUR",
		[CMD_RENCONTRE] = "RENCONTRE",
		[CMD_ANNULER_RENCONTRE] = "ANNULER RENCONTRE",
		[CMD_FEUILLE_DE_ROUTE] = "FEUILLE DE ROUTE",
		[CMD_POINT] = "POINT",
		[CMD_NOTE] = "NOTE",
		[CMD_CLOTURER] = "CLOTURER",
		[CMD_ABANDON] = "ABANDON",
		[CMD_STATUT] = "STATUT",
		[CMD_AIDE] = "AIDE",
		[CMD_ACCEPTER] = "ACCEPTER",
		[CMD_REFUSER] = "REFUSER",
		[CMD_CHARTE] = "J'ACCEPTE LA CHARTE",
	};

	if ((unsigned)v >= sizeof(names) / sizeof(*names) || names[v] == NULL)
		return "";
	return names[v];
}

time_t
mailcmd_when_time(const struct mailcmd_when *w)
{
	int h, m;
	time_t t;

	if (w == NULL)
		return -1;
	h = w->has_time ? w->hour : 0;
	m = w->has_time ? w->minute : 0;
	if (w->month < 1 || w->month > 12 || w->day < 1 || w->day > 31 ||
	    h < 0 || h > 23 || m < 0 || m > 59 || w->year < 1900 ||
	    w->year > 9999)
		return -1;
	/* A moved time (02:30 on the night clocks go forward) does not
	 * exist either. */
	if (clock_local_time(w->year, w->month, w->day, h, m, 0, &t) != 0)
		return -1;
	return t;
}
