/*
 * test_autodetect.c — automatic mail and bounces (autodetect.c, bounce.c)
 * with the shipped config/rules/auto.rules.
 *
 * Most messages are built by hand, field by field, as message_parse()
 * fills them, so that each case shows exactly which header or phrase
 * decides; the cases of the brief also exist as real mails (CRLF) in
 * tests/data/auto/, read through message_parse() as the daemon reads them.
 * Run from the project root (as tests/run.sh does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_PATH	"config/rules/auto.rules"
#define OUR_ADDRESS	"coupdepouce@parc-livradois-forez.org"

static struct rules *rules;

/* A message as message_parse() would leave it; strings are copied. */
static struct message *
tm_new(const char *from_name, const char *from_addr, const char *rp,
    const char *subject, const char *text)
{
	struct message *m = xcalloc(1, sizeof(*m));

	m->from.name = xstrdup(from_name ? from_name : "");
	m->from.address = xstrdup(from_addr ? from_addr : "");
	m->return_path = rp ? xstrdup(rp) : NULL;
	m->subject = xstrdup(subject ? subject : "");
	m->text = xstrdup(text ? text : "");
	m->to.items = xcalloc(1, sizeof(*m->to.items));
	m->to.items[0].name = xstrdup("");
	m->to.items[0].address = xstrdup(OUR_ADDRESS);
	m->to.n = 1;
	return m;
}

static void
tm_header(struct message *m, const char *name, const char *value)
{
	m->headers = xrealloc(m->headers, (m->nheaders + 1) *
	    sizeof(*m->headers));
	m->headers[m->nheaders].name = xstrdup(name);
	m->headers[m->nheaders].value = xstrdup(value);
	m->nheaders++;
}

static void
tm_free(struct message *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->headers);
	for (i = 0; i < m->to.n; i++) {
		free(m->to.items[i].name);
		free(m->to.items[i].address);
	}
	free(m->to.items);
	free(m->from.name);
	free(m->from.address);
	free(m->return_path);
	free(m->subject);
	free(m->text);
	free(m->delivery_status);
	free(m->returned_headers);
	free(m);
}

/* Classifies, checks the kind, frees the message; returns the bounce for
 * further checks (caller frees). */
static struct bounce_info
check_kind(struct message *m, enum msg_auto want, const char *name)
{
	struct bounce_info b;
	enum msg_auto got = autodetect_classify(m, rules, &b);

	if (!ok(got == want, name))
		printf("#   got %s, want %s\n", autodetect_name(got),
		    autodetect_name(want));
	tm_free(m);
	return b;
}

static void
expect_kind(struct message *m, enum msg_auto want, const char *name)
{
	struct bounce_info b = check_kind(m, want, name);

	if (want != MSG_AUTO_BOUNCE)
		ok(b.recipient == NULL && b.status == NULL &&
		    b.action == NULL, "  no bounce details");
	bounce_info_free(&b);
}

static const char postfix_text[] =
    "This is the mail system at host mx.parc-livradois-forez.org.\n\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients. It's attached below.\n\n"
    "                   The mail system\n\n"
    "<paul.vidal@wanadoo.fr>: host smtp-in.orange.fr[193.252.22.65] "
    "said: 550\n    5.1.1 Adresse d au moins un destinataire invalide. "
    "Invalid recipient.\n    OFR_416 [416] (in reply to RCPT TO command)\n";

static const char postfix_ds[] =
    "Reporting-MTA: dns; mx.parc-livradois-forez.org\r\n"
    "X-Postfix-Queue-ID: 4F1A2B3C4D\r\n"
    "Arrival-Date: Mon,  4 Mar 2024 10:21:05 +0100 (CET)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; paul.vidal@wanadoo.fr\r\n"
    "Original-Recipient: rfc822;paul.vidal@wanadoo.fr\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; smtp-in.orange.fr\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 Adresse d au moins un destinataire "
    "invalide.\r\n    Invalid recipient. OFR_416 [416]\r\n";

static const char orange_text[] =
    "Ce message a été créé automatiquement par le logiciel de "
    "distribution\ndu courrier.\n\n"
    "Votre message n’a pas pu être remis à un ou plusieurs "
    "destinataires.\nC'est une erreur permanente. L'adresse suivante a "
    "échoué :\n\n  michel.bonnet@orange.fr\n"
    "    boîte aux lettres inexistante : 550 5.1.1 Adresse d au moins un\n"
    "    destinataire invalide. Invalid recipient. OFR_416 [416]\n\n"
    "------ Ceci est une copie du message, en-têtes compris. ------\n\n"
    "Return-Path: <" OUR_ADDRESS ">\n"
    "From: Coup de pouce <" OUR_ADDRESS ">\n"
    "To: michel.bonnet@orange.fr\n"
    "Subject: [CDP-2024-0009] Rappel : point d'étape jeudi\n\n"
    "Bonjour Michel,\nle point d'étape est prévu jeudi 14 mars, 4.5.1 "
    "salle B.\n";

