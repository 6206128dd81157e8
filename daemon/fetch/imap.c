/*
 * imap.c — the contact mailbox over IMAP, with libetpan; see imap.h.
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
 *   codes; the server's own text (imap_response) is quoted for NO/BAD.
 * - Messages are addressed by UID only and fetched with BODY.PEEK[], so
 *   nothing we do before the move changes the server (RFC822 would set
 *   \Seen).  UID sets are sent compressed into ranges (5,7:9) and long ones
 *   in chunks, so a command line stays far below servers' limits (Dovecot:
 *   64 KiB).
 * - Copies of sent mail go up with APPEND (one synchronizing literal per
 *   message, as libetpan sends it: no LITERAL+, so the server can refuse
 *   before the bytes travel).
 * - IDLE waits with our own poll() on the socket instead of
 *   mailstream_wait_idle(): that one takes whole seconds, uses select()
 *   (undefined for fds >= FD_SETSIZE), cannot tell a signal from an error,
 *   and does not see bytes already in libetpan's read buffer.  We look at
 *   that buffer first.  IDLE itself is sent by hand (mailimap_idle() hangs
 *   on untagged responses before "+ idling" and drops them): they count
 *   as news for the first wait.
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
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "fetch/imap.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/tls_verify.h"
#include "base/url.h"

#define IMAP_DEFAULT_TIMEOUT 60

struct imap_conn {
	mailimap	*imap;		/* owned; owns the stream once connected */
	char		*url;		/* as configured, prefix of every error */
	struct mail_url	 u;
	int		 timeout;	/* seconds */
	int		 broken;	/* stream unusable: close without LOGOUT */
	int		 has_idle;
	int		 has_move;
	int		 has_uidplus;
	int		 idling;	/* between IDLE and DONE */
	int		 idle_early;	/* news seen during imap_idle_start */
};

/* At most this many ranges ("7:9", up to 22 bytes) per command: below the
 * 8 KiB command line RFC 7162 asks servers to accept. */
#define IMAP_SET_MAX_RANGES 300

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

/*
 * Writes "URL: <what>: <reason>" for libetpan result r and returns our
 * code.  For a NO/BAD reply the reason is the server's text; for a dead
 * stream it is libetpan's word, and the connection is marked broken.
 */
static int imap_fail(struct imap_conn *, int, char *, size_t, const char *,
    ...) __attribute__((format(printf, 5, 6)));

static int
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

static double
imap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	if (imap_now() - started >= c->timeout - 0.5) {
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
	started = imap_now();
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
		double started = imap_now();

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

/* IMAP_OK if a command may be sent now. */
static int
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

/* imap_usable, and a folder must be selected. */
static int
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
imap_select(struct imap_conn *c, const char *folder, uint32_t *uidvalidity,
    char *err, size_t errlen)
{
	int r;

	*uidvalidity = 0;
	if ((r = imap_usable(c, err, errlen)) != IMAP_OK)
		return r;
	r = mailimap_select(c->imap, folder);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "SELECT %s", folder);
	if (c->imap->imap_selection_info != NULL)
		*uidvalidity = c->imap->imap_selection_info->sel_uidvalidity;
	log_debug(LOG_CAT_IMAP, "%s: selected %s, UIDVALIDITY %u", c->url,
	    folder, *uidvalidity);
	return IMAP_OK;
}

/* LIST the exact name; 1 found, 0 not found, <0 an imap_status. */
static int
imap_folder_exists(struct imap_conn *c, const char *folder, char *err,
    size_t errlen)
{
	clist *list = NULL;
	clistiter *it;
	int r, found = 0;

	r = mailimap_list(c->imap, "", folder, &list);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "LIST %s", folder);
	/* The name may hold the wildcards * and %: compare exactly. */
	for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);

		if (mb->mb_name != NULL && (strcmp(mb->mb_name, folder) == 0 ||
		    (strcasecmp(folder, "INBOX") == 0 &&
		    strcasecmp(mb->mb_name, "INBOX") == 0))) {
			found = 1;
			break;
		}
	}
	mailimap_list_result_free(list);
	return found;
}

