/*
 * people_file.h — the people file ([paths] people, config/people.csv): who the
 * network's referents, volunteers and coordinators are, with their themes,
 * communes and load, kept by the administrator in a spreadsheet.
 *
 * The file is CSV (RFC 4180, read by csv.h): comma-separated fields,
 * double-quoted when they hold a comma, a quote ("" inside quotes) or a
 * line break; CRLF or LF line ends; UTF-8, with or without a byte order
 * mark.  Lines starting with '#' and blank lines are skipped.  The first
 * other line is a header naming the columns, in any order (letter case and
 * blanks around names do not matter):
 *
 *   email           required; one row per address (a second row with the
 *                   same address is an error naming both lines)
 *   name            display name; empty: keep the name the daemon knows
 *   roles           ';'-separated list of referent, volunteer, coordinator
 *   themes          ';'-separated theme identifiers ([a-z0-9_]+, the
 *                   labels of rules/themes.rules; not checked against it)
 *   communes        ';'-separated commune names, as written
 *   max_open_cases  open cases a referent takes at most; empty: default
 *   active          1/0, oui/non, yes/no, true/false; empty: 1
 *
 * Errors read "path:line: column: problem"; every bad line is reported and
 * a bad file gives nobody.  This side only reads: the database is the
 * truth about the pool and this file an import format.
 * store/people_import.h brings the entries in (adding and updating,
 * never removing), store/people_diff.h tells what differs, and
 * store/people_export.h writes the database back in this format.
 */
#ifndef CDP_PEOPLE_FILE_H
#define CDP_PEOPLE_FILE_H

#include <stddef.h>

#define PEOPLE_MAX_FILE		(4 * 1024 * 1024)	/* bytes */
#define PEOPLE_MAX_NAME		256	/* bytes, name */
#define PEOPLE_MAX_ITEM		128	/* bytes, one theme or commune */
#define PEOPLE_MAX_OPEN_CASES	1000

/* The fields of an entry, one per column of the file. */
enum people_field {
	PEOPLE_EMAIL	= 1 << 0,
	PEOPLE_NAME	= 1 << 1,
	PEOPLE_ROLES	= 1 << 2,
	PEOPLE_THEMES	= 1 << 3,
	PEOPLE_COMMUNES	= 1 << 4,
	PEOPLE_MAX_OPEN	= 1 << 5,
	PEOPLE_ACTIVE	= 1 << 6
};

/* The network roles the file may give (a subset of person_db.h's). */
enum people_role {
	PEOPLE_ROLE_REFERENT	= 1 << 0,
	PEOPLE_ROLE_VOLUNTEER	= 1 << 1,
	PEOPLE_ROLE_COORDINATOR	= 1 << 2
};
#define PEOPLE_ROLE_LAST	PEOPLE_ROLE_COORDINATOR

/* The role's name as the file and the database write it ("referent"...)
 * for one PEOPLE_ROLE_* bit; NULL for anything else.  Static. */
const char *people_role_name(unsigned role);

/*
 * One person as the file (or `person add`) describes them.  A field whose
 * bit is not in `given` (its column is absent) is left as the database has
 * it; new persons get the schema's defaults for it.  All strings are owned
 * by the entry.
 */
struct people_entry {
	char		*email;		/* normalized: addr_normalize() */
	char		*name;		/* one line of UTF-8; "" = keep */
	char		*roles_json;	/* JSON arrays of strings, e.g.	*/
	char		*themes_json;	/* ["referent","volunteer"]; NULL	*/
	char		*communes_json;	/* when not given			*/
	unsigned	 roles;		/* PEOPLE_ROLE_* bits, as roles_json */
	int		 max_open_cases;	/* 0 = the configured default */
	int		 active;	/* 0 or 1 */
	unsigned	 given;		/* PEOPLE_* fields set */
	int		 line;		/* of the file; 0 when not from one */
};

struct people_list {
	struct people_entry	*items;	/* owned */
	size_t			 n;
};

/*
 * Sets one field of `e` from its text in the file or on the command line:
 * `column` is a column name ("email", "roles"...); `value` is trimmed, and
 * lists are split on ';' (empty items skipped, repeats dropped).  Returns
 * 0, or -1 with "column: problem" in err (unknown column, bad address,
 * unknown role, bad theme identifier, control character, invalid UTF-8,
 * not a positive number...); the entry is then unchanged.
 */
int people_entry_set(struct people_entry *e, const char *column,
    const char *value, char *err, size_t errlen);
/* Frees the entry's strings and zeroes it; the entry itself is the
 * caller's. */
void people_entry_clear(struct people_entry *e);

/*
 * Reads the people file at `path` into *out (owned by the caller:
 * people_list_free()).  A missing file is an empty list, not an error (a
 * fresh install knows nobody yet).  Returns -1 with every problem found,
 * one "path:line: column: problem" per line, in err (cut at errlen); *out
 * is then empty.
 */
int people_read(const char *path, struct people_list *out, char *err,
    size_t errlen);
/*
 * The two halves of people_read(), for a caller that needs the file's
 * bytes too (store/people_import.c fingerprints them): people_load reads
 * the file whole (capped at PEOPLE_MAX_FILE, NUL bytes refused) into
 * *text, owned by the caller, or *text NULL for a missing file; 0 or -1
 * with "path: reason".  people_parse reads text[0..len) as the file at
 * `path` (named in messages), as people_read does.
 */
int people_load(const char *path, char **text, size_t *len, char *err,
    size_t errlen);
int people_parse(const char *path, const char *text, size_t len,
    struct people_list *out, char *err, size_t errlen);
/* Frees the entries; the list is left empty.  NULL is a no-op. */
void people_list_free(struct people_list *l);

#endif
