/*
 * test_outbox.c — the outbox without a mail server: queueing inside the
 * caller's transaction (two-step reserve/fill, rollback), working-hours
 * holds in Europe/Paris (nights, a Saturday night into the Sunday summer
 * time starts, the Sunday night it ends), the per-address daily cap on
 * automatic mails (local day, counted in the same transaction), the
 * backoff schedule and the give-up after 4 days (clock_fix() moves time;
 * the SMTP server is a closed port, so every attempt is a temporary
 * failure), outbox_next_due, recover, list and retry.  Sending for real
 * is tests/integration/outbox_send.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/config.h"
#include "out/mailer.h"
#include "out/outbox.h"
#include "out/template.h"
#include "store/store.h"
#include "thread/token.h"
#include "tap.h"
#include "testutil.h"

static char err[2048];
static struct config *cfg;

/* A small complete message whose Message-ID is <cdp.test-N@example.org>. */
static char *
message(long long n, char *mid, size_t midlen)
{
	static char msg[1024];

	snprintf(mid, midlen, "cdp.test-%lld@example.org", n);
	snprintf(msg, sizeof(msg),
	    "From: Coup de pouce <coupdepouce@example.org>\r\n"
	    "To: Camille <holder@example.org>,\r\n"
	    " Dominique <volunteer1@example.org>\r\n"
	    "Subject: [CDP-2026-0001] =?UTF-8?Q?R=C3=A9union_du?=\r\n"
	    " =?UTF-8?B?IGdyb3VwZQ==?= ok\r\n"
	    "Message-ID: <%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"
	    "Bonjour\r\n", mid);
	return msg;
}

/* Queues one mail in its own transaction; returns the enqueue code. */
static int
queue(struct store *st, const char *const *rcpts, size_t n, int urgent,
    int automatic, int64_t case_id, int64_t *id)
{
	static long long seq;
	struct outbox_item it = {
		.cfg = cfg, .case_id = case_id, .template = "test",
		.rcpts = rcpts, .nrcpt = n, .urgent = urgent,
		.automatic = automatic,
	};
	char mid[128];
	int rc;

	it.message = message(++seq, mid, sizeof(mid));
	it.message_len = strlen(it.message);
	it.message_id = mid;
	if (store_begin(st, err, sizeof(err)) != 0)
		return -99;
	rc = outbox_enqueue(st, &it, id, err, sizeof(err));
	if (store_commit(st, err, sizeof(err)) != 0)
		return -98;
	return rc;
}

static void
test_hold(void)
{
	struct {
		const char *now, *want;
	} cases[] = {
		{ "2026-03-25 14:00", NULL },			/* Wednesday */
		{ "2026-03-25 08:00", NULL },
		{ "2026-03-25 19:59", NULL },
		{ "2026-03-25 07:59", "2026-03-25 08:00" },
		{ "2026-03-25 20:00", "2026-03-26 08:00" },
		{ "2026-03-25 23:59", "2026-03-26 08:00" },
		/* Saturday night into the Sunday summer time begins (02:00
		 * -> 03:00): the weekend waits for Monday 08:00 CEST. */
		{ "2026-03-28 23:30", "2026-03-30 08:00" },
		{ "2026-03-29 01:30", "2026-03-30 08:00" },
		{ "2026-03-29 03:30", "2026-03-30 08:00" },
		/* Sunday 25 October 2026: summer time ends (03:00 -> 02:00);
		 * Sunday waits for Monday 08:00 CET. */
		{ "2026-10-25 01:30", "2026-10-26 08:00" },
		{ "2026-10-25 21:00", "2026-10-26 08:00" },
		/* Friday 1 January 2027 is a holiday, then a weekend. */
		{ "2026-12-31 22:00", "2027-01-04 08:00" },
		/* Saturday 25 December 2027: Monday 27 at 08:00. */
		{ "2027-12-25 10:00", "2027-12-27 08:00" },
		/* Easter Monday 2027 is 29 March; Ascension 6 May; Whit
		 * Monday 17 May; 14 July 2027 is a Wednesday. */
		{ "2027-03-29 09:00", "2027-03-30 08:00" },
		{ "2027-05-06 09:00", "2027-05-07 08:00" },
		{ "2027-05-16 09:00", "2027-05-18 08:00" },
		{ "2027-07-13 20:30", "2027-07-15 08:00" },
		{ "2027-07-15 08:00", NULL },
	};
	char name[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "queued %s: %s", cases[i].now,
		    cases[i].want ? cases[i].want : "not held");
		is_int(outbox_hold_until(cfg, local_time(cases[i].now)),
		    cases[i].want ? local_time(cases[i].want) : 0, name);
	}
	is_int(local_time("2026-03-29 08:00") - local_time("2026-03-28 23:30"),
	    7 * 3600 + 1800, "(the spring night is an hour shorter)");
	is_int(local_time("2026-10-26 08:00") - local_time("2026-10-25 21:00"),
	    11 * 3600, "(Sunday night to Monday morning, winter time)");

	cfg->network.work_start = 0;
	cfg->network.work_end = 24 * 60;
	is_int(outbox_hold_until(cfg, local_time("2026-03-25 03:00")), 0,
	    "00:00-24:00: never held");
	cfg->network.work_start = 8 * 60;
	cfg->network.work_end = 20 * 60;
}

