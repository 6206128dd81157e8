/* intake.c — a new mail becomes a case; see intake.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "casework/assign.h"
#include "casework/case_mail.h"
#include "casework/intake.h"
#include "casework/route.h"
#include "config/config.h"
#include "out/mailer.h"
#include "out/template.h"
#include "parse/classify.h"
#include "parse/message.h"
#include "parse/theme_labels.h"
#include "store/case_db.h"
#include "store/job_db.h"
#include "store/person_db.h"
#include "store/store.h"
#include "store/testimony_db.h"
#include "thread/match.h"
#include "thread/tag.h"

/* Volunteers and former holders (witnesses) suggested in an assignment
 * mail. */
#define INTAKE_MAX_VOLUNTEERS	8
#define INTAKE_MAX_WITNESSES	3

/* What intake knows about the new case while it works on it. */
struct intake {
	struct casework		*cw;
	const struct cw_mail	*mail;
	const struct classify_result *cr;	/* own, or the mail's */
	struct classify_result	 own;
	char			*themes_json;
	char			*themes_text;
	char			*subject;	/* without Re:/TR: and tags */
	struct cw_person	 sender;
	int64_t			 case_id;
	char			 ref[CASE_REF_MAX + 8];
};

/*
 * 1 if a mail from template tpl_a or tpl_b was queued today to person_id,
 * 0 if not, -1 on error: the daily limit on acknowledgements.
 */
static int
intake_sent_today(struct intake *in, const char *tpl_a, const char *tpl_b,
    int64_t person_id, char *err, size_t errlen)
{
	int64_t one;

	/* The person's rows of the two templates since the day's start,
	 * by the outbox_person index (person, template, day): not the
	 * whole outbox, raw mails included, nor every mail of the day,
	 * which a storm makes thousands. */
	return store_get_int64(in->cw->st, &one, NULL, "SELECT 1 FROM outbox "
	    "WHERE person_id = ?3 AND template IN (?1, ?2) AND created_at >= "
	    "?4 LIMIT 1", STORE_ARGS(STORE_TEXT(tpl_a), STORE_TEXT(tpl_b),
	    STORE_INT(person_id), STORE_INT(clock_day_start(in->cw->now))),
	    err, errlen);
}

/* Whether a duplicate notice about case other_ref went today: one a day
 * per case, so that a flood of mails from one address does not become a
 * flood of notices.  The cases flagged as duplicates of other_ref come
 * first (index events_duplicate), then their mails by case (the CROSS
 * JOIN and the unary + keep that order and index): the day's notices of
 * a storm are not all read for each new case.  1, 0 or -1. */
static int
intake_noticed_today(struct intake *in, const char *other_ref, char *err,
    size_t errlen)
{
	int64_t one;

	return store_get_int64(in->cw->st, &one, NULL, "SELECT 1 FROM events "
	    "e CROSS JOIN outbox o ON o.case_id = e.case_id AND +o.template = "
	    "'duplicate_notice' AND o.created_at >= ?2 WHERE e.kind = "
	    "'possible_duplicate' AND json_extract(e.details, '$.other_ref') "
	    "= ?1 LIMIT 1", STORE_ARGS(STORE_TEXT(other_ref),
	    STORE_INT(clock_day_start(in->cw->now))), err, errlen);
}

static int
intake_event(struct intake *in, const char *kind, const char *const *kv,
    size_t nkv, char *err, size_t errlen)
{
	return case_event(in->cw->st, in->case_id, 0, kind, in->mail->msg_id,
	    kv, nkv, in->cw->now, err, errlen);
}

static int
intake_ack(struct intake *in, char *err, size_t errlen)
{
	int volunteer = strcmp(in->cr->kind, "volunteer") == 0;
	const char *skipped[] = { "reason", "already acknowledged today" };
	const char *capped[] = { "reason", "daily cap of automatic mail" };
	struct tpl_data *d;
	int rc;

	rc = intake_sent_today(in, "ack", "ack_volunteer", in->sender.id, err,
	    errlen);
	if (rc != 0)
		return rc < 0 ? -1 : intake_event(in, "ack_skipped", skipped,
		    2, err, errlen);
	d = tpl_data_new();
	tpl_set(d, "ref", in->ref);
	tpl_set(d, volunteer ? "volunteer_name" : "holder_name",
	    in->sender.name);
	tpl_set(d, "subject", in->subject);
	tpl_set_int(d, "reply_days", in->cw->cfg->timers.referent_reminder);
	tpl_set_bool(d, "is_report", strcmp(in->cr->kind, "report") == 0);
	rc = casemail_reply(in->cw, in->mail->m, volunteer ? "ack_volunteer" :
	    "ack", d, in->ref, in->case_id, &in->sender, err, errlen);
	tpl_data_free(d);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return intake_event(in, "ack_skipped", capped, 2, err, errlen);
	return 0;
}

