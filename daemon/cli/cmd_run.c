/*
 * cmd_run.c — `coupdepouce run` (the daemon) and `coupdepouce poll` (one
 * cycle, for cron-style use, tests and replays).
 */
#include <stdio.h>

#include "base/lockfile.h"
#include "cli/cli.h"
#include "cli/daemon.h"
#include "config/config.h"

const char cmd_run_help[] =
"usage: coupdepouce [-c FILE] run\n"
"\n"
"Runs the daemon in the foreground until SIGTERM: fetches new mail (IMAP\n"
"IDLE when offered, else every poll_interval), stores it and moves it to\n"
"the processed folder.  Network errors are retried with backoff.  Logs go\n"
"to stderr (journald under systemd).  SIGHUP reloads the configuration,\n"
"templates, rules and people file (the running ones stay if the new ones\n"
"do not load); under systemd it reports readiness, status and watchdog\n"
"pings (Type=notify, WatchdogSec=).  Refused (exit 1) while another run\n"
"or poll works on the same database (lock: DATABASE.lock).\n";

const char cmd_poll_help[] =
"usage: coupdepouce [-c FILE] [--now TIME] poll\n"
"\n"
"Runs one full cycle (fetch, store, move) and exits: 0 on success, 1 if\n"
"the cycle failed (the reason is logged; nothing is lost, the next cycle\n"
"retries).  Refused (exit 1) while run or another poll works on the same\n"
"database (lock: DATABASE.lock).\n";

/* Runs run or poll under the database's lock (base/lockfile.h). */
static int
cmd_locked(const struct config *cfg, const char *cmd,
    int (*body)(const struct config *))
{
	char err[4400];
	int fd, rc;

	if (lockfile_take(cfg->storage.database, &fd, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce %s: %s\n", cmd, err);
		return 1;
	}
	rc = body(cfg);
	lockfile_release(fd);
	return rc;
}

int
cmd_run(struct cli *cli, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("run", "unexpected argument '%s'",
		    argv[1]);
	return cmd_locked(cli->cfg, "run", daemon_run);
}

int
cmd_poll(struct cli *cli, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage_error("poll", "unexpected argument '%s'",
		    argv[1]);
	return cmd_locked(cli->cfg, "poll", daemon_poll_once);
}
