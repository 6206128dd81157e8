/*
 * cmd_person.c — `coupdepouce person`: the people of the network as the
 * daemon sees them (DESIGN.md §6).  This file holds the help, the
 * dispatch to the other cmd_person_*.c files (cmd_person.h), `add` and
 * `list`.
 *
 * The database is the pool's one truth; the people file ([paths] people)
 * is an import format.  `list` first syncs the people file when its
 * content changed, as the daemon does at each pass, so that it shows what
 * routing will use and a bad file is reported here rather than
 * discovered in the journal.  The database is created when missing, as
 * by the daemon, so people can be entered before the first run (run it
 * as the daemon's user then).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "cli/cmd_person.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "config/people_file.h"
#include "store/people_import.h"
#include "store/person_db.h"
#include "store/store.h"
#include "store/case_db.h"

const char cmd_person_help[] =
"usage: coupdepouce [-c FILE] person add EMAIL [--name NAME] [--role R]...\n"
"           [--themes 'T;T'] [--communes 'C;C'] [--max-open N]\n"
"           [--inactive | --active]\n"
"       coupdepouce [-c FILE] person edit EMAIL [--name NAME] [--themes 'T;T']\n"
"           [--communes 'C;C'] [--roles 'R;R'] [--max-open N]\n"
"           [--available | --unavailable [--until DATE]]\n"
"       coupdepouce [-c FILE] person deactivate EMAIL\n"
"       coupdepouce [-c FILE] person list [--role R] [--json]\n"
"       coupdepouce [-c FILE] person import FILE.csv [--prune [--yes]]\n"
"       coupdepouce [-c FILE] person export [FILE.csv]\n"
"\n"
"The people of the network: referents, volunteers, coordinators (and the\n"
"holders who wrote in).  The database is the one truth about them; the\n"
"people file ([paths] people, config/people.csv) is an import format: when\n"
"its content changes, the daemon (and list) adds and updates what its new\n"
"or changed lines say, and never removes a role nor deactivates someone\n"
"because a line is gone (it logs what differs; `coupdepouce check` lists\n"
"it).  Every change is recorded as an event with who made it (admin,\n"
"file, mail).\n"
"\n"
"  add EMAIL       create or update one person; only the options given are\n"
"                  changed\n"
"    --name NAME   display name\n"
"    --role R      referent, volunteer or coordinator (may be repeated;\n"
"                  added to the roles the person has)\n"
"    --themes L    theme identifiers separated by ';' (energie;habitat)\n"
"    --communes L  commune names separated by ';'\n"
"    --max-open N  open cases a referent takes at most (default: config)\n"
"    --inactive    routed nothing new (refused while referent of an open\n"
"                  case); --active undoes it\n"
"  edit EMAIL      change a known person; only the options given change.\n"
"                  Prints \"EMAIL updated\" or \"EMAIL unchanged\"\n"
"    --name, --themes, --communes, --max-open   as for add (--max-open ''\n"
"                  goes back to the default)\n"
"    --roles L     the pool roles, replacing them all ('' for none);\n"
"                  removing referent is refused while referent of an\n"
"                  open case\n"
"    --available   available for new cases again\n"
"    --unavailable routed and invited nothing new, until --available or,\n"
"                  with --until DATE (YYYY-MM-DD, local), until that day\n"
"  deactivate EMAIL  routed and invited nothing new, roles and history\n"
"                  kept; refused while referent of an open case (hand it\n"
"                  over with `case assign` first)\n"
"  list            everyone, by address: roles with where they come from\n"
"                  (file or db), themes, communes, max open cases, active,\n"
"                  availability, open cases as referent, failing address\n"
"                  (bounces).  The people file is synced first when it\n"
"                  changed; exit 1 if it is bad\n"
"    --role R      only people with role R (holder, referent, volunteer,\n"
"                  coordinator)\n"
"    --json        one JSON array; keys: email, name, roles (list of\n"
"                  {role, source}), themes, communes, max_open_cases (null:\n"
"                  default), active (1/0), unavailable (1/0),\n"
"                  unavailable_until (null or ISO 8601), open_cases,\n"
"                  failing (1/0), failing_since, last_bounce_status\n"
"  import FILE     add or update everyone in FILE (the people file's CSV\n"
"                  format, see its header; what export writes); nothing is\n"
"                  removed.  Prints \"N added, N updated, N deactivated\"\n"
"    --prune       also deactivate the people with a pool role who are\n"
"                  active in the database but not in FILE: lists them and\n"
"                  changes nothing (no import either) unless --yes is\n"
"                  given.  Pruning only deactivates: roles, themes and\n"
"                  history stay, so `person edit EMAIL --roles` or\n"
"                  `add --active` brings someone back.  Referents of open\n"
"                  cases are not deactivated (exit 1, named on stderr)\n"
"  export [FILE]   everyone with a pool role, by address, in the people\n"
"                  file's format (header email,name,roles,themes,communes,\n"
"                  max_open_cases,active), to FILE or stdout ('-' or no\n"
"                  FILE); availability is not part of the format\n"
"\n"
"Exit status: 0 success, 1 error (bad file: file:line: column: problem;\n"
"unknown person; refused deactivation), 2 bad usage.\n";

/* Separator of the lists the SQL below hands over (group_concat): a
 * control character no name contains. */
