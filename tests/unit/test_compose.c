/*
 * test_compose.c — outgoing mail: headers (Date in both French offsets,
 * threading, loop prevention), RFC 2047 words cut between characters,
 * folding, quoted-printable, MIME structure with an iMIP invitation and
 * attachments, header injection from every outside string, and the
 * composed mail read back by our own parser (message_parse) with the same
 * subject, names, text and accents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/addr.h"
#include "base/charset.h"
#include "base/clock.h"
#include "out/compose.h"
#include "parse/message.h"
#include "tap.h"
#include "testutil.h"
#include "thread/token.h"

static const char *const SUBJECT =
    "Votre demande [CDP-2026-0001] : jardin partagé à Ambert";
static const char *const NAME = "Hélène Dupré-Lefèvre";

static char msgid[TOKEN_MSGID_MAX];

/* The header block (up to the first empty line), new string. */
static char *
header_block(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");

	return strndup(msg, end ? (size_t)(end - msg) + 2 : strlen(msg));
}

/* The unfolded value of the first header `name` in a header block; new
 * string or NULL. */
static char *
header(const char *msg, const char *name)
{
	char *h = header_block(msg), *p = h, *r = NULL;
	size_t n = strlen(name);

	while (p && *p) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			char *e = p + n + 1;
			size_t k = 0;

			r = malloc(strlen(e) + 1);
			while (*e) {
				if (e[0] == '\r' && e[1] == '\n' && (e[2] == ' ' ||
				    e[2] == '\t')) {
					e += 2;
					continue;
				}
				if (e[0] == '\r' && e[1] == '\n')
					break;
				r[k++] = *e++;
			}
			r[k] = '\0';
			memmove(r, r + (r[0] == ' '), k + 1);
			break;
		}
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	free(h);
	return r;
}

/* Every line ends in CRLF, no bare CR or LF, none over 998 bytes; returns
 * the longest line of the header block in *hmax. */
static int
lines_ok(const char *msg, size_t len, size_t *hmax)
{
	size_t col = 0, max = 0;
	int in_head = 1;

	*hmax = 0;
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\r') {
			if (i + 1 >= len || msg[i + 1] != '\n')
				return 0;
			if (in_head && col > *hmax)
				*hmax = col;
			if (col == 0)
				in_head = 0;
			if (col > max)
				max = col;
			col = 0;
			i++;
			continue;
		}
		if (msg[i] == '\n')
			return 0;
		col++;
	}
	return col == 0 && max <= 998;
}

static int
hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ?
	    c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Checks every encoded word in s: at most 75 characters, and its own
 * payload is valid UTF-8 (no character cut between two words).  Returns
 * the number of words, or -1 on a bad one.
 */
static int
encoded_words_ok(const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int n = 0;

	while ((s = strstr(s, "=?UTF-8?")) != NULL) {
		const char *e = strstr(s + 10, "?=");
		char out[128];
		size_t k = 0;

		if (e == NULL || e + 2 - s > 75)
			return -1;
		if (s[8] == 'Q') {
			for (const char *p = s + 10; p < e; p++) {
				if (*p == '_')
					out[k++] = ' ';
				else if (*p == '=') {
					out[k++] = (char)(hexv(p[1]) * 16 +
					    hexv(p[2]));
					p += 2;
				} else
					out[k++] = *p;
			}
		} else {
			unsigned v = 0;
			int bits = 0;

			for (const char *p = s + 10; p < e && *p != '='; p++) {
				v = v << 6 | (unsigned)(strchr(b64, *p) - b64);
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					out[k++] = (char)(v >> bits & 0xff);
				}
			}
		}
		if (!charset_utf8_valid(out, k))
			return -1;
		n++;
		s = e + 2;
	}
	return n;
}

/* One header of a composed mail and its exact unfolded value. */
struct header_case {
	const char	*field, *want, *name;
};

static void
headers_are(const char *msg, const struct header_case *c, size_t n)
{
	for (; n > 0; c++, n--) {
		char *v = header(msg, c->field);

		is_str(v, c->want, c->name);
		free(v);
	}
}

#define HEADERS_ARE(msg, cases) \
	headers_are((msg), (cases), sizeof(cases) / sizeof((cases)[0]))

