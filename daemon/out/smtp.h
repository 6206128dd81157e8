/*
 * smtp.h — sending mail through the network's submission server.
 *
 * libcurl does the SMTP (and STARTTLS, AUTH, dot-stuffing, certificate
 * verification); it is included by smtp.c only.  Two facts shape the API:
 * - libcurl aborts the whole transaction when one RCPT TO is refused, so
 *   nobody gets the mail.  We send one transaction per recipient, over one
 *   connection kept in a struct smtp_session, and report each recipient's
 *   fate separately.  (libcurl closes the connection after a refused
 *   recipient; the next recipient then reconnects by itself.)
 * - The caller must tell "try again later" from "will never work".
 *
 * Return codes: SMTP_OK (0) or a negative code below, with a sentence in
 * the caller's err that starts with the URL as configured and includes
 * curl's message and the server's failing reply line.  A URL that does not
 * parse (url.h) is SMTP_EPERM.  Credentials and
 * message bodies are never logged; "-v smtp" logs the dialogue with AUTH
 * lines masked.
 */
#ifndef CDP_SMTP_H
#define CDP_SMTP_H

#include <stddef.h>

struct config;

enum smtp_status {
	SMTP_OK = 0,
	SMTP_ETEMP = -1,	/* 4xx, network, timeout: retry later */
	SMTP_EPERM = -2,	/* 5xx: this recipient/message will never go */
	SMTP_EAUTH = -3,	/* AUTH refused */
	SMTP_ETLS = -4,		/* certificate refused, no STARTTLS */
	SMTP_ERCPT = -5		/* smtp_*send only: some recipients failed */
};

struct smtp_params {		/* everything borrowed for the call */
	const char	*url;		/* smtp://host[:port] or smtps://... */
	const char	*user;		/* NULL or "": no AUTH */
	const char	*password;	/* never logged */
	int		 starttls;	/* smtp:// only: require STARTTLS */
	int		 tls_verify;	/* 0 skips peer and host checks */
	const char	*ca_file;	/* PEM CAs; NULL = system store */
	int		 timeout_sec;	/* connect and each reply; <= 0: 60 */
};

#define SMTP_TEXT_MAX 512

struct smtp_result {		/* one per recipient, filled by smtp_send */
	int	 status;		/* enum smtp_status, never SMTP_ERCPT */
	int	 code;			/* SMTP reply code, 0 if none */
	char	 text[SMTP_TEXT_MAX];	/* server reply or error text */
};

struct smtp_session;

/* curl_global_init, once, before any other thread exists; 0 or -1.
 * smtp_session_open calls it too if nobody did. */
int smtp_global_init(void);

/*
 * Connects, STARTTLS (smtp:// with starttls, or smtps://), AUTH when a
 * user is set, NOOP: a session ready to send.  A password is never sent
 * without TLS (SMTP_ETLS).  On SMTP_OK *out is a new session the caller
 * closes with smtp_session_close(); otherwise *out is NULL.  The params
 * are copied.
 */
int smtp_session_open(const struct smtp_params *p,
    struct smtp_session **out, char *err, size_t errlen);

/*
 * Sends msg (msglen bytes, a complete RFC 5322 message with CRLF line
 * ends; curl dot-stuffs it) from envelope_from ("" for the null sender
 * <>) to each of rcpts[0..nrcpt-1], one transaction per recipient.
 * res[0..nrcpt-1] (caller's array) gets each recipient's status: a
 * recipient with SMTP_OK was accepted by the server and must not be sent
 * again, whatever the return value.
 * Returns SMTP_OK when all were accepted; SMTP_ERCPT when the session
 * worked but some recipients were refused or deferred (see res);
 * otherwise the session failed (SMTP_ETEMP, SMTP_EAUTH, SMTP_ETLS) and
 * the recipients not yet done carry that status.  err summarises.
 */
int smtp_session_send(struct smtp_session *s, const char *envelope_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t msglen,
    struct smtp_result *res, char *err, size_t errlen);

/* QUIT and free; NULL is fine. */
void smtp_session_close(struct smtp_session *s);

/* smtp_session_open + smtp_session_send + smtp_session_close. */
int smtp_send(const struct smtp_params *p, const char *envelope_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t msglen,
    struct smtp_result *res, char *err, size_t errlen);

/* Logs in the way smtp_send would, then QUITs: for `coupdepouce check`. */
int smtp_check_login(const struct smtp_params *p, char *err, size_t errlen);

/* Copies src into dst[len], cut if longer: a server's text is unbounded,
 * the buffers that keep it (smtp_result, the outbox's errors) are not. */
void smtp_text_copy(char *dst, size_t len, const char *src);

/* Fills *p from the [smtp] section of cfg; the strings stay cfg's. */
void smtp_params_from_config(const struct config *cfg,
    struct smtp_params *p);

/*
 * 1 if `a` may stand in an envelope: "" only where allow_empty (the null
 * reverse-path of a bounce's sender), otherwise the one rule of
 * base/addr.h.  The outbox checks with it when queueing, so a mail that
 * SMTP would refuse is never queued.
 */
int smtp_addr_ok(const char *a, int allow_empty);

/* "ok", "temporary", "permanent", "authentication", "TLS", "recipients". */
const char *smtp_status_name(int status);

#endif
