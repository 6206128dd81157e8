/*
 * theme_labels.h — the French names of the themes, for people to read.
 *
 * Themes are identifiers of themes.rules ("lien_social"): the database,
 * `inspect --json` and the command line keep them.  Mails show labels
 * ("Lien social") from one table the Parc edits, [paths] rules
 * themes.labels, one theme per line:
 *
 *     IDENTIFIER   Label
 *
 * IDENTIFIER as in themes.rules ([a-z0-9_]+), the label the rest of the
 * line after the blanks (UTF-8, at most THEME_LABEL_MAX bytes, no control
 * character).  Blank lines and lines starting with '#' are ignored.  A
 * missing file is an empty table: every theme is then shown by its
 * identifier, and `coupdepouce check` warns about each.  Errors read
 * "file:line: identifier: problem", every bad line at once.
 */
#ifndef CDP_THEME_LABELS_H
#define CDP_THEME_LABELS_H

#include <stddef.h>

#define THEME_LABEL_MAX		80
#define THEME_LABELS_MAX_SIZE	(64 * 1024)

struct theme_labels;

/* Reads `path`; *out is the caller's (theme_labels_free), also for a
 * missing file (empty).  -1 with every bad line in err, one per line. */
int theme_labels_load(const char *path, struct theme_labels **out,
    char *err, size_t errlen);
void theme_labels_free(struct theme_labels *t);

size_t theme_labels_count(const struct theme_labels *t);
/* Identifier, label and line of entry i, borrowed. */
const char *theme_labels_id(const struct theme_labels *t, size_t i);
const char *theme_labels_label(const struct theme_labels *t, size_t i);
int theme_labels_line(const struct theme_labels *t, size_t i);

/* The label of theme `id`, borrowed; NULL when the table has none (t may
 * be NULL). */
const char *theme_labels_find(const struct theme_labels *t, const char *id);
/* The label of `id`, or `id` itself when there is none: what a mail
 * shows. */
const char *theme_label(const struct theme_labels *t, const char *id);

/* "energie, habitat" (or "energie,habitat") as "Énergie, Habitat": each
 * item's label, ", "-separated (new string; "" for NULL or ""). */
char *theme_labels_join(const struct theme_labels *t, const char *ids);

#endif
