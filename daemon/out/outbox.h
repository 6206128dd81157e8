/*
 * outbox.h — the durable queue of outgoing mail (DESIGN.md §2, §3, §4).
 *
 * Every mail the daemon sends is first a row of the `outbox` table, queued
 * in the same transaction as the state change that caused it, so a crash
 * can neither lose a decided mail nor send one for a change that was rolled
 * back.  The row holds the complete RFC 5322 message (CRLF), so a mail sent
 * again after a crash is byte for byte the same, Message-ID included.
 * outbox_flush() later sends due rows over one SMTP session (smtp.h).
 *
 * Queueing (inside the caller's transaction, which must be open):
 *   Because the Message-ID token (DESIGN.md §4) contains the row id, the
 *   id is known before the message is composed:
 *     outbox_slot_open(st, &item, &slot, ...)
 *         checks the item and applies the daily cap; slot.id is the id
 *         the row will have
 *     ... compose the message with slot.id ...
 *     outbox_slot_put(st, &slot, message_id, msg, len, ...)
 *         the complete row, written once
 *     outbox_slot_free(&slot)
 *   This is the mailer's way: a row holds a message of several KB, and
 *   each write of it rewrites the whole record, so it is written once,
 *   and without a savepoint of its own (one costs about as much as the
 *   row): on OUTBOX_ERR from either step the caller rolls back (to its
 *   own savepoint), as part of the work (a count of the daily cap) may
 *   be done.  Nothing else may be queued between the two steps.
 *   The older two steps remain, for tools and tests:
 *     outbox_reserve(st, &item, &id, ...)   row inserted, message empty,
 *                                           message_id NULL (never sent)
 *     ... compose the message with id ...
 *     outbox_fill(st, id, message_id, msg, len, ...)
 *   outbox_enqueue() queues a message that is already complete
 *   (item.message_id and item.message set).  A row left unfilled is
 *   skipped by the sender; rolling the transaction back removes it.
 *   outbox_reserve and outbox_enqueue run in a savepoint: on failure the
 *   caller's transaction is as it was before the call.
 *
 * Policy applied when queueing (from item.cfg):
 *   - working hours: a mail that is not urgent, queued outside
 *     [work_start, work_end) local time (the network's zone) or on a day
 *     off (weekend, French public holiday), gets hold_until = the next
 *     start of working hours on a working day; acknowledgements are
 *     urgent (DESIGN.md §3);
 *   - flood/loop protection (RFC 3834): an automatic mail (for the
 *     mailer: an answer to that address's mail, mailer_counted) is not
 *     queued to an address that already got max_auto_per_day of them this
 *     local day (table `rate`); the count is taken and incremented in the
 *     same transaction as the row.
 *
 * Row life (column `recipients` = recipients the mail is still owed to):
 *   queued  --claim-->  sending  --result-->  queued | sent | failed
 *   - each recipient is its own SMTP transaction (smtp.h): an accepted
 *     recipient is removed from `recipients` at once, so a later attempt
 *     goes only to those still owed;
 *   - a 5xx recipient is failed at once: removed, its server answer in
 *     last_error, an `events` row of kind 'mail_failed' when the row has a
 *     case, a warning in the log;
 *   - a 4xx or network failure keeps the recipient and retries with
 *     backoff (outbox_backoff(): 15 s, 30 s, 1 min, 2 min, 5 min, 15 min,
 *     1 h, 2 h, then every 4 h,
 *     each plus 0-10 % jitter); 4 days after the mail was first allowed to
 *     leave (max(created_at, hold_until)) it is given up: status failed,
 *     last_error "gave up after 4 days: <last answer>", event;
 *   - status 'sent' when nobody is owed the mail any more and the server
 *     accepted it for at least one recipient (sent_at = first acceptance;
 *     a refusal of another recipient stays in last_error and the events);
 *     'failed' when nobody accepted it: `recipients` then lists those it
 *     failed for, which outbox_retry() sends to again;
 *   - a row is marked with the result of an attempt only after the server
 *     answered, committed before the next mail goes to the server (in the
 *     transaction that claims the next row): after a crash only the mail
 *     in flight is sent again (same bytes, same Message-ID).  Rows
 *     are claimed ('sending', with a 10 minute lease in next_attempt_at)
 *     so two processes flushing at once never send the same row; a
 *     'sending' row whose lease ran out is taken again, and
 *     outbox_recover() at start-up takes them all back at once.
 *   - SMTP authentication or TLS failures (our configuration, not the
 *     mail's fault) are logged as errors; the rows stay queued, attempts
 *     unchanged, last_error says why, and sending is paused in memory
 *     (1 min, doubling to 30 min) before the next try.
 *
 * Not done here: the copy into imap.sent_folder (needs IMAP APPEND, the
 * IMAP module's), composing messages (compose.c).
 *
 * Files: outbox.c (queueing, policy, recovery and retry), outbox_send.c
 * (outbox_flush and outbox_next_due), outbox_list.c (outbox_list);
 * outbox_rows.h is what they share about the rows.
 *
 * Errors: 0 / -1 with a sentence in err (SQLite's message included), or
 * the enum values below where the caller branches.  Strings in structs
 * returned to the caller are owned by them (freed by the *_free function);
 * every `const char *` argument is borrowed for the call only.
 */
