/*
 * test_digest.c — when the digest goes out (timers/digest.h,
 * digest_next_slot): the first one at the next digest_day at
 * digest_time, then one interval after the last run, counted from when
 * it ran (a late run does not make the next one late, nor early), across
 * a change of summer time, with other days, times and intervals.  And
 * who came into the pool since the last digest (timers/digest_data.h):
 * a newcomer through an invitation with its case, a charter signed, not
 * what happened before nor a forgotten person; the unavailable marked in
 * the pool; a newcomer alone is news.  With 25 000 witnesses, the 20
 * latest are listed and the others counted: the digest still renders.  The rest of what it says is
 * tested from a seeded database (digest_print.sh) and through the real
 * servers (digest_mail.sh).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "out/template.h"
#include "store/person_db.h"
#include "tap.h"
#include "testutil.h"
#include "timers/digest.h"
#include "timers/digest_data.h"

static void
slot(const struct config *cfg, const char *now, int after_run,
    const char *want, const char *name)
{
	is_int((long long)digest_next_slot(cfg, (long long)local_time(now),
	    after_run), (long long)local_time(want), name);
}

/* exec_ok() of a printf-built statement. */
static void __attribute__((format(printf, 2, 3)))
exec_f(struct store *st, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	exec_ok(st, sql);
}

/* A person of the pool: volunteer, theme alimentation. */
static int64_t
volunteer(struct store *st, const char *email, const char *name)
{
	char err[512];
	int64_t id = 0;

	if (person_ensure(st, email, name, 1000, &id, err, sizeof(err)) != 0 ||
	    person_add_role(st, id, "volunteer", PERSON_SRC_DB, 1000, err,
	    sizeof(err)) != 0)
		printf("# %s: %s\n", email, err);
	exec_f(st, "UPDATE persons SET themes = '[\"alimentation\"]' WHERE "
	    "id = %lld", (long long)id);
	return id;
}

static void
joined_event(struct store *st, int64_t id, const char *ref, long long at)
{
	const char *kv[] = { "ref", ref, "via", "invitation" };
	char err[512];

	if (person_event(st, id, PERSON_BY_SELF, id, "joined_pool", 0, kv, 4,
	    at, err, sizeof(err)) != 0)
		printf("# joined_pool: %s\n", err);
}

/* The line of l whose b (address) is `address`, or NULL. */
static const struct digest_line *
line_of(const struct digest_list *l, const char *address)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].b != NULL && strcmp(l->v[i].b, address) == 0)
			return &l->v[i];
	return NULL;
}

/* The digest of d as its coordinators get it: *body the text, and *html
 * the HTML alternative when html is not NULL (both freed by the caller).
 * 0, or -1 with err. */
static int
render(struct digest *d, char **body, char **html, char *err, size_t errlen)
{
	struct template_set *ts = NULL;
	struct tpl_data *t = tpl_data_new();
	char *subject = NULL;
	int rc = -1;

	digest_render(d, NULL, t);
	tpl_set(t, "network_name", "Coup de pouce");
	tpl_set(t, "contact", "c@x.fr");
	if (template_load_dir("templates", &ts, err, errlen) == 0 &&
	    template_render(ts, "digest", t, 0, &subject, body, err,
	    errlen) == 0 && (html == NULL || template_render_html(ts,
	    "digest", t, html, err, errlen) == 0))
		rc = 0;
	free(subject);
	template_set_free(ts);
	tpl_data_free(t);
	return rc;
}

