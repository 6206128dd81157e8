/*
 * test_mime.c — message_parse() on mails as real clients send them (the
 * .eml fixtures of tests/data, CRLF, French) and on mails built here to be
 * broken: RFC 2047/2231 corner cases, charsets that lie, address forms
 * people and old clients write, and input meant to hurt (NUL bytes, 10 000
 * headers, deep nesting, huge lines), which must give a best-effort result
 * or a clean error, never a crash (`make check` runs this under ASan and
 * UBSan).  Expected values are exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/charset.h"
#include "parse/message.h"
#include "tap.h"
#include "testutil.h"

static struct message *
parse_fixture(const char *name)
{
	char path[256], err[256];
	struct message *msg = NULL;
	size_t len;
	char *raw;

	snprintf(path, sizeof(path), "tests/data/%s", name);
	raw = load_fixture(path, &len);
	if (message_parse(raw, len, &msg, err, sizeof(err)) != 0) {
		printf("# %s: %s\n", name, err);
		msg = NULL;
	}
	free(raw);
	return msg;
}

static struct message *
parse_str(const char *raw)
{
	char err[256];
	struct message *msg = NULL;

	if (message_parse(raw, strlen(raw), &msg, err, sizeof(err)) != 0) {
		printf("# parse: %s\n", err);
		return NULL;
	}
	return msg;
}

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = civil(y, mo, d, h, mi, s);

	return timegm(&tm);
}

/* is_int() that also says whether it passed. */
static int
n_is(long long got, long long want, const char *name)
{
	is_int(got, want, name);
	return got == want;
}

