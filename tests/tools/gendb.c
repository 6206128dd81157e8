/*
 * gendb.c — a database of many years of activity, to measure the daemon
 * at scale (scripts/bench_scale.sh) and to check that its queries use
 * indexes (tests/integration/scale_plans.sh).
 *
 *   gendb DB [--cases N] [--messages N] [--events N] [--outbox N]
 *       [--raw BYTES] [--domain D] [--now EPOCH] [--seed S]
 *
 * DB must not exist: it is created with store_open(), so it has exactly
 * the daemon's schema and version.  Defaults: 100 000 cases, 1 000 000
 * received mails, 2 000 000 events, half as many sent mails as received,
 * 2 048 bytes of raw mail each (0: no raw text, as after retention), the
 * domain example.org, now the current time.  Cases spread over the ten
 * years before now; 60 referents, 400 volunteers, 3 coordinators and a
 * holder for every few cases share them.  The cases of the last months
 * are still open, at most three per referent, so routing a new case has
 * candidates as in a live network; older ones ended.  Received mails
 * answer sent ones (In-Reply-To a token Message-ID, or a subject tag),
 * events are of the kinds casework writes with the same details, and
 * done and pending timers, meetings, milestones and testimonies go with
 * the cases.  Everything is one transaction without sync, in rollback
 * journal mode (a WAL would hold the whole database once more before the
 * checkpoint; the store's defensive mode forbids no journal at all): the
 * file is scratch until the end.  The schema's indexes are made after
 * the rows (gen_drop_indexes()), and Message-IDs begin with their
 * number so that their unique indexes grow at one end.  Prints the
 * counts and seconds taken.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "store/store.h"

#define GEN_REFERENTS	60
#define GEN_VOLUNTEERS	400
#define GEN_COORDS	3
#define GEN_OPEN_DAYS	120	/* cases younger than this may be open */
#define GEN_OPEN_MAX	3	/* open cases per referent at most */
#define DAY		86400LL

static const char *const gen_themes[] = { "energie", "alimentation",
    "mobilite", "habitat", "dechets", "eau", "biodiversite", "lien_social",
    "economie_locale" };
#define GEN_NTHEMES	(sizeof(gen_themes) / sizeof(gen_themes[0]))
static const char *const gen_communes[] = { "Ambert", "Thiers", "Arlanc",
    "Courpière", "Cunlhat", "Billom", "Marsac-en-Livradois", "Olliergues",
    "Saint-Anthème", "Viverols", "Vollore-Ville", "Sauxillanges" };
#define GEN_NCOMMUNES	(sizeof(gen_communes) / sizeof(gen_communes[0]))
static const char *const gen_event_kinds[] = { "command", "note",
    "invited", "answer", "state", "mail_capped", "bounce", "introduced",
    "contact", "roadmap", "milestone_done", "inactivity_followup",
    "inactive", "decision_late", "commitment", "possible_duplicate" };
#define GEN_NKINDS	(sizeof(gen_event_kinds) / sizeof(gen_event_kinds[0]))

struct gen_opts {
	long long	 cases, messages, events, outbox, raw, now, seed;
	const char	*domain;
};

/* The statements, prepared once and reset for every row. */
enum gen_stmt { S_PERSON, S_ROLE, S_CASE, S_MEMBER, S_MSG, S_OUT, S_EVENT,
    S_JOB, S_MEETING, S_MILESTONE, S_TESTIMONY, S_SEQ, GEN_NSTMT };

