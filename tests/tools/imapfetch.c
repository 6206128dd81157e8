/*
 * imapfetch.c — drive the daemon's IMAP fetch, move and IDLE functions
 * (daemon/fetch/imap.h) from the command line, for tests and measurements.
 *
 *   imapfetch URL USER PASSWORD [--ca FILE | --no-verify] [--timeout S]
 *             [--folder F] [--from UID] [--batch N] [--headers]
 *             [--move-to FOLDER] [--seen]
 *   imapfetch URL USER PASSWORD [--ca FILE | --no-verify] [--folder F]
 *             --idle SECONDS
 *
 * Without --idle: selects F (default INBOX), searches the UIDs >= UID
 * (default 1), fetches their sizes and bodies in batches of N (default 100)
 * and prints one line per message:
 *     UID SIZE LEN SHA256-PREFIX SUBJECT
 * (LEN is what was fetched, "-" when the message vanished meanwhile;
 * --headers fetches the headers only).  --move-to then moves every
 * message found to FOLDER (created when missing) and prints
 *     moved N METHOD
 * --seen marks them \Seen instead and prints "seen N".
 *
 * With --idle: selects F, starts IDLE and waits up to SECONDS for the
 * server, then prints "idle: activity after N ms" or "idle: timeout"
 * and ends the IDLE.  SIGINT or SIGTERM ends the wait early
 * ("idle: interrupted").
 *
 * The first line is always "uidvalidity V exists E uidnext U".  Timings
 * go to stderr as "time WHAT N SECONDS" (and, for --idle, the wall clock
 * at the end of the wait as "time idle-end-epoch-ms MS", to measure the
 * delay from a delivery).  Exit status: 0 success, 1 failure
 * with "imapfetch: [CLASS] message" on stderr (CLASS from
 * imap_status_name: temporary, authentication, TLS, protocol), 2 bad
 * usage.  IMAPFETCH_DEBUG=imap turns on the module's debug log.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "fetch/imap.h"
#include "base/log.h"

struct imapfetch_opts {
	const char	*url, *user, *password;
	const char	*ca_file;
	int		 tls_verify;
	int		 timeout;
	const char	*folder;
	uint32_t	 from;
	size_t		 batch;
	int		 headers;
	const char	*move_to;
	int		 seen;
	int		 idle;		/* seconds; -1: no IDLE */
};

static volatile sig_atomic_t imapfetch_stop;

static void
on_signal(int sig)
{
	(void)sig;
	imapfetch_stop = 1;
}

static int
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "imapfetch: %s\n", why);
	fprintf(stderr,
	    "usage: imapfetch URL USER PASSWORD [--ca FILE | --no-verify] "
	    "[--timeout S] [--folder F]\n"
	    "                 [--from UID] [--batch N] [--headers] "
	    "[--move-to FOLDER] [--seen]\n"
	    "       imapfetch URL USER PASSWORD [--ca FILE | --no-verify] "
	    "[--folder F] --idle SECONDS\n");
	return 2;
}

/* A non-negative number that fits in max; -1 otherwise. */
static long long
number(const char *s, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	return v;
}

