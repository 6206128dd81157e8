/*
 * mailer.h — the one way the daemon writes a mail: template → message →
 * outbox, inside the caller's transaction.
 *
 * out/, the last stage of a mail's way through the daemon, owns
 * everything that turns a decision into mail on the wire: the texts
 * (templates), the bytes of a message (composition, iCalendar), the
 * mailer that ties them together, the durable outbox queue with its send
 * loop, and SMTP.  Callers upstream (casework/, cli/) queue mails only
 * through mailer_queue() and never build a message themselves; the
 * daemon's loop calls outbox_flush().  The copy of sent mail into the
 * Sent folder is not here: it talks IMAP, so it is fetch/'s.  libcurl is
 * included by smtp.c only and libical by ical.c only.
 *
 * Files, in reading order:
 *   mailer.h, mailer.c        this entry point: template → message → row
 *   template.h                the template language and its API
 *     template_vars.c         which templates exist, which variables each
 *                             gets, and the check of the files against it
 *     template_parse.c        template files read into trees
 *     template_render.c       the values and the rendering
 *     template_tree.h         the tree they share (private)
 *   compose.h, compose.c      the RFC 5322 / MIME message, headers safe
 *                             against anything that came from outside
 *     compose_mime.c          the bodies of more than one text part
 *   ical.h, ical.c            iCalendar invitations and replies (iMIP)
 *   outbox.h                  the queue's API, row life cycle and policy
 *     outbox.c                queueing in the caller's transaction,
 *                             working hours, daily cap, recovery, retry
 *     outbox_send.c           the send loop: claim, SMTP, record; the
 *                             per-minute budget, backoff and pauses
 *     outbox_list.c           the rows as `coupdepouce outbox list` shows
 *                             them (To and decoded Subject)
 *     outbox_rows.h           the recipients column, shared (private)
 *   smtp.h, smtp.c            submission with libcurl, one transaction
 *                             per recipient, temporary vs permanent
 *
 * mailer_queue() renders a French template from templates/fr/ (and its
 * HTML alternative, when the template has one), takes the outbox row's
 * id (the daily cap per address applies to answers only), makes the
 * signed Message-ID token that binds the mail to its case and recipient
 * (DESIGN.md §4), composes the MIME message (subject tag, RFC 3834
 * headers, Reply-To the contact address) and writes the row, once.
 * Everything happens in the caller's transaction, so a mail exists exactly
 * when the state change that caused it was committed.
 */
#ifndef CDP_MAILER_H
#define CDP_MAILER_H

#include <stddef.h>
#include <stdint.h>

struct compose_addr;
struct compose_attachment;
struct config;
struct store;
struct theme_labels;
struct tpl_data;
struct mailer;

/* Loads the templates (all checked), the themes' labels ([paths] rules
 * themes.labels, theme_labels.h) and the HMAC key (created on first use
 * when secret_file is missing and may be written). */
int mailer_open(const struct config *cfg, struct mailer **out, char *err,
    size_t errlen);
void mailer_close(struct mailer *m);

/* The HMAC key, borrowed: match.c verifies tokens with it. */
const unsigned char *mailer_key(const struct mailer *m, size_t *keylen);

/* The themes' French labels, borrowed (m may be NULL: then NULL, and
 * theme_label() shows identifiers). */
const struct theme_labels *mailer_theme_labels(const struct mailer *m);

struct mailer_mail {
	const char	*template;	/* e.g. "ack" */
	struct tpl_data	*data;		/* borrowed; network_name and contact
					 * are added */
	const char	*case_ref;	/* CDP-YYYY-NNNN for the subject tag;
					 * NULL: none */
	int64_t		 case_id;	/* 0: none */
	int64_t		 person_id;	/* the recipient; 0: none */
	const char	*to_name;
	const char	*to_addr;	/* required */
	const char	*in_reply_to;	/* the mail this one answers, or NULL */
	const char *const *references;
	size_t		 nreferences;
	int		 urgent;	/* not held to working hours (acks) */
	int		 auto_replied;	/* Auto-Submitted: auto-replied (an
					 * answer) instead of auto-generated;
					 * only these count against
					 * max_auto_per_day */
	const char	*calendar;	/* iCalendar object (ical.h) or NULL */
	const char	*calendar_method;	/* "REQUEST", "CANCEL" */
	const struct compose_attachment *attachments;	/* compose.h */
	size_t		 nattachments;
	/* Shown in Cc: only (the envelope is to_addr alone): a group mail
	 * sent as one copy per member, each bound to its recipient, where
	 * everyone sees everyone's address. */
	const struct compose_addr *cc;
	size_t		 ncc;
	int		 no_reply_to;	/* replies go to the From and Cc
					 * addresses, not only to the contact */
};

/*
 * 1 when `mail` counts against (and may be stopped by) the daily cap of
 * max_auto_per_day per address: an answer to a mail of that address
 * (auto_replied), which is what can loop with another robot.  Any other
 * mail is neither counted nor capped.
 */
int mailer_counted(const struct mailer_mail *mail);

/*
 * Queues one mail.  Returns OUTBOX_OK with *outbox_id set,
 * OUTBOX_LIMITED when the mail is an answer (mailer_counted) and the
 * recipient already got max_auto_per_day answers today (nothing queued;
 * the caller records it), or OUTBOX_ERR with the reason in err (the
 * caller rolls back).
 */
int mailer_queue(struct mailer *m, struct store *st,
    const struct mailer_mail *mail, int64_t *outbox_id, char *err,
    size_t errlen);

/*
 * Renders template `tpl` as mailer_queue() would for its mail, without
 * queueing anything: *subject and, with html 0, the text body, with html
 * 1 the HTML alternative's body, into new strings owned by the caller
 * (for `coupdepouce digest --print`).  network_name and contact are added
 * to data.  0, or -1 with err (both NULL then).
 */
int mailer_render(struct mailer *m, const char *tpl, struct tpl_data *data,
    int html, char **subject, char **body, char *err, size_t errlen);

#endif