static void
base_mail(struct compose_mail *m, struct compose_addr *to)
{
	memset(m, 0, sizeof(*m));
	to[0].name = NAME;
	to[0].address = "helene.dupre@example.org";
	m->from_name = "Coup de pouce Livradois-Forez";
	m->from_addr = "coupdepouce@parc-livradois-forez.org";
	m->reply_to = "coupdepouce@parc-livradois-forez.org";
	m->to = to;
	m->nto = 1;
	m->subject = SUBJECT;
	m->body_text = "Bonjour Hélène,\n\nNous avons bien reçu votre demande.\n";
	m->message_id = msgid;
	m->auto_submitted = "auto-replied";
}

static void
test_headers(void)
{
	struct compose_mail m;
	struct compose_addr to[2];
	static const char *const refs[] = { "<first@example.org>",
	    "second@example.org", "bad id with spaces", "<x\r\nBcc: y@z>" };
	static const struct header_case winter_headers[] = {
		{ "Date", "Sun, 29 Nov 2026 10:15:00 +0100",
		    "Date in winter (CET)" },
		{ "In-Reply-To", "<CAFE.1@mail.example.org>",
		    "In-Reply-To cleaned" },
		{ "References", "<first@example.org> <second@example.org>",
		    "References: valid ids kept, others dropped" },
		{ "Auto-Submitted", "auto-replied", "Auto-Submitted" },
		{ "X-Auto-Response-Suppress", "All",
		    "X-Auto-Response-Suppress" },
		{ "Reply-To", "coupdepouce@parc-livradois-forez.org",
		    "Reply-To" },
		{ "From", "Coup de pouce Livradois-Forez "
		    "<coupdepouce@parc-livradois-forez.org>", "From plain" },
		{ "MIME-Version", "1.0", "MIME-Version" },
		{ "Content-Type", "text/plain; charset=UTF-8",
		    "one text part" },
		{ "Content-Transfer-Encoding", "quoted-printable", "QP" },
	};
	static const struct header_case summer_headers[] = {
		{ "Date", "Tue, 14 Jul 2026 18:30:05 +0200",
		    "Date in summer (CEST)" },
		{ "Auto-Submitted", "auto-generated",
		    "Auto-Submitted default" },
	};
	char err[512], *out = NULL, *v;
	size_t len = 0, hmax = 0;
	time_t winter, summer;

	clock_parse_local("2026-11-29 10:15", &winter, err, sizeof(err));
	clock_parse_local("2026-07-14 18:30:05", &summer, err, sizeof(err));
	base_mail(&m, to);
	m.date = winter;
	m.in_reply_to = " <CAFE.1@mail.example.org> ";
	m.references = refs;
	m.nreferences = 4;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "composed");
	if (out == NULL) {
		printf("# %s\n", err);
		return;
	}
	is_int((long long)len, (long long)strlen(out), "length");
	ok(lines_ok(out, len, &hmax), "CRLF everywhere, lines <= 998");
	ok(hmax <= 78, "header lines folded at 78");
	HEADERS_ARE(out, winter_headers);
	v = header(out, "Message-ID");
	ok(v && v[0] == '<' && strncmp(v + 1, msgid, strlen(msgid)) == 0,
	    "Message-ID");
	free(v);
	v = header(out, "Subject");
	like_str(v, "Votre demande [CDP-2026-0001] : jardin =?UTF-8?Q?",
	    "ASCII start of the subject stays plain");
	ok(v && strstr(v, "=?UTF-8?Q?partag=C3=A9_=C3=A0?= Ambert"),
	    "accented run encoded, spaces inside");
	ok(v && encoded_words_ok(v) == 1, "one encoded word");
	free(v);
	v = header(out, "To");
	ok(v && strstr(v, "=?UTF-8?Q?H=C3=A9l=C3=A8ne_Dupr=C3=A9-Lef=C3=A8vre?"
	    "= <helene.dupre@example.org>"), "To name encoded");
	free(v);
	free(out);

	m.date = summer;
	m.auto_submitted = NULL;
	m.references = NULL;
	m.nreferences = 0;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "summer");
	HEADERS_ARE(out, summer_headers);
	ok(strstr(out, "References:") == NULL && strstr(out, "Cc:") == NULL,
	    "no empty headers");
	free(out);

	/* A person known only by address: the address alone, not twice. */
	to[0].name = "Helene.Dupre@example.org";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0,
	    "composed to an address named by itself");
	v = header(out, "To");
	is_str(v, "helene.dupre@example.org", "To: the bare address");
	free(v);
	free(out);
	to[0].name = "";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0,
	    "composed to a nameless address");
	v = header(out, "To");
	is_str(v, "helene.dupre@example.org", "To: no name, bare address");
	free(v);
	free(out);
}

