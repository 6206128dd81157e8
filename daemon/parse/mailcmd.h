/*
 * mailcmd.h — the mail commands of DESIGN.md §5, read from a reply's new
 * text (quoted history and signature already removed by reply.h).
 *
 * Commands are lines at the start of the text, one per line, before the
 * first line that is not a command (blank lines before and between them
 * are skipped; a line starting with '>' is quoted history and ends them).
 * Keywords are case- and accent-insensitive ("ÉLIGIBLE", "clôturer") and
 * tolerate typographic apostrophes ("J’accepte la charte"), any run of
 * blanks or '-' between words ("NON-ELIGIBLE", "Annuler  la rencontre"),
 * a ':' after them and a trailing '.', '!' or '?' on the commands without
 * arguments.  The longest keyword wins ("NON ELIGIBLE" before "NON") and
 * a keyword ends at a word boundary ("ELIGIBLES", "NOTER" are none).
 *
 * Prose guard.  A keyword written entirely in capitals always makes a
 * command.  Written otherwise ("Note", "abandon") and followed by more
 * than punctuation, the line is a command only when it reads as one:
 *   ELIGIBLE STATUT AIDE ACCEPTER ANNULER RENCONTRE   never ("Statut de
 *       l'association en pièce jointe" is a sentence)
 *   NOTE CLOTURER ABANDON REFUSER FEUILLE DE ROUTE FAIT
 *                                                      with a ':' after
 *       the keyword ("Note : appelé le porteur", not "Fait à Ambert")
 *   TRANSFERER INVITER INTERLOCUTEUR                   with a ':' or an
 *       address in the line
 *   RENCONTRE POINT                                    with a ':' or a
 *       date ("Rencontre le 14/06 à 18h", not "Rencontre très positive")
 *   FUSIONNER                                          with a ':' or a
 *       case reference ("Fusionner CDP-2026-0003")
 *   REPORTER                                           with a ':' or a
 *       date in the line ("Reporter l'étude au 15/03", not "Reporter à
 *       plus tard")
 *   NON ELIGIBLE, J'ACCEPTE LA CHARTE                   always
 *   BENEVOLE REFERENT COORDINATION THEMES COMMUNES RETIRER
 *                                                      with an '@' in the
 *       line ("Référent du projet : Paul" is prose)
 *   DISPONIBLE INDISPONIBLE                            with an '@' in the
 *       line or "jusqu'au" right after ("Disponible pour en parler
 *       demain" is prose)
 *   ANNUAIRE POOL                                      never
 *   OUI, NON                                           see natural answers
 * Otherwise the line is prose and parsing stops there.
 *
 * Natural answers.  When the first non-blank line of the text starts
 * with "oui" or "non" written other than "OUI"/"NON" in capitals ("Oui",
 * "oui", "Non"), followed by more than punctuation ("Oui, avec plaisir !",
 * "Non merci, pas disponible"), it is one OUI or NON command with
 * natural = 1 and parsing stops after it; args are the rest of the
 * sentence without the punctuation that follows oui/non, and for NON text
 * is the reason: args without the words of politeness before it ("merci",
 * "désolé(e)", "navré(e)"...) and their punctuation ("Non merci, pas
 * disponible" has the reason "pas disponible"; "Non merci !" none: "").
 * "OUI"/"NON" in capitals make a keyword line (natural = 0, "NON pas
 * disponible" has the motif "pas disponible"), and so does "Oui"/"Non"
 * alone on its line, in any case, with or without punctuation.  A longer
 * keyword still wins: "Non éligible : hors territoire" is NON ELIGIBLE.
 * Later in the text, "oui avec plaisir" is prose.
 *
 * Typos.  A line that is no command but looks like one — its first word
 * (letters, '-' and apostrophes) has three letters or more, all written in
 * capitals, and ends like a keyword would; the line has at most 8 words;
 * the word is not a greeting ("BONJOUR", "MERCI", "CORDIALEMENT"...) — is
 * reported as CMD_UNKNOWN/CMDERR_UNKNOWN with args = the whole line, and
 * parsing goes on, so that a typo gets an answer instead of silence.
 *
 * FEUILLE DE ROUTE takes the rest of its own line and the following lines
 * up to a line "FIN" (any case, "Fin." too) or the end of the text
 * (commands may follow FIN); blank lines inside are kept, those at the
 * start and end dropped; no line at all is CMDERR_MISSING_ARGUMENT.  Its
 * lines "[- * •] date [heure] (: or -) étape" are milestones; a line
 * written as a date that does not exist ("- 31/02 : x") sets
 * CMDERR_BAD_DATE (or BAD_TIME), the other milestones are still kept.
 *
 * FAIT [étape] and REPORTER [étape] date [heure] name a roadmap step in
 * their own words (text; NULL when none: the step is then the one the mail
 * answers, or the one due).  REPORTER's date is the last date in the
 * line; the words before it name the step, without a last "au", "à",
 * "pour" or separator ("REPORTER l'étude au 15/03/2027", "REPORTER
 * Chantier du 01/04/2027 au 15/06/2027"); with nothing before it, the
 * words after the date (and time) do.  No date at all is
 * CMDERR_BAD_DATE (CMDERR_MISSING_ARGUMENT when nothing follows the
 * keyword).  Whether the date is past is the effect's business.
 *
 * Dates: AAAA-MM-JJ, JJ/MM/AAAA, JJ/MM/AA (20AA), JJ/MM (the next such day
 * on or after `now`'s local date), also with '-' or '.' instead of '/',
 * optionally after "le" and a French weekday (ignored); times: HH:MM,
 * HHhMM, HHh, HH h MM, "18 heures", optionally after "à", "de" or "vers"
 * (an end time, "18h-20h", "de 18h à 20h", is read and dropped); in the
 * network's time zone (the process's local time, clock.h).  RENCONTRE
 * needs both: no time is CMDERR_BAD_TIME.  Its place drops a leading "à",
 * '-', ',' or ':' ("18h30 à la mairie" -> "la mairie").
 *
 * Addresses: bare, "<a@b.fr>", "Name <a@b.fr>", "mailto:a@b.fr",
 * separated by ',', ';', blanks or "et" ("à" before one is skipped);
 * lower-cased, validated with addr_valid(), duplicates dropped.
 * A word that is no address, more than COMMAND_MAX_ADDRESSES addresses,
 * or more than one address for TRANSFERER / INTERLOCUTEUR is
 * CMDERR_BAD_ADDRESS.  INVITER is the exception for words that are no
 * address: with at least one valid address it has no error, and those
 * words are in `rejected`, so that the valid addresses are invited and
 * the answer names the others.
 *
 * Pool commands (coordinators managing the network's people):
 *   BENEVOLE | REFERENT | COORDINATION  adresse [Nom] [; thèmes [; communes]]
 *       the address and the name in any order, the address bare or in
 *       <>; the fields after ';' are ','-separated lists, a field left
 *       empty is not given (has_themes / has_communes 0);
 *   THEMES | COMMUNES  adresse [:] liste   (the list required);
 *   DISPONIBLE [adresse], INDISPONIBLE [adresse] [jusqu'au date] (the
 *       date in when, when.year 0 without one);
 *   RETIRER adresse;  ANNUAIRE (also POOL), no argument.
 * Themes are folded to identifiers ("Mobilité" -> "mobilite", "lien
 * social" -> "lien_social"); whether the rules know them is the
 * effect's business.  Communes are kept as written, trimmed.
 *
 * When a command has an error, what was understood before it is still
 * filled in (the date of a RENCONTRE without time, the valid addresses of
 * an INVITER), so that the answer can say so.
 *
 * This module only parses: who may run what, and the effects, are the
 * case modules' business.
 */
