/*
 * mime_tame.c — the buffer made safe for libetpan, and the delimiters of
 * a multipart whose declared boundary is wrong.
 *
 * libetpan 1.9.4 recurses once per nested part and per nested comment '('
 * with no limit (a crafted mail overflows the stack), and its time and
 * memory grow with the number of parts, header lines and parameters.  So
 * before it parses, the buffer is tamed (comments deeper than
 * MIME_MAX_PARENS lose their parentheses, huge Content-* fields are
 * renamed) and cut where a cap is exceeded; the message is then marked
 * truncated.  Both passes read lines as libetpan will, without
 * recursion.  See mime_private.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "parse/message.h"
#include "parse/mime_private.h"

#define MIME_MAX_PARENS		64	/* comment nesting given to libetpan */
#define MIME_MAX_NEST_DECL	MESSAGE_MAX_PARTS /* multipart or message
						   * Content-Type lines */
#define MIME_MAX_NESTING	(MESSAGE_MAX_DEPTH + 8)	/* open multiparts
							 * given to libetpan */
#define MIME_MAX_DELIM_LINES	(10 * MESSAGE_MAX_PARTS) /* part delimiters */
#define MIME_MAX_FIELD_LINES	100000	/* header lines in parts */
#define MIME_MAX_MIME_FIELD	(64 * 1024)	/* bytes of one Content-*
						 * header given to libetpan */

/* Parentheses nested deeper than MIME_MAX_PARENS in one (unfolded) line
 * become brackets: libetpan parses comments recursively.  Outside any
 * comment only the next '(' matters: memchr skips to it, so that a whole
 * mail costs little more than a look at its bytes. */
void
mime_tame_parens(char *s, size_t len, int per_line)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (depth == 0) {
			char *open = memchr(s + i, '(', len - i);

			if (open == NULL)
				break;
			i = (size_t)(open - s);
		}
		if (per_line && s[i] == '\n' && (i + 1 >= len ||
		    !mime_is_wsp((unsigned char)s[i + 1])))
			depth = 0;
		else if (s[i] == '(') {
			if (++depth > MIME_MAX_PARENS)
				s[i] = '[';
		} else if (s[i] == ')' && depth > 0) {
			if (depth-- > MIME_MAX_PARENS)
				s[i] = ']';
		}
	}
}

static int
mime_line_starts(const char *s, size_t len, size_t i, const char *prefix)
{
	size_t n = strlen(prefix);

	return i + n <= len && strncasecmp(s + i, prefix, n) == 0;
}

/* A Content-* header longer than MIME_MAX_MIME_FIELD (folded lines
 * included) is renamed "Xontent-...": libetpan would build one list node
 * per parameter of it (6 million "a=b;" took 10 s and 1 GB).  Returns 1 if
 * one was. */
int
mime_tame_fields(char *s, size_t len)
{
	int tamed = 0;

	for (size_t i = 0; i < len; ) {
		size_t e = i;

		do {
			const char *nl = memchr(s + e, '\n', len - e);

			e = nl ? (size_t)(nl - s) + 1 : len;
		} while (e < len && mime_is_wsp((unsigned char)s[e]) &&
		    mime_line_starts(s, len, i, "content-"));
		if (e - i > MIME_MAX_MIME_FIELD &&
		    mime_line_starts(s, len, i, "content-")) {
			s[i] = 'X';
			tamed = 1;
		}
		i = e;
	}
	return tamed;
}

/* The boundary a Content-Type header starting at s[i] declares, if it is
 * a multipart one (folded lines included, first 1 KiB); 0 if none. */
static size_t
mime_declared_boundary(const char *s, size_t len, size_t i, const char **b)
{
	size_t lim = i + 1024 < len ? i + 1024 : len, j, start;
	int multipart = 0;

	for (j = i + 13; j < lim; j++) {
		if (s[j] == '\n' && (j + 1 >= lim ||
		    !mime_is_wsp((unsigned char)s[j + 1]))) {
			lim = j;
			break;
		}
		if (!multipart && mime_line_starts(s, lim, j, "multipart/"))
			multipart = 1;
	}
	if (!multipart)
		return 0;
	for (j = i + 13; j + 9 < lim; j++) {
		if (!mime_line_starts(s, lim, j, "boundary"))
			continue;
		j += 8;
		while (j < lim && mime_is_wsp((unsigned char)s[j]))
			j++;
		if (j >= lim || s[j] != '=')
			continue;
		j++;
		while (j < lim && mime_is_wsp((unsigned char)s[j]))
			j++;
		if (j < lim && s[j] == '"') {
			start = ++j;
			while (j < lim && s[j] != '"' && s[j] != '\r' &&
			    s[j] != '\n')
				j++;
		} else {
			start = j;
			while (j < lim && s[j] != ';' && !isspace((unsigned
			    char)s[j]))
				j++;
		}
		*b = s + start;
		return j - start;
	}
	return 0;
}

