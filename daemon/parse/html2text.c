/*
 * html2text.c — HTML to readable text; see html2text.h for what and why.
 *
 * One forward pass over the bytes.  Text is copied with whitespace
 * collapsed and references decoded (html_entity.c); tags only change the
 * layout state: line breaks owed (`pending_nl`), a space owed
 * (`pending_space`), the quote depth and the list stack.  Line prefixes
 * ("> ", list markers) are written when the first character of a line is,
 * so empty elements leave no trace.  A last pass trims trailing spaces and
 * squeezes runs of blank lines.  Reads are bounded by `len`; no recursion.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/mem.h"
#include "parse/html2text.h"
#include "parse/html_entity.h"

#define H2T_MAX_LEVELS	16	/* list nesting, quote scopes, "> " prefixes */
#define H2T_MAX_NAME	32	/* longest tag name we look at */

enum h2t_kind {
	H2T_INLINE,
	H2T_BLOCK,	/* line break before and after */
	H2T_PARA,	/* blank line before and after */
	H2T_SKIP	/* content dropped up to the matching end tag */
};

struct h2t_tag {
	const char	*name;
	enum h2t_kind	 kind;
};

static const struct h2t_tag h2t_tags[] = {
	{ "div", H2T_BLOCK }, { "tr", H2T_BLOCK }, { "table", H2T_BLOCK },
	{ "li", H2T_BLOCK }, { "ul", H2T_BLOCK }, { "ol", H2T_BLOCK },
	{ "dl", H2T_BLOCK }, { "dt", H2T_BLOCK }, { "dd", H2T_BLOCK },
	{ "center", H2T_BLOCK }, { "form", H2T_BLOCK },
	{ "fieldset", H2T_BLOCK }, { "address", H2T_BLOCK },
	{ "header", H2T_BLOCK }, { "footer", H2T_BLOCK },
	{ "section", H2T_BLOCK }, { "article", H2T_BLOCK },
	{ "aside", H2T_BLOCK }, { "nav", H2T_BLOCK }, { "main", H2T_BLOCK },
	{ "figure", H2T_BLOCK }, { "figcaption", H2T_BLOCK },
	{ "caption", H2T_BLOCK }, { "hr", H2T_BLOCK }, { "details", H2T_BLOCK },
	{ "summary", H2T_BLOCK }, { "body", H2T_BLOCK }, { "html", H2T_BLOCK },
	{ "p", H2T_PARA }, { "h1", H2T_PARA }, { "h2", H2T_PARA },
	{ "h3", H2T_PARA }, { "h4", H2T_PARA }, { "h5", H2T_PARA },
	{ "h6", H2T_PARA }, { "blockquote", H2T_PARA }, { "pre", H2T_PARA },
	{ "script", H2T_SKIP }, { "style", H2T_SKIP }, { "title", H2T_SKIP },
	{ "template", H2T_SKIP }, { "xml", H2T_SKIP }, { "svg", H2T_SKIP },
	{ "textarea", H2T_SKIP }, { "select", H2T_SKIP },
};

struct h2t {
	const char	*s;
	size_t		 len;
	struct buf	 out;
	int		 started;	/* some text was written */
	int		 at_line_start;
	int		 pending_space;
	int		 pending_nl;	/* line ends owed before the next text */
	int		 line_quote;	/* quote depth of the current line */
	int		 blockquote;
	int		 sticky;	/* Outlook reply header seen */
	int		 pre;
	int		 div_depth;
	int		 scopes[H2T_MAX_LEVELS];	/* div depth of open
							 * gmail_quote divs */
	int		 nscopes;
	int		 list_ordered[H2T_MAX_LEVELS];
	int		 list_count[H2T_MAX_LEVELS];
	int		 nlists;	/* may exceed H2T_MAX_LEVELS */
	int		 just_marked;	/* a list marker was the last output */
	int		 head_open;	/* no </head> or <body> after a <head> */
};

/* What a start tag carries that matters here. */
struct h2t_attrs {
	const char	*cls, *id, *style;
	size_t		 cls_len, id_len, style_len;
};

