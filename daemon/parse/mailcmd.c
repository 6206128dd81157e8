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
 *
 * This file holds the keywords, the prose guard and the reading of one
 * line into one command; the lines, the arguments and roadmaps are read
 * by the files listed in mailcmd_private.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/mem.h"
#include "parse/mailcmd.h"
#include "parse/mailcmd_private.h"

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
	GUARD_SOME_DATE,	/* a ':' or a date anywhere in the line
				 * ("Reporter l'étude au 15/03") */
	GUARD_ANSWER,		/* OUI/NON: a natural answer, first line */
	GUARD_AT,		/* an '@' in the line ("Référent : Paul" is
				 * prose) */
	GUARD_REF,		/* a ':' or a case reference ("Fusionner
				 * CDP-2026-0003", not "Fusionner les deux
				 * projets ?") */
	GUARD_UNTIL		/* an '@' or "jusqu'au" ("Disponible pour
				 * en parler" is prose) */
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
	{ "indisponible",		CMD_INDISPONIBLE,	GUARD_UNTIL },
	{ "coordination",		CMD_COORDINATION,	GUARD_AT },
	{ "feuille de route",		CMD_FEUILLE_DE_ROUTE,	GUARD_COLON },
	{ "interlocuteur",		CMD_INTERLOCUTEUR,	GUARD_ADDRESS },
	{ "fusionner",			CMD_FUSIONNER,		GUARD_REF },
	{ "non eligible",		CMD_NON_ELIGIBLE,	GUARD_ANY },
	{ "transferer",			CMD_TRANSFERER,		GUARD_ADDRESS },
	{ "disponible",			CMD_DISPONIBLE,		GUARD_UNTIL },
	{ "cloturer",			CMD_CLOTURER,		GUARD_COLON },
	{ "rencontre",			CMD_RENCONTRE,		GUARD_DATE },
	{ "benevole",			CMD_BENEVOLE,		GUARD_AT },
	{ "referent",			CMD_REFERENT,		GUARD_AT },
	{ "communes",			CMD_COMMUNES,		GUARD_AT },
	{ "annuaire",			CMD_ANNUAIRE,		GUARD_ALONE },
	{ "accepter",			CMD_ACCEPTER,		GUARD_ALONE },
	{ "eligible",			CMD_ELIGIBLE,		GUARD_ALONE },
	{ "inviter",			CMD_INVITER,		GUARD_ADDRESS },
	{ "abandon",			CMD_ABANDON,		GUARD_COLON },
	{ "refuser",			CMD_REFUSER,		GUARD_COLON },
	{ "reporter",			CMD_REPORTER,		GUARD_SOME_DATE },
	{ "retirer",			CMD_RETIRER,		GUARD_AT },
	{ "themes",			CMD_THEMES,		GUARD_AT },
	{ "statut",			CMD_STATUT,		GUARD_ALONE },
	{ "point",			CMD_POINT,		GUARD_DATE },
	{ "pool",			CMD_ANNUAIRE,		GUARD_ALONE },
	{ "aide",			CMD_AIDE,		GUARD_ALONE },
	{ "fait",			CMD_FAIT,		GUARD_COLON },
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
	if (letters < 3 || is_word(key[k]) || !mailcmd_span_caps(ln, ln->k0, k))
		return 0;
	for (size_t i = 0; i < sizeof(courtesy) / sizeof(*courtesy); i++) {
		size_t p = ln->k0;

		if (mailcmd_take_word(key, &p, courtesy[i]))
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
	    v == CMD_ACCEPTER || v == CMD_CHARTE || v == CMD_ANNUAIRE;
}

/* Commands whose arguments lose a trailing '.', '!' or '?': those
 * without any, and FAIT, whose step is matched by name ("FAIT l'étude."
 * names "l'étude"). */
static int
trims_end(enum mailcmd_verb v)
{
	return argless(v) || v == CMD_FAIT;
}

/* FUSIONNER's argument: a case reference, "CDP-" four digits, '-' and
 * digits, any case, into c->text in capitals. */
