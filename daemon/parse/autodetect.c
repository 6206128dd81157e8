/*
 * autodetect.c — recognising automatic mail; see autodetect.h for the
 * decisions and their order.
 *
 * Header mechanisms that standards or a single vendor fix (Auto-Submitted,
 * Precedence, List-Id, Content-Type report types, Exchange's inbox-rule
 * loop header) are tested here; everything that is a phrase, and so varies
 * with MTAs, clients and languages, is a rule in auto.rules, matched with
 * rules.c.  The bounce details come from bounce.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "base/buf.h"
#include "parse/message.h"
#include "parse/rules.h"

/* Longest header line ("Name: value") matched against auto_header rules;
 * a longer value is matched on its first part only. */
#define AUTODETECT_MAX_HEADER	4096

const char *
autodetect_name(enum msg_auto a)
{
	switch (a) {
	case MSG_AUTO_REPLY:
		return "auto-reply";
	case MSG_AUTO_BOUNCE:
		return "bounce";
	case MSG_AUTO_LIST:
		return "list";
	case MSG_AUTO_NONE:
		break;
	}
	return "none";
}

/* What the classifier learnt from the message, gathered once. */
struct auto_signs {
	int	 dsn_type;	/* Content-Type report-type=delivery-status */
	int	 arf_type;	/* report-type=feedback-report */
	int	 empty_rp;	/* Return-Path: <> */
	int	 system_sender;	/* From is a delivery system (bounce_sender) */
	int	 noreply_sender; /* From never reads answers (auto_sender) */
	int	 auto_submitted; /* RFC 3834 keyword other than "no" */
	int	 submitted_no;	/* Auto-Submitted: no, said explicitly */
	int	 auto_header;	/* another automatic-reply header */
	int	 precedence_auto; /* Precedence: auto_reply */
	int	 precedence_list; /* Precedence: bulk / list / junk */
	int	 has_precedence;
	int	 list_id;
	int	 list_unsubscribe;
	int	 list_unsubscribe_post;
	int	 failed_recipients; /* X-Failed-Recipients (Exim bounces) */
	int	 bounce_subject;
	int	 auto_subject;
};

/* Copies the first token of a header value (up to blank, ';' or '('),
 * lower case, into out; "" if none. */
static void
autodetect_keyword(const char *v, char *out, size_t outlen)
{
	size_t n = 0;

	while (*v == ' ' || *v == '\t' || *v == '"')
		v++;
	while (*v != '\0' && *v != ';' && *v != '(' && *v != '"' &&
	    !isspace((unsigned char)*v) && n + 1 < outlen)
		out[n++] = (char)tolower((unsigned char)*v++);
	out[n] = '\0';
}

/* 1 if a yes/no-ish header value says yes (any value but no/false/0). */
static int
autodetect_yes(const char *v)
{
	char kw[16];

	autodetect_keyword(v, kw, sizeof(kw));
	return strcmp(kw, "no") != 0 && strcmp(kw, "false") != 0 &&
	    strcmp(kw, "0") != 0;
}

/* Value of parameter `param` of a Content-Type header, lower case, into
 * out; "" if absent. */
static void
autodetect_ct_param(const char *ct, const char *param, char *out,
    size_t outlen)
{
	size_t plen = strlen(param), n = 0;
	const char *p = ct;

	out[0] = '\0';
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (strncasecmp(p, param, plen) != 0)
			continue;
		p += plen;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			continue;
		p++;
		while (isspace((unsigned char)*p) || *p == '"')
			p++;
		while (*p != '\0' && *p != '"' && *p != ';' &&
		    !isspace((unsigned char)*p) && n + 1 < outlen)
			out[n++] = (char)tolower((unsigned char)*p++);
		out[n] = '\0';
		return;
	}
}

static int
autodetect_match(const struct rules *rules, const char *label,
    const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	return bounce_rules_earliest(rules, label, s, strlen(s), NULL) >= 0;
}

