/*
 * csv.h — reading CSV text (RFC 4180) as spreadsheets write it, one record
 * at a time; nothing here knows what the columns mean.
 *
 * Fields are separated by one character, ',' or ';' (a French spreadsheet
 * saves with ';' by default), and double-quoted when they hold the
 * separator, a quote ("" inside quotes) or a line break.  Line ends are LF
 * or CRLF; a UTF-8 byte order mark at the start is skipped; blanks around
 * a quoted field are tolerated.  Blank lines and, when asked, lines
 * starting with '#' are skipped.
 *
 * The text is the caller's and is not copied: its size is capped where it
 * is read (fileio_read), which also bounds every field.  A record keeps at
 * most `max_fields` fields: of those beyond, the reader counts them and
 * keeps the first non-empty one, so the caller can name it in an error.
 * A syntax error stops at the record, with its line and the field number,
 * and the reader goes on at the next line.
 */
#ifndef CDP_CSV_H
#define CDP_CSV_H

#include <stddef.h>

struct buf;

/* Flags of csv_init(). */
#define CSV_COMMENTS	0x1	/* skip lines starting with '#' */

struct csv_reader {
	const char	*p, *end;	/* what is left of the text; borrowed */
	int		 line;		/* line of p, from 1 */
	char		 sep;		/* ',' or ';' */
	int		 flags;		/* CSV_* */
	size_t		 max_fields;	/* fields a record keeps */
};

/*
 * One record.  Zero it before the first csv_next(); csv_next() reuses it,
 * csv_record_free() frees it.  f[0..n) are the fields as written, quotes
 * and "" escapes undone, owned by the record (f[i] for i < n and
 * i < max_fields).
 */
struct csv_record {
	char		**f;		/* max_fields + 1 slots, owned */
	size_t		  n;		/* fields read, may exceed max_fields */
	int		  line;		/* where the record starts */
	const char	 *extra;	/* the first non-empty field past
					 * max_fields, or NULL; borrowed from
					 * f[max_fields] */
	size_t		  extra_at;	/* its number, from 0 */
	size_t		  nslots;	/* slots of f: max_fields + 1 */
};

/* Where a record could not be read, and why. */
struct csv_error {
	int		 line;		/* the record's first line */
	size_t		 field;		/* the field at fault, from 0 */
	const char	*why;		/* a sentence; static */
};

/*
 * Starts reading text[0..len) (borrowed: it must outlive the reader) with
 * the separator `sep` (',' or ';') and CSV_* `flags`; records keep at most
 * max_fields fields (at least 1).  Skips a UTF-8 byte order mark.
 */
void csv_init(struct csv_reader *r, const char *text, size_t len, char sep,
    int flags, size_t max_fields);

/*
 * Reads the next record into rec: 1, or 0 at the end of the text (rec is
 * then empty), or -1 after a syntax error, described in *e (an unclosed
 * quoted field, text after a closing quote, a quote inside an unquoted
 * field); the rest of that line is skipped, so the next call reads on.
 */
int csv_next(struct csv_reader *r, struct csv_record *rec,
    struct csv_error *e);

/* 1 if every field of rec holds only blanks (a spreadsheet's empty row). */
int csv_record_empty(const struct csv_record *rec);

/*
 * Appends `field` to b as csv_next() reads it back: as it is, or
 * double-quoted (quotes doubled) when it holds the separator `sep`, a
 * quote, a line break, blanks at either end (which readers trim), or
 * starts with '#' (a comment line when it comes first).
 */
void csv_write_field(struct buf *b, const char *field, char sep);

/* Frees the record's fields; it is left zeroed.  NULL is a no-op. */
void csv_record_free(struct csv_record *rec);

#endif