/*
 * One message built by hand and the kind autodetect_classify() must give
 * it.  headers holds name, value pairs; dsn and returned, when not NULL,
 * fill delivery_status and returned_headers.  For a bounce, each of
 * recipient, status and action that is not NULL is checked; for any other
 * kind, all three must come back NULL.
 */
struct auto_case {
	const char	*name;
	enum msg_auto	 want;
	const char	*from_name, *from_addr, *return_path;
	const char	*subject, *text;
	const char	*headers[6];
	const char	*dsn, *returned;
	const char	*recipient, *status, *action;
};

static void
check_cases(const struct auto_case *c, size_t n)
{
	for (; n > 0; c++, n--) {
		struct message *m;
		struct bounce_info b;
		size_t i;

		m = tm_new(c->from_name, c->from_addr, c->return_path,
		    c->subject, c->text);
		for (i = 0; i < 6 && c->headers[i] != NULL; i += 2)
			tm_header(m, c->headers[i], c->headers[i + 1]);
		if (c->dsn != NULL)
			m->delivery_status = xstrdup(c->dsn);
		if (c->returned != NULL)
			m->returned_headers = xstrdup(c->returned);
		if (c->want != MSG_AUTO_BOUNCE) {
			expect_kind(m, c->want, c->name);
			continue;
		}
		b = check_kind(m, c->want, c->name);
		if (c->recipient != NULL)
			is_str(b.recipient, c->recipient, "  recipient");
		if (c->status != NULL)
			is_str(b.status, c->status, "  status");
		if (c->action != NULL)
			is_str(b.action, c->action, "  action");
		bounce_info_free(&b);
	}
}

#define CHECK_CASES(t) check_cases((t), sizeof(t) / sizeof((t)[0]))

/*
 * A bounce in words needs two signs, and the words count with either of
 * the others: the subject alone or the backing alone (a delivery
 * system's address).  autodetect.c reads the words only when one of them
 * is there.
 */
static void
test_two_signs(void)
{
	static const char words[] = "This is the mail system at host "
	    "mx.example.net.\n\nI'm sorry to have to inform you that your "
	    "message could not\nbe delivered to one or more recipients.\n\n"
	    "<ancien@example.net>: host mx said: 550 5.1.1 User unknown\n";
	static const struct auto_case cases[] = {
		{ "bounce subject and words, from a person", MSG_AUTO_BOUNCE,
		  "Camille", "camille@example.net", NULL,
		  "Undelivered Mail Returned to Sender", words, { NULL },
		  NULL, NULL, "ancien@example.net", NULL, NULL },
		{ "words from a delivery system, plain subject",
		  MSG_AUTO_BOUNCE, "Mail Delivery System",
		  "MAILER-DAEMON@mx.example.net", NULL, "Votre message",
		  words, { NULL }, NULL, NULL, "ancien@example.net", NULL,
		  NULL },
		{ "the words alone are no bounce", MSG_AUTO_NONE, "Camille",
		  "camille@example.net", NULL, "Votre message", words,
		  { NULL }, NULL, NULL, NULL, NULL, NULL },
	};

	CHECK_CASES(cases);
}

