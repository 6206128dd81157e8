/*
 * template_render.c — the values given to a template and the rendering of
 * a parsed template with them; see template.h.
 *
 * The values are a small tree of maps (names to strings, booleans, lists
 * of maps, maps), so the code that fills them in never formats text
 * itself; rendering is a walk over the parsed template with a stack of
 * scopes, mustache's lookup rule (innermost scope first).  Every output is
 * capped (TEMPLATE_MAX_OUTPUT) and nesting is bounded, so a template that
 * includes itself is an error, never a runaway.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/log.h"
#include "base/mem.h"
#include "out/template.h"
#include "out/template_tree.h"

/* ---- Data model --------------------------------------------------------- */

enum tpl_kind { TPL_STR, TPL_BOOL, TPL_LIST, TPL_MAP };

struct tpl_value {
	char		 *name;
	enum tpl_kind	  kind;
	char		 *str;		/* TPL_STR */
	int		  b;		/* TPL_BOOL */
	struct tpl_data	**items;	/* TPL_LIST */
	size_t		  nitems, capitems;
	struct tpl_data	 *map;		/* TPL_MAP */
};

struct tpl_data {
	struct tpl_value *v;
	size_t		  n, cap;
};

struct tpl_data *
tpl_data_new(void)
{
	return xcalloc(1, sizeof(struct tpl_data));
}

static void
value_clear(struct tpl_value *v)
{
	free(v->str);
	v->str = NULL;
	for (size_t i = 0; i < v->nitems; i++)
		tpl_data_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->nitems = v->capitems = 0;
	tpl_data_free(v->map);
	v->map = NULL;
	v->b = 0;
}

void
tpl_data_free(struct tpl_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		value_clear(&d->v[i]);
		free(d->v[i].name);
	}
	free(d->v);
	free(d);
}

/* The slot for `name` in d, made if absent (kind TPL_STR, ""). */
static struct tpl_value *
tpl_slot(struct tpl_data *d, const char *name)
{
	if (!tpl_name_ok(name))
		fatalx("template data: bad name \"%s\"", name);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->v = xrealloc(d->v, d->cap * sizeof(d->v[0]));
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	d->v[d->n].name = xstrdup(name);
	d->v[d->n].kind = TPL_STR;
	return &d->v[d->n++];
}

void
tpl_set(struct tpl_data *d, const char *name, const char *value)
{
	struct tpl_value *v = tpl_slot(d, name);

	value_clear(v);
	v->kind = TPL_STR;
	v->str = xstrdup(value ? value : "");
}

void
tpl_setf(struct tpl_data *d, const char *name, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, 0);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tpl_set(d, name, buf_str(&b));
	buf_free(&b);
}

void
tpl_set_int(struct tpl_data *d, const char *name, long long value)
{
	tpl_setf(d, name, "%lld", value);
}

void
tpl_set_bool(struct tpl_data *d, const char *name, int value)
{
	struct tpl_value *v = tpl_slot(d, name);

	value_clear(v);
	v->kind = TPL_BOOL;
	v->b = value != 0;
}

/* The slot for `name` as a value of `kind`: kept if it is one already,
 * else emptied and made one (a list with no item, a map not made yet). */
static struct tpl_value *
tpl_slot_kind(struct tpl_data *d, const char *name, enum tpl_kind kind)
{
	struct tpl_value *v = tpl_slot(d, name);

	if (v->kind != kind) {
		value_clear(v);
		v->kind = kind;
	}
	return v;
}

void
tpl_list_init(struct tpl_data *d, const char *name)
{
	(void)tpl_slot_kind(d, name, TPL_LIST);
}

struct tpl_data *
tpl_list_add(struct tpl_data *d, const char *name)
{
	struct tpl_value *v = tpl_slot_kind(d, name, TPL_LIST);

	if (v->nitems == v->capitems) {
		v->capitems = v->capitems ? 2 * v->capitems : 4;
		v->items = xrealloc(v->items, v->capitems *
		    sizeof(v->items[0]));
	}
	v->items[v->nitems] = tpl_data_new();
	return v->items[v->nitems++];
}

