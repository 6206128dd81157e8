/*
 * testimony_db.h — holders who share their experience (table
 * testimonies, DESIGN.md §1 step 4, §3).
 *
 * Some months after a case is closed its holder is asked whether they
 * would talk about their initiative to new holders (timers/testimony.c);
 * they may also answer the closing mail itself (casework/witness.c).  One
 * row per closed case: when the holder was asked, what they answered, and
 * the case's themes and commune as they were when they answered, which
 * is what makes them a witness for new cases on the same themes.  The
 * latest answer of a person is their current will: a NON given later
 * withdraws an earlier OUI.  Every function works in the caller's
 * transaction.
 */
#ifndef CDP_TESTIMONY_DB_H
#define CDP_TESTIMONY_DB_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* The holder of case_id was asked now: asked_at set (row created with
 * the case's themes and commune when there is none).  0 or -1. */
int testimony_asked(struct store *st, int64_t case_id, int64_t person_id,
    long long now, char *err, size_t errlen);

/* The holder answered: answer 'yes' (yes != 0) or 'no', answered_at, and
 * the case's themes and commune copied into the row.  0 or -1. */
int testimony_answer(struct store *st, int64_t case_id, int64_t person_id,
    int yes, long long now, char *err, size_t errlen);

/* 1 if the person, on any case, answered (OUI or NON) or was asked
 * already: they are not asked again; 0 if not, -1 on error. */
int testimony_asked_before(struct store *st, int64_t person_id, char *err,
    size_t errlen);

struct testimony_witness {
	int64_t	 person_id;
	char	*name;		/* owned; "" when unknown */
	char	*email;		/* owned */
	char	*commune;	/* owned; NULL when the case had none */
	char	*themes;	/* owned: the case's themes, ", "-separated */
};

/*
 * Witnesses for a new case about themes_json (a JSON array) in `commune`
 * (NULL: unknown): people whose latest answer is OUI, on a case sharing
 * at least one theme, active, not forgotten, their address not failing,
 * other than `except` (the new case's own sender; 0: none).  The same
 * commune first, then the most recent answer; one entry per person, at
 * most `max`.  *out owned by the caller (testimony_witnesses_free()),
 * NULL when none.  0 or -1.
 */
int testimony_witnesses(struct store *st, const char *themes_json,
    const char *commune, int64_t except, size_t max,
    struct testimony_witness **out, size_t *n, char *err, size_t errlen);
void testimony_witnesses_free(struct testimony_witness *v, size_t n);

#endif
