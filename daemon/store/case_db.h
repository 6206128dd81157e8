/*
 * case_db.h — cases, their members and their timeline (tables cases,
 * case_members, events, case_seq).
 *
 * A case is created with the next reference of the current year in the
 * network's time zone (CDP-YYYY-NNNN, sequence per year, read and bumped
 * in the creating transaction).  Every function works in the caller's
 * transaction: a case change and the mails it causes commit together.
 */
#ifndef CDP_CASE_DB_H
#define CDP_CASE_DB_H

#include <stddef.h>
#include <stdint.h>


struct store;

/* Bits of cases.flags, shown in the digest. */
enum case_flag {
	CASE_FLAG_UNASSIGNED	= 1 << 0,	/* no referent was available */
	CASE_FLAG_DECISION_LATE	= 1 << 1,	/* referent silent too long */
	CASE_FLAG_INACTIVE	= 1 << 2,	/* no activity for too long */
	CASE_FLAG_BOUNCE	= 1 << 3,	/* mail to a member bounced */
	CASE_FLAG_UNTRUSTED	= 1 << 4	/* commands refused for trust */
};

/* SQL: the case whose state is the column `state` (e.g. "c.state") is
 * still open.  Written exactly as the WHERE of the index cases_open
 * (schema.sql) so that SQLite can use it, and with <> rather than NOT IN,
 * which builds a temporary table each time the query runs. */
#define CASE_SQL_OPEN(state)	state " <> 'ineligible' AND " state	\
	" <> 'closed' AND " state " <> 'withdrawn'"

/* A case reference, "CDP-2026-0042" + NUL; sequences over 9999 print
 * wider, hence the margin kept by the arrays below. */
#define CASE_REF_MAX	16

/* The canonical reference of a year and a sequence number. */
void case_ref_format(int year, int seq, char *ref, size_t reflen);

struct case_row {
	int64_t	 id;
	char	 ref[CASE_REF_MAX + 8];
	char	 kind[16];
	char	 state[16];
	int64_t	 holder_id;	/* 0: none */
	int64_t	 referent_id;	/* 0: none */
	int64_t	 contact_id;	/* 0: none */
	char	*themes;	/* JSON array, owned */
	char	*commune;	/* owned, NULL if none */
	char	*subject;	/* owned */
	int	 flags;
	long long created_at;
	long long last_activity_at;
};

struct case_new {
	const char	*kind;		/* request, report, volunteer, other */
	const char	*themes;	/* JSON array; NULL: [] */
	const char	*commune;	/* NULL: none */
	const char	*subject;
	int64_t		 holder_id;	/* 0: unknown (a report) */
};

/* Creates a case (state 'new') and its reference.  0 or -1. */
int case_create(struct store *st, const struct case_new *n, long long now,
    int64_t *id, char *ref, size_t reflen, char *err, size_t errlen);

/* 1 and *id when `ref` ("CDP-2026-0042") names a case, 0 if not, -1. */
int case_find_ref(struct store *st, const char *ref, int64_t *id,
    char *err, size_t errlen);

/* Loads a case; 1 found, 0 no such case, -1 error.  Free with
 * case_row_free(). */
int case_load(struct store *st, int64_t id, struct case_row *out,
    char *err, size_t errlen);
void case_row_free(struct case_row *c);

/* 1 if the state is one of the open ones (not ineligible, closed or
 * withdrawn). */
int case_state_open(const char *state);

/* Adds or updates a membership (role, status).  0 or -1. */
int case_add_member(struct store *st, int64_t case_id, int64_t person_id,
    const char *role, const char *status, long long now, char *err,
    size_t errlen);

/*
 * The role of a person in a case, into role (e.g. "holder", "referent";
 * "coordinator" for a network coordinator who is not a member): 1 when
 * they take part (any status but 'removed'), 0 when not, -1 on error.
 */
int case_participant(struct store *st, int64_t case_id, int64_t person_id,
    char *role, size_t rolelen, char *err, size_t errlen);

/*
 * Appends an event to the timeline.  kv holds nkv/2 key, value pairs
 * (strings) for its JSON details (NULL values become JSON null); keys
 * are ASCII identifiers.  actor_id and msg_id 0: none.  0 or -1.
 */
int case_event(struct store *st, int64_t case_id, int64_t actor_id,
    const char *kind, int64_t msg_id, const char *const *kv, size_t nkv,
    long long now, char *err, size_t errlen);

/* Marks activity on the case (resets its inactivity clock).  0 or -1. */
int case_touch(struct store *st, int64_t case_id, long long now, char *err,
    size_t errlen);

/* Sets bits in cases.flags.  0 or -1. */
int case_flag(struct store *st, int64_t case_id, int flags, char *err,
    size_t errlen);

/*
 * Gives the case to a referent: referent_id, a 'referent' membership
 * (the previous referent's becomes 'removed'), state 'analysis' when it
 * was 'new', and an 'assigned' event.  0 or -1.
 */
int case_assign(struct store *st, int64_t case_id, int64_t referent_id,
    int64_t actor_id, int64_t msg_id, long long now, char *err,
    size_t errlen);

/* Links a stored message to its case and sender, with how it was
 * matched ("token", "tag", "new", "none").  0 or -1. */
int case_link_message(struct store *st, int64_t msg_id, int64_t case_id,
    int64_t person_id, const char *matched_by, char *err, size_t errlen);

/* The oldest open case, other than `except`, where the person is holder
 * or reporter (the first mail about an initiative is the one its later
 * duplicates repeat): 1 and *case_id, 0 if none, -1. */
int case_open_for(struct store *st, int64_t person_id, int64_t except,
    int64_t *case_id, char *err, size_t errlen);

#endif
