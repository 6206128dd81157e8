/*
 * cmd_quarantine.c — `coupdepouce quarantine list|retry`: the mails the
 * daemon could not handle, with their reasons, and a second chance for
 * them once the cause is fixed (rules corrected, program upgraded).
 *
 * A retry works on the copy kept in the database; the original stays in
 * the IMAP quarantine folder, where an administrator can still read it.  A
 * mail quarantined for its size was never fetched whole (only its headers
 * are kept), so it cannot be retried from here: raise max_message_size and
 * move it back to the inbox from a mail client.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/clock.h"
#include "config/config.h"
#include "fetch/inbound.h"
#include "base/json_out.h"
#include "out/mailer.h"
#include "store/store.h"

const char cmd_quarantine_help[] =
"usage: coupdepouce [-c FILE] quarantine list [--json]\n"
"       coupdepouce [-c FILE] quarantine retry ID\n"
"\n"
"list    the mails that could not be handled: id, date, IMAP uid, reason\n"
"        (--json: one array of objects with id, created, folder, uid,\n"
"        message_id, reason, retried, stored_as)\n"
"retry   handle the kept copy of mail ID again (after fixing the cause);\n"
"        on success it is stored like any fetched mail.  Mails kept for\n"
"        their size hold only headers and cannot be retried from here.\n";

static int
quarantine_list(struct store *st, int json)
{
	struct store_stmt *s;
	struct json_out *arr = json ? json_out_array() : NULL;
	char err[512], when[40];
	int rc = EXIT_ERR, step;

	s = store_prepare(st, "SELECT id, created_at, imap_folder, imap_uid, "
	    "message_id, reason, retried_at, msg_id FROM quarantine ORDER BY id",
	    err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "coupdepouce quarantine: %s\n", err);
		goto out;
	}
	while ((step = store_step(s)) == STORE_ROW) {
		clock_iso8601((time_t)store_col_int64(s, 1), when, sizeof(when));
		if (json) {
			struct json_out *o = json_out_object();

			json_out_set_int(o, "id", store_col_int64(s, 0));
			json_out_set_string(o, "created", when);
			json_out_set_string(o, "folder", store_col_text(s, 2));
			if (store_col_is_null(s, 3))
				json_out_set_null(o, "uid");
			else
				json_out_set_int(o, "uid", store_col_int64(s, 3));
			json_out_set_string(o, "message_id",
			    store_col_text(s, 4));
			json_out_set_string(o, "reason", store_col_text(s, 5));
			if (store_col_is_null(s, 6))
				json_out_set_null(o, "retried");
			else {
				char r[40];

				clock_iso8601((time_t)store_col_int64(s, 6), r,
				    sizeof(r));
				json_out_set_string(o, "retried", r);
			}
			if (store_col_is_null(s, 7))
				json_out_set_null(o, "stored_as");
			else
				json_out_set_int(o, "stored_as",
				    store_col_int64(s, 7));
			json_out_push(arr, o);
		} else
			printf("%lld\t%s\tuid %lld\t%s%s\n",
			    (long long)store_col_int64(s, 0), when,
			    (long long)store_col_int64(s, 3),
			    store_col_text(s, 5),
			    store_col_is_null(s, 7) ? "" : " (retried: stored)");
	}
	if (step < 0) {
		fprintf(stderr, "coupdepouce quarantine: %s\n",
		    store_errmsg(st));
		goto out;
	}
	if (json)
		json_out_print(arr);
	rc = EXIT_OK;
out:
	store_finalize(s);
	json_out_free(arr);
	return rc;
}

static int
quarantine_retry(struct store *st, const struct config *cfg, long long id)
{
	struct inbound_rules rules;
	struct mailer *mailer = NULL;
	struct store_stmt *s = NULL;
	struct inbound_source src = { NULL, 0, 0 };
	enum inbound_result res = INBOUND_QUARANTINED;
	char err[2048], scratch[256], *raw = NULL, *folder = NULL;
	size_t len = 0;
	int rc = EXIT_ERR, step;

	memset(&rules, 0, sizeof(rules));
	/* A retried mail goes through the whole inbound path: it may open
	 * a case and cause mail, like any fetched one. */
	if (inbound_rules_load(cfg->paths.rules, &rules, err,
	    sizeof(err)) != 0 || mailer_open(cfg, &mailer, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	rules.cfg = cfg;
	rules.mailer = mailer;
	s = store_query(st, "SELECT raw, reason, imap_folder, "
	    "imap_uidvalidity, imap_uid, msg_id FROM quarantine WHERE id = ?1",
	    STORE_ARGS(STORE_INT(id)), err, sizeof(err));
	if (s == NULL)
		goto fail;
	step = store_step(s);
	if (step != STORE_ROW) {
		fprintf(stderr, "coupdepouce quarantine: %s\n", step < 0 ?
		    store_errmsg(st) : "no quarantined mail with this id "
		    "(see 'coupdepouce quarantine list')");
		goto out;
	}
	if (!store_col_is_null(s, 5)) {
		fprintf(stderr, "coupdepouce quarantine: mail %lld was already "
		    "retried and stored as message %lld\n", id,
		    (long long)store_col_int64(s, 5));
		goto out;
	}
	if (strncmp(store_col_text(s, 1), "too large", 9) == 0) {
		fprintf(stderr, "coupdepouce quarantine: mail %lld was too large "
		    "to fetch and only its headers are kept; raise [imap] "
		    "max_message_size and move it back to the inbox\n", id);
		goto out;
	}
	raw = store_col_blob_dup(s, 0, &len);
	/* The daemon would not fetch it whole now: no more should a retry
	 * parse it. */
	if (len > (size_t)cfg->imap.max_message_size) {
		fprintf(stderr, "coupdepouce quarantine: mail %lld is too "
		    "large: %zu bytes (max_message_size is %ld)\n", id, len,
		    cfg->imap.max_message_size);
		goto out;
	}
	folder = strdup(store_col_text(s, 2) ? store_col_text(s, 2) : "");
	src.folder = folder;
	src.uidvalidity = (uint32_t)store_col_int64(s, 3);
	src.uid = (uint32_t)store_col_int64(s, 4);
	store_finalize(s);
	s = NULL;

	if (store_begin(st, err, sizeof(err)) != 0)
		goto fail;
	if (inbound_store(st, &rules, &src, raw, len,
	    (long long)clock_now(), &res, err, sizeof(err)) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
	if (res == INBOUND_QUARANTINED) {
		store_rollback(st, scratch, sizeof(scratch));
		fprintf(stderr, "coupdepouce quarantine: mail %lld still cannot "
		    "be handled (see its reason)\n", id);
		goto out;
	}
	if (store_run(st, NULL, "UPDATE quarantine SET retried_at = ?2, "
	    "msg_id = (SELECT id FROM messages WHERE content_hash = "
	    "quarantine.content_hash) WHERE id = ?1", STORE_ARGS(STORE_INT(id),
	    STORE_INT(clock_now())), err, sizeof(err)) != 0) {
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
	if (store_commit(st, err, sizeof(err)) != 0) {
		/* SQLite's message alone, as for the update. */
		snprintf(err, sizeof(err), "%s", store_errmsg(st));
		store_rollback(st, scratch, sizeof(scratch));
		goto fail;
	}
	printf("mail %lld %s\n", id, res == INBOUND_STORED ? "stored" :
	    "was already stored");
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce quarantine: %s\n", err);
out:
	store_finalize(s);
	inbound_rules_free(&rules);
	mailer_close(mailer);
	free(raw);
	free(folder);
	return rc;
}

int
cmd_quarantine(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	char err[1024], *end;
	int c, json = 0, rc;
	long long id = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage_error("quarantine", "unknown option");
		json = 1;
	}
	if (optind >= argc)
		return cli_usage_error("quarantine", "say list or retry ID");
	if (strcmp(argv[optind], "list") == 0) {
		if (optind + 1 != argc)
			return cli_usage_error("quarantine", "list takes no "
			    "argument");
	} else if (strcmp(argv[optind], "retry") == 0) {
		if (optind + 2 != argc)
			return cli_usage_error("quarantine", "retry takes one ID");
		id = strtoll(argv[optind + 1], &end, 10);
		if (*end != '\0' || id <= 0)
			return cli_usage_error("quarantine", "'%s' is not an id",
			    argv[optind + 1]);
	} else
		return cli_usage_error("quarantine", "unknown action '%s'",
		    argv[optind]);
	if (store_open(cli->cfg->storage.database, &st, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_ERR;
	}
	if (strcmp(argv[optind], "list") == 0)
		rc = quarantine_list(st, json);
	else
		rc = quarantine_retry(st, cli->cfg, id);
	store_close(st);
	return rc;
}
