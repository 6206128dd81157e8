/*
 * autodetect.h — is this mail automatic, and which kind?
 *
 * DESIGN.md §4: the daemon never answers automatic mail (RFC 3834), never
 * opens a case for it, and a bounce marks the address as failing.  This
 * module looks at a parsed message (headers, envelope sender, subject,
 * text, delivery-status part) and says which of four kinds it is; the
 * answer is the `auto` field of `inspect --json`, and for a bounce the
 * failed recipient fills its `bounce` field.  Mechanisms (RFC 3464, RFC
 * 3834, RFC 2919, fixed vendor headers) are in C; phrases (subjects, MTA
 * sentences, sender names, in French and English) are in
 * config/rules/auto.rules, labels listed there.
 *
 * Decisions, in the order they are taken (the first that applies wins):
 *
 *  1. Reports (a message/delivery-status part, or its fields left in the
 *     text of a broken report sent by a delivery system):
 *     - delivery status with a recipient "failed" or "delayed" (or, without
 *       Action, a 5.x.x / 4.x.x Status)  -> MSG_AUTO_BOUNCE, bounce filled;
 *       action "delayed" means the mail is still queued: callers mark an
 *       address failing only for "failed" (sisimai counts delays as
 *       bounces; BounceParser's warning-8 does not: we follow RFC 3464);
 *     - delivery status whose recipients were all delivered, relayed or
 *       expanded (a success DSN)  -> MSG_AUTO_REPLY: automatic, never
 *       answered, but no address is failing;
 *     - ARF feedback report (report-type=feedback-report, RFC 5965, an
 *       abuse complaint)  -> MSG_AUTO_REPLY, for the same reason: a
 *       complaint is not a delivery failure, and the two `auto` values
 *       that remain ("list", "none") would be wrong.
 *  2. Non-standard bounces (qmail, Exim, Exchange NDR, Orange/Wanadoo...):
 *     a bounce subject (rule bounce_subject) or MTA sentence
 *     (bounce_body), backed by a second sign: the other one of the two, a
 *     delivery-system sender (bounce_sender: mailer-daemon, postmaster,
 *     "Mail Delivery System"...), an empty envelope sender, Auto-Submitted,
 *     a no-reply sender, a delivery-status content type, Exim's
 *     X-Failed-Recipients, or a returned copy of the message.  A
 *     delivery-system sender with an empty envelope sender and a returned
 *     message or delivery-report type is a bounce too.  One sign alone is
 *     not enough: a person forwarding a bounce ("TR: Undeliverable: ...")
 *     or quoting one is not a bounce (sisimai's lhost-sendmail-14, a
 *     forwarded bounce, is a miss we keep on purpose).
 *     -> MSG_AUTO_BOUNCE, bounce filled from the text.
 *  3. Automatic replies -> MSG_AUTO_REPLY: Auto-Submitted with any value
 *     but "no" (auto-replied, auto-generated, auto-notified...), X-Autoreply
 *     or X-Autorespond (unless "no"), Precedence: auto_reply,
 *     X-MS-Exchange-Inbox-Rules-Loop (Exchange puts it on what an inbox
 *     rule sends), a header line matching auto_header (X-Mailer vacation
 *     programs...), an out-of-office subject (auto_subject).
 *     X-Auto-Response-Suppress alone means nothing: Outlook puts it on
 *     ordinary mail (and we put it on ours).
 *  4. Lists -> MSG_AUTO_LIST: List-Id (RFC 2919), Precedence bulk, list or
 *     junk, List-Unsubscribe together with a Precedence header or
 *     List-Unsubscribe-Post (RFC 8058 one-click, bulk senders only).
 *  5. Weak signs, after lists so that a newsletter stays a list ->
 *     MSG_AUTO_REPLY: an empty envelope sender (Return-Path: <>), a
 *     delivery-system sender without bounce text (a postmaster's quota
 *     notice), a no-reply sender (auto_sender: a platform's
 *     notification).  DESIGN.md §4 says never to answer these; they are
 *     not bounces (nobody failed), and "auto-reply" is the `auto` value
 *     that keeps them out of new cases and away from answers.
 *     An explicit "Auto-Submitted: no" (RFC 3834: written by a person)
 *     overrides these weak signs and the out-of-office subject guess.
 *  6. Otherwise MSG_AUTO_NONE.
 */
#ifndef CDP_AUTODETECT_H
#define CDP_AUTODETECT_H

#include "parse/bounce.h"

struct message;
struct rules;

enum msg_auto {
	MSG_AUTO_NONE,
	MSG_AUTO_REPLY,
	MSG_AUTO_BOUNCE,
	MSG_AUTO_LIST
};

/* "none", "auto-reply", "bounce", "list" (static strings). */
const char *autodetect_name(enum msg_auto a);

/*
 * Classifies `msg` (borrowed) with the rules of auto.rules (borrowed; NULL
 * runs only the header mechanisms).  `bounce` may be NULL; otherwise it is
 * overwritten (pass it empty or freed): filled when the result is
 * MSG_AUTO_BOUNCE (any field may stay NULL when unknown), all NULL
 * otherwise.  The caller frees it with bounce_info_free().
 */
enum msg_auto autodetect_classify(const struct message *msg,
    const struct rules *rules, struct bounce_info *bounce);

#endif