static void
test_brief_cases(void)
{
	static const struct auto_case cases[] = {
		/* Outlook (Exchange Online, French UI): out-of-office reply.
		 * The subject has a no-break space before the colon. */
		{ "Outlook out-of-office in French", MSG_AUTO_REPLY,
		    "Marie Martin", "marie.martin@ville-ambert.fr",
		    "marie.martin@ville-ambert.fr",
		    "Réponse automatique\xc2\xa0: [CDP-2024-0007] "
		    "Votre demande a bien été reçue",
		    "Bonjour,\n\nJe suis absente du bureau "
		    "jusqu'au 18 mars inclus.\n",
		    .headers = { "Auto-Submitted", "auto-generated",
		    "X-Auto-Response-Suppress", "All" } },
		/* The same without Auto-Submitted (older Exchange): the
		 * subject. */
		{ "French out-of-office by subject", MSG_AUTO_REPLY,
		    "Marie Martin", "marie.martin@ville-ambert.fr",
		    "marie.martin@ville-ambert.fr",
		    "Réponse automatique : [CDP-2024-0007] Votre demande",
		    "Je suis absente.\n",
		    .headers = { "X-Auto-Response-Suppress", "All" } },
		/* Gmail vacation responder: the subject is the user's own. */
		{ "Gmail vacation responder", MSG_AUTO_REPLY,
		    "Jean Dupont", "jean.dupont@gmail.com",
		    "jean.dupont@gmail.com", "En congés jusqu'au 25 août",
		    "Bonjour,\n\nJe suis en congés jusqu'au 25 août.\n",
		    .headers = { "Auto-Submitted", "auto-replied" } },
		/* Outlook puts X-Auto-Response-Suppress on ordinary mail. */
		{ "Outlook mail with only X-Auto-Response-Suppress is a "
		    "person's", MSG_AUTO_NONE,
		    "Sophie Roche", "s.roche@asso-fourme.fr",
		    "s.roche@asso-fourme.fr",
		    "Projet de jardin partagé à Ambert",
		    "Bonjour,\n\nNotre association voudrait créer un jardin "
		    "partagé.\n",
		    .headers = { "X-Auto-Response-Suppress", "All",
		    "Thread-Topic", "Projet de jardin partagé à Ambert" } },
		/* Postfix DSN (RFC 3464) for a mail to an Orange address. */
		{ "Postfix DSN is a bounce", MSG_AUTO_BOUNCE,
		    "Mail Delivery System",
		    "MAILER-DAEMON@mx.parc-livradois-forez.org", "",
		    "Undelivered Mail Returned to Sender", postfix_text,
		    .headers = { "Auto-Submitted", "auto-replied",
		    "Content-Type", "multipart/report; "
		    "report-type=delivery-status;\t"
		    "boundary=\"4F1A2B3C4D.1709544067\"" },
		    .dsn = postfix_ds,
		    .returned = "From: Coup de pouce <" OUR_ADDRESS ">\n"
		    "To: paul.vidal@wanadoo.fr\n",
		    .recipient = "paul.vidal@wanadoo.fr", .status = "5.1.1",
		    .action = "failed" },
		/* Orange-style bounce in French, text only, no DSN part; the
		 * status comes from "550 5.1.1". */
		{ "French text bounce (Orange)", MSG_AUTO_BOUNCE,
		    "Service de remise du courrier", "MAILER-DAEMON@orange.fr",
		    "", "Message non remis", orange_text,
		    .recipient = "michel.bonnet@orange.fr", .status = "5.1.1",
		    .action = "failed" },
		/* Mailing list (Sympa/Mailman headers). */
		{ "mailing list mail", MSG_AUTO_LIST,
		    "Collectif Transition Auvergne",
		    "contact@auvergne-asso.org",
		    "transition-bounces@listes.auvergne-asso.org",
		    "[transition] Lettre d'information de mars",
		    "Bonjour à tous,\n",
		    .headers = { "List-Id", "Transition en Auvergne "
		    "<transition.listes.auvergne-asso.org>",
		    "List-Unsubscribe",
		    "<mailto:transition-unsubscribe@listes.auvergne-asso.org>",
		    "Precedence", "list" } },
		/* A person's reply, which says she will be away: still a
		 * person. */
		{ "normal reply", MSG_AUTO_NONE,
		    "Claire Faure", "claire.faure@free.fr",
		    "claire.faure@free.fr",
		    "Re: [CDP-2024-0007] Votre demande a bien été reçue",
		    "Bonjour,\n\nMerci. Je suis absente la semaine "
		    "prochaine.\n\n"
		    "Le 12/03/2024 à 09:14, Coup de pouce a écrit :\n"
		    "> Bonjour,\n",
		    .headers = { "In-Reply-To",
		    "<cdp.AAAAAQ.4f2a9c@parc-livradois-forez.org>",
		    "User-Agent", "Mozilla Thunderbird" } },
		/* RFC 3834 "no" is a person, even with a misleading subject. */
		{ "Auto-Submitted: no", MSG_AUTO_NONE,
		    "Animateur CCAM", "animateur@ccam.fr", "animateur@ccam.fr",
		    "Out of office hours: permanence du samedi",
		    "Bonjour, je vous écris au sujet de la permanence.\n",
		    .headers = { "Auto-Submitted", "no" } },
	};

	CHECK_CASES(cases);
}