int
imap_ensure_folder(struct imap_conn *c, const char *folder, int *created,
    char *err, size_t errlen)
{
	int r;

	if (created != NULL)
		*created = 0;
	if ((r = imap_usable(c, err, errlen)) != IMAP_OK)
		return r;
	r = imap_folder_exists(c, folder, err, errlen);
	if (r < 0)
		return r;
	if (r == 1)
		return IMAP_OK;
	r = mailimap_create(c->imap, folder);
	if (r != MAILIMAP_NO_ERROR) {
		char err2[64];
		int rc = imap_fail(c, r, err, errlen, "CREATE %s", folder);

		/* Someone else may have created it meanwhile. */
		if (rc == IMAP_EPROTO &&
		    imap_folder_exists(c, folder, err2, sizeof(err2)) == 1)
			return IMAP_OK;
		return rc;
	}
	if (created != NULL)
		*created = 1;
	log_info("%s: created folder %s", c->url, folder);
	return IMAP_OK;
}

int
imap_append(struct imap_conn *c, const char *folder, const char *msg,
    size_t len, int seen, char *err, size_t errlen)
{
	struct mailimap_flag_list *fl = NULL;
	struct mailimap_flag *flag;
	int r, rc;

	if ((rc = imap_usable(c, err, errlen)) != IMAP_OK)
		return rc;
	if (len == 0 || memchr(msg, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: APPEND %s: %s message not sent",
		    c->url, folder, len == 0 ? "empty" : "NUL byte in the");
		return IMAP_EPROTO;
	}
	if (seen && ((fl = mailimap_flag_list_new_empty()) == NULL ||
	    (flag = mailimap_flag_new_seen()) == NULL ||
	    mailimap_flag_list_add(fl, flag) != MAILIMAP_NO_ERROR))
		fatalx("imap: out of memory");
	/* libetpan sends the message as a synchronizing literal: the server
	 * may say NO before it (Dovecot: "[TRYCREATE] Mailbox doesn't
	 * exist") or after it; both are MAILIMAP_ERROR_APPEND. */
	r = mailimap_append(c->imap, folder, fl, NULL, msg, len);
	if (fl != NULL)
		mailimap_flag_list_free(fl);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "APPEND %s (%zu bytes)",
		    folder, len);
	log_debug(LOG_CAT_IMAP, "%s: appended %zu bytes to %s%s", c->url,
	    len, folder, seen ? " (\\Seen)" : "");
	return IMAP_OK;
}

int
imap_select_info(const struct imap_conn *c, uint32_t *exists,
    uint32_t *uidnext)
{
	const struct mailimap_selection_info *si;

	if (exists != NULL)
		*exists = 0;
	if (uidnext != NULL)
		*uidnext = 0;
	if (c->imap == NULL || c->imap->imap_state != MAILIMAP_STATE_SELECTED ||
	    (si = c->imap->imap_selection_info) == NULL)
		return IMAP_EPROTO;
	if (exists != NULL)
		*exists = si->sel_exists;
	if (uidnext != NULL)
		*uidnext = si->sel_uidnext;
	return IMAP_OK;
}

/* ---------------------------------------------------------------- UIDs */

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts u[0..n) and drops zeros and duplicates; returns the new count. */
static size_t
imap_uids_normalize(uint32_t *u, size_t n)
{
	size_t i, m = 0;

	if (n == 0)
		return 0;
	qsort(u, n, sizeof(*u), imap_uid_cmp);
	for (i = 0; i < n; i++)
		if (u[i] != 0 && (m == 0 || u[m - 1] != u[i]))
			u[m++] = u[i];
	return m;
}

/* A sorted copy of uids[0..n) without zeros and duplicates (n > 0). */
static uint32_t *
imap_uids_sorted(const uint32_t *uids, size_t n, size_t *m)
{
	uint32_t *s = xcalloc(n, sizeof(*s));

	memcpy(s, uids, n * sizeof(*s));
	*m = imap_uids_normalize(s, n);
	return s;
}

