/*
 * test_fuzz_regress.c — every input the fuzzers once crashed on, replayed.
 *
 * The fuzz targets of fuzz/ are included here with their entry point
 * renamed, so an input goes through exactly the code libFuzzer ran, but in
 * the ordinary build (and the sanitizers of `make check`, valgrind under
 * `make memcheck`).  Inputs live in tests/data/fuzz/TARGET/, one file
 * each, named for what they broke; a few edge inputs every target gets
 * too.  A regression shows as a crash or a sanitizer report, which
 * tests/run.sh counts as a failure.  Run from the project root.
 */
#include <dirent.h>

#include "testutil.h"

#define LLVMFuzzerTestOneInput fuzz_mime_one
#include "../../fuzz/fuzz_mime.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_reply_one
#include "../../fuzz/fuzz_reply.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_mailcmd_one
#include "../../fuzz/fuzz_mailcmd.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "../../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_rules_one
#include "../../fuzz/fuzz_rules.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_people_one
#include "../../fuzz/fuzz_people.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_template_one
#include "../../fuzz/fuzz_template.c"
#undef LLVMFuzzerTestOneInput

#define DATA_DIR	"tests/data/fuzz"

static const struct target {
	const char	*name;
	int		(*one)(const uint8_t *, size_t);
} targets[] = {
	{ "mime", fuzz_mime_one },
	{ "reply", fuzz_reply_one },
	{ "mailcmd", fuzz_mailcmd_one },
	{ "config", fuzz_config_one },
	{ "rules", fuzz_rules_one },
	{ "people", fuzz_people_one },
	{ "template", fuzz_template_one },
};

/* Runs one input from a heap block of exactly its size, as libFuzzer
 * does, so that a read past its end is one past the block (seen by the
 * sanitizers and valgrind), not a read of a string's NUL. */
static int
replay(const struct target *t, const void *data, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	if (copy == NULL)
		abort();
	memcpy(copy, data, len);
	rc = t->one(copy, len);
	free(copy);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of DATA_DIR/NAME, in name order; returns how many. */
static size_t
replay_kept(const struct target *t)
{
	char dir[256], path[600], name[700], **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", DATA_DIR, t->name);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((names = realloc(names, cap * sizeof(*names))) ==
			    NULL)
				abort();
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		char *data;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(name, sizeof(name), "%s: %s replayed", t->name,
		    names[i]);
		data = read_file(path, &len);
		ok(data != NULL, path);
		if (data != NULL)
			is_int(replay(t, data, len), 0, name);
		free(data);
		free(names[i]);
	}
	free(names);
	return n;
}

int
main(void)
{
	/* Inputs at the edges, for every target: nothing, a NUL, lone line
	 * ends and separators, an unfinished tag or header. */
	static const struct { const char *s; size_t n; } edges[] = {
		{ "", 0 }, { "\0", 1 }, { "\n", 1 }, { "\r\n\r\n", 4 },
		{ "\0\0\0", 3 }, { "{{", 2 }, { "a:", 2 }, { ";;;\n,,,", 7 },
		{ "\xff\xfe\xc3", 3 },
	};
	size_t kept = 0;

	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		char name[128];

		for (size_t e = 0; e < sizeof(edges) / sizeof(edges[0]); e++) {
			snprintf(name, sizeof(name), "%s: edge input %zu",
			    targets[t].name, e);
			is_int(replay(&targets[t], edges[e].s, edges[e].n), 0,
			    name);
		}
		kept += replay_kept(&targets[t]);
	}
	printf("# %zu kept inputs replayed\n", kept);
	return tap_done();
}
