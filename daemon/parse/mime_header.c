/*
 * mime_header.c — a header block read the way mail clients read it.
 *
 * Headers are unfolded here, from the raw bytes, for the top-level block
 * and for each part: libetpan's own field parser is not used, so that a
 * mail with thousands of headers costs one pass and a cap
 * (MESSAGE_MAX_HEADERS), while the headers the rest of the reader needs
 * (From, Date, Content-Type...) are still read past it.  A value is kept up
 * to MESSAGE_MAX_HEADER_LEN bytes, so that one huge line costs its length
 * once, in the raw mail, and not again in each copy the reader makes.  See
 * mime_private.h for the layers of the MIME reader.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/mime_private.h"

/* Top-level headers read even past MESSAGE_MAX_HEADERS. */
static const char *const mime_wanted[] = {
	"from", "to", "cc", "reply-to", "subject", "date", "message-id",
	"in-reply-to", "references", "return-path", "content-type",
	"content-transfer-encoding", "content-disposition"
};

void
mime_hdrs_free(struct mime_hdrs *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].value);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

const char *
mime_hdrs_get(const struct mime_hdrs *h, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].name_len == n &&
		    strncasecmp(h->v[i].name, name, n) == 0)
			return h->v[i].value;
	return NULL;
}

/* Index of the name in mime_wanted, or -1. */
static int
mime_wanted_index(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(mime_wanted) / sizeof(mime_wanted[0]);
	    i++)
		if (strlen(mime_wanted[i]) == len &&
		    strncasecmp(mime_wanted[i], name, len) == 0)
			return (int)i;
	return -1;
}

size_t
mime_utf8_cut(const char *s, size_t len)
{
	size_t j = len, need;
	unsigned char c;

	while (j > 0 && len - j < 3 && ((unsigned char)s[j - 1] & 0xC0) ==
	    0x80)
		j--;
	if (j == 0)
		return len;
	c = (unsigned char)s[j - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return len - (j - 1) < need ? j - 1 : len;
}

/* Where a value cut at `len` bytes ends cleanly: not inside a UTF-8
 * character, and before an RFC 2047 word left without its "?=" (which
 * would show as "=?utf-8?q?..." in a subject). */
static size_t
mime_value_cut(const char *v, size_t len)
{
	size_t q, nq = 0;

	len = mime_utf8_cut(v, len);
	for (q = len; q >= 2; q--)
		if (v[q - 2] == '=' && v[q - 1] == '?')
			break;
	if (q < 2)
		return len;
	/* "=?charset?B?text?=": the third '?' after "=?" closes it. */
	for (size_t i = q; i < len; i++)
		if (v[i] == '?' && ++nq == 3)
			return i + 1 < len && v[i + 1] == '=' ? len : q - 2;
	return q - 2;
}

/* Finishes the header being collected in `val` (`cut`: bytes past
 * MESSAGE_MAX_HEADER_LEN were dropped): trims it and stores it, unless the
 * cap is reached (then only wanted, first-seen names). */
static void
mime_hdrs_add(struct mime_hdrs *h, const char *name, size_t name_len,
    struct buf *val, int cut, size_t max)
{
	const char *v = buf_str(val);
	size_t len = val->len;
	int w = mime_wanted_index(name, name_len);

	if (h->n >= max) {
		h->more = 1;
		if (w < 0 || (h->wanted_seen & (1u << w)))
			return;
	}
	if (w >= 0)
		h->wanted_seen |= 1u << w;
	if (cut) {
		len = mime_value_cut(v, len);
		h->cut = 1;
	}
	while (len > 0 && mime_is_wsp((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len > 0 && mime_is_wsp((unsigned char)v[len - 1]))
		len--;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].name = name;
	h->v[h->n].name_len = name_len;
	h->v[h->n].value = xstrndup(v, len);
	h->n++;
	if (h->n <= max)
		h->kept = h->n;
}

/* Appends a piece of header text without its NUL bytes, up to
 * MESSAGE_MAX_HEADER_LEN bytes in all; returns 1 when some were dropped. */
static int
mime_add_nonul(struct buf *b, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *z = memchr(p + i, '\0', n - i);
		size_t run = z ? (size_t)(z - (p + i)) : n - i;
		size_t room = MESSAGE_MAX_HEADER_LEN - b->len;

		if (run > room) {
			buf_add(b, p + i, room);
			return 1;
		}
		buf_add(b, p + i, run);
		i += run + (z ? 1 : 0);
	}
	return 0;
}

size_t
mime_scan_headers(const char *p, size_t len, struct mime_hdrs *h, size_t max)
{
	const char *name = NULL;
	size_t name_len = 0, i = 0;
	struct buf val;
	int blank_ahead = -1, cut = 0;

	buf_init(&val, 0);
	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len, l = e - i, k, c;
		size_t next = nl ? e + 1 : len;
		int blank = 1;

		if (l > 0 && p[e - 1] == '\r')
			l--;
		for (k = 0; k < l; k++)
			if (!mime_is_wsp((unsigned char)p[i + k])) {
				blank = 0;
				break;
			}
		/* A line of blanks inside a folded header is folding (RFC
		 * 5322 obs-FWS, seen in the mail gem's example14.eml); else it
		 * ends the block like an empty line. */
		if (blank && l > 0 && name != NULL && next < len &&
		    mime_is_wsp((unsigned char)p[next])) {
			i = next;
			continue;
		}
		if (blank) {
			i = next;
			break;
		}
		if (mime_is_wsp((unsigned char)p[i])) {
			if (name != NULL)
				cut |= mime_add_nonul(&val, p + i, l);
			i = next;
			continue;
		}
		for (c = 0; c < l && p[i + c] != ':'; c++)
			;
		k = c;
		while (k > 0 && mime_is_wsp((unsigned char)p[i + k - 1]))
			k--;
		if (c < l && k > 0) {
			for (size_t m = 0; m < k; m++) {
				unsigned char ch = (unsigned char)p[i + m];

				if (ch < 33 || ch > 126) {
					k = 0;
					break;
				}
			}
		} else
			k = 0;
		if (name != NULL) {
			mime_hdrs_add(h, name, name_len, &val, cut, max);
			name = NULL;
		}
		buf_reset(&val);
		cut = 0;
		if (k == 0) {
			/* Not a header line. */
			if (blank_ahead < 0) {
				blank_ahead = 0;
				for (size_t m = i; m + 1 < len; m++)
					if (p[m] == '\n' && (p[m + 1] == '\n' ||
					    (p[m + 1] == '\r' && m + 2 < len &&
					    p[m + 2] == '\n'))) {
						blank_ahead = 1;
						break;
					}
			}
			if (!blank_ahead)
				break;
			i = next;
			continue;
		}
		name = p + i;
		name_len = k;
		cut = mime_add_nonul(&val, p + i + c + 1, l - c - 1);
		i = next;
	}
	if (name != NULL)
		mime_hdrs_add(h, name, name_len, &val, cut, max);
	buf_free(&val);
	return i;
}
