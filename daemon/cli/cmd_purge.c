/*
 * cmd_purge.c — `coupdepouce purge [--dry-run]`: the retention of raw
 * mails (store/retention_db.h) now, rather than at the daily job, or a
 * look at what it would take.  The administrator runs it after lowering
 * keep_raw_days, or to answer "what do we still keep?".
 */
#include <getopt.h>
#include <stdio.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/retention_db.h"
#include "store/store.h"

const char cmd_purge_help[] =
"usage: coupdepouce [-c FILE] purge [--dry-run]\n"
"\n"
"Erases the raw mails and their extracted text (received and sent) of the\n"
"cases closed, withdrawn or found ineligible more than [storage]\n"
"keep_raw_days ago, the mails of no case and the quarantined mails older\n"
"than that.  Subjects, dates, senders, the cases and their timelines\n"
"stay.  The daemon does the same once a day.  Their copies in the\n"
"mailbox (processed, quarantine and sent folders) are deleted by the\n"
"daemon at its next cycle, or by the next poll.\n"
"\n"
"Prints \"N mails of N cases purged\" (with --dry-run: \"would be\n"
"purged\", and nothing changes), then one line per case: its reference,\n"
"mails received and sent; then the mails of no case and the quarantine,\n"
"when there are any.\n"
"\n"
"Exit status: 0 done, 1 error, 2 bad usage.\n";

static void
purge_print(const struct retention_plan *p, int dry_run)
{
	printf("%lld mail%s of %zu case%s %s\n", p->total, p->total == 1 ?
	    "" : "s", p->ncases, p->ncases == 1 ? "" : "s", dry_run ?
	    "would be purged" : "purged");
	for (size_t i = 0; i < p->ncases; i++)
		printf("%s: %lld received, %lld sent\n", p->cases[i].ref,
		    p->cases[i].received, p->cases[i].sent);
	if (p->nocase_received + p->nocase_sent > 0)
		printf("no case: %lld received, %lld sent\n",
		    p->nocase_received, p->nocase_sent);
	if (p->quarantine > 0)
		printf("quarantine: %lld\n", p->quarantine);
}

int
cmd_purge(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	struct retention_plan plan = { 0 };
	char err[1024], scratch[256];
	long long now = (long long)clock_now(), cutoff, n;
	int c, dry_run = 0, rc = EXIT_ERR;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'n')
			return cli_usage_error("purge", "unknown option");
		dry_run = 1;
	}
	if (optind != argc)
		return cli_usage_error("purge", "takes no argument");
	if (cli->cfg->storage.keep_raw_days == 0) {
		printf("keep_raw_days is 0: mails are kept forever\n");
		return EXIT_OK;
	}
	cutoff = retention_cutoff(now, cli->cfg->storage.keep_raw_days);
	if (store_open(cli->cfg->storage.database, &st, err,
	    sizeof(err)) != 0 ||
	    store_exec(st, "PRAGMA secure_delete = ON", err, sizeof(err)) != 0 ||
	    store_begin(st, err, sizeof(err)) != 0)
		goto fail;
	if (retention_scan(st, cutoff, &plan, err, sizeof(err)) != 0 ||
	    (!dry_run && retention_purge(st, cutoff, now, &n, err,
	    sizeof(err)) != 0) ||
	    (dry_run ? store_rollback(st, err, sizeof(err)) :
	    store_commit(st, err, sizeof(err))) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
	purge_print(&plan, dry_run);
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce purge: %s\n", err);
out:
	retention_plan_free(&plan);
	store_close(st);
	return rc;
}
