/*
 * tap.h — the smallest test harness that is still honest.
 *
 * Each check prints "ok N - name" or "not ok N - name" (TAP), with the
 * values that differed; tap_done() prints the closing "N passed, N failed"
 * line that tests/run.sh sums up, and returns the exit status.  A program
 * that ran no check fails, so an empty run is visible.
 */
#ifndef CDP_TAP_H
#define CDP_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_pass, tap_fail;

static int
tap_ok(int cond, const char *file, int line, const char *name)
{
	int n = tap_pass + tap_fail + 1;

	if (cond) {
		tap_pass++;
		printf("ok %d - %s\n", n, name);
	} else {
		tap_fail++;
		printf("not ok %d - %s\n#   at %s:%d\n", n, name, file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, name) tap_ok(!!(cond), __FILE__, __LINE__, (name))

#define is_int(got, want, name) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, (name)))					\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)

#define is_str(got, want, name) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int eq_ = (g_ == NULL && w_ == NULL) ||				\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!ok(eq_, (name)))						\
		printf("#   got  \"%s\"\n#   want \"%s\"\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define like_str(got, needle, name) do {				\
	const char *g_ = (got), *w_ = (needle);				\
	if (!ok(g_ != NULL && strstr(g_, w_) != NULL, (name)))		\
		printf("#   got  \"%s\"\n#   want it to contain \"%s\"\n",\
		    g_ ? g_ : "(null)", w_);				\
} while (0)

static void __attribute__((unused))
tap_skip(const char *name, const char *why)
{
	printf("# skip %s: %s\n", name, why);
}

static int
tap_done(void)
{
	printf("%d passed, %d failed\n", tap_pass, tap_fail);
	if (tap_pass + tap_fail == 0)
		return 1;
	return tap_fail ? 1 : 0;
}

#endif