static void
test_enqueue(struct store *st)
{
	const char *rcpts[] = { "Holder@Example.ORG", "volunteer1@example.org",
	    "holder@example.org" };
	struct outbox_item it = { .cfg = cfg, .rcpts = rcpts, .nrcpt = 2 };
	char mid[128], *msg;
	int64_t id = 0, id2 = 0;

	clock_fix(local_time("2026-03-28 23:30"));
	ok(outbox_enqueue(st, &it, &id, err, sizeof(err)) == OUTBOX_ERR &&
	    id == 0, "queueing outside a transaction is refused");
	like_str(err, "inside the transaction", "and said why");

	/* Two-step: reserve, compose with the id, fill. */
	store_begin(st, err, sizeof(err));
	it.nrcpt = 3;
	it.template = "ack";
	is_int(outbox_reserve(st, &it, &id, err, sizeof(err)), OUTBOX_OK,
	    "reserve");
	ok(id > 0, "reserve gives the row id");
	is_str(q_text(st, "SELECT message_id FROM outbox WHERE id = ?1", id),
	    "(null)", "reserved row has no Message-ID yet");
	is_str(q_text(st, "SELECT recipients FROM outbox WHERE id = ?1", id),
	    "[\"holder@example.org\",\"volunteer1@example.org\"]",
	    "recipients lower case, duplicates dropped, JSON array");
	is_int(q_int(st, "SELECT hold_until FROM outbox WHERE id = ?1", id),
	    local_time("2026-03-30 08:00"),
	    "Saturday 23:30: held to Monday 08:00 summer time");
	is_int(q_int(st, "SELECT next_attempt_at FROM outbox WHERE id = ?1",
	    id), local_time("2026-03-28 23:30"), "next attempt: now");
	is_str(q_text(st, "SELECT sender FROM outbox WHERE id = ?1", id),
	    "coupdepouce@example.org", "envelope sender: smtp.from");
	msg = message(id, mid, sizeof(mid));
	ok(outbox_fill(st, id, "cdp.other@example.org", msg, strlen(msg), err,
	    sizeof(err)) == -1, "fill with a Message-ID not in the header "
	    "refused");
	like_str(err, "not in the message's header", "and said");
	ok(outbox_fill(st, id, mid, "no separator", 12, err, sizeof(err)) ==
	    -1, "fill with a message without header/body separator refused");
	is_int(outbox_fill(st, id, mid, msg, strlen(msg), err, sizeof(err)), 0,
	    "fill");
	ok(outbox_fill(st, id, mid, msg, strlen(msg), err, sizeof(err)) == -1,
	    "second fill refused");
	like_str(err, "not a reserved row", "and said");
	is_str(q_text(st, "SELECT message_id FROM outbox WHERE id = ?1", id),
	    mid, "Message-ID stored");
	is_int(q_int(st, "SELECT length(message) FROM outbox WHERE id = ?1",
	    id), (long long)strlen(msg), "message bytes stored");

	/* The same Message-ID again: refused, the transaction goes on. */
	it.message_id = mid;
	it.message = msg;
	it.message_len = strlen(msg);
	is_int(outbox_enqueue(st, &it, &id2, err, sizeof(err)), OUTBOX_ERR,
	    "duplicate Message-ID refused");
	like_str(err, "already used", "and said");
	is_int(id2, 0, "no id for it");
	is_int(q_int(st, "SELECT count(*) FROM outbox", 0), 1,
	    "its reserved row was undone, the first stays");
	store_commit(st, err, sizeof(err));

	/* A rolled-back transaction takes its mail with it. */
	store_begin(st, err, sizeof(err));
	is_int(outbox_reserve(st, &it, &id2, err, sizeof(err)), OUTBOX_OK,
	    "reserve in a transaction that will be rolled back");
	store_rollback(st, err, sizeof(err));
	is_int(q_int(st, "SELECT count(*) FROM outbox WHERE id = ?1", id2), 0,
	    "rollback removes the row");

	/* Urgent: never held. */
	it.urgent = 1;
	it.message_id = NULL;
	store_begin(st, err, sizeof(err));
	is_int(outbox_reserve(st, &it, &id2, err, sizeof(err)), OUTBOX_OK,
	    "urgent reserve");
	is_str(q_text(st, "SELECT hold_until FROM outbox WHERE id = ?1", id2),
	    "(null)", "an acknowledgement is not held at night");
	store_rollback(st, err, sizeof(err));

	/* Bad input. */
	rcpts[0] = "not an address";
	store_begin(st, err, sizeof(err));
	is_int(outbox_reserve(st, &it, &id2, err, sizeof(err)), OUTBOX_ERR,
	    "bad recipient refused");
	like_str(err, "invalid recipient address 'not an address'", "named");
	it.nrcpt = 0;
	is_int(outbox_reserve(st, &it, &id2, err, sizeof(err)), OUTBOX_ERR,
	    "no recipient refused");
	store_rollback(st, err, sizeof(err));

	/* Not fillable, so never sent, and not due. */
	clock_fix(local_time("2026-03-29 09:00"));
	{
		long long when = 0;

		is_int(outbox_next_due(st, &when), 1, "next due: the held row");
		is_int(when, local_time("2026-03-30 08:00"), "at its hold time");
	}
	exec_ok(st, "DELETE FROM outbox");
}