/*
 * The next set of at most max_ranges ranges ("5", "7:9") of the sorted,
 * unique s[*pos..n); advances *pos past what it took.
 */
static struct mailimap_set *
imap_set_next(const uint32_t *s, size_t n, size_t *pos, size_t max_ranges)
{
	struct mailimap_set *set;
	size_t i = *pos, ranges = 0;

	if ((set = mailimap_set_new_empty()) == NULL)
		fatalx("imap: out of memory");
	while (i < n && ranges < max_ranges) {
		uint32_t first = s[i], last = s[i];

		/* Sorted and unique: s[i + 1] > last, so last + 1 cannot
		 * wrap into a match. */
		while (i + 1 < n && s[i + 1] == last + 1)
			last = s[++i];
		i++;
		if (mailimap_set_add_interval(set, first, last) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
		ranges++;
	}
	*pos = i;
	return set;
}

void
imap_uids_free(struct imap_uids *u)
{
	if (u == NULL)
		return;
	free(u->uids);
	u->uids = NULL;
	u->n = 0;
}

/* The search key UNDELETED (libetpan has no helper for it). */
static struct mailimap_search_key *
imap_key_undeleted(void)
{
	struct mailimap_search_key *k;

	k = mailimap_search_key_new(MAILIMAP_SEARCH_KEY_UNDELETED, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
	if (k == NULL)
		fatalx("imap: out of memory");
	return k;
}

/* UID SEARCH [UID from:*] UNDELETED, keeping UIDs >= from; from 0: all. */
static int
imap_uid_search(struct imap_conn *c, uint32_t from, struct imap_uids *out,
    char *err, size_t errlen)
{
	struct mailimap_search_key *key, *k;
	struct mailimap_set *set;
	clist *res = NULL;
	clistiter *it;
	size_t n = 0;
	int r, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	if ((key = mailimap_search_key_new_multiple_empty()) == NULL)
		fatalx("imap: out of memory");
	if (from > 0) {
		if ((set = mailimap_set_new_interval(from, 0)) == NULL ||
		    (k = mailimap_search_key_new_uid(set)) == NULL)
			fatalx("imap: out of memory");
		if (mailimap_search_key_multiple_add(key, k) !=
		    MAILIMAP_NO_ERROR)
			fatalx("imap: out of memory");
	}
	if (mailimap_search_key_multiple_add(key, imap_key_undeleted()) !=
	    MAILIMAP_NO_ERROR)
		fatalx("imap: out of memory");
	r = mailimap_uid_search(c->imap, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		if (from > 0)
			return imap_fail(c, r, err, errlen, "UID SEARCH UID "
			    "%u:*", from);
		return imap_fail(c, r, err, errlen, "UID SEARCH");
	}
	if (res != NULL && clist_count(res) > 0) {
		out->uids = xcalloc((size_t)clist_count(res),
		    sizeof(*out->uids));
		for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
			uint32_t *u = clist_content(it);

			/* "n:*" always matches the highest UID, even < n. */
			if (u != NULL && *u >= from)
				out->uids[n++] = *u;
		}
	}
	if (res != NULL)
		mailimap_search_result_free(res);
	out->n = imap_uids_normalize(out->uids, n);
	if (out->n == 0)
		imap_uids_free(out);
	log_debug(LOG_CAT_IMAP, "%s: UID SEARCH from %u: %zu message(s)",
	    c->url, from, out->n);
	return IMAP_OK;
}

int
imap_search_from(struct imap_conn *c, uint32_t from_uid,
    struct imap_uids *out, char *err, size_t errlen)
{
	return imap_uid_search(c, from_uid > 0 ? from_uid : 1, out, err,
	    errlen);
}

int
imap_search_all(struct imap_conn *c, struct imap_uids *out, char *err,
    size_t errlen)
{
	return imap_uid_search(c, 0, out, err, errlen);
}

/* ---------------------------------------------------------------- FETCH */

/* Where each UID asked for goes in the caller's array. */
struct imap_slot {
	uint32_t	uid;
	size_t		i;
};

static int
imap_slot_cmp(const void *a, const void *b)
{
	const struct imap_slot *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Slots sorted by UID, for imap_slot_find. */
static struct imap_slot *
imap_slots_new(const uint32_t *uids, size_t n)
{
	struct imap_slot *sl = xcalloc(n, sizeof(*sl));

	for (size_t i = 0; i < n; i++) {
		sl[i].uid = uids[i];
		sl[i].i = i;
	}
	qsort(sl, n, sizeof(*sl), imap_slot_cmp);
	return sl;
}

/* Index of the first slot for uid, or n if none. */
static size_t
imap_slot_find(const struct imap_slot *sl, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sl[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sl[lo].uid == uid ? lo : n;
}

/* What one FETCH response holds that we use. */
struct imap_fetched {
	uint32_t	 uid;		/* 0 if the response had none */
	int		 has_size;
	uint32_t	 size;
	const char	*body;		/* borrowed from the response */
	size_t		 body_len;
	int		 has_body;
};

static void
imap_fetched_read(const struct mailimap_msg_att *ma, struct imap_fetched *f)
{
	clistiter *it;

	memset(f, 0, sizeof(*f));
	if (ma == NULL || ma->att_list == NULL)
		return;
	for (it = clist_begin(ma->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item == NULL || item->att_type !=
		    MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = item->att_data.att_static) == NULL)
			continue;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			f->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			f->has_size = 1;
			f->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (st->att_data.att_body_section != NULL &&
			    st->att_data.att_body_section->sec_body_part !=
			    NULL) {
				f->has_body = 1;
				f->body = st->att_data.att_body_section->
				    sec_body_part;
				f->body_len = st->att_data.att_body_section->
				    sec_length;
			}
			break;
		default:
			break;
		}
	}
}

/*
 * One UID FETCH (UID <att>) of all these UIDs; *res is libetpan's list of
 * responses, freed by the caller with mailimap_fetch_list_free.  att is
 * consumed.
 */
static int
imap_uid_fetch(struct imap_conn *c, const uint32_t *uids, size_t n,
    struct mailimap_fetch_att *att, const char *what, clist **res,
    char *err, size_t errlen)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_fetch_att *uid_att;
	struct mailimap_set *set;
	uint32_t *s;
	size_t m, pos = 0;
	int r;

	*res = NULL;
	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    (uid_att = mailimap_fetch_att_new_uid()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, uid_att) !=
	    MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft, att) !=
	    MAILIMAP_NO_ERROR)
		fatalx("imap: out of memory");
	s = imap_uids_sorted(uids, n, &m);
	set = imap_set_next(s, m, &pos, (size_t)-1);
	r = m > 0 ? mailimap_uid_fetch(c->imap, set, ft, res) :
	    MAILIMAP_NO_ERROR;
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	free(s);
	if (r != MAILIMAP_NO_ERROR) {
		*res = NULL;	/* libetpan frees it on its error paths */
		return imap_fail(c, r, err, errlen, "UID FETCH %s", what);
	}
	return IMAP_OK;
}

