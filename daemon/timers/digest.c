/*
 * digest.c — the digest job, its planning and its sending; see digest.h.
 *
 * The digest is one kind of job among the others (timers.c runs it in
 * working time, in its own transaction with the mails it queues), with
 * no case and no person: it reads the whole network and writes to each
 * coordinator.  The values are computed once per digest and only the
 * recipient's name changes from one mail to the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "casework/case_mail.h"
#include "config/config.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "out/template.h"
#include "store/job_db.h"
#include "store/person_db.h"
#include "store/store.h"
#include "timers/digest.h"
#include "timers/digest_data.h"
#include "timers/timers_private.h"

#define DIGEST_KIND	"digest"
#define DIGEST_TEMPLATE	"digest"

long long
digest_next_slot(const struct config *cfg, long long now, int after_run)
{
	int interval = cfg->timers.digest_interval;
	int weekly = interval >= 7;
	long long base = now;

	if (after_run)
		base = now + (long long)(interval - (weekly ? 7 : 1)) * 86400;
	/* A week and a day always hold the next slot. */
	for (int k = 0; k <= 8; k++) {
		time_t b = (time_t)base, t;
		struct tm tm;

		localtime_r(&b, &tm);
		tm.tm_mday += k;
		tm.tm_hour = cfg->timers.digest_time / 60;
		tm.tm_min = cfg->timers.digest_time % 60;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (weekly && (tm.tm_wday == 0 ? 7 : tm.tm_wday) !=
		    cfg->timers.digest_day)
			continue;
		if ((long long)t > base || (!after_run && (long long)t == base))
			return (long long)t;
	}
	return base + 7 * 86400LL;	/* not reached */
}

/* When the previous digest ran (other than job `except`): 1 and *at, 0
 * if none ever did, -1. */
static int
digest_last_run(struct store *st, int64_t except, long long *at, char *err,
    size_t errlen)
{
	int64_t v = 0;
	int rc;

	rc = store_get_int64(st, &v, "digest: last run", "SELECT max(done_at) "
	    "FROM jobs WHERE kind = '" DIGEST_KIND "' AND done_at IS NOT NULL "
	    "AND id <> ?1 HAVING count(*) > 0", STORE_ARGS(STORE_INT(except)),
	    err, errlen);
	if (rc == 1)
		*at = v;
	return rc;
}

/*
 * The pending digest job follows the configuration: a digest_day,
 * digest_time or digest_interval changed since it was planned (a reload,
 * a restart) moves it to the slot the new settings give from the moment
 * it was planned, or to the next one from now if that slot is past.  A
 * job already due keeps its time when the settings did not change: it
 * only waits for working time.
 */
static int
digest_replan(struct casework *cw, int64_t id, long long due,
    long long planned, int ran, char *err, size_t errlen)
{
	long long want = digest_next_slot(cw->cfg, planned, ran);
	char when[32];

	if (want == due)
		return 0;
	if (want < cw->now)
		want = digest_next_slot(cw->cfg, cw->now, 0);
	if (want == due)
		return 0;
	if (store_run(cw->st, "digest: re-plan", "UPDATE jobs SET due_at = ?2 "
	    "WHERE id = ?1 AND done_at IS NULL", STORE_ARGS(STORE_INT(id),
	    STORE_INT(want)), err, errlen) != 0)
		return -1;
	clock_local_minute((time_t)want, when, sizeof(when));
	log_info("digest: re-planned for %s (the settings changed)", when);
	return 0;
}