static void
test_rate(struct store *st)
{
	const char *a[] = { "loop@example.org" };
	const char *ab[] = { "LOOP@example.org", "other@example.org" };
	int64_t id;
	int rc;

	cfg->network.max_auto_per_day = 3;
	clock_fix(local_time("2026-03-25 23:30"));	/* 22:30 UTC */
	for (int i = 0; i < 3; i++)
		is_int(queue(st, a, 1, 1, 1, 0, &id), OUTBOX_OK,
		    "automatic mail under the cap");
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'loop@example.org' AND day = '2026-03-25'", 0), 3,
	    "counted in rate for the local day");
	rc = queue(st, a, 1, 1, 1, 0, &id);
	is_int(rc, OUTBOX_LIMITED, "4th automatic mail of the day refused");
	is_int(id, 0, "no row id");
	like_str(err, "loop@example.org already got 3 automatic mails on "
	    "2026-03-25", "err names the address, the cap and the day");
	is_int(q_int(st, "SELECT count(*) FROM outbox", 0), 3, "no row added");
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'loop@example.org'", 0), 3, "count unchanged");

	is_int(queue(st, a, 1, 1, 0, 0, &id), OUTBOX_OK,
	    "a mail that is not automatic is not capped");
	rc = queue(st, ab, 2, 1, 1, 0, &id);
	is_int(rc, OUTBOX_PARTIAL, "group mail with one capped address");
	like_str(err, "not sent to loop@example.org", "names the left-out "
	    "address");
	is_str(q_text(st, "SELECT recipients FROM outbox WHERE id = ?1", id),
	    "[\"other@example.org\"]", "queued for the others only");

	/* The count belongs to the transaction. */
	store_begin(st, err, sizeof(err));
	{
		const char *o[] = { "other@example.org" };
		struct outbox_item it = { .cfg = cfg, .rcpts = o, .nrcpt = 1,
		    .automatic = 1, .urgent = 1 };

		outbox_reserve(st, &it, &id, err, sizeof(err));
	}
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'other@example.org'", 0), 2, "counted inside the transaction");
	store_rollback(st, err, sizeof(err));
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'other@example.org'", 0), 1, "rollback undoes the count");

	/* 00:30 Paris on the 26th is still the 25th in UTC: a new local day. */
	clock_fix(local_time("2026-03-26 00:30"));
	is_int(queue(st, a, 1, 1, 1, 0, &id), OUTBOX_OK,
	    "next local day (still the 25th in UTC): allowed again");
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'loop@example.org' AND day = '2026-03-26'", 0), 1,
	    "counted on the new day");
	cfg->network.max_auto_per_day = 40;
	exec_ok(st, "DELETE FROM outbox; DELETE FROM rate");
}

