/*
 * test_reply_forms.c — reply forms that leaked history or lost the reply
 * ("every mail right"), with the shipped rules (config/rules/reply.rules;
 * run from the project root).
 *
 * Each form comes with a negative case: a line that looks like the form
 * but is the person's own text and must stay, because losing a person's
 * words is worse than keeping a signature.  The texts are written for this
 * file (names and addresses are made up); French first, then English,
 * German, Spanish, Italian and Dutch, and the Chinese, Korean and
 * Japanese attributions.  Expected texts are exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/reply.h"
#include "parse/rules.h"
#include "tap.h"

#define RULES_PATH	"config/rules/reply.rules"

static struct rules *rules;

static void
check(const char *name, const char *text, const char *want)
{
	char *out = NULL;

	if (reply_extract(rules, text, strlen(text), &out) != 0)
		out = NULL;
	is_str(out, want, name);
	free(out);
}

/* Attributions wrapped over two lines, and Gmail/Android's date-and-name
 * attributions without a verb. */
static void
test_wrapped_attributions(void)
{
	check("fr: Gmail, \"a écrit :\" on the next line",
	    "OUI\n\nLe lun. 30 nov. 2026, 10:12, Camille Roux "
	    "<camille@example.fr>\na écrit :\n\n> Pouvez-vous venir ?\n",
	    "OUI");
	check("fr: wrapped inside the address, history unquoted",
	    "OUI, je viens.\n\nLe lun. 30 nov. 2026 à 10:12, Camille Roux <\n"
	    "camille@example.fr> a écrit :\nPouvez-vous venir ?\nSTATUT\n",
	    "OUI, je viens.");
	check("fr: Thunderbird, name alone on the first line",
	    "NON\n\nLe 30/11/2026 à 10:12, Camille Roux\na écrit :\n"
	    "> STATUT\n", "NON");
	check("en: address on the next line",
	    "Count me in.\n\nOn Mon, Nov 30, 2026 at 10:12 AM Camille Roux\n"
	    "<camille@example.com> wrote:\n\n> Are you coming?\n",
	    "Count me in.");
	check("de: \"schrieb am ... um ... Uhr\" wrapped",
	    "Ja, gerne.\n\nCamille Roux <camille@example.de> schrieb am Mo.,\n"
	    "30. Nov. 2026 um 10:12 Uhr:\n\n> Kommen Sie?\n", "Ja, gerne.");
	check("de: \"Am ... schrieb\" wrapped inside the address",
	    "Ja.\n\nAm Mo., 30. Nov. 2026 um 10:12 Uhr schrieb Camille Roux <\n"
	    "camille@example.de>:\n> Kommen Sie?\n", "Ja.");
	check("es: \"escribió:\" on the next line",
	    "Sí, allí estaré.\n\nEl lun., 30 nov. 2026 a las 10:12, Camille "
	    "(<camille@example.es>)\nescribió:\n\n> ¿Vienes?\n",
	    "Sí, allí estaré.");
	check("it: \"ha scritto:\" on the next line",
	    "Sì, vengo.\n\nIl giorno lun 30 nov 2026 alle ore 10:12 Camille "
	    "<camille@example.it>\nha scritto:\n\n> Vieni?\n", "Sì, vengo.");
	check("nl: \"schreef\" with the address on the next line",
	    "Ja, ik kom.\n\nOp ma 30 nov. 2026 om 10:12 schreef Camille Roux\n"
	    "<camille@example.nl>:\n\n> Kom je?\n", "Ja, ik kom.");
	check("Gmail: ISO date, GMT offset, no verb",
	    "OUI\n\n2026-11-30 10:12 GMT+01:00 Camille <camille@example.fr>:\n"
	    "\n> STATUT\n", "OUI");
	check("Gmail: ISO date, GMT offset, no verb, wrapped, unquoted",
	    "OUI\n\n2026-11-30 10:12 GMT+01:00 Camille Roux\n"
	    "<camille@example.fr>:\nBonjour,\nSTATUT\n", "OUI");
	check("Android: slashed date, no offset, no verb",
	    "NON\n\n30/11/2026 10:12, Camille Roux <camille@example.fr>:\n"
	    "Pouvez-vous venir ?\n", "NON");
	check("Android: slashed date, no verb, no colon, wrapped",
	    "NON\n\n2026/11/30 Camille Roux\n<camille@example.fr>\n\n"
	    "> Pouvez-vous venir ?\n", "NON");
	check("negative: \"a écrit\" in prose stays",
	    "Bonjour,\nLe maire a écrit à la préfecture le 30 novembre, elle\n"
	    "a écrit : nous attendons.\nSTATUT\n",
	    "Bonjour,\nLe maire a écrit à la préfecture le 30 novembre, elle\n"
	    "a écrit : nous attendons.\nSTATUT");
	check("negative: a date and a colon in prose stay",
	    "RENCONTRE\n2026-11-30 10:12 à la mairie, apportez :\n"
	    "les plans et le budget.\n",
	    "RENCONTRE\n2026-11-30 10:12 à la mairie, apportez :\n"
	    "les plans et le budget.");
}

