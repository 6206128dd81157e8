/*
 * outboxtool.c — drives the outbox from shell tests, before the daemon's
 * own callers (compose, cases) exist.
 *
 *   outboxtool -c CONF [--now 'YYYY-MM-DD HH:MM'] enqueue --to ADDR
 *       [--to ADDR...] --subject S --body-file F [--urgent] [--auto]
 *       [--case ID] [--count N]
 *   outboxtool -c CONF [--now ...] flush
 *   outboxtool -c CONF [--now ...] next-due
 *
 * enqueue builds a small well-formed message itself (UTF-8 subject as
 * RFC 2047 words, quoted-printable body, CRLF) — a test builder, not the
 * daemon's composer — and queues it in the config's database with the
 * two-step outbox_reserve/outbox_fill (the Message-ID contains the row
 * id), all N copies in one transaction.  It prints "queued ID MESSAGE-ID"
 * per mail; exit 3 when the daily cap refused the mail.
 * flush does what the daemon does at start (outbox_recover) and then one
 * outbox_flush, and prints the stats as "key=value" words.
 * next-due prints the seconds until the next mail is due, or "none".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/outbox.h"
#include "store/store.h"

static void
usage(void)
{
	fprintf(stderr, "usage: outboxtool -c CONF [--now TIME] enqueue --to "
	    "ADDR [--to ADDR] --subject S --body-file F [--urgent] [--auto] "
	    "[--case ID] [--count N]\n"
	    "       outboxtool -c CONF [--now TIME] flush | next-due\n");
	exit(2);
}

static char *
read_file(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_steal(&b);
}

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* "Name: value" with value as RFC 2047 Q words when not ASCII, folded. */
static void
add_text_header(struct buf *b, const char *name, const char *value)
{
	size_t col;

	buf_printf(b, "%s: ", name);
	if (is_ascii(value)) {
		buf_printf(b, "%s\r\n", value);
		return;
	}
	col = strlen(name) + 2;
	buf_adds(b, "=?UTF-8?Q?");
	col += 10;
	for (const unsigned char *p = (const unsigned char *)value; *p;) {
		/* Keep UTF-8 sequences inside one word. */
		size_t n = 1, need;

		while ((p[n] & 0xc0) == 0x80)
			n++;
		need = 0;
		for (size_t i = 0; i < n; i++)
			need += (p[i] >= 0x80 || strchr("=?_\t", p[i]) ||
			    p[i] < 0x20) ? 3 : 1;
		if (col + need + 2 > 75) {
			buf_adds(b, "?=\r\n =?UTF-8?Q?");
			col = 11;
		}
		for (size_t i = 0; i < n; i++) {
			if (p[i] == ' ')
				buf_addc(b, '_');
			else if (p[i] >= 0x80 || p[i] < 0x20 ||
			    strchr("=?_\t", p[i]))
				buf_printf(b, "=%02X", p[i]);
			else
				buf_addc(b, (char)p[i]);
		}
		col += need;
		p += n;
	}
	buf_adds(b, "?=\r\n");
}

/* Quoted-printable (RFC 2045 §6.7), lines ending in CRLF. */
static void
add_qp(struct buf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	while (*p) {
		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p == '\n') {
			buf_adds(b, "\r\n");
			col = 0;
			p++;
			continue;
		}
		{
			int last = p[1] == '\n' || p[1] == '\0' ||
			    (p[1] == '\r' && p[2] == '\n');
			int enc = *p == '=' || *p >= 0x80 || (*p < 0x20 &&
			    *p != '\t') || ((*p == ' ' || *p == '\t') && last);
			size_t w = enc ? 3 : 1;

			if (col + w > 75) {
				buf_adds(b, "=\r\n");
				col = 0;
			}
			if (enc)
				buf_printf(b, "=%02X", *p);
			else
				buf_addc(b, (char)*p);
			col += w;
			p++;
		}
	}
	if (col > 0)
		buf_adds(b, "\r\n");
}

static char *
build_message(const struct config *cfg, char *const *to, size_t nto,
    const char *subject, const char *body, const char *message_id)
{
	struct buf b;
	char date[64];
	time_t now = clock_now();
	struct tm tm;

	buf_init(&b, 0);
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	if (is_ascii(cfg->network.name))
		buf_printf(&b, "From: \"%s\" <%s>\r\n", cfg->network.name,
		    cfg->smtp.from);
	else {
		add_text_header(&b, "From", cfg->network.name);
		b.len -= 2;	/* the CRLF: the address follows */
		b.data[b.len] = '\0';
		buf_printf(&b, " <%s>\r\n", cfg->smtp.from);
	}
	buf_adds(&b, "To: ");
	for (size_t i = 0; i < nto; i++)
		buf_printf(&b, "%s%s", i ? ",\r\n " : "", to[i]);
	buf_adds(&b, "\r\n");
	add_text_header(&b, "Subject", subject);
	buf_printf(&b, "Date: %s\r\n", date);
	buf_printf(&b, "Message-ID: <%s>\r\n", message_id);
	buf_adds(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "X-Auto-Response-Suppress: All\r\n"
	    "\r\n");
	add_qp(&b, body);
	return buf_steal(&b);
}