static int
parse_opts(int argc, char **argv, struct imapfetch_opts *o)
{
	const char *pos[3];
	int npos = 0;
	long long v;

	memset(o, 0, sizeof(*o));
	o->tls_verify = 1;
	o->timeout = 30;
	o->folder = "INBOX";
	o->from = 1;
	o->batch = 100;
	o->idle = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] :
		    NULL;

		if (strcmp(a, "--no-verify") == 0)
			o->tls_verify = 0;
		else if (strcmp(a, "--headers") == 0)
			o->headers = 1;
		else if (strcmp(a, "--seen") == 0)
			o->seen = 1;
		else if (strncmp(a, "--", 2) == 0 && val == NULL)
			return -1;
		else if (strcmp(a, "--ca") == 0)
			o->ca_file = argv[++i];
		else if (strcmp(a, "--folder") == 0)
			o->folder = argv[++i];
		else if (strcmp(a, "--move-to") == 0)
			o->move_to = argv[++i];
		else if (strcmp(a, "--timeout") == 0) {
			if ((v = number(argv[++i], 3600)) <= 0)
				return -1;
			o->timeout = (int)v;
		} else if (strcmp(a, "--from") == 0) {
			if ((v = number(argv[++i], UINT32_MAX)) < 0)
				return -1;
			o->from = (uint32_t)v;
		} else if (strcmp(a, "--batch") == 0) {
			if ((v = number(argv[++i], 100000)) <= 0)
				return -1;
			o->batch = (size_t)v;
		} else if (strcmp(a, "--idle") == 0) {
			if ((v = number(argv[++i], 86400)) < 0)
				return -1;
			o->idle = (int)v;
		} else if (strncmp(a, "--", 2) == 0 || npos == 3)
			return -1;
		else
			pos[npos++] = a;
	}
	if (npos != 3)
		return -1;
	o->url = pos[0];
	o->user = pos[1];
	o->password = pos[2];
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first Subject line of a raw message, into out; "-" if none. */
static void
first_subject(const char *data, size_t len, char *out, size_t outlen)
{
	const char *p = data, *end = data + len;

	snprintf(out, outlen, "-");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (n == 0 || (n == 1 && p[0] == '\r'))
			break;		/* end of the header */
		if (n >= 8 && strncasecmp(p, "Subject:", 8) == 0) {
			const char *s = p + 8;

			while (s < p + n && (*s == ' ' || *s == '\t'))
				s++;
			n -= (size_t)(s - p);
			if (n > 0 && s[n - 1] == '\r')
				n--;
			snprintf(out, outlen, "%.*s", (int)n, s);
			return;
		}
		p = eol ? eol + 1 : end;
	}
}