int
imap_fetch_sizes(struct imap_conn *c, const uint32_t *uids, size_t n,
    struct imap_msg *out, char *err, size_t errlen)
{
	struct mailimap_fetch_att *att;
	struct imap_slot *sl = NULL;
	clist *res = NULL;
	clistiter *it;
	size_t found = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		memset(&out[i], 0, sizeof(out[i]));
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	if ((att = mailimap_fetch_att_new_rfc822_size()) == NULL)
		fatalx("imap: out of memory");
	rc = imap_uid_fetch(c, uids, n, att, "RFC822.SIZE", &res, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	sl = imap_slots_new(uids, n);
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct imap_fetched f;
		size_t k;

		imap_fetched_read(clist_content(it), &f);
		if (f.uid == 0 || !f.has_size)
			continue;	/* e.g. an unsolicited FLAGS update */
		for (k = imap_slot_find(sl, n, f.uid); k < n &&
		    sl[k].uid == f.uid; k++) {
			out[sl[k].i].uid = f.uid;
			out[sl[k].i].size = f.size;
			found++;
		}
	}
	mailimap_fetch_list_free(res);
	free(sl);
	log_debug(LOG_CAT_IMAP, "%s: sizes of %zu message(s): %zu found",
	    c->url, n, found);
	return IMAP_OK;
}

