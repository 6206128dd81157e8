/*
 * test_people.c — the people file and the persons tables: CSV as
 * spreadsheets write it (quotes, BOM, CRLF, empty rows), every bad line
 * reported as "path:line: column: problem", duplicates naming both lines;
 * syncing (adds and updates only: nothing removed or deactivated because
 * the file dropped it, every change an event by the file), the
 * differences between file and database, import (events by the admin),
 * export and its round trip, the reload watch (the same bytes never
 * applied twice), person_db.h's lookups, bounces, forgotten persons,
 * events and deactivation, and person_change.h, on an SQLite file.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/people_file.h"
#include "base/buf.h"
#include "store/people_diff.h"
#include "store/people_export.h"
#include "store/people_import.h"
#include "store/person_change.h"
#include "store/person_db.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

static char err[8192];

/* Writes the file, then sets its mtime to `mtime` seconds, so the reload
 * watch sees a change however fast the test runs. */
static void
write_bytes_at(const char *path, const char *data, size_t len, long mtime)
{
	write_bytes(path, data, len);
	set_mtime(path, mtime);
}

static void
write_file_at(const char *path, const char *text, long mtime)
{
	write_bytes_at(path, text, strlen(text), mtime);
}

/* "role:source,..." of a person, by address. */
#define ROLES_OF(email) \
	"SELECT group_concat(role || ':' || source, ',') FROM (SELECT " \
	"r.role, r.source FROM person_roles r JOIN persons p ON p.id = " \
	"r.person_id WHERE p.email = '" email "' ORDER BY r.role)"

static void
test_normalize(void)
{
	char out[PERSON_EMAIL_MAX];

	is_int(person_normalize_email("  <Jean.Dupont@Example.ORG> ", out,
	    sizeof(out)), 0, "normalize: brackets and blanks");
	is_str(out, "jean.dupont@example.org", "normalize: lower case");
	is_int(person_normalize_email("Jean Dupont", out, sizeof(out)), -1,
	    "normalize: not an address");
	is_str(out, "", "normalize: out emptied on failure");
	is_int(person_normalize_email("a@b@c.org", out, sizeof(out)), -1,
	    "normalize: two @ refused");
	is_int(person_normalize_email("forgotten-3@invalid", out,
	    sizeof(out)), -1, "normalize: .invalid refused (forgotten)");
	is_int(person_normalize_email("x@mail.invalid", out, sizeof(out)), -1,
	    "normalize: subdomain of .invalid refused");
	is_int(person_normalize_email("x@invalid.org", out, sizeof(out)), 0,
	    "normalize: invalid.org is a domain like another");
	is_int(person_normalize_email("a@b.org", out, 5), -1,
	    "normalize: too small a buffer is refused, not cut");
	is_int(person_normalize_email(NULL, out, sizeof(out)), -1,
	    "normalize: NULL");
}

/* The shipped example's commented rows, uncommented, must be a valid
 * file: an administrator starts from them. */
static void
test_example_rows(void)
{
	FILE *in = fopen("config/people.csv", "r");
	FILE *out = fopen(path_in("example.csv"), "w");
	struct people_list l;
	char line[512];

	if (in == NULL || out == NULL) {
		ok(0, "example: files open");
		goto out;
	}
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line[0] == '#' && line[1] >= 'a' && line[1] <= 'z' ?
		    line + 1 : line, out);
	fclose(out);
	out = NULL;
	is_int(people_read(path_in("example.csv"), &l, err, sizeof(err)), 0,
	    "example rows, uncommented, parse");
	ok(l.n >= 3, "example rows: several people");
	people_list_free(&l);
out:
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

static void
test_parse(void)
{
	const char *p = path_in("ok.csv");
	struct people_list l;
	struct people_entry *e;

	/* BOM, CRLF, comment, blank and empty rows, header in another
	 * order and letter case, quotes with comma, "" and blanks around. */
	write_file_at(p, "\xef\xbb\xbf# the network\r\n"
	    "\r\n"
	    " Email , roles,name,themes,communes,max_open_cases,active\r\n"
	    "Claire.Martin@Example.org,referent;Volunteer;referent,"
	    "\"Martin, Claire\",energie;habitat;energie,"
	    "Ambert; Saint-Amant-Roche-Savine ;,5,oui\r\n"
	    ",,,,,,\r\n"
	    "# paul is on holiday\r\n"
	    "paul@example.org,coordinator, \"Paul \"\"Jo\"\" Roux\" ,,,,non\r\n"
	    "nadia@example.org\n", 1000);
	is_int(people_read(p, &l, err, sizeof(err)), 0, "parse: file read");
	if (l.n != 3) {
		is_int(l.n, 3, "parse: three people");
		printf("#   %s\n", err);
		people_list_free(&l);
		return;
	}
	e = &l.items[0];
	is_str(e->email, "claire.martin@example.org", "parse: email lowered");
	is_str(e->name, "Martin, Claire", "parse: quoted comma");
	is_str(e->roles_json, "[\"referent\",\"volunteer\"]",
	    "parse: roles canonical, repeats dropped");
	is_int(e->roles, PEOPLE_ROLE_REFERENT | PEOPLE_ROLE_VOLUNTEER,
	    "parse: role bits");
	is_str(e->themes_json, "[\"energie\",\"habitat\"]",
	    "parse: themes, repeat dropped");
	is_str(e->communes_json, "[\"Ambert\",\"Saint-Amant-Roche-Savine\"]",
	    "parse: communes trimmed, empty item skipped");
	is_int(e->max_open_cases, 5, "parse: max_open_cases");
	is_int(e->active, 1, "parse: oui is active");
	is_int(e->line, 4, "parse: line counted past BOM, comment, blank");
	e = &l.items[1];
	is_str(e->name, "Paul \"Jo\" Roux", "parse: \"\" escape, blanks "
	    "around quotes");
	is_str(e->themes_json, "[]", "parse: empty list");
	is_int(e->max_open_cases, 0, "parse: empty max is the default");
	is_int(e->active, 0, "parse: non is inactive");
	is_int(e->line, 7, "parse: line after empty row and comment");
	e = &l.items[2];
	is_str(e->email, "nadia@example.org", "parse: short row, LF ending");
	is_int(e->active, 1, "parse: missing active cell is 1");
	ok((e->given & PEOPLE_THEMES) && e->roles == 0,
	    "parse: short row gives its columns empty");
	people_list_free(&l);
	is_int(l.n, 0, "parse: list freed and emptied");

	is_int(people_read(path_in("missing.csv"), &l, err, sizeof(err)), 0,
	    "missing file is not an error");
	is_int(l.n, 0, "missing file: nobody");

	is_int(people_read("config/people.csv", &l, err, sizeof(err)), 0,
	    "shipped example parses");
	is_int(l.n, 0, "shipped example routes to nobody (rows commented)");
	people_list_free(&l);
	test_example_rows();
}

