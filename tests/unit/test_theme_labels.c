/*
 * test_theme_labels.c — the table of the themes' French labels
 * (themes.labels): lines read, labels found, lists joined, every bad line
 * reported with file, line and identifier, a missing file an empty table,
 * and the shipped table naming every theme of the shipped rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/classify.h"
#include "parse/theme_labels.h"
#include "tap.h"
#include "testutil.h"

static void
shipped(void)
{
	struct theme_labels *t = NULL;
	struct classify *c = NULL;
	char err[4096], *s;

	if (!ok(theme_labels_load("config/rules/themes.labels", &t, err,
	    sizeof(err)) == 0 && classify_load("config/rules", &c, err,
	    sizeof(err)) == 0, "the shipped table and rules load")) {
		printf("# %s\n", err);
		goto out;
	}
	is_int((long long)theme_labels_count(t),
	    (long long)classify_theme_count(c), "one label per theme");
	for (size_t i = 0; i < classify_theme_count(c); i++)
		ok(theme_labels_find(t, classify_theme_name(c, i)) != NULL,
		    classify_theme_name(c, i));
	s = theme_labels_join(t, "energie,habitat");
	is_str(s, "Énergie, Habitat", "two themes named");
	free(s);
	s = theme_labels_join(t, "lien_social, economie_locale");
	is_str(s, "Lien social, Économie locale", "labels with blanks");
	free(s);
out:
	classify_free(c);
	theme_labels_free(t);
}

int
main(void)
{
	struct theme_labels *t = NULL;
	char err[4096], want[4096], *s;
	const char *path;

	scratch_make("theme-labels");
	path = path_in("themes.labels");

	write_file(path, "# the Parc's names\n\nenergie   Énergie\r\n"
	    "  lien_social\tLien social  \neau Eau\n");
	if (ok(theme_labels_load(path, &t, err, sizeof(err)) == 0,
	    "table loads")) {
		is_int((long long)theme_labels_count(t), 3, "three labels");
		is_str(theme_labels_id(t, 1), "lien_social", "identifier");
		is_str(theme_labels_label(t, 1), "Lien social",
		    "label trimmed, inner blank kept");
		is_int(theme_labels_line(t, 2), 5, "line kept");
		is_str(theme_labels_find(t, "energie"), "Énergie",
		    "CRLF dropped");
		ok(theme_labels_find(t, "mobilite") == NULL, "none for others");
		is_str(theme_label(t, "mobilite"), "mobilite",
		    "a theme without label shown by its identifier");
		s = theme_labels_join(t, "eau, mobilite,,lien_social");
		is_str(s, "Eau, mobilite, Lien social", "a list joined");
		free(s);
		s = theme_labels_join(t, "");
		is_str(s, "", "an empty list");
		free(s);
	}
	theme_labels_free(t);
	t = NULL;
	is_str(theme_label(NULL, "eau"), "eau", "no table: identifiers");

	write_file(path, "energie Énergie\nÉnergie Énergie\neau\n"
	    "energie Encore\nbad-id Mauvais\nmobilite Mobi\x01lité\n"
	    "habitat Hab\xff\n"
	    "dechets 0123456789012345678901234567890123456789012345678901234"
	    "56789012345678901234567890\n");
	ok(theme_labels_load(path, &t, err, sizeof(err)) != 0,
	    "bad table refused");
	snprintf(want, sizeof(want),
	    "%s:2: Énergie: expected 'identifier label' with an identifier "
	    "of a-z, 0-9 and _\n"
	    "%s:3: eau: missing label\n"
	    "%s:4: energie: labelled twice (first on line 1)\n"
	    "%s:5: bad-id: expected 'identifier label' with an identifier of "
	    "a-z, 0-9 and _\n"
	    "%s:6: mobilite: the label is not UTF-8 text on one line\n"
	    "%s:7: habitat: the label is not UTF-8 text on one line\n"
	    "%s:8: dechets: label longer than 80 bytes",
	    path, path, path, path, path, path, path);
	is_str(err, want, "every bad line with file, line and identifier");
	ok(t == NULL, "nothing returned on error");

	ok(theme_labels_load(path_in("none.labels"), &t, err, sizeof(err))
	    == 0 && t != NULL && theme_labels_count(t) == 0,
	    "a missing file is an empty table");
	theme_labels_free(t);

	shipped();
	scratch_remove();
	return tap_done();
}
