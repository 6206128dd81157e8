/*
 * test_typography.c — French typography of every shipped template in
 * templates/fr: a no-break space (U+00A0) before « : ; ? ! » and inside
 * « », never a plain space or nothing.  A plain space lets a mail client
 * wrap the line between a word and its colon, which French readers see as
 * a mistake on every mail.
 *
 * Only the text a reader sees is checked: the {{! ... }} blocks that
 * document a template's variables and the {{...}} tags are skipped, and so
 * are HTML tags, HTML entities, a header's name ("Subject:") and a colon
 * or mark glued to what follows (https://, 18:30, ?a=b), which is no
 * French punctuation.  Each fault is printed as file:line.  Run from the
 * top of the source tree.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "testutil.h"

#define SHIPPED "templates/fr"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

/* Is the text before `p` (not before `start`) a no-break space? */
static int
after_nbsp(const char *start, const char *p)
{
	if (p - start >= 2 && memcmp(p - 2, NBSP, 2) == 0)
		return 1;
	if (p - start >= 3 && memcmp(p - 3, NNBSP, 3) == 0)
		return 1;
	if (p - start >= 6 && memcmp(p - 6, "&nbsp;", 6) == 0)
		return 1;
	return 0;
}

/* Is `p` followed by a no-break space? */
static int
before_nbsp(const char *p)
{
	return strncmp(p, NBSP, 2) == 0 || strncmp(p, NNBSP, 3) == 0 ||
	    strncmp(p, "&nbsp;", 6) == 0;
}

/*
 * Does a header name run from the line start to p?  "Subject", or a name
 * with a dash ("Reply-To"): a French word glued to its colon ("Objet:")
 * must still be refused.
 */
static int
is_header_name(const char *line, const char *p)
{
	const char *q;
	int dash = 0;

	if (p - line == 7 && strncmp(line, "Subject", 7) == 0)
		return 1;
	for (q = line; q < p; q++) {
		if (*q == '-')
			dash = 1;
		else if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
			return 0;
	}
	return dash && p > line;
}

/* Is the ';' at p the end of an HTML entity (&amp; &#160;)? */
static int
ends_entity(const char *line, const char *p)
{
	const char *q = p;

	while (q > line && (q[-1] == '#' || (q[-1] >= 'a' && q[-1] <= 'z') ||
	    (q[-1] >= '0' && q[-1] <= '9')))
		q--;
	return q > line && q[-1] == '&' && q < p;
}

/*
 * Checks one template's text; prints each fault as file:line and returns
 * how many there were.  `text` is changed: tags and comments are blanked
 * to '\x01' so that positions and line numbers stay.
 */
static int
check_text(const char *name, char *text, int html)
{
	char *p, *end, *line;
	int faults = 0, lineno = 1;

	/* Blank tags and comments, keeping their newlines. */
	for (p = text; (p = strstr(p, "{{")) != NULL; p = end) {
		end = strstr(p, "}}");
		end = end ? end + 2 : p + strlen(p);
		for (; p < end; p++)
			if (*p != '\n')
				*p = '\x01';
	}
	if (html)
		for (p = text; (p = strchr(p, '<')) != NULL; p = end) {
			end = strchr(p, '>');
			end = end ? end + 1 : p + strlen(p);
			for (; p < end; p++)
				if (*p != '\n')
					*p = '\x01';
		}

	for (line = text; *line != '\0'; lineno++) {
		char *eol = strchr(line, '\n');
		const char *prev = NULL;	/* last visible character */

		if (eol == NULL)
			eol = line + strlen(line);
		for (p = line; p < eol; p++) {
			int bad = 0;
			char next = p[1];

			if (*p == '\x01')
				continue;
			if (*p == ':' || *p == ';' || *p == '?' || *p == '!') {
				int glued = p + 1 < eol && next != ' ' &&
				    next != '\x01' && next != '.' &&
				    next != ',' && next != ')' &&
				    !before_nbsp(p + 1) && next != '\r';

				if (*p == ':' && is_header_name(line, p))
					;
				else if (*p == ';' && html &&
				    ends_entity(line, p))
					;
				else if (after_nbsp(line, p))
					;
				else if (p > line && p[-1] != ' ' && glued)
					;	/* URL, time, query string */
				else if (prev == NULL && p == line)
					;	/* a line's first mark: a list */
				else if (p > line && (p[-1] == '?' ||
				    p[-1] == '!'))
					;	/* "?!" counts as one mark */
				else
					bad = 1;
			} else if (strncmp(p, "\xc2\xab", 2) == 0) {
				if (!before_nbsp(p + 2))
					bad = 1;
			} else if (strncmp(p, "\xc2\xbb", 2) == 0) {
				if (!after_nbsp(line, p))
					bad = 1;
			}
			if (bad) {
				printf("#   %s/%s:%d: %.*s\n", SHIPPED, name,
				    lineno, (int)(eol - line), line);
				faults++;
				break;	/* one report per line is enough */
			}
			if (*p != ' ')
				prev = p;
		}
		line = *eol ? eol + 1 : eol;
	}
	return faults;
}

