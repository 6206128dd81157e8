/*
 * token.h — the Message-ID of every mail we send (DESIGN.md §4).
 *
 *   cdp.{outbox}.{case}.{person}.{mac}@{domain}
 *
 * outbox, case and person are row ids in decimal (case and person may be 0:
 * none); mac is the first TOKEN_MAC_BYTES of HMAC-SHA256(key,
 * "cdp-msgid-1:{outbox}:{case}:{person}") in lower-case hex.  A reply's
 * In-Reply-To/References naming such an id whose mac verifies tells which
 * mail it answers, in which case, from whom it was expected — without
 * trusting the subject, which clients mangle.  The domain is not under the
 * mac, so changing [network] domain does not orphan the replies to mail
 * already sent.
 *
 * Some clients and gateways change the case of Message-IDs: verification
 * compares case-insensitively (the mac is hex, the rest is digits).
 */
#ifndef CDP_TOKEN_H
#define CDP_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/* 96 bits, 24 hex digits: forging one takes ~2^95 tries against our
 * mailbox; short enough that "<cdp...@domain>" fits on a 78-column line
 * for realistic ids and domains. */
#define TOKEN_MAC_BYTES	12
/* Room for any Message-ID token_make() writes: "cdp." + 3 * (19 digits +
 * ".") + 24 + "@" + a 253-byte domain + NUL. */
#define TOKEN_MSGID_MAX	360

/*
 * Writes the Message-ID, WITHOUT angle brackets (as outbox_fill() and
 * compose.h take it), into out.  outbox_id must be > 0, case_id and
 * person_id >= 0; domain a host name (letters, digits, '-', '.').
 * Returns 0, or -1 on a bad argument, a HMAC failure or too small a buffer
 * (out is then "").
 */
int token_make(const unsigned char *key, size_t keylen, int64_t outbox_id,
    int64_t case_id, int64_t person_id, const char *domain, char *out,
    size_t outlen);

/*
 * Checks a Message-ID from a received mail (untrusted; with or without
 * <>, surrounding blanks allowed, any letter case).  When `domain` is not
 * NULL the id's domain must be it (case-insensitively); NULL accepts any
 * domain.  Returns 1 and sets the three ids (any pointer may be NULL) when
 * the id is ours and its mac verifies (constant-time comparison); 0 for
 * anything else: not ours, malformed, tampered, made with another key.
 */
int token_verify(const unsigned char *key, size_t keylen,
    const char *message_id, const char *domain, int64_t *outbox_id,
    int64_t *case_id, int64_t *person_id);

/* 1 when message_id (as token_verify takes it, or NULL) starts as ours
 * do, mac and all unchecked: a guess that needs no key, for work done
 * ahead (a forged one only makes the guess wrong). */
int token_shaped(const char *message_id);

#endif
