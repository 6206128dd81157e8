/*
 * testutil.h — what the unit tests share besides the checks of tap.h: a
 * scratch folder and files in it, reading a file or a fixture whole,
 * writing a config file and loading it, times for test data, one-value
 * queries on a store, and a list of substrings to find in one text.
 *
 * Every helper that cannot do its job stops the program (exit 1) after
 * saying why, except read_file(), whose callers decide.  The program then
 * prints no result line, which tests/run.sh counts as a failure.
 */
#ifndef CDP_TESTUTIL_H
#define CDP_TESTUTIL_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/config.h"
#include "store/store.h"
#include "tap.h"

#define TU_UNUSED __attribute__((unused))

/* ---- scratch folder ---------------------------------------------------- */

/* The test's scratch folder, "$TMPDIR/cdp-NAME-XXXXXX" once made. */
static char scratch[256];

/* Makes the scratch folder; returns its path. */
static TU_UNUSED const char *
scratch_make(const char *name)
{
	snprintf(scratch, sizeof(scratch), "%s/cdp-%s-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	if (mkdtemp(scratch) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return scratch;
}

/* Removes the scratch folder and all it holds. */
static TU_UNUSED void
scratch_remove(void)
{
	char cmd[300];

	if (scratch[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", scratch);
	scratch[0] = '\0';
}

/* "<scratch>/name"; the last two results stay valid. */
static TU_UNUSED const char *
path_in(const char *name)
{
	static char path[2][512];
	static int which;

	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", scratch, name);
	return path[which];
}

/* ---- files ------------------------------------------------------------- */

/* Writes len bytes to `path`, replacing it. */
static TU_UNUSED void
write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* Writes `text` to `path`, replacing it; returns path. */
static TU_UNUSED const char *
write_file(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
	return path;
}

/* Sets the modification time of `path` to `mtime` seconds, so that a
 * watch sees a change however fast the test runs. */
static TU_UNUSED void
set_mtime(const char *path, long mtime)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (utimensat(AT_FDCWD, path, ts, 0) != 0) {
		perror(path);
		exit(1);
	}
}

/* The whole of `path` as a new NUL-terminated string, its length in *len
 * (when len is not NULL); NULL with errno when it cannot be opened. */
static TU_UNUSED char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 131072;
			if ((data = realloc(data, cap + 1)) == NULL)
				abort();
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

/* read_file() of a file the test cannot do without. */
static TU_UNUSED char *
load_fixture(const char *path, size_t *len)
{
	char *data = read_file(path, len);

	if (data == NULL) {
		perror(path);
		exit(1);
	}
	return data;
}

/* ---- config ------------------------------------------------------------ */

/* Writes "<scratch>/test.conf" (mode 0600) from a printf format and loads
 * it; NULL, having said why, when it does not load. */
static TU_UNUSED __attribute__((format(printf, 1, 2))) struct config *
config_from(const char *fmt, ...)
{
	const char *path = path_in("test.conf");
	struct config *cfg = NULL;
	char err[4096];
	va_list ap;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	chmod(path, 0600);
	if (config_load(path, &cfg, err, sizeof(err)) != 0) {
		printf("# config: %s\n", err);
		return NULL;
	}
	return cfg;
}

/* ---- times ------------------------------------------------------------- */

/* "YYYY-MM-DD HH:MM" in the local zone, as the daemon reads it. */
static TU_UNUSED time_t
local_time(const char *text)
{
	char err[256];
	time_t t = 0;

	if (clock_parse_local(text, &t, err, sizeof(err)) != 0) {
		printf("# bad test time %s: %s\n", text, err);
		exit(1);
	}
	return t;
}

/* A broken-down date and time, the rest zero (tm_isdst too). */
static TU_UNUSED struct tm
civil(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return tm;
}

/* ---- substrings ------------------------------------------------------- */

/* One like_str() check: `needle` must appear in the text. */
struct like_case {
	const char	*needle;
	const char	*name;
};

/* Checks every case on `text`; a `prefix` that is not NULL stands before
 * each needle (a file name that the message starts with, say). */
static TU_UNUSED void
like_each(const char *text, const char *prefix, const struct like_case *c,
    size_t n)
{
	char want[1024];

	for (; n > 0; c++, n--) {
		if ((size_t)snprintf(want, sizeof(want), "%s%s",
		    prefix ? prefix : "", c->needle) >= sizeof(want)) {
			printf("# needle too long: %s\n", c->needle);
			exit(1);
		}
		like_str(text, want, c->name);
	}
}

#define LIKE_EACH(text, prefix, cases) \
	like_each((text), (prefix), (cases), sizeof(cases) / sizeof((cases)[0]))

/* ---- store ------------------------------------------------------------- */

/*
 * q_text(st, sql) and q_int(st, sql) give the first column of the first
 * row of `sql`; q_text(st, sql, arg) and q_int(st, sql, arg) bind `arg` to
 * its ?1 first.  q_text: "(null)" for NULL, "(none)" without a row,
 * "(error: ...)" on failure; borrowed until the next call.  q_int: -1 for
 * NULL, -999 without a row or on failure.
 */
static TU_UNUSED struct store_stmt *
tu_query(struct store *st, const char *sql, int bind, long long arg,
    char *err, size_t errlen)
{
	struct store_stmt *s = store_prepare(st, sql, err, errlen);

	if (s != NULL && bind)
		store_bind_int64(s, 1, arg);
	return s;
}

static TU_UNUSED const char *
tu_q_text(struct store *st, const char *sql, int bind, long long arg)
{
	static char out[8192];
	char err[1024];
	struct store_stmt *s;
	int r;

	if ((s = tu_query(st, sql, bind, arg, err, sizeof(err))) == NULL) {
		snprintf(out, sizeof(out), "(error: %s)", err);
		return out;
	}
	r = store_step(s);
	if (r == STORE_ROW)
		snprintf(out, sizeof(out), "%s", store_col_is_null(s, 0) ?
		    "(null)" : store_col_text(s, 0));
	else if (r == STORE_DONE)
		snprintf(out, sizeof(out), "(none)");
	else
		snprintf(out, sizeof(out), "(error: %s)", store_errmsg(st));
	store_finalize(s);
	return out;
}

static TU_UNUSED long long
tu_q_int(struct store *st, const char *sql, int bind, long long arg)
{
	char err[1024];
	struct store_stmt *s;
	long long v = -999;

	if ((s = tu_query(st, sql, bind, arg, err, sizeof(err))) == NULL) {
		printf("# %s\n", err);
		return v;
	}
	if (store_step(s) == STORE_ROW)
		v = store_col_is_null(s, 0) ? -1 : store_col_int64(s, 0);
	store_finalize(s);
	return v;
}

/* Picks the plain or the bound form by the number of arguments. */
#define TU_2_OR_3(a, b, c, name, ...) name
#define q_text(...) TU_2_OR_3(__VA_ARGS__, TU_Q_TEXT3, TU_Q_TEXT2, -)(__VA_ARGS__)
#define q_int(...) TU_2_OR_3(__VA_ARGS__, TU_Q_INT3, TU_Q_INT2, -)(__VA_ARGS__)
#define TU_Q_TEXT2(st, sql) tu_q_text((st), (sql), 0, 0)
#define TU_Q_TEXT3(st, sql, arg) tu_q_text((st), (sql), 1, (arg))
#define TU_Q_INT2(st, sql) tu_q_int((st), (sql), 0, 0)
#define TU_Q_INT3(st, sql, arg) tu_q_int((st), (sql), 1, (arg))

/* Undoes migration 10: the queue of mailbox copies to erase. */
#define V10_DROP "DROP TABLE mailbox_erase; "
/* Undoes migration 9 (migrations.c): the indexes of the mail path as
 * they were, whole, and the five it dropped.  Comes first in an undo
 * list, since V4_DROP drops outbox_template. */
#define V9_UNDO "DROP INDEX messages_case; DROP INDEX messages_person; " \
	"CREATE INDEX cases_referent ON cases(referent_id); "		\
	"CREATE INDEX cases_contact ON cases(contact_id); "		\
	"CREATE INDEX messages_case ON messages(case_id, received_at); " \
	"CREATE INDEX messages_person ON messages(person_id); "		\
	"CREATE INDEX events_actor ON events(actor_id); "		\
	"CREATE INDEX events_msg ON events(msg_id); "			\
	"CREATE INDEX outbox_template ON outbox(template, created_at); "
/* Undoes migration 4 (store.c), for tests that build an older database
 * from a fresh one: the indexes that keep ten years of history off the
 * way of a mail. */
#define V4_DROP "DROP INDEX events_assigned; DROP INDEX events_at; "	\
	"DROP INDEX cases_open; DROP INDEX cases_created; "		\
	"DROP INDEX cases_closed; DROP INDEX persons_failing; "	\
	"DROP INDEX persons_charter; "					\
	"DROP INDEX meetings_scheduled; DROP INDEX milestones_planned; " \
	"DROP INDEX testimonies_yes; DROP INDEX jobs_done; "		\
	"DROP INDEX outbox_template; DROP INDEX quarantine_created; "
/* Undoes migration 6: the indexes of the mails still kept. */
#define V6_DROP "DROP INDEX messages_kept; DROP INDEX outbox_kept; "
/* Undoes migration 7: the open memberships, the mail still to send,
 * a person's mail of a template by day, the duplicates of a case. */
#define V7_DROP "DROP TRIGGER cases_ended; "				\
	"DROP TRIGGER case_members_ended; DROP INDEX case_members_open; " \
	"DROP INDEX outbox_pending; DROP INDEX outbox_wake; "		\
	"DROP INDEX events_duplicate; "					\
	"DROP INDEX outbox_person; "					\
	"CREATE INDEX outbox_person ON outbox(person_id); "		\
	"ALTER TABLE case_members DROP COLUMN ended; "

/* Runs statements that return nothing; a failure is printed (the checks
 * that follow say what it broke). */
static TU_UNUSED void
exec_ok(struct store *st, const char *sql)
{
	char err[1024];

	if (store_exec(st, sql, err, sizeof(err)) != 0)
		printf("# exec failed: %s: %s\n", sql, err);
}

#endif