/* 1 if a header line matches an auto_header rule. */
static int
autodetect_header_rules(const struct message *msg, const struct rules *rules)
{
	const size_t *idx;
	size_t i, k, n = rules_with_label(rules, "auto_header", &idx);
	struct buf line;
	int hit = 0;

	if (n == 0)
		return 0;
	buf_init(&line, 0);
	for (i = 0; i < msg->nheaders && !hit; i++) {
		const char *v = msg->headers[i].value ?
		    msg->headers[i].value : "";
		size_t vlen = strlen(v);

		if (msg->headers[i].name == NULL)
			continue;
		if (vlen > AUTODETECT_MAX_HEADER)
			vlen = AUTODETECT_MAX_HEADER;
		buf_reset(&line);
		buf_adds(&line, msg->headers[i].name);
		buf_adds(&line, ": ");
		buf_add(&line, v, vlen);
		for (k = 0; k < n && !hit; k++)
			hit = rules_match(rules, idx[k], buf_str(&line),
			    line.len, NULL, NULL) == 1;
	}
	buf_free(&line);
	return hit;
}

static void
autodetect_gather(const struct message *msg, const struct rules *rules,
    struct auto_signs *s)
{
	const char *v;
	char kw[64];
	size_t i;

	memset(s, 0, sizeof(*s));
	if ((v = message_header(msg, "Content-Type")) != NULL) {
		autodetect_ct_param(v, "report-type", kw, sizeof(kw));
		s->dsn_type = strcmp(kw, "delivery-status") == 0;
		s->arf_type = strcmp(kw, "feedback-report") == 0;
	}
	s->empty_rp = msg->return_path != NULL && msg->return_path[0] == '\0';
	s->system_sender = autodetect_match(rules, "bounce_sender",
	    msg->from.address) || autodetect_match(rules, "bounce_sender",
	    msg->from.name);
	s->noreply_sender = autodetect_match(rules, "auto_sender",
	    msg->from.address);

	for (i = 0; i < msg->nheaders; i++) {
		const char *n = msg->headers[i].name;

		v = msg->headers[i].value ? msg->headers[i].value : "";
		if (n == NULL)
			continue;
		if (strcasecmp(n, "Auto-Submitted") == 0) {
			/* RFC 3834 §5: "no" or absent means a person. */
			autodetect_keyword(v, kw, sizeof(kw));
			if (strcmp(kw, "no") == 0)
				s->submitted_no = 1;
			else if (kw[0] != '\0')
				s->auto_submitted = 1;
		} else if (strcasecmp(n, "X-Autoreply") == 0 ||
		    strcasecmp(n, "X-Autorespond") == 0) {
			if (autodetect_yes(v))
				s->auto_header = 1;
		} else if (strcasecmp(n, "X-MS-Exchange-Inbox-Rules-Loop") ==
		    0) {
			s->auto_header = 1;
		} else if (strcasecmp(n, "Precedence") == 0) {
			s->has_precedence = 1;
			autodetect_keyword(v, kw, sizeof(kw));
			if (strcmp(kw, "auto_reply") == 0)
				s->precedence_auto = 1;
			else if (strcmp(kw, "bulk") == 0 ||
			    strcmp(kw, "list") == 0 ||
			    strcmp(kw, "junk") == 0)
				s->precedence_list = 1;
		} else if (strcasecmp(n, "List-Id") == 0) {
			s->list_id = 1;
		} else if (strcasecmp(n, "List-Unsubscribe") == 0) {
			s->list_unsubscribe = 1;
		} else if (strcasecmp(n, "List-Unsubscribe-Post") == 0) {
			s->list_unsubscribe_post = 1;
		} else if (strcasecmp(n, "X-Failed-Recipients") == 0) {
			s->failed_recipients = 1;
		}
	}
	if (!s->auto_header)
		s->auto_header = autodetect_header_rules(msg, rules);

	s->bounce_subject = autodetect_match(rules, "bounce_subject",
	    msg->subject);
	s->auto_subject = autodetect_match(rules, "auto_subject",
	    msg->subject);

}

/*
 * Whether the text says in words that a mail was not delivered.  Asked
 * only when another sign of a bounce is there (autodetect_is_text_bounce):
 * its sixty patterns over the whole text are most of the cost of looking
 * at a person's mail, which has no such sign.  Bounce sentences count
 * only in the report, not in the returned copy of the original message
 * below it.
 */
static int
autodetect_bounce_body(const struct message *msg, const struct rules *rules)
{
	const char *text = msg->text != NULL ? msg->text : "";
	size_t len = strlen(text);
	long cut;

	if (len > BOUNCE_MAX_TEXT)
		len = BOUNCE_MAX_TEXT;
	cut = bounce_rules_earliest(rules, "bounce_original", text, len, NULL);
	if (cut > 0)
		len = (size_t)cut;
	return len > 0 && bounce_rules_earliest(rules, "bounce_body", text,
	    len, NULL) >= 0;
}

