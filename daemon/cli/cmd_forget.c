/*
 * cmd_forget.c — `coupdepouce forget EMAIL --yes`: the right to erasure
 * (RGPD art. 17).  What goes and what stays is store/forget_db.h's.
 *
 * Erasing is for good, so the command wants --yes rather than a question
 * on the terminal (it is also run from scripts).  It is idempotent: the
 * address is gone after the first run, so a second one finds no person,
 * erases whatever trace of the address is left (none) and says so with
 * exit status 0.  SQLite keeps erased bytes in free pages and in the
 * write-ahead log: secure_delete zeroes what the erasure frees, and the
 * file is rewritten and the log emptied after the commit.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/forget_db.h"
#include "store/person_db.h"
#include "store/store.h"

const char cmd_forget_help[] =
"usage: coupdepouce [-c FILE] forget EMAIL --yes\n"
"\n"
"Erases the personal data of the person with address EMAIL (RGPD right\n"
"to erasure): their address becomes forgotten-ID@invalid and their name,\n"
"skills, communes, roles and testimonies go; the mails they sent, the\n"
"mails sent to them and every stored mail of the cases they carried or\n"
"naming them are blanked; those cases keep their state, kind, themes,\n"
"commune and dates (statistics) but lose their subject, roadmap and\n"
"closing text; events keep their kind and time but lose their text.\n"
"Quarantined mails holding their address are deleted.  The database file\n"
"is then rewritten so that nothing stays in free space.  Copies in the\n"
"IMAP folders are not touched: delete them from the mailbox.\n"
"\n"
"Refused while they are the referent of an open case (the cases are\n"
"named: hand them over first).  Running it again is harmless and says\n"
"that nothing is stored.\n"
"\n"
"Exit status: 0 done (or nothing to do), 1 refused or error, 2 bad usage\n"
"(also without --yes).\n";

int
cmd_forget(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	struct forget_counts n;
	char err[1024], scratch[256], email[PERSON_EMAIL_MAX], *refs = NULL;
	int64_t id = 0;
	int c, yes = 0, rc = EXIT_ERR, found;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'y')
			return cli_usage_error("forget", "unknown option");
		yes = 1;
	}
	if (optind + 1 != argc)
		return cli_usage_error("forget", "give one EMAIL");
	if (person_normalize_email(argv[optind], email, sizeof(email)) != 0)
		return cli_usage_error("forget", "'%s' is not an e-mail "
		    "address", argv[optind]);
	if (!yes)
		return cli_usage_error("forget", "this erases %s's personal "
		    "data for good; add --yes", email);
	if (store_open(cli->cfg->storage.database, &st, err,
	    sizeof(err)) != 0 ||
	    store_exec(st, "PRAGMA secure_delete = ON", err, sizeof(err)) != 0)
		goto fail;
	if ((found = person_find(st, email, &id, err, sizeof(err))) < 0 ||
	    store_begin(st, err, sizeof(err)) != 0)
		goto fail;
	found = forget_person(st, id, email, (long long)clock_now(), &n, &refs,
	    err, sizeof(err));
	if (found != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		if (found < 0)
			goto fail;
		fprintf(stderr, "%s: referent of open cases %s; hand them over "
		    "first (TRANSFERER or 'case assign')\n", email, refs);
		goto out;
	}
	if (store_commit(st, err, sizeof(err)) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
	if (forget_scrub_files(st, err, sizeof(err)) != 0)
		goto fail;
	if (id == 0 && n.received + n.sent + n.events + n.quarantine == 0)
		printf("%s: nothing stored (already forgotten, or never "
		    "known)\n", email);
	else {
		if (id != 0)
			printf("%s: forgotten, now forgotten-%lld@invalid",
			    email, (long long)id);
		else
			printf("%s: no such person, traces of the address "
			    "erased", email);
		printf("; mails blanked: %lld received, %lld sent; %lld events "
		    "cleaned; %lld cases emptied; %lld quarantined mails "
		    "deleted\n", n.received, n.sent, n.events, n.cases,
		    n.quarantine);
	}
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce forget: %s\n", err);
out:
	free(refs);
	store_close(st);
	return rc;
}
