/*
 * cmd_case.c — `coupdepouce case list | case show REF`: the cases as
 * coordinators see them (DESIGN.md §6).
 *
 * `show` gives the whole timeline: every event with its actor, the mail
 * that caused it (sender, subject, new text), and the mails sent for the
 * case.  --json prints the same as one object (json_out.h); times are
 * ISO 8601 with offset, like the other --json outputs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/json_out.h"
#include "parse/rules.h"
#include "store/person_db.h"
#include "store/store.h"
#include "store/case_db.h"

/* What `case list` keeps (NULL: any); all must hold. */
struct case_filter {
	const char	*state;
	const char	*theme;
	const char	*referent;	/* normalized address */
	const char	*commune;
};

const char cmd_case_help[] =
"usage: coupdepouce [-c FILE] case list [--state S] [--theme T] [--referent EMAIL]\n"
"                                        [--commune C] [--json]\n"
"       coupdepouce [-c FILE] case show REF [--json]\n"
"       coupdepouce [-c FILE] [--now TIME] case assign REF EMAIL\n"
"       coupdepouce [-c FILE] [--now TIME] case note REF TEXT\n"
"       coupdepouce [-c FILE] [--now TIME] case close REF [REASON]\n"
"\n"
"The support cases.\n"
"\n"
"  list            every case, newest first: reference, state, kind,\n"
"                  holder, referent, commune, subject; the filters\n"
"                  below combine (all must hold)\n"
"    --state S     only cases in state S (new, analysis, ineligible,\n"
"                  forming, meeting, active, closed, withdrawn) or 'open'\n"
"    --theme T     only cases with theme T (a label of themes.rules in\n"
"                  [paths] rules)\n"
"    --referent EMAIL  only the cases of that referent\n"
"    --commune C   only cases in commune C (upper or lower case alike)\n"
"    --json        one JSON array; keys: ref, kind, state, subject, holder,\n"
"                  referent, commune, themes, flags, created, last_activity\n"
"  show REF        one case (e.g. CDP-2026-0001): its people and timeline\n"
"    --json        one object; keys: ref, kind, state, state_since, subject,\n"
"                  commune, themes, flags, created, last_activity, closed,\n"
"                  reason, roadmap, holder, referent, contact, members,\n"
"                  meetings, milestones, timeline, mails\n"
"  assign REF EMAIL  give the case to the referent EMAIL (referent role,\n"
"                  active), as TRANSFERER does: the previous referent\n"
"                  leaves the group, the new one gets the case by mail\n"
"                  and, before the decision, its reminders\n"
"  note REF TEXT   an internal note on the timeline\n"
"  close REF [REASON]  close the case as CLOTURER does (from analysis,\n"
"                  forming, meeting or active): the holder is thanked\n"
"                  (and asked to share their experience later), the\n"
"                  volunteers are told; REASON is the summary\n"
"\n"
"assign, note and close are events by \"admin\" on the timeline.  They\n"
"only queue the mails they cause, in the same transaction: the mails\n"
"leave at the next cycle of the daemon ('coupdepouce poll' at once).\n"
"\n"
"Exit status: 0 done, 1 refused or failed (one line on stderr: no such\n"
"case or person, not a referent, inactive, case already ended...),\n"
"2 bad usage (also an unknown state or theme in a filter).\n";

static const char *const flag_names[] = {
	"unassigned", "decision_late", "inactive", "bounce", "untrusted"
};

static const char *
col_text(struct store_stmt *s, int col)
{
	return store_col_is_null(s, col) ? NULL : store_col_text(s, col);
}

/* {name, address} from two columns, or null when the address is. */
static struct json_out *
person_json(struct store_stmt *s, int name_col, int addr_col)
{
	struct json_out *o;

	if (store_col_is_null(s, addr_col))
		return json_out_parse(NULL);
	o = json_out_object();
	json_out_set_string(o, "name", store_col_text(s, name_col));
	json_out_set_string(o, "address", store_col_text(s, addr_col));
	return o;
}

static struct json_out *
flags_json(long long flags)
{
	struct json_out *a = json_out_array();

	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]);
	    i++)
		if (flags & (1LL << i))
			json_out_push(a, json_out_string(flag_names[i]));
	return a;
}

