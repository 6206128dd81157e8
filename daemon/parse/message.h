/*
 * message.h — one received mail, parsed the way a person would read it.
 *
 * parse/ — from raw bytes to what a person wrote.  This folder owns
 * everything the daemon learns from one mail by reading it, and nothing
 * about cases, people or the database: MIME and charsets (the text of a
 * mail, always UTF-8, HTML made text), the new text of a reply (quoted
 * history and signature cut), automatic mail and bounces, the
 * administrator's classification rules, and the mail commands.  It is
 * downstream of fetch/ (which hands it raw bytes) and upstream of thread/
 * and casework/ (which act on what it read); it uses only base/.
 * Files, in reading order:
 *   message.h        this struct, the folder's entry point
 *   message.c        message_parse(): the top-level headers, then the body
 *   mime_private.h   the MIME reader's layers in order, private to
 *                    message.c and mime_*.c: header blocks, RFC 2047 words
 *                    and RFC 2231 parameters, addresses and dates, one
 *                    part's decoding, input tamed for libetpan, the walk
 *   mime_*.c         those layers, one file each
 *   html2text.h/.c   HTML to readable text, quotes marked "> "
 *   html_entity.h/.c HTML character references
 *   rules.h/.c       PCRE2 rule files an administrator edits (the only
 *                    PCRE2 user)
 *   reply.h/.c       the new text of a reply, with reply.rules
 *   autodetect.h/.c  is the mail automatic (bounce, automatic reply, list)
 *   bounce.h/.c      who could not be reached, from a delivery report
 *   classify.h/.c    kind, themes and commune of a new mail
 *   mailcmd.h        the mail commands of DESIGN.md §5 (API and syntax)
 *   mailcmd*.c       their parser; mailcmd_private.h lists its files
 *
 * message_parse() turns raw RFC 5322 bytes into this structure: decoded
 * addresses and subject (RFC 2047, raw 8-bit UTF-8 or Latin-1), the date,
 * the threading headers, every top-level header (unfolded, for the automatic
 * mail detector), the readable text body (text/plain preferred, else HTML
 * converted to text, always UTF-8) and the list of attachments.  Only
 * parse/mime_*.c include libetpan; the rest of the daemon sees this struct.
 * Everything in it is owned by the message and freed by message_free().
 */
#ifndef CDP_MESSAGE_H
#define CDP_MESSAGE_H

#include <stddef.h>
#include <time.h>

struct msg_addr {
	char	*name;		/* decoded display name, UTF-8; "" if none */
	char	*address;	/* addr-spec as written; "" if unparseable */
};

struct msg_addrs {
	struct msg_addr	*items;
	size_t		 n;
};

struct msg_header {
	char	*name;		/* as written, e.g. "Auto-Submitted" */
	char	*value;		/* unfolded, raw (not RFC 2047-decoded) */
};

struct msg_attachment {
	char	*filename;	/* decoded (RFC 2047/2231); "" if none */
	char	*content_type;	/* lower case, "type/subtype" */
	size_t	 size;		/* decoded size in bytes */
	char	*data;		/* the decoded bytes (size of them, then a
				 * NUL) */
	int	 inline_part;	/* shown in the body by mail clients
				 * (Content-Disposition: inline, or an image
				 * of a multipart/related HTML): signature
				 * logos, pasted pictures */
};

/* Bytes of a body part read as text.  Charset repair and HTML conversion
 * take a few times what they read: a 30 MB one-line mail took 400 MB.
 * A person's mail is a few kilobytes; past this, the text is cut. */
#define MESSAGE_TEXT_MAX	(1L << 20)

struct message {
	struct msg_addr	 from;
	struct msg_addrs to;
	struct msg_addrs cc;
	struct msg_addrs reply_to;
	char		*return_path;	/* envelope sender if the server added
					 * Return-Path; NULL if absent, "" for <> */
	char		*subject;	/* decoded UTF-8; "" if none */
	int		 has_date;
	time_t		 date;		/* UTC seconds */
	int		 date_offset;	/* the sender's offset, minutes east */
	char		*message_id;	/* without <>; NULL if none */
	char		*in_reply_to;	/* first msg-id, without <>; NULL if none */
	char		**references;	/* msg-ids without <> */
	size_t		 nreferences;
	struct msg_header *headers;	/* all top-level headers, in order */
	size_t		 nheaders;
	char		*text;		/* whole readable body, UTF-8, LF line
					 * ends; "" if none */
	int		 text_from_html;
	char		*html;		/* the text/html part as UTF-8, NULL if
					 * none (kept for quote detection) */
	struct msg_attachment *attachments;
	size_t		 nattachments;
	/* A delivery report's machine-readable part (RFC 3464
	 * message/delivery-status, or its text/plain twin in broken bounces),
	 * as text; NULL if none. */
	char		*delivery_status;
	/* The returned message's headers in a bounce (message/rfc822 or
	 * text/rfc822-headers part), raw; NULL if none.  Only set for a
	 * text/rfc822-headers part, inside a multipart/report, or next to a
	 * delivery-status: a mail forwarded as an attachment is not one. */
	char		*returned_headers;
	int		 truncated;	/* a cap was hit; best-effort result */
};

/* Caps on outside input: exceeding one is a clean error or a marked
 * truncation, never undefined behaviour. */
#define MESSAGE_MAX_HEADERS	2000
/* Bytes of one header's value (unfolded), and of the decoded subject: a
 * longer one is cut at a character boundary. */
#define MESSAGE_MAX_HEADER_LEN	(64 * 1024)
#define MESSAGE_MAX_DEPTH	32
#define MESSAGE_MAX_PARTS	1000
#define MESSAGE_MAX_SIZE	(64 * 1024 * 1024)	/* bytes; larger is an
							 * error */

/*
 * Parses `len` bytes of `raw` (CRLF or LF line ends).  Returns 0 and a new
 * message in *out, or -1 with the reason in err (only when nothing at all
 * could be read, or `len` is over MESSAGE_MAX_SIZE: a broken message still
 * gives a best-effort result, with `truncated` set when a cap was hit).
 */
int message_parse(const char *raw, size_t len, struct message **out,
    char *err, size_t errlen);
void message_free(struct message *msg);

/* First header named `name` (case-insensitive), borrowed; NULL if absent. */
const char *message_header(const struct message *msg, const char *name);

/*
 * Decodes a raw header value (as in msg->headers) the way the subject is:
 * RFC 2047 words, raw 8-bit as UTF-8 or else windows-1252, control
 * characters made spaces, trimmed.  Returns a new string (caller frees).
 */
char *message_decode_header(const char *raw);

#endif
