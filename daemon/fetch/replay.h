/*
 * replay.h — one stored mail read again with the current rules, for
 * `coupdepouce reprocess`: what inbound_store() and the dispatcher
 * would make of it today, without storing, acting or sending anything.
 *
 * The steps are the inbound path's: parsing (parse/message.h),
 * automatic mail (autodetect), the new text of a reply (reply), the
 * classification of a new case (classify, on the new text as intake
 * does) and the thread (thread/match.h, against the database given,
 * read only).  Casework is not replayed: no case is opened, no command
 * run, no mail queued.
 */
#ifndef CDP_REPLAY_H
#define CDP_REPLAY_H

#include <stddef.h>

struct config;
struct inbound_rules;
struct store;

/* What the current rules make of one mail. */
struct replay_result {
	char	 autokind[16];	/* autodetect_name(): none, auto-reply... */
	char	*new_text;	/* owned: the reply's new text, NULL when
				 * reply extraction failed */
	char	 kind[16];	/* request, report, volunteer, other */
	char	*themes;	/* owned: JSON array, e.g. ["energie"] */
	char	*commune;	/* owned, NULL: none */
	char	 match[48];	/* where it would go: "new" (a new case),
				 * "none" (recorded only), "token", or
				 * "token:REF" / "tag:REF" */
};

/*
 * Replays raw[0..len) against the database st (read only) with the rules
 * (reply, autodetect, classify) and cfg (the network's own addresses);
 * key is the HMAC key of our Message-IDs (mailer_key()).  0 with *out
 * filled (free with replay_result_free()), 1 when the mail does not
 * parse (err says why), -1 on a database error.
 */
int replay_message(struct store *st, const struct config *cfg,
    const struct inbound_rules *rules, const unsigned char *key,
    size_t keylen, const char *raw, size_t len, struct replay_result *out,
    char *err, size_t errlen);
void replay_result_free(struct replay_result *r);

#endif
