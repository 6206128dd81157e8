/*
 * cmd_person_edit.c — `coupdepouce person edit EMAIL ...` and `person
 * deactivate EMAIL`: the administrator changing one known person; see
 * cmd_person.h and the help in cmd_person.c.
 *
 * Values are checked by the people file's own rules (people_entry_set),
 * so the command line accepts exactly what the file would, and the
 * fields go in through people_import() like an imported line, with the
 * same events.  What an import never does — taking a role away, setting
 * availability, deactivating — is done here through person_change.h and
 * person_deactivate(), each refused while the person is the referent of
 * an open case that nobody else would then follow.  One transaction per
 * command: a refusal changes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "cli/cmd_person.h"
#include "config/people_file.h"
#include "store/people_import.h"
#include "store/person_change.h"
#include "store/person_db.h"
#include "store/store.h"

/* What `edit` asks for besides the people file's columns. */
struct person_edit {
	struct people_entry	 e;
	int			 avail;		/* -1 keep, 0 unavailable,
						 * 1 available */
	long long		 until;		/* back on; 0: not given */
};

/* The refusal of a change that would leave open cases without their
 * referent: one stderr line, EXIT_ERR. */
static int
person_refuse_referent(const char *email, const char *refs)
{
	fprintf(stderr, "coupdepouce person: %s is referent of open cases "
	    "%s: hand them over first (coupdepouce case assign REF EMAIL)\n",
	    email, refs);
	return EXIT_ERR;
}

/* --until DATE: the start of that local day, in the future.  0 or -1
 * (usage error printed). */
static int
person_parse_until(const char *date, long long *until)
{
	char text[32], err[256];
	time_t t;

	if (strlen(date) != 10 || snprintf(text, sizeof(text), "%s 00:00",
	    date) >= (int)sizeof(text) || clock_parse_local(text, &t, err,
	    sizeof(err)) != 0) {
		cli_usage_error("person", "edit: --until: '%s' is not a date "
		    "YYYY-MM-DD", date);
		return -1;
	}
	if ((long long)t <= (long long)clock_now()) {
		cli_usage_error("person", "edit: --until: %s is not in the "
		    "future", date);
		return -1;
	}
	*until = (long long)t;
	return 0;
}

/* The options into `x`; EXIT_OK or EXIT_USAGE (said). */
static int
person_edit_options(int argc, char **argv, struct person_edit *x)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "themes", required_argument, NULL, 't' },
		{ "communes", required_argument, NULL, 'C' },
		{ "roles", required_argument, NULL, 'r' },
		{ "max-open", required_argument, NULL, 'm' },
		{ "available", no_argument, NULL, 'a' },
		{ "unavailable", no_argument, NULL, 'u' },
		{ "until", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct {
		int		 opt;
		const char	*column;
	} columns[] = {
		{ 'n', "name" }, { 't', "themes" }, { 'C', "communes" },
		{ 'r', "roles" }, { 'm', "max_open_cases" }
	};
	const char *until = NULL;
	char err[512];
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		size_t i;

		if (c == 'a' || c == 'u') {
			if (x->avail != -1 && x->avail != (c == 'a'))
				return cli_usage_error("person", "edit: "
				    "--available or --unavailable, not both");
			x->avail = c == 'a';
			continue;
		}
		if (c == 'U') {
			until = optarg;
			continue;
		}
		for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
			if (columns[i].opt == c)
				break;
		if (i == sizeof(columns) / sizeof(columns[0]))
			return cli_usage_error("person", "edit: unknown option");
		if (people_entry_set(&x->e, columns[i].column, optarg, err,
		    sizeof(err)) != 0)
			return cli_usage_error("person", "edit: %s", err);
	}
	if (optind + 1 != argc)
		return cli_usage_error("person", "edit takes one address");
	if (people_entry_set(&x->e, "email", argv[optind], err,
	    sizeof(err)) != 0)
		return cli_usage_error("person", "edit: %s", err);
	if (until && x->avail != 0)
		return cli_usage_error("person", "edit: --until goes with "
		    "--unavailable");
	if (until && person_parse_until(until, &x->until) != 0)
		return EXIT_USAGE;
	if (x->e.given == PEOPLE_EMAIL && x->avail == -1)
		return cli_usage_error("person", "edit: nothing to change");
	return EXIT_OK;
}

/* --roles: the pool roles the entry does not list are taken away,
 * referent refused while open cases need it.  EXIT_OK or EXIT_ERR. */
