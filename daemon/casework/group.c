/*
 * group.c — forming the support group: invitations, answers, the
 * privileged contact, and the introduction once the group is complete
 * (DESIGN.md §1 step 3, §5).
 *
 * The group is complete when a privileged contact is designated and no
 * invitation waits for an answer; the introduction goes out once, at
 * that moment: one copy per member, each bound to its recipient, with
 * everyone in Cc so that they can write to each other directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/group.h"
#include "casework/volunteer.h"
#include "config/config.h"
#include "out/compose.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "store/job_db.h"
#include "store/person_db.h"
#include "store/store.h"

static const char *const open_group[] = { "forming", "meeting", "active",
	NULL };

static int
group_state_ok(const struct cmd_ctx *x)
{
	for (size_t i = 0; open_group[i]; i++)
		if (strcmp(x->c.state, open_group[i]) == 0)
			return 1;
	return 0;
}

/* Runs a query with ?1 = case and ?2 = person, returning one integer
 * (0 when no row). */
static int
group_int(struct cmd_ctx *x, const char *sql, int64_t person_id,
    long long *out, char *err, size_t errlen)
{
	int64_t v = 0;
	int rc;

	/* A NULL value reads as 0. */
	rc = store_get_int64(x->cw->st, &v, NULL, sql,
	    STORE_ARGS(STORE_INT(x->c.id), STORE_INT(person_id)), err, errlen);
	*out = v;
	return rc < 0 ? -1 : 0;
}

/* Runs an update with ?1 = case, ?2 = person, ?3 = now. */
static int
group_exec(struct cmd_ctx *x, const char *sql, int64_t person_id,
    char *err, size_t errlen)
{
	return store_run(x->cw->st, NULL, sql, STORE_ARGS(STORE_INT(x->c.id),
	    STORE_INT(person_id), STORE_INT(x->cw->now)), err, errlen);
}

/* Invitation: the initiative, the charter for who has not signed, and
 * for a newcomer what the network is. */
static int
group_send_invitation(struct cmd_ctx *x, const struct cw_person *v,
    int needs_charter, int newcomer, char *err, size_t errlen)
{
	struct cw_person ref;
	struct store_stmt *s;
	struct tpl_data *d;
	char *themes;
	int rc;

	memset(&ref, 0, sizeof(ref));
	if (x->c.referent_id && casemail_person(x->cw, x->c.referent_id, &ref,
	    err, errlen) != 0)
		return -1;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
	tpl_set(d, "referent_address", ref.email);
	tpl_set(d, "subject", x->c.subject);
	tpl_set(d, "commune", x->c.commune);
	themes = casemail_themes_text(x->cw, x->c.themes);
	tpl_set(d, "themes", themes);
	free(themes);
	tpl_set_bool(d, "needs_charter", needs_charter);
	tpl_set_bool(d, "newcomer", newcomer);
	tpl_set_int(d, "answer_days", x->cw->cfg->timers.invitation_reminder);
	s = store_query(x->cw->st, "SELECT new_text FROM messages WHERE "
	    "case_id = ?1 AND matched_by = 'new' ORDER BY id LIMIT 1",
	    STORE_ARGS(STORE_INT(x->c.id)), err, errlen);
	if (s == NULL) {
		tpl_data_free(d);
		return -1;
	}
	if (store_step(s) == STORE_ROW)
		tpl_set(d, "request_text", store_col_text(s, 0));
	store_finalize(s);
	rc = casemail_send(x->cw, "invitation", d, "volunteer_name", x->c.ref,
	    x->c.id, v, 1, err, errlen);
	tpl_data_free(d);
	return rc;
}

/* What the network knows of a person about to be invited. */
struct invitee {
	int64_t		 id;
	int		 active;
	int		 unavailable;	/* now */
	long long	 until;		/* unavailable until then; 0: until
					 * further notice */
	int		 signed_charter;
	int		 in_pool;	/* network role 'volunteer' */
	char		 status[16];	/* in this group; "" if not in it */
};

static int
group_invitee(struct cmd_ctx *x, struct invitee *p, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	s = store_query(x->cw->st, "SELECT p.active, p.unavailable = 1 AND "
	    "coalesce(p.unavailable_until > ?3, 1), coalesce("
	    "p.unavailable_until, 0), p.charter_signed_at IS NOT NULL, "
	    "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id "
	    "AND r.role = 'volunteer'), coalesce((SELECT m.status FROM "
	    "case_members m WHERE m.case_id = ?1 AND m.person_id = p.id AND "
	    "m.role = 'volunteer'), '') FROM persons p WHERE p.id = ?2",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_INT(p->id),
	    STORE_INT(x->cw->now)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		p->active = (int)store_col_int64(s, 0);
		p->unavailable = (int)store_col_int64(s, 1);
		p->until = store_col_int64(s, 2);
		p->signed_charter = (int)store_col_int64(s, 3);
		p->in_pool = (int)store_col_int64(s, 4);
		snprintf(p->status, sizeof(p->status), "%s",
		    store_col_text(s, 5));
	} else
		snprintf(err, errlen, "person %lld: %s", (long long)p->id,
		    rc == STORE_DONE ? "not found" : store_errmsg(x->cw->st));
	store_finalize(s);
	return rc == STORE_ROW ? 0 : -1;
}