int
imap_fetch_bodies(struct imap_conn *c, const uint32_t *uids, size_t n,
    int header_only, struct imap_msg *out, char *err, size_t errlen)
{
	struct mailimap_fetch_att *att;
	struct mailimap_section *sec;
	struct imap_slot *sl = NULL;
	clist *res = NULL;
	clistiter *it;
	size_t found = 0, bytes = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		out[i].data = NULL;
		out[i].len = 0;
	}
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	sec = header_only ? mailimap_section_new_header() :
	    mailimap_section_new(NULL);
	if (sec == NULL ||
	    (att = mailimap_fetch_att_new_body_peek_section(sec)) == NULL)
		fatalx("imap: out of memory");
	rc = imap_uid_fetch(c, uids, n, att, header_only ?
	    "BODY.PEEK[HEADER]" : "BODY.PEEK[]", &res, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	sl = imap_slots_new(uids, n);
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct imap_fetched f;
		size_t k;

		imap_fetched_read(clist_content(it), &f);
		if (f.uid == 0 || !f.has_body)
			continue;
		for (k = imap_slot_find(sl, n, f.uid); k < n &&
		    sl[k].uid == f.uid; k++) {
			struct imap_msg *m = &out[sl[k].i];

			if (m->data == NULL)
				found++;
			free(m->data);	/* the server sent it twice */
			m->data = xmalloc(f.body_len + 1);
			memcpy(m->data, f.body, f.body_len);
			m->data[f.body_len] = '\0';
			m->len = f.body_len;
			m->uid = f.uid;
			bytes += f.body_len;
		}
	}
	mailimap_fetch_list_free(res);
	free(sl);
	log_debug(LOG_CAT_IMAP, "%s: fetched %zu of %zu message(s)%s, %zu "
	    "bytes", c->url, found, n, header_only ? " (headers)" : "",
	    bytes);
	return IMAP_OK;
}

void
imap_msg_free(struct imap_msg *m, size_t n)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(m[i].data);
		m[i].data = NULL;
		m[i].len = 0;
	}
}

/* ---------------------------------------------------------------- MOVE */

/* UID STORE set +FLAGS.SILENT (flag); flag is consumed. */
static int
imap_store_flag(struct imap_conn *c, struct mailimap_set *set,
    struct mailimap_flag *flag, const char *name, char *err, size_t errlen)
{
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *sa;
	int r;

	if (flag == NULL || (fl = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(fl, flag) != MAILIMAP_NO_ERROR ||
	    (sa = mailimap_store_att_flags_new_add_flags_silent(fl)) == NULL)
		fatalx("imap: out of memory");
	r = mailimap_uid_store(c->imap, set, sa);
	mailimap_store_att_flags_free(sa);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "UID STORE +FLAGS (%s)",
		    name);
	return IMAP_OK;
}

