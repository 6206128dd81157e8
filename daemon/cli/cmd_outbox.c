/*
 * cmd_outbox.c — `coupdepouce outbox list | outbox retry ID`: what the
 * daemon has sent, is about to send, or could not send, and sending a
 * failed mail again (DESIGN.md §6).
 *
 * The database must exist already: this command may run as root, and must
 * not leave a root-owned database behind for the daemon (as `check`).
 * `list --json` prints one array of objects (json_out.h, as the other
 * --json outputs) whose keys are documented in cmd_outbox_help; times are
 * ISO 8601 with offset, like `inspect --json`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "config/config.h"
#include "base/json_out.h"
#include "out/outbox.h"
#include "store/store.h"

const char cmd_outbox_help[] =
"usage: coupdepouce [-c FILE] outbox list [--json] [--status S]\n"
"       coupdepouce [-c FILE] outbox retry ID\n"
"\n"
"The queue of outgoing mail.\n"
"\n"
"  list            every mail, newest first: id, status (queued, sending,\n"
"                  sent, failed), attempts, next attempt, recipients still\n"
"                  owed (the To: header once sent), subject, last error\n"
"    --status S    only mails with status S\n"
"    --json        one JSON array; keys: id, status, attempts, next_attempt,\n"
"                  hold_until, created, sent, case_id, template, message_id,\n"
"                  recipients, to, subject, last_error\n"
"  retry ID        send a failed (or waiting) mail again now: attempts reset,\n"
"                  no working-hours wait; exit 1 if there is no such mail or\n"
"                  it was already sent\n";

/* ISO 8601 with offset, or null for 0. */
static void
set_time(struct json_out *o, const char *key, long long t)
{
	char iso[40];

	if (t <= 0) {
		json_out_set_null(o, key);
		return;
	}
	clock_iso8601((time_t)t, iso, sizeof(iso));
	json_out_set_string(o, key, iso);
}

/* When a waiting mail will be tried: the later of backoff and hold. */
static long long
next_time(const struct outbox_entry *e)
{
	if (strcmp(e->status, "queued") != 0 &&
	    strcmp(e->status, "sending") != 0)
		return 0;
	return e->hold_until > e->next_attempt_at ? e->hold_until :
	    e->next_attempt_at;
}

static void
print_json(const struct outbox_entry *e, size_t n)
{
	struct json_out *arr = json_out_array();

	for (size_t i = 0; i < n; i++) {
		struct json_out *o = json_out_object(), *r = json_out_array();

		json_out_set_int(o, "id", e[i].id);
		json_out_set_string(o, "status", e[i].status);
		json_out_set_int(o, "attempts", e[i].attempts);
		set_time(o, "next_attempt", next_time(&e[i]));
		set_time(o, "hold_until", e[i].hold_until);
		set_time(o, "created", e[i].created_at);
		set_time(o, "sent", e[i].sent_at);
		if (e[i].case_id > 0)
			json_out_set_int(o, "case_id", e[i].case_id);
		else
			json_out_set_null(o, "case_id");
		json_out_set_string(o, "template", e[i].template);
		json_out_set_string(o, "message_id", e[i].message_id);
		for (size_t j = 0; j < e[i].nrcpt; j++)
			json_out_push(r, json_out_string(e[i].rcpts[j]));
		json_out_set(o, "recipients", r);
		json_out_set_string(o, "to", e[i].to);
		json_out_set_string(o, "subject", e[i].subject);
		json_out_set_string(o, "last_error", e[i].last_error);
		json_out_push(arr, o);
	}
	json_out_print(arr);
	json_out_free(arr);
}

/* "a@x, b@y" */
static char *
plain_list(const struct outbox_entry *e)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < e->nrcpt; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", e->rcpts[i]);
	return buf_steal(&b);
}

static void
print_text(const struct outbox_entry *e, size_t n)
{
	char when[40], *rcpts;

	if (n == 0) {
		printf("no mail in the outbox\n");
		return;
	}
	printf("%-6s %-8s %5s  %-25s  %s\n", "ID", "STATUS", "TRIES",
	    "NEXT ATTEMPT / SENT", "RECIPIENTS | SUBJECT");
	for (size_t i = 0; i < n; i++) {
		long long t = next_time(&e[i]);

		if (t == 0)
			t = e[i].sent_at;
		if (t > 0)
			clock_iso8601((time_t)t, when, sizeof(when));
		else
			snprintf(when, sizeof(when), "-");
		rcpts = plain_list(&e[i]);
		printf("%-6lld %-8s %5lld  %-25s  %s | %s\n",
		    (long long)e[i].id, e[i].status,
		    (long long)e[i].attempts, when,
		    *rcpts ? rcpts : e[i].to, e[i].subject);
		if (e[i].last_error)
			printf("       last error: %s\n", e[i].last_error);
		free(rcpts);
	}
}

static int
outbox_open(const struct config *cfg, struct store **st)
{
	char err[1024];

	if (access(cfg->storage.database, F_OK) != 0) {
		fprintf(stderr, "coupdepouce outbox: %s: %s (the daemon "
		    "creates the database at its first run)\n",
		    cfg->storage.database, strerror(errno));
		return -1;
	}
	if (store_open(cfg->storage.database, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce outbox: %s\n", err);
		return -1;
	}
	return 0;
}

static int
outbox_cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "status", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct outbox_entry *e = NULL;
	struct store *st = NULL;
	const char *status = NULL;
	char err[1024];
	size_t n = 0;
	int c, json = 0, rc = EXIT_ERR;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 's':
			status = optarg;
			break;
		default:
			return cli_usage_error("outbox", "list: unknown "
			    "option");
		}
	}
	if (optind < argc)
		return cli_usage_error("outbox", "list: unexpected argument "
		    "'%s'", argv[optind]);
	if (status && strcmp(status, "queued") && strcmp(status, "sending") &&
	    strcmp(status, "sent") && strcmp(status, "failed"))
		return cli_usage_error("outbox", "list: --status must be "
		    "queued, sending, sent or failed, not '%s'", status);
	if (outbox_open(cli->cfg, &st) != 0)
		return EXIT_ERR;
	if (outbox_list(st, status, &e, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce outbox: %s\n", err);
		goto out;
	}
	if (json)
		print_json(e, n);
	else
		print_text(e, n);
	rc = EXIT_OK;
out:
	outbox_list_free(e, n);
	store_close(st);
	return rc;
}

static int
outbox_cmd_retry(struct cli *cli, int argc, char **argv)
{
	struct store *st = NULL;
	char err[1024], *end;
	long long id;
	int rc = EXIT_ERR;

	if (argc != 2)
		return cli_usage_error("outbox", "retry takes one mail id");
	errno = 0;
	id = strtoll(argv[1], &end, 10);
	if (errno != 0 || end == argv[1] || *end != '\0' || id <= 0)
		return cli_usage_error("outbox", "retry: '%s' is not a mail id",
		    argv[1]);
	if (outbox_open(cli->cfg, &st) != 0)
		return EXIT_ERR;
	if (outbox_retry(st, id, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce outbox retry: %s\n", err);
		goto out;
	}
	printf("outbox mail %lld queued again; the daemon sends it at its "
	    "next cycle\n", id);
	rc = EXIT_OK;
out:
	store_close(st);
	return rc;
}

int
cmd_outbox(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("outbox", "list or retry expected");
	if (strcmp(argv[1], "list") == 0)
		return outbox_cmd_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "retry") == 0)
		return outbox_cmd_retry(cli, argc - 1, argv + 1);
	return cli_usage_error("outbox", "unknown action '%s' (list or retry)",
	    argv[1]);
}
