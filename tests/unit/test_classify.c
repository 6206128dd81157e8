/*
 * test_classify.c — kind, themes and commune of a new mail (classify.c)
 * with the shipped config/rules/kind.rules, themes.rules and communes.txt
 * (run from the project root, as tests/run.sh does), then the mechanism
 * with small rule sets written for the test: file order, theme order,
 * longest commune, subject before text, errors with file and line, and
 * rules_load_text().
 *
 * The sentences are the kind people write to the network: informal French,
 * accents sometimes missing.  Each theme has positives and the look-alikes
 * that must not count ("nouveau bureau" is not water).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/classify.h"
#include "base/mem.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_DIR	"config/rules"

static struct classify *shipped;

static void
check_kind(const char *name, const char *subject, const char *text,
    const char *want)
{
	struct classify_result r;

	classify_run(shipped, subject, text, &r);
	is_str(r.kind, want, name);
	classify_result_free(&r);
}

/* The themes, as JSON, are exactly `want`. */
static void
check_themes(const struct classify *c, const char *name, const char *subject,
    const char *text, const char *want)
{
	struct classify_result r;
	char *json;

	classify_run(c, subject, text, &r);
	json = classify_themes_json(&r);
	is_str(json, want, name);
	free(json);
	classify_result_free(&r);
}

/* `theme` is (want 1) or is not (want 0) among the themes of text. */
static void
check_theme(const char *name, const char *text, const char *theme, int want)
{
	struct classify_result r;
	int found = 0;
	char *json;

	classify_run(shipped, NULL, text, &r);
	for (size_t i = 0; i < r.nthemes; i++)
		if (strcmp(r.themes[i], theme) == 0)
			found = 1;
	json = classify_themes_json(&r);
	if (!ok(found == want, name))
		printf("#   themes %s; want %s %s\n", json, theme,
		    want ? "in" : "out");
	free(json);
	classify_result_free(&r);
}

static void
check_commune(const struct classify *c, const char *name,
    const char *subject, const char *text, const char *want)
{
	struct classify_result r;

	classify_run(c, subject, text, &r);
	is_str(r.commune, want, name);
	classify_result_free(&r);
}

