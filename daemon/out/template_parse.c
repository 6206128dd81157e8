/*
 * template_parse.c — reading template files into trees; see template.h
 * for the language and template_tree.h for the tree.
 *
 * Each file is parsed once at start-up into a small tree (text, variable,
 * section, inverted section, partial), so a syntax error stops the daemon
 * before it sends anything and every later step is a walk over the tree.
 * Errors name the file and the line ("path:line: problem") because the
 * person who reads them is the one editing the text, not a programmer;
 * the loader goes on after a bad file so that one run lists every file's
 * first problem.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/fileio.h"
#include "base/mem.h"
#include "out/template.h"
#include "out/template_tree.h"

/* ---- The tree ----------------------------------------------------------- */

int
template_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static void
nodes_free(struct nodes *ns)
{
	for (size_t i = 0; i < ns->n; i++) {
		free(ns->v[i].text);
		nodes_free(&ns->v[i].kids);
	}
	free(ns->v);
	ns->v = NULL;
	ns->n = ns->cap = 0;
}

static struct node *
nodes_add(struct nodes *ns, enum node_kind kind, int line)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 8;
		ns->v = xrealloc(ns->v, ns->cap * sizeof(ns->v[0]));
	}
	memset(&ns->v[ns->n], 0, sizeof(ns->v[0]));
	ns->v[ns->n].kind = kind;
	ns->v[ns->n].line = line;
	return &ns->v[ns->n++];
}

/* Frees what t owns (not t itself, an element of its set's array). */
static void
template_clear(struct template *t)
{
	free(t->name);
	free(t->path);
	nodes_free(&t->subject);
	nodes_free(&t->body);
	memset(t, 0, sizeof(*t));
}

void
template_set_free(struct template_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		template_clear(&set->t[i]);
	free(set->t);
	free(set->dir);
	free(set);
}

const struct template *
template_find(const struct template_set *set, const char *name, int html)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->t[i].name, name) == 0 &&
		    set->t[i].html == (html != 0))
			return &set->t[i];
	return NULL;
}

const struct template *
template_find_partial(const struct template_set *set, const char *name,
    int html)
{
	const struct template *t = html ? template_find(set, name, 1) : NULL;

	return t ? t : template_find(set, name, 0);
}

int
template_exists(const struct template_set *set, const char *name)
{
	return set != NULL && template_find(set, name, 0) != NULL;
}

int
template_has_html(const struct template_set *set, const char *name)
{
	return set != NULL && template_find(set, name, 1) != NULL;
}

/* ---- Parser ------------------------------------------------------------- */

enum tag_kind {
	TAG_VAR, TAG_RAW, TAG_SECTION, TAG_INVERTED, TAG_CLOSE, TAG_COMMENT,
	TAG_PARTIAL
};

struct parser {
	const char	*path;
	const char	*src;		/* the segment being parsed */
	size_t		 len;
	size_t		 pos;		/* next byte to scan (all before it
					 * is emitted) */
	int		 line;		/* line number at pos */
	int		 inline_only;	/* no standalone lines (the subject) */
	char		*err;
	size_t		 errlen;
};

static int parse_error(struct parser *, int, const char *, ...)
	__attribute__((format(printf, 3, 4)));

static int
parse_error(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->path, line, msg);
	return -1;
}

static int
count_lines(const char *s, size_t from, size_t to)
{
	int n = 0;

	for (size_t i = from; i < to; i++)
		if (s[i] == '\n')
			n++;
	return n;
}

/* A valid name: segments of [A-Za-z0-9_] joined by single dots. */
static int
valid_name(const char *s, size_t n)
{
	if (n == 0 || n > TEMPLATE_MAX_NAME || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
		if (s[i] != '.' && !template_name_char(s[i]))
			return 0;
	}
	return 1;
}

