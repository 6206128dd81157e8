/*
 * fetch_pipe.c — the IMAP worker of a pass; see fetch_pipe.h for why it
 * exists and what each thread may touch.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/fetch_pipe.h"
#include "fetch/imap.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"

enum job_kind { JOB_FETCH, JOB_MOVE };

struct pipe_job {
	struct pipe_job	*next;
	enum job_kind	 kind;
	uint32_t	*uids;		/* owned */
	size_t		 n;
	const char	*folder;	/* JOB_MOVE: borrowed */
	struct imap_msg	*msgs;		/* JOB_FETCH, once done: owned */
	void		**prepared;	/* beside msgs, or NULL: owned */
	int		 ahead;		/* prep->ahead was done on them */
	int		 rc;
};

struct job_list {
	struct pipe_job	*head;
	struct pipe_job	*tail;
};

struct fetch_pipe {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* any change below */
	struct imap_conn *c;		/* the worker's alone */
	long		 max_size;
	const struct fetch_prep *prep;	/* or NULL */
	/* Under mu: */
	struct job_list	 todo;		/* queued, not started */
	struct job_list	 fetched;	/* done fetches, not taken */
	size_t		 fetching;	/* queued or running fetches */
	int		 taking;	/* the caller waits in fetch_pipe_take */
	int		 closing;
	int		 rc;		/* the first error, or IMAP_OK */
	char		 err[512];
	size_t		 moved;
};

/* libetpan holds a whole FETCH answer in memory: one command fetches at
 * most this many bytes (or one message, whatever its size). */
#define FETCH_MAX_BYTES	(32L * 1024 * 1024)