static void
test_auto_replies(void)
{
	static const char *const keywords[] = {
		"auto-notified", "auto-replied", "auto-generated",
		"Auto-Replied (vacation)", "auto-generated; owner-email=x@y.fr"
	};
	static const struct {
		const char	*subject;
		enum msg_auto	 want;
	} subjects[] = {
		{ "Absence du bureau", MSG_AUTO_REPLY },
		{ "Absent du bureau : Votre demande", MSG_AUTO_REPLY },
		{ "Message d'absence", MSG_AUTO_REPLY },
		{ "Message d’absence", MSG_AUTO_REPLY },
		{ "Je suis absent", MSG_AUTO_REPLY },
		{ "Je suis absente jusqu'au 3 juin", MSG_AUTO_REPLY },
		{ "Out of Office: [CDP-2024-0003] Invitation", MSG_AUTO_REPLY },
		{ "Out of Office AutoReply: rencontre", MSG_AUTO_REPLY },
		{ "Automatic reply: [CDP-2024-0003]", MSG_AUTO_REPLY },
		{ "Auto: Jean Dupont is out of the office", MSG_AUTO_REPLY },
		{ "AUTO: Rappel rencontre", MSG_AUTO_REPLY },
		{ "Auto : covoiturage vers Ambert le 12", MSG_AUTO_NONE },
		{ "Absence", MSG_AUTO_REPLY },
		{ "Absente (retour le 12 juin)", MSG_AUTO_REPLY },
		{ "Absence : réunion du 12 reportée", MSG_AUTO_NONE },
		{ "Je suis absente.", MSG_AUTO_REPLY },
		{ "AUTO: Dupont, Jean est absent du bureau", MSG_AUTO_REPLY },
		{ "Re: blah (Automatic Response)", MSG_AUTO_REPLY },
		{ "Je suis absent jeudi, on décale ?", MSG_AUTO_NONE },
		{ "Re: absence de réponse de la mairie", MSG_AUTO_NONE },
		{ "Idée pour réduire les déchets", MSG_AUTO_NONE },
		{ "TR: Réponse automatique : test", MSG_AUTO_NONE },
	};
	static const struct auto_case others[] = {
		{ "X-Autoreply: yes", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "Re: projet", "x",
		    .headers = { "X-Autoreply", "yes" } },
		{ "X-Autorespond", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "Re: projet", "x",
		    .headers = { "X-Autorespond", "Re: projet" } },
		{ "Precedence: auto_reply", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "Re: projet", "x",
		    .headers = { "Precedence", "auto_reply" } },
		{ "Exchange inbox-rule loop header", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "TR: projet", "x",
		    .headers = { "X-MS-Exchange-Inbox-Rules-Loop",
		    "a@example.fr" } },
		{ "X-Mailer: vacation", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "Re: projet", "x",
		    .headers = { "X-Mailer", "Unix vacation 1.2" } },
		{ "X-Auto-Response-Suppress list alone", MSG_AUTO_NONE,
		    "A", "a@example.fr", "a@example.fr", "Re: projet", "x",
		    .headers = { "X-Mailer", "Microsoft Outlook 16.0",
		    "X-Auto-Response-Suppress",
		    "DR, RN, NRN, OOF, AutoReply" } },

		{ "noreply sender", MSG_AUTO_REPLY,
		    "HelloAsso", "noreply@helloasso.com",
		    "bounce@helloasso.com",
		    "Nouvelle adhésion", "x",
		    .headers = { NULL } },
		{ "ne-pas-repondre sender", MSG_AUTO_REPLY,
		    "Mairie", "ne-pas-repondre@ville-thiers.fr",
		    "ne-pas-repondre@ville-thiers.fr", "Votre demande", "x",
		    .headers = { NULL } },
		{ "postmaster notice without bounce text", MSG_AUTO_REPLY,
		    "", "postmaster@example.fr", "postmaster@example.fr",
		    "Quota", "Votre boîte est presque pleine.",
		    .headers = { NULL } },
		{ "empty envelope sender", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "", "Merci", "Merci pour votre mail",
		    .headers = { NULL } },
		{ "Auto-Submitted: No over Return-Path <>", MSG_AUTO_NONE,
		    "A", "a@example.fr", "", "Merci", "Merci",
		    .headers = { "Auto-Submitted", "No" } },

		/* Order: a bounce with Auto-Submitted (Exim adds it) is a
		 * bounce; a vacation reply with Precedence: bulk is an
		 * auto-reply. */
		{ "auto-reply before list", MSG_AUTO_REPLY,
		    "A", "a@example.fr", "a@example.fr", "Re: x", "x",
		    .headers = { "Auto-Submitted", "auto-replied",
		    "Precedence", "bulk" } },
	};
	struct message *m;
	char name[160];
	size_t i;

	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		m = tm_new("A", "a@example.fr", "a@example.fr", "Bonjour", "x");
		tm_header(m, "Auto-Submitted", keywords[i]);
		snprintf(name, sizeof(name), "Auto-Submitted: %s", keywords[i]);
		expect_kind(m, MSG_AUTO_REPLY, name);
	}
	for (i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		m = tm_new("A", "a@example.fr", "a@example.fr",
		    subjects[i].subject, "Bonjour");
		snprintf(name, sizeof(name), "subject \"%s\"",
		    subjects[i].subject);
		expect_kind(m, subjects[i].want, name);
	}

	CHECK_CASES(others);
}

