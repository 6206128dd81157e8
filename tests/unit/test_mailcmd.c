/*
 * test_mailcmd.c — the mail commands of DESIGN.md §5 as people type them:
 * every verb in capitals, lower case and with accents, the word
 * boundaries and longest match, addresses in the forms clients write
 * them, every date and time form (and the wrong ones), roadmaps with and
 * without FIN, the typo rule, natural OUI/NON answers and the lines that
 * must stop parsing, FAIT and REPORTER with or without a step named,
 * the caps, and mailcmd_when_time() in Paris summer and winter time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "parse/mailcmd.h"
#include "tap.h"
#include "testutil.h"

static struct mailcmd_list L;
static time_t now;		/* 2026-06-01 10:00 Paris unless changed */

static time_t
paris(int y, int mo, int d, int h, int mi)
{
	struct tm tm = civil(y, mo, d, h, mi, 0);

	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* The text on one line, for a test name ("a\nb" -> "a\\nb"). */
static const char *
shown(const char *text)
{
	static char out[160];
	size_t o = 0;

	if (text == NULL)
		return "(null)";
	for (; *text != '\0' && o + 3 < sizeof(out); text++) {
		if (*text == '\n' || *text == '\r') {
			out[o++] = '\\';
			out[o++] = *text == '\n' ? 'n' : 'r';
		} else {
			out[o++] = *text;
		}
	}
	out[o] = '\0';
	return out;
}

static void
parse(const char *text)
{
	mailcmd_list_free(&L);
	mailcmd_parse(text, now, &L);
}

/* The text gives exactly one command: verb, error and args. */
static const struct mailcmd *
one(const char *text, enum mailcmd_verb verb, enum mailcmd_error err,
    const char *args)
{
	char name[300];

	parse(text);
	snprintf(name, sizeof(name), "'%s': one command", shown(text));
	is_int(L.n, 1, name);
	if (L.n < 1)
		return NULL;
	snprintf(name, sizeof(name), "'%s': verb %s", shown(text),
	    mailcmd_verb_name(verb));
	is_int(L.items[0].verb, verb, name);
	snprintf(name, sizeof(name), "'%s': error %d", shown(text), (int)err);
	is_int(L.items[0].error, err, name);
	if (args != NULL) {
		snprintf(name, sizeof(name), "'%s': args", shown(text));
		is_str(L.items[0].args, args, name);
	}
	return &L.items[0];
}

static void
none(const char *text)
{
	char name[300];

	parse(text);
	snprintf(name, sizeof(name), "'%s': no command", shown(text));
	is_int(L.n, 0, name);
}

static void
when_is(const struct mailcmd_when *w, int y, int mo, int d, int has_time,
    int h, int mi, const char *what)
{
	char name[300], got[64], want[64];

	snprintf(name, sizeof(name), "%s: when", what);
	snprintf(got, sizeof(got), "%04d-%02d-%02d %d %02d:%02d", w->year,
	    w->month, w->day, w->has_time, w->has_time ? w->hour : 0,
	    w->has_time ? w->minute : 0);
	snprintf(want, sizeof(want), "%04d-%02d-%02d %d %02d:%02d", y, mo, d,
	    has_time, h, mi);
	is_str(got, want, name);
}

/* A RENCONTRE/POINT line whose date (and time) must come out as given. */
static void
date_is(const char *text, int y, int mo, int d, int has_time, int h, int mi)
{
	const struct mailcmd *c;

	parse(text);
	if (L.n != 1) {
		ok(0, text);
		printf("#   %zu commands\n", L.n);
		return;
	}
	c = &L.items[0];
	is_int(c->error, CMDERR_NONE, text);
	when_is(&c->when, y, mo, d, has_time, h, mi, text);
}

static void
verbs(void)
{
	static const struct {
		const char		*text;
		enum mailcmd_verb	 verb;
	} v[] = {
		{ "ELIGIBLE", CMD_ELIGIBLE },
		{ "ÉLIGIBLE", CMD_ELIGIBLE },
		{ "Éligible", CMD_ELIGIBLE },
		{ "éligible.", CMD_ELIGIBLE },
		{ "  eligible !", CMD_ELIGIBLE },
		{ "NON ELIGIBLE : hors territoire", CMD_NON_ELIGIBLE },
		{ "NON-ÉLIGIBLE : hors territoire", CMD_NON_ELIGIBLE },
		{ "non   éligible: hors territoire", CMD_NON_ELIGIBLE },
		{ "TRANSFERER a@b.fr", CMD_TRANSFERER },
		{ "TRANSFÉRER a@b.fr", CMD_TRANSFERER },
		{ "transférer a@b.fr", CMD_TRANSFERER },
		{ "INVITER a@b.fr", CMD_INVITER },
		{ "Inviter a@b.fr", CMD_INVITER },
		{ "OUI", CMD_OUI },
		{ "oui", CMD_OUI },
		{ "NON", CMD_NON },
		{ "Non.", CMD_NON },
		{ "INTERLOCUTEUR a@b.fr", CMD_INTERLOCUTEUR },
		{ "interlocuteur : a@b.fr", CMD_INTERLOCUTEUR },
		{ "RENCONTRE 14/06/2027 18h30", CMD_RENCONTRE },
		{ "rencontre le 14/06/2027 à 18h30", CMD_RENCONTRE },
		{ "ANNULER RENCONTRE", CMD_ANNULER_RENCONTRE },
		{ "Annuler  rencontre", CMD_ANNULER_RENCONTRE },
		{ "ANNULER LA RENCONTRE", CMD_ANNULER_RENCONTRE },
		{ "annuler-la-rencontre.", CMD_ANNULER_RENCONTRE },
		{ "FEUILLE DE ROUTE\n- 15/06 : x\nFIN", CMD_FEUILLE_DE_ROUTE },
		{ "Feuille de route :\n- 15/06 : x", CMD_FEUILLE_DE_ROUTE },
		{ "POINT 20/06/2027", CMD_POINT },
		{ "point : 20/06/2027", CMD_POINT },
		{ "NOTE appelé le porteur", CMD_NOTE },
		{ "Note : appelé le porteur", CMD_NOTE },
		{ "CLOTURER", CMD_CLOTURER },
		{ "CLÔTURER belle réussite", CMD_CLOTURER },
		{ "clôturer", CMD_CLOTURER },
		{ "ABANDON", CMD_ABANDON },
		{ "abandon : plus le temps", CMD_ABANDON },
		{ "STATUT", CMD_STATUT },
		{ "statut ?", CMD_STATUT },
		{ "AIDE", CMD_AIDE },
		{ "Aide", CMD_AIDE },
		{ "ACCEPTER", CMD_ACCEPTER },
		{ "accepter", CMD_ACCEPTER },
		{ "REFUSER", CMD_REFUSER },
		{ "Refuser : profil incomplet", CMD_REFUSER },
		{ "J'ACCEPTE LA CHARTE", CMD_CHARTE },
		{ "J’accepte la charte", CMD_CHARTE },
		{ "j'accepte la charte.", CMD_CHARTE },
		{ "J\xca\xbc" "ACCEPTE LA CHARTE", CMD_CHARTE },
		{ "J' accepte  la charte du réseau", CMD_CHARTE },
		/* Outlook's non-breaking space before ':' and '!' */
		{ "NOTE\xc2\xa0: rappel", CMD_NOTE },
		{ "ÉLIGIBLE\xe2\x80\xaf!", CMD_ELIGIBLE },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		char name[300];

		parse(v[i].text);
		snprintf(name, sizeof(name), "'%s' is %s", shown(v[i].text),
		    mailcmd_verb_name(v[i].verb));
		if (!ok(L.n == 1 && L.items[0].verb == v[i].verb &&
		    L.items[0].error == CMDERR_NONE, name) && L.n >= 1)
			printf("#   got %zu, %s, error %d\n", L.n,
			    mailcmd_verb_name(L.items[0].verb),
			    (int)L.items[0].error);
	}

	is_str(mailcmd_verb_name(CMD_NON_ELIGIBLE), "NON ELIGIBLE", "name");
	is_str(mailcmd_verb_name(CMD_CHARTE), "J'ACCEPTE LA CHARTE", "name");
	is_str(mailcmd_verb_name(CMD_ANNULER_RENCONTRE), "ANNULER RENCONTRE",
	    "name");
	is_str(mailcmd_verb_name(CMD_FEUILLE_DE_ROUTE), "FEUILLE DE ROUTE",
	    "name");
	is_str(mailcmd_verb_name(CMD_CLOTURER), "CLOTURER", "name");
	is_str(mailcmd_verb_name(CMD_UNKNOWN), "", "name of UNKNOWN");
	is_str(mailcmd_verb_name((enum mailcmd_verb)99), "", "name of 99");
}

static void
matching(void)
{
	const struct mailcmd *c;

	/* longest first: NON ELIGIBLE is not NON + motif */
	c = one("NON ELIGIBLE : hors territoire", CMD_NON_ELIGIBLE,
	    CMDERR_NONE, "hors territoire");
	if (c != NULL)
		is_str(c->text, "hors territoire", "motif");
	c = one("Non éligible : hors territoire", CMD_NON_ELIGIBLE,
	    CMDERR_NONE, "hors territoire");
	if (c != NULL) {
		is_int(c->natural, 0, "Non éligible is no natural answer");
		is_str(c->text, "hors territoire", "accented motif");
	}
	one("NON-ÉLIGIBLE - projet privé", CMD_NON_ELIGIBLE, CMDERR_NONE,
	    "projet privé");
	one("NON ELIGIBLE", CMD_NON_ELIGIBLE, CMDERR_MISSING_ARGUMENT, "");
	one("NON ELIGIBLE :", CMD_NON_ELIGIBLE, CMDERR_MISSING_ARGUMENT, "");

	/* word boundaries: a longer word is no keyword */
	one("ELIGIBLES", CMD_UNKNOWN, CMDERR_UNKNOWN, "ELIGIBLES");
	one("NOTER ceci", CMD_UNKNOWN, CMDERR_UNKNOWN, "NOTER ceci");
	none("noter ceci");
	none("Pointer la date");
	none("Statuts de l'association en pièce jointe");
	one("AIDES", CMD_UNKNOWN, CMDERR_UNKNOWN, NULL);

	/* optional ':' after the keyword; trailing '.'/'!' on argless */
	one("ELIGIBLE :", CMD_ELIGIBLE, CMDERR_NONE, "");
	one("ELIGIBLE.", CMD_ELIGIBLE, CMDERR_NONE, "");
	one("STATUT !", CMD_STATUT, CMDERR_NONE, "");
	one("J'ACCEPTE LA CHARTE.", CMD_CHARTE, CMDERR_NONE, "");
	one("NOTE: texte", CMD_NOTE, CMDERR_NONE, "texte");
	one("NOTE : texte", CMD_NOTE, CMDERR_NONE, "texte");
	one("ELIGIBLE bon dossier", CMD_ELIGIBLE, CMDERR_NONE, "bon dossier");

	/* line as written, trimmed */
	c = one("   ÉLIGIBLE  ", CMD_ELIGIBLE, CMDERR_NONE, "");
	if (c != NULL) {
		is_str(c->line, "ÉLIGIBLE", "line trimmed");
		is_int(c->natural, 0, "not natural");
		ok(c->text == NULL && c->naddresses == 0 &&
		    c->nmilestones == 0, "no arguments");
	}

	/* the prose guard: keyword not in capitals, followed by a sentence */
	none("Éligible selon moi, mais à voir");
	none("Abandon du projet ? Pas du tout !");
	none("Note que je serai absent");
	none("Rencontre très positive avec le porteur");
	none("Point de vue de la commune : favorable");
	none("Inviter Marie serait bien");
	none("Transférer le dossier à Paul");
	none("Annuler la rencontre serait dommage");
	none("Feuille de route en pièce jointe\nMerci");
	none("Aide-moi à comprendre");
	/* ... but capitals make a command of it */
	one("ABANDON du projet", CMD_ABANDON, CMDERR_NONE, "du projet");
	one("RENCONTRE très positive", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("rencontre 31/02/2027 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("inviter jean@x.fr", CMD_INVITER, CMDERR_NONE, "jean@x.fr");
}

static void
arguments(void)
{
	/* Commands with a free text: the args one() checks (NULL: not
	 * checked) and the exact text kept, NULL when there is none. */
	static const struct {
		const char		*line;
		enum mailcmd_verb	 verb;
		const char		*args, *text, *name;
	} texts[] = {
		{ "NOTE appelé le porteur, très motivé.", CMD_NOTE,
		    "appelé le porteur, très motivé.",
		    "appelé le porteur, très motivé.", "note text" },
		{ "CLOTURER", CMD_CLOTURER, "", NULL,
		    "CLOTURER without bilan: text NULL" },
		{ "CLÔTURER : jardin partagé lancé", CMD_CLOTURER, NULL,
		    "jardin partagé lancé", "bilan" },
		{ "ABANDON", CMD_ABANDON, "", NULL, "ABANDON without motif" },
		{ "REFUSER : pas de charte signée", CMD_REFUSER, NULL,
		    "pas de charte signée", "REFUSER motif" },
	};
	const struct mailcmd *c;
	size_t i;

	c = one("TRANSFERER Marie.Dupont@Example.FR", CMD_TRANSFERER,
	    CMDERR_NONE, NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "marie.dupont@example.fr",
		    "lower case");
	c = one("TRANSFERER Marie Dupont <marie@x.fr>", CMD_TRANSFERER,
	    CMDERR_NONE, "Marie Dupont <marie@x.fr>");
	if (c != NULL) {
		is_int(c->naddresses, 1, "name <addr>: one");
		if (c->naddresses == 1)
			is_str(c->addresses[0], "marie@x.fr", "name <addr>");
	}
	c = one("INTERLOCUTEUR <Paul@Y.fr>", CMD_INTERLOCUTEUR, CMDERR_NONE,
	    NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "paul@y.fr", "<addr>");
	c = one("INTERLOCUTEUR mailto:paul@y.fr", CMD_INTERLOCUTEUR,
	    CMDERR_NONE, NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "paul@y.fr", "mailto:");
	/* HTML converted to text by a client: "a <mailto:a>" */
	c = one("TRANSFERER paul@y.fr <mailto:paul@y.fr>", CMD_TRANSFERER,
	    CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(c->naddresses, 1, "link text and link: one address");

	c = one("INVITER a@x.fr, B@Y.FR; c@z.fr d@w.fr et e@v.fr.",
	    CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->naddresses, 5, "five invited");
		if (c->naddresses == 5) {
			is_str(c->addresses[0], "a@x.fr", "1st");
			is_str(c->addresses[1], "b@y.fr", "2nd");
			is_str(c->addresses[2], "c@z.fr", "3rd");
			is_str(c->addresses[3], "d@w.fr", "4th");
			is_str(c->addresses[4], "e@v.fr", "5th, '.' dropped");
		}
	}
	c = one("INVITER \"Dupont, Marie\" <m@x.fr>, Paul <p@y.fr> (voisin)",
	    CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->naddresses, 2, "quoted name with a comma");
		if (c->naddresses == 2)
			is_str(c->addresses[1], "p@y.fr", "2nd after quote");
	}
	c = one("INVITER a@x.fr, a@X.fr", CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(c->naddresses, 1, "duplicate dropped");

	c = one("TRANSFÉRER à Paul <paul@y.fr>", CMD_TRANSFERER, CMDERR_NONE,
	    NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "paul@y.fr", "'à' before the address");

	one("INVITER pas-une-adresse", CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	/* INVITER invites the valid addresses and names the other words. */
	c = one("INVITER a@x.fr, Marie Durand; b@y.fr pas-une-adresse",
	    CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->naddresses, 2, "INVITER: the valid addresses kept");
		is_int(c->nrejected, 2, "INVITER: the other words rejected");
		if (c->nrejected == 2) {
			is_str(c->rejected[0], "Marie Durand",
			    "a run of words is one rejected entry");
			is_str(c->rejected[1], "pas-une-adresse",
			    "rejected as written");
		}
	}
	c = one("INVITER a@x.fr, b@@x.fr", CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL && c->nrejected == 1)
		is_str(c->rejected[0], "b@@x.fr", "a bad address is rejected");
	c = one("TRANSFERER a@x.fr, Marie", CMD_TRANSFERER, CMDERR_BAD_ADDRESS,
	    NULL);
	if (c != NULL)
		is_int(c->naddresses, 1, "what was understood is kept");
	one("INVITER a@@x.fr", CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	one("INVITER a@x_y.fr", CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	one("INVITER andré@x.fr", CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	one("INVITER <a@x.fr", CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	one("TRANSFERER a@x.fr b@y.fr", CMD_TRANSFERER, CMDERR_BAD_ADDRESS,
	    NULL);
	one("TRANSFERER", CMD_TRANSFERER, CMDERR_MISSING_ARGUMENT, "");
	one("INVITER :", CMD_INVITER, CMDERR_MISSING_ARGUMENT, "");
	one("INTERLOCUTEUR", CMD_INTERLOCUTEUR, CMDERR_MISSING_ARGUMENT, "");

	one("NOTE", CMD_NOTE, CMDERR_MISSING_ARGUMENT, "");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		c = one(texts[i].line, texts[i].verb, CMDERR_NONE,
		    texts[i].args);
		if (c != NULL)
			is_str(c->text, texts[i].text, texts[i].name);
	}
	c = one("NON pas disponible", CMD_NON, CMDERR_NONE,
	    "pas disponible");
	if (c != NULL) {
		is_str(c->text, "pas disponible", "NON motif");
		is_int(c->natural, 0, "NON in capitals: keyword");
	}
	c = one("NON", CMD_NON, CMDERR_NONE, "");
	if (c != NULL)
		ok(c->text == NULL && c->natural == 0, "NON alone");
}

static void
dates(void)
{
	const struct mailcmd *c;

	now = paris(2026, 6, 1, 10, 0);
	date_is("RENCONTRE 2027-06-14 18:30", 2027, 6, 14, 1, 18, 30);
	date_is("RENCONTRE 14/06/2027 18h30", 2027, 6, 14, 1, 18, 30);
	date_is("RENCONTRE 14/06/27 18H30", 2027, 6, 14, 1, 18, 30);
	date_is("RENCONTRE 14-06-2027 18h", 2027, 6, 14, 1, 18, 0);
	date_is("RENCONTRE 14.06.2027 18 h 30", 2027, 6, 14, 1, 18, 30);
	date_is("RENCONTRE 4/6/2027 8h", 2027, 6, 4, 1, 8, 0);
	date_is("RENCONTRE mardi 14/06/2027 à 18h30", 2027, 6, 14, 1, 18, 30);
	date_is("RENCONTRE le mardi 14/06/2027, 9:05", 2027, 6, 14, 1, 9, 5);
	date_is("RENCONTRE le 14/06/2027 18 heures", 2027, 6, 14, 1, 18, 0);
	date_is("RENCONTRE 14/06/2027 de 18h à 20h", 2027, 6, 14, 1, 18, 0);
	date_is("RENCONTRE 14/06/2027 0h00", 2027, 6, 14, 1, 0, 0);
	date_is("RENCONTRE 14/06/2027 23:59", 2027, 6, 14, 1, 23, 59);
	/* JJ/MM: the next such day on or after today */
	date_is("RENCONTRE 14/06 18h30", 2026, 6, 14, 1, 18, 30);
	date_is("RENCONTRE 01/06 18h30", 2026, 6, 1, 1, 18, 30);
	date_is("RENCONTRE 31/05 18h30", 2027, 5, 31, 1, 18, 30);
	date_is("RENCONTRE 29/02 18h30", 2028, 2, 29, 1, 18, 30);
	date_is("RENCONTRE 14.06 18h30", 2026, 6, 14, 1, 18, 30);
	now = paris(2026, 12, 20, 9, 0);
	date_is("RENCONTRE 05/01 18h", 2027, 1, 5, 1, 18, 0);
	date_is("RENCONTRE 20/12 18h", 2026, 12, 20, 1, 18, 0);
	date_is("RENCONTRE 19/12 18h", 2027, 12, 19, 1, 18, 0);
	date_is("POINT 05/01", 2027, 1, 5, 0, 0, 0);
	now = paris(2026, 6, 1, 10, 0);

	/* bad dates */
	one("RENCONTRE 31/02/2027 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 29/02/2027 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 31/04 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 14/13/2027 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 00/06/2027 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 2027-02-30 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 14/06/202 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 14/06/1950 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 14 juin 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE demain 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE 14/06abc 18h", CMD_RENCONTRE, CMDERR_BAD_DATE, NULL);
	one("RENCONTRE", CMD_RENCONTRE, CMDERR_MISSING_ARGUMENT, "");
	one("POINT", CMD_POINT, CMDERR_MISSING_ARGUMENT, "");
	one("POINT bientôt", CMD_POINT, CMDERR_BAD_DATE, NULL);

	/* bad or missing times */
	c = one("RENCONTRE 14/06/2027", CMD_RENCONTRE, CMDERR_BAD_TIME, NULL);
	if (c != NULL)
		when_is(&c->when, 2027, 6, 14, 0, 0, 0, "date kept");
	one("RENCONTRE 14/06/2027 à la mairie", CMD_RENCONTRE, CMDERR_BAD_TIME,
	    NULL);
	one("RENCONTRE 14/06/2027 24h", CMD_RENCONTRE, CMDERR_BAD_TIME, NULL);
	one("RENCONTRE 14/06/2027 18h60", CMD_RENCONTRE, CMDERR_BAD_TIME,
	    NULL);
	one("RENCONTRE 14/06/2027 18:5", CMD_RENCONTRE, CMDERR_BAD_TIME, NULL);
	one("RENCONTRE 14/06/2027 18:", CMD_RENCONTRE, CMDERR_BAD_TIME, NULL);
	one("RENCONTRE 14/06/2027 18h30m", CMD_RENCONTRE, CMDERR_BAD_TIME,
	    NULL);
	one("POINT 20/06/2027 25:00", CMD_POINT, CMDERR_BAD_TIME, NULL);

	/* places and objects */
	c = one("RENCONTRE 14/06/2027 18h30 à la mairie d'Ambert",
	    CMD_RENCONTRE, CMDERR_NONE,
	    "14/06/2027 18h30 à la mairie d'Ambert");
	if (c != NULL)
		is_str(c->text, "la mairie d'Ambert", "place after à");
	{
		static const struct {
			const char	*text, *place, *name;
		} places[] = {
			{ "RENCONTRE 14/06/2027 18h30 - Salle des fêtes, Ambert",
			    "Salle des fêtes, Ambert", "place after -" },
			{ "RENCONTRE 14/06/2027 18h30, chez Marie",
			    "chez Marie", "place after ," },
			{ "RENCONTRE 14/06/2027 18h30 : café associatif",
			    "café associatif", "place after :" },
			{ "RENCONTRE 14/06/2027 18h30 a Ambert",
			    "Ambert", "place after a" },
		};

		for (size_t i = 0; i < sizeof(places) / sizeof(places[0]);
		    i++) {
			c = one(places[i].text, CMD_RENCONTRE, CMDERR_NONE,
			    NULL);
			if (c != NULL)
				is_str(c->text, places[i].place,
				    places[i].name);
		}
	}
	c = one("RENCONTRE 14/06/2027 18h30", CMD_RENCONTRE, CMDERR_NONE,
	    NULL);
	if (c != NULL)
		ok(c->text == NULL, "no place: NULL");
	c = one("RENCONTRE 14/06/2027 18h-20h au café", CMD_RENCONTRE,
	    CMDERR_NONE, NULL);
	if (c != NULL) {
		is_str(c->text, "au café", "end time dropped");
		when_is(&c->when, 2027, 6, 14, 1, 18, 0, "start time");
	}
	c = one("POINT 20/06/2027 14h bilan des ateliers", CMD_POINT,
	    CMDERR_NONE, NULL);
	if (c != NULL) {
		is_str(c->text, "bilan des ateliers", "POINT object");
		when_is(&c->when, 2027, 6, 20, 1, 14, 0, "POINT when");
	}
	c = one("POINT 20/06/2027 : bilan", CMD_POINT, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_str(c->text, "bilan", "POINT object without time");
		is_int(c->when.has_time, 0, "POINT without time");
	}
	c = one("POINT 20/06/2027 3 hommes à voir", CMD_POINT, CMDERR_NONE,
	    NULL);
	if (c != NULL) {
		is_str(c->text, "3 hommes à voir", "'3 h...' is no time");
		is_int(c->when.has_time, 0, "no time");
	}
	c = one("POINT 20/06/2027 de suivi", CMD_POINT, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "de suivi", "object keeps its first word");
}

/* A roadmap's lines between its keyword and FIN, kept as they are. */
#define ROADMAP_BODY							\
	"Objectif : un jardin partagé\n"				\
	"- 15/06 : premier atelier\n"					\
	"* 2026-07-01 18h30 : réunion publique\n"			\
	"\n"								\
	"- 14-09-2026 - bilan d'étape\n"				\
	"\xe2\x80\xa2 01/10/2026 \xe2\x80\x93 visite\n"			\
	"03/11/2026 : restitution\n"					\
	"- 3 ateliers prévus\n"						\
	"- 12.5 kg de compost"

static void
roadmaps(void)
{
	/* The dated lines of ROADMAP_BODY, in order. */
	static const struct {
		int		 y, mo, d, has_time, h, mi;
		const char	*label;
	} milestones[] = {
		{ 2026, 6, 15, 0, 0, 0, "premier atelier" },
		{ 2026, 7, 1, 1, 18, 30, "réunion publique" },
		{ 2026, 9, 14, 0, 0, 0, "bilan d'étape" },
		{ 2026, 10, 1, 0, 0, 0, "visite" },
		{ 2026, 11, 3, 0, 0, 0, "restitution" },
	};
	const struct mailcmd *c;
	char name[32];
	size_t i;

	now = paris(2026, 6, 1, 10, 0);
	parse("FEUILLE DE ROUTE\n" ROADMAP_BODY "\n\n\nFIN\nSTATUT\n");
	is_int(L.n, 2, "roadmap then STATUT");
	if (L.n == 2) {
		c = &L.items[0];
		is_int(c->verb, CMD_FEUILLE_DE_ROUTE, "roadmap verb");
		is_int(c->error, CMDERR_NONE, "roadmap ok");
		is_str(c->line, "FEUILLE DE ROUTE", "roadmap line");
		is_str(c->args, ROADMAP_BODY, "roadmap args");
		is_int(c->nmilestones, 5, "five milestones");
		for (i = 0; c->nmilestones == 5 && i < 5; i++) {
			snprintf(name, sizeof(name), "m%zu", i + 1);
			when_is(&c->milestones[i].when, milestones[i].y,
			    milestones[i].mo, milestones[i].d,
			    milestones[i].has_time, milestones[i].h,
			    milestones[i].mi, name);
			snprintf(name, sizeof(name), "m%zu label", i + 1);
			is_str(c->milestones[i].label, milestones[i].label,
			    name);
		}
		is_int(L.items[1].verb, CMD_STATUT, "command after FIN");
	}

	/* no FIN: to the end of the text; trailing blank lines dropped */
	parse("Feuille de route :\n\n- 15/06 : atelier\nSTATUT\n\n\n");
	is_int(L.n, 1, "roadmap without FIN takes everything");
	if (L.n == 1) {
		is_str(L.items[0].args, "- 15/06 : atelier\nSTATUT",
		    "args without FIN");
		is_int(L.items[0].nmilestones, 1, "one milestone");
	}

	/* FIN in any case, with a '.', and text on the keyword line */
	parse("feuille-de-route : - 2026-06-20 : lancement\nfin.\nAIDE");
	is_int(L.n, 2, "fin. ends it");
	if (L.n == 2) {
		is_str(L.items[0].args, "- 2026-06-20 : lancement",
		    "rest of the keyword line");
		is_int(L.items[0].nmilestones, 1, "milestone on first line");
		is_int(L.items[1].verb, CMD_AIDE, "AIDE after fin.");
	}
	parse("FEUILLE DE ROUTE\nFin de la première phase\nFIN");
	is_int(L.n, 1, "'Fin de ...' is roadmap text");
	if (L.n == 1)
		is_str(L.items[0].args, "Fin de la première phase",
		    "kept as text");

	/* errors */
	parse("FEUILLE DE ROUTE\nFIN\nSTATUT");
	is_int(L.n, 2, "empty roadmap, then STATUT");
	if (L.n == 2) {
		is_int(L.items[0].error, CMDERR_MISSING_ARGUMENT,
		    "empty roadmap");
		is_str(L.items[0].args, "", "empty roadmap args");
	}
	parse("FEUILLE DE ROUTE\n- 31/02 : impossible\n- 15/06 : ok\nFIN");
	if (L.n == 1) {
		is_int(L.items[0].error, CMDERR_BAD_DATE, "milestone 31/02");
		is_int(L.items[0].nmilestones, 1, "the good one is kept");
	} else {
		ok(0, "roadmap with a bad date");
	}
	parse("FEUILLE DE ROUTE\n- 15/06 25h : soirée\nFIN");
	is_int(L.n == 1 ? (int)L.items[0].error : -1, CMDERR_BAD_TIME,
	    "milestone 25h");
	parse("FEUILLE DE ROUTE\n- 15/06 : a\n> FIN\nSTATUT");
	is_int(L.n, 1, "a quoted line ends roadmap and commands");
	if (L.n == 1)
		is_str(L.items[0].args, "- 15/06 : a", "quoted line left out");
}

static void
unknown_and_prose(void)
{
	const struct mailcmd *c;

	/* typos in capitals get an answer; parsing goes on */
	parse("ELIGBLE\nINVITE x@y.fr\nRENDEZ-VOUS 12/06\nSTATUT");
	is_int(L.n, 4, "three typos and STATUT");
	if (L.n == 4) {
		is_int(L.items[0].verb, CMD_UNKNOWN, "ELIGBLE unknown");
		is_int(L.items[0].error, CMDERR_UNKNOWN, "ELIGBLE error");
		is_str(L.items[0].args, "ELIGBLE", "unknown args: the line");
		is_str(mailcmd_verb_name(L.items[0].verb), "", "no name");
		is_int(L.items[1].verb, CMD_UNKNOWN, "INVITE unknown");
		is_str(L.items[1].line, "INVITE x@y.fr", "INVITE line");
		is_int(L.items[2].verb, CMD_UNKNOWN, "RENDEZ-VOUS unknown");
		is_int(L.items[3].verb, CMD_STATUT, "then STATUT");
	}
	one("ÉLIGIBILITÉ OK", CMD_UNKNOWN, CMDERR_UNKNOWN, NULL);
	/* not typos */
	none("OK pour moi");
	none("ELIGBLE je pense que ce dossier est tout à fait pertinent ici");
	none("Eligble");
	none("CDP-2026-0001");
	none("MERCI !");
	none("BONJOUR A TOUS");
	none("ABC123 truc");

	/* prose stops parsing */
	none("Bonjour,\nELIGIBLE");
	none("Bonjour Marie,");
	none("Merci pour ce dossier\nELIGIBLE");
	parse("ELIGIBLE\nMerci pour ce dossier\nSTATUT");
	is_int(L.n, 1, "prose after a command stops");
	parse("\n\n  \nELIGIBLE\n\n\nSTATUT\n");
	is_int(L.n, 2, "blank lines skipped");
	parse("ELIGIBLE\r\nSTATUT\r\n");
	is_int(L.n, 2, "CRLF");
	if (L.n == 2)
		is_str(L.items[1].line, "STATUT", "no CR in line");
	parse("> ELIGIBLE\nSTATUT");
	is_int(L.n, 0, "a quoted line is no command and stops");
	parse("STATUT\n  > ELIGIBLE\nAIDE");
	is_int(L.n, 1, "quoted line after a command stops");
	none(NULL);
	none("");
	none("\n\n");
	none("-- \nMarie");
	parse("\xef\xbb\xbf" "ELIGIBLE");
	is_int(L.n, 1, "BOM before a keyword");
	none("\xff\xfe\x80 ELIGIBLE");
	c = one("INVITER a@x.fr\xc2\xa0", CMD_INVITER, CMDERR_NONE, "a@x.fr");
	(void)c;
}

static void
natural(void)
{
	const struct mailcmd *c;

	c = one("Oui, avec plaisir !", CMD_OUI, CMDERR_NONE, "avec plaisir !");
	if (c != NULL) {
		is_int(c->natural, 1, "Oui, avec plaisir: natural");
		ok(c->text == NULL, "OUI has no text");
		is_str(c->line, "Oui, avec plaisir !", "line");
	}
	c = one("oui avec plaisir", CMD_OUI, CMDERR_NONE, "avec plaisir");
	if (c != NULL)
		is_int(c->natural, 1, "oui avec plaisir: natural");
	c = one("Non merci, pas disponible en ce moment", CMD_NON, CMDERR_NONE,
	    NULL);
	if (c != NULL) {
		is_int(c->natural, 1, "Non merci: natural");
		is_str(c->text, "pas disponible en ce moment",
		    "natural motif without the thanks");
		is_str(c->args, "merci, pas disponible en ce moment",
		    "args: the whole sentence");
	}
	c = one("Non, désolé je ne peux pas", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->natural, 1, "Non, désolé: natural");
		is_str(c->text, "je ne peux pas", "motif after the apology");
	}
	c = one("Non merci, pas disponible", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "pas disponible", "Non merci, pas disponible");
	c = one("Non, désolée : je déménage en juin.", CMD_NON, CMDERR_NONE,
	    NULL);
	if (c != NULL)
		is_str(c->text, "je déménage en juin.", "désolée and ':'");
	c = one("non merci beaucoup, désolé(e), trop loin", CMD_NON,
	    CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "trop loin", "several polite words, (e)");
	c = one("Non merci !", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "", "only thanks: no reason");
	c = one("Non, mercredi je travaille", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "mercredi je travaille", "a word that starts "
		    "like merci stays");
	c = one("NON merci, pas disponible", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "merci, pas disponible", "keyword NON: the "
		    "motif as written");
	c = one("\n  Oui ! Je serai là.", CMD_OUI, CMDERR_NONE,
	    "Je serai là.");
	if (c != NULL)
		is_int(c->natural, 1, "after blank lines: still first");

	/* parsing stops after a natural answer */
	parse("Oui, avec plaisir\nSTATUT");
	is_int(L.n, 1, "nothing after a natural answer");

	/* exclusions */
	c = one("OUI", CMD_OUI, CMDERR_NONE, "");
	if (c != NULL)
		is_int(c->natural, 0, "OUI alone");
	c = one("Oui", CMD_OUI, CMDERR_NONE, "");
	if (c != NULL)
		is_int(c->natural, 0, "Oui alone");
	c = one("oui !", CMD_OUI, CMDERR_NONE, "");
	if (c != NULL)
		is_int(c->natural, 0, "oui ! alone");
	c = one("Non.", CMD_NON, CMDERR_NONE, "");
	if (c != NULL)
		ok(c->natural == 0 && c->text == NULL, "Non. alone");
	c = one("OUI, avec plaisir", CMD_OUI, CMDERR_NONE, "avec plaisir");
	if (c != NULL)
		is_int(c->natural, 0, "OUI in capitals: keyword");
	c = one("NON pas disponible", CMD_NON, CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(c->natural, 0, "NON in capitals: keyword");
	c = one("Non éligible : hors territoire", CMD_NON_ELIGIBLE,
	    CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(c->natural, 0, "Non éligible");
	none("Ouistreham, le 12 juin");
	none("Nonobstant ce qui précède");
	/* only the first line may be a sentence */
	parse("STATUT\nOui avec plaisir");
	is_int(L.n, 1, "a later 'Oui ...' sentence is prose");
	parse("STATUT\noui");
	is_int(L.n, 2, "a later 'oui' alone is a command");
	if (L.n == 2)
		is_int(L.items[1].natural, 0, "not natural");
	none("Bonjour,\nOui avec plaisir");
}

/* FAIT [étape] and REPORTER [étape] date: the step named in the
 * sender's words (text), the new date, and the forms that are refused. */
static void
steps(void)
{
	static const struct {
		const char		*line;
		enum mailcmd_verb	 verb;
		enum mailcmd_error	 err;
		const char		*text;	/* the step named, NULL: none */
		int			 y, mo, d, has_time, h, mi;
	} v[] = {
		{ "FAIT", CMD_FAIT, CMDERR_NONE, NULL, 0, 0, 0, 0, 0, 0 },
		{ "fait.", CMD_FAIT, CMDERR_NONE, NULL, 0, 0, 0, 0, 0, 0 },
		{ "Fait !", CMD_FAIT, CMDERR_NONE, NULL, 0, 0, 0, 0, 0, 0 },
		{ "FAIT Étude de faisabilité", CMD_FAIT, CMDERR_NONE,
		    "Étude de faisabilité", 0, 0, 0, 0, 0, 0 },
		{ "FAIT : étude de faisabilité.", CMD_FAIT, CMDERR_NONE,
		    "étude de faisabilité", 0, 0, 0, 0, 0, 0 },
		{ "Fait\xc2\xa0: les bacs", CMD_FAIT, CMDERR_NONE, "les bacs",
		    0, 0, 0, 0, 0, 0 },
		{ "REPORTER 15/03/2027", CMD_REPORTER, CMDERR_NONE, NULL,
		    2027, 3, 15, 0, 0, 0 },
		{ "REPORTER étude 2027-03-15", CMD_REPORTER, CMDERR_NONE,
		    "étude", 2027, 3, 15, 0, 0, 0 },
		{ "REPORTER Étude de faisabilité au 15/03/2027", CMD_REPORTER,
		    CMDERR_NONE, "Étude de faisabilité", 2027, 3, 15, 0, 0, 0 },
		{ "Reporter l’étude jusqu’au 15/03/2027.", CMD_REPORTER,
		    CMDERR_NONE, "l’étude", 2027, 3, 15, 0, 0, 0 },
		{ "reporter : les bacs, au mardi 16/03/2027", CMD_REPORTER,
		    CMDERR_NONE, "les bacs", 2027, 3, 16, 0, 0, 0 },
		{ "REPORTER 15/03/2027 à 14h30 : étude de sol.", CMD_REPORTER,
		    CMDERR_NONE, "étude de sol", 2027, 3, 15, 1, 14, 30 },
		{ "REPORTER phase 2.0 pour le 15/03/2027", CMD_REPORTER,
		    CMDERR_NONE, "phase 2.0", 2027, 3, 15, 0, 0, 0 },
		{ "REPORTER Chantier du 01/04/2027 au 15/06/2027",
		    CMD_REPORTER, CMDERR_NONE, "Chantier du 01/04/2027",
		    2027, 6, 15, 0, 0, 0 },
		{ "REPORTER 01/04/2027 15/06/2027 18h", CMD_REPORTER,
		    CMDERR_NONE, "01/04/2027", 2027, 6, 15, 1, 18, 0 },
		{ "REPORTER 15/03", CMD_REPORTER, CMDERR_NONE, NULL,
		    2027, 3, 15, 0, 0, 0 },
		{ "REPORTER", CMD_REPORTER, CMDERR_MISSING_ARGUMENT, NULL,
		    0, 0, 0, 0, 0, 0 },
		{ "REPORTER étude", CMD_REPORTER, CMDERR_BAD_DATE, NULL,
		    0, 0, 0, 0, 0, 0 },
		{ "REPORTER étude au 31/02/2027", CMD_REPORTER, CMDERR_BAD_DATE,
		    NULL, 0, 0, 0, 0, 0, 0 },
		{ "REPORTER 15/13/2027", CMD_REPORTER, CMDERR_BAD_DATE, NULL,
		    0, 0, 0, 0, 0, 0 },
		{ "REPORTER étude 15/03/2027 25h", CMD_REPORTER,
		    CMDERR_BAD_TIME, "étude", 2027, 3, 15, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
		const struct mailcmd *c = one(v[i].line, v[i].verb, v[i].err,
		    NULL);
		char name[300];

		if (c == NULL)
			continue;
		snprintf(name, sizeof(name), "'%s': step named",
		    shown(v[i].line));
		is_str(c->text, v[i].text, name);
		if (v[i].y != 0)
			when_is(&c->when, v[i].y, v[i].mo, v[i].d,
			    v[i].has_time, v[i].h, v[i].mi, v[i].line);
	}
	one("FAIT Étude de faisabilité.", CMD_FAIT, CMDERR_NONE,
	    "Étude de faisabilité");
	one("Reporter l'étude au 15/03/2027", CMD_REPORTER, CMDERR_NONE,
	    "l'étude au 15/03/2027");

	/* The prose guard: a sentence is not a command. */
	none("Fait à Ambert, le 12 mars");
	none("Fait le plein de compost");
	none("Reporter à plus tard ne sert à rien");
	none("Reporter l'étude serait sage");
	/* ... capitals make one, and say what is wrong with it */
	one("REPORTER à plus tard", CMD_REPORTER, CMDERR_BAD_DATE, NULL);
	one("FAITS", CMD_UNKNOWN, CMDERR_UNKNOWN, "FAITS");

	is_str(mailcmd_verb_name(CMD_FAIT), "FAIT", "name FAIT");
	is_str(mailcmd_verb_name(CMD_REPORTER), "REPORTER", "name REPORTER");
	{
		char *f = mailcmd_fold("Étude de FAISABILITÉ – l’œuvre");

		is_str(f, "etude de faisabilite - l'oeuvre", "folded name");
		free(f);
		f = mailcmd_fold(NULL);
		is_str(f, "", "folded NULL");
		free(f);
	}
}

static void
caps(void)
{
	struct buf b;
	const struct mailcmd *c;

	buf_init(&b, 0);
	for (int i = 0; i < COMMAND_MAX + 10; i++)
		buf_adds(&b, "STATUT\n");
	parse(buf_str(&b));
	is_int(L.n, COMMAND_MAX, "at most COMMAND_MAX commands");

	buf_reset(&b);
	for (int i = 0; i < COMMAND_MAX_LINES; i++)
		buf_adds(&b, "\n");
	buf_adds(&b, "STATUT\n");
	parse(buf_str(&b));
	is_int(L.n, 0, "lines past COMMAND_MAX_LINES are not looked at");
	buf_reset(&b);
	for (int i = 0; i < COMMAND_MAX_LINES - 1; i++)
		buf_adds(&b, "\n");
	buf_adds(&b, "STATUT\n");
	parse(buf_str(&b));
	is_int(L.n, 1, "the last line looked at");

	buf_reset(&b);
	buf_adds(&b, "FEUILLE DE ROUTE\n");
	for (int i = 0; i < COMMAND_MAX_LINES + 100; i++)
		buf_adds(&b, "- 15/06 : étape\n");
	buf_adds(&b, "FIN\nSTATUT\n");
	parse(buf_str(&b));
	is_int(L.n, 1, "long roadmap stops at the line cap");
	if (L.n == 1)
		is_int(L.items[0].nmilestones, COMMAND_MAX_LINES - 1,
		    "milestones up to the cap");

	buf_reset(&b);
	buf_adds(&b, "INVITER ");
	for (int i = 0; i < COMMAND_MAX_ADDRESSES + 5; i++)
		buf_printf(&b, "v%d@x.fr, ", i);
	c = one(buf_str(&b), CMD_INVITER, CMDERR_BAD_ADDRESS, NULL);
	if (c != NULL)
		is_int(c->naddresses, COMMAND_MAX_ADDRESSES,
		    "addresses up to the cap");
	buf_reset(&b);
	buf_adds(&b, "INVITER ");
	for (int i = 0; i < COMMAND_MAX_ADDRESSES; i++)
		buf_printf(&b, "v%d@x.fr ", i);
	c = one(buf_str(&b), CMD_INVITER, CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(c->naddresses, COMMAND_MAX_ADDRESSES, "exactly the cap");

	/* a long line */
	buf_reset(&b);
	buf_adds(&b, "NOTE ");
	for (int i = 0; i < 100000; i++)
		buf_adds(&b, "é");
	c = one(buf_str(&b), CMD_NOTE, CMDERR_NONE, NULL);
	if (c != NULL)
		is_int(strlen(c->text), 200000, "long note kept whole");
	buf_free(&b);
}

static void
when_time(void)
{
	struct mailcmd_when w;

	memset(&w, 0, sizeof(w));
	w.year = 2027;
	w.month = 6;
	w.day = 14;
	w.has_time = 1;
	w.hour = 18;
	w.minute = 30;
	/* 2027-06-14 16:30:00 UTC */
	is_int(mailcmd_when_time(&w), 1812990600, "summer: UTC+2");
	w.month = 1;
	w.day = 14;
	/* 2027-01-14 17:30:00 UTC */
	is_int(mailcmd_when_time(&w), 1799947800, "winter: UTC+1");
	w.has_time = 0;
	/* 2027-01-13 23:00:00 UTC */
	is_int(mailcmd_when_time(&w), 1799881200, "no time: local midnight");
	w.month = 2;
	w.day = 31;
	is_int(mailcmd_when_time(&w), -1, "31/02");
	w.month = 2;
	w.day = 29;
	is_int(mailcmd_when_time(&w), -1, "29/02/2027");
	w.month = 13;
	w.day = 1;
	is_int(mailcmd_when_time(&w), -1, "month 13");
	w.month = 6;
	w.has_time = 1;
	w.hour = 24;
	is_int(mailcmd_when_time(&w), -1, "24h");
	w.month = 3;
	w.day = 28;
	w.hour = 2;
	w.minute = 30;
	is_int(mailcmd_when_time(&w), -1, "skipped by summer time");
	is_int(mailcmd_when_time(NULL), -1, "NULL");

	/* from a parsed command */
	now = paris(2026, 6, 1, 10, 0);
	parse("RENCONTRE 14/06/2027 18h30");
	if (L.n == 1)
		is_int(mailcmd_when_time(&L.items[0].when), 1812990600,
		    "parsed meeting time");
	else
		ok(0, "parsed meeting");
}

/* The items of a parsed list, ' | '-joined, for one comparison. */
static const char *
joined(char *const *v, size_t n)
{
	static char out[512];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && o < sizeof(out); i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
		    i ? " | " : "", v[i]);
	return out;
}

/* A pool command's person, name, themes and communes as understood. */
static void
member_is(const char *text, enum mailcmd_verb verb, const char *addr,
    const char *name, const char *themes, const char *communes)
{
	const struct mailcmd *c = one(text, verb, CMDERR_NONE, NULL);
	char what[300];

	if (c == NULL)
		return;
	snprintf(what, sizeof(what), "'%s': address", shown(text));
	is_str(c->naddresses == 1 ? c->addresses[0] : "(none)", addr, what);
	snprintf(what, sizeof(what), "'%s': name", shown(text));
	is_str(c->name ? c->name : "(null)", name, what);
	snprintf(what, sizeof(what), "'%s': themes", shown(text));
	is_str(c->has_themes ? joined(c->themes, c->nthemes) : "(none)",
	    themes, what);
	snprintf(what, sizeof(what), "'%s': communes", shown(text));
	is_str(c->has_communes ? joined(c->communes, c->ncommunes) :
	    "(none)", communes, what);
}

static void
pool(void)
{
	const struct mailcmd *c;

	member_is("BENEVOLE volunteer9@example.org Alex Neuf ; mobilite, "
	    "energie ; Ambert", CMD_BENEVOLE, "volunteer9@example.org",
	    "Alex Neuf", "mobilite | energie", "Ambert");
	member_is("Bénévole : Alex Neuf <Alex@Example.org>; Mobilité, lien "
	    "social, Économie-locale ; Ambert, Saint-Germain-l'Herm.",
	    CMD_BENEVOLE, "alex@example.org", "Alex Neuf",
	    "mobilite | lien_social | economie_locale",
	    "Ambert | Saint-Germain-l'Herm");
	member_is("BÉNÉVOLE a@example.org", CMD_BENEVOLE, "a@example.org",
	    "(null)", "(none)", "(none)");
	member_is("benevole a@example.org ; ; Thiers", CMD_BENEVOLE,
	    "a@example.org", "(null)", "(none)", "Thiers");
	member_is("RÉFÉRENT r@example.org Camille Roux ; energie ; Thiers",
	    CMD_REFERENT, "r@example.org", "Camille Roux", "energie",
	    "Thiers");
	member_is("Referent \"Camille\" <r@example.org>", CMD_REFERENT,
	    "r@example.org", "Camille", "(none)", "(none)");
	member_is("COORDINATION c2@example.org Dominique", CMD_COORDINATION,
	    "c2@example.org", "Dominique", "(none)", "(none)");
	one("BENEVOLE Alex Neuf", CMD_BENEVOLE, CMDERR_BAD_ADDRESS, NULL);
	one("BENEVOLE", CMD_BENEVOLE, CMDERR_MISSING_ARGUMENT, "");
	one("BENEVOLE a@example.org b@example.org", CMD_BENEVOLE,
	    CMDERR_BAD_ADDRESS, NULL);
	one("REFERENT pas-une-adresse@ ; energie", CMD_REFERENT,
	    CMDERR_BAD_ADDRESS, NULL);

	member_is("THEMES a@example.org : eau, Biodiversité", CMD_THEMES,
	    "a@example.org", "(null)", "eau | biodiversite", "(none)");
	member_is("Thèmes a@example.org energie", CMD_THEMES,
	    "a@example.org", "(null)", "energie", "(none)");
	member_is("COMMUNES mailto:a@example.org : Ambert, Olliergues",
	    CMD_COMMUNES, "a@example.org", "(null)", "(none)",
	    "Ambert | Olliergues");
	one("THEMES a@example.org :", CMD_THEMES, CMDERR_MISSING_ARGUMENT,
	    NULL);
	one("COMMUNES : Ambert", CMD_COMMUNES, CMDERR_BAD_ADDRESS, NULL);
	none("Communes : Ambert");	/* no '@': prose */
	one("COMMUNES Ambert, Thiers", CMD_COMMUNES, CMDERR_BAD_ADDRESS,
	    NULL);

	c = one("DISPONIBLE", CMD_DISPONIBLE, CMDERR_NONE, "");
	if (c != NULL)
		is_int(c->naddresses, 0, "DISPONIBLE: about the sender");
	c = one("Disponible a@example.org", CMD_DISPONIBLE, CMDERR_NONE,
	    NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "a@example.org", "DISPONIBLE: address");
	none("Disponible pour en parler demain");
	none("Indisponible la semaine prochaine, désolé");
	c = one("INDISPONIBLE", CMD_INDISPONIBLE, CMDERR_NONE, "");
	if (c != NULL)
		is_int(c->when.year, 0, "INDISPONIBLE: until further notice");
	c = one("INDISPONIBLE a@example.org jusqu'au 15/01/2027",
	    CMD_INDISPONIBLE, CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->naddresses, 1, "INDISPONIBLE a@: one address");
		when_is(&c->when, 2027, 1, 15, 0, 0, 0, "INDISPONIBLE a@");
	}
	c = one("Indisponible jusqu’au 2027-02-03", CMD_INDISPONIBLE,
	    CMDERR_NONE, NULL);
	if (c != NULL) {
		is_int(c->naddresses, 0, "indisponible jusqu'au: self");
		when_is(&c->when, 2027, 2, 3, 0, 0, 0, "indisponible jusqu'au");
	}
	c = one("INDISPONIBLE 15/01/2027", CMD_INDISPONIBLE, CMDERR_NONE,
	    NULL);
	if (c != NULL)
		when_is(&c->when, 2027, 1, 15, 0, 0, 0, "INDISPONIBLE date");
	one("INDISPONIBLE jusqu'au 31/02/2027", CMD_INDISPONIBLE,
	    CMDERR_BAD_DATE, NULL);
	one("INDISPONIBLE jusqu'au lundi prochain", CMD_INDISPONIBLE,
	    CMDERR_BAD_DATE, NULL);
	one("INDISPONIBLE pour un mois", CMD_INDISPONIBLE,
	    CMDERR_BAD_ADDRESS, NULL);
	one("DISPONIBLE jusqu'au 15/01/2027", CMD_DISPONIBLE,
	    CMDERR_BAD_DATE, NULL);

	c = one("RETIRER v@example.org", CMD_RETIRER, CMDERR_NONE, NULL);
	if (c != NULL && c->naddresses == 1)
		is_str(c->addresses[0], "v@example.org", "RETIRER: address");
	one("RETIRER", CMD_RETIRER, CMDERR_MISSING_ARGUMENT, "");
	none("Retirer le dossier de la liste");
	one("ANNUAIRE", CMD_ANNUAIRE, CMDERR_NONE, "");
	one("Annuaire ?", CMD_ANNUAIRE, CMDERR_NONE, "");
	one("POOL", CMD_ANNUAIRE, CMDERR_NONE, "");
	none("Annuaire des associations en pièce jointe");
	none("Pool party samedi");
	none("Référent du projet : Paul");
	none("Bénévole depuis dix ans, je voudrais aider");

	/* Several pool commands in one mail, and the names inspect shows. */
	parse("THEMES a@example.org : eau\nCOMMUNES a@example.org : Thiers\n"
	    "ANNUAIRE\nMerci !");
	is_int(L.n, 3, "three pool commands, then prose");
	for (int v = CMD_BENEVOLE; v <= CMD_ANNUAIRE; v++) {
		static const char *const names[] = { "BENEVOLE", "REFERENT",
		    "COORDINATION", "THEMES", "COMMUNES", "DISPONIBLE",
		    "INDISPONIBLE", "RETIRER", "ANNUAIRE" };

		is_str(mailcmd_verb_name((enum mailcmd_verb)v),
		    names[v - CMD_BENEVOLE], names[v - CMD_BENEVOLE]);
	}
	ok(mailcmd_verb_pool(CMD_ANNUAIRE) && mailcmd_verb_pool(CMD_BENEVOLE)
	    && !mailcmd_verb_pool(CMD_AIDE) && !mailcmd_verb_pool(CMD_REPORTER),
	    "mailcmd_verb_pool");
}

/* FUSIONNER: a case reference, any case, comes out in capitals; without
 * a reference, it is prose unless written as a command. */
static void
merge(void)
{
	const struct mailcmd *c;

	c = one("FUSIONNER CDP-2026-0003", CMD_FUSIONNER, CMDERR_NONE,
	    "CDP-2026-0003");
	if (c != NULL)
		is_str(c->text, "CDP-2026-0003", "FUSIONNER: the reference");
	c = one("Fusionner : cdp-2026-0012.", CMD_FUSIONNER, CMDERR_NONE,
	    NULL);
	if (c != NULL)
		is_str(c->text, "CDP-2026-0012", "FUSIONNER: in capitals");
	c = one("fusionner cdp-2026-0012", CMD_FUSIONNER, CMDERR_NONE, NULL);
	one("FUSIONNER", CMD_FUSIONNER, CMDERR_MISSING_ARGUMENT, "");
	one("FUSIONNER le dossier 3", CMD_FUSIONNER, CMDERR_BAD_REF, NULL);
	one("FUSIONNER CDP-2026-0003 et CDP-2026-0004", CMD_FUSIONNER,
	    CMDERR_BAD_REF, NULL);
	none("Fusionner les deux projets serait une bonne idée.");
	is_str(mailcmd_verb_name(CMD_FUSIONNER), "FUSIONNER",
	    "FUSIONNER: its name");
}

/* Decomposed accents (NFD, as Apple clients send them) and fullwidth
 * letters read as the composed and ASCII ones. */
static void
normalised(void)
{
	const struct mailcmd *c;

	one("E\xcc\x81LIGIBLE", CMD_ELIGIBLE, CMDERR_NONE, "");
	one("e\xcc\x81ligible", CMD_ELIGIBLE, CMDERR_NONE, "");
	one("CLO\xcc\x82TURER", CMD_CLOTURER, CMDERR_NONE, "");
	c = one("NON E\xcc\x81LIGIBLE : hors pe\xcc\x81rime\xcc\x80tre",
	    CMD_NON_ELIGIBLE, CMDERR_NONE, NULL);
	if (c != NULL)
		is_str(c->text, "hors pe\xcc\x81rime\xcc\x80tre",
		    "NFD: the motif as written");
	/* ＯＵＩ, ＳＴＡＴＵＴ, ｓｔａｔｕｔ and ＲＥＮＣＯＮＴＲＥ with an
	 * ideographic space. */
	one("\xef\xbc\xaf\xef\xbc\xb5\xef\xbc\xa9", CMD_OUI,
	    CMDERR_NONE, NULL);
	one("\xef\xbc\xb3\xef\xbc\xb4\xef\xbc\xa1\xef\xbc\xb4"
	    "\xef\xbc\xb5\xef\xbc\xb4", CMD_STATUT, CMDERR_NONE, "");
	one("\xef\xbd\x93\xef\xbd\x94\xef\xbd\x81\xef\xbd\x94"
	    "\xef\xbd\x95\xef\xbd\x94", CMD_STATUT, CMDERR_NONE, "");
	c = one("\xef\xbc\xb2\xef\xbc\xa5\xef\xbc\xae\xef\xbc\xa3"
	    "\xef\xbc\xaf\xef\xbc\xae\xef\xbc\xb4\xef\xbc\xb2"
	    "\xef\xbc\xa5\xe3\x80\x80" "14/06/2026 18h30", CMD_RENCONTRE,
	    CMDERR_NONE, NULL);
	if (c != NULL)
		when_is(&c->when, 2026, 6, 14, 1, 18, 30, "fullwidth RENCONTRE");
	/* Prose reads as prose, written either way. */
	none("Je suis e\xcc\x81ligible, je crois.");
}

int
main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	now = paris(2026, 6, 1, 10, 0);

	verbs();
	matching();
	arguments();
	dates();
	roadmaps();
	unknown_and_prose();
	natural();
	steps();
	caps();
	when_time();
	pool();
	merge();
	normalised();

	mailcmd_list_free(&L);
	mailcmd_list_free(&L);		/* twice: a no-op */
	mailcmd_list_free(NULL);
	return tap_done();
}
