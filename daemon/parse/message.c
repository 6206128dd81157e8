/*
 * message.c — message_parse(): raw RFC 5322 bytes to struct message.
 *
 * The entry point of the MIME reader and the owner of struct message: the
 * top-level header block is read here (all headers, unfolded, capped),
 * its addresses, subject, date and message-ids decoded, then the body is
 * handed to the walk over libetpan's MIME tree.  This file sees none of
 * libetpan; the layers below it are listed in mime_private.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "parse/message.h"
#include "parse/mime_private.h"

#define MIME_MAX_REFS		500	/* References kept */

int
message_parse(const char *raw, size_t len, struct message **out, char *err,
    size_t errlen)
{
	struct message *msg = NULL;
	struct mime_hdrs h;
	const char *v;
	size_t off = 0, body;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	*out = NULL;
	if (raw == NULL || len == 0) {
		snprintf(err, errlen, "empty message");
		goto out;
	}
	if (len > MESSAGE_MAX_SIZE) {
		snprintf(err, errlen, "message too large (%zu bytes, limit "
		    "%d)", len, MESSAGE_MAX_SIZE);
		goto out;
	}
	msg = xcalloc(1, sizeof(*msg));
	/* An mbox "From " envelope line is not a header. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);

		off = nl ? (size_t)(nl - raw) + 1 : len;
	}
	body = off + mime_scan_headers(raw + off, len - off, &h,
	    MESSAGE_MAX_HEADERS);
	if (h.more || h.cut)
		msg->truncated = 1;

	if ((v = mime_hdrs_get(&h, "from")) != NULL)
		mime_parse_from(v, &msg->from);
	else {
		msg->from.name = xstrdup("");
		msg->from.address = xstrdup("");
	}
	if ((v = mime_hdrs_get(&h, "to")) != NULL)
		mime_parse_addrs(v, &msg->to);
	if ((v = mime_hdrs_get(&h, "cc")) != NULL)
		mime_parse_addrs(v, &msg->cc);
	if ((v = mime_hdrs_get(&h, "reply-to")) != NULL)
		mime_parse_addrs(v, &msg->reply_to);
	if ((v = mime_hdrs_get(&h, "return-path")) != NULL)
		msg->return_path = mime_return_path(v);
	v = mime_hdrs_get(&h, "subject");
	msg->subject = mime_decode_words(v ? v : "", v ? strlen(v) : 0);
	/* Raw 8-bit bytes can take three times their size once decoded. */
	if (strlen(msg->subject) > MESSAGE_MAX_HEADER_LEN) {
		msg->subject[mime_utf8_cut(msg->subject,
		    MESSAGE_MAX_HEADER_LEN)] = '\0';
		msg->truncated = 1;
	}
	if ((v = mime_hdrs_get(&h, "date")) != NULL)
		mime_parse_date(v, msg);
	msg->message_id = mime_first_msgid(mime_hdrs_get(&h, "message-id"));
	msg->in_reply_to = mime_first_msgid(mime_hdrs_get(&h,
	    "in-reply-to"));
	if ((v = mime_hdrs_get(&h, "references")) != NULL) {
		msg->references = xcalloc(MIME_MAX_REFS,
		    sizeof(*msg->references));
		msg->nreferences = mime_msgids(v, msg->references,
		    MIME_MAX_REFS);
	}

	mime_parse_body(msg, &h, raw + body, len - body);
	/* The values move to the message, not copied: a long header costs
	 * its length once more, not twice. */
	msg->nheaders = h.kept;
	msg->headers = xcalloc(h.kept ? h.kept : 1, sizeof(*msg->headers));
	for (size_t i = 0; i < h.kept; i++) {
		msg->headers[i].name = xstrndup(h.v[i].name, h.v[i].name_len);
		msg->headers[i].value = h.v[i].value;
		h.v[i].value = NULL;
	}
	*out = msg;
	msg = NULL;
	rc = 0;
out:
	mime_hdrs_free(&h);
	message_free(msg);
	return rc;
}

static void
mime_addrs_free(struct msg_addrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->items[i].name);
		free(a->items[i].address);
	}
	free(a->items);
}

void
message_free(struct message *msg)
{
	if (msg == NULL)
		return;
	free(msg->from.name);
	free(msg->from.address);
	mime_addrs_free(&msg->to);
	mime_addrs_free(&msg->cc);
	mime_addrs_free(&msg->reply_to);
	free(msg->return_path);
	free(msg->subject);
	free(msg->message_id);
	free(msg->in_reply_to);
	for (size_t i = 0; i < msg->nreferences; i++)
		free(msg->references[i]);
	free(msg->references);
	for (size_t i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	free(msg->html);
	for (size_t i = 0; i < msg->nattachments; i++) {
		free(msg->attachments[i].filename);
		free(msg->attachments[i].content_type);
		free(msg->attachments[i].data);
	}
	free(msg->attachments);
	free(msg->delivery_status);
	free(msg->returned_headers);
	free(msg);
}

char *
message_decode_header(const char *raw)
{
	return mime_decode_words(raw ? raw : "", raw ? strlen(raw) : 0);
}

const char *
message_header(const struct message *msg, const char *name)
{
	if (msg == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < msg->nheaders; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0)
			return msg->headers[i].value;
	return NULL;
}