/* Checks every .txt and .html in the shipped folder. */
static void
test_shipped(void)
{
	struct dirent *de;
	DIR *d = opendir(SHIPPED);
	int files = 0, faults = 0;
	char path[600], *text;

	ok(d != NULL, "the shipped templates are there");
	while (d && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		int html = n > 5 && strcmp(de->d_name + n - 5, ".html") == 0;

		if (de->d_name[0] == '.' || (!html && (n < 4 ||
		    strcmp(de->d_name + n - 4, ".txt") != 0)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", SHIPPED, de->d_name);
		text = load_fixture(path, NULL);
		faults += check_text(de->d_name, text, html);
		free(text);
		files++;
	}
	if (d)
		closedir(d);
	ok(files > 40, "every shipped template was read");
	is_int(faults, 0, "no plain space before : ; ? ! or inside « »");
}

/* The checker itself: what it refuses and what it lets through. */
static void
test_checker(void)
{
	char t1[] = "Objet : x\n", t2[] = "Objet" NBSP ": x\n";
	char t3[] = "Vraiment ?\n", t4[] = "Vraiment" NNBSP "?\n";
	char t5[] = "Le « mot »\n", t6[] = "Le «" NBSP "mot" NBSP "»\n";
	char t7[] = "Subject: x\n{{! Variables : }}\nà 18:30, https://a\n";
	char t8[] = "Objet:\n", t9[] = "{{x}} {{#y}}:{{/y}}" NBSP ":\n";
	char t10[] = "<p style=\"a:b;\">&amp; ok" NBSP "!</p>\n";
	char t11[] = "Fin ;\n";

	is_int(check_text("t1", t1, 0), 1, "a plain space before : is refused");
	is_int(check_text("t2", t2, 0), 0, "U+00A0 before : is accepted");
	is_int(check_text("t3", t3, 0), 1, "a plain space before ? is refused");
	is_int(check_text("t4", t4, 0), 0, "U+202F before ? is accepted");
	is_int(check_text("t5", t5, 0), 1, "plain spaces inside « » are refused");
	is_int(check_text("t6", t6, 0), 0, "U+00A0 inside « » is accepted");
	is_int(check_text("t7", t7, 0), 0,
	    "header names, comments, times and URLs are not text");
	is_int(check_text("t8", t8, 0), 1, "no space at all before : is refused");
	is_int(check_text("t9", t9, 0), 1,
	    "a colon right after a tag is refused");
	is_int(check_text("t10", t10, 1), 0,
	    "HTML tags and entities are not text");
	is_int(check_text("t11", t11, 0), 1, "a plain space before ; is refused");
}

int
main(void)
{
	test_checker();
	test_shipped();
	return tap_done();
}