static const struct theme_labels *
intake_labels(const struct intake *in)
{
	return mailer_theme_labels(in->cw->mailer);
}

/* The data every "a new case for you" mail shares. */
static struct tpl_data *
intake_case_data(struct intake *in)
{
	struct tpl_data *d = tpl_data_new();

	tpl_set(d, "ref", in->ref);
	tpl_set(d, "subject", in->subject);
	tpl_set(d, "commune", in->cr->commune);
	char *themes = theme_labels_join(intake_labels(in), in->themes_text);

	tpl_set(d, "themes", themes);
	free(themes);
	casemail_set_received(in->cw, d);
	casemail_list_attachments(in->mail->m, d);
	return d;
}

static int
intake_volunteers(struct intake *in, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct route_volunteer *v = NULL;
	size_t n = 0;
	char *skills;

	if (route_volunteers(in->cw->st, in->themes_json,
	    INTAKE_MAX_VOLUNTEERS, in->cw->now, &v, &n, err, errlen) != 0)
		return -1;
	tpl_list_init(d, "volunteers");
	for (size_t i = 0; i < n; i++) {
		struct tpl_data *item = tpl_list_add(d, "volunteers");

		tpl_set(item, "name", v[i].name[0] ? v[i].name : v[i].email);
		tpl_set(item, "address", v[i].email);
		skills = theme_labels_join(intake_labels(in), v[i].skills);
		tpl_set(item, "skills", skills);
		free(skills);
		tpl_set_int(item, "load", v[i].load);
	}
	tpl_set_bool(d, "has_volunteers", n > 0);
	route_volunteers_free(v, n);
	return 0;
}

/* Former holders who agreed to share their experience, on the themes of
 * the new case. */
static int
intake_witnesses(struct intake *in, struct tpl_data *d, char *err,
    size_t errlen)
{
	struct testimony_witness *w = NULL;
	size_t n = 0;
	char *themes;

	if (testimony_witnesses(in->cw->st, in->themes_json, in->cr->commune,
	    in->sender.id, INTAKE_MAX_WITNESSES, &w, &n, err, errlen) != 0)
		return -1;
	tpl_list_init(d, "witnesses");
	for (size_t i = 0; i < n; i++) {
		struct tpl_data *item = tpl_list_add(d, "witnesses");

		tpl_set(item, "name", w[i].name);
		tpl_set(item, "address", w[i].email);
		tpl_set(item, "commune", w[i].commune);
		themes = theme_labels_join(intake_labels(in), w[i].themes);
		tpl_set(item, "themes", themes);
		free(themes);
	}
	tpl_set_bool(d, "has_witnesses", n > 0);
	testimony_witnesses_free(w, n);
	return 0;
}

/* The assignment mail, to the referent or (unassigned, triage) to the
 * coordinators. */
static int
intake_assignment(struct intake *in, const struct cw_person *to, size_t nto,
    int unassigned, int triage, char *err, size_t errlen)
{
	struct tpl_data *d = intake_case_data(in);
	int rc = -1;

	tpl_set(d, "holder_name", in->sender.name);
	tpl_set(d, "holder_address", in->sender.email);
	tpl_set(d, "request_text", in->mail->new_text);
	tpl_set_bool(d, "is_report", strcmp(in->cr->kind, "report") == 0);
	tpl_set_int(d, "decision_days", in->cw->cfg->timers.referent_reminder);
	tpl_set_bool(d, "unassigned", unassigned);
	tpl_set_bool(d, "triage", triage);
	if (intake_volunteers(in, d, err, errlen) == 0 &&
	    intake_witnesses(in, d, err, errlen) == 0)
		rc = casemail_send(in->cw, "assignment", d, "referent_name",
		    in->ref, in->case_id, to, nto, err, errlen);
	tpl_data_free(d);
	return rc;
}

