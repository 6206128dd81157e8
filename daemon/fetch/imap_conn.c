/*
 * imap_conn.c — the IMAP session itself: connect, TLS, certificate check,
 * login, capabilities, NOOP and close, with libetpan; see imap.h.  The
 * mailbox commands are in imap_mailbox.c, IDLE in imap_idle.c; the three
 * share the session through imap_private.h.
 *
 * Why it is built this way:
 * - We open the TCP connection ourselves (getaddrinfo + non-blocking
 *   connect bounded by the timeout) and hand the socket to libetpan's
 *   mailstream_*_timeout() constructors: libetpan's own connect helpers
 *   block without a timeout and lose errno, so "Connection refused" or
 *   "timed out" could not be told apart.
 * - libetpan 1.9.4 (GnuTLS build) accepts any certificate.  After the
 *   handshake we take the peer's chain (mailstream_get_certificate_chain,
 *   which works on Debian's build; the leaf alone through
 *   mailstream_ssl_get_certificate as a fallback) and verify it with
 *   tls_verify_chain() before LOGIN, so a password never reaches a server
 *   we did not authenticate.  SNI is sent for DNS names (not for IP
 *   literals, as RFC 6066 requires).
 * - STARTTLS is done by hand with the same timeout (libetpan's helper uses
 *   its global default), refused when the server does not announce it, and
 *   anything the server sent after its STARTTLS reply but before the
 *   handshake is treated as an injection attempt.
 * - libetpan's MAILIMAP_ERROR_* codes become words and our four return
 *   codes in one place, imap_fail(), which the other two files use too;
 *   the server's own text (imap_response) is quoted for NO/BAD.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch/imap_private.h"
#include "config/config.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/tls_verify.h"
#include "base/url.h"

#define IMAP_DEFAULT_TIMEOUT 60

const char *
imap_status_name(int status)
{
	switch (status) {
	case IMAP_OK:
		return "ok";
	case IMAP_ETEMP:
		return "temporary";
	case IMAP_EAUTH:
		return "authentication";
	case IMAP_ETLS:
		return "TLS";
	case IMAP_EINTR:
		return "interrupted";
	default:
		return "protocol";
	}
}

/* libetpan's error codes in words (mailimap_types.h). */
static const char *
imap_etpan_word(int r)
{
	switch (r) {
	case MAILIMAP_NO_ERROR:
	case MAILIMAP_NO_ERROR_AUTHENTICATED:
	case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
		return "no error";
	case MAILIMAP_ERROR_BAD_STATE:
		return "command not allowed in this state";
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_PARSE:
		return "unreadable server response";
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return "connection refused";
	case MAILIMAP_ERROR_MEMORY:
		return "out of memory";
	case MAILIMAP_ERROR_FATAL:
		return "server closed the session (BYE)";
	case MAILIMAP_ERROR_PROTOCOL:
		return "protocol error";
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return "server refuses connections (BYE greeting)";
	case MAILIMAP_ERROR_LOGIN:
		return "LOGIN refused";
	case MAILIMAP_ERROR_CAPABILITY:
		return "CAPABILITY failed";
	case MAILIMAP_ERROR_SELECT:
		return "SELECT failed";
	case MAILIMAP_ERROR_LIST:
		return "LIST failed";
	case MAILIMAP_ERROR_CREATE:
		return "CREATE failed";
	case MAILIMAP_ERROR_APPEND:
		return "APPEND refused";
	case MAILIMAP_ERROR_LOGOUT:
		return "LOGOUT failed";
	case MAILIMAP_ERROR_STARTTLS:
		return "STARTTLS refused";
	case MAILIMAP_ERROR_SSL:
		return "TLS error";
	case MAILIMAP_ERROR_INVAL:
		return "invalid argument";
	case MAILIMAP_ERROR_EXTENSION:
		return "extension error";
	case MAILIMAP_ERROR_SASL:
		return "SASL authentication failed";
	default:
		return "command failed";
	}
}