#ifndef CDP_OUTBOX_H
#define CDP_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;

enum outbox_status {
	OUTBOX_OK = 0,
	OUTBOX_ERR = -1,	/* database or argument error, see err */
	OUTBOX_LIMITED = 1,	/* every recipient is at max_auto_per_day:
				 * nothing queued, no row, err names them */
	OUTBOX_PARTIAL = 2	/* queued, but the capped recipients (named
				 * in err) were left out of the envelope */
};

struct outbox_item {
	const struct config *cfg;	/* working hours, max_auto_per_day,
					 * smtp.from; required */
	int64_t		 case_id;	/* 0: none */
	int64_t		 person_id;	/* 0: none; whom the token binds */
	const char	*template;	/* NULL: none; shown by outbox list */
	const char	*sender;	/* envelope MAIL FROM; NULL: smtp.from;
					 * "" is the null sender <> */
	const char *const *rcpts;	/* envelope RCPT TO; stored lower case,
					 * duplicates dropped */
	size_t		 nrcpt;		/* >= 1 */
	int		 urgent;	/* 1: not held to working hours */
	int		 automatic;	/* 1: counts against max_auto_per_day */
	/* outbox_enqueue only (the other ways ignore them): */
	const char	*message_id;	/* without <>; must appear in the
					 * message's header */
	const char	*message;	/* complete RFC 5322 message, CRLF */
	size_t		 message_len;
};

/* A row about to be queued (outbox_slot_open .. outbox_slot_put). */
struct outbox_slot {
	int64_t		 id;		/* the row's id, for the token */
	/* Private to outbox.c. */
	int64_t		 case_id;
	int64_t		 person_id;
	const char	*template;	/* borrowed from the item */
	const char	*sender;	/* borrowed from the item or cfg */
	char		**addrs;	/* the envelope, lower case */
	size_t		 naddrs;
	long long	 now;
	long long	 hold;		/* 0: none */
};

/*
 * Checks item, takes the daily cap's count of an automatic mail and
 * fills *slot (slot->id: the id the row will have; item's strings stay
 * borrowed until outbox_slot_put).  Must run inside the caller's
 * transaction.
 * Returns OUTBOX_OK, OUTBOX_PARTIAL (some recipients capped, named in
 * err), OUTBOX_LIMITED (all capped: nothing written, *slot empty) or
 * OUTBOX_ERR (the caller rolls back).  outbox_slot_free() after any
 * return.
 */
int outbox_slot_open(struct store *st, const struct outbox_item *item,
    struct outbox_slot *slot, char *err, size_t errlen);

/*
 * Writes the row of slot with its complete message, as outbox_fill()
 * checks it (message_id without angle brackets, as <message_id> in the
 * header).  0, or -1 with err (e.g. a duplicate Message-ID; the caller
 * rolls back).
 */
int outbox_slot_put(struct store *st, const struct outbox_slot *slot,
    const char *message_id, const char *message, size_t len, char *err,
    size_t errlen);

/* Frees what outbox_slot_open() kept in slot; an empty slot is fine. */
void outbox_slot_free(struct outbox_slot *slot);

/*
 * Reserves a row for item (message empty, message_id NULL) and sets *id.
 * Must run inside the caller's transaction (-1 otherwise).  Returns
 * OUTBOX_OK, OUTBOX_PARTIAL (some recipients capped, named in err),
 * OUTBOX_LIMITED (all capped; *id = 0, nothing written) or OUTBOX_ERR.
 */
int outbox_reserve(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen);

/*
 * Puts the composed message into the row outbox_reserve() made: after this
 * it can be sent.  message_id is without angle brackets and must appear,
 * as <message_id>, in the message's header; the row must be reserved and
 * not yet filled.  0 or -1 (e.g. a duplicate Message-ID).
 */
int outbox_fill(struct store *st, int64_t id, const char *message_id,
    const char *message, size_t len, char *err, size_t errlen);

/* outbox_reserve + outbox_fill for a complete message; same returns as
 * outbox_reserve (nothing is written unless OUTBOX_OK/OUTBOX_PARTIAL). */