static int
intake_to_coordinators(struct intake *in, int unassigned, char *err,
    size_t errlen)
{
	struct cw_person *co = NULL;
	struct tpl_data *d;
	size_t n = 0;
	int rc = -1;

	if (casemail_coordinators(in->cw, &co, &n, err, errlen) != 0)
		return -1;
	if (n == 0) {
		/* Nobody to tell: the case waits in the database and the
		 * administrator sees this line. */
		log_warnx("%s: no coordinator is configured to take it", in->ref);
		rc = intake_event(in, "unrouted", NULL, 0, err, errlen);
		goto out;
	}
	if (strcmp(in->cr->kind, "volunteer") != 0) {
		rc = intake_assignment(in, co, n, unassigned, !unassigned, err,
		    errlen);
		goto out;
	}
	d = intake_case_data(in);
	tpl_set(d, "volunteer_name", in->sender.name);
	tpl_set(d, "volunteer_address", in->sender.email);
	tpl_set(d, "text", in->mail->new_text);
	rc = casemail_send(in->cw, "volunteer_application", d,
	    "coordinator_name", in->ref, in->case_id, co, n, err, errlen);
	tpl_data_free(d);
out:
	free(co);
	return rc;
}

static int
intake_route(struct intake *in, char *err, size_t errlen)
{
	struct cw_person referent;
	int64_t id = 0;
	int rc;

	if (strcmp(in->cr->kind, "request") != 0 &&
	    strcmp(in->cr->kind, "report") != 0)
		return intake_to_coordinators(in, 0, err, errlen);
	rc = route_referent(in->cw->st, in->cr->commune, in->themes_json,
	    in->cw->cfg->network.max_open_cases, in->cw->now, &id, err,
	    errlen);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		log_notice("%s: no referent available, sent to the "
		    "coordinators", in->ref);
		if (case_flag(in->cw->st, in->case_id, CASE_FLAG_UNASSIGNED,
		    err, errlen) != 0 ||
		    intake_event(in, "unassigned", NULL, 0, err, errlen) != 0)
			return -1;
		return intake_to_coordinators(in, 1, err, errlen);
	}
	if (assign_referent(in->cw, in->case_id, id, 0, in->mail->msg_id,
	    err, errlen) != 0 ||
	    casemail_person(in->cw, id, &referent, err, errlen) != 0)
		return -1;
	log_info("%s: assigned to %s", in->ref, referent.email);
	return intake_assignment(in, &referent, 1, 0, 0, err, errlen);
}

/* Tells the referent of case `other_id` (the coordinators when it has
 * none) that this new case may be the same initiative. */
static int
intake_duplicate(struct intake *in, int64_t other_id, int tag_only,
    char *err, size_t errlen)
{
	struct case_row other;
	struct cw_person *to = NULL;
	struct tpl_data *d;
	size_t nto = 0;
	const char *kv[2] = { "other_ref", NULL };
	int rc;

	rc = case_load(in->cw->st, other_id, &other, err, errlen);
	if (rc <= 0)
		return rc;
	rc = intake_noticed_today(in, other.ref, err, errlen);
	if (rc != 0) {
		kv[1] = other.ref;
		if (rc > 0)
			rc = intake_event(in, "possible_duplicate", kv, 2, err,
			    errlen);
		case_row_free(&other);
		return rc;
	}
	rc = -1;
	if (casemail_followers(in->cw, other.referent_id, &to, &nto, err,
	    errlen) != 0)
		goto out;
	kv[1] = other.ref;
	d = tpl_data_new();
	tpl_set(d, "ref", in->ref);
	tpl_set(d, "other_ref", other.ref);
	tpl_set(d, "holder_name", in->sender.name);
	tpl_set(d, "holder_address", in->sender.email);
	tpl_set(d, "subject", in->subject);
	tpl_set(d, "text", in->mail->new_text);
	tpl_set_bool(d, "tag_only", tag_only);
	/* The notice is bound to the new case: the answer (FUSIONNER, or
	 * a decision) is about it, not about the case it may duplicate. */
	rc = casemail_send(in->cw, "duplicate_notice", d, "recipient_name",
	    in->ref, in->case_id, to, nto, err, errlen);
	tpl_data_free(d);
	if (rc == 0)
		rc = intake_event(in, "possible_duplicate", kv, 2, err, errlen);
out:
	free(to);
	case_row_free(&other);
	return rc;
}

/*
 * An initiative's case is watched for silence from the start: the
 * follow-up job (timers/remind_inactive.c) comes due inactivity_followup
 * days on, and moves itself after the last activity when there was some,
 * so no mail has to move it.  A volunteer's application is the
 * coordinators' business, not a support to follow up.
 */
