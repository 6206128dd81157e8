/*
 * route.h — who takes a new case (DESIGN.md §1, §2).
 *
 * A request or a report goes to the best referent: active, under their
 * max_open_cases, serving the case's commune, then knowing its themes,
 * then with the fewest open cases, then the one whose last assignment is
 * the oldest (never assigned first).  route_pick() is the pure ranking;
 * route_referent() loads the referents from the database and applies it.
 * Volunteers whose skills match the themes are listed in the assignment
 * mail with their load, to help the referent form the group.
 */
#ifndef CDP_ROUTE_H
#define CDP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

struct store;

struct route_candidate {
	int64_t		  person_id;
	char *const	 *communes;	/* names as in communes.txt */
	size_t		  ncommunes;
	char *const	 *themes;	/* rule identifiers */
	size_t		  nthemes;
	int		  open_cases;
	int		  max_open_cases;	/* > 0 */
	long long	  last_assigned_at;	/* 0: never */
	int		  active;
};

/*
 * Index of the best candidate for a case in `commune` (NULL: unknown)
 * about `themes`, or -1 when none is active and under their limit.
 * Communes compare case-insensitively; ties after every criterion go to
 * the lowest person id, so the choice is reproducible.
 */
long route_pick(const struct route_candidate *c, size_t n,
    const char *commune, char *const *themes, size_t nthemes);

/*
 * The referent for a new case: 1 and *person_id, 0 when nobody is
 * available (the coordinators take it), -1 on a database error.
 * default_max applies to referents without max_open_cases.  A referent
 * unavailable at `now` (persons.unavailable, until unavailable_until or
 * for good when NULL) is skipped.
 */
int route_referent(struct store *st, const char *commune,
    const char *themes_json, int default_max, long long now,
    int64_t *person_id, char *err, size_t errlen);

struct route_volunteer {
	int64_t	 person_id;
	char	*name;		/* owned */
	char	*email;		/* owned */
	char	*skills;	/* owned: their themes, ", "-separated */
	int	 load;		/* open cases they take part in */
};

/*
 * Active volunteers (charter signed or not: an invitation carries it),
 * available at `now`, who share at least one theme
 * with themes_json, most shared themes first, then the least loaded;
 * at most `max`.  *out is owned by the caller (route_volunteers_free).
 */
int route_volunteers(struct store *st, const char *themes_json, size_t max,
    long long now, struct route_volunteer **out, size_t *n, char *err,
    size_t errlen);
void route_volunteers_free(struct route_volunteer *v, size_t n);

#endif
