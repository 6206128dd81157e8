/* theme_labels.c — the themes' French labels; see theme_labels.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/fileio.h"
#include "base/mem.h"
#include "parse/theme_labels.h"

struct theme_label_entry {
	char	*id;
	char	*label;
	int	 line;
};

struct theme_labels {
	struct theme_label_entry	*items;
	size_t				 n;
};

/* Reports one bad line into errs. */
static void
bad_line(struct buf *errs, const char *path, int lineno, const char *key,
    int keylen, const char *problem)
{
	buf_printf(errs, "%s%s:%d: %.*s: %s", errs->len ? "\n" : "", path,
	    lineno, keylen, key, problem);
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* One line of the file (modified in place); 0, or -1 with errs. */
static int
labels_add_line(struct theme_labels *t, const char *path, int lineno,
    char *line, struct buf *errs)
{
	char *p = line, *id, *label, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == '\r' || end[-1] == ' ' ||
	    end[-1] == '\t'))
		*--end = '\0';
	if (*p == '\0' || *p == '#')
		return 0;
	id = p;
	while (islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	    *p == '_')
		p++;
	if (p > id && *p == '\0') {
		bad_line(errs, path, lineno, id, -1, "missing label");
		return -1;
	}
	if (p == id || (*p != ' ' && *p != '\t')) {
		bad_line(errs, path, lineno, id, (int)strcspn(id, " \t"),
		    "expected 'identifier label' with an identifier of a-z, "
		    "0-9 and _");
		return -1;
	}
	*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	label = p;
	if (*label == '\0') {
		bad_line(errs, path, lineno, id, -1, "missing label");
		return -1;
	}
	if (!charset_utf8_valid(label, strlen(label)) || has_control(label)) {
		bad_line(errs, path, lineno, id, -1, "the label is not "
		    "UTF-8 text on one line");
		return -1;
	}
	if (strlen(label) > THEME_LABEL_MAX) {
		char msg[64];

		snprintf(msg, sizeof(msg), "label longer than %d bytes",
		    THEME_LABEL_MAX);
		bad_line(errs, path, lineno, id, -1, msg);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->items[i].id, id) == 0) {
			char msg[64];

			snprintf(msg, sizeof(msg), "labelled twice (first "
			    "on line %d)", t->items[i].line);
			bad_line(errs, path, lineno, id, -1, msg);
			return -1;
		}
	t->items = xrealloc(t->items, (t->n + 1) * sizeof(*t->items));
	t->items[t->n].id = xstrdup(id);
	t->items[t->n].label = xstrdup(label);
	t->items[t->n].line = lineno;
	t->n++;
	return 0;
}

int
theme_labels_load(const char *path, struct theme_labels **out, char *err,
    size_t errlen)
{
	struct theme_labels *t = xcalloc(1, sizeof(*t));
	struct buf errs;
	char *text = NULL, *line, *next;
	size_t len = 0;
	int lineno = 0, r, rc = -1;

	*out = NULL;
	buf_init(&errs, 0);
	r = fileio_read(path, THEME_LABELS_MAX_SIZE, FILEIO_MISSING_OK, &text,
	    &len, NULL, err, errlen);
	if (r < 0)
		goto out;
	if (r == 1) {
		rc = 0;
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		goto out;
	}
	for (line = text; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		(void)labels_add_line(t, path, lineno, line, &errs);
	}
	if (errs.len > 0) {
		snprintf(err, errlen, "%s", errs.data);
		goto out;
	}
	rc = 0;
out:
	free(text);
	buf_free(&errs);
	if (rc == 0)
		*out = t;
	else
		theme_labels_free(t);
	return rc;
}

void
theme_labels_free(struct theme_labels *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].id);
		free(t->items[i].label);
	}
	free(t->items);
	free(t);
}

size_t
theme_labels_count(const struct theme_labels *t)
{
	return t ? t->n : 0;
}

const char *
theme_labels_id(const struct theme_labels *t, size_t i)
{
	return t->items[i].id;
}

const char *
theme_labels_label(const struct theme_labels *t, size_t i)
{
	return t->items[i].label;
}

int
theme_labels_line(const struct theme_labels *t, size_t i)
{
	return t->items[i].line;
}

const char *
theme_labels_find(const struct theme_labels *t, const char *id)
{
	if (t == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->items[i].id, id) == 0)
			return t->items[i].label;
	return NULL;
}

const char *
theme_label(const struct theme_labels *t, const char *id)
{
	const char *l = theme_labels_find(t, id);

	return l ? l : id;
}

char *
theme_labels_join(const struct theme_labels *t, const char *ids)
{
	struct buf b;
	const char *p = ids ? ids : "";

	buf_init(&b, 0);
	while (*p != '\0') {
		size_t n = strcspn(p, ","), k = n;
		const char *s = p;
		char *id;

		while (k > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			k--;
		}
		while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k > 0) {
			id = xstrndup(s, k);
			buf_printf(&b, "%s%s", b.len ? ", " : "",
			    theme_label(t, id));
			free(id);
		}
		p += n + (p[n] == ',');
	}
	return buf_steal(&b);
}
