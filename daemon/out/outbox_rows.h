/*
 * outbox_rows.h — what the files of the outbox share about its rows,
 * private to out/outbox*.c.
 *
 * The queue (outbox.c), the send loop (outbox_send.c) and the listing
 * (outbox_list.c) all read or write the `recipients` column, a JSON array
 * of addresses.  One pair of functions does it, with SQLite's JSON
 * functions, so the three files agree on the format and none of them
 * quotes JSON by hand.  Code outside the outbox uses outbox.h.
 */
#ifndef CDP_OUTBOX_ROWS_H
#define CDP_OUTBOX_ROWS_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Replaces row id's recipients by addrs[0..n-1] (borrowed).  Inside the
 * caller's transaction.  0, or -1 with "outbox: recipients: SQLite's
 * message" in err.
 */
int outbox_rcpts_set(struct store *st, int64_t id, char *const *addrs,
    size_t n, char *err, size_t errlen);

/*
 * The addresses of the JSON array `json` (borrowed; NULL is "[]"): *rcpts
 * (NULL on entry, *n 0) becomes a new array of *n new strings, both owned
 * by the caller, also when -1 is returned ("outbox: WHAT: SQLite's
 * message" in err).
 */
int outbox_rcpts_get(struct store *st, const char *json, char ***rcpts,
    size_t *n, const char *what, char *err, size_t errlen);

#endif