/* people_read must fail on `text`, with `want` among the messages. */
static void
bad(const char *text, const char *want, const char *name)
{
	const char *p = path_in("bad.csv");
	struct people_list l;
	char full[1024];

	write_file_at(p, text, 1000);
	err[0] = '\0';
	is_int(people_read(p, &l, err, sizeof(err)), -1, name);
	snprintf(full, sizeof(full), "%s:%s", p, want);
	like_str(err, full, name);
	is_int(l.n, 0, "bad file gives nobody");
	people_list_free(&l);
}

static void
test_bad(void)
{
	const char *p = path_in("bad.csv");
	struct people_list l;
	char want[600];

	bad("email,name,phone\n", "1: phone: unknown column",
	    "header: unknown column");
	bad("email;name;roles\na@x.org;A;referent\n", "1: email;name;roles: "
	    "unknown column; columns are separated by commas, not ';'",
	    "header: French spreadsheet separator explained");
	bad("\"email,name\nx@x.org,referent\n", "1: field 1: quoted field "
	    "not closed", "header: syntax error stops the reading");
	ok(strstr(err, ":2:") == NULL, "header: no line read without it");
	bad("name,roles\nx,referent\n", "1: email: required column missing",
	    "header: email required");
	bad("email,name,Name\n", "1: name: column named twice",
	    "header: column twice");
	bad("email,roles\na@x.org,referant\n", "2: roles: 'referant' is not "
	    "a role", "roles: misspelt role");
	bad("email,roles\na@x.org,holder\n", "2: roles: 'holder' is not a "
	    "role", "roles: holder is not the file's");
	bad("email,themes\na@x.org,Énergie\n", "2: themes: 'Énergie' is not "
	    "a theme identifier", "themes: identifier syntax");
	bad("email,max_open_cases\na@x.org,0\n", "2: max_open_cases: '0' is "
	    "not a number", "max_open_cases: zero");
	bad("email,max_open_cases\na@x.org,3.5\n", "2: max_open_cases: '3.5'",
	    "max_open_cases: not whole");
	bad("email,active\na@x.org,peut-être\n", "2: active: 'peut-être' is "
	    "not 1/0", "active: unknown word");
	bad("email\nnot-an-address\n", "2: email: 'not-an-address' is not a "
	    "mail address", "email: bad address");
	bad("email,name\n,Jean\n", "2: email: missing", "email: empty");
	bad("email,name\na@x.org,\"Jean\nDupont\"\n", "2: name: control "
	    "character", "name: line break in a quoted field");
	bad("email,name\na@x.org,Jean\xe9\n", "2: name: not valid UTF-8",
	    "name: Latin-1 byte");
	bad("email,name\na@x.org,\"Jean\n", "2: name: quoted field not "
	    "closed", "quote not closed");
	bad("email,name\na@x.org,\"Jean\"x\n", "2: name: text after the "
	    "closing quote", "text after closing quote");
	bad("email,name\na@x.org,Jean \"Jo\"\n", "2: name: quote inside an "
	    "unquoted field", "quote in unquoted field");
	bad("email,name\na@x.org,Jean,extra\n", "2: field 3: no column for "
	    "this value (the header names 2)", "too many fields");
	bad("email\nA@x.org\nb@x.org\n# c\na@X.ORG\n", "5: email: a@x.org is "
	    "already on line 2", "duplicate address names both lines");

	write_bytes_at(p, "email,name\0\n", 12, 1000);
	is_int(people_read(p, &l, err, sizeof(err)), -1, "NUL byte refused");
	like_str(err, "contains a NUL byte", "NUL byte: says so");

	/* Every bad line is reported, good lines between them too are
	 * dropped, and lines after a syntax error are still read. */
	write_file_at(p, "email,roles,active\r\n"
	    "a@x.org,referent,1\r\n"
	    "b@x.org,boss,1\r\n"
	    "c@x.org,\"referent\"x,1\r\n"
	    "d@x.org,volunteer,maybe\r\n", 1000);
	is_int(people_read(p, &l, err, sizeof(err)), -1,
	    "several bad lines: refused");
	snprintf(want, sizeof(want), "%s:3: roles: 'boss' is not a role "
	    "(referent, volunteer or coordinator)\n%s:4: roles: text after "
	    "the closing quote (write \"\" for a quote inside a quoted "
	    "field)\n%s:5: active: 'maybe' is not 1/0, oui/non, yes/no or "
	    "true/false", p, p, p);
	is_str(err, want, "several bad lines: each on its line, in order");
	is_int(l.n, 0, "several bad lines: nobody");

	/* Trailing empty header cells (unused spreadsheet columns). */
	write_file_at(p, "email,name,,\na@x.org,A,,\n", 1000);
	is_int(people_read(p, &l, err, sizeof(err)), 0,
	    "trailing empty columns tolerated");
	is_int(l.n, 1, "trailing empty columns: one person");
	people_list_free(&l);

	/* err is cut at errlen, never overrun. */
	write_file_at(p, "email\nx\ny\nz\n", 1000);
	memset(want, 'Z', sizeof(want));
	is_int(people_read(p, &l, want, 20), -1, "short err buffer: fails");
	is_int(strlen(want), 19, "short err buffer: cut, terminated");
	is_int(want[20], 'Z', "short err buffer: nothing written past it");
}

