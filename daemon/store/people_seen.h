/*
 * people_seen.h — what the last sync of the people file saw: the
 * fingerprint of its bytes and of each of its lines, kept in an events
 * row of kind 'people_file' (case_id NULL).
 *
 * The database is the pool's truth and the file an import format, so a
 * sync applies only what the administrator changed in the file: not the
 * same bytes again (after a restart, or for each `person list`), and not
 * the lines left as they were, whose people may have been changed since
 * by `person edit` or by mail.  people_import.c asks here which lines are
 * new or changed.
 */
#ifndef CDP_PEOPLE_SEEN_H
#define CDP_PEOPLE_SEEN_H

#include <stddef.h>

struct store;
struct people_entry;
struct people_list;

struct people_seen {
	char	*sha256;	/* of the file's bytes; NULL: never synced */
	char	*lines;		/* JSON object, address -> fingerprint of
				 * its line; NULL before lines were kept */
};

/* The last sync's record into *out (people_seen_free()).  0 or -1. */
int people_seen_load(struct store *st, struct people_seen *out, char *err,
    size_t errlen);
void people_seen_free(struct people_seen *s);

/* 1 when entry `e` says what its line said at the last sync, 0 when it
 * is new or changed, -1 on error. */
int people_seen_same(struct store *st, const struct people_seen *s,
    const struct people_entry *e, char *err, size_t errlen);

/* Records what this sync saw: `sha256` of the bytes and each entry of
 * `l` (borrowed).  0 or -1. */
int people_seen_record(struct store *st, const char *sha256,
    const struct people_list *l, long long now, char *err, size_t errlen);

#endif
