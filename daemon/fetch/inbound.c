/*
 * inbound.c — parse, recognise and store one fetched mail; see inbound.h.
 *
 * Dedupe is by (Message-ID, SHA-256 of the raw bytes): the same mail fetched
 * again after a UIDVALIDITY reset, or copied back into the inbox, is the
 * same row; a different mail that reuses a Message-ID (some mailers do) is
 * not mistaken for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "casework/dispatch.h"
#include "parse/classify.h"
#include "base/buf.h"
#include "base/hash.h"
#include "fetch/inbound.h"
#include "base/log.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/reply.h"
#include "parse/rules.h"
#include "store/case_db.h"
#include "store/store.h"
#include "thread/tag.h"
#include "thread/token.h"

int
inbound_rules_load(const char *dir, struct inbound_rules *out, char *err,
    size_t errlen)
{
	char *path = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	path = xasprintf("%s/reply.rules", dir);
	if (rules_load(path, &out->reply, err, errlen) != 0)
		goto out;
	rules_prefilter(out->reply);	/* reply.c runs fewer rules */
	free(path);
	path = xasprintf("%s/auto.rules", dir);
	if (rules_load(path, &out->autodetect, err, errlen) != 0 ||
	    classify_load(dir, &out->classify, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(path);
	if (rc != 0)
		inbound_rules_free(out);
	return rc;
}

void
inbound_rules_free(struct inbound_rules *r)
{
	rules_free(r->reply);
	rules_free(r->autodetect);
	classify_free(r->classify);
	memset(r, 0, sizeof(*r));
}

/* Three parameters: the IMAP folder, UIDVALIDITY and UID of a mail. */
#define SOURCE_ARGS(src)	STORE_TEXT((src)->folder),		\
	STORE_INT((src)->uidvalidity), STORE_INT((src)->uid)

/* 1 if a message with this id and hash is stored, 0 if not, -1 error. */
static int
inbound_seen(struct store *st, const char *message_id, const char *hash,
    char *err, size_t errlen)
{
	int64_t one;

	return store_get_int64(st, &one, NULL, "SELECT 1 FROM messages WHERE "
	    "message_id = ?1 AND content_hash = ?2",
	    STORE_ARGS(STORE_TEXT(message_id), STORE_TEXT(hash)), err, errlen);
}

static char *
join_references(const struct message *m)
{
	struct buf b;

	if (m->nreferences == 0)
		return NULL;
	buf_init(&b, 0);
	for (size_t i = 0; i < m->nreferences; i++) {
		if (i)
			buf_addc(&b, ' ');
		buf_adds(&b, m->references[i]);
	}
	return buf_steal(&b);
}

/* A fetched mail, read: see inbound_prepare(). */
struct inbound_mail {
	const char	*raw;		/* borrowed */
	size_t		 len;
	char		 hash[HASH_SHA256_HEX];
	struct message	*m;		/* NULL: unreadable, for perr */
	char		 perr[512];
	enum msg_auto	 kind;
	struct bounce_info bounce;
	char		*reply;		/* new text; NULL when unknown */
	char		*refs;
	struct classify_result cr;	/* when classified: */
	int		 classified;
};

/* Whether the mail may open a case, as far as can be told without the
 * database: it is not automatic, answers no mail of ours and names no
 * case in its subject.  Only decides whether to classify it ahead: a
 * mail misjudged is classified when it opens a case after all. */
static int
inbound_may_open_case(const struct message *m, enum msg_auto kind)
{
	char ref[CASE_REF_MAX + 8];

	if (kind != MSG_AUTO_NONE || token_shaped(m->in_reply_to) ||
	    tag_find(m->subject, ref, sizeof(ref)))
		return 0;
	for (size_t i = 0; i < m->nreferences; i++)
		if (token_shaped(m->references[i]))
			return 0;
	return 1;
}

struct inbound_mail *
inbound_prepare(const struct inbound_rules *rules, const char *raw,
    size_t len)
{
	struct inbound_mail *im = xcalloc(1, sizeof(*im));

	im->raw = raw;
	im->len = len;
	hash_sha256_hex(raw, len, im->hash);
	if (message_parse(raw, len, &im->m, im->perr, sizeof(im->perr)) != 0) {
		im->m = NULL;
		return im;
	}
	im->kind = autodetect_classify(im->m, rules->autodetect, &im->bounce);
	if (reply_extract(rules->reply, im->m->text, strlen(im->m->text),
	    &im->reply) != 0)
		im->reply = NULL;	/* keep the message; new text unknown */
	im->refs = join_references(im->m);
	return im;
}

void
inbound_classify_ahead(const struct inbound_rules *rules,
    struct inbound_mail *im)
{
	if (im->m == NULL || im->classified || rules->classify == NULL ||
	    !inbound_may_open_case(im->m, im->kind))
		return;
	classify_run(rules->classify, im->m->subject,
	    classify_text(im->reply, im->m->text), &im->cr);
	im->classified = 1;
}

void
inbound_mail_free(struct inbound_mail *im)
{
	if (im == NULL)
		return;
	bounce_info_free(&im->bounce);
	classify_result_free(&im->cr);
	free(im->reply);
	free(im->refs);
	message_free(im->m);
	free(im);
}

int
inbound_store_prepared(struct store *st, const struct inbound_rules *rules,
    const struct inbound_source *src, const struct inbound_mail *im,
    long long now, enum inbound_result *result, char *err, size_t errlen)
{
	const struct message *m = im->m;
	char what[32];
	int seen;

	if (m == NULL) {
		char *reason = xasprintf("unreadable message: %s", im->perr);
		int rc = inbound_quarantine(st, src, im->raw, im->len, reason,
		    now, err, errlen);

		free(reason);
		*result = INBOUND_QUARANTINED;
		return rc;
	}
	seen = inbound_seen(st, m->message_id ? m->message_id : "", im->hash,
	    err, errlen);
	if (seen < 0)
		return -1;
	if (seen) {
		log_debug(LOG_CAT_IMAP, "uid %u <%s>: already stored, skipped",
		    src->uid, m->message_id ? m->message_id : "");
		*result = INBOUND_DUPLICATE;
		return 0;
	}
	snprintf(what, sizeof(what), "storing uid %u", src->uid);
	if (store_run(st, what, "INSERT INTO messages (direction, message_id, "
	    "in_reply_to, refs, subject, from_name, from_address, date, auto, "
	    "content_hash, raw, new_text, imap_folder, imap_uidvalidity, "
	    "imap_uid, received_at) VALUES ('in', ?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	    STORE_ARGS(STORE_TEXT(m->message_id ? m->message_id : ""),
	    STORE_TEXT(m->in_reply_to), STORE_TEXT(im->refs),
	    STORE_TEXT(m->subject), STORE_TEXT(m->from.name),
	    STORE_TEXT(m->from.address),
	    m->has_date ? STORE_INT(m->date) : STORE_NULL,
	    STORE_TEXT(autodetect_name(im->kind)), STORE_TEXT(im->hash),
	    STORE_BLOB(im->raw, im->len), STORE_TEXT(im->reply),
	    SOURCE_ARGS(src), STORE_INT(now)), err, errlen) != 0)
		return -1;
	log_info("stored uid %u <%s> from %s (%s)", src->uid,
	    m->message_id ? m->message_id : "", m->from.address,
	    autodetect_name(im->kind));
	if (rules->mailer != NULL) {
		struct casework cw = { rules->cfg, rules->mailer,
		    rules->classify, st, now };
		struct cw_mail cm = { m, store_last_insert_id(st), im->kind,
		    &im->bounce, im->reply ? im->reply : m->text,
		    im->classified ? &im->cr : NULL };

		if (dispatch_mail(&cw, &cm, err, errlen) != 0)
			return -1;
	}
	*result = INBOUND_STORED;
	return 0;
}

