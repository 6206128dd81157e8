/*
 * mime_walk.c — the walk over libetpan's MIME tree: which parts make the
 * text a person reads, which are attachments, which are a bounce's report.
 *
 * libetpan finds where each part's headers and body are; the choices are
 * made here, the way mail clients make them: the text/plain alternative
 * before the HTML, the root of a multipart/related, the first part of a
 * signed mail, several text parts joined (Apple Mail), a multipart whose
 * declared boundary never appears parsed again with the one it uses.
 * libetpan's tree points into the buffer it parsed: the buffer (ours) is
 * freed after the tree.  See mime_private.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/log.h"
#include "base/mem.h"
#include "parse/html2text.h"
#include "parse/message.h"
#include "parse/mime_private.h"

#define MIME_MAX_PART_HEADERS	256	/* headers read per part */

enum mime_mode {
	MIME_BODY,		/* text parts become the body */
	MIME_ATTACH		/* an alternative not chosen: only attachments */
};

/* A buffer parsed again after a boundary repair, with its tree. */
struct mime_extra {
	struct mime_extra *next;
	char		*buf;
	struct mailmime	*tree;
};

struct mime_walk {
	struct message	*msg;
	struct buf	 text;
	int		 text_parts;
	int		 from_html;
	size_t		 nparts;
	size_t		 att_cap;
	int		 in_report;
	int		 saw_report;
	int		 related;	/* inside a multipart/related */
	char		*returned;	/* returned headers candidate */
	int		 returned_is_headers; /* text/rfc822-headers */
	struct mime_extra *extra;
};

static void mime_walk_node(struct mime_walk *, struct mailmime *, int,
    enum mime_mode);

/* The part's body bytes as libetpan located them. */
static void
mime_node_body(struct mailmime *node, const char **p, size_t *len)
{
	struct mailmime_data *d = node->mm_body;

	if (node->mm_type == MAILMIME_SINGLE && node->mm_data.mm_single)
		d = node->mm_data.mm_single;
	*p = "";
	*len = 0;
	if (d != NULL && d->dt_type == MAILMIME_DATA_TEXT &&
	    d->dt_data.dt_text.dt_data != NULL) {
		*p = d->dt_data.dt_text.dt_data;
		*len = d->dt_data.dt_text.dt_length;
	}
}

