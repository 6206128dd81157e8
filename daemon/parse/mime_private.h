/*
 * mime_private.h — what the files of the MIME reader share.  Private to
 * parse/message.c and parse/mime_*.c: nothing else includes it, the rest
 * of the daemon sees struct message (message.h).
 *
 * message_parse() is built in layers, one file each, in reading order:
 *   message.c      the entry point: the top-level header block into
 *                  struct message, then the body; message_free()
 *   mime_header.c  header blocks: unfolding, the header cap, lookup
 *   mime_words.c   header text: RFC 2047 encoded words, raw 8-bit bytes,
 *                  Content-Type and Content-Disposition parameters
 *                  (RFC 2045, RFC 2231)
 *   mime_addr.c    the addresses, date and message-ids of a header block
 *   mime_part.c    one part: its MIME headers read, its body decoded
 *                  (base64, quoted-printable, uuencode), its text
 *                  normalised (charset, line ends, format=flowed)
 *   mime_tame.c    the buffer made safe for libetpan before it parses
 *                  (nesting, comments, huge fields) and the delimiters of
 *                  a multipart whose declared boundary is wrong
 *   mime_walk.c    the walk over libetpan's MIME tree: which parts make
 *                  the body text, which are attachments or a bounce's
 *                  report
 *
 * libetpan does the parts it does well: the MIME tree (mailmime_parse: where
 * each part's headers and body are, multipart boundaries, message/rfc822
 * nesting), address lists (mailimf_address_list_parse) and dates
 * (mailimf_date_time_parse).  The rest is done here, because libetpan
 * 1.9.4 was seen to get it wrong on real mail:
 *  - its quoted-printable decoder turns "=ZZ" and "= " before a line end
 *    into NUL bytes, its base64 decoder emits garbage for a truncated last
 *    quantum: both decoders are ours (base/codec), lenient and bounded;
 *  - its RFC 2047 decoder fails a whole header when one word is in an
 *    unknown charset, and cannot read raw 8-bit Latin-1: ours decodes word
 *    by word, joins adjacent words of one charset before converting (Gmail
 *    and Outlook split UTF-8 characters across words), and reads raw bytes
 *    as UTF-8 or windows-1252 (charset.c);
 *  - its parameter parser stops at an unquoted space (Outlook's
 *    `name=Rapport annuel.pdf`) and leaves RFC 2231 continuations apart:
 *    part headers are read again from the raw bytes here;
 *  - it recurses once per nested part and per nested comment '(' with no
 *    limit (a crafted mail overflows the stack), and its memory grows with
 *    the number of parts: before parsing, the buffer is tamed (comments
 *    deeper than MIME_MAX_PARENS lose their parentheses) and cut where the
 *    declared nesting or the number of delimiter lines exceeds a cap, and
 *    the message is marked truncated.
 * The top-level header block is scanned here too (all headers, unfolded,
 * capped): libetpan is given only the top-level MIME headers and the body.
 *
 * Only mime_addr.c and mime_walk.c include libetpan; this header names
 * none of its types.  Every string put into struct message is valid UTF-8
 * without control characters, except raw header values and the html.
 */
#ifndef CDP_MIME_PRIVATE_H
#define CDP_MIME_PRIVATE_H

#include <stddef.h>

struct message;
struct msg_addr;
struct msg_addrs;

