/*
 * smtp.c — mail submission with libcurl; see smtp.h for the API and why
 * each recipient gets its own transaction.
 *
 * How the pieces fit:
 * - One CURL handle per session: libcurl keeps the connection (TLS and
 *   AUTH done) between transfers made on the same handle, so a batch costs
 *   one handshake.  smtp_session_open runs a NOOP at once, so a bad
 *   certificate or password is reported before any mail is attempted.
 * - libcurl's own messages say "RCPT failed: 550" but not what the server
 *   said, and CURLINFO_RESPONSE_CODE may already hold the 221 of the QUIT
 *   it sends after a failure.  A debug callback (CURLOPT_VERBOSE is on, but
 *   nothing goes to stderr) therefore records, per transfer, the server's
 *   first reply of 400 or more and whether MAIL FROM was sent: a failure
 *   before MAIL FROM is the session's (connect, TLS, AUTH), after it the
 *   recipient's (4xx temporary, 5xx permanent).  Under "-v smtp" the same
 *   callback logs the dialogue, AUTH lines masked, message bodies never.
 * - libcurl silently skips AUTH when the server offers none; with a user
 *   configured that is an error here, not an unauthenticated session.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/addr.h"
#include "config/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/smtp.h"
#include "base/url.h"

#define SMTP_DEFAULT_TIMEOUT 60

struct smtp_session {
	CURL		*curl;		/* owned */
	char		*url;		/* as configured, prefix of errors */
	char		*curl_url;	/* scheme://host:port */
	int		 want_auth;	/* a user is configured */
	char		 errbuf[CURL_ERROR_SIZE];

	/* Per transfer, from the debug callback. */
	char		 reply[SMTP_TEXT_MAX];		/* last reply line */
	char		 fail_reply[SMTP_TEXT_MAX];	/* first >= 400 */
	int		 reply_code;
	int		 fail_code;
	int		 mail_sent;	/* MAIL FROM went out */
	int		 auth_sent;	/* AUTH went out */
	int		 in_auth;	/* mask client lines until non-334 */

	/* The message being uploaded (borrowed). */
	const char	*msg;
	size_t		 msglen;
	size_t		 msgpos;
};

static int smtp_global_done;

/*
 * curl_global_init starts every backend libcurl was built with; Debian's
 * has libssh2 (SCP, SFTP), whose start loads OpenSSL's configuration and
 * all its algorithms: 1.5 MiB of resident memory for protocols the daemon
 * never speaks.  libssh2_init counts its callers and sets its crypto up
 * only for the first, so a first call with LIBSSH2_INIT_NO_CRYPTO (1)
 * leaves curl's own one nothing to do.  The symbol is looked up, not
 * linked: a libcurl without libssh2 simply has none.
 */
static void
smtp_skip_ssh_crypto(void)
{
	int (*ssh_init)(int);

	*(void **)&ssh_init = dlsym(RTLD_DEFAULT, "libssh2_init");
	if (ssh_init != NULL)
		(void)ssh_init(1);
}

int
smtp_global_init(void)
{
	if (smtp_global_done)
		return 0;
	smtp_skip_ssh_crypto();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	smtp_global_done = 1;
	return 0;
}

const char *
smtp_status_name(int status)
{
	switch (status) {
	case SMTP_OK:
		return "ok";
	case SMTP_ETEMP:
		return "temporary";
	case SMTP_EPERM:
		return "permanent";
	case SMTP_EAUTH:
		return "authentication";
	case SMTP_ETLS:
		return "TLS";
	default:
		return "recipients";
	}
}

static void
smtp_reset_capture(struct smtp_session *s)
{
	s->errbuf[0] = '\0';
	s->reply[0] = s->fail_reply[0] = '\0';
	s->reply_code = s->fail_code = 0;
	s->mail_sent = s->in_auth = 0;
}

