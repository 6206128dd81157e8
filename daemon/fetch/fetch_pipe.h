/*
 * fetch_pipe.h — the IMAP side of a pass, run by a second thread so that
 * the server's work (sending the next batch, moving the last one) happens
 * while this thread stores the current batch.
 *
 * Without it a pass waits for every answer in turn: for 2 000 mails about
 * 0.4 s of fetching and 0.4 s of moving beside 1.7 s of our own work.
 * libetpan reads each answer before it sends the next command, so the
 * waits can only overlap our work from another thread.
 *
 * The worker owns the connection from fetch_pipe_start to fetch_pipe_end:
 * the caller must not use it in between.  Jobs run one at a time in the
 * order they were queued, so a move queued after a batch's commit runs
 * after that commit, and fetch.h's crash contract holds: a mail leaves the
 * inbox only once the transaction that stored it has committed.  Once a
 * job fails, the later ones fail with the same error without a command.
 * Only the caller's thread touches SQLite and the stop flag; the worker
 * touches the connection, the messages it fetches, what its struct
 * fetch_prep reads them with, and the log, and takes no signal (they reach
 * the caller's thread, whose waits they interrupt).
 */
#ifndef CDP_FETCH_PIPE_H
#define CDP_FETCH_PIPE_H

#include <stddef.h>
#include <stdint.h>

struct imap_conn;
struct imap_msg;
struct fetch_pipe;

/*
 * What the worker does to each fetched message before handing its piece
 * over, so that the caller's thread finds it ready: prepare(arg, m) is
 * called for every message that has data, in the worker, and returns what
 * the caller gets beside it (NULL for nothing); release frees what was
 * prepared and never taken.  prepare must touch nothing the caller's
 * thread uses during the pass but m and its own result.  ahead (may be
 * NULL) is more work on a prepared message that the caller would do
 * otherwise: the worker does it only when it is ahead (a piece is waiting
 * for the caller, who is not waiting for it), so that whichever thread
 * has time left takes it.
 */
struct fetch_prep {
	void	*(*prepare)(void *arg, const struct imap_msg *m);
	void	 (*ahead)(void *arg, void *prepared);
	void	 (*release)(void *prepared);
	void	 *arg;
};

/*
 * Starts the worker on c (borrowed, and lent to the worker until
 * fetch_pipe_end).  max_size: messages larger than this are fetched as
 * their headers only.  prep (borrowed until fetch_pipe_end) may be NULL.
 * IMAP_ETEMP when no thread can be started.
 */
int fetch_pipe_start(struct imap_conn *c, long max_size,
    const struct fetch_prep *prep, struct fetch_pipe **out, char *err,
    size_t errlen);

/* Queues fetching uids[0..n) (copied, n > 0): their sizes, then in UID
 * order the bodies, or only the headers of those over max_size. */
void fetch_pipe_fetch(struct fetch_pipe *p, const uint32_t *uids,
    size_t n);

/*
 * Waits for the oldest fetch not yet taken.  On IMAP_OK *msgs is a new
 * array of the n entries queued, as imap_fetch_sizes and imap_fetch_bodies
 * fill them (a vanished UID has uid 0 and no data); the caller frees it
 * with imap_msg_free then free.  *prepared is a new array of n of what
 * prep->prepare returned for each (NULL without prep), the caller's to
 * free, entries and array.  Otherwise both are NULL and err holds the
 * pass's first error.
 */
int fetch_pipe_take(struct fetch_pipe *p, struct imap_msg **msgs,
    void ***prepared, char *err, size_t errlen);

/* Queues moving uids[0..n) (copied; n == 0 queues nothing) to folder,
 * which stays borrowed until fetch_pipe_end. */
void fetch_pipe_move(struct fetch_pipe *p, const uint32_t *uids,
    size_t n, const char *folder);

/*
 * Lets the jobs queued run out, stops the worker and frees p, with any
 * batch fetched and not taken (those mails stay in the inbox for the next
 * pass).  Adds the number of messages moved to *moved.  Returns IMAP_OK or
 * the pass's first IMAP error (in err).  NULL is IMAP_OK.
 */
int fetch_pipe_end(struct fetch_pipe *p, size_t *moved, char *err,
    size_t errlen);

#endif
