/*
 * commune_any.c — the pattern of all the communes; see commune_any.h.
 *
 * classify.c writes each name's first letter as one of: a class of the
 * letter and its accented forms ("[eéèêë]"), the letter alone ("b"), a
 * digit, "(?:saint|st)", "(?:sainte|ste)", "(?:æ|ae)" or "(?:œ|oe)".
 * Each of these matches only texts starting with one base letter
 * (caselessly: e, b, the digit, s, s, a, o), and two different base
 * letters never match the same text.  So at any place the names of one
 * gathering at most can match, and trying that gathering's names in their
 * order tries every name that can match there in the order of the plain
 * alternation: the first that matches (its boundary after included) is
 * the same.  Any other first letter leaves the plain alternation.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/commune_any.h"

/* The first letter of the name pattern p: its length and base letter;
 * 0 if it is not one of those the .c's comment lists. */
static size_t
ca_first(const char *p, char *base)
{
	static const char *const words[] = {
		"(?:saint|st)", "(?:sainte|ste)", "(?:æ|ae)", "(?:œ|oe)"
	};
	static const char bases[] = "ssao";
	const char *end;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strncmp(p, words[i], strlen(words[i])) == 0) {
			*base = bases[i];
			return strlen(words[i]);
		}
	if (p[0] == '[' && p[1] >= 'a' && p[1] <= 'z' &&
	    (end = strchr(p, ']')) != NULL) {
		*base = p[1];
		return (size_t)(end - p) + 1;
	}
	if ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= '0' && p[0] <= '9')) {
		*base = p[0];
		return 1;
	}
	return 0;
}

/* The name in pattern p, without `before` and `after`: its length. */
static size_t
ca_name_len(const char *p, size_t lb, size_t la)
{
	return strlen(p) - lb - la;
}

char *
commune_any_text(const char *const *pats, const size_t *order, size_t n,
    const char *before, const char *after, int grouped)
{
	size_t lb = strlen(before), la = strlen(after), len;
	char *bases = xcalloc(n ? n : 1, 1), *done = xcalloc(n ? n : 1, 1);
	struct buf text;
	int first = 1;

	for (size_t i = 0; grouped && i < n; i++)
		if (ca_first(pats[order[i]] + lb, &bases[i]) == 0)
			grouped = 0;
	buf_init(&text, 0);
	buf_printf(&text, "any %s(?:", before);
	for (size_t i = 0; !grouped && i < n; i++)
		buf_printf(&text, "%s%.*s", i ? "|" : "",
		    (int)ca_name_len(pats[order[i]], lb, la),
		    pats[order[i]] + lb);
	for (size_t i = 0; grouped && i < n; i++) {
		int one = 1;

		if (done[i])
			continue;
		/* The look-ahead: each distinct first letter of the
		 * gathering, then its names in their order. */
		buf_printf(&text, "%s(?=", first ? "" : "|");
		first = 0;
		for (size_t j = i; j < n; j++) {
			const char *p = pats[order[j]] + lb;
			int seen = 0;
			char b;

			if (bases[j] != bases[i])
				continue;
			len = ca_first(p, &b);
			for (size_t k = i; k < j && !seen; k++)
				seen = bases[k] == bases[i] && strncmp(
				    pats[order[k]] + lb, p, len) == 0 &&
				    ca_first(pats[order[k]] + lb, &b) == len;
			if (!seen) {
				buf_printf(&text, "%s%.*s", one ? "" : "|",
				    (int)len, p);
				one = 0;
			}
		}
		buf_adds(&text, ")(?:");
		one = 1;
		for (size_t j = i; j < n; j++)
			if (bases[j] == bases[i]) {
				buf_printf(&text, "%s%.*s", one ? "" : "|",
				    (int)ca_name_len(pats[order[j]], lb, la),
				    pats[order[j]] + lb);
				one = 0;
				done[j] = 1;
			}
		buf_addc(&text, ')');
	}
	buf_printf(&text, ")%s\n", after);
	free(bases);
	free(done);
	return buf_steal(&text);
}