static int
intake_plan_followup(struct intake *in, char *err, size_t errlen)
{
	struct casework *cw = in->cw;

	if (strcmp(in->cr->kind, "volunteer") == 0)
		return 0;
	return job_add(cw->st, "inactivity_followup", in->case_id, 0,
	    clock_days_after(cw->now, cw->cfg->timers.inactivity_followup),
	    NULL, cw->now, err, errlen);
}

static int
intake_create(struct intake *in, char *err, size_t errlen)
{
	const struct message *m = in->mail->m;
	int report = strcmp(in->cr->kind, "report") == 0;
	struct case_new cn = { in->cr->kind, in->themes_json, in->cr->commune,
	    in->subject, report ? 0 : in->sender.id };
	const char *kv[] = { "kind", in->cr->kind, "themes", in->themes_text,
	    "commune", in->cr->commune, "from", in->sender.email };

	if (case_create(in->cw->st, &cn, in->cw->now, &in->case_id, in->ref,
	    sizeof(in->ref), err, errlen) != 0 ||
	    case_add_member(in->cw->st, in->case_id, in->sender.id,
	    report ? "reporter" : "holder", "accepted", in->cw->now, err,
	    errlen) != 0 ||
	    case_link_message(in->cw->st, in->mail->msg_id, in->case_id,
	    in->sender.id, "new", err, errlen) != 0 ||
	    case_event(in->cw->st, in->case_id, in->sender.id, "created",
	    in->mail->msg_id, kv, 8, in->cw->now, err, errlen) != 0 ||
	    intake_plan_followup(in, err, errlen) != 0)
		return -1;
	log_info("%s: new %s case from %s (<%s>)%s%s", in->ref, in->cr->kind,
	    in->sender.email, m->message_id ? m->message_id : "",
	    in->cr->commune ? ", " : "", in->cr->commune ? in->cr->commune : "");
	return 0;
}

/* The themes found, "a, b" (owned): what the case's JSON list reads as
 * text, joined here rather than decoded again by SQL. */
static char *
intake_themes_text(const struct classify_result *cr)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < cr->nthemes; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, cr->themes[i]);
	}
	return buf_steal(&b);
}

int
intake_new_case(struct casework *cw, const struct cw_mail *mail,
    const struct thread_match *tm, char *err, size_t errlen)
{
	const struct message *m = mail->m;
	struct intake in;
	int64_t open_id = 0;
	int rc = -1, has_open;

	memset(&in, 0, sizeof(in));
	in.cw = cw;
	in.mail = mail;
	if (person_normalize_email(m->from.address, in.sender.email,
	    sizeof(in.sender.email)) != 0) {
		log_notice("message <%s>: sender address '%s' unusable, "
		    "recorded without a case", m->message_id ?
		    m->message_id : "", m->from.address);
		return case_link_message(cw->st, mail->msg_id, 0, 0, "none",
		    err, errlen);
	}
	/* As inspect does: a mail that is only quoted history is still
	 * about what its text says. */
	if (mail->classified != NULL)
		in.cr = mail->classified;
	else {
		classify_run(cw->classify, m->subject,
		    classify_text(mail->new_text, m->text), &in.own);
		in.cr = &in.own;
	}
	in.themes_json = classify_themes_json(in.cr);
	in.themes_text = intake_themes_text(in.cr);
	in.subject = tag_strip_prefixes(m->subject);
	if (person_ensure_sender(cw->st, in.sender.email, m->from.name,
	    cw->now, &in.sender.id, in.sender.name, sizeof(in.sender.name),
	    in.sender.email, sizeof(in.sender.email), err, errlen) != 0)
		goto out;
	has_open = case_open_for(cw->st, in.sender.id, 0, &open_id, err,
	    errlen);
	if (has_open < 0 || intake_create(&in, err, errlen) != 0 ||
	    intake_ack(&in, err, errlen) != 0 ||
	    intake_route(&in, err, errlen) != 0)
		goto out;
	if (has_open && intake_duplicate(&in, open_id, 0, err, errlen) != 0)
		goto out;
	if (tm->foreign_case_id != 0 && tm->foreign_case_id != open_id &&
	    intake_duplicate(&in, tm->foreign_case_id, 1, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	classify_result_free(&in.own);
	free(in.themes_json);
	free(in.themes_text);
	free(in.subject);
	return rc;
}
