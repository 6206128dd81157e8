/*
 * ini.h — reading INI text ("[section]" lines, "key = value" lines,
 * '#' and ';' comments) line by line; nothing here knows which sections
 * and keys exist: the caller's handler decides, and reports its own
 * problems.
 *
 * Blanks around names and values do not count; a value written in double
 * quotes keeps its leading and trailing blanks (the quotes are removed).
 * Every problem is handed to the handler with its line number, so that the
 * caller can report "path:line: key: problem" and go on: a file's problems
 * are all reported at once.
 */
#ifndef CDP_INI_H
#define CDP_INI_H

#include <stddef.h>

#define INI_MAX_SECTION	63	/* bytes of a section name */

/* What ini_parse() calls, with the caller's `arg`.  Strings are borrowed
 * for the call only. */
struct ini_handler {
	/* A "[name]" line: 0 to read the keys that follow, -1 to skip them
	 * (the handler has said why). */
	int	(*section)(void *arg, const char *name, int line);
	/* One "key = value" line in an accepted section. */
	void	(*key)(void *arg, const char *section, const char *key,
		    const char *value, int line);
	/* A syntax problem on `line`: `what` is the key, the section (or
	 * "section", "line" when there is none) it is about, `msg` says
	 * what is wrong. */
	void	(*error)(void *arg, int line, const char *what,
		    const char *msg);
};

/*
 * Reads the NUL-terminated `text`, which it cuts up in place (the caller
 * owns it and frees it afterwards).  A line longer than max_line bytes is
 * a problem, and is not read.
 */
void ini_parse(char *text, size_t max_line, const struct ini_handler *h,
    void *arg);

/* Cuts the blanks (space, tab, CR, LF) around s, in place; returns where
 * s now starts. */
char *ini_trim(char *s);

#endif
