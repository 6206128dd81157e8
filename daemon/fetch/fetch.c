/*
 * fetch.c — one pass over the contact mailbox with group commit; see
 * fetch.h for the order of operations and why it survives a crash.
 */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "base/charset.h"
#include "base/clock.h"
#include "base/fault.h"
#include "config/config.h"
#include "fetch/fetch.h"
#include "fetch/fetch_pipe.h"
#include "fetch/imap.h"
#include "fetch/inbound.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"

/* A growable list of UIDs headed for one folder. */
struct uid_list {
	uint32_t	*uids;
	size_t		 n;
};

static void
uid_list_add(struct uid_list *l, uint32_t uid)
{
	l->uids = xrealloc(l->uids, (l->n + 1) * sizeof(*l->uids));
	l->uids[l->n++] = uid;
}

static void
uid_list_append(struct uid_list *l, const struct uid_list *more)
{
	if (more->n == 0)
		return;
	l->uids = xrealloc(l->uids, (l->n + more->n) * sizeof(*l->uids));
	memcpy(l->uids + l->n, more->uids, more->n * sizeof(*l->uids));
	l->n += more->n;
}

static void
uid_list_free(struct uid_list *l)
{
	free(l->uids);
	l->uids = NULL;
	l->n = 0;
}

int
fetch_prepare(struct imap_conn *c, const struct config *cfg, char *err,
    size_t errlen)
{
	int rc;

	/* imap_ensure_folder logs a folder it had to create. */
	rc = imap_ensure_folder(c, cfg->imap.processed_folder, NULL, err,
	    errlen);
	if (rc == IMAP_OK)
		rc = imap_ensure_folder(c, cfg->imap.quarantine_folder, NULL,
		    err, errlen);
	return rc;
}

/* Reads the last UID seen in `folder`; a new or changed UIDVALIDITY starts
 * again from 0 (dedupe keeps already stored mail from being processed
 * twice).  Returns 0 or FETCH_ESTORE. */
static int
fetch_load_state(struct store *st, const char *folder, uint32_t uidvalidity,
    uint32_t *last_uid, char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc = FETCH_ESTORE, step;

	*last_uid = 0;
	s = store_query(st, "SELECT uidvalidity, last_uid FROM imap_state "
	    "WHERE folder = ?1", STORE_ARGS(STORE_TEXT(folder)), err, errlen);
	if (s == NULL)
		return FETCH_ESTORE;
	step = store_step(s);
	if (step < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		goto out;
	}
	if (step == STORE_ROW) {
		if ((uint32_t)store_col_int64(s, 0) == uidvalidity) {
			*last_uid = (uint32_t)store_col_int64(s, 1);
			rc = 0;
			goto out;
		}
		log_notice("%s: UIDVALIDITY changed from %lld to %u; "
		    "fetching everything again (known mail is skipped)",
		    folder, (long long)store_col_int64(s, 0), uidvalidity);
	}
	store_finalize(s);
	s = NULL;
	if (store_run(st, NULL, "INSERT INTO imap_state (folder, uidvalidity, "
	    "last_uid, updated_at) VALUES (?1, ?2, 0, ?3) ON CONFLICT (folder) "
	    "DO UPDATE SET uidvalidity = ?2, last_uid = 0, updated_at = ?3",
	    STORE_ARGS(STORE_TEXT(folder), STORE_INT(uidvalidity),
	    STORE_INT(clock_now())), err, errlen) == 0)
		rc = 0;
out:
	store_finalize(s);
	return rc;
}

static int
fetch_save_state(struct store *st, const char *folder, uint32_t last_uid,
    char *err, size_t errlen)
{
	return store_run(st, NULL, "UPDATE imap_state SET last_uid = ?2, "
	    "updated_at = ?3 WHERE folder = ?1 AND last_uid < ?2",
	    STORE_ARGS(STORE_TEXT(folder), STORE_INT(last_uid),
	    STORE_INT(clock_now())), err, errlen) == 0 ? 0 : FETCH_ESTORE;
}