/* name, subject, text, wanted kind */
static const struct kind_case {
	const char	*name, *subject, *text, *want;
} kind_cases[] = {
	/* Volunteers. */
	{ "volunteer: devenir bénévole", "Proposition",
	    "Bonjour, je souhaiterais devenir bénévole dans votre réseau, "
	    "j'ai du temps depuis ma retraite.", "volunteer" },
	{ "volunteer: without accents", NULL,
	    "bonjour je voudrais bien devenir benevole pour coup de pouce",
	    "volunteer" },
	{ "volunteer: subject only", "Devenir personne ressource",
	    "Bonjour, comment faut-il faire ? Merci.", "volunteer" },
	{ "volunteer: proposer mes compétences", NULL,
	    "Ingénieure thermicienne à la retraite, je souhaite proposer mes "
	    "compétences aux porteurs de projets du Livradois.", "volunteer" },
	{ "volunteer: rejoindre le réseau", NULL,
	    "J'aimerais rejoindre le réseau en tant que personne ressource.",
	    "volunteer" },
	{ "volunteer: rejoindre votre réseau", NULL,
	    "Bonjour, j'aimerais rejoindre votre réseau !", "volunteer" },
	{ "volunteer: faire partie des personnes ressources", NULL,
	    "Je voudrais faire partie des personnes ressources.",
	    "volunteer" },
	{ "volunteer: coup de main", NULL,
	    "Je peux donner un coup de main pour des chantiers en paille.",
	    "volunteer" },
	{ "volunteer: disponible pour accompagner", NULL,
	    "Je suis disponible pour accompagner un groupe sur la "
	    "comptabilité associative.", "volunteer" },
	{ "volunteer: accompagner des porteurs", NULL,
	    "J'aimerais accompagner des porteurs de projets.", "volunteer" },

	/* Reports. */
	{ "report: vous signaler", "Une initiative",
	    "Bonjour, je voudrais vous signaler le projet de recyclerie de "
	    "mon village.", "report" },
	{ "report: je connais une association qui", NULL,
	    "Je connais une association qui monte un café associatif à "
	    "Cunlhat.", "report" },
	{ "report: mon voisin a un projet", NULL,
	    "Mon voisin a un super projet de ferme solaire, il n'ose pas "
	    "vous écrire.", "report" },
	{ "report: mériterait d'être soutenue", NULL,
	    "C'est une initiative qui mériterait d'être soutenue.", "report" },
	{ "report: vous faire connaître le projet de", NULL,
	    "Je souhaite vous faire connaître le projet de Mme Martin.",
	    "report" },

	/* Other. */
	{ "other: newsletter footer", "Notre lettre de novembre",
	    "Les nouvelles du mois...\nPour vous désabonner, cliquez ici.",
	    "other" },
	{ "other: commercial", "Partenariat",
	    "Nous vous proposons un devis gratuit pour votre site.", "other" },
	{ "other: job application", "Candidature spontanée",
	    "Madame, Monsieur, veuillez trouver mon CV.", "other" },
	{ "other: press release", "Communiqué de presse",
	    "Le festival aura lieu...", "other" },

	/* Requests: a holder asking for help is not a volunteer. */
	{ "request: a holder's project", "Projet de jardin partagé",
	    "Bonjour, avec des voisins nous voudrions créer un jardin "
	    "partagé à Marsac. Pouvez-vous nous aider ?", "request" },
	{ "request: looking for volunteers", NULL,
	    "Je cherche des bénévoles pour m'aider à lancer une recyclerie.",
	    "request" },
	{ "request: asked for a coup de main", NULL,
	    "Pourriez-vous me donner un coup de main pour monter le dossier ?",
	    "request" },
	{ "request: avec des amis on porte un projet", NULL,
	    "Avec des amis on porte un projet de four à pain collectif.",
	    "request" },
	{ "request: association that could help me", NULL,
	    "Je connais une association qui pourrait m'aider.", "request" },
	{ "request: joining another network", NULL,
	    "Notre AMAP aimerait rejoindre le réseau des AMAP d'Auvergne.",
	    "request" },
	{ "request: nothing said", NULL, NULL, "request" },

	/* Precedence: a volunteer whose mail has a newsletter footer is
	 * bulk mail (the footer rules come first); a volunteer who also
	 * reports is a volunteer (first rule in file order). */
	{ "precedence: footer before volunteer", NULL,
	    "Je souhaite devenir bénévole !\n--\nSe désabonner", "other" },
	{ "precedence: volunteer before report", NULL,
	    "Je voudrais vous signaler que je souhaite devenir bénévole.",
	    "volunteer" },
	{ "precedence: report before candidature", NULL,
	    "Je voudrais vous signaler une initiative. Candidature spontanée "
	    "à part.", "report" },
	{ "precedence: file order, not subject first",
	    "Je souhaite devenir bénévole", "Pour vous désabonner...",
	    "other" },
};

