/*
 * digest_data.h — what the digest says, read from the database into a
 * plain struct (private to timers/digest*).
 *
 * digest_data.c reads the sections about cases and mail (what needs a
 * human, the coming days, what is late, what changed), digest_pool.c
 * the pool of volunteers and the statistics; digest_render.c turns the
 * struct into template values.  Keeping the queries apart from the
 * template values lets each be read, and tested, on its own.
 *
 * Every section is a list of lines of one shape (struct digest_line);
 * which fields a section fills is said beside it in struct digest.  All
 * strings are owned by the struct (digest_free()).
 */
#ifndef CDP_DIGEST_DATA_H
#define CDP_DIGEST_DATA_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_arg;
struct tpl_data;
struct theme_labels;

#define DIGEST_AGENDA_DAYS	14	/* "the coming days" */
#define DIGEST_TREND_MONTHS	12
#define DIGEST_FIRST_DAYS	7	/* the first digest looks back so far */
/* Witnesses listed, the latest first; the others are counted: ten years
 * of OUIs would otherwise fill the mail past what is read, and past the
 * templates' output limit. */
#define DIGEST_WITNESSES_MAX	20
/* Lines listed per section (cases waiting, mails failed, cases ended…);
 * the heading counts them all and the others are only counted: a storm
 * or a year without a digest must still give a mail one can read. */
#define DIGEST_LINES_MAX	50

/* One line.  ref, subject and referent describe a case ("" for a line
 * about no case); the rest is per section. */
struct digest_line {
	char		*ref;
	char		*subject;
	char		*referent;	/* name, else address; "" none */
	char		*a, *b, *c;	/* texts; NULL: none */
	long long	 at;		/* a time; 0: none */
	long long	 n1, n2, n3;
	char		*flag1, *flag2;	/* names of booleans true for the
					 * line (e.g. "is_checkin"); NULL */
};

struct digest_list {
	struct digest_line *v;
	size_t		 n, cap;
};

struct digest_month {
	int		 year, month;	/* month 1-12, local */
	long long	 opened, ended;
};

struct digest {
	long long	 now;
	long long	 since;		/* the previous digest ran then */
	int		 first;		/* no previous digest: since is
					 * DIGEST_FIRST_DAYS ago */
	int64_t		 referent_id;	/* 0: the coordinators' digest */
	int		 max_auto_per_day;

	/* 1. What needs a human now. */
	struct digest_list unassigned;	/* open cases no referent took:
					 * at created, n1 days since */
	struct digest_list decision_late; /* at assigned (state since),
					 * n1 days since */
	struct digest_list group_incomplete; /* forming, nobody accepted:
					 * at forming since, n1 invited,
					 * n2 declined, n3 expired */
	struct digest_list untrusted;	/* commands refused since: a sender
					 * name, b address, at when */
	struct digest_list bounced;	/* addresses that bounced since: a
					 * name, b address, c DSN status, at
					 * failing since */
	struct digest_list quarantined;	/* mails quarantined since, not
					 * handled: n1 id, a reason, b
					 * Message-ID, at when */
	struct digest_list outbox_failed; /* mails given up since: n1 id,
					 * a recipients, b last error, c
					 * template, at last attempt */
	struct digest_list capped;	/* addresses that reached the daily
					 * cap since: a address, b day
					 * DD/MM/YYYY, n1 mails that day */
	long long	 bounced_older;	/* still failing, reported before */
	long long	 quarantined_older;
	long long	 failed_older;

	/* 2. The coming DIGEST_AGENDA_DAYS days: meetings, milestones and
	 * check-ins (a label or place, at when, flag1 is_meeting /
	 * is_milestone / is_checkin, flag2 has_time). */
	struct digest_list agenda;

	/* 3. Late: milestones past their day (as agenda, n1 days late) and
	 * cases without activity (at last activity, n1 days since). */
	struct digest_list overdue;
	struct digest_list inactive;

	/* 4. Since the last digest: new cases (at created, flag1 kind_*,
	 * flag2 state_*) and ended ones (at ended, flag1 state_*). */
	struct digest_list opened;
	struct digest_list ended;

	/* 5. The pool (coordinators only).  By theme and by commune: a
	 * theme or commune (NULL: none given), b volunteer, n1 their load
	 * (open cases they are in), flag1 unavailable (now; at until then,
	 * 0: until further notice), sorted by a.  joined: who joined the
	 * pool through an invitation or signed the charter since: ref the
	 * case whose invitation brought them ("" for none), a name, b
	 * address, at when, flag1 is_newcomer, flag2 charter_signed.
	 * witnesses: a name, b themes comma-separated, c commune, at
	 * answered, flag1 is_new. */
	struct digest_list pool_theme;
	struct digest_list pool_commune;
	struct digest_list joined;
	struct digest_list witnesses;
	long long	 witnesses_new;
	long long	 witnesses_total;	/* listed or not */

	/* 6. Counts (coordinators only): all cases by state (a state,
	 * flag1 state_*, n1), open cases by theme and commune (a, n1; a
	 * NULL: none found), and new / ended cases per month, oldest
	 * first. */
	struct digest_list by_state;
	struct digest_list by_theme;
	struct digest_list by_commune;
	struct digest_month trend[DIGEST_TREND_MONTHS];
};

/*
 * Reads sections 1 to 4 of the digest at `now` for the coordinators
 * (referent_id 0) or for one referent's own cases, about what happened
 * since `since`.  *d is filled (digest_free() it, even on error).  0 or
 * -1 (err).
 */
int digest_load(struct store *st, long long now, long long since,
    int64_t referent_id, int max_auto_per_day, struct digest *d, char *err,
    size_t errlen);

/* digest_pool.c: sections 5 and 6 of *d, after digest_load() (the
 * coordinators' digest only).  0 or -1. */
int digest_load_pool(struct store *st, struct digest *d, char *err,
    size_t errlen);

/* Appends the rows of `sql` to l.  Its columns, in order: ref, subject,
 * referent, a, b, c, at, n1, n2, n3, flag1, flag2 (NULL allowed).  0 or
 * -1 (err names `what`). */
int digest_rows(struct store *st, struct digest_list *l, const char *what,
    const char *sql, const struct store_arg *args, size_t nargs, char *err,
    size_t errlen);

/* 1 when nothing calls for the digest to be sent: no line in sections
 * 1 to 4, nobody new in the pool, no charter signed and no new witness.
 * The pool and the counts alone are not news. */
int digest_is_empty(const struct digest *d);

void digest_free(struct digest *d);

/* digest_render.c: the values of templates digest.txt and digest.html
 * for *d, set into t (the recipient's name is the caller's); themes
 * named by their labels (NULL: by their identifiers). */
void digest_render(const struct digest *d, const struct theme_labels *labels,
    struct tpl_data *t);

#endif
