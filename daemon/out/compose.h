/*
 * compose.h — the bytes of an outgoing mail (RFC 5322, MIME, iMIP).
 *
 * compose_build() turns a filled-in struct compose_mail into a complete
 * message with CRLF line ends, ready for the outbox: UTF-8 everywhere,
 * quoted-printable text, base64 attachments, RFC 2047 encoded words for
 * non-ASCII subjects and names, RFC 2231 file names, headers folded at 78
 * columns where the content allows it, the Date in the process's time zone
 * (clock_set_zone(): Europe/Paris) and the threading and loop-prevention
 * headers of DESIGN.md §4.
 *
 * Every string in the struct may come from outside (names and subjects
 * from received mail, file names of attachments): none can add a header
 * or break the MIME structure.  In one-line fields (names, subject, file
 * names) control characters (CR, LF, TAB, C1, U+2028/9) become spaces and
 * invalid UTF-8 becomes U+FFFD; addresses are validated and refused;
 * foreign Message-IDs that are not plain msg-ids are dropped; bodies are
 * always encoded.  MIME boundaries start with "=_", which neither
 * quoted-printable nor base64 output can contain, and are checked against
 * the content anyway.
 *
 * Shape of the message:
 *   text only                 text/plain
 *   + html and/or calendar    multipart/alternative (text, html, calendar)
 *   + attachments / calendar  multipart/mixed (the above, attachments...,
 *                             the calendar again as an .ics file: RFC 6047
 *                             and what Outlook, Gmail and Thunderbird
 *                             expect of an invitation)
 */
#ifndef CDP_COMPOSE_H
#define CDP_COMPOSE_H

#include <stddef.h>
#include <time.h>

struct buf;

#define COMPOSE_MAX_SIZE	(32 * 1024 * 1024)	/* whole message */
#define COMPOSE_MAX_REFERENCES	20	/* first + the most recent 19 */
#define COMPOSE_MAX_ATTACHMENTS	64

struct compose_addr {
	const char	*name;		/* display name, UTF-8; NULL or "" */
	const char	*address;	/* addr-spec, required */
};

struct compose_attachment {
	const char	*filename;	/* UTF-8; NULL or "": none */
	const char	*content_type;	/* "type/subtype"; NULL or invalid:
					 * application/octet-stream */
	const void	*data;
	size_t		 len;
};

/* Every pointer is borrowed for the call; NULL means "none" unless noted. */
struct compose_mail {
	const char	*from_name;
	const char	*from_addr;		/* required */
	const char	*reply_to;		/* an address (the contact) */
	const struct compose_addr *to;		/* nto >= 1 */
	size_t		 nto;
	const struct compose_addr *cc;
	size_t		 ncc;
	const char	*subject;		/* UTF-8 */
	const char	*body_text;		/* UTF-8, LF or CRLF; required */
	const char	*body_html;		/* UTF-8 HTML (digest) */
	const char	*in_reply_to;		/* msg-id, with or without <> */
	const char *const *references;		/* msg-ids, oldest first */
	size_t		 nreferences;
	const char	*message_id;		/* token_make(), without <>;
						 * required */
	const char	*auto_submitted;	/* "auto-generated" (NULL) or
						 * "auto-replied" */
	const struct compose_attachment *attachments;
	size_t		 nattachments;
	const char	*calendar;		/* an iCalendar object */
	const char	*calendar_method;	/* its METHOD: REQUEST (NULL),
						 * CANCEL... */
	const char	*calendar_filename;	/* NULL: "invitation.ics" */
	time_t		 date;
};

/*
 * Builds the message into *out (NUL-terminated, owned by the caller; its
 * length without the NUL in *outlen).  Returns 0, or -1 with the reason in
 * err: a required field missing, an invalid address (named by field),
 * an invalid Message-ID, Auto-Submitted value or calendar method, more
 * than COMPOSE_MAX_ATTACHMENTS, a message over COMPOSE_MAX_SIZE.  *out is
 * NULL on error.
 */
int compose_build(const struct compose_mail *m, char **out, size_t *outlen,
    char *err, size_t errlen);

/*
 * `subject` with the case tag "[ref]" (e.g. [CDP-2026-0001]) in front,
 * unless it already carries it (in any letter case).  New string.
 */
char *compose_tag_subject(const char *ref, const char *subject);

/*
 * Private to out/compose*.c: compose.c writes the header block and the
 * usual single text part itself, compose_mime.c the bodies of more parts.
 */
/* 1 when s is plain ASCII. */
int compose_mime_ascii(const char *s);
/* The Content-Type and Content-Transfer-Encoding lines of a text part
 * (text/SUBTYPE, UTF-8, quoted-printable), appended to head. */
void compose_mime_text_head(struct buf *head, const char *subtype);
/* The body of m when it has more than a text part (HTML, calendar,
 * attachments): the MIME tree above, its header lines, a blank line and
 * its body appended to msg.  id (the cleaned Message-ID) seeds the
 * boundaries; method is the calendar's METHOD. */
void compose_mime_body(const struct compose_mail *m, const char *id,
    const char *method, struct buf *msg);

#endif