static int
no_controls(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Fixtures from real clients                                          */

static void
test_thunderbird(void)
{
	struct message *m = parse_fixture("thunderbird_flowed_reply.eml");

	if (!ok(m != NULL, "thunderbird: parses"))
		return;
	is_str(m->from.name, "Élodie Marchand", "thunderbird: From name");
	is_str(m->from.address, "elodie.marchand@example.net",
	    "thunderbird: From address");
	is_int(m->to.n, 1, "thunderbird: one To");
	is_str(m->to.items[0].name, "Coup de pouce", "thunderbird: To name");
	is_str(m->to.items[0].address, "coupdepouce@parc-livradois-forez.org",
	    "thunderbird: To address");
	is_int(m->cc.n, 1, "thunderbird: one Cc");
	is_str(m->cc.items[0].name, "François Besson",
	    "thunderbird: Cc name (RFC 2047)");
	is_str(m->subject, "Re: [CDP-2026-0042] Projet de jardin partagé à "
	    "Ambert", "thunderbird: Subject, folded encoded words");
	ok(m->has_date, "thunderbird: has a date");
	is_int(m->date, utc(2026, 11, 28, 18, 12, 44), "thunderbird: Date UTC");
	is_int(m->date_offset, 60, "thunderbird: sender offset +01:00");
	is_str(m->message_id, "4f1c2a7e-9b3d-4c55-8e21-6a0f3d2b9c81@example.net",
	    "thunderbird: Message-ID without <>");
	is_str(m->in_reply_to,
	    "cdp.AAEAAAAqAAAAB2p1ZGl0aA.x9Qe3mZk@parc-livradois-forez.org",
	    "thunderbird: In-Reply-To");
	is_int(m->nreferences, 1, "thunderbird: one reference");
	is_str(m->references[0],
	    "cdp.AAEAAAAqAAAAB2p1ZGl0aA.x9Qe3mZk@parc-livradois-forez.org",
	    "thunderbird: References");
	is_str(m->return_path, "elodie.marchand@example.net",
	    "thunderbird: Return-Path");
	is_str(m->text,
	    "Bonjour,\n"
	    "\n"
	    "Merci pour votre réponse rapide. Je suis disponible mardi 1er "
	    "décembre pour une première rencontre, de préférence en fin "
	    "d'après-midi, à la salle des fêtes d'Ambert.\n"
	    "\n"
	    "Nous serons trois : Jérôme, François et moi.\n"
	    "\n"
	    "Bien cordialement,\n"
	    "-- \n"
	    "Élodie Marchand\n"
	    "Association Les Jardins du Livradois\n"
	    "\n"
	    "Le 28/11/2026 à 18:05, Coup de pouce a écrit :\n"
	    "> Bonjour Élodie,\n"
	    ">\n"
	    "> Votre demande a bien été reçue et enregistrée sous la référence "
	    "CDP-2026-0042. Une personne référente vous contactera "
	    "prochainement.\n"
	    ">\n"
	    "> L'équipe Coup de pouce\n",
	    "thunderbird: flowed text unwrapped, quotes kept");
	ok(!m->text_from_html && m->html == NULL, "thunderbird: plain only");
	is_int(m->nattachments, 0, "thunderbird: no attachment");
	is_str(message_header(m, "user-agent"), "Mozilla Thunderbird",
	    "thunderbird: header lookup ignores case");
	is_str(message_header(m, "Received"), "from smtp.example.net "
	    "(smtp.example.net [192.0.2.25])\tby mx.parc-livradois-forez.org "
	    "(Postfix) with ESMTPS id 4N7k2L0Xq1z9v\tfor "
	    "<coupdepouce@parc-livradois-forez.org>; Sat, 28 Nov 2026 19:12:47 "
	    "+0100 (CET)", "thunderbird: headers unfolded, raw");
	is_str(message_header(m, "Subject"), "Re: [CDP-2026-0042] Projet de "
	    "jardin =?UTF-8?Q?partag=C3=A9_=C3=A0_?= =?UTF-8?Q?Ambert?=",
	    "thunderbird: raw header not decoded");
	is_int(m->nheaders, 16, "thunderbird: all headers kept");
	ok(!m->truncated, "thunderbird: not truncated");
	message_free(m);
}

static void
test_gmail(void)
{
	struct message *m = parse_fixture("gmail_alternative.eml");

	if (!ok(m != NULL, "gmail: parses"))
		return;
	is_str(m->from.name, "Jean-Pierre Rouchon", "gmail: From name");
	is_str(m->subject, "Re: [CDP-2026-0043] Covoiturage vers le marché de "
	    "Cunlhat", "gmail: Subject with one encoded word");
	is_str(m->message_id, "CAHk3x=wZ8fQ2nV0pD7sYq1bR4mLc9TgXe5uJ6oA3iNh8Kv2"
	    "Ww@mail.gmail.com", "gmail: Message-ID");
	is_int(m->date, utc(2026, 11, 29, 8, 41, 3), "gmail: Date");
	is_str(m->text,
	    "Bonjour,\n"
	    "\n"
	    "Oui, je confirme\xc2\xa0: nous avons déjà six conducteurs "
	    "volontaires pour le covoiturage du jeudi matin.\n"
	    "\n"
	    "Je vous envoie la liste des communes desservies\xc2\xa0:\n"
	    "- Cunlhat\n"
	    "- Tours-sur-Meymont\n"
	    "- Auzelles\n"
	    "\n"
	    "Cordialement,\n"
	    "Jean-Pierre\n"
	    "\n"
	    "Le sam. 28 nov. 2026 à 18:05, Coup de pouce "
	    "<coupdepouce@parc-livradois-forez.org> a écrit\xc2\xa0:\n"
	    "\n"
	    "> Bonjour Jean-Pierre,\n"
	    ">\n"
	    "> Pourriez-vous préciser le nombre de conducteurs ?\n"
	    ">\n"
	    "> L'équipe Coup de pouce\n"
	    ">\n",
	    "gmail: the text/plain alternative is the text");
	ok(!m->text_from_html, "gmail: text not from HTML");
	like_str(m->html, "<div class=\"gmail_quote gmail_quote_container\">",
	    "gmail: the HTML alternative is kept, decoded");
	is_int(m->nattachments, 0, "gmail: no attachment");
	message_free(m);
}

static void
test_outlook(void)
{
	struct message *m = parse_fixture("outlook_html_cp1252.eml");

	if (!ok(m != NULL, "outlook: parses"))
		return;
	is_str(m->subject, "RE: [CDP-2026-0044] Chaufferie bois pour l’école",
	    "outlook: windows-1252 encoded word (0x92 quote)");
	is_str(m->to.items[0].name, "coupdepouce@parc-livradois-forez.org",
	    "outlook: quoted address as display name");
	is_int(m->date_offset, 0, "outlook: +0000");
	is_str(m->text,
	    "Bonjour,\n"
	    "\n"
	    "Le conseil municipal a voté jeudi le principe d’une chaufferie "
	    "bois pour l’école ; le devis s’élève à 48 000 €.\n"
	    "Nous souhaitons être accompagnés pour la suite… et pour la "
	    "mobilisation des habitants (chantiers participatifs, œuvre "
	    "collective).\n"
	    "\n"
	    "Bien à vous,\n"
	    "Sylvie Chassaing\n"
	    "Secrétaire de mairie\n"
	    "\n"
	    "> De : Coup de pouce <coupdepouce@parc-livradois-forez.org>\n"
	    "> Envoyé : vendredi 27 novembre 2026 16:30\n"
	    "> À : Secrétariat mairie <secretariat@mairie.example.org>\n"
	    "> Objet : [CDP-2026-0044] Chaufferie bois pour l’école\n"
	    ">\n"
	    "> Bonjour,\n"
	    "> Votre demande a bien été reçue.\n",
	    "outlook: HTML-only text, history after \"De :\" quoted");
	ok(m->text_from_html, "outlook: text from HTML");
	like_str(m->html, "Chaufferie bois pour l’école",
	    "outlook: HTML converted to UTF-8");
	message_free(m);
}

static void
test_iphone(void)
{
	struct message *m = parse_fixture("apple_iphone_photo.eml");

	if (!ok(m != NULL, "iphone: parses"))
		return;
	is_str(m->subject, "Re: [CDP-2026-0045] Terrain pour le verger",
	    "iphone: Subject");
	is_str(m->text,
	    "Bonjour,\n"
	    "Voici une photo du terrain derrière l’église\xc2\xa0:\n"
	    "\n"
	    "Lucie\n"
	    "\n"
	    "Envoyé de mon iPhone\n"
	    "\n"
	    "> Le 1 déc. 2026 à 09:12, Coup de pouce "
	    "<coupdepouce@parc-livradois-forez.org> a écrit :\n"
	    "> \n"
	    "> Pourriez-vous nous envoyer une photo du terrain ?\n",
	    "iphone: text parts around the photo joined");
	if (n_is(m->nattachments, 1, "iphone: one attachment")) {
		is_str(m->attachments[0].filename, "IMG_0412.jpeg",
		    "iphone: photo name");
		is_str(m->attachments[0].content_type, "image/jpeg",
		    "iphone: photo type");
		is_int(m->attachments[0].size, 91, "iphone: photo size");
		ok(m->attachments[0].inline_part, "iphone: photo is inline");
	}
	message_free(m);
}

static void
test_orange(void)
{
	struct message *m = parse_fixture("orange_latin1_pdf.eml");

	if (!ok(m != NULL, "orange: parses"))
		return;
	is_str(m->from.name, "Marie-Thérèse Fayolle",
	    "orange: ISO-8859-1 encoded display name");
	is_str(m->subject, "Demande d'aide pour la rénovation du four à pain",
	    "orange: ISO-8859-1 encoded subject");
	is_str(m->to.items[0].name, "", "orange: bare To address, no name");
	is_int(m->date, utc(2026, 12, 1, 9, 25, 0),
	    "orange: Date with (CET) comment");
	is_str(m->text,
	    "Bonjour,\n"
	    "\n"
	    "Notre comité des fêtes souhaite restaurer le four à pain "
	    "communal de Chaumont-le-Bourg et le faire chauffer au bois des "
	    "haies voisines.\n"
	    "Vous trouverez ci-joint la présentation du projet.\n"
	    "\n"
	    "Très cordialement,\n"
	    "Marie-Thérèse Fayolle\n",
	    "orange: ISO-8859-1 quoted-printable text");
	if (n_is(m->nattachments, 1, "orange: one attachment")) {
		is_str(m->attachments[0].filename,
		    "Présentation du projet énergétique.pdf",
		    "orange: RFC 2231 continued, charset'lang' file name");
		is_str(m->attachments[0].content_type, "application/pdf",
		    "orange: PDF type");
		is_int(m->attachments[0].size, 142, "orange: decoded PDF size");
		ok(!m->attachments[0].inline_part, "orange: PDF not inline");
	}
	message_free(m);
}

static void
test_raw_latin1(void)
{
	struct message *m = parse_fixture("raw_latin1_subject.eml");

	if (!ok(m != NULL, "raw latin-1: parses"))
		return;
	is_str(m->subject, "Réunion publique à Ambert : transport solidaire",
	    "raw latin-1: 8-bit subject read as windows-1252");
	is_str(m->from.name, "Gérard Vialle", "raw latin-1: 8-bit From name");
	is_str(m->text, "Bonjour,\nLa réunion publique sur le transport "
	    "solidaire aura lieu à la salle polyvalente, jeudi à 20 h.\n"
	    "Gérard\n", "raw latin-1: body without charset");
	message_free(m);
}

static void
test_utf8_lie(void)
{
	struct message *m = parse_fixture("utf8_declared_cp1252.eml");

	if (!ok(m != NULL, "utf-8 lie: parses"))
		return;
	is_str(m->from.name, "Association Bois & Bocage",
	    "utf-8 lie: quoted name with &");
	is_str(m->subject, "Chantier participatif – haies bocagères",
	    "utf-8 lie: Subject");
	is_str(m->text, "Bonjour,\n"
	    "Merci pour l’accueil de samedi – nous étions 23 bénévoles.\n"
	    "Le coût des plants s’élève à 350 € ; la mairie prend en charge "
	    "la moitié.\n"
	    "Prochaine œuvre commune : la mare, en février…\n",
	    "utf-8 lie: windows-1252 body declared UTF-8");
	ok(charset_utf8_valid(m->text, strlen(m->text)),
	    "utf-8 lie: result is valid UTF-8");
	message_free(m);
}

static void
test_broken_boundary(void)
{
	struct message *m = parse_fixture("broken_boundary.eml");

	if (!ok(m != NULL, "broken boundary: parses"))
		return;
	is_str(m->subject, "Compte rendu réunion du 24 novembre",
	    "broken boundary: Subject, encoded word mid-text");
	is_str(m->text, "Bonjour,\nVeuillez trouver ci-joint le compte rendu "
	    "de la réunion du 24 novembre.\nCordialement,\nPaul Gidon\n",
	    "broken boundary: the text part found with the used delimiter");
	if (n_is(m->nattachments, 1, "broken boundary: one attachment")) {
		is_str(m->attachments[0].filename, "Compte rendu 24-11.docx",
		    "broken boundary: file name");
		is_int(m->attachments[0].size, 236, "broken boundary: size");
	}
	message_free(m);
}

static void
test_truncated(void)
{
	struct message *m = parse_fixture("truncated_base64.eml");

	if (!ok(m != NULL, "truncated base64: parses"))
		return;
	is_str(m->from.name, "Anne-Sophie Duvernay",
	    "truncated base64: B-encoded name");
	is_str(m->subject, "Grainothèque de Marsac",
	    "truncated base64: B-encoded subject");
	is_str(m->text, "Bonjour à toutes et à tous,\n\nLa grainothèque de "
	    "Marsac ouvre samedi prochain à la médiathèque. Apportez vos "
	    "graines de tomates, de haricots et de courges : chaque sachet "
	    "sera étiqueté avec l",
	    "truncated base64: what was there is decoded");
	message_free(m);
}

static void
test_bounce(void)
{
	struct message *m = parse_fixture("bounce_postfix.eml");

	if (!ok(m != NULL, "bounce: parses"))
		return;
	is_str(m->return_path, "", "bounce: empty Return-Path is \"\"");
	is_str(m->from.name, "Mail Delivery System",
	    "bounce: name from the comment");
	is_str(m->from.address, "MAILER-DAEMON@mx.parc-livradois-forez.org",
	    "bounce: From address");
	like_str(m->text, "could not\nbe delivered", "bounce: the human part");
	ok(strstr(m->text, "Final-Recipient") == NULL,
	    "bounce: report fields not in the text");
	like_str(m->delivery_status, "Action: failed\nStatus: 5.1.1\n",
	    "bounce: delivery-status part kept");
	like_str(m->returned_headers, "Message-ID: <cdp.AAEAAAAuAAAAB2p1ZGl0aA."
	    "Rt6yU8iO@parc-livradois-forez.org>\n", "bounce: returned headers");
	is_int(m->nattachments, 0, "bounce: report parts are not attachments");
	message_free(m);
}

/* ------------------------------------------------------------------ */
/* Header decoding                                                     */

static void
subject_is(const char *raw_subject, const char *want, const char *name)
{
	char *raw = malloc(strlen(raw_subject) + 64);
	struct message *m;

	sprintf(raw, "Subject: %s\r\n\r\nx\r\n", raw_subject);
	m = parse_str(raw);
	is_str(m ? m->subject : NULL, want, name);
	message_free(m);
	free(raw);
}

static void
test_rfc2047(void)
{
	subject_is("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=", "été",
	    "2047: a character split across two words");
	subject_is("=?UTF-8?B?w6k=?=\r\n =?UTF-8?B?dMOp?=", "été",
	    "2047: B words, folded, joined");
	subject_is("Re: =?iso-8859-1?Q?r=E9union?= et =?utf-8?B?w6l0w6k=?= !",
	    "Re: réunion et été !", "2047: words in two charsets among text");
	/* Adjacent words (only blanks between them) are joined before
	 * decoding so that a character may straddle them, but only words of
	 * one charset: Latin-1 bytes read as UTF-8 would be lost. */
	subject_is("=?iso-8859-1?Q?R=E9union_?= =?utf-8?Q?=C3=A0_Ambert_?= "
	    "=?windows-1252?Q?=80_=96_fin?=", "Réunion à Ambert € – fin",
	    "2047: adjacent words in three charsets");
	subject_is("=?utf-8?q?Bonjour_=C3=A0_tous?=", "Bonjour à tous",
	    "2047: lower-case q, underscores");
	subject_is("=?utf-8*fr?Q?caf=C3=A9?=", "café",
	    "2047: RFC 2231 language in the charset");
	subject_is("=?x-inconnu?Q?caf=E9?=", "café",
	    "2047: unknown charset read as windows-1252");
	subject_is("=?iso-8859-15?Q?10_=A4?=", "10 €", "2047: ISO-8859-15");
	subject_is("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト",
	    "2047: ISO-2022-JP through iconv");
	subject_is("=?koi8-r?B?8NLJ18XU?=", "Привет", "2047: KOI8-R");
	subject_is("=?utf-8?Q?pas ferm=C3=A9", "=?utf-8?Q?pas ferm=C3=A9",
	    "2047: unterminated word left as is");
	subject_is("=?utf-8?Z?abc?=", "=?utf-8?Z?abc?=",
	    "2047: unknown encoding left as is");
	subject_is("=??Q?abc?=", "=??Q?abc?=", "2047: empty charset");
	subject_is("=?utf-8?Q?" "?=", "", "2047: empty word");
	subject_is("Réunion à Ambert", "Réunion à Ambert",
	    "raw UTF-8 subject (RFC 6532)");
	subject_is("R\xe9union \xe0 Ambert", "Réunion à Ambert",
	    "raw Latin-1 subject");
	subject_is("=?utf-8?Q?a=0D=0ABcc:_x@example.org?=",
	    "a  Bcc: x@example.org", "2047: encoded CR LF made spaces");
	subject_is("Die Hasen und\r\n   die Fr\xf6sche", "Die Hasen und die "
	    "Frösche", "folding whitespace made one space");
	subject_is("", "", "empty subject");
	{
		struct message *m = parse_str("From: a@b.c\r\n\r\nx");

		is_str(m ? m->subject : NULL, "", "no Subject gives \"\"");
		message_free(m);
	}
	{
		char *d = message_decode_header("=?UTF-8?Q?Fran=C3=A7ois?= "
		    "<f@example.org>");

		is_str(d, "François <f@example.org>",
		    "message_decode_header");
		free(d);
	}
}

static void
test_addresses(void)
{
	struct message *m = parse_str(
	    "From: j.dupont@example.org (Jean Dupont)\r\n"
	    "To: Dupont, Jean <jean.dupont@example.org>, a@example.org;"
	    " b@example.org, , Amis: g@example.org, \"Lu, Cie\" "
	    "<l@example.fr>;, undisclosed-recipients:;,\r\n"
	    "Cc: Pete(A wonderful \\) chap) <pete(his account)@silly.test(his "
	    "host)>, =?UTF-8?Q?Ren=C3=A9e?= <\r\n renee@example.org>, "
	    "\"=?utf-8?Q?Ana=C3=AFs?=\" <anais@example.org>, "
	    "<@relais.example.org:route@example.org>\r\n"
	    "Reply-To: Jean <jean@example\r\n"
	    "\r\n"
	    "corps\r\n");

	if (!ok(m != NULL, "addresses: parses"))
		return;
	is_str(m->from.name, "Jean Dupont", "From: name in a comment");
	is_str(m->from.address, "j.dupont@example.org", "From: address");
	if (n_is(m->to.n, 5, "To: five addresses")) {
		is_str(m->to.items[0].name, "Dupont, Jean",
		    "To: Outlook's unquoted comma joined back");
		is_str(m->to.items[0].address, "jean.dupont@example.org",
		    "To: its address");
		is_str(m->to.items[1].address, "a@example.org",
		    "To: ';' as a separator");
		is_str(m->to.items[2].address, "b@example.org",
		    "To: after an empty element");
		is_str(m->to.items[3].address, "g@example.org",
		    "To: group member");
		is_str(m->to.items[4].name, "Lu, Cie", "To: quoted comma");
	}
	if (n_is(m->cc.n, 4, "Cc: four addresses")) {
		is_str(m->cc.items[0].name, "Pete", "Cc: comments removed "
		    "(RFC 5322 A.5)");
		is_str(m->cc.items[0].address, "pete@silly.test",
		    "Cc: address without comments");
		is_str(m->cc.items[1].name, "Renée", "Cc: encoded name");
		is_str(m->cc.items[1].address, "renee@example.org",
		    "Cc: folded angle address");
		is_str(m->cc.items[2].name, "Anaïs",
		    "Cc: encoded word inside quotes");
		is_str(m->cc.items[3].address, "route@example.org",
		    "Cc: source route dropped");
	}
	if (n_is(m->reply_to.n, 1, "Reply-To: one")) {
		is_str(m->reply_to.items[0].name, "Jean",
		    "Reply-To: name of an unclosed <");
		is_str(m->reply_to.items[0].address, "jean@example",
		    "Reply-To: address of an unclosed <");
	}
	ok(m->return_path == NULL, "no Return-Path is NULL");
	message_free(m);

	m = parse_str("From: Jean Dupont\r\nTo: Jean Dupont, Marie\r\n\r\nx");
	if (ok(m != NULL, "addresses without @: parses")) {
		is_str(m->from.name, "Jean Dupont", "From without address: "
		    "the text as name");
		is_str(m->from.address, "", "From without address: \"\"");
		is_int(m->to.n, 0, "To with bare words: none kept");
	}
	message_free(m);

	m = parse_str("From: <>\r\n\r\nx");
	if (ok(m != NULL, "From <>: parses")) {
		is_str(m->from.name, "", "From <>: no name");
		is_str(m->from.address, "", "From <>: no address");
	}
	message_free(m);

	m = parse_str("Subject: sans From\r\n\r\nx");
	if (ok(m != NULL, "no From: parses"))
		ok(m->from.name && m->from.address && !m->from.name[0] &&
		    !m->from.address[0], "no From gives \"\" and \"\"");
	message_free(m);
}

static void
test_ids_and_dates(void)
{
	struct message *m = parse_str(
	    "Message-ID: sans-chevrons@example.org\r\n"
	    "In-Reply-To: Your message of Mon, 30 Nov 2026\r\n"
	    " <CAF=abc+1@mail.gmail.com>\r\n"
	    "References: <a@x> <b@y>\r\n\t<c@z>  garbage <<d@w> <> <e f@g>\r\n"
	    "Date: Sat, 28 Nov 26 18:05:00 +0100\r\n"
	    "Return-Path: <>\r\n"
	    "\r\nx");

	if (!ok(m != NULL, "ids: parses"))
		return;
	is_str(m->message_id, "sans-chevrons@example.org",
	    "Message-ID without <>");
	is_str(m->in_reply_to, "CAF=abc+1@mail.gmail.com",
	    "In-Reply-To with text around the id");
	if (n_is(m->nreferences, 4, "References: four ids")) {
		is_str(m->references[0], "a@x", "References 1");
		is_str(m->references[2], "c@z", "References 3, folded");
		is_str(m->references[3], "d@w", "References 4, after \"<<\"");
	}
	is_int(m->date, utc(2026, 11, 28, 17, 5, 0), "two-digit year is 20xx");
	is_str(m->return_path, "", "Return-Path <> is \"\"");
	message_free(m);

	m = parse_str("Date: Tue, 31 Feb 2026 10:00:00 +0100\r\n\r\nx");
	ok(m && !m->has_date, "31 February: no date");
	message_free(m);
	m = parse_str("Date: demain matin\r\n\r\nx");
	ok(m && !m->has_date, "unreadable date: no date");
	message_free(m);
	m = parse_str("Date: Thu,\r\n  13\r\n    Feb\r\n      1969\r\n  23:32\r\n"
	    "   -0330 (Newfoundland Time)\r\n\r\nx");
	if (ok(m && m->has_date, "folded RFC 5322 A.5 date")) {
		is_int(m->date, utc(1969, 2, 14, 3, 2, 0), "negative offset");
		is_int(m->date_offset, -210, "offset -03:30");
	}
	message_free(m);
	m = parse_str("Date: 1 Jan 2026 00:00:00 UT\r\n\r\nx");
	if (ok(m && m->has_date, "obsolete zone UT"))
		is_int(m->date_offset, 0, "UT is +00:00");
	message_free(m);
	m = parse_str("Date: 1 Jan 2026 00:00:00 +9999\r\n\r\nx");
	if (ok(m && m->has_date, "nonsense offset"))
		is_int(m->date_offset, 0, "nonsense offset read as UTC");
	message_free(m);
}

/* ------------------------------------------------------------------ */
/* Bodies                                                              */

static void
test_bodies(void)
{
	struct message *m;

	m = parse_str("Content-Type: text/plain; charset=utf-8; format=flowed;"
	    " delsp=yes\r\n\r\nUn mot coup\xc3\xa9 en deux: lon \r\ngueur. "
	    "Puis\r\n"
	    " From ici\r\n>> cit\xc3\xa9  \r\n>> suite\r\n> autre\r\n");
	is_str(m ? m->text : NULL, "Un mot coupé en deux: longueur. Puis\n"
	    "From ici\n>> cité suite\n> autre\n",
	    "flowed DelSp=yes, stuffing, quote depths");
	message_free(m);

	m = parse_str("Content-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "caf=E9 cr=e8me =ZZ fin= \r\nsuite=\nl=C3=A0 =\r\n");
	is_str(m ? m->text : NULL, "café crème =ZZ finsuitelÃ\xc2\xa0 ",
	    "quoted-printable: lower-case hex, bad escape, soft breaks");
	message_free(m);

	m = parse_str("Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: BASE64\r\n\r\n"
	    "Qm9u am91!!ci\r\nw=IMOp\r\n==\r\n");
	is_str(m ? m->text : NULL, "Bonjour, é",
	    "base64 with noise, padding in the middle");
	message_free(m);

	{
		static const char raw[] = "Subject: sa\0lut\r\nFrom: "
		    "J\0ean <j@example.org>\r\n\r\nte\0xte\r\nfin\rici\r\n";
		char err[128];

		m = NULL;
		if (ok(message_parse(raw, sizeof(raw) - 1, &m, err,
		    sizeof(err)) == 0, "NUL bytes: parses")) {
			is_str(m->subject, "salut", "NUL bytes: removed from "
			    "headers");
			is_str(m->from.name, "Jean", "NUL bytes: name");
			is_str(m->text, "texte\nfin\nici\n",
			    "NUL bytes removed from text, CR and CRLF to LF");
		}
		message_free(m);
	}

	m = parse_str("MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=b\r\n\r\n"
	    "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n\r\n"
	    "--b\r\nContent-Type: text/html\r\n\r\n<meta charset=\"windows-1252\">"
	    "<p>Caf\xe9 <b>noir</b></p>\r\n--b--\r\n");
	if (ok(m != NULL, "empty plain alternative: parses")) {
		is_str(m->text, "Café noir\n",
		    "empty plain alternative: the HTML is used, meta charset");
		ok(m->text_from_html, "empty plain alternative: from HTML");
	}
	message_free(m);

	m = parse_str("Content-Type: multipart/alternative\r\n\r\n"
	    "--x\r\nContent-Type: text/plain\r\n\r\ncorps\r\n--x--\r\n");
	like_str(m ? m->text : NULL, "corps",
	    "multipart without boundary: shown as text");
	message_free(m);

	m = parse_str("Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
	    "pr\xc3\xa9" "ambule\r\n--zz\r\n\r\nsans en-t\xc3\xaate\r\n--zz\r\n"
	    "Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR"
	    "\r\n--zz\r\nContent-Type: message/rfc822\r\n\r\nSubject: "
	    "transf\xc3\xa9r\xc3\xa9\r\n\r\nvieux\r\n--zz\r\n"
	    "Content-Type: application/octet-stream;\r\n"
	    " name*=UTF-8''%C3%A9t%C3%A9%202026.pdf\r\n\r\nxyz\r\n--zz\r\n"
	    "Content-Type: application/pdf; name=Rapport annuel.pdf\r\n\r\n"
	    "abc\r\n--zz\r\nContent-Type: image/png\r\nContent-Disposition: "
	    "attachment; filename*0=\"C:\\\\docs\\\\pla\"; filename*1=\"n.png\""
	    "\r\n\r\n.\r\n--zz");
	if (ok(m != NULL, "mixed bag: parses")) {
		is_str(m->text, "sans en-tête", "mixed bag: part without "
		    "headers is text/plain; no preamble");
		if (n_is(m->nattachments, 5, "mixed bag: five attachments")) {
			is_str(m->attachments[0].content_type, "text/calendar",
			    "mixed bag: calendar is an attachment");
			is_str(m->attachments[1].content_type,
			    "message/rfc822", "mixed bag: forwarded mail");
			is_int(m->attachments[1].size, 29,
			    "mixed bag: forwarded mail size");
			is_str(m->attachments[2].filename, "été 2026.pdf",
			    "mixed bag: RFC 2231 name* in Content-Type");
			is_str(m->attachments[3].filename, "Rapport annuel.pdf",
			    "mixed bag: unquoted name with a space");
			is_str(m->attachments[4].filename, "plan.png",
			    "mixed bag: plain continuations, Windows path");
		}
		ok(m->returned_headers == NULL,
		    "mixed bag: a forwarded mail is no bounce");
	}
	message_free(m);

	m = parse_str("Content-Type: multipart/related; boundary=r; "
	    "start=\"<racine@x>\"\r\n\r\n--r\r\nContent-Type: image/png\r\n"
	    "Content-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	    "iVBORw0KGgo=\r\n--r\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-ID: <racine@x>\r\n\r\n<p>Voir le logo <img src=\"cid:logo@x"
	    "\"></p>\r\n--r--\r\n");
	if (ok(m != NULL, "related: parses")) {
		is_str(m->text, "Voir le logo\n", "related: start names the "
		    "root");
		if (n_is(m->nattachments, 1, "related: one image"))
			ok(m->attachments[0].inline_part && m->attachments[0]
			    .size == 8, "related: inline image, 8 bytes");
	}
	message_free(m);

	m = parse_str("Content-Type: multipart/signed; protocol=\"application/"
	    "pgp-signature\"; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain"
	    "\r\n\r\nsigné ?\r\n--s\r\nContent-Type: application/pgp-signature;"
	    " name=signature.asc\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\n--s--"
	    "\r\n");
	if (ok(m != NULL, "signed: parses")) {
		is_str(m->text, "signé ?", "signed: the signed text");
		if (n_is(m->nattachments, 1, "signed: the signature listed"))
			is_str(m->attachments[0].filename, "signature.asc",
			    "signed: signature file name");
	}
	message_free(m);

	m = parse_str("Content-Type: multipart/report; report-type="
	    "delivery-status; boundary=r\r\n\r\n--r\r\n\r\nLe message n'a pas "
	    "pu être remis.\r\n--r\r\nContent-Type: text/plain\r\n\r\n"
	    "Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822;"
	    " x@example.net\r\nAction: failed\r\nStatus: 5.2.2\r\n--r\r\n"
	    "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64"
	    "\r\n\r\nU3ViamVjdDogSW52aXRhdGlvbg0KDQpjb3Jwcw==\r\n--r--\r\n");
	if (ok(m != NULL, "report with text twin: parses")) {
		is_str(m->text, "Le message n'a pas pu être remis.",
		    "report: human part only");
		like_str(m->delivery_status, "Status: 5.2.2",
		    "report: text/plain DSN twin kept as delivery status");
		is_str(m->returned_headers, "Subject: Invitation\n",
		    "report: base64 message/rfc822 headers");
		is_int(m->nattachments, 0, "report: no attachment");
	}
	message_free(m);

	m = parse_str("Content-Type: text/plain\r\n\r\nVoici le plan :\r\n"
	    "begin 644 plan.txt\r\n%8F]N:F]U<@H`\r\n`\r\nend\r\nMerci\r\n");
	if (ok(m != NULL, "inline uuencode: parses")) {
		is_str(m->text, "Voici le plan :\nMerci\n",
		    "inline uuencode: block taken out of the text");
		if (n_is(m->nattachments, 1, "inline uuencode: attachment")) {
			is_str(m->attachments[0].filename, "plan.txt",
			    "inline uuencode: name");
			is_int(m->attachments[0].size, 5,
			    "inline uuencode: size");
		}
	}
	message_free(m);

	m = parse_str("Content-Type: text/plain; charset=\"iso-8859-15\"\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n5 \xa4 \xbd\r\n");
	is_str(m ? m->text : NULL, "5 € œ\n", "ISO-8859-15 body through iconv");
	message_free(m);

	m = parse_str("Content-Type: text/plain; charset=shift_jis\r\n\r\n"
	    "\x83\x65\x83\x58\x83\x67\xff\r\n");
	is_str(m ? m->text : NULL, "テスト\xef\xbf\xbd\n",
	    "Shift_JIS with an invalid byte");
	message_free(m);
}

/* ------------------------------------------------------------------ */
/* Input meant to hurt                                                 */

static void
test_hostile(void)
{
	struct message *m = NULL;
	char err[256];
	size_t n, cap;
	char *raw, *p;

	ok(message_parse("", 0, &m, err, sizeof(err)) == -1 && m == NULL,
	    "empty input: clean error");
	is_str(err, "empty message", "empty input: reason");
	ok(message_parse(NULL, 5, &m, err, sizeof(err)) == -1,
	    "NULL input: clean error");
	ok(message_parse("x", (size_t)MESSAGE_MAX_SIZE + 1, &m, err,
	    sizeof(err)) == -1, "over the size cap: refused before reading");
	like_str(err, "too large", "over the size cap: reason");

	m = parse_str("Bonjour tout le monde,\nceci n'a pas d'en-tête\n");
	is_str(m ? m->text : NULL, "Bonjour tout le monde,\nceci n'a pas "
	    "d'en-tête\n", "no header block: all text");
	message_free(m);
	m = parse_str("From: a@example.org\r\nSubject: seul");
	if (ok(m != NULL, "headers only: parses")) {
		is_str(m->subject, "seul", "headers only: Subject");
		is_str(m->text, "", "headers only: empty text");
	}
	message_free(m);
	m = parse_str("From jamis@example.org Mon May  2 16:07:05 2005\r\n"
	    "From: b@example.org\r\n\r\nx\r\n");
	is_str(m ? m->from.address : NULL, "b@example.org",
	    "mbox envelope line skipped");
	message_free(m);

	/* 10 000 headers, then the ones that matter. */
	cap = 10000 * 32 + 256;
	raw = malloc(cap);
	p = raw;
	for (int i = 0; i < 10000; i++)
		p += sprintf(p, "X-Spam-%05d: %d\r\n", i, i);
	p += sprintf(p, "Subject: =?utf-8?Q?Apr=C3=A8s_dix_mille?=\r\n\r\n"
	    "fin\r\n");
	m = NULL;
	if (ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "10 000 headers: parses")) {
		is_int(m->nheaders, MESSAGE_MAX_HEADERS,
		    "10 000 headers: capped list");
		ok(m->truncated, "10 000 headers: marked truncated");
		is_str(m->subject, "Après dix mille",
		    "10 000 headers: Subject after the cap still read");
		is_str(m->text, "fin\n", "10 000 headers: body");
	}
	message_free(m);
	free(raw);

	/* 200 nested multiparts (MESSAGE_MAX_DEPTH is 32). */
	cap = 200 * 80 + 256;
	raw = malloc(cap);
	p = raw;
	for (int i = 0; i < 200; i++)
		p += sprintf(p, "Content-Type: multipart/mixed; boundary=\"n%d"
		    "x\"\r\n\r\n--n%dx\r\n", i, i);
	p += sprintf(p, "Content-Type: text/plain\r\n\r\nprofond\r\n");
	m = NULL;
	if (ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "200 nested multiparts: parses"))
		ok(m->truncated, "200 nested multiparts: marked truncated");
	message_free(m);
	free(raw);

	/* 100 000 nested message/rfc822: cut before libetpan recurses. */
	n = 100000;
	raw = malloc(n * 32 + 64);
	p = raw;
	p += sprintf(p, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b"
	    "\r\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "Content-Type: message/rfc822\r\n\r\n");
	m = NULL;
	if (ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "100 000 nested messages: parses"))
		ok(m->truncated, "100 000 nested messages: marked truncated");
	message_free(m);
	free(raw);

	/* A million '(' in From and in Content-Type. */
	n = 1000000;
	raw = malloc(2 * n + 256);
	p = raw;
	p += sprintf(p, "From: ");
	memset(p, '(', n);
	p += n;
	p += sprintf(p, "a@example.org\r\nContent-Type: text/plain; ");
	memset(p, '(', n);
	p += n;
	p += sprintf(p, "\r\n\r\ncorps\r\n");
	m = NULL;
	ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "a million nested comments: parses");
	message_free(m);
	free(raw);

	/* Huge lines: an 8 MiB body line and a 4 MiB subject. */
	n = 8u << 20;
	raw = malloc(n + (4u << 20) + 256);
	p = raw;
	p += sprintf(p, "Subject: ");
	memset(p, 's', 4u << 20);
	p += 4u << 20;
	p += sprintf(p, "\r\n\r\n");
	memset(p, 'x', n);
	p += n;
	m = NULL;
	if (ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "huge lines: parses")) {
		is_int(strlen(m->subject), MESSAGE_MAX_HEADER_LEN - 1,
		    "huge lines: subject cut at MESSAGE_MAX_HEADER_LEN");
		/* The text is read up to its cap, and says so. */
		is_int(strlen(m->text), MESSAGE_TEXT_MAX,
		    "huge lines: text cut at MESSAGE_TEXT_MAX");
		is_int(m->truncated, 1, "huge lines: marked truncated");
	}
	message_free(m);
	free(raw);

	/* 20 000 parts: capped at MESSAGE_MAX_PARTS. */
	n = 20000;
	raw = malloc(n * 48 + 128);
	p = raw;
	p += sprintf(p, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "--p\r\nContent-Type: image/gif\r\n\r\nG\r\n");
	m = NULL;
	if (ok(message_parse(raw, (size_t)(p - raw), &m, err, sizeof(err)) == 0,
	    "20 000 parts: parses")) {
		ok(m->truncated, "20 000 parts: marked truncated");
		ok(m->nattachments < MESSAGE_MAX_PARTS,
		    "20 000 parts: attachments capped");
	}
	message_free(m);
	free(raw);

	/* Random bytes, and every prefix of a real mail. */
	{
		unsigned int seed = 12345;
		int fine = 1;

		n = 1 << 16;
		raw = malloc(n);
		for (int round = 0; round < 20; round++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				raw[i] = (char)(seed >> 16);
			}
			m = NULL;
			if (message_parse(raw, n, &m, err, sizeof(err)) != 0 ||
			    !charset_utf8_valid(m->text, strlen(m->text)) ||
			    !no_controls(m->subject))
				fine = 0;
			message_free(m);
		}
		ok(fine, "random bytes: parsed, clean UTF-8 out");
		free(raw);
	}
	{
		char path[] = "tests/data/orange_latin1_pdf.eml";
		char *mail = load_fixture(path, &n);
		int fine = 1;

		for (size_t i = 1; i <= n; i++) {
			char *copy = malloc(i);

			memcpy(copy, mail, i);
			m = NULL;
			if (message_parse(copy, i, &m, err, sizeof(err)) != 0)
				fine = 0;
			message_free(m);
			free(copy);
		}
		ok(fine, "every prefix of a mail parses");
		free(mail);
	}
}

