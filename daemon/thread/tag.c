/* tag.c — case references in subjects; see tag.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/case_db.h"
#include "base/mem.h"
#include "thread/tag.h"

/* Length of a separator-ish character at s (ASCII blank or punctuation
 * seen between tag parts, NBSP U+00A0, narrow NBSP U+202F, en/em dash
 * U+2013/U+2014, non-breaking hyphen U+2011), 0 if none. */
static size_t
tag_sep_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '-' || *s == '_' || *s == '.' ||
	    *s == '/' || *s == ':' || *s == '#')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xaf || s[2] == 0x93 ||
	    s[2] == 0x94 || s[2] == 0x91))
		return 3;
	return 0;
}

/* Skips at most 4 separators: "CDP - 2026" is a tag, a sentence that
 * happens to hold "cdp" far from a number is not. */
static const unsigned char *
tag_skip_seps(const unsigned char *s)
{
	size_t n;

	for (int i = 0; i < 4 && (n = tag_sep_len(s)) != 0; i++)
		s += n;
	return s;
}

static int
tag_digits(const unsigned char **sp, int max, int *value)
{
	const unsigned char *s = *sp;
	int n = 0, v = 0;

	while (isdigit(*s) && n < max + 1) {
		v = v * 10 + (*s - '0');
		s++;
		n++;
	}
	if (n == 0 || n > max)
		return -1;
	*sp = s;
	*value = v;
	return n;
}

/* A tag starting at p ("cdp" already seen at p..p+3)? */
static int
tag_at(const unsigned char *start, const unsigned char *p, int *year,
    int *seq)
{
	const unsigned char *q;

	/* "xcdp" or "2cdp" is part of a word, not a tag. */
	if (p > start && (isalnum(p[-1]) || p[-1] >= 0x80))
		return 0;
	q = tag_skip_seps(p + 3);
	if (tag_digits(&q, 4, year) != 4 || *year < 2000)
		return 0;
	q = tag_skip_seps(q);
	if (tag_digits(&q, 6, seq) < 1 || *seq == 0)
		return 0;
	return !isalnum(*q);
}

int
tag_find(const char *subject, char *ref, size_t reflen)
{
	const unsigned char *s = (const unsigned char *)subject;
	int year, seq;

	if (s == NULL)
		return 0;
	for (const unsigned char *p = s; *p; p++) {
		if (tolower(p[0]) != 'c' || tolower(p[1]) != 'd' ||
		    tolower(p[2]) != 'p')
			continue;
		if (tag_at(s, p, &year, &seq)) {
			case_ref_format(year, seq, ref, reflen);
			return 1;
		}
	}
	return 0;
}

/* Length of the blank at s (ASCII blank, NBSP, narrow NBSP), 0 if none. */
static size_t
tag_blank_len(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (s[0] == 0xe2 && s[1] == 0x80 && s[2] == 0xaf)
		return 3;
	return 0;
}

static const unsigned char *
tag_skip_blanks(const unsigned char *s)
{
	size_t n;

	while ((n = tag_blank_len(s)) != 0)
		s += n;
	return s;
}

/* Reply and forward prefixes in the languages of the network's mail:
 * French, English, German, Spanish, Dutch, Nordic. */
static const char *const prefixes[] = {
	"re", "tr", "ref", "r\xc3\xa9" "f", "r\xc3\x89" "f", "aw", "wg",
	"fwd", "fw", "rv", "antw", "sv", "vs", "enc", "res", NULL
};

/* Past one prefix at s ("Re :", "RE:", "Re[2]:", "Réf. :"), or NULL. */
static const unsigned char *
tag_past_prefix(const unsigned char *s)
{
	for (size_t i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);
		const unsigned char *q;

		if (strncasecmp((const char *)s, prefixes[i], n) != 0)
			continue;
		q = s + n;
		if (*q == '.')
			q++;
		if (*q == '[' || *q == '(') {
			while (isdigit(*++q))
				;
			if (*q != ']' && *q != ')')
				continue;
			q++;
		}
		q = tag_skip_blanks(q);
		if (*q == ':')
			return q + 1;
	}
	return NULL;
}

char *
tag_strip_prefixes(const char *subject)
{
	const unsigned char *s = (const unsigned char *)(subject ? subject :
	    "");
	const unsigned char *q, *end;
	int year, seq;

	for (;;) {
		s = tag_skip_blanks(s);
		if ((q = tag_past_prefix(s)) != NULL) {
			s = q;
			continue;
		}
		if (*s == '[' && tolower(s[1]) == 'c' && tag_at(s, s + 1,
		    &year, &seq) && (q = (const unsigned char *)strchr(
		    (const char *)s, ']')) != NULL) {
			s = q + 1;
			continue;
		}
		break;
	}
	end = s + strlen((const char *)s);
	while (end > s) {
		if (end[-1] == ' ' || end[-1] == '\t')
			end--;
		else if (end - s >= 2 && end[-2] == 0xc2 && end[-1] == 0xa0)
			end -= 2;
		else if (end - s >= 3 && end[-3] == 0xe2 && end[-2] == 0x80 &&
		    end[-1] == 0xaf)
			end -= 3;
		else
			break;
	}
	return xstrndup((const char *)s, (size_t)(end - s));
}