static void
test_entry_set(void)
{
	struct people_entry e;

	memset(&e, 0, sizeof(e));
	is_int(people_entry_set(&e, "phone", "1", err, sizeof(err)), -1,
	    "entry_set: unknown column");
	is_str(err, "phone: unknown column", "entry_set: says which");
	is_int(people_entry_set(&e, "themes", "eau;energie", err,
	    sizeof(err)), 0, "entry_set: themes");
	is_int(people_entry_set(&e, "themes", "eau;Energie", err,
	    sizeof(err)), -1, "entry_set: a bad value...");
	is_str(e.themes_json, "[\"eau\",\"energie\"]",
	    "...leaves the entry unchanged");
	is_int(e.given, PEOPLE_THEMES, "entry_set: given bits");
	is_int(people_entry_set(&e, "communes", "Le \"Bourg\"\\Haut", err,
	    sizeof(err)), 0, "entry_set: commune with quote and backslash");
	is_str(e.communes_json, "[\"Le \\\"Bourg\\\"\\\\Haut\"]",
	    "entry_set: JSON escaped");
	people_entry_clear(&e);
	ok(e.themes_json == NULL && e.given == 0, "entry_clear zeroes");
}

static struct store *
open_store(const char *name)
{
	struct store *st = NULL;

	if (store_open(path_in(name), &st, err, sizeof(err)) != 0) {
		printf("#   %s\n", err);
		return NULL;
	}
	return st;
}

static void
test_person(void)
{
	struct store *st = open_store("person.db");
	char name[64], email[PERSON_EMAIL_MAX], tiny[4];
	int64_t id = 0, id2 = 0, bid = -1;

	ok(st != NULL, "person: store opens");
	if (st == NULL)
		return;
	is_int(person_find(st, "a@x.org", &id, err, sizeof(err)), 0,
	    "find: unknown");
	is_int(person_ensure(st, "<A@X.org>", NULL, 100, &id, err,
	    sizeof(err)), 0, "ensure: creates");
	ok(id > 0, "ensure: id set");
	is_int(person_find(st, "a@X.ORG", &id2, err, sizeof(err)), 1,
	    "find: any letter case");
	is_int(id2, id, "find: same person");
	is_int(person_find(st, "not an address", &id2, err, sizeof(err)), 0,
	    "find: not an address is simply unknown");
	is_int(person_ensure(st, "a@x.org", "a@x.org", 101, &id2, err,
	    sizeof(err)), 0, "ensure: the address as name");
	is_str(q_text(st, "SELECT name FROM persons"), "",
	    "ensure: an address is no name");
	is_int(person_ensure(st, "a@x.org", "Anne\r\nBcc: evil@x.org", 101,
	    &id2, err, sizeof(err)), 0, "ensure: existing");
	is_int(id2, id, "ensure: no second row");
	is_str(q_text(st, "SELECT name FROM persons"), "Anne Bcc: evil@x.org",
	    "ensure: empty name filled, on one line");
	person_ensure(st, "a@x.org", "Other", 102, &id2, err, sizeof(err));
	is_str(q_text(st, "SELECT name FROM persons"), "Anne Bcc: evil@x.org",
	    "ensure: a known name is kept");
	is_int(person_ensure(st, "nope", "X", 100, &id2, err, sizeof(err)), -1,
	    "ensure: bad address refused");
	like_str(err, "'nope' is not a mail address", "ensure: says why");

	is_int(person_has_role(st, id, "referent", err, sizeof(err)), 0,
	    "has_role: not yet");
	is_int(person_add_role(st, id, "referent", PERSON_SRC_DB, 100, err,
	    sizeof(err)), 0, "add_role: db");
	is_int(store_changes(st), 1, "add_role: a change");
	is_int(person_has_role(st, id, "referent", err, sizeof(err)), 1,
	    "has_role: now");
	person_add_role(st, id, "referent", PERSON_SRC_DB, 200, err,
	    sizeof(err));
	is_int(store_changes(st), 0, "add_role again: no change");
	person_add_role(st, id, "referent", PERSON_SRC_FILE, 200, err,
	    sizeof(err));
	is_int(store_changes(st), 1, "add_role from the file: a change");
	person_add_role(st, id, "referent", PERSON_SRC_DB, 300, err,
	    sizeof(err));
	is_str(q_text(st, ROLES_OF("a@x.org")), "referent:file",
	    "add_role: a file role stays the file's when given by mail");
	is_int(q_int(st, "SELECT since FROM person_roles"), 100,
	    "add_role: since kept");
	is_int(person_add_role(st, id, "boss", PERSON_SRC_DB, 1, err,
	    sizeof(err)), -1, "add_role: unknown role refused");

	is_int(person_mark_bounce(st, "zz@x.org", "5.1.1", 500, &bid, err,
	    sizeof(err)), 0, "bounce: unknown address is fine");
	is_int(bid, 0, "bounce: unknown gives id 0");
	is_int(person_mark_bounce(st, "A@x.org", "5.1.1", 500, &bid, err,
	    sizeof(err)), 0, "bounce: recorded");
	is_int(bid, id, "bounce: the person");
	person_mark_bounce(st, "a@x.org", "5.2.2", 600, &bid, err,
	    sizeof(err));
	is_str(q_text(st, "SELECT failing_since || ' ' || last_bounce_at || "
	    "' ' || last_bounce_status FROM persons"), "500 600 5.2.2",
	    "bounce: first failure kept, last bounce updated");
	is_int(person_mark_working(st, id, 700, err, sizeof(err)), 0,
	    "working: recorded");
	is_str(q_text(st, "SELECT coalesce(failing_since, 'none') || ' ' || "
	    "last_bounce_status FROM persons"), "none 5.2.2",
	    "working: failing cleared, history kept");

	is_int(person_get(st, id, name, sizeof(name), email, sizeof(email),
	    err, sizeof(err)), 0, "get: ok");
	is_str(email, "a@x.org", "get: address");
	is_int(person_get(st, id, name, sizeof(name), tiny, sizeof(tiny),
	    err, sizeof(err)), -1, "get: an address that does not fit fails");
	is_int(person_get(st, 9999, name, sizeof(name), email, sizeof(email),
	    err, sizeof(err)), 0, "get: unknown id");
	is_str(email, "", "get: unknown id gives \"\"");

	/* Forgotten (RGPD): the address is blanked, nothing matches it. */
	store_exec(st, "UPDATE persons SET email = 'forgotten-' || id || "
	    "'@invalid', forgotten_at = 1", err, sizeof(err));
	snprintf(email, sizeof(email), "forgotten-%lld@invalid",
	    (long long)id);
	is_int(person_find(st, email, &id2, err, sizeof(err)), 0,
	    "forgotten: never found");
	is_int(person_find(st, "a@x.org", &id2, err, sizeof(err)), 0,
	    "forgotten: old address unknown");
	is_int(person_ensure(st, email, NULL, 1, &id2, err, sizeof(err)), -1,
	    "forgotten: its address cannot be taken");
	store_close(st);
}

