/*
 * cmd_person_import.c — `coupdepouce person import FILE.csv [--prune
 * [--yes]]`: a people file brought into the database by the
 * administrator; see cmd_person.h and the help in cmd_person.c.
 *
 * An import only adds and updates, like the daemon's sync of the people
 * file.  Taking people out of the pool is a separate, explicit step:
 * --prune shows who is in the database and not in FILE, and only --yes
 * acts on it, by deactivating (never by removing roles), so that a file
 * missing a few lines cannot silently empty the pool and a mistaken
 * prune is undone with `person add EMAIL --active`.  Import and prune
 * are one transaction.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/clock.h"
#include "cli/cli.h"
#include "cli/cmd_person.h"
#include "config/config.h"
#include "config/people_file.h"
#include "store/people_diff.h"
#include "store/people_import.h"
#include "store/person_db.h"
#include "store/store.h"

/* Lists who --prune would deactivate; changes nothing. */
static int
person_prune_preview(struct store *st, const struct people_list *l,
    const char *path)
{
	struct people_diffs d;
	char err[1024];
	size_t n = 0;

	if (people_diff(st, l, &d, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		people_diffs_free(&d);
		return EXIT_ERR;
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].kind == PEOPLE_DIFF_ABSENT) {
			printf("would deactivate %s (%s)\n", d.items[i].email,
			    d.items[i].what);
			n++;
		}
	if (n)
		printf("%zu to deactivate; nothing changed: add --yes to "
		    "import %s and deactivate them\n", n, path);
	else
		printf("nobody to deactivate; nothing changed\n");
	people_diffs_free(&d);
	return EXIT_OK;
}

/* Deactivates the active people with a pool role that `l` does not
 * list, each named on stdout; refusals go into stats.  0 or -1. */
static int
person_prune(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	struct people_diffs d;
	char *refs = NULL;
	int rc = -1, got;

	if (people_diff(st, l, &d, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < d.n; i++) {
		const struct people_diff *x = &d.items[i];

		if (x->kind != PEOPLE_DIFF_ABSENT)
			continue;
		got = person_deactivate(st, x->id, PERSON_BY_ADMIN, 0, 0, now,
		    &refs, err, errlen);
		if (got < 0)
			goto out;
		if (got == 1)
			buf_printf(&stats->refused_text, "%s%s (%s)",
			    stats->refused++ ? "; " : "", x->email, refs);
		else {
			printf("deactivated %s (%s)\n", x->email, x->what);
			stats->deactivated++;
		}
		free(refs);
		refs = NULL;
	}
	rc = 0;
out:
	people_diffs_free(&d);
	return rc;
}

/* Import, then prune when asked, in one transaction. */
static int
person_import_prune(struct store *st, const struct people_list *l,
    int prune, struct people_sync_stats *stats)
{
	long long now = (long long)clock_now();
	char err[1024], e2[256];

	if (store_begin(st, err, sizeof(err)) != 0 ||
	    people_import(st, l, now, stats, err, sizeof(err)) != 0 ||
	    (prune && person_prune(st, l, now, stats, err,
	    sizeof(err)) != 0) || store_commit(st, err, sizeof(err)) != 0) {
		store_rollback(st, e2, sizeof(e2));
		fprintf(stderr, "coupdepouce person: %s\n", err);
		return EXIT_ERR;
	}
	printf("%zu added, %zu updated, %zu deactivated\n", stats->added,
	    stats->updated, stats->deactivated);
	return person_report_refused(stats);
}

int
person_cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prune", no_argument, NULL, 'p' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct people_list l = { NULL, 0 };
	struct people_sync_stats stats;
	struct store *st = NULL;
	struct stat sb;
	char err[8192];
	int c, prune = 0, yes = 0, rc = EXIT_ERR;

	memset(&stats, 0, sizeof(stats));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			prune = 1;
		else if (c == 'y')
			yes = 1;
		else
			return cli_usage_error("person", "import: unknown "
			    "option");
	}
	if (optind + 1 != argc)
		return cli_usage_error("person", "import takes one CSV file");
	if (yes && !prune)
		return cli_usage_error("person", "import: --yes goes with "
		    "--prune");
	/* people_read takes a missing file for an empty one (the people
	 * file of a fresh install); a file named here must exist. */
	if (stat(argv[optind], &sb) != 0) {
		fprintf(stderr, "coupdepouce person: %s: %s\n", argv[optind],
		    strerror(errno));
		return EXIT_ERR;
	}
	if (people_read(argv[optind], &l, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_ERR;
	}
	if (person_open(cli->cfg, &st) != 0)
		goto out;
	if (prune && !yes)
		rc = person_prune_preview(st, &l, argv[optind]);
	else
		rc = person_import_prune(st, &l, prune, &stats);
out:
	store_close(st);
	people_sync_stats_free(&stats);
	people_list_free(&l);
	return rc;
}