static const char *const gen_sql[GEN_NSTMT] = {
	[S_PERSON] = "INSERT INTO persons (id, email, name, themes, communes, "
	    "charter_signed_at, created_at, updated_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?7)",
	[S_ROLE] = "INSERT INTO person_roles (person_id, role, since, source) "
	    "VALUES (?1, ?2, ?3, 'file')",
	[S_CASE] = "INSERT INTO cases (id, ref, year, seq, kind, state, "
	    "state_since, holder_id, referent_id, contact_id, themes, commune, "
	    "subject, reason, created_at, updated_at, last_activity_at, "
	    "closed_at) VALUES (?1, printf('CDP-%04d-%04d', ?2, ?3), ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16)",
	[S_MEMBER] = "INSERT OR IGNORE INTO case_members (case_id, person_id, "
	    "role, status, invited_at, answered_at) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6)",
	[S_MSG] = "INSERT INTO messages (direction, case_id, person_id, "
	    "message_id, in_reply_to, refs, subject, from_name, from_address, "
	    "date, auto, matched_by, content_hash, raw, new_text, imap_folder, "
	    "imap_uidvalidity, imap_uid, received_at) VALUES ('in', ?1, ?2, "
	    "?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'Traités', 1, "
	    "?14, ?8)",
	[S_OUT] = "INSERT INTO outbox (id, case_id, person_id, template, "
	    "sender, recipients, message_id, message, status, attempts, "
	    "next_attempt_at, created_at, sent_at, copied_at) VALUES (?1, ?2, "
	    "?3, ?4, ?5, json_array(?6), ?7, ?8, 'sent', 1, ?9, ?9, ?9, ?9)",
	[S_EVENT] = "INSERT INTO events (case_id, at, actor_id, kind, msg_id, "
	    "details) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_JOB] = "INSERT INTO jobs (kind, case_id, person_id, due_at, done_at, "
	    "payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_MEETING] = "INSERT INTO meetings (case_id, uid, starts_at, location, "
	    "reminders_sent, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, "
	    "2, ?5, ?5)",
	[S_MILESTONE] = "INSERT INTO milestones (case_id, kind, due_at, label, "
	    "state, reminded_at, asked_at, created_at) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?6, ?7)",
	[S_TESTIMONY] = "INSERT INTO testimonies (case_id, person_id, asked_at, "
	    "answer, answered_at, themes, commune) VALUES (?1, ?2, ?3, ?4, ?3, "
	    "?5, ?6)",
	[S_SEQ] = "INSERT INTO case_seq (year, last_seq) VALUES (?1, ?2) "
	    "ON CONFLICT (year) DO UPDATE SET last_seq = max(last_seq, ?2)",
};

struct gen {
	struct gen_opts		 o;
	struct store		*st;
	struct store_stmt	*s[GEN_NSTMT];
	unsigned long long	 rng;
	long long		 holders, first_holder, first_volunteer;
	long long		 msg_id, out_id;	/* last ids given */
	long long		 nmsg, nout, nevent, njob;
	int			 open[GEN_REFERENTS];
	struct buf		 raw;
	struct buf		 indexes;	/* CREATE INDEX ...; of the
						 * schema, run at the end */
	char			 err[512];
};

/* xorshift64*: reproducible for a seed, and fast enough for millions. */
static unsigned long long
gen_rand(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static long long
gen_below(struct gen *g, long long n)
{
	return n > 0 ? (long long)(gen_rand(g) % (unsigned long long)n) : 0;
}

/* Binds a row's values to statement k, ?1 first, and steps it. */
static int
gen_row(struct gen *g, enum gen_stmt k, const struct store_arg *a, size_t n)
{
	int rc = 0;

	if (store_bind_args(g->s[k], a, n, g->err, sizeof(g->err)) != 0)
		rc = -1;
	else if (store_step(g->s[k]) != STORE_DONE) {
		snprintf(g->err, sizeof(g->err), "%s: %s", gen_sql[k],
		    store_errmsg(g->st));
		rc = -1;
	}
	store_reset(g->s[k]);
	return rc;
}

/* A JSON array of 1 to `max` distinct names of `v`. */
static void
gen_pick_list(struct gen *g, const char *const *v, size_t nv, int max,
    char *out, size_t outlen)
{
	size_t first = (size_t)gen_below(g, (long long)nv), len;
	int n = 1 + (int)gen_below(g, max);

	len = (size_t)snprintf(out, outlen, "[");
	for (int i = 0; i < n && len < outlen; i++)
		len += (size_t)snprintf(out + len, outlen - len, "%s\"%s\"",
		    i ? "," : "", v[(first + (size_t)i * 3) % nv]);
	if (len < outlen)
		snprintf(out + len, outlen - len, "]");
}

/* The address of person `id`: its role and its number in the role, so
 * that a log or a mail of the benchmark tells who it is. */
static void
gen_email(const struct gen *g, long long id, char *out, size_t len)
{
	if (id <= GEN_REFERENTS)
		snprintf(out, len, "referent-%lld@%s", id, g->o.domain);
	else if (id < g->first_volunteer + GEN_VOLUNTEERS)
		snprintf(out, len, "volunteer-%lld@%s", id - GEN_REFERENTS,
		    g->o.domain);
	else if (id < g->first_holder)
		snprintf(out, len, "coordinator-%lld@%s", id - GEN_REFERENTS -
		    GEN_VOLUNTEERS, g->o.domain);
	else
		snprintf(out, len, "holder-%lld@%s", id - g->first_holder + 1,
		    g->o.domain);
}

static int
gen_person(struct gen *g, long long id, const char *what, long long n,
    const char *role, long long since)
{
	char email[128], name[64], themes[160], communes[256];

	gen_email(g, id, email, sizeof(email));
	snprintf(name, sizeof(name), "Prénom%lld Nom%lld", n, id);
	themes[0] = communes[0] = '\0';
	if (strcmp(what, "holder") == 0) {
		snprintf(themes, sizeof(themes), "[]");
		snprintf(communes, sizeof(communes), "[]");
	} else {
		gen_pick_list(g, gen_themes, GEN_NTHEMES, 3, themes,
		    sizeof(themes));
		gen_pick_list(g, gen_communes, GEN_NCOMMUNES, 4, communes,
		    sizeof(communes));
	}
	if (gen_row(g, S_PERSON, STORE_ARGS(STORE_INT(id), STORE_TEXT(email),
	    STORE_TEXT(name), STORE_TEXT(themes), STORE_TEXT(communes),
	    strcmp(what, "volunteer") == 0 ? STORE_INT(since) : STORE_NULL,
	    STORE_INT(since))) != 0)
		return -1;
	return gen_row(g, S_ROLE, STORE_ARGS(STORE_INT(id), STORE_TEXT(role),
	    STORE_INT(since)));
}

/* Persons: referents 1..60, volunteers next, coordinators, then
 * holders (several cases each, on average). */
static int
gen_people(struct gen *g)
{
	long long since = g->o.now - 11 * 365 * DAY, id = 0;

	g->first_volunteer = GEN_REFERENTS + 1;
	g->first_holder = GEN_REFERENTS + GEN_VOLUNTEERS + GEN_COORDS + 1;

	for (long long i = 1; i <= GEN_REFERENTS; i++)
		if (gen_person(g, ++id, "referent", i, "referent", since) != 0)
			return -1;
	for (long long i = 1; i <= GEN_VOLUNTEERS; i++)
		if (gen_person(g, ++id, "volunteer", i, "volunteer",
		    since) != 0)
			return -1;
	for (long long i = 1; i <= GEN_COORDS; i++)
		if (gen_person(g, ++id, "coordinator", i, "coordinator",
		    since) != 0)
			return -1;
	g->holders = g->o.cases * 3 / 4 + 1;
	for (long long i = 1; i <= g->holders; i++)
		if (gen_person(g, ++id, "holder", i, "holder", since) != 0)
			return -1;
	return 0;
}

/* A raw mail of about the configured size, and its hash. */
static void
gen_raw(struct gen *g, const char *msgid, const char *from,
    const char *subject, char hash[HASH_SHA256_HEX])
{
	static const char para[] = "Bonjour, nous avançons sur le projet "
	    "avec les voisins et la commune ; la prochaine étape est la "
	    "réunion publique du mois prochain.\r\n";

	buf_reset(&g->raw);
	if (g->o.raw > 0) {
		buf_printf(&g->raw, "From: %s\r\nTo: coupdepouce@%s\r\n"
		    "Subject: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n\r\n", from,
		    g->o.domain, subject, msgid);
		while ((long long)g->raw.len < g->o.raw)
			buf_add(&g->raw, para, sizeof(para) - 1);
		hash_sha256_hex(buf_str(&g->raw), g->raw.len, hash);
	} else
		hash_sha256_hex(msgid, strlen(msgid), hash);
}

struct gen_case {
	long long	 id, at, end, holder, referent, volunteer;
	int		 year, open;
	const char	*state;
	char		 ref[48], subject[96];
};

/* A mail we sent in the case, its token Message-ID in `msgid`. */
static int
gen_sent(struct gen *g, const struct gen_case *c, long long at,
    long long to, const char *tpl, char *msgid, size_t len)
{
	char rcpt[96], hash[HASH_SHA256_HEX];

	g->out_id++;
	gen_email(g, to, rcpt, sizeof(rcpt));
	snprintf(msgid, len, "cdp.%010lld.%lld.%lld.%012llx%012llx@%s",
	    g->out_id, c->id, to, gen_rand(g) & 0xffffffffffffULL,
	    gen_rand(g) & 0xffffffffffffULL, g->o.domain);
	gen_raw(g, msgid, "coupdepouce", c->subject, hash);
	g->nout++;
	return gen_row(g, S_OUT, STORE_ARGS(STORE_INT(g->out_id),
	    STORE_INT(c->id), STORE_INT(to), STORE_TEXT(tpl),
	    STORE_TEXT("coupdepouce"), STORE_TEXT(rcpt), STORE_TEXT(msgid),
	    STORE_BLOB(buf_str(&g->raw), g->raw.len), STORE_INT(at)));
}

/* A mail received in the case: the request (first), then answers to
 * `parent`, by token or by tag. */
static int
gen_received(struct gen *g, const struct gen_case *c, long long at,
    long long from, const char *parent)
{
	char msgid[96], addr[96], subject[192], hash[HASH_SHA256_HEX];
	const char *how = "new", *autokind = "none";
	int first = parent == NULL;

	g->msg_id++;
	/* The number first: the unique index on Message-IDs then grows at
	 * its end instead of at a random place of a million entries. */
	snprintf(msgid, sizeof(msgid), "%010lld.%016llx@mail.example.net",
	    g->msg_id, gen_rand(g));
	gen_email(g, from, addr, sizeof(addr));
	if (first)
		snprintf(subject, sizeof(subject), "%s", c->subject);
	else {
		how = gen_below(g, 3) == 0 ? "tag" : "token";
		snprintf(subject, sizeof(subject), "RE: [%s] %s", c->ref,
		    c->subject);
		if (gen_below(g, 40) == 0)
			autokind = "auto-reply";
	}
	gen_raw(g, msgid, addr, subject, hash);
	g->nmsg++;
	return gen_row(g, S_MSG, STORE_ARGS(STORE_INT(c->id), STORE_INT(from),
	    STORE_TEXT(msgid), strcmp(how, "token") == 0 ?
	    STORE_TEXT(parent) : STORE_NULL, STORE_TEXT(subject),
	    STORE_TEXT("Prénom Nom"), STORE_TEXT(addr), STORE_INT(at),
	    STORE_TEXT(autokind), STORE_TEXT(how), STORE_TEXT(hash),
	    g->o.raw > 0 ? STORE_BLOB(buf_str(&g->raw), g->raw.len) :
	    STORE_BLOB("", 0), STORE_TEXT(g->o.raw > 0 ? "D'accord pour "
	    "jeudi, merci." : NULL), STORE_INT(g->msg_id)));
}

/* The details JSON casework writes for an event of `kind`. */
static void
gen_details(struct gen *g, const char *kind, const struct gen_case *c,
    char *out, size_t len)
{
	if (strcmp(kind, "command") == 0)
		snprintf(out, len, "{\"command\":\"STATUT\",\"text\":\"STATUT"
		    "\",\"outcome\":\"%s\"}", gen_below(g, 5) ? "done" :
		    "refused");
	else if (strcmp(kind, "state") == 0)
		snprintf(out, len, "{\"from\":\"analysis\",\"to\":\"forming\","
		    "\"by\":\"referent\"}");
	else if (strcmp(kind, "invited") == 0 || strcmp(kind, "answer") == 0)
		snprintf(out, len, "{\"person\":\"%lld\",\"answer\":\"%s\"}",
		    c->volunteer, gen_below(g, 2) ? "yes" : "no");
	else if (strcmp(kind, "mail_capped") == 0)
		snprintf(out, len, "{\"template\":\"transcript\",\"address\":"
		    "\"person-%lld@%s\",\"day\":\"2020-01-01\"}", c->holder,
		    g->o.domain);
	else if (strcmp(kind, "bounce") == 0)
		snprintf(out, len, "{\"address\":\"person-%lld@%s\","
		    "\"status\":\"5.1.1\"}", c->holder, g->o.domain);
	else if (strcmp(kind, "introduced") == 0)
		out[0] = '\0';
	else
		snprintf(out, len, "{\"text\":\"%s\"}", kind);
}

static int
gen_event(struct gen *g, const struct gen_case *c, long long at,
    long long actor, const char *kind, const char *details)
{
	g->nevent++;
	return gen_row(g, S_EVENT, STORE_ARGS(STORE_ID(c ? c->id : 0),
	    STORE_INT(at), STORE_ID(actor), STORE_TEXT(kind), STORE_NULL,
	    details && *details ? STORE_TEXT(details) : STORE_NULL));
}

static int
gen_assigned(struct gen *g, const struct gen_case *c, long long at,
    long long referent)
{
	char d[64];

	snprintf(d, sizeof(d), "{\"referent_id\":\"%lld\"}", referent);
	return gen_event(g, c, at, 0, "assigned", d);
}

static int
gen_job(struct gen *g, const char *kind, long long case_id, long long who,
    long long due, long long done, long long created)
{
	g->njob++;
	return gen_row(g, S_JOB, STORE_ARGS(STORE_TEXT(kind), STORE_ID(case_id),
	    STORE_ID(who), STORE_INT(due), done ? STORE_INT(done) : STORE_NULL,
	    STORE_NULL, STORE_INT(created)));
}

/* The state of a case opened at `at`: open ones are young and spread
 * over the referents; the others ended, most of them closed. */
static void
gen_state(struct gen *g, struct gen_case *c)
{
	static const char *const open[] = { "analysis", "forming", "meeting",
	    "active", "active" };
	long long r = gen_below(g, 100);

	c->open = 0;
	if (c->at > g->o.now - GEN_OPEN_DAYS * DAY &&
	    g->open[c->referent - 1] < GEN_OPEN_MAX && r < 60) {
		c->open = 1;
		g->open[c->referent - 1]++;
		c->state = open[gen_below(g, 5)];
		c->end = g->o.now;
		return;
	}
	c->state = r < 65 ? "closed" : r < 85 ? "withdrawn" : "ineligible";
	c->end = c->at + (30 + gen_below(g, 300)) * DAY;
	if (c->end > g->o.now)
		c->end = g->o.now;
}

static int
gen_members(struct gen *g, const struct gen_case *c)
{
	if (gen_row(g, S_MEMBER, STORE_ARGS(STORE_INT(c->id),
	    STORE_INT(c->holder), STORE_TEXT("holder"),
	    STORE_TEXT("accepted"), STORE_NULL, STORE_NULL)) != 0 ||
	    gen_row(g, S_MEMBER, STORE_ARGS(STORE_INT(c->id),
	    STORE_INT(c->referent), STORE_TEXT("referent"),
	    STORE_TEXT("accepted"), STORE_NULL, STORE_NULL)) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		long long v = g->first_volunteer + gen_below(g,
		    GEN_VOLUNTEERS);
		const char *status = gen_below(g, 4) ? "accepted" :
		    "declined";

		if (gen_row(g, S_MEMBER, STORE_ARGS(STORE_INT(c->id),
		    STORE_INT(v), STORE_TEXT("volunteer"), STORE_TEXT(status),
		    STORE_INT(c->at + DAY), STORE_INT(c->at + 3 * DAY))) != 0)
			return -1;
	}
	return 0;
}

/* How many of `total` rows case number i (of n) gets: the same share
 * for each, the remainder to the first ones. */
static long long
gen_share(long long total, long long i, long long n)
{
	return total / n + (i < total % n);
}

/* Mails, events, timers and the rest of one case's life. */
static int
gen_case_life(struct gen *g, struct gen_case *c, long long i)
{
	long long nm = gen_share(g->o.messages, i, g->o.cases);
	long long no = gen_share(g->o.outbox, i, g->o.cases);
	long long ne = gen_share(g->o.events, i, g->o.cases);
	long long span = c->end > c->at ? c->end - c->at : 1, n;
	char last[160] = "", details[256];
	int rc = 0;

	if (nm > 0 && gen_received(g, c, c->at, c->holder, NULL) != 0)
		return -1;
	for (n = 0; n < no && rc == 0; n++)
		rc = gen_sent(g, c, c->at + span * n / (no + 1), n == 0 ?
		    c->holder : n == 1 ? c->referent : c->volunteer, n == 0 ?
		    "ack" : n == 1 ? "assignment" : "transcript", last,
		    sizeof(last));
	for (n = 1; n < nm && rc == 0; n++)
		rc = gen_received(g, c, c->at + span * n / nm, n % 2 ?
		    c->holder : c->referent, last[0] ? last : "none@x");
	/* The assignment; now and then first to another referent, who
	 * transferred it the next day. */
	n = 0;
	if (rc == 0 && ne > 1 && gen_below(g, 20) == 0) {
		rc = gen_assigned(g, c, c->at, 1 + c->referent % GEN_REFERENTS);
		n++;
	}
	if (rc == 0 && ne > 0) {
		rc = gen_assigned(g, c, c->at + DAY, c->referent);
		n++;
	}
	for (; n < ne && rc == 0; n++) {
		const char *kind = gen_event_kinds[gen_below(g, GEN_NKINDS)];

		gen_details(g, kind, c, details, sizeof(details));
		rc = gen_event(g, c, c->at + span * n / ne, c->referent, kind,
		    details);
	}
	if (rc != 0)
		return -1;
	/* The decision's timers, done; the open cases' next one. */
	if (gen_job(g, "decision_reminder", c->id, c->referent, c->at + 5 * DAY,
	    c->at + 5 * DAY, c->at) != 0 ||
	    gen_job(g, "inactivity_followup", c->id, c->holder,
	    c->end + 30 * DAY, c->open ? 0 : c->end, c->at) != 0)
		return -1;
	if (gen_below(g, 3) == 0) {
		char uid[64];

		snprintf(uid, sizeof(uid), "%s-1@%s", c->ref, g->o.domain);
		if (gen_row(g, S_MEETING, STORE_ARGS(STORE_INT(c->id),
		    STORE_TEXT(uid), STORE_INT(c->at + 20 * DAY),
		    STORE_TEXT("Mairie"), STORE_INT(c->at + 10 * DAY))) != 0 ||
		    gen_row(g, S_MILESTONE, STORE_ARGS(STORE_INT(c->id),
		    STORE_TEXT("milestone"), STORE_INT(c->at + 60 * DAY),
		    STORE_TEXT("Premier chantier"), STORE_TEXT(c->open ?
		    "planned" : "done"), c->open ? STORE_NULL :
		    STORE_INT(c->at + 59 * DAY), STORE_INT(c->at))) != 0)
			return -1;
	}
	if (strcmp(c->state, "closed") == 0 && gen_below(g, 5) == 0 &&
	    gen_row(g, S_TESTIMONY, STORE_ARGS(STORE_INT(c->id),
	    STORE_INT(c->holder), STORE_INT(c->end + 180 * DAY),
	    STORE_TEXT(gen_below(g, 2) ? "yes" : "no"),
	    STORE_TEXT("[\"energie\"]"), STORE_TEXT("Ambert"))) != 0)
		return -1;
	return 0;
}

static int
gen_cases(struct gen *g)
{
	long long span = 10 * 365 * DAY, seq = 0;
	int year = 0;

	for (long long i = 0; i < g->o.cases; i++) {
		struct gen_case c;
		char themes[160];
		time_t t;
		struct tm tm;

		memset(&c, 0, sizeof(c));
		c.id = i + 1;
		/* In order of time, as ids grow in a live database. */
		c.at = g->o.now - span + span * i / g->o.cases;
		t = (time_t)c.at;
		localtime_r(&t, &tm);
		if (tm.tm_year + 1900 != year) {
			year = tm.tm_year + 1900;
			seq = 0;
		}
		c.year = year;
		seq++;
		snprintf(c.ref, sizeof(c.ref), "CDP-%04d-%04lld", year, seq);
		c.holder = g->first_holder + gen_below(g, g->holders);
		c.referent = 1 + gen_below(g, GEN_REFERENTS);
		c.volunteer = g->first_volunteer + gen_below(g, GEN_VOLUNTEERS);
		snprintf(c.subject, sizeof(c.subject), "Projet de jardin "
		    "partagé n° %lld", c.id);
		gen_state(g, &c);
		gen_pick_list(g, gen_themes, GEN_NTHEMES, 2, themes,
		    sizeof(themes));
		if (gen_row(g, S_CASE, STORE_ARGS(STORE_INT(c.id),
		    STORE_INT(year), STORE_INT(seq), STORE_TEXT(gen_below(g,
		    10) ? "request" : "report"), STORE_TEXT(c.state),
		    STORE_INT(c.open ? c.at + DAY : c.end),
		    STORE_INT(c.holder), STORE_INT(c.referent),
		    STORE_INT(c.holder), STORE_TEXT(themes),
		    STORE_TEXT(gen_communes[gen_below(g, GEN_NCOMMUNES)]),
		    STORE_TEXT(c.subject), c.open ? STORE_NULL :
		    STORE_TEXT("Bilan : projet mené à bien."),
		    STORE_INT(c.at), STORE_INT(c.end),
		    c.open ? STORE_NULL : STORE_INT(c.end))) != 0 ||
		    gen_row(g, S_SEQ, STORE_ARGS(STORE_INT(year),
		    STORE_INT(seq))) != 0 ||
		    gen_members(g, &c) != 0 || gen_case_life(g, &c, i) != 0)
			return -1;
	}
	return 0;
}

/* Network-wide rows: the weekly digests (done, and the next one) and
 * events about people. */
static int
gen_network(struct gen *g)
{
	long long at;

	for (at = g->o.now - 10 * 365 * DAY; at < g->o.now; at += 7 * DAY)
		if (gen_job(g, "digest", 0, 0, at, at, at - 7 * DAY) != 0)
			return -1;
	if (gen_job(g, "digest", 0, 0, at, 0, at - 7 * DAY) != 0)
		return -1;
	for (long long p = 1; p < g->first_holder; p++)
		if (gen_event(g, NULL, g->o.now - 3000 * DAY, p,
		    "person_added", "{\"by\":\"file\"}") != 0)
			return -1;
	return 0;
}

/*
 * The schema's own indexes (not those of UNIQUE and PRIMARY KEY, which
 * have no SQL) are dropped before the rows go in and made again at the
 * end: one sort per index instead of a random insertion per row into
 * each of some forty b-trees.  Their SQL is kept in g->indexes.
 */
static int
gen_drop_indexes(struct gen *g)
{
	struct store_stmt *s;
	struct buf drop;
	int rc;

	s = store_query(g->st, "SELECT name, sql FROM sqlite_master WHERE "
	    "type = 'index' AND sql IS NOT NULL", NULL, 0, g->err,
	    sizeof(g->err));
	if (s == NULL)
		return -1;
	buf_init(&drop, 0);
	while ((rc = store_step(s)) == STORE_ROW) {
		buf_printf(&drop, "DROP INDEX \"%s\";", store_col_text(s, 0));
		buf_printf(&g->indexes, "%s;\n", store_col_text(s, 1));
	}
	if (rc < 0)
		snprintf(g->err, sizeof(g->err), "indexes: %s",
		    store_errmsg(g->st));
	store_finalize(s);
	if (rc >= 0 && store_exec(g->st, buf_str(&drop), g->err,
	    sizeof(g->err)) != 0)
		rc = -1;
	buf_free(&drop);
	return rc < 0 ? -1 : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gendb DB [--cases N] [--messages N] "
	    "[--events N] [--outbox N] [--raw BYTES] [--domain D] "
	    "[--now EPOCH] [--seed S]\n");
	exit(2);
}

static void
gen_parse(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "messages", required_argument, NULL, 'm' },
		{ "events", required_argument, NULL, 'e' },
		{ "outbox", required_argument, NULL, 'o' },
		{ "raw", required_argument, NULL, 'r' },
		{ "domain", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, outbox_set = 0;

	*o = (struct gen_opts){ 100000, 1000000, 2000000, 0, 2048,
	    (long long)time(NULL), 1, "example.org" };
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		long long v;

		if (ch == 'd') {
			o->domain = optarg;
			continue;
		}
		if (ch == '?' || ch == ':')
			usage();
		v = strtoll(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || v < 0)
			usage();
		switch (ch) {
		case 'c': o->cases = v; break;
		case 'm': o->messages = v; break;
		case 'e': o->events = v; break;
		case 'o': o->outbox = v; outbox_set = 1; break;
		case 'r': o->raw = v; break;
		case 'n': o->now = v; break;
		case 's': o->seed = v; break;
		}
	}
	if (!outbox_set)
		o->outbox = o->messages / 2;
	if (optind != argc - 1 || o->cases < 1)
		usage();
}

int
main(int argc, char **argv)
{
	struct gen g;
	struct timespec t0, t1;
	int rc = 1;

	memset(&g, 0, sizeof(g));
	log_init(LOG_PLAIN, 0);
	gen_parse(argc, argv, &g.o);
	g.rng = 0x9e3779b97f4a7c15ULL ^ (unsigned long long)g.o.seed;
	buf_init(&g.raw, 0);
	buf_init(&g.indexes, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (access(argv[optind], F_OK) == 0) {
		fprintf(stderr, "gendb: %s exists\n", argv[optind]);
		goto out;
	}
	if (store_open(argv[optind], &g.st, g.err, sizeof(g.err)) != 0)
		goto out;
	/* A scratch file until the end: no sync, and no WAL copy. */
	if (store_exec(g.st, "PRAGMA journal_mode = DELETE; PRAGMA synchronous "
	    "= OFF; PRAGMA cache_size = -262144; BEGIN", g.err,
	    sizeof(g.err)) != 0 || gen_drop_indexes(&g) != 0)
		goto out;
	for (int k = 0; k < GEN_NSTMT; k++)
		if ((g.s[k] = store_prepare(g.st, gen_sql[k], g.err,
		    sizeof(g.err))) == NULL)
			goto out;
	if (gen_people(&g) != 0 || gen_cases(&g) != 0 || gen_network(&g) != 0)
		goto out;
	for (int k = 0; k < GEN_NSTMT; k++) {
		store_finalize(g.s[k]);
		g.s[k] = NULL;
	}
	if (store_exec(g.st, buf_str(&g.indexes), g.err,
	    sizeof(g.err)) != 0 || store_exec(g.st, "COMMIT; PRAGMA "
	    "journal_mode = WAL", g.err, sizeof(g.err)) != 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("gendb: %lld cases, %lld persons, %lld messages, %lld sent, "
	    "%lld events, %lld jobs in %.1f s\n", g.o.cases, g.first_holder -
	    1 + g.holders, g.nmsg, g.nout, g.nevent, g.njob,
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "gendb: %s\n", g.err);
	for (int k = 0; k < GEN_NSTMT; k++)
		store_finalize(g.s[k]);
	store_close(g.st);
	buf_free(&g.raw);
	buf_free(&g.indexes);
	return rc;
}