/* Reads `text` as the people file and syncs it in a transaction. */
static int
sync_text(struct store *st, const char *text, long long now,
    struct people_sync_stats *stats)
{
	const char *p = path_in("sync.csv");
	struct people_list l;
	int rc = -1;

	write_file_at(p, text, 1000);
	if (people_read(p, &l, err, sizeof(err)) != 0) {
		printf("#   %s\n", err);
		return -1;
	}
	if (store_begin(st, err, sizeof(err)) == 0 &&
	    people_sync(st, &l, now, stats, err, sizeof(err)) == 0 &&
	    store_commit(st, err, sizeof(err)) == 0)
		rc = 0;
	else {
		printf("#   %s\n", err);
		store_rollback(st, err, sizeof(err));
	}
	people_list_free(&l);
	return rc;
}

/* The person events written at `at`, "kind:fields-or-role:by" each,
 * ','-joined in order. */
#define EVENTS_AT(at) \
	"SELECT group_concat(e, ',') FROM (SELECT kind || ':' || " \
	"coalesce(json_extract(details, '$.fields'), json_extract(details, " \
	"'$.role'), '') || ':' || json_extract(details, '$.by') || ':' || " \
	"(SELECT email FROM persons WHERE id = json_extract(details, " \
	"'$.person_id')) AS e FROM events WHERE case_id IS NULL AND at = " #at \
	" AND kind <> 'people_file' ORDER BY id)"

/* A case with `ref` in `state` whose referent is `email`. */
static void
add_case(struct store *st, const char *ref, int seq, const char *state,
    const char *email)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO cases (ref, year, seq, kind, "
	    "state, state_since, referent_id, created_at, updated_at, "
	    "last_activity_at) SELECT '%s', 2026, %d, 'request', '%s', 1, id, "
	    "1, 1, 1 FROM persons WHERE email = '%s'", ref, seq, state, email);
	if (store_exec(st, sql, err, sizeof(err)) != 0)
		printf("#   %s\n", err);
}

/* The differences between `text` read as a people file and the
 * database, one people_diff_text() line each. */
static const char *
diff_text(struct store *st, const char *text)
{
	static char out[sizeof(err) + 16];
	const char *p = path_in("diff.csv");
	struct people_list l;
	struct people_diffs d;
	struct buf b;

	write_file_at(p, text, 1000);
	buf_init(&b, 0);
	if (people_read(p, &l, err, sizeof(err)) != 0 ||
	    people_diff(st, &l, &d, err, sizeof(err)) != 0) {
		snprintf(out, sizeof(out), "(error: %s)", err);
		people_list_free(&l);
		return out;
	}
	for (size_t i = 0; i < d.n; i++) {
		if (i)
			buf_addc(&b, '\n');
		people_diff_text(&d.items[i], "f.csv", &b);
	}
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_free(&b);
	people_diffs_free(&d);
	people_list_free(&l);
	return out;
}

