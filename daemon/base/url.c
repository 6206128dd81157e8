/*
 * url.c — parse the imap[s]:// and smtp[s]:// server addresses; see url.h.
 *
 * Hand-written rather than borrowed from libcurl's URL API so that the IMAP
 * module (which must not include libcurl) and the config checks share one
 * parser, and so that every refusal can say what to write instead.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/url.h"

#define URL_HOST_MAX 253	/* longest DNS name */

static const struct {
	const char	*scheme;
	enum url_proto	 proto;
	int		 port;
	int		 tls_implicit;
} url_schemes[] = {
	{ "imap", URL_IMAP, 143, 0 },
	{ "imaps", URL_IMAP, 993, 1 },
	{ "smtp", URL_SMTP, 587, 0 },
	{ "smtps", URL_SMTP, 465, 1 },
};

static const char *
url_expected(enum url_proto want)
{
	switch (want) {
	case URL_IMAP:
		return "use imap:// or imaps://";
	case URL_SMTP:
		return "use smtp:// or smtps://";
	default:
		return "use imap://, imaps://, smtp:// or smtps://";
	}
}

static int
url_host_valid(const char *host)
{
	size_t n = strlen(host);

	if (n == 0 || n > URL_HOST_MAX || host[0] == '.' || host[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)host[i];

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return 0;
		if (c == '.' && host[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* Parses a decimal port "1".."65535"; -1 otherwise. */
static int
url_port_parse(const char *s, size_t n)
{
	int port = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port >= 1 && port <= 65535 ? port : -1;
}

int
url_parse(const char *text, enum url_proto want, struct mail_url *out,
    char *err, size_t errlen)
{
	const char *sep, *auth, *end, *hp, *port_s = NULL;
	char *scheme = NULL, *host = NULL;
	size_t scheme_len, i, k = sizeof(url_schemes) / sizeof(url_schemes[0]);
	int port, rc = -1;

	memset(out, 0, sizeof(*out));
	if (text == NULL || *text == '\0') {
		snprintf(err, errlen, "no URL given (%s)", url_expected(want));
		goto out;
	}
	for (const char *p = text; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			snprintf(err, errlen, "the URL contains a space or a "
			    "control character");
			goto out;
		}
	}
	sep = strstr(text, "://");
	if (sep == NULL) {
		snprintf(err, errlen, "'%s' is not a URL (%s)", text,
		    url_expected(want));
		goto out;
	}
	scheme_len = (size_t)(sep - text);
	scheme = xstrndup(text, scheme_len);
	for (char *p = scheme; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < k; i++)
		if (strcmp(scheme, url_schemes[i].scheme) == 0)
			break;
	if (i == k || (want != URL_ANY && url_schemes[i].proto != want)) {
		snprintf(err, errlen, "'%s' has an unsupported scheme '%s' "
		    "(%s)", text, scheme, url_expected(want));
		goto out;
	}

	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL) {
		/* Do not echo the text: it may hold a password. */
		snprintf(err, errlen, "a user name or password in the URL is "
		    "not allowed: set user = and password_file = instead");
		goto out;
	}
	if (*end == '?' || *end == '#') {
		snprintf(err, errlen, "'%s': a query or fragment ('%s') is "
		    "not allowed", text, end);
		goto out;
	}
	if (*end == '/' && end[1] != '\0') {
		snprintf(err, errlen, "'%s': a path ('%s') is not allowed; "
		    "the URL names only the server%s", text, end,
		    url_schemes[i].proto == URL_IMAP ?
		    " (the mailbox is set by folder =)" : "");
		goto out;
	}

	if (*auth == '[') {
		const char *close = memchr(auth, ']', (size_t)(end - auth));
		unsigned char addr[16];

		if (close == NULL) {
			snprintf(err, errlen, "'%s': '[' without ']' around "
			    "the IPv6 address", text);
			goto out;
		}
		host = xstrndup(auth + 1, (size_t)(close - auth - 1));
		if (inet_pton(AF_INET6, host, addr) != 1) {
			snprintf(err, errlen, "'%s': '%s' is not an IPv6 "
			    "address", text, host);
			goto out;
		}
		hp = close + 1;
		if (hp < end && *hp != ':') {
			snprintf(err, errlen, "'%s': unexpected text after "
			    "']'", text);
			goto out;
		}
		if (hp < end)
			port_s = hp + 1;
	} else {
		const char *colon = memchr(auth, ':', (size_t)(end - auth));

		if (colon != NULL &&
		    memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL) {
			snprintf(err, errlen, "'%s': an IPv6 address must be "
			    "written in brackets, as imaps://[::1]:993", text);
			goto out;
		}
		host = xstrndup(auth, (size_t)((colon ? colon : end) - auth));
		if (*host == '\0') {
			snprintf(err, errlen, "'%s' names no host", text);
			goto out;
		}
		if (!url_host_valid(host)) {
			snprintf(err, errlen, "'%s': '%s' is not a valid host "
			    "name", text, host);
			goto out;
		}
		if (colon != NULL)
			port_s = colon + 1;
	}

	if (port_s != NULL) {
		port = url_port_parse(port_s, (size_t)(end - port_s));
		if (port < 0) {
			snprintf(err, errlen, "'%s': bad port '%.*s' (a "
			    "number from 1 to 65535)", text,
			    (int)(end - port_s), port_s);
			goto out;
		}
	} else
		port = url_schemes[i].port;

	out->scheme = scheme;
	out->host = host;
	out->port = port;
	out->tls_implicit = url_schemes[i].tls_implicit;
	scheme = host = NULL;
	rc = 0;
out:
	free(scheme);
	free(host);
	return rc;
}

void
url_free(struct mail_url *u)
{
	if (u == NULL)
		return;
	free(u->scheme);
	free(u->host);
	memset(u, 0, sizeof(*u));
}

int
url_host_is_ip(const struct mail_url *u)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, u->host, addr) == 1 ||
	    inet_pton(AF_INET6, u->host, addr) == 1;
}

char *
url_format(const struct mail_url *u)
{
	int v6 = strchr(u->host, ':') != NULL;

	return xasprintf("%s://%s%s%s:%d", u->scheme, v6 ? "[" : "", u->host,
	    v6 ? "]" : "", u->port);
}
