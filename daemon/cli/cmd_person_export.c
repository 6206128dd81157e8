/*
 * cmd_person_export.c — `coupdepouce person export [FILE]`: the pool, from
 * the database, in the people file's format (store/people_export.h).
 *
 * The whole export is built in memory before anything is written, so a
 * database error leaves FILE as it was; FILE is then replaced through a
 * temporary file and rename(), so a reader (the daemon, if FILE is the
 * people file) never sees half of it.  It is created mode 0600: it
 * lists people's addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "cli/cmd_person.h"
#include "store/people_export.h"
#include "store/store.h"

/* Writes text to `path` whole, or leaves it as it was.  0 or -1 with
 * err. */
static int
person_write_file(const char *path, const struct buf *text, char *err,
    size_t errlen)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, buf_str(text), text->len) != (ssize_t)text->len ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

int
person_cmd_export(struct cli *cli, int argc, char **argv)
{
	const char *path = NULL;
	struct store *st = NULL;
	struct buf text;
	char err[1024];
	int rc = EXIT_ERR;

	/* No options: an argument starting with '-' other than "-" is one
	 * mistyped, not a file name. */
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1]))
		return cli_usage_error("person", "export takes at most one "
		    "file ('-' for stdout)");
	if (argc == 2 && strcmp(argv[1], "-") != 0)
		path = argv[1];
	buf_init(&text, 0);
	if (person_open(cli->cfg, &st) != 0)
		goto out;
	if (people_export(st, &text, err, sizeof(err)) != 0 ||
	    (path && person_write_file(path, &text, err, sizeof(err)) != 0)) {
		fprintf(stderr, "coupdepouce person: %s\n", err);
		goto out;
	}
	if (path == NULL && (fwrite(buf_str(&text), 1, text.len, stdout) !=
	    text.len || fflush(stdout) != 0)) {
		fprintf(stderr, "coupdepouce person: stdout: %s\n",
		    strerror(errno));
		goto out;
	}
	rc = EXIT_OK;
out:
	store_close(st);
	buf_free(&text);
	return rc;
}