static void
test_lists(void)
{
	static const struct auto_case cases[] = {
		{ "Precedence: bulk", MSG_AUTO_LIST,
		    "A", "news@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "Precedence", "bulk" } },
		{ "Precedence: junk", MSG_AUTO_LIST,
		    "A", "news@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "Precedence", "junk" } },
		{ "List-Unsubscribe alone", MSG_AUTO_NONE,
		    "A", "news@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "List-Unsubscribe",
		    "<https://example.fr/u>" } },
		{ "List-Unsubscribe with Precedence", MSG_AUTO_LIST,
		    "A", "news@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "List-Unsubscribe", "<https://example.fr/u>",
		    "Precedence", "first-class" } },
		{ "List-Unsubscribe with one-click post", MSG_AUTO_LIST,
		    "A", "news@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "List-Unsubscribe", "<https://example.fr/u>",
		    "List-Unsubscribe-Post", "List-Unsubscribe=One-Click" } },
		{ "a newsletter from noreply is a list", MSG_AUTO_LIST,
		    "A", "noreply@example.fr", "b@example.fr", "Lettre", "x",
		    .headers = { "List-Id", "<lettre.example.fr>" } },
	};

	CHECK_CASES(cases);
}

static void
test_bounces(void)
{
	static const struct auto_case cases[] = {
		/* qmail */
		{ "qmail bounce", MSG_AUTO_BOUNCE,
		    "", "MAILER-DAEMON@mx4.example.fr", "", "failure notice",
		    "Hi. This is the qmail-send program at mx4.example.fr.\n"
		    "I'm afraid I wasn't able to deliver your message to the "
		    "following addresses.\nThis is a permanent error; "
		    "I've given up. Sorry it didn't work out.\n\n"
		    "<luc@example.net>:\n"
		    "192.0.2.32 does not like recipient.\nRemote host said: "
		    "550 Unknown user luc@example.net (#5.1.1)\n\n"
		    "--- Below this line is a copy of the message.\n\n"
		    "From: " OUR_ADDRESS "\nTo: luc@example.net\n\nRDV 4.2.1\n",
		    .recipient = "luc@example.net", .status = "5.1.1" },
		/* Exim, with Auto-Submitted and X-Failed-Recipients; the
		 * status comes from the bare reply code. */
		{ "Exim bounce despite Auto-Submitted", MSG_AUTO_BOUNCE,
		    "Mail Delivery System", "Mailer-Daemon@mail.example.org",
		    "", "Mail delivery failed: returning message to sender",
		    "This message was created automatically by mail delivery "
		    "software.\n\nA message that you sent could not be "
		    "delivered to one or more of its\nrecipients. This is a "
		    "permanent error. The following address(es) failed:\n\n"
		    "  anne@example.org\n"
		    "    SMTP error from remote mail server after RCPT TO:"
		    "<anne@example.org>:\n    host mx.example.org "
		    "[192.0.2.20]: 550 Unrouteable address\n\n------ This "
		    "is a copy of the message, including all the headers. "
		    "------\n",
		    .headers = { "Auto-Submitted", "auto-replied",
		    "X-Failed-Recipients", "anne@example.org" },
		    .recipient = "anne@example.org", .status = "5.0.0" },
		/* Exchange / Outlook NDR in French, text part */
		{ "Exchange NDR in French", MSG_AUTO_BOUNCE,
		    "", "postmaster@ville-saumur.fr", "",
		    "Non remis : Invitation à la première rencontre",
		    "Échec de la remise pour ces destinataires ou groupes :\n\n"
		    "transports@agglo-saumur.fr"
		    "<mailto:transports@agglo-saumur.fr>\n"
		    "L'adresse de messagerie que vous avez entrée est "
		    "introuvable.\n\n"
		    "Informations de diagnostic pour les administrateurs :\n\n"
		    "Serveur de génération : SRV124.ville-saumur.fr\n\n"
		    "transports@agglo-saumur.fr\nRemote Server returned '550 "
		    "5.1.1 RESOLVER.ADR.RecipNotFound; not found'\n\n"
		    "En-têtes de message d'origine :\n\nTo: x@example.fr\n",
		    .recipient = "transports@agglo-saumur.fr",
		    .status = "5.1.1" },
		/* Exchange NDR in English, from Office 365 */
		{ "Exchange NDR in English", MSG_AUTO_BOUNCE,
		    "Microsoft Outlook", "postmaster@contoso.onmicrosoft.com",
		    "", "Undeliverable: [CDP-2024-0002] Rencontre",
		    "Delivery has failed to these recipients or groups:\n\n"
		    "bob@contoso.fr\nThe email address you entered couldn't be "
		    "found.\n",
		    .recipient = "bob@contoso.fr" },
		/* A person forwarding a bounce to ask for help is not a
		 * bounce. */
		{ "forwarded bounce from a person", MSG_AUTO_NONE,
		    "Claire Faure", "claire.faure@free.fr",
		    "claire.faure@free.fr",
		    "TR: Undelivered Mail Returned to Sender",
		    "Bonjour, j'ai reçu ceci, que faire ?\n\n---------- "
		    "Message transféré ----------\nThis is the mail system "
		    "at host smtp.free.fr.\nI'm sorry to have to inform you "
		    "that your message could not\nbe delivered to one or "
		    "more recipients.\n",
		    .headers = { NULL } },
		/* Notifications from no-reply senders that only look like
		 * bounces. */
		{ "shop delivery notice is no bounce", MSG_AUTO_REPLY,
		    "Boutique", "noreply@boutique.example.fr",
		    "bounces@boutique.example.fr",
		    "Delivery status of your order",
		    "Your parcel has been delivered to the relay point.\n",
		    .headers = { NULL } },
		{ "form notice is no bounce", MSG_AUTO_REPLY,
		    "Formulaire", "ne-pas-repondre@ville-thiers.fr",
		    "ne-pas-repondre@ville-thiers.fr", "Votre inscription",
		    "Adresse e-mail invalide : merci de corriger le "
		    "formulaire.\n",
		    .headers = { NULL } },
		/* A permanent failure that says "has not been delivered"; the
		 * recipient is found by scanning for an address. */
		{ "permanent NDR", MSG_AUTO_BOUNCE,
		    "", "postmaster@example.net", "",
		    "Undeliverable: Rencontre",
		    "Your message has not been delivered to jo@example.net:\n"
		    "550 5.1.1 unknown user\n",
		    .recipient = "jo@example.net", .action = "failed" },
		/* A person quoting NDR sentences in a reply. */
		{ "bounce sentence quoted by a person", MSG_AUTO_NONE,
		    "Luc", "luc@example.fr", "luc@example.fr",
		    "Re: adresse de Paul", "Paul m'a dit que son adresse donne "
		    "\"Delivery has failed to these recipients or groups\".\n",
		    .headers = { NULL } },
	};

	CHECK_CASES(cases);
}