static void
test_folding_and_words(void)
{
	struct compose_mail m;
	struct compose_addr to[3];
	char err[512], *out = NULL, *v, subj[1024], name[256];
	size_t len = 0, hmax = 0, n = 0;

	/* A long subject with accents, emoji (4-byte UTF-8) everywhere. */
	n += (size_t)snprintf(subj + n, sizeof(subj) - n, "[CDP-2026-0042] ");
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(subj + n, sizeof(subj) - n,
		    "Réunion%d à l'école 🌱 ", i);
	snprintf(name, sizeof(name), "%s", "Ééééééééééééééééééééééééééééééééé"
	    "ééééééééééééééééééééééééé Dupré");
	base_mail(&m, to);
	to[1].name = "Dupont, Jean (association \"Les Amis\")";
	to[1].address = "jean@example.org";
	to[2].name = NULL;
	to[2].address = "sans.nom@example.org";
	m.nto = 3;
	to[0].name = name;
	m.subject = subj;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0,
	    "long subject composed");
	ok(lines_ok(out, len, &hmax), "CRLF");
	ok(hmax <= 78, "long subject and names folded at 78");
	v = header(out, "Subject");
	ok(v && strncmp(v, "[CDP-2026-0042] =?UTF-8?", 24) == 0,
	    "tag stays plain before the encoded run");
	ok(v && encoded_words_ok(v) > 3, "several words, each <= 75 chars "
	    "and whole characters");
	free(v);
	v = header(out, "To");
	ok(v && encoded_words_ok(v) >= 2, "long name split into words");
	like_str(v, "\"Dupont, Jean (association \\\"Les Amis\\\")\" "
	    "<jean@example.org>", "specials quoted");
	like_str(v, ", sans.nom@example.org", "address without a name");
	free(v);
	free(out);

	/* Mostly non-ASCII text goes as B. */
	m.subject = "Ελληνικά και русский язык";
	m.nto = 1;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "B words");
	v = header(out, "Subject");
	like_str(v, "=?UTF-8?B?", "B encoding chosen");
	ok(v && encoded_words_ok(v) >= 1, "B words whole characters");
	free(v);
	free(out);

	/* Text that looks like an encoded word is encoded itself. */
	m.subject = "=?UTF-8?Q?faux?= sujet";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "fake word");
	v = header(out, "Subject");
	ok(v && strncmp(v, "=?UTF-8?Q?=3D=3FUTF-8=3FQ=3Ffaux=3F=3D?=", 40) ==
	    0, "=? is never sent raw");
	free(v);
	free(out);
}

static void
test_qp(void)
{
	struct compose_mail m;
	struct compose_addr to[1];
	char err[512], *out = NULL, *body, text[2048];
	size_t len = 0, hmax = 0;
	int n = 0, maxl = 0, col = 0;
	static const struct like_case encoded[] = {
		{ "la fin  =20\r\n", "trailing spaces encoded" },
		{ "\r\n=2Epoint", "dot at line start encoded" },
		{ "\r\n=46rom the", "From at line start encoded" },
		{ "\r\n\ttab=09\r\n", "trailing tab encoded" },
		{ "=C3=A9=3D0", "UTF-8 and = encoded" },
		{ "=\r\n", "soft breaks" },
		{ "\r\nfin\r\nCR seul\r\n", "CR and CRLF normalised" },
	};

	base_mail(&m, to);
	n += snprintf(text + n, sizeof(text) - n, "Ligne avec espaces à la "
	    "fin   \n.point en début\nFrom the start\n\ttab\t\n");
	for (int i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - n, "é=%d ", i);
	snprintf(text + n, sizeof(text) - n, "\r\nfin\rCR seul\n");
	m.body_text = text;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "QP body");
	ok(lines_ok(out, len, &hmax), "CRLF");
	body = strstr(out, "\r\n\r\n") + 4;
	for (const char *p = body; *p; p++) {
		if (*p == '\r') {
			if (col > maxl)
				maxl = col;
			col = 0;
			p++;
			continue;
		}
		col++;
	}
	ok(maxl <= 76, "QP lines <= 76");
	LIKE_EACH(body, NULL, encoded);
	ok(strstr(body, "=C3=\r\n") == NULL, "no soft break inside a "
	    "character");
	free(out);
}

