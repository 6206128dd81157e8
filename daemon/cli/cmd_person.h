/*
 * cmd_person.h — what the files of `coupdepouce person` share.
 *
 * cmd_person.c holds the help, the dispatch, `add` and `list`;
 * person_open.c the helpers below;
 * cmd_person_import.c `import [--prune [--yes]]`; cmd_person_export.c
 * `export`; cmd_person_edit.c `edit` and `deactivate`.  Each subcommand
 * returns the process exit status (cli.h) and writes its one error line
 * itself.
 */
#ifndef CDP_CMD_PERSON_H
#define CDP_CMD_PERSON_H

#include <stdint.h>

struct cli;
struct config;
struct people_list;
struct people_sync_stats;
struct store;

/* Opens (creating) the database; EXIT_OK, or EXIT_ERR after saying why. */
int person_open(const struct config *cfg, struct store **st);

/* Runs people_import() on `l` in one transaction (events by the
 * administrator); EXIT_OK when committed, else EXIT_ERR after saying
 * why.  *stats is the caller's to free (people_sync_stats_free()). */
int person_import_list(const struct config *cfg, const struct people_list *l,
    struct people_sync_stats *stats);

/* After an import: the deactivations refused because the person is
 * referent of open cases, on one stderr line; EXIT_ERR if any, else
 * EXIT_OK. */
int person_report_refused(const struct people_sync_stats *stats);

/* The person with address `email`: EXIT_OK and *id, or EXIT_ERR after
 * "coupdepouce person: EMAIL: no such person" (or a database error). */
int person_must_find(struct store *st, const char *email, int64_t *id);

int person_cmd_import(struct cli *cli, int argc, char **argv);
int person_cmd_export(struct cli *cli, int argc, char **argv);
int person_cmd_edit(struct cli *cli, int argc, char **argv);
int person_cmd_deactivate(struct cli *cli, int argc, char **argv);

#endif
