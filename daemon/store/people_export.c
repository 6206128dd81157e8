/*
 * people_export.c — the pool as a people file; see people_export.h.
 *
 * The lists are joined in SQL from the JSON the database keeps, in their
 * stored order, so that importing an export stores the same JSON again
 * and a second export is byte for byte the first.
 */
#include <stdio.h>

#include "base/buf.h"
#include "config/csv.h"
#include "store/people_export.h"
#include "store/store.h"

#define PEOPLE_EXPORT_COLUMNS	7

int
people_export(struct store *st, struct buf *out, char *err, size_t errlen)
{
	struct store_stmt *s;
	int step;

	s = store_query(st, "SELECT p.email, p.name, (SELECT group_concat("
	    "role, ';') FROM (SELECT role FROM person_roles WHERE person_id = "
	    "p.id AND role <> 'holder' ORDER BY role)), (SELECT "
	    "group_concat(value, ';') FROM json_each(p.themes)), (SELECT "
	    "group_concat(value, ';') FROM json_each(p.communes)), "
	    "p.max_open_cases, p.active FROM persons p WHERE p.forgotten_at IS "
	    "NULL AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id "
	    "= p.id AND r.role <> 'holder') ORDER BY p.email", NULL, 0, err,
	    errlen);
	if (s == NULL)
		return -1;
	buf_adds(out, PEOPLE_EXPORT_HEADER "\n");
	while ((step = store_step(s)) == STORE_ROW) {
		for (int i = 0; i < PEOPLE_EXPORT_COLUMNS; i++) {
			const char *v = store_col_text(s, i);

			if (i)
				buf_addc(out, ',');
			csv_write_field(out, v ? v : "", ',');
		}
		buf_addc(out, '\n');
	}
	if (step < 0)
		snprintf(err, errlen, "exporting people: %s", store_errmsg(st));
	store_finalize(s);
	return step < 0 ? -1 : 0;
}
