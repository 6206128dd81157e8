/*
 * test_meeting.c — the meeting and roadmap effects (meeting.c, roadmap.c)
 * on a real on-disk store with the shipped templates: RENCONTRE refused
 * in the wrong state, without a time, in the past; scheduled (state
 * 'meeting', REQUEST .ics to the group with the referent as CHAIR,
 * reminder jobs at the same local time N days before); moved (same UID,
 * SEQUENCE + 1, place kept, old reminders closed); an attendee's iTIP
 * REPLY recorded, a REPLY about another meeting ignored; cancelled (CANCEL
 * .ics, state back to 'forming'); a second meeting after a held one
 * (a new row; cancelling it keeps 'meeting'); FEUILLE DE ROUTE
 * (milestones, reminder jobs, state 'active', the holder's role and
 * commitment, the holder's and the group's copies) and its replacement;
 * POINT (check-in row, job, mail to holder, referent and privileged
 * contact).
 *
 * Run from the source tree (templates/ is read from the current folder).
 * Until every template the daemon knows is there, only the refusals,
 * which send nothing, are checked; the rest is skipped, saying why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casework/cmd_context.h"
#include "casework/meeting.h"
#include "casework/roadmap.h"
#include "store/case_db.h"
#include "casework/case_mail.h"
#include "base/clock.h"
#include "parse/mailcmd.h"
#include "config/config.h"
#include "out/mailer.h"
#include "parse/message.h"
#include "store/person_db.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char err[4096];

struct fixture {
	struct config	*cfg;
	struct store	*st;
	struct mailer	*mailer;
	struct casework	 cw;
	struct cw_mail	 mail;
	int64_t		 case_id, holder, referent, volunteer;
};

/* The text/calendar part of outbox row `id`, read back the way a mail
 * client would (new string, or NULL). */
static char *
outbox_calendar(struct store *st, long long id)
{
	struct store_stmt *s;
	struct message *m = NULL;
	const void *raw;
	char *cal = NULL;
	size_t len;

	s = store_prepare(st, "SELECT message FROM outbox WHERE id = ?1", err,
	    sizeof(err));
	if (s == NULL)
		return NULL;
	store_bind_int64(s, 1, id);
	if (store_step(s) == STORE_ROW &&
	    (raw = store_col_blob(s, 0, &len)) != NULL &&
	    message_parse(raw, len, &m, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < m->nattachments && cal == NULL; i++)
			if (strcmp(m->attachments[i].content_type,
			    "text/calendar") == 0)
				cal = strdup(m->attachments[i].data);
		message_free(m);
	}
	store_finalize(s);
	return cal;
}

/* The one command of `text`. */
static void
parse_one(const char *text, long long now, struct mailcmd_list *cl)
{
	mailcmd_parse(text, (time_t)now, cl);
	if (cl->n != 1 || cl->items[0].error != CMDERR_NONE)
		printf("# \"%s\": %zu command(s), error %d\n", text, cl->n,
		    cl->n ? (int)cl->items[0].error : -1);
}

/* Runs effect `fn` on the command in `text` as `sender`, in a
 * transaction, like mailcmd_run does. */
static int
run(struct fixture *fx, cmd_effect fn, const char *text, int64_t sender,
    struct cmd_res *res)
{
	struct mailcmd_list cl;
	struct cmd_ctx x;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	parse_one(text, fx->cw.now, &cl);
	x.cw = &fx->cw;
	x.mail = &fx->mail;
	x.sender.id = sender;
	if (case_load(fx->st, fx->case_id, &x.c, err, sizeof(err)) != 1 ||
	    casemail_person(&fx->cw, sender, &x.sender, err,
	    sizeof(err)) != 0 || store_begin(fx->st, err, sizeof(err)) != 0)
		goto out;
	snprintf(x.role, sizeof(x.role), "referent");
	if (cl.n == 1 && fn(&x, &cl.items[0], res, err, sizeof(err)) == 0)
		rc = store_commit(fx->st, err, sizeof(err));
	else {
		printf("# effect failed: %s\n", err);
		store_rollback(fx->st, err, sizeof(err));
	}
out:
	case_row_free(&x.c);
	mailcmd_list_free(&cl);
	return rc;
}