/* Queues one "ack" (an answer when `answer`) to loop@example.org through
 * the mailer; returns what mailer_queue returns. */
static int
mail_one(struct mailer *m, struct store *st, int answer)
{
	struct tpl_data *d = tpl_data_new();
	struct mailer_mail mm;
	int64_t id = 0;
	int rc;

	memset(&mm, 0, sizeof(mm));
	mm.template = "ack";
	mm.data = d;
	mm.case_ref = "CDP-2026-0001";
	mm.to_addr = "loop@example.org";
	mm.urgent = 1;
	mm.auto_replied = answer;
	tpl_set(d, "ref", "CDP-2026-0001");
	tpl_set(d, "holder_name", "Boucle");
	tpl_set(d, "subject", "Projet");
	store_begin(st, err, sizeof(err));
	rc = mailer_queue(m, st, &mm, &id, err, sizeof(err));
	if (rc == OUTBOX_ERR) {
		printf("# mailer_queue: %s\n", err);
		store_rollback(st, err, sizeof(err));
	} else
		store_commit(st, err, sizeof(err));
	tpl_data_free(d);
	return rc;
}

/* A mailer on the shipped templates, with max_auto_per_day 3; NULL
 * (and a failed check) if it does not open. */
static struct mailer *
mailer_on(const char *dir, struct config **c)
{
	struct mailer *m = NULL;

	*c = config_from("[network]\ncontact = coupdepouce@example.org\n"
	    "max_auto_per_day = 3\nsecret_file = %s/secret\n"
	    "[imap]\nurl = imaps://127.0.0.1:1\n"
	    "[smtp]\nurl = smtp://127.0.0.1:1\n"
	    "[storage]\ndatabase = %s/outbox.db\n"
	    "[paths]\ntemplates = %s/templates\n", path_in(""), path_in(""),
	    dir);
	if (!ok(*c != NULL && mailer_open(*c, &m, err, sizeof(err)) == 0,
	    "mailer opens on the shipped templates")) {
		printf("# %s\n", err);
		config_free(*c);
		*c = NULL;
		return NULL;
	}
	return m;
}

/* The daily cap counts only answers (RFC 3834 loops); the mail a person
 * waits for is never counted nor dropped. */
