/*
 * test_cli_row.c — the text tables of `person list` and `case list`:
 * columns padded by characters, not bytes, so accented names line up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "cli/cli.h"

/* One row printed by cli_row into a string (freed by the caller). */
static char *
row(const int *width, const char *const *cell, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	cli_row(f, width, cell, n);
	fclose(f);
	return buf;
}

int
main(void)
{
	static const int w[] = { 8, -3, 0 };
	const char *plain[] = { "Camille", "12", "fin" };
	const char *accent[] = { "Émilie", "3", "fin" };
	const char *nfd[] = { "E\xcc\x81mile", "4", "fin" };
	const char *longer[] = { "Marie-Thérèse", "1234", "fin" };
	const char *empty[] = { NULL, "", "" };
	char *got;

	got = row(w, plain, 3);
	is_str(got, "Camille   12 fin\n", "ASCII cell padded to its width");
	free(got);
	got = row(w, accent, 3);
	is_str(got, "Émilie     3 fin\n",
	    "an accented cell is padded by characters, not bytes");
	free(got);
	got = row(w, nfd, 3);
	is_str(got, "E\xcc\x81mile      4 fin\n",
	    "a combining accent takes no column");
	free(got);
	got = row(w, longer, 3);
	is_str(got, "Marie-Thérèse 1234 fin\n",
	    "a cell longer than its width is printed whole");
	free(got);
	got = row(w, empty, 3);
	is_str(got, "             \n", "NULL and empty cells are blanks; the "
	    "last cell is never padded");
	free(got);
	return tap_done();
}
