/*
 * dispatch.c — a stored mail's way into the cases; see dispatch.h.
 *
 * Only the choice lives here (own address, bounce, follow-up, automatic
 * mail, new case) and the bounce, which needs nothing else: what the
 * modules it calls have in common is in case_mail.c, so that none of them
 * needs the dispatcher.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/dispatch.h"
#include "casework/followup.h"
#include "casework/intake.h"
#include "casework/pool_run.h"
#include "config/config.h"
#include "out/mailer.h"
#include "out/template.h"
#include "parse/bounce.h"
#include "parse/message.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "thread/match.h"
#include "thread/token.h"

/* The Message-ID of the returned copy in a bounce, if any (new string). */
static char *
dispatch_returned_message_id(const struct message *m)
{
	const char *h = m->returned_headers, *p, *e;

	for (p = h; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 :
	    NULL) {
		if (strncasecmp(p, "Message-ID:", 11) != 0)
			continue;
		p += 11;
		/* The id may be folded onto the next line. */
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		e = p + strcspn(p, "\r\n");
		return xstrndup(p, (size_t)(e - p));
	}
	return NULL;
}

static int
dispatch_notify_bounce(struct casework *cw, const struct case_row *c,
    const struct cw_person *failing, const struct bounce_info *b,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0;
	int rc;

	/* The referent is told, unless the failing address is theirs:
	 * then the coordinators are. */
	if (casemail_followers(cw, c->referent_id != failing->id ?
	    c->referent_id : 0, &to, &nto, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "failing_name", failing->name);
	tpl_set(d, "failing_address", failing->email);
	tpl_set(d, "status", b->status);
	rc = casemail_send(cw, "bounce_notice", d, "recipient_name", c->ref,
	    c->id, to, nto, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

/*
 * A bounce: the failing address is flagged; when the returned copy (or
 * the bounce's threading headers) shows which case the mail was about,
 * the bounce goes on that case's timeline and its referent is told.
 */
static int
dispatch_bounce(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen)
{
	const struct bounce_info *b = mail->bounce;
	struct cw_person failing;
	struct case_row c;
	size_t keylen;
	const unsigned char *key = mailer_key(cw->mailer, &keylen);
	char *mid = dispatch_returned_message_id(mail->m);
	int64_t case_id = tm->case_id, bound = tm->bound_id, oid = 0;
	const char *kv[4];
	int rc = -1, found = 0, loaded;

	memset(&failing, 0, sizeof(failing));
	memset(&c, 0, sizeof(c));
	if (mid != NULL && token_verify(key, keylen, mid, NULL, &oid,
	    &case_id, &bound))
		found = 1;
	free(mid);
	if (b->recipient != NULL && b->recipient[0] != '\0') {
		if (person_mark_bounce(cw->st, b->recipient, b->status,
		    cw->now, &failing.id, err, errlen) != 0)
			goto out;
	} else if (found && bound != 0) {
		if (casemail_person(cw, bound, &failing, err, errlen) != 0 ||
		    person_mark_bounce(cw->st, failing.email, b->status,
		    cw->now, &failing.id, err, errlen) != 0)
			goto out;
	}
	if (failing.id != 0 && casemail_person(cw, failing.id, &failing, err,
	    errlen) != 0)
		goto out;
	log_notice("bounce for %s (status %s)%s", failing.id ? failing.email :
	    (b->recipient ? b->recipient : "an unknown address"),
	    b->status ? b->status : "unknown",
	    failing.id ? "" : ": not a known person");
	/* A bounce of no case of ours (a DSN quoting a foreign or forged
	 * Message-ID, a case since purged) is still a fact about an
	 * address: it is stored and the address stays flagged. */
	loaded = case_id != 0 ? case_load(cw->st, case_id, &c, err, errlen) :
	    0;
	if (loaded < 0)
		goto out;
	if (loaded == 0) {
		rc = case_link_message(cw->st, mail->msg_id, 0, failing.id,
		    "none", err, errlen);
		goto out;
	}
	kv[0] = "address";
	kv[1] = failing.id ? failing.email : b->recipient;
	kv[2] = "status";
	kv[3] = b->status;
	rc = -1;
	if (case_link_message(cw->st, mail->msg_id, c.id, failing.id,
	    found ? "token" : thread_how_name(tm->how), err, errlen) != 0 ||
	    case_event(cw->st, c.id, 0, "bounce", mail->msg_id, kv, 4,
	    cw->now, err, errlen) != 0 ||
	    case_flag(cw->st, c.id, CASE_FLAG_BOUNCE, err, errlen) != 0)
		goto out;
	if (failing.id != 0 && dispatch_notify_bounce(cw, &c, &failing, b, err,
	    errlen) != 0)
		goto out;
	rc = 0;
out:
	case_row_free(&c);
	return rc;
}

int
dispatch_mail(struct casework *cw, const struct cw_mail *mail, char *err,
    size_t errlen)
{
	const struct message *m = mail->m;
	struct thread_match tm;
	size_t keylen;
	const unsigned char *key = mailer_key(cw->mailer, &keylen);
	int handled;

	if (m->from.address[0] == '\0' || config_own_address(cw->cfg, m->from.address)) {
		log_notice("message <%s> from %s: %s, not handled",
		    m->message_id ? m->message_id : "",
		    m->from.address[0] ? m->from.address : "nobody",
		    m->from.address[0] ? "our own address" : "no sender");
		return case_link_message(cw->st, mail->msg_id, 0, 0, "none",
		    err, errlen);
	}
	if (thread_match(cw->st, key, keylen, m, &tm, err, errlen) != 0)
		return -1;
	if (mail->autokind == MSG_AUTO_BOUNCE)
		return dispatch_bounce(cw, mail, &tm, err, errlen);
	if (tm.how == THREAD_TOKEN && tm.case_id == 0)
		/* An answer to a mail of the network about no case (the
		 * digest, a welcome): it belongs to the person it was sent
		 * to, never to a new case. */
		return pool_run_reply(cw, mail, &tm, err, errlen);
	if (tm.how != THREAD_NONE)
		return followup_record(cw, mail, &tm, err, errlen);
	if (mail->autokind != MSG_AUTO_NONE) {
		/* RFC 3834: an automatic mail never opens a case (it would
		 * be acknowledged, and the ack answered...). */
		log_info("message <%s> from %s: %s with no case, recorded only",
		    m->message_id ? m->message_id : "", m->from.address,
		    autodetect_name(mail->autokind));
		return case_link_message(cw->st, mail->msg_id, 0, tm.sender_id,
		    "none", err, errlen);
	}
	/* A coordinator managing the pool by a new mail opens no case. */
	if (pool_run_new(cw, mail, &tm, &handled, err, errlen) != 0)
		return -1;
	if (handled)
		return 0;
	return intake_new_case(cw, mail, &tm, err, errlen);
}
