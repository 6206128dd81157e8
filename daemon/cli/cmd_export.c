/*
 * cmd_export.c — `coupdepouce export EMAIL [--out DIR]`: everything stored
 * about a person, for their right of access and to portability (RGPD
 * art. 15 and 20), in forms they can open without us: one JSON document
 * and, with --out, their mails as an mbox any mail client imports.
 *
 * Without --out the JSON goes to stdout alone, so that it can be piped;
 * the mbox, being a second document, needs a folder.  The files are made
 * readable by their owner only: they are the person's whole file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fileio.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/export_db.h"
#include "store/person_db.h"
#include "store/store.h"

const char cmd_export_help[] =
"usage: coupdepouce [-c FILE] export EMAIL [--out DIR]\n"
"\n"
"Everything stored about the person with address EMAIL (RGPD right of\n"
"access and portability), as one JSON object: exported_at, address,\n"
"person, roles, cases (with their role in each), mails_from_them and\n"
"mails_to_them (with the raw mail as text, or as base64 under raw_base64\n"
"or message_base64 when it is not UTF-8), events, jobs, testimonies,\n"
"quarantine (mails not handled that hold their address) and rate.\n"
"\n"
"Without --out, the JSON is printed on stdout.  With --out DIR, it is\n"
"written to DIR/EMAIL.json and the mails they sent to DIR/EMAIL.mbox\n"
"(mboxrd, oldest first), both readable by their owner only; the two\n"
"paths are printed.\n"
"\n"
"Exit status: 0 done, 1 no such person or error, 2 bad usage.\n";

/* Writes DIR/EMAIL.json and DIR/EMAIL.mbox. */
static int
export_files(struct store *st, int64_t id, const char *email,
    const char *dir, const char *json, char *err, size_t errlen)
{
	struct buf mbox;
	char *jpath = xasprintf("%s/%s.json", dir, email);
	char *mpath = xasprintf("%s/%s.mbox", dir, email);
	size_t n;
	int rc = -1;

	buf_init(&mbox, 0);
	if (export_mbox(st, id, email, &mbox, &n, err, errlen) != 0 ||
	    fileio_write_private(jpath, json, strlen(json), err, errlen) != 0 ||
	    fileio_write_private(mpath, mbox.len ? buf_str(&mbox) : "",
	    mbox.len, err, errlen) != 0)
		goto out;
	printf("%s\n%s (%zu mail%s)\n", jpath, mpath, n, n == 1 ? "" : "s");
	rc = 0;
out:
	buf_free(&mbox);
	free(jpath);
	free(mpath);
	return rc;
}

int
cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct store *st = NULL;
	struct json_out *doc = NULL;
	char err[1024], email[PERSON_EMAIL_MAX], *json = NULL;
	const char *dir = NULL;
	int64_t id = 0;
	int c, rc = EXIT_ERR, found;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_usage_error("export", "unknown option");
		dir = optarg;
	}
	if (optind + 1 != argc)
		return cli_usage_error("export", "give one EMAIL");
	if (person_normalize_email(argv[optind], email, sizeof(email)) != 0)
		return cli_usage_error("export", "'%s' is not an e-mail "
		    "address", argv[optind]);
	if (store_open(cli->cfg->storage.database, &st, err,
	    sizeof(err)) != 0)
		goto fail;
	found = person_find(st, email, &id, err, sizeof(err));
	if (found < 0)
		goto fail;
	if (found == 0) {
		fprintf(stderr, "%s: no such person\n", email);
		goto out;
	}
	if (export_person(st, id, email, (long long)clock_now(), &doc, err,
	    sizeof(err)) != 0)
		goto fail;
	json = json_out_dump(doc, 2);
	if (dir == NULL)
		fputs(json, stdout);
	else if (export_files(st, id, email, dir, json, err, sizeof(err)) != 0)
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "coupdepouce export: %s\n", err);
out:
	free(json);
	json_out_free(doc);
	store_close(st);
	return rc;
}