static void
mime_node_info(struct mailmime *node, struct mime_info *pi)
{
	struct mime_hdrs h;
	const char *body;
	size_t blen;

	memset(&h, 0, sizeof(h));
	mime_node_body(node, &body, &blen);
	if (node->mm_body != NULL && node->mm_body->dt_type ==
	    MAILMIME_DATA_TEXT)
		body = node->mm_body->dt_data.dt_text.dt_data;
	if (node->mm_mime_start != NULL && body != NULL &&
	    node->mm_mime_start <= body)
		mime_scan_headers(node->mm_mime_start,
		    (size_t)(body - node->mm_mime_start), &h,
		    MIME_MAX_PART_HEADERS);
	mime_info_from(pi, mime_hdrs_get(&h, "content-type"),
	    mime_hdrs_get(&h, "content-transfer-encoding"),
	    mime_hdrs_get(&h, "content-disposition"),
	    mime_hdrs_get(&h, "content-id"));
	pi->header_cut = h.cut;
	mime_hdrs_free(&h);
	/* The tree's shape is libetpan's: agree with it. */
	if (node->mm_type == MAILMIME_MULTIPLE) {
		if (strncmp(pi->type, "multipart/", 10) != 0) {
			const char *sub = node->mm_content_type &&
			    node->mm_content_type->ct_subtype ?
			    node->mm_content_type->ct_subtype : "mixed";

			snprintf(pi->type, sizeof(pi->type), "multipart/%s",
			    sub);
			for (char *p = pi->type; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		}
	} else if (node->mm_type == MAILMIME_MESSAGE) {
		if (strncmp(pi->type, "message/", 8) != 0)
			snprintf(pi->type, sizeof(pi->type), "message/rfc822");
	}
}

static void
mime_add_attachment(struct mime_walk *w, const struct mime_info *pi,
    const char *bytes, size_t size)
{
	struct message *msg = w->msg;
	struct msg_attachment *a;

	if (msg->nattachments == w->att_cap) {
		w->att_cap = w->att_cap ? w->att_cap * 2 : 4;
		msg->attachments = xrealloc(msg->attachments,
		    w->att_cap * sizeof(*msg->attachments));
	}
	a = &msg->attachments[msg->nattachments++];
	a->filename = xstrdup(pi->filename ? pi->filename : "");
	/* No Content-Type means text/plain (RFC 2045 §5.2). */
	a->content_type = mime_clean_raw(pi->type[0] ? pi->type :
	    "text/plain", strlen(pi->type[0] ? pi->type : "text/plain"));
	a->size = size;
	/* Kept so that a holder's documents can be forwarded to the
	 * referent; the raw message is in the database anyway. */
	a->data = xmalloc(size + 1);
	if (size)
		memcpy(a->data, bytes, size);
	a->data[size] = '\0';
	a->inline_part = pi->disposition == MIME_DISP_INLINE ||
	    (w->related > 0 && pi->content_id != NULL);
}

static int
mime_is_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* A text/plain part that is really a delivery-status report (seen in
 * broken bounces: the DSN fields sent as text/plain). */
static int
mime_looks_like_dsn(const char *t)
{
	int status = 0, recipient = 0;

	for (const char *l = t; l && *l; l = strchr(l, '\n'), l = l ? l + 1 :
	    NULL) {
		if (strncasecmp(l, "Status:", 7) == 0)
			status = 1;
		else if (strncasecmp(l, "Final-Recipient:", 16) == 0 ||
		    strncasecmp(l, "Reporting-MTA:", 14) == 0)
			recipient = 1;
	}
	return status && recipient;
}

/* Joins the text of several parts (Apple Mail splits the text around a
 * pasted picture) with exactly one blank line between them. */
static void
mime_add_text(struct mime_walk *w, const char *t)
{
	if (mime_is_blank(t))
		return;
	if (w->text.len > 0) {
		const char *p = t, *line = t;

		/* Leading blank lines of the new part go... */
		for (; *p == ' ' || *p == '\t' || *p == '\n'; p++)
			if (*p == '\n')
				line = p + 1;
		t = line;
		/* ...and so do the trailing ones of what is there. */
		while (w->text.len > 0 && (w->text.data[w->text.len - 1] ==
		    '\n' || w->text.data[w->text.len - 1] == ' ' ||
		    w->text.data[w->text.len - 1] == '\t'))
			w->text.len--;
		w->text.data[w->text.len] = '\0';
		buf_adds(&w->text, "\n\n");
	}
	buf_adds(&w->text, t);
	w->text_parts++;
}

/* Outlook 2000 with "uuencode" set, and old Eudora, put attachments in
 * the text as "begin 644 name" ... "end" blocks: they become attachments
 * and leave the text.  t is compacted in place, in one pass. */
static void
mime_extract_uu(struct mime_walk *w, char *t)
{
	char *r = t, *wp = t, *q = t;

	while ((q = strstr(q, "begin ")) != NULL) {
		const char *name;
		size_t nlen, l = strcspn(q, "\n"), used, n;
		struct mime_info pi;
		char *bytes;
		int ended;

		if ((q != t && q[-1] != '\n') || !mime_uu_begin(q, l, &name,
		    &nlen)) {
			q += 6;
			continue;
		}
		if (w->nparts >= MESSAGE_MAX_PARTS) {
			w->msg->truncated = 1;
			break;
		}
		bytes = mime_decode_uu(q, strlen(q), &n, &used, &ended);
		if (!ended) {
			free(bytes);
			break;	/* no "end" down to the end: none later */
		}
		w->nparts++;
		memset(&pi, 0, sizeof(pi));
		snprintf(pi.type, sizeof(pi.type), "application/octet-stream");
		pi.filename = xstrndup(name, nlen);
		mime_add_attachment(w, &pi, bytes, n);
		free(bytes);
		free(pi.filename);
		memmove(wp, r, (size_t)(q - r));
		wp += q - r;
		r = q = q + used;
	}
	memmove(wp, r, strlen(r) + 1);
}

/* An HTML part: sets msg->html if still unset, returns its text. */
static char *
mime_html_text(struct mime_walk *w, const struct mime_info *pi,
    const char *bytes, size_t n, int want_text)
{
	char *cs = pi->charset ? NULL : html2text_sniff_charset(bytes, n);
	char *u, *html, *t = NULL;
	size_t ulen;

	u = charset_to_utf8(pi->charset ? pi->charset : cs, bytes, n, &ulen);
	html = mime_normalize_text(u, ulen);
	free(u);
	free(cs);
	if (want_text)
		t = html2text_convert(html, strlen(html));
	if (w->msg->html == NULL)
		w->msg->html = html;
	else
		free(html);
	return t;
}

/* Headers of a returned message: up to the first empty line. */
static char *
mime_headers_only(const char *bytes, size_t n)
{
	char *u, *t, *e;
	size_t ulen;

	u = charset_to_utf8(NULL, bytes, n, &ulen);
	t = mime_normalize_text(u, ulen);
	free(u);
	if (t[0] == '\n')
		t[0] = '\0';
	else if ((e = strstr(t, "\n\n")) != NULL)
		e[1] = '\0';
	return t;
}

static int
mime_is_body_type(const char *type)
{
	return type[0] == '\0' || strcmp(type, "text/plain") == 0 ||
	    strcmp(type, "text/html") == 0 ||
	    strncmp(type, "multipart/", 10) == 0;
}

/* A leaf: body text, report data or attachment. */
static void
mime_leaf(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, enum mime_mode mode)
{
	const char *raw;
	size_t rawlen, n;
	char *bytes, *t;
	int is_html = strcmp(pi->type, "text/html") == 0;
	int body_like = mime_is_body_type(pi->type) &&
	    pi->disposition != MIME_DISP_ATTACHMENT && pi->filename == NULL;

	mime_node_body(node, &raw, &rawlen);
	bytes = mime_decode_body(node->mm_type == MAILMIME_MESSAGE ?
	    MIME_ENC_IDENTITY : pi->encoding, raw, rawlen, &n);
	if (strcmp(pi->type, "message/delivery-status") == 0 ||
	    strcmp(pi->type, "message/global-delivery-status") == 0) {
		if (w->msg->delivery_status == NULL) {
			char *u = charset_to_utf8(NULL, bytes, n, NULL);

			w->msg->delivery_status = mime_normalize_text(u,
			    strlen(u));
			free(u);
		}
		goto out;
	}
	if (strcmp(pi->type, "text/rfc822-headers") == 0 ||
	    strcmp(pi->type, "message/global-headers") == 0) {
		if (w->returned == NULL) {
			w->returned = mime_headers_only(bytes, n);
			w->returned_is_headers = 1;
		}
		goto out;
	}
	if (strcmp(pi->type, "message/rfc822") == 0 ||
	    strcmp(pi->type, "message/global") == 0) {
		if (w->returned == NULL)
			w->returned = mime_headers_only(bytes, n);
		if (!w->in_report)
			mime_add_attachment(w, pi, bytes, n);
		goto out;
	}
	if (!body_like) {
		mime_add_attachment(w, pi, bytes, n);
		goto out;
	}
	if (n > (size_t)MESSAGE_TEXT_MAX) {
		n = (size_t)MESSAGE_TEXT_MAX;
		if (mode != MIME_ATTACH)
			w->msg->truncated = 1;
	}
	if (mode == MIME_ATTACH) {
		if (is_html && w->msg->html == NULL)
			free(mime_html_text(w, pi, bytes, n, 0));
		goto out;
	}
	if (is_html) {
		t = mime_html_text(w, pi, bytes, n, 1);
		if (!mime_is_blank(t))
			w->from_html = 1;
	} else {
		t = mime_part_text(pi, bytes, n);
		mime_extract_uu(w, t);
	}
	if (w->text_parts > 0 && !is_html && w->msg->delivery_status == NULL &&
	    mime_looks_like_dsn(t)) {
		w->msg->delivery_status = t;
		goto out;
	}
	mime_add_text(w, t);
	free(t);
out:
	free(bytes);
}

/*
 * A multipart whose declared boundary never appears (a client that
 * rewrote one and not the other): parse it again with the delimiter the
 * body uses.  Returns 0 if the boundary is fine, 1 if the repaired tree
 * was walked, 2 if it is broken beyond repair.
 */
static int
mime_repair_boundary(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, int depth, enum mime_mode mode)
{
	struct mime_extra *x;
	const char *body;
	size_t blen, idx = 0;
	char *declared, *guess;
	struct buf b;

	if (node->mm_content_type == NULL)
		return 0;
	declared = mailmime_extract_boundary(node->mm_content_type);
	body = node->mm_body ? node->mm_body->dt_data.dt_text.dt_data : NULL;
	blen = node->mm_body ? node->mm_body->dt_data.dt_text.dt_length : 0;
	if (declared == NULL || body == NULL || mime_has_delimiter(body, blen,
	    declared)) {
		free(declared);
		return 0;
	}
	free(declared);
	log_debug(LOG_CAT_MIME, "%s: declared boundary absent", pi->type);
	if ((guess = mime_guess_boundary(body, blen)) == NULL)
		return 2;
	buf_init(&b, 0);
	buf_printf(&b, "Content-Type: %s; boundary=\"%s\"\r\n\r\n", pi->type,
	    guess);
	free(guess);
	buf_add(&b, body, blen);
	x = xcalloc(1, sizeof(*x));
	x->next = w->extra;
	w->extra = x;
	blen = b.len;
	x->buf = buf_steal(&b);
	if (mailmime_parse(x->buf, blen, &idx, &x->tree) !=
	    MAILIMF_NO_ERROR || x->tree == NULL) {
		x->tree = NULL;
		return 2;
	}
	if (x->tree->mm_type != MAILMIME_MESSAGE ||
	    x->tree->mm_data.mm_message.mm_msg_mime == NULL ||
	    x->tree->mm_data.mm_message.mm_msg_mime->mm_type !=
	    MAILMIME_MULTIPLE)
		return 2;
	mime_walk_node(w, x->tree->mm_data.mm_message.mm_msg_mime, depth,
	    mode);
	return 1;
}

/* Does this subtree hold a text/plain body part? */
static int
mime_has_plain(struct mailmime *node, int depth)
{
	struct mime_info pi;
	int found = 0;

	if (depth > MESSAGE_MAX_DEPTH)
		return 0;
	if (node->mm_type == MAILMIME_MULTIPLE) {
		for (clistiter *it = clist_begin(
		    node->mm_data.mm_multipart.mm_mp_list); it && !found;
		    it = clist_next(it))
			found = mime_has_plain(clist_content(it), depth + 1);
		return found;
	}
	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	found = (pi.type[0] == '\0' || strcmp(pi.type, "text/plain") == 0) &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	mime_info_free(&pi);
	return found;
}

/* A text/plain alternative worth showing (not empty: some composers send
 * an empty text/plain next to the real HTML). */
static int
mime_is_plain_choice(struct mailmime *node)
{
	struct mime_info pi;
	const char *raw;
	size_t rawlen, n;
	char *bytes;
	int ok;

	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	ok = (pi.type[0] == '\0' || strcmp(pi.type, "text/plain") == 0) &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	if (ok) {
		mime_node_body(node, &raw, &rawlen);
		bytes = mime_decode_body(pi.encoding, raw, rawlen, &n);
		ok = 0;
		for (size_t i = 0; i < n && !ok; i++)
			if (!isspace((unsigned char)bytes[i]) && bytes[i] != 0)
				ok = 1;
		free(bytes);
	}
	mime_info_free(&pi);
	return ok;
}

static int
mime_is_html_choice(struct mailmime *node)
{
	struct mime_info pi;
	int ok;

	if (node->mm_type != MAILMIME_SINGLE)
		return 0;
	mime_node_info(node, &pi);
	ok = strcmp(pi.type, "text/html") == 0 &&
	    pi.disposition != MIME_DISP_ATTACHMENT && pi.filename == NULL;
	mime_info_free(&pi);
	return ok;
}

/* multipart/alternative: the text/plain version is preferred (it is what
 * the sender's client wrote for text readers, quotes included), else a
 * nested multipart holding one, else the HTML, else the first part. */
static struct mailmime *
mime_choose_alternative(clist *list, int depth)
{
	clistiter *it;

	for (it = clist_begin(list); it; it = clist_next(it))
		if (mime_is_plain_choice(clist_content(it)))
			return clist_content(it);
	for (it = clist_begin(list); it; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);

		if (c->mm_type == MAILMIME_MULTIPLE && mime_has_plain(c,
		    depth + 1))
			return c;
	}
	for (it = clist_begin(list); it; it = clist_next(it))
		if (mime_is_html_choice(clist_content(it)))
			return clist_content(it);
	for (it = clist_begin(list); it; it = clist_next(it))
		if (((struct mailmime *)clist_content(it))->mm_type ==
		    MAILMIME_MULTIPLE)
			return clist_content(it);
	it = clist_begin(list);
	return it ? clist_content(it) : NULL;
}

