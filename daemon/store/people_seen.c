/*
 * people_seen.c — the fingerprints of the last people file synced; see
 * people_seen.h.
 *
 * A line's fingerprint is taken from the entry as read (the columns
 * given and their values once normalized), not from its text, so that
 * re-saving the file from a spreadsheet with other quoting or line ends
 * does not count as a change.  It is kept in the events table because
 * the record is the history of the imports, and the schema needs no
 * table of its own for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hash.h"
#include "base/json_out.h"
#include "base/mem.h"
#include "config/people_file.h"
#include "store/people_seen.h"
#include "store/store.h"

/* Hex digits kept of a line's SHA-256: enough to tell a changed line. */
#define PEOPLE_SEEN_PRINT	16

static void
people_seen_print(const struct people_entry *e,
    char out[PEOPLE_SEEN_PRINT + 1])
{
	char hex[HASH_SHA256_HEX];
	struct buf b;

	buf_init(&b, 0);
	/* \x1f: a separator no value may hold (control characters are
	 * refused by people_entry_set). */
	buf_printf(&b, "%u\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d", e->given,
	    e->name ? e->name : "", e->roles_json ? e->roles_json : "",
	    e->themes_json ? e->themes_json : "",
	    e->communes_json ? e->communes_json : "", e->max_open_cases,
	    e->active);
	hash_sha256_hex(buf_str(&b), b.len, hex);
	memcpy(out, hex, PEOPLE_SEEN_PRINT);
	out[PEOPLE_SEEN_PRINT] = '\0';
	buf_free(&b);
}

int
people_seen_load(struct store *st, struct people_seen *out, char *err,
    size_t errlen)
{
	struct store_stmt *s;
	int step;

	memset(out, 0, sizeof(*out));
	s = store_query(st, "SELECT json_extract(details, '$.sha256'), "
	    "json_extract(details, '$.lines') FROM events WHERE case_id IS "
	    "NULL AND kind = 'people_file' ORDER BY id DESC LIMIT 1", NULL, 0,
	    err, errlen);
	if (s == NULL)
		return -1;
	if ((step = store_step(s)) == STORE_ROW) {
		if (!store_col_is_null(s, 0))
			out->sha256 = xstrdup(store_col_text(s, 0));
		if (!store_col_is_null(s, 1))
			out->lines = xstrdup(store_col_text(s, 1));
	} else if (step < 0)
		snprintf(err, errlen, "reading the last people file: %s",
		    store_errmsg(st));
	store_finalize(s);
	return step < 0 ? -1 : 0;
}

void
people_seen_free(struct people_seen *s)
{
	if (s == NULL)
		return;
	free(s->sha256);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

int
people_seen_same(struct store *st, const struct people_seen *s,
    const struct people_entry *e, char *err, size_t errlen)
{
	char print[PEOPLE_SEEN_PRINT + 1];
	int64_t one;

	if (s->lines == NULL)
		return 0;
	people_seen_print(e, print);
	return store_get_int64(st, &one, "reading the last people file",
	    "SELECT 1 FROM json_each(?1) WHERE key = ?2 AND value = ?3",
	    STORE_ARGS(STORE_TEXT(s->lines), STORE_TEXT(e->email),
	    STORE_TEXT(print)), err, errlen);
}

int
people_seen_record(struct store *st, const char *sha256,
    const struct people_list *l, long long now, char *err, size_t errlen)
{
	struct json_out *lines = json_out_object();
	char print[PEOPLE_SEEN_PRINT + 1], count[24], *text;
	int rc;

	for (size_t i = 0; i < l->n; i++) {
		people_seen_print(&l->items[i], print);
		json_out_set_string(lines, l->items[i].email, print);
	}
	text = json_out_dump(lines, 0);
	snprintf(count, sizeof(count), "%zu", l->n);
	rc = store_run(st, "recording the people file", "INSERT INTO events "
	    "(case_id, at, actor_id, kind, msg_id, details) VALUES (NULL, ?1, "
	    "NULL, 'people_file', NULL, json_object('sha256', ?2, 'people', "
	    "?3, 'lines', json(?4)))", STORE_ARGS(STORE_INT(now),
	    STORE_TEXT(sha256), STORE_TEXT(count), STORE_TEXT(text)), err,
	    errlen);
	free(text);
	json_out_free(lines);
	return rc;
}