static const char *
case_state(struct fixture *fx)
{
	return q_text(fx->st, "SELECT state FROM cases WHERE id = ?1",
	    fx->case_id);
}

static long long
mails(struct fixture *fx, const char *tpl)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE "
	    "case_id = ?1 AND template = '%s'", tpl);
	return q_int(fx->st, sql, fx->case_id);
}

static int64_t
person(struct store *st, const char *email, const char *name)
{
	int64_t id = 0;

	if (person_ensure(st, email, name, 0, &id, err, sizeof(err)) != 0)
		printf("# person %s: %s\n", email, err);
	return id;
}

static int
setup(struct fixture *fx, const char *cwd)
{
	struct case_new n = { "request", "[\"energie\"]", "Ambert",
	    "Un four solaire partagé", 0 };
	char db[512], secret[512], ref[32], sql[512];

	snprintf(db, sizeof(db), "%s", path_in("meeting.db"));
	snprintf(secret, sizeof(secret), "%s", path_in("secret"));

	fx->cfg = config_from("[network]\nname = Coup de pouce\n"
	    "contact = coupdepouce@example.org\n"
	    "secret_file = %s\n"
	    "[imap]\nurl = imaps://127.0.0.1:1\n"
	    "[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "[storage]\ndatabase = %s\n"
	    "[paths]\ntemplates = %s/templates\n", secret, db, cwd);
	if (fx->cfg == NULL)
		return -1;
	if (store_open(db, &fx->st, err, sizeof(err)) != 0) {
		printf("# setup: %s\n", err);
		return -1;
	}
	fx->holder = person(fx->st, "holder@example.org", "Camille Porteur");
	fx->referent = person(fx->st, "referent@example.org", "Rémi Référent");
	fx->volunteer = person(fx->st, "volunteer@example.org", "Val Bénévole");
	n.holder_id = fx->holder;
	if (case_create(fx->st, &n, fx->cw.now, &fx->case_id, ref,
	    sizeof(ref), err, sizeof(err)) != 0 ||
	    case_add_member(fx->st, fx->case_id, fx->holder, "holder",
	    "accepted", 0, err, sizeof(err)) != 0 ||
	    case_add_member(fx->st, fx->case_id, fx->referent, "referent",
	    "accepted", 0, err, sizeof(err)) != 0 ||
	    case_add_member(fx->st, fx->case_id, fx->volunteer, "volunteer",
	    "accepted", 0, err, sizeof(err)) != 0) {
		printf("# setup: %s\n", err);
		return -1;
	}
	snprintf(sql, sizeof(sql), "UPDATE cases SET state = 'analysis', "
	    "referent_id = %lld, contact_id = %lld WHERE id = %lld",
	    (long long)fx->referent, (long long)fx->volunteer,
	    (long long)fx->case_id);
	exec_ok(fx->st, sql);
	fx->cw.cfg = fx->cfg;
	fx->cw.st = fx->st;
	return 0;
}

/* What is refused sends nothing: checked even without templates. */
static void
test_refusals(struct fixture *fx)
{
	struct cmd_res res;

	is_int(run(fx, meeting_schedule, "RENCONTRE 14/06/2027 18h30 mairie",
	    fx->referent, &res), 0, "RENCONTRE in analysis: runs");
	is_int(res.outcome, CMDOUT_WRONG_STATE, "RENCONTRE in analysis: "
	    "wrong state");
	is_str(res.detail, "14/06/2027 18h30, mairie",
	    "and says what was understood");
	is_int(run(fx, roadmap_record, "FEUILLE DE ROUTE\n- 15/01/2028 : x\n"
	    "FIN", fx->referent, &res), 0, "FEUILLE DE ROUTE before the "
	    "meeting: runs");
	is_int(res.outcome, CMDOUT_WRONG_STATE, "FEUILLE DE ROUTE before the "
	    "meeting: wrong state");
	is_int(run(fx, roadmap_checkin, "POINT 10/02/2028 14h", fx->referent,
	    &res), 0, "POINT before the meeting: runs");
	is_int(res.outcome, CMDOUT_WRONG_STATE, "POINT before the meeting: "
	    "wrong state");
	is_int(run(fx, meeting_cancel, "ANNULER RENCONTRE", fx->referent,
	    &res), 0, "ANNULER RENCONTRE with none: runs");
	is_int(res.outcome, CMDOUT_WRONG_STATE, "ANNULER RENCONTRE with no "
	    "meeting: wrong state");

	exec_ok(fx->st, "UPDATE cases SET state = 'forming'");
	is_int(run(fx, meeting_schedule, "RENCONTRE 14/03/2027 18h30",
	    fx->referent, &res), 0, "RENCONTRE in the past: runs");
	is_int(res.outcome, CMDOUT_PAST_DATE, "RENCONTRE in the past: past "
	    "date");
	is_str(res.detail, "14/03/2027 18h30", "and shows the date read");
	is_int(q_int(fx->st, "SELECT count(*) FROM meetings", 0) +
	    q_int(fx->st, "SELECT count(*) FROM jobs", 0) +
	    q_int(fx->st, "SELECT count(*) FROM outbox", 0), 0,
	    "refusals wrote nothing");
	is_str(case_state(fx), "forming", "state unchanged");
}