static void
test_injection(void)
{
	struct compose_mail m;
	struct compose_addr to[1];
	struct compose_attachment att[1];
	char err[512], *out = NULL, *head, *v;
	size_t len = 0, hmax = 0;
	static const char *const bad_addrs[] = {
		"a@b.org\r\nBcc: victim@example.org", "a b@c.org", "<a@b.org>",
		"a@b@c.org", "a@", "@b.org", "a@b.org>", "a@b.org\n", "",
		"a@b_c.org", "a\"b@c.org", "a@.org", "é@example.org",
	};

	base_mail(&m, to);
	m.subject = "Bonjour\r\nBcc: victim@example.org\r\n\r\nbody";
	m.from_name = "Evil\r\nX-Injected: 1";
	to[0].name = "Name\nReply-To: evil@example.org\x01\x7f";
	att[0].filename = "rapport\r\nContent-Type: text/html\r\n\r\n.pdf";
	att[0].content_type = "application/pdf\r\nX-Evil: 1";
	att[0].data = "%PDF-1.4\n";
	att[0].len = 9;
	m.attachments = att;
	m.nattachments = 1;
	m.in_reply_to = "<id@x>\r\nBcc: victim@example.org";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0,
	    "hostile strings composed");
	ok(lines_ok(out, len, &hmax), "no bare CR or LF anywhere");
	head = header_block(out);
	ok(strstr(head, "\r\nBcc:") == NULL, "no Bcc header injected");
	ok(strstr(head, "\r\nX-Injected:") == NULL, "no header from a name");
	ok(strstr(out, "\r\nReply-To: evil") == NULL, "no Reply-To from a "
	    "name");
	ok(strstr(out, "\r\nX-Evil:") == NULL, "no header from a type");
	ok(strstr(out, "\r\nContent-Type: text/html") == NULL,
	    "no part header from a file name");
	ok(strstr(head, "In-Reply-To") == NULL, "bad In-Reply-To dropped");
	v = header(out, "Subject");
	is_str(v, "Bonjour Bcc: victim@example.org body",
	    "subject on one line");
	free(v);
	like_str(out, "Content-Type: application/octet-stream",
	    "bad content type replaced");
	like_str(out, "filename=\"rapport Content-Type: text_html .pdf\"",
	    "file name on one line, no slash");
	free(head);
	free(out);

	for (size_t i = 0; i < sizeof(bad_addrs) / sizeof(bad_addrs[0]); i++) {
		char name[128];

		base_mail(&m, to);
		to[0].address = bad_addrs[i];
		snprintf(name, sizeof(name), "bad To address %zu refused", i);
		ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0 &&
		    out == NULL, name);
		ok(!addr_valid(bad_addrs[i]), "addr_valid");
	}
	like_str(err, "To address \"", "error names the field");
	base_mail(&m, to);
	m.from_addr = "x\r\n@y";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0,
	    "bad From refused");
	like_str(err, "From address \"x??@y\"", "shown without controls");
	base_mail(&m, to);
	m.reply_to = "a b@c";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0,
	    "bad Reply-To refused");
	base_mail(&m, to);
	m.message_id = "a b@c";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0,
	    "bad Message-ID refused");
	base_mail(&m, to);
	m.auto_submitted = "no\r\nX: y";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0,
	    "bad Auto-Submitted refused");
	base_mail(&m, to);
	m.calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	m.calendar_method = "REQUEST\r\nX: y";
	ok(compose_build(&m, &out, &len, err, sizeof(err)) != 0,
	    "bad calendar method refused");
	ok(addr_valid("Jean.Dupont+cdp@mail.example-asso.fr"),
	    "good address accepted");
}