static int
fetch_move(struct imap_conn *c, struct uid_list *l, const char *folder,
    struct fetch_stats *stats, char *err, size_t errlen)
{
	const char *how = "";
	int rc;

	if (l->n == 0)
		return IMAP_OK;
	rc = imap_move(c, l->uids, l->n, folder, &how, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	log_debug(LOG_CAT_IMAP, "moved %zu message(s) to %s (%s)", l->n,
	    folder, how);
	stats->moved += l->n;
	return IMAP_OK;
}

/* Moves messages a previous pass committed but could not move (crash or
 * network error between the commit and the move). */
static int
fetch_move_pending(struct imap_conn *c, struct store *st,
    const struct config *cfg, uint32_t uidvalidity, uint32_t last_uid,
    struct fetch_stats *stats, char *err, size_t errlen)
{
	struct imap_uids all = { NULL, 0 };
	struct uid_list done = { NULL, 0 }, bad = { NULL, 0 };
	int rc;

	/* Without MOVE or UIDPLUS a moved message is only flagged \Deleted
	 * and would be found again here: leave those servers alone. */
	if (!imap_has_move(c) && !imap_has_uidplus(c))
		return IMAP_OK;
	rc = imap_search_all(c, &all, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	for (size_t i = 0; i < all.n && all.uids[i] <= last_uid; i++) {
		struct inbound_source src = { cfg->imap.folder, uidvalidity,
		    all.uids[i] };
		int q = inbound_is_quarantined(st, &src, err, errlen);

		if (q < 0) {
			rc = FETCH_ESTORE;
			goto out;
		}
		uid_list_add(q ? &bad : &done, all.uids[i]);
	}
	if (done.n + bad.n)
		log_info("moving %zu message(s) handled before", done.n + bad.n);
	rc = fetch_move(c, &done, cfg->imap.processed_folder, stats, err,
	    errlen);
	if (rc == IMAP_OK)
		rc = fetch_move(c, &bad, cfg->imap.quarantine_folder, stats,
		    err, errlen);
out:
	imap_uids_free(&all);
	uid_list_free(&done);
	uid_list_free(&bad);
	return rc;
}

/* Mails fetched by one command of the worker: the unit that travels
 * while the one before it is stored.  Small, so that the three in memory
 * (the one stored, two ahead) stay well below one batch of group commit. */
#define FETCH_PIECE	20
/* Pieces asked for beyond the one being stored: two, so that a piece the
 * worker takes longer to fetch and read does not stop the storing. */
#define FETCH_AHEAD	2
/* Committed batches moved out of the inbox by one command.  Dovecot's
 * cost for a MOVE grows with the size of the mailbox it leaves (about
 * 0.05 s of its CPU per MOVE out of a Maildir of 20 000 mails): a storm
 * moved a batch at a time cost it three times as much as the fetching. */
#define FETCH_MOVE_BATCHES	10

/* The worker reads each mail it fetched (inbound_prepare) but one over
 * max_message_size, whose headers only are kept: the main thread then
 * only threads and stores it.  The reply and automatic-mail rules are the
 * worker's alone during the pass; the classifier, which the main thread
 * runs on a mail not classified ahead, takes turns by itself. */
struct fetch_reader {
	const struct config		*cfg;
	const struct inbound_rules	*rules;
};

static void *
fetch_read(void *arg, const struct imap_msg *m)
{
	const struct fetch_reader *r = arg;

	if (m->size > (size_t)r->cfg->imap.max_message_size)
		return NULL;
	return inbound_prepare(r->rules, m->data, m->len);
}

static void
fetch_read_ahead(void *arg, void *prepared)
{
	const struct fetch_reader *r = arg;

	inbound_classify_ahead(r->rules, prepared);
}

static void
fetch_read_free(void *prepared)
{
	inbound_mail_free(prepared);
}

/* A piece as the worker hands it over. */
struct fetch_piece {
	struct imap_msg	*msgs;
	void		**read;		/* inbound_mail each, or NULL */
	size_t		 n;
};

static void
piece_free(struct fetch_piece *pc)
{
	if (pc->read != NULL)
		for (size_t i = 0; i < pc->n; i++)
			inbound_mail_free(pc->read[i]);
	free(pc->read);
	if (pc->msgs != NULL)
		imap_msg_free(pc->msgs, pc->n);
	free(pc->msgs);
	memset(pc, 0, sizeof(*pc));
}

/* What the worker has been asked to fetch so far. */
struct fetch_ahead {
	struct fetch_pipe	*pipe;
	const struct imap_uids	*fresh;
	size_t			 batch;
	size_t			 queued;	/* fresh->uids[0..queued) */
	double			 waited;	/* seconds, for -v imap */
};

/* End of the piece that starts at fresh->uids[x]: pieces never straddle
 * two batches, so a batch's commit never waits for the next one. */
static size_t
ahead_piece_end(const struct fetch_ahead *a, size_t x)
{
	size_t end = (x / a->batch + 1) * a->batch;

	if (end > x + FETCH_PIECE)
		end = x + FETCH_PIECE;
	return end < a->fresh->n ? end : a->fresh->n;
}

/* Takes the piece that starts at x, once the worker has been asked for
 * the FETCH_AHEAD after it. */
static int
ahead_take(struct fetch_ahead *a, size_t x, struct fetch_piece *pc,
    char *err, size_t errlen)
{
	size_t want = ahead_piece_end(a, x);
	double t0 = clock_mono();
	int rc;

	pc->n = want - x;
	for (int i = 0; i < FETCH_AHEAD && want < a->fresh->n; i++)
		want = ahead_piece_end(a, want);
	while (a->queued < want) {
		size_t end = ahead_piece_end(a, a->queued);

		fetch_pipe_fetch(a->pipe, a->fresh->uids + a->queued,
		    end - a->queued);
		a->queued = end;
	}
	rc = fetch_pipe_take(a->pipe, &pc->msgs, &pc->read, err, errlen);
	a->waited += clock_mono() - t0;
	return rc;
}

/* Stores one fetched message, read by the worker into im (NULL when too
 * large), in its own savepoint, or quarantines it with the reason; *res
 * says which.  Returns 0 or -1 (the transaction must be rolled back). */
static int
fetch_store_one(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const struct inbound_source *src,
    const struct imap_msg *m, const struct inbound_mail *im, long long now,
    enum inbound_result *res, char *err, size_t errlen)
{
	char merr[512], *reason = NULL;
	int rc;