static void
test_sync(void)
{
	struct store *st = open_store("sync.db");
	struct people_sync_stats s;
	int64_t id;

	memset(&s, 0, sizeof(s));
	ok(st != NULL, "sync: store opens");
	if (st == NULL)
		return;
	/* Before the file: a volunteer accepted by mail, and a referent
	 * entered with `person add` whom the file will list too. */
	person_ensure(st, "anne@x.org", "Anne (mail)", 10, &id, err,
	    sizeof(err));
	person_add_role(st, id, "volunteer", PERSON_SRC_DB, 10, err,
	    sizeof(err));
	store_exec(st, "UPDATE persons SET themes = '[\"eau\"]'", err,
	    sizeof(err));
	person_ensure(st, "carl@x.org", NULL, 10, &id, err, sizeof(err));
	person_add_role(st, id, "referent", PERSON_SRC_DB, 10, err,
	    sizeof(err));

	is_int(sync_text(st, "email,name,roles,communes,max_open_cases\n"
	    "anne@x.org,Anne,referent,Ambert,3\n"
	    "bob@x.org,Bob,volunteer;coordinator,,\n"
	    "carl@x.org,,referent,,\n", 100, &s), 0, "sync 1: ok");
	is_int(s.added, 1, "sync 1: bob added");
	is_int(s.updated, 1, "sync 1: anne updated (carl had his role)");
	is_str(q_text(st, ROLES_OF("anne@x.org")),
	    "referent:file,volunteer:db", "sync 1: anne: file + db roles");
	is_str(q_text(st, ROLES_OF("bob@x.org")),
	    "coordinator:file,volunteer:file", "sync 1: bob: file roles");
	is_str(q_text(st, ROLES_OF("carl@x.org")), "referent:file",
	    "sync 1: a db role the file lists is marked the file's");
	is_str(q_text(st, "SELECT name || '|' || themes || '|' || communes "
	    "|| '|' || max_open_cases || '|' || updated_at FROM persons WHERE "
	    "email = 'anne@x.org'"), "Anne|[\"eau\"]|[\"Ambert\"]|3|100",
	    "sync 1: fields set; themes (no column) kept");
	is_str(q_text(st, "SELECT name FROM persons WHERE email = "
	    "'carl@x.org'"), "", "sync 1: empty name keeps the known one");
	is_str(q_text(st, EVENTS_AT(100)),
	    "person_updated:name,communes,max_open_cases:file:anne@x.org,"
	    "role_added:referent:file:anne@x.org,"
	    "person_added::file:bob@x.org,"
	    "role_added:volunteer:file:bob@x.org,"
	    "role_added:coordinator:file:bob@x.org",
	    "sync 1: one event per change, by the file");

	is_int(sync_text(st, "email,name,roles,communes,max_open_cases\n"
	    "anne@x.org,Anne,referent,Ambert,3\n"
	    "bob@x.org,Bob,volunteer;coordinator,,\n"
	    "carl@x.org,,referent,,\n", 200, &s), 0, "sync 2: same file");
	ok(s.added == 0 && s.updated == 0 && s.deactivated == 0,
	    "sync 2: nothing changed, nothing counted");
	is_int(q_int(st, "SELECT updated_at FROM persons WHERE email = "
	    "'anne@x.org'"), 100, "sync 2: unchanged rows not touched");
	is_str(q_text(st, EVENTS_AT(200)), "(null)", "sync 2: no event");

	is_int(sync_text(st, "email,name,roles,communes,max_open_cases\n"
	    "anne@x.org,Anne,referent,Ambert,3\n"
	    "bob@x.org,Bob Roux,volunteer;coordinator,,\n"
	    "carl@x.org,,referent,,\n", 250, &s), 0, "sync 2b: a new name");
	ok(s.added == 0 && s.updated == 1, "sync 2b: only a field changed: "
	    "one update");
	is_str(q_text(st, "SELECT name || ' ' || updated_at FROM persons "
	    "WHERE email = 'bob@x.org'"), "Bob Roux 250", "sync 2b: renamed");
	is_str(q_text(st, EVENTS_AT(250)), "person_updated:name:file:bob@x.org",
	    "sync 2b: the event names the field");

	/* Anne's line lists no role, Bob and Carl left the file: the
	 * database keeps them all, and says so. */
	is_int(sync_text(st, "email,roles,max_open_cases\n"
	    "anne@x.org,,\n", 300, &s), 0, "sync 3: ok");
	is_int(s.updated, 1, "sync 3: anne updated (max_open_cases)");
	is_str(q_text(st, ROLES_OF("anne@x.org")),
	    "referent:file,volunteer:db", "sync 3: anne keeps every role");
	is_str(q_text(st, ROLES_OF("bob@x.org")),
	    "coordinator:file,volunteer:file",
	    "sync 3: bob, gone from the file, keeps his roles");
	is_str(q_text(st, ROLES_OF("carl@x.org")), "referent:file",
	    "sync 3: carl too");
	is_int(q_int(st, "SELECT sum(active) FROM persons"), 3,
	    "sync 3: nobody deactivated");
	is_str(q_text(st, EVENTS_AT(300)),
	    "person_updated:max_open_cases:file:anne@x.org",
	    "sync 3: no removal event");
	is_int(q_int(st, "SELECT count(*) FROM events WHERE kind IN "
	    "('role_removed', 'person_deactivated')"), 0,
	    "sync 3: nothing removed, ever");
	is_str(q_text(st, "SELECT coalesce(max_open_cases, 'default') || "
	    "communes FROM persons WHERE email = 'anne@x.org'"),
	    "default[\"Ambert\"]", "sync 3: empty max is the default; "
	    "absent communes kept");
	is_str(diff_text(st, "email,roles,max_open_cases\nanne@x.org,,\n"),
	    "f.csv:2: anne@x.org: role referent in the database, not in the "
	    "file (kept; `person edit EMAIL --roles` removes it)\n"
	    "f.csv:2: anne@x.org: role volunteer in the database, not in the "
	    "file (kept; `person edit EMAIL --roles` removes it)\n"
	    "f.csv: bob@x.org (coordinator, volunteer): in the database, not "
	    "in the file (`coupdepouce person import f.csv --prune` "
	    "deactivates it)\n"
	    "f.csv: carl@x.org (referent): in the database, not in the file "
	    "(`coupdepouce person import f.csv --prune` deactivates it)",
	    "diff: what the database keeps, one line each");
	is_str(diff_text(st, "email,name,themes,communes,roles\n"
	    "anne@x.org,Anne M,eau;energie,Ambert,referent;volunteer\n"
	    "bob@x.org,Bob Roux,,,volunteer;coordinator;referent\n"
	    "carl@x.org,,,,referent\n"
	    "eve@x.org,Eve,,,volunteer\n"),
	    "f.csv:2: anne@x.org: name: file 'Anne M', database 'Anne' (the "
	    "file's value wins when this line changes)\n"
	    "f.csv:2: anne@x.org: themes: file 'eau;energie', database 'eau' "
	    "(the file's value wins when this line changes)\n"
	    "f.csv:3: bob@x.org: role referent in the file, not in the "
	    "database yet\n"
	    "f.csv:5: eve@x.org: not in the database yet (imported when the "
	    "file is next read)",
	    "diff: fields, roles and lines the database does not have");

	/* active = 0 deactivates, except a referent of an open case;
	 * active = 1 brings back. */
	add_case(st, "CDP-2026-0001", 1, "analysis", "carl@x.org");
	is_int(sync_text(st, "email,active\nbob@x.org,0\ncarl@x.org,non\n",
	    400, &s), 0, "sync 4: ok");
	ok(s.deactivated == 1 && s.refused == 1 && s.updated == 1,
	    "sync 4: bob deactivated, carl refused");
	is_str(buf_str(&s.refused_text), "carl@x.org (CDP-2026-0001)",
	    "sync 4: the refusal names the open case");
	is_str(q_text(st, "SELECT group_concat(email || '=' || active) FROM "
	    "persons WHERE email IN ('bob@x.org', 'carl@x.org')"),
	    "bob@x.org=0,carl@x.org=1", "sync 4: carl stays active");
	is_str(q_text(st, EVENTS_AT(400)),
	    "person_deactivated::file:bob@x.org",
	    "sync 4: deactivation by the file");
	is_str(diff_text(st, "email\nanne@x.org\ncarl@x.org\n"), "",
	    "diff: an inactive person is not listed as absent");
	people_sync_stats_free(&s);
	is_int(sync_text(st, "email,active\nbob@x.org,1\n", 450, &s), 0,
	    "sync 5: ok");
	is_str(q_text(st, EVENTS_AT(450)),
	    "person_updated:active:file:bob@x.org", "sync 5: reactivated");

	/* Import: roles from the database, events by the admin. */
	{
		const char *p = path_in("import.csv");
		struct people_list l;

		write_file_at(p, "email,roles,active\nbob@x.org,referent,0\n"
		    "dan@x.org,volunteer,\n", 1000);
		people_read(p, &l, err, sizeof(err));
		is_int(people_import(st, &l, 500, &s, err, sizeof(err)), 0,
		    "import: ok");
		ok(s.added == 1 && s.updated == 1 && s.deactivated == 1,
		    "import: dan added, bob updated and deactivated");
		people_list_free(&l);
	}
	is_str(q_text(st, ROLES_OF("bob@x.org")),
	    "coordinator:file,referent:db,volunteer:file",
	    "import: role from the database");
	is_str(q_text(st, EVENTS_AT(500)),
	    "role_added:referent:admin:bob@x.org,"
	    "person_deactivated::admin:bob@x.org,"
	    "person_added::admin:dan@x.org,"
	    "role_added:volunteer:admin:dan@x.org",
	    "import: events by the admin");
	people_sync_stats_free(&s);
	store_close(st);
}