static void
test_joined(void)
{
	long long since = local_time("2026-11-30 08:00");
	long long now = local_time("2026-12-07 08:00");
	const struct digest_line *x;
	struct store *st = NULL;
	struct digest d;
	char err[4096], *body = NULL;
	int64_t newc, old, gone, busy, away, back;

	if (store_open(path_in("digest.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	newc = volunteer(st, "newcomer@x.fr", "");
	old = volunteer(st, "old@x.fr", "Odile Ancienne");
	gone = volunteer(st, "gone@x.fr", "");
	busy = volunteer(st, "busy@x.fr", "Bruno Occupé");
	away = volunteer(st, "away@x.fr", "Anne Absente");
	back = volunteer(st, "back@x.fr", "Rémi Revenu");
	/* The newcomer joined on Tuesday with the charter; an old hand
	 * joined before the last digest; a forgotten one since. */
	joined_event(st, newc, "CDP-2026-0007", local_time("2026-12-01 10:00"));
	exec_f(st, "UPDATE persons SET charter_signed_at = %lld WHERE id = "
	    "%lld", (long long)local_time("2026-12-01 10:00"), (long long)newc);
	joined_event(st, old, "CDP-2026-0001", local_time("2026-11-20 10:00"));
	joined_event(st, gone, "CDP-2026-0002", local_time("2026-12-02 10:00"));
	exec_f(st, "UPDATE persons SET forgotten_at = 1 WHERE id = %lld",
	    (long long)gone);
	/* busy: until 15/01/2027; away: until further notice; back: was
	 * unavailable until yesterday. */
	exec_f(st, "UPDATE persons SET unavailable = 1, unavailable_until = "
	    "CASE id WHEN %lld THEN %lld WHEN %lld THEN %lld END WHERE id IN "
	    "(%lld, %lld, %lld)", (long long)busy,
	    (long long)local_time("2027-01-15 00:00"), (long long)back,
	    (long long)local_time("2026-12-06 00:00"), (long long)busy,
	    (long long)away, (long long)back);

	if (!ok(digest_load(st, now, since, 0, 40, &d, err, sizeof(err)) ==
	    0 && digest_load_pool(st, &d, err, sizeof(err)) == 0,
	    "the digest loads"))
		printf("# %s\n", err);
	is_int((long long)d.joined.n, 1, "one person joined since");
	x = line_of(&d.joined, "newcomer@x.fr");
	if (ok(x != NULL, "the newcomer")) {
		is_str(x->ref, "CDP-2026-0007", "with the case that brought them");
		is_str(x->flag1 ? x->flag1 : "(null)", "is_newcomer",
		    "as a newcomer");
		is_str(x->flag2 ? x->flag2 : "(null)", "charter_signed",
		    "who signed the charter");
		is_int(x->at, local_time("2026-12-01 10:00"), "when");
	}
	ok(digest_is_empty(&d) == 0, "a newcomer alone is news");
	x = line_of(&d.pool_theme, "Bruno Occupé");
	ok(x != NULL && x->flag1 != NULL && strcmp(x->flag1, "unavailable")
	    == 0 && x->at == local_time("2027-01-15 00:00"),
	    "unavailable until a date, marked in the pool");
	x = line_of(&d.pool_theme, "Anne Absente");
	ok(x != NULL && x->flag1 != NULL && x->at == 0,
	    "unavailable until further notice");
	x = line_of(&d.pool_theme, "Rémi Revenu");
	ok(x != NULL && x->flag1 == NULL, "available again after the date");

	if (render(&d, &body, NULL, err, sizeof(err)) != 0) {
		ok(0, err);
	} else {
		like_str(body, "newcomer@x.fr, le 01/12/2026\xc2\xa0: a rejoint "
		    "le vivier en acceptant une invitation (dossier "
		    "CDP-2026-0007) et signé la charte", "the text says who and "
		    "which case");
		like_str(body, "Bruno Occupé (0, indisponible jusqu'au "
		    "15/01/2027)", "the text marks the unavailable");
		like_str(body, "Anne Absente (0, indisponible jusqu'à nouvel "
		    "ordre)", "until further notice");
		like_str(body, "Rémi Revenu (0),", "and not who is back");
	}
	free(body);
	digest_free(&d);

	/* Nothing else happened: the newcomer's line alone makes it go. */
	if (digest_load(st, now, local_time("2026-12-02 08:00"), 0, 40, &d,
	    err, sizeof(err)) == 0 && digest_load_pool(st, &d, err,
	    sizeof(err)) == 0)
		ok(digest_is_empty(&d) == 1, "nothing new since: nothing sent");
	digest_free(&d);
	store_close(st);
}

/* The line of `body` that starts with `prefix` (a static copy), or "". */
static const char *
body_line(const char *body, const char *prefix)
{
	static char line[512];
	const char *p = body;

	line[0] = '\0';
	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (strncmp(p, prefix, strlen(prefix)) == 0 &&
		    len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			break;
		}
		p = end ? end + 1 : NULL;
	}
	return line;
}

/* Ten years of witnesses, far more than a digest can list: w1 the
 * latest, w1 and w2 new since the last digest, w25001 forgotten. */
static void
test_witnesses(void)
{
	long long since = local_time("2026-11-30 08:00");
	long long now = local_time("2026-12-07 08:00");
	struct store *st = NULL;
	struct digest d;
	char err[4096], *body = NULL;

	if (store_open(path_in("witnesses.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	exec_f(st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 25001) INSERT INTO persons (id, email, name, "
	    "forgotten_at, created_at, updated_at) SELECT i, 'w' || i || "
	    "'@x.fr', 'W' || i, CASE i WHEN 25001 THEN 1 END, 0, 0 FROM n; "
	    "INSERT INTO cases (id, ref, year, seq, kind, state, state_since, "
	    "holder_id, themes, commune, created_at, updated_at, "
	    "last_activity_at, closed_at) SELECT id, printf('CDP-2000-%%04d', "
	    "id), 2000, id, 'request', 'closed', 0, id, '[\"eau\"]', 'Thiers', "
	    "0, 0, 0, 1 FROM persons; "
	    "INSERT INTO testimonies (case_id, person_id, answer, answered_at, "
	    "themes, commune) SELECT id, id, 'yes', CASE WHEN id <= 2 THEN "
	    "%lld - id ELSE %lld - id * 60 END, themes, commune FROM cases",
	    now, since);
	if (!ok(digest_load(st, now, since, 0, 40, &d, err, sizeof(err)) ==
	    0 && digest_load_pool(st, &d, err, sizeof(err)) == 0,
	    "25 000 witnesses: the digest loads"))
		printf("# %s\n", err);
	is_int((long long)d.witnesses.n, DIGEST_WITNESSES_MAX,
	    "the latest 20 listed");
	is_str(d.witnesses.n ? d.witnesses.v[0].a : "", "W1",
	    "the latest first");
	is_int(d.witnesses_total, 25000, "all counted, not the forgotten one");
	is_int(d.witnesses_new, 2, "the new ones counted");
	if (render(&d, &body, NULL, err, sizeof(err)) != 0) {
		ok(0, err);
	} else {
		is_str(body_line(body, "Témoins prêts"), "Témoins prêts à "
		    "partager leur expérience (25000)\xc2\xa0:",
		    "the heading counts them all");
		is_str(body_line(body, "  … et"), "  … et 24980 autres, plus "
		    "anciens.", "then says how many are not listed");
	}
	free(body);
	digest_free(&d);
	store_close(st);
}

/* Occurrences of needle in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)) != NULL;
	    p += strlen(needle))
		n++;
	return n;
}

/* A year of cases ended since the last digest, far more than a mail can
 * list: the heading counts them all, the first DIGEST_LINES_MAX are
 * listed, the others counted, in the text and in the HTML. */
static void
test_ended_cap(void)
{
	long long since = local_time("2026-11-30 08:00");
	long long now = local_time("2026-12-07 08:00");
	struct store *st = NULL;
	struct digest d;
	char err[4096], *body = NULL, *html = NULL;

	if (store_open(path_in("ended.db"), &st, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	exec_f(st, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	    "FROM n WHERE i < 120) INSERT INTO persons (id, email, name, "
	    "created_at, updated_at) SELECT i, 'h' || i || '@x.fr', 'H' || i, "
	    "0, 0 FROM n; INSERT INTO cases (id, ref, year, seq, kind, state, "
	    "state_since, holder_id, themes, commune, created_at, updated_at, "
	    "last_activity_at, closed_at) SELECT id, printf('CDP-2001-%%04d', "
	    "id), 2001, id, 'request', 'closed', 0, id, '[\"eau\"]', "
	    "'Thiers', 0, 0, %lld, %lld + id FROM persons", now, since);
	if (!ok(digest_load(st, now, since, 0, 40, &d, err, sizeof(err)) ==
	    0, "120 ended cases: the digest loads"))
		printf("# %s\n", err);
	is_int((long long)d.ended.n, 120, "all of them loaded");
	if (render(&d, &body, &html, err, sizeof(err)) != 0) {
		ok(0, err);
	} else {
		is_str(body_line(body, "Dossiers terminés"), "Dossiers "
		    "terminés (120)\xc2\xa0:", "the heading counts them all");
		is_int(count_of(body, "CDP-2001-"), DIGEST_LINES_MAX,
		    "the text lists the first 50");
		is_str(body_line(body, "  … et encore"), "  … et encore 70, "
		    "que cette synthèse ne détaille pas.",
		    "then says how many more there are");
		is_int(count_of(html, "CDP-2001-"), DIGEST_LINES_MAX,
		    "the HTML lists the first 50");
		is_int(count_of(html, "… et encore 70, que cette synthèse ne "
		    "détaille pas."), 1, "and says how many more there are");
	}
	free(body);
	free(html);
	digest_free(&d);
	store_close(st);
}

int
main(void)
{
	struct config *cfg;

	scratch_make("digest");
	cfg = config_from("[network]\ncontact = c@example.org\n[imap]\n"
	    "url = imaps://127.0.0.1:1\n[smtp]\nurl = smtp://127.0.0.1:1\n");
	if (cfg == NULL)
		return 1;
	clock_set_zone(cfg->network.timezone);

	/* Weekly, Monday 08:00 (the defaults). */
	slot(cfg, "2026-12-01 10:00", 0, "2026-12-07 08:00",
	    "first: the next Monday 08:00");
	slot(cfg, "2026-12-07 07:59", 0, "2026-12-07 08:00",
	    "first, on a Monday before 08:00: that day");
	slot(cfg, "2026-12-07 08:00", 0, "2026-12-07 08:00",
	    "first, at the slot itself: now");
	slot(cfg, "2026-12-07 08:00", 1, "2026-12-14 08:00",
	    "after a run: next week");
	slot(cfg, "2027-03-30 08:00", 1, "2027-04-05 08:00",
	    "after a run moved to Tuesday by Easter Monday: next Monday");
	slot(cfg, "2027-03-22 08:00", 1, "2027-03-29 08:00",
	    "across the change to summer time: still 08:00");
	slot(cfg, "2026-12-31 23:30", 1, "2027-01-04 08:00",
	    "across the new year");

	/* Every other Friday at 17:30. */
	cfg->timers.digest_day = 5;
	cfg->timers.digest_time = 17 * 60 + 30;
	cfg->timers.digest_interval = 14;
	slot(cfg, "2026-12-07 08:00", 0, "2026-12-11 17:30",
	    "first: the next Friday 17:30");
	slot(cfg, "2026-12-11 17:30", 1, "2026-12-25 17:30",
	    "fortnightly: two weeks later");

	/* Daily at 07:00: the day of the week does not matter. */
	cfg->timers.digest_interval = 1;
	cfg->timers.digest_time = 7 * 60;
	slot(cfg, "2026-12-07 06:00", 0, "2026-12-07 07:00",
	    "daily, first: today");
	slot(cfg, "2026-12-07 07:00", 1, "2026-12-08 07:00",
	    "daily, after a run: tomorrow");
	cfg->timers.digest_interval = 3;
	slot(cfg, "2026-12-07 07:00", 1, "2026-12-10 07:00",
	    "every three days");

	test_joined();
	test_witnesses();
	test_ended_cap();
	config_free(cfg);
	scratch_remove();
	return tap_done();
}
