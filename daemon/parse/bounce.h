/*
 * bounce.h — who could not be reached, and why, from a delivery report.
 *
 * Two sources, tried by autodetect.c in this order:
 *  - an RFC 3464 message/delivery-status part (struct message's
 *    delivery_status text): the per-recipient fields Final-Recipient,
 *    Original-Recipient, Action and Status, read by bounce_parse_dsn();
 *  - the human text of a non-standard bounce (qmail, Exim without DSN,
 *    Yahoo, Gmail's old format, Exchange NDRs in French...), read by
 *    bounce_parse_text() with the `bounce_*` rules of config/rules/auto.rules,
 *    so that new MTA phrasings are a rules edit, not a rebuild.
 * Everything here reads untrusted text: lengths are capped, nothing is
 * assumed about line endings (LF or CRLF) or field case.
 */
#ifndef CDP_BOUNCE_H
#define CDP_BOUNCE_H

#include <stddef.h>

struct message;
struct rules;

/*
 * One failed (or delayed) recipient.  Every string is owned by the struct
 * and freed by bounce_info_free(); any of them may be NULL when unknown.
 *   recipient  the address we wrote to, without "rfc822;" or <>:
 *              Original-Recipient when the report gives it (that is the
 *              address we used), else Final-Recipient, else the address
 *              found in the text;
 *   status     RFC 3463 code "X.Y.Z" (e.g. "5.1.1"); from a bare SMTP reply
 *              code only ("550") it is "5.0.0" / "4.0.0";
 *   action     RFC 3464 action in lower case: "failed" or "delayed" (a
 *              delayed report means the mail is still queued: the address
 *              is not failing yet).
 */
struct bounce_info {
	char	*recipient;
	char	*status;
	char	*action;
};

/* Frees the strings and sets them to NULL; the struct itself is the
 * caller's.  NULL is a no-op. */
void bounce_info_free(struct bounce_info *b);

/* What a delivery-status text reports, for the first recipient that
 * matters (failed first, then delayed). */
enum bounce_dsn {
	BOUNCE_DSN_NONE,	/* no per-recipient fields at all */
	BOUNCE_DSN_FAILED,	/* Action: failed, or a 5.x.x status */
	BOUNCE_DSN_DELAYED,	/* Action: delayed, or a 4.x.x status */
	BOUNCE_DSN_DELIVERED	/* only delivered / relayed / expanded */
};

/* Longest delivery-status text and bounce text region read; the rest is
 * ignored (a real report is a few kilobytes). */
#define BOUNCE_MAX_DSN		(256 * 1024)
#define BOUNCE_MAX_TEXT		(64 * 1024)

/*
 * Reads an RFC 3464 delivery-status text (`ds`, NUL-terminated, borrowed).
 * For FAILED and DELAYED fills *out (which must be empty) with the first
 * such recipient; for the others leaves it empty.
 */
enum bounce_dsn bounce_parse_dsn(const char *ds, struct bounce_info *out);

/*
 * Fills the fields of *out that are still NULL from the human side of a
 * bounce, searched in msg->text up to the start of the returned copy (rule
 * `bounce_original`), then in msg->delivery_status (some MTAs write prose
 * there):
 *   recipient  Exim's X-Failed-Recipients header, else the first
 *              `bounce_recipient` rule that matches, else the To of the
 *              returned message (msg->returned_headers), else the first
 *              address that is neither the bounce's sender nor its
 *              recipients nor a delivery system's;
 *   status     a `bounce_status` rule, else the first 4.x.x / 5.x.x code,
 *              else a `bounce_reply` rule ("550" -> "5.0.0"); a generic
 *              "C.0.0" already there is replaced by a precise code of the
 *              same class;
 *   action     "delayed" when a `bounce_delayed` rule matches the subject
 *              or the text, else "failed".
 * `rules` may be NULL (then only the built-in scans run).
 */
void bounce_parse_text(const struct message *msg, const struct rules *rules,
    struct bounce_info *out);

/*
 * Offset in s[0..len) of the earliest match of any rule labelled `label`,
 * or -1; *end gets the end of that match when not NULL.  Shared with
 * autodetect.c (rules_first_match() picks the first rule, not the earliest
 * place in the text).
 */
long bounce_rules_earliest(const struct rules *rules, const char *label,
    const char *s, size_t len, size_t *end);

#endif
