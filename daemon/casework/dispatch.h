/*
 * dispatch.h — what the network does with a received mail once it is
 * stored (DESIGN.md §2–§4): thread it, then open a case, follow one up or
 * record an automatic mail.
 *
 * Runs inside the fetcher's transaction, in the message's savepoint: the
 * case change, the timeline events and every mail it causes (queued with
 * mailer.h) commit together with the message, or not at all.
 *
 *   new mail, not automatic   a case (intake.h): acknowledgement, routing,
 *                             assignment mail, possible-duplicate notice
 *   reply to a case           timeline, activity, forward to the referent
 *                             (followup.h)
 *   bounce                    failing address flagged, referent told
 *   auto-reply, list mail     recorded on its case if it has one; never
 *                             answered (RFC 3834)
 */
#ifndef CDP_DISPATCH_H
#define CDP_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "parse/autodetect.h"

struct bounce_info;
struct classify;
struct compose_attachment;
struct config;
struct mailer;
struct message;
struct store;
struct tpl_data;

/* What the case modules share for one mail (all borrowed). */
struct casework {
	const struct config	*cfg;
	struct mailer		*mailer;
	const struct classify	*classify;
	struct store		*st;
	long long		 now;
};

/* One stored mail. */
struct cw_mail {
	const struct message	*m;
	int64_t			 msg_id;	/* its messages row */
	enum msg_auto		 autokind;
	const struct bounce_info *bounce;	/* when autokind is bounce */
	const char		*new_text;	/* reply without quotes, or the
						 * whole text; never NULL */
};

/* Handles one stored mail.  0, or -1 with err (the caller rolls the
 * message back and quarantines it with that reason). */
int casework_handle(struct casework *cw, const struct cw_mail *mail,
    char *err, size_t errlen);

/* ---- Helpers shared by the case modules ------------------------------ */

struct cw_person {
	int64_t	 id;
	char	 name[256];
	char	 email[256];
};

/*
 * The network's coordinators: [network] coordinators plus the active
 * people with the coordinator role, each a person (created when needed,
 * so mail to them carries a token that binds them).  *out owned by the
 * caller (free()).  0 or -1.
 */
int casework_coordinators(struct casework *cw, struct cw_person **out,
    size_t *n, char *err, size_t errlen);

/*
 * Who hears about a case: its referent, or the coordinators when it has
 * none (referent_id 0).  *out owned by the caller (free()), NULL on
 * error.  0 or -1.
 */
int casework_followers(struct casework *cw, int64_t referent_id,
    struct cw_person **out, size_t *n, char *err, size_t errlen);

/*
 * Queues template `tpl` with data `d` to each of to[0..nto), setting the
 * variable `name_var` to each recipient's name; the mail carries the
 * case's tag and a token binding the case and the recipient.  A recipient
 * over the daily cap is skipped (logged).  0 or -1.
 */
int casework_send(struct casework *cw, const char *tpl, struct tpl_data *d,
    const char *name_var, const char *ref, int64_t case_id,
    const struct cw_person *to, size_t nto, char *err, size_t errlen);

/* What some mails carry besides their text (all borrowed). */
struct cw_extra {
	const struct compose_attachment *attachments;	/* compose.h */
	size_t		 nattachments;
	const char	*calendar;		/* ical.h object, or NULL */
	const char	*calendar_method;	/* "REQUEST", "CANCEL" */
};

/* The same, with attachments or a calendar object. */
int casework_send_extra(struct casework *cw, const char *tpl,
    struct tpl_data *d, const char *name_var, const char *ref,
    int64_t case_id, const struct cw_person *to, size_t nto,
    const struct cw_extra *extra, char *err, size_t errlen);

/* Name and address of a person.  0 or -1. */
int casework_person(struct casework *cw, int64_t id, struct cw_person *out,
    char *err, size_t errlen);

/* "DD/MM/YYYY" and "HH:MM" of `now` in the network's time zone into a
 * template's received_date and received_time. */
void casework_set_received(const struct casework *cw, struct tpl_data *d);

/* The attachments of m as compose.h attachments (borrowed data); *n may
 * be 0 (then NULL).  Inline pictures (signature logos) are left out. */
struct compose_attachment *casework_attachments(const struct message *m,
    size_t *n);

/* Lists the names of m's attachments into the "attachments" list of d. */
void casework_list_attachments(const struct message *m, struct tpl_data *d);

/* "energie, habitat" from a JSON array of themes (new string). */
char *casework_themes_text(struct casework *cw, const char *themes_json);

#endif
