/*
 * assign.h — a case gets a referent, and the referent's decision is
 * awaited (DESIGN.md §3: "referent has not decided after 7 days →
 * reminder; after 14 → flagged in digest").
 *
 * Every assignment goes through here — intake routing, TRANSFERER, a
 * coordinator who decides on a case nobody had — so that the two timers
 * of the decision (jobs decision_reminder and decision_flag, run by
 * timers/remind_decision.c) are planned in one place, for the new
 * referent, and the previous referent's are closed.  store/case_db.h
 * records the assignment; the delays are policy ([timers]
 * referent_reminder, referent_flag), which the store does not know.
 */
#ifndef CDP_ASSIGN_H
#define CDP_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

struct casework;

/*
 * Gives case case_id to referent_id (case_assign(): membership, state
 * 'analysis' when it was 'new', an 'assigned' event by actor_id, caused
 * by message msg_id; 0: none).  The decision jobs of any earlier referent
 * are closed and the case is no longer flagged late; when the case
 * awaits a decision ('analysis'), the new referent's reminder and flag
 * are planned from now.  0 or -1 (err).
 */
int assign_referent(struct casework *cw, int64_t case_id,
    int64_t referent_id, int64_t actor_id, int64_t msg_id, char *err,
    size_t errlen);

/* The referent decided (ELIGIBLE, NON ELIGIBLE): no more decision
 * reminders, and the case is no longer flagged late.  0 or -1. */
int assign_decided(struct casework *cw, int64_t case_id, char *err,
    size_t errlen);

#endif