int
imap_move(struct imap_conn *c, const uint32_t *uids, size_t n,
    const char *folder, const char **how, char *err, size_t errlen)
{
	const char *method;
	uint32_t *s = NULL;
	size_t m = 0, pos = 0;
	int r, rc;

	method = c->has_move ? "move" : c->has_uidplus ? "copy+expunge" :
	    "copy+deleted";
	if (how != NULL)
		*how = method;
	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	s = imap_uids_sorted(uids, n, &m);
	while (rc == IMAP_OK && pos < m) {
		struct mailimap_set *set = imap_set_next(s, m, &pos,
		    IMAP_SET_MAX_RANGES);

		if (c->has_move) {
			r = mailimap_uid_move(c->imap, set, folder);
			if (r != MAILIMAP_NO_ERROR)
				rc = imap_fail(c, r, err, errlen, "UID MOVE to "
				    "%s", folder);
		} else {
			r = mailimap_uid_copy(c->imap, set, folder);
			if (r != MAILIMAP_NO_ERROR)
				rc = imap_fail(c, r, err, errlen, "UID COPY to "
				    "%s", folder);
			else
				rc = imap_store_flag(c, set,
				    mailimap_flag_new_deleted(), "\\Deleted",
				    err, errlen);
			if (rc == IMAP_OK && c->has_uidplus) {
				r = mailimap_uid_expunge(c->imap, set);
				if (r != MAILIMAP_NO_ERROR)
					rc = imap_fail(c, r, err, errlen,
					    "UID EXPUNGE");
			}
		}
		mailimap_set_free(set);
	}
	free(s);
	if (rc == IMAP_OK)
		log_debug(LOG_CAT_IMAP, "%s: %zu message(s) to %s (%s)",
		    c->url, m, folder, method);
	return rc;
}

int
imap_mark_seen(struct imap_conn *c, const uint32_t *uids, size_t n,
    char *err, size_t errlen)
{
	uint32_t *s;
	size_t m = 0, pos = 0;
	int rc;

	if (n == 0)
		return IMAP_OK;
	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	s = imap_uids_sorted(uids, n, &m);
	while (rc == IMAP_OK && pos < m) {
		struct mailimap_set *set = imap_set_next(s, m, &pos,
		    IMAP_SET_MAX_RANGES);

		rc = imap_store_flag(c, set, mailimap_flag_new_seen(),
		    "\\Seen", err, errlen);
		mailimap_set_free(set);
	}
	free(s);
	return rc;
}

/* ---------------------------------------------------------------- IDLE */

/*
 * Skips the rest of an untagged response whose line ends with a literal
 * ("{123}"): the literal's bytes, then the lines after it, which may end
 * with literals again.  IMAP_OK or an imap_fail code.
 */
static int
imap_skip_literals(struct imap_conn *c, const char *line, char *err,
    size_t errlen)
{
	char scratch[4096];

	for (;;) {
		size_t len = strlen(line), n;
		const char *p, *last;

		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			len--;
		if (len < 3 || line[len - 1] != '}')
			return IMAP_OK;
		p = line + len - 2;
		if (*p == '+')		/* LITERAL+ form "{123+}" */
			p--;
		last = p;
		while (p > line && *p >= '0' && *p <= '9')
			p--;
		if (*p != '{' || p == last)
			return IMAP_OK;
		if (last - p > 9) {
			c->broken = 1;
			snprintf(err, errlen, "%s: IDLE: absurd literal size "
			    "from the server", c->url);
			return IMAP_EPROTO;
		}
		n = (size_t)strtoul(p + 1, NULL, 10);
		while (n > 0) {
			size_t want = n < sizeof(scratch) ? n : sizeof(scratch);
			ssize_t k = mailstream_read(c->imap->imap_stream,
			    scratch, want);

			if (k <= 0)
				return imap_fail(c, MAILIMAP_ERROR_STREAM, err,
				    errlen, "IDLE");
			n -= (size_t)k;
		}
		if ((line = mailimap_read_line(c->imap)) == NULL)
			return imap_fail(c, MAILIMAP_ERROR_STREAM, err, errlen,
			    "IDLE");
	}
}

/*
 * Sends IDLE and reads up to the server's "+ idling".  Done by hand with
 * libetpan's public line functions because mailimap_idle() cannot cope
 * with untagged responses before the continuation (seen with a fake
 * server sending "* 3 EXISTS" first: it waits for more until the
 * timeout), and would drop them anyway: here they count as news.
 */