static void
test_reports(void)
{
	static const struct auto_case cases[] = {
		/* Success DSN (NOTIFY=SUCCESS): automatic, nobody failing. */
		{ "success DSN is automatic, not a bounce", MSG_AUTO_REPLY,
		    "Mail Delivery System", "MAILER-DAEMON@mx.example.fr", "",
		    "Successful Mail Delivery Report",
		    "This is the mail system at host mx.example.fr.\n\nYour "
		    "message was successfully delivered to the destination(s)\n"
		    "listed below.\n",
		    .headers = { "Content-Type", "multipart/report; "
		    "report-type=delivery-status; boundary=x" },
		    .dsn = "Reporting-MTA: dns; mx.example.fr\n\n"
		    "Final-Recipient: rfc822; a@example.fr\nAction: delivered\n"
		    "Status: 2.0.0\n\nFinal-Recipient: rfc822; b@example.fr\n"
		    "Action: relayed\nStatus: 2.0.0\n" },
		/* Delayed DSN: a bounce whose action is "delayed". */
		{ "delayed DSN", MSG_AUTO_BOUNCE,
		    "Mail Delivery System", "MAILER-DAEMON@mx.example.fr", "",
		    "Delayed Mail (still being retried)",
		    "This is the mail system at host mx.example.fr.\n\n"
		    "####################################################\n"
		    "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND #\n",
		    .dsn = "Reporting-MTA: dns; mx.example.fr\n\n"
		    "Final-Recipient: rfc822; lent@example.net\n"
		    "Action: delayed\nStatus: 4.4.1\nDiagnostic-Code: "
		    "X-Postfix; connect to mx.example.net[192.0.2.9]:25: "
		    "Connection timed out\n"
		    "Will-Retry-Until: Fri, 8 Mar 2024 10:00:00 +0100\n",
		    .recipient = "lent@example.net", .status = "4.4.1",
		    .action = "delayed" },
		/* Non-standard delay warning: the text says so. */
		{ "Sendmail delay warning in text", MSG_AUTO_BOUNCE,
		    "Mail Delivery Subsystem", "MAILER-DAEMON@mx.example.fr",
		    "",
		    "Warning: could not send message for past 4 hours",
		    "    **********************************************\n"
		    "    **      THIS IS A WARNING MESSAGE ONLY      **\n"
		    "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n"
		    "    **********************************************\n\n"
		    "The original message was received at Fri, 8 Mar 2024\n"
		    "----- Transcript of session follows -----\n"
		    "<lent@example.net>... Deferred: Connection timed out\n"
		    "Warning: message still undelivered after 4 hours\n"
		    "Will keep trying until message is 5 days old\n",
		    .recipient = "lent@example.net", .action = "delayed" },
		/* ARF abuse complaint (RFC 5965). */
		{ "ARF feedback report is automatic", MSG_AUTO_REPLY,
		    "Yahoo! Mail AntiSpam Feedback",
		    "feedback@arf.mail.yahoo.com",
		    "abuse@returns.bulk.yahoo.com", "Fw: Rencontre",
		    "This is an email abuse report for an email message "
		    "received from IP 192.0.2.4.\n",
		    .headers = { "Content-Type", "multipart/report; "
		    "report-type=\"feedback-report\"; boundary=\"b\"" } },
		/* A DSN in the text when the MIME structure was broken. */
		{ "DSN fields left in the text", MSG_AUTO_BOUNCE,
		    "Mail Delivery Subsystem", "MAILER-DAEMON@mx.example.fr",
		    "",
		    "Returned mail: see transcript for details",
		    "The original message was received at Fri, 8 Mar 2024\n\n"
		    "Reporting-MTA: dns; mx.example.fr\n\n"
		    "Final-Recipient: RFC822; perdu@example.net\n"
		    "Action: failed\nStatus: 5.1.1\n",
		    .recipient = "perdu@example.net", .status = "5.1.1" },
		/* Boxbe challenge-response: a report block without
		 * recipient. */
		{ "report block with neither recipient nor status",
		    MSG_AUTO_REPLY,
		    "", "noreply@boxbe.com", "noreply@boxbe.com",
		    "Re: Rencontre (Action Required)",
		    "Hello,\nYour message has been waitlisted.\n",
		    .headers = { "Content-Type", "multipart/report; "
		    "report-type=delivery-status; boundary=b" },
		    .dsn = "Reporting-MTA: dns; boxbe.com\n"
		    "Remote-MTA: dns; yahoo.com\nAction: failed\n" },
	};

	CHECK_CASES(cases);
}