/* Shows a tag in an error message: at most 40 bytes, on one line. */
static void
tag_excerpt(const char *s, size_t n, char *out, size_t outlen)
{
	size_t k = 0;

	for (size_t i = 0; i < n && i < 40 && k + 4 < outlen; i++)
		out[k++] = (s[i] == '\n' || s[i] == '\t') ? ' ' : s[i];
	if (n > 40 && k + 4 < outlen) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

/*
 * Reads the tag at p->src[t] ("{{"), at line `line`.  Sets its kind, name
 * (start, length) and end (just past the closing braces).
 */
static int
parse_tag(struct parser *p, size_t t, int line, enum tag_kind *kind,
    size_t *name, size_t *namelen, size_t *end)
{
	const char *s = p->src;
	const char *close = "}}";
	size_t q = t + 2, e, a, b;
	char ex[64];

	*kind = TAG_VAR;
	*name = *namelen = *end = 0;
	if (q < p->len) {
		switch (s[q]) {
		case '#': *kind = TAG_SECTION; break;
		case '^': *kind = TAG_INVERTED; break;
		case '/': *kind = TAG_CLOSE; break;
		case '!': *kind = TAG_COMMENT; break;
		case '&': *kind = TAG_RAW; break;
		case '>': *kind = TAG_PARTIAL; break;
		case '{': *kind = TAG_RAW; close = "}}}"; break;
		default: q--; break;
		}
		q++;
	}
	if (*kind == TAG_COMMENT) {
		const char *c = memmem(s + q, p->len - q, "}}", 2);

		if (c == NULL)
			return parse_error(p, line, "unterminated comment "
			    "{{! (no closing }})");
		*name = q;
		*namelen = 0;
		*end = (size_t)(c - s) + 2;
		return 0;
	}
	/* Other tags end on their own line. */
	for (e = q; e < p->len && s[e] != '\n'; e++)
		if (strncmp(s + e, close, strlen(close)) == 0)
			break;
	if (e >= p->len || s[e] == '\n') {
		tag_excerpt(s + t, e - t, ex, sizeof(ex));
		return parse_error(p, line, "unterminated tag %s (no closing "
		    "%s on this line)", ex, close);
	}
	for (a = q; a < e && (s[a] == ' ' || s[a] == '\t'); a++)
		;
	for (b = e; b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'); b--)
		;
	if (!valid_name(s + a, b - a)) {
		tag_excerpt(s + t, e + strlen(close) - t, ex, sizeof(ex));
		return parse_error(p, line, "bad tag %s (a name is letters, "
		    "digits, _ and dots)", ex);
	}
	*name = a;
	*namelen = b - a;
	*end = e + strlen(close);
	return 0;
}

/* Text from p->pos to `to`.  A "}}" in it is an error: it is what is
 * left of a comment that held "}}" (a comment ends at the first one). */
static int
emit_text(struct parser *p, struct nodes *out, size_t to)
{
	const char *stray;
	struct node *n;

	if (to <= p->pos)
		return 0;
	stray = memmem(p->src + p->pos, to - p->pos, "}}", 2);
	if (stray != NULL)
		return parse_error(p, p->line + count_lines(p->src, p->pos,
		    (size_t)(stray - p->src)), "stray }} outside a tag (a "
		    "comment ends at its first }})");
	n = nodes_add(out, NODE_TEXT, p->line);
	n->text = xstrndup(p->src + p->pos, to - p->pos);
	n->len = to - p->pos;
	return 0;
}

/*
 * Parses nodes into `out` until the end of the segment (open == NULL) or
 * the {{/open}} that closes the section opened at open_line.
 */
static int
parse_nodes(struct parser *p, struct nodes *out, const char *open,
    int open_line, int depth)
{
	const char *s = p->src;

	for (;;) {
		const char *hit = p->pos < p->len ? memmem(s + p->pos,
		    p->len - p->pos, "{{", 2) : NULL;
		enum tag_kind kind;
		size_t t, name, namelen, end, ls, e, next;
		int line, standalone;
		char *nm;

		if (hit == NULL) {
			if (emit_text(p, out, p->len) != 0)
				return -1;
			p->line += count_lines(s, p->pos, p->len);
			p->pos = p->len;
			if (open != NULL)
				return parse_error(p, open_line, "unclosed "
				    "section {{#%s}} (no {{/%s}})", open, open);
			return 0;
		}
		t = (size_t)(hit - s);
		line = p->line + count_lines(s, p->pos, t);
		if (parse_tag(p, t, line, &kind, &name, &namelen, &end) != 0)
			return -1;

		/* Standalone: only blanks around the tag on its line(s). */
		standalone = 0;
		ls = t;
		e = end;
		if (!p->inline_only && kind != TAG_VAR && kind != TAG_RAW) {
			while (ls > p->pos && (s[ls - 1] == ' ' ||
			    s[ls - 1] == '\t'))
				ls--;
			while (e < p->len && (s[e] == ' ' || s[e] == '\t'))
				e++;
			standalone = (ls == 0 || s[ls - 1] == '\n') &&
			    (e == p->len || s[e] == '\n');
		}
		if (!standalone)
			ls = t;
		if (emit_text(p, out, ls) != 0)
			return -1;
		next = standalone ? (e < p->len ? e + 1 : e) : end;
		p->line = line + count_lines(s, t, next);
		p->pos = next;

		nm = xstrndup(s + name, namelen);
		switch (kind) {
		case TAG_COMMENT:
			free(nm);
			break;
		case TAG_VAR:
		case TAG_RAW:
		case TAG_PARTIAL: {
			struct node *n = nodes_add(out, kind == TAG_VAR ?
			    NODE_VAR : kind == TAG_RAW ? NODE_RAW :
			    NODE_PARTIAL, line);

			n->text = nm;
			n->in_line = kind == TAG_PARTIAL && !standalone;
			break;
		}
		case TAG_SECTION:
		case TAG_INVERTED: {
			struct nodes kids = { NULL, 0, 0 };
			struct node *n;

			if (depth + 1 > TEMPLATE_MAX_DEPTH) {
				parse_error(p, line, "sections nested more "
				    "than %d deep", TEMPLATE_MAX_DEPTH);
				free(nm);
				return -1;
			}
			if (parse_nodes(p, &kids, nm, line, depth + 1) != 0) {
				nodes_free(&kids);
				free(nm);
				return -1;
			}
			n = nodes_add(out, kind == TAG_SECTION ?
			    NODE_SECTION : NODE_INVERTED, line);
			n->text = nm;
			n->kids = kids;
			break;
		}
		case TAG_CLOSE:
			if (open == NULL) {
				parse_error(p, line, "{{/%s}} closes no open "
				    "section", nm);
				free(nm);
				return -1;
			}
			if (strcmp(nm, open) != 0) {
				parse_error(p, line, "{{/%s}} does not match "
				    "{{#%s}} opened at line %d", nm, open,
				    open_line);
				free(nm);
				return -1;
			}
			free(nm);
			return 0;
		}
	}
}

static int
parse_segment(const char *path, const char *src, size_t len, int line,
    int inline_only, struct nodes *out, char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .src = src, .len = len, .line = line,
		.inline_only = inline_only, .err = err, .errlen = errlen,
	};

	if (parse_nodes(&p, out, NULL, 0, 0) != 0) {
		nodes_free(out);
		return -1;
	}
	return 0;
}

/*
 * Cleans a file's text in place: UTF-8 checked (no NUL), BOM dropped,
 * CRLF and lone CR become LF.  Returns the new length or -1 (err set).
 */
static long
normalize_text(const char *path, char *s, size_t len, char *err,
    size_t errlen)
{
	size_t i = 0, k = 0;
	int line = 1;

	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n;

		if (c == '\0') {
			snprintf(err, errlen, "%s:%d: NUL byte in a template",
			    path, line);
			return -1;
		}
		if (c == '\r') {
			s[k++] = '\n';
			line++;
			i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (c == '\n')
			line++;
		n = c < 0x80 ? 1 : charset_utf8_seq(s + i, len - i);
		if (n == 0) {
			snprintf(err, errlen, "%s:%d: not valid UTF-8 (save "
			    "the file as UTF-8)", path, line);
			return -1;
		}
		memmove(s + k, s + i, n);
		k += n;
		i += n;
	}
	s[k] = '\0';
	return (long)k;
}

static int
blank_to_eol(const char *s, size_t i, size_t len, size_t *eol)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*eol = i;
	return i == len || s[i] == '\n';
}

