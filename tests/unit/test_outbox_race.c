/*
 * test_outbox_race.c — two processes flushing the same outbox (two store
 * connections on one database file): each row is claimed by one of them
 * only.  Both pick the first due row while a third connection holds the
 * write lock, so both then try to claim that same row: the second claim
 * must find it taken.  The SMTP server is a closed port, so every claim
 * ends in one recorded attempt; a row claimed twice would count two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/config.h"
#include "out/outbox.h"
#include "store/store.h"
#include "tap.h"
#include "testutil.h"

#define ROWS		20
#define SENDERS		2

static char err[2048];
static struct config *cfg;

/* Queues ROWS urgent mails (never held for working hours). */
static int
queue_rows(struct store *st)
{
	static const char *const rcpt[] = { "holder@example.org" };
	char msg[512], mid[64];

	if (store_begin(st, err, sizeof(err)) != 0)
		return -1;
	for (int i = 1; i <= ROWS; i++) {
		struct outbox_item it = {
			.cfg = cfg, .template = "race", .rcpts = rcpt,
			.nrcpt = 1, .urgent = 1,
		};
		int64_t id;

		snprintf(mid, sizeof(mid), "cdp.race-%d@example.org", i);
		snprintf(msg, sizeof(msg), "From: coupdepouce@example.org\r\n"
		    "To: holder@example.org\r\nSubject: race %d\r\n"
		    "Message-ID: <%s>\r\n\r\nBonjour\r\n", i, mid);
		it.message = msg;
		it.message_len = strlen(msg);
		it.message_id = mid;
		if (outbox_enqueue(st, &it, &id, err, sizeof(err)) !=
		    OUTBOX_OK) {
			store_rollback(st, err, sizeof(err));
			return -1;
		}
	}
	return store_commit(st, err, sizeof(err));
}

/*
 * One sender: opens its own connection, says so on `ready`, waits for
 * the go on `go`, flushes once.  Exits with the rows it attempted, or
 * 255 on error.
 */
static void
sender(const char *db, int ready, int go)
{
	struct store *st = NULL;
	struct outbox_stats stats;
	char c = 0;
	int rc = 255;

	if (store_open(db, &st, err, sizeof(err)) != 0)
		_exit(255);
	if (write(ready, "r", 1) == 1 && read(go, &c, 1) == 1 &&
	    outbox_flush(st, cfg, &stats, err, sizeof(err)) == 0)
		rc = stats.rows;
	if (rc == 255)
		printf("# sender: %s\n", err);
	store_close(st);
	_exit(rc);
}

static void
test_race(const char *db, struct store *st)
{
	int ready[2], go[2], total = 0, statuses = 0;
	pid_t pid[SENDERS];
	char c;

	is_int(queue_rows(st), 0, "rows queued");
	if (pipe(ready) != 0 || pipe(go) != 0) {
		ok(0, "pipes");
		return;
	}
	fflush(stdout);
	for (int i = 0; i < SENDERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			sender(db, ready[1], go[0]);
	}
	for (int i = 0; i < SENDERS; i++)
		if (read(ready[0], &c, 1) != 1)
			break;
	/* Both senders read the first due row while the write lock is
	 * held here, so both go for the same claim when it is let go. */
	is_int(store_begin(st, err, sizeof(err)), 0, "write lock taken");
	for (int i = 0; i < SENDERS; i++)
		if (write(go[1], "g", 1) != 1)
			break;
	sleep(1);
	is_int(store_commit(st, err, sizeof(err)), 0, "write lock let go");
	for (int i = 0; i < SENDERS; i++) {
		int status;

		if (waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) != 255) {
			total += WEXITSTATUS(status);
			statuses++;
		}
	}
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	is_int(statuses, SENDERS, "both senders flushed");
	is_int(total, ROWS, "the senders attempted each row once between them");
	is_int(q_int(st, "SELECT count(*) FROM outbox WHERE attempts = 1 AND "
	    "status = 'queued'", 0), ROWS, "every row has one attempt");
	is_int(q_int(st, "SELECT max(attempts) FROM outbox", 0), 1,
	    "no row attempted twice");
}

int
main(void)
{
	struct store *st = NULL;
	char db[512];

	clock_set_zone("Europe/Paris");
	scratch_make("outbox_race");
	snprintf(db, sizeof(db), "%s", path_in("outbox.db"));
	/* Port 1 on loopback: connection refused at once. */
	cfg = config_from("[network]\ncontact = coupdepouce@example.org\n"
	    "[imap]\nurl = imaps://127.0.0.1:1\n"
	    "[smtp]\nurl = smtp://127.0.0.1:1\ntimeout = 5s\n"
	    "[storage]\ndatabase = %s\n", db);
	if (cfg == NULL)
		return 1;
	if (store_open(db, &st, err, sizeof(err)) != 0) {
		printf("# store: %s\n", err);
		return 1;
	}
	test_race(db, st);
	store_close(st);
	config_free(cfg);
	scratch_remove();
	return tap_done();
}