/* A sign, besides a phrase, that a delivery system wrote the mail. */
static int
autodetect_backing(const struct message *msg, const struct auto_signs *s)
{
	return s->system_sender || s->empty_rp || s->auto_submitted ||
	    s->noreply_sender || s->dsn_type || s->failed_recipients ||
	    msg->returned_headers != NULL;
}

/*
 * The delivery-status fields of a report whose MIME structure is broken
 * (the parser then leaves them in the text, e.g. a report forwarded as an
 * attachment by Mirapoint, or a boundary it could not follow): the text
 * from the first line that starts with Reporting-MTA, Final-Recipient or
 * Original-Recipient.  Borrowed pointer into msg->text; NULL if none.
 */
static const char *
autodetect_dsn_in_text(const struct message *msg)
{
	static const char *const starts[] = {
		"reporting-mta:", "final-recipient:", "original-recipient:"
	};
	const char *p = msg->text, *end;
	size_t i;

	if (p == NULL)
		return NULL;
	end = p + strnlen(p, BOUNCE_MAX_TEXT);
	while (p < end) {
		for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
			if ((size_t)(end - p) > strlen(starts[i]) &&
			    strncasecmp(p, starts[i], strlen(starts[i])) == 0)
				return p;
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			break;
		p++;
	}
	return NULL;
}

/* Step 2 of autodetect.h: a non-standard bounce needs two signs. */
static int
autodetect_is_text_bounce(const struct message *msg,
    const struct rules *rules, const struct auto_signs *s)
{
	int backing = autodetect_backing(msg, s);

	if (s->bounce_subject && backing)
		return 1;
	/* Words alone are not enough: asked only with a second sign. */
	if ((s->bounce_subject || backing) &&
	    autodetect_bounce_body(msg, rules))
		return 1;
	if (s->system_sender && s->empty_rp &&
	    (s->dsn_type || msg->returned_headers != NULL))
		return 1;
	return 0;
}

enum msg_auto
autodetect_classify(const struct message *msg, const struct rules *rules,
    struct bounce_info *bounce)
{
	struct bounce_info tmp = { NULL, NULL, NULL };
	struct bounce_info *b = bounce != NULL ? bounce : &tmp;
	struct auto_signs s;
	enum msg_auto res = MSG_AUTO_NONE;
	enum bounce_dsn dsn;
	const char *ds;

	memset(b, 0, sizeof(*b));
	autodetect_gather(msg, rules, &s);

	/* 1. Machine-readable reports. */
	ds = msg->delivery_status;
	if (ds == NULL && autodetect_backing(msg, &s))
		ds = autodetect_dsn_in_text(msg);
	dsn = bounce_parse_dsn(ds, b);
	if (dsn == BOUNCE_DSN_FAILED || dsn == BOUNCE_DSN_DELAYED) {
		/* Broken reports lack a field the text still has. */
		bounce_parse_text(msg, rules, b);
		res = MSG_AUTO_BOUNCE;
		goto out;
	}
	if (dsn == BOUNCE_DSN_DELIVERED || s.arf_type) {
		res = MSG_AUTO_REPLY;
		goto out;
	}
	/* 2. Bounces in words. */
	if (autodetect_is_text_bounce(msg, rules, &s)) {
		bounce_parse_text(msg, rules, b);
		res = MSG_AUTO_BOUNCE;
		goto out;
	}
	/* 3. Automatic replies.  A sender that says "Auto-Submitted: no" is
	 * believed over the guesses from its subject and address. */
	if (s.auto_submitted || s.auto_header || s.precedence_auto ||
	    (s.auto_subject && !s.submitted_no)) {
		res = MSG_AUTO_REPLY;
		goto out;
	}
	/* 4. Lists and bulk mail. */
	if (s.list_id || s.precedence_list || (s.list_unsubscribe &&
	    (s.has_precedence || s.list_unsubscribe_post))) {
		res = MSG_AUTO_LIST;
		goto out;
	}
	/* 5. Weak signs of a machine. */
	if (!s.submitted_no && (s.empty_rp || s.system_sender ||
	    s.noreply_sender))
		res = MSG_AUTO_REPLY;
out:
	if (res != MSG_AUTO_BOUNCE || bounce == NULL)
		bounce_info_free(b);
	return res;
}