/* Parses one template file (text normalised) into t. */
static int
template_parse(struct template *t, const char *s, size_t len, char *err,
    size_t errlen)
{
	size_t i = 0, eol, subj, subj_end;
	int line = 1;

	/* A partial is a piece of body; an HTML file is the body of its
	 * text template's HTML part, which has the text's subject. */
	if (t->partial || t->html)
		return parse_segment(t->path, s, len, 1, 0, &t->body, err,
		    errlen);

	/* Blank lines and {{! documentation }} before the Subject line. */
	for (;;) {
		size_t j = i;

		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < len && s[j] == '\n') {
			i = j + 1;
			line++;
			continue;
		}
		if (j + 3 <= len && memcmp(s + j, "{{!", 3) == 0) {
			const char *c = memmem(s + j, len - j, "}}", 2);

			if (c == NULL) {
				snprintf(err, errlen, "%s:%d: unterminated "
				    "comment {{! (no closing }})", t->path,
				    line);
				return -1;
			}
			line += count_lines(s, j, (size_t)(c - s));
			if (!blank_to_eol(s, (size_t)(c - s) + 2, len, &eol)) {
				snprintf(err, errlen, "%s:%d: expected the end "
				    "of the line after a comment before the "
				    "Subject line", t->path, line);
				return -1;
			}
			i = eol < len ? eol + 1 : eol;
			if (eol < len)
				line++;
			continue;
		}
		break;
	}
	if (len - i < 8 || strncasecmp(s + i, "Subject:", 8) != 0) {
		snprintf(err, errlen, "%s:%d: expected \"Subject: ...\" as the "
		    "first line", t->path, line);
		return -1;
	}
	subj = i + 8;
	while (subj < len && (s[subj] == ' ' || s[subj] == '\t'))
		subj++;
	for (subj_end = subj; subj_end < len && s[subj_end] != '\n';
	    subj_end++)
		;
	if (subj_end == subj) {
		snprintf(err, errlen, "%s:%d: empty Subject", t->path, line);
		return -1;
	}
	if (parse_segment(t->path, s + subj, subj_end - subj, line, 1,
	    &t->subject, err, errlen) != 0)
		return -1;
	if (subj_end >= len || !blank_to_eol(s, subj_end + 1, len, &eol) ||
	    eol >= len) {
		snprintf(err, errlen, "%s:%d: expected a blank line after the "
		    "Subject line, then the body", t->path, line + 1);
		return -1;
	}
	return parse_segment(t->path, s + eol + 1, len - eol - 1, line + 2, 0,
	    &t->body, err, errlen);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