int
inbound_store(struct store *st, const struct inbound_rules *rules,
    const struct inbound_source *src, const char *raw, size_t len,
    long long now, enum inbound_result *result, char *err, size_t errlen)
{
	struct inbound_mail *im = inbound_prepare(rules, raw, len);
	int rc;

	rc = inbound_store_prepared(st, rules, src, im, now, result, err,
	    errlen);
	inbound_mail_free(im);
	return rc;
}

int
inbound_quarantine(struct store *st, const struct inbound_source *src,
    const char *raw, size_t len, const char *reason, long long now,
    char *err, size_t errlen)
{
	struct message *m = NULL;
	char hash[HASH_SHA256_HEX], perr[128], what[32];
	int rc;

	hash_sha256_hex(raw, len, hash);
	/* Best effort: the Message-ID lets an administrator find the mail. */
	if (message_parse(raw, len, &m, perr, sizeof(perr)) != 0)
		m = NULL;
	/* The same bytes quarantined before (fetched again after a reset):
	 * keep the first record, refresh where the copy now is. */
	snprintf(what, sizeof(what), "quarantining uid %u", src->uid);
	rc = store_run(st, what, "INSERT INTO quarantine (raw, content_hash, "
	    "reason, imap_folder, imap_uidvalidity, imap_uid, created_at, "
	    "message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	    "ON CONFLICT (content_hash) "
	    "DO UPDATE SET imap_folder = excluded.imap_folder, "
	    "imap_uidvalidity = excluded.imap_uidvalidity, "
	    "imap_uid = excluded.imap_uid", STORE_ARGS(STORE_BLOB(raw, len),
	    STORE_TEXT(hash), STORE_TEXT(reason), SOURCE_ARGS(src),
	    STORE_INT(now), STORE_TEXT(m ? m->message_id : NULL)), err,
	    errlen);
	if (rc == 0)
		log_notice("quarantined uid %u: %s", src->uid, reason);
	message_free(m);
	return rc;
}

int
inbound_is_quarantined(struct store *st, const struct inbound_source *src,
    char *err, size_t errlen)
{
	int64_t one;

	return store_get_int64(st, &one, NULL, "SELECT 1 FROM quarantine WHERE "
	    "imap_folder = ?1 AND imap_uidvalidity = ?2 AND imap_uid = ?3",
	    STORE_ARGS(SOURCE_ARGS(src)), err, errlen);
}
