/*
 * test_compose_bytes.c — composition gives, byte for byte, the messages
 * it gave before it was made faster.
 *
 * The files of tests/data/compose/ were written by compose_build() as it
 * was before the one-pass body encoding (cleaning and quoted-printable
 * fused, a text-only mail encoded straight into the message, headers
 * without printf).  Each case here composes the same mail again and
 * compares the whole message with its file: the usual text-only mail
 * (accents, long lines, "." and "From " at line starts, blanks before
 * line ends, LF, CR and CRLF, broken UTF-8), the same with more than one
 * chunk of the encoder, an empty body, a plain ASCII one with a name to
 * quote, a text and HTML mail (the digest), and an invitation with
 * attachments and Cc; the Date line, now written without printf, in
 * several zones against strftime.  CDP_COMPOSE_WRITE=1 writes the files instead (how
 * they were made, with the code of the time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "out/compose.h"
#include "tap.h"
#include "testutil.h"

#define DATA_DIR	"tests/data/compose"
#define DATE		1774440000	/* 2026-03-25 13:00 in Paris */

/* A French body with what the encoder treats apart, repeated `times`. */
static char *
body_text(int times)
{
	static const char *const lines[] = {
		"Bonjour Hélène,\n",
		"\n",
		"Nous avons bien reçu votre message « Compost partagé » et nous "
		"vous remercions de votre confiance ; la référence est "
		"CDP-2026-0001.\n",
		".\n",
		".un point en début de ligne\n",
		"From here on, a line that mbox would mangle\n",
		"une ligne qui finit par des blancs   \n",
		"une tabulation\tau milieu et à la fin\t\r\n",
		"retour seul\rpuis CRLF\r\n",
		"x = 1 + 2 ; égal = signe\n",
		"octets cassés : \xC3 \xFF \xE2\x82 fin\n",
		"émoji \xF0\x9F\x98\x80 et € et œ\n",
		"ligne de soixante-quinze colonnes exactement pour tomber "
		"sur la limite 1\n",
		"ligne de soixante-seize colonnes exactement pour tomber "
		"sur la limite 12\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaé\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaa .\n",
		"Bien cordialement,\n",
		"L'équipe du réseau Coup de pouce",
	};
	struct buf b;

	buf_init(&b, 0);
	for (int k = 0; k < times; k++)
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
			buf_adds(&b, lines[i]);
	return buf_steal(&b);
}

static const char *const refs[] = {
	"<r0@example.org>", "r1@example.org", "<bad id>", "r3@example.org",
	"r4@example.org", "r5@example.org", "r6@example.org", "r7@example.org",
	"r8@example.org", "r9@example.org", "r10@example.org",
	"r11@example.org", "r12@example.org", "r13@example.org",
	"r14@example.org", "r15@example.org", "r16@example.org",
	"r17@example.org", "r18@example.org", "r19@example.org",
	"r20@example.org", "r21@example.org",
};

/* The fields every case shares: an acknowledgement to a holder. */
static void
base_mail(struct compose_mail *m, const struct compose_addr *to)
{
	memset(m, 0, sizeof(*m));
	m->from_name = "Coup de pouce Livradois-Forez";
	m->from_addr = "coupdepouce@example.org";
	m->reply_to = "coupdepouce@example.org";
	m->to = to;
	m->nto = 1;
	m->subject = "[CDP-2026-0001] Nous avons bien reçu votre message "
	    "« Compost partagé au jardin des Écoles »";
	m->message_id = "cdp.1.1.1.9c39569ebc127f9f42461278@example.org";
	m->in_reply_to = "<p.0@bench.example>";
	m->auto_submitted = "auto-replied";
	m->date = DATE;
}

/* Compares the message with DATA_DIR/name.eml (or writes it). */
static void
check(const char *name, const struct compose_mail *m)
{
	char path[256], what[128], err[256];
	char *out = NULL, *want;
	size_t len = 0, wlen = 0;

	snprintf(path, sizeof(path), "%s/%s.eml", DATA_DIR, name);
	if (compose_build(m, &out, &len, err, sizeof(err)) != 0) {
		snprintf(what, sizeof(what), "%s: composed", name);
		ok(0, what);
		printf("#   %s\n", err);
		return;
	}
	if (getenv("CDP_COMPOSE_WRITE") != NULL) {
		write_bytes(path, out, len);
		printf("# wrote %s\n", path);
	}
	want = read_file(path, &wlen);
	snprintf(what, sizeof(what), "%s: the same %zu bytes", name, wlen);
	if (!ok(want != NULL && wlen == len && memcmp(out, want, len) == 0,
	    what)) {
		size_t i = 0;

		while (want && i < len && i < wlen && out[i] == want[i])
			i++;
		printf("#   %s: %zu bytes, %zu expected, first difference at "
		    "%zu\n", path, len, wlen, i);
	}
	free(want);
	free(out);
}