/* Reply code of a server line ("250-..." or "550 ..."); 0 if none. */
static int
smtp_line_code(const char *line, size_t n)
{
	if (n < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return 0;
	if (n > 3 && line[3] != ' ' && line[3] != '-')
		return 0;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

static void
smtp_debug_line(struct smtp_session *s, curl_infotype type, const char *line,
    size_t n)
{
	int code, dbg = log_debug_enabled(LOG_CAT_SMTP);

	switch (type) {
	case CURLINFO_TEXT:
		if (dbg)
			log_debug(LOG_CAT_SMTP, "* %.*s", (int)n, line);
		break;
	case CURLINFO_HEADER_IN:
		code = smtp_line_code(line, n);
		if (code != 0) {
			snprintf(s->reply, sizeof(s->reply), "%.*s", (int)n,
			    line);
			s->reply_code = code;
			if (code >= 400 && s->fail_code == 0) {
				snprintf(s->fail_reply, sizeof(s->fail_reply),
				    "%.*s", (int)n, line);
				s->fail_code = code;
			}
			if (code != 334)
				s->in_auth = 0;
		}
		if (dbg)
			log_debug(LOG_CAT_SMTP, "< %.*s", (int)n, line);
		break;
	case CURLINFO_HEADER_OUT:
		if (n >= 5 && strncasecmp(line, "AUTH ", 5) == 0) {
			size_t m = strcspn(line + 5, " ");

			s->in_auth = s->auth_sent = 1;
			if (dbg)
				log_debug(LOG_CAT_SMTP, "> AUTH %.*s%s",
				    (int)(m < n - 5 ? m : n - 5), line + 5,
				    m < n - 5 ? " (credentials hidden)" : "");
			break;
		}
		if (s->in_auth) {
			if (dbg)
				log_debug(LOG_CAT_SMTP, "> (credentials "
				    "hidden)");
			break;
		}
		if (n >= 10 && strncasecmp(line, "MAIL FROM:", 10) == 0)
			s->mail_sent = 1;
		if (dbg)
			log_debug(LOG_CAT_SMTP, "> %.*s", (int)n, line);
		break;
	default:			/* bodies and TLS records: never */
		break;
	}
}

static int
smtp_debug_cb(CURL *curl, curl_infotype type, char *data, size_t size,
    void *userp)
{
	struct smtp_session *s = userp;
	const char *p = data, *end = data + size;

	(void)curl;
	if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN &&
	    type != CURLINFO_HEADER_OUT)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - p);

		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		if (n > 0)
			smtp_debug_line(s, type, p, n);
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static size_t
smtp_read_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	struct smtp_session *s = userp;
	size_t n = size * nitems, left = s->msglen - s->msgpos;

	if (n > left)
		n = left;
	memcpy(buf, s->msg + s->msgpos, n);
	s->msgpos += n;
	return n;
}

static size_t
smtp_discard_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	(void)buf;
	(void)userp;
	return size * nitems;
}

/*
 * A TLS failure that retrying cannot cure: the certificate, our CA file,
 * a server without STARTTLS.  CURLE_SSL_CONNECT_ERROR is not one: it is
 * what a handshake cut by the peer (a server restarting) gives, so it is
 * a temporary failure like a refused or cut connection.
 */
static int
smtp_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
		return 1;
	default:
		return 0;
	}
}

/*
 * Status of the transfer that just ended with rc.  *session is set when
 * the failure is the session's (before MAIL FROM) rather than this
 * recipient's.
 */
static int
smtp_classify(struct smtp_session *s, CURLcode rc, int *code, int *session)
{
	long rcode = 0;

	*session = 0;
	*code = s->fail_code;
	if (rc == CURLE_OK) {
		*code = s->reply_code;
		return SMTP_OK;
	}
	if (*code == 0 && curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE,
	    &rcode) == CURLE_OK && rcode >= 400 && rcode < 600)
		*code = (int)rcode;
	if (smtp_tls_error(rc)) {
		*session = 1;
		return SMTP_ETLS;
	}
	if (rc == CURLE_LOGIN_DENIED) {
		*session = 1;
		return *code >= 400 && *code < 500 ? SMTP_ETEMP : SMTP_EAUTH;
	}
	if (!s->mail_sent) {
		*session = 1;
		return SMTP_ETEMP;
	}
	if (*code >= 500 && *code < 600)
		return SMTP_EPERM;
	return SMTP_ETEMP;
}

/* "<curl's words>[; server said: <reply>]" for the last transfer. */
static void
smtp_describe(struct smtp_session *s, CURLcode rc, char *buf, size_t len)
{
	const char *what = curl_easy_strerror(rc);

	if (s->errbuf[0] != '\0' && strcmp(s->errbuf, what) != 0)
		snprintf(buf, len, "%s: %s%s%s", what, s->errbuf,
		    s->fail_reply[0] ? "; server said: " : "", s->fail_reply);
	else
		snprintf(buf, len, "%s%s%s", what,
		    s->fail_reply[0] ? "; server said: " : "", s->fail_reply);
}

void
smtp_text_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (len == 0)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
smtp_addr_ok(const char *a, int allow_empty)
{
	return *a == '\0' ? allow_empty : addr_valid(a);
}

void
smtp_params_from_config(const struct config *cfg, struct smtp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->url = cfg->smtp.m.url;
	p->user = cfg->smtp.m.user;
	p->password = cfg->smtp.m.password;
	p->starttls = cfg->smtp.starttls;
	p->tls_verify = cfg->smtp.m.tls_verify;
	p->ca_file = cfg->smtp.m.ca_file;
	p->timeout_sec = cfg->smtp.m.timeout;
}

