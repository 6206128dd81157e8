/*
 * test_csv.c — the CSV reader on its own: each record's exact fields as
 * spreadsheets write them (quotes, "" escapes, line breaks inside quotes,
 * ',' or ';', BOM, CRLF, blank and comment lines, fields past the cap),
 * and each syntax error with its line and field, the reading going on at
 * the next line.
 */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "config/csv.h"
#include "tap.h"

/* Reads `text` whole and writes each record as "line:f1|f2|..." (syntax
 * errors as "line:field N: why"), one per line, into out. */
static const char *
dump(const char *text, char sep, int flags, size_t max)
{
	static char out[2048];
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	size_t used = 0;
	int got;

	memset(&rec, 0, sizeof(rec));
	out[0] = '\0';
	csv_init(&r, text, strlen(text), sep, flags, max);
	while ((got = csv_next(&r, &rec, &e)) != 0 && used < sizeof(out)) {
		if (got < 0) {
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    "%d:field %zu: %s\n", e.line, e.field + 1, e.why);
			continue;
		}
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%d:",
		    rec.line);
		for (size_t i = 0; i < rec.n && i < max && used < sizeof(out);
		    i++)
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    "%s%s", i ? "|" : "", rec.f[i]);
		if (rec.n > max && used < sizeof(out))
			used += (size_t)snprintf(out + used, sizeof(out) - used,
			    " (+%zu, first at %zu: %s)", rec.n - max,
			    rec.extra_at + 1, rec.extra ? rec.extra : "none");
		if (used < sizeof(out))
			used += (size_t)snprintf(out + used,
			    sizeof(out) - used, "\n");
	}
	csv_record_free(&rec);
	return out;
}

/* One text, how to read it (separator, flags, cap on fields) and the exact
 * dump() of it. */
struct dump_case {
	const char	*text;
	char		 sep;
	int		 flags;
	size_t		 max;
	const char	*want, *name;
};

static void
dump_each(const struct dump_case *c, size_t n)
{
	for (; n > 0; c++, n--)
		is_str(dump(c->text, c->sep, c->flags, c->max), c->want,
		    c->name);
}

#define DUMP_EACH(cases) \
	dump_each((cases), sizeof(cases) / sizeof((cases)[0]))

static void
test_fields(void)
{
	static const struct dump_case cases[] = {
		{ "a,b,c\n1,2,3\n", ',', 0, 8, "1:a|b|c\n2:1|2|3\n",
		    "plain fields" },
		{ "a,b\n1,2", ',', 0, 8, "1:a|b\n2:1|2\n",
		    "last line without its line end" },
		{ "a,b\r\n1,2\r\n", ',', 0, 8, "1:a|b\n2:1|2\n",
		    "CRLF: the CR is not part of the last field" },
		{ "\xef\xbb\xbf" "a,b\n", ',', 0, 8, "1:a|b\n",
		    "byte order mark skipped" },
		{ "a,,c,\n", ',', 0, 8, "1:a||c|\n",
		    "empty fields, a trailing one too" },
		{ " a , b \n", ',', 0, 8, "1: a | b \n",
		    "blanks of an unquoted field are kept (the caller trims)" },
		{ "\"a,b\",\"say \"\"hi\"\"\"\n", ',', 0, 8,
		    "1:a,b|say \"hi\"\n",
		    "quoted separator and doubled quote" },
		{ "x,\"two\nlines\",y\nz\n", ',', 0, 8,
		    "1:x|two\nlines|y\n3:z\n",
		    "line break in a quoted field: the record keeps its first "
		    "line" },
		{ "\"a\"\r\n\"b\" , \"c\"\r\n", ',', 0, 8, "1:a\n2:b|c\n",
		    "quoted fields with CRLF and blanks around them" },
		{ "a;b,c;\"d;e\"\n", ';', 0, 8, "1:a|b,c|d;e\n",
		    "';' separator: a comma is text" },
		{ "a,b;c\n", ',', 0, 8, "1:a|b;c\n",
		    "',' separator: a ';' is text" },
		{ "\n  \r\n#x,y\na\n", ',', CSV_COMMENTS, 8, "4:a\n",
		    "blank lines skipped; '#' skipped when asked" },
		{ "#x,y\n", ',', 0, 8, "1:#x|y\n",
		    "'#' is text when comments are not asked for" },
		{ "", ',', 0, 8, "", "empty text: no record" },
	};

	DUMP_EACH(cases);
}

