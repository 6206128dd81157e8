/*
 * test_rgpd.c — erasure and retention on a small database (store/
 * forget_db, store/retention_db), for the rows the integration test does
 * not reach: a mail to the person still queued (failed, not sent; the
 * other recipient kept), an event naming them in another person's case
 * (only its non-text fields stay), a digest naming their case (blanked), a
 * quarantined mail (deleted), an address never known (its traces only),
 * and the referent of an open case (refused, nothing changed).  Retention
 * takes closed, ineligible and withdrawn cases once past the delay, mail
 * of no case and quarantine by age, never a queued mail, and counts
 * nothing twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/forget_db.h"
#include "store/retention_db.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static struct store *st;

static const char setup[] =
"INSERT INTO persons (id, email, name, created_at, updated_at) VALUES"
" (1, 'camille@example.org', 'Camille Unique-Nom', 0, 0),"
" (2, 'referent@example.org', 'Romane Référente', 0, 0),"
" (3, 'other@example.org', 'Alix Autre', 0, 0);"
"INSERT INTO person_roles (person_id, role, since) VALUES (1, 'holder', 0);"
"INSERT INTO cases (id, ref, year, seq, kind, state, state_since,"
" holder_id, referent_id, themes, commune, subject, reason, created_at,"
" updated_at, last_activity_at, closed_at) VALUES"
" (10, 'CDP-2026-0010', 2026, 10, 'request', 'closed', 0, 1, 2,"
"  '[\"eau\"]', 'Ambert', 'Jardin', 'Bravo', 0, 0, 0, 1000),"
" (11, 'CDP-2026-0011', 2026, 11, 'request', 'analysis', 0, 3, 2, '[]',"
"  NULL, 'Four', NULL, 0, 0, 0, NULL),"
" (12, 'CDP-2026-0012', 2026, 12, 'request', 'ineligible', 0, 3, 2, '[]',"
"  NULL, 'Loin', 'hors Parc', 0, 0, 0, 1000),"
" (13, 'CDP-2026-0013', 2026, 13, 'request', 'withdrawn', 0, 3, 2, '[]',"
"  NULL, 'Plus tard', NULL, 0, 0, 0, 5000);"
"INSERT INTO messages (id, direction, case_id, person_id, message_id,"
" subject, from_name, from_address, content_hash, raw, new_text,"
" received_at) VALUES"
" (1, 'in', 10, 1, 'm1', 'Jardin', 'Camille Unique-Nom',"
"  'camille@example.org', printf('%064d', 1), CAST('Bonjour' AS BLOB),"
"  'Bonjour', 100),"
" (2, 'in', 11, 3, 'm2', 'Four', 'Alix Autre', 'other@example.org',"
"  printf('%064d', 2), CAST('Vu avec Camille Unique-Nom.' AS BLOB), NULL,"
"  100),"
" (3, 'in', 11, 3, 'm3', 'Four', 'Alix Autre', 'other@example.org',"
"  printf('%064d', 3), CAST('Rien' AS BLOB), 'Rien', 100),"
" (4, 'in', NULL, 3, 'm4', 'Absence', '', 'other@example.org',"
"  printf('%064d', 4), CAST('Absent' AS BLOB), NULL, 500),"
" (5, 'in', 12, 3, 'm5', 'Loin', '', 'other@example.org',"
"  printf('%064d', 5), CAST('Loin' AS BLOB), 'Loin', 100),"
" (6, 'in', 13, 3, 'm6', 'Plus tard', '', 'other@example.org',"
"  printf('%064d', 6), CAST('Tard' AS BLOB), NULL, 100);"
"INSERT INTO outbox (id, case_id, person_id, sender, recipients,"
" message_id, message, status, next_attempt_at, created_at, sent_at)"
" VALUES"
" (1, 11, 3, 'cdp@example.org',"
"  '[\"camille@example.org\",\"other@example.org\"]', 'o1',"
"  CAST('To: camille' AS BLOB), 'queued', 0, 100, NULL),"
" (2, 12, 3, 'cdp@example.org', '[\"other@example.org\"]', 'o2',"
"  CAST('Non' AS BLOB), 'sent', 0, 100, 100),"
" (3, 11, 3, 'cdp@example.org', '[\"other@example.org\"]', 'o3',"
"  CAST('Encore' AS BLOB), 'queued', 0, 100, NULL),"
" (4, NULL, NULL, 'cdp@example.org', '[\"coord@example.org\"]', 'o4',"
"  CAST('Digest: CDP-2026-0010 closed' AS BLOB), 'sent', 0, 600, 600),"
" (5, 12, 3, 'cdp@example.org', '[\"other@example.org\"]', 'o5',"
"  CAST('Attente' AS BLOB), 'queued', 0, 100, NULL);"
"INSERT INTO events (id, case_id, at, actor_id, kind, details) VALUES"
" (1, 11, 0, NULL, 'mail_in',"
"  '{\"from\":\"camille@example.org\",\"kind\":\"request\",\"note\":\"hi\"}'),"
" (2, 11, 0, 3, 'note', '{\"note\":\"x\"}');"
"INSERT INTO quarantine (id, raw, content_hash, reason, created_at) VALUES"
" (1, CAST('From: camille@example.org' AS BLOB), printf('%064d', 7),"
"  'bad', 100),"
" (2, CAST('From: x@example.org' AS BLOB), printf('%064d', 8), 'bad', 100);"
"INSERT INTO rate (address, day, count) VALUES"
" ('camille@example.org', '2026-09-07', 2),"
" ('other@example.org', '2026-09-07', 1);"
"INSERT INTO jobs (id, kind, person_id, due_at, created_at) VALUES"
" (1, 'testimony', 1, 9000, 0);";

static void
test_forget(void)
{
	struct forget_counts n;
	char err[512] = "", *refs = NULL;

	is_int(forget_person(st, 2, "referent@example.org", 7000, &n, &refs,
	    err, sizeof(err)), 1, "the referent of an open case is refused");
	is_str(refs, "CDP-2026-0011", "  and the case named");
	free(refs);
	is_str(q_text(st, "SELECT email || name FROM persons WHERE id = 2"),
	    "referent@example.orgRomane Référente", "  nothing changed");

	is_int(forget_person(st, 1, "camille@example.org", 7000, &n, &refs,
	    err, sizeof(err)), 0, "Camille forgotten");
	if (err[0])
		printf("# %s\n", err);
	is_int(n.received, 2, "their mail and the one naming them blanked");
	is_int(n.sent, 2, "the mail to them and the digest naming their case");
	is_int(n.events, 1, "the event naming them cleaned");
	is_int(n.quarantine, 1, "the quarantined mail deleted");
	is_int(n.cases, 1, "their case emptied");
	is_str(q_text(st, "SELECT email || '|' || name || '|' || active || '|' "
	    "|| forgotten_at FROM persons WHERE id = 1"),
	    "forgotten-1@invalid||0|7000", "the row stays, blanked");
	is_int(q_int(st, "SELECT count(*) FROM person_roles WHERE person_id = "
	    "1"), 0, "roles gone");
	is_str(q_text(st, "SELECT subject || '|' || coalesce(reason, '-') || "
	    "'|' || state || '|' || themes || '|' || commune FROM cases WHERE "
	    "id = 10"), "|-|closed|[\"eau\"]|Ambert",
	    "their case keeps state, themes and commune");
	is_str(q_text(st, "SELECT group_concat(id || ':' || length(raw) || ':' "
	    "|| subject || ':' || from_address, ' ') FROM messages"),
	    "1:0:: 2:0:Four:other@example.org 3:4:Four:other@example.org "
	    "4:6:Absence:other@example.org 5:4:Loin:other@example.org "
	    "6:4:Plus tard:other@example.org",
	    "their mail blanked with its sender; another's naming them blanked, "
	    "its sender and subject kept");
	is_str(q_text(st, "SELECT group_concat(id || ':' || length(message) || "
	    "':' || status || ':' || recipients || ':' || coalesce(last_error, "
	    "'-'), ' ') FROM outbox"),
	    "1:0:failed:[\"forgotten-1@invalid\",\"other@example.org\"]:erased "
	    "(RGPD) 2:3:sent:[\"other@example.org\"]:- "
	    "3:6:queued:[\"other@example.org\"]:- "
	    "4:0:sent:[\"coord@example.org\"]:- "
	    "5:7:queued:[\"other@example.org\"]:-",
	    "the queued mail to them failed, their address replaced");
	is_str(q_text(st, "SELECT group_concat(details, ' ') FROM events WHERE "
	    "id IN (1, 2)"), "{\"kind\":\"request\"} {\"note\":\"x\"}",
	    "the event keeps its non-text fields; another's note untouched");
	is_str(q_text(st, "SELECT group_concat(id) FROM quarantine"), "2",
	    "the quarantined mail with their address deleted");
	is_str(q_text(st, "SELECT group_concat(address) FROM rate"),
	    "other@example.org", "their rate rows deleted");
	is_int(q_int(st, "SELECT done_at FROM jobs WHERE id = 1"), 7000,
	    "their job closed");
	is_str(q_text(st, "SELECT details FROM events WHERE kind = "
	    "'forgotten'"), "{\"person_id\":\"1\",\"by\":\"admin\"}",
	    "the audit event names no one");

	is_int(forget_person(st, 0, "camille@example.org", 7100, &n, &refs,
	    err, sizeof(err)), 0, "again, by the address alone");
	is_int(n.received + n.sent + n.events + n.quarantine + n.cases, 0,
	    "  nothing left to erase");
}

static void
test_retention(void)
{
	struct retention_plan p;
	char err[512] = "";
	long long n = -1;
	char **ids = NULL;
	size_t nids = 0;

	/* Copies in the mailbox: the sent mail was copied into the sent
	 * folder, the quarantined one has a Message-ID, and a mail of the
	 * open case 11 has the same Message-ID as the old mail of no case. */
	exec_ok(st, "UPDATE outbox SET copied_at = 150 WHERE id = 2;"
	    "UPDATE quarantine SET message_id = 'q2' WHERE id = 2;"
	    "INSERT INTO messages (id, direction, case_id, person_id, "
	    "message_id, subject, content_hash, raw, received_at) VALUES "
	    "(7, 'in', 11, 3, 'm4', 'Absence', printf('%064d', 9), "
	    "CAST('Absent aussi' AS BLOB), 500);");
	is_int(retention_scan(st, 2000, &p, err, sizeof(err)), 0, "scan");
	is_int((long long)p.ncases, 1, "one case: the ineligible one");
	if (p.ncases == 1) {
		is_str(p.cases[0].ref, "CDP-2026-0012", "  its reference");
		is_int(p.cases[0].received, 1, "  one mail received");
		is_int(p.cases[0].sent, 1, "  one sent, not the queued one");
	}
	is_int(p.nocase_received, 1, "the old mail of no case");
	is_int(p.nocase_sent, 0, "the digest was already blanked");
	is_int(p.quarantine, 1, "the old quarantined mail");
	is_int(p.total, 4, "four mails in all");
	retention_plan_free(&p);
	is_int(retention_purge(st, 2000, 8000, &n, err, sizeof(err)), 0,
	    "purge");
	if (*err)
		printf("# %s\n", err);
	is_int(n, 4, "  four mails purged");
	is_str(q_text(st, "SELECT group_concat(id || ':' || length(raw) || ':' "
	    "|| coalesce(purged_at, '-') || ':' || subject, ' ') FROM messages "
	    "WHERE id IN (4, 5, 6)"), "4:0:8000:Absence 5:0:8000:Loin "
	    "6:4:-:Plus tard", "blanked and marked, subjects kept; the case "
	    "withdrawn later kept");
	is_int(q_int(st, "SELECT length(message) FROM outbox WHERE id = 5"), 7,
	    "a queued mail is kept");
	is_int(q_int(st, "SELECT length(raw) FROM quarantine WHERE id = 2"), 0,
	    "the quarantined mail blanked, its row kept");
	is_str(q_text(st, "SELECT group_concat(message_id || ':' || queued_at, "
	    "' ') FROM mailbox_erase"), "m5:8000 o2:8000 q2:8000",
	    "the copies queued: not the one of a mail still kept");
	is_int(retention_erase_next(st, 2, &ids, &nids, err, sizeof(err)), 0,
	    "the first two to erase");
	is_int((long long)nids, 2, "  two");
	if (nids == 2) {
		is_str(ids[0], "m5", "  oldest first, then by Message-ID");
		is_str(ids[1], "o2", "  and the next");
		is_int(retention_erase_done(st, ids, nids, err, sizeof(err)),
		    0, "  erased");
	}
	store_texts_free(ids, nids);
	is_str(q_text(st, "SELECT group_concat(message_id) FROM "
	    "mailbox_erase"), "q2", "  off the queue, the rest left");
	is_int(retention_scan(st, 6000, &p, err, sizeof(err)), 0, "later scan");
	is_int(p.total, 1, "then the withdrawn case's mail, alone");
	retention_plan_free(&p);
	is_int(retention_purge(st, 2000, 8100, &n, err, sizeof(err)), 0,
	    "purge again at the first cutoff");
	is_int(n, 0, "  nothing counted twice");
	is_str(q_text(st, "SELECT group_concat(message_id) FROM "
	    "mailbox_erase"), "q2", "  nor queued again");
}

int
main(void)
{
	char err[512];

	if (store_open(":memory:", &st, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		return 1;
	}
	exec_ok(st, setup);
	test_forget();
	test_retention();
	store_close(st);
	return tap_done();
}