int outbox_enqueue(struct store *st, const struct outbox_item *item,
    int64_t *id, char *err, size_t errlen);

/*
 * When a mail queued at `now` that is not urgent may leave: 0 if now is
 * within working hours (cfg->network.work_start..work_end, local time) on
 * a working day (base/workday.h: not a weekend, not a French public
 * holiday), else the next start of working hours on a working day.
 */
long long outbox_hold_until(const struct config *cfg, long long now);

/* Base delay in seconds before the attempt after the n-th failed one
 * (n >= 1): 300, 900, 3600, 7200, then 14400.  Flush adds 0-10 % jitter. */
long long outbox_backoff(int n);

/* How long a failing mail is retried: 4 days. */
#define OUTBOX_GIVE_UP_SECS	(4LL * 86400)

struct outbox_stats {
	int	 rows;		/* rows attempted */
	int	 sent;		/* rows now 'sent' */
	int	 failed;	/* rows now 'failed' (refused or given up) */
	int	 deferred;	/* rows back to 'queued' for a later attempt */
	int	 accepted;	/* recipients the server accepted */
	int	 refused;	/* recipients refused (5xx) */
	int	 rate_limited;	/* 1: stopped, smtp.max_per_minute used up */
	int	 paused;	/* 1: authentication/TLS problem, see error */
	char	 error[512];	/* last SMTP error of the flush, "" if none */
};

/*
 * Sends every due row (status queued with next_attempt_at <= now and
 * hold_until NULL or <= now, or 'sending' with an expired lease), oldest
 * first, over one SMTP session opened on the first row and reused,
 * at most cfg->smtp.max_per_minute recipient transactions in any 60 s
 * (counted in memory, per process; the flush stops when the budget is used
 * and leaves the rest for a later call).  Must NOT be called inside a
 * transaction: it commits a row's claim together with the previous row's
 * result, one commit per mail.  When the
 * server cannot be reached (connection refused, timeout), every due row
 * gets a failed attempt with that answer in this flush, without one more
 * connection each; a connection that breaks in the middle of a batch is
 * opened again once for the next row.  An authentication or TLS failure
 * stops the flush and pauses sending (see above).  Returns 0 (what
 * happened to the mails is in *stats, which is zeroed first) or -1 on a
 * database error (the row being handled then stays 'sending' until its
 * lease ends or outbox_recover()).
 */
int outbox_flush(struct store *st, const struct config *cfg,
    struct outbox_stats *stats, char *err, size_t errlen);

/*
 * For the daemon's wait (IMAP IDLE timeout): sets *when to the earliest
 * time a row will be due — taking into account holds, backoff, the
 * per-minute budget and an authentication pause — and returns 1; returns
 * 0 when no row waits (*when untouched), -1 on a database error
 * (store_errmsg()).  *when may be <= now: flush at once.
 */
int outbox_next_due(struct store *st, long long *when);

/*
 * At start-up, before any flush: rows left 'sending' by a process that
 * died go back to 'queued', due now.  Only for a process that knows no
 * other one is flushing (the daemon at start).  Sets *n (may be NULL).
 */
int outbox_recover(struct store *st, int *n, char *err, size_t errlen);

/* One row, for `coupdepouce outbox list`. */
struct outbox_entry {
	int64_t		 id;
	char		*status;	/* queued, sending, sent, failed */
	int64_t		 attempts;
	int64_t		 next_attempt_at;
	int64_t		 hold_until;	/* 0: none */
	int64_t		 created_at;
	int64_t		 sent_at;	/* 0: never accepted */
	int64_t		 case_id;	/* 0: none */
	char		*template;	/* NULL: none */
	char		*message_id;	/* NULL while composing */
	char		*recipients;	/* JSON array text, still owed */
	char		**rcpts;	/* the same, one address each */
	size_t		 nrcpt;
	char		*to;		/* To: header, unfolded; "" if none */
	char		*subject;	/* Subject:, UTF-8 encoded words
					 * decoded; "" if none */
	char		*last_error;	/* NULL: none */
};

/*
 * Rows with `status` (NULL: all), newest first.  *out is an array of *n
 * entries the caller frees with outbox_list_free().
 */
int outbox_list(struct store *st, const char *status,
    struct outbox_entry **out, size_t *n, char *err, size_t errlen);
void outbox_list_free(struct outbox_entry *e, size_t n);

/*
 * `outbox retry ID`: a failed or queued row is queued again, due now:
 * attempts reset to 0, hold_until set to now (no working-hours wait, and
 * the 4 days start again).  -1 with a sentence in err for an unknown id,
 * a row already sent or being sent, or a database error.
 */
int outbox_retry(struct store *st, int64_t id, char *err, size_t errlen);

#endif