static void
parse_case_ref(struct mailcmd *c)
{
	const char *a = c->args;
	size_t i, n = strlen(a);

	while (n > 0 && strchr(".!?", a[n - 1]) != NULL)
		n--;
	if (n == 0) {
		c->error = CMDERR_MISSING_ARGUMENT;
		return;
	}
	for (i = 0; i < n; i++) {
		char ch = a[i];
		int ok;

		if (i < 3)
			ok = tolower((unsigned char)ch) == "cdp"[i];
		else if (i == 3 || i == 8)
			ok = ch == '-';
		else
			ok = isdigit((unsigned char)ch);
		if (!ok)
			break;
	}
	if (i < n || n < 10 || n > 16) {
		c->error = CMDERR_BAD_REF;
		return;
	}
	c->text = xstrndup(a, n);
	for (i = 0; i < 3; i++)
		c->text[i] = (char)toupper((unsigned char)c->text[i]);
}

/*
 * After a natural NON, the words of politeness before the reason ("Non
 * merci, pas disponible", "Non, désolée : je déménage"): the reason
 * stored and shown to the referent is "pas disponible", not "merci, pas
 * disponible".  Returns the key offset where the reason starts.
 */
static size_t
skip_polite(const char *key, size_t k)
{
	static const char *const words[] = { "non", "merci", "beaucoup",
	    "desolee", "desole", "navree", "navre", "vraiment" };
	int again = 1;

	while (again) {
		again = 0;
		while (key[k] != '\0' && (is_blank(key[k]) ||
		    strchr(",;:.!-", key[k]) != NULL))
			k++;
		for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
			if (mailcmd_take_word(key, &k, words[i])) {
				/* "désolé(e)", "navré·e" */
				if (strncmp(key + k, "(e)", 3) == 0)
					k += 3;
				again = 1;
				break;
			}
	}
	return k;
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
		c->line = mailcmd_dup_trim(ln->orig, NULL);
		c->args = xstrdup(c->line);
		return LINE_COMMAND;
	}

	k = skip_blanks(key, kend);
	if (!mailcmd_span_caps(ln, ln->k0, kend) &&
	    !mailcmd_only_punct(key, k)) {
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
			    mailcmd_parse_date(key, &t, now, &w) != PARSED_NONE;
			break;
		case GUARD_SOME_DATE:
			memset(&w, 0, sizeof(w));
			ok = key[k] == ':' ||
			    mailcmd_find_date(key, k, now, &w, &t, &t);
			break;
		case GUARD_ANSWER:
			ok = natural = first;
			break;
		case GUARD_AT:
			ok = strchr(key + k, '@') != NULL;
			break;
		case GUARD_REF:
			ok = key[k] == ':' || strstr(key + k, "cdp-") != NULL;
			break;
		case GUARD_UNTIL:
			t = k;
			ok = strchr(key + k, '@') != NULL ||
			    mailcmd_take_word(key, &t, "jusqu");
			break;
		}
		if (!ok)
			return LINE_PROSE;
	}

	c->verb = kw->verb;
	c->line = mailcmd_dup_trim(ln->orig, NULL);
	if (natural) {
		/* "Oui, avec plaisir !" -> "avec plaisir !" */
		while (key[k] != '\0' && (is_blank(key[k]) ||
		    strchr(",;:.!-", key[k]) != NULL))
			k++;
		c->natural = 1;
		c->args = mailcmd_rest_at(ln, k, NULL);
		if (c->verb == CMD_NON)
			c->text = mailcmd_rest_at(ln, skip_polite(key, k),
			    NULL);
		return LINE_LAST;
	}

	k = mailcmd_skip_sep(key, kend, ":,;-");
	*kargs = k;
	if (mailcmd_only_punct(key, k))
		c->args = xstrdup("");
	else
		c->args = mailcmd_rest_at(ln, k,
		    trims_end(c->verb) ? ".!?" : NULL);

	switch (c->verb) {
	case CMD_TRANSFERER:
	case CMD_INVITER:
	case CMD_INTERLOCUTEUR:
		mailcmd_parse_addresses(c, c->args);
		break;
	case CMD_RENCONTRE:
	case CMD_POINT:
		mailcmd_parse_when(c, ln, k, now);
		break;
	case CMD_NON_ELIGIBLE:
	case CMD_NOTE:
		mailcmd_parse_text(c, 1);
		break;
	case CMD_REPORTER:
		mailcmd_parse_move(c, ln, k, now);
		break;
	case CMD_FUSIONNER:
		parse_case_ref(c);
		break;
	case CMD_BENEVOLE:
	case CMD_REFERENT:
	case CMD_COORDINATION:
	case CMD_THEMES:
	case CMD_COMMUNES:
	case CMD_DISPONIBLE:
	case CMD_INDISPONIBLE:
	case CMD_RETIRER:
		mailcmd_parse_pool(c, ln, k, now);
		break;
	case CMD_FAIT:
	case CMD_NON:
	case CMD_CLOTURER:
	case CMD_ABANDON:
	case CMD_REFUSER:
		mailcmd_parse_text(c, 0);
		break;
	default:
		break;
	}
	return LINE_COMMAND;
}