static void
job_push(struct job_list *l, struct pipe_job *j)
{
	j->next = NULL;
	if (l->tail != NULL)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct pipe_job *
job_pop(struct job_list *l)
{
	struct pipe_job *j = l->head;

	if (j != NULL && (l->head = j->next) == NULL)
		l->tail = NULL;
	return j;
}

static void
job_free(const struct fetch_pipe *p, struct pipe_job *j)
{
	if (j == NULL)
		return;
	if (j->prepared != NULL) {
		for (size_t i = 0; i < j->n; i++)
			if (j->prepared[i] != NULL)
				p->prep->release(j->prepared[i]);
		free(j->prepared);
	}
	if (j->msgs != NULL) {
		imap_msg_free(j->msgs, j->n);
		free(j->msgs);
	}
	free(j->uids);
	free(j);
}

/* Fetches the bodies (or, for too-large ones, only the headers) of the
 * messages in msgs[0..n) whose size is known, keeping msgs in UID order. */
static int
pipe_fetch_contents(struct imap_conn *c, struct imap_msg *msgs, size_t n,
    long max_size, char *err, size_t errlen)
{
	uint32_t *uids = xcalloc(n, sizeof(*uids));
	size_t *at = xcalloc(n, sizeof(*at));
	struct imap_msg *got = xcalloc(n, sizeof(*got));
	int rc = IMAP_OK;

	for (int big = 0; big <= 1 && rc == IMAP_OK; big++) {
		size_t i = 0;

		while (i < n && rc == IMAP_OK) {
			size_t k = 0, bytes = 0;

			for (; i < n; i++) {
				if (msgs[i].uid == 0 ||
				    (msgs[i].size > (size_t)max_size) != big)
					continue;
				if (k > 0 && !big && bytes + msgs[i].size >
				    (size_t)FETCH_MAX_BYTES)
					break;
				bytes += msgs[i].size;
				at[k] = i;
				uids[k++] = msgs[i].uid;
			}
			if (k == 0)
				break;
			memset(got, 0, k * sizeof(*got));
			rc = imap_fetch_bodies(c, uids, k, big, got, err,
			    errlen);
			for (size_t j = 0; rc == IMAP_OK && j < k; j++) {
				msgs[at[j]].data = got[j].data;
				msgs[at[j]].len = got[j].len;
				got[j].data = NULL;
			}
			imap_msg_free(got, k);
		}
	}
	free(got);
	free(at);
	free(uids);
	return rc;
}

/* Prepares a fetched piece, and does the work ahead on it when the
 * caller is busy with an earlier piece: while the worker lags, the caller
 * does that work itself. */
static void
pipe_prepare(struct fetch_pipe *p, struct pipe_job *j)
{
	j->prepared = xcalloc(j->n, sizeof(*j->prepared));
	for (size_t i = 0; i < j->n; i++)
		if (j->msgs[i].data != NULL)
			j->prepared[i] = p->prep->prepare(p->prep->arg,
			    &j->msgs[i]);
	if (p->prep->ahead == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	j->ahead = p->fetched.head != NULL && !p->taking;
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; j->ahead && i < j->n; i++)
		if (j->prepared[i] != NULL)
			p->prep->ahead(p->prep->arg, j->prepared[i]);
}

/* Runs one job on the server, outside the lock. */
static int
pipe_run(struct fetch_pipe *p, struct pipe_job *j, char *err, size_t errlen)
{
	double t0 = clock_mono(), t1;
	const char *how = "";
	int rc;

	if (j->kind == JOB_MOVE) {
		rc = imap_move(p->c, j->uids, j->n, j->folder, &how, err,
		    errlen);
		if (rc == IMAP_OK)
			log_debug(LOG_CAT_IMAP, "moved %zu message(s) to %s "
			    "(%s) in %.3f s", j->n, j->folder, how,
			    clock_mono() - t0);
		return rc;
	}
	j->msgs = xcalloc(j->n, sizeof(*j->msgs));
	rc = imap_fetch_sizes(p->c, j->uids, j->n, j->msgs, err, errlen);
	if (rc == IMAP_OK)
		rc = pipe_fetch_contents(p->c, j->msgs, j->n, p->max_size,
		    err, errlen);
	if (rc != IMAP_OK) {
		imap_msg_free(j->msgs, j->n);
		free(j->msgs);
		j->msgs = NULL;
		return rc;
	}
	t1 = clock_mono();
	if (p->prep != NULL)
		pipe_prepare(p, j);
	log_debug(LOG_CAT_IMAP, "fetched %zu message(s) in %.3f s, read in "
	    "%.3f s%s", j->n, t1 - t0, clock_mono() - t1, j->ahead ?
	    ", ahead" : "");
	return rc;
}

static void *
pipe_main(void *arg)
{
	struct fetch_pipe *p = arg;
	char err[sizeof(p->err)];

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pipe_job *j;
		int rc = p->rc;

		while (p->todo.head == NULL && !p->closing)
			pthread_cond_wait(&p->cv, &p->mu);
		if ((j = job_pop(&p->todo)) == NULL)
			break;
		if (rc == IMAP_OK) {
			pthread_mutex_unlock(&p->mu);
			err[0] = '\0';
			rc = pipe_run(p, j, err, sizeof(err));
			pthread_mutex_lock(&p->mu);
			if (rc != IMAP_OK && p->rc == IMAP_OK) {
				p->rc = rc;
				snprintf(p->err, sizeof(p->err), "%s", err);
			}
		}
		if (j->kind == JOB_FETCH) {
			j->rc = rc;
			job_push(&p->fetched, j);
		} else {
			if (rc == IMAP_OK)
				p->moved += j->n;
			job_free(p, j);
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
fetch_pipe_start(struct imap_conn *c, long max_size,
    const struct fetch_prep *prep, struct fetch_pipe **out, char *err,
    size_t errlen)
{
	struct fetch_pipe *p = xcalloc(1, sizeof(*p));
	sigset_t all, old;
	int e;

	*out = NULL;
	p->c = c;
	p->max_size = max_size;
	p->prep = prep;
	p->rc = IMAP_OK;
	if ((e = pthread_mutex_init(&p->mu, NULL)) != 0)
		goto fail;
	if ((e = pthread_cond_init(&p->cv, NULL)) != 0) {
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	/* The worker starts with every signal blocked: a SIGTERM or SIGHUP
	 * must interrupt the caller's waits, not a read of the worker's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&p->thread, NULL, pipe_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		goto fail;
	}
	*out = p;
	return IMAP_OK;
fail:
	snprintf(err, errlen, "cannot start the IMAP thread: %s",
	    strerror(e));
	free(p);
	return IMAP_ETEMP;
}

static void
pipe_queue(struct fetch_pipe *p, enum job_kind kind, const uint32_t *uids,
    size_t n, const char *folder)
{
	struct pipe_job *j = xcalloc(1, sizeof(*j));

	j->kind = kind;
	j->uids = xcalloc(n, sizeof(*j->uids));
	memcpy(j->uids, uids, n * sizeof(*uids));
	j->n = n;
	j->folder = folder;
	pthread_mutex_lock(&p->mu);
	if (kind == JOB_FETCH)
		p->fetching++;
	job_push(&p->todo, j);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void
fetch_pipe_fetch(struct fetch_pipe *p, const uint32_t *uids, size_t n)
{
	if (n > 0)
		pipe_queue(p, JOB_FETCH, uids, n, NULL);
}

void
fetch_pipe_move(struct fetch_pipe *p, const uint32_t *uids, size_t n,
    const char *folder)
{
	if (n > 0)
		pipe_queue(p, JOB_MOVE, uids, n, folder);
}

int
fetch_pipe_take(struct fetch_pipe *p, struct imap_msg **msgs,
    void ***prepared, char *err, size_t errlen)
{
	struct pipe_job *j;
	int rc;

	*msgs = NULL;
	*prepared = NULL;
	pthread_mutex_lock(&p->mu);
	p->taking = 1;
	while (p->fetched.head == NULL && p->fetching > 0)
		pthread_cond_wait(&p->cv, &p->mu);
	p->taking = 0;
	if ((j = job_pop(&p->fetched)) == NULL) {
		pthread_mutex_unlock(&p->mu);
		snprintf(err, errlen, "no fetch queued (a bug)");
		return IMAP_EPROTO;
	}
	p->fetching--;
	if ((rc = j->rc) != IMAP_OK)
		snprintf(err, errlen, "%s", p->err);
	pthread_mutex_unlock(&p->mu);
	*msgs = j->msgs;
	*prepared = j->prepared;
	j->msgs = NULL;
	j->prepared = NULL;
	job_free(p, j);
	return rc;
}

int
fetch_pipe_end(struct fetch_pipe *p, size_t *moved, char *err,
    size_t errlen)
{
	struct pipe_job *j;
	int rc;

	if (p == NULL)
		return IMAP_OK;
	pthread_mutex_lock(&p->mu);
	p->closing = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	while ((j = job_pop(&p->fetched)) != NULL)
		job_free(p, j);
	*moved += p->moved;
	if ((rc = p->rc) != IMAP_OK)
		snprintf(err, errlen, "%s", p->err);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}
