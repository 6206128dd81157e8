/*
 * codec.h — base64 and quoted-printable, both ways, for the whole program.
 *
 * Reading mail (bodies, RFC 2047 words), writing mail (bodies,
 * attachments, encoded words) and listing the outbox all need these
 * codecs; they used to have three decoders of their own.  The decoders are
 * the tolerant ones a mail reader needs, because they see what any client
 * or list manager produced: they never fail, they skip what is not part of
 * the encoding and keep what they cannot decode.  The encoders write what
 * RFC 2045 asks for, with CRLF line ends.
 *
 * Decoders return a NUL-terminated buffer owned by the caller (the bytes
 * may contain NULs; *outlen gives the length).  Encoders append to a buf.
 */
#ifndef CDP_CODEC_H
#define CDP_CODEC_H

#include <stddef.h>

struct buf;

/* The value of a hexadecimal digit (either case), -1 if it is not one. */
int codec_hex_value(int c);

/*
 * Base64 (RFC 4648 alphabet), skipping anything outside the alphabet
 * (line breaks, blanks, garbage); a '=' ends a quantum and decoding goes
 * on after it (concatenated blobs); a cut-off last quantum gives the bytes
 * it holds.
 */
char *codec_b64_decode(const char *in, size_t len, size_t *outlen);

/*
 * Quoted-printable (RFC 2045 §6.7), or RFC 2047 "Q" when `header` is set
 * ('_' is then a space).  "=XX" in either case is a byte; "=" before
 * optional blanks and a line end is a soft break; any other "=" is kept.
 */
char *codec_qp_decode(const char *in, size_t len, int header,
    size_t *outlen);

/* Base64 of s[0..n) on one line, with padding, no line break. */
void codec_b64_encode(struct buf *out, const void *s, size_t n);

/* Base64 of s[0..n) as a MIME body: lines of 76 characters, each ending
 * with CRLF. */
void codec_b64_encode_lines(struct buf *out, const void *s, size_t n);

/*
 * Quoted-printable of a UTF-8 text with CRLF line ends, as a MIME body:
 * lines of at most 76 characters, soft breaks between characters (never
 * inside a UTF-8 sequence), blanks before a line end encoded, and "." and
 * "From " at a line start encoded so that SMTP dot-stuffing and mbox never
 * see them.  Ends with CRLF.
 */
void codec_qp_encode(struct buf *out, const char *text);

/*
 * The same of any UTF-8 text, in one pass: exactly what
 * codec_qp_encode(charset_clean_text(text)) gives, so CR, LF and CRLF
 * each end a line and a byte that is not part of valid UTF-8 is U+FFFD.
 */
void codec_qp_encode_text(struct buf *out, const char *text);

#endif
