/*
 * cli/ — the command line: main.c reads the global options and calls one
 * subcommand, each in its own file named after it (cmd_run.c for run and
 * poll, cmd_check.c, cmd_inspect.c, cmd_case.c, cmd_person*.c (with
 * person_open.c, see cmd_person.h), cmd_outbox.c, cmd_quarantine.c,
 * cmd_digest.c, cmd_status.c, cmd_reprocess.c; cmd_case_admin.c for case
 * assign, note and close; cmd_export.c, cmd_forget.c (with
 * forget_mailbox.c), cmd_purge.c for personal data; cmd_backup.c for the online copy); daemon.c is the loop of
 * `run` and the cycle of `poll` (fetch, timers, outbox, sent copies).
 * Only cli/ may call into every other folder.
 *
 * cli.h — what every subcommand receives, and the helpers they share.
 *
 * main.c parses the global options (-c, --now, -v, -d), loads the
 * configuration when the subcommand needs it, and calls the subcommand with
 * its own argv (argv[0] is the subcommand name).  Subcommands return the
 * process exit status: 0 success, 1 handled error (one line on stderr naming
 * the file/line/field at fault), 2 bad usage.
 */
#ifndef CDP_CLI_H
#define CDP_CLI_H

#include <stdio.h>

struct config;
struct store;

enum {
	EXIT_OK = 0,
	EXIT_ERR = 1,
	EXIT_USAGE = 2
};

struct cli {
	const char	*config_path;
	struct config	*cfg;		/* NULL for commands that need none */
};

/* Prints "coupdepouce COMMAND: message" on stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct json_out;
struct store_stmt;

/* Column `col` of the row, a unix time, as ISO 8601 local time with
 * offset into o[key]; JSON null for SQL NULL.  What every --json writes
 * for a time. */
void cli_json_set_time(struct json_out *o, const char *key,
    struct store_stmt *s, int col);

/* Prints one row of a text table on f: cell i padded to width[i]
 * terminal columns (UTF-8 characters, not bytes, so "Émilie" lines up
 * with "Camille"; combining accents take none), right-aligned when
 * width[i] is negative, the last cell not padded; cells separated by one
 * space, then a newline.  A cell longer than its width is printed whole. */
void cli_row(FILE *f, const int *width, const char *const *cell, int n);

/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);
/* Opens the existing database of cfg (never creates it): 0 and *st
 * (store_close()), or -1 after a line on stderr naming the command. */
int cli_open_store(const struct config *cfg, const char *cmd,
    struct store **st);

int cmd_case(struct cli *cli, int argc, char **argv);
extern const char cmd_case_help[];
/* case assign | note | close (cmd_case_admin.c), called by cmd_case with
 * argv[0] the action. */
int cmd_case_admin(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
extern const char cmd_status_help[];
int cmd_reprocess(struct cli *cli, int argc, char **argv);
extern const char cmd_reprocess_help[];
int cmd_check(struct cli *cli, int argc, char **argv);
extern const char cmd_check_help[];
int cmd_inspect(struct cli *cli, int argc, char **argv);
extern const char cmd_inspect_help[];
int cmd_quarantine(struct cli *cli, int argc, char **argv);
extern const char cmd_quarantine_help[];
int cmd_run(struct cli *cli, int argc, char **argv);
extern const char cmd_run_help[];
int cmd_poll(struct cli *cli, int argc, char **argv);
extern const char cmd_poll_help[];
int cmd_outbox(struct cli *cli, int argc, char **argv);
extern const char cmd_outbox_help[];
int cmd_person(struct cli *cli, int argc, char **argv);
extern const char cmd_person_help[];
int cmd_digest(struct cli *cli, int argc, char **argv);
extern const char cmd_digest_help[];
int cmd_export(struct cli *cli, int argc, char **argv);
extern const char cmd_export_help[];
int cmd_forget(struct cli *cli, int argc, char **argv);
extern const char cmd_forget_help[];
int cmd_purge(struct cli *cli, int argc, char **argv);
extern const char cmd_purge_help[];
int cmd_backup(struct cli *cli, int argc, char **argv);
extern const char cmd_backup_help[];

#endif
