/*
 * forget_db.c — erasing a person's personal data; see forget_db.h.
 *
 * The erasure is a list of statements sharing one parameter list (?1 the
 * person's id or 0, ?2 their address, ?3 their name or '' when too short
 * to be told from ordinary words, ?4 now, ?5 the placeholder address), run
 * in order in the caller's transaction.  Two temporary tables name what
 * the statements work on: the cases the person carried and the stored
 * mails to blank, chosen before any text is erased (blanking a mail first
 * would hide the address that selects the next one).  The address is
 * looked for in the lower-cased mail (clients keep the case the sender
 * typed), the name and the case references as bytes (instr on blobs), so
 * an 8-bit mail is searched like the rest.  Each statement is run behind
 * FORGET_ARGS, which names the whole list, since SQLite refuses a value
 * for a parameter the statement does not have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/forget_db.h"
#include "store/person_db.h"
#include "store/store.h"

#define FORGET_ARGS	"WITH args AS (SELECT ?1, ?2, ?3, ?4, ?5) "

/* A name shorter than this is not searched in mails: "Jo" would blank
 * every mail holding "Jour". */
#define FORGET_NAME_MIN	5

/* Event detail fields that hold no text a person wrote or is named by;
 * every other field of an event being cleaned goes. */
#define FORGET_KEPT_KEYS "'person_id', 'by', 'referent_id', 'days', "	\
	"'answer', 'kind', 'themes', 'commune', 'milestone', 'meeting', "	\
	"'verb', 'outcome', 'state', 'from', 'to', 'count', 'role', "		\
	"'status', 'ref', 'other_ref'"

/* A value (text or blob column X) holds the address or the name. */
#define NAMES(x) "(instr(lower(" x "), ?2) > 0 OR (?3 <> '' AND "		\
	"instr(CAST(" x " AS BLOB), CAST(?3 AS BLOB)) > 0))"

/* The outbox rows an erasure blanks: for the person, to them, of their
 * cases, naming them, and not blanked yet. */
#define OUTBOX_MATCH "((?1 <> 0 AND person_id IS ?1) OR EXISTS (SELECT 1 "	\
	"FROM json_each(outbox.recipients) WHERE lower(value) = ?2) OR "	\
	"case_id IN (SELECT id FROM forget_cases) OR " NAMES("message")	\
	" OR EXISTS (SELECT 1 FROM forget_cases f WHERE instr(message, "	\
	"CAST(f.ref AS BLOB)) > 0)) AND (length(message) > 0 OR EXISTS "	\
	"(SELECT 1 FROM json_each(outbox.recipients) WHERE lower(value) = "	\
	"?2))"

enum forget_count { C_NONE, C_RECEIVED, C_SENT, C_EVENTS, C_QUARANTINE,
    C_CASES };

