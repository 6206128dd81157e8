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
 * file is rewritten and the log emptied after the commit.  A person the
 * people file or [network] coordinators lists is refused: the daemon would
 * bring them back at its next reading of the file.  The copies of the
 * erased mails in the mailbox go in the same run (forget_mailbox.c),
 * before the commit, unless --database-only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "config/config.h"
#include "config/people_file.h"
#include "cli/forget_mailbox.h"
#include "store/forget_db.h"
#include "store/person_db.h"
#include "store/store.h"

const char cmd_forget_help[] =
"usage: coupdepouce [-c FILE] forget EMAIL --yes [--database-only]\n"
"\n"
"Erases the personal data of the person with address EMAIL (RGPD right\n"
"to erasure): their address becomes forgotten-ID@invalid and their name,\n"
"skills, communes, roles and testimonies go; the mails they sent, the\n"
"mails sent to them and every stored mail of the cases they carried or\n"
"naming them are blanked; those cases keep their state, kind, themes,\n"
"commune and dates (statistics) but lose their subject, roadmap and\n"
"closing text; events keep their kind and time but lose their text.\n"
"Quarantined mails holding their address are deleted.  The database file\n"
"is then rewritten so that nothing stays in free space.\n"
"\n"
"The copies of those mails in the [imap] mailbox (inbox, processed,\n"
"quarantine and sent folders) are deleted too, found by Message-ID,\n"
"before the database is changed: when the server cannot be reached,\n"
"nothing is erased; run it again later.  --database-only erases the\n"
"database alone and leaves the mailbox to you.\n"
"\n"
"Refused while they are the referent of an open case (the cases are\n"
"named: hand them over first), and while the people file or [network]\n"
"coordinators lists them (remove them there first).  Running it again\n"
"is harmless and says that nothing is stored.\n"
"\n"
"Exit status: 0 done (or nothing to do), 1 refused or error, 2 bad usage\n"
"(also without --yes).\n";

/* 1 (with the one line to print in err) when the configuration or the
 * people file lists `email`, 0 if not, -1 when the file cannot be read. */
static int
forget_listed(const struct config *cfg, const char *email, char *err,
    size_t errlen)
{
	struct people_list people = { NULL, 0 };
	int rc = 0;

	for (size_t i = 0; i < cfg->network.coordinators.n; i++)
		if (strcasecmp(cfg->network.coordinators.items[i], email) == 0) {
			snprintf(err, errlen, "%s: listed in [network] "
			    "coordinators of %s; remove them there first",
			    email, cfg->path);
			return 1;
		}
	if (people_read(cfg->paths.people, &people, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < people.n && rc == 0; i++)
		if (strcmp(people.items[i].email, email) == 0) {
			snprintf(err, errlen, "%s: listed in %s line %d; remove "
			    "the line first (the daemon would add them back)",
			    email, cfg->paths.people, people.items[i].line);
			rc = 1;
		}
	people_list_free(&people);
	return rc;
}

/* The mailbox half's line: how many copies went from which folder. */
static void
forget_print_mailbox(const char *email, const struct forget_mailbox_counts
    *box, int db_only)
{
	long long total = 0;
	const char *sep = " (";

	if (db_only) {
		printf("%s: the copies in the mailbox are left as they are "
		    "(--database-only)\n", email);
		return;
	}
	for (size_t f = 0; f < FORGET_FOLDERS; f++)
		total += box->deleted[f];
	printf("%s: %lld copies deleted from the mailbox", email, total);
	for (size_t f = 0; f < FORGET_FOLDERS; f++)
		if (box->deleted[f] > 0) {
			printf("%s%s %lld", sep, box->folder[f],
			    box->deleted[f]);
			sep = ", ";
		}
	printf("%s\n", total > 0 ? ")" : "");
}

int
cmd_forget(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "database-only", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	struct forget_counts n;
	struct forget_mailbox_counts box;
	char err[1024], scratch[256], email[PERSON_EMAIL_MAX], *refs = NULL;
	char **ids = NULL;
	size_t nids = 0;
	int64_t id = 0;
	int c, yes = 0, db_only = 0, rc = EXIT_ERR, found;

	memset(&box, 0, sizeof(box));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'y')
			yes = 1;
		else if (c == 'd')
			db_only = 1;
		else
			return cli_usage_error("forget", "unknown option");
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
	if (found == 1)
		snprintf(err, sizeof(err), "%s: referent of open cases %s; hand "
		    "them over first (TRANSFERER or 'case assign')", email, refs);
	else if (found == 0)
		found = forget_listed(cli->cfg, email, err, sizeof(err));
	if (found == 0)
		found = forget_copies(st, &ids, &nids, err, sizeof(err));
	if (found == 0 && !db_only && forget_mailbox(cli->cfg, ids, nids, &box,
	    err, sizeof(err)) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		fprintf(stderr, "coupdepouce forget: %s\nNothing was erased; run "
		    "it again when the mail server answers, or add "
		    "--database-only and delete the copies from the mailbox "
		    "yourself.\n", err);
		goto out;
	}
	if (found != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		if (found < 0)
			goto fail;
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (store_commit(st, err, sizeof(err)) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
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
		forget_print_mailbox(email, &box, db_only);
	}
	fflush(stdout);
	/* The erasure is committed and said; what is left is the file. */
	if (forget_scrub_files(st, err, sizeof(err)) != 0)
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce forget: %s\n", err);
out:
	forget_copies_free(ids, nids);
	free(refs);
	store_close(st);
	return rc;
}
