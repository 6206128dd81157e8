/*
 * template.h — the texts of our mails, as files an administrator can edit.
 *
 * Every mail the daemon writes comes from a template [paths] templates/fr/
 * NAME.txt: UTF-8 text, first line "Subject: ...", a blank line, the body.
 * Documentation comments ({{! ... }}) may come before the Subject line.
 * No French sentence lives in the C code: the code only fills in values.
 *
 * A template may have an HTML alternative, NAME.html beside NAME.txt: the
 * body of the text/html part of the same mail (the subject is the text
 * template's), with the same variables.  In an .html file {{name}} is
 * HTML-escaped ({{{name}}} is not, for values the code made safe), and
 * {{> _part}} takes _part.html when there is one, else _part.txt.  The
 * mail then goes out as multipart/alternative, text first (compose.h).
 *
 * The template language is a subset of mustache (mustache.github.io):
 *   {{name}}             the value (HTML-escaped when rendering for HTML)
 *   {{{name}}} {{&name}} the value, never escaped
 *   {{#name}}...{{/name}} rendered if the value is true / a non-empty
 *                        string; once per item if it is a list (the item's
 *                        fields in scope, then the enclosing ones)
 *   {{^name}}...{{/name}} rendered if the value is false, empty or missing
 *   {{! comment }}       dropped (may span lines)
 *   {{> name}}           the body of template `name` in the current scope
 *                        (a partial; files whose name starts with '_' are
 *                        partials: body only, no Subject line); used
 *                        within a line of text, its last line end is
 *                        dropped, so a one-line partial stays in the line
 *   a.b                  dotted names descend into maps
 * A line holding only a section, close, comment or partial tag (and blanks)
 * disappears entirely, so sections on lines of their own leave no blank
 * lines.  A missing value renders as nothing.
 *
 * Check at start-up: template_load_dir() parses every file (syntax errors
 * as "path:line: problem"); template_check_names() compares each file with
 * the table in template_vars.c of the templates the daemon sends and the
 * variables it gives each (unknown placeholders, missing or unknown
 * templates).  Adding a template = a file + a row in that table.
 *
 * Caps (STYLE.md): file size, section nesting, partial nesting, output
 * size; exceeding one is an error, never a silent truncation.
 *
 * Files, in reading order: template_vars.c (the catalog of templates and
 * variables, and the check against it), template_parse.c (files read
 * into trees), template_render.c (the values and the rendering);
 * template_tree.h is the tree they share, private to them.
 */
#ifndef CDP_TEMPLATE_H
#define CDP_TEMPLATE_H

#include <stddef.h>

#define TEMPLATE_LANG		"fr"		/* the subfolder read */
#define TEMPLATE_MAX_SIZE	(64 * 1024)	/* bytes per file */
#define TEMPLATE_MAX_FILES	256
#define TEMPLATE_MAX_DEPTH	16		/* nested sections per file */
#define TEMPLATE_MAX_PARTIALS	4		/* nested {{> }} */
#define TEMPLATE_MAX_OUTPUT	(2 * 1024 * 1024)	/* rendered bytes */
#define TEMPLATE_MAX_NAME	64		/* placeholder name length */

/* ---- Values given to a template ------------------------------------------ */

/*
 * A map from names ([a-z0-9_], case-sensitive) to values: strings, booleans,
 * lists of maps, maps.  Setting a name again replaces its value.  Every
 * string is copied; children returned by tpl_list_add() and tpl_map() are
 * owned by their parent (borrowed by the caller) and freed with the root.
 * A bad name is a programming error (fatalx).
 */
struct tpl_data;