/* RENCONTRE without a time never reaches the effect (the parser flags
 * it), but the effect still refuses one. */
static void
test_no_time(struct fixture *fx)
{
	struct mailcmd cmd;
	struct cmd_res res;
	struct cmd_ctx x;

	memset(&cmd, 0, sizeof(cmd));
	memset(&res, 0, sizeof(res));
	memset(&x, 0, sizeof(x));
	cmd.verb = CMD_RENCONTRE;
	cmd.when.year = 2027;
	cmd.when.month = 6;
	cmd.when.day = 14;
	x.cw = &fx->cw;
	x.mail = &fx->mail;
	if (case_load(fx->st, fx->case_id, &x.c, err, sizeof(err)) != 1)
		printf("# %s\n", err);
	is_int(meeting_schedule(&x, &cmd, &res, err, sizeof(err)), 0,
	    "RENCONTRE without a time: runs");
	is_int(res.outcome, CMDOUT_BAD_TIME, "RENCONTRE without a time: bad "
	    "time");
	is_str(res.detail, "14/06/2027", "and shows the date read");
	case_row_free(&x.c);
}

static void
test_schedule(struct fixture *fx, char *uid, size_t uidlen)
{
	struct cmd_res res;
	long long mid, oid;
	char *cal;

	is_int(run(fx, meeting_schedule, "RENCONTRE : 14/06/2027 à 18h30 à la "
	    "mairie d'Ambert", fx->referent, &res), 0, "RENCONTRE: runs");
	is_int(res.outcome, CMDOUT_OK, "RENCONTRE: ok");
	is_str(res.detail, "14/06/2027 18h30, la mairie d'Ambert",
	    "RENCONTRE: detail is date, time and place");
	is_str(case_state(fx), "meeting", "forming -> meeting");
	mid = q_int(fx->st, "SELECT id FROM meetings WHERE case_id = ?1 AND "
	    "state = 'scheduled'", fx->case_id);
	ok(mid > 0, "a scheduled meeting row");
	is_int(q_int(fx->st, "SELECT starts_at FROM meetings WHERE id = ?1",
	    mid), local_time("2027-06-14 18:30"), "starts at 18:30 Paris time");
	is_str(q_text(fx->st, "SELECT location FROM meetings WHERE id = ?1",
	    mid), "la mairie d'Ambert", "its place");
	is_int(q_int(fx->st, "SELECT sequence FROM meetings WHERE id = ?1",
	    mid), 0, "sequence 0");
	snprintf(uid, uidlen, "%s", q_text(fx->st, "SELECT uid FROM meetings "
	    "WHERE id = ?1", mid));
	like_str(uid, "cdp-meeting-CDP-", "UID names the case");
	like_str(uid, "@example.org", "UID in the network's domain");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE kind = "
	    "'meeting_reminder' AND done_at IS NULL", 0), 2,
	    "two reminder jobs (7 and 1 days)");
	is_int(q_int(fx->st, "SELECT due_at FROM jobs WHERE kind = "
	    "'meeting_reminder' AND json_extract(payload, '$.days') = 7 AND "
	    "json_extract(payload, '$.meeting') = ?1", mid),
	    local_time("2027-06-07 18:30"), "7 days before, same local time");
	is_int(q_int(fx->st, "SELECT due_at FROM jobs WHERE kind = "
	    "'meeting_reminder' AND json_extract(payload, '$.days') = 1",
	    0), local_time("2027-06-13 18:30"), "1 day before");
	is_int(mails(fx, "meeting"), 3, "invitation to holder, referent and "
	    "volunteer");
	is_int(q_int(fx->st, "SELECT count(DISTINCT person_id) FROM outbox "
	    "WHERE template = 'meeting'", 0), 3, "one mail each");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE case_id = ?1 "
	    "AND kind = 'meeting' AND json_extract(details, '$.sequence') = "
	    "'0'", fx->case_id), 1, "a 'meeting' event");

	oid = q_int(fx->st, "SELECT id FROM outbox WHERE template = 'meeting' "
	    "AND person_id = ?1", fx->holder);
	cal = outbox_calendar(fx->st, oid);
	ok(cal != NULL, "the mail carries a text/calendar part");
	like_str(cal, "METHOD:REQUEST", "a REQUEST");
	like_str(cal, uid, "with the meeting's UID");
	like_str(cal, "DTSTART;TZID=Europe/Paris:20270614T183000",
	    "starting 18:30 Paris time");
	like_str(cal, "DTEND;TZID=Europe/Paris:20270614T203000",
	    "for two hours");
	like_str(cal, "mailto:coupdepouce@example.org", "organized by the "
	    "contact address");
	like_str(cal, "ROLE=CHAIR", "the referent chairs");
	like_str(cal, "mailto:volunteer@example.org", "the volunteer is "
	    "invited");
	free(cal);

	/* Moved, without a place: the place stays. */
	fx->cw.now = local_time("2027-06-01 09:00");
	is_int(run(fx, meeting_schedule, "RENCONTRE 21/06/2027 19h",
	    fx->referent, &res), 0, "RENCONTRE again: runs");
	is_int(res.outcome, CMDOUT_OK, "RENCONTRE again: ok");
	is_str(res.detail, "21/06/2027 19h00, la mairie d'Ambert",
	    "a move keeps the place and says so");
	is_int(q_int(fx->st, "SELECT count(*) FROM meetings", 0), 1,
	    "a move keeps the row");
	is_str(q_text(fx->st, "SELECT uid FROM meetings WHERE id = ?1", mid),
	    uid, "and the UID");
	is_int(q_int(fx->st, "SELECT sequence FROM meetings WHERE id = ?1",
	    mid), 1, "sequence + 1");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE kind = "
	    "'meeting_reminder' AND done_at IS NOT NULL", 0), 2,
	    "old reminders closed");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE kind = "
	    "'meeting_reminder' AND done_at IS NULL", 0), 2,
	    "new reminders planned");
	is_int(q_int(fx->st, "SELECT min(due_at) FROM jobs WHERE kind = "
	    "'meeting_reminder' AND done_at IS NULL", 0),
	    local_time("2027-06-14 19:00"), "for the new time");
	is_int(mails(fx, "meeting"), 6, "an update to each");
	oid = q_int(fx->st, "SELECT max(id) FROM outbox WHERE template = "
	    "'meeting'", 0);
	cal = outbox_calendar(fx->st, oid);
	like_str(cal, "SEQUENCE:1", "the update has SEQUENCE:1");
	like_str(cal, "LOCATION:la mairie d'Ambert", "and the place");
	free(cal);
	is_str(case_state(fx), "meeting", "still 'meeting'");
}