static const struct forget_step {
	const char		*what;
	enum forget_count	 count;
	const char		*sql;
} forget_steps[] = {
	{ "cases", C_NONE, "INSERT INTO forget_cases SELECT id, ref FROM "
	    "cases WHERE ?1 <> 0 AND (holder_id = ?1 OR id IN (SELECT case_id "
	    "FROM case_members WHERE person_id = ?1 AND role IN ('holder', "
	    "'reporter')))" },
	{ "mails", C_NONE, "INSERT INTO forget_mails SELECT id, (?1 <> 0 AND "
	    "person_id IS ?1) OR lower(from_address) = ?2 FROM messages WHERE "
	    "(?1 <> 0 AND person_id IS ?1) OR lower(from_address) = ?2 OR "
	    "case_id IN (SELECT id FROM forget_cases) OR " NAMES("raw") " OR "
	    NAMES("subject") " OR " NAMES("coalesce(new_text, '')") " OR "
	    "EXISTS (SELECT 1 FROM forget_cases f WHERE instr(raw, CAST(f.ref "
	    "AS BLOB)) > 0)" },
	{ "copies received", C_NONE, "INSERT OR IGNORE INTO forget_copies "
	    "SELECT message_id FROM messages WHERE id IN (SELECT id FROM "
	    "forget_mails) AND message_id <> ''" },
	{ "mails received", C_RECEIVED, "UPDATE messages SET raw = X'', "
	    "new_text = NULL, subject = CASE WHEN (SELECT own FROM "
	    "forget_mails f WHERE f.id = messages.id) OR case_id IN (SELECT id "
	    "FROM forget_cases) OR " NAMES("subject") " THEN '' ELSE subject "
	    "END, from_name = CASE WHEN (SELECT own FROM forget_mails f WHERE "
	    "f.id = messages.id) THEN '' ELSE from_name END, from_address = "
	    "CASE WHEN (SELECT own FROM forget_mails f WHERE f.id = "
	    "messages.id) THEN '' ELSE from_address END, in_reply_to = CASE "
	    "WHEN instr(lower(in_reply_to), ?2) > 0 THEN NULL ELSE in_reply_to "
	    "END, refs = CASE WHEN instr(lower(refs), ?2) > 0 THEN NULL ELSE "
	    "refs END, message_id = CASE WHEN instr(lower(message_id), ?2) > 0 "
	    "THEN '' ELSE message_id END WHERE id IN (SELECT id FROM "
	    "forget_mails) AND (length(raw) > 0 OR new_text IS NOT NULL OR "
	    NAMES("subject") " OR lower(from_address) = ?2)" },
	{ "copies sent", C_NONE, "INSERT OR IGNORE INTO forget_copies "
	    "SELECT message_id FROM outbox WHERE status = 'sent' AND "
	    "message_id <> '' AND " OUTBOX_MATCH },
	{ "mails sent", C_SENT, "UPDATE outbox SET message = X'', recipients "
	    "= (SELECT json_group_array(CASE WHEN lower(value) = ?2 THEN ?5 "
	    "ELSE value END) FROM json_each(outbox.recipients)), status = CASE "
	    "WHEN status IN ('queued', 'sending') THEN 'failed' ELSE status "
	    "END, last_error = CASE WHEN status IN ('queued', 'sending') THEN "
	    "'erased (RGPD)' WHEN " NAMES("last_error") " THEN NULL ELSE "
	    "last_error END WHERE " OUTBOX_MATCH },
	{ "events", C_EVENTS, "UPDATE events SET details = (SELECT "
	    "json_group_object(key, value) FROM json_each(events.details) "
	    "WHERE key IN (" FORGET_KEPT_KEYS ") AND NOT "
	    NAMES("CAST(value AS TEXT)") ") WHERE details IS NOT NULL AND "
	    "details <> '{}' AND ((?1 <> 0 AND actor_id IS ?1) OR msg_id IN "
	    "(SELECT id FROM forget_mails) OR case_id IN (SELECT id FROM "
	    "forget_cases) OR " NAMES("details") ")" },
	{ "copies quarantined", C_NONE, "INSERT OR IGNORE INTO "
	    "forget_copies SELECT message_id FROM quarantine WHERE "
	    "message_id <> '' AND " NAMES("raw") },
	{ "quarantine", C_QUARANTINE, "DELETE FROM quarantine WHERE "
	    NAMES("raw") },
	{ "cases", C_CASES, "UPDATE cases SET subject = '', roadmap = NULL, "
	    "reason = NULL WHERE id IN (SELECT id FROM forget_cases)" },
	{ "milestones", C_NONE, "UPDATE milestones SET label = '' WHERE "
	    "case_id IN (SELECT id FROM forget_cases)" },
	{ "meetings", C_NONE, "UPDATE meetings SET location = NULL WHERE "
	    "case_id IN (SELECT id FROM forget_cases)" },
	{ "testimonies", C_NONE, "DELETE FROM testimonies WHERE ?1 <> 0 AND "
	    "person_id = ?1" },
	{ "jobs", C_NONE, "UPDATE jobs SET done_at = ?4 WHERE ?1 <> 0 AND "
	    "person_id = ?1 AND done_at IS NULL" },
	{ "rate", C_NONE, "DELETE FROM rate WHERE address = ?2" },
	{ "roles", C_NONE, "DELETE FROM person_roles WHERE ?1 <> 0 AND "
	    "person_id = ?1" },
	{ "person", C_NONE, "UPDATE persons SET email = ?5, name = '', "
	    "themes = '[]', communes = '[]', active = 0, failing_since = NULL, "
	    "last_bounce_at = NULL, last_bounce_status = NULL, unavailable = "
	    "0, unavailable_until = NULL, forgotten_at = ?4, updated_at = ?4 "
	    "WHERE ?1 <> 0 AND id = ?1" },
};
#define NSTEPS	(sizeof(forget_steps) / sizeof(forget_steps[0]))

