/*
 * trust.h — may a mail matched to its case only by the subject tag carry
 * commands? (DESIGN.md §4)  And has our server seen a token-bound mail's
 * From fail its authentication?
 *
 * A subject tag is public: anyone who saw a mail of the case can write it.
 * Such a mail is trusted only when our own receiving server vouches for its
 * From domain in an Authentication-Results header (RFC 8601): DKIM, SPF or
 * DMARC passed for that domain.  Only headers carrying one of the
 * configured authserv-ids count, since the sender can add any other.
 *
 * Assumption, not checked here: the receiving server removes (or renames)
 * Authentication-Results headers that arrive with the mail and claim its own
 * authserv-id, as RFC 8601 §5 requires.  OpenDKIM does unless
 * KeepAuthResults is set, but up to 2.11.0-Beta2 it removed the wrong ones
 * (CVE-2022-48521); whether rspamd does depends on its milter_headers
 * "remove" setting and version.  Without that, a sender can forge a pass.
 */
#ifndef CDP_TRUST_H
#define CDP_TRUST_H

#include "config/config.h"
#include "parse/message.h"

/*
 * Returns 1 when one Authentication-Results header of `m` whose authserv-id
 * equals (ASCII case-insensitively) one of `authserv_ids` reports:
 *   - dkim=pass with header.d (or, without header.d, the domain of
 *     header.i) aligned with the From domain;
 *   - spf=pass with the domain of smtp.mailfrom aligned with it;
 *   - dmarc=pass with header.from equal to it.
 * "Aligned" is DMARC's relaxed alignment made simple: the From domain equals
 * the authenticated domain d, or ends with "." + d where d has at least two
 * labels (a signature for example.org vouches for mail.example.org, never
 * the other way round, and never a bare "org").
 * Returns 0 otherwise: no such header, other servers only, any other result
 * (fail, softfail, neutral, none, temperror, permerror, policy), no usable
 * From domain, no configured id, or a header of ours that does not parse
 * (every header is untrusted input: one syntax error voids the whole
 * header, never just skips a part of it).
 *
 * `from_address` is the From addr-spec, normally m->from.address; the
 * domain is what follows its last '@'.  Everything is borrowed; nothing is
 * allocated.
 */
int trust_auth_pass(const struct message *m,
    const struct config_strlist *authserv_ids, const char *from_address);

/*
 * A verified token binds a person, but tokens travel: the introduction
 * copies the whole group, and a reply-all shows the replier's token to
 * every member.  Anyone holding one can forge the person's From.  Our own
 * server's verdict catches that: trust_auth_fail() returns 1 when the
 * headers of ours (as for trust_auth_pass()) say, for the From domain,
 *   - dmarc=fail (with header.from equal to it), or
 *   - dkim=fail (aligned header.d or header.i) or spf=fail (aligned
 *     smtp.mailfrom) while no method passed for it: a forwarder breaks
 *     SPF and a mailing list breaks DKIM, and one aligned pass is
 *     DMARC's own rule.
 * Softfail, neutral, none and errors are no verdict: 0.  So is a header
 * that does not parse, and everything when authserv_ids is empty.
 *
 * Residual risk: with no authserv_id configured (or a server that adds
 * no Authentication-Results), nothing can tell a forged From from a real
 * one, and a token seen by someone else runs commands in its person's
 * name.  What limits it: a token is bound to one case and one person, and
 * every command is answered to that person's real address, who learns of
 * it at once.
 */
int trust_auth_fail(const struct message *m,
    const struct config_strlist *authserv_ids, const char *from_address);

#endif