/* multipart/related: the root is the part named by `start`, else the
 * first. */
static struct mailmime *
mime_related_root(clist *list, const char *start)
{
	clistiter *it;

	if (start != NULL) {
		for (it = clist_begin(list); it; it = clist_next(it)) {
			struct mime_info pi;
			int match;

			mime_node_info(clist_content(it), &pi);
			match = pi.content_id &&
			    strcmp(pi.content_id, start) == 0;
			mime_info_free(&pi);
			if (match)
				return clist_content(it);
		}
	}
	it = clist_begin(list);
	return it ? clist_content(it) : NULL;
}

static void
mime_multipart(struct mime_walk *w, struct mailmime *node,
    const struct mime_info *pi, int depth, enum mime_mode mode)
{
	clist *list = node->mm_data.mm_multipart.mm_mp_list;
	const char *sub = pi->type + 10;
	struct mailmime *chosen = NULL;
	int first_only = 0;
	int repair = mime_repair_boundary(w, node, pi, depth, mode);

	if (repair == 1)
		return;
	if (repair == 2 || list == NULL || clist_isempty(list)) {
		/* Nothing libetpan could split: show the body as text. */
		struct mime_info t = *pi;

		snprintf(t.type, sizeof(t.type), "text/plain");
		t.filename = NULL;
		t.disposition = MIME_DISP_NONE;
		mime_leaf(w, node, &t, mode);
		return;
	}
	if (mode == MIME_BODY) {
		if (strcmp(sub, "alternative") == 0)
			chosen = mime_choose_alternative(list, depth);
		else if (strcmp(sub, "related") == 0)
			chosen = mime_related_root(list, pi->start);
		else if (strcmp(sub, "signed") == 0 ||
		    strcmp(sub, "encrypted") == 0)
			first_only = 1;
	}
	if (strcmp(sub, "report") == 0) {
		w->in_report++;
		w->saw_report = 1;
	}
	if (strcmp(sub, "related") == 0)
		w->related++;
	for (clistiter *it = clist_begin(list); it; it = clist_next(it)) {
		struct mailmime *c = clist_content(it);
		enum mime_mode m = mode;

		if (chosen != NULL && c != chosen)
			m = MIME_ATTACH;
		if (first_only && it != clist_begin(list))
			m = MIME_ATTACH;
		mime_walk_node(w, c, depth + 1, m);
	}
	if (strcmp(sub, "report") == 0)
		w->in_report--;
	if (strcmp(sub, "related") == 0)
		w->related--;
}