#ifndef CDP_MAILCMD_H
#define CDP_MAILCMD_H

#include <stddef.h>
#include <time.h>

enum mailcmd_verb {
	CMD_UNKNOWN,
	CMD_ELIGIBLE,
	CMD_NON_ELIGIBLE,
	CMD_TRANSFERER,
	CMD_INVITER,
	CMD_OUI,
	CMD_NON,
	CMD_INTERLOCUTEUR,
	CMD_RENCONTRE,
	CMD_ANNULER_RENCONTRE,
	CMD_FEUILLE_DE_ROUTE,
	CMD_POINT,
	CMD_NOTE,
	CMD_CLOTURER,
	CMD_ABANDON,
	CMD_STATUT,
	CMD_AIDE,
	CMD_ACCEPTER,
	CMD_REFUSER,
	CMD_CHARTE,		/* J'ACCEPTE LA CHARTE */
	CMD_FAIT,
	CMD_REPORTER,
	CMD_FUSIONNER,		/* FUSIONNER CDP-AAAA-NNNN */
	/* Pool commands (no case needed; mailcmd_pool.c): */
	CMD_BENEVOLE,
	CMD_REFERENT,
	CMD_COORDINATION,
	CMD_THEMES,
	CMD_COMMUNES,
	CMD_DISPONIBLE,
	CMD_INDISPONIBLE,
	CMD_RETIRER,
	CMD_ANNUAIRE		/* also POOL */
};

/* Why a command line cannot be run as written (the transcript's flags). */
enum mailcmd_error {
	CMDERR_NONE,
	CMDERR_UNKNOWN,			/* not a command */
	CMDERR_BAD_DATE,
	CMDERR_BAD_TIME,
	CMDERR_BAD_ADDRESS,
	CMDERR_MISSING_ARGUMENT,
	CMDERR_BAD_REF			/* not a case reference */
};

