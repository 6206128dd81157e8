/*
 * cmd_reprocess.c — `coupdepouce reprocess --since DATE [--db SCRATCH]`:
 * the mails received since DATE read again with the current rules, to
 * try new rules safely (DESIGN.md §6).
 *
 * The database is copied (store_backup.h) and only the copy is used
 * afterwards: the real database is read once, by the copy, and never
 * written.  Each stored mail is replayed (fetch/replay.h: parsing,
 * automatic mail, new text, classification, thread) and compared with
 * what was stored: one line per difference, then a summary.  The copy
 * gets the replayed values (messages.auto and new_text; the kind, themes
 * and commune of the cases the mails opened), so that a SCRATCH kept
 * with --db shows the database as the new rules would have made it, as
 * far as they go: the casework is not replayed (no case opened or
 * dropped, no command run, no mail queued, no timer planned), and a
 * bounce's case is not compared (it follows the returned copy).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "config/config.h"
#include "fetch/inbound.h"
#include "fetch/replay.h"
#include "out/mailer.h"
#include "store/store.h"
#include "store/store_backup.h"

const char cmd_reprocess_help[] =
"usage: coupdepouce [-c FILE] reprocess --since DATE [--db SCRATCH]\n"
"\n"
"Replays the mails received since DATE ('YYYY-MM-DD' or 'YYYY-MM-DD\n"
"HH:MM', local time) with the current rules of [paths] rules, in a copy\n"
"of the database, and prints what would change, one line per\n"
"difference:\n"
"  msg ID <MESSAGE-ID>: auto|new_text|case|kind|themes|commune OLD -> NEW\n"
"then 'N mails replayed, N would change'.  Replayed: parsing, automatic\n"
"mail (auto.rules), the new text of replies (reply.rules), the thread\n"
"(case: new, none, token:REF, tag:REF) and, for the mails that opened a\n"
"case, its kind, themes and commune (kind.rules, themes.rules,\n"
"communes.txt).  Not replayed: what the network did with the mails (no\n"
"case is opened or dropped, no command run, no mail sent).\n"
"\n"
"The real database is never written.  Nothing is sent.\n"
"\n"
"  --since DATE    the first day (or time) of reception to replay\n"
"  --db SCRATCH    the copy, kept afterwards with the replayed values\n"
"                  (a new file; an existing non-empty one is refused);\n"
"                  default a temporary file, removed at the end\n"
"\n"
"Exit status: 0 done (whatever would change), 1 error, 2 bad usage.\n";

/* What the database says of one mail, and the replay. */
struct reprocess_mail {
	long long	 id, case_id;
	const char	*message_id, *autokind, *new_text, *matched_by, *ref;
	const char	*kind, *themes, *commune;
};

static int
reprocess_args(int argc, char **argv, time_t *since, const char **db)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *text = NULL;
	char buf[64], err[256];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			text = optarg;
		else if (c == 'd')
			*db = optarg;
		else
			return cli_usage_error("reprocess", "unknown option");
	}
	if (optind < argc)
		return cli_usage_error("reprocess", "unexpected argument '%s'",
		    argv[optind]);
	if (text == NULL)
		return cli_usage_error("reprocess", "--since DATE is needed");
	snprintf(buf, sizeof(buf), "%s%s", text, strlen(text) == 10 ?
	    " 00:00" : "");
	if (clock_parse_local(buf, since, err, sizeof(err)) != 0)
		return cli_usage_error("reprocess", "--since: %s", err);
	return EXIT_OK;
}

/* Prints one difference; 1 if there was one. */
static int
reprocess_diff(const struct reprocess_mail *m, const char *what,
    const char *before, const char *after)
{
	if (strcmp(before ? before : "-", after ? after : "-") == 0)
		return 0;
	printf("msg %lld <%s>: %s %s -> %s\n", m->id, m->message_id, what,
	    before ? before : "-", after ? after : "-");
	return 1;
}

/* ["a","b"] as [a,b] (theme labels have no quote). */
static char *
reprocess_themes(const char *json)
{
	char *s = xstrdup(json ? json : "[]"), *w = s;

	for (const char *r = s; *r; r++)
		if (*r != '"')
			*w++ = *r;
	*w = '\0';
	return s;
}

