/*
 * outbox_rows.h — what the files of the outbox share about its rows,
 * private to out/outbox*.c.
 *
 * The queue (outbox.c), the send loop (outbox_send.c) and the listing
 * (outbox_list.c) all read or write the `recipients` column, a JSON array
 * of addresses.  One pair of functions does it, with SQLite's JSON
 * functions, so the three files agree on the format and none of them
 * quotes JSON by hand.  The send loop (outbox_send.c) and the recording
 * of the server's answers (outbox_result.c) share the row being sent.
 * Code outside the outbox uses outbox.h.
 */
#ifndef CDP_OUTBOX_ROWS_H
#define CDP_OUTBOX_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct outbox_stats;
struct smtp_result;
struct store;

/* A row being sent, loaded when it is claimed; owned by the send loop. */
struct outbox_row {
	int64_t		 id;		/* 0: no row */
	int64_t		 case_id;	/* 0: none */
	int64_t		 attempts;
	int64_t		 created_at;
	int64_t		 hold_until;	/* 0: none */
	int		 sent_before;	/* accepted for someone already */
	char		*sender;
	char		*message_id;
	char		*msg;
	size_t		 msglen;
	char		**rcpts;
	size_t		 nrcpt;
	struct smtp_result *res;	/* nrcpt + 1, the answer for each */
};

void outbox_row_free(struct outbox_row *r);

/* What outbox_record() decided, for outbox_report() after the commit. */
struct outbox_outcome {
	const char	*status;	/* queued, sent, failed */
	long long	 next;		/* next_attempt_at */
	size_t		 nacc;		/* recipients accepted */
	size_t		 nref;		/* refused (5xx) */
	struct buf	 why;		/* last_error written */
	struct buf	 temp;		/* the temporary failures */
};

void outbox_outcome_free(struct outbox_outcome *o);

/*
 * Writes the answers in r->res (one per r->rcpts[i]) into row r: who is
 * still owed the mail, status, attempts, backoff, last_error, the case's
 * 'mail_failed' events.  Inside the caller's transaction, which commits;
 * *o (freed by the caller with outbox_outcome_free, also on -1) says
 * what was written.  0, or -1 with a sentence in err.
 */
int outbox_record(struct store *st, const struct outbox_row *r,
    struct outbox_outcome *o, char *err, size_t errlen);

/* After the commit of outbox_record(): the log line and the counts. */
void outbox_report(const struct outbox_row *r,
    const struct outbox_outcome *o, struct outbox_stats *stats);

/*
 * Replaces row id's recipients by addrs[0..n-1] (borrowed).  Inside the
 * caller's transaction.  0, or -1 with "outbox: recipients: SQLite's
 * message" in err.
 */
int outbox_rcpts_set(struct store *st, int64_t id, char *const *addrs,
    size_t n, char *err, size_t errlen);

/*
 * The addresses of the JSON array `json` (borrowed; NULL is "[]"): *rcpts
 * (NULL on entry, *n 0) becomes a new array of *n new strings, both owned
 * by the caller, also when -1 is returned ("outbox: WHAT: SQLite's
 * message" in err).
 */
int outbox_rcpts_get(struct store *st, const char *json, char ***rcpts,
    size_t *n, const char *what, char *err, size_t errlen);

#endif