static void
test_reply(struct fixture *fx, const char *uid)
{
	static const char raw[] =
	    "From: Val <volunteer@example.org>\r\n"
	    "To: coupdepouce@example.org\r\n"
	    "Subject: Accepted\r\n"
	    "Message-ID: <reply-%d@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=b\r\n"
	    "\r\n"
	    "--b\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "Accepted\r\n"
	    "--b\r\n"
	    "Content-Type: text/calendar; method=REPLY; charset=UTF-8\r\n"
	    "\r\n"
	    "BEGIN:VCALENDAR\r\n"
	    "PRODID:-//test//EN\r\n"
	    "VERSION:2.0\r\n"
	    "METHOD:REPLY\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:%s\r\n"
	    "SEQUENCE:1\r\n"
	    "DTSTAMP:20270601T100000Z\r\n"
	    "ORGANIZER:mailto:coupdepouce@example.org\r\n"
	    "ATTENDEE;PARTSTAT=%s;CN=Val:mailto:Volunteer@example.org\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n"
	    "--b--\r\n";
	struct cw_mail mail;
	struct message *m = NULL;
	char text[4096];
	int found = -1;

	memset(&mail, 0, sizeof(mail));
	snprintf(text, sizeof(text), raw, 1, uid, "ACCEPTED");
	if (message_parse(text, strlen(text), &m, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	mail.m = m;
	mail.new_text = "";
	/* As the daemon does: the answer told in words is queued in the
	 * transaction that records it. */
	is_int(store_begin(fx->st, err, sizeof(err)), 0, "REPLY: begin");
	is_int(meeting_itip_reply(&fx->cw, &mail, fx->case_id, fx->volunteer,
	    &found, err, sizeof(err)), 0, "REPLY: runs");
	is_int(store_commit(fx->st, err, sizeof(err)), 0, "REPLY: commit");
	is_int(found, 1, "REPLY: found");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE case_id = ?1 "
	    "AND kind = 'attendance' AND json_extract(details, '$.partstat') "
	    "= 'ACCEPTED' AND json_extract(details, '$.attendee') = "
	    "'volunteer@example.org'", fx->case_id), 1,
	    "attendance recorded");
	message_free(m);

	snprintf(text, sizeof(text), raw, 2, "cdp-meeting-other@example.org",
	    "DECLINED");
	if (message_parse(text, strlen(text), &m, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	mail.m = m;
	is_int(meeting_itip_reply(&fx->cw, &mail, fx->case_id, fx->volunteer,
	    &found, err, sizeof(err)), 0, "REPLY about another meeting: runs");
	is_int(found, 0, "REPLY about another meeting: ignored");
	message_free(m);
	is_int(q_int(fx->st, "SELECT count(*) FROM outbox", 0), 7,
	    "the first REPLY is told to the referent, the other sends "
	    "nothing");
	is_int(q_int(fx->st, "SELECT count(*) FROM outbox WHERE template = "
	    "'attendance'", 0), 1, "one attendance mail");
}

static void
test_cancel(struct fixture *fx, const char *uid)
{
	struct cmd_res res;
	char *cal;

	is_int(run(fx, meeting_cancel, "ANNULER RENCONTRE", fx->volunteer,
	    &res), 0, "ANNULER RENCONTRE: runs");
	is_int(res.outcome, CMDOUT_OK, "ANNULER RENCONTRE: ok");
	is_str(res.detail, "21/06/2027 19h00, la mairie d'Ambert",
	    "says which meeting");
	is_str(q_text(fx->st, "SELECT state || ' ' || sequence FROM meetings",
	    0), "cancelled 2", "meeting cancelled, sequence 2");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE done_at IS NULL",
	    0), 0, "no reminder left");
	is_str(case_state(fx), "forming", "meeting -> forming");
	is_int(mails(fx, "meeting_cancelled"), 3, "cancellation to each");
	cal = outbox_calendar(fx->st, q_int(fx->st, "SELECT max(id) FROM "
	    "outbox", 0));
	like_str(cal, "METHOD:CANCEL", "a CANCEL");
	like_str(cal, "STATUS:CANCELLED", "STATUS:CANCELLED");
	like_str(cal, uid, "of that UID");
	like_str(cal, "SEQUENCE:2", "with SEQUENCE:2");
	free(cal);
	is_int(run(fx, meeting_cancel, "ANNULER RENCONTRE", fx->referent,
	    &res), 0, "ANNULER RENCONTRE again: runs");
	is_int(res.outcome, CMDOUT_WRONG_STATE, "nothing left to cancel");

	/* A new meeting after a cancelled one: a new UID. */
	is_int(run(fx, meeting_schedule, "RENCONTRE 28/06/2027 18h salle des "
	    "fêtes", fx->referent, &res), 0, "RENCONTRE after cancel: runs");
	is_int(res.outcome, CMDOUT_OK, "RENCONTRE after cancel: ok");
	is_int(q_int(fx->st, "SELECT count(DISTINCT uid) FROM meetings", 0),
	    2, "a new meeting, a new UID");
	is_str(case_state(fx), "meeting", "forming -> meeting again");
}