static int
reprocess_compare(const struct reprocess_mail *m,
    const struct replay_result *r)
{
	char before[64], after[64], *t0, *t1;
	int n = 0, is_new = m->matched_by && strcmp(m->matched_by, "new") == 0;

	n += reprocess_diff(m, "auto", m->autokind, r->autokind);
	if (strcmp(m->new_text ? m->new_text : "", r->new_text ?
	    r->new_text : "") != 0) {
		snprintf(before, sizeof(before), "%zu bytes", m->new_text ?
		    strlen(m->new_text) : 0);
		snprintf(after, sizeof(after), "%zu bytes", r->new_text ?
		    strlen(r->new_text) : 0);
		if (strcmp(before, after) == 0)
			snprintf(after + strlen(after), sizeof(after) -
			    strlen(after), ", other text");
		n += reprocess_diff(m, "new_text", before, after);
	}
	if (strcmp(m->autokind, "bounce") != 0 || strcmp(r->autokind,
	    "bounce") != 0) {
		snprintf(before, sizeof(before), "%s%s%s", m->matched_by ?
		    m->matched_by : "-", m->ref && !is_new ? ":" : "",
		    m->ref && !is_new ? m->ref : "");
		n += reprocess_diff(m, "case", before, r->match);
	}
	if (!is_new || m->kind == NULL)
		return n > 0;
	t0 = reprocess_themes(m->themes);
	t1 = reprocess_themes(r->themes);
	n += reprocess_diff(m, "kind", m->kind, r->kind);
	n += reprocess_diff(m, "themes", t0, t1);
	n += reprocess_diff(m, "commune", m->commune, r->commune);
	free(t0);
	free(t1);
	return n > 0;
}

/* The copy takes the replayed values: the mail's, and those of the case
 * it opened (opened_id, 0: none). */
static int
reprocess_record(struct store *st, long long id, long long opened_id,
    const struct replay_result *r, char *err, size_t errlen)
{
	if (store_run(st, "replayed mail", "UPDATE messages SET auto = ?2, "
	    "new_text = ?3 WHERE id = ?1", STORE_ARGS(STORE_INT(id),
	    STORE_TEXT(r->autokind), STORE_TEXT(r->new_text)), err,
	    errlen) != 0)
		return -1;
	if (opened_id == 0)
		return 0;
	return store_run(st, "replayed case", "UPDATE cases SET kind = ?2, "
	    "themes = ?3, commune = ?4 WHERE id = ?1",
	    STORE_ARGS(STORE_INT(opened_id), STORE_TEXT(r->kind),
	    STORE_TEXT(r->themes), STORE_TEXT(r->commune)), err, errlen);
}

static const char *
col(struct store_stmt *s, int i)
{
	return store_col_text(s, i);
}

/* Replays mail `id` of the copy: 1 if something would change, 0 if not,
 * 2 if it was not replayed (raw purged, or no longer parses), -1. */
static int
reprocess_one(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const unsigned char *key,
    size_t keylen, long long id, char *err, size_t errlen)
{
	struct reprocess_mail m;
	struct replay_result r;
	struct store_stmt *s;
	size_t len = 0;
	const char *raw;
	char perr[512];
	long long opened_id;
	int rc = -1;

	s = store_query(st, "SELECT m.id, m.message_id, m.auto, m.new_text, "
	    "m.matched_by, c.ref, c.kind, c.themes, c.commune, m.case_id, "
	    "m.raw FROM messages m LEFT JOIN cases c ON c.id = m.case_id "
	    "WHERE m.id = ?1", STORE_ARGS(STORE_INT(id)), err, errlen);
	if (s == NULL || store_step(s) != STORE_ROW) {
		if (s != NULL)
			snprintf(err, errlen, "message %lld: %s", id,
			    store_errmsg(st));
		store_finalize(s);
		return -1;
	}
	m = (struct reprocess_mail){ id, store_col_int64(s, 9), col(s, 1),
	    col(s, 2), col(s, 3), col(s, 4), col(s, 5), col(s, 6), col(s, 7),
	    col(s, 8) };
	raw = store_col_blob(s, 10, &len);
	if (raw == NULL || len == 0) {
		printf("msg %lld <%s>: raw mail purged, not replayed\n", id,
		    m.message_id);
		rc = 2;
		goto out;
	}
	rc = replay_message(st, cfg, rules, key, keylen, raw, len, &r, perr,
	    sizeof(perr));
	if (rc != 0) {
		if (rc > 0)
			printf("msg %lld <%s>: no longer parses: %s\n", id,
			    m.message_id, perr);
		else
			snprintf(err, errlen, "%s", perr);
		rc = rc > 0 ? 2 : -1;
		goto out;
	}
	rc = reprocess_compare(&m, &r);
	opened_id = m.matched_by && strcmp(m.matched_by, "new") == 0 &&
	    m.kind ? m.case_id : 0;
	/* The row's text is borrowed from the statement: done with it
	 * before the copy changes. */
	store_finalize(s);
	if (reprocess_record(st, id, opened_id, &r, err, errlen) != 0)
		rc = -1;
	replay_result_free(&r);
	return rc;
out:
	store_finalize(s);
	return rc;
}