/* Columns 0..13 of a case row, shared by list and show. */
#define CASE_COLUMNS \
	"c.ref, c.kind, c.state, c.subject, h.name, h.email, r.name, " \
	"r.email, c.commune, c.themes, c.flags, c.created_at, " \
	"c.last_activity_at, c.id "
#define CASE_JOINS \
	"FROM cases c LEFT JOIN persons h ON h.id = coalesce(c.holder_id, " \
	"(SELECT person_id FROM case_members m WHERE m.case_id = c.id AND " \
	"m.role = 'reporter' LIMIT 1)) LEFT JOIN persons r ON " \
	"r.id = c.referent_id "

static struct json_out *
case_summary_json(struct store_stmt *s)
{
	struct json_out *o = json_out_object();

	json_out_set_string(o, "ref", store_col_text(s, 0));
	json_out_set_string(o, "kind", store_col_text(s, 1));
	json_out_set_string(o, "state", store_col_text(s, 2));
	json_out_set_string(o, "subject", store_col_text(s, 3));
	json_out_set(o, "holder", person_json(s, 4, 5));
	json_out_set(o, "referent", person_json(s, 6, 7));
	json_out_set_string(o, "commune", col_text(s, 8));
	json_out_set(o, "themes", json_out_parse(store_col_text(s, 9)));
	json_out_set(o, "flags", flags_json(store_col_int64(s, 10)));
	cli_json_set_time(o, "created", s, 11);
	cli_json_set_time(o, "last_activity", s, 12);
	return o;
}

/* The state filter, written so that SQLite reads only the cases asked
 * for: one state through its index, "open" through the index of open
 * cases (same WHERE as in schema.sql), not ten years of cases.  The "+"
 * keeps the created_at index from being walked whole just to skip the
 * sort of the few rows found. */
static const char *
case_state_where(const char *state)
{
	if (state == NULL)
		return "?1 IS NULL";
	if (strcmp(state, "open") == 0)
		return "?1 = 'open' AND " CASE_SQL_OPEN("c.state");
	return "c.state = ?1";
}

/* Columns of `case list`: reference, state, kind, holder, referent, then
 * "commune | subject" unpadded. */
static const int case_cols[] = { 14, 10, 9, 30, 30, 0 };
static const char *const case_head[] = { "REF", "STATE", "KIND", "HOLDER",
	"REFERENT", "COMMUNE | SUBJECT" };
enum { CASE_NCOLS = sizeof(case_cols) / sizeof(case_cols[0]) };

static void
case_row_text(struct store_stmt *s)
{
	char *last = NULL;
	const char *cell[CASE_NCOLS];

	if (asprintf(&last, "%s | %s", col_text(s, 8) ? col_text(s, 8) : "-",
	    store_col_text(s, 3)) < 0)
		last = NULL;
	cell[0] = store_col_text(s, 0);
	cell[1] = store_col_text(s, 2);
	cell[2] = store_col_text(s, 1);
	cell[3] = col_text(s, 5) ? col_text(s, 5) : "-";
	cell[4] = col_text(s, 7) ? col_text(s, 7) : "-";
	cell[5] = last ? last : store_col_text(s, 3);
	cli_row(stdout, case_cols, cell, CASE_NCOLS);
	free(last);
}

static int
case_cmd_list(struct store *st, const struct case_filter *f, int json)
{
	struct store_stmt *s;
	struct json_out *arr = json_out_array();
	char err[1024], sql[2048];
	int rc, n = 0;

	snprintf(sql, sizeof(sql), "SELECT " CASE_COLUMNS CASE_JOINS
	    "WHERE %s AND (?2 IS NULL "
	    "OR EXISTS (SELECT 1 FROM json_each(c.themes) WHERE value = ?2)) "
	    "AND (?3 IS NULL OR r.email = ?3) AND (?4 IS NULL OR c.commune "
	    "= ?4 COLLATE NOCASE) ORDER BY +c.created_at DESC, c.id DESC",
	    case_state_where(f->state));
	s = store_query(st, sql, STORE_ARGS(STORE_TEXT(f->state), STORE_TEXT(f->theme),
	    STORE_TEXT(f->referent), STORE_TEXT(f->commune)), err,
	    sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce case: %s\n", err);
		json_out_free(arr);
		return EXIT_ERR;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		if (json) {
			json_out_push(arr, case_summary_json(s));
			continue;
		}
		if (n++ == 0)
			cli_row(stdout, case_cols, case_head, CASE_NCOLS);
		case_row_text(s);
	}
	store_finalize(s);
	if (rc < 0) {
		fprintf(stderr, "coupdepouce case: %s\n", store_errmsg(st));
		json_out_free(arr);
		return EXIT_ERR;
	}
	if (json)
		json_out_print(arr);
	else if (n == 0)
		printf("no case\n");
	json_out_free(arr);
	return EXIT_OK;
}