void
mailcmd_parse(const char *text, time_t now, struct mailcmd_list *out)
{
	struct cursor cur = { text, 0 };
	struct line ln;
	int first = 1, stop = 0;

	out->items = NULL;
	out->n = 0;
	while (!stop && out->n < COMMAND_MAX &&
	    mailcmd_cursor_next(&cur, &ln)) {
		struct mailcmd c;
		enum line_kind kind;
		size_t kargs = 0;

		if (ln.k0 == ln.klen) {
			mailcmd_line_free(&ln);
			continue;
		}
		if (ln.key[ln.k0] == '>') {	/* quoted history */
			mailcmd_line_free(&ln);
			break;
		}
		memset(&c, 0, sizeof(c));
		kind = parse_line(&ln, first, now, &c, &kargs);
		first = 0;
		if (kind != LINE_PROSE && c.verb == CMD_FEUILLE_DE_ROUTE)
			stop = mailcmd_parse_roadmap(&cur, &ln, kargs, now, &c);
		mailcmd_line_free(&ln);
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
	for (size_t i = 0; i < c->naddresses; i++) {
		free(c->addresses[i]);
		if (c->address_names != NULL)
			free(c->address_names[i]);
	}
	free(c->addresses);
	free(c->address_names);
	for (size_t i = 0; i < c->nrejected; i++)
		free(c->rejected[i]);
	free(c->rejected);
	free(c->text);
	for (size_t i = 0; i < c->nmilestones; i++)
		free(c->milestones[i].label);
	free(c->milestones);
	free(c->name);
	for (size_t i = 0; i < c->nthemes; i++)
		free(c->themes[i]);
	free(c->themes);
	for (size_t i = 0; i < c->ncommunes; i++)
		free(c->communes[i]);
	free(c->communes);
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
		[CMD_FAIT] = "FAIT",
		[CMD_REPORTER] = "REPORTER",
		[CMD_FUSIONNER] = "FUSIONNER",
		[CMD_BENEVOLE] = "BENEVOLE",
		[CMD_REFERENT] = "REFERENT",
		[CMD_COORDINATION] = "COORDINATION",
		[CMD_THEMES] = "THEMES",
		[CMD_COMMUNES] = "COMMUNES",
		[CMD_DISPONIBLE] = "DISPONIBLE",
		[CMD_INDISPONIBLE] = "INDISPONIBLE",
		[CMD_RETIRER] = "RETIRER",
		[CMD_ANNUAIRE] = "ANNUAIRE",
	};

	if ((unsigned)v >= sizeof(names) / sizeof(*names) || names[v] == NULL)
		return "";
	return names[v];
}

int
mailcmd_verb_pool(enum mailcmd_verb v)
{
	return v >= CMD_BENEVOLE && v <= CMD_ANNUAIRE;
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