struct tpl_data *tpl_data_new(void);
void tpl_data_free(struct tpl_data *d);		/* NULL is a no-op */
/* value NULL is stored as "" (false in a section). */
void tpl_set(struct tpl_data *d, const char *name, const char *value);
void tpl_setf(struct tpl_data *d, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tpl_set_int(struct tpl_data *d, const char *name, long long value);
void tpl_set_bool(struct tpl_data *d, const char *name, int value);
/* Appends a new empty map to the list `name` (made empty if `name` was
 * not a list) and returns it. */
struct tpl_data *tpl_list_add(struct tpl_data *d, const char *name);
/* Makes `name` an empty list (so {{^name}} renders), e.g. before a loop
 * that may add nothing.  Keeps an existing list. */
void tpl_list_init(struct tpl_data *d, const char *name);
/* The map `name`, created if it is not one yet; for dotted names. */
struct tpl_data *tpl_map(struct tpl_data *d, const char *name);
/* 1 if `name` may name a value (letters, digits, _; at most
 * TEMPLATE_MAX_NAME bytes): for names made from data, such as a boolean
 * named after a theme. */
int tpl_name_ok(const char *name);

/* ---- Templates --------------------------------------------------------- */

struct template_set;

/*
 * Loads and parses every *.txt and *.html in DIR/fr/ (DIR is [paths]
 * templates); an .html file that is not a partial needs its .txt.
 * On success *out is a new set (template_set_free()).  On failure returns
 * -1 and err lists every file's first problem, one "path:line: problem"
 * per line (up to errlen): unreadable file, file too large, invalid UTF-8,
 * missing "Subject:" line or blank line after it, unterminated or bad tag,
 * unclosed section, mismatched close, nesting too deep, unknown partial.
 */
int template_load_dir(const char *dir, struct template_set **out, char *err,
    size_t errlen);
void template_set_free(struct template_set *set);

/*
 * Compares the set with the templates the daemon sends (the table in
 * template_vars.c): every known template must be there, every file must be a
 * known template, and every placeholder must be one of the variables the
 * daemon gives that template.  Returns 0, or -1 with one line per problem:
 *   "path:line: unknown placeholder {{foo}} (known: ref, holder_name, ...)"
 *   "DIR/fr/ack.txt: missing template (acknowledgement of a new request)"
 */
int template_check_names(const struct template_set *set, char *err,
    size_t errlen);

/*
 * Renders template `name` with `data` (borrowed).  *subject (one line, no
 * control characters, never HTML-escaped; "" for a partial) and *body (LF
 * line ends, ending with one newline) are new strings owned by the caller.
 * html: values of {{name}} are HTML-escaped in the body.  Returns 0, or
 * -1 with err (unknown template, output over TEMPLATE_MAX_OUTPUT, partials
 * nested too deeply); *subject and *body are then NULL.
 */
int template_render(const struct template_set *set, const char *name,
    const struct tpl_data *data, int html, char **subject, char **body,
    char *err, size_t errlen);

/*
 * Renders the HTML alternative NAME.html of template `name` with `data`
 * (borrowed), values HTML-escaped: *body (LF line ends, ending with one
 * newline) is a new string owned by the caller.  0, or -1 with err (no
 * such file, output over TEMPLATE_MAX_OUTPUT...); *body is then NULL.
 */
int template_render_html(const struct template_set *set, const char *name,
    const struct tpl_data *data, char **body, char *err, size_t errlen);

/* 1 if the set holds template `name` (its .txt file). */
int template_exists(const struct template_set *set, const char *name);

/* 1 if template `name` has an HTML alternative (NAME.html). */
int template_has_html(const struct template_set *set, const char *name);

/*
 * The variables the daemon documents for template `name` (the table in
 * template_vars.c, common ones included), as a NULL-terminated array of
 * borrowed static strings into *out (at most `max`, NULL included);
 * returns how many were written, without the NULL, or -1 for a template
 * the daemon does not know.  List item fields are "list.field".
 */
int template_known_vars(const char *name, const char **out, size_t max);

/* Names of every template the daemon sends, NULL-terminated, static. */
const char *const *template_known_names(void);

#endif
