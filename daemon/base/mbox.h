/*
 * mbox.h — mails as one mbox file (the "mboxrd" flavour), for the RGPD
 * export: every mail client and archive tool reads it, and a person can
 * open what we kept of their mails without us.
 *
 * mboxrd rather than mboxo or mboxcl: a body line that starts with
 * "From " (after any number of '>') gets one more '>', which a reader
 * takes off again, so the mail comes back byte for byte (RFC 4155 and
 * the mboxrd note it cites).  No Content-Length header is trusted or
 * written.
 */
#ifndef CDP_MBOX_H
#define CDP_MBOX_H

#include <stddef.h>

struct buf;

/*
 * Appends one mail to `out`: a "From SENDER DATE" separator line (asctime
 * form, UTC; an empty sender becomes MAILER-DAEMON), the raw mail with
 * CRLF turned into LF and "From " lines quoted, a final LF if it lacked
 * one, and the blank line that ends an mbox entry.  raw is borrowed and
 * may hold any bytes.
 */
void mbox_append(struct buf *out, const char *sender, long long when,
    const char *raw, size_t len);

#endif
