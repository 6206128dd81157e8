/*
 * people_diff.h — what a people file (config/people_file.h) and the
 * database say differently about the pool.
 *
 * The database is the truth and the file an import format, so the two
 * drift: a volunteer accepted by mail, a referent changed with `person
 * edit`, a line the administrator deleted.  One comparison serves the
 * three places that show it: the sync's notice (people_import.c), the
 * warnings of `coupdepouce check`, and `person import FILE --prune`,
 * which deactivates the people it finds absent.
 */
#ifndef CDP_PEOPLE_DIFF_H
#define CDP_PEOPLE_DIFF_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct store;
struct people_list;

enum people_diff_kind {
	PEOPLE_DIFF_NEW,	/* a file entry the database does not know */
	PEOPLE_DIFF_FIELD,	/* name, themes, communes, max_open_cases or
				 * active differ (only columns the file has;
				 * an empty name is "keep", never a
				 * difference) */
	PEOPLE_DIFF_ROLE_FILE,	/* a role the file gives, the database not */
	PEOPLE_DIFF_ROLE_DB,	/* a pool role the database gives and the
				 * file's roles column does not */
	PEOPLE_DIFF_ABSENT	/* active in the database with a pool role
				 * (referent, volunteer, coordinator), not
				 * in the file */
};

struct people_diff {
	enum people_diff_kind	 kind;
	int64_t			 id;	/* the person; 0 for NEW */
	int			 line;	/* of the file; 0 for ABSENT */
	char			*email;
	char			*what;	/* the field or role; for ABSENT the
					 * roles, ", "-joined */
	char			*file;	/* FIELD: the file's value, lists
					 * ';'-joined; else NULL */
	char			*db;	/* FIELD: the database's value */
};

struct people_diffs {
	struct people_diff	*items;	/* owned; file order, then ABSENT
					 * by address */
	size_t			 n;
};

/*
 * Compares `l` (borrowed) with the persons tables and fills *out (owned
 * by the caller: people_diffs_free(), also on error).  Reads only.  0, or
 * -1 with err.
 */
int people_diff(struct store *st, const struct people_list *l,
    struct people_diffs *out, char *err, size_t errlen);

void people_diffs_free(struct people_diffs *d);

/*
 * One difference as a line for the administrator, appended to `b`:
 * "PATH:LINE: EMAIL: ..." (for ABSENT "PATH: EMAIL (ROLES): ..."), saying
 * which side has what and the command that settles it.
 */
void people_diff_text(const struct people_diff *d, const char *path,
    struct buf *b);

#endif