static int
h2t_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
h2t_quote_depth(const struct h2t *h)
{
	int d = h->blockquote + h->nscopes + h->sticky;

	return d > H2T_MAX_LEVELS ? H2T_MAX_LEVELS : d;
}

static void
h2t_prefix(struct h2t *h, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_add(&h->out, "> ", 2);
}

/* Owes `n` line ends (1: new line, 2: blank line) before the next text. */
static void
h2t_block(struct h2t *h, int n)
{
	if (h->just_marked)
		return;
	if (h->pending_nl < n)
		h->pending_nl = n;
	h->pending_space = 0;
}

/* <br>: one more line end, even when one is already owed. */
static void
h2t_break(struct h2t *h)
{
	h->just_marked = 0;
	if (h->pending_nl < 3)
		h->pending_nl++;
	h->pending_space = 0;
}

/* Writes what is owed before a visible character, then the bytes. */
static void
h2t_emit(struct h2t *h, const char *p, size_t n)
{
	int depth = h2t_quote_depth(h);

	if (h->started && h->pending_nl > 0) {
		int blank_depth = depth < h->line_quote ? depth : h->line_quote;

		buf_addc(&h->out, '\n');
		for (int i = 1; i < h->pending_nl; i++) {
			h2t_prefix(h, blank_depth);
			buf_addc(&h->out, '\n');
		}
		h->at_line_start = 1;
	}
	h->pending_nl = 0;
	if (h->at_line_start) {
		h2t_prefix(h, depth);
		h->line_quote = depth;
		h->at_line_start = 0;
		h->pending_space = 0;
	} else if (h->pending_space) {
		buf_addc(&h->out, ' ');
		h->pending_space = 0;
	}
	buf_add(&h->out, p, n);
	h->started = 1;
	h->just_marked = 0;
}

static void
h2t_emit_cp(struct h2t *h, unsigned long cp)
{
	char u[4];

	/* HTML5: references to 0x80-0x9F mean windows-1252. */
	if (cp >= 0x80 && cp <= 0x9F) {
		char one = (char)cp, *w = charset_to_utf8("windows-1252",
		    &one, 1, NULL);

		h2t_emit(h, w, strlen(w));
		free(w);
		return;
	}
	if (cp == 0xAD || cp == 0x200B || cp == 0xFEFF)
		return;			/* soft hyphen, zero-width space */
	if (cp == 0xA0) {
		h2t_emit(h, " ", 1);
		return;
	}
	if (cp == 0)
		cp = 0xFFFD;
	h2t_emit(h, u, charset_put_utf8(cp, u));
}

/* Whitespace in the source: collapsed outside <pre>. */
static void
h2t_space(struct h2t *h, unsigned char c)
{
	if (h->pre) {
		if (c == '\n')
			h2t_break(h);
		else if (c != '\r')
			h2t_emit(h, (const char *)&c, 1);
		return;
	}
	if (!h->at_line_start && h->pending_nl == 0 && h->started)
		h->pending_space = 1;
}

static int
h2t_ncase_eq(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);

	return alen == blen && strncasecmp(a, b, blen) == 0;
}

/* Case-insensitive search for `needle` in s[from..len); returns its offset
 * or len. */
static size_t
h2t_find(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return i;
	return len;
}

static int
h2t_name_char(unsigned char c)
{
	return isalnum(c) || c == ':' || c == '-' || c == '_';
}

/* Like h2t_find for "<name" or "</name", but only where the name ends
 * there ("</head" does not match "</header"). */
static size_t
h2t_find_tag(const char *s, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	while ((from = h2t_find(s, len, from, needle)) < len) {
		if (from + n >= len || !h2t_name_char((unsigned char)s[from + n]))
			return from;
		from += n;
	}
	return len;
}

static int
h2t_is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "param", "source",
	    "track", "wbr" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* True if the space-separated class list has the token `token` (any
 * case) or, with `prefix`, a token starting with it (exact case: "Mso"). */
