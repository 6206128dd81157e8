/*
 * witness.c — the holder's OUI or NON to sharing their experience; see
 * witness.h.
 *
 * The answer may come more than once (a NON to the closing mail, an OUI
 * to a later mail of the same thread): the latest is the holder's will,
 * and it replaces the row of this case.  A holder who changes their mind
 * is never suggested against it (testimony_db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/witness.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/job_db.h"
#include "store/testimony_db.h"

int
witness_answer(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	int yes = cmd->verb == CMD_OUI;
	const char *kv[] = { "answer", yes ? "yes" : "no" };
	struct tpl_data *d;
	char *themes;
	int rc;

	if (strcmp(x->c.state, "closed") != 0 || x->c.holder_id == 0 ||
	    x->c.holder_id != x->sender.id) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	if (testimony_answer(x->cw->st, x->c.id, x->sender.id, yes,
	    x->cw->now, err, errlen) != 0 ||
	    job_close(x->cw->st, "testimony", x->c.id, x->sender.id,
	    x->cw->now, err, errlen) != 0 ||
	    cmdctx_event(x, "testimony_answer", kv, 2, err, errlen) != 0)
		return -1;
	log_info("%s: %s %s to share their experience", x->c.ref,
	    x->sender.email, yes ? "agrees" : "declines");
	themes = casemail_themes_text(x->cw, x->c.themes);
	d = tpl_data_new();
	tpl_set_bool(d, "accepted", yes);
	tpl_set(d, "themes", themes);
	rc = cmdctx_answer(x, "testimony_thanks", d, err, errlen);
	tpl_data_free(d);
	free(themes);
	return rc;
}