static inline int
mime_is_wsp(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* ---- header blocks (mime_header.c) ---------------------------------- */

struct mime_hdr {
	const char	*name;		/* points into the parsed buffer */
	size_t		 name_len;
	char		*value;		/* unfolded, trimmed, no NUL; owned */
};

struct mime_hdrs {
	struct mime_hdr	*v;
	size_t		 n, cap;
	size_t		 kept;		/* the first `kept` are in order */
	int		 more;		/* some were not kept */
	int		 cut;		/* a value kept was cut at
					 * MESSAGE_MAX_HEADER_LEN */
	unsigned int	 wanted_seen;	/* bit i: mime_wanted[i] stored */
};

void mime_hdrs_free(struct mime_hdrs *h);
/* The value of the first header `name` (case-insensitive), borrowed; NULL
 * if absent. */
const char *mime_hdrs_get(const struct mime_hdrs *h, const char *name);
/*
 * Reads the header block at p[0..len) into h (at most `max` kept) and
 * returns the offset of the body.  The block ends at the first empty (or
 * blank) line.  A line that is neither a header nor a continuation is
 * skipped, as the mail gem and Thunderbird do, unless no empty line
 * follows at all: then it is where the body starts (mails with no header
 * separator would lose their body otherwise).
 */
size_t mime_scan_headers(const char *p, size_t len, struct mime_hdrs *h,
    size_t max);
/* The length of s[0..len) without a UTF-8 character left incomplete at
 * its end (bytes of another charset are cut at worst 3 bytes early). */
size_t mime_utf8_cut(const char *s, size_t len);

/* ---- header text and parameters (mime_words.c) ---------------------- */

/*
 * Decodes header text: encoded words (whitespace between two of them
 * dropped, adjacent words in one charset joined before conversion) and raw
 * bytes (UTF-8, else windows-1252).  Other runs of whitespace become one
 * space (folding leaves several).  Returns a new cleaned string.
 */
char *mime_decode_words(const char *in, size_t len);
/* Raw bytes to clean UTF-8 (addresses, ids): no RFC 2047 here.  New. */
char *mime_clean_raw(const char *s, size_t len);

struct mime_param {
	char	*name;		/* lower case */
	char	*value;		/* unquoted raw bytes */
};

struct mime_params {
	struct mime_param *v;
	size_t		 n, cap;
};

void mime_params_free(struct mime_params *ps);
/*
 * Splits "type/subtype; a=b; c=\"d;e\"" into the lower-case first token
 * (returned, owned) and its parameters.  Lenient: a missing ';' before a
 * parameter, unquoted values with spaces (Outlook), an unterminated quote.
 */
char *mime_parse_params(const char *v, struct mime_params *ps);
/* The raw value of parameter `name` (lower case), borrowed; NULL if none. */
const char *mime_params_raw(const struct mime_params *ps, const char *name);
/*
 * The decoded value of parameter `name`, as a new clean UTF-8 string, or
 * NULL: RFC 2231 `name*0*=` continuations first, then `name*=`, then the
 * plain `name=` (which Outlook and Gmail fill with RFC 2047 words).
 */
char *mime_param_get(const struct mime_params *ps, const char *name);

/* ---- addresses, dates, message-ids (mime_addr.c) -------------------- */

/* An address header into *out (owned by the caller, msg_addrs items). */
void mime_parse_addrs(const char *value, struct msg_addrs *out);
/* The From header: its first mailbox, or what is written there. */
void mime_parse_from(const char *value, struct msg_addr *from);
/* The Date header into msg->date, date_offset and has_date (unset when
 * it cannot be read). */
void mime_parse_date(const char *value, struct message *msg);
/* Up to `max` new message-ids into ids; returns how many. */
size_t mime_msgids(const char *v, char **ids, size_t max);
/* The first message-id of v (may be NULL), new; NULL if none. */
char *mime_first_msgid(const char *v);
/* The address of a Return-Path value, new; "" for <>. */
char *mime_return_path(const char *v);

/* ---- one part (mime_part.c) ----------------------------------------- */

enum mime_enc {
	MIME_ENC_IDENTITY,
	MIME_ENC_QP,
	MIME_ENC_BASE64,
	MIME_ENC_UU
};

enum mime_disp {
	MIME_DISP_NONE,
	MIME_DISP_INLINE,
	MIME_DISP_ATTACHMENT
};

struct mime_info {
	char		 type[128];	/* "text/plain"; "" when undeclared */
	char		*charset;	/* raw label or NULL */
	char		*filename;	/* decoded, NULL if none */
	char		*content_id;	/* without <>, NULL if none */
	char		*start;		/* multipart/related start, without <> */
	enum mime_disp	 disposition;
	enum mime_enc	 encoding;
	int		 flowed, delsp;
	int		 header_cut;	/* a header value of the part was cut
					 * at MESSAGE_MAX_HEADER_LEN */
};

void mime_info_free(struct mime_info *pi);
/* Fills pi from a part's MIME header values (any may be NULL). */
void mime_info_from(struct mime_info *pi, const char *ctype,
    const char *cte, const char *cdisp, const char *cid);
/* The body bytes decoded from `enc`: new, NUL-terminated, *outlen bytes. */
char *mime_decode_body(enum mime_enc enc, const char *in, size_t len,
    size_t *outlen);
/* True if the line p[0..l) is "begin NNN name"; the name goes to *name. */
int mime_uu_begin(const char *p, size_t l, const char **name, size_t *nlen);
/*
 * Decodes uuencoded lines from p[0..len) up to an "end" line, skipping a
 * "begin" line; *used gets the bytes consumed (through the "end" line) and
 * *ended whether there was one (either may be NULL).
 */
char *mime_decode_uu(const char *p, size_t len, size_t *outlen, size_t *used,
    int *ended);
/* CRLF and lone CR to LF, NUL bytes and a leading BOM removed.  New. */
char *mime_normalize_text(const char *s, size_t len);
/* Decoded, converted, normalised text of a text part.  New. */
char *mime_part_text(const struct mime_info *pi, const char *bytes,
    size_t n);

/* ---- the buffer given to libetpan (mime_tame.c) --------------------- */

/* Parentheses nested deeper than MIME_MAX_PARENS in one (unfolded) line
 * (per_line) or in the whole of s become brackets. */
void mime_tame_parens(char *s, size_t len, int per_line);
/* Renames Content-* headers too long for libetpan; 1 if one was. */
int mime_tame_fields(char *s, size_t len);
/* The length of s libetpan may parse; sets *truncated when shorter. */
size_t mime_safe_length(const char *s, size_t len, int *truncated);
/* True if the text at p[0..len) has a line "--boundary". */
int mime_has_delimiter(const char *p, size_t len, const char *boundary);
/* The delimiter a multipart body really uses, new; NULL if none found. */
char *mime_guess_boundary(const char *p, size_t len);

/* ---- the walk (mime_walk.c) ----------------------------------------- */

/* The body after the header block h, through libetpan, into msg: text,
 * html, attachments, delivery status, returned headers. */
void mime_parse_body(struct message *msg, const struct mime_hdrs *h,
    const char *body, size_t blen);

#endif
