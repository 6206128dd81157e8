/*
 * people_file.c — the people file's format: its columns, what each may
 * hold, and reading a whole file into entries; see people_file.h.
 *
 * The CSV syntax is csv.c's; this file gives the columns their meaning.
 * It is strict about content: an unknown column, role or theme is an
 * error rather than a silent skip, since a misspelt "referant" would
 * otherwise route cases to nobody without anyone noticing.  The whole
 * file is checked, and every bad line reported, before anyone is
 * returned, so a bad file changes nothing.  Bringing the entries into the
 * database is store/people_import.c's: this side never touches it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/addr.h"
#include "base/buf.h"
#include "base/charset.h"
#include "base/fileio.h"
#include "base/mem.h"
#include "config/csv.h"
#include "config/people_file.h"

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

const char *
people_role_name(unsigned role)
{
	for (size_t i = 0; i < PEOPLE_NROLES; i++)
		if (people_roles[i].bit == role)
			return people_roles[i].name;
	return NULL;
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
	char *v, *json = NULL, addr[ADDR_MAX_LEN + 1];
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
		if (addr_normalize(v, addr, sizeof(addr)) != 0) {
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

/* ---- the file ----------------------------------------------------- */

struct people_parse {
	const char	*path;
	struct buf	 errs;
	int		 nerr;
	char		*header[PEOPLE_MAX_FIELDS];	/* column names */
	size_t		 ncols;
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

/* The header: known columns, each once, email among them.  Empty names
 * at the end are a spreadsheet's unused columns: ignored (their cells
 * must then be empty).  0 or -1. */
static int
people_read_header(struct people_parse *pp, const struct csv_record *r)
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
people_read_row(struct people_parse *pp, const struct csv_record *r,
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

int
people_load(const char *path, char **text, size_t *len, char *err,
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
people_parse(const char *path, const char *text, size_t len,
    struct people_list *out, char *err, size_t errlen)
{
	struct people_parse pp;
	struct csv_reader cr;
	struct csv_record r;
	struct csv_error ce;
	char tmp[32];
	size_t cap = 0;
	int got, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&pp, 0, sizeof(pp));
	memset(&r, 0, sizeof(r));
	buf_init(&pp.errs, errlen);
	pp.path = path;
	/* Lists inside a field are ';'-separated: columns take ','. */
	csv_init(&cr, text, len, ',', CSV_COMMENTS, PEOPLE_MAX_FIELDS);
	while ((got = csv_next(&cr, &r, &ce)) != 0) {
		if (got < 0)
			people_error(&pp, ce.line, "%s: %s", people_colname(&pp,
			    ce.field, tmp, sizeof(tmp)), ce.why);
		/* Without its header no line can be read. */
		if (got < 0 && pp.ncols == 0)
			break;
		if (got < 0 || csv_record_empty(&r))
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
	csv_record_free(&r);
	for (size_t i = 0; i < pp.ncols; i++)
		free(pp.header[i]);
	buf_free(&pp.errs);
	return rc;
}

int
people_read(const char *path, struct people_list *out, char *err,
    size_t errlen)
{
	char *text = NULL;
	size_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (people_load(path, &text, &len, err, errlen) != 0)
		return -1;
	/* A missing file: nobody yet. */
	rc = text ? people_parse(path, text, len, out, err, errlen) : 0;
	free(text);
	return rc;
}
