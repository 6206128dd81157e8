/*
 * thread/ — which case and which person a received mail belongs to, and
 * whether they may give commands (DESIGN.md §4).  Reads the store, never
 * changes it.
 *
 *   match.h   a mail to its case and sender: token, then tag (this file)
 *   token.h   the signed Message-ID of every mail we send, and its check
 *   tag.h     the "[CDP-2026-0042]" reference in a subject, as mangled
 *   trust.h   Authentication-Results: may a tag-matched mail give commands
 *
 * match.h — which case and which person a received mail belongs to
 * (DESIGN.md §4).
 *
 * In order: (1) a Message-ID of ours in In-Reply-To or References whose
 * HMAC verifies (token.h) gives the case and the person the answered mail
 * was sent to — or only the person, for a mail of the network about no
 * case (the digest): case_id is then 0 and how THREAD_TOKEN; (2) a case tag in the subject (tag.h), when the sender
 * takes part in that case; (3) nothing: the caller starts a new case,
 * unless the mail is automatic.  The sender is identified by From in every
 * case: a token binds a person, but only a matching From lets them act as
 * that person (commands, issue of trust, not of threading).
 */
#ifndef CDP_MATCH_H
#define CDP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "store/case_db.h"
#include "thread/tag.h"

struct message;
struct store;

enum thread_how {
	THREAD_NONE,		/* no case: a new one, or nothing if automatic */
	THREAD_TOKEN,		/* by our Message-ID in In-Reply-To/References */
	THREAD_TAG		/* by the subject tag, sender a participant */
};

struct thread_match {
	enum thread_how	 how;
	int64_t		 case_id;	/* 0 with THREAD_NONE, and with
					 * THREAD_TOKEN for a reply to a mail
					 * about no case */
	int64_t		 outbox_id;	/* THREAD_TOKEN: the mail answered */
	int64_t		 bound_id;	/* THREAD_TOKEN: person it was sent to
					 * (0: none) */
	int64_t		 sender_id;	/* the From address's person, 0 if
					 * unknown */
	int		 from_bound;	/* From is the bound person's address */
	char		 role[16];	/* sender's role in the case, "" none */
	/* A tag that named a case the sender does not take part in (the
	 * case's referent is told of the new case): */
	char		 foreign_ref[CASE_REF_MAX + 8];
	int64_t		 foreign_case_id;
};

/*
 * Matches `m` (whose sender may be unknown: nothing is created here).
 * key: the HMAC key (mailer_key()).  Returns 0 with *out filled, -1 on a
 * database error.
 */
int thread_match(struct store *st, const unsigned char *key, size_t keylen,
    const struct message *m, struct thread_match *out, char *err,
    size_t errlen);

/* "token", "tag", "new" for the messages table. */
const char *thread_how_name(enum thread_how how);

#endif
