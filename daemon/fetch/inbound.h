/*
 * inbound.h — what happens to one fetched mail inside the batch transaction.
 *
 * The fetcher (fetch.c) hands every message it took from the server to
 * inbound_store() inside its open transaction, one savepoint per message.
 * inbound_store() parses the mail, recognises automatic mail, extracts the
 * new text of a reply, and stores it all with the raw bytes; a message seen
 * before (same Message-ID and content hash, e.g. after a UIDVALIDITY reset
 * or a copy) is recognised and not processed again.  What cannot be handled
 * goes to inbound_quarantine() with its reason: nothing is ever dropped.
 */
#ifndef CDP_INBOUND_H
#define CDP_INBOUND_H

#include <stddef.h>
#include <stdint.h>

struct classify;
struct config;
struct mailer;
struct rules;
struct store;

/*
 * What the inbound path needs: the rule files, loaded once from [paths]
 * rules, and, for the daemon, what the case modules need to act on a
 * mail (dispatch.h).  Without a mailer a mail is only stored.
 */
struct inbound_rules {
	struct rules	*reply;		/* reply.rules: quoted history */
	struct rules	*autodetect;	/* auto.rules: automatic mail */
	struct classify	*classify;	/* kind, themes, communes */
	const struct config *cfg;	/* set by the caller, borrowed */
	struct mailer	*mailer;	/* set by the caller, borrowed; NULL:
					 * store only */
};

/* Where a message came from on the server (borrowed strings). */
struct inbound_source {
	const char	*folder;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
};

enum inbound_result {
	INBOUND_STORED,
	INBOUND_DUPLICATE,
	INBOUND_QUARANTINED
};

/* Loads reply.rules, auto.rules and the classification files (classify.h)
 * from `dir`; errors name file and line.  cfg and mailer are left NULL. */
int inbound_rules_load(const char *dir, struct inbound_rules *out,
    char *err, size_t errlen);
void inbound_rules_free(struct inbound_rules *r);

/*
 * The part of handling a mail that needs no database: its SHA-256, the
 * parse, automatic mail recognised, the new text of a reply, and, with
 * inbound_classify_ahead, the classification of one that looks like it
 * opens a case (not automatic, no Message-ID of ours in its references,
 * no case tag in its subject).  Costs as much as the storing, so a pass
 * runs it in its IMAP thread while the main thread stores the mail before
 * (fetch_pipe.h).  It may run in
 * any thread, as long as no other one uses the reply and automatic-mail
 * rules meanwhile (a rule set keeps its own match data; the classifier
 * takes turns by itself).  Never fails: a mail that cannot be parsed
 * carries the reason, for inbound_store_prepared to quarantine it.  raw
 * stays borrowed by the result until inbound_mail_free.
 */
struct inbound_mail;
struct inbound_mail *inbound_prepare(const struct inbound_rules *rules,
    const char *raw, size_t len);
/* Classifies im ahead (only one that looks like it opens a case), so that
 * storing it need not. */
void inbound_classify_ahead(const struct inbound_rules *rules,
    struct inbound_mail *im);
void inbound_mail_free(struct inbound_mail *im);

/* inbound_store, on a mail inbound_prepare has read (with the same
 * rules). */
int inbound_store_prepared(struct store *st,
    const struct inbound_rules *rules, const struct inbound_source *src,
    const struct inbound_mail *im, long long now,
    enum inbound_result *result, char *err, size_t errlen);

/*
 * Handles one raw message within the caller's transaction.  Sets *result;
 * a message that cannot be parsed is quarantined here (result
 * INBOUND_QUARANTINED, return 0).  Returns -1 only on a database error,
 * with the reason in err: the caller rolls back to its savepoint and
 * quarantines the message with that reason.  `now` is the receive time.
 */
int inbound_store(struct store *st, const struct inbound_rules *rules,
    const struct inbound_source *src, const char *raw, size_t len,
    long long now, enum inbound_result *result, char *err, size_t errlen);

/* Records a message that cannot be handled, with its reason (raw may be
 * only the headers, for a message too large to fetch).  A message already
 * quarantined (same content) is not recorded twice.  -1 on a database
 * error. */
int inbound_quarantine(struct store *st, const struct inbound_source *src,
    const char *raw, size_t len, const char *reason, long long now,
    char *err, size_t errlen);

/* 1 if the store says this server message was quarantined (so a pending
 * move sends it to the quarantine folder), 0 if not, -1 on error. */
int inbound_is_quarantined(struct store *st, const struct inbound_source *src,
    char *err, size_t errlen);

#endif
