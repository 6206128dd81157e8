/*
 * test_rules.c — rule files: matching (caseless, UTF-8 aware), labels and
 * lines, errors that name the file, the line and the label, and JIT
 * compilation once a rule has run on enough text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

/* Rules are JIT-compiled once they have run on RULES_JIT_AFTER bytes, not
 * at load, and match the same before and after. */
static void
test_jit_after_enough_text(void)
{
	char text[RULES_JIT_AFTER / 4 + 1], big[RULES_JIT_AFTER + 1];
	struct rules *r = NULL;
	char err[512];
	size_t len = RULES_JIT_AFTER / 4 - 24, s[5], e[5];
	int found = 0, same = 1;

	memset(text, '.', len);
	memcpy(text + 100, "Des PANNEAUX solaires", 21);
	text[len] = '\0';
	memset(big, '.', RULES_JIT_AFTER);
	big[RULES_JIT_AFTER] = '\0';
	unsetenv("CDP_NO_JIT");
	if (rules_load_text("t", "a \\bsolaires?\\b\nb \\bbois\\b\n"
	    "c \\bbois\\b\n", 1, &r, err, sizeof(err)) != 0) {
		ok(0, err);
		return;
	}
	is_int(rules_jitted(r, 0) + rules_jitted(r, 1), 0, "jit: none "
	    "compiled at load");
	for (int i = 0; i < 4; i++)
		found += rules_match(r, 0, text, len, &s[i], &e[i]);
	is_int(rules_jitted(r, 0), 0, "jit: not compiled before "
	    "RULES_JIT_AFTER bytes");
	found += rules_match(r, 0, text, len, &s[4], &e[4]);
	is_int(rules_jitted(r, 0), 1, "jit: compiled by the run that "
	    "reaches them");
	is_int(found, 5, "jit: each run matches");
	for (int i = 0; i < 5; i++)
		same &= s[i] == 113 && e[i] == 121;
	ok(same, "jit: the same bounds interpreted and compiled");
	is_int(rules_jitted(r, 1), 0, "jit: a rule not run stays as it was");
	is_int(rules_match(r, 1, big, RULES_JIT_AFTER, NULL, NULL), 0,
	    "jit: a long text, no match");
	is_int(rules_jitted(r, 1), 1, "jit: compiled at once for a text of "
	    "RULES_JIT_AFTER bytes, even with no match");
	is_int(rules_match(r, 2, big, RULES_JIT_AFTER - 1, NULL, NULL), 0,
	    "jit: a byte shorter, no match");
	is_int(rules_jitted(r, 2), 0, "jit: a byte short of them: not "
	    "compiled");
	rules_free(r);

	if (rules_load_text("t", "a solaire\n", 0, &r, err, sizeof(err)) ==
	    0) {
		rules_match(r, 0, big, RULES_JIT_AFTER, NULL, NULL);
		is_int(rules_jitted(r, 0), 0, "jit: never for rules loaded "
		    "without it");
		rules_free(r);
	}
	setenv("CDP_NO_JIT", "1", 1);
	if (rules_load_text("t", "a solaire\n", 1, &r, err, sizeof(err)) ==
	    0) {
		rules_match(r, 0, big, RULES_JIT_AFTER, NULL, NULL);
		is_int(rules_jitted(r, 0), 0, "jit: never with CDP_NO_JIT");
		rules_free(r);
	}
	unsetenv("CDP_NO_JIT");
}

int
main(void)
{
	/* What the error says, after the file name, for each bad line of the
	 * broken file written below. */
	static const struct like_case load_errors[] = {
		{ ":2: Bad-Label: expected 'label pattern'",
		    "bad label named with file and line" },
		{ ":3: unclosed: missing closing parenthesis at offset 4",
		    "PCRE2 error with offset" },
		{ ":4: empty: expected", "label without pattern" },
	};
	struct rules *r = NULL;
	char err[2048];
	size_t s = 0, e = 0;
	const char *text = "Bonjour,\nJE SUIS ABSENTE jusqu'au 3 juin.\n";
	const char *path;

	scratch_make("rules");
	path = path_in("test.rules");

	write_file(path, "# vacation phrases\n\nabsence   je suis absent(e)?\n"
	    "energie   (?-i)Énergie\nenergie   photovolta[iï]que\n");
	ok(rules_load(path, &r, err, sizeof(err)) == 0, "rules load");
	if (r) {
		is_int((long long)rules_count(r), 3, "three rules");
		is_str(rules_label(r, 1), "energie", "label kept");
		is_int(rules_line(r, 2), 5, "line kept");
		is_int(rules_first_match(r, "absence", text, strlen(text), &s,
		    &e), 0, "caseless match");
		is_int((long long)s, 9, "match start");
		is_int((long long)e, 9 + strlen("JE SUIS ABSENTE"), "match end");
		is_int(rules_first_match(r, "energie", "énergie", 8, NULL,
		    NULL), -1, "(?-i) keeps case");
		is_int(rules_first_match(r, "energie", "PHOTOVOLTAÏQUE", 15,
		    NULL, NULL), 2, "caseless on non-ASCII letters");
		is_int(rules_first_match(r, NULL, "rien", 4, NULL, NULL), -1,
		    "no match");
		is_int(rules_first_match(r, "energie", "\xff\xfe Énergie", 11,
		    NULL, NULL), 1, "invalid UTF-8 in the input is tolerated");
		rules_free(r);
		r = NULL;
	}

	write_file(path, "ok_rule  fine\nBad-Label  x\nunclosed  (abc\nempty\n");
	ok(rules_load(path, &r, err, sizeof(err)) != 0, "bad rules refused");
	LIKE_EACH(err, path, load_errors);
	ok(r == NULL, "nothing returned on error");

	ok(rules_load("/nonexistent/x.rules", &r, err, sizeof(err)) != 0,
	    "missing file refused");
	like_str(err, "/nonexistent/x.rules: No such file", "and named");
	scratch_remove();
	test_jit_after_enough_text();
	return tap_done();
}
