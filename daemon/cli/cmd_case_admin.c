/*
 * cmd_case_admin.c — `coupdepouce case assign | note | close`: the
 * administrator changes a case (DESIGN.md §6); the help is cmd_case.c's.
 *
 * The work is casework/admin.h's, which runs the mail commands' effects;
 * this file parses the arguments and wraps the action in one write
 * transaction, so that the change and the mails it queues commit
 * together (or not at all).  Nothing is sent from here: the daemon's
 * next cycle sends what was queued, so the command works the same when
 * the mail server is down.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "casework/admin.h"
#include "casework/casework.h"
#include "cli/cli.h"
#include "config/config.h"
#include "out/mailer.h"
#include "store/case_db.h"
#include "store/store.h"

/* One action: its name, its arguments after REF (min, max), and what it
 * prints when done. */
struct case_action {
	const char	*name;
	int		 min_args, max_args;
	const char	*done;
};

static const struct case_action actions[] = {
	{ "assign", 1, 1, "assigned to" },
	{ "note", 1, 1, "note added" },
	{ "close", 0, 1, "closed" },
};

static int
case_admin_run(struct casework *cw, const struct case_action *a,
    const char *ref, const char *arg, char *err, size_t errlen)
{
	char scratch[256];
	int rc;

	if (store_begin(cw->st, err, errlen) != 0)
		return -1;
	if (strcmp(a->name, "assign") == 0)
		rc = admin_assign(cw, ref, arg, err, errlen);
	else if (strcmp(a->name, "note") == 0)
		rc = admin_note(cw, ref, arg, err, errlen);
	else
		rc = admin_close(cw, ref, arg, err, errlen);
	if (rc == 0 && store_commit(cw->st, err, errlen) != 0)
		rc = -1;
	if (rc != 0)
		store_rollback(cw->st, scratch, sizeof(scratch));
	return rc;
}

int
cmd_case_admin(struct cli *cli, int argc, char **argv)
{
	const struct config *cfg = cli->cfg;
	const struct case_action *a = NULL;
	struct mailer *mailer = NULL;
	struct store *st = NULL;
	char ref[CASE_REF_MAX + 8], err[2048];
	const char *arg;
	int rc = EXIT_ERR, nargs;

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(argv[0], actions[i].name) == 0)
			a = &actions[i];
	if (a == NULL)
		return cli_usage_error("case", "unknown subcommand '%s'",
		    argv[0]);
	nargs = argc - 2;
	if (argc >= 2 && argv[1][0] == '-')
		return cli_usage_error("case", "%s: unknown option '%s'",
		    a->name, argv[1]);
	if (argc < 2 || nargs < a->min_args || nargs > a->max_args)
		return cli_usage_error("case", "%s: REF%s expected", a->name,
		    strcmp(a->name, "assign") == 0 ? " EMAIL" :
		    strcmp(a->name, "note") == 0 ? " TEXT (quoted)" :
		    " [REASON] (quoted)");
	if (strlen(argv[1]) >= sizeof(ref))
		return cli_usage_error("case", "'%s' is not a case reference",
		    argv[1]);
	for (size_t i = 0; argv[1][i]; i++)
		ref[i] = (char)toupper((unsigned char)argv[1][i]);
	ref[strlen(argv[1])] = '\0';
	arg = nargs > 0 ? argv[2] : NULL;
	if (strcmp(a->name, "note") == 0 && arg[strspn(arg, " \t\n")] == '\0')
		return cli_usage_error("case", "note: the text is empty");
	if (cli_open_store(cfg, "case", &st) != 0)
		return EXIT_ERR;
	if (mailer_open(cfg, &mailer, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce case: %s\n", err);
		goto out;
	}
	{
		struct casework cw = { cfg, mailer, NULL, st,
		    (long long)clock_now() };

		switch (case_admin_run(&cw, a, ref, arg, err, sizeof(err))) {
		case 0:
			printf("%s: %s%s%s\n", ref, a->done,
			    strcmp(a->name, "assign") == 0 ? " " : "",
			    strcmp(a->name, "assign") == 0 ? arg : "");
			rc = EXIT_OK;
			break;
		default:
			fprintf(stderr, "coupdepouce case %s: %s\n", a->name,
			    err);
			break;
		}
	}
out:
	mailer_close(mailer);
	store_close(st);
	return rc;
}