static int
h2t_has_class(const char *cls, size_t len, const char *token, int prefix)
{
	size_t tlen = strlen(token), i = 0;

	while (i < len) {
		size_t start;

		while (i < len && h2t_is_space((unsigned char)cls[i]))
			i++;
		start = i;
		while (i < len && !h2t_is_space((unsigned char)cls[i]))
			i++;
		if (prefix ? i - start >= tlen && strncmp(cls + start, token,
		    tlen) == 0 : i - start == tlen && strncasecmp(cls + start,
		    token, tlen) == 0)
			return 1;
	}
	return 0;
}

/* True if the CSS text, lower-cased and without whitespace, contains
 * `needle` (given in that form). */
static int
h2t_style_has(const char *style, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i < len; i++) {
		size_t j = i, k = 0;

		while (j < len && k < n) {
			unsigned char c = (unsigned char)style[j++];

			if (h2t_is_space(c))
				continue;
			if (tolower(c) != (unsigned char)needle[k])
				break;
			k++;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

static const struct h2t_tag *
h2t_lookup_tag(const char *name)
{
	for (size_t i = 0; i < sizeof(h2t_tags) / sizeof(h2t_tags[0]); i++)
		if (strcmp(h2t_tags[i].name, name) == 0)
			return &h2t_tags[i];
	return NULL;
}

/*
 * Reads the tag starting at s[i] == '<'.  Fills the lower-case name, the
 * attributes we use, whether it is an end tag or self-closing, and returns
 * the offset just after '>', or 0 when the tag is not closed.
 */
static size_t
h2t_read_tag(const struct h2t *h, size_t i, char *name, int *end_tag,
    int *self_closing, struct h2t_attrs *a)
{
	const char *s = h->s;
	size_t len = h->len, n = 0;

	memset(a, 0, sizeof(*a));
	*end_tag = 0;
	*self_closing = 0;
	i++;
	if (i < len && s[i] == '/') {
		*end_tag = 1;
		i++;
	}
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == ':' ||
	    s[i] == '-' || s[i] == '_')) {
		if (n + 1 < H2T_MAX_NAME)
			name[n++] = (char)tolower((unsigned char)s[i]);
		i++;
	}
	name[n] = '\0';
	for (;;) {
		const char *an, *av = NULL;
		size_t anl, avl = 0;

		while (i < len && (h2t_is_space((unsigned char)s[i]) ||
		    s[i] == '/')) {
			if (s[i] == '/')
				*self_closing = 1;
			i++;
		}
		if (i >= len)
			return 0;
		if (s[i] == '>')
			return i + 1;
		*self_closing = 0;
		an = s + i;
		while (i < len && !h2t_is_space((unsigned char)s[i]) &&
		    s[i] != '=' && s[i] != '>' && s[i] != '/')
			i++;
		anl = (size_t)(s + i - an);
		if (anl == 0)		/* a stray '=' */
			i++;
		while (i < len && h2t_is_space((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == '=') {
			i++;
			while (i < len && h2t_is_space((unsigned char)s[i]))
				i++;
			if (i < len && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];

				av = s + i;
				while (i < len && s[i] != q)
					i++;
				avl = (size_t)(s + i - av);
				if (i < len)
					i++;
			} else {
				av = s + i;
				while (i < len &&
				    !h2t_is_space((unsigned char)s[i]) &&
				    s[i] != '>')
					i++;
				avl = (size_t)(s + i - av);
			}
		}
		if (av == NULL)
			continue;
		if (h2t_ncase_eq(an, anl, "class")) {
			a->cls = av;
			a->cls_len = avl;
		} else if (h2t_ncase_eq(an, anl, "id")) {
			a->id = av;
			a->id_len = avl;
		} else if (h2t_ncase_eq(an, anl, "style")) {
			a->style = av;
			a->style_len = avl;
		}
	}
}

/* Offset after the end tag `</name ...>` matching a skipped element, with
 * nesting of the same name counted unless it is raw text (script, style);
 * len if there is none. */
static size_t
h2t_skip_element(const struct h2t *h, size_t i, const char *name,
    int raw_text)
{
	char open[H2T_MAX_NAME + 2], close[H2T_MAX_NAME + 3];
	int depth = 1;

	snprintf(open, sizeof(open), "<%s", name);
	snprintf(close, sizeof(close), "</%s", name);
	while (i < h->len) {
		size_t c = h2t_find_tag(h->s, h->len, i, close), after;

		if (c >= h->len)
			return h->len;
		if (!raw_text) {
			for (size_t o = h2t_find_tag(h->s, c, i, open); o < c;
			    o = h2t_find_tag(h->s, c, o + 1, open))
				depth++;
		}
		after = c + strlen(close);
		if (--depth == 0) {
			while (after < h->len && h->s[after] != '>')
				after++;
			return after < h->len ? after + 1 : h->len;
		}
		i = after;
	}
	return h->len;
}

static void
h2t_list_item(struct h2t *h)
{
	char marker[32];
	int level = h->nlists > H2T_MAX_LEVELS ? H2T_MAX_LEVELS : h->nlists;

	h->just_marked = 0;
	h2t_block(h, 1);
	marker[0] = '\0';
	for (int i = 1; i < level && i < 8; i++)
		strcat(marker, "  ");
	if (level > 0 && h->list_ordered[level - 1]) {
		size_t l = strlen(marker);

		snprintf(marker + l, sizeof(marker) - l, "%d.",
		    ++h->list_count[level - 1]);
	} else
		strcat(marker, "-");
	h2t_emit(h, marker, strlen(marker));
	/* One space after the marker, whatever follows in the source; a
	 * block right inside the item (<li><p>) stays on the marker's line. */
	h->pending_space = 1;
	h->just_marked = 1;
}

/* Outlook's reply header: everything from here on is history. */
static int
h2t_is_outlook_history(const char *name, const struct h2t_attrs *a)
{
	/* Outlook on the web and 365 (divRplyFwdMsg, appendonsend), the new
	 * Outlook for Mac (mail-editor-reference-message-container), Outlook
	 * 2011-2016 for Mac (OLK_SRC_BODY_SECTION), Hotmail and old
	 * Outlook.com (<hr id="stopSpelling">), as in talon's fixtures. */
	if (a->id && (h2t_ncase_eq(a->id, a->id_len, "divRplyFwdMsg") ||
	    h2t_ncase_eq(a->id, a->id_len, "appendonsend") ||
	    h2t_ncase_eq(a->id, a->id_len,
	    "mail-editor-reference-message-container") ||
	    h2t_ncase_eq(a->id, a->id_len, "OLK_SRC_BODY_SECTION") ||
	    h2t_ncase_eq(a->id, a->id_len, "stopSpelling")))
		return 1;
	/* Outlook 2010-2019 desktop: <div style="border:none;border-top:solid
	 * #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"> (#B5C4DF in 2007/2010)
	 * around the "De : ... Envoyé : ..." block. */
	if (strcmp(name, "div") == 0 && a->style &&
	    (h2t_style_has(a->style, a->style_len,
	    "border-top:solid#e1e1e1") ||
	    h2t_style_has(a->style, a->style_len,
	    "border-top:solid#b5c4df")))
		return 1;
	return 0;
}

static void
h2t_start_tag(struct h2t *h, const char *name, const struct h2t_attrs *a,
    int self_closing)
{
	const struct h2t_tag *t = h2t_lookup_tag(name);
	enum h2t_kind kind = t ? t->kind : H2T_INLINE;

	if (strcmp(name, "br") == 0) {
		h2t_break(h);
		return;
	}
	if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		if (!h->at_line_start && h->pending_nl == 0 && h->started)
			h->pending_space = 1;
		return;
	}
	if (!h->sticky && h2t_is_outlook_history(name, a)) {
		h->sticky = 1;
		h2t_block(h, 1);
	}
	if (strcmp(name, "div") == 0) {
		if (!self_closing)
			h->div_depth++;
		if (a->cls && (h2t_has_class(a->cls, a->cls_len,
		    "gmail_quote", 0) || h2t_has_class(a->cls, a->cls_len,
		    "yahoo_quoted", 0)) && !self_closing &&
		    h->nscopes < H2T_MAX_LEVELS)
			h->scopes[h->nscopes++] = h->div_depth;
	}
	if (strcmp(name, "blockquote") == 0 && !self_closing)
		h->blockquote++;
	if (strcmp(name, "pre") == 0 && !self_closing)
		h->pre++;
	/* An outer list stands apart like a paragraph; a nested one
	 * does not. */
	if ((strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) &&
	    !self_closing) {
		if (h->nlists == 0)
			kind = H2T_PARA;
		if (h->nlists < H2T_MAX_LEVELS) {
			h->list_ordered[h->nlists] = name[0] == 'o';
			h->list_count[h->nlists] = 0;
		}
		h->nlists++;
	}
	/* Outlook writes every line as <p class=MsoNormal> with no margins:
	 * one line break, not a paragraph. */
	if (kind == H2T_PARA && strcmp(name, "p") == 0 && a->cls &&
	    h2t_has_class(a->cls, a->cls_len, "Mso", 1))
		kind = H2T_BLOCK;
	if (kind == H2T_BLOCK || kind == H2T_PARA)
		h2t_block(h, kind == H2T_PARA ? 2 : 1);
	if (strcmp(name, "li") == 0)
		h2t_list_item(h);
}