static void
test_roadmap(struct fixture *fx)
{
	struct cmd_res res;

	/* The meeting of 28/06 was held: a second one is a new meeting,
	 * and cancelling it does not undo the first. */
	fx->cw.now = local_time("2027-06-29 10:00");
	is_int(run(fx, meeting_schedule, "RENCONTRE 05/07/2027 18h",
	    fx->referent, &res), 0, "second meeting: runs");
	is_int(res.outcome, CMDOUT_OK, "second meeting: ok");
	is_int(q_int(fx->st, "SELECT count(*) FROM meetings WHERE state = "
	    "'scheduled'", 0), 2, "a new row, the held one kept");
	is_int(q_int(fx->st, "SELECT sequence FROM meetings WHERE starts_at = "
	    "?1", local_time("2027-06-28 18:00")), 0, "the held one untouched");
	is_int(run(fx, meeting_cancel, "ANNULER RENCONTRE", fx->referent,
	    &res), 0, "second meeting cancelled: runs");
	is_str(res.detail, "05/07/2027 18h00", "the upcoming one");
	is_str(case_state(fx), "meeting", "the group met: still 'meeting'");

	is_int(run(fx, roadmap_record, "FEUILLE DE ROUTE\n"
	    "Four solaire au jardin partagé.\n"
	    "- 15/01/2028 : commande des matériaux\n"
	    "- 01/03/2028 18h : chantier participatif\n"
	    "FIN", fx->referent, &res), 0, "FEUILLE DE ROUTE: runs");
	is_int(res.outcome, CMDOUT_OK, "FEUILLE DE ROUTE: ok");
	is_str(res.detail, "15/01/2028, 01/03/2028", "detail: the dates");
	is_str(case_state(fx), "active", "meeting -> active");
	like_str(q_text(fx->st, "SELECT roadmap FROM cases WHERE id = ?1",
	    fx->case_id), "Four solaire au jardin", "roadmap text kept");
	is_int(q_int(fx->st, "SELECT count(*) FROM milestones WHERE kind = "
	    "'milestone' AND state = 'planned'", 0), 2, "two milestones");
	is_int(q_int(fx->st, "SELECT due_at FROM milestones WHERE has_time = 1",
	    0), local_time("2028-03-01 18:00"), "with its time");
	is_int(q_int(fx->st, "SELECT due_at FROM milestones WHERE has_time = 0",
	    0), local_time("2028-01-15 00:00"), "without: the start of the day");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE kind = "
	    "'milestone_reminder' AND done_at IS NULL", 0), 2,
	    "a reminder job each");
	is_int(q_int(fx->st, "SELECT min(due_at) FROM jobs WHERE kind = "
	    "'milestone_reminder'", 0), local_time("2028-01-12 00:00"),
	    "3 days before");
	is_int(person_has_role(fx->st, fx->holder, "holder", err,
	    sizeof(err)), 1, "the holder has the network role 'holder'");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE kind = "
	    "'commitment'", 0), 1, "the commitment is on the timeline");
	is_int(mails(fx, "roadmap"), 3, "roadmap to holder, referent, "
	    "volunteer");

	/* A new roadmap replaces the old one. */
	is_int(run(fx, roadmap_record, "FEUILLE DE ROUTE : nouvelle version\n"
	    "- 01/02/2028 : commande\nFIN", fx->volunteer, &res), 0,
	    "second FEUILLE DE ROUTE: runs");
	is_int(res.outcome, CMDOUT_OK, "second FEUILLE DE ROUTE: ok");
	is_str(res.detail, "01/02/2028", "its date");
	is_int(q_int(fx->st, "SELECT count(*) FROM milestones WHERE state = "
	    "'cancelled'", 0), 2, "old milestones cancelled");
	is_int(q_int(fx->st, "SELECT count(*) FROM jobs WHERE kind = "
	    "'milestone_reminder' AND done_at IS NULL", 0), 1,
	    "their reminders closed, the new one planned");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE kind = "
	    "'commitment'", 0), 1, "the commitment is recorded once");
	is_int(mails(fx, "roadmap"), 6, "the new roadmap is sent");

	/* FEUILLE DE ROUTE with nothing in it. */
	{
		struct mailcmd cmd;
		struct cmd_ctx x;

		memset(&cmd, 0, sizeof(cmd));
		memset(&x, 0, sizeof(x));
		cmd.verb = CMD_FEUILLE_DE_ROUTE;
		cmd.args = "";
		x.cw = &fx->cw;
		x.mail = &fx->mail;
		case_load(fx->st, fx->case_id, &x.c, err, sizeof(err));
		is_int(roadmap_record(&x, &cmd, &res, err, sizeof(err)), 0,
		    "empty FEUILLE DE ROUTE: runs");
		is_int(res.outcome, CMDOUT_MISSING_ARGUMENT,
		    "empty FEUILLE DE ROUTE: missing argument");
		case_row_free(&x.c);
	}
}

