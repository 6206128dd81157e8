/*
 * imap_idle.c — IMAP IDLE (RFC 2177) on the selected folder, so the daemon
 * hears of new mail within a second instead of at the next poll; see
 * imap.h for the contract.  The session comes from imap_conn.c through
 * imap_private.h.
 *
 * Why it is built this way: IDLE waits with our own poll() on the socket
 * instead of mailstream_wait_idle(): that one takes whole seconds, uses
 * select() (undefined for fds >= FD_SETSIZE), cannot tell a signal from
 * an error, and does not see bytes already in libetpan's read buffer.  We
 * look at that buffer first.  IDLE itself is sent by hand
 * (mailimap_idle() hangs on untagged responses before "+ idling" and
 * drops them): they count as news for the first wait.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fetch/imap_private.h"
#include "base/clock.h"
#include "base/log.h"

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
		deadline = clock_mono_ms() + timeout_ms;
	for (;;) {
		left = -1;
		if (timeout_ms >= 0 && (left = deadline - clock_mono_ms()) < 0)
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