static void
test_caps(void)
{
	static const struct dump_case cases[] = {
		{ "a,b,c,d\n", ',', 0, 2, "1:a|b (+2, first at 3: c)\n",
		    "past the cap: counted, first kept" },
		{ "a,b,,d\n", ',', 0, 2, "1:a|b (+2, first at 4: d)\n",
		    "past the cap: the first non-empty one is kept" },
		{ "a,b,,\n", ',', 0, 2, "1:a|b (+2, first at 1: none)\n",
		    "past the cap: empty ones only" },
	};

	DUMP_EACH(cases);
}

static void
test_errors(void)
{
	static const struct dump_case cases[] = {
		{ "a,\"b\"x,c\nd\n", ',', 0, 8,
		    "1:field 2: text after the closing quote (write \"\" for a "
		    "quote inside a quoted field)\n2:d\n",
		    "text after a closing quote; the next line is read" },
		{ "a,b \"c\"\nd\n", ',', 0, 8,
		    "1:field 2: quote inside an unquoted field (quote the "
		    "whole field and double the quote)\n2:d\n",
		    "quote in unquoted field" },
		{ "a\nb,\"c\nd\n", ',', 0, 8,
		    "1:a\n2:field 2: quoted field not closed (a \" is "
		    "missing)\n",
		    "unclosed quote runs to the end" },
	};

	DUMP_EACH(cases);
}

static void
test_empty(void)
{
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	const char *text = " , \t\nx,\n,,,y\n";

	memset(&rec, 0, sizeof(rec));
	csv_init(&r, text, strlen(text), ',', 0, 2);
	is_int(csv_next(&r, &rec, &e), 1, "empty row: read");
	ok(csv_record_empty(&rec), "blanks only: empty");
	is_int(csv_next(&r, &rec, &e), 1, "row with a value: read");
	ok(!csv_record_empty(&rec), "a value: not empty");
	is_int(csv_next(&r, &rec, &e), 1, "value past the cap: read");
	ok(!csv_record_empty(&rec), "a value past the cap: not empty");
	is_int(csv_next(&r, &rec, &e), 0, "end of text");
	is_int(rec.n, 0, "end of text: record empty");
	csv_record_free(&rec);
	csv_record_free(NULL);
}

/* csv_write_field: quoted only when needed, and read back as written. */
static void
test_write(void)
{
	static const struct {
		const char *field, *want, *name;
	} cases[] = {
		{ "plain", "plain", "write: plain as it is" },
		{ "", "", "write: empty" },
		{ "Roux, Zoé", "\"Roux, Zoé\"", "write: separator quoted" },
		{ "Le \"Jardin\"", "\"Le \"\"Jardin\"\"\"",
		    "write: quote doubled" },
		{ "a\nb", "\"a\nb\"", "write: line break quoted" },
		{ "#1", "\"#1\"", "write: '#' first is not a comment" },
		{ " x", "\" x\"", "write: leading blank kept" },
		{ "a;b", "a;b", "write: ';' is not the separator here" },
	};
	struct buf b, line;
	char want[256];

	buf_init(&line, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 0);
		csv_write_field(&b, cases[i].field, ',');
		is_str(buf_str(&b), cases[i].want, cases[i].name);
		buf_free(&b);
		csv_write_field(&line, cases[i].field, ',');
		buf_addc(&line, ',');
	}
	buf_adds(&line, "end\n");
	snprintf(want, sizeof(want), "1:plain||Roux, Zoé|Le \"Jardin\"|a\nb|"
	    "#1| x|a;b|end\n");
	is_str(dump(buf_str(&line), ',', CSV_COMMENTS, 16), want,
	    "write: the reader reads every field back");
	buf_free(&line);
}

int
main(void)
{
	test_fields();
	test_write();
	test_caps();
	test_errors();
	test_empty();
	return tap_done();
}