static void
test_cap_rule(struct store *st, const char *dir)
{
	struct config *c;
	struct mailer *m;
	struct mailer_mail mm;

	memset(&mm, 0, sizeof(mm));
	is_int(mailer_counted(&mm), 0, "a mail that answers nothing is not "
	    "counted");
	mm.auto_replied = 1;
	is_int(mailer_counted(&mm), 1, "an answer (auto-replied) is counted");

	if ((m = mailer_on(dir, &c)) == NULL)
		return;
	clock_fix(local_time("2026-03-25 10:00"));
	for (int i = 0; i < 3; i++)
		is_int(mail_one(m, st, 1), OUTBOX_OK, "answer under the cap");
	is_int(mail_one(m, st, 1), OUTBOX_LIMITED, "4th answer of the day "
	    "not queued");
	for (int i = 0; i < 3; i++)
		is_int(mail_one(m, st, 0), OUTBOX_OK, "a mail that is no answer "
		    "goes out over the cap");
	is_int(q_int(st, "SELECT count FROM rate WHERE address = "
	    "'loop@example.org' AND day = '2026-03-25'", 0), 3,
	    "only the answers were counted");
	is_int(q_int(st, "SELECT count(*) FROM outbox", 0), 6,
	    "3 answers and 3 other mails queued");
	mailer_close(m);
	config_free(c);
	exec_ok(st, "DELETE FROM outbox; DELETE FROM rate");
}

/* 1 when row id's Message-ID is the token of that very id, and is the
 * one in its message's header. */
static int
token_names_row(struct mailer *m, struct store *st, int64_t id)
{
	const unsigned char *key;
	size_t keylen;
	int64_t tid = 0;
	char mid[TOKEN_MSGID_MAX], hdr[TOKEN_MSGID_MAX + 32];

	key = mailer_key(m, &keylen);
	snprintf(mid, sizeof(mid), "%s", q_text(st, "SELECT message_id FROM "
	    "outbox WHERE id = ?1", id));
	snprintf(hdr, sizeof(hdr), "\r\nMessage-ID: <%s>\r\n", mid);
	return token_verify(key, keylen, mid, NULL, &tid, NULL, NULL) == 1 &&
	    tid == id && strstr(q_text(st, "SELECT CAST(message AS TEXT) "
	    "FROM outbox WHERE id = ?1", id), hdr) != NULL;
}

/* The mailer writes each row once, complete: the id its token holds is
 * taken before the row exists, and is the one the row gets. */
static void
test_one_write(struct store *st, const char *dir)
{
	struct config *c;
	struct mailer *m;
	int64_t id, id2, id3;

	if ((m = mailer_on(dir, &c)) == NULL)
		return;
	exec_ok(st, "DELETE FROM outbox; DELETE FROM rate; "
	    "CREATE TEMP TABLE rewrites (n INTEGER NOT NULL); "
	    "INSERT INTO rewrites VALUES (0); "
	    "CREATE TEMP TRIGGER outbox_rewrite AFTER UPDATE ON main.outbox "
	    "BEGIN UPDATE rewrites SET n = n + 1; END");
	clock_fix(local_time("2026-03-25 10:00"));
	is_int(mail_one(m, st, 1), OUTBOX_OK, "an answer queued");
	is_int(mail_one(m, st, 0), OUTBOX_OK, "a mail that is no answer "
	    "queued");
	is_int(q_int(st, "SELECT n FROM rewrites", 0), 0,
	    "no row written twice: no UPDATE of the outbox");
	id = q_int(st, "SELECT min(id) FROM outbox", 0);
	id2 = q_int(st, "SELECT max(id) FROM outbox", 0);
	is_int(id, 1, "the first row of an empty outbox has id 1");
	is_int(id2, 2, "the next one id 2");
	ok(token_names_row(m, st, id) && token_names_row(m, st, id2),
	    "each row's Message-ID is the token of its own id, in its header");
	is_str(q_text(st, "SELECT recipients || ' ' || status || ' ' || "
	    "coalesce(hold_until, 'now') || ' ' || template FROM outbox "
	    "WHERE id = ?1", id), "[\"loop@example.org\"] queued now ack",
	    "recipients, status, hold and template written with it");
	/* SQLite gives the highest id again once its row is gone. */
	exec_ok(st, "DELETE FROM outbox WHERE id = 2");
	is_int(mail_one(m, st, 0), OUTBOX_OK, "queued after the last row "
	    "was deleted");
	id3 = q_int(st, "SELECT max(id) FROM outbox", 0);
	is_int(id3, 2, "it gets the id SQLite gives");
	ok(token_names_row(m, st, id3), "and its token names that id");
	is_int(q_int(st, "SELECT n FROM rewrites", 0), 0, "still no UPDATE");
	exec_ok(st, "DROP TRIGGER outbox_rewrite; DROP TABLE rewrites; "
	    "DELETE FROM outbox; DELETE FROM rate");
	mailer_close(m);
	config_free(c);
}