static int
imap_classify(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return IMAP_ETEMP;
	case MAILIMAP_ERROR_MEMORY:
		fatalx("imap: out of memory in libetpan");
	case MAILIMAP_ERROR_LOGIN:
	case MAILIMAP_ERROR_SASL:
		return IMAP_EAUTH;
	case MAILIMAP_ERROR_STARTTLS:
	case MAILIMAP_ERROR_SSL:
		return IMAP_ETLS;
	default:
		return IMAP_EPROTO;
	}
}

int
imap_fail(struct imap_conn *c, int r, char *err, size_t errlen,
    const char *fmt, ...)
{
	char what[512];
	const char *said = NULL;
	int rc = imap_classify(r);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* RFC 5530: NO [UNAVAILABLE] is the server's temporary trouble
	 * (Dovecot: authentication backend down), not a wrong password. */
	if (rc == IMAP_EAUTH && c->imap != NULL &&
	    c->imap->imap_response_info != NULL &&
	    c->imap->imap_response_info->rsp_atom != NULL &&
	    strcasecmp(c->imap->imap_response_info->rsp_atom,
	    "UNAVAILABLE") == 0)
		rc = IMAP_ETEMP;
	if (rc == IMAP_ETEMP && r != MAILIMAP_ERROR_LOGIN)
		c->broken = 1;
	/* After a response we could not parse, the stream is out of step
	 * with the server: nothing more can be said on it. */
	if (r == MAILIMAP_ERROR_PARSE)
		c->broken = 1;
	/* The server's text for a NO/BAD; after a stream or parse error
	 * imap_response may be left from an earlier reply. */
	if (r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE &&
	    r != MAILIMAP_ERROR_CONNECTION_REFUSED &&
	    r != MAILIMAP_ERROR_FATAL && r != MAILIMAP_ERROR_PROTOCOL &&
	    r != MAILIMAP_ERROR_BAD_STATE && r != MAILIMAP_ERROR_SSL &&
	    r != MAILIMAP_ERROR_INVAL && c->imap != NULL &&
	    c->imap->imap_response != NULL && *c->imap->imap_response != '\0')
		said = c->imap->imap_response;
	if (said != NULL)
		snprintf(err, errlen, "%s: %s: %s (%s)", c->url, what, said,
		    imap_etpan_word(r));
	else
		snprintf(err, errlen, "%s: %s: %s", c->url, what,
		    imap_etpan_word(r));
	return rc;
}

/*
 * TCP connection to host:port within timeout seconds (per address), left
 * in blocking mode as libetpan wants it.  Returns the socket, or -1 with
 * the reason in why.
 */
static int
imap_tcp_connect(const char *host, int port, int timeout, char *why,
    size_t whylen)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, r, e = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	r = getaddrinfo(host, portstr, &hints, &res);
	if (r != 0) {
		snprintf(why, whylen, "cannot resolve '%s': %s", host,
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		struct pollfd pfd;
		socklen_t elen = sizeof(e);
		int fl;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
			e = errno;
			goto next;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			e = 0;
		else if (errno != EINPROGRESS) {
			e = errno;
			goto next;
		} else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			do
				r = poll(&pfd, 1, timeout * 1000);
			while (r < 0 && errno == EINTR);
			if (r == 0) {
				e = ETIMEDOUT;
				goto next;
			}
			if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
			    &elen) < 0)
				e = errno;
			if (e != 0)
				goto next;
		}
		if (fcntl(fd, F_SETFL, fl) < 0) {
			e = errno;
			goto next;
		}
		break;
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (e == ETIMEDOUT)
			snprintf(why, whylen, "connect to %s port %d: timed "
			    "out after %d s", host, port, timeout);
		else
			snprintf(why, whylen, "connect to %s port %d: %s",
			    host, port, strerror(e));
	}
	return fd;
}

/*
 * TCP keepalive, so that a server that vanished without a word (host
 * down, NAT state dropped) ends an IDLE within minutes, not at the next
 * re-IDLE.  Best effort: a failure only costs that.
 */