/* "Original Message" and forward markers, decorated or in other
 * languages and clients. */
static void
test_separators(void)
{
	check("Outlook separator between asterisks",
	    "Fine by me.\n\n*-----Original Message-----*\n*From:* Camille\n"
	    "STATUT\n", "Fine by me.");
	check("fr: Gmail forward marker",
	    "Pour info.\n\n---------- Message transféré ---------\n"
	    "De : Camille <camille@example.fr>\nSTATUT\n", "Pour info.");
	check("fr: forward marker in bold (HTML converted)",
	    "Pour info.\n\n**---------- Message transféré ---------**\nSTATUT\n",
	    "Pour info.");
	check("fr: \"Message d'origine\" between equals signs",
	    "OUI\n\n===== Message d'origine =====\nSTATUT\n", "OUI");
	check("es: \"Mensaje original\"",
	    "Sí.\n\n-----Mensaje original-----\nDe: Camille\nSTATUT\n", "Sí.");
	check("it: \"Messaggio originale\"",
	    "Sì.\n\n-------- Messaggio originale --------\nSTATUT\n", "Sì.");
	check("nl: \"Oorspronkelijk bericht\"",
	    "Ja.\n\n----- Oorspronkelijk bericht -----\nSTATUT\n", "Ja.");
	check("ru: \"Исходное сообщение\"",
	    "Да.\n\n-------- Исходное сообщение --------\nSTATUT\n", "Да.");
	check("ru: forward \"Пересылаемое сообщение\"",
	    "Да.\n\n-------- Пересылаемое сообщение --------\nSTATUT\n", "Да.");
	check("Apple Mail: \"Begin forwarded message:\"",
	    "FYI\n\nBegin forwarded message:\n\nFrom: Camille\nSTATUT\n", "FYI");
	check("Apple Mail (fr): \"Début du message réexpédié :\"",
	    "Pour info\n\nDébut du message réexpédié :\n\nDe : Camille\nSTATUT\n",
	    "Pour info");
	check("Sparrow: \"Forwarded message:\"",
	    "FYI\n\nForwarded message:\n\nFrom: Camille\nSTATUT\n", "FYI");
	check("negative: \"message d'origine\" in prose stays",
	    "Le message d'origine était clair.\nMessage original : rien.\n",
	    "Le message d'origine était clair.\nMessage original : rien.");
}

/* Signatures without a "-- " delimiter. */
static void
test_signatures(void)
{
	check("fr: closing, name, town hall, address, phone, disclaimer",
	    "OUI\n\nCordialement,\nJean Dupont\nSecrétaire de mairie\n"
	    "Mairie de Saint-Anthème\n1 place de l'Église\n"
	    "63660 Saint-Anthème\nTél. : 04 73 95 00 00\n"
	    "jean.dupont@example.fr\n\n"
	    "Ce message et ses pièces jointes sont confidentiels et établis "
	    "à l'attention exclusive de leurs destinataires. Si vous l'avez "
	    "reçu par erreur, merci de le détruire et d'en avertir "
	    "l'expéditeur.\n", "OUI");
	check("en: closing, name, phone, disclaimer",
	    "Yes, I can come.\n\nBest regards,\nJohn Smith\n"
	    "+44 20 7946 0000\n\nThis email and any attachments are "
	    "confidential and intended solely for the addressee. If you "
	    "received it in error, please delete it.\n", "Yes, I can come.");
	check("fr: \"Envoyé depuis Courrier\" with a glued link",
	    "OUI\n\nEnvoyé depuis Courrier<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> pour Windows\n\nDe : Camille\nSTATUT\n", "OUI");
	check("en: \"Sent from Mail\" with a glued link",
	    "Yes\n\nSent from Mail<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> for Windows 10\n\nFrom: Camille\n", "Yes");
	check("de: \"Gesendet von Mail\" with a glued link",
	    "Ja\n\nGesendet von Mail<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> für Windows\n", "Ja");
	check("es: \"Enviado desde Correo\" with a glued link",
	    "Sí\n\nEnviado desde Correo<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> para Windows\n", "Sí");
	check("it: \"Inviato da Posta\" with a glued link",
	    "Sì\n\nInviato da Posta<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> per Windows\n", "Sì");
	check("nl: \"Verzonden vanuit Mail\" with a glued link",
	    "Ja\n\nVerzonden vanuit Mail<https://go.microsoft.com/fwlink/"
	    "?LinkId=550986> voor Windows\n", "Ja");
	check("commands above a closing and a name stay, the signature goes",
	    "INVITER paul@example.fr\nSTATUT\n\nCordialement,\nJean\n",
	    "INVITER paul@example.fr\nSTATUT");
	check("negative: \"Cordialement\" inside a sentence is text",
	    "OUI\nJe vous salue cordialement, Jean\net Marie\n",
	    "OUI\nJe vous salue cordialement, Jean\net Marie");
	check("negative: a confidentiality sentence without closing stays",
	    "OUI\nCe message est confidentiel, merci de ne pas le diffuser.\n",
	    "OUI\nCe message est confidentiel, merci de ne pas le diffuser.");
	check("negative: a sentence like a disclaimer above a closing stays",
	    "Bonjour,\nCe message corrige une erreur de ma réponse d'hier.\n"
	    "\nCordialement,\nJean Dupont\n",
	    "Bonjour,\nCe message corrige une erreur de ma réponse d'hier.");
	check("negative: a postal address given in the reply stays",
	    "OUI\nMerci\nLe rendez-vous est au\n1 place de l'Église\n"
	    "63660 Saint-Anthème\nà côté de la poste, au premier étage,\n"
	    "porte de gauche\napportez les plans\net le budget\n",
	    "OUI\nMerci\nLe rendez-vous est au\n1 place de l'Église\n"
	    "63660 Saint-Anthème\nà côté de la poste, au premier étage,\n"
	    "porte de gauche\napportez les plans\net le budget");
	check("negative: a phone number asked for stays",
	    "Bonjour,\nvoici mon numéro :\n04 73 95 00 00\n",
	    "Bonjour,\nvoici mon numéro :\n04 73 95 00 00");
	check("negative: \"Envoyé depuis\" in prose stays",
	    "OUI\nEnvoyé depuis Courrier, le formulaire ne marchait pas.\n",
	    "OUI\nEnvoyé depuis Courrier, le formulaire ne marchait pas.");
	check("negative: \"Merci\" then seven lines of text stays",
	    "Points\nMerci\nun\ndeux\ntrois\nquatre\ncinq\nsix\nsept\n",
	    "Points\nMerci\nun\ndeux\ntrois\nquatre\ncinq\nsix\nsept");
}

