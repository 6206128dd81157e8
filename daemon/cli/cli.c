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

/* Columns a UTF-8 string takes on a terminal: one per character, none for
 * continuation bytes and for the combining accents (U+0300-U+036F, as
 * decomposed "É" from some mail clients). */
static int
utf8_columns(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;

	for (; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		if ((p[0] == 0xCC && p[1] >= 0x80) ||
		    (p[0] == 0xCD && p[1] >= 0x80 && p[1] <= 0xAF))
			continue;
		n++;
	}
	return n;
}

void
cli_row(FILE *f, const int *width, const char *const *cell, int n)
{
	for (int i = 0; i < n; i++) {
		const char *c = cell[i] ? cell[i] : "";
		int w = width[i] < 0 ? -width[i] : width[i];
		int pad = i == n - 1 ? 0 : w - utf8_columns(c);

		if (i > 0)
			putc(' ', f);
		if (width[i] < 0)
			fprintf(f, "%*s", pad > 0 ? pad : 0, "");
		fputs(c, f);
		if (width[i] >= 0)
			fprintf(f, "%*s", pad > 0 ? pad : 0, "");
	}
	putc('\n', f);
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
