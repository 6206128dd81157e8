/*
 * migrations.c — the numbered steps that bring an older database to the
 * current schema (store.c runs them, each in its own transaction).
 */
#include <stddef.h>

#include "store/migrations.h"

/*
 * Numbered migrations from one version to the next.  Version 1 is
 * schema.sql as first released.  To change the schema: add
 * { N, "ALTER TABLE ...;" } before the end marker, set
 * STORE_SCHEMA_VERSION to N, and make the same change in schema.sql so a
 * fresh database gets the current schema directly.
 */
const struct store_migration store_migrations[] = {
	/* 2: holders asked to testify, and their answers. */
	{ 2, "CREATE TABLE testimonies (\n"
	    "  case_id      INTEGER PRIMARY KEY\n"
	    "               REFERENCES cases(id) ON DELETE CASCADE,\n"
	    "  person_id    INTEGER NOT NULL\n"
	    "               REFERENCES persons(id) ON DELETE CASCADE,\n"
	    "  asked_at     INTEGER,\n"
	    "  answer       TEXT CHECK (answer IN ('yes', 'no')),\n"
	    "  answered_at  INTEGER,\n"
	    "  themes       TEXT NOT NULL DEFAULT '[]'\n"
	    "               CHECK (json_valid(themes) AND themes LIKE '[%'),\n"
	    "  commune      TEXT\n"
	    ") STRICT;\n"
	    "CREATE INDEX testimonies_person ON testimonies(person_id);\n", NULL },
	/* 3: availability of the pool's people (DISPONIBLE/INDISPONIBLE),
	 * and the retention of raw mails (purge). */
	{ 3, "ALTER TABLE persons ADD COLUMN unavailable INTEGER NOT NULL\n"
	    "  DEFAULT 0;\n"
	    "ALTER TABLE persons ADD COLUMN unavailable_until INTEGER;\n"
	    "ALTER TABLE messages ADD COLUMN purged_at INTEGER;\n", NULL },
	/* 4: indexes for a database of many years, so that no query on the
	 * way of a mail reads the whole history (see schema.sql). */
	{ 4, "CREATE INDEX events_assigned ON events\n"
	    "  (json_extract(details, '$.referent_id'), at)\n"
	    "  WHERE kind = 'assigned';\n"
	    "CREATE INDEX events_at ON events(at);\n"
	    "CREATE INDEX cases_open ON cases(referent_id)\n"
	    "  WHERE state NOT IN ('ineligible', 'closed', 'withdrawn');\n"
	    "CREATE INDEX cases_created ON cases(created_at);\n"
	    "CREATE INDEX cases_closed ON cases(closed_at)\n"
	    "  WHERE closed_at IS NOT NULL;\n"
	    "CREATE INDEX persons_failing ON persons(email)\n"
	    "  WHERE failing_since IS NOT NULL;\n"
	    "CREATE INDEX persons_charter ON persons(charter_signed_at)\n"
	    "  WHERE charter_signed_at IS NOT NULL;\n"
	    "CREATE INDEX meetings_scheduled ON meetings(starts_at)\n"
	    "  WHERE state = 'scheduled';\n"
	    "CREATE INDEX milestones_planned ON milestones(due_at)\n"
	    "  WHERE state = 'planned';\n"
	    "CREATE INDEX testimonies_yes ON testimonies(answered_at)\n"
	    "  WHERE answer = 'yes';\n"
	    "CREATE INDEX jobs_done ON jobs(kind, done_at)\n"
	    "  WHERE done_at IS NOT NULL;\n"
	    "CREATE INDEX outbox_template ON outbox(template, created_at);\n"
	    "CREATE INDEX quarantine_created ON quarantine(created_at);\n", NULL },
	/* 5: the witnesses of a new case's commune, latest first, without
	 * reading every OUI of the years (testimony_db.c). */
	{ 5, "CREATE INDEX testimonies_yes_commune ON testimonies\n"
	    "  (commune COLLATE NOCASE, answered_at) WHERE answer = 'yes';\n", NULL },
	/* 6: the mails still kept, so that the daily purge reads those
	 * rather than every ended case and its mails (retention_db.c). */
	{ 6, "CREATE INDEX messages_kept ON messages(case_id, received_at)\n"
	    "  WHERE purged_at IS NULL AND (length(raw) > 0 OR new_text IS "
	    "NOT NULL);\n"
	    "CREATE INDEX outbox_kept ON outbox(case_id)\n"
	    "  WHERE status IN ('sent', 'failed') AND length(message) > 0;\n", NULL },
	/* 7: a volunteer's load from their open memberships only, the next
	 * mails to send and when the next is due without reading the whole
	 * queue, and a person's acknowledgement or duplicate notice of the
	 * day without reading every mail of the day (schema.sql). */
	{ 7, "ALTER TABLE case_members ADD COLUMN ended INTEGER NOT NULL\n"
	    "  DEFAULT 0;\n"
	    "UPDATE case_members SET ended = 1 WHERE case_id IN (SELECT id\n"
	    "  FROM cases WHERE state IN ('ineligible', 'closed', "
	    "'withdrawn'));\n"
	    "CREATE INDEX case_members_open ON case_members(person_id)\n"
	    "  WHERE ended = 0 AND role = 'volunteer' AND status IN "
	    "('invited', 'accepted');\n"
	    "CREATE TRIGGER case_members_ended AFTER INSERT ON case_members\n"
	    "  WHEN (SELECT state FROM cases WHERE id = new.case_id)\n"
	    "    IN ('ineligible', 'closed', 'withdrawn')\n"
	    "BEGIN\n"
	    "  UPDATE case_members SET ended = 1 WHERE case_id = new.case_id\n"
	    "    AND person_id = new.person_id AND role = new.role;\n"
	    "END;\n"
	    "CREATE TRIGGER cases_ended AFTER UPDATE OF state ON cases\n"
	    "  WHEN (old.state IN ('ineligible', 'closed', 'withdrawn'))\n"
	    "    <> (new.state IN ('ineligible', 'closed', 'withdrawn'))\n"
	    "BEGIN\n"
	    "  UPDATE case_members SET ended = new.state IN ('ineligible', "
	    "'closed',\n"
	    "    'withdrawn') WHERE case_id = new.id;\n"
	    "END;\n"
	    "CREATE INDEX outbox_pending ON outbox(id)\n"
	    "  WHERE status IN ('queued', 'sending') AND message_id IS NOT "
	    "NULL;\n"
	    "CREATE INDEX outbox_wake ON outbox(CASE WHEN status = 'queued'\n"
	    "  THEN max(next_attempt_at, coalesce(hold_until, 0)) ELSE "
	    "next_attempt_at END)\n"
	    "  WHERE status IN ('queued', 'sending') AND message_id IS NOT "
	    "NULL;\n"
	    "DROP INDEX outbox_person;\n"
	    "CREATE INDEX outbox_person ON outbox(person_id, template, "
	    "created_at);\n"
	    "CREATE INDEX events_duplicate ON events\n"
	    "  (json_extract(details, '$.other_ref'))\n"
	    "  WHERE kind = 'possible_duplicate';\n", NULL },
	/* 8: no IN list of three values or more in the checks, the open
	 * cases' index and the triggers (schema.sql, schema_checks.c). */
	{ 8, "DROP INDEX cases_open;\n"
	    "CREATE INDEX cases_open ON cases(referent_id)\n"
	    "  WHERE state <> 'ineligible' AND state <> 'closed' AND state <> "
	    "'withdrawn';\n"
	    "DROP TRIGGER case_members_ended;\n"
	    "CREATE TRIGGER case_members_ended AFTER INSERT ON case_members\n"
	    "  WHEN EXISTS (SELECT 1 FROM cases WHERE id = new.case_id AND\n"
	    "    (state = 'ineligible' OR state = 'closed' OR state = "
	    "'withdrawn'))\n"
	    "BEGIN\n"
	    "  UPDATE case_members SET ended = 1 WHERE case_id = new.case_id\n"
	    "    AND person_id = new.person_id AND role = new.role;\n"
	    "END;\n"
	    "DROP TRIGGER cases_ended;\n"
	    "CREATE TRIGGER cases_ended AFTER UPDATE OF state ON cases\n"
	    "  WHEN (old.state = 'ineligible' OR old.state = 'closed' OR\n"
	    "    old.state = 'withdrawn') <> (new.state = 'ineligible' OR\n"
	    "    new.state = 'closed' OR new.state = 'withdrawn')\n"
	    "BEGIN\n"
	    "  UPDATE case_members SET ended = (new.state = 'ineligible' OR\n"
	    "    new.state = 'closed' OR new.state = 'withdrawn') WHERE "
	    "case_id = new.id;\n"
	    "END;\n", store_checks_as_or },
	/* 9: fewer index entries written for each mail: no index nothing
	 * reads (events by actor or mail, the outbox by template alone,
	 * cases by referent or contact), and none of a column left NULL on
	 * many rows (schema.sql). */
	{ 9, "DROP INDEX events_actor;\n"
	    "DROP INDEX events_msg;\n"
	    "DROP INDEX outbox_template;\n"
	    "DROP INDEX cases_referent;\n"
	    "DROP INDEX cases_contact;\n"
	    "DROP INDEX messages_case;\n"
	    "CREATE INDEX messages_case ON messages(case_id, received_at)\n"
	    "  WHERE case_id IS NOT NULL;\n"
	    "DROP INDEX messages_person;\n"
	    "CREATE INDEX messages_person ON messages(person_id)\n"
	    "  WHERE person_id IS NOT NULL;\n", NULL },
	/* 10: the mailbox copies of purged mails, until the daemon has
	 * deleted them. */
	{ 10, "CREATE TABLE mailbox_erase (\n"
	    "  message_id        TEXT PRIMARY KEY,\n"
	    "  queued_at         INTEGER NOT NULL\n"
	    ") STRICT, WITHOUT ROWID;\n"
	    "CREATE INDEX mailbox_erase_queued ON mailbox_erase(queued_at);\n",
	    NULL },
	{ 0, NULL, NULL }	/* end marker (C has no empty arrays) */
};
const size_t store_n_migrations =
    sizeof(store_migrations) / sizeof(store_migrations[0]) - 1;