static void
imap_keepalive(int fd)
{
	int on = 1, idle = 120, intvl = 30, cnt = 4;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
#ifdef TCP_KEEPIDLE
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#else
	(void)idle;
	(void)intvl;
	(void)cnt;
#endif
}

/*
 * libetpan returns only NULL when a handshake fails (GnuTLS prints its
 * reason on stderr itself).  A failure that took the whole timeout is a
 * silent server (retry later); a quick one is a TLS problem (wrong port,
 * no common protocol) for the administrator.
 */
static int
imap_handshake_failed(struct imap_conn *c, double started, const char *what,
    char *err, size_t errlen)
{
	c->broken = 1;
	if (clock_mono() - started >= c->timeout - 0.5) {
		snprintf(err, errlen, "%s: %s: timed out after %d s", c->url,
		    what, c->timeout);
		return IMAP_ETEMP;
	}
	snprintf(err, errlen, "%s: %s failed%s", c->url, what,
	    c->u.tls_implicit ? " (is this an IMAPS port?)" : "");
	return IMAP_ETLS;
}

/* libetpan calls this before the handshake: send SNI for DNS names. */
static void
imap_tls_setup(struct mailstream_ssl_context *ctx, void *data)
{
	if (ctx != NULL && data != NULL)
		mailstream_ssl_set_server_name(ctx, data);
}

/* Takes the peer's certificates and verifies them; IMAP_OK or IMAP_ETLS. */
static int
imap_verify_peer(struct imap_conn *c, const struct imap_params *p,
    char *err, size_t errlen)
{
	carray *chain = NULL;
	const unsigned char **der = NULL;
	size_t *len = NULL, n = 0;
	unsigned char *leaf = NULL;
	ssize_t leaf_len;
	char why[768];
	int rc = IMAP_ETLS;

	chain = mailstream_get_certificate_chain(c->imap->imap_stream);
	if (chain != NULL && carray_count(chain) > 0) {
		n = carray_count(chain);
		der = xcalloc(n, sizeof(*der));
		len = xcalloc(n, sizeof(*len));
		for (size_t i = 0; i < n; i++) {
			MMAPString *s = carray_get(chain, (unsigned int)i);

			der[i] = (const unsigned char *)s->str;
			len[i] = s->len;
		}
	} else {
		leaf_len = mailstream_ssl_get_certificate(c->imap->imap_stream,
		    &leaf);
		if (leaf_len <= 0 || leaf == NULL) {
			snprintf(err, errlen, "%s: cannot read the server's "
			    "certificate", c->url);
			goto out;
		}
		n = 1;
		der = xcalloc(1, sizeof(*der));
		len = xcalloc(1, sizeof(*len));
		der[0] = leaf;
		len[0] = (size_t)leaf_len;
		log_debug(LOG_CAT_IMAP, "%s: only the leaf certificate is "
		    "available", c->url);
	}
	if (tls_verify_chain(der, len, n, c->u.host, p->ca_file, why,
	    sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", c->url, why);
		goto out;
	}
	log_debug(LOG_CAT_IMAP, "%s: certificate chain (%zu) verified for "
	    "%s", c->url, n, c->u.host);
	rc = IMAP_OK;
out:
	free(der);
	free(len);
	free(leaf);
	if (chain != NULL)
		mailstream_certificate_chain_free(chain);
	return rc;
}

/* STARTTLS on the plain connection, with our timeout. */
static int
imap_starttls(struct imap_conn *c, const char *sni, char *err, size_t errlen)
{
	struct mailimap_capability_data *cap = NULL;
	mailstream_low *low, *tls;
	double started;
	int fd, fl, r;

	r = mailimap_capability(c->imap, &cap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "CAPABILITY");
	mailimap_capability_data_free(cap);
	if (!mailimap_has_extension(c->imap, "STARTTLS")) {
		snprintf(err, errlen, "%s: the server does not offer "
		    "STARTTLS; refusing to log in without TLS (use imaps:// "
		    "if it has an IMAPS port)", c->url);
		return IMAP_ETLS;
	}
	r = mailimap_starttls(c->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "STARTTLS");
	if (c->imap->imap_stream->read_buffer_len != 0) {
		c->broken = 1;
		snprintf(err, errlen, "%s: the server sent data after its "
		    "STARTTLS reply, before TLS (injection?); refused",
		    c->url);
		return IMAP_ETLS;
	}
	low = mailstream_get_low(c->imap->imap_stream);
	fd = mailstream_low_get_fd(low);
	/* libetpan's socket layer may have made the socket non-blocking;
	 * its TLS handshake expects a blocking one. */
	if (fd < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		c->broken = 1;
		snprintf(err, errlen, "%s: STARTTLS: lost the socket", c->url);
		return IMAP_ETEMP;
	}
	started = clock_mono();
	tls = mailstream_low_tls_open_with_callback_timeout(fd, c->timeout,
	    imap_tls_setup, (void *)sni);
	if (tls == NULL)
		return imap_handshake_failed(c, started, "TLS handshake after "
		    "STARTTLS", err, errlen);
	/* The TLS layer owns the fd now; the old layer is freed, not
	 * closed (as libetpan's mailimap_socket_starttls does). */
	mailstream_low_free(low);
	mailstream_set_low(c->imap->imap_stream, tls);
	return IMAP_OK;
}

/* Reads CAPABILITY after login (it may change) and keeps what we use. */
static int
imap_read_caps(struct imap_conn *c, char *err, size_t errlen)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(c->imap, &cap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "CAPABILITY");
	mailimap_capability_data_free(cap);
	c->has_idle = mailimap_has_idle(c->imap) != 0;
	c->has_move = mailimap_has_extension(c->imap, "MOVE") != 0;
	c->has_uidplus = mailimap_has_uidplus(c->imap) != 0;
	return IMAP_OK;
}

