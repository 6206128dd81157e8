/*
 * digest.h — the digest to the coordinators (DESIGN.md §3): every
 * [timers] digest_interval days (weekly by default, digest_day at
 * digest_time), what needs a human now, the coming days, what is late,
 * what changed since the previous digest, the pool and the counts; and,
 * with digest_referents, each referent's digest of their own cases.
 * Nothing is sent when there is nothing to report (digest_data.h says
 * what counts).
 *
 * Each recipient gets their own mail, text and HTML (templates digest.txt
 * and digest.html), whose token binds it to them and to no case: their
 * reply is theirs (thread/match.h), never a new case.
 *
 * Scheduling: one job of kind "digest" is always pending.
 * digest_plan_next() adds it when there is none (timers_run calls it
 * first); the job, when it has run, plans the next one from the time it
 * ran, so a daemon stopped for weeks sends one digest, not several.  A
 * slot on a day off runs at the next working time, as every job does.
 * "Since the previous digest" is when the previous digest job ran, or
 * DIGEST_FIRST_DAYS days for the first one.
 *
 * Files: digest.c (this header: the job, planning, sending),
 * digest_data.h and digest_data.c / digest_pool.c (the queries),
 * digest_render.c (the template values).
 */
#ifndef CDP_DIGEST_H
#define CDP_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "casework/casework.h"

struct config;

/* Who a digest is for. */
struct digest_target {
	struct cw_person p;
	int64_t		 referent_id;	/* 0: a coordinator (the network's
					 * digest); else p.id, a referent
					 * (their cases only) */
};

/*
 * The next digest slot for a digest planned at `now`: the first
 * digest_day at digest_time at or after now (after_run 0: no digest ever
 * ran), or, after a run, strictly after now + digest_interval - 7 days
 * (weekly: next week's slot).  An interval under 7 days ignores
 * digest_day: the first digest_time strictly after now + interval - 1
 * days.
 */
long long digest_next_slot(const struct config *cfg, long long now,
    int after_run);

/* Makes sure a digest job is pending (in its own transaction: not to be
 * called inside one).  0 or -1. */
int digest_plan_next(struct casework *cw, char *err, size_t errlen);

/*
 * The recipient `email` names: a coordinator ([network] coordinators or
 * the coordinator role) gets the network's digest, an active referent
 * the digest of their cases.  1 and *t, 0 when it is neither (err says
 * so), -1 on error.
 */
int digest_target(struct casework *cw, const char *email,
    struct digest_target *t, char *err, size_t errlen);

/*
 * The digest for t (NULL: the coordinators', addressed to nobody in
 * particular) as it would be sent at cw->now: subject, and the text
 * (html 0) or HTML body, new strings owned by the caller; *empty 1 when
 * nothing is to report (the digest would not be sent; both are still
 * rendered).  Queues nothing.  0 or -1 (err).
 */
int digest_preview(struct casework *cw, const struct digest_target *t,
    int html, char **subject, char **body, int *empty, char *err,
    size_t errlen);

/*
 * Queues the digest, in the caller's transaction, to t (NULL: every
 * coordinator and, with digest_referents, every referent who is not
 * one), each unless they have nothing to report; urgent: not held to
 * working hours.  *queued counts the mails.  0 or -1 (err).
 */
int digest_send(struct casework *cw, const struct digest_target *t,
    int urgent, size_t *queued, char *err, size_t errlen);

#endif
