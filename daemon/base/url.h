/*
 * url.h — the server addresses of [imap] url and [smtp] url.
 *
 * A mail server is named by scheme, host and port only:
 *   imap://host[:port]    STARTTLS (always required), default port 143
 *   imaps://host[:port]   TLS from the first byte, default port 993
 *   smtp://host[:port]    submission, STARTTLS unless starttls = no, port 587
 *   smtps://host[:port]   TLS from the first byte, default port 465
 * The host is a DNS name, an IPv4 address or an IPv6 address in brackets
 * ("imaps://[::1]:993").  User names, passwords, paths, queries and
 * fragments are refused with a sentence saying where they belong instead:
 * a password in a URL would end up in logs, and a path would be silently
 * ignored.  A single trailing "/" is accepted (it names nothing).
 */
#ifndef CDP_URL_H
#define CDP_URL_H

#include <stddef.h>

enum url_proto {
	URL_ANY,	/* any of the four schemes */
	URL_IMAP,	/* imap:// or imaps:// */
	URL_SMTP	/* smtp:// or smtps:// */
};

struct mail_url {
	char	*scheme;	/* owned; lower case: "imap", "imaps", ... */
	char	*host;		/* owned; IPv6 without the brackets */
	int	 port;		/* 1..65535, the default when not given */
	int	 tls_implicit;	/* 1 for imaps and smtps */
};

/*
 * Parses `text` (borrowed) into *out, which the caller releases with
 * url_free().  `want` restricts the schemes.  Returns 0, or -1 with the
 * reason in err ("'ftp://h' has an unknown scheme 'ftp' (use imap:// or
 * imaps://)"); on failure *out holds nothing to free.
 */
int url_parse(const char *text, enum url_proto want, struct mail_url *out,
    char *err, size_t errlen);

/* Frees the members and zeroes *u; NULL and a zeroed struct are fine. */
void url_free(struct mail_url *u);

/* True when the host is an IP address literal (v4 or v6), for which TLS
 * sends no SNI and the certificate must carry an IP address. */
int url_host_is_ip(const struct mail_url *u);

/* "scheme://host:port" with IPv6 hosts in brackets, always with the port;
 * a new string the caller frees. */
char *url_format(const struct mail_url *u);

#endif