/* Runs `sql` with the case id as ?1 and adds one object per row to the
 * array `key` of o, built by `row`. */
static int
case_add_rows(struct store *st, struct json_out *o, const char *key,
    const char *sql, long long case_id,
    struct json_out *(*row)(struct store_stmt *))
{
	struct json_out *arr = json_out_array();
	struct store_stmt *s;
	char err[1024];
	int rc;

	s = store_query(st, sql, STORE_ARGS(STORE_INT(case_id)), err,
	    sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce case: %s\n", err);
		json_out_free(arr);
		return -1;
	}
	while ((rc = store_step(s)) == STORE_ROW)
		json_out_push(arr, row(s));
	if (rc < 0)
		fprintf(stderr, "coupdepouce case: %s\n", store_errmsg(st));
	store_finalize(s);
	json_out_set(o, key, arr);
	return rc < 0 ? -1 : 0;
}

static struct json_out *
member_row(struct store_stmt *s)
{
	struct json_out *o = person_json(s, 0, 1);

	json_out_set_string(o, "role", store_col_text(s, 2));
	json_out_set_string(o, "status", store_col_text(s, 3));
	cli_json_set_time(o, "invited", s, 4);
	cli_json_set_time(o, "answered", s, 5);
	return o;
}

static struct json_out *
meeting_row(struct store_stmt *s)
{
	struct json_out *o = json_out_object();

	cli_json_set_time(o, "starts", s, 0);
	json_out_set_string(o, "location", col_text(s, 1));
	json_out_set_string(o, "state", store_col_text(s, 2));
	json_out_set_int(o, "sequence", store_col_int64(s, 3));
	return o;
}

static struct json_out *
milestone_row(struct store_stmt *s)
{
	struct json_out *o = json_out_object();

	json_out_set_string(o, "kind", store_col_text(s, 0));
	cli_json_set_time(o, "due", s, 1);
	json_out_set_string(o, "label", store_col_text(s, 2));
	json_out_set_string(o, "state", store_col_text(s, 3));
	return o;
}

static struct json_out *
event_row(struct store_stmt *s)
{
	struct json_out *o = json_out_object(), *m;

	cli_json_set_time(o, "at", s, 0);
	json_out_set_string(o, "kind", store_col_text(s, 1));
	json_out_set(o, "actor", person_json(s, 2, 3));
	json_out_set(o, "details", json_out_parse(col_text(s, 4)));
	if (store_col_is_null(s, 5)) {
		json_out_set_null(o, "message");
		return o;
	}
	m = json_out_object();
	json_out_set_string(m, "direction", store_col_text(s, 5));
	json_out_set_string(m, "message_id", store_col_text(s, 6));
	json_out_set_string(m, "from", store_col_text(s, 7));
	json_out_set_string(m, "subject", store_col_text(s, 8));
	json_out_set_string(m, "auto", store_col_text(s, 9));
	json_out_set_string(m, "text", col_text(s, 10));
	json_out_set(o, "message", m);
	return o;
}

static struct json_out *
mail_row(struct store_stmt *s)
{
	struct json_out *o = json_out_object();

	cli_json_set_time(o, "created", s, 0);
	json_out_set_string(o, "template", col_text(s, 1));
	json_out_set(o, "to", person_json(s, 2, 3));
	json_out_set_string(o, "status", store_col_text(s, 4));
	cli_json_set_time(o, "sent", s, 5);
	json_out_set_string(o, "message_id", col_text(s, 6));
	return o;
}