static void
test_person_event(void)
{
	struct store *st = open_store("event.db");
	const char *kv[] = { "role", "referent", "note", "x\"y" };
	int64_t id, actor;

	ok(st != NULL, "event: store opens");
	if (st == NULL)
		return;
	person_ensure(st, "p@x.org", NULL, 1, &id, err, sizeof(err));
	person_ensure(st, "c@x.org", NULL, 1, &actor, err, sizeof(err));
	is_int(person_event(st, id, PERSON_BY_MAIL, actor, "role_added", 0,
	    kv, 4, 77, err, sizeof(err)), 0, "event: recorded");
	is_int(person_event(st, id, PERSON_BY_FILE, 0, "person_added", 0,
	    NULL, 0, 78, err, sizeof(err)), 0, "event: without kv");
	is_str(q_text(st, "SELECT group_concat(coalesce(case_id, 'null') || "
	    "'|' || at || '|' || coalesce(actor_id, 'null') || '|' || kind || "
	    "'|' || details, '\n') FROM (SELECT * FROM events ORDER BY id)"),
	    "null|77|2|role_added|{\"person_id\":\"1\",\"by\":\"mail\","
	    "\"role\":\"referent\",\"note\":\"x\\\"y\"}\n"
	    "null|78|null|person_added|{\"person_id\":\"1\",\"by\":\"file\"}",
	    "event: rows exact (no case, actor, by, kv)");
	is_str(person_actor_name(PERSON_BY_ADMIN), "admin", "actor: admin");
	is_str(person_actor_name(PERSON_BY_DAEMON), "daemon", "actor: daemon");
	store_close(st);
}