struct tpl_data *
tpl_map(struct tpl_data *d, const char *name)
{
	struct tpl_value *v = tpl_slot_kind(d, name, TPL_MAP);

	if (v->map == NULL)
		v->map = tpl_data_new();
	return v->map;
}

/* ---- Rendering ---------------------------------------------------------- */

#define RENDER_MAX_SCOPE (TEMPLATE_MAX_DEPTH * (TEMPLATE_MAX_PARTIALS + 1) + 1)

struct render {
	const struct template_set *set;
	struct buf		 out;
	int			 html;
	int			 html_file;	/* an .html template: its
						 * partials are looked up
						 * as HTML first */
	int			 subject;	/* values pass through
						 * charset_subject_part() */
	const struct tpl_data	*scope[RENDER_MAX_SCOPE];
	struct tpl_data		*empty;		/* the scope for no data */
	int			 depth;
	int			 partials;
	const char		*name;		/* template rendered */
	char			*err;
	size_t			 errlen;
};

static const struct tpl_value *
data_get(const struct tpl_data *d, const char *name, size_t n)
{
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i].name) == n &&
		    memcmp(d->v[i].name, name, n) == 0)
			return &d->v[i];
	return NULL;
}

/* Mustache lookup: the first segment in the innermost scope that has it,
 * then down through maps. */
static const struct tpl_value *
lookup(const struct render *r, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);
	const struct tpl_value *v = NULL;

	for (int d = r->depth - 1; d >= 0 && v == NULL; d--)
		v = data_get(r->scope[d], name, n);
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = strchr(name, '.');
		n = dot ? (size_t)(dot - name) : strlen(name);
		v = v->kind == TPL_MAP ? data_get(v->map, name, n) : NULL;
	}
	return v;
}

static int
truthy(const struct tpl_value *v)
{
	if (v == NULL)
		return 0;
	switch (v->kind) {
	case TPL_STR: return v->str[0] != '\0';
	case TPL_BOOL: return v->b;
	case TPL_LIST: return v->nitems > 0;
	case TPL_MAP: return 1;
	}
	return 0;
}

static void
add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_addc(b, *s); break;
		}
}

static int render_nodes(struct render *, const struct nodes *, int);

static int
push_render(struct render *r, const struct tpl_data *d,
    const struct nodes *kids, int html)
{
	int rc;

	if (r->depth >= RENDER_MAX_SCOPE) {
		snprintf(r->err, r->errlen, "template %s: scopes nested too "
		    "deeply", r->name);
		return -1;
	}
	r->scope[r->depth++] = d;
	rc = render_nodes(r, kids, html);
	r->depth--;
	return rc;
}