static const char *const detail_sql[][2] = {
	{ "members", "SELECT p.name, p.email, m.role, m.status, m.invited_at, "
	    "m.answered_at FROM case_members m JOIN persons p ON p.id = "
	    "m.person_id WHERE m.case_id = ?1 ORDER BY CASE m.role WHEN "
	    "'holder' THEN 1 WHEN 'reporter' THEN 2 WHEN 'referent' THEN 3 "
	    "ELSE 4 END, m.invited_at, p.id" },
	{ "meetings", "SELECT starts_at, location, state, sequence FROM "
	    "meetings WHERE case_id = ?1 ORDER BY starts_at" },
	{ "milestones", "SELECT kind, due_at, label, state FROM milestones "
	    "WHERE case_id = ?1 ORDER BY due_at, id" },
	{ "timeline", "SELECT e.at, e.kind, p.name, p.email, e.details, "
	    "m.direction, m.message_id, m.from_address, m.subject, m.auto, "
	    "m.new_text FROM events e LEFT JOIN persons p ON p.id = "
	    "e.actor_id LEFT JOIN messages m ON m.id = e.msg_id WHERE "
	    "e.case_id = ?1 ORDER BY e.at, e.id" },
	{ "mails", "SELECT o.created_at, o.template, p.name, p.email, "
	    "o.status, o.sent_at, o.message_id FROM outbox o LEFT JOIN "
	    "persons p ON p.id = o.person_id WHERE o.case_id = ?1 ORDER BY "
	    "o.id" },
};

static void
print_time(struct store_stmt *s, int col)
{
	char iso[40] = "-";

	if (!store_col_is_null(s, col))
		clock_iso8601((time_t)store_col_int64(s, col), iso,
		    sizeof(iso));
	printf("%-25s", iso);
}

/* The human form of `show`: the case's header, then one line per event
 * (the first line of a mail's text) and per mail sent. */
static int
print_show_text(struct store *st, struct store_stmt *c, long long id)
{
	struct store_stmt *s;
	char err[1024];
	int rc;

	printf("%s  %s  %s\n", store_col_text(c, 0), store_col_text(c, 1),
	    store_col_text(c, 2));
	printf("Subject:   %s\n", store_col_text(c, 3));
	printf("Holder:    %s\n", col_text(c, 5) ? col_text(c, 5) : "-");
	printf("Referent:  %s\n", col_text(c, 7) ? col_text(c, 7) : "-");
	printf("Commune:   %s\n", col_text(c, 8) ? col_text(c, 8) : "-");
	printf("Themes:    %s\n\nTimeline:\n", store_col_text(c, 9));
	s = store_query(st, detail_sql[3][1], STORE_ARGS(STORE_INT(id)), err,
	    sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce case: %s\n", err);
		return -1;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = store_col_text(s, 1);
		const char *t = col_text(s, 10), *details = col_text(s, 4);
		/* A mail's event shows its first line; the others what they
		 * did (the mail that caused them is the line above). */
		int is_mail = strcmp(kind, "mail") == 0 || strcmp(kind,
		    "auto_reply") == 0 || strcmp(kind, "list_mail") == 0 ||
		    strcmp(kind, "created") == 0;

		print_time(s, 0);
		printf(" %-18s %s", kind, col_text(s, 3) ? col_text(s, 3) :
		    "-");
		if (is_mail && t != NULL)
			printf(": %.*s", (int)strcspn(t, "\n"), t);
		else if (!is_mail && details != NULL)
			printf(" %s", details);
		putchar('\n');
	}
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

static int
case_cmd_show(struct store *st, const char *ref, int json)
{
	struct store_stmt *s;
	struct json_out *o = NULL;
	char err[1024];
	long long id;
	int rc = EXIT_ERR, step;
	struct json_out *(*rows[])(struct store_stmt *) = { member_row,
	    meeting_row, milestone_row, event_row, mail_row };

	s = store_query(st, "SELECT " CASE_COLUMNS ", c.state_since, "
	    "c.closed_at, c.reason, c.roadmap, k.name, k.email "
	    CASE_JOINS "LEFT JOIN persons k ON k.id = c.contact_id "
	    "WHERE c.ref = upper(?1)", STORE_ARGS(STORE_TEXT(ref)), err,
	    sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce case: %s\n", err);
		return EXIT_ERR;
	}
	step = store_step(s);
	if (step != STORE_ROW) {
		fprintf(stderr, "coupdepouce case: %s\n", step < 0 ?
		    store_errmsg(st) : "no such case (see 'coupdepouce case "
		    "list')");
		store_finalize(s);
		return EXIT_ERR;
	}
	id = store_col_int64(s, 13);
	if (!json) {
		rc = print_show_text(st, s, id) == 0 ? EXIT_OK : EXIT_ERR;
		store_finalize(s);
		return rc;
	}
	o = case_summary_json(s);
	cli_json_set_time(o, "state_since", s, 14);
	cli_json_set_time(o, "closed", s, 15);
	json_out_set_string(o, "reason", col_text(s, 16));
	json_out_set_string(o, "roadmap", col_text(s, 17));
	json_out_set(o, "contact", person_json(s, 18, 19));
	store_finalize(s);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (case_add_rows(st, o, detail_sql[i][0], detail_sql[i][1], id,
		    rows[i]) != 0)
			goto out;
	json_out_print(o);
	rc = EXIT_OK;
out:
	json_out_free(o);
	return rc;
}

/* Exit 2 unless state is a case state or 'open'. */
static int
case_check_state(const char *state)
{
	static const char *const states[] = { "new", "analysis",
	    "ineligible", "forming", "meeting", "active", "closed",
	    "withdrawn", "open" };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i]) == 0)
			return EXIT_OK;
	return cli_usage_error("case", "--state: '%s' is not a state (new, "
	    "analysis, ineligible, forming, meeting, active, closed, "
	    "withdrawn, open)", state);
}