/* name, text, theme, whether it is among the themes of the text */
static const struct theme_case {
	const char	*name, *text, *theme;
	int		 want;
} theme_cases[] = {
	/* energie */
	{ "energie: panneaux solaires",
	    "On voudrait poser des panneaux solaires sur le toit de l'école.",
	    "energie", 1 },
	{ "energie: photovoltaïque plural",
	    "Une centrale villageoise photovoltaïque", "energie", 1 },
	{ "energie: chaufferie bois",
	    "Projet de chaufferie bois pour le bourg", "energie", 1 },
	{ "energie: méthanisation", "un méthaniseur agricole",
	    "energie", 1 },
	{ "energie: économies d'énergie without accents",
	    "faire des economies d'energie dans la salle des fetes",
	    "energie", 1 },
	{ "energie: not in 'solaire' alone",
	    "Un cadran solaire restauré sur l'église.", "energie", 0 },
	/* alimentation */
	{ "alimentation: jardin partagé",
	    "Créer un jardin partagé derrière la mairie.", "alimentation", 1 },
	{ "alimentation: AMAP", "Nous lançons une AMAP à Billom.",
	    "alimentation", 1 },
	{ "alimentation: maraîchère", "une jeune maraîchère bio",
	    "alimentation", 1 },
	{ "alimentation: cantine", "des produits locaux à la "
	    "cantine", "alimentation", 1 },
	{ "alimentation: troc de graines", "un troc de graines à la "
	    "médiathèque", "alimentation", 1 },
	{ "alimentation: not electric supply",
	    "L'alimentation électrique du local est à refaire.",
	    "alimentation", 0 },
	/* mobilite */
	{ "mobilite: covoiturage", "Mettre en place du covoiturage "
	    "pour aller au marché.", "mobilite", 1 },
	{ "mobilite: vélos électriques", "prêt de vélos électriques",
	    "mobilite", 1 },
	{ "mobilite: transport à la demande", "un transport à la "
	    "demande pour les aînés", "mobilite", 1 },
	{ "mobilite: not 'en train de'",
	    "Je suis en train de monter une association.", "mobilite", 0 },
	{ "mobilite: not 'car' (because)",
	    "Je vous écris car je ne sais pas à qui m'adresser.",
	    "mobilite", 0 },
	/* habitat */
	{ "habitat: habitat partagé", "un habitat partagé pour "
	    "personnes âgées", "habitat", 1 },
	{ "habitat: maison en paille",
	    "construire une maison en paille", "habitat", 1 },
	{ "habitat: tiny house", "installer une tiny house",
	    "habitat", 1 },
	{ "habitat: rénovation", "la rénovation d'une grange",
	    "habitat", 1 },
	{ "habitat: not social isolation",
	    "lutter contre l'isolation sociale", "habitat", 0 },
	/* dechets */
	{ "dechets: recyclerie", "ouvrir une ressourcerie",
	    "dechets", 1 },
	{ "dechets: repair café", "organiser un repair café "
	    "mensuel", "dechets", 1 },
	{ "dechets: compostage", "compostage collectif au "
	    "lotissement", "dechets", 1 },
	{ "dechets: épicerie vrac", "une épicerie en vrac",
	    "dechets", 1 },
	{ "dechets: not 'en vrac' (jumbled)",
	    "Voici quelques idées en vrac pour la fête.", "dechets", 0 },
	/* eau */
	{ "eau: eau de pluie", "récupérer l'eau de pluie",
	    "eau", 1 },
	{ "eau: toilettes sèches", "des toilettes sèches pour le "
	    "festival", "eau", 1 },
	{ "eau: rivière", "nettoyer la rivière", "eau", 1 },
	{ "eau: not nouveau bureau",
	    "Le nouveau bureau de l'association remercie beaucoup "
	    "les bénévoles.", "eau", 0 },
	{ "eau: not chauffe-eau", "un chauffe-eau solaire",
	    "eau", 0 },
	{ "eau: not a château",
	    "La fête au château de Ravel, avec un gâteau.", "eau", 0 },
	/* biodiversite */
	{ "biodiversite: haies", "replanter des haies",
	    "biodiversite", 1 },
	{ "biodiversite: vergers", "sauver les vieux vergers",
	    "biodiversite", 1 },
	{ "biodiversite: ruches", "installer des ruches",
	    "biodiversite", 1 },
	{ "biodiversite: mares", "creuser une mare pédagogique",
	    "biodiversite", 1 },
	{ "biodiversite: not 'la nature du projet'",
	    "Pouvez-vous préciser la nature du projet ?", "biodiversite", 0 },
	{ "biodiversite: not 'marre'",
	    "J'en ai marre des réunions.", "biodiversite", 0 },
	/* lien_social */
	{ "lien_social: café associatif", "un café associatif",
	    "lien_social", 1 },
	{ "lien_social: tiers-lieu", "un tiers-lieu au bourg",
	    "lien_social", 1 },
	{ "lien_social: intergénérationnel", "des ateliers "
	    "intergénérationnels", "lien_social", 1 },
	{ "lien_social: fête de village", "relancer la fête de "
	    "village", "lien_social", 1 },
	{ "lien_social: micro-crèche", "ouvrir une micro-crèche associative",
	    "lien_social", 1 },
	{ "lien_social: not 'Thiers'", "J'habite Thiers.",
	    "lien_social", 0 },
	/* economie_locale */
	{ "economie_locale: commerce de proximité", "sauver le "
	    "dernier commerce de proximité", "economie_locale", 1 },
	{ "economie_locale: monnaie locale", "accepter la monnaie "
	    "locale", "economie_locale", 1 },
	{ "economie_locale: SCIC", "créer une SCIC",
	    "economie_locale", 1 },
	{ "economie_locale: tiers-lieu", "un tiers-lieu au bourg",
	    "economie_locale", 1 },
	{ "economie_locale: racheter le dernier bar", "racheter le dernier "
	    "bar du village", "economie_locale", 1 },
	{ "economie_locale: ESS in capitals", "un projet d'ESS",
	    "economie_locale", 1 },
	{ "economie_locale: not a word 'ess'", "la lettre ess",
	    "economie_locale", 0 },
};

