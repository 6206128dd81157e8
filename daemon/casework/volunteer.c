/*
 * volunteer.c — volunteer applications and the charter (DESIGN.md §3):
 * coordinators accept or refuse an application; an accepted volunteer
 * joins the pool and signs the ethics and trust charter by mail (or by
 * accepting an invitation that carried it).  Someone invited from
 * outside the pool joins it by accepting the invitation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/volunteer.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/person_db.h"
#include "store/store.h"

int
volunteer_sign(struct cmd_ctx *x, char *err, size_t errlen)
{
	if (store_run(x->cw->st, NULL, "UPDATE persons SET charter_signed_at "
	    "= ?2, updated_at = ?2 WHERE id = ?1 AND charter_signed_at IS "
	    "NULL", STORE_ARGS(STORE_INT(x->sender.id), STORE_INT(x->cw->now)),
	    err, errlen) != 0)
		return -1;
	if (store_changes(x->cw->st) > 0)
		return cmdctx_event(x, "charter_signed", NULL, 0, err, errlen);
	return 0;
}

int
volunteer_join(struct cmd_ctx *x, char *err, size_t errlen)
{
	const char *kv[] = { "ref", x->c.ref, "via", "invitation" };
	struct store_stmt *s;
	struct tpl_data *d;
	char *themes;
	int rc;

	/* The case's themes and commune describe what the newcomer agreed
	 * to help with; they only fill lists the person has not got yet,
	 * never replace what a coordinator or the people file gave. */
	if (person_add_role(x->cw->st, x->sender.id, "volunteer",
	    PERSON_SRC_DB, x->cw->now, err, errlen) != 0 ||
	    store_run(x->cw->st, "joining the pool", "UPDATE persons SET "
	    "themes = CASE WHEN themes = '[]' AND json_valid(?2) THEN "
	    "json(?2) ELSE themes END, communes = CASE WHEN communes = '[]' "
	    "AND ?3 IS NOT NULL THEN json_array(?3) ELSE communes END, "
	    "updated_at = ?4 WHERE id = ?1", STORE_ARGS(STORE_INT(x->sender.id),
	    STORE_TEXT(x->c.themes ? x->c.themes : "[]"),
	    STORE_TEXT(x->c.commune),
	    STORE_INT(x->cw->now)), err, errlen) != 0 ||
	    person_event(x->cw->st, x->sender.id, PERSON_BY_SELF, x->sender.id,
	    "joined_pool", x->mail->msg_id, kv, 4, x->cw->now, err,
	    errlen) != 0)
		return -1;
	/* The welcome shows their lists as they are now, filled or kept. */
	s = store_query(x->cw->st, "SELECT themes, (SELECT group_concat("
	    "value, ', ') FROM json_each(communes)) FROM persons WHERE id = "
	    "?1", STORE_ARGS(STORE_INT(x->sender.id)), err, errlen);
	if (s == NULL)
		return -1;
	d = tpl_data_new();
	if (store_step(s) == STORE_ROW) {
		themes = casemail_themes_text(x->cw, store_col_text(s, 0));
		tpl_set(d, "themes", themes);
		tpl_set(d, "communes", store_col_text(s, 1));
		free(themes);
	}
	store_finalize(s);
	rc = cmdctx_answer(x, "pool_joined", d, err, errlen);
	tpl_data_free(d);
	return rc;
}

/* The applicant of a volunteer case, and whether it is still open. */
static int
volunteer_applicant(struct cmd_ctx *x, struct cw_person *a,
    struct cmd_res *res, char *err, size_t errlen)
{
	if (!case_state_open(x->c.state) || x->c.holder_id == 0) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 1;
	}
	return casemail_person(x->cw, x->c.holder_id, a, err, errlen);
}

static int
volunteer_tell(struct cmd_ctx *x, const char *tpl, const struct cw_person *a,
    const char *reason, char *err, size_t errlen)
{
	struct tpl_data *d = tpl_data_new();
	int rc;

	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "reason", reason);
	rc = casemail_send(x->cw, tpl, d, "volunteer_name", x->c.ref, x->c.id,
	    a, 1, err, errlen);
	tpl_data_free(d);
	return rc;
}

int
volunteer_accept(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct cw_person a;
	int rc;

	(void)cmd;
	rc = volunteer_applicant(x, &a, res, err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	res->outcome = CMDOUT_OK;
	snprintf(res->detail, sizeof(res->detail), "%s", a.email);
	/* In the pool from now on; the charter comes with the welcome and
	 * is signed by mail. */
	if (person_add_role(x->cw->st, a.id, "volunteer", PERSON_SRC_DB,
	    x->cw->now, err, errlen) != 0 ||
	    cmdctx_set_state(x, "closed", NULL, err, errlen) != 0)
		return -1;
	return volunteer_tell(x, "volunteer_accepted", &a, NULL, err, errlen);
}

int
volunteer_refuse(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct cw_person a;
	int rc;

	rc = volunteer_applicant(x, &a, res, err, errlen);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	res->outcome = CMDOUT_OK;
	snprintf(res->detail, sizeof(res->detail), "%s", a.email);
	if (cmdctx_set_state(x, "ineligible", cmd->text, err, errlen) != 0)
		return -1;
	return volunteer_tell(x, "volunteer_refused", &a, cmd->text, err,
	    errlen);
}

int
volunteer_charter(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct tpl_data *d;
	int64_t already = 0;
	int rc;

	(void)cmd;
	res->outcome = CMDOUT_OK;
	if (store_get_int64(x->cw->st, &already, "charter", "SELECT "
	    "charter_signed_at IS NOT NULL FROM persons WHERE id = ?1",
	    STORE_ARGS(STORE_INT(x->sender.id)), err, errlen) < 0 ||
	    volunteer_sign(x, err, errlen) != 0)
		return -1;
	/* A signature is a step into the network: it is welcomed in
	 * words, not with a transcript of the command. */
	d = tpl_data_new();
	tpl_set_bool(d, "already", already != 0);
	rc = cmdctx_answer(x, "charter_signed", d, err, errlen);
	tpl_data_free(d);
	if (rc == 0)
		res->replied = 1;
	return rc;
}
