/*
 * charset.h — bytes in whatever charset a mail declares, to UTF-8.
 *
 * Mail arrives in UTF-8, ISO-8859-1/15, windows-1252 and, less often, in
 * anything else iconv knows (KOI8-R, ISO-2022-JP, Shift_JIS...).  Labels are
 * unreliable: parts declared UTF-8 that are really windows-1252, Latin-1
 * labels on text using the windows-1252 curly quotes, no label at all on
 * raw 8-bit headers.  Every function here therefore succeeds: what cannot be
 * read as the declared charset is read byte by byte as windows-1252, and
 * what no charset explains becomes U+FFFD.  The result is always valid UTF-8
 * (it may contain U+0000 if the input did: callers strip it).
 *
 * Only this file includes <iconv.h>.
 */
#ifndef CDP_CHARSET_H
#define CDP_CHARSET_H

#include <stddef.h>

/*
 * Converts `len` bytes of `in` (borrowed, untrusted, need not be
 * NUL-terminated) from `charset` to a new NUL-terminated UTF-8 string,
 * owned by the caller; its length goes to *outlen when outlen is not NULL.
 *
 * `charset` is a MIME label in any case, possibly quoted or carrying an
 * RFC 2231 language ("utf-8*fr"); NULL or "" means undeclared.
 *  - undeclared, us-ascii, utf-8, unknown labels: valid UTF-8 sequences are
 *    kept and every byte that is not part of one is read as windows-1252
 *    (a part declared UTF-8 but written in windows-1252 comes out right);
 *  - iso-8859-1, latin1, windows-1252 and their aliases: windows-1252, as
 *    the WHATWG Encoding Standard (and every browser) reads them;
 *  - anything else: iconv; an invalid sequence becomes U+FFFD and the
 *    conversion goes on after it.
 */
char *charset_to_utf8(const char *charset, const char *in, size_t len,
    size_t *outlen);

/* 1 if s[0..len) is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF), else 0. */
int charset_utf8_valid(const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if the first byte
 * does not start one (len must be > 0). */
size_t charset_utf8_seq(const char *s, size_t len);

/*
 * Writes the label's canonical lower-case form into out (e.g. "ISO_8859-1"
 * -> "iso-8859-1", "\"UTF8\"" -> "utf-8", "utf-8*fr" -> "utf-8"); "" for an
 * empty label.  Returns out.
 */
char *charset_normalize(const char *label, char *out, size_t outlen);

/* Appends code point `cp` as UTF-8 to out (at least 4 bytes of room);
 * returns the number of bytes written.  Invalid code points (surrogates,
 * above U+10FFFF) are written as U+FFFD. */
size_t charset_put_utf8(unsigned long cp, char *out);

/*
 * One line of valid UTF-8 from an outside string (NULL gives ""): invalid
 * bytes become U+FFFD; control characters (C0, DEL, C1, U+2028/9) and runs
 * of blanks become one space; trimmed.  New string.
 */
char *charset_clean_line(const char *s);

/*
 * Text for the body of a mail: valid UTF-8 (each byte that starts no valid
 * sequence becomes U+FFFD) with every line end (CR, LF or CRLF) as CRLF.
 * New string.
 */
char *charset_clean_text(const char *s);

/* The most characters a value may take in a subject line. */
#define CHARSET_SUBJECT_PART_MAX	60

/*
 * A value from outside (a display name, a subject) as it may appear in the
 * subject of a mail sent from the network's address, where anyone could
 * otherwise make any text appear "from the Parc": one clean line, without
 * bidirectional or invisible format characters (U+200B-U+200F,
 * U+202A-U+202E, U+2060-U+2064, U+2066-U+2069, U+FEFF), without the words
 * that look like links (containing "://", or starting with "www."), at
 * most CHARSET_SUBJECT_PART_MAX characters ("…" marks a cut).  New string.
 */
char *charset_subject_part(const char *s);

#endif
