/*
 * people_file.c — reading the people file and syncing it into the database;
 * see people_file.h for the file's format.
 *
 * The file comes from a spreadsheet (LibreOffice, Excel, a text editor),
 * so the reader takes what those write: RFC 4180 quoting, CRLF or LF, a
 * UTF-8 byte order mark, trailing empty fields and rows of empty cells.
 * It is strict about content: an unknown column, role or theme is an
 * error rather than a silent skip, since a misspelt "referant" would
 * otherwise route cases to nobody without anyone noticing.  The whole file
 * is checked before anything is written, so a bad file changes nothing.
 *
 * Where a role came from (person_roles.source) is what lets a re-read
 * take away the roles the administrator removed from the file without
 * touching those a volunteer earned by mail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/buf.h"
#include "base/charset.h"
#include "base/log.h"
#include "base/mem.h"
#include "config/people_file.h"
#include "store/person_db.h"
#include "store/store.h"

static const struct {
	const char	*name;
	enum people_field field;
} people_columns[] = {
	{ "email", PEOPLE_EMAIL },
	{ "name", PEOPLE_NAME },
	{ "roles", PEOPLE_ROLES },
	{ "themes", PEOPLE_THEMES },
	{ "communes", PEOPLE_COMMUNES },
	{ "max_open_cases", PEOPLE_MAX_OPEN },
	{ "active", PEOPLE_ACTIVE }
};
#define PEOPLE_NCOLUMNS	(sizeof(people_columns) / sizeof(people_columns[0]))

static const struct {
	const char	*name;
	enum people_role bit;
} people_roles[] = {
	{ "referent", PEOPLE_ROLE_REFERENT },
	{ "volunteer", PEOPLE_ROLE_VOLUNTEER },
	{ "coordinator", PEOPLE_ROLE_COORDINATOR }
};
#define PEOPLE_NROLES	(sizeof(people_roles) / sizeof(people_roles[0]))

static const struct {
	const char	*word;
	int		 value;
} people_booleans[] = {
	{ "1", 1 }, { "oui", 1 }, { "yes", 1 }, { "true", 1 },
	{ "0", 0 }, { "non", 0 }, { "no", 0 }, { "false", 0 }
};

/* Most columns a header may have: the known ones, each once. */
#define PEOPLE_MAX_FIELDS	PEOPLE_NCOLUMNS

static int
people_field_named(const char *name)
{
	for (size_t i = 0; i < PEOPLE_NCOLUMNS; i++)
		if (strcasecmp(name, people_columns[i].name) == 0)
			return (int)people_columns[i].field;
	return 0;
}

static const char *
people_field_name(unsigned field)
{
	for (size_t i = 0; i < PEOPLE_NCOLUMNS; i++)
		if (people_columns[i].field == field)
			return people_columns[i].name;
	return "?";
}

static int
people_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A copy of s without surrounding blanks. */
static char *
people_trim(const char *s, size_t len)
{
	while (len > 0 && people_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && people_blank(s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* 1 if s holds a C0, DEL or C1 control character: a line break inside a
 * quoted field, or a stray byte, never wanted in a name. */
static int
people_has_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u; u++)
		if (*u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 &&
		    u[1] <= 0x9f))
			return 1;
	return 0;
}

static int
people_theme_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

/* Appends s as a JSON string; control characters are refused earlier, so
 * only the quote and the backslash need escaping. */