static const char ICS[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Coup de pouce//coupdepouce//FR\r\n"
    "METHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:cdp-meeting-1@parc-livradois-forez.org\r\n"
    "SEQUENCE:0\r\n"
    "DTSTAMP:20261129T091500Z\r\n"
    "DTSTART;TZID=Europe/Paris:20261205T183000\r\n"
    "DTEND;TZID=Europe/Paris:20261205T200000\r\n"
    "SUMMARY:Première rencontre [CDP-2026-0001]\r\n"
    "LOCATION:Salle des fêtes\\, Ambert\r\n"
    "ORGANIZER;CN=Coup de pouce:mailto:coupdepouce@parc-livradois-forez."
    "org\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

static void
test_structure_and_parse_back(void)
{
	struct compose_mail m;
	struct compose_addr to[2];
	struct compose_attachment att[2];
	struct message *msg = NULL;
	static unsigned char bin[3000];
	const char *refs[30];
	char refbuf[30][32];
	char err[512], *out = NULL, *v, *b1, *b2, bnd[80];
	size_t len = 0, hmax = 0;
	int seen = 0;
	const char *text = "Bonjour Hélène,\n\nVoici l'invitation à la première "
	    "rencontre, samedi 5 décembre à 18 h 30, à la salle des fêtes "
	    "d'Ambert. Une ligne assez longue pour être coupée en "
	    "quoted-printable, avec des accents : é è à ù ç œ « » — fin.\n"
	    "\n-- \nL'équipe du réseau\n";
	time_t t;

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + 3);
	/* A binary file that contains what a naive boundary could be. */
	memcpy(bin + 100, "--=_cdp_", 8);
	for (int i = 0; i < 30; i++) {
		snprintf(refbuf[i], sizeof(refbuf[i]), "<r%d@example.org>", i);
		refs[i] = refbuf[i];
	}
	clock_parse_local("2026-11-29 10:15", &t, err, sizeof(err));
	base_mail(&m, to);
	to[1].name = "Jean Dupont";
	to[1].address = "jean@example.org";
	m.cc = &to[1];
	m.ncc = 1;
	m.date = t;
	m.body_text = text;
	m.body_html = "<p>Bonjour Hélène,</p><p>Voici l'invitation.</p>";
	m.calendar = ICS;
	m.calendar_method = "REQUEST";
	att[0].filename = "compte rendu de la réunion préparatoire du "
	    "comité de pilotage — Ambert, novembre 2026.pdf";
	att[0].content_type = "Application/PDF";
	att[0].data = bin;
	att[0].len = sizeof(bin);
	att[1].filename = "notes.txt";
	att[1].content_type = NULL;
	att[1].data = "quelques notes\n";
	att[1].len = 15;
	m.attachments = att;
	m.nattachments = 2;
	m.references = refs;
	m.nreferences = 30;
	m.in_reply_to = refs[29];
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0,
	    "invitation composed");
	if (out == NULL) {
		printf("# %s\n", err);
		return;
	}
	ok(lines_ok(out, len, &hmax), "CRLF");
	ok(hmax <= 78, "headers folded");
	v = header(out, "Content-Type");
	ok(v && strncmp(v, "multipart/mixed; boundary=\"=_cdp_", 33) == 0,
	    "multipart/mixed on top");
	snprintf(bnd, sizeof(bnd), "--%s", v ? strchr(v, '"') + 1 : "");
	bnd[strlen(bnd) - 1] = '\0';
	free(v);
	b1 = strstr(out, "Content-Type: multipart/alternative;");
	ok(b1 != NULL, "multipart/alternative inside");
	b2 = strstr(out, "Content-Type: text/calendar; charset=UTF-8; "
	    "method=REQUEST");
	ok(b2 != NULL && b2 > b1, "text/calendar method=REQUEST in the "
	    "alternative");
	ok(strstr(out, "Content-Type: text/html; charset=UTF-8") != NULL,
	    "html part");
	like_str(out, "Content-Type: application/ics;\r\n name=\"invitation."
	    "ics\"\r\nContent-Disposition: attachment;\r\n filename=\""
	    "invitation.ics\"", ".ics attachment");
	like_str(out, "Content-Type: application/pdf;\r\n name*0*=UTF-8''"
	    "compte%20rendu", "RFC 2231 name, type lower-cased");
	like_str(out, "filename*1*=", "long file name continued");
	like_str(out, "Content-Type: application/octet-stream;\r\n "
	    "name=\"notes.txt\"", "default type");
	{
		/* The boundary of the top level closes once, at the end. */
		char close[96];
		const char *c;

		snprintf(close, sizeof(close), "%s--\r\n", bnd);
		c = strstr(out, close);
		ok(c != NULL && c[strlen(close)] == '\0', "closing boundary "
		    "last");
	}
	v = header(out, "References");
	ok(v && strncmp(v, "<r0@example.org> <r11@example.org>", 34) == 0 &&
	    strstr(v, "<r29@example.org>") && !strstr(v, "<r10@"),
	    "References: the first and the 19 most recent");
	free(v);

	ok(message_parse(out, len, &msg, err, sizeof(err)) == 0,
	    "parsed back");
	if (msg) {
		is_str(msg->subject, SUBJECT, "subject read back");
		is_str(msg->from.name, "Coup de pouce Livradois-Forez",
		    "From name read back");
		is_str(msg->from.address,
		    "coupdepouce@parc-livradois-forez.org", "From address");
		is_int((long long)msg->to.n, 1, "one To");
		if (msg->to.n) {
			is_str(msg->to.items[0].name, NAME, "To name, accents");
			is_str(msg->to.items[0].address,
			    "helene.dupre@example.org", "To address");
		}
		is_int((long long)msg->cc.n, 1, "one Cc");
		is_str(msg->text, text, "text body read back byte for byte");
		is_str(msg->message_id, msgid, "Message-ID read back");
		is_str(msg->in_reply_to, "r29@example.org", "In-Reply-To");
		is_int((long long)msg->nreferences, COMPOSE_MAX_REFERENCES,
		    "20 references");
		ok(msg->has_date && msg->date == t && msg->date_offset == 60,
		    "date read back, +01:00");
		/* Our parser lists the inline text/calendar as well. */
		for (size_t i = 0; i < msg->nattachments; i++) {
			const struct msg_attachment *a = &msg->attachments[i];

			if (strcmp(a->filename, att[0].filename) == 0) {
				ok(1, "long accented file name read back");
				is_int((long long)a->size, sizeof(bin),
				    "binary size read back");
				is_str(a->content_type, "application/pdf",
				    "pdf type");
				seen |= 1;
			} else if (strcmp(a->filename, "notes.txt") == 0)
				seen |= 2;
			else if (strcmp(a->filename, "invitation.ics") == 0) {
				is_int((long long)a->size,
				    (long long)strlen(ICS), "ics size");
				seen |= 4;
			}
		}
		is_int(seen, 7, "pdf, notes and invitation.ics read back");
		message_free(msg);
		msg = NULL;
	}
	free(out);

	/* A plain acknowledgement read back, names with specials. */
	base_mail(&m, to);
	m.from_name = "Réseau « Coup de pouce », Livradois-Forez";
	to[0].name = "Dupont, Jean (asso. \"Les Amis\")";
	m.date = t;
	ok(compose_build(&m, &out, &len, err, sizeof(err)) == 0, "ack");
	ok(out && message_parse(out, len, &msg, err, sizeof(err)) == 0,
	    "ack parsed back");
	if (msg) {
		is_str(msg->subject, SUBJECT, "ack subject");
		is_str(msg->from.name, m.from_name, "From with « » and comma");
		if (msg->to.n)
			is_str(msg->to.items[0].name, to[0].name,
			    "quoted name read back");
		is_str(msg->text, m.body_text, "ack text");
		is_str(message_header(msg, "Auto-Submitted"), "auto-replied",
		    "Auto-Submitted read back");
		message_free(msg);
	}
	free(out);
}

static void
test_tag(void)
{
	char *s;

	s = compose_tag_subject("CDP-2026-0001", "Votre demande");
	is_str(s, "[CDP-2026-0001] Votre demande", "tag added in front");
	free(s);
	s = compose_tag_subject("CDP-2026-0001", "Re: Votre demande "
	    "[cdp-2026-0001]");
	is_str(s, "Re: Votre demande [cdp-2026-0001]", "tag present: kept");
	free(s);
	s = compose_tag_subject("CDP-2026-0001", NULL);
	is_str(s, "[CDP-2026-0001]", "tag alone");
	free(s);
}

int
main(void)
{
	static const unsigned char key[] = "0123456789abcdef0123456789abcdef";

	clock_set_zone("Europe/Paris");
	if (token_make(key, 32, 1234, 1, 2, "parc-livradois-forez.org", msgid,
	    sizeof(msgid)) != 0)
		return 1;
	test_headers();
	test_folding_and_words();
	test_qp();
	test_injection();
	test_structure_and_parse_back();
	test_tag();
	return tap_done();
}
