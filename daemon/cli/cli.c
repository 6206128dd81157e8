/* cli.c — helpers shared by the subcommands; see cli.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json_out.h"
#include "cli/cli.h"
#include "config/config.h"
#include "store/store.h"

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "coupdepouce%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'coupdepouce%s%s --help')\n", cmd ? " " : "",
	    cmd ? cmd : "");
	return EXIT_USAGE;
}

int
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

int
cli_open_store(const struct config *cfg, const char *cmd, struct store **st)
{
	char err[1024];

	/* store_open would create an empty database: a command run before
	 * the daemon ever ran is told so instead. */
	if (access(cfg->storage.database, F_OK) != 0) {
		fprintf(stderr, "coupdepouce %s: %s: %s (the daemon creates "
		    "the database at its first run)\n", cmd,
		    cfg->storage.database, strerror(errno));
		return -1;
	}
	if (store_open(cfg->storage.database, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "coupdepouce %s: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

void
cli_json_set_time(struct json_out *o, const char *key, struct store_stmt *s,
    int col)
{
	char iso[40];

	if (store_col_is_null(s, col)) {
		json_out_set_null(o, key);
		return;
	}
	clock_iso8601((time_t)store_col_int64(s, col), iso, sizeof(iso));
	json_out_set_string(o, key, iso);
}
