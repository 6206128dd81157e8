/*
 * outbox_list.c — the outbox as the command line shows it
 * (`coupdepouce outbox list`); see outbox.h.
 *
 * The row stores the whole message, so what a person wants to see of it
 * (To and Subject) is read back from the message's own header: there is
 * no second copy in other columns to drift from what was sent.  Only the
 * header block is read from the database, and To and Subject are decoded for
 * the terminal by the same RFC 2047 reader as received mail
 * (message_decode_header()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/mem.h"
#include "out/outbox.h"
#include "out/outbox_rows.h"
#include "parse/message.h"
#include "store/store.h"

#define OUTBOX_HEADER_MAX	65536	/* bytes searched for headers */

/* The unfolded value of header `name` in the header block h[0..len). */
static char *
outbox_header(const char *h, size_t len, const char *name)
{
	struct buf b;
	size_t n = strlen(name), i = 0;

	buf_init(&b, OUTBOX_HEADER_MAX);
	while (i < len) {
		size_t eol = i;

		while (eol < len && h[eol] != '\n')
			eol++;
		if (eol - i > n && strncasecmp(h + i, name, n) == 0 &&
		    h[i + n] == ':') {
			size_t j = i + n + 1;

			/* The value and its continuation lines. */
			for (;;) {
				while (j < eol && (h[j] == ' ' || h[j] == '\t'))
					j++;
				if (b.len && j < eol)
					buf_addc(&b, ' ');
				buf_add(&b, h + j, eol - j -
				    (eol > j && h[eol - 1] == '\r'));
				if (eol + 1 >= len || (h[eol + 1] != ' ' &&
				    h[eol + 1] != '\t'))
					break;
				j = eol + 1;
				eol = j;
				while (eol < len && h[eol] != '\n')
					eol++;
			}
			break;
		}
		i = eol + 1;
	}
	return buf_steal(&b);
}

static char *
outbox_dup_col(struct store_stmt *s, int idx)
{
	const char *t = store_col_text(s, idx);

	return t ? xstrdup(t) : NULL;
}

void
outbox_list_free(struct outbox_entry *e, size_t n)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(e[i].status);
		free(e[i].template);
		free(e[i].message_id);
		free(e[i].recipients);
		for (size_t j = 0; j < e[i].nrcpt; j++)
			free(e[i].rcpts[j]);
		free(e[i].rcpts);
		free(e[i].to);
		free(e[i].subject);
		free(e[i].last_error);
	}
	free(e);
}

int
outbox_list(struct store *st, const char *status, struct outbox_entry **out,
    size_t *n, char *err, size_t errlen)
{
	struct store_stmt *s;
	struct outbox_entry *e = NULL;
	size_t cap = 0, cnt = 0;
	int r;

	*out = NULL;
	*n = 0;
	/* Only the header block of each message is read. */
	if ((s = store_query(st, "SELECT id, status, attempts, "
	    "next_attempt_at, coalesce(hold_until, 0), created_at, "
	    "coalesce(sent_at, 0), coalesce(case_id, 0), template, "
	    "message_id, recipients, last_error, substr(message, 1, CASE "
	    "instr(message, X'0D0A0D0A') WHEN 0 THEN 65536 ELSE "
	    "instr(message, X'0D0A0D0A') + 1 END) FROM outbox WHERE ?1 IS "
	    "NULL OR status = ?1 ORDER BY id DESC",
	    STORE_ARGS(STORE_TEXT(status)), err, errlen)) == NULL)
		return -1;
	while ((r = store_step(s)) == STORE_ROW) {
		struct outbox_entry *x;
		const char *h;
		size_t hlen;
		char *raw;

		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			e = xrealloc(e, cap * sizeof(*e));
		}
		x = &e[cnt++];
		memset(x, 0, sizeof(*x));
		x->id = store_col_int64(s, 0);
		x->status = outbox_dup_col(s, 1);
		x->attempts = store_col_int64(s, 2);
		x->next_attempt_at = store_col_int64(s, 3);
		x->hold_until = store_col_int64(s, 4);
		x->created_at = store_col_int64(s, 5);
		x->sent_at = store_col_int64(s, 6);
		x->case_id = store_col_int64(s, 7);
		x->template = outbox_dup_col(s, 8);
		x->message_id = outbox_dup_col(s, 9);
		x->recipients = outbox_dup_col(s, 10);
		x->last_error = outbox_dup_col(s, 11);
		h = store_col_blob(s, 12, &hlen);
		/* Names in To: are RFC 2047 words as sent: shown decoded. */
		raw = outbox_header(h ? h : "", h ? hlen : 0, "To");
		x->to = message_decode_header(raw);
		free(raw);
		raw = outbox_header(h ? h : "", h ? hlen : 0, "Subject");
		x->subject = message_decode_header(raw);
		free(raw);
	}
	if (r == -1)
		snprintf(err, errlen, "outbox: list: %s", store_errmsg(st));
	store_finalize(s);
	for (size_t i = 0; i < cnt && r != -1; i++)
		if (outbox_rcpts_get(st, e[i].recipients, &e[i].rcpts,
		    &e[i].nrcpt, "list", err, errlen) != 0)
			r = -1;
	if (r == -1) {
		outbox_list_free(e, cnt);
		return -1;
	}
	*out = e;
	*n = cnt;
	return 0;
}
