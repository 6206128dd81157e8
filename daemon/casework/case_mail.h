/*
 * case_mail.h — mail about a case, and the people it goes to.
 *
 * Every module that writes to the people of a case comes here: intake,
 * follow-up and the bounce notice (dispatch.c), the command effects
 * through cmd_context.h, and the timers.  Mail is queued with mailer.h in
 * the caller's transaction; each mail carries the case's tag and a token
 * that binds the case and its recipient (DESIGN.md §4).  Nothing here
 * calls back into the modules that use it.
 */
#ifndef CDP_CASE_MAIL_H
#define CDP_CASE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "casework/casework.h"

struct compose_attachment;
struct message;
struct tpl_data;

/* Name and address of a person into *out (out->id = id).  0 or -1. */
int casemail_person(struct casework *cw, int64_t id, struct cw_person *out,
    char *err, size_t errlen);

/* Appends *p to the growing array *v (*n used, *cap allocated) unless a
 * person with the same id is there already.  *v owned by the caller
 * (free()). */
void casemail_add_person(struct cw_person **v, size_t *n, size_t *cap,
    const struct cw_person *p);

/*
 * The network's coordinators: [network] coordinators plus the active
 * people with the coordinator role, each a person (created when needed,
 * so mail to them carries a token that binds them).  *out owned by the
 * caller (free()).  0 or -1.
 */
int casemail_coordinators(struct casework *cw, struct cw_person **out,
    size_t *n, char *err, size_t errlen);

/* Who gets a group mail. */
enum {
	GROUP_HOLDER	= 1 << 0,	/* holder (or reporter) */
	GROUP_REFERENT	= 1 << 1,
	GROUP_VOLUNTEERS = 1 << 2,	/* accepted volunteers */
	GROUP_CONTACT	= 1 << 3	/* the privileged contact only */
};

/* The people of case case_id matching `which` (no duplicates, holder
 * first, then referent, privileged contact, volunteers).  *out owned by
 * the caller (free()).  0 or -1. */
int casemail_group(struct casework *cw, int64_t case_id, int which,
    struct cw_person **out, size_t *n, char *err, size_t errlen);

/*
 * Who hears about a case: its referent, or the coordinators when it has
 * none (referent_id 0).  *out owned by the caller (free()), NULL on
 * error.  0 or -1.
 */
int casemail_followers(struct casework *cw, int64_t referent_id,
    struct cw_person **out, size_t *n, char *err, size_t errlen);

/*
 * Queues template `tpl` with data `d` to each of to[0..nto), setting the
 * variable `name_var` to each recipient's name; the mail carries the
 * case's tag and a token binding the case and the recipient.  These
 * mails are not answers: the daily cap does not apply.  0 or -1.
 */
int casemail_send(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, size_t nto, char *err, size_t errlen);

/*
 * The same to one recipient, giving the outbox row of the mail in
 * *outbox_id, so that the caller can record what it was about: a reply
 * names that row (thread/match.h).  0 when queued, 1 when the recipient
 * is over the daily cap (nothing queued; logged), -1 on error.
 */
int casemail_send_one(struct casework *cw, const char *tpl,
    struct tpl_data *d, const char *name_var, const char *ref,
    int64_t case_id, const struct cw_person *to, int64_t *outbox_id,
    char *err, size_t errlen);

/* What some mails carry besides their text (all borrowed). */
struct casemail_extra {
	const struct compose_attachment *attachments;	/* compose.h */
	size_t		 nattachments;
	const char	*calendar;		/* ical.h object, or NULL */
	const char	*calendar_method;	/* "REQUEST", "CANCEL" */
};

/* The same, with attachments or a calendar object (extra may be NULL). */
int casemail_send_extra(struct casework *cw, const char *tpl,
    struct tpl_data *d, const char *name_var, const char *ref,
    int64_t case_id, const struct cw_person *to, size_t nto,
    const struct casemail_extra *extra, char *err, size_t errlen);

/*
 * Answers mail m (borrowed) from `to` with template tpl and data d: at
 * once, Auto-Submitted: auto-replied (RFC 3834), in m's thread
 * (In-Reply-To and References), tagged with ref and bound to case_id.
 * The caller sets the template's variables.  Only these answers count
 * against max_auto_per_day (mailer_counted).  0 when queued, 1 when the
 * recipient is over the daily cap (nothing queued; logged and recorded
 * on the case's timeline as a 'mail_capped' event with the template,
 * address and local day), -1 on error (err).
 */
int casemail_reply(struct casework *cw, const struct message *m,
    const char *tpl, struct tpl_data *d, const char *ref, int64_t case_id,
    const struct cw_person *to, char *err, size_t errlen);

/* "DD/MM/YYYY" and "HH:MM" of `now` in the network's time zone into a
 * template's received_date and received_time. */
void casemail_set_received(const struct casework *cw, struct tpl_data *d);

/* The attachments of m as compose.h attachments (borrowed data; the array
 * is owned by the caller, free()); *n may be 0 (then NULL).  Inline
 * pictures (signature logos) are left out. */
struct compose_attachment *casemail_attachments(const struct message *m,
    size_t *n);

/* Lists the names of m's attachments into the "attachments" list of d. */
void casemail_list_attachments(const struct message *m, struct tpl_data *d);

/* The new text of the mail that opened the case ("" when there is
 * none, or on error): what a referent who takes the case over reads
 * first.  max > 0 cuts a longer text after about max bytes, at the end
 * of a word, and marks the cut with "[…]"; 0 keeps it whole.  New
 * string, owned by the caller. */
char *casemail_first_text(struct casework *cw, int64_t case_id, size_t max);

/* "Ambert, Marsac" from a JSON array of strings, as they are (new
 * string, never NULL; "" on a database error). */
char *casemail_list_text(struct casework *cw, const char *json);

/* "Énergie, Habitat" from a JSON array of themes: their labels
 * (theme_labels.h; new string, never NULL). */
char *casemail_themes_text(struct casework *cw, const char *themes_json);

/* The themes of a JSON array as the list `list` of d, one item per
 * theme: theme_id, its label theme_label and first.  A database error
 * leaves the list empty. */
void casemail_set_themes(struct casework *cw, struct tpl_data *d,
    const char *list, const char *themes_json);

#endif