/* Why this person is not invited (a transcript flag of cmd_context.h's
 * cmd_addr), or NULL when they may be. */
static const char *
group_refusal(const struct cmd_ctx *x, const struct invitee *p)
{
	if (p->id == x->c.holder_id)
		return "is_holder";
	if (p->id == x->c.referent_id)
		return "is_referent";
	if (strcmp(p->status, "invited") == 0)
		return "already_invited";
	if (strcmp(p->status, "accepted") == 0)
		return "already_member";
	if (!p->active)
		return "inactive";
	if (p->unavailable)
		return "unavailable";
	return NULL;
}

/* Invites one address, or says in *a why not.  Someone the network does
 * not know yet becomes a person, invited as a newcomer: the invitation
 * says what the network is and carries the charter, and their OUI puts
 * them in the pool (group_answer()). */
static int
group_invite_one(struct cmd_ctx *x, const char *address, const char *name,
    struct cmd_addr *a, char *err, size_t errlen)
{
	const struct config *cfg = x->cw->cfg;
	struct invitee p;
	struct cw_person v;
	const char *kv[4] = { "address", address, "newcomer", "yes" };
	int found;

	memset(&p, 0, sizeof(p));
	snprintf(a->address, sizeof(a->address), "%s", address);
	/* Our own address would invite the daemon to answer itself. */
	if (strcasecmp(address, cfg->network.contact) == 0) {
		a->flag = "is_network";
		return 0;
	}
	/* The name the referent wrote ("Marie Dupont <m@x.fr>") greets a
	 * newcomer and fills a known person's empty name, never replaces
	 * one. */
	found = person_find(x->cw->st, address, &p.id, err, errlen);
	if (found < 0 || ((found == 0 || name != NULL) &&
	    person_ensure(x->cw->st, address, name, x->cw->now, &p.id, err,
	    errlen) != 0) ||
	    group_invitee(x, &p, err, errlen) != 0)
		return -1;
	if ((a->flag = group_refusal(x, &p)) != NULL) {
		if (p.unavailable && p.until != 0)
			cmdctx_format_when(p.until, 0, a->until,
			    sizeof(a->until), NULL, 0);
		return 0;
	}
	a->flag = "invited";
	a->flag2 = p.in_pool ? NULL : "newcomer";
	if (casemail_person(x->cw, p.id, &v, err, errlen) != 0 ||
	    case_add_member(x->cw->st, x->c.id, p.id, "volunteer", "invited",
	    x->cw->now, err, errlen) != 0 ||
	    job_add(x->cw->st, "invitation_reminder", x->c.id, p.id,
	    x->cw->now + cfg->timers.invitation_reminder * 86400LL, NULL,
	    x->cw->now, err, errlen) != 0 ||
	    job_add(x->cw->st, "invitation_expiry", x->c.id, p.id,
	    x->cw->now + cfg->timers.invitation_expiry * 86400LL, NULL,
	    x->cw->now, err, errlen) != 0 ||
	    cmdctx_event(x, "invited", kv, p.in_pool ? 2 : 4, err,
	    errlen) != 0)
		return -1;
	return group_send_invitation(x, &v, !p.signed_charter, !p.in_pool,
	    err, errlen);
}

/*
 * Each address is invited on its own: a typo or an unavailable person
 * must not hold back the others, and the transcript says, address by
 * address, who was invited and why the others were not.  The command is
 * done (CMDOUT_OK) when at least one invitation went out, or when every
 * address was already invited or in the group (nothing left to do).
 * When no invitation went out and some address needs the sender's
 * attention (not an address, the holder or referent, the network's own
 * address, inactive, unavailable), it is CMDOUT_NOT_FOUND: the
 * transcript then lists the reasons and the commands after it are not
 * run, as after any failed command.
 */