int
imap_open(const struct imap_params *p, struct imap_conn **out, char *err,
    size_t errlen)
{
	struct imap_conn *c;
	mailstream *stream;
	const char *sni;
	char why[512];
	int fd = -1, r, rc;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	c->url = xstrdup(p->url ? p->url : "");
	if (url_parse(p->url, URL_IMAP, &c->u, err, errlen) != 0) {
		rc = IMAP_EPROTO;
		goto out;
	}
	c->timeout = p->timeout_sec > 0 ? p->timeout_sec :
	    IMAP_DEFAULT_TIMEOUT;
	c->imap = mailimap_new(0, NULL);
	if (c->imap == NULL)
		fatalx("imap: out of memory");
	mailimap_set_timeout(c->imap, c->timeout);
	sni = url_host_is_ip(&c->u) ? NULL : c->u.host;

	fd = imap_tcp_connect(c->u.host, c->u.port, c->timeout, why,
	    sizeof(why));
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", c->url, why);
		rc = IMAP_ETEMP;
		goto out;
	}
	imap_keepalive(fd);
	if (c->u.tls_implicit) {
		double started = clock_mono();

		stream = mailstream_ssl_open_with_callback_timeout(fd,
		    c->timeout, imap_tls_setup, (void *)sni);
		if (stream == NULL) {
			rc = imap_handshake_failed(c, started, "TLS handshake",
			    err, errlen);
			goto out;
		}
	} else {
		stream = mailstream_socket_open_timeout(fd, c->timeout);
		if (stream == NULL)
			fatalx("imap: out of memory");
	}
	fd = -1;			/* the stream owns it */
	r = mailimap_connect(c->imap, stream);	/* the session owns stream */
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		if (r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE)
			c->broken = 1;
		rc = imap_fail(c, r, err, errlen, "no IMAP greeting");
		goto out;
	}
	if (!c->u.tls_implicit) {
		if (r == MAILIMAP_NO_ERROR_AUTHENTICATED) {
			c->broken = 1;
			snprintf(err, errlen, "%s: the server logged us in "
			    "before STARTTLS (PREAUTH); refused", c->url);
			rc = IMAP_ETLS;
			goto out;
		}
		if ((rc = imap_starttls(c, sni, err, errlen)) != IMAP_OK)
			goto out;
	}
	if (p->tls_verify) {
		if ((rc = imap_verify_peer(c, p, err, errlen)) != IMAP_OK) {
			c->broken = 1;	/* say nothing more to it */
			goto out;
		}
	} else
		log_debug(LOG_CAT_IMAP, "%s: certificate not verified "
		    "(tls_verify = no)", c->url);

	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		if (p->user == NULL || *p->user == '\0') {
			snprintf(err, errlen, "%s: the server wants a login "
			    "and no user is configured", c->url);
			rc = IMAP_EAUTH;
			goto out;
		}
		r = mailimap_login(c->imap, p->user,
		    p->password ? p->password : "");
		if (r != MAILIMAP_NO_ERROR) {
			rc = imap_fail(c, r, err, errlen, "login as %s",
			    p->user);
			goto out;
		}
	}
	if ((rc = imap_read_caps(c, err, errlen)) != IMAP_OK)
		goto out;
	log_debug(LOG_CAT_IMAP, "%s: logged in as %s%s%s%s", c->url,
	    p->user && *p->user ? p->user : "(preauth)",
	    c->has_idle ? ", IDLE" : "", c->has_move ? ", MOVE" : "",
	    c->has_uidplus ? ", UIDPLUS" : "");
	*out = c;
	c = NULL;
	rc = IMAP_OK;
