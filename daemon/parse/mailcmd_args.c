/*
 * mailcmd_args.c — the arguments of a mail command: dates, times,
 * addresses, free text.
 *
 * Dates and times are read on the folded key, in the forms people type in
 * French ("le mardi 14/06 à 18h30", "18 heures"), and checked against the
 * calendar (base/clock): a date that does not exist is an error the
 * sender is told about, never a date moved.  Addresses are read from the
 * line as written, never from the key: folding "andré@" into "andre@"
 * would name another person.  See mailcmd_private.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/addr.h"
#include "base/charset.h"
#include "base/clock.h"
#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/mailcmd_private.h"

/* ------------------------------------------------------------------ */
/* Dates and times                                                      */

static const char *const weekdays[] = {
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	"dimanche"
};

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

enum parsed
mailcmd_parse_date(const char *key, size_t *k, time_t now,
    struct mailcmd_when *w)
{
	size_t p = *k;
	int a, y = 0, m, d, n;
	char sep;

	for (int i = 0; i < 3; i++) {
		int took = 0;

		p = skip_blanks(key, p);
		if (mailcmd_take_word(key, &p, "le"))
			continue;
		for (size_t j = 0; j < sizeof(weekdays) / sizeof(*weekdays);
		    j++)
			if ((took = mailcmd_take_word(key, &p,
			    weekdays[j])) != 0)
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
		if (!mailcmd_take_word(key, &q, "heures") &&
		    !mailcmd_take_word(key, &q, "heure")) {
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

enum parsed
mailcmd_parse_time_after(const char *key, size_t *k, struct mailcmd_when *w)
{
	size_t p = skip_blanks(key, *k), q;
	enum parsed r;
	int h, m;

	if (key[p] == ',')
		p = skip_blanks(key, p + 1);
	while (mailcmd_take_word(key, &p, "a") ||
	    mailcmd_take_word(key, &p, "de") ||
	    mailcmd_take_word(key, &p, "vers"))
		p = skip_blanks(key, p);
	if ((r = parse_time(key, &p, &w->hour, &w->minute)) != PARSED_OK)
		return r;
	w->has_time = 1;
	q = skip_blanks(key, p);
	if (key[q] == '-' || mailcmd_take_word(key, &q, "a")) {
		q = skip_blanks(key, key[q] == '-' ? q + 1 : q);
		if (parse_time(key, &q, &h, &m) == PARSED_OK)
			p = q;
	}
	*k = p;
	return PARSED_OK;
}

/* ------------------------------------------------------------------ */
/* Addresses and text                                                   */

/* A word of an address list that is no address, kept as written for the
 * answer (up to the cap, like the addresses). */
static void
add_rejected(struct mailcmd *c, const char *s, size_t n)
{
	if (c->nrejected == COMMAND_MAX_ADDRESSES)
		return;
	c->rejected = xrealloc(c->rejected,
	    (c->nrejected + 1) * sizeof(*c->rejected));
	c->rejected[c->nrejected++] = xstrndup(s, n);
}

/* The name written before "<address>", without its quotes, as one
 * clean line; NULL when there is none. */
static char *
address_name(const char *from, const char *to)
{
	char *raw, *clean;

	if (from == NULL || to <= from)
		return NULL;
	raw = xstrndup(from, (size_t)(to - from));
	for (char *p = raw; *p != '\0'; p++)
		if (*p == '"')
			*p = ' ';
	clean = charset_clean_line(raw);
	free(raw);
	if (clean != NULL && *clean == '\0') {
		free(clean);
		clean = NULL;
	}
	return clean;
}

/* Adds the address with its name (owned; NULL: none).  Sets *bad when the
 * list is past the cap. */
static void
add_address(struct mailcmd *c, const char *s, size_t n, char *name, int *bad)
{
	char *a = xstrndup(s, n), *p;
	size_t len;

	for (p = a; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	p = a;
	if (strncmp(p, "mailto:", 7) == 0)
		p += 7;
	len = strlen(p);
	while (len > 0 && p[len - 1] == '.')	/* the end of the sentence */
		p[--len] = '\0';
	if (!addr_valid(p)) {
		add_rejected(c, s, n);
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
	c->address_names = xrealloc(c->address_names,
	    (c->naddresses + 1) * sizeof(*c->address_names));
	c->address_names[c->naddresses] = name;
	name = NULL;
	c->addresses[c->naddresses++] = xstrdup(p);
out:
	free(name);
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
 * no <address> are rejected (one entry per run of them between
 * separators); they make the list bad, except for INVITER when some
 * address is valid.
 */
void
mailcmd_parse_addresses(struct mailcmd *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *q;
	const unsigned char *name_from = NULL, *name_to = NULL;
	int bad = 0, names = 0;
	size_t n;

	for (;;) {
		while ((n = mailcmd_blank_at(p)) > 0)
			p += n;
		if (*p == '\0' || *p == ',' || *p == ';') {
			if (names > 0)
				add_rejected(c, (const char *)name_from,
				    (size_t)(name_to - name_from));
			names = 0;
			if (*p == '\0')
				break;
			p++;
		} else if (*p == '"' || *p == '(') {
			q = (const unsigned char *)strchr((const char *)p + 1,
			    *p == '"' ? '"' : ')');
			if (*p == '"' && names++ == 0)
				name_from = p;
			q = q != NULL ? q + 1 : p + strlen((const char *)p);
			if (*p == '"')
				name_to = q;
			p = q;
		} else if (*p == '<') {
			q = (const unsigned char *)strchr((const char *)p, '>');
			if (q == NULL) {
				bad = 1;
				break;
			}
			add_address(c, (const char *)p + 1,
			    (size_t)(q - p - 1), names > 0 ?
			    address_name((const char *)name_from,
			    (const char *)name_to) : NULL, &bad);
			names = 0;
			p = q + 1;
		} else {
			for (q = p; *q != '\0' && mailcmd_blank_at(q) == 0 &&
			    strchr(",;<\"(", *q) == NULL; q++)
				;
			if (memchr(p, '@', (size_t)(q - p)) != NULL)
				add_address(c, (const char *)p,
				    (size_t)(q - p), NULL, &bad);
			else if (!filler((const char *)p, (size_t)(q - p))) {
				if (names++ == 0)
					name_from = p;
				name_to = q;
			}
			p = q;
		}
	}
	if (bad || (c->nrejected > 0 && c->naddresses > 0 &&
	    c->verb != CMD_INVITER))
		c->error = CMDERR_BAD_ADDRESS;
	else if (c->naddresses == 0)
		c->error = *s == '\0' ? CMDERR_MISSING_ARGUMENT :
		    CMDERR_BAD_ADDRESS;
	else if (c->naddresses > 1 && c->verb != CMD_INVITER)
		c->error = CMDERR_BAD_ADDRESS;	/* which one? */
}

void
mailcmd_parse_when(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now)
{
	const char *key = ln->key;
	enum parsed r;

	if (key[k] == '\0') {
		c->error = CMDERR_MISSING_ARGUMENT;
		return;
	}
	if (mailcmd_parse_date(key, &k, now, &c->when) != PARSED_OK) {
		c->error = CMDERR_BAD_DATE;
		return;
	}
	r = mailcmd_parse_time_after(key, &k, &c->when);
	if (r == PARSED_BAD || (r == PARSED_NONE && c->verb == CMD_RENCONTRE)) {
		c->error = CMDERR_BAD_TIME;
		return;
	}
	k = mailcmd_skip_sep(key, k, "-,:;");
	/* "RENCONTRE 14/06 18h30 à la mairie": the place is "la mairie";
	 * a POINT's object keeps its words as written. */
	if (c->verb == CMD_RENCONTRE && mailcmd_take_word(key, &k, "a"))
		k = skip_blanks(key, k);
	if (key[k] != '\0')
		c->text = mailcmd_rest_at(ln, k, NULL);
}

int
mailcmd_find_date(const char *key, size_t k, time_t now,
    struct mailcmd_when *w, size_t *start, size_t *end)
{
	struct mailcmd_when d;
	int found = 0;

	memset(&d, 0, sizeof(d));
	for (size_t p = k; key[p] != '\0'; ) {
		size_t q = p;

		/* At the start of a word only; after a date, from its end
		 * ("le mardi 16/03" is one date, not three). */
		if ((p == k || is_blank(key[p - 1]) ||
		    strchr(":,;(", key[p - 1]) != NULL) &&
		    mailcmd_parse_date(key, &q, now, &d) == PARSED_OK) {
			*w = d;
			*start = p;
			*end = p = q;
			found = 1;
		} else {
			p++;
		}
	}
	return found;
}

/* Words that join a step's name to its new date ("l'étude au 15/03",
 * "jusqu'au", "pour le"), folded. */
static const char *const move_joins[] = {
	"au", "a", "pour", "le", "vers", "jusqu'au", "jusqu'a"
};

/* Where the step's name ends before the date at key offset p: blanks,
 * separators and joining words dropped.  k when there is no name. */
static size_t
move_name_end(const char *key, size_t k, size_t p)
{
	for (;;) {
		size_t e = p, w;
		int join = 0;

		while (e > k && (is_blank(key[e - 1]) ||
		    strchr(":,;-", key[e - 1]) != NULL))
			e--;
		for (w = e; w > k && (is_word(key[w - 1]) || key[w - 1] ==
		    '\''); w--)
			;
		for (size_t i = 0; i < sizeof(move_joins) / sizeof(*move_joins);
		    i++)
			if (strlen(move_joins[i]) == e - w &&
			    strncmp(key + w, move_joins[i], e - w) == 0)
				join = 1;
		if (!join || w == e)
			return e;
		p = w;
	}
}

void
mailcmd_parse_move(struct mailcmd *c, const struct line *ln, size_t k,
    time_t now)
{
	const char *key = ln->key;
	size_t p, q, e;

	if (key[k] == '\0') {
		c->error = CMDERR_MISSING_ARGUMENT;
		return;
	}
	if (!mailcmd_find_date(key, k, now, &c->when, &p, &q)) {
		c->error = CMDERR_BAD_DATE;
		return;
	}
	e = move_name_end(key, k, p);
	if (e > k) {
		char *name = xstrndup(ln->orig + ln->map[k],
		    ln->map[e] - ln->map[k]);

		c->text = mailcmd_dup_trim(name, NULL);
		free(name);
	}
	if (mailcmd_parse_time_after(key, &q, &c->when) == PARSED_BAD) {
		c->error = CMDERR_BAD_TIME;
		return;
	}
	q = mailcmd_skip_sep(key, q, "-,:;");
	if (c->text == NULL && key[q] != '\0')
		c->text = mailcmd_rest_at(ln, q, ".!?");
}

void
mailcmd_parse_text(struct mailcmd *c, int required)
{
	if (c->args[0] != '\0')
		c->text = xstrdup(c->args);
	else if (required)
		c->error = CMDERR_MISSING_ARGUMENT;
}
