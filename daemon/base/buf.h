/*
 * buf.h — a growable byte buffer, always NUL-terminated.
 *
 * Used to build messages, JSON and SQL-free text.  A buffer may carry a cap
 * (bytes); appending past it sets `overflow` and keeps what fits, so callers
 * fed from outside input can refuse cleanly instead of truncating silently.
 */
#ifndef CDP_BUF_H
#define CDP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* owned; NUL-terminated; NULL until first use */
	size_t	 len;
	size_t	 cap;		/* allocated size */
	size_t	 limit;		/* 0 = no limit */
	int	 overflow;
};

void buf_init(struct buf *b, size_t limit);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Makes room for n more bytes at once (never past the cap), so that a
 * text of about known size is not grown and copied step by step. */
void buf_reserve(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Returns the string ("" when empty) and leaves the buffer empty; the caller
 * owns the result. */
char *buf_steal(struct buf *b);
/* The current contents, borrowed; "" when empty. */
const char *buf_str(const struct buf *b);

#endif