static void
mime_walk_node(struct mime_walk *w, struct mailmime *node, int depth,
    enum mime_mode mode)
{
	struct mime_info pi;

	if (node == NULL)
		return;
	if (depth > MESSAGE_MAX_DEPTH || w->nparts >= MESSAGE_MAX_PARTS) {
		w->msg->truncated = 1;
		return;
	}
	w->nparts++;
	mime_node_info(node, &pi);
	if (pi.header_cut)
		w->msg->truncated = 1;
	if (node->mm_type == MAILMIME_MULTIPLE)
		mime_multipart(w, node, &pi, depth, mode);
	else {
		if (node->mm_type == MAILMIME_SINGLE &&
		    strncmp(pi.type, "multipart/", 10) == 0)
			/* multipart without a usable boundary: text */
			snprintf(pi.type, sizeof(pi.type), "text/plain");
		mime_leaf(w, node, &pi, mode);
	}
	mime_info_free(&pi);
}

void
mime_parse_body(struct message *msg, const struct mime_hdrs *h,
    const char *body, size_t blen)
{
	static const char *const mime_fields[] = { "Content-Type",
	    "Content-Transfer-Encoding", "Content-Disposition" };
	struct mime_walk w;
	struct mailmime *tree = NULL;
	struct buf b;
	size_t len, idx = 0;
	char *buf;
	int truncated = 0;

	memset(&w, 0, sizeof(w));
	w.msg = msg;
	buf_init(&w.text, 0);
	buf_init(&b, 0);
	for (size_t i = 0; i < sizeof(mime_fields) / sizeof(mime_fields[0]);
	    i++) {
		const char *v = mime_hdrs_get(h, mime_fields[i]);

		if (v != NULL)
			buf_printf(&b, "%s: %s\r\n", mime_fields[i], v);
	}
	buf_adds(&b, "\r\n");
	buf_add(&b, body, blen);
	len = b.len;
	buf = buf_steal(&b);
	mime_tame_parens(buf, len, 1);
	truncated = mime_tame_fields(buf, len);
	len = mime_safe_length(buf, len, &truncated);
	if (truncated) {
		log_debug(LOG_CAT_MIME, "message cut at %zu bytes for the "
		    "MIME parser", len);
		msg->truncated = 1;
	}
	if (mailmime_parse(buf, len, &idx, &tree) == MAILIMF_NO_ERROR &&
	    tree != NULL && tree->mm_type == MAILMIME_MESSAGE &&
	    tree->mm_data.mm_message.mm_msg_mime != NULL)
		mime_walk_node(&w, tree->mm_data.mm_message.mm_msg_mime, 0,
		    MIME_BODY);
	else {
		/* libetpan refused it all: the body as text. */
		struct mime_info pi;
		char *t;

		log_debug(LOG_CAT_MIME, "MIME parse failed; body read as text");
		mime_info_from(&pi, mime_hdrs_get(h, "content-type"), NULL,
		    NULL, NULL);
		t = mime_part_text(&pi, body, blen);
		mime_add_text(&w, t);
		free(t);
		mime_info_free(&pi);
	}
	if (w.returned != NULL && (w.saw_report || w.returned_is_headers ||
	    msg->delivery_status != NULL)) {
		msg->returned_headers = w.returned;
		w.returned = NULL;
	}
	free(w.returned);
	/* Trees first, then the buffers they point into. */
	if (tree != NULL)
		mailmime_free(tree);
	while (w.extra != NULL) {
		struct mime_extra *x = w.extra;

		w.extra = x->next;
		if (x->tree != NULL)
			mailmime_free(x->tree);
		free(x->buf);
		free(x);
	}
	free(buf);
	msg->text_from_html = w.from_html;
	msg->text = buf_steal(&w.text);
}
