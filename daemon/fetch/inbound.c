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
#include "store/store.h"

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

int
inbound_store(struct store *st, const struct inbound_rules *rules,
    const struct inbound_source *src, const char *raw, size_t len,
    long long now, enum inbound_result *result, char *err, size_t errlen)
{
	struct message *m = NULL;
	struct bounce_info bounce;
	char hash[HASH_SHA256_HEX], perr[512], *reply = NULL, *refs = NULL;
	char what[32];
	enum msg_auto kind;
	int rc = -1, seen;

	memset(&bounce, 0, sizeof(bounce));
	hash_sha256_hex(raw, len, hash);
	if (message_parse(raw, len, &m, perr, sizeof(perr)) != 0) {
		char *reason = xasprintf("unreadable message: %s", perr);

		rc = inbound_quarantine(st, src, raw, len, reason, now, err,
		    errlen);
		free(reason);
		*result = INBOUND_QUARANTINED;
		goto out;
	}
	seen = inbound_seen(st, m->message_id ? m->message_id : "", hash, err,
	    errlen);
	if (seen < 0)
		goto out;
	if (seen) {
		log_debug(LOG_CAT_IMAP, "uid %u <%s>: already stored, skipped",
		    src->uid, m->message_id ? m->message_id : "");
		*result = INBOUND_DUPLICATE;
		rc = 0;
		goto out;
	}
	kind = autodetect_classify(m, rules->autodetect, &bounce);
	if (reply_extract(rules->reply, m->text, strlen(m->text), &reply) != 0)
		reply = NULL;	/* keep the message; new text unknown */
	refs = join_references(m);

	snprintf(what, sizeof(what), "storing uid %u", src->uid);
	if (store_run(st, what, "INSERT INTO messages (direction, message_id, "
	    "in_reply_to, refs, subject, from_name, from_address, date, auto, "
	    "content_hash, raw, new_text, imap_folder, imap_uidvalidity, "
	    "imap_uid, received_at) VALUES ('in', ?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	    STORE_ARGS(STORE_TEXT(m->message_id ? m->message_id : ""),
	    STORE_TEXT(m->in_reply_to), STORE_TEXT(refs),
	    STORE_TEXT(m->subject), STORE_TEXT(m->from.name),
	    STORE_TEXT(m->from.address),
	    m->has_date ? STORE_INT(m->date) : STORE_NULL,
	    STORE_TEXT(autodetect_name(kind)), STORE_TEXT(hash),
	    STORE_BLOB(raw, len), STORE_TEXT(reply), SOURCE_ARGS(src),
	    STORE_INT(now)), err, errlen) != 0)
		goto out;
	log_info("stored uid %u <%s> from %s (%s)", src->uid,
	    m->message_id ? m->message_id : "", m->from.address,
	    autodetect_name(kind));
	if (rules->mailer != NULL) {
		struct casework cw = { rules->cfg, rules->mailer,
		    rules->classify, st, now };
		struct cw_mail cm = { m, store_last_insert_id(st), kind,
		    &bounce, reply ? reply : m->text };

		if (dispatch_mail(&cw, &cm, err, errlen) != 0)
			goto out;
	}
	*result = INBOUND_STORED;
	rc = 0;
out:
	bounce_info_free(&bounce);
	free(reply);
	free(refs);
	message_free(m);
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