/* name, subject, text, wanted commune */
static const struct commune_case {
	const char	*name, *subject, *text, *want;
} commune_cases[] = {
	{ "plain name", NULL, "Nous sommes à Ambert.",
	    "Ambert" },
	{ "no accents, lower case", NULL,
	    "on habite a saint antheme depuis 3 ans", "Saint-Anthème" },
	{ "St for Saint", NULL,
	    "Mairie de St-Amant-Roche-Savine", "Saint-Amant-Roche-Savine" },
	{ "St. with a dot", NULL,
	    "à St. Germain l'Herm", "Saint-Germain-l'Herm" },
	{ "typographic apostrophe, blanks", NULL,
	    "à Saint Germain l’Herm", "Saint-Germain-l'Herm" },
	{ "apostrophe left out", NULL,
	    "a st germain lherm", "Saint-Germain-l'Herm" },
	{ "upper case, Ste", NULL,
	    "STE-AGATHE", "Sainte-Agathe" },
	{ "accents added where there are none", NULL,
	    "à Médeyrolles", "Medeyrolles" },
	{ "Haute-Loire", NULL,
	    "près de La Chaise-Dieu", "La Chaise-Dieu" },
	{ "Loire", NULL, "à Noiretable", "Noirétable" },
	{ "longer name at the same place wins", NULL,
	    "à Saint-Alyre-d'Arlanc", "Saint-Alyre-d'Arlanc" },
	{ "the first named wins", NULL,
	    "Je vis à Thiers mais le projet est à Ambert.", "Thiers" },
	{ "subject before text", "Projet à Billom",
	    "Nous habitons Courpière.", "Billom" },
	{ "text when the subject names none",
	    "Projet de jardin", "Nous habitons Courpière.", "Courpière" },
	{ "not inside a word", NULL,
	    "un projet lambert ou thiersville", NULL },
	{ "not glued by a hyphen to another place", NULL,
	    "à Saint-Just-en-Chevalet", NULL },
	{ "no commune", NULL, "Bonjour à tous", NULL },
};

#define NCASES(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_shipped(void)
{
	for (size_t i = 0; i < NCASES(kind_cases); i++)
		check_kind(kind_cases[i].name, kind_cases[i].subject,
		    kind_cases[i].text, kind_cases[i].want);
	for (size_t i = 0; i < NCASES(theme_cases); i++)
		check_theme(theme_cases[i].name, theme_cases[i].text,
		    theme_cases[i].theme, theme_cases[i].want);
	for (size_t i = 0; i < NCASES(commune_cases); i++)
		check_commune(shipped, commune_cases[i].name,
		    commune_cases[i].subject, commune_cases[i].text,
		    commune_cases[i].want);

	/* Several themes at once, in the order of the file. */
	check_themes(shipped, "several themes, file order",
	    "Jardin partagé et panneaux solaires",
	    "Nous voulons aussi un composteur.",
	    "[\"energie\",\"alimentation\",\"dechets\"]");
	check_themes(shipped, "no theme", "Bonjour",
	    "Je vous écris pour une question.", "[]");
}

/* Threads classifying with one classifier at once (a pass's IMAP
 * thread classifies ahead, the main thread a mail that was not) get what
 * one thread gets: the rules keep their match data and compile their JIT
 * code on first use, so classify_run takes turns. */
static const char *const race_texts[] = {
	"Nous voulons créer un jardin partagé et un composteur à Ambert.",
	"Je propose mon aide comme bénévole pour du covoiturage vers "
	    "Thiers, le samedi matin.",
	"Signalement : des déchets abandonnés au bord de la Dore près de "
	    "Courpière, depuis une semaine.",
	"Une ressourcerie à Saint-Anthème cherche des bénévoles pour trier "
	    "les dons et réparer des vélos.",
	"Bonjour, rien de précis, juste une question sur le réseau.",
};
#define RACE_N		(sizeof(race_texts) / sizeof(race_texts[0]))
#define RACE_ROUNDS	1000
#define RACE_THREADS	4	/* more than the cores, so two overlap even
				   on a loaded machine, most of the time */

struct race {
	struct classify	*c;
	char		*want[RACE_N];
	int		 wrong;
};

/* kind, themes and commune in one line. */
static char *
race_line(const struct classify *c, const char *text)
{
	struct classify_result r;
	char *json, *line;

	classify_run(c, "Projet", text, &r);
	json = classify_themes_json(&r);
	line = xasprintf("%s %s %s", r.kind, json, r.commune ? r.commune :
	    "-");
	free(json);
	classify_result_free(&r);
	return line;
}