static void
test_dsn_parser(void)
{
	struct bounce_info b = { NULL, NULL, NULL };
	char *big;
	size_t n;

	is_int(bounce_parse_dsn(NULL, &b), BOUNCE_DSN_NONE, "dsn: NULL");
	is_int(bounce_parse_dsn("", &b), BOUNCE_DSN_NONE, "dsn: empty");
	is_int(bounce_parse_dsn("garbage\n\n:::\n\t\n", &b), BOUNCE_DSN_NONE,
	    "dsn: garbage");
	ok(b.recipient == NULL && b.status == NULL && b.action == NULL,
	    "dsn: nothing filled for NONE");

	/* Postfix: generic Status made precise by the diagnostic. */
	is_int(bounce_parse_dsn("Reporting-MTA: dns; a\r\n\r\n"
	    "Final-Recipient: rfc822; <X@Example.net>\r\nAction: Failed\r\n"
	    "Status: 5.0.0\r\nDiagnostic-Code: smtp; 550\r\n 5.2.2 "
	    "mailbox full\r\n", &b), BOUNCE_DSN_FAILED, "dsn: failed");
	is_str(b.recipient, "X@Example.net", "dsn: <> and type removed");
	is_str(b.status, "5.2.2", "dsn: status from folded diagnostic");
	is_str(b.action, "failed", "dsn: action lower case");
	bounce_info_free(&b);

	/* First failed recipient wins over an earlier delivered one, and
	 * Original-Recipient over Final-Recipient. */
	is_int(bounce_parse_dsn("Reporting-MTA: dns; a\n\n"
	    "Final-Recipient: rfc822; ok@example.net\nAction: delivered\n"
	    "Status: 2.0.0\n\nFinal-Recipient: rfc822; alias@example.net\n"
	    "Original-Recipient: rfc822; written@example.net\n"
	    "Action: failed\nStatus: 5.1.1\n\n"
	    "Final-Recipient: rfc822; second@example.net\nAction: failed\n"
	    "Status: 5.1.1\n", &b), BOUNCE_DSN_FAILED, "dsn: mixed");
	is_str(b.recipient, "written@example.net",
	    "dsn: Original-Recipient of the first failed");
	bounce_info_free(&b);

	/* Blocks run together, no Action (some Exchange versions). */
	is_int(bounce_parse_dsn("Final-Recipient: rfc822;a@example.net\n"
	    "Status: 2.0.0\nFinal-Recipient: rfc822;b@example.net\n"
	    "Status: 5.7.1 (blocked)\n", &b), BOUNCE_DSN_FAILED,
	    "dsn: blocks without blank line, status only");
	is_str(b.recipient, "b@example.net", "dsn: second block");
	is_str(b.status, "5.7.1", "dsn: status text dropped");
	bounce_info_free(&b);

	is_int(bounce_parse_dsn("Original-Recipient: rfc822;a@example.net\n"
	    "Final-Recipient: rfc822;a1@example.net\nAction: delivered\n"
	    "Original-Recipient: rfc822;b@example.net\n"
	    "Final-Recipient: rfc822;b1@example.net\nAction: failed\n", &b),
	    BOUNCE_DSN_FAILED, "dsn: run together, Original-Recipient first");
	is_str(b.recipient, "b@example.net", "dsn: its Original-Recipient");
	bounce_info_free(&b);

	is_int(bounce_parse_dsn("Final-Recipient: rfc822; a@example.net\n"
	    "Action: expanded\nStatus: 2.0.0\n", &b), BOUNCE_DSN_DELIVERED,
	    "dsn: expanded is a success");
	ok(b.recipient == NULL && b.action == NULL,
	    "dsn: success fills nothing");

	/* Status codes are not taken from IP addresses or versions. */
	is_int(bounce_parse_dsn("Final-Recipient: rfc822; a@example.net\n"
	    "Action: failed\nStatus: 10.5.1.1\nDiagnostic-Code: smtp; "
	    "host 192.4.5.1 said 554\n", &b), BOUNCE_DSN_FAILED,
	    "dsn: odd status");
	is_str(b.status, "5.0.0", "dsn: reply code, not an IP address");
	bounce_info_free(&b);

	/* A huge report is read up to its cap, without harm. */
	n = BOUNCE_MAX_DSN + 4096;
	big = xmalloc(n + 1);
	memset(big, 'A', n);
	memcpy(big, "Final-Recipient: rfc822; ", 25);
	big[n] = '\0';
	is_int(bounce_parse_dsn(big, &b), BOUNCE_DSN_NONE,
	    "dsn: huge field, no @");
	bounce_info_free(&b);
	free(big);
}

