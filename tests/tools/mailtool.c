/*
 * mailtool.c — test tool: queues a templated mail through mailer_queue()
 * exactly as the daemon will (template, token, MIME, outbox, one
 * transaction), and verifies a Message-ID token.
 *
 *   mailtool CONF ack ADDR NAME REF SUBJECT   queue the "ack" template
 *   mailtool CONF verify MESSAGE-ID           exit 0 if the token is ours
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "config/config.h"
#include "base/log.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "store/store.h"
#include "out/template.h"
#include "thread/token.h"

int
main(int argc, char **argv)
{
	struct config *cfg = NULL;
	struct mailer *m = NULL;
	struct store *st = NULL;
	char err[2048];
	int rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: mailtool CONF ack ADDR NAME REF SUBJECT |"
		    " verify MSGID\n");
		return 2;
	}
	if (config_load(argv[1], &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "mailtool: %s\n", err);
		return 1;
	}
	clock_set_zone(cfg->network.timezone);
	if (mailer_open(cfg, &m, err, sizeof(err)) != 0)
		goto fail;
	if (strcmp(argv[2], "verify") == 0 && argc == 4) {
		size_t keylen;
		const unsigned char *key = mailer_key(m, &keylen);
		int64_t o, c, p;

		if (token_verify(key, keylen, argv[3], cfg->network.domain, &o,
		    &c, &p) == 1) {
			printf("outbox %lld case %lld person %lld\n",
			    (long long)o, (long long)c, (long long)p);
			rc = 0;
		} else
			printf("not ours\n");
		goto out;
	}
	if (strcmp(argv[2], "ack") == 0 && argc == 7) {
		struct tpl_data *d = tpl_data_new();
		struct mailer_mail mail;
		int64_t id = 0;
		int res;

		tpl_set(d, "ref", argv[5]);
		tpl_set(d, "holder_name", argv[4]);
		tpl_set(d, "subject", argv[6]);
		tpl_set_int(d, "reply_days", 7);
		memset(&mail, 0, sizeof(mail));
		mail.template = "ack";
		mail.data = d;
		mail.case_ref = argv[5];
		mail.to_name = argv[4];
		mail.to_addr = argv[3];
		mail.urgent = 1;
		mail.auto_replied = 1;
		if (store_open(cfg->storage.database, &st, err,
		    sizeof(err)) != 0 || store_begin(st, err, sizeof(err)) != 0) {
			tpl_data_free(d);
			goto fail;
		}
		res = mailer_queue(m, st, &mail, &id, err, sizeof(err));
		tpl_data_free(d);
		if (res != OUTBOX_OK) {
			store_rollback(st, NULL, 0);
			if (res == OUTBOX_LIMITED)
				snprintf(err, sizeof(err), "daily cap reached");
			goto fail;
		}
		if (store_commit(st, err, sizeof(err)) != 0)
			goto fail;
		printf("queued outbox row %lld\n", (long long)id);
		rc = 0;
		goto out;
	}
	fprintf(stderr, "mailtool: bad arguments\n");
	rc = 2;
	goto out;
fail:
	fprintf(stderr, "mailtool: %s\n", err);
out:
	store_close(st);
	mailer_close(m);
	config_free(cfg);
	return rc;
}