#define PERSON_SEP	'\x1f'

static int
person_cmd_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "themes", required_argument, NULL, 't' },
		{ "communes", required_argument, NULL, 'C' },
		{ "max-open", required_argument, NULL, 'm' },
		{ "inactive", no_argument, NULL, 'i' },
		{ "active", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	/* Option letter -> people file column, set in this order. */
	static const struct {
		int		 opt;
		const char	*column;
	} fields[] = {
		{ 'n', "name" }, { 't', "themes" }, { 'C', "communes" },
		{ 'm', "max_open_cases" }, { 'a', "active" }
	};
	const char *values[sizeof(fields) / sizeof(fields[0])] = { NULL };
	struct people_entry e;
	struct people_list l = { &e, 1 };
	struct people_sync_stats stats;
	struct buf roles;
	char err[512];
	int c, rc = EXIT_USAGE;

	memset(&e, 0, sizeof(e));
	memset(&stats, 0, sizeof(stats));
	buf_init(&roles, 0);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		size_t i;

		if (c == 'r') {
			buf_printf(&roles, "%s%s", roles.len ? ";" : "",
			    optarg);
			continue;
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (fields[i].opt == (c == 'i' ? 'a' : c))
				break;
		if (i == sizeof(fields) / sizeof(fields[0])) {
			rc = cli_usage_error("person", "add: unknown option");
			goto out;
		}
		values[i] = c == 'i' ? "0" : c == 'a' ? "1" : optarg;
	}
	if (optind + 1 != argc) {
		rc = cli_usage_error("person", "add takes one address");
		goto out;
	}
	if (people_entry_set(&e, "email", argv[optind], err,
	    sizeof(err)) != 0 || (roles.len && people_entry_set(&e, "roles",
	    buf_str(&roles), err, sizeof(err)) != 0)) {
		rc = cli_usage_error("person", "add: %s", err);
		goto out;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (values[i] && people_entry_set(&e, fields[i].column,
		    values[i], err, sizeof(err)) != 0) {
			rc = cli_usage_error("person", "add: %s", err);
			goto out;
		}
	if ((rc = person_import_list(cli->cfg, &l, &stats)) != EXIT_OK)
		goto out;
	printf("%s %s\n", e.email, stats.added ? "added" : stats.updated ?
	    "updated" : "unchanged");
	rc = person_report_refused(&stats);
out:
	people_sync_stats_free(&stats);
	people_entry_clear(&e);
	buf_free(&roles);
	return rc;
}

/* Calls fn on each item of a PERSON_SEP-separated list (NULL: none). */
static void
person_each(const char *list, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char *p = list, *sep;

	if (list == NULL)
		return;
	for (;;) {
		sep = strchr(p, PERSON_SEP);
		fn(arg, p, sep ? (size_t)(sep - p) : strlen(p));
		if (sep == NULL)
			break;
		p = sep + 1;
	}
}

static void
person_push_string(void *arg, const char *s, size_t len)
{
	char *item = xstrndup(s, len);

	json_out_push(arg, json_out_string(item));
	free(item);
}

/* "referent:file" -> {"role": "referent", "source": "file"} */
static void
person_push_role(void *arg, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	struct json_out *o = json_out_object();
	char *role = xstrndup(s, colon ? (size_t)(colon - s) : len);

	char *source = colon ? xstrndup(colon + 1, len - (size_t)(colon + 1 -
	    s)) : xstrdup("db");

	json_out_set_string(o, "role", role);
	json_out_set_string(o, "source", source);
	json_out_push(arg, o);
	free(role);
	free(source);
}

struct person_text {
	struct buf	 b;
	const char	*sep;
};

/* "referent:file" -> "referent(file)"; other items as they are. */
static void
person_add_text(void *arg, const char *s, size_t len)
{
	struct person_text *t = arg;
	const char *colon = memchr(s, ':', len);

	if (t->b.len)
		buf_adds(&t->b, t->sep);
	if (colon)
		buf_printf(&t->b, "%.*s(%.*s)", (int)(colon - s), s,
		    (int)(len - (size_t)(colon + 1 - s)), colon + 1);
	else
		buf_add(&t->b, s, len);
}

/* The list as text, items joined by `sep`, "-" when empty; new string. */
static char *
person_list_text(const char *list, const char *sep)
{
	struct person_text t;

	buf_init(&t.b, 0);
	t.sep = sep;
	person_each(list, person_add_text, &t);
	if (t.b.len == 0)
		buf_adds(&t.b, "-");
	return buf_steal(&t.b);
}

enum {
	COL_EMAIL, COL_NAME, COL_ROLES, COL_THEMES, COL_COMMUNES, COL_MAX,
	COL_ACTIVE, COL_OPEN, COL_FAILING, COL_BOUNCE, COL_UNAVAILABLE,
	COL_UNTIL
};

static void
person_row_json(struct json_out *arr, struct store_stmt *s)
{
	struct json_out *o = json_out_object(), *a;

	json_out_set_string(o, "email", store_col_text(s, COL_EMAIL));
	json_out_set_string(o, "name", store_col_text(s, COL_NAME));
	a = json_out_array();
	person_each(store_col_text(s, COL_ROLES), person_push_role, a);
	json_out_set(o, "roles", a);
	a = json_out_array();
	person_each(store_col_text(s, COL_THEMES), person_push_string, a);
	json_out_set(o, "themes", a);
	a = json_out_array();
	person_each(store_col_text(s, COL_COMMUNES), person_push_string, a);
	json_out_set(o, "communes", a);
	if (store_col_is_null(s, COL_MAX))
		json_out_set_null(o, "max_open_cases");
	else
		json_out_set_int(o, "max_open_cases", store_col_int64(s,
		    COL_MAX));
	json_out_set_int(o, "active", store_col_int64(s, COL_ACTIVE));
	json_out_set_int(o, "unavailable", store_col_int64(s,
	    COL_UNAVAILABLE));
	cli_json_set_time(o, "unavailable_until", s, COL_UNTIL);
	json_out_set_int(o, "open_cases", store_col_int64(s, COL_OPEN));
	json_out_set_int(o, "failing", !store_col_is_null(s, COL_FAILING));
	cli_json_set_time(o, "failing_since", s, COL_FAILING);
	json_out_set_string(o, "last_bounce_status", store_col_text(s,
	    COL_BOUNCE));
	json_out_push(arr, o);
}

/* Columns of `person list`: email, name, roles, themes, communes, max,
 * active, available, open, failing. */
static const int person_cols[] = { 30, 22, 32, 24, 28, -4, 6, 10, -4, 0 };
enum { PERSON_NCOLS = sizeof(person_cols) / sizeof(person_cols[0]) };

/* "yes", "no" (until made available) or the day they are back. */
static void
person_available_text(struct store_stmt *s, char *out, size_t outlen)
{
	long long until = store_col_int64(s, COL_UNTIL);
	struct tm tm;
	time_t t = (time_t)until;

	if (!store_col_int64(s, COL_UNAVAILABLE) || (!store_col_is_null(s,
	    COL_UNTIL) && until <= (long long)clock_now()))
		snprintf(out, outlen, "yes");
	else if (store_col_is_null(s, COL_UNTIL))
		snprintf(out, outlen, "no");
	else if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "no");
}