static int
do_enqueue(struct store *st, const struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "subject", required_argument, NULL, 's' },
		{ "body-file", required_argument, NULL, 'b' },
		{ "urgent", no_argument, NULL, 'u' },
		{ "auto", no_argument, NULL, 'a' },
		{ "case", required_argument, NULL, 'C' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	char *to[16], err[1024], *body = NULL;
	const char *subject = NULL;
	size_t nto = 0;
	long count = 1, case_id = 0;
	int c, urgent = 0, automatic = 0, rc = 1;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (nto == sizeof(to) / sizeof(to[0]))
				usage();
			to[nto++] = optarg;
			break;
		case 's':
			subject = optarg;
			break;
		case 'b':
			body = read_file(optarg);
			break;
		case 'u':
			urgent = 1;
			break;
		case 'a':
			automatic = 1;
			break;
		case 'C':
			case_id = strtol(optarg, NULL, 10);
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (nto == 0 || subject == NULL || body == NULL || count < 1)
		usage();
	if (store_begin(st, err, sizeof(err)) != 0) {
		fprintf(stderr, "outboxtool: %s\n", err);
		goto out;
	}
	for (long i = 0; i < count; i++) {
		struct outbox_item it = {
			.cfg = cfg, .case_id = case_id,
			.template = "outboxtool",
			.rcpts = (const char *const *)to, .nrcpt = nto,
			.urgent = urgent, .automatic = automatic,
		};
		char *mid, *msg, *subj;
		int64_t id;
		int r;

		r = outbox_reserve(st, &it, &id, err, sizeof(err));
		if (r == OUTBOX_LIMITED) {
			fprintf(stderr, "outboxtool: %s\n", err);
			store_rollback(st, err, sizeof(err));
			rc = 3;
			goto out;
		}
		if (r == OUTBOX_ERR) {
			fprintf(stderr, "outboxtool: %s\n", err);
			goto fail;
		}
		if (r == OUTBOX_PARTIAL)
			fprintf(stderr, "outboxtool: %s\n", err);
		/* The id goes into the Message-ID, as compose will do. */
		mid = xasprintf("cdp.tool-%lld.%08x@%s", (long long)id,
		    (unsigned)arc4random(), cfg->network.domain);
		subj = count > 1 ? xasprintf("%s #%ld", subject, i + 1) :
		    xstrdup(subject);
		msg = build_message(cfg, to, nto, subj, body, mid);
		r = outbox_fill(st, id, mid, msg, strlen(msg), err,
		    sizeof(err));
		if (r == 0)
			printf("queued %lld %s\n", (long long)id, mid);
		free(mid);
		free(msg);
		free(subj);
		if (r != 0) {
			fprintf(stderr, "outboxtool: %s\n", err);
			goto fail;
		}
	}
	if (store_commit(st, err, sizeof(err)) != 0) {
		fprintf(stderr, "outboxtool: %s\n", err);
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	store_rollback(st, err, sizeof(err));
out:
	free(body);
	return rc;
}

static int
do_flush(struct store *st, const struct config *cfg)
{
	struct outbox_stats s;
	char err[1024];
	int n = 0;

	if (outbox_recover(st, &n, err, sizeof(err)) != 0 ||
	    outbox_flush(st, cfg, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "outboxtool: %s\n", err);
		return 1;
	}
	printf("recovered=%d rows=%d sent=%d failed=%d deferred=%d "
	    "accepted=%d refused=%d rate_limited=%d paused=%d\n", n, s.rows,
	    s.sent, s.failed, s.deferred, s.accepted, s.refused,
	    s.rate_limited, s.paused);
	if (s.error[0])
		printf("error=%s\n", s.error);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "now", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	const char *conf = NULL, *now = NULL;
	char err[4096];
	int c, rc = 1;

	log_init(LOG_PLAIN, 0);
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'N':
			now = optarg;
			break;
		default:
			usage();
		}
	}
	if (conf == NULL || optind >= argc)
		usage();
	if (config_load(conf, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	clock_set_zone(cfg->network.timezone);
	if (now) {
		time_t t;

		if (clock_parse_local(now, &t, err, sizeof(err)) != 0) {
			fprintf(stderr, "outboxtool: --now: %s\n", err);
			goto out;
		}
		clock_fix(t);
	}
	if (store_open(cfg->storage.database, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "outboxtool: %s\n", err);
		goto out;
	}
	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "enqueue") == 0)
		rc = do_enqueue(st, cfg, argc, argv);
	else if (strcmp(argv[0], "flush") == 0)
		rc = do_flush(st, cfg);
	else if (strcmp(argv[0], "next-due") == 0) {
		long long when = 0;
		int r = outbox_next_due(st, &when);

		if (r < 0)
			fprintf(stderr, "outboxtool: %s\n", store_errmsg(st));
		else if (r == 0)
			printf("none\n");
		else
			printf("%lld\n", when - (long long)clock_now());
		rc = r < 0;
	} else
		usage();
out:
	store_close(st);
	config_free(cfg);
	return rc;
}
