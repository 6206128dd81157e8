/*
 * merge.c — FUSIONNER; see merge.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/merge.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/case_db.h"
#include "store/store.h"

/* Moves the case's incoming mails, but the command's own, which belongs
 * to the case it decides. */
static int
merge_messages(struct cmd_ctx *x, int64_t into, char *err, size_t errlen)
{
	return store_run(x->cw->st, "merge messages", "UPDATE messages SET "
	    "case_id = ?1 WHERE case_id = ?2 AND direction = 'in' AND id "
	    "<> ?3", STORE_ARGS(STORE_INT(into), STORE_INT(x->c.id),
	    STORE_INT(x->mail->msg_id)), err, errlen);
}

/* The holder learns, in the thread of the case that goes on, that their
 * mail joined it: their answers then reach the right case. */
static int
merge_tell_holder(struct cmd_ctx *x, const struct case_row *into,
    char *err, size_t errlen)
{
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t n = 0;
	int rc;

	if (cmdctx_group(x, GROUP_HOLDER, &to, &n, err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", into->ref);
	tpl_set(d, "old_ref", x->c.ref);
	tpl_set(d, "subject", x->c.subject);
	rc = casemail_send(x->cw, "merged", d, "recipient_name", into->ref,
	    into->id, to, n, err, errlen);
	tpl_data_free(d);
	free(to);
	return rc;
}

int
merge_case(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct case_row into;
	char reason[64];
	const char *kv_from[] = { "into", cmd->text };
	const char *kv_into[] = { "from", x->c.ref };
	int64_t id = 0;
	int rc;

	snprintf(res->detail, sizeof(res->detail), "%s", cmd->text);
	if (strcmp(x->c.state, "new") != 0 &&
	    strcmp(x->c.state, "analysis") != 0) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	rc = case_find_ref(x->cw->st, cmd->text, &id, err, errlen);
	if (rc < 0)
		return -1;
	memset(&into, 0, sizeof(into));
	if (rc == 0 || id == x->c.id ||
	    (rc = case_load(x->cw->st, id, &into, err, errlen)) <= 0 ||
	    !case_state_open(into.state)) {
		if (rc < 0)
			return -1;
		case_row_free(&into);
		res->outcome = CMDOUT_NOT_FOUND;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	snprintf(reason, sizeof(reason), "fusionné avec %s", into.ref);
	rc = -1;
	if (merge_messages(x, into.id, err, errlen) != 0 ||
	    cmdctx_event(x, "merged", kv_from, 2, err, errlen) != 0 ||
	    case_event(x->cw->st, into.id, x->sender.id, "merged",
	    x->mail->msg_id, kv_into, 2, x->cw->now, err, errlen) != 0 ||
	    cmdctx_set_state(x, "withdrawn", reason, err, errlen) != 0 ||
	    merge_tell_holder(x, &into, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	case_row_free(&into);
	return rc;
}