int
group_invite(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	int invited = 0, blocked = 0;

	if (!group_state_ok(x)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	for (size_t i = 0; i < cmd->naddresses && res->naddrs <
	    CMD_MAX_ADDRS; i++) {
		struct cmd_addr *a = &res->addrs[res->naddrs++];

		if (group_invite_one(x, cmd->addresses[i],
		    cmd->address_names ? cmd->address_names[i] : NULL, a, err,
		    errlen) != 0)
			return -1;
		if (strcmp(a->flag, "invited") == 0)
			invited++;
		else if (strcmp(a->flag, "already_invited") != 0 &&
		    strcmp(a->flag, "already_member") != 0)
			blocked++;
	}
	for (size_t i = 0; i < cmd->nrejected && res->naddrs <
	    CMD_MAX_ADDRS; i++) {
		struct cmd_addr *a = &res->addrs[res->naddrs++];

		snprintf(a->address, sizeof(a->address), "%s",
		    cmd->rejected[i]);
		a->flag = "not_address";
		blocked++;
	}
	res->outcome = invited || !blocked ? CMDOUT_OK : CMDOUT_NOT_FOUND;
	return 0;
}

/* One copy per member, everyone else in Cc with the network's address,
 * replies going to all (no Reply-To). */
static int
group_introduce(struct cmd_ctx *x, char *err, size_t errlen)
{
	struct cw_person *to = NULL, contact, holder, ref;
	struct compose_addr *cc = NULL;
	struct tpl_data *d = NULL;
	size_t n = 0;
	int rc = -1;

	memset(&holder, 0, sizeof(holder));
	memset(&ref, 0, sizeof(ref));
	if (casemail_person(x->cw, x->c.contact_id, &contact, err, errlen) !=
	    0 || (x->c.holder_id && casemail_person(x->cw, x->c.holder_id,
	    &holder, err, errlen) != 0) || (x->c.referent_id &&
	    casemail_person(x->cw, x->c.referent_id, &ref, err, errlen) !=
	    0) || cmdctx_group(x, GROUP_HOLDER | GROUP_REFERENT |
	    GROUP_VOLUNTEERS, &to, &n, err, errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "subject", x->c.subject);
	tpl_set(d, "holder_name", holder.name);
	tpl_set(d, "holder_address", holder.email);
	tpl_set(d, "referent_name", ref.name);
	tpl_set(d, "referent_address", ref.email);
	tpl_set(d, "contact_name", contact.name[0] ? contact.name :
	    contact.email);
	tpl_set(d, "contact_address", contact.email);
	if (cmdctx_members(x, d, err, errlen) != 0)
		goto out;
	cc = xcalloc(n + 1, sizeof(*cc));
	for (size_t i = 0; i < n; i++) {
		struct mailer_mail mm;
		size_t k = 0;
		int64_t oid;
		int res;

		for (size_t j = 0; j < n; j++)
			if (j != i) {
				cc[k].name = to[j].name;
				cc[k++].address = to[j].email;
			}
		cc[k].name = x->cw->cfg->network.name;
		cc[k++].address = x->cw->cfg->network.contact;
		tpl_set(d, "recipient_name", to[i].name);
		tpl_set_bool(d, "is_holder", to[i].id == x->c.holder_id);
		memset(&mm, 0, sizeof(mm));
		mm.template = "introduction";
		mm.data = d;
		mm.case_ref = x->c.ref;
		mm.case_id = x->c.id;
		mm.person_id = to[i].id;
		mm.to_name = to[i].name;
		mm.to_addr = to[i].email;
		mm.cc = cc;
		mm.ncc = k;
		mm.no_reply_to = 1;
		res = mailer_queue(x->cw->mailer, x->cw->st, &mm, &oid, err,
		    errlen);
		if (res == OUTBOX_ERR)
			goto out;
	}
	rc = cmdctx_event(x, "introduced", NULL, 0, err, errlen);
	log_info("%s: group introduced (%zu people)", x->c.ref, n);
out:
	tpl_data_free(d);
	free(cc);
	free(to);
	return rc;
}

/* Introduces the group if it just became complete. */
static int
group_maybe_introduce(struct cmd_ctx *x, char *err, size_t errlen)
{
	long long pending, introduced;

	if (x->c.contact_id == 0)
		return 0;
	if (group_int(x, "SELECT count(*) FROM case_members WHERE case_id = "
	    "?1 AND role = 'volunteer' AND status = 'invited' AND "
	    "person_id <> ?2", 0, &pending, err, errlen) != 0 ||
	    group_int(x, "SELECT count(*) FROM events WHERE case_id = ?1 AND "
	    "kind = 'introduced' AND ?2 = ?2", 0, &introduced, err,
	    errlen) != 0)
		return -1;
	if (pending || introduced)
		return 0;
	return group_introduce(x, err, errlen);
}

int
group_answer(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	int yes = cmd->verb == CMD_OUI;
	const char *reason = yes ? NULL : (cmd->text ? cmd->text : cmd->args);
	struct tpl_data *thanks;
	const char *kv[] = { "answer", yes ? "yes" : "no", "reason", reason };
	struct cw_person *to = NULL;
	struct tpl_data *d;
	long long accepted, pending, signed_at;
	size_t n = 0;
	int rc = -1, in_pool;

	if (!case_state_open(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	res->outcome = CMDOUT_OK;
	if ((in_pool = person_has_role(x->cw->st, x->sender.id, "volunteer",
	    err, errlen)) < 0 ||
	    case_add_member(x->cw->st, x->c.id, x->sender.id, "volunteer",
	    yes ? "accepted" : "declined", x->cw->now, err, errlen) != 0 ||
	    group_exec(x, "UPDATE case_members SET answered_at = ?3 WHERE "
	    "case_id = ?1 AND person_id = ?2 AND role = 'volunteer'",
	    x->sender.id, err, errlen) != 0 ||
	    job_close(x->cw->st, NULL, x->c.id, x->sender.id, x->cw->now,
	    err, errlen) != 0 ||
	    cmdctx_event(x, "answer", kv, 4, err, errlen) != 0 ||
	    group_int(x, "SELECT charter_signed_at FROM persons WHERE id = ?2",
	    x->sender.id, &signed_at, err, errlen) != 0)
		return -1;
	/* Saying yes to an invitation that carried the charter signs it. */
	if (yes && signed_at == 0 && volunteer_sign(x, err, errlen) != 0)
		return -1;
	/* Invited from outside the pool: a yes is also a yes to the
	 * network; a no leaves them out of it. */
	if (yes && !in_pool) {
		if (volunteer_join(x, err, errlen) != 0)
			return -1;
		res->replied = 1;
	}
	/* A sentence ("Oui, avec plaisir !") deserves thanks in words, not
	 * a transcript; a newcomer's yes was answered by the welcome. */
	if (cmd->natural && !res->replied) {
		thanks = tpl_data_new();
		tpl_set_bool(thanks, "accepted", yes);
		tpl_set(thanks, "reason", reason);
		rc = cmdctx_answer(x, "invitation_thanks", thanks, err, errlen);
		tpl_data_free(thanks);
		if (rc != 0)
			return -1;
		res->replied = 1;
		rc = -1;
	}
	if (group_int(x, "SELECT count(*) FILTER (WHERE status = 'accepted') "
	    "FROM case_members WHERE case_id = ?1 AND role = 'volunteer' "
	    "AND ?2 = ?2", 0, &accepted, err, errlen) != 0 ||
	    group_int(x, "SELECT count(*) FILTER (WHERE status = 'invited') "
	    "FROM case_members WHERE case_id = ?1 AND role = 'volunteer' "
	    "AND ?2 = ?2", 0, &pending, err, errlen) != 0)
		return -1;
	if (casemail_followers(x->cw, x->c.referent_id, &to, &n, err,
	    errlen) != 0)
		goto out;
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "volunteer_name", cmdctx_sender_name(x));
	tpl_set(d, "volunteer_address", x->sender.email);
	tpl_set_bool(d, "accepted", yes);
	tpl_set_bool(d, "newcomer", !in_pool);
	tpl_set(d, "reason", reason);
	tpl_set_int(d, "accepted_count", accepted);
	tpl_set_int(d, "pending_count", pending);
	rc = casemail_send(x->cw, "invitation_answer", d, "referent_name",
	    x->c.ref, x->c.id, to, n, err, errlen);
	tpl_data_free(d);
	if (rc == 0)
		rc = group_maybe_introduce(x, err, errlen);
out:
	free(to);
	return rc;
}

int
group_contact(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	const char *kv[] = { "address", cmd->addresses[0] };
	long long member;
	int64_t id = 0;
	int rc;

	snprintf(res->detail, sizeof(res->detail), "%s", cmd->addresses[0]);
	if (!group_state_ok(x)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	rc = person_find(x->cw->st, cmd->addresses[0], &id, err, errlen);
	if (rc < 0 || (rc == 1 && group_int(x, "SELECT count(*) FROM "
	    "case_members WHERE case_id = ?1 AND person_id = ?2 AND role = "
	    "'volunteer' AND status = 'accepted'", id, &member, err,
	    errlen) != 0))
		return -1;
	/* Only someone who said yes to this group. */
	if (rc == 0 || member == 0) {
		res->outcome = CMDOUT_NOT_FOUND;
		return 0;
	}
	if (group_exec(x, "UPDATE cases SET contact_id = ?2, updated_at = ?3 "
	    "WHERE id = ?1", id, err, errlen) != 0 ||
	    cmdctx_event(x, "contact", kv, 2, err, errlen) != 0)
		return -1;
	x->c.contact_id = id;
	res->outcome = CMDOUT_OK;
	return group_maybe_introduce(x, err, errlen);
}