static void
test_checkin(struct fixture *fx)
{
	struct cmd_res res;

	is_int(run(fx, roadmap_checkin, "POINT 10/02/2028 14h bilan du "
	    "chantier", fx->referent, &res), 0, "POINT: runs");
	is_int(res.outcome, CMDOUT_OK, "POINT: ok");
	is_str(res.detail, "10/02/2028 14h00", "detail: date and time");
	is_str(q_text(fx->st, "SELECT label FROM milestones WHERE kind = "
	    "'checkin'", 0), "bilan du chantier", "a check-in row");
	is_int(q_int(fx->st, "SELECT due_at FROM jobs WHERE kind = "
	    "'milestone_reminder' AND json_extract(payload, '$.milestone') = "
	    "(SELECT id FROM milestones WHERE kind = 'checkin')", 0),
	    local_time("2028-02-07 14:00"), "its reminder, 3 days before");
	is_int(mails(fx, "checkin"), 3, "to holder, referent and contact");
	is_int(q_int(fx->st, "SELECT count(*) FROM outbox WHERE template = "
	    "'checkin' AND person_id = ?1", fx->volunteer), 1,
	    "the privileged contact is told");
	is_int(q_int(fx->st, "SELECT count(*) FROM events WHERE kind = "
	    "'checkin'", 0), 1, "a 'checkin' event");
	is_int(run(fx, roadmap_checkin, "POINT 01/06/2027", fx->referent,
	    &res), 0, "POINT in the past: runs");
	is_int(res.outcome, CMDOUT_PAST_DATE, "POINT in the past: said past");
	is_str(res.detail, "01/06/2027", "POINT in the past: the date read");
	is_int(q_int(fx->st, "SELECT count(*) FROM milestones WHERE kind = "
	    "'checkin'", 0), 1, "POINT in the past: no check-in planned");
}

