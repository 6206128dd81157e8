/*
 * cmd_status.c — `coupdepouce status [--json]`: the daemon's health for
 * monitoring, read from the database alone (DESIGN.md §6).
 *
 * Monitoring calls it every minute, so it contacts no server: the mail
 * servers' health is what the daemon last saw of them.  IMAP: the last
 * pass over the inbox that went through (imap_state.updated_at, set by
 * every successful fetch pass, new mail or not).  SMTP: the outbox (failed
 * mails, the last error, the next attempt).  Nothing is written (no new
 * table: the schema is the daemon's).
 *
 * Unhealthy, with exit 1, when (thresholds named below):
 *   - no successful fetch yet, or none for STATUS_FETCH_FACTOR × [imap]
 *     poll_interval and at least STATUS_FETCH_MIN seconds (with IDLE a
 *     quiet inbox is still read when IDLE is re-issued, every 25 min);
 *   - an outgoing mail failed for good (status 'failed');
 *   - a queued mail has waited more than STATUS_QUEUE_LATE seconds since
 *     it was queued or its working-hours hold ended;
 *   - the quarantine holds a mail not yet handled again.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

#define STATUS_FETCH_FACTOR	3
#define STATUS_FETCH_MIN	3600
#define STATUS_QUEUE_LATE	3600
#define STATUS_MAX_PROBLEMS	4

const char cmd_status_help[] =
"usage: coupdepouce [-c FILE] [--now TIME] status [--json]\n"
"\n"
"The daemon's health, for monitoring, from the database alone (no\n"
"server is contacted, so it may run every minute):\n"
"  last fetch    the last pass over the inbox that went through\n"
"  outbox        mails queued (the oldest), failed, mails waiting too\n"
"                long, the next attempt and the last SMTP error\n"
"  quarantine    mails that could not be handled and wait for 'quarantine\n"
"                retry'\n"
"  jobs          the timers to come, by kind: the next due time, how many\n"
"  database      its size (pages) and the size of its WAL file\n"
"\n"
"  --json        one object: healthy, problems, now, imap {last_fetch,\n"
"                last_fetch_age, late_after}, smtp {last_error,\n"
"                next_attempt}, outbox {queued, failed, late,\n"
"                oldest_queued, oldest_queued_age, late_after},\n"
"                quarantine, jobs [{kind, next_due, count}], database\n"
"                {size, wal_size}; times ISO 8601, ages in seconds\n"
"\n"
"Unhealthy when:\n"
"  - no successful fetch yet, or none for 3 x [imap] poll_interval (at\n"
"    least one hour);\n"
"  - an outgoing mail failed ('outbox list --status failed');\n"
"  - a queued mail has waited more than one hour (since it was queued,\n"
"    or since the end of its wait for working hours);\n"
"  - the quarantine is not empty ('quarantine list').\n"
"\n"
"Exit status: 0 healthy, 1 unhealthy (the reasons on one line on\n"
"stderr) or the database cannot be read, 2 bad usage.\n";

/* Pending timers of one kind. */
struct status_job {
	char		 kind[32];
	long long	 next_due, count;
};

struct status {
	long long	 now;
	int		 fetched;		/* a fetch ever went through */
	long long	 last_fetch, fetch_late;
	long long	 queued, failed, late;
	int		 has_oldest, has_next;
	long long	 oldest, next_attempt;
	char		*last_error;		/* owned, NULL: none */
	long long	 quarantine;
	long long	 db_size, wal_size;
	struct status_job *jobs;		/* owned */
	size_t		 njobs;
	char		 problems[STATUS_MAX_PROBLEMS][160];
	int		 nproblems;
};