int
imap_idle_start(struct imap_conn *c, char *err, size_t errlen)
{
	const char *line;
	int r, rc;

	if ((rc = imap_usable_selected(c, err, errlen)) != IMAP_OK)
		return rc;
	if (!c->has_idle) {
		snprintf(err, errlen, "%s: the server does not offer IDLE",
		    c->url);
		return IMAP_EPROTO;
	}
	/* A response that came after the last command's tagged answer is
	 * already in libetpan's buffer; it is news too. */
	c->idle_early = c->imap->imap_stream->read_buffer_len > 0;
	if ((r = mailimap_send_current_tag(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "IDLE");
	if (mailstream_write(c->imap->imap_stream, "IDLE\r\n", 6) != 6 ||
	    mailstream_flush(c->imap->imap_stream) == -1)
		return imap_fail(c, MAILIMAP_ERROR_STREAM, err, errlen, "IDLE");
	for (;;) {
		if ((line = mailimap_read_line(c->imap)) == NULL)
			return imap_fail(c, MAILIMAP_ERROR_STREAM, err, errlen,
			    "IDLE");
		if (line[0] == '+')
			break;
		if (line[0] != '*') {
			size_t len = strcspn(line, "\r\n");
			char tag[24];

			/* Our tag and NO or BAD: the session is still fine;
			 * anything else and we are out of step. */
			snprintf(tag, sizeof(tag), "%d ", c->imap->imap_tag);
			if (strncmp(line, tag, strlen(tag)) != 0)
				c->broken = 1;
			snprintf(err, errlen, "%s: IDLE refused: %.*s", c->url,
			    len > 300 ? 300 : (int)len, line);
			return IMAP_EPROTO;
		}
		c->idle_early = 1;
		if ((rc = imap_skip_literals(c, line, err, errlen)) != IMAP_OK)
			return rc;
	}
	c->idling = 1;
	log_debug(LOG_CAT_IMAP, "%s: idling%s", c->url, c->idle_early ?
	    " (news already waiting)" : "");
	return IMAP_OK;
}

static long long
imap_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
imap_idle_wait(struct imap_conn *c, int timeout_ms)
{
	long long deadline = 0, left;
	struct pollfd pfd;
	ssize_t k;
	char b;
	int fd, r;

	if (c->broken)
		return IMAP_ETEMP;
	if (!c->idling)
		return IMAP_EPROTO;
	if (c->idle_early || c->imap->imap_stream->read_buffer_len > 0)
		return 1;
	/* GnuTLS may hold decrypted bytes poll() cannot see only when a
	 * record was larger than libetpan's 8 KiB read; the last thing read
	 * was the short "+ idling" record, so nothing is pending there. */
	if ((fd = mailimap_idle_get_fd(c->imap)) < 0) {
		c->broken = 1;
		return IMAP_ETEMP;
	}
	if (timeout_ms >= 0)
		deadline = imap_now_ms() + timeout_ms;
	for (;;) {
		left = -1;
		if (timeout_ms >= 0 && (left = deadline - imap_now_ms()) < 0)
			left = 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)left);	/* left <= timeout_ms */
		if (r < 0) {
			if (errno == EINTR)
				return IMAP_EINTR;
			log_debug(LOG_CAT_IMAP, "%s: IDLE: poll: %s", c->url,
			    strerror(errno));
			c->broken = 1;
			return IMAP_ETEMP;
		}
		if (r == 0)
			return 0;
		if (pfd.revents & POLLNVAL) {
			c->broken = 1;
			return IMAP_ETEMP;
		}
		/* Readable: something, or the end of the connection. */
		k = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
		if (k > 0)
			return 1;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			continue;	/* spurious wakeup */
		log_debug(LOG_CAT_IMAP, "%s: IDLE: connection %s", c->url,
		    k == 0 ? "closed by the server" : strerror(errno));
		c->broken = 1;
		return IMAP_ETEMP;
	}
}

int
imap_idle_done(struct imap_conn *c, char *err, size_t errlen)
{
	int r, was = c->idling;

	c->idling = 0;
	c->idle_early = 0;
	if (c->broken) {
		snprintf(err, errlen, "%s: connection lost%s", c->url,
		    was ? " in IDLE" : "");
		return IMAP_ETEMP;
	}
	if (!was)
		return IMAP_OK;
	r = mailimap_idle_done(c->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(c, r, err, errlen, "IDLE DONE");
	return IMAP_OK;
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