static int
run_idle(struct imap_conn *c, const struct imapfetch_opts *o, char *err,
    size_t errlen)
{
	struct sigaction sa;
	double t0, elapsed;
	int st, r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll must see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if ((st = imap_idle_start(c, err, errlen)) != IMAP_OK)
		return st;
	t0 = now();
	for (;;) {
		int left = (int)((double)o->idle * 1000 - (now() - t0) * 1000);

		r = imap_idle_wait(c, left > 0 ? left : 0);
		if (r != IMAP_EINTR || imapfetch_stop)
			break;
	}
	elapsed = now() - t0;
	{
		struct timespec wall;

		clock_gettime(CLOCK_REALTIME, &wall);
		fprintf(stderr, "time idle-end-epoch-ms %lld\n",
		    (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000);
	}
	if (r == 1)
		printf("idle: activity after %.0f ms\n", elapsed * 1000);
	else if (r == 0)
		printf("idle: timeout\n");
	else if (r == IMAP_EINTR)
		printf("idle: interrupted after %.0f ms\n", elapsed * 1000);
	else
		printf("idle: connection lost after %.0f ms\n",
		    elapsed * 1000);
	fflush(stdout);
	t0 = now();
	st = imap_idle_done(c, err, errlen);
	fprintf(stderr, "time done 1 %.3f\n", now() - t0);
	return st;
}

static int
run_fetch(struct imap_conn *c, const struct imapfetch_opts *o, char *err,
    size_t errlen)
{
	struct imap_uids u = { 0 };
	struct imap_msg *msgs = NULL;
	uint32_t *want = NULL;
	size_t total = 0, bytes = 0;
	double t0, t_fetch;
	int st;

	t0 = now();
	if ((st = imap_search_from(c, o->from, &u, err, errlen)) != IMAP_OK)
		goto out;
	fprintf(stderr, "time search %zu %.3f\n", u.n, now() - t0);
	msgs = calloc(o->batch, sizeof(*msgs));
	want = calloc(o->batch, sizeof(*want));
	if (msgs == NULL || want == NULL) {
		fprintf(stderr, "imapfetch: out of memory\n");
		exit(1);
	}
	t0 = now();
	for (size_t at = 0; at < u.n; at += o->batch) {
		size_t n = u.n - at < o->batch ? u.n - at : o->batch, nw = 0;

		st = imap_fetch_sizes(c, u.uids + at, n, msgs, err, errlen);
		if (st != IMAP_OK)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (msgs[i].uid != 0)
				want[nw++] = msgs[i].uid;
		/* msgs[i] is for u.uids[at + i]; bodies come back in the
		 * order of `want`, so fetch into a second array. */
		{
			struct imap_msg *b = calloc(nw ? nw : 1, sizeof(*b));
			size_t j = 0;

			if (b == NULL) {
				fprintf(stderr, "imapfetch: out of memory\n");
				exit(1);
			}
			st = imap_fetch_bodies(c, want, nw, o->headers, b,
			    err, errlen);
			if (st != IMAP_OK) {
				free(b);
				goto out;
			}
			for (size_t i = 0; i < n; i++) {
				char sha[HASH_SHA256_HEX], subj[200];
				struct imap_msg *m = NULL;

				if (msgs[i].uid != 0)
					m = &b[j++];
				if (m == NULL || m->data == NULL) {
					printf("%u %zu - - -\n", u.uids[at + i],
					    msgs[i].size);
					continue;
				}
				hash_sha256_hex(m->data, m->len, sha);
				first_subject(m->data, m->len, subj,
				    sizeof(subj));
				printf("%u %zu %zu %.16s %s\n", m->uid,
				    msgs[i].size, m->len, sha, subj);
				total++;
				bytes += m->len;
			}
			imap_msg_free(b, nw);
			free(b);
		}
	}
	t_fetch = now() - t0;
	fprintf(stderr, "time fetch %zu %.3f (%zu bytes)\n", total, t_fetch,
	    bytes);

	if (o->seen && u.n > 0) {
		t0 = now();
		if ((st = imap_mark_seen(c, u.uids, u.n, err, errlen)) !=
		    IMAP_OK)
			goto out;
		fprintf(stderr, "time seen %zu %.3f\n", u.n, now() - t0);
		printf("seen %zu\n", u.n);
	} else if (o->move_to != NULL && u.n > 0) {
		const char *how = NULL;
		int created = 0;

		st = imap_ensure_folder(c, o->move_to, &created, err, errlen);
		if (st != IMAP_OK)
			goto out;
		t0 = now();
		st = imap_move(c, u.uids, u.n, o->move_to, &how, err, errlen);
		if (st != IMAP_OK)
			goto out;
		fprintf(stderr, "time move %zu %.3f\n", u.n, now() - t0);
		printf("moved %zu %s%s\n", u.n, how, created ?
		    " (folder created)" : "");
	}
out:
	imap_uids_free(&u);
	free(msgs);
	free(want);
	return st;
}

int
main(int argc, char **argv)
{
	struct imapfetch_opts o;
	struct imap_params p;
	struct imap_conn *c = NULL;
	const char *dbg = getenv("IMAPFETCH_DEBUG");
	char err[2048];
	uint32_t uidvalidity, exists, uidnext;
	double t0;
	int st;

	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_PLAIN, 0);
	if (dbg != NULL && log_set_debug(dbg, err, sizeof(err)) != 0)
		return usage(err);
	if (parse_opts(argc, argv, &o) != 0)
		return usage(NULL);
	memset(&p, 0, sizeof(p));
	p.url = o.url;
	p.user = o.user;
	p.password = o.password;
	p.tls_verify = o.tls_verify;
	p.ca_file = o.ca_file;
	p.timeout_sec = o.timeout;

	t0 = now();
	if ((st = imap_open(&p, &c, err, sizeof(err))) != IMAP_OK)
		goto fail;
	if ((st = imap_select(c, o.folder, &uidvalidity, err,
	    sizeof(err))) != IMAP_OK)
		goto fail;
	imap_select_info(c, &exists, &uidnext);
	fprintf(stderr, "time login+select 1 %.3f\n", now() - t0);
	printf("uidvalidity %u exists %u uidnext %u\n", uidvalidity, exists,
	    uidnext);
	fflush(stdout);
	if (o.idle >= 0)
		st = run_idle(c, &o, err, sizeof(err));
	else
		st = run_fetch(c, &o, err, sizeof(err));
	if (st != IMAP_OK)
		goto fail;
	imap_close(c);
	return 0;
fail:
	fprintf(stderr, "imapfetch: [%s] %s\n", imap_status_name(st), err);
	imap_close(c);
	return 1;
}