	*res = INBOUND_QUARANTINED;
	if (store_savepoint(st, "msg", err, errlen) != 0)
		return -1;
	merr[0] = '\0';
	if (m->size > (size_t)cfg->imap.max_message_size) {
		reason = xasprintf("too large: %zu bytes (max_message_size is "
		    "%ld); only the headers are kept", m->size,
		    cfg->imap.max_message_size);
		rc = inbound_quarantine(st, src, m->data, m->len, reason, now,
		    merr, sizeof(merr));
	} else if (im != NULL)
		rc = inbound_store_prepared(st, rules, src, im, now, res,
		    merr, sizeof(merr));
	else
		rc = inbound_store(st, rules, src, m->data, m->len, now, res,
		    merr, sizeof(merr));
	if (rc != 0) {
		/* This message's work is undone; the others stay.  The
		 * reason is shown to people (quarantine list): one clean
		 * line, never an empty or garbled one. */
		char *why = charset_clean_line(merr[0] != '\0' ? merr :
		    "no reason given (a bug: please report it)");

		log_warnx("uid %u: %s", m->uid, why);
		free(reason);
		reason = xasprintf("could not be stored: %s", why);
		free(why);
		*res = INBOUND_QUARANTINED;
		if (store_rollback_to(st, "msg", err, errlen) != 0 ||
		    store_savepoint(st, "msg", err, errlen) != 0 ||
		    inbound_quarantine(st, src, m->data, m->len, reason, now,
		    err, errlen) != 0)
			rc = -1;
		else
			rc = 0;
	}
	free(reason);
	if (rc == 0 && store_release(st, "msg", err, errlen) != 0)
		rc = -1;
	return rc;
}

/* Stores the batch fresh->uids[off..off+n) in one transaction, a piece at
 * a time as the worker brings them, sorting the UIDs into the processed
 * and quarantine lists.  Returns 0, FETCH_ESTORE (rolled back) or the
 * worker's IMAP error (rolled back too: the batch stays in the inbox). */
static int
fetch_store_batch(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, uint32_t uidvalidity,
    struct fetch_ahead *ahead, size_t off, size_t n, struct uid_list *done,
    struct uid_list *bad, struct fetch_stats *stats, char *err,
    size_t errlen)
{
	long long now = (long long)clock_now();
	struct fetch_piece pc = { NULL, NULL, 0 };
	struct imap_msg *msgs;
	uint32_t max_uid = 0;
	char rerr[512];
	int rc = FETCH_ESTORE;

	if (store_begin(st, err, errlen) != 0)
		return FETCH_ESTORE;
	for (size_t x = off; x < off + n; x += pc.n, piece_free(&pc)) {
		if ((rc = ahead_take(ahead, x, &pc, err, errlen)) != IMAP_OK)
			goto fail;
		rc = FETCH_ESTORE;
		msgs = pc.msgs;
		for (size_t i = 0; i < pc.n; i++) {
			struct inbound_source src = { cfg->imap.folder,
			    uidvalidity, msgs[i].uid };
			enum inbound_result res;

			if (msgs[i].uid == 0 || msgs[i].data == NULL)
				continue;   /* expunged by someone meanwhile */
			if (msgs[i].uid > max_uid)
				max_uid = msgs[i].uid;
			stats->fetched++;
			if (fetch_store_one(st, cfg, rules, &src, &msgs[i],
			    pc.read != NULL ? pc.read[i] : NULL, now, &res,
			    err, errlen) != 0)
				goto fail;
			if (res == INBOUND_QUARANTINED) {
				stats->quarantined++;
				uid_list_add(bad, msgs[i].uid);
			} else {
				if (res == INBOUND_STORED)
					stats->stored++;
				else
					stats->duplicates++;
				uid_list_add(done, msgs[i].uid);
			}
		}
	}
	if (max_uid && fetch_save_state(st, cfg->imap.folder, max_uid, err,
	    errlen) != 0)
		goto fail;
	if (store_commit(st, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	piece_free(&pc);
	store_rollback(st, rerr, sizeof(rerr));
	done->n = bad->n = 0;
	return rc;
}

/* Queues the moves of committed mail to the processed and quarantine
 * folders, and empties the lists. */
static void
fetch_queue_moves(struct fetch_pipe *pipe, const struct config *cfg,
    struct uid_list *done, struct uid_list *bad)
{
	if (pipe != NULL) {
		fetch_pipe_move(pipe, done->uids, done->n,
		    cfg->imap.processed_folder);
		fetch_pipe_move(pipe, bad->uids, bad->n,
		    cfg->imap.quarantine_folder);
	}
	uid_list_free(done);
	uid_list_free(bad);
}

int
fetch_pass(struct imap_conn *c, struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const volatile sig_atomic_t *stop,
    struct fetch_stats *stats, char *err, size_t errlen)
{
	struct imap_uids fresh = { NULL, 0 };
	uint32_t uidvalidity = 0, last_uid = 0;
	size_t batch = (size_t)cfg->imap.batch_size;
	struct fetch_pipe *pipe = NULL;
	struct fetch_ahead ahead = { NULL, NULL, 0, 0, 0 };
	struct uid_list moving = { NULL, 0 }, failing = { NULL, 0 };
	int unmoved = 0;	/* batches committed in moving, failing */
	struct fetch_reader reader = { cfg, rules };
	struct fetch_prep prep = { fetch_read, fetch_read_ahead,
	    fetch_read_free, &reader };
	char scratch[512];
	int rc, end;

	memset(stats, 0, sizeof(*stats));
	rc = imap_select(c, cfg->imap.folder, &uidvalidity, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	rc = fetch_load_state(st, cfg->imap.folder, uidvalidity, &last_uid,
	    err, errlen);
	if (rc != 0)
		return rc;
	rc = fetch_move_pending(c, st, cfg, uidvalidity, last_uid, stats, err,
	    errlen);
	if (rc != IMAP_OK)
		return rc;
	rc = imap_search_from(c, last_uid + 1, &fresh, err, errlen);
	if (rc != IMAP_OK)
		return rc;
	if (fresh.n > 0)
		rc = fetch_pipe_start(c, cfg->imap.max_message_size, &prep,
		    &pipe, err, errlen);
	ahead.pipe = pipe;
	ahead.fresh = &fresh;
	ahead.batch = batch;
	for (size_t off = 0; off < fresh.n && rc == IMAP_OK; off += batch) {
		size_t n = fresh.n - off < batch ? fresh.n - off : batch;
		struct uid_list done = { NULL, 0 }, bad = { NULL, 0 };
		/* Where a batch's time goes (-v imap): waiting for the
		 * server, and our own work. */
		double t0 = clock_mono(), t1;

		ahead.waited = 0;
		rc = fetch_store_batch(st, cfg, rules, uidvalidity, &ahead,
		    off, n, &done, &bad, stats, err, errlen);
		t1 = clock_mono();
		/* A crash here leaves committed mail in the inbox, for
		 * fetch_move_pending() of the next pass (tests only). */
		if (rc == IMAP_OK)
			fault_point("fetch.committed", (long)(off / batch + 1));
		/* Queued only after the commit (the worker runs its jobs in
		 * order), and a few batches at a time. */
		if (rc == IMAP_OK) {
			uid_list_append(&moving, &done);
			uid_list_append(&failing, &bad);
		}
		if (rc == IMAP_OK && ++unmoved == FETCH_MOVE_BATCHES) {
			fetch_queue_moves(pipe, cfg, &moving, &failing);
			unmoved = 0;
		}
		log_debug(LOG_CAT_IMAP, "batch of %zu: fetch wait %.3f s, "
		    "store %.3f s", n, ahead.waited, t1 - t0 - ahead.waited);
		uid_list_free(&done);
		uid_list_free(&bad);
		/* What a batch used (the mails, parsed and stored, SQLite's
		 * page cache) goes back to the system before the next one, so
		 * that a storm of 20 000 mails peaks as high as one batch. */
		store_trim(st);
		malloc_trim(0);
		/* Only here, between batches: the one just stored is
		 * committed, and its move queued below. */
		if (rc == IMAP_OK && stop != NULL && *stop &&
		    off + n < fresh.n) {
			stats->left = fresh.n - off - n;
			log_info("stopping the pass: %zu new message(s) left "
			    "in the inbox for the next one", stats->left);
			break;
		}
	}
	/* The last moves, of all that was committed, whatever stopped the
	 * pass; what was fetched ahead of a stop or an error is dropped and
	 * stays in the inbox. */
	fetch_queue_moves(pipe, cfg, &moving, &failing);
	end = fetch_pipe_end(pipe, &stats->moved, rc == IMAP_OK ? err : scratch,
	    rc == IMAP_OK ? errlen : sizeof(scratch));
	if (rc == IMAP_OK)
		rc = end;
	imap_uids_free(&fresh);
	/* updated_at is the last pass that read the whole inbox, new mail
	 * or not: `coupdepouce status` tells a quiet mailbox from a dead
	 * connection by it. */
	if (rc == IMAP_OK && stats->left == 0 && store_run(st, NULL,
	    "UPDATE imap_state SET "
	    "updated_at = ?2 WHERE folder = ?1",
	    STORE_ARGS(STORE_TEXT(cfg->imap.folder), STORE_INT(clock_now())),
	    err, errlen) != 0)
		rc = FETCH_ESTORE;
	return rc;
}
