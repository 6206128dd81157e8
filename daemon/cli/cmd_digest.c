/*
 * cmd_digest.c — `coupdepouce digest [--print] [--html] [--to EMAIL]`:
 * the digest the coordinators get (timers/digest.h), shown or sent now.
 *
 * Sending queues the mails in the outbox like the weekly job does, but
 * due at once (the administrator chose the time, so the working-hours
 * wait does not apply); the daemon sends them at its next cycle, or
 * `coupdepouce poll` at once.  The command does not talk SMTP itself, so
 * it works the same when the mail server is down.  A digest sent by hand
 * does not move the weekly one nor count as "the previous digest".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "casework/casework.h"
#include "cli/cli.h"
#include "config/config.h"
#include "out/mailer.h"
#include "store/store.h"
#include "timers/digest.h"

const char cmd_digest_help[] =
"usage: coupdepouce [-c FILE] [--now TIME] digest [--print [--html]] [--to EMAIL]\n"
"\n"
"The digest of the network (DESIGN.md 3): what needs a human now, the\n"
"next 14 days, what is late, the cases opened and ended since the\n"
"previous digest, the pool of volunteers and the counts.  The daemon\n"
"sends it every [timers] digest_interval days on its own; nothing is\n"
"sent when there is nothing to report.\n"
"\n"
"  (no option)   queue it now to every coordinator (and, with\n"
"                digest_referents, to each referent for their cases);\n"
"                the daemon sends it at its next cycle, 'coupdepouce\n"
"                poll' at once; no working-hours wait\n"
"  --to EMAIL    only the digest of that coordinator, or of that\n"
"                referent's own cases\n"
"  --print       write it to stdout instead of sending it: the subject\n"
"                line, a blank line, the text; or a line saying there\n"
"                is nothing to report\n"
"  --html        with --print: the HTML part instead of the text\n"
"\n"
"Exit status: 0 done (also when there was nothing to report), 1 error,\n"
"2 bad usage.\n";

struct digest_args {
	int		 print;
	int		 html;
	const char	*to;
};

static int
digest_parse(int argc, char **argv, struct digest_args *a)
{
	static const struct option opts[] = {
		{ "print", no_argument, NULL, 'p' },
		{ "html", no_argument, NULL, 'H' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->print = 1;
			break;
		case 'H':
			a->html = 1;
			break;
		case 't':
			a->to = optarg;
			break;
		default:
			return cli_usage_error("digest", "see 'coupdepouce "
			    "digest --help'");
		}
	}
	if (optind < argc)
		return cli_usage_error("digest", "unexpected argument '%s'",
		    argv[optind]);
	if (a->html && !a->print)
		return cli_usage_error("digest", "--html goes with --print");
	return EXIT_OK;
}

static int
digest_print(struct casework *cw, const struct digest_target *t, int html)
{
	char err[1024], when[32], *subject = NULL, *body = NULL;
	int empty = 0;

	if (digest_preview(cw, t, html, &subject, &body, &empty, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce digest: %s\n", err);
		return EXIT_ERR;
	}
	clock_local_minute((time_t)cw->now, when, sizeof(when));
	if (empty)
		printf("nothing to report on %s%s%s: no digest would be "
		    "sent\n", when, t ? " for " : "", t ? t->p.email : "");
	else if (html)
		fputs(body, stdout);
	else
		printf("Subject: %s\n\n%s", subject, body);
	free(subject);
	free(body);
	return EXIT_OK;
}

static int
digest_queue_now(struct casework *cw, const struct digest_target *t)
{
	char err[1024], scratch[256];
	size_t queued = 0;

	if (store_begin(cw->st, err, sizeof(err)) != 0 ||
	    digest_send(cw, t, 1, &queued, err, sizeof(err)) != 0 ||
	    store_commit(cw->st, err, sizeof(err)) != 0) {
		store_rollback(cw->st, scratch, sizeof(scratch));
		fprintf(stderr, "coupdepouce digest: %s\n", err);
		return EXIT_ERR;
	}
	if (queued == 0)
		printf("nothing to report: no digest queued\n");
	else
		printf("digest queued for %zu recipient(s)\n", queued);
	return EXIT_OK;
}

int
cmd_digest(struct cli *cli, int argc, char **argv)
{
	const struct config *cfg = cli->cfg;
	struct digest_args a;
	struct digest_target t;
	struct mailer *mailer = NULL;
	struct store *st = NULL;
	char err[2048];
	int rc;

	if ((rc = digest_parse(argc, argv, &a)) != EXIT_OK)
		return rc;
	if (mailer_open(cfg, &mailer, err, sizeof(err)) != 0 ||
	    store_open(cfg->storage.database, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		mailer_close(mailer);
		return EXIT_ERR;
	}
	{
		struct casework cw = { cfg, mailer, NULL, st,
		    (long long)clock_now() };

		rc = a.to ? digest_target(&cw, a.to, &t, err, sizeof(err)) : 1;
		if (rc != 1) {
			fprintf(stderr, "coupdepouce digest: %s\n", err);
			rc = EXIT_ERR;
		} else if (a.print)
			rc = digest_print(&cw, a.to ? &t : NULL, a.html);
		else
			rc = digest_queue_now(&cw, a.to ? &t : NULL);
	}
	store_close(st);
	mailer_close(mailer);
	return rc;
}
