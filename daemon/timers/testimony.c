/*
 * testimony.c — the holder of a closed case asked, [timers]
 * testimony_delay months later, whether they would talk about their
 * initiative to new holders (DESIGN.md §1 step 4, §3).  The job is
 * planned by CLOTURER (casework/decision.c); the answer, OUI or NON, is
 * taken by casework/witness.c and closes it.
 *
 * A person is asked once in their life, not once per case: whoever
 * answered already — NON, which must be respected, or OUI, which makes
 * them a witness already — is left alone, and so is whoever was asked
 * before and chose not to answer (two cases closed the same day make one
 * request, not two; the closing mail of each case still asks).  Nor is a
 * person forgotten, deactivated or whose address bounces asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "casework/case_mail.h"
#include "config/config.h"
#include "out/template.h"
#include "store/case_db.h"
#include "store/store.h"
#include "store/testimony_db.h"
#include "timers/timers_private.h"

/* 1 if the holder of closed case c is still to be asked, 0 if not, -1. */
static int
testimony_due(struct casework *cw, const struct timer_job *j,
    const struct case_row *c, char *err, size_t errlen)
{
	int64_t reachable = 0;
	int rc;

	if (cw->cfg->timers.testimony_delay == 0 ||
	    strcmp(c->state, "closed") != 0 || c->holder_id == 0 ||
	    c->holder_id != j->person_id)
		return 0;
	rc = store_get_int64(cw->st, &reachable, "holder", "SELECT "
	    "forgotten_at IS NULL AND failing_since IS NULL AND active = 1 "
	    "FROM persons WHERE id = ?1", STORE_ARGS(STORE_INT(j->person_id)),
	    err, errlen);
	if (rc <= 0 || !reachable)
		return rc < 0 ? -1 : 0;
	rc = testimony_asked_before(cw->st, j->person_id, err, errlen);
	return rc < 0 ? -1 : !rc;
}

static int
testimony_ask(struct casework *cw, const struct case_row *c,
    const struct cw_person *holder, char *err, size_t errlen)
{
	const char *kv[] = { "to", holder->email };
	struct cw_person ref;
	struct tpl_data *d;
	struct tm tm;
	time_t closed;
	int64_t closed_at = 0;
	char date[16];
	int rc = -1;

	memset(&ref, 0, sizeof(ref));
	if (store_get_int64(cw->st, &closed_at, "closed case", "SELECT "
	    "closed_at FROM cases WHERE id = ?1", STORE_ARGS(STORE_INT(c->id)),
	    err, errlen) < 0 || (c->referent_id && casemail_person(cw,
	    c->referent_id, &ref, err, errlen) != 0))
		return -1;
	closed = (time_t)closed_at;
	localtime_r(&closed, &tm);
	strftime(date, sizeof(date), "%d/%m/%Y", &tm);
	d = tpl_data_new();
	tpl_set(d, "ref", c->ref);
	tpl_set(d, "subject", c->subject);
	tpl_set(d, "closed_date", date);
	tpl_set(d, "referent_name", ref.name[0] ? ref.name : ref.email);
	if (testimony_asked(cw->st, c->id, holder->id, cw->now, err,
	    errlen) != 0 || case_event(cw->st, c->id, 0, "testimony_asked", 0,
	    kv, 2, cw->now, err, errlen) != 0 || casemail_send(cw,
	    "testimony_request", d, "holder_name", c->ref, c->id, holder, 1,
	    err, errlen) != 0)
		goto out;
	log_info("%s: %s asked to share their experience", c->ref,
	    holder->email);
	rc = 0;
out:
	tpl_data_free(d);
	return rc;
}

int
timer_testimony(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	struct cw_person holder;
	struct case_row c;
	int rc;

	rc = case_load(cw->st, j->case_id, &c, err, errlen);
	if (rc <= 0)
		return rc;
	rc = testimony_due(cw, j, &c, err, errlen);
	if (rc > 0)
		rc = casemail_person(cw, j->person_id, &holder, err, errlen) ==
		    0 ? testimony_ask(cw, &c, &holder, err, errlen) : -1;
	else if (rc == 0)
		log_debug(LOG_CAT_TIMER, "%s: testimony not asked: asked or "
		    "answered before, or the holder cannot be reached", c.ref);
	case_row_free(&c);
	return rc;
}
