/*
 * person_open.c — what the `coupdepouce person` subcommands share (see
 * cmd_person.h): opening the database, an import in one transaction,
 * and the one-line reports of an unknown person and of a refused
 * deactivation.
 *
 * Apart from cmd_person.c, which dispatches to the other cmd_person_*.c
 * files, so that they depend on these helpers and nothing depends back
 * on the dispatcher.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "cli/cli.h"
#include "cli/cmd_person.h"
#include "config/config.h"
#include "store/people_import.h"
#include "store/person_db.h"
#include "store/store.h"

int
person_open(const struct config *cfg, struct store **st)
{
	char err[1024];

	if (store_open(cfg->storage.database, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

int
person_import_list(const struct config *cfg, const struct people_list *l,
    struct people_sync_stats *stats)
{
	struct store *st = NULL;
	char err[1024], e2[256];
	int rc = EXIT_ERR;

	if (person_open(cfg, &st) != 0)
		return EXIT_ERR;
	if (store_begin(st, err, sizeof(err)) != 0 ||
	    people_import(st, l, (long long)clock_now(), stats, err,
	    sizeof(err)) != 0 || store_commit(st, err, sizeof(err)) != 0) {
		store_rollback(st, e2, sizeof(e2));
		fprintf(stderr, "coupdepouce person: %s\n", err);
	} else
		rc = EXIT_OK;
	store_close(st);
	return rc;
}

int
person_report_refused(const struct people_sync_stats *stats)
{
	if (stats->refused == 0)
		return EXIT_OK;
	fprintf(stderr, "coupdepouce person: not deactivated, referent of "
	    "open cases (hand them over with `case assign` first): %s\n",
	    buf_str(&stats->refused_text));
	return EXIT_ERR;
}

int
person_must_find(struct store *st, const char *email, int64_t *id)
{
	char err[512];
	int found;

	if ((found = person_find(st, email, id, err, sizeof(err))) < 0)
		fprintf(stderr, "coupdepouce person: %s\n", err);
	else if (found == 0)
		fprintf(stderr, "coupdepouce person: %s: no such person\n",
		    email);
	return found == 1 ? EXIT_OK : EXIT_ERR;
}
