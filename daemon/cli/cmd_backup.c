/*
 * cmd_backup.c — `coupdepouce backup FILE`: an online copy of the
 * database (store/store_backup.h), safe while the daemon runs.
 *
 * The copy is written to a temporary file beside FILE and then linked to
 * FILE's name, which link() refuses when FILE exists: FILE is never
 * overwritten, and it never exists half written, so a job that ships
 * backups elsewhere only ever sees whole ones.  The database is copied as
 * it is, neither created nor migrated, so a backup taken before an
 * upgrade is the old version's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store_backup.h"

const char cmd_backup_help[] =
"usage: coupdepouce [-c FILE] backup FILE\n"
"\n"
"Copies the database ([storage] database) into FILE, a new file of mode\n"
"0600, with SQLite's online backup: the copy is one consistent state of\n"
"the database, taken while the daemon runs without stopping it.  FILE is\n"
"never overwritten: when it exists, nothing is copied (exit 1).  The copy\n"
"is written beside FILE under a temporary name and takes FILE's name\n"
"only once complete.  To restore, stop the daemon and put the copy in\n"
"the database's place (same owner, mode 0600).\n"
"\n"
"Prints \"FILE: N bytes\".\n"
"\n"
"Exit status: 0 done, 1 error, 2 bad usage.\n";

int
cmd_backup(struct cli *cli, int argc, char **argv)
{
	const char *db = cli->cfg->storage.database, *file;
	char err[1024], *tmp = NULL;
	struct stat sb;
	int fd, rc = EXIT_ERR;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error("backup", argc < 2 ? "FILE is missing" :
		    "takes one FILE and no option");
	file = argv[1];
	if (lstat(file, &sb) == 0) {
		fprintf(stderr, "coupdepouce backup: %s: exists (a backup "
		    "never overwrites a file)\n", file);
		return EXIT_ERR;
	}
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "coupdepouce backup: %s: %s\n", db,
		    strerror(errno));
		return EXIT_ERR;
	}
	tmp = xasprintf("%s.XXXXXX", file);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	close(fd);
	if (store_backup_file(db, tmp, err, sizeof(err)) != 0)
		goto out;
	if (link(tmp, file) != 0) {
		snprintf(err, sizeof(err), "%s: %s%s", file, strerror(errno),
		    errno == EEXIST ? " (made while copying; not overwritten)" :
		    "");
		goto out;
	}
	if (stat(file, &sb) != 0) {
		snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
		goto out;
	}
	printf("%s: %lld bytes\n", file, (long long)sb.st_size);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		fprintf(stderr, "coupdepouce backup: %s\n", err);
	if (tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}