static void *
race_run(void *arg)
{
	struct race *x = arg;
	int wrong = 0;

	for (int k = 0; k < RACE_ROUNDS; k++)
		for (size_t i = 0; i < RACE_N; i++) {
			char *got = race_line(x->c, race_texts[i]);

			wrong += strcmp(got, x->want[i]) != 0;
			free(got);
		}
	return (void *)(intptr_t)wrong;
}

static void
test_two_threads(void)
{
	struct race x;
	struct classify *one = NULL;
	pthread_t t[RACE_THREADS];
	char err[8192];
	void *res;
	int started = 0;

	memset(&x, 0, sizeof(x));
	if (!ok(classify_load(RULES_DIR, &one, err, sizeof(err)) == 0 &&
	    classify_load(RULES_DIR, &x.c, err, sizeof(err)) == 0,
	    "two classifiers load")) {
		classify_free(one);
		return;
	}
	for (size_t i = 0; i < RACE_N; i++)
		x.want[i] = race_line(one, race_texts[i]);
	ok(strstr(x.want[0], "Ambert") != NULL && strcmp(x.want[0],
	    x.want[4]) != 0, "the texts classify apart");
	/* The second one is fresh: its rules compile their JIT code while
	 * both threads run. */
	for (int i = 0; i < RACE_THREADS; i++)
		started += pthread_create(&t[i], NULL, race_run, &x) == 0;
	is_int(started, RACE_THREADS, "the threads started");
	for (int i = 0; i < started; i++) {
		pthread_join(t[i], &res);
		x.wrong += (int)(intptr_t)res;
	}
	is_int(x.wrong, 0, "each thread got what one thread gets, every time");
	for (size_t i = 0; i < RACE_N; i++)
		free(x.want[i]);
	classify_free(one);
	classify_free(x.c);
}

/* The text a received mail is classified on, whichever thread does it. */
static void
test_text(void)
{
	const char *whole = "> Bonjour\nle texte entier";

	ok(classify_text("Un jardin à Ambert", whole) != whole &&
	    strcmp(classify_text("Un jardin à Ambert", whole),
	    "Un jardin à Ambert") == 0, "classify_text: the new text");
	ok(classify_text("", whole) == whole,
	    "classify_text: only quoted history: the whole text");
	ok(classify_text(NULL, whole) == whole,
	    "classify_text: no new text known: the whole text");
}