template_error_add(struct buf *errs, const char *msg)
{
	if (errs->len)
		buf_addc(errs, '\n');
	buf_adds(errs, msg);
}

/* Every {{> name}} must name a template of the set. */
static void
check_partials(const struct template_set *set, const struct template *t,
    const struct nodes *ns, struct buf *errs)
{
	char msg[512];

	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];

		if (n->kind == NODE_PARTIAL &&
		    template_find_partial(set, n->text, t->html) == NULL) {
			snprintf(msg, sizeof(msg), "%s:%d: unknown partial "
			    "{{> %s}} (no %s.txt%s in %s)", t->path, n->line,
			    n->text, n->text, t->html ? " or .html" : "",
			    set->dir);
			template_error_add(errs, msg);
		}
		check_partials(set, t, &n->kids, errs);
	}
}

static int
template_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > TEMPLATE_MAX_NAME)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* 1 if NAME.txt is among the file names. */
static int
template_file_listed(char **names, size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (strncmp(names[i], name, len) == 0 &&
		    strcmp(names[i] + len, ".txt") == 0)
			return 1;
	return 0;
}

int
template_load_dir(const char *dir, struct template_set **out, char *err,
    size_t errlen)
{
	struct template_set *set = xcalloc(1, sizeof(*set));
	struct buf errs;
	char **names = NULL, msg[1024];
	size_t nnames = 0, cap = 0;
	struct dirent *de;
	DIR *d = NULL;
	int rc = -1;

	*out = NULL;
	buf_init(&errs, 0);
	set->dir = xasprintf("%s/%s", dir, TEMPLATE_LANG);
	d = opendir(set->dir);
	if (d == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", set->dir,
		    strerror(errno));
		template_error_add(&errs, msg);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n < 5 ||
		    (strcmp(de->d_name + n - 4, ".txt") != 0 &&
		    (n < 6 || strcmp(de->d_name + n - 5, ".html") != 0)))
			continue;
		if (nnames == cap) {
			cap = cap ? 2 * cap : 16;
			names = xrealloc(names, cap * sizeof(names[0]));
		}
		names[nnames++] = xstrdup(de->d_name);
		if (nnames > TEMPLATE_MAX_FILES) {
			snprintf(msg, sizeof(msg), "%s: more than %d templates",
			    set->dir, TEMPLATE_MAX_FILES);
			template_error_add(&errs, msg);
			goto out;
		}
	}
	if (nnames)
		qsort(names, nnames, sizeof(names[0]), cmp_str);
	set->t = xcalloc(nnames ? nnames : 1, sizeof(set->t[0]));

	for (size_t i = 0; i < nnames; i++) {
		struct template *t = &set->t[set->n];
		char *text = NULL;
		size_t len = 0;
		long nlen;

		memset(t, 0, sizeof(*t));
		t->path = xasprintf("%s/%s", set->dir, names[i]);
		t->html = strcmp(names[i] + strlen(names[i]) - 5, ".html") ==
		    0;
		t->name = xstrndup(names[i], strlen(names[i]) - (t->html ?
		    5 : 4));
		t->partial = t->name[0] == '_';
		msg[0] = '\0';
		if (!template_name_ok(t->name, strlen(t->name)))
			snprintf(msg, sizeof(msg), "%s: a template name is "
			    "lower-case letters, digits and _", t->path);
		else if (t->html && !t->partial && !template_file_listed(
		    names, nnames, t->name))
			snprintf(msg, sizeof(msg), "%s: an HTML template is the "
			    "HTML part of a text one: %s.txt is missing",
			    t->path, t->name);
		else if (fileio_read(t->path, TEMPLATE_MAX_SIZE, 0, &text,
		    &len, NULL, msg, sizeof(msg)) == 0 &&
		    (nlen = normalize_text(t->path, text, len, msg,
		    sizeof(msg))) >= 0)
			(void)template_parse(t, text, (size_t)nlen, msg,
			    sizeof(msg));
		free(text);
		if (msg[0] != '\0') {
			template_error_add(&errs, msg);
			template_clear(t);
			continue;
		}
		set->n++;
	}
	if (errs.len == 0)
		for (size_t i = 0; i < set->n; i++) {
			check_partials(set, &set->t[i], &set->t[i].subject,
			    &errs);
			check_partials(set, &set->t[i], &set->t[i].body,
			    &errs);
		}
	if (errs.len == 0) {
		*out = set;
		set = NULL;
		rc = 0;
	}
out:
	if (rc != 0)
		snprintf(err, errlen, "%s", buf_str(&errs));
	buf_free(&errs);
	if (d)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	template_set_free(set);
	return rc;
}