static void
people_json_string(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/*
 * Splits a ';'-separated list of `field` into a JSON array (and role bits
 * for roles).  0, or -1 with "column: problem" in err.
 */
static int
people_parse_list(unsigned field, const char *v, char **json,
    unsigned *bits, char *err, size_t errlen)
{
	struct buf b;
	char **items = NULL;
	size_t n = 0;
	const char *p = v;
	int rc = -1;

	buf_init(&b, 0);
	*bits = 0;
	while (*p) {
		size_t len = strcspn(p, ";");
		char *item = people_trim(p, len);
		const char *canon = item;

		p += len + (p[len] == ';');
		if (*item == '\0') {
			free(item);
			continue;
		}
		items = xrealloc(items, (n + 1) * sizeof(*items));
		items[n++] = item;
		if (field == PEOPLE_ROLES) {
			size_t r;

			for (r = 0; r < PEOPLE_NROLES; r++)
				if (strcasecmp(item, people_roles[r].name) == 0)
					break;
			if (r == PEOPLE_NROLES) {
				snprintf(err, errlen, "roles: '%s' is not a role "
				    "(referent, volunteer or coordinator)",
				    item);
				goto out;
			}
			canon = people_roles[r].name;
			if (*bits & people_roles[r].bit)
				continue;
			*bits |= people_roles[r].bit;
		} else if (field == PEOPLE_THEMES && !people_theme_ok(item)) {
			snprintf(err, errlen, "themes: '%s' is not a theme "
			    "identifier (a-z, 0-9 and _, as in themes.rules)",
			    item);
			goto out;
		} else if (strlen(item) > PEOPLE_MAX_ITEM) {
			snprintf(err, errlen, "%s: '%.40s...' is longer than "
			    "%d bytes", people_field_name(field), item,
			    PEOPLE_MAX_ITEM);
			goto out;
		} else {
			size_t i;

			for (i = 0; i + 1 < n; i++)
				if (strcmp(items[i], item) == 0)
					break;
			if (i + 1 < n)
				continue;
		}
		buf_adds(&b, b.len ? "," : "[");
		people_json_string(&b, canon);
	}
	buf_adds(&b, b.len ? "]" : "[]");
	*json = buf_steal(&b);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
	buf_free(&b);
	return rc;
}

static int
people_parse_max(const char *v, int *out, char *err, size_t errlen)
{
	long n = 0;

	*out = 0;
	if (*v == '\0')
		return 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > PEOPLE_MAX_OPEN_CASES) {
			n = -1;
			break;
		}
		n = n * 10 + (*p - '0');
	}
	if (n < 1 || n > PEOPLE_MAX_OPEN_CASES) {
		snprintf(err, errlen, "max_open_cases: '%s' is not a number "
		    "from 1 to %d (empty: the default)", v,
		    PEOPLE_MAX_OPEN_CASES);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int
people_parse_active(const char *v, int *out, char *err, size_t errlen)
{
	if (*v == '\0') {
		*out = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(people_booleans) /
	    sizeof(people_booleans[0]); i++)
		if (strcasecmp(v, people_booleans[i].word) == 0) {
			*out = people_booleans[i].value;
			return 0;
		}
	snprintf(err, errlen, "active: '%s' is not 1/0, oui/non, yes/no or "
	    "true/false", v);
	return -1;
}

static void
people_replace(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

int
people_entry_set(struct people_entry *e, const char *column,
    const char *value, char *err, size_t errlen)
{
	char *v, *json = NULL, addr[PERSON_EMAIL_MAX];
	unsigned bits = 0;
	int field, num = 0, rc = -1;

	if ((field = people_field_named(column)) == 0) {
		snprintf(err, errlen, "%s: unknown column", column);
		return -1;
	}
	column = people_field_name((unsigned)field);
	v = people_trim(value, strlen(value));
	if (!charset_utf8_valid(v, strlen(v))) {
		snprintf(err, errlen, "%s: not valid UTF-8 (save the file as "
		    "UTF-8)", column);
		goto out;
	}
	if (people_has_control(v)) {
		snprintf(err, errlen, "%s: control character or line break in "
		    "the value", column);
		goto out;
	}
	switch (field) {
	case PEOPLE_EMAIL:
		if (*v == '\0') {
			snprintf(err, errlen, "email: missing");
			goto out;
		}
		if (person_normalize_email(v, addr, sizeof(addr)) != 0) {
			snprintf(err, errlen, "email: '%s' is not a mail "
			    "address", v);
			goto out;
		}
		people_replace(&e->email, xstrdup(addr));
		break;
	case PEOPLE_NAME:
		if (strlen(v) > PEOPLE_MAX_NAME) {
			snprintf(err, errlen, "name: longer than %d bytes",
			    PEOPLE_MAX_NAME);
			goto out;
		}
		/* As person_ensure() stores names: blanks collapsed. */
		people_replace(&e->name, charset_clean_line(v));
		break;
	case PEOPLE_MAX_OPEN:
		if (people_parse_max(v, &num, err, errlen) != 0)
			goto out;
		e->max_open_cases = num;
		break;
	case PEOPLE_ACTIVE:
		if (people_parse_active(v, &num, err, errlen) != 0)
			goto out;
		e->active = num;
		break;
	default:
		if (people_parse_list((unsigned)field, v, &json, &bits, err,
		    errlen) != 0)
			goto out;
		if (field == PEOPLE_ROLES) {
			people_replace(&e->roles_json, json);
			e->roles = bits;
		} else
			people_replace(field == PEOPLE_THEMES ?
			    &e->themes_json : &e->communes_json, json);
		break;
	}
	e->given |= (unsigned)field;
	rc = 0;
out:
	free(v);
	return rc;
}

void
people_entry_clear(struct people_entry *e)
{
	free(e->email);
	free(e->name);
	free(e->roles_json);
	free(e->themes_json);
	free(e->communes_json);
	memset(e, 0, sizeof(*e));
}

void
people_list_free(struct people_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		people_entry_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---- CSV ---------------------------------------------------------- */

struct people_parse {
	const char	*path;
	const char	*p, *end;	/* what is left of the file */
	int		 line;		/* line of p */
	struct buf	 errs;
	int		 nerr;
	char		*header[PEOPLE_MAX_FIELDS];	/* column names */
	size_t		 ncols;
};

struct people_record {
	char		*f[PEOPLE_MAX_FIELDS + 1];	/* the last one:
						 * overflow, kept empty */
	size_t		 n;		/* fields read, may exceed the array */
	int		 line;		/* where the record starts */
	const char	*extra;		/* first non-empty field past the
					 * array, for the error; borrowed */
	size_t		 extra_at;
};

static void people_error(struct people_parse *, int, const char *, ...)
	__attribute__((format(printf, 3, 4)));

static void
people_error(struct people_parse *pp, int line, const char *fmt, ...)
{
	va_list ap;

	if (pp->nerr++)
		buf_addc(&pp->errs, '\n');
	buf_printf(&pp->errs, "%s:%d: ", pp->path, line);
	va_start(ap, fmt);
	buf_vprintf(&pp->errs, fmt, ap);
	va_end(ap);
}

static void
people_record_clear(struct people_record *r)
{
	for (size_t i = 0; i <= PEOPLE_MAX_FIELDS; i++) {
		free(r->f[i]);
		r->f[i] = NULL;
	}
	r->n = 0;
	r->extra = NULL;
}

/* Field number `i` (from 0) for messages: its column, or "field N". */
static const char *
people_colname(const struct people_parse *pp, size_t i, char *tmp,
    size_t tmplen)
{
	if (i < pp->ncols)
		return pp->header[i];
	snprintf(tmp, tmplen, "field %zu", i + 1);
	return tmp;
}

/* Skips to the start of the next line. */
static void
people_skip_line(struct people_parse *pp)
{
	const char *nl = memchr(pp->p, '\n', (size_t)(pp->end - pp->p));

	pp->p = nl ? nl + 1 : pp->end;
	pp->line++;
}

/* 1 when the line at pp->p is a comment or holds only blanks. */
static int
people_skippable(const struct people_parse *pp)
{
	const char *q = pp->p;

	if (*q == '#')
		return 1;
	while (q < pp->end && (people_blank(*q) || *q == '\r'))
		q++;
	return q == pp->end || *q == '\n';
}

/* One field at pp->p into b (the quotes and "" escapes undone); stops on
 * the separator or line end that follows it.  0, or -1 with the problem
 * in why. */
static int
people_read_field(struct people_parse *pp, struct buf *b, const char **why)
{
	const char *p = pp->p, *end = pp->end, *q = p;

	/* Blanks around a quoted field are tolerated (", " separators). */
	while (q < end && people_blank(*q))
		q++;
	if (q < end && *q == '"') {
		p = q;
		for (p++;; p++) {
			if (p >= end) {
				pp->p = p;
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
				pp->line++;
			buf_addc(b, *p);
		}
		p++;
		while (p < end && people_blank(*p))
			p++;
		if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
			p++;
		pp->p = p;
		if (p < end && *p != ',' && *p != '\n') {
			*why = "text after the closing quote (write \"\" for "
			    "a quote inside a quoted field)";
			return -1;
		}
		return 0;
	}
	for (; p < end && *p != ',' && *p != '\n'; p++) {
		if (*p == '"') {
			pp->p = p;
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
	pp->p = p;
	return 0;
}

/*
 * The next record into r: 1, 0 at the end of the file, -1 after a syntax
 * error (reported; the rest of its line is skipped).
 */
static int
people_next_record(struct people_parse *pp, struct people_record *r)
{
	struct buf b;
	const char *why = NULL;
	char tmp[32];
	int rc = 1;

	people_record_clear(r);
	while (pp->p < pp->end && people_skippable(pp))
		people_skip_line(pp);
	if (pp->p >= pp->end)
		return 0;
	r->line = pp->line;
	buf_init(&b, 0);
	for (;;) {
		buf_reset(&b);
		if (people_read_field(pp, &b, &why) != 0) {
			people_error(pp, r->line, "%s: %s", people_colname(pp,
			    r->n, tmp, sizeof(tmp)), why);
			if (pp->p < pp->end)
				people_skip_line(pp);
			rc = -1;
			break;
		}
		if (r->n < PEOPLE_MAX_FIELDS)
			r->f[r->n] = xstrdup(buf_str(&b));
		else if (r->extra == NULL && b.len > 0) {
			/* Kept for the message only. */
			free(r->f[PEOPLE_MAX_FIELDS]);
			r->f[PEOPLE_MAX_FIELDS] = xstrdup(buf_str(&b));
			r->extra = r->f[PEOPLE_MAX_FIELDS];
			r->extra_at = r->n;
		}
		r->n++;
		if (pp->p >= pp->end)
			break;
		if (*pp->p++ == '\n') {
			pp->line++;
			break;
		}
	}
	buf_free(&b);
	return rc;
}

/* 1 if every field of r is empty (a spreadsheet's empty row). */
static int
people_record_empty(const struct people_record *r)
{
	for (size_t i = 0; i < r->n && i < PEOPLE_MAX_FIELDS; i++) {
		const char *s = r->f[i];

		while (people_blank(*s))
			s++;
		if (*s)
			return 0;
	}
	return r->extra == NULL;
}

/* The header: known columns, each once, email among them.  Empty names
 * at the end are a spreadsheet's unused columns: ignored (their cells
 * must then be empty).  0 or -1. */
static int
people_read_header(struct people_parse *pp, struct people_record *r)
{
	size_t n = r->n < PEOPLE_MAX_FIELDS ? r->n : PEOPLE_MAX_FIELDS;
	unsigned seen = 0;
	int bad = 0;

	if (r->extra != NULL) {
		people_error(pp, r->line, "header: more than the %zu known "
		    "columns", PEOPLE_NCOLUMNS);
		return -1;
	}
	while (n > 0 && r->f[n - 1][strspn(r->f[n - 1], " \t")] == '\0')
		n--;
	for (size_t i = 0; i < n; i++) {
		char *name = people_trim(r->f[i], strlen(r->f[i]));
		int field = people_field_named(name);

		/* Messages name columns as documented, whatever the case. */
		if (field != 0)
			people_replace(&name, xstrdup(people_field_name(
			    (unsigned)field)));
		pp->header[pp->ncols++] = name;
		if (*name == '\0') {
			people_error(pp, r->line, "column %zu: empty column "
			    "name", i + 1);
			bad = 1;
		} else if (field == 0 && strchr(name, ';') != NULL) {
			/* What a French spreadsheet writes by default. */
			people_error(pp, r->line, "%s: unknown column; columns "
			    "are separated by commas, not ';' (save as CSV "
			    "with the comma as separator)", name);
			bad = 1;
		} else if (field == 0) {
			people_error(pp, r->line, "%s: unknown column (known: "
			    "email, name, roles, themes, communes, "
			    "max_open_cases, active)", name);
			bad = 1;
		} else if (seen & (unsigned)field) {
			people_error(pp, r->line, "%s: column named twice",
			    name);
			bad = 1;
		}
		seen |= (unsigned)field;
	}
	if (!bad && !(seen & PEOPLE_EMAIL)) {
		people_error(pp, r->line, "email: required column missing "
		    "from the header");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* One data record into a new entry of `out`; errors reported. */
static void
people_read_row(struct people_parse *pp, struct people_record *r,
    struct people_list *out, size_t *cap)
{
	struct people_entry e;
	char err[512];
	int bad = 0;

	memset(&e, 0, sizeof(e));
	e.line = r->line;
	for (size_t i = pp->ncols; i < r->n; i++) {
		const char *v = i < PEOPLE_MAX_FIELDS ? r->f[i] :
		    r->extra ? r->extra : "";

		if (v[strspn(v, " \t")] != '\0') {
			people_error(pp, r->line, "field %zu: no column for "
			    "this value (the header names %zu)", (i <
			    PEOPLE_MAX_FIELDS ? i : r->extra_at) + 1,
			    pp->ncols);
			bad = 1;
			break;
		}
	}
	/* A short row (trailing empty cells dropped) leaves them empty. */
	for (size_t i = 0; i < pp->ncols; i++)
		if (people_entry_set(&e, pp->header[i], i < r->n ? r->f[i] :
		    "", err, sizeof(err)) != 0) {
			people_error(pp, r->line, "%s", err);
			bad = 1;
		}
	if (bad) {
		people_entry_clear(&e);
		return;
	}
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		out->items = xrealloc(out->items, *cap * sizeof(*out->items));
	}
	out->items[out->n++] = e;
}

static int
people_cmp_email(const void *a, const void *b)
{
	const struct people_entry *x = *(const struct people_entry *const *)a;
	const struct people_entry *y = *(const struct people_entry *const *)b;
	int c = strcmp(x->email, y->email);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Reports every address given on two lines or more. */
static void
people_check_duplicates(struct people_parse *pp, const struct people_list *l)
{
	const struct people_entry **v;

	if (l->n < 2)
		return;
	v = xmalloc(l->n * sizeof(*v));
	for (size_t i = 0; i < l->n; i++)
		v[i] = &l->items[i];
	qsort(v, l->n, sizeof(*v), people_cmp_email);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(v[i]->email, v[i - 1]->email) == 0)
			people_error(pp, v[i]->line, "email: %s is already on "
			    "line %d", v[i]->email, v[i - 1]->line);
	free(v);
}

/* The whole file, or -1 with the reason; a missing file gives *text NULL
 * and 0. */
static int
people_slurp(const char *path, char **text, size_t *len, char *err,
    size_t errlen)
{
	if (fileio_read(path, PEOPLE_MAX_FILE, FILEIO_MISSING_OK, text, len,
	    NULL, err, errlen) < 0)
		return -1;
	if (*text != NULL && memchr(*text, '\0', *len) != NULL) {
		snprintf(err, errlen, "%s: contains a NUL byte; not a text "
		    "file (save it as CSV, UTF-8)", path);
		free(*text);
		*text = NULL;
		return -1;
	}
	return 0;
}

int
people_read(const char *path, struct people_list *out, char *err,
    size_t errlen)
{
	struct people_parse pp;
	struct people_record r;
	char *text = NULL;
	size_t len, cap = 0;
	int got, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&pp, 0, sizeof(pp));
	memset(&r, 0, sizeof(r));
	buf_init(&pp.errs, errlen);
	if (people_slurp(path, &text, &len, err, errlen) != 0)
		goto out;
	if (text == NULL) {
		rc = 0;
		goto out;
	}
	pp.path = path;
	pp.p = text;
	pp.end = text + len;
	pp.line = 1;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pp.p += 3;
	while ((got = people_next_record(&pp, &r)) != 0) {
		/* Without its header no line can be read. */
		if (got < 0 && pp.ncols == 0)
			break;
		if (got < 0 || people_record_empty(&r))
			continue;
		if (pp.ncols == 0) {
			if (people_read_header(&pp, &r) != 0)
				break;
		} else
			people_read_row(&pp, &r, out, &cap);
	}
	people_check_duplicates(&pp, out);
	if (pp.nerr) {
		snprintf(err, errlen, "%s", buf_str(&pp.errs));
		people_list_free(out);
		goto out;
	}
	rc = 0;
out:
	people_record_clear(&r);
	for (size_t i = 0; i < pp.ncols; i++)
		free(pp.header[i]);
	buf_free(&pp.errs);
	free(text);
	return rc;
}

/* ---- database ----------------------------------------------------- */

static int
people_exec(struct store *st, struct store_stmt *s, const char *email,
    char *err, size_t errlen)
{
	int rc = 0;

	if (store_step(s) != STORE_DONE) {
		snprintf(err, errlen, "%s: %s", email, store_errmsg(st));
		rc = -1;
	}
	store_finalize(s);
	return rc;
}

/* The fields the entry gives, written over the stored ones; *changed is
 * set when a value differed. */
static int
people_update_fields(struct store *st, const struct people_entry *e,
    int64_t id, long long now, int *changed, char *err, size_t errlen)
{
	struct store_stmt *s;
	unsigned g = e->given;

	/* NULL parameters mean "not given: keep"; max_open_cases needs a
	 * flag of its own, since NULL is one of its values. */
	s = store_prepare(st, "UPDATE persons SET name = coalesce(?2, name), "
	    "themes = coalesce(?3, themes), communes = coalesce(?4, communes), "
	    "max_open_cases = CASE WHEN ?6 THEN ?5 ELSE max_open_cases END, "
	    "active = coalesce(?7, active), updated_at = ?8 WHERE id = ?1 AND "
	    "(name IS NOT coalesce(?2, name) OR themes IS NOT coalesce(?3, "
	    "themes) OR communes IS NOT coalesce(?4, communes) OR (?6 AND "
	    "max_open_cases IS NOT ?5) OR active IS NOT coalesce(?7, active))",
	    err, errlen);
	if (s == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	store_bind_text(s, 2, (g & PEOPLE_NAME) && e->name && *e->name ?
	    e->name : NULL);
	store_bind_text(s, 3, g & PEOPLE_THEMES ? e->themes_json : NULL);
	store_bind_text(s, 4, g & PEOPLE_COMMUNES ? e->communes_json : NULL);
	if (e->max_open_cases > 0)
		store_bind_int64(s, 5, e->max_open_cases);
	else
		store_bind_null(s, 5);
	store_bind_int64(s, 6, (g & PEOPLE_MAX_OPEN) != 0);
	if (g & PEOPLE_ACTIVE)
		store_bind_int64(s, 7, e->active);
	else
		store_bind_null(s, 7);
	store_bind_int64(s, 8, now);
	if (people_exec(st, s, e->email, err, errlen) != 0)
		return -1;
	*changed |= store_changes(st) > 0;
	return 0;
}

/* Removes the person's file roles the entry does not list. */
static int
people_drop_roles(struct store *st, const struct people_entry *e, int64_t id,
    size_t *removed, char *err, size_t errlen)
{
	struct store_stmt *s;

	s = store_prepare(st, "DELETE FROM person_roles WHERE person_id = ?1 "
	    "AND source = 'file' AND role NOT IN (SELECT value FROM "
	    "json_each(?2))", err, errlen);
	if (s == NULL)
		return -1;
	store_bind_int64(s, 1, id);
	store_bind_text(s, 2, e->roles_json ? e->roles_json : "[]");
	if (people_exec(st, s, e->email, err, errlen) != 0)
		return -1;
	*removed += (size_t)store_changes(st);
	return 0;
}

/* One entry into the database: the person, their fields, their roles
 * (given with `src`; with PERSON_SRC_FILE the file roles it no longer
 * lists are removed).  Sets *id. */
static int
people_upsert(struct store *st, const struct people_entry *e,
    enum person_source src, long long now, int64_t *id,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	size_t removed = 0;
	int found, changed = 0;

	if (e->email == NULL) {
		snprintf(err, errlen, "line %d: no address", e->line);
		return -1;
	}
	if ((found = person_find(st, e->email, id, err, errlen)) < 0)
		return -1;
	if (!found && person_ensure(st, e->email, (e->given & PEOPLE_NAME) ?
	    e->name : NULL, now, id, err, errlen) != 0)
		return -1;
	if (people_update_fields(st, e, *id, now, &changed, err, errlen) != 0)
		return -1;
	for (size_t r = 0; r < PEOPLE_NROLES; r++) {
		if (!(e->roles & people_roles[r].bit))
			continue;
		if (person_add_role(st, *id, people_roles[r].name, src, now,
		    err, errlen) != 0)
			return -1;
		changed |= store_changes(st) > 0;
	}
	if (src == PERSON_SRC_FILE && people_drop_roles(st, e, *id, &removed,
	    err, errlen) != 0)
		return -1;
	stats->roles_removed += removed;
	if (!found)
		stats->added++;
	else if (changed || removed)
		stats->updated++;
	return 0;
}

/* Removes the file roles of persons the file no longer lists (`ids`: a
 * JSON array of those it does). */
static int
people_drop_absent(struct store *st, const char *ids, size_t *removed,
    char *err, size_t errlen)
{
	struct store_stmt *s;

	s = store_prepare(st, "DELETE FROM person_roles WHERE source = 'file' "
	    "AND person_id NOT IN (SELECT value FROM json_each(?1))", err,
	    errlen);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, ids);
	if (people_exec(st, s, "removing roles", err, errlen) != 0)
		return -1;
	*removed += (size_t)store_changes(st);
	return 0;
}

static int
people_apply(struct store *st, const struct people_list *l, long long now,
    enum person_source src, struct people_sync_stats *stats, char *err,
    size_t errlen)
{
	struct people_sync_stats local;
	struct buf ids;
	int64_t id;
	int rc = -1;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	buf_init(&ids, 0);
	buf_addc(&ids, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (people_upsert(st, &l->items[i], src, now, &id, stats, err,
		    errlen) != 0)
			goto out;
		buf_printf(&ids, "%s%lld", i ? "," : "", (long long)id);
	}
	buf_addc(&ids, ']');
	if (src == PERSON_SRC_FILE && people_drop_absent(st, buf_str(&ids),
	    &stats->roles_removed, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	buf_free(&ids);
	return rc;
}

int
people_sync(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_FILE, stats, err, errlen);
}

int
people_import(struct store *st, const struct people_list *l, long long now,
    struct people_sync_stats *stats, char *err, size_t errlen)
{
	return people_apply(st, l, now, PERSON_SRC_DB, stats, err, errlen);
}

int
people_reload_if_changed(struct store *st, const char *path,
    struct people_watch *w, long long now, char *err, size_t errlen)
{
	struct people_list l = { NULL, 0 };
	struct people_sync_stats stats;
	struct stat sb;
	long long mtime = -1, size = -1;
	char e2[256];
	int rc = -1;

	if (stat(path, &sb) == 0) {
		mtime = (long long)sb.st_mtim.tv_sec * 1000000000LL +
		    sb.st_mtim.tv_nsec;
		size = (long long)sb.st_size;
	} else if (errno != ENOENT)
		mtime = -1 - errno;	/* a new errno is a change */
	if (w->loaded && w->mtime_ns == mtime && w->size == size)
		return 0;
	if (mtime < -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(-1 - (int)mtime));
		goto seen;
	}
	if (people_read(path, &l, err, errlen) != 0)
		goto seen;
	if (store_begin(st, err, errlen) != 0)
		goto out;
	if (people_sync(st, &l, now, &stats, err, errlen) != 0 ||
	    store_commit(st, err, errlen) != 0) {
		store_rollback(st, e2, sizeof(e2));
		goto out;
	}
	if (mtime == -1)
		log_info("people: %s: no such file, nobody from it; %zu "
		    "roles removed", path, stats.roles_removed);
	else
		log_info("people: %s: %zu people, %zu added, %zu updated, "
		    "%zu roles removed", path, l.n, stats.added,
		    stats.updated, stats.roles_removed);
	rc = 1;
seen:
	/* Read (or found bad): not again until it changes. */
	w->mtime_ns = mtime;
	w->size = size;
	w->loaded = 1;
out:
	people_list_free(&l);
	return rc;
}
