/*
 * csv.c — the CSV reader; see csv.h.
 *
 * The administrator's files come from spreadsheets (LibreOffice, Excel, a
 * text editor), so the reader takes what those write: RFC 4180 quoting,
 * CRLF or LF, a UTF-8 byte order mark, trailing empty fields and rows of
 * empty cells.  It works on text already in memory, read whole with a
 * cap, so a field is never longer than the file and no line needs a
 * buffer of its own.  It stays strict about syntax: a stray quote is an
 * error naming the line and the field, never a guess, since a guessed
 * field would put a value in the wrong column without anyone noticing.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "config/csv.h"

static int
csv_blank(char c)
{
	return c == ' ' || c == '\t';
}

void
csv_init(struct csv_reader *r, const char *text, size_t len, char sep,
    int flags, size_t max_fields)
{
	memset(r, 0, sizeof(*r));
	r->p = text;
	r->end = text + len;
	r->line = 1;
	r->sep = sep;
	r->flags = flags;
	r->max_fields = max_fields ? max_fields : 1;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
}

void
csv_record_free(struct csv_record *rec)
{
	if (rec == NULL)
		return;
	for (size_t i = 0; i < rec->nslots; i++)
		free(rec->f[i]);
	free(rec->f);
	memset(rec, 0, sizeof(*rec));
}

/* Empties rec for the next record, with a slot per field kept and one for
 * the first field past them. */
static void
csv_record_reset(struct csv_record *rec, size_t max_fields)
{
	if (rec->nslots != max_fields + 1) {
		csv_record_free(rec);
		rec->nslots = max_fields + 1;
		rec->f = xcalloc(rec->nslots, sizeof(*rec->f));
	}
	for (size_t i = 0; i < rec->nslots; i++) {
		free(rec->f[i]);
		rec->f[i] = NULL;
	}
	rec->n = 0;
	rec->line = 0;
	rec->extra = NULL;
	rec->extra_at = 0;
}

/* Skips to the start of the next line. */
static void
csv_skip_line(struct csv_reader *r)
{
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));

	r->p = nl ? nl + 1 : r->end;
	r->line++;
}

/* 1 when the line at r->p is a comment (if asked) or holds only
 * blanks. */
static int
csv_skippable(const struct csv_reader *r)
{
	const char *q = r->p;

	if ((r->flags & CSV_COMMENTS) && *q == '#')
		return 1;
	while (q < r->end && (csv_blank(*q) || *q == '\r'))
		q++;
	return q == r->end || *q == '\n';
}

/* One field at r->p into b (the quotes and "" escapes undone); stops on
 * the separator or line end that follows it.  0, or -1 with the problem
 * in why. */
static int
csv_read_field(struct csv_reader *r, struct buf *b, const char **why)
{
	const char *p = r->p, *end = r->end, *q = p;

	/* Blanks around a quoted field are tolerated (", " separators). */
	while (q < end && csv_blank(*q))
		q++;
	if (q < end && *q == '"') {
		p = q;
		for (p++;; p++) {
			if (p >= end) {
				r->p = p;
				*why = "quoted field not closed (a \" is "
				    "missing)";
				return -1;
			}
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					p++;
				} else
					break;
			} else if (*p == '\n')
				r->line++;
			buf_addc(b, *p);
		}
		p++;
		while (p < end && csv_blank(*p))
			p++;
		if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
			p++;
		r->p = p;
		if (p < end && *p != r->sep && *p != '\n') {
			*why = "text after the closing quote (write \"\" for "
			    "a quote inside a quoted field)";
			return -1;
		}
		return 0;
	}
	for (; p < end && *p != r->sep && *p != '\n'; p++) {
		if (*p == '"') {
			r->p = p;
			*why = "quote inside an unquoted field (quote the "
			    "whole field and double the quote)";
			return -1;
		}
		buf_addc(b, *p);
	}
	/* The CR of a CRLF line end is not part of the last field. */
	if (b->len > 0 && b->data[b->len - 1] == '\r' && (p == end ||
	    *p == '\n'))
		b->data[--b->len] = '\0';
	r->p = p;
	return 0;
}

int
csv_next(struct csv_reader *r, struct csv_record *rec, struct csv_error *e)
{
	struct buf b;
	const char *why = NULL;
	size_t max = r->max_fields;
	int rc = 1;

	csv_record_reset(rec, max);
	while (r->p < r->end && csv_skippable(r))
		csv_skip_line(r);
	if (r->p >= r->end)
		return 0;
	rec->line = r->line;
	buf_init(&b, 0);
	for (;;) {
		buf_reset(&b);
		if (csv_read_field(r, &b, &why) != 0) {
			e->line = rec->line;
			e->field = rec->n;
			e->why = why;
			if (r->p < r->end)
				csv_skip_line(r);
			rc = -1;
			break;
		}
		if (rec->n < max)
			rec->f[rec->n] = xstrdup(buf_str(&b));
		else if (rec->extra == NULL && b.len > 0) {
			/* Kept for the caller's message only. */
			rec->f[max] = xstrdup(buf_str(&b));
			rec->extra = rec->f[max];
			rec->extra_at = rec->n;
		}
		rec->n++;
		if (r->p >= r->end)
			break;
		if (*r->p++ == '\n') {
			r->line++;
			break;
		}
	}
	buf_free(&b);
	return rc;
}

int
csv_record_empty(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->n && i + 1 < rec->nslots; i++) {
		const char *s = rec->f[i];

		while (csv_blank(*s))
			s++;
		if (*s)
			return 0;
	}
	return rec->extra == NULL;
}

void
csv_write_field(struct buf *b, const char *field, char sep)
{
	size_t len = strlen(field);
	char special[] = { sep, '"', '\n', '\r', '\0' };

	if (field[strcspn(field, special)] == '\0' && field[0] != '#' &&
	    (len == 0 || (!csv_blank(field[0]) && !csv_blank(field[len - 1])))) {
		buf_add(b, field, len);
		return;
	}
	buf_addc(b, '"');
	for (; *field; field++) {
		if (*field == '"')
			buf_addc(b, '"');
		buf_addc(b, *field);
	}
	buf_addc(b, '"');
}
