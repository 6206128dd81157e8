/*
 * remind_meeting.c — the group's meeting is coming (DESIGN.md §3:
 * reminders 7 days and 1 day before, [timers] meeting_reminders).
 *
 * RENCONTRE (casework/meeting.c) plans one job per reminder, payload
 * {"meeting": id, "days": N}, and closes them when the meeting moves or
 * is cancelled.  Here the holder, the referent and the accepted
 * volunteers each get a reminder with the invitation attached again,
 * under the same UID and SEQUENCE (RFC 5546 §2.1.4): a calendar that has
 * the event keeps one copy of it, one that lost it gets it back.
 *
 * The job is only a reason to look: the meeting must still be scheduled
 * at the time the job was planned for (a move that somehow left the job
 * open would otherwise remind of the wrong date), still ahead (a J-1 that
 * waited over a weekend may come after the meeting), and the case open.
 * The mail names the date: it may leave later than planned, so "demain"
 * could be wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "casework/case_mail.h"
#include "casework/cmd_context.h"
#include "casework/meeting.h"
#include "out/ical.h"
#include "out/template.h"
#include "store/case_db.h"
#include "timers/timers_private.h"

/* The people invited, as the mail names them: name, or address when the
 * name is unknown. */
static void
meeting_list_attendees(const struct case_row *c,
    const struct meeting_invite *mi, struct tpl_data *d)
{
	tpl_list_init(d, "attendees");
	for (size_t i = 0; i < mi->nto; i++) {
		const struct cw_person *p = &mi->to[i];
		struct tpl_data *it = tpl_list_add(d, "attendees");

		tpl_set(it, "name", p->name[0] ? p->name : p->email);
		tpl_set_bool(it, "is_holder", p->id == c->holder_id);
		tpl_set_bool(it, "is_referent", p->id == c->referent_id);
		tpl_set_bool(it, "is_contact", p->id == c->contact_id);
	}
}

/* One mail per person: what to do when one cannot come depends on who
 * one is. */
static int
meeting_remind(struct casework *cw, const struct case_row *c,
    const struct meeting_invite *mi, char *err, size_t errlen)
{
	struct casemail_extra extra = { NULL, 0, mi->calendar,
	    ical_method_name(ICAL_DO_REQUEST) };
	struct cw_person ref;
	struct tpl_data *d;
	char date[16], hm[16];
	int rc = 0;

	memset(&ref, 0, sizeof(ref));
	if (c->referent_id && casemail_person(cw, c->referent_id, &ref, err,
	    errlen) != 0)
		return -1;
	cmdctx_format_when(mi->starts_at, 1, date, sizeof(date), hm,
	    sizeof(hm));
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "subject", c->subject);
	tpl_set(d, "date", date);
	tpl_set(d, "time", hm);
	tpl_set(d, "place", mi->location);
	tpl_set(d, "referent_name", ref.name);
	tpl_set(d, "referent_address", ref.email);
	meeting_list_attendees(c, mi, d);
	for (size_t i = 0; rc == 0 && i < mi->nto; i++) {
		int64_t id = mi->to[i].id;

		tpl_set_bool(d, "is_holder", id == c->holder_id);
		tpl_set_bool(d, "can_move", id == c->referent_id ||
		    id == c->contact_id);
		rc = casemail_send_extra(cw, "meeting_reminder", d,
		    "recipient_name", c->ref, c->id, &mi->to[i], 1, &extra,
		    err, errlen);
	}
	tpl_data_free(d);
	return rc;
}

/* 1 when the job still describes the meeting as it stands, 0 if not. */
static int
meeting_still_due(struct casework *cw, const struct timer_job *j,
    const struct case_row *c, const struct meeting_invite *mi, int days)
{
	if (mi->starts_at <= cw->now) {
		log_info("%s: reminder of meeting %s skipped: it has begun",
		    c->ref, mi->uid);
		return 0;
	}
	if (clock_days_before(mi->starts_at, days) != j->due_at) {
		log_info("%s: reminder of meeting %s skipped: it was moved",
		    c->ref, mi->uid);
		return 0;
	}
	return 1;
}

int
timer_meeting(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct meeting_invite mi;
	struct case_row c;
	int64_t meeting_id = 0, days = 0;
	int rc;

	memset(&mi, 0, sizeof(mi));
	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	if (!case_state_open(c.state))
		goto out;
	if ((rc = timer_payload_int(cw, j, "$.meeting", &meeting_id, err,
	    errlen)) < 0 || (rc == 1 && (rc = timer_payload_int(cw, j,
	    "$.days", &days, err, errlen)) < 0))
		goto out;
	if (rc == 0) {
		log_warnx("%s: job %lld: no meeting in its payload, dropped",
		    c.ref, (long long)j->id);
		goto out;
	}
	rc = meeting_invite_load(cw, &c, meeting_id, &mi, err, errlen);
	if (rc == 0)
		log_info("%s: reminder of meeting %lld skipped: it was "
		    "cancelled", c.ref, (long long)meeting_id);
	if (rc <= 0)
		goto out;
	rc = 0;
	if (!meeting_still_due(cw, j, &c, &mi, (int)days) || mi.nto == 0)
		goto out;
	if (meeting_remind(cw, &c, &mi, err, errlen) != 0 ||
	    meeting_reminded(cw, mi.id, err, errlen) != 0) {
		rc = -1;
		goto out;
	}
	log_info("%s: meeting %s reminded %lld day(s) before", c.ref, mi.uid,
	    (long long)days);
out:
	meeting_invite_free(&mi);
	case_row_free(&c);
	return rc;
}
