/*
 * people_export.h — the pool, from the database, as a people file
 * (config/people_file.h): what `coupdepouce person export` writes.
 *
 * The database is the pool's truth and the people file its exchange
 * format: an export edited in a spreadsheet and imported again
 * (`person import`) changes only what was edited.  The export of an
 * import reads back to the same rows, and exporting what an export
 * imported gives the same bytes.
 */
#ifndef CDP_PEOPLE_EXPORT_H
#define CDP_PEOPLE_EXPORT_H

#include <stddef.h>

struct buf;
struct store;

/* The header line every export starts with. */
#define PEOPLE_EXPORT_HEADER \
	"email,name,roles,themes,communes,max_open_cases,active"

/*
 * Appends to `out` the header and one CSV line per person with a pool
 * role (referent, volunteer, coordinator; not forgotten), by address:
 * their pool roles in the order of their names, themes and communes as
 * stored, ';'-separated, max_open_cases empty for the default, active
 * 1 or 0.  Fields are quoted as config/csv.h reads them; lines end in
 * LF.  Availability is not part of the format.  0, or -1 with err.
 */
int people_export(struct store *st, struct buf *out, char *err,
    size_t errlen);

#endif
