/*
 * export_db.h — everything stored about one person, for their right of
 * access (RGPD art. 15) and to portability (art. 20): `coupdepouce export`.
 *
 * The document is built from the tables themselves, column by column, so
 * that a column added later comes out without anyone remembering to add
 * it here.  Raw mails are text when they are valid UTF-8 (almost all
 * mail is 7-bit or 8-bit UTF-8) and base64 otherwise, under the column's
 * name with "_base64" appended; times are ISO 8601 in the network's time
 * zone; JSON columns (themes, recipients, details...) are JSON.
 */
#ifndef CDP_EXPORT_DB_H
#define CDP_EXPORT_DB_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct json_out;
struct store;

/*
 * The export of person `id` whose address is `email` (normalized) as one
 * JSON object, owned by the caller (json_out_free): exported_at, address,
 * person (their row), roles, cases (each with their role and invitation
 * status in it), mails_from_them (stored mails they sent, raw included),
 * mails_to_them (outgoing mails addressed to them, raw included), events
 * (where they acted, that are about them or their mails, or that name
 * their address), jobs (timers about them), testimonies, quarantine
 * (mails not handled whose raw holds their address), rate (automatic
 * mails counted per day).  0, or -1 with err.
 */
int export_person(struct store *st, int64_t id, const char *email,
    long long now, struct json_out **doc, char *err, size_t errlen);

/* Appends to `out` the raw mails person `id` sent (stored, not purged),
 * oldest first, as an mbox (base/mbox.h), counting them in *n.  0 or -1. */
int export_mbox(struct store *st, int64_t id, const char *email,
    struct buf *out, size_t *n, char *err, size_t errlen);

#endif