void
smtp_session_close(struct smtp_session *s)
{
	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);	/* sends QUIT */
	free(s->url);
	free(s->curl_url);
	free(s);
}

int
smtp_session_open(const struct smtp_params *p, struct smtp_session **out,
    char *err, size_t errlen)
{
	struct smtp_session *s;
	struct mail_url u;
	CURLcode rc, prc;
	char why[1024];
	int timeout, code, session, st, tls;

	*out = NULL;
	memset(&u, 0, sizeof(u));
	s = xcalloc(1, sizeof(*s));
	s->url = xstrdup(p->url ? p->url : "");
	if (url_parse(p->url, URL_SMTP, &u, err, errlen) != 0) {
		st = SMTP_EPERM;
		goto out;
	}
	s->want_auth = p->user != NULL && *p->user != '\0';
	tls = u.tls_implicit || p->starttls;
	if (s->want_auth && !tls) {
		snprintf(err, errlen, "%s: refusing to send the password "
		    "without TLS (set starttls = yes or use smtps://)", s->url);
		st = SMTP_ETLS;
		goto out;
	}
	if (smtp_global_init() != 0) {
		snprintf(err, errlen, "%s: curl_global_init failed", s->url);
		st = SMTP_ETEMP;
		goto out;
	}
	if ((s->curl = curl_easy_init()) == NULL)
		fatalx("smtp: curl_easy_init failed");
	s->curl_url = url_format(&u);
	timeout = p->timeout_sec > 0 ? p->timeout_sec : SMTP_DEFAULT_TIMEOUT;

#define SET(opt, val) do {						\
	if ((rc = curl_easy_setopt(s->curl, (opt), (val))) != CURLE_OK) {\
		snprintf(err, errlen, "%s: curl option %s: %s", s->url,	\
		    #opt, curl_easy_strerror(rc));			\
		st = SMTP_ETEMP;					\
		goto out;						\
	}								\
} while (0)
	SET(CURLOPT_URL, s->curl_url);
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_ERRORBUFFER, s->errbuf);
	SET(CURLOPT_VERBOSE, 1L);	/* into smtp_debug_cb, not stderr */
	SET(CURLOPT_DEBUGFUNCTION, smtp_debug_cb);
	SET(CURLOPT_DEBUGDATA, s);
	SET(CURLOPT_READFUNCTION, smtp_read_cb);
	SET(CURLOPT_READDATA, s);
	SET(CURLOPT_WRITEFUNCTION, smtp_discard_cb);
	SET(CURLOPT_CONNECTTIMEOUT, (long)timeout);
	SET(CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, (long)timeout);
	if (!u.tls_implicit && p->starttls)
		SET(CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	SET(CURLOPT_SSL_VERIFYPEER, p->tls_verify ? 1L : 0L);
	SET(CURLOPT_SSL_VERIFYHOST, p->tls_verify ? 2L : 0L);
	if (p->ca_file != NULL) {
		/* Instead of the system store, as for IMAP: libcurl-gnutls
		 * would otherwise also trust its CA path. */
		SET(CURLOPT_CAINFO, p->ca_file);
		SET(CURLOPT_CAPATH, NULL);
	}
	if (s->want_auth) {
		SET(CURLOPT_USERNAME, p->user);
		SET(CURLOPT_PASSWORD, p->password ? p->password : "");
	}

	/* Connect, TLS, AUTH now, with a harmless command. */
	SET(CURLOPT_CUSTOMREQUEST, "NOOP");
	SET(CURLOPT_NOBODY, 1L);
	smtp_reset_capture(s);
	s->auth_sent = 0;
	prc = curl_easy_perform(s->curl);
	SET(CURLOPT_CUSTOMREQUEST, NULL);
	SET(CURLOPT_NOBODY, 0L);
#undef SET
	if (prc != CURLE_OK) {
		st = smtp_classify(s, prc, &code, &session);
		if (st == SMTP_EPERM)	/* a refused NOOP: not a recipient */
			st = SMTP_ETEMP;
		smtp_describe(s, prc, why, sizeof(why));
		snprintf(err, errlen, "%s: %s", s->url, why);
		goto out;
	}
	if (s->want_auth && !s->auth_sent) {
		snprintf(err, errlen, "%s: the server offers no AUTH; "
		    "cannot log in as %s", s->url, p->user);
		st = SMTP_EAUTH;
		goto out;
	}
	log_debug(LOG_CAT_SMTP, "%s: session open%s%s", s->url,
	    s->want_auth ? " as " : "", s->want_auth ? p->user : "");
	*out = s;
	s = NULL;
	st = SMTP_OK;
out:
	url_free(&u);
	smtp_session_close(s);
	return st;
}

