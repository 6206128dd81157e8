/*
 * test_wording.c — the shipped templates name roles in words that fit
 * anyone: "la personne accompagnée", "le contact privilégié", "la
 * personne référente", never the masculine nouns they replaced
 * ("porteur", "interlocuteur privilégié", "le référent"), and no mail
 * tells someone of a promise they never made.  Tags
 * ({{...}}) are skipped, so the INTERLOCUTEUR command and its section
 * names stay; documentation comments are checked like the text, since
 * administrators copy from them.  Blanks, no-break spaces and line
 * breaks count as one space, and case is ignored for ASCII letters.
 * Run from the top of the source tree.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "testutil.h"

#define SHIPPED "templates/fr"

/* The words replaced; a template holding one is a fault. */
static const char *const gendered[] = {
	"porteur",			/* porteur, porteurs, Porteur */
	"interlocuteur privilégié",
	"le référent",
	"du référent",
	"au référent",
	"votre référent",
	/* roadmap.txt told the holder they had promised to testify: they
	 * are asked only after the closing, and free to say no. */
	"pris un engagement",
};

/* s without its {{...}} tags, blanks folded, ASCII lower-cased (new
 * string). */
static char *
plain(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	int space = 0;

	while (*s != '\0') {
		if (s[0] == '{' && s[1] == '{' && s[2] != '!') {
			const char *end = strstr(s, "}}");

			s = end ? end + 2 : s + strlen(s);
			continue;
		}
		if (s[0] == '{' && s[1] == '{') {	/* a comment's text */
			s += 3;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    (s[0] == '\xc2' && s[1] == '\xa0')) {
			s += (*s == '\xc2') ? 2 : 1;
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = (char)tolower((unsigned char)*s++);
	}
	*o = '\0';
	return out;
}

/* How many of the gendered words `text` holds. */
static int
faults(const char *name, const char *text)
{
	char *p = plain(text);
	int n = 0;

	for (size_t i = 0; i < sizeof(gendered) / sizeof(gendered[0]); i++)
		if (strstr(p, gendered[i]) != NULL) {
			printf("# %s: \"%s\"\n", name, gendered[i]);
			n++;
		}
	free(p);
	return n;
}

int
main(void)
{
	DIR *d;
	struct dirent *de;
	int files = 0, n = 0;

	/* The check itself finds what it looks for. */
	is_int(faults("sample", "{{! le Porteur }}"), 1,
	    "a word in a comment, any case");
	is_int(faults("sample", "votre interlocuteur\n    privil\xc3\xa9gi\xc3"
	    "\xa9"), 1, "across a line break");
	is_int(faults("sample", "INTERLOCUTEUR adresse {{#interlocuteur}}"),
	    0, "the command and tags are not words");
	is_int(faults("sample", "la personne r\xc3\xa9" "f\xc3\xa9rente"), 0,
	    "neutral wording passes");

	d = opendir(SHIPPED);
	if (!ok(d != NULL, "the shipped templates are there"))
		return tap_done();
	while ((de = readdir(d)) != NULL) {
		char path[512], *text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", SHIPPED, de->d_name);
		if ((text = read_file(path, NULL)) == NULL)
			continue;
		files++;
		n += faults(path, text);
		free(text);
	}
	closedir(d);
	ok(files > 40, "every template read");
	is_int(n, 0, "no gendered word for a role in any template");
	return tap_done();
}