struct mailcmd_when {
	int	year, month, day;	/* local date */
	int	has_time;
	int	hour, minute;		/* local, when has_time */
};

struct mailcmd_milestone {
	struct mailcmd_when	 when;
	char			*label;	/* owned, trimmed */
};

struct mailcmd {
	enum mailcmd_verb	 verb;
	enum mailcmd_error	 error;
	char		*line;		/* owned: the line as written, trimmed
					 * (the first line of a roadmap) */
	char		*args;		/* owned: the rest of the line after
					 * the keyword, trimmed, a leading ':'
					 * (or ',' ';' '-') dropped; "" if
					 * none or only punctuation.  FEUILLE
					 * DE ROUTE: its lines, '\n'-joined;
					 * CMD_UNKNOWN: the whole line */
	int		 natural;	/* OUI/NON read from a sentence ("Oui,
					 * avec plaisir !"), not a keyword
					 * line: only an answer on an
					 * invitation thread */
	/* Arguments as understood, by verb: */
	char		**addresses;	/* INVITER (several, ',' ';' or blank
					 * separated), TRANSFERER,
					 * INTERLOCUTEUR: normalized, owned */
	size_t		  naddresses;
	char		**address_names;	/* owned, NULL or beside
					 * addresses: the name written before
					 * "<address>" ("Marie Dupont
					 * <m@x.fr>"), NULL when none */
	char		**rejected;	/* owned: the words of an address list
					 * that are no address, as written
					 * ("pas-une-adresse", "Marie") */
	size_t		  nrejected;
	struct mailcmd_when when;	/* RENCONTRE, POINT, REPORTER,
					 * INDISPONIBLE (year 0: none) */
	char		*text;		/* owned or NULL: motif (NON ELIGIBLE,
					 * NON, ABANDON, REFUSER), lieu
					 * (RENCONTRE), objet (POINT), texte
					 * (NOTE), bilan (CLOTURER), the step
					 * named (FAIT, REPORTER), the case
					 * reference in capitals (FUSIONNER) */
	struct mailcmd_milestone *milestones;	/* FEUILLE DE ROUTE */
	size_t		  nmilestones;
	/* Pool commands: the person in addresses[0] (none: the sender, for
	 * DISPONIBLE / INDISPONIBLE), and until when (INDISPONIBLE). */
	char		 *name;		/* owned or NULL: BENEVOLE, REFERENT,
					 * COORDINATION */
	char		**themes;	/* owned: folded identifiers */
	size_t		  nthemes;
	int		  has_themes;	/* the themes field was given */
	char		**communes;	/* owned: as written */
	size_t		  ncommunes;
	int		  has_communes;
};

struct mailcmd_list {
	struct mailcmd	*items;
	size_t		 n;
};

/* Caps: lines looked at (roadmap lines included), commands per mail,
 * addresses per INVITER.  Past the first two, parsing stops: the lines
 * after them are not commands. */
#define COMMAND_MAX_LINES	500
#define COMMAND_MAX_LINE	(1L << 20)	/* bytes of one line read;
						 * the rest is ignored */
#define COMMAND_MAX		50
#define COMMAND_MAX_ADDRESSES	20

/*
 * Parses `text` (UTF-8, LF line ends; NULL is empty).  `now` resolves
 * dates without a year.  Always fills *out (possibly with n == 0).
 */
void mailcmd_parse(const char *text, time_t now, struct mailcmd_list *out);
void mailcmd_list_free(struct mailcmd_list *l);

/*
 * The folded form of s (new string): lower case, French accents removed,
 * typographic apostrophes, dashes and spaces made ASCII — how keywords
 * are compared, for comparing a name someone typed ("étude") with one
 * stored ("Étude de faisabilité").
 */
char *mailcmd_fold(const char *s);

/* A theme as a command's list gives it (new string): folded, blanks,
 * '-' and apostrophes made one '_' ("Lien social" -> "lien_social",
 * "Économie locale" -> "economie_locale"); compared with identifiers
 * and with the labels of themes.labels folded the same way. */
char *mailcmd_theme_key(const char *s);

/* "NON ELIGIBLE", "J'ACCEPTE LA CHARTE"...: the verb in upper case
 * without accents, as inspect --json shows it; "" for CMD_UNKNOWN. */
const char *mailcmd_verb_name(enum mailcmd_verb v);

/* 1 if v is a pool command (BENEVOLE ... ANNUAIRE), which need no
 * case. */
int mailcmd_verb_pool(enum mailcmd_verb v);

/* The UTC time of a local date and time (00:00 without a time); -1 if the
 * date does not exist (31/02), nor the time (02:30 on the night clocks go
 * forward). */
time_t mailcmd_when_time(const struct mailcmd_when *w);

#endif
