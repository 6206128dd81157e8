/*
 * base/ — what every other folder stands on, and nothing from the mail
 * world: it includes no other folder of daemon/.
 *
 *   mem.h      allocation that never returns NULL (this file)
 *   arena.h    many small allocations freed at once
 *   log.h      one line per event on stderr, with journald levels
 *   buf.h      growable NUL-terminated buffer with an optional cap
 *   clock.h    "now", --now, Paris time and date arithmetic
 *   charset.h  any charset to UTF-8, one clean line of UTF-8
 *   codec.h    base64 and quoted-printable, both ways
 *   addr.h     the one mail address validator
 *   fileio.h   the capped whole-file reader
 *   hash.h     SHA-256 and HMAC (GnuTLS)
 *   strhash.h  the string hash of in-memory tables
 *   url.h      imap://, imaps://, smtp://, smtps:// server addresses
 *   tls_verify.h  certificate chain and host name checks (GnuTLS)
 *   json_out.h    JSON for --json (jansson)
 *
 * mem.h — allocation that never returns NULL.
 *
 * Out of memory is fatal (as in OpenSMTPD and isync): the daemon logs and
 * exits, and systemd restarts it; no caller has to handle a NULL.
 */
#ifndef CDP_MEM_H
#define CDP_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
