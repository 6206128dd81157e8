/* match.c — matching a received mail to its case; see match.h. */
#include <stdio.h>
#include <string.h>

#include "store/case_db.h"
#include "parse/message.h"
#include "store/person_db.h"
#include "store/store.h"
#include "thread/match.h"
#include "thread/token.h"

const char *
thread_how_name(enum thread_how how)
{
	switch (how) {
	case THREAD_TOKEN:
		return "token";
	case THREAD_TAG:
		return "tag";
	case THREAD_NONE:
		break;
	}
	return "new";
}

/* 1 if `id` is one of our Message-IDs naming an existing case, or
 * naming no case but a person (a mail of the network to them, such as
 * the digest: case_id 0). */
static int
thread_try_token(struct store *st, const unsigned char *key, size_t keylen,
    const char *id, struct thread_match *out, char *err, size_t errlen)
{
	struct case_row c;
	int64_t outbox_id = 0, case_id = 0, person_id = 0;
	int rc;

	/* Any domain: mail sent before a change of [network] domain is
	 * still ours, and the HMAC is what proves it. */
	if (id == NULL || !token_verify(key, keylen, id, NULL, &outbox_id,
	    &case_id, &person_id) || (case_id == 0 && person_id == 0))
		return 0;
	if (case_id != 0) {
		rc = case_load(st, case_id, &c, err, errlen);
		if (rc <= 0)
			return rc;
		case_row_free(&c);
	}
	out->how = THREAD_TOKEN;
	out->case_id = case_id;
	out->outbox_id = outbox_id;
	out->bound_id = person_id;
	return 1;
}

static int
thread_by_token(struct store *st, const unsigned char *key, size_t keylen,
    const struct message *m, struct thread_match *out, char *err,
    size_t errlen)
{
	int rc;

	/* In-Reply-To names the mail answered; References, newest last,
	 * the thread when a client dropped In-Reply-To or it points at a
	 * message of someone else's. */
	rc = thread_try_token(st, key, keylen, m->in_reply_to, out, err,
	    errlen);
	for (size_t i = m->nreferences; rc == 0 && i > 0; i--)
		rc = thread_try_token(st, key, keylen, m->references[i - 1],
		    out, err, errlen);
	return rc;
}

int
thread_match(struct store *st, const unsigned char *key, size_t keylen,
    const struct message *m, struct thread_match *out, char *err,
    size_t errlen)
{
	char ref[CASE_REF_MAX + 8];
	int64_t case_id = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = person_find(st, m->from.address, &out->sender_id, err, errlen);
	if (rc < 0)
		return -1;
	rc = thread_by_token(st, key, keylen, m, out, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0 && tag_find(m->subject, ref, sizeof(ref))) {
		rc = case_find_ref(st, ref, &case_id, err, errlen);
		if (rc < 0)
			return -1;
		if (rc == 1 && out->sender_id != 0) {
			rc = case_participant(st, case_id, out->sender_id,
			    out->role, sizeof(out->role), err, errlen);
			if (rc < 0)
				return -1;
			if (rc == 1) {
				out->how = THREAD_TAG;
				out->case_id = case_id;
				return 0;
			}
		}
		if (case_id != 0) {
			snprintf(out->foreign_ref, sizeof(out->foreign_ref),
			    "%s", ref);
			out->foreign_case_id = case_id;
		}
		return 0;
	}
	if (out->how != THREAD_TOKEN)
		return 0;
	out->from_bound = out->sender_id != 0 &&
	    out->sender_id == out->bound_id;
	if (out->sender_id != 0 && out->case_id != 0 &&
	    case_participant(st, out->case_id,
	    out->sender_id, out->role, sizeof(out->role), err, errlen) < 0)
		return -1;
	return 0;
}