int
digest_plan_next(struct casework *cw, char *err, size_t errlen)
{
	char scratch[256];
	long long last = 0, due = 0, planned = 0;
	struct store_stmt *s;
	int64_t one, id = 0;
	int rc, ran;

	s = store_query(cw->st, "SELECT id, due_at, created_at FROM jobs "
	    "WHERE kind = '" DIGEST_KIND "' AND done_at IS NULL LIMIT 1",
	    NULL, 0, err, errlen);
	if (s == NULL)
		return -1;
	rc = store_step(s);
	if (rc == STORE_ROW) {
		id = store_col_int64(s, 0);
		due = store_col_int64(s, 1);
		planned = store_col_int64(s, 2);
	} else if (rc < 0)
		snprintf(err, errlen, "digest: pending: %s",
		    store_errmsg(cw->st));
	store_finalize(s);
	if (rc < 0)
		return -1;
	if (id != 0) {
		ran = digest_last_run(cw->st, id, &last, err, errlen);
		return ran < 0 ? -1 : digest_replan(cw, id, due, planned, ran,
		    err, errlen);
	}
	if (store_begin(cw->st, err, errlen) != 0)
		return -1;
	/* Checked again under the write lock: another process (a poll
	 * beside the daemon) may have planned it meanwhile. */
	rc = store_get_int64(cw->st, &one, "digest: pending", "SELECT 1 FROM "
	    "jobs WHERE kind = '" DIGEST_KIND "' AND done_at IS NULL LIMIT 1",
	    NULL, 0, err, errlen);
	if (rc == 0 && (ran = digest_last_run(cw->st, 0, &last, err,
	    errlen)) >= 0)
		rc = job_add(cw->st, DIGEST_KIND, 0, 0, digest_next_slot(cw->cfg,
		    cw->now, ran), NULL, cw->now, err, errlen);
	else if (rc == 0)
		rc = -1;
	if (rc < 0 || store_commit(cw->st, err, errlen) != 0) {
		store_rollback(cw->st, scratch, sizeof(scratch));
		return -1;
	}
	return 0;
}

/* The digest read at cw->now for referent_id (0: coordinators), since
 * the previous digest job (other than `except`). */
static int
digest_read(struct casework *cw, int64_t referent_id, int64_t except,
    struct digest *d, char *err, size_t errlen)
{
	long long since = 0;
	int rc, first;

	memset(d, 0, sizeof(*d));
	rc = digest_last_run(cw->st, except, &since, err, errlen);
	if (rc < 0)
		return -1;
	first = rc == 0;
	if (first)
		since = cw->now - DIGEST_FIRST_DAYS * 86400LL;
	rc = digest_load(cw->st, cw->now, since, referent_id,
	    cw->cfg->network.max_auto_per_day, d, err, errlen);
	if (rc == 0 && referent_id == 0)
		rc = digest_load_pool(cw->st, d, err, errlen);
	d->first = first;
	return rc;
}

int
digest_target(struct casework *cw, const char *email,
    struct digest_target *t, char *err, size_t errlen)
{
	struct cw_person *v = NULL;
	size_t n = 0;
	int64_t id = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if (casemail_coordinators(cw, &v, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n && t->p.id == 0; i++)
		if (strcasecmp(v[i].email, email) == 0)
			t->p = v[i];
	free(v);
	if (t->p.id != 0)
		return 1;
	rc = person_find(cw->st, email, &id, err, errlen);
	if (rc == 1)
		rc = store_get_int64(cw->st, &id, NULL, "SELECT p.id FROM "
		    "persons p JOIN person_roles r ON r.person_id = p.id AND "
		    "r.role = 'referent' WHERE p.id = ?1 AND p.active = 1",
		    STORE_ARGS(STORE_INT(id)), err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "%s is neither a coordinator nor an "
		    "active referent", email);
	if (rc != 1 || casemail_person(cw, id, &t->p, err, errlen) != 0)
		return rc == 1 ? -1 : rc;
	t->referent_id = id;
	return 1;
}

int
digest_preview(struct casework *cw, const struct digest_target *t,
    int html, char **subject, char **body, int *empty, char *err,
    size_t errlen)
{
	struct tpl_data *v = tpl_data_new();
	struct digest d;
	int rc = -1;

	*subject = *body = NULL;
	if (digest_read(cw, t ? t->referent_id : 0, 0, &d, err, errlen) != 0)
		goto out;
	*empty = digest_is_empty(&d);
	digest_render(&d, mailer_theme_labels(cw->mailer), v);
	tpl_set(v, "recipient_name", t ? t->p.name : "");
	rc = mailer_render(cw->mailer, DIGEST_TEMPLATE, v, html, subject, body,
	    err, errlen);
out:
	digest_free(&d);
	tpl_data_free(v);
	return rc;
}

/* Queues the digest d to each of to[0..n). */
static int
digest_queue(struct casework *cw, const struct digest *d,
    const struct cw_person *to, size_t n, int urgent, size_t *queued,
    char *err, size_t errlen)
{
	struct tpl_data *v = tpl_data_new();
	int rc = 0;

	digest_render(d, mailer_theme_labels(cw->mailer), v);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct mailer_mail mm;
		int64_t oid;
		int res;

		tpl_set(v, "recipient_name", to[i].name);
		memset(&mm, 0, sizeof(mm));
		mm.template = DIGEST_TEMPLATE;
		mm.data = v;
		mm.person_id = to[i].id;	/* the token binds them */
		mm.to_name = to[i].name;
		mm.to_addr = to[i].email;
		mm.urgent = urgent;
		res = mailer_queue(cw->mailer, cw->st, &mm, &oid, err, errlen);
		if (res == OUTBOX_ERR)
			rc = -1;
		else if (res == OUTBOX_OK)
			(*queued)++;
		else
			log_notice("digest to %s not queued: daily cap "
			    "reached", to[i].email);
	}
	tpl_data_free(v);
	return rc;
}

