/*
 * addr.h — is this a mail address we can write to?  One answer for the
 * whole program.
 *
 * The configuration (`check`), the people file, mail commands (INVITER,
 * TRANSFERER), composition, iCalendar attendees, the outbox and the SMTP
 * envelope all ask the same question.  They used to ask it five ways, and
 * an address that `check` accepted could be refused by composition, so no
 * mail would ever have gone out.  Everything now asks addr_valid().
 *
 * The rule is deliberately narrower than RFC 5322 and matches what the
 * network's people actually have: a local part of printable ASCII without
 * blanks and without the specials that need quoting (<>()[],;:\"), one @,
 * a domain of ASCII letters, digits and '-' in non-empty dot-separated
 * labels (no '_': it is not a host name), 254 bytes at most (RFC 5321
 * §4.5.3.1.3).  Quoted local parts and internationalized addresses are
 * refused: nobody in the network uses them and they would have to be
 * written differently in every header and envelope.
 */
#ifndef CDP_ADDR_H
#define CDP_ADDR_H

#include <stddef.h>

/* The longest address we accept, in bytes (RFC 5321's path limit). */
#define ADDR_MAX_LEN	254

/* 1 if `a` is such an address, 0 otherwise (NULL and "" included). */
int addr_valid(const char *a);

/*
 * 1 if id[0..n) is a Message-ID without its angle brackets that we can
 * write in a header: printable ASCII, no blank, none of <>"(),;:\[], at
 * most 250 bytes; `strict` (ours) also wants exactly one @.
 */
int addr_msgid_valid(const char *id, size_t n, int strict);

/*
 * Normalizes an address taken from outside (a mail, the people file, the
 * command line): trims blanks and one pair of angle brackets, lower-cases
 * it, and checks it with addr_valid().  Addresses in the reserved
 * ".invalid" domain (RFC 2606; the database's forgotten persons become
 * 'forgotten-<id>@invalid') are refused too.  Returns 0 with the result in
 * out (ADDR_MAX_LEN + 1 bytes are always enough), or -1 (out is then "",
 * when outlen > 0) when it is not an address.
 */
int addr_normalize(const char *in, char *out, size_t outlen);

#endif
