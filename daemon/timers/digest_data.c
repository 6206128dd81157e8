/*
 * digest_data.c — the digest's sections about cases and mail, read from
 * the database; see digest_data.h.
 *
 * Each section is one query whose columns have the shape of struct
 * digest_line, so adding a section is a query and a row in the renderer,
 * not a new struct.  A case stays in "needs a human" for as long as its
 * condition holds (no referent, decision late, group incomplete); what
 * happened once (a bounce, a refused command, a quarantined or failed
 * mail, the daily cap) is listed in the first digest after it, and later
 * digests only count what is still pending, so that an old problem does
 * not keep a digest going out every week with nothing new in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/mem.h"
#include "store/store.h"
#include "timers/digest_data.h"
#include "store/case_db.h"

/* The case columns of a line, and the join they need. */
#define DG_CASE	"c.ref, c.subject, coalesce(nullif(rp.name, ''), rp.email, '')"
#define DG_REFERENT "LEFT JOIN persons rp ON rp.id = c.referent_id"
#define DG_OPEN	CASE_SQL_OPEN("c.state")

static char *
dg_dup(struct store_stmt *s, int col)
{
	const char *t = store_col_text(s, col);

	return t ? xstrdup(t) : NULL;
}

int
digest_rows(struct store *st, struct digest_list *l, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int rc;

	s = store_query(st, sql, args, nargs, err, errlen);
	if (s == NULL) {
		snprintf(err + strlen(err), errlen - strlen(err), " (%s)", what);
		return -1;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		struct digest_line *x;
		char *ref = dg_dup(s, 0), *subject = dg_dup(s, 1);
		char *referent = dg_dup(s, 2);

		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			l->v = xrealloc(l->v, l->cap * sizeof(l->v[0]));
		}
		x = &l->v[l->n++];
		x->ref = ref ? ref : xstrdup("");
		x->subject = subject ? subject : xstrdup("");
		x->referent = referent ? referent : xstrdup("");
		x->a = dg_dup(s, 3);
		x->b = dg_dup(s, 4);
		x->c = dg_dup(s, 5);
		x->at = store_col_int64(s, 6);
		x->n1 = store_col_int64(s, 7);
		x->n2 = store_col_int64(s, 8);
		x->n3 = store_col_int64(s, 9);
		x->flag1 = dg_dup(s, 10);
		x->flag2 = dg_dup(s, 11);
	}
	if (rc < 0)
		snprintf(err, errlen, "digest: %s: %s", what,
		    store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* Cases that wait for someone: no referent, no decision, no group. */
static int
dg_waiting(struct store *st, struct digest *d, char *err, size_t errlen)
{
	if (d->referent_id == 0 && digest_rows(st, &d->unassigned,
	    "cases without referent", "SELECT " DG_CASE ", NULL, NULL, NULL, "
	    "c.created_at, (?1 - c.created_at) / 86400, 0, 0, NULL, NULL "
	    "FROM cases c " DG_REFERENT " WHERE c.flags & 1 AND "
	    "c.referent_id IS NULL AND " DG_OPEN " ORDER BY c.created_at, "
	    "c.id", STORE_ARGS(STORE_INT(d->now)), err, errlen) != 0)
		return -1;
	if (digest_rows(st, &d->decision_late, "decisions late",
	    "SELECT " DG_CASE ", NULL, NULL, NULL, c.state_since, (?1 - "
	    "c.state_since) / 86400, 0, 0, NULL, NULL FROM cases c "
	    DG_REFERENT " WHERE c.flags & 2 AND c.state IN ('new', "
	    "'analysis') AND (?2 = 0 OR c.referent_id = ?2) ORDER BY "
	    "c.state_since, c.id", STORE_ARGS(STORE_INT(d->now),
	    STORE_INT(d->referent_id)), err, errlen) != 0)
		return -1;
	/* A group is incomplete while its case is being formed and nobody
	 * has accepted yet: invitations pending, declined, expired, or
	 * none sent. */
	return digest_rows(st, &d->group_incomplete, "incomplete groups",
	    "SELECT " DG_CASE ", NULL, NULL, NULL, c.state_since, "
	    "(SELECT count(*) FROM case_members m WHERE m.case_id = c.id AND "
	    "m.role = 'volunteer' AND m.status = 'invited'), "
	    "(SELECT count(*) FROM case_members m WHERE m.case_id = c.id AND "
	    "m.role = 'volunteer' AND m.status = 'declined'), "
	    "(SELECT count(*) FROM case_members m WHERE m.case_id = c.id AND "
	    "m.role = 'volunteer' AND m.status = 'expired'), NULL, NULL "
	    "FROM cases c " DG_REFERENT " WHERE c.state = 'forming' AND NOT "
	    "EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND "
	    "m.role = 'volunteer' AND m.status = 'accepted') AND (?1 = 0 OR "
	    "c.referent_id = ?1) ORDER BY c.state_since, c.id",
	    STORE_ARGS(STORE_INT(d->referent_id)), err, errlen);
}

/* Commands refused because their sender could not be verified. */
static int
dg_untrusted(struct store *st, struct digest *d, char *err, size_t errlen)
{
	return digest_rows(st, &d->untrusted, "refused commands",
	    "SELECT " DG_CASE ", coalesce(ap.name, ''), coalesce(ap.email, "
	    "msg.from_address, ''), NULL, e.at, 0, 0, 0, NULL, NULL "
	    "FROM events e JOIN cases c ON c.id = e.case_id " DG_REFERENT
	    " LEFT JOIN persons ap ON ap.id = e.actor_id LEFT JOIN messages "
	    "msg ON msg.id = e.msg_id WHERE e.kind = 'commands_refused' AND "
	    "e.at >= ?1 AND (?2 = 0 OR c.referent_id = ?2) ORDER BY e.at, "
	    "e.id", STORE_ARGS(STORE_INT(d->since),
	    STORE_INT(d->referent_id)), err, errlen);
}

/* Mail that went wrong: bounces, quarantine, given up, capped.  Listed
 * once (since the last digest), then only counted while pending. */
static int
dg_mail(struct store *st, struct digest *d, char *err, size_t errlen)
{
	char day[16];
	time_t t = (time_t)d->since;
	struct tm tm;
	int64_t n;

	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (digest_rows(st, &d->bounced, "failing addresses", "SELECT NULL, "
	    "NULL, NULL, p.name, p.email, coalesce(p.last_bounce_status, ''), "
	    "p.failing_since, 0, 0, 0, NULL, NULL FROM persons p WHERE "
	    "p.failing_since IS NOT NULL AND p.forgotten_at IS NULL AND "
	    "p.last_bounce_at >= ?1 ORDER BY p.email",
	    STORE_ARGS(STORE_INT(d->since)), err, errlen) != 0 ||
	    store_get_int64(st, &n, "digest: failing addresses", "SELECT "
	    "count(*) FROM persons WHERE failing_since IS NOT NULL AND "
	    "forgotten_at IS NULL AND (last_bounce_at IS NULL OR "
	    "last_bounce_at < ?1)", STORE_ARGS(STORE_INT(d->since)), err,
	    errlen) < 0)
		return -1;
	d->bounced_older = n;
	if (digest_rows(st, &d->quarantined, "quarantine", "SELECT NULL, "
	    "NULL, NULL, q.reason, coalesce(q.message_id, ''), NULL, "
	    "q.created_at, q.id, 0, 0, NULL, NULL FROM quarantine q WHERE "
	    "q.retried_at IS NULL AND q.msg_id IS NULL AND q.created_at >= ?1 "
	    "ORDER BY q.id", STORE_ARGS(STORE_INT(d->since)), err, errlen) != 0 ||
	    store_get_int64(st, &n, "digest: quarantine", "SELECT count(*) "
	    "FROM quarantine WHERE retried_at IS NULL AND msg_id IS NULL AND "
	    "created_at < ?1", STORE_ARGS(STORE_INT(d->since)), err,
	    errlen) < 0)
		return -1;
	d->quarantined_older = n;
	/* A failed row's next_attempt_at is the time of its last attempt
	 * (outbox_send.c). */
	if (digest_rows(st, &d->outbox_failed, "failed mail", "SELECT "
	    "coalesce(c.ref, ''), coalesce(c.subject, ''), "
	    "coalesce(nullif(rp.name, ''), rp.email, ''), (SELECT "
	    "group_concat(value, ', ') FROM json_each(o.recipients)), "
	    "coalesce(o.last_error, ''), coalesce(o.template, ''), "
	    "o.next_attempt_at, o.id, 0, 0, NULL, NULL FROM outbox o LEFT "
	    "JOIN cases c ON c.id = o.case_id " DG_REFERENT " WHERE o.status "
	    "= 'failed' AND o.next_attempt_at >= ?1 ORDER BY o.id",
	    STORE_ARGS(STORE_INT(d->since)), err, errlen) != 0 ||
	    store_get_int64(st, &n, "digest: failed mail", "SELECT count(*) "
	    "FROM outbox WHERE status = 'failed' AND next_attempt_at < ?1",
	    STORE_ARGS(STORE_INT(d->since)), err, errlen) < 0)
		return -1;
	d->failed_older = n;
	/* Each answer left unsent at the daily cap is a 'mail_capped'
	 * event (casework/case_mail.c): counted per address and local day.
	 * Only answers are capped; the mail people wait for is not. */
	return digest_rows(st, &d->capped, "daily cap", "SELECT NULL, NULL, "
	    "NULL, a, substr(dy, 9, 2) || '/' || substr(dy, 6, 2) || '/' || "
	    "substr(dy, 1, 4), NULL, 0, count(*), 0, 0, NULL, NULL FROM "
	    "(SELECT json_extract(e.details, '$.address') AS a, "
	    "json_extract(e.details, '$.day') AS dy FROM events e LEFT JOIN "
	    "cases c ON c.id = e.case_id WHERE e.kind = 'mail_capped' AND "
	    "e.at >= ?1 AND (?2 = 0 OR c.referent_id = ?2)) GROUP BY a, dy "
	    "ORDER BY dy, a", STORE_ARGS(STORE_INT(d->since),
	    STORE_INT(d->referent_id)), err, errlen);
}

/* Roadmap steps due in [?1, ?3) of the cases of referent ?2 (0: all);
 * n1 is the days from the step to ?3 (days late, for the late ones). */
#define DG_STEPS "SELECT " DG_CASE ", ms.label, NULL, NULL, ms.due_at, "  \
	"(?3 - ms.due_at + 43200) / 86400, 0, 0, CASE ms.kind WHEN "	\
	"'checkin' THEN 'is_checkin' ELSE 'is_milestone' END, CASE "	\
	"ms.has_time WHEN 1 THEN 'has_time' END FROM milestones ms JOIN "	\
	"cases c ON c.id = ms.case_id " DG_REFERENT " WHERE ms.state = "	\
	"'planned' AND ms.due_at >= ?1 AND ms.due_at < ?3 AND " DG_OPEN	\
	" AND (?2 = 0 OR c.referent_id = ?2)"

/* The coming days: meetings from now and steps from the start of today
 * until the horizon, in time order. */
static int
dg_agenda(struct store *st, struct digest *d, long long today,
    long long horizon, char *err, size_t errlen)
{
	return digest_rows(st, &d->agenda, "agenda", "SELECT * FROM (SELECT "
	    DG_CASE ", coalesce(m.location, ''), NULL, NULL, m.starts_at, 0, "
	    "0, 0, 'is_meeting', 'has_time' FROM meetings m JOIN cases c ON "
	    "c.id = m.case_id " DG_REFERENT " WHERE m.state = 'scheduled' AND "
	    "m.starts_at >= ?4 AND m.starts_at < ?3 AND " DG_OPEN " AND (?2 = "
	    "0 OR c.referent_id = ?2) UNION ALL " DG_STEPS ") ORDER BY 7, 1",
	    STORE_ARGS(STORE_INT(today), STORE_INT(d->referent_id),
	    STORE_INT(horizon), STORE_INT(d->now)), err, errlen);
}

/* Steps whose day has passed and that nobody marked done. */
static int
dg_overdue(struct store *st, struct digest *d, long long today, char *err,
    size_t errlen)
{
	return digest_rows(st, &d->overdue, "overdue milestones", DG_STEPS
	    " ORDER BY ms.due_at, c.ref", STORE_ARGS(STORE_INT(0),
	    STORE_INT(d->referent_id), STORE_INT(today)), err, errlen);
}

/* Cases without activity for too long, new and ended ones. */
static int
dg_cases(struct store *st, struct digest *d, char *err, size_t errlen)
{
	if (digest_rows(st, &d->inactive, "inactive cases", "SELECT " DG_CASE
	    ", NULL, NULL, NULL, c.last_activity_at, (?1 - "
	    "c.last_activity_at) / 86400, 0, 0, NULL, NULL FROM cases c "
	    DG_REFERENT " WHERE c.flags & 4 AND " DG_OPEN " AND (?2 = 0 OR "
	    "c.referent_id = ?2) ORDER BY c.last_activity_at, c.id",
	    STORE_ARGS(STORE_INT(d->now), STORE_INT(d->referent_id)), err,
	    errlen) != 0)
		return -1;
	if (digest_rows(st, &d->opened, "new cases", "SELECT " DG_CASE ", "
	    "NULL, NULL, NULL, c.created_at, 0, 0, 0, 'kind_' || c.kind, "
	    "'state_' || c.state FROM cases c " DG_REFERENT " WHERE "
	    "c.created_at >= ?1 AND (?2 = 0 OR c.referent_id = ?2) ORDER BY "
	    "c.created_at, c.id", STORE_ARGS(STORE_INT(d->since),
	    STORE_INT(d->referent_id)), err, errlen) != 0)
		return -1;
	return digest_rows(st, &d->ended, "ended cases", "SELECT " DG_CASE
	    ", NULL, NULL, NULL, c.closed_at, 0, 0, 0, 'state_' || c.state, "
	    "NULL FROM cases c " DG_REFERENT " WHERE c.closed_at >= ?1 AND "
	    "(?2 = 0 OR c.referent_id = ?2) ORDER BY c.closed_at, c.id",
	    STORE_ARGS(STORE_INT(d->since), STORE_INT(d->referent_id)), err,
	    errlen);
}

int
digest_load(struct store *st, long long now, long long since,
    int64_t referent_id, int max_auto_per_day, struct digest *d, char *err,
    size_t errlen)
{
	long long today = clock_day_start(now);
	/* Noon of the day after the last one, back to its midnight: the
	 * start of a local day even across a change of summer time. */
	long long horizon = clock_day_start(today + DIGEST_AGENDA_DAYS *
	    86400LL + 43200);

	memset(d, 0, sizeof(*d));
	d->now = now;
	d->since = since;
	d->referent_id = referent_id;
	d->max_auto_per_day = max_auto_per_day;
	if (dg_waiting(st, d, err, errlen) != 0 ||
	    dg_untrusted(st, d, err, errlen) != 0 ||
	    (referent_id == 0 && dg_mail(st, d, err, errlen) != 0) ||
	    dg_agenda(st, d, today, horizon, err, errlen) != 0 ||
	    dg_overdue(st, d, today, err, errlen) != 0 ||
	    dg_cases(st, d, err, errlen) != 0)
		return -1;
	return 0;
}

int
digest_is_empty(const struct digest *d)
{
	const struct digest_list *news[] = {
		&d->unassigned, &d->decision_late, &d->group_incomplete,
		&d->untrusted, &d->bounced, &d->quarantined,
		&d->outbox_failed, &d->capped, &d->agenda, &d->overdue,
		&d->inactive, &d->opened, &d->ended, &d->joined,
	};

	for (size_t i = 0; i < sizeof(news) / sizeof(news[0]); i++)
		if (news[i]->n > 0)
			return 0;
	return d->witnesses_new == 0;
}

static void
dg_list_free(struct digest_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct digest_line *x = &l->v[i];

		free(x->ref);
		free(x->subject);
		free(x->referent);
		free(x->a);
		free(x->b);
		free(x->c);
		free(x->flag1);
		free(x->flag2);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
digest_free(struct digest *d)
{
	struct digest_list *all[] = {
		&d->unassigned, &d->decision_late, &d->group_incomplete,
		&d->untrusted, &d->bounced, &d->quarantined,
		&d->outbox_failed, &d->capped, &d->agenda, &d->overdue,
		&d->inactive, &d->opened, &d->ended, &d->pool_theme,
		&d->pool_commune, &d->joined, &d->witnesses, &d->by_state,
		&d->by_theme, &d->by_commune,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		dg_list_free(all[i]);
}