out:
	if (fd >= 0)
		close(fd);
	imap_close(c);
	return rc;
}

int
imap_usable(struct imap_conn *c, char *err, size_t errlen)
{
	if (c->broken) {
		snprintf(err, errlen, "%s: connection already lost", c->url);
		return IMAP_ETEMP;
	}
	if (c->idling) {
		snprintf(err, errlen, "%s: in IDLE: end it with imap_idle_done "
		    "first", c->url);
		return IMAP_EPROTO;
	}
	return IMAP_OK;
}

int
imap_usable_selected(struct imap_conn *c, char *err, size_t errlen)
{
	int rc;

	if ((rc = imap_usable(c, err, errlen)) != IMAP_OK)
		return rc;
	if (c->imap->imap_state != MAILIMAP_STATE_SELECTED ||
	    c->imap->imap_selection_info == NULL) {
		snprintf(err, errlen, "%s: no folder selected", c->url);
		return IMAP_EPROTO;
	}
	return IMAP_OK;
}

int
imap_has_idle(const struct imap_conn *c)
{
	return c->has_idle;
}

int
imap_has_move(const struct imap_conn *c)
{
	return c->has_move;
}

int
imap_has_uidplus(const struct imap_conn *c)
{
	return c->has_uidplus;
}

int
imap_noop(struct imap_conn *c, char *err, size_t errlen)
{
	int r, rc;

	if ((rc = imap_usable(c, err, errlen)) != IMAP_OK)
		return rc;
	r = mailimap_noop(c->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "NOOP");
	return IMAP_OK;
}

void
imap_close(struct imap_conn *c)
{
	if (c == NULL)
		return;
	if (c->imap != NULL) {
		if (c->idling && !c->broken && c->imap->imap_stream != NULL &&
		    mailimap_idle_done(c->imap) != MAILIMAP_NO_ERROR)
			c->broken = 1;
		if (c->broken && c->imap->imap_stream != NULL) {
			mailstream_close(c->imap->imap_stream);
			c->imap->imap_stream = NULL;
		} else if (c->imap->imap_stream != NULL)
			mailimap_logout(c->imap);
		mailimap_free(c->imap);
	}
	url_free(&c->u);
	free(c->url);
	free(c);
}

void
imap_params_from_config(const struct config *cfg, struct imap_params *p)
{
	memset(p, 0, sizeof(*p));
	p->url = cfg->imap.m.url;
	p->user = cfg->imap.m.user;
	p->password = cfg->imap.m.password;
	p->tls_verify = cfg->imap.m.tls_verify;
	p->ca_file = cfg->imap.m.ca_file;
	p->timeout_sec = cfg->imap.m.timeout;
}
