/*
 * netcheck.c — drive the daemon's IMAP and SMTP modules from the command
 * line, for the integration tests in tests/integration.
 *
 *   netcheck imap URL USER PASSWORD [--ca FILE | --no-verify] [--timeout S]
 *       log in, print the capabilities and INBOX's UIDVALIDITY:
 *         idle yes|no / move yes|no / uidplus yes|no / uidvalidity N
 *   netcheck smtp URL USER PASSWORD [--ca FILE | --no-verify] [--timeout S]
 *            [--no-starttls] FROM TO [TO...] FILE.eml
 *       send FILE.eml to each TO, one line per recipient:
 *         rcpt ADDRESS STATUS CODE TEXT    (STATUS: ok, temporary, ...)
 *
 * Exit status: 0 success (smtp: every recipient accepted), 1 failure with
 * "netcheck: [CLASS] message" on stderr (CLASS: temporary, authentication,
 * TLS, protocol, permanent, recipients), 2 bad usage.  An empty USER means
 * no login (smtp only).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/imap.h"
#include "base/log.h"
#include "out/smtp.h"

#define NETCHECK_MAX_MSG (64L << 20)

struct netcheck_opts {
	const char	*ca_file;
	int		 tls_verify;
	int		 timeout;
	int		 starttls;
	const char	*pos[64];	/* positional arguments */
	int		 npos;
};

static int
usage(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "netcheck: %s\n", why);
	fprintf(stderr,
	    "usage: netcheck imap URL USER PASSWORD [--ca FILE | --no-verify] "
	    "[--timeout S]\n"
	    "       netcheck smtp URL USER PASSWORD [--ca FILE | --no-verify] "
	    "[--timeout S] [--no-starttls] FROM TO [TO...] FILE.eml\n");
	return 2;
}

/* Splits options from positional arguments; -1 on a bad option. */
static int
parse_opts(int argc, char **argv, struct netcheck_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_verify = 1;
	o->timeout = 30;
	o->starttls = 1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--ca") == 0 && i + 1 < argc)
			o->ca_file = argv[++i];
		else if (strcmp(argv[i], "--no-verify") == 0)
			o->tls_verify = 0;
		else if (strcmp(argv[i], "--no-starttls") == 0)
			o->starttls = 0;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			o->timeout = atoi(argv[++i]);
		else if (strncmp(argv[i], "--", 2) == 0)
			return -1;
		else if (o->npos < (int)(sizeof(o->pos) / sizeof(o->pos[0])))
			o->pos[o->npos++] = argv[i];
		else
			return -1;
	}
	return 0;
}

static int
run_imap(const struct netcheck_opts *o)
{
	struct imap_params p = {
		.url = o->pos[0],
		.user = o->pos[1],
		.password = o->pos[2],
		.tls_verify = o->tls_verify,
		.ca_file = o->ca_file,
		.timeout_sec = o->timeout,
	};
	struct imap_conn *c = NULL;
	char err[2048];
	uint32_t uidvalidity;
	int st;

	if (o->npos != 3)
		return usage("imap wants URL USER PASSWORD");
	st = imap_open(&p, &c, err, sizeof(err));
	if (st != IMAP_OK)
		goto fail;
	printf("idle %s\nmove %s\nuidplus %s\n",
	    imap_has_idle(c) ? "yes" : "no", imap_has_move(c) ? "yes" : "no",
	    imap_has_uidplus(c) ? "yes" : "no");
	st = imap_select(c, "INBOX", &uidvalidity, err, sizeof(err));
	if (st != IMAP_OK)
		goto fail;
	printf("uidvalidity %u\n", uidvalidity);
	imap_close(c);
	return 0;
fail:
	fprintf(stderr, "netcheck: [%s] %s\n", imap_status_name(st), err);
	imap_close(c);
	return 1;
}

/* Reads the whole file into a new buffer; NULL with errno on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > NETCHECK_MAX_MSG || fseek(f, 0, SEEK_SET) != 0) {
		if (errno == 0)
			errno = EFBIG;
		goto out;
	}
	data = malloc((size_t)n + 1);
	if (data == NULL)
		goto out;
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		free(data);
		data = NULL;
		errno = EIO;
		goto out;
	}
	data[n] = '\0';
	*len = (size_t)n;
out:
	fclose(f);
	return data;
}

static int
run_smtp(const struct netcheck_opts *o)
{
	struct smtp_params p = {
		.url = o->pos[0],
		.user = o->pos[1],
		.password = o->pos[2],
		.starttls = o->starttls,
		.tls_verify = o->tls_verify,
		.ca_file = o->ca_file,
		.timeout_sec = o->timeout,
	};
	struct smtp_result *res = NULL;
	const char *const *rcpts;
	const char *file;
	char err[2048], *msg = NULL;
	size_t msglen = 0, nrcpt;
	int st, rc = 1;

	if (o->npos < 6)
		return usage("smtp wants URL USER PASSWORD FROM TO... FILE");
	file = o->pos[o->npos - 1];
	rcpts = &o->pos[4];
	nrcpt = (size_t)o->npos - 5;
	if ((msg = read_file(file, &msglen)) == NULL) {
		fprintf(stderr, "netcheck: %s: %s\n", file, strerror(errno));
		return 1;
	}
	res = calloc(nrcpt, sizeof(*res));
	if (res == NULL) {
		fprintf(stderr, "netcheck: out of memory\n");
		goto out;
	}
	st = smtp_send(&p, o->pos[3], rcpts, nrcpt, msg, msglen, res, err,
	    sizeof(err));
	for (size_t i = 0; i < nrcpt; i++)
		printf("rcpt %s %s %d %s\n", rcpts[i],
		    smtp_status_name(res[i].status), res[i].code, res[i].text);
	if (st != SMTP_OK)
		fprintf(stderr, "netcheck: [%s] %s\n", smtp_status_name(st),
		    err);
	else
		rc = 0;
out:
	free(res);
	free(msg);
	return rc;
}

int
main(int argc, char **argv)
{
	struct netcheck_opts o;
	const char *dbg = getenv("NETCHECK_DEBUG");	/* e.g. "imap,smtp" */
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_PLAIN, 0);
	if (dbg != NULL && log_set_debug(dbg, err, sizeof(err)) != 0)
		return usage(err);
	if (argc < 2 || parse_opts(argc, argv, &o) != 0)
		return usage(NULL);
	if (strcmp(argv[1], "imap") == 0)
		return run_imap(&o);
	if (strcmp(argv[1], "smtp") == 0) {
		if (smtp_global_init() != 0) {
			fprintf(stderr, "netcheck: curl_global_init failed\n");
			return 1;
		}
		return run_smtp(&o);
	}
	return usage("first argument is imap or smtp");
}
