/*
 * cmd_context.c — the helpers every command effect shares; see
 * cmd_context.h.
 *
 * They were once in the command runner, which the effects then had to
 * call back; here they depend only on the store and on case_mail.c, so
 * that the runner depends on the effects and the effects on this file,
 * never the other way.  The people of a case are read in one order
 * everywhere (holder, reporter, referent, then the privileged contact,
 * then volunteers): the order group mails and STATUT name them in
 * (casemail_group() for the mails, the same ORDER BY here for STATUT).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "out/template.h"
#include "store/job_db.h"
#include "store/person_db.h"
#include "store/store.h"

int
cmdctx_event(struct cmd_ctx *x, const char *kind, const char *const *kv,
    size_t nkv, char *err, size_t errlen)
{
	if (x->c.id == 0)
		return person_event(x->cw->st, x->sender.id, x->coordinator ?
		    PERSON_BY_MAIL : PERSON_BY_SELF, x->sender.id, kind,
		    x->mail->msg_id, kv, nkv, x->cw->now, err, errlen);
	return case_event(x->cw->st, x->c.id, x->sender.id, kind,
	    x->mail->msg_id, kv, nkv, x->cw->now, err, errlen);
}

int
cmdctx_set_state(struct cmd_ctx *x, const char *state, const char *reason,
    char *err, size_t errlen)
{
	const char *kv[] = { "from", x->c.state, "to", state, "reason",
	    reason };
	char what[128];

	snprintf(what, sizeof(what), "state %s", state);
	if (store_run(x->cw->st, what, "UPDATE cases SET state = ?2, "
	    "state_since = ?3, updated_at = ?3, closed_at = CASE WHEN ?4 "
	    "THEN ?3 ELSE NULL END, reason = CASE WHEN ?5 IS NOT NULL "
	    "THEN ?5 ELSE reason END WHERE id = ?1",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_TEXT(state),
	    STORE_INT(x->cw->now), STORE_INT(!case_state_open(state)),
	    STORE_TEXT(reason && *reason ? reason : NULL)), err, errlen) != 0 ||
	    cmdctx_event(x, "state", kv, 6, err, errlen) != 0)
		return -1;
	/* A case that ends needs no more reminders; what follows an end
	 * (the testimony request) is planned after this call. */
	if (!case_state_open(state) && job_close(x->cw->st, NULL, x->c.id, 0,
	    x->cw->now, err, errlen) != 0)
		return -1;
	snprintf(x->c.state, sizeof(x->c.state), "%s", state);
	return 0;
}

int
cmdctx_group(struct cmd_ctx *x, int which, struct cw_person **out,
    size_t *n, char *err, size_t errlen)
{
	return casemail_group(x->cw, x->c.id, which, out, n, err, errlen);
}

int
cmdctx_members(struct cmd_ctx *x, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	tpl_list_init(d, "members");
	s = store_query(x->cw->st, "SELECT p.name, p.email, m.role, "
	    "m.status, m.person_id = coalesce(c.contact_id, 0) FROM "
	    "case_members m JOIN persons p ON p.id = m.person_id JOIN cases "
	    "c ON c.id = m.case_id WHERE m.case_id = ?1 AND m.status IN "
	    "('accepted', 'invited', 'declined') ORDER BY CASE m.role WHEN "
	    "'holder' THEN 1 WHEN 'reporter' THEN 2 WHEN 'referent' THEN 3 "
	    "ELSE 4 END, 5 DESC, p.id", STORE_ARGS(STORE_INT(x->c.id)), err,
	    errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct tpl_data *it = tpl_list_add(d, "members");
		const char *role = store_col_text(s, 2);
		const char *status = store_col_text(s, 3);

		/* No name: the template shows the address alone, not twice. */
		tpl_set(it, "name", store_col_text(s, 0));
		tpl_set(it, "address", store_col_text(s, 1));
		tpl_set_bool(it, "is_holder", strcmp(role, "holder") == 0 ||
		    strcmp(role, "reporter") == 0);
		tpl_set_bool(it, "is_referent", strcmp(role, "referent") == 0);
		tpl_set_bool(it, "is_volunteer", strcmp(role, "volunteer") ==
		    0);
		tpl_set_bool(it, "is_contact", store_col_int64(s, 4) != 0);
		tpl_set_bool(it, "invited", strcmp(status, "invited") == 0);
		tpl_set_bool(it, "accepted", strcmp(status, "accepted") == 0);
		tpl_set_bool(it, "declined", strcmp(status, "declined") == 0);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(x->cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

const char *
cmdctx_sender_name(const struct cmd_ctx *x)
{
	return x->sender.name[0] ? x->sender.name : x->sender.email;
}

void
cmdctx_format_when(long long t, int has_time, char *date, size_t datelen,
    char *tm, size_t tmlen)
{
	time_t tt = (time_t)t;
	struct tm lt;

	localtime_r(&tt, &lt);
	strftime(date, datelen, "%d/%m/%Y", &lt);
	if (has_time)
		strftime(tm, tmlen, "%Hh%M", &lt);
	else if (tmlen)
		tm[0] = '\0';
}

int
cmdctx_answer(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    char *err, size_t errlen)
{
	int rc;

	if (x->sender.email[0] == '\0')
		return 0;
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "recipient_name", x->sender.name);
	rc = casemail_reply(x->cw, x->mail->m, tpl, d, x->c.ref, x->c.id,
	    &x->sender, err, errlen);
	/* Over the daily cap (rc 1), casemail_reply logged and recorded
	 * it: the command's effect stands without its answer. */
	return rc < 0 ? -1 : 0;
}

int
cmdctx_send(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    const struct cw_person *to, size_t n, char *err, size_t errlen)
{
	tpl_set(d, "ref", x->c.ref);
	return casemail_send(x->cw, tpl, d, "recipient_name", x->c.ref,
	    x->c.id, to, n, err, errlen);
}
