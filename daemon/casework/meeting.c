/*
 * meeting.c — the group's first meeting (DESIGN.md §1 step 4, §3, §5):
 * RENCONTRE schedules or moves it, ANNULER RENCONTRE cancels it, and a
 * calendar client's answer to the invitation (an iTIP REPLY) records who
 * comes.  See meeting.h.
 *
 * A case has at most one upcoming meeting (state 'scheduled', starting
 * after now); a scheduled one in the past was held and stays as history.
 * RENCONTRE moves the upcoming one if there is one, and otherwise plans a
 * new one, so a second meeting after the first never rewrites it.  Moving
 * keeps the row and the UID and bumps SEQUENCE: that is what makes
 * calendar clients replace the event they already have instead of adding
 * a second one (RFC 5546 §2.1.4).  Every member gets the same iCalendar
 * object, in a mail of their own that carries a token bound to them, so
 * that an answer from their client (sent to the organizer, our contact
 * address) threads back to the case.
 *
 * Reminders are planned here as rows of jobs (kind 'meeting_reminder',
 * payload {"meeting": id, "days": N}), one per configured number of days
 * before the meeting; nothing in this file sends them: the scheduler that
 * runs due jobs does (timers/remind_meeting.c), with the invitation
 * meeting_invite_load() builds the same way as RENCONTRE's.  A move or a
 * cancellation closes the planned ones (done_at set) so that no reminder
 * names an old time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/attendance.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/meeting.h"
#include "config/config.h"
#include "out/ical.h"
#include "out/template.h"
#include "parse/mailcmd.h"
#include "parse/message.h"
#include "store/case_db.h"
#include "store/job_db.h"
#include "store/store.h"

/* How long a meeting lasts in the invitation: the command gives only its
 * start, and calendar clients need an end. */
#define MEETING_LENGTH		(2 * 60 * 60)

/* Random bytes in a new meeting's UID. */
#define MEETING_UID_RANDOM	8

/* The scheduled meeting of a case. */
struct meeting_row {
	int64_t		 id;
	char		*uid;		/* owned */
	int		 sequence;
	long long	 starts_at;
	char		*location;	/* owned, NULL: none */
};

static void
meeting_row_free(struct meeting_row *r)
{
	free(r->uid);
	free(r->location);
	memset(r, 0, sizeof(*r));
}

/* RENCONTRE and ANNULER RENCONTRE make sense once a group is being
 * formed and until the case ends. */
static int
meeting_state_ok(const char *state)
{
	return strcmp(state, "forming") == 0 ||
	    strcmp(state, "meeting") == 0 || strcmp(state, "active") == 0;
}

/* "14/06/2027 18h30, la mairie" (place left out when there is none). */
static void
meeting_detail(struct cmd_res *res, long long t, int has_time,
    const char *place)
{
	char date[16], hm[16];

	cmdctx_format_when(t, has_time, date, sizeof(date), hm, sizeof(hm));
	snprintf(res->detail, sizeof(res->detail), "%s%s%s%s%s", date,
	    hm[0] ? " " : "", hm, place && *place ? ", " : "",
	    place && *place ? place : "");
}

/*
 * 1 when the day exists but the clocks skip its time (02:30 the night
 * they go forward): the detail then shows the time as written, not the
 * one mktime() moved it to, so that the answer names what was refused.
 */
static int
meeting_time_skipped(const struct mailcmd_when *w, struct cmd_res *res)
{
	char date[16];
	time_t t;

	if (clock_local_time(w->year, w->month, w->day, w->hour, w->minute, 0,
	    &t) != CLOCK_MOVED)
		return 0;
	cmdctx_format_when((long long)t, 0, date, sizeof(date), NULL, 0);
	snprintf(res->detail, sizeof(res->detail), "%s %02dh%02d", date,
	    w->hour, w->minute);
	return 1;
}

/*
 * 1 and *out when the case has a scheduled meeting still ahead (held 0:
 * the upcoming one) or already past (held 1: one that was held), 0 if
 * not, -1.
 */
