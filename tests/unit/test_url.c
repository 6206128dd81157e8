/*
 * test_url.c — server URLs: schemes, default ports, IPv6 literals, and a
 * readable refusal for everything that does not name just a server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/url.h"

static void
good(const char *text, enum url_proto want, const char *scheme,
    const char *host, int port, int tls)
{
	struct mail_url u;
	char err[256] = "", name[300];

	snprintf(name, sizeof(name), "parse %s", text);
	if (!ok(url_parse(text, want, &u, err, sizeof(err)) == 0, name)) {
		printf("#   error: %s\n", err);
		return;
	}
	is_str(u.scheme, scheme, "  scheme");
	is_str(u.host, host, "  host");
	is_int(u.port, port, "  port");
	is_int(u.tls_implicit, tls, "  implicit TLS");
	url_free(&u);
}

static void
bad(const char *text, enum url_proto want, const char *why)
{
	struct mail_url u;
	char err[256] = "", name[300];

	snprintf(name, sizeof(name), "refuse %s", text ? text : "(null)");
	ok(url_parse(text, want, &u, err, sizeof(err)) == -1, name);
	like_str(err, why, "  reason");
	ok(u.scheme == NULL && u.host == NULL, "  nothing left to free");
}

static void
test_good(void)
{
	/* URL, protocol asked for, then scheme, host, port and implicit TLS
	 * as parsed. */
	static const struct {
		const char	*text;
		enum url_proto	 want;
		const char	*scheme, *host;
		int		 port, tls;
	} cases[] = {
		{ "imap://mail.example.org", URL_IMAP, "imap",
		    "mail.example.org", 143, 0 },
		{ "imaps://mail.example.org", URL_IMAP, "imaps",
		    "mail.example.org", 993, 1 },
		{ "smtp://smtp.example.org", URL_SMTP, "smtp",
		    "smtp.example.org", 587, 0 },
		{ "smtps://smtp.example.org", URL_SMTP, "smtps",
		    "smtp.example.org", 465, 1 },
		{ "IMAPS://Mail.Example.org:10993", URL_ANY, "imaps",
		    "Mail.Example.org", 10993, 1 },
		{ "smtp://127.0.0.1:25", URL_ANY, "smtp", "127.0.0.1", 25, 0 },
		{ "imaps://[::1]:20993", URL_IMAP, "imaps", "::1", 20993, 1 },
		{ "imaps://[2001:db8::1]", URL_IMAP, "imaps", "2001:db8::1",
		    993, 1 },
		{ "imaps://mail.example.org/", URL_IMAP, "imaps",
		    "mail.example.org", 993, 1 },
		{ "smtp://localhost:65535", URL_SMTP, "smtp", "localhost",
		    65535, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		good(cases[i].text, cases[i].want, cases[i].scheme,
		    cases[i].host, cases[i].port, cases[i].tls);
}

static void
test_bad(void)
{
	/* URL, protocol asked for, and a part of the reason given. */
	static const struct {
		const char	*text;
		enum url_proto	 want;
		const char	*why;
	} cases[] = {
		{ NULL, URL_IMAP, "no URL given" },
		{ "", URL_SMTP, "no URL given (use smtp:// or smtps://)" },
		{ "mail.example.org", URL_IMAP,
		    "is not a URL (use imap:// or imaps://)" },
		{ "ftp://h", URL_ANY, "unsupported scheme 'ftp'" },
		{ "pop3s://h", URL_IMAP,
		    "unsupported scheme 'pop3s' (use imap:// or imaps://)" },
		{ "smtp://h", URL_IMAP, "unsupported scheme 'smtp'" },
		{ "imaps://h", URL_SMTP, "(use smtp:// or smtps://)" },
		{ "imaps://h:0", URL_IMAP, "bad port '0'" },
		{ "imaps://h:65536", URL_IMAP, "bad port '65536'" },
		{ "imaps://h:99999999999", URL_IMAP, "bad port" },
		{ "imaps://h:", URL_IMAP, "bad port ''" },
		{ "imaps://h:99x", URL_IMAP, "bad port '99x'" },
		{ "imaps://h:-1", URL_IMAP, "bad port '-1'" },
		{ "imaps://h/INBOX", URL_IMAP,
		    "a path ('/INBOX') is not allowed" },
		{ "imaps://h/INBOX", URL_IMAP, "folder =" },
		{ "smtp://h/example.org", URL_SMTP, "a path ('/example.org')" },
		{ "imaps://h?x=1", URL_IMAP, "a query or fragment ('?x=1')" },
		{ "imaps://h#frag", URL_IMAP, "a query or fragment" },
		{ "imaps://user@h", URL_IMAP,
		    "user name or password in the URL" },
		{ "imaps://user:s3cret@h:993", URL_IMAP,
		    "set user = and password_file =" },
		{ "imaps://", URL_IMAP, "names no host" },
		{ "imaps://:993", URL_IMAP, "names no host" },
		{ "imaps://::1", URL_IMAP, "must be written in brackets" },
		{ "imaps://[::1", URL_IMAP, "'[' without ']'" },
		{ "imaps://[nothost]:993", URL_IMAP,
		    "'nothost' is not an IPv6" },
		{ "imaps://[::1]x", URL_IMAP, "unexpected text after ']'" },
		{ "imaps://bad host", URL_IMAP,
		    "space or a control character" },
		{ "imaps://bad!host", URL_IMAP,
		    "'bad!host' is not a valid host" },
		{ "imaps://a..b", URL_IMAP, "not a valid host" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad(cases[i].text, cases[i].want, cases[i].why);
}

static void
test_no_password_echo(void)
{
	struct mail_url u;
	char err[256] = "";

	url_parse("imaps://me:hunter2@h", URL_IMAP, &u, err, sizeof(err));
	ok(strstr(err, "hunter2") == NULL, "a password in the URL is not "
	    "echoed in the error");
}

static void
test_helpers(void)
{
	struct mail_url u;
	char err[256];
	char *s;

	url_parse("imaps://[::1]", URL_IMAP, &u, err, sizeof(err));
	ok(url_host_is_ip(&u), "::1 is an IP literal");
	s = url_format(&u);
	is_str(s, "imaps://[::1]:993", "format puts IPv6 in brackets");
	free(s);
	url_free(&u);

	url_parse("SMTP://127.0.0.1", URL_SMTP, &u, err, sizeof(err));
	ok(url_host_is_ip(&u), "127.0.0.1 is an IP literal");
	s = url_format(&u);
	is_str(s, "smtp://127.0.0.1:587", "format adds the default port");
	free(s);
	url_free(&u);

	url_parse("smtps://mail.example.org", URL_SMTP, &u, err, sizeof(err));
	ok(!url_host_is_ip(&u), "a DNS name is not an IP literal");
	url_free(&u);
	url_free(&u);
	url_free(NULL);
	ok(1, "url_free twice and on NULL is harmless");
}

int
main(void)
{
	test_good();
	test_bad();
	test_no_password_echo();
	test_helpers();
	return tap_done();
}