static void
test_charset(void)
{
	char *s;
	size_t n;

	s = charset_to_utf8("\"ISO_8859-1\"", "\xe9\x80", 2, &n);
	is_str(s, "é€", "charset: Latin-1 label read as windows-1252");
	is_int(n, 5, "charset: output length");
	free(s);
	s = charset_to_utf8("utf-8", "ok \xc3\xa9 \xe9 \xed\xa0\x80 \xf4\x90"
	    "\x80\x80", 17, NULL);
	is_str(s, "ok é é í\xc2\xa0€ ô\xc2\x90€€",
	    "charset: invalid UTF-8 bytes read as windows-1252");
	free(s);
	s = charset_to_utf8("no-such-charset", "abc", 3, NULL);
	is_str(s, "abc", "charset: unknown label");
	free(s);
	s = charset_to_utf8("utf-16le", "a\0\xe9\0", 4, NULL);
	is_str(s, "aé", "charset: UTF-16 through iconv");
	free(s);
	s = charset_to_utf8("utf-16le", "a\0b", 3, NULL);
	is_str(s, "a\xef\xbf\xbd", "charset: cut UTF-16 unit");
	free(s);
	ok(charset_utf8_valid("\xc3\xa9", 2) && !charset_utf8_valid("\xc0\xaf",
	    2) && !charset_utf8_valid("\xed\xa0\x80", 3),
	    "charset: overlong and surrogate refused");
	{
		char out[64];

		is_str(charset_normalize(" 'Windows_1252'", out, sizeof(out)),
		    "windows-1252", "charset: label normalised");
		is_str(charset_normalize("ISO8859_15", out, sizeof(out)),
		    "iso-8859-15", "charset: iso8859 spelling");
	}
}

int
main(void)
{
	test_thunderbird();
	test_gmail();
	test_outlook();
	test_iphone();
	test_orange();
	test_raw_latin1();
	test_utf8_lie();
	test_broken_boundary();
	test_truncated();
	test_bounce();
	test_rfc2047();
	test_addresses();
	test_ids_and_dates();
	test_bodies();
	test_hostile();
	test_charset();
	return tap_done();
}