static void
test_backoff(struct store *st)
{
	static const long long want[] = { 15, 30, 60, 120, 300, 900, 3600,
	    7200, 14400, 14400, 14400 };
	const char *a[] = { "holder@example.org", "volunteer1@example.org" };
	struct outbox_stats stats;
	long long created, t, next, when;
	int64_t id, id2;
	char name[128];

	for (int n = 1; n <= 11; n++) {
		snprintf(name, sizeof(name), "backoff after failure %d: %lld s",
		    n, want[n - 1]);
		is_int(outbox_backoff(n), want[n - 1], name);
	}

	exec_ok(st, "INSERT INTO cases (id, ref, year, seq, kind, "
	    "state_since, created_at, updated_at, last_activity_at) VALUES "
	    "(7, 'CDP-2026-0007', 2026, 7, 'request', 1, 1, 1, 1)");
	created = local_time("2026-03-25 10:00");
	clock_fix(created);
	is_int(queue(st, a, 2, 0, 0, 7, &id), OUTBOX_OK, "queued with a case");

	store_begin(st, err, sizeof(err));
	is_int(outbox_flush(st, cfg, &stats, err, sizeof(err)), -1,
	    "flush inside a transaction refused");
	store_rollback(st, err, sizeof(err));

	/* Attempts 1..6 against a closed port: temporary failures. */
	t = created;
	for (int n = 1; n <= 6; n++) {
		is_int(outbox_flush(st, cfg, &stats, err, sizeof(err)), 0,
		    "flush runs");
		snprintf(name, sizeof(name), "attempt %d deferred", n);
		is_int(stats.deferred, 1, name);
		is_int(q_int(st, "SELECT attempts FROM outbox WHERE id = ?1",
		    id), n, "attempts counted");
		next = q_int(st, "SELECT next_attempt_at FROM outbox "
		    "WHERE id = ?1", id);
		snprintf(name, sizeof(name), "next attempt in %lld s + up to "
		    "10 %% jitter (got %lld)", want[n - 1], next - t);
		ok(next - t >= want[n - 1] && next - t <= want[n - 1] * 11 / 10,
		    name);
		is_str(q_text(st, "SELECT status FROM outbox WHERE id = ?1",
		    id), "queued", "still queued");
		is_int(outbox_flush(st, cfg, &stats, err, sizeof(err)) == 0 &&
		    stats.rows == 0, 1, "nothing due before the next attempt");
		is_int(outbox_next_due(st, &when), 1, "next_due says when");
		is_int(when, next, "next_due = next_attempt_at");
		t = next;
		clock_fix(t);
	}
	like_str(q_text(st, "SELECT last_error FROM outbox WHERE id = ?1", id),
	    "smtp://127.0.0.1:1", "last_error has the server's error");
	is_str(q_text(st, "SELECT recipients FROM outbox WHERE id = ?1", id),
	    "[\"holder@example.org\",\"volunteer1@example.org\"]",
	    "both recipients still owed");

	/* Close to the end, the next attempt is at the 4-day mark. */
	clock_fix(created + OUTBOX_GIVE_UP_SECS - 600);
	outbox_flush(st, cfg, &stats, err, sizeof(err));
	is_int(q_int(st, "SELECT next_attempt_at FROM outbox WHERE id = ?1",
	    id), created + OUTBOX_GIVE_UP_SECS, "last attempt at exactly 4 "
	    "days");
	is_int(q_int(st, "SELECT count(*) FROM events WHERE case_id = 7", 0),
	    0, "no event while retrying");
	clock_fix(created + OUTBOX_GIVE_UP_SECS);
	outbox_flush(st, cfg, &stats, err, sizeof(err));
	is_int(stats.failed, 1, "given up after 4 days");
	is_str(q_text(st, "SELECT status FROM outbox WHERE id = ?1", id),
	    "failed", "status failed");
	like_str(q_text(st, "SELECT last_error FROM outbox WHERE id = ?1", id),
	    "gave up after 4 days: ", "last_error says so");
	like_str(q_text(st, "SELECT last_error FROM outbox WHERE id = ?1", id),
	    "smtp://127.0.0.1:1", "with the last answer");
	is_int(q_int(st, "SELECT count(*) FROM events WHERE case_id = 7 AND "
	    "kind = 'mail_failed'", 0), 2, "one mail_failed event per "
	    "recipient");
	is_str(q_text(st, "SELECT json_extract(details, '$.recipient') || ' ' "
	    "|| json_extract(details, '$.reason') || ' ' || json_extract("
	    "details, '$.outbox_id') FROM events WHERE case_id = 7 ORDER BY id "
	    "LIMIT 1", 0), "holder@example.org gave_up 1", "event details");
	is_int(outbox_next_due(st, &when), 0, "nothing left to send");

	/* Retry: queued again now, attempts reset, 4 new days. */
	clock_fix(created + OUTBOX_GIVE_UP_SECS + 3600);
	is_int(outbox_retry(st, id, err, sizeof(err)), 0, "retry a failed row");
	is_str(q_text(st, "SELECT status || ' ' || attempts FROM outbox WHERE "
	    "id = ?1", id), "queued 0", "queued, attempts reset");
	is_int(q_int(st, "SELECT next_attempt_at FROM outbox WHERE id = ?1",
	    id), created + OUTBOX_GIVE_UP_SECS + 3600, "due now");
	outbox_flush(st, cfg, &stats, err, sizeof(err));
	is_str(q_text(st, "SELECT status || ' ' || attempts FROM outbox WHERE "
	    "id = ?1", id), "queued 1", "the retried row is attempted and "
	    "not given up at once");
	is_int(outbox_retry(st, 999, err, sizeof(err)), -1, "retry of an "
	    "unknown id fails");
	like_str(err, "no outbox mail with id 999", "and says so");
	exec_ok(st, "UPDATE outbox SET status = 'sent'");
	is_int(outbox_retry(st, id, err, sizeof(err)), -1, "retry of a sent "
	    "row fails");
	like_str(err, "already sent", "and says so");
	exec_ok(st, "UPDATE outbox SET status = 'sending'");
	is_int(outbox_retry(st, id, err, sizeof(err)), -1, "retry of a row "
	    "being sent fails");

	/* Server down: every due row gets its attempt in one flush. */
	exec_ok(st, "UPDATE outbox SET status = 'queued', attempts = 0");
	clock_fix(q_int(st, "SELECT next_attempt_at FROM outbox WHERE id = ?1",
	    id));
	queue(st, a, 1, 1, 0, 0, &id2);
	queue(st, a, 1, 1, 0, 0, &id2);
	outbox_flush(st, cfg, &stats, err, sizeof(err));
	is_int(stats.rows, 3, "server down: all three due rows attempted");
	is_int(stats.deferred, 3, "and deferred");
	is_int(q_int(st, "SELECT count(*) FROM outbox WHERE attempts = 1 AND "
	    "status = 'queued'", 0), 3, "one attempt counted each");
	is_int(strncmp(q_text(st, "SELECT last_error FROM outbox WHERE id = ?1",
	    id), "smtp://127.0.0.1:1: Couldn't connect", 36), 0,
	    "the same answer for both recipients is said once, first");
	exec_ok(st, "DELETE FROM outbox WHERE id <> (SELECT min(id) FROM "
	    "outbox)");
	exec_ok(st, "UPDATE outbox SET status = 'sending'");

	/* A 'sending' row left by a dead process. */
	{
		int n = -1;

		is_int(outbox_recover(st, &n, err, sizeof(err)), 0, "recover");
		is_int(n, 1, "one interrupted row found");
		is_str(q_text(st, "SELECT status FROM outbox WHERE id = ?1",
		    id), "queued", "queued again");
	}
	/* An expired lease is taken again without recover. */
	exec_ok(st, "UPDATE outbox SET status = 'sending'");
	clock_fix(q_int(st, "SELECT next_attempt_at FROM outbox WHERE id = ?1",
	    id) + 1);
	outbox_flush(st, cfg, &stats, err, sizeof(err));
	is_int(stats.rows, 1, "a 'sending' row past its lease is attempted");
	exec_ok(st, "DELETE FROM outbox; DELETE FROM events");
}