static void
test_deactivate(void)
{
	struct store *st = open_store("deactivate.db");
	char *refs = NULL;
	int64_t id;

	ok(st != NULL, "deactivate: store opens");
	if (st == NULL)
		return;
	person_ensure(st, "r@x.org", NULL, 1, &id, err, sizeof(err));
	person_add_role(st, id, "referent", PERSON_SRC_DB, 1, err, sizeof(err));
	add_case(st, "CDP-2026-0003", 3, "forming", "r@x.org");
	add_case(st, "CDP-2026-0001", 1, "analysis", "r@x.org");
	add_case(st, "CDP-2026-0002", 2, "closed", "r@x.org");
	is_int(person_deactivate(st, id, PERSON_BY_ADMIN, 0, 0, 50, &refs,
	    err, sizeof(err)), 1, "deactivate: refused while referent");
	is_str(refs, "CDP-2026-0001, CDP-2026-0003",
	    "deactivate: the open cases named, in order, closed one not");
	free(refs);
	refs = NULL;
	is_str(q_text(st, "SELECT active || '|' || (SELECT count(*) FROM "
	    "events) FROM persons"), "1|0",
	    "deactivate: refused changes nothing, records nothing");
	store_exec(st, "UPDATE cases SET state = 'withdrawn'", err,
	    sizeof(err));
	is_int(person_deactivate(st, id, PERSON_BY_ADMIN, 0, 0, 60, &refs,
	    err, sizeof(err)), 0, "deactivate: done once cases ended");
	ok(refs == NULL, "deactivate: no refs when done");
	is_str(q_text(st, "SELECT active || '|' || updated_at FROM persons"),
	    "0|60", "deactivate: inactive");
	is_int(person_deactivate(st, id, PERSON_BY_ADMIN, 0, 0, 70, &refs,
	    err, sizeof(err)), 0, "deactivate: again is fine");
	is_str(q_text(st, "SELECT group_concat(coalesce(case_id, 'null') || "
	    "'|' || at || '|' || coalesce(actor_id, 'null') || '|' || kind || "
	    "'|' || details, '\n') FROM events"),
	    "null|60|null|person_deactivated|{\"person_id\":\"1\","
	    "\"by\":\"admin\"}", "deactivate: one event, idempotent");
	is_str(q_text(st, ROLES_OF("r@x.org")), "referent:db",
	    "deactivate: roles kept");
	store_close(st);
}

/* person_change.h: a role taken away, availability. */
static void
test_change(void)
{
	struct store *st = open_store("change.db");
	int64_t id;
	int done = -1;

	ok(st != NULL, "change: store opens");
	if (st == NULL)
		return;
	/* The event's date is written in the network's zone. */
	clock_set_zone("Europe/Paris");
	person_ensure(st, "v@x.org", NULL, 1, &id, err, sizeof(err));
	person_add_role(st, id, "volunteer", PERSON_SRC_FILE, 1, err,
	    sizeof(err));
	is_int(person_remove_role(st, id, "volunteer", PERSON_BY_ADMIN, 0, 10,
	    &done, err, sizeof(err)), 0, "remove_role: ok");
	is_int(done, 1, "remove_role: removed (a file role too)");
	person_remove_role(st, id, "volunteer", PERSON_BY_ADMIN, 0, 11, &done,
	    err, sizeof(err));
	is_int(done, 0, "remove_role: again, nothing");
	is_int(person_set_availability(st, id, 1, 1775772000, PERSON_BY_ADMIN,
	    0, 12, &done, err, sizeof(err)), 0, "availability: ok");
	is_int(done, 1, "availability: changed");
	person_set_availability(st, id, 1, 1775772000, PERSON_BY_ADMIN, 0, 13,
	    &done, err, sizeof(err));
	is_int(done, 0, "availability: the same again, no change");
	person_set_availability(st, id, 0, 1775772000, PERSON_BY_SELF, id, 14,
	    &done, err, sizeof(err));
	is_str(q_text(st, "SELECT unavailable || '|' || coalesce("
	    "unavailable_until, 'null') FROM persons"), "0|null",
	    "availability: available clears the date");
	is_str(q_text(st, "SELECT group_concat(at || '|' || kind || '|' || "
	    "details, '\n') FROM events"),
	    "10|role_removed|{\"person_id\":\"1\",\"by\":\"admin\","
	    "\"role\":\"volunteer\"}\n"
	    "12|availability|{\"person_id\":\"1\",\"by\":\"admin\","
	    "\"unavailable\":\"1\",\"until\":\"2026-04-10T00:00:00+02:00\"}\n"
	    "14|availability|{\"person_id\":\"1\",\"by\":\"self\","
	    "\"unavailable\":\"0\",\"until\":null}",
	    "change: events exact, none for no change");
	store_close(st);
}

/* Import a file, export it, import the export into a fresh database and
 * export again: the same bytes. */
static void
test_export(void)
{
	struct store *a = open_store("export-a.db"), *b = NULL;
	struct people_list l = { NULL, 0 };
	struct buf one, two;
	const char *p = path_in("export.csv");
	int64_t id;

	buf_init(&one, 0);
	buf_init(&two, 0);
	ok(a != NULL, "export: store opens");
	if (a == NULL)
		return;
	write_file_at(p, "email,roles,name,communes,themes,active,"
	    "max_open_cases\n"
	    "z@x.org,volunteer;referent,\"Roux, \"\"Zoé\"\"\",Thiers;"
	    "Saint-Amant-Roche-Savine,eau;energie,0,4\n"
	    "a@x.org,coordinator,,,,,\n", 1000);
	people_read(p, &l, err, sizeof(err));
	is_int(people_import(a, &l, 10, NULL, err, sizeof(err)), 0,
	    "export: import");
	people_list_free(&l);
	/* A holder only is not in the pool; a holder role is not written. */
	person_ensure(a, "h@x.org", "Holder", 11, &id, err, sizeof(err));
	person_add_role(a, id, "holder", PERSON_SRC_DB, 11, err, sizeof(err));
	person_find(a, "a@x.org", &id, err, sizeof(err));
	person_add_role(a, id, "holder", PERSON_SRC_DB, 11, err, sizeof(err));
	is_int(people_export(a, &one, err, sizeof(err)), 0, "export: ok");
	is_str(buf_str(&one),
	    "email,name,roles,themes,communes,max_open_cases,active\n"
	    "a@x.org,,coordinator,,,,1\n"
	    "z@x.org,\"Roux, \"\"Zoé\"\"\",referent;volunteer,eau;energie,"
	    "Thiers;Saint-Amant-Roche-Savine,4,0\n",
	    "export: the people file's format, by address, quoted");
	b = open_store("export-b.db");
	write_file_at(p, buf_str(&one), 2000);
	is_int(people_read(p, &l, err, sizeof(err)), 0,
	    "export: the reader takes it");
	is_int(b ? people_import(b, &l, 20, NULL, err, sizeof(err)) : -1, 0,
	    "export: imported into a fresh database");
	people_list_free(&l);
	if (b)
		people_export(b, &two, err, sizeof(err));
	is_str(buf_str(&two), buf_str(&one), "export: round trip, same bytes");
	store_close(b);
	store_close(a);
	buf_free(&one);
	buf_free(&two);
}