static void
person_row_text(struct store_stmt *s)
{
	/* Roles by ", "; themes and communes by ';', as in the file. */
	char *roles = person_list_text(store_col_text(s, COL_ROLES), ", ");
	char *themes = person_list_text(store_col_text(s, COL_THEMES), ";");
	char *communes = person_list_text(store_col_text(s, COL_COMMUNES),
	    ";");
	const char *name = store_col_text(s, COL_NAME);
	char max[24], open[24], avail[24];

	if (store_col_is_null(s, COL_MAX))
		snprintf(max, sizeof(max), "-");
	else
		snprintf(max, sizeof(max), "%lld",
		    (long long)store_col_int64(s, COL_MAX));
	snprintf(open, sizeof(open), "%lld",
	    (long long)store_col_int64(s, COL_OPEN));
	person_available_text(s, avail, sizeof(avail));
	const char *cell[PERSON_NCOLS] = { store_col_text(s, COL_EMAIL),
	    *name ? name : "-", roles, themes, communes, max,
	    store_col_int64(s, COL_ACTIVE) ? "yes" : "no", avail, open,
	    store_col_is_null(s, COL_FAILING) ? "no" : "yes" };

	cli_row(stdout, person_cols, cell, PERSON_NCOLS);
	free(roles);
	free(themes);
	free(communes);
}