/* The ids of the mails to replay, oldest first (owned *ids). */
static int
reprocess_ids(struct store *st, time_t since, long long **ids, size_t *n,
    char *err, size_t errlen)
{
	struct store_stmt *s;
	int rc;

	*ids = NULL;
	*n = 0;
	s = store_query(st, "SELECT id FROM messages WHERE direction = 'in' "
	    "AND received_at >= ?1 ORDER BY id", STORE_ARGS(STORE_INT(since)),
	    err, errlen);
	if (s == NULL)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = store_col_int64(s, 0);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", store_errmsg(st));
	store_finalize(s);
	return rc < 0 ? -1 : 0;
}

/* Replays every mail since `since` in the copy st, in one transaction. */
static int
reprocess_all(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const struct mailer *mailer,
    time_t since, char *err, size_t errlen)
{
	const unsigned char *key;
	long long *ids = NULL;
	size_t n = 0, keylen, replayed = 0, changed = 0, skipped = 0;
	char scratch[256];
	int rc = -1;

	key = mailer_key(mailer, &keylen);
	if (reprocess_ids(st, since, &ids, &n, err, errlen) != 0 ||
	    store_begin(st, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int one = reprocess_one(st, cfg, rules, key, keylen, ids[i],
		    err, errlen);

		if (one < 0) {
			store_rollback(st, scratch, sizeof(scratch));
			goto out;
		}
		if (one == 2)
			skipped++;
		else {
			replayed++;
			changed += one;
		}
	}
	if (store_commit(st, err, errlen) != 0)
		goto out;
	printf("%zu mails replayed, %zu would change", replayed, changed);
	if (skipped)
		printf(", %zu not replayed", skipped);
	putchar('\n');
	rc = 0;
out:
	free(ids);
	return rc;
}

/* The copy: SCRATCH, or a new temporary file (*tmp set, path owned). */
static int
reprocess_copy(const struct config *cfg, const char *db, char **path,
    int *tmp, char *err, size_t errlen)
{
	struct store *real = NULL;
	const char *dir = getenv("TMPDIR");
	int fd, rc;

	*tmp = db == NULL;
	if (db != NULL)
		*path = xstrdup(db);
	else {
		*path = xasprintf("%s/coupdepouce-reprocess-XXXXXX",
		    dir && *dir ? dir : "/tmp");
		if ((fd = mkstemp(*path)) < 0) {
			snprintf(err, errlen, "%s: cannot create a "
			    "temporary file", *path);
			*tmp = 0;
			return -1;
		}
		close(fd);
	}
	if (cli_open_store(cfg, "reprocess", &real) != 0) {
		err[0] = '\0';
		return -1;
	}
	rc = store_backup_to(real, *path, err, errlen);
	store_close(real);
	return rc;
}

static void
reprocess_remove(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char *p;

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		p = xasprintf("%s%s", path, ext[i]);
		unlink(p);
		free(p);
	}
}

int
cmd_reprocess(struct cli *cli, int argc, char **argv)
{
	const struct config *cfg = cli->cfg;
	struct inbound_rules rules;
	struct mailer *mailer = NULL;
	struct store *st = NULL;
	const char *db = NULL;
	char err[4096], *path = NULL;
	time_t since = 0;
	int rc, tmp = 0;

	memset(&rules, 0, sizeof(rules));
	if ((rc = reprocess_args(argc, argv, &since, &db)) != EXIT_OK)
		return rc;
	rc = EXIT_ERR;
	err[0] = '\0';
	if (inbound_rules_load(cfg->paths.rules, &rules, err,
	    sizeof(err)) != 0 ||
	    mailer_open(cfg, &mailer, err, sizeof(err)) != 0 ||
	    reprocess_copy(cfg, db, &path, &tmp, err, sizeof(err)) != 0 ||
	    store_open(path, &st, err, sizeof(err)) != 0 ||
	    reprocess_all(st, cfg, &rules, mailer, since, err,
	    sizeof(err)) != 0) {
		/* One line: a rules error lists every bad line. */
		if (err[0])
			fprintf(stderr, "coupdepouce reprocess: %.*s\n",
			    (int)strcspn(err, "\n"), err);
		goto out;
	}
	if (db != NULL)
		printf("replayed values kept in %s\n", db);
	rc = EXIT_OK;
out:
	store_close(st);
	if (tmp)
		reprocess_remove(path);
	free(path);
	mailer_close(mailer);
	inbound_rules_free(&rules);
	return rc;
}