int
main(void)
{
	struct fixture fx;
	char cwd[512];
	int mail_ok;

	memset(&fx, 0, sizeof(fx));
	clock_set_zone("Europe/Paris");
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		perror("getcwd");
		return 1;
	}
	scratch_make("meeting");
	fx.cw.now = local_time("2027-05-01 10:00");
	clock_fix((time_t)fx.cw.now);
	if (setup(&fx, cwd) != 0)
		return 1;
	test_refusals(&fx);
	test_no_time(&fx);
	mail_ok = mailer_open(fx.cfg, &fx.mailer, err, sizeof(err)) == 0;
	if (!mail_ok) {
		err[strcspn(err, "\n")] = '\0';
		printf("# templates: %s\n", err);
		tap_skip("scheduling, roadmap, check-in", "the templates do "
		    "not load (not run from the source tree, or some are "
		    "still missing)");
	} else {
		char uid[256];

		fx.cw.mailer = fx.mailer;
		test_schedule(&fx, uid, sizeof(uid));
		test_reply(&fx, uid);
		test_cancel(&fx, uid);
		test_roadmap(&fx);
		test_checkin(&fx);
	}
	mailer_close(fx.mailer);
	store_close(fx.st);
	config_free(fx.cfg);
	scratch_remove();
	return tap_done();
}