static int
person_list(struct store *st, const char *role, int json)
{
	struct json_out *arr = json ? json_out_array() : NULL;
	struct store_stmt *s;
	char err[512];
	int step, rows = 0, rc = EXIT_ERR;

	s = store_query(st, "SELECT p.email, p.name, "
	    "(SELECT group_concat(role || ':' || source, char(31)) FROM "
	    "(SELECT role, source FROM person_roles WHERE person_id = p.id "
	    "ORDER BY role)), "
	    "(SELECT group_concat(value, char(31)) FROM json_each(p.themes)), "
	    "(SELECT group_concat(value, char(31)) FROM "
	    "json_each(p.communes)), p.max_open_cases, p.active, "
	    "(SELECT count(*) FROM cases c WHERE c.referent_id = p.id AND "
	    CASE_SQL_OPEN("c.state") "), "
	    "p.failing_since, p.last_bounce_status, p.unavailable, "
	    "p.unavailable_until FROM persons p WHERE p.forgotten_at IS NULL AND (?1 IS NULL OR "
	    "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id "
	    "AND r.role = ?1)) ORDER BY p.email", STORE_ARGS(STORE_TEXT(role)),
	    err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		goto out;
	}
	while ((step = store_step(s)) == STORE_ROW) {
		if (json)
			person_row_json(arr, s);
		else {
			static const char *const head[PERSON_NCOLS] = {
				"EMAIL", "NAME", "ROLES", "THEMES", "COMMUNES",
				"MAX", "ACTIVE", "AVAILABLE", "OPEN", "FAILING"
			};

			if (rows == 0)
				cli_row(stdout, person_cols, head, PERSON_NCOLS);
			person_row_text(s);
		}
		rows++;
	}
	if (step < 0) {
		fprintf(stderr, "coupdepouce person: listing: %s\n",
		    store_errmsg(st));
		goto out;
	}
	if (json)
		json_out_print(arr);
	else if (rows == 0)
		printf("nobody%s%s\n", role ? " with role " : "",
		    role ? role : "");
	rc = EXIT_OK;
out:
	store_finalize(s);
	json_out_free(arr);
	return rc;
}

static int
person_cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct people_watch w = { 0, 0, 0 };
	struct store *st = NULL;
	const char *role = NULL;
	char err[8192];
	int c, json = 0, rc = EXIT_ERR;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else if (c == 'r')
			role = optarg;
		else
			return cli_usage_error("person", "list: unknown "
			    "option");
	}
	if (optind < argc)
		return cli_usage_error("person", "list: unexpected argument "
		    "'%s'", argv[optind]);
	if (role && strcmp(role, "holder") && strcmp(role, "referent") &&
	    strcmp(role, "volunteer") && strcmp(role, "coordinator"))
		return cli_usage_error("person", "list: --role must be holder, "
		    "referent, volunteer or coordinator, not '%s'", role);
	if (person_open(cli->cfg, &st) != 0)
		return EXIT_ERR;
	if (people_reload_if_changed(st, cli->cfg->paths.people, &w,
	    (long long)clock_now(), err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	rc = person_list(st, role, json);
out:
	store_close(st);
	return rc;
}

int
cmd_person(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*run)(struct cli *, int, char **);
	} actions[] = {
		{ "add", person_cmd_add }, { "edit", person_cmd_edit },
		{ "deactivate", person_cmd_deactivate },
		{ "list", person_cmd_list }, { "import", person_cmd_import },
		{ "export", person_cmd_export }
	};

	if (argc < 2)
		return cli_usage_error("person", "add, edit, deactivate, list, "
		    "import or export expected");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(argv[1], actions[i].name) == 0)
			return actions[i].run(cli, argc - 1, argv + 1);
	return cli_usage_error("person", "unknown action '%s' (add, edit, "
	    "deactivate, list, import or export)", argv[1]);
}