static int
meeting_find(struct casework *cw, int64_t case_id, int held,
    struct meeting_row *out, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	s = store_query(cw->st, "SELECT id, uid, sequence, starts_at, "
	    "location FROM meetings WHERE case_id = ?1 AND state = "
	    "'scheduled' AND (starts_at <= ?2) = ?3 ORDER BY starts_at "
	    "LIMIT 1", STORE_ARGS(STORE_INT(case_id), STORE_INT(cw->now),
	    STORE_INT(held ? 1 : 0)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		out->id = store_col_int64(s, 0);
		out->uid = xstrdup(store_col_text(s, 1));
		out->sequence = (int)store_col_int64(s, 2);
		out->starts_at = store_col_int64(s, 3);
		if (!store_col_is_null(s, 4))
			out->location = xstrdup(store_col_text(s, 4));
	} else if (rc < 0)
		snprintf(err, errlen, "meeting of case %lld: %s",
		    (long long)case_id, store_errmsg(cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

/* Closes the reminders still planned for a meeting (it moved or was
 * cancelled). */
static int
meeting_drop_reminders(struct casework *cw, int64_t case_id,
    int64_t meeting_id, char *err, size_t errlen)
{
	return store_run(cw->st, "meeting reminders", "UPDATE jobs SET "
	    "done_at = ?1 WHERE kind = 'meeting_reminder' AND done_at IS NULL "
	    "AND case_id = ?2 AND json_extract(payload, '$.meeting') = ?3",
	    STORE_ARGS(STORE_INT(cw->now), STORE_INT(case_id),
	    STORE_INT(meeting_id)), err, errlen);
}

/* One job per configured reminder that is still ahead. */
static int
meeting_plan_reminders(struct casework *cw, int64_t case_id,
    int64_t meeting_id, long long starts_at, char *err, size_t errlen)
{
	const struct config *cfg = cw->cfg;

	for (size_t i = 0; i < cfg->timers.n_meeting_reminders; i++) {
		int days = cfg->timers.meeting_reminders[i];
		long long due = clock_days_before(starts_at, days);
		char payload[64];

		if (due <= cw->now)
			continue;
		snprintf(payload, sizeof(payload),
		    "{\"meeting\": %lld, \"days\": %d}",
		    (long long)meeting_id, days);
		if (job_add(cw->st, "meeting_reminder", case_id, 0, due,
		    payload, cw->now, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* A new meeting row with a UID no other meeting can have: the case
 * reference says whose it is, random bytes make it unique even if the
 * case has had meetings before (a cancelled one keeps its UID). */
static int
meeting_insert(struct cmd_ctx *x, long long starts_at, const char *location,
    struct meeting_row *out, char *err, size_t errlen)
{
	struct casework *cw = x->cw;
	const char *domain = cw->cfg->network.domain;
	unsigned char rnd[MEETING_UID_RANDOM];
	char hex[2 * MEETING_UID_RANDOM + 1];

	if (hash_random(rnd, sizeof(rnd)) != 0) {
		snprintf(err, errlen, "%s: meeting UID: no random bytes",
		    x->c.ref);
		return -1;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	memset(out, 0, sizeof(*out));
	out->uid = xasprintf("cdp-meeting-%s-%s@%s", x->c.ref, hex,
	    domain && *domain ? domain : "localhost");
	out->starts_at = starts_at;
	out->location = location ? xstrdup(location) : NULL;
	if (store_run(cw->st, "new meeting", "INSERT INTO meetings (case_id, "
	    "uid, sequence, starts_at, location, state, created_at, "
	    "updated_at) VALUES (?1, ?2, 0, ?3, ?4, 'scheduled', ?5, ?5)",
	    STORE_ARGS(STORE_INT(x->c.id), STORE_TEXT(out->uid),
	    STORE_INT(starts_at), STORE_TEXT(location), STORE_INT(cw->now)),
	    err, errlen) != 0)
		return -1;
	out->id = store_last_insert_id(cw->st);
	return 0;
}

/* The meeting moves: new time, new place if one was given, SEQUENCE + 1,
 * and the reminders count again from zero. */
static int
meeting_move(struct cmd_ctx *x, struct meeting_row *r, long long starts_at,
    const char *location, char *err, size_t errlen)
{
	struct casework *cw = x->cw;

	r->starts_at = starts_at;
	r->sequence++;
	if (location != NULL) {
		free(r->location);
		r->location = xstrdup(location);
	}
	if (store_run(cw->st, "meeting move", "UPDATE meetings SET starts_at = "
	    "?2, location = ?3, sequence = ?4, reminders_sent = 0, updated_at "
	    "= ?5 WHERE id = ?1", STORE_ARGS(STORE_INT(r->id),
	    STORE_INT(starts_at), STORE_TEXT(r->location),
	    STORE_INT(r->sequence), STORE_INT(cw->now)), err, errlen) != 0)
		return -1;
	return meeting_drop_reminders(cw, x->c.id, r->id, err, errlen);
}

static int
meeting_set_cancelled(struct cmd_ctx *x, struct meeting_row *r, char *err,
    size_t errlen)
{
	struct casework *cw = x->cw;

	r->sequence++;
	if (store_run(cw->st, "meeting cancellation", "UPDATE meetings SET "
	    "state = 'cancelled', sequence = ?2, updated_at = ?3 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(r->id), STORE_INT(r->sequence),
	    STORE_INT(cw->now)), err, errlen) != 0)
		return -1;
	return meeting_drop_reminders(cw, x->c.id, r->id, err, errlen);
}

/* The timeline entry of a meeting change. */
static int
meeting_record(struct cmd_ctx *x, const char *kind,
    const struct meeting_row *r, char *err, size_t errlen)
{
	char iso[40], seq[16];
	const char *kv[8];

	clock_iso8601((time_t)r->starts_at, iso, sizeof(iso));
	snprintf(seq, sizeof(seq), "%d", r->sequence);
	kv[0] = "starts";
	kv[1] = iso;
	kv[2] = "location";
	kv[3] = r->location;
	kv[4] = "sequence";
	kv[5] = seq;
	kv[6] = "uid";
	kv[7] = r->uid;
	return cmdctx_event(x, kind, kv, 8, err, errlen);
}

/* Queues template `tpl` to each of to[0..nto) with the calendar object
 * attached. */
static int
meeting_send_calendar(struct cmd_ctx *x, const char *tpl, struct tpl_data *d,
    const struct cw_person *to, size_t nto, const char *calendar,
    enum ical_method method, char *err, size_t errlen)
{
	struct casemail_extra extra = { NULL, 0, calendar,
	    ical_method_name(method) };

	tpl_set(d, "ref", x->c.ref);
	return casemail_send_extra(x->cw, tpl, d, "recipient_name", x->c.ref,
	    x->c.id, to, nto, &extra, err, errlen);
}

/*
 * The invitation (REQUEST) or cancellation (CANCEL) of meeting r of case
 * c, and its recipients: the holder, the referent and the accepted
 * volunteers.  Everyone is an attendee of the same object; the referent,
 * who leads the support, is its CHAIR.  The organizer is the network's
 * contact address, so calendar clients send their answers there, where
 * meeting_itip_reply() reads them.  *to and *cal owned by the caller;
 * *cal NULL when there is nobody to invite.
 */
static int
meeting_calendar(struct casework *cw, const struct case_row *c,
    const struct meeting_row *r, enum ical_method method,
    struct cw_person **to, size_t *nto, char **cal, char *err,
    size_t errlen)
{
	const struct config *cfg = cw->cfg;
	struct ical_person *att = NULL;
	struct ical_meeting im;
	char *summary = NULL, *description = NULL;
	int rc = -1;

	*cal = NULL;
	if (casemail_group(cw, c->id, GROUP_HOLDER | GROUP_REFERENT |
	    GROUP_VOLUNTEERS, to, nto, err, errlen) != 0)
		return -1;
	if (*nto == 0)
		return 0;
	att = xcalloc(*nto, sizeof(*att));
	for (size_t i = 0; i < *nto; i++) {
		att[i].name = (*to)[i].name;
		att[i].address = (*to)[i].email;
		att[i].role = (*to)[i].id == c->referent_id ? ICAL_AS_CHAIR :
		    ICAL_AS_REQUIRED;
	}
	/* Data only (no French here): the tag and subject name the
	 * initiative, the description says whom to write to. */
	summary = c->subject && *c->subject ?
	    xasprintf("[%s] %s", c->ref, c->subject) : xstrdup(c->ref);
	description = xasprintf("%s\n%s <%s>", c->ref,
	    cfg->network.name ? cfg->network.name : "",
	    cfg->network.contact);
	memset(&im, 0, sizeof(im));
	im.uid = r->uid;
	im.sequence = r->sequence;
	im.starts_at = r->starts_at;
	im.ends_at = r->starts_at + MEETING_LENGTH;
	im.stamp = cw->now;
	im.summary = summary;
	im.location = r->location;
	im.description = description;
	im.organizer.name = cfg->network.name;
	im.organizer.address = cfg->network.contact;
	im.attendees = att;
	im.nattendees = *nto;
	rc = ical_build(method, &im, cal, err, errlen);
	free(description);
	free(summary);
	free(att);
	if (rc != 0) {
		free(*to);
		*to = NULL;
		*nto = 0;
	}
	return rc;
}

/* The invitation or cancellation mail to everyone of meeting_calendar(). */
static int
meeting_notify(struct cmd_ctx *x, enum ical_method method,
    const struct meeting_row *r, int is_update, char *err, size_t errlen)
{
	int cancel = method == ICAL_DO_CANCEL;
	struct cw_person *to = NULL;
	struct tpl_data *d = NULL;
	char *cal = NULL;
	char date[16], hm[16];
	size_t nto = 0;
	int rc = -1;

	if (meeting_calendar(x->cw, &x->c, r, method, &to, &nto, &cal, err,
	    errlen) != 0)
		goto out;
	if (nto == 0) {
		log_info("%s: meeting %s: nobody to invite", x->c.ref,
		    r->uid);
		rc = 0;
		goto out;
	}
	cmdctx_format_when(r->starts_at, 1, date, sizeof(date), hm,
	    sizeof(hm));
	d = tpl_data_new();
	tpl_set(d, "ref", x->c.ref);
	tpl_set(d, "date", date);
	tpl_set(d, "time", hm);
	tpl_set(d, "place", r->location);
	tpl_set(d, "by_name", cmdctx_sender_name(x));
	if (!cancel)
		tpl_set_bool(d, "is_update", is_update);
	rc = meeting_send_calendar(x, cancel ? "meeting_cancelled" :
	    "meeting", d, to, nto, cal, method, err, errlen);
out:
	tpl_data_free(d);
	free(cal);
	free(to);
	return rc;
}

int
meeting_schedule(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct casework *cw = x->cw;
	struct meeting_row r;
	const char *place = cmd->text && *cmd->text ? cmd->text : NULL;
	long long t;
	int rc = -1, moved;

	memset(&r, 0, sizeof(r));
	t = (long long)mailcmd_when_time(&cmd->when);
	/* What was understood goes into the answer, whatever comes next. */
	if (t != -1)
		meeting_detail(res, t, cmd->when.has_time, place);
	if (!meeting_state_ok(x->c.state)) {
		res->outcome = CMDOUT_WRONG_STATE;
		return 0;
	}
	if (!cmd->when.has_time) {
		res->outcome = CMDOUT_BAD_TIME;
		return 0;
	}
	if (t == -1 && meeting_time_skipped(&cmd->when, res)) {
		res->outcome = CMDOUT_SKIPPED_TIME;
		return 0;
	}
	if (t == -1) {
		res->outcome = CMDOUT_BAD_DATE;
		return 0;
	}
	if (t < cw->now) {
		/* A meeting cannot be planned in the past: a typo in the
		 * year or day, most likely; the detail shows what was
		 * read, and the answer says the date is past rather than
		 * not understood. */
		res->outcome = CMDOUT_PAST_DATE;
		return 0;
	}

	if ((moved = meeting_find(cw, x->c.id, 0, &r, err, errlen)) < 0)
		goto out;
	if (moved) {
		if (meeting_move(x, &r, t, place, err, errlen) != 0)
			goto out;
	} else if (meeting_insert(x, t, place, &r, err, errlen) != 0)
		goto out;
	if (strcmp(x->c.state, "forming") == 0 &&
	    cmdctx_set_state(x, "meeting", NULL, err, errlen) != 0)
		goto out;
	if (meeting_record(x, "meeting", &r, err, errlen) != 0 ||
	    meeting_plan_reminders(cw, x->c.id, r.id, r.starts_at, err,
	    errlen) != 0 ||
	    meeting_notify(x, ICAL_DO_REQUEST, &r, moved, err, errlen) != 0)
		goto out;
	/* A move without a place keeps the old one: say which. */
	meeting_detail(res, r.starts_at, 1, r.location);
	log_info("%s: meeting %s %s (sequence %d)", x->c.ref,
	    moved ? "moved to" : "scheduled", res->detail, r.sequence);
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	meeting_row_free(&r);
	return rc;
}

int
meeting_cancel(struct cmd_ctx *x, const struct mailcmd *cmd,
    struct cmd_res *res, char *err, size_t errlen)
{
	struct casework *cw = x->cw;
	struct meeting_row r, past;
	int rc = -1, found, held = 0;

	(void)cmd;
	memset(&r, 0, sizeof(r));
	memset(&past, 0, sizeof(past));
	if ((found = meeting_find(cw, x->c.id, 0, &r, err, errlen)) < 0)
		goto out;
	if (!found) {
		res->outcome = CMDOUT_WRONG_STATE;
		rc = 0;
		goto out;
	}
	meeting_detail(res, r.starts_at, 1, r.location);
	if (meeting_set_cancelled(x, &r, err, errlen) != 0)
		goto out;
	/* The group goes back to finding a date, unless it already met
	 * (a second meeting cancelled) or is under way (active). */
	if (strcmp(x->c.state, "meeting") == 0 &&
	    ((held = meeting_find(cw, x->c.id, 1, &past, err, errlen)) < 0 ||
	    (!held && cmdctx_set_state(x, "forming", NULL, err,
	    errlen) != 0)))
		goto out;
	if (meeting_record(x, "meeting_cancelled", &r, err, errlen) != 0 ||
	    meeting_notify(x, ICAL_DO_CANCEL, &r, 0, err, errlen) != 0)
		goto out;
	log_info("%s: meeting of %s cancelled", x->c.ref, res->detail);
	res->outcome = CMDOUT_OK;
	rc = 0;
out:
	meeting_row_free(&past);
	meeting_row_free(&r);
	return rc;
}

int
meeting_invite_load(struct casework *cw, const struct case_row *c,
    int64_t meeting_id, struct meeting_invite *out, char *err,
    size_t errlen)
{
	struct meeting_row r;
	struct store_stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	s = store_query(cw->st, "SELECT uid, sequence, starts_at, location "
	    "FROM meetings WHERE id = ?1 AND case_id = ?2 AND state = "
	    "'scheduled'", STORE_ARGS(STORE_INT(meeting_id),
	    STORE_INT(c->id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		r.id = meeting_id;
		r.uid = xstrdup(store_col_text(s, 0));
		r.sequence = (int)store_col_int64(s, 1);
		r.starts_at = store_col_int64(s, 2);
		if (!store_col_is_null(s, 3))
			r.location = xstrdup(store_col_text(s, 3));
	} else if (rc < 0)
		snprintf(err, errlen, "meeting %lld: %s", (long long)meeting_id,
		    store_errmsg(cw->st));
	store_finalize(s);
	if (rc != STORE_ROW)
		return rc < 0 ? -1 : 0;
	/* The same UID and SEQUENCE as the invitation last sent: a calendar
	 * that has the event sees nothing new, one that lost it gets it
	 * back (RFC 5546 §2.1.4). */
	if (meeting_calendar(cw, c, &r, ICAL_DO_REQUEST, &out->to, &out->nto,
	    &out->calendar, err, errlen) != 0) {
		meeting_row_free(&r);
		return -1;
	}
	out->id = r.id;
	out->uid = r.uid;
	out->sequence = r.sequence;
	out->starts_at = r.starts_at;
	out->location = r.location;
	return 1;
}

void
meeting_invite_free(struct meeting_invite *m)
{
	free(m->uid);
	free(m->location);
	free(m->to);
	free(m->calendar);
	memset(m, 0, sizeof(*m));
}

int
meeting_reminded(struct casework *cw, int64_t meeting_id, char *err,
    size_t errlen)
{
	return store_run(cw->st, "meeting reminder sent", "UPDATE meetings "
	    "SET reminders_sent = reminders_sent + 1, updated_at = ?2 WHERE "
	    "id = ?1", STORE_ARGS(STORE_INT(meeting_id), STORE_INT(cw->now)),
	    err, errlen);
}

/* Calendar data as clients send it: text/calendar in the body, and
 * Outlook's copy as an application/ics or .ics file. */
static int
meeting_is_calendar(const struct msg_attachment *a)
{
	size_t n = strlen(a->filename);

	return strcmp(a->content_type, "text/calendar") == 0 ||
	    strcmp(a->content_type, "application/ics") == 0 ||
	    (n > 4 && strcasecmp(a->filename + n - 4, ".ics") == 0);
}

/* 1, the case's reference and the meeting's start when `uid` is a
 * meeting of the case, 0 if not, -1. */
static int
meeting_find_uid(struct casework *cw, int64_t case_id, const char *uid,
    char *ref, size_t reflen, long long *starts_at, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	s = store_query(cw->st, "SELECT c.ref, m.starts_at FROM meetings m "
	    "JOIN cases c "
	    "ON c.id = m.case_id WHERE m.uid = ?1 AND m.case_id = ?2",
	    STORE_ARGS(STORE_TEXT(uid), STORE_INT(case_id)), err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		snprintf(ref, reflen, "%s", store_col_text(s, 0));
		*starts_at = store_col_int64(s, 1);
	} else if (rc < 0)
		snprintf(err, errlen, "meeting %s: %s", uid,
		    store_errmsg(cw->st));
	store_finalize(s);
	return rc < 0 ? -1 : rc == STORE_ROW;
}

/*
 * The answer is recorded as the client wrote it.  The attendee it names
 * is not checked against the sender: an answer may come from an alias or
 * a delegate, and it only informs the timeline (nothing is decided on
 * it).  The first REPLY about a meeting of this case counts: Outlook sends
 * the same one twice (body part and .ics file).
 */
int
meeting_itip_reply(struct casework *cw, const struct cw_mail *mail,
    int64_t case_id, int64_t sender_id, int *found, char *err,
    size_t errlen)
{
	const struct message *m = mail->m;
	const char *mid = m->message_id ? m->message_id : "";
	int rc = 0;

	*found = 0;
	for (size_t i = 0; i < m->nattachments && !*found && rc == 0; i++) {
		const struct msg_attachment *a = &m->attachments[i];
		char *uid = NULL, *attendee = NULL, *partstat = NULL;
		char why[256], ref[64], seq[16];
		const char *kv[8];
		long long starts_at = 0;
		int sequence, known;

		if (!meeting_is_calendar(a) || a->data == NULL)
			continue;
		if (ical_parse_reply(a->data, &uid, &sequence, &attendee,
		    &partstat, why, sizeof(why)) != 0) {
			log_info("message <%s>: calendar part ignored: %s",
			    mid, why);
			continue;
		}
		known = meeting_find_uid(cw, case_id, uid, ref, sizeof(ref),
		    &starts_at, err, errlen);
		if (known < 0)
			rc = -1;
		else if (known == 0)
			log_info("message <%s>: calendar answer about %s, not "
			    "a meeting of case %lld: ignored", mid, uid,
			    (long long)case_id);
		else {
			snprintf(seq, sizeof(seq), "%d", sequence);
			kv[0] = "attendee";
			kv[1] = attendee;
			kv[2] = "partstat";
			kv[3] = partstat;
			kv[4] = "uid";
			kv[5] = uid;
			kv[6] = "sequence";
			kv[7] = seq;
			if (case_event(cw->st, case_id, sender_id,
			    "attendance", mail->msg_id, kv, 8, cw->now, err,
			    errlen) != 0 ||
			    attendance_tell(cw, case_id, ref, sender_id,
			    partstat, starts_at, err, errlen) != 0)
				rc = -1;
			else {
				log_info("%s: %s answered %s to meeting %s",
				    ref, attendee, partstat, uid);
				*found = 1;
			}
		}
		free(uid);
		free(attendee);
		free(partstat);
	}
	return rc;
}
