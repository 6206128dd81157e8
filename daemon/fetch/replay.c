/*
 * replay.c — one stored mail read again with the current rules; see
 * replay.h.
 *
 * Where the mail would go follows dispatch_mail() (casework/dispatch.c):
 * no sender or our own address, recorded only; a thread found, that
 * case; else a new case unless the mail is automatic.  A sender address
 * that cannot be normalized is recorded only, as intake does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "config/config.h"
#include "fetch/inbound.h"
#include "fetch/replay.h"
#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "parse/classify.h"
#include "parse/message.h"
#include "parse/reply.h"
#include "store/person_db.h"
#include "store/store.h"
#include "thread/match.h"

static int
replay_match(struct store *st, const struct config *cfg,
    const unsigned char *key, size_t keylen, const struct message *m,
    enum msg_auto autokind, struct replay_result *out, char *err,
    size_t errlen)
{
	struct thread_match tm;
	struct store_stmt *s;
	char addr[PERSON_EMAIL_MAX];
	int rc;

	if (m->from.address[0] == '\0' || config_own_address(cfg,
	    m->from.address)) {
		snprintf(out->match, sizeof(out->match), "none");
		return 0;
	}
	if (thread_match(st, key, keylen, m, &tm, err, errlen) != 0)
		return -1;
	if (tm.how == THREAD_NONE) {
		snprintf(out->match, sizeof(out->match), "%s", autokind !=
		    MSG_AUTO_NONE || person_normalize_email(m->from.address,
		    addr, sizeof(addr)) != 0 ? "none" : "new");
		return 0;
	}
	snprintf(out->match, sizeof(out->match), "%s",
	    thread_how_name(tm.how));
	if (tm.case_id == 0)
		return 0;
	s = store_query(st, "SELECT ref FROM cases WHERE id = ?1",
	    STORE_ARGS(STORE_INT(tm.case_id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(out->match, sizeof(out->match), "%s:%s",
		    thread_how_name(tm.how), store_col_text(s, 0));
	else if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

int
replay_message(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const unsigned char *key,
    size_t keylen, const char *raw, size_t len, struct replay_result *out,
    char *err, size_t errlen)
{
	struct message *m = NULL;
	struct bounce_info bounce;
	struct classify_result cr;
	enum msg_auto autokind;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&bounce, 0, sizeof(bounce));
	if (message_parse(raw, len, &m, err, errlen) != 0)
		return 1;
	autokind = autodetect_classify(m, rules->autodetect, &bounce);
	snprintf(out->autokind, sizeof(out->autokind), "%s",
	    autodetect_name(autokind));
	if (reply_extract(rules->reply, m->text, strlen(m->text),
	    &out->new_text) != 0)
		out->new_text = NULL;
	classify_run(rules->classify, m->subject,
	    classify_text(out->new_text, m->text), &cr);
	snprintf(out->kind, sizeof(out->kind), "%s", cr.kind);
	out->themes = classify_themes_json(&cr);
	out->commune = cr.commune ? xstrdup(cr.commune) : NULL;
	classify_result_free(&cr);
	rc = replay_match(st, cfg, key, keylen, m, autokind, out, err,
	    errlen);
	bounce_info_free(&bounce);
	message_free(m);
	if (rc != 0)
		replay_result_free(out);
	return rc;
}

void
replay_result_free(struct replay_result *r)
{
	free(r->new_text);
	free(r->themes);
	free(r->commune);
	memset(r, 0, sizeof(*r));
}
