/* buf.c — growable buffer; see buf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

void
buf_init(struct buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->overflow = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void
buf_grow(struct buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 64;

	while (cap < need)
		cap *= 2;
	if (cap != b->cap) {
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void
buf_reserve(struct buf *b, size_t n)
{
	if (b->limit) {
		size_t room = b->limit > b->len ? b->limit - b->len : 0;

		if (n > room)
			n = room;
	}
	if (b->len + n + 1 > b->cap)
		buf_grow(b, b->len + n + 1);
	b->data[b->len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	/* The common case first: no cap, and room enough. */
	if (!b->limit && b->len + n < b->cap) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	if (b->limit && b->len + n > b->limit) {
		b->overflow = 1;
		n = b->limit > b->len ? b->limit - b->len : 0;
	}
	buf_grow(b, b->len + n + 1);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* Formats straight into the room the buffer has: only what does not fit
 * is formatted a second time (headers and template lines are built with
 * many small printfs). */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	size_t room = b->data ? b->cap - b->len : 0;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, aq);
	va_end(aq);
	if (n <= 0)
		return;
	if ((size_t)n < room && (!b->limit || b->len + (size_t)n <=
	    b->limit)) {
		b->len += (size_t)n;
		return;
	}
	if (b->limit && b->len + (size_t)n > b->limit) {
		char *tmp = xmalloc((size_t)n + 1);

		vsnprintf(tmp, (size_t)n + 1, fmt, ap);
		buf_add(b, tmp, (size_t)n);
		free(tmp);
		return;
	}
	buf_grow(b, b->len + (size_t)n + 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *
buf_steal(struct buf *b)
{
	char *s = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	b->overflow = 0;
	return s;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}