static int
render_nodes(struct render *r, const struct nodes *ns, int html)
{
	for (size_t i = 0; i < ns->n; i++) {
		const struct node *n = &ns->v[i];
		const struct tpl_value *v = n->kind == NODE_TEXT ||
		    n->kind == NODE_PARTIAL ? NULL : lookup(r, n->text);

		switch (n->kind) {
		case NODE_TEXT:
			buf_add(&r->out, n->text, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
			if (v == NULL || v->kind != TPL_STR)
				break;
			if (r->subject) {
				char *part = charset_subject_part(v->str);

				buf_adds(&r->out, part);
				free(part);
			} else if (html && n->kind == NODE_VAR)
				add_escaped(&r->out, v->str);
			else
				buf_adds(&r->out, v->str);
			break;
		case NODE_SECTION:
			if (!truthy(v))
				break;
			if (v->kind == TPL_LIST) {
				for (size_t j = 0; j < v->nitems; j++)
					if (push_render(r, v->items[j],
					    &n->kids, html) != 0)
						return -1;
			} else if (v->kind == TPL_MAP) {
				if (push_render(r, v->map, &n->kids,
				    html) != 0)
					return -1;
			} else if (render_nodes(r, &n->kids, html) != 0)
				return -1;
			break;
		case NODE_INVERTED:
			if (!truthy(v) && render_nodes(r, &n->kids, html) != 0)
				return -1;
			break;
		case NODE_PARTIAL: {
			const struct template *pt = template_find_partial(
			    r->set, n->text, r->html_file);
			size_t start;

			if (pt == NULL)
				break;
			if (r->partials >= TEMPLATE_MAX_PARTIALS) {
				snprintf(r->err, r->errlen, "template %s: "
				    "partials nested more than %d deep", r->name,
				    TEMPLATE_MAX_PARTIALS);
				return -1;
			}
			r->partials++;
			start = r->out.len;
			if (render_nodes(r, &pt->body, html) != 0)
				return -1;
			r->partials--;
			/* A partial within a line ends where its text does:
			 * its file's last line end is not the line's. */
			if (n->in_line && r->out.len > start &&
			    r->out.data[r->out.len - 1] == '\n')
				r->out.data[--r->out.len] = '\0';
			break;
		}
		}
		if (r->out.overflow) {
			snprintf(r->err, r->errlen, "template %s: output larger "
			    "than %d bytes", r->name, TEMPLATE_MAX_OUTPUT);
			return -1;
		}
	}
	return 0;
}

/* Trailing blanks and newlines dropped, then one newline; 0, or -1 when
 * the output went over the cap. */
static int
render_finish(struct render *r)
{
	while (r->out.len > 0 && (r->out.data[r->out.len - 1] == '\n' ||
	    r->out.data[r->out.len - 1] == ' ' ||
	    r->out.data[r->out.len - 1] == '\t'))
		r->out.data[--r->out.len] = '\0';
	if (r->out.len > 0)
		buf_addc(&r->out, '\n');
	if (r->out.overflow) {
		snprintf(r->err, r->errlen, "template %s: output larger than "
		    "%d bytes", r->name, TEMPLATE_MAX_OUTPUT);
		return -1;
	}
	return 0;
}

/* Prepares r to render the .txt (html_file 0) or .html file of template
 * `name` with data (an empty map when NULL, owned by r).  The template,
 * or NULL with err set. */
static const struct template *
render_begin(struct render *r, const struct template_set *set,
    const char *name, int html_file, const struct tpl_data *data,
    char *err, size_t errlen)
{
	const struct template *t = set ? template_find(set, name,
	    html_file) : NULL;

	memset(r, 0, sizeof(*r));
	buf_init(&r->out, TEMPLATE_MAX_OUTPUT);
	if (t == NULL) {
		snprintf(err, errlen, "no %stemplate %s", html_file ? "HTML " :
		    "", name);
		return NULL;
	}
	if (data == NULL)
		data = r->empty = tpl_data_new();
	r->set = set;
	r->name = name;
	r->err = err;
	r->errlen = errlen;
	r->html_file = html_file;
	r->scope[r->depth++] = data;
	return t;
}

static void
render_end(struct render *r)
{
	buf_free(&r->out);
	tpl_data_free(r->empty);
}

int
template_render(const struct template_set *set, const char *name,
    const struct tpl_data *data, int html, char **subject, char **body,
    char *err, size_t errlen)
{
	struct render r;
	const struct template *t = render_begin(&r, set, name, 0, data, err,
	    errlen);
	char *subj = NULL;
	int rc = -1;

	*subject = *body = NULL;
	if (t == NULL)
		goto out;
	r.subject = 1;
	if (render_nodes(&r, &t->subject, 0) != 0)
		goto out;
	r.subject = 0;
	subj = charset_clean_line(buf_str(&r.out));
	buf_reset(&r.out);
	if (render_nodes(&r, &t->body, html) != 0 || render_finish(&r) != 0)
		goto out;
	*subject = subj;
	subj = NULL;
	*body = buf_steal(&r.out);
	rc = 0;
out:
	free(subj);
	render_end(&r);
	return rc;
}

int
template_render_html(const struct template_set *set, const char *name,
    const struct tpl_data *data, char **body, char *err, size_t errlen)
{
	struct render r;
	const struct template *t = render_begin(&r, set, name, 1, data, err,
	    errlen);
	int rc = -1;

	*body = NULL;
	/* Escaped by default: {{name}} in an HTML file can never add
	 * markup, whatever a stranger wrote in their name or subject. */
	if (t != NULL && render_nodes(&r, &t->body, 1) == 0 &&
	    render_finish(&r) == 0) {
		*body = buf_steal(&r.out);
		rc = 0;
	}
	render_end(&r);
	return rc;
}

int
tpl_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > TEMPLATE_MAX_NAME)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!template_name_char(name[i]))
			return 0;
	return 1;
}