static void
test_list(struct store *st)
{
	const char *a[] = { "holder@example.org" };
	struct outbox_entry *e = NULL;
	size_t n = 0;
	int64_t id1, id2;

	clock_fix(local_time("2026-03-25 10:00"));
	queue(st, a, 1, 1, 0, 0, &id1);
	queue(st, a, 1, 1, 0, 0, &id2);
	exec_ok(st, "UPDATE outbox SET status = 'failed', last_error = "
	    "'holder@example.org: 550 5.1.1 no such user' WHERE id = "
	    "(SELECT min(id) FROM outbox)");
	is_int(outbox_list(st, NULL, &e, &n, err, sizeof(err)), 0, "list");
	is_int(n, 2, "two rows");
	if (n == 2) {
		is_int(e[0].id, id2, "newest first");
		is_str(e[0].status, "queued", "status");
		is_str(e[0].subject, "[CDP-2026-0001] Réunion du groupe ok",
		    "subject: folded, encoded words decoded");
		is_str(e[0].to, "Camille <holder@example.org>, Dominique "
		    "<volunteer1@example.org>", "To: unfolded");
		is_str(e[0].recipients, "[\"holder@example.org\"]",
		    "recipients");
		is_str(e[0].template, "test", "template");
		is_str(e[1].last_error, "holder@example.org: 550 5.1.1 no such "
		    "user", "last error");
	}
	outbox_list_free(e, n);
	is_int(outbox_list(st, "failed", &e, &n, err, sizeof(err)), 0,
	    "list --status failed");
	is_int(n, 1, "one failed row");
	if (n == 1)
		is_int(e[0].id, id1, "the failed one");
	outbox_list_free(e, n);
	exec_ok(st, "DELETE FROM outbox");
}

int
main(void)
{
	struct store *st = NULL;
	char db[512], dir[512];

	if (getcwd(dir, sizeof(dir)) == NULL)
		return 1;
	clock_set_zone("Europe/Paris");
	scratch_make("outbox");
	snprintf(db, sizeof(db), "%s", path_in("outbox.db"));
	/* Port 1 on loopback: connection refused at once, a temporary
	 * failure like a server that is down. */
	cfg = config_from("[network]\ncontact = coupdepouce@example.org\n"
	    "working_hours = 08:00-20:00\n"
	    "[imap]\nurl = imaps://127.0.0.1:1\n"
	    "[smtp]\nurl = smtp://127.0.0.1:1\ntimeout = 5s\n"
	    "[storage]\ndatabase = %s\n", db);
	if (cfg == NULL)
		return 1;
	if (store_open(db, &st, err, sizeof(err)) != 0) {
		printf("# store: %s\n", err);
		return 1;
	}
	test_hold();
	test_enqueue(st);
	test_rate(st);
	test_cap_rule(st, dir);
	test_one_write(st, dir);
	test_backoff(st);
	test_list(st);
	store_close(st);
	config_free(cfg);
	scratch_remove();
	return tap_done();
}