static void status_problem(struct status *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
status_problem(struct status *s, const char *fmt, ...)
{
	va_list ap;

	if (s->nproblems == STATUS_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(s->problems[s->nproblems++], sizeof(s->problems[0]), fmt,
	    ap);
	va_end(ap);
}

/* One row of one query into the integers (NULL: *has 0) and, when text
 * is given, its last column as text.  0 or -1 (err). */
static int
status_row(struct store *st, const char *sql, const struct store_arg *args,
    size_t nargs, long long *v, int *has, size_t nv, char **text,
    char *err, size_t errlen)
{
	struct store_stmt *q;
	int rc;

	q = store_query(st, sql, args, nargs, err, errlen);
	if (q == NULL)
		return -1;
	rc = store_step(q);
	for (size_t i = 0; rc == STORE_ROW && i < nv; i++) {
		if (has != NULL)
			has[i] = !store_col_is_null(q, (int)i);
		v[i] = store_col_int64(q, (int)i);
	}
	if (rc == STORE_ROW && text != NULL && !store_col_is_null(q, (int)nv))
		*text = xstrdup(store_col_text(q, (int)nv));
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(q);
	return rc < 0 ? -1 : 0;
}

static void
status_time(struct json_out *o, const char *key, int has, long long t)
{
	char iso[40];

	if (!has) {
		json_out_set_null(o, key);
		return;
	}
	clock_iso8601((time_t)t, iso, sizeof(iso));
	json_out_set_string(o, key, iso);
}

static int
status_jobs(struct store *st, struct status *s, char *err, size_t errlen)
{
	struct store_stmt *q;
	int rc;

	q = store_query(st, "SELECT kind, min(due_at), count(*) FROM jobs "
	    "WHERE done_at IS NULL GROUP BY kind ORDER BY 2, 1", NULL, 0, err,
	    errlen);
	if (q == NULL)
		return -1;
	while ((rc = store_step(q)) == STORE_ROW) {
		struct status_job *j;

		s->jobs = xrealloc(s->jobs, (s->njobs + 1) * sizeof(*s->jobs));
		j = &s->jobs[s->njobs++];
		snprintf(j->kind, sizeof(j->kind), "%s", store_col_text(q, 0));
		j->next_due = store_col_int64(q, 1);
		j->count = store_col_int64(q, 2);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(q);
	return rc < 0 ? -1 : 0;
}

static int
status_read(struct store *st, const struct config *cfg, struct status *s,
    char *err, size_t errlen)
{
	char wal[4096];
	struct stat sb;
	long long v[4];
	int has[4];

	s->fetch_late = (long long)STATUS_FETCH_FACTOR *
	    cfg->imap.poll_interval;
	if (s->fetch_late < STATUS_FETCH_MIN)
		s->fetch_late = STATUS_FETCH_MIN;
	if (status_row(st, "SELECT max(updated_at) FROM imap_state WHERE "
	    "folder = ?1", STORE_ARGS(STORE_TEXT(cfg->imap.folder)),
	    &s->last_fetch, &s->fetched, 1, NULL, err, errlen) != 0 ||
	    status_row(st, "SELECT count(*) FILTER (WHERE status IN "
	    "('queued', 'sending')), count(*) FILTER (WHERE status = "
	    "'failed'), count(*) FILTER (WHERE status IN ('queued', "
	    "'sending') AND max(created_at, coalesce(hold_until, 0)) < ?1), "
	    "min(created_at) FILTER (WHERE status IN ('queued', 'sending')) "
	    "FROM outbox WHERE status IN ('queued', 'sending', 'failed')", STORE_ARGS(STORE_INT(s->now - STATUS_QUEUE_LATE)),
	    v, has, 4, NULL, err, errlen) != 0)
		return -1;
	s->queued = v[0];
	s->failed = v[1];
	s->late = v[2];
	s->has_oldest = has[3];
	s->oldest = v[3];
	if (status_row(st, "SELECT min(next_attempt_at) FROM outbox WHERE "
	    "status = 'queued'", NULL, 0, &s->next_attempt, &s->has_next, 1,
	    NULL, err, errlen) != 0 ||
	    status_row(st, "SELECT last_error FROM outbox WHERE last_error IS "
	    "NOT NULL AND status IN ('queued', 'failed') ORDER BY "
	    "next_attempt_at DESC, id DESC LIMIT 1", NULL, 0, NULL, NULL, 0,
	    &s->last_error, err, errlen) != 0 ||
	    status_row(st, "SELECT count(*) FROM quarantine WHERE retried_at "
	    "IS NULL AND msg_id IS NULL", NULL, 0, &s->quarantine, NULL, 1,
	    NULL, err, errlen) != 0 ||
	    status_row(st, "SELECT page_count * page_size FROM "
	    "pragma_page_count(), pragma_page_size()", NULL, 0, &s->db_size,
	    NULL, 1, NULL, err, errlen) != 0 ||
	    status_jobs(st, s, err, errlen) != 0)
		return -1;
	snprintf(wal, sizeof(wal), "%s-wal", cfg->storage.database);
	s->wal_size = stat(wal, &sb) == 0 ? (long long)sb.st_size : 0;
	return 0;
}

static void
status_judge(struct status *s)
{
	if (!s->fetched)
		status_problem(s, "imap: no successful fetch yet");
	else if (s->now - s->last_fetch > s->fetch_late)
		status_problem(s, "imap: no successful fetch for %lld min",
		    (s->now - s->last_fetch) / 60);
	if (s->failed)
		status_problem(s, "smtp: %lld outgoing mail(s) failed%s%s",
		    s->failed, s->last_error ? ": " : "",
		    s->last_error ? s->last_error : "");
	if (s->late)
		status_problem(s, "outbox: %lld mail(s) waiting for more than "
		    "%d min", s->late, STATUS_QUEUE_LATE / 60);
	if (s->quarantine)
		status_problem(s, "quarantine: %lld mail(s) not handled",
		    s->quarantine);
}

static void
status_print_json(const struct status *s)
{
	struct json_out *o = json_out_object(), *p = json_out_array(), *x;

	json_out_set(o, "healthy", json_out_parse(s->nproblems ? "false" :
	    "true"));
	for (int i = 0; i < s->nproblems; i++)
		json_out_push(p, json_out_string(s->problems[i]));
	json_out_set(o, "problems", p);
	status_time(o, "now", 1, s->now);
	x = json_out_object();
	status_time(x, "last_fetch", s->fetched, s->last_fetch);
	if (s->fetched)
		json_out_set_int(x, "last_fetch_age", s->now - s->last_fetch);
	else
		json_out_set_null(x, "last_fetch_age");
	json_out_set_int(x, "late_after", s->fetch_late);
	json_out_set(o, "imap", x);
	x = json_out_object();
	json_out_set_string(x, "last_error", s->last_error);
	status_time(x, "next_attempt", s->has_next, s->next_attempt);
	json_out_set(o, "smtp", x);
	x = json_out_object();
	json_out_set_int(x, "queued", s->queued);
	json_out_set_int(x, "failed", s->failed);
	json_out_set_int(x, "late", s->late);
	status_time(x, "oldest_queued", s->has_oldest, s->oldest);
	if (s->has_oldest)
		json_out_set_int(x, "oldest_queued_age", s->now - s->oldest);
	else
		json_out_set_null(x, "oldest_queued_age");
	json_out_set_int(x, "late_after", STATUS_QUEUE_LATE);
	json_out_set(o, "outbox", x);
	json_out_set_int(o, "quarantine", s->quarantine);
	p = json_out_array();
	for (size_t i = 0; i < s->njobs; i++) {
		x = json_out_object();
		json_out_set_string(x, "kind", s->jobs[i].kind);
		status_time(x, "next_due", 1, s->jobs[i].next_due);
		json_out_set_int(x, "count", s->jobs[i].count);
		json_out_push(p, x);
	}
	json_out_set(o, "jobs", p);
	x = json_out_object();
	json_out_set_int(x, "size", s->db_size);
	json_out_set_int(x, "wal_size", s->wal_size);
	json_out_set(o, "database", x);
	json_out_print(o);
	json_out_free(o);
}

static void
status_print_text(const struct status *s)
{
	char when[40];

	if (s->nproblems == 0)
		printf("healthy\n");
	for (int i = 0; i < s->nproblems; i++)
		printf("%s%s\n", i ? "           " : "unhealthy: ",
		    s->problems[i]);
	if (s->fetched) {
		clock_iso8601((time_t)s->last_fetch, when, sizeof(when));
		printf("last fetch   %s (%lld min ago; late after %lld "
		    "min)\n", when, (s->now - s->last_fetch) / 60,
		    s->fetch_late / 60);
	} else
		printf("last fetch   never\n");
	printf("outbox       %lld queued, %lld failed, %lld waiting for more "
	    "than %d min\n", s->queued, s->failed, s->late,
	    STATUS_QUEUE_LATE / 60);
	if (s->has_oldest) {
		clock_iso8601((time_t)s->oldest, when, sizeof(when));
		printf("             oldest queued %s\n", when);
	}
	if (s->has_next) {
		clock_iso8601((time_t)s->next_attempt, when, sizeof(when));
		printf("             next attempt %s\n", when);
	}
	printf("smtp error   %s\n", s->last_error ? s->last_error : "-");
	printf("quarantine   %lld\n", s->quarantine);
	for (size_t i = 0; i < s->njobs; i++) {
		clock_iso8601((time_t)s->jobs[i].next_due, when, sizeof(when));
		printf("%-12s %s: %lld, next %s\n", i ? "" : "jobs",
		    s->jobs[i].kind, s->jobs[i].count, when);
	}
	if (s->njobs == 0)
		printf("jobs         none\n");
	printf("database     %lld bytes, WAL %lld bytes\n", s->db_size,
	    s->wal_size);
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct status s;
	struct store *st = NULL;
	char err[1024];
	int c, json = 0, rc = EXIT_ERR;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("status", "unknown option");
		json = 1;
	}
	if (optind < argc)
		return cli_usage_error("status", "unexpected argument '%s'",
		    argv[optind]);
	if (cli_open_store(cli->cfg, "status", &st) != 0)
		return EXIT_ERR;
	memset(&s, 0, sizeof(s));
	s.now = (long long)clock_now();
	if (status_read(st, cli->cfg, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce status: %s\n", err);
		goto out;
	}
	status_judge(&s);
	if (json)
		status_print_json(&s);
	else
		status_print_text(&s);
	if (s.nproblems == 0)
		rc = EXIT_OK;
	else {
		fprintf(stderr, "coupdepouce status: unhealthy: ");
		for (int i = 0; i < s.nproblems; i++)
			fprintf(stderr, "%s%s", i ? "; " : "", s.problems[i]);
		fputc('\n', stderr);
	}
out:
	free(s.last_error);
	free(s.jobs);
	store_close(st);
	return rc;
}
