/*
 * person_db.h — the people the network knows (tables persons, person_roles).
 *
 * One row per address, addresses normalized to lower case.  The database
 * is the one truth about the pool: network roles ('referent',
 * 'volunteer', 'coordinator', 'holder') are given by the people file
 * ([paths] people, an import format brought in by
 * store/people_import.h), by the command line (`person add|edit|import`)
 * or by mail (a volunteer accepted), and are taken away only by a
 * decision (person_change.h), never because the file stopped listing
 * them.  A role's source ('file' or 'db') is kept to show where it came
 * from, nothing more.  Every function works inside the caller's
 * transaction (or in autocommit when there is none).
 */
#ifndef CDP_PERSON_DB_H
#define CDP_PERSON_DB_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define PERSON_EMAIL_MAX	255	/* 254 + NUL */

/* Where a role came from, shown by `person list`; never a reason to
 * remove it. */
enum person_source {
	PERSON_SRC_DB,		/* given by mail or the command line */
	PERSON_SRC_FILE		/* given by the people file */
};

/*
 * addr_normalize() (base/addr.h), under the name the persons' callers
 * know: 0 with the lower-case address in out (PERSON_EMAIL_MAX bytes are
 * always enough), or -1 (out is then "") when it is not an address or is
 * in the reserved ".invalid" domain.
 */
int person_normalize_email(const char *in, char *out, size_t outlen);

/* 1 and *id when `email` (normalized or not) is known, 0 if not (also
 * when it is not an address at all, and for forgotten persons), -1 on a
 * database error (err). */
int person_find(struct store *st, const char *email, int64_t *id,
    char *err, size_t errlen);

/*
 * The person with this address, created when unknown (name may be NULL or
 * ""; it is stored as one clean line, charset_clean_line(), and a name
 * that is an address is taken as none; an existing
 * empty name is filled in, a non-empty one kept).  A
 * forgotten person's address is never matched (it was blanked).  Returns
 * 0 and *id, or -1 (bad address, database error) with err.
 */
int person_ensure(struct store *st, const char *email, const char *name,
    long long now, int64_t *id, char *err, size_t errlen);

/*
 * The sender of a mail: person_ensure(), then what person_get() and
 * person_mark_working() would do, from the one read of the row that
 * finds them (a mail runs these for every new request): the name now
 * stored and the address into the buffers (a value that does not fit is
 * -1, never cut), the address no longer failing.  0 or -1.
 */
int person_ensure_sender(struct store *st, const char *email,
    const char *name, long long now, int64_t *id, char *name_out,
    size_t namelen, char *email_out, size_t emaillen, char *err,
    size_t errlen);

/* 1 if the person has network role `role`, 0 if not, -1 on error. */
int person_has_role(struct store *st, int64_t id, const char *role,
    char *err, size_t errlen);

/* Gives a network role ('holder', 'referent', 'volunteer' or
 * 'coordinator'; anything else is -1).  A role already there keeps its
 * `since`; with PERSON_SRC_FILE it is marked a file role (the file gives
 * it too), with PERSON_SRC_DB its mark is left as it is.
 * store_changes() is 1 right after when the role was added or changed
 * source, 0 when nothing changed.  0 or -1. */
int person_add_role(struct store *st, int64_t id, const char *role,
    enum person_source src, long long now, char *err, size_t errlen);

/*
 * Records a bounce (RFC 3464) for `email`: failing_since (kept if already
 * set), last_bounce_at, last_bounce_status (e.g. "5.1.1", may be NULL).
 * Sets *id to the person (0 when the address is unknown: nothing done).
 * 0 or -1.
 */
int person_mark_bounce(struct store *st, const char *email,
    const char *status, long long now, int64_t *id, char *err,
    size_t errlen);

/* A mail came from this person: their address works (failing_since
 * cleared).  0 or -1. */
int person_mark_working(struct store *st, int64_t id, long long now,
    char *err, size_t errlen);

/* The person's display name and address into the buffers ("" if
 * unknown id).  0, or -1 on a database error or when either does not fit
 * its buffer (never a cut address). */
int person_get(struct store *st, int64_t id, char *name, size_t namelen,
    char *email, size_t emaillen, char *err, size_t errlen);

/* Who changed a person (the "by" of a person event). */
enum person_actor {
	PERSON_BY_ADMIN,	/* the command line */
	PERSON_BY_MAIL,		/* a coordinator's mail command */
	PERSON_BY_SELF,		/* the person themself, by mail */
	PERSON_BY_FILE,		/* the people file ([paths] people) */
	PERSON_BY_DAEMON	/* the daemon on its own (retention, expiry) */
};

/* "admin", "mail", "self", "file", "daemon". */
const char *person_actor_name(enum person_actor by);

/*
 * A network-wide event about a person (events row with no case): kind
 * e.g. 'person_added', 'person_updated', 'role_added', 'role_removed',
 * 'person_deactivated', 'availability', 'charter_signed', 'forgotten'.
 * details is {"person_id": "<id>", "by": "<actor>", kv...} (kv: nkv
 * strings, key then value); actor_id is the person who gave the command
 * (0: admin or daemon), msg_id the mail that caused it (0: none).
 * Personal data belongs in the person's row, not in kv: an erasure
 * (forget) blanks the person, not every event naming them.  0 or -1.
 */
int person_event(struct store *st, int64_t person_id, enum person_actor by,
    int64_t actor_id, const char *kind, int64_t msg_id,
    const char *const *kv, size_t nkv, long long now, char *err,
    size_t errlen);

/* The references of the open cases the person is referent of, joined by
 * ", " into *refs (a new string), or *refs NULL when there is none: what
 * must be handed over before the person stops being a referent.  0 or
 * -1. */
int person_open_referent_cases(struct store *st, int64_t id, char **refs,
    char *err, size_t errlen);

/*
 * Deactivates the person (persons.active = 0: routed and invited nothing
 * new; their roles and history stay), with a 'person_deactivated' event
 * (person_event()).  Refused while they are the referent of an open case:
 * returns 1 and *refs, a new string of those cases' references separated
 * by ", " (the cases to hand over with TRANSFERER or `case assign`
 * first).  Returns 0 when done or already inactive (*refs NULL), -1 on a
 * database error.
 */
int person_deactivate(struct store *st, int64_t id, enum person_actor by,
    int64_t actor_id, int64_t msg_id, long long now, char **refs,
    char *err, size_t errlen);

#endif
