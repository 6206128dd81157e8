/*
 * test_rules.c — rule files: matching (caseless, UTF-8 aware), labels and
 * lines, and errors that name the file, the line and the label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

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
	return tap_done();
}