static void
h2t_end_tag(struct h2t *h, const char *name)
{
	const struct h2t_tag *t = h2t_lookup_tag(name);
	enum h2t_kind kind = t ? t->kind : H2T_INLINE;

	if (strcmp(name, "div") == 0 && h->div_depth > 0) {
		while (h->nscopes > 0 &&
		    h->scopes[h->nscopes - 1] >= h->div_depth)
			h->nscopes--;
		h->div_depth--;
	}
	if (strcmp(name, "blockquote") == 0 && h->blockquote > 0)
		h->blockquote--;
	if (strcmp(name, "pre") == 0 && h->pre > 0)
		h->pre--;
	if ((strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) &&
	    h->nlists > 0 && --h->nlists == 0)
		kind = H2T_PARA;
	if (strcmp(name, "p") == 0)
		kind = H2T_BLOCK;	/* see the MsoNormal note above */
	if (kind == H2T_BLOCK || kind == H2T_PARA)
		h2t_block(h, kind == H2T_PARA ? 2 : 1);
}

/* Trims trailing spaces, squeezes blank lines (a line of only quote
 * markers counts as blank), drops leading and trailing blank lines. */
static char *
h2t_finish(struct buf *in)
{
	const char *s = buf_str(in);
	struct buf out;
	size_t blank_depth = 0;
	int seen_text = 0, have_blank = 0;

	buf_init(&out, 0);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s), q = 0, k = 0;

		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		/* Quote markers: "> " repeated. */
		while (k < l && s[k] == '>') {
			q++;
			k++;
			if (k < l && s[k] == ' ')
				k++;
		}
		if (k >= l) {
			if (seen_text && !have_blank) {
				have_blank = 1;
				blank_depth = q;
			}
		} else {
			if (have_blank) {
				for (size_t m = 0; m < blank_depth; m++)
					buf_adds(&out, m ? " >" : ">");
				buf_addc(&out, '\n');
				have_blank = 0;
			}
			buf_add(&out, s, l);
			buf_addc(&out, '\n');
			seen_text = 1;
		}
		s = nl ? nl + 1 : s + strlen(s);
	}
	return buf_steal(&out);
}

