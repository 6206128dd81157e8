/*
 * admin.c — the administrator's actions on a case; see admin.h.
 *
 * The actions build the struct cmd_ctx a mail command's effect gets,
 * with no mail (msg_id 0) and no sender (id 0), and call the effect.
 * Which events the effect wrote is known by their ids: every event row
 * after the last one before the action belongs to it, since the action
 * runs in one write transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "casework/admin.h"
#include "casework/cmd_context.h"
#include "casework/decision.h"
#include "config/config.h"
#include "parse/mailcmd.h"
#include "store/case_db.h"
#include "store/person_db.h"
#include "store/store.h"

/* A case as an effect sees it when the administrator acts on it. */
struct admin_case {
	struct cmd_ctx	 x;
	struct cw_mail	 mail;
	int64_t		 last_event;	/* before the action */
};

static void
admin_case_free(struct admin_case *a)
{
	case_row_free(&a->x.c);
}

/* Loads case `ref` into a: 0, 1 (no such case, err), -1. */
static int
admin_load(struct casework *cw, const char *ref, struct admin_case *a,
    char *err, size_t errlen)
{
	int64_t id = 0;
	int rc;

	memset(a, 0, sizeof(*a));
	rc = case_find_ref(cw->st, ref, &id, err, errlen);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "%s: no such case (see "
			    "'coupdepouce case list')", ref);
		return rc < 0 ? -1 : 1;
	}
	if (case_load(cw->st, id, &a->x.c, err, errlen) != 1 ||
	    store_get_int64(cw->st, &a->last_event, "events", "SELECT "
	    "coalesce(max(id), 0) FROM events", NULL, 0, err, errlen) != 1)
		return -1;
	a->mail.new_text = "";
	a->x.cw = cw;
	a->x.mail = &a->mail;
	a->x.coordinator = 1;
	snprintf(a->x.role, sizeof(a->x.role), "coordinator");
	/* The mails name the network as the one who acted (the transfer
	 * mail's "previous_name"): the administrator acts for it. */
	snprintf(a->x.sender.name, sizeof(a->x.sender.name), "%s",
	    cw->cfg->network.name);
	snprintf(a->x.sender.email, sizeof(a->x.sender.email), "%s",
	    cw->cfg->network.contact);
	return 0;
}

/* Every event the action wrote says the administrator did it. */
static int
admin_sign(struct admin_case *a, char *err, size_t errlen)
{
	return store_run(a->x.cw->st, "events by admin", "UPDATE events SET "
	    "details = json_set(coalesce(details, '{}'), '$.by', 'admin') "
	    "WHERE id > ?1", STORE_ARGS(STORE_INT(a->last_event)), err,
	    errlen);
}

/* 1 (with err) when the case is a volunteer offer or has ended. */
static int
admin_refuse_kind_state(const struct case_row *c, const char *what,
    char *err, size_t errlen)
{
	if (strcmp(c->kind, "volunteer") == 0) {
		snprintf(err, errlen, "%s: a volunteer offer cannot be %s "
		    "(coordinators answer it by mail: ACCEPTER or REFUSER)",
		    c->ref, what);
		return 1;
	}
	if (!case_state_open(c->state)) {
		snprintf(err, errlen, "%s: already ended (%s)", c->ref,
		    c->state);
		return 1;
	}
	return 0;
}

/* 1 (with err) unless `email` is an active referent; sets *id. */
static int
admin_check_referent(struct casework *cw, const char *email, int64_t *id,
    char *err, size_t errlen)
{
	int64_t active = 0;
	int rc;

	rc = person_find(cw->st, email, id, err, errlen);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "%s: nobody with this address "
			    "(see 'coupdepouce person list')", email);
		return rc < 0 ? -1 : 1;
	}
	rc = person_has_role(cw->st, *id, "referent", err, errlen);
	if (rc <= 0) {
		if (rc == 0)
			snprintf(err, errlen, "%s: not a referent", email);
		return rc < 0 ? -1 : 1;
	}
	if (store_get_int64(cw->st, &active, "person", "SELECT active FROM "
	    "persons WHERE id = ?1", STORE_ARGS(STORE_INT(*id)), err,
	    errlen) != 1)
		return -1;
	if (!active) {
		snprintf(err, errlen, "%s: inactive (see 'coupdepouce person "
		    "list')", email);
		return 1;
	}
	return 0;
}