/*
 * Where libetpan must stop: the length of s it may parse.  libetpan
 * recurses once per nested part and scans a part's whole body once per
 * level above it (990 nested multiparts around 20 MB of text took 34 s),
 * and allocates a node per header line and per part.  So the buffer is
 * followed line by line the way libetpan will read it: a stack of the
 * boundaries declared (matched as libetpan does: prefix, at a line start),
 * and whether the line is in a header block (the top one, one after a
 * delimiter, the message inside a message/rfc822 part or a digest entry).
 * Past a cap — nesting, message/rfc822 declarations (libetpan's recursion
 * for message chains), delimiters, header lines — the rest is cut off.
 * Text in bodies (a bounce quoting the original's headers, a pasted log)
 * is not counted.
 */
size_t
mime_safe_length(const char *s, size_t len, int *truncated)
{
	const char *stack[MIME_MAX_NESTING];
	size_t stack_len[MIME_MAX_NESTING], depth = 0;
	int stack_digest[MIME_MAX_NESTING];
	size_t nest = 0, delim = 0, fields = 0;
	int in_hdr = 1, msg_next = 0, digest_part = 0, saw_ctype = 0;

	for (size_t i = 0; i < len; ) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) : len, l = e - i;

		if (l > 0 && s[e - 1] == '\r')
			l--;
		if (l >= 2 && s[i] == '-' && s[i + 1] == '-') {
			for (size_t k = depth; k-- > 0; ) {
				if (l - 2 < stack_len[k] ||
				    memcmp(s + i + 2, stack[k], stack_len[k]) != 0)
					continue;
				if (++delim > MIME_MAX_DELIM_LINES)
					goto cut;
				/* "--b--" closes level k, "--b" opens a part
				 * of it. */
				if (l - 2 >= stack_len[k] + 2 &&
				    s[i + 2 + stack_len[k]] == '-' &&
				    s[i + 3 + stack_len[k]] == '-') {
					depth = k;
					in_hdr = 0;
				} else {
					depth = k + 1;
					in_hdr = 1;
					digest_part = stack_digest[k];
				}
				msg_next = saw_ctype = 0;
				goto next;
			}
		}
		if (!in_hdr)
			goto next;
		if (l == 0) {
			/* End of a header block: a message's own headers
			 * follow for message/rfc822 and digest entries. */
			in_hdr = msg_next || (digest_part && !saw_ctype);
			msg_next = saw_ctype = digest_part = 0;
			goto next;
		}
		if (++fields > MIME_MAX_FIELD_LINES)
			goto cut;
		if (mime_is_wsp((unsigned char)s[i]))
			goto next;
		if (memchr(s + i, ':', l) == NULL) {
			in_hdr = 0;	/* libetpan's header block ends */
			goto next;
		}
		if (mime_line_starts(s, len, i, "content-type:")) {
			const char *b = NULL;
			size_t bl = mime_declared_boundary(s, len, i, &b);
			size_t j = i + 13, lim = j + 256 < len ? j + 256 : len;

			saw_ctype = 1;
			while (j < lim && mime_is_wsp((unsigned char)s[j]))
				j++;
			if (mime_line_starts(s, lim, j, "message/")) {
				msg_next = 1;
				if (++nest > MIME_MAX_NEST_DECL)
					goto cut;
			}
			if (bl > 0) {
				if (depth == MIME_MAX_NESTING)
					goto cut;
				stack[depth] = b;
				stack_len[depth] = bl;
				stack_digest[depth++] = mime_line_starts(s, lim, j,
				    "multipart/digest");
			}
		}
next:
		i = nl ? e + 1 : len;
		continue;
cut:
		*truncated = 1;
		return i;
	}
	return len;
}

int
mime_has_delimiter(const char *p, size_t len, const char *boundary)
{
	size_t bl = strlen(boundary);

	for (size_t i = 0; i + 2 + bl <= len; i++) {
		if ((i == 0 || p[i - 1] == '\n') && p[i] == '-' &&
		    p[i + 1] == '-' && memcmp(p + i + 2, boundary, bl) == 0)
			return 1;
		/* jump to the next line */
		{
			const char *nl = memchr(p + i, '\n', len - i);

			if (nl == NULL)
				break;
			i = (size_t)(nl - p);
		}
	}
	return 0;
}

/* The delimiter a multipart body really uses when its declared boundary
 * is missing: the first "--X" line that comes back, or is closed. */
char *
mime_guess_boundary(const char *p, size_t len)
{
	size_t i = 0;
	int tries = 0;

	/* The delimiter is the first "--" line in every broken mail seen;
	 * a few candidates keep this linear. */
	while (i < len && tries < 8) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - p) : len, l = e - i;

		if (l > 0 && p[e - 1] == '\r')
			l--;
		while (l > 0 && mime_is_wsp((unsigned char)p[i + l - 1]))
			l--;
		if (l > 2 && l < 200 && p[i] == '-' && p[i + 1] == '-') {
			char *b = xstrndup(p + i + 2, l - 2);
			size_t bl = strlen(b);

			tries++;
			int ok = bl == l - 2 && strpbrk(b, "\" \t") == NULL;

			if (ok && bl > 2 && strcmp(b + bl - 2, "--") == 0)
				ok = 0;		/* a closing line first */
			if (ok && nl != NULL && mime_has_delimiter(nl + 1,
			    len - e - 1, b))
				return b;
			free(b);
		}
		i = nl ? e + 1 : len;
	}
	return NULL;
}