static void
test_mechanism(void)
{
	/* What the error says, after the scratch folder, for each bad line
	 * of the rule files written below. */
	static const struct like_case load_errors[] = {
		{ "/kind.rules:4: label 'requets': not a kind (request, "
		    "report, volunteer, other)",
		    "bad kind label: file, line, label" },
		{ "/themes.rules:2: energie: missing closing parenthesis",
		    "bad theme pattern: file, line, PCRE2 message" },
		{ "/communes.txt:3: 'Amb;ert': ';' is not allowed",
		    "bad commune name: file, line" },
		{ "/communes.txt:4: '-': no letter",
		    "a name without letters: refused" },
	};
	struct classify *c = NULL;
	struct classify_result r;
	char err[4096], want[600], *big;

	/* First rule in file order decides, whatever its label. */
	write_file(path_in("kind.rules"), "# test\nother  projet\nvolunteer  "
	    "b[ée]n[ée]vole\nreport  signaler\n");
	write_file(path_in("themes.rules"), "zeta  \\bz\\b\nalpha  \\ba\\b\n"
	    "zeta  \\by\\b\n");
	write_file(path_in("communes.txt"), "# test\nSaint-Germain\n"
	    "Saint-Germain-l'Herm\n\nHerm\nŒuilly\nCœur-de-Lion\n"
	    "La Toussaint\n");
	ok(classify_load(scratch, &c, err, sizeof(err)) == 0,
	    "test rules load");
	if (c == NULL) {
		printf("#   %s\n", err);
		return;
	}
	classify_run(c, "bénévole", "un projet", &r);
	is_str(r.kind, "other", "first rule in file order decides");
	classify_result_free(&r);
	classify_run(c, NULL, "rien", &r);
	is_str(r.kind, "request", "no rule: request");
	ok(r.nthemes == 0 && r.themes == NULL && r.commune == NULL,
	    "no rule: no themes, no commune");
	classify_result_free(&r);
	check_themes(c, "themes in order of first appearance", "a", "y",
	    "[\"zeta\",\"alpha\"]");
	check_themes(c, "a label once", "z y", "z", "[\"zeta\"]");
	check_commune(c, "longest at the same place", NULL,
	    "à Saint-Germain-l'Herm", "Saint-Germain-l'Herm");
	check_commune(c, "shorter alone", NULL, "à Saint-Germain.",
	    "Saint-Germain");
	check_commune(c, "inside a longer name: the longer", NULL,
	    "st germain l herm", "Saint-Germain-l'Herm");
	check_commune(c, "subject first even if later in its text",
	    "réunion à Herm", "à Saint-Germain", "Herm");
	check_commune(c, "œ matches oe", NULL, "à Oeuilly", "Œuilly");
	check_commune(c, "œ matches œ", NULL, "à cœur-de-lion",
	    "Cœur-de-Lion");
	check_commune(c, "Saint only as a word", NULL, "la Toussaint",
	    "La Toussaint");
	check_commune(c, "St only for the word Saint", NULL, "la Tousst",
	    NULL);

	/* Only the first 64 KiB of the text are read. */
	big = xmalloc(70001 + 20);
	memset(big, 'x', 70000);
	big[0] = ' ';
	strcpy(big + 70000, " Herm");
	check_commune(c, "beyond 64 KiB: not read", NULL, big, NULL);
	memcpy(big + 10, " Herm ", 6);
	check_commune(c, "within 64 KiB: read", NULL, big, "Herm");
	free(big);
	classify_free(c);
	c = NULL;

	/* NULL classifier, NULL inputs. */
	classify_run(NULL, NULL, NULL, &r);
	is_str(r.kind, "request", "NULL classifier: request");
	classify_result_free(&r);
	classify_result_free(NULL);

	/* Errors: every file, file:line. */
	write_file(path_in("kind.rules"), "# kinds\nrequest  bonjour\n\n"
	    "requets  x\nvolunteer  b[ée]n[ée]vole\n");
	write_file(path_in("themes.rules"),
	    "energie  solaire\nenergie  (panneau\n");
	write_file(path_in("communes.txt"),
	    "Ambert\n# comment\nAmb;ert\n - \n");
	ok(classify_load(scratch, &c, err, sizeof(err)) != 0,
	    "bad rules refused");
	ok(c == NULL, "nothing returned on error");
	LIKE_EACH(err, scratch, load_errors);

	write_file(path_in("kind.rules"), "other x\n");
	write_file(path_in("themes.rules"), "energie x\n");
	snprintf(want, sizeof(want), "%s/communes.txt", scratch);
	unlink(want);
	ok(classify_load(scratch, &c, err, sizeof(err)) != 0,
	    "missing communes.txt refused");
	snprintf(want, sizeof(want), "%s/communes.txt: No such file", scratch);
	like_str(err, want, "and named");
}

static void
test_rules_text(void)
{
	struct rules *r = NULL;
	char err[1024];

	ok(rules_load_text("gen.txt", "# c\n\nalpha  a+\nbeta  b", 1, &r, err,
	    sizeof(err)) == 0, "rules_load_text: loads");
	if (r != NULL) {
		is_int((long long)rules_count(r), 2, "rules_load_text: two "
		    "rules");
		is_int(rules_line(r, 1), 4, "rules_load_text: last line "
		    "without newline");
		is_int(rules_first_match(r, "alpha", "xaa", 3, NULL, NULL), 0,
		    "rules_load_text: matches");
		rules_free(r);
		r = NULL;
	}
	ok(rules_load_text("gen.txt", "alpha  a\n\nbeta  (b\n", 1, &r, err,
	    sizeof(err)) != 0, "rules_load_text: bad pattern refused");
	like_str(err, "gen.txt:3: beta: missing closing parenthesis",
	    "rules_load_text: error names the given name and the line");
	ok(rules_load_text("empty", "", 1, &r, err, sizeof(err)) == 0 &&
	    rules_count(r) == 0, "rules_load_text: empty text");
	rules_free(r);
}

int
main(void)
{
	char err[8192];

	scratch_make("classify");
	if (!ok(classify_load(RULES_DIR, &shipped, err, sizeof(err)) == 0,
	    "shipped rules load"))
		printf("#   %s\n", err);
	else {
		test_shipped();
		test_two_threads();
	}
	classify_free(shipped);
	test_text();
	test_mechanism();
	test_rules_text();

	scratch_remove();
	return tap_done();
}