static long long *
forget_counter(struct forget_counts *n, enum forget_count c)
{
	switch (c) {
	case C_RECEIVED:	return &n->received;
	case C_SENT:		return &n->sent;
	case C_EVENTS:		return &n->events;
	case C_QUARANTINE:	return &n->quarantine;
	case C_CASES:		return &n->cases;
	default:		return NULL;
	}
}

/* The name to search for (or "" when too short), unless the person is
 * the referent of an open case: 1 and *refs then.  0 or -1. */
static int
forget_check(struct store *st, int64_t id, char **refs, char *name,
    size_t namelen, char *err, size_t errlen)
{
	char addr[PERSON_EMAIL_MAX];

	name[0] = '\0';
	if (id == 0)
		return 0;
	if (person_open_referent_cases(st, id, refs, err, errlen) != 0)
		return -1;
	if (*refs != NULL)
		return 1;
	if (person_get(st, id, name, namelen, addr, sizeof(addr), err,
	    errlen) != 0)
		return -1;
	if (strlen(name) < FORGET_NAME_MIN)
		name[0] = '\0';
	return 0;
}

int
forget_person(struct store *st, int64_t id, const char *email,
    long long now, struct forget_counts *n, char **refs, char *err,
    size_t errlen)
{
	char name[256], placeholder[64], what[64];
	struct buf sql;
	int rc;

	memset(n, 0, sizeof(*n));
	*refs = NULL;
	buf_init(&sql, 0);
	if ((rc = forget_check(st, id, refs, name, sizeof(name), err,
	    errlen)) != 0)
		goto out;
	rc = -1;
	snprintf(placeholder, sizeof(placeholder), "forgotten-%lld@invalid",
	    (long long)id);
	if (store_exec(st, "CREATE TEMP TABLE forget_cases (id INTEGER "
	    "PRIMARY KEY, ref TEXT NOT NULL); CREATE TEMP TABLE forget_mails "
	    "(id INTEGER PRIMARY KEY, own INTEGER NOT NULL); CREATE TEMP "
	    "TABLE IF NOT EXISTS forget_copies (message_id TEXT PRIMARY KEY); "
	    "DELETE FROM forget_copies", err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < NSTEPS; i++) {
		const struct forget_step *s = &forget_steps[i];
		long long *counter = forget_counter(n, s->count);

		snprintf(what, sizeof(what), "forget: %s", s->what);
		buf_reset(&sql);
		buf_printf(&sql, FORGET_ARGS "%s", s->sql);
		if (store_run(st, what, buf_str(&sql), STORE_ARGS(STORE_INT(id),
		    STORE_TEXT(email), STORE_TEXT(name), STORE_INT(now),
		    STORE_TEXT(placeholder)), err, errlen) != 0)
			goto out;
		if (counter != NULL)
			*counter += store_changes(st);
	}
	if (store_exec(st, "DROP TABLE temp.forget_mails; DROP TABLE "
	    "temp.forget_cases", err, errlen) != 0)
		goto out;
	rc = id == 0 ? 0 : person_event(st, id, PERSON_BY_ADMIN, 0,
	    "forgotten", 0, NULL, 0, now, err, errlen);
out:
	buf_free(&sql);
	return rc;
}

int
forget_copies(struct store *st, char ***ids, size_t *n, char *err,
    size_t errlen)
{
	if (store_get_texts(st, ids, n, "forget: copies", "SELECT message_id "
	    "FROM temp.forget_copies ORDER BY message_id", NULL, 0, err,
	    errlen) != 0)
		return -1;
	if (store_exec(st, "DROP TABLE temp.forget_copies", err, errlen) != 0) {
		forget_copies_free(*ids, *n);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
forget_copies_free(char **ids, size_t n)
{
	store_texts_free(ids, n);
}

int
forget_scrub_files(struct store *st, char *err, size_t errlen)
{
	struct store_stmt *s = NULL;
	int rc = -1;

	if (store_exec(st, "VACUUM", err, errlen) != 0)
		goto out;
	s = store_query(st, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0, err,
	    errlen);
	if (s == NULL)
		goto out;
	if (store_step(s) != STORE_ROW) {
		snprintf(err, errlen, "checkpoint: %s", store_errmsg(st));
		goto out;
	}
	if (store_col_int64(s, 0) != 0) {
		snprintf(err, errlen, "the write-ahead log is in use by another "
		    "process (the daemon?); stop it or run this again to empty "
		    "the log");
		goto out;
	}
	rc = 0;
out:
	store_finalize(s);
	return rc;
}
