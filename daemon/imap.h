/*
 * imap.h — the daemon's connection to its contact mailbox.
 *
 * One struct imap_conn is one logged-in IMAP session over TLS: imaps://
 * (TLS from the first byte) or imap:// with STARTTLS, which is always
 * required.  The server's certificate chain and host name are verified by
 * us (tls_verify.h) before the password is sent, because libetpan does not
 * verify anything.  libetpan is included by imap.c only; callers see this
 * API and our own return codes.
 *
 * Return codes: every function returns IMAP_OK (0) or one of the negative
 * codes below, with a sentence in the caller's err buffer that starts with
 * the URL as configured ("imaps://mail.example.org: ...") and includes the
 * server's own words or libetpan's error.  The split that matters to the
 * caller is retry (IMAP_ETEMP) versus tell the administrator (the others).
 * After IMAP_ETEMP from a command the session is usually dead: close it and
 * open a new one later.  A URL that does not parse (url.h) is IMAP_EPROTO;
 * LOGIN refused with [UNAVAILABLE] (RFC 5530) is IMAP_ETEMP.
 */
#ifndef CDP_IMAP_H
#define CDP_IMAP_H

#include <stddef.h>
#include <stdint.h>

enum imap_status {
	IMAP_OK = 0,
	IMAP_ETEMP = -1,	/* network, timeout, server unavailable or gone */
	IMAP_EAUTH = -2,	/* LOGIN refused, or no user configured */
	IMAP_ETLS = -3,		/* certificate refused, no STARTTLS, handshake */
	IMAP_EPROTO = -4	/* the server said NO/BAD or made no sense */
};

struct imap_params {		/* everything borrowed for the call */
	const char	*url;		/* imap://host[:port] or imaps://... */
	const char	*user;		/* NULL or "" only for PREAUTH servers */
	const char	*password;	/* never logged */
	int		 tls_verify;	/* 0 skips the certificate check */
	const char	*ca_file;	/* PEM CAs; NULL = system store */
	int		 timeout_sec;	/* connect, TLS and each reply; <= 0: 60 */
};

struct imap_conn;

/*
 * Connects, sets up TLS, verifies the certificate (when tls_verify), logs
 * in and reads the capabilities.  On IMAP_OK *out is a new connection the
 * caller closes with imap_close(); otherwise *out is NULL.
 */
int imap_open(const struct imap_params *p, struct imap_conn **out,
    char *err, size_t errlen);

/* Server capabilities, as read after login. */
int imap_has_idle(const struct imap_conn *c);
int imap_has_move(const struct imap_conn *c);
int imap_has_uidplus(const struct imap_conn *c);

/*
 * SELECTs `folder` (read-write) and stores its UIDVALIDITY in *uidvalidity
 * (0 if the server sent none).  Folder names go to the server as given:
 * non-ASCII names must already be in IMAP's modified UTF-7.
 */
int imap_select(struct imap_conn *c, const char *folder,
    uint32_t *uidvalidity, char *err, size_t errlen);

/*
 * Makes sure `folder` exists: LIST, then CREATE when it is missing.
 * *created (may be NULL) is set to 1 when it was created now.
 */
int imap_ensure_folder(struct imap_conn *c, const char *folder,
    int *created, char *err, size_t errlen);

/* LOGOUT (skipped when the connection is already broken) and free; NULL is
 * fine. */
void imap_close(struct imap_conn *c);

/* "temporary", "authentication", "TLS", "protocol" for an imap_status;
 * "ok" for IMAP_OK. */
const char *imap_status_name(int status);

#endif