char *
html2text_convert(const char *html, size_t len)
{
	struct h2t h;
	size_t i = 0;
	char *text;

	memset(&h, 0, sizeof(h));
	h.s = html ? html : "";
	h.len = html ? len : 0;
	h.at_line_start = 1;
	buf_init(&h.out, 0);
	while (i < h.len) {
		unsigned char c = (unsigned char)h.s[i];

		if (c == '<' && i + 1 < h.len) {
			unsigned char d = (unsigned char)h.s[i + 1];
			char name[H2T_MAX_NAME];
			struct h2t_attrs a;
			int end_tag, self_closing;
			size_t next;

			if (d == '!' && i + 3 < h.len && h.s[i + 2] == '-' &&
			    h.s[i + 3] == '-') {
				next = h2t_find(h.s, h.len, i + 4, "-->");
				i = next < h.len ? next + 3 : h.len;
				continue;
			}
			if (d == '!' || d == '?') {
				while (i < h.len && h.s[i] != '>')
					i++;
				i = i < h.len ? i + 1 : h.len;
				continue;
			}
			if (!isalpha(d) && !(d == '/' && i + 2 < h.len &&
			    isalpha((unsigned char)h.s[i + 2]))) {
				h2t_emit(&h, "<", 1);
				i++;
				continue;
			}
			next = h2t_read_tag(&h, i, name, &end_tag,
			    &self_closing, &a);
			if (next == 0)
				break;		/* unterminated tag: stop */
			i = next;
			if (end_tag) {
				h2t_end_tag(&h, name);
				continue;
			}
			if (strcmp(name, "head") == 0 && !h.head_open) {
				/* Skip to </head>, or to <body> when the head
				 * is not closed; keep going if neither (and do
				 * not search again: "<head>" repeated would
				 * make this quadratic). */
				size_t e = h2t_find_tag(h.s, h.len, i, "</head");
				size_t b = h2t_find_tag(h.s, h.len, i, "<body");

				if (b < e)
					e = b;
				if (e < h.len)
					i = e;
				else
					h.head_open = 1;
				continue;
			}
			{
				const struct h2t_tag *t = h2t_lookup_tag(name);

				if (t && t->kind == H2T_SKIP && !self_closing) {
					i = h2t_skip_element(&h, i, name,
					    strcmp(name, "script") == 0 ||
					    strcmp(name, "style") == 0);
					continue;
				}
			}
			if (a.style && !self_closing && !h2t_is_void(name) &&
			    h2t_style_has(a.style, a.style_len,
			    "display:none")) {
				i = h2t_skip_element(&h, i, name, 0);
				continue;
			}
			h2t_start_tag(&h, name, &a, self_closing);
			continue;
		}
		if (c == '&') {
			/* A character reference, else a literal '&'. */
			unsigned long cp;
			size_t next = html_entity_read(h.s, h.len, i, &cp);

			if (next != i) {
				h2t_emit_cp(&h, cp);
				i = next;
				continue;
			}
			h2t_emit(&h, "&", 1);
			i++;
			continue;
		}
		if (h2t_is_space(c)) {
			h2t_space(&h, c);
			i++;
			continue;
		}
		if (c == 0xC2 && i + 1 < h.len &&
		    (unsigned char)h.s[i + 1] == 0xA0) {
			h2t_emit(&h, " ", 1);	/* raw no-break space */
			i += 2;
			continue;
		}
		if (c == 0) {
			i++;
			continue;
		}
		{
			/* Copy a run of ordinary bytes at once. */
			size_t j = i + 1;

			while (j < h.len) {
				unsigned char e = (unsigned char)h.s[j];

				if (e == '<' || e == '&' || e == 0 ||
				    h2t_is_space(e) || e == 0xC2)
					break;
				j++;
			}
			h2t_emit(&h, h.s + i, j - i);
			i = j;
		}
	}
	text = h2t_finish(&h.out);
	buf_free(&h.out);
	return text;
}

char *
html2text_sniff_charset(const char *html, size_t len)
{
	size_t lim = len < 4096 ? len : 4096, i = 0;

	if (html == NULL)
		return NULL;
	while ((i = h2t_find(html, lim, i, "<meta")) < lim) {
		size_t end = i;

		while (end < lim && html[end] != '>')
			end++;
		for (size_t k = h2t_find(html, end, i, "charset"); k < end;
		    k = h2t_find(html, end, k + 1, "charset")) {
			size_t v = k + 7, start;

			while (v < end && h2t_is_space((unsigned char)html[v]))
				v++;
			if (v >= end || html[v] != '=')
				continue;
			v++;
			while (v < end && (h2t_is_space((unsigned char)html[v])
			    || html[v] == '"' || html[v] == '\''))
				v++;
			start = v;
			while (v < end && (isalnum((unsigned char)html[v]) ||
			    html[v] == '-' || html[v] == '_' ||
			    html[v] == ':' || html[v] == '.'))
				v++;
			if (v > start && v - start < 40) {
				char *cs = xstrndup(html + start, v - start);

				for (char *p = cs; *p; p++)
					*p = (char)tolower((unsigned char)*p);
				return cs;
			}
		}
		i = end;
	}
	return NULL;
}