/* Exit 2 unless theme is a label of the themes rules; 1 when they
 * cannot be read. */
static int
case_check_theme(const struct config *cfg, const char *theme)
{
	struct rules *r = NULL;
	char path[4096], err[4096];
	int rc = -1;

	snprintf(path, sizeof(path), "%s/themes.rules", cfg->paths.rules);
	if (rules_load(path, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce case: %.*s\n",
		    (int)strcspn(err, "\n"), err);
		return EXIT_ERR;
	}
	for (size_t i = 0; rc != 0 && i < rules_count(r); i++)
		if (strcmp(rules_label(r, i), theme) == 0)
			rc = 0;
	rules_free(r);
	if (rc != 0)
		return cli_usage_error("case", "--theme: '%s' is not a theme "
		    "of %s", theme, path);
	return EXIT_OK;
}

int
cmd_case(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "state", required_argument, NULL, 's' },
		{ "theme", required_argument, NULL, 't' },
		{ "referent", required_argument, NULL, 'r' },
		{ "commune", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	struct case_filter f = { NULL, NULL, NULL, NULL };
	struct store *st = NULL;
	char referent[PERSON_EMAIL_MAX];
	const char *sub;
	int c, json = 0, rc;

	if (argc < 2)
		return cli_usage_error("case", "list, show, assign, note or "
		    "close expected");
	sub = argv[1];
	if (strcmp(sub, "assign") == 0 || strcmp(sub, "note") == 0 ||
	    strcmp(sub, "close") == 0)
		return cmd_case_admin(cli, argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0)
		return cli_usage_error("case", "unknown subcommand '%s'", sub);
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 's':
			f.state = optarg;
			break;
		case 't':
			f.theme = optarg;
			break;
		case 'r':
			if (person_normalize_email(optarg, referent,
			    sizeof(referent)) != 0)
				return cli_usage_error("case", "--referent: "
				    "'%s' is not a mail address", optarg);
			f.referent = referent;
			break;
		case 'm':
			f.commune = optarg;
			break;
		default:
			return cli_usage_error("case", "%s: unknown option",
			    sub);
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	if (strcmp(sub, "show") == 0 && (argc != 1 || f.state != NULL ||
	    f.theme != NULL || f.referent != NULL || f.commune != NULL))
		return cli_usage_error("case", "show takes one reference "
		    "(and --json)");
	if (strcmp(sub, "list") == 0 && argc != 0)
		return cli_usage_error("case", "list: unexpected argument '%s'",
		    argv[0]);
	if (f.state != NULL && (rc = case_check_state(f.state)) != EXIT_OK)
		return rc;
	if (f.theme != NULL && (rc = case_check_theme(cli->cfg, f.theme)) !=
	    EXIT_OK)
		return rc;
	if (cli_open_store(cli->cfg, "case", &st) != 0)
		return EXIT_ERR;
	rc = strcmp(sub, "list") == 0 ? case_cmd_list(st, &f, json) :
	    case_cmd_show(st, argv[0], json);
	store_close(st);
	return rc;
}
