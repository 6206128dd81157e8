/*
 * template_tree.h — the parsed form of a template, private to out/template*.
 *
 * A template file is parsed once (template_parse.c) into a tree of nodes
 * that two walkers read: the checker against the table of known variables
 * (template_vars.c) and the renderer (template_render.c).  The tree is
 * their common language, so it is declared here and nowhere else; code
 * outside the template files sees only template.h.
 *
 * Ownership: a template_set owns its templates, a template its node trees,
 * a node its text and children; everything is freed by
 * template_set_free().  Nothing here reports errors but through a caller
 * buffer.
 */
#ifndef CDP_TEMPLATE_TREE_H
#define CDP_TEMPLATE_TREE_H

#include <stddef.h>

#include "out/template.h"

struct buf;

enum node_kind {
	NODE_TEXT,
	NODE_VAR,	/* {{name}} */
	NODE_RAW,	/* {{{name}}}, {{&name}} */
	NODE_SECTION,	/* {{#name}} */
	NODE_INVERTED,	/* {{^name}} */
	NODE_PARTIAL	/* {{>name}} */
};

struct node;

struct nodes {
	struct node	*v;
	size_t		 n, cap;
};

struct node {
	enum node_kind	 kind;
	int		 line;
	char		*text;		/* TEXT: the text; else the name */
	size_t		 len;
	struct nodes	 kids;		/* SECTION, INVERTED */
	int		 in_line;	/* PARTIAL: inside a line of text,
					 * whose end is not the partial's */
};

struct template {
	char		*name;
	char		*path;
	int		 partial;	/* name starts with '_': body only */
	int		 html;		/* NAME.html: the HTML alternative of
					 * NAME.txt, body only, values
					 * escaped */
	struct nodes	 subject;
	struct nodes	 body;
};

struct template_set {
	char		*dir;		/* DIR/fr */
	struct template	*t;
	size_t		 n;
};

/* The template `name` of the set (borrowed), or NULL: its .txt file, or
 * with html its .html file. */
const struct template *template_find(const struct template_set *set,
    const char *name, int html);

/* The partial `name` as a template of kind `html` includes it: an HTML
 * template takes _name.html, else _name.txt (words without markup read
 * the same in both); a text template takes _name.txt.  NULL if none. */
const struct template *template_find_partial(const struct template_set *set,
    const char *name, int html);

/* 1 for a character of a name segment: [A-Za-z0-9_]. */
int template_name_char(char c);

/* Appends msg to a list of problems, one per line. */
void template_error_add(struct buf *errs, const char *msg);

#endif
