/*
 * mailcmd_roadmap.c — FEUILLE DE ROUTE: a block of lines up to FIN, and
 * the milestones in it.
 *
 * A roadmap is the one command that spans lines: it takes its own line
 * and those after it, as written, with blank lines inside kept.  Lines
 * that read as "- date [heure] : étape" become milestones; the others are
 * kept as text, so nothing the sender wrote is lost.  See mailcmd.h for
 * the forms and mailcmd_private.h for the parser's files.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/mailcmd_private.h"

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
	if ((r = mailcmd_parse_date(key, &k, now, &w)) == PARSED_NONE)
		return;
	if (r == PARSED_OK && (r = mailcmd_parse_time_after(key, &k, &w)) ==
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
	label = mailcmd_rest_at(ln, k + 1, NULL);
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
	buf_add(&rm->b, s, mailcmd_rtrim(s, strlen(s), NULL));
	roadmap_milestone(c, ln, k, now);
}

/* "FIN", "Fin.", "fin !" */
static int
roadmap_end(const struct line *ln)
{
	size_t k = ln->k0;

	return mailcmd_take_word(ln->key, &k, "fin") &&
	    mailcmd_only_punct(ln->key, k);
}

int
mailcmd_parse_roadmap(struct cursor *cur, const struct line *first,
    size_t kargs, time_t now, struct mailcmd *c)
{
	struct roadmap rm;
	struct line ln;
	int quoted = 0;

	buf_init(&rm.b, 0);
	rm.lines = rm.blanks = 0;
	roadmap_add(&rm, c, first, kargs, now);
	while (mailcmd_cursor_next(cur, &ln)) {
		int end = roadmap_end(&ln);

		if (ln.key[ln.k0] == '>')
			quoted = 1;
		else if (!end)
			roadmap_add(&rm, c, &ln, 0, now);
		mailcmd_line_free(&ln);
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