/* An attribution at the very top, then unquoted text: the text is the
 * reply (some phones put the attribution above what the person wrote). */
static void
test_top_attribution(void)
{
	check("fr: attribution on top, then the reply",
	    "Le lun. 30 nov. 2026 à 10:12, Camille <camille@example.fr> a "
	    "écrit :\nOUI, je serai là.\n", "OUI, je serai là.");
	check("en: attribution on top, reply, then quoted history",
	    "On Mon, Nov 30, 2026 at 10:12 AM Camille <camille@example.com> "
	    "wrote:\nYes.\n\n> Are you coming?\n", "Yes.");
	check("attribution on top, then quoted history only",
	    "Le 30/11/2026 à 10:12, Camille a écrit :\n> STATUT\n", "");
	check("negative: text above an attribution keeps the cut",
	    "OUI\nLe 30/11/2026 à 10:12, Camille a écrit :\nSTATUT\n", "OUI");
	check("negative: a forwarded \"De :\" line on top is history",
	    "De : Camille Roux <camille@example.fr>\n\nSTATUT\n", "");
}

/* Chinese, Korean and Japanese attributions, with a full-width or an
 * ASCII colon, above unquoted history; without the colon the line is
 * the person's. */
static void
test_cjk_attributions(void)
{
	check("zh: \"写道：\", full-width colon, history unquoted",
	    "好的，我会来。\n\n2026年11月30日 10:12，Camille "
	    "<camille@example.cn> 写道：\n你来吗？\nSTATUT\n",
	    "好的，我会来。");
	check("zh: \"寫道:\", ASCII colon",
	    "好。\n\n2026年11月30日 上午10:12 Camille <camille@example.tw> "
	    "寫道:\n你來嗎？\n", "好。");
	check("ko: \"작성:\"",
	    "네, 갈게요.\n\n2026년 11월 30일 (월) 오전 10:12, Camille "
	    "<camille@example.kr>님이 작성:\n오시나요?\n", "네, 갈게요.");
	check("ja: \"のメッセージ：\"",
	    "はい、行きます。\n\n2026/11/30 10:12、Camille "
	    "<camille@example.jp> のメッセージ：\n来ますか？\n",
	    "はい、行きます。");
	check("zh: no colon at the end: the person's own line",
	    "好。\n2026年我写道理由很多\n谢谢\n",
	    "好。\n2026年我写道理由很多\n谢谢");
}

int
main(void)
{
	char err[4096];
	int rc;

	rc = rules_load(RULES_PATH, &rules, err, sizeof(err));
	ok(rc == 0, "reply rules load");
	if (rc != 0) {
		printf("# %s\n", err);
		return tap_done();
	}
	rules_prefilter(rules);		/* as the daemon loads them */
	test_wrapped_attributions();
	test_separators();
	test_signatures();
	test_top_attribution();
	test_cjk_attributions();
	rules_free(rules);
	return tap_done();
}