static int
person_edit_roles(struct store *st, const struct people_entry *e,
    int64_t id, long long now, int *changed)
{
	char err[512], *refs = NULL;
	int rc = EXIT_ERR, has, removed;

	for (unsigned r = 1; r <= PEOPLE_ROLE_LAST; r <<= 1) {
		const char *role = people_role_name(r);

		if (e->roles & r)
			continue;
		if ((has = person_has_role(st, id, role, err,
		    sizeof(err))) < 0)
			goto fail;
		if (!has)
			continue;
		if (r == PEOPLE_ROLE_REFERENT) {
			if (person_open_referent_cases(st, id, &refs, err,
			    sizeof(err)) != 0)
				goto fail;
			if (refs != NULL) {
				rc = person_refuse_referent(e->email, refs);
				goto out;
			}
		}
		if (person_remove_role(st, id, role, PERSON_BY_ADMIN, 0, now,
		    &removed, err, sizeof(err)) != 0)
			goto fail;
		*changed |= removed;
	}
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce person: %s\n", err);
out:
	free(refs);
	return rc;
}

/* The whole edit in the caller's transaction; EXIT_OK or EXIT_ERR
 * (said). */
static int
person_edit_apply(struct store *st, struct person_edit *x, int64_t id,
    int *changed)
{
	struct people_list l = { &x->e, 1 };
	struct people_sync_stats stats;
	long long now = (long long)clock_now();
	char err[512];
	int rc = EXIT_ERR, avail_changed = 0;

	memset(&stats, 0, sizeof(stats));
	if ((x->e.given & PEOPLE_ROLES) && person_edit_roles(st, &x->e, id,
	    now, changed) != EXIT_OK)
		goto out;
	if (people_import(st, &l, now, &stats, err, sizeof(err)) != 0 ||
	    (x->avail != -1 && person_set_availability(st, id, !x->avail,
	    x->until, PERSON_BY_ADMIN, 0, now, &avail_changed, err,
	    sizeof(err)) != 0)) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		goto out;
	}
	*changed |= stats.updated > 0 || avail_changed;
	rc = EXIT_OK;
out:
	people_sync_stats_free(&stats);
	return rc;
}

int
person_cmd_edit(struct cli *cli, int argc, char **argv)
{
	struct person_edit x;
	struct store *st = NULL;
	int64_t id;
	char err[512], e2[256];
	int rc, changed = 0;

	memset(&x, 0, sizeof(x));
	x.avail = -1;
	if ((rc = person_edit_options(argc, argv, &x)) != EXIT_OK)
		goto out;
	if ((rc = person_open(cli->cfg, &st)) != EXIT_OK)
		goto out;
	if (store_begin(st, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		rc = EXIT_ERR;
		goto out;
	}
	if ((rc = person_must_find(st, x.e.email, &id)) != EXIT_OK ||
	    (rc = person_edit_apply(st, &x, id, &changed)) != EXIT_OK) {
		store_rollback(st, e2, sizeof(e2));
		goto out;
	}
	if (store_commit(st, err, sizeof(err)) != 0) {
		store_rollback(st, e2, sizeof(e2));
		fprintf(stderr, "coupdepouce person: %s\n", err);
		rc = EXIT_ERR;
		goto out;
	}
	printf("%s %s\n", x.e.email, changed ? "updated" : "unchanged");
out:
	store_close(st);
	people_entry_clear(&x.e);
	return rc;
}

int
person_cmd_deactivate(struct cli *cli, int argc, char **argv)
{
	struct store *st = NULL;
	char email[PERSON_EMAIL_MAX], err[512], e2[256], *refs = NULL;
	int64_t id, active = 0;
	int rc = EXIT_ERR, got;

	if (argc != 2)
		return cli_usage_error("person", "deactivate takes one "
		    "address");
	if (person_normalize_email(argv[1], email, sizeof(email)) != 0)
		return cli_usage_error("person", "deactivate: '%s' is not a "
		    "mail address", argv[1]);
	if (person_open(cli->cfg, &st) != EXIT_OK)
		return EXIT_ERR;
	if (store_begin(st, err, sizeof(err)) != 0)
		goto fail;
	if (person_must_find(st, email, &id) != EXIT_OK)
		goto out;
	if (store_get_int64(st, &active, "reading the person", "SELECT active "
	    "FROM persons WHERE id = ?1", STORE_ARGS(STORE_INT(id)), err,
	    sizeof(err)) < 0 || (got = person_deactivate(st, id,
	    PERSON_BY_ADMIN, 0, 0, (long long)clock_now(), &refs, err,
	    sizeof(err))) < 0)
		goto fail;
	if (got == 1) {
		person_refuse_referent(email, refs);
		goto out;
	}
	if (store_commit(st, err, sizeof(err)) != 0)
		goto fail;
	printf("%s %s\n", email, active ? "deactivated" : "already inactive");
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce person: %s\n", err);
out:
	if (rc != EXIT_OK)
		store_rollback(st, e2, sizeof(e2));
	free(refs);
	store_close(st);
	return rc;
}
