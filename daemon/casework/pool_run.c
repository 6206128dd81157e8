/*
 * pool_run.c — mail commands about no case; see pool_run.h.
 *
 * The case runner (mailcmd_run.c) trusts a token only with a From that is
 * the bound person's and that our server did not see fail its
 * authentication (trust.h); here the same holds, since a token with no case
 * binds the person the mail was sent to and nothing else.  A new mail
 * has no token: like a tag-matched reply it is trusted only through an
 * Authentication-Results pass from our own server, and only a
 * coordinator's is looked at — anyone else's new mail is a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "casework/cmd_context.h"
#include "casework/cmd_exec.h"
#include "casework/pool_run.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "thread/match.h"
#include "thread/trust.h"

/* Runs cl for the sender (person sender_id, 0: unknown) and answers. */
static int
pool_run(struct casework *cw, const struct cw_mail *mail, int64_t sender_id,
    int64_t answered, int trusted, const struct mailcmd_list *cl, char *err,
    size_t errlen)
{
	struct cmd_ctx x;
	struct tpl_data *d = NULL;
	int rc = -1, failed = 0, want = 0;

	memset(&x, 0, sizeof(x));
	x.cw = cw;
	x.mail = mail;
	x.answered = answered;
	if (cmdexec_sender(&x, sender_id, err, errlen) != 0)
		return -1;
	if (!cmdexec_applies(cl, x.roles))
		return 0;
	d = tpl_data_new();
	tpl_set(d, "subject", mail->m->subject);
	tpl_list_init(d, "results");
	if (cmdexec_all(&x, cl, trusted, cmdexec_roles, d, &failed, &want, err,
	    errlen) != 0)
		goto out;
	if (!trusted) {
		const char *kv[] = { "reason", "sender not verified" };

		log_notice("commands from %s about no case not run: no "
		    "verified token and no trusted authentication result",
		    mail->m->from.address);
		tpl_set_bool(d, "untrusted", 1);
		if (x.sender.id != 0 && cmdctx_event(&x, "commands_refused",
		    kv, 2, err, errlen) != 0)
			goto out;
	}
	rc = cmdexec_transcript(&x, d, failed, want, err, errlen);
out:
	tpl_data_free(d);
	return rc;
}

int
pool_run_reply(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen)
{
	const struct message *m = mail->m;
	struct mailcmd_list cl = { NULL, 0 };
	int rc;

	log_info("message <%s> from %s: reply to a mail about no case, "
	    "recorded", m->message_id ? m->message_id : "", m->from.address);
	if (case_link_message(cw->st, mail->msg_id, 0, tm->sender_id, "token",
	    err, errlen) != 0)
		return -1;
	/* RFC 3834: an out-of-office is never answered. */
	if (mail->autokind != MSG_AUTO_NONE)
		return 0;
	mailcmd_parse(mail->new_text, (time_t)cw->now, &cl);
	rc = cl.n == 0 ? 0 : pool_run(cw, mail, tm->sender_id, tm->outbox_id,
	    tm->from_bound && !trust_auth_fail(m,
	    &cw->cfg->network.authserv_id, m->from.address), &cl, err,
	    errlen);
	mailcmd_list_free(&cl);
	return rc;
}

/* The sender is a coordinator: named in [network] coordinators, or with
 * the role.  1, 0 or -1. */
static int
pool_is_coordinator(struct casework *cw, const struct message *m,
    int64_t sender_id, char *err, size_t errlen)
{
	const struct config_strlist *co = &cw->cfg->network.coordinators;

	for (size_t i = 0; i < co->n; i++)
		if (strcasecmp(co->items[i], m->from.address) == 0)
			return 1;
	if (sender_id == 0)
		return 0;
	return person_has_role(cw->st, sender_id, "coordinator", err, errlen);
}

int
pool_run_new(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, int *handled, char *err, size_t errlen)
{
	const struct message *m = mail->m;
	struct mailcmd_list cl = { NULL, 0 };
	int64_t sender_id = tm->sender_id;
	int rc = -1, coord, trusted;

	*handled = 0;
	mailcmd_parse(mail->new_text, (time_t)cw->now, &cl);
	if (cl.n == 0 || !mailcmd_verb_pool(cl.items[0].verb)) {
		rc = 0;
		goto out;
	}
	if ((coord = pool_is_coordinator(cw, m, sender_id, err, errlen)) <= 0) {
		rc = coord;
		goto out;
	}
	*handled = 1;
	trusted = trust_auth_pass(m, &cw->cfg->network.authserv_id,
	    m->from.address);
	log_info("message <%s> from %s: pool commands in a new mail%s",
	    m->message_id ? m->message_id : "", m->from.address, trusted ? "" :
	    ", sender not verified");
	/* A coordinator of the configuration may not be a person yet; the
	 * answer and the events need one. */
	if (sender_id == 0 && person_ensure(cw->st, m->from.address,
	    m->from.name, cw->now, &sender_id, err, errlen) != 0)
		goto out;
	if (case_link_message(cw->st, mail->msg_id, 0, sender_id, "none", err,
	    errlen) != 0)
		goto out;
	rc = pool_run(cw, mail, sender_id, 0, trusted, &cl, err, errlen);
out:
	mailcmd_list_free(&cl);
	return rc;
}
