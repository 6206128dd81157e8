/*
 * tls_verify.h — does this certificate chain belong to that server?
 *
 * libetpan (1.9.4, GnuTLS build) completes a TLS handshake with any
 * certificate at all (measured: a self-signed IMAPS server is accepted with
 * no CA configured).  The IMAP module therefore takes the peer's chain after
 * the handshake and asks this module, before any password is sent.  The
 * check is GnuTLS's own: chain up to a trusted root, validity dates, key
 * usage for a TLS server, and the host name (a DNS name, or an IPv4/IPv6
 * literal matched against the certificate's IP address entries).
 * This is the only file that includes GnuTLS.
 */
#ifndef CDP_TLS_VERIFY_H
#define CDP_TLS_VERIFY_H

#include <stddef.h>

/*
 * Verifies the chain der[0..n-1] (DER, leaf first, as sent by the peer; all
 * borrowed) for `hostname` (as written in the URL, IPv6 without brackets)
 * against the CA certificates in the PEM file `ca_file`, or the system
 * store when ca_file is NULL (a CA file replaces the system store, it does
 * not add to it).
 * Returns 0 when trusted.  Otherwise -1 with a sentence in err, e.g.
 * "certificate not trusted: The certificate issuer is unknown." or, for a
 * CA file that cannot be read, "CA file /x.pem: Error while reading file.".
 */
int tls_verify_chain(const unsigned char *const *der, const size_t *der_len,
    size_t n, const char *hostname, const char *ca_file, char *err,
    size_t errlen);

#endif
