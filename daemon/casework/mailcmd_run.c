/*
 * mailcmd_run.c — the mail commands of a reply about a case; see
 * mailcmd_run.h.
 *
 * Only what is proper to a reply about a case is here: the sender's
 * roles in the case, trust, and telling the referent of commands that
 * could not be run.  The table, the running and the transcript are
 * shared with the pool runner in cmd_exec.c; what the effects need from
 * the case is in cmd_context.c, so that no effect depends back on a
 * runner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/cmd_exec.h"
#include "casework/mailcmd_run.h"
#include "config/config.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/store.h"
#include "thread/match.h"
#include "thread/trust.h"

/* The referent (or the coordinators) told that commands came in a mail
 * we could not tie to its sender. */
static int
notify_untrusted(struct cmd_ctx *x, const struct mailcmd_list *cl,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0;
	int rc;

	/* The referent is told even when the mail claims to be theirs:
	 * then it is their address that someone is using. */
	if (casemail_followers(x->cw, x->c.referent_id, &to, &nto, err,
	    errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "sender_name", x->sender.name);
	tpl_set(d, "sender_address", x->sender.email[0] ? x->sender.email :
	    x->mail->m->from.address);
	tpl_set(d, "subject", x->mail->m->subject);
	tpl_list_init(d, "lines");
	for (size_t i = 0; i < cl->n; i++)
		tpl_set(tpl_list_add(d, "lines"), "line", cl->items[i].line);
	rc = casemail_send(x->cw, "untrusted_notice", d, "recipient_name",
	    x->c.ref, x->c.id, to, nto, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

/* A verified token with its person's From, or the tag with our server's
 * pass; and in both cases no failure our server saw for the From domain
 * (*forged), since a token travels with the mails that show it
 * (trust.h). */
static int
is_trusted(const struct cmd_ctx *x, const struct thread_match *tm,
    int *forged)
{
	const struct message *m = x->mail->m;
	const struct config_strlist *ids = &x->cw->cfg->network.authserv_id;

	*forged = trust_auth_fail(m, ids, m->from.address);
	if (*forged)
		return 0;
	if (tm->how == THREAD_TOKEN && tm->from_bound)
		return 1;
	return x->sender.id != 0 && trust_auth_pass(m, ids, m->from.address);
}

/* After each command: the case and the roles as it left them. */
static int
mailcmd_refresh(struct cmd_ctx *x, char *err, size_t errlen)
{
	int64_t id = x->c.id;

	case_row_free(&x->c);
	if (case_load(x->cw->st, id, &x->c, err, errlen) != 1)
		return -1;
	return cmdexec_roles(x, err, errlen);
}

int
mailcmd_run(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, const struct mailcmd_list *cl, int *ran,
    char *err, size_t errlen)
{
	struct cmd_ctx x;
	struct tpl_data *d = NULL;
	int rc = -1, failed = 0, want = 0, trusted, forged;

	*ran = 0;
	memset(&x, 0, sizeof(x));
	x.cw = cw;
	x.mail = mail;
	x.answered = tm->how == THREAD_TOKEN ? tm->outbox_id : 0;
	if (case_load(cw->st, tm->case_id, &x.c, err, errlen) != 1)
		return -1;
	if (cmdexec_sender(&x, tm->sender_id, err, errlen) != 0)
		goto out;
	if (cl->n == 0 || !cmdexec_applies(cl, x.roles)) {
		rc = 0;
		goto out;
	}
	*ran = 1;
	d = tpl_data_new();
	tpl_set(d, "subject", mail->m->subject);
	tpl_list_init(d, "results");
	trusted = is_trusted(&x, tm, &forged);
	if (cmdexec_all(&x, cl, trusted, mailcmd_refresh, d, &failed, &want,
	    err, errlen) != 0)
		goto out;
	if (!trusted) {
		const char *kv[] = { "reason", forged ? "authentication "
		    "failed" : "sender not verified", "lines", NULL };
		char *lines = cmdexec_join_lines(cl);
		int bad;

		log_notice("%s: commands from %s not run: %s", x.c.ref,
		    x.sender.email, forged ? "our server found its "
		    "authentication failed for the From domain" : "no "
		    "verified token and no trusted authentication result");
		tpl_set_bool(d, "untrusted", 1);
		kv[3] = lines;
		bad = cmdctx_event(&x, "commands_refused", kv, 4, err,
		    errlen) != 0 || case_flag(cw->st, x.c.id,
		    CASE_FLAG_UNTRUSTED, err, errlen) != 0 ||
		    notify_untrusted(&x, cl, err, errlen) != 0;
		free(lines);
		if (bad)
			goto out;
	}
	/* A failed authentication has its own answer: the sender did
	 * answer our mail, the usual advice would not help them. */
	if (forged ? cmdctx_answer(&x, "auth_failed", d, err, errlen) != 0 :
	    cmdexec_transcript(&x, d, failed, want, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	tpl_data_free(d);
	case_row_free(&x.c);
	return rc;
}