/* The Date line in several zones and seasons, against strftime. */
static void
check_dates(void)
{
	static const char *const zones[] = { "Europe/Paris", "UTC",
	    "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham" };
	static const long long when[] = { DATE, 1784980799, 946684800,
	    4102444799LL };
	struct compose_addr to = { NULL, "a@example.org" };
	struct compose_mail m;
	int all = 1;

	memset(&m, 0, sizeof(m));
	m.from_addr = "coupdepouce@example.org";
	m.to = &to;
	m.nto = 1;
	m.body_text = "x";
	m.message_id = "cdp.1.1.1.9c39569ebc127f9f42461278@example.org";
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
		for (size_t w = 0; w < sizeof(when) / sizeof(when[0]); w++) {
			char want[64], err[256], *out = NULL;
			time_t t = (time_t)when[w];
			struct tm tm;
			size_t len;

			clock_set_zone(zones[z]);
			m.date = t;
			localtime_r(&t, &tm);
			strftime(want, sizeof(want), "Date: %a, %d %b %Y "
			    "%H:%M:%S %z\r\n", &tm);
			if (compose_build(&m, &out, &len, err,
			    sizeof(err)) != 0 || strncmp(out, want,
			    strlen(want)) != 0) {
				all = 0;
				printf("#   %s %lld: want %s", zones[z],
				    when[w], want);
			}
			free(out);
		}
	ok(all, "Date: as strftime gives it, in five zones and seasons");
	clock_set_zone("Europe/Paris");
}

int
main(void)
{
	struct compose_addr to = { "Hélène Dupré", "helene.dupre@example.org" };
	struct compose_addr quoted = { "Dupont, Jean (mairie)",
	    "jean.dupont@example.org" };
	struct compose_addr cc[] = {
		{ "Dominique Martin", "dominique@example.org" },
		{ NULL, "camille@example.org" },
		{ "Coup de pouce", "coupdepouce@example.org" },
	};
	struct compose_attachment att[] = {
		{ "compte rendu de la réunion du conseil municipal.pdf",
		    "Application/PDF", "%PDF-1.4 fake\n\x00\x01\x02", 17 },
		{ "notes.txt", NULL, "des notes\r\n", 11 },
	};
	struct compose_mail m;
	char *text = body_text(1), *big = body_text(40);

	clock_set_zone("Europe/Paris");

	base_mail(&m, &to);
	m.body_text = text;
	m.references = refs;
	m.nreferences = sizeof(refs) / sizeof(refs[0]);
	check("ack", &m);

	base_mail(&m, &to);
	m.body_text = big;
	check("long", &m);

	base_mail(&m, &to);
	m.body_text = "";
	check("empty", &m);

	base_mail(&m, &quoted);
	m.subject = "Plain subject";
	m.auto_submitted = NULL;
	m.in_reply_to = NULL;
	m.body_text = "Plain ASCII text.\nSecond line.\n";
	check("plain", &m);

	base_mail(&m, &to);
	m.subject = "Synthèse de la semaine";
	m.auto_submitted = "auto-generated";
	m.body_text = text;
	m.body_html = "<p>Bonjour Hélène,</p>\n<p>« Compost » : 3 dossiers."
	    "</p>\n<p>.fin</p>";
	check("digest", &m);

	base_mail(&m, &to);
	m.subject = "Invitation : première réunion";
	m.reply_to = NULL;
	m.cc = cc;
	m.ncc = sizeof(cc) / sizeof(cc[0]);
	m.body_text = text;
	m.calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\n"
	    "SUMMARY:Première réunion\nEND:VEVENT\nEND:VCALENDAR\n";
	m.attachments = att;
	m.nattachments = sizeof(att) / sizeof(att[0]);
	check("invitation", &m);

	check_dates();
	free(text);
	free(big);
	return tap_done();
}