int
admin_assign(struct casework *cw, const char *ref, const char *email,
    char *err, size_t errlen)
{
	struct admin_case a;
	struct mailcmd cmd;
	struct cmd_res res;
	char addr[PERSON_EMAIL_MAX], *addrs[1] = { addr };
	int64_t id = 0;
	int rc;

	if (person_normalize_email(email, addr, sizeof(addr)) != 0) {
		snprintf(err, errlen, "%s: not a mail address", email);
		return 1;
	}
	if ((rc = admin_load(cw, ref, &a, err, errlen)) != 0)
		return rc;
	if ((rc = admin_refuse_kind_state(&a.x.c, "assigned", err,
	    errlen)) != 0 ||
	    (rc = admin_check_referent(cw, addr, &id, err, errlen)) != 0)
		goto out;
	if (id == a.x.c.referent_id) {
		snprintf(err, errlen, "%s: %s is already its referent",
		    a.x.c.ref, addr);
		rc = 1;
		goto out;
	}
	memset(&cmd, 0, sizeof(cmd));
	memset(&res, 0, sizeof(res));
	cmd.verb = CMD_TRANSFERER;
	cmd.addresses = addrs;
	cmd.naddresses = 1;
	rc = -1;
	if (decision_transfer(&a.x, &cmd, &res, err, errlen) != 0)
		goto out;
	if (res.outcome != CMDOUT_OK) {
		snprintf(err, errlen, "%s: cannot be given to %s", a.x.c.ref,
		    addr);
		rc = 1;
		goto out;
	}
	rc = admin_sign(&a, err, errlen);
out:
	admin_case_free(&a);
	return rc;
}

int
admin_note(struct casework *cw, const char *ref, const char *text,
    char *err, size_t errlen)
{
	struct admin_case a;
	const char *kv[] = { "text", text, "by", "admin" };
	int rc;

	if ((rc = admin_load(cw, ref, &a, err, errlen)) != 0)
		return rc;
	rc = case_event(cw->st, a.x.c.id, 0, "note", 0, kv, 4, cw->now, err,
	    errlen);
	admin_case_free(&a);
	return rc;
}

int
admin_close(struct casework *cw, const char *ref, const char *reason,
    char *err, size_t errlen)
{
	struct admin_case a;
	struct mailcmd cmd;
	struct cmd_res res;
	char *text = NULL;
	int rc;

	if ((rc = admin_load(cw, ref, &a, err, errlen)) != 0)
		return rc;
	if ((rc = admin_refuse_kind_state(&a.x.c, "closed", err,
	    errlen)) != 0)
		goto out;
	if (strcmp(a.x.c.state, "new") == 0) {
		/* CLOTURER thanks the holder for a support that never
		 * began: the case needs a referent first. */
		snprintf(err, errlen, "%s: new, nobody has analysed it yet "
		    "(give it a referent first: case assign)", a.x.c.ref);
		rc = 1;
		goto out;
	}
	memset(&cmd, 0, sizeof(cmd));
	memset(&res, 0, sizeof(res));
	cmd.verb = CMD_CLOTURER;
	if (reason != NULL && *reason != '\0')
		cmd.text = text = xstrdup(reason);
	rc = -1;
	if (decision_close(&a.x, &cmd, &res, err, errlen) != 0)
		goto out;
	if (res.outcome != CMDOUT_OK) {
		snprintf(err, errlen, "%s: cannot be closed in state %s",
		    a.x.c.ref, a.x.c.state);
		rc = 1;
		goto out;
	}
	rc = admin_sign(&a, err, errlen);
out:
	free(text);
	admin_case_free(&a);
	return rc;
}