int
smtp_session_send(struct smtp_session *s, const char *envelope_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t msglen,
    struct smtp_result *res, char *err, size_t errlen)
{
	struct curl_slist *to = NULL;
	char *from = NULL, *rcpt = NULL;
	char why[1024];
	size_t i, nfail = 0;
	int st = SMTP_OK, first_fail = -1;
	CURLcode rc;

	if (errlen > 0)
		err[0] = '\0';
	for (i = 0; i < nrcpt; i++) {
		res[i].status = SMTP_ETEMP;
		res[i].code = 0;
		snprintf(res[i].text, sizeof(res[i].text), "not attempted");
	}
	if (envelope_from == NULL)
		envelope_from = "";
	if (!smtp_addr_ok(envelope_from, 1)) {
		snprintf(err, errlen, "%s: invalid envelope sender address "
		    "(empty, too long, or with spaces, controls or <>)",
		    s->url);
		for (i = 0; i < nrcpt; i++) {
			res[i].status = SMTP_EPERM;
			snprintf(res[i].text, sizeof(res[i].text), "invalid "
			    "envelope sender");
		}
		st = SMTP_EPERM;
		goto out;
	}
	if (nrcpt == 0) {
		snprintf(err, errlen, "%s: no recipient", s->url);
		st = SMTP_EPERM;
		goto out;
	}
	from = xasprintf("<%s>", envelope_from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)msglen);
	s->msg = msg;
	s->msglen = msglen;

	for (i = 0; i < nrcpt; i++) {
		int code, session;

		if (!smtp_addr_ok(rcpts[i], 0)) {
			res[i].status = SMTP_EPERM;
			snprintf(res[i].text, sizeof(res[i].text), "invalid "
			    "recipient address");
			goto next;
		}
		free(rcpt);
		rcpt = xasprintf("<%s>", rcpts[i]);
		curl_slist_free_all(to);
		if ((to = curl_slist_append(NULL, rcpt)) == NULL)
			fatalx("smtp: out of memory");
		curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, to);
		s->msgpos = 0;
		smtp_reset_capture(s);
		rc = curl_easy_perform(s->curl);
		res[i].status = smtp_classify(s, rc, &code, &session);
		res[i].code = code;
		if (rc == CURLE_OK) {
			smtp_text_copy(res[i].text, sizeof(res[i].text),
			    s->reply);
			log_debug(LOG_CAT_SMTP, "%s: accepted for %s: %s",
			    s->url, rcpts[i], s->reply);
			continue;
		}
		smtp_describe(s, rc, why, sizeof(why));
		smtp_text_copy(res[i].text, sizeof(res[i].text),
		    s->fail_reply[0] ? s->fail_reply : why);
		if (session) {
			/* Connect, TLS or AUTH failed: the others would
			 * fail the same way. */
			for (size_t j = i + 1; j < nrcpt; j++) {
				res[j].status = res[i].status;
				smtp_text_copy(res[j].text,
				    sizeof(res[j].text), res[i].text);
			}
			snprintf(err, errlen, "%s: %s", s->url, why);
			st = res[i].status;
			goto out;
		}
next:
		nfail++;
		if (first_fail < 0) {
			first_fail = (int)i;
			snprintf(err, errlen, "%s: %s: %s", s->url, rcpts[i],
			    res[i].text);
		}
	}
	if (nfail > 0) {
		char first[1024];

		snprintf(first, sizeof(first), "%s", err);
		snprintf(err, errlen, "%zu of %zu recipients not accepted; "
		    "first: %s", nfail, nrcpt, first);
		st = SMTP_ERCPT;
	}
out:
	/* Nothing borrowed stays in the handle. */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, NULL);
	s->msg = NULL;
	s->msglen = s->msgpos = 0;
	curl_slist_free_all(to);
	free(rcpt);
	free(from);
	return st;
}

int
smtp_send(const struct smtp_params *p, const char *envelope_from,
    const char *const *rcpts, size_t nrcpt, const char *msg, size_t msglen,
    struct smtp_result *res, char *err, size_t errlen)
{
	struct smtp_session *s = NULL;
	int st;

	st = smtp_session_open(p, &s, err, errlen);
	if (st != SMTP_OK) {
		for (size_t i = 0; i < nrcpt; i++) {
			res[i].status = st;
			res[i].code = 0;
			smtp_text_copy(res[i].text, sizeof(res[i].text),
			    err);
		}
		return st;
	}
	st = smtp_session_send(s, envelope_from, rcpts, nrcpt, msg, msglen,
	    res, err, errlen);
	smtp_session_close(s);
	return st;
}

int
smtp_check_login(const struct smtp_params *p, char *err, size_t errlen)
{
	struct smtp_session *s = NULL;
	int st;

	st = smtp_session_open(p, &s, err, errlen);
	smtp_session_close(s);
	return st;
}