/* One digest to the recipients to[0..n) (a referent's when referent_id
 * is not 0), unless there is nothing to report. */
static int
digest_one(struct casework *cw, int64_t referent_id, int64_t except,
    const struct cw_person *to, size_t n, int urgent, size_t *queued,
    char *err, size_t errlen)
{
	struct digest d;
	int rc;

	if (n == 0)
		return 0;
	rc = digest_read(cw, referent_id, except, &d, err, errlen);
	if (rc == 0 && digest_is_empty(&d))
		log_info("digest%s%s: nothing to report", referent_id ?
		    " for " : "", referent_id ? to[0].email : "");
	else if (rc == 0)
		rc = digest_queue(cw, &d, to, n, urgent, queued, err, errlen);
	digest_free(&d);
	return rc;
}

/* Each active referent who is not a coordinator, their own digest. */
static int
digest_referents(struct casework *cw, const struct cw_person *coord,
    size_t ncoord, int64_t except, int urgent, size_t *queued, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, step;

	s = store_query(cw->st, "SELECT p.id FROM persons p JOIN person_roles "
	    "r ON r.person_id = p.id AND r.role = 'referent' WHERE p.active = "
	    "1 AND p.forgotten_at IS NULL ORDER BY p.id", NULL, 0, err, errlen);
	if (s == NULL)
		return -1;
	while ((step = store_step(s)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(ids[0]));
		}
		ids[n++] = store_col_int64(s, 0);
	}
	if (step < 0) {
		snprintf(err, errlen, "digest: referents: %s",
		    store_errmsg(cw->st));
		rc = -1;
	}
	store_finalize(s);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct cw_person p;
		int coordinator = 0;

		for (size_t k = 0; k < ncoord; k++)
			coordinator |= coord[k].id == ids[i];
		if (coordinator)
			continue;	/* the network's digest covers theirs */
		rc = casemail_person(cw, ids[i], &p, err, errlen);
		if (rc == 0)
			rc = digest_one(cw, ids[i], except, &p, 1, urgent,
			    queued, err, errlen);
	}
	free(ids);
	return rc;
}

/* digest_send, not counting job `except` as the previous digest. */
static int
digest_send_all(struct casework *cw, const struct digest_target *t,
    int64_t except, int urgent, size_t *queued, char *err, size_t errlen)
{
	struct cw_person *coord = NULL;
	size_t n = 0;
	int rc;

	*queued = 0;
	if (t != NULL)
		return digest_one(cw, t->referent_id, except, &t->p, 1, urgent,
		    queued, err, errlen);
	if (casemail_coordinators(cw, &coord, &n, err, errlen) != 0)
		return -1;
	rc = digest_one(cw, 0, except, coord, n, urgent, queued, err, errlen);
	if (rc == 0 && cw->cfg->timers.digest_referents)
		rc = digest_referents(cw, coord, n, except, urgent, queued,
		    err, errlen);
	free(coord);
	return rc;
}

int
digest_send(struct casework *cw, const struct digest_target *t, int urgent,
    size_t *queued, char *err, size_t errlen)
{
	return digest_send_all(cw, t, 0, urgent, queued, err, errlen);
}

int
timer_digest(struct casework *cw, const struct timer_job *j, char *err,
    size_t errlen)
{
	size_t queued = 0;

	if (digest_send_all(cw, NULL, j->id, 0, &queued, err, errlen) != 0)
		return -1;
	if (queued)
		log_info("digest: %zu mail(s) queued", queued);
	/* The next one from now, in this transaction: the runner marks
	 * this job done with it, so exactly one stays pending. */
	return job_add(cw->st, DIGEST_KIND, 0, 0, digest_next_slot(cw->cfg,
	    cw->now, 1), NULL, cw->now, err, errlen);
}
