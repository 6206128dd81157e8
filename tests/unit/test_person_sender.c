/*
 * test_person_sender.c — person_ensure_sender(): the sender of a new
 * request found or created, their stored name and address given back and
 * their address cleared of "failing", as person_ensure(), person_get()
 * and person_mark_working() did one after the other, from one read of
 * the row.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store/person_db.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char err[1024];

/* "id|name|email|failing_since|updated_at" of the person at `email`. */
#define ROW(email) "SELECT id || '|' || name || '|' || email || '|' || " \
	"coalesce(failing_since, '-') || '|' || updated_at FROM persons " \
	"WHERE email = '" email "'"

static void
test_sender(struct store *st)
{
	char name[64], email[PERSON_EMAIL_MAX], tiny[4];
	int64_t id = 0;

	is_int(person_ensure_sender(st, "<Camille@Example.ORG>",
	    "Camille\r\nVidal", 100, &id, name, sizeof(name), email,
	    sizeof(email), err, sizeof(err)), 0, "new sender: created");
	is_str(name, "Camille Vidal", "new sender: the name stored, one line");
	is_str(email, "camille@example.org", "new sender: the address "
	    "stored");
	is_str(q_text(st, ROW("camille@example.org")), "1|Camille Vidal|"
	    "camille@example.org|-|100", "new sender: the row");

	exec_ok(st, "INSERT INTO persons (id, email, name, failing_since, "
	    "created_at, updated_at) VALUES (7, 'noname@example.org', '', "
	    "50, 1, 1), (8, 'named@example.org', 'Noé Martin', NULL, 1, 1)");
	is_int(person_ensure_sender(st, "noname@example.org", "Lou",
	    200, &id, name, sizeof(name), email, sizeof(email), err,
	    sizeof(err)), 0, "known, no name, failing");
	is_int(id, 7, "... the same person");
	is_str(name, "Lou", "... the name given, now stored");
	is_str(q_text(st, ROW("noname@example.org")), "7|Lou|"
	    "noname@example.org|-|200", "... name filled in, failing cleared");

	is_int(person_ensure_sender(st, "named@example.org", "Autre",
	    300, &id, name, sizeof(name), email, sizeof(email), err,
	    sizeof(err)), 0, "known, named, working");
	is_int(id, 8, "... the same person");
	is_str(name, "Noé Martin", "... the name stored, not the one given");
	is_str(q_text(st, ROW("named@example.org")), "8|Noé Martin|"
	    "named@example.org|-|1", "... the row untouched");

	is_int(person_ensure_sender(st, "named@example.org", "named@example.org",
	    300, &id, name, sizeof(name), email, sizeof(email), err,
	    sizeof(err)), 0, "an address as name");
	is_str(name, "Noé Martin", "... is no name: the stored one");

	is_int(person_ensure_sender(st, "named@example.org", NULL, 300, &id,
	    tiny, sizeof(tiny), email, sizeof(email), err, sizeof(err)), -1,
	    "a name longer than the buffer: refused, not cut");
	like_str(err, "name longer than the buffer", "... says why");
	is_int(person_ensure_sender(st, "named@example.org", NULL, 300, &id,
	    name, sizeof(name), tiny, sizeof(tiny), err, sizeof(err)), -1,
	    "an address longer than the buffer: refused");
	is_int(person_ensure_sender(st, "nope", "X", 300, &id, name,
	    sizeof(name), email, sizeof(email), err, sizeof(err)), -1,
	    "not an address: refused");
	like_str(err, "'nope' is not a mail address", "... says why");
	is_int(q_int(st, "SELECT count(*) FROM persons"), 3, "no other row");
}

int
main(void)
{
	struct store *st = NULL;

	scratch_make("person-sender");
	if (store_open(path_in("p.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return tap_done();
	}
	test_sender(st);
	store_close(st);
	scratch_remove();
	return tap_done();
}