static void
test_reload(void)
{
	struct store *st = open_store("reload.db");
	struct people_watch w = { 0, 0, 0 }, w2 = { 0, 0, 0 };
	const char *p = path_in("watch.csv");

	ok(st != NULL, "reload: store opens");
	if (st == NULL)
		return;
	is_int(people_reload_if_changed(st, p, &w, 10, err, sizeof(err)), 1,
	    "reload: missing file loads (empty)");
	is_int(people_reload_if_changed(st, p, &w, 11, err, sizeof(err)), 0,
	    "reload: still missing, unchanged");
	write_file_at(p, "email,roles\na@x.org,referent\n", 1000);
	is_int(people_reload_if_changed(st, p, &w, 12, err, sizeof(err)), 1,
	    "reload: new file loaded");
	is_str(q_text(st, ROLES_OF("a@x.org")), "referent:file",
	    "reload: its role is in");
	is_int(people_reload_if_changed(st, p, &w, 13, err, sizeof(err)), 0,
	    "reload: unchanged file not read again");
	write_file_at(p, "email,roles\na@x.org,chef\n", 2000);
	err[0] = '\0';
	is_int(people_reload_if_changed(st, p, &w, 14, err, sizeof(err)), -1,
	    "reload: bad file refused");
	like_str(err, "watch.csv:2: roles: 'chef' is not a role",
	    "reload: error with file and line");
	is_str(q_text(st, ROLES_OF("a@x.org")), "referent:file",
	    "reload: previous data stays");
	is_int(people_reload_if_changed(st, p, &w, 15, err, sizeof(err)), 0,
	    "reload: the same bad file is reported once");
	write_file_at(p, "email,roles\na@x.org,volunteer\n", 3000);
	is_int(people_reload_if_changed(st, p, &w, 16, err, sizeof(err)), 1,
	    "reload: fixed file loaded");
	is_str(q_text(st, ROLES_OF("a@x.org")),
	    "referent:file,volunteer:file",
	    "reload: the role added, the one dropped from the file kept");
	/* Changed since by the administrator: a restart (a new watch) or
	 * a touched file with the same bytes does not apply it again. */
	store_exec(st, "UPDATE persons SET name = 'By hand'", err,
	    sizeof(err));
	write_file_at(p, "email,name,roles\na@x.org,Ann,volunteer\n", 4000);
	is_int(people_reload_if_changed(st, p, &w, 17, err, sizeof(err)), 1,
	    "reload: a name in the file");
	store_exec(st, "UPDATE persons SET name = 'By hand'", err,
	    sizeof(err));
	is_int(people_reload_if_changed(st, p, &w2, 18, err, sizeof(err)), 0,
	    "reload: restart with the same file: not applied again");
	set_mtime(p, 5000);
	is_int(people_reload_if_changed(st, p, &w, 19, err, sizeof(err)), 0,
	    "reload: touched, same bytes: not applied again");
	is_str(q_text(st, "SELECT name FROM persons"), "By hand",
	    "reload: the database's change stays");
	is_int(q_int(st, "SELECT count(*) FROM events WHERE kind = "
	    "'people_file'"), 4, "reload: one people_file event per sync");
	/* Another line added: a's line is the same, her change stays;
	 * then her line changes and is applied. */
	write_file_at(p, "email,name,roles\na@x.org,Ann,volunteer\n"
	    "b@x.org,Bea,referent\n", 4500);
	is_int(people_reload_if_changed(st, p, &w, 19, err, sizeof(err)), 1,
	    "reload: a new line");
	is_str(q_text(st, "SELECT group_concat(name, ',') FROM (SELECT name "
	    "FROM persons ORDER BY email)"), "By hand,Bea",
	    "reload: only the new line applied");
	write_file_at(p, "email,name,roles\na@x.org,Anne,volunteer\n"
	    "b@x.org,Bea,referent\n", 4600);
	is_int(people_reload_if_changed(st, p, &w, 19, err, sizeof(err)), 1,
	    "reload: a's line changed");
	is_str(q_text(st, "SELECT group_concat(name, ',') FROM (SELECT name "
	    "FROM persons ORDER BY email)"), "Anne,Bea",
	    "reload: the changed line applied");
	unlink(p);
	is_int(people_reload_if_changed(st, p, &w, 20, err, sizeof(err)), 1,
	    "reload: removed file is a change");
	is_str(q_text(st, ROLES_OF("a@x.org")),
	    "referent:file,volunteer:file", "reload: no file, roles stay");
	is_str(q_text(st, "SELECT json_extract(details, '$.lines') FROM "
	    "events WHERE kind = 'people_file' ORDER BY id DESC LIMIT 1"),
	    "{}", "reload: no file, no line seen");
	is_int(q_int(st, "SELECT active FROM persons"), 1,
	    "reload: no file, still active");
	store_close(st);
}

int
main(void)
{
	scratch_make("people");
	test_normalize();
	test_parse();
	test_bad();
	test_entry_set();
	test_person();
	test_sync();
	test_person_event();
	test_deactivate();
	test_change();
	test_export();
	test_reload();
	scratch_remove();
	return tap_done();
}