static void
test_fixtures(void)
{
	static const struct {
		const char	*file;
		enum msg_auto	 want;
		const char	*recipient, *status, *action;
	} cases[] = {
		{ "outlook_ooo_fr.eml", MSG_AUTO_REPLY, NULL, NULL, NULL },
		{ "gmail_vacation.eml", MSG_AUTO_REPLY, NULL, NULL, NULL },
		{ "outlook_normal.eml", MSG_AUTO_NONE, NULL, NULL, NULL },
		{ "postfix_dsn.eml", MSG_AUTO_BOUNCE, "paul.vidal@wanadoo.fr",
		    "5.1.1", "failed" },
		{ "orange_bounce_fr.eml", MSG_AUTO_BOUNCE,
		    "michel.bonnet@orange.fr", "5.1.1", "failed" },
		{ "list_mail.eml", MSG_AUTO_LIST, NULL, NULL, NULL },
		{ "normal_reply.eml", MSG_AUTO_NONE, NULL, NULL, NULL },
		{ "auto_submitted_no.eml", MSG_AUTO_NONE, NULL, NULL, NULL },
	};
	char path[256], err[256], name[300];
	size_t i, len = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct message *m = NULL;
		struct bounce_info b;
		enum msg_auto got;
		char *raw;

		snprintf(path, sizeof(path), "tests/data/auto/%s",
		    cases[i].file);
		raw = read_file(path, &len);
		if (!ok(raw != NULL, path))
			continue;
		if (!ok(message_parse(raw, len, &m, err, sizeof(err)) == 0,
		    "  parses")) {
			printf("#   %s\n", err);
			free(raw);
			continue;
		}
		got = autodetect_classify(m, rules, &b);
		snprintf(name, sizeof(name), "  %s is %s", cases[i].file,
		    autodetect_name(cases[i].want));
		is_str(autodetect_name(got), autodetect_name(cases[i].want),
		    name);
		is_str(b.recipient, cases[i].recipient, "  recipient");
		is_str(b.status, cases[i].status, "  status");
		is_str(b.action, cases[i].action, "  action");
		bounce_info_free(&b);
		message_free(m);
		free(raw);
	}
}

static void
test_without_rules(void)
{
	struct message *m;
	enum msg_auto got;

	m = tm_new("A", "a@example.fr", "a@example.fr", "Re: x", "x");
	tm_header(m, "Auto-Submitted", "auto-replied");
	got = autodetect_classify(m, NULL, NULL);
	is_str(autodetect_name(got), "auto-reply",
	    "no rules: Auto-Submitted still seen; bounce may be NULL");
	tm_free(m);

	m = tm_new("", "MAILER-DAEMON@mx.example.fr", "",
	    "Undelivered Mail Returned to Sender", "");
	m->delivery_status = xstrdup(postfix_ds);
	got = autodetect_classify(m, NULL, NULL);
	is_str(autodetect_name(got), "bounce", "no rules: DSN still a bounce");
	tm_free(m);
}

static void
test_names(void)
{
	is_str(autodetect_name(MSG_AUTO_NONE), "none", "name none");
	is_str(autodetect_name(MSG_AUTO_REPLY), "auto-reply", "name reply");
	is_str(autodetect_name(MSG_AUTO_BOUNCE), "bounce", "name bounce");
	is_str(autodetect_name(MSG_AUTO_LIST), "list", "name list");
	bounce_info_free(NULL);
	ok(1, "bounce_info_free(NULL) is a no-op");
}

int
main(void)
{
	char err[4096];

	if (rules_load(RULES_PATH, &rules, err, sizeof(err)) != 0) {
		printf("not ok 1 - load %s\n# %s\n", RULES_PATH, err);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	test_names();
	test_brief_cases();
	test_two_signs();
	test_auto_replies();
	test_lists();
	test_bounces();
	test_reports();
	test_dsn_parser();
	test_fixtures();
	test_without_rules();
	rules_free(rules);
	return tap_done();
}
