/*
 * test_corpus_mime.c — message_parse() against the public MIME fixtures of
 * ../shared/corpora (DESIGN.md §8), with the expectations their upstream
 * test suites assert (each folder's expected.json; its `semantics` field
 * says how to read them).  The corpus is not part of the project: when it
 * is absent (a user's clone) the program says so and passes; CDP_CORPORA
 * points elsewhere.
 *
 * In scope — what struct message exposes:
 *  - zbateson_mail_mime_parser: From and To (decoded name, address),
 *    Subject, Message-ID, Date (instant and offset), the text body
 *    ("text": the text/plain part; compared whitespace-collapsed after
 *    converting the ISO-8859-1 expectation file), the HTML body ("html":
 *    our html2text of msg->html against strip_tags(), whitespace-collapsed),
 *    the number of attachments, and the decoded size of each attachment
 *    whose file is in files/ (byte-for-byte there; we keep sizes only).
 *  - mikel_mail: every .eml must parse (error_emails/ are malformed on
 *    purpose: "parses without crashing", which under the sanitizers also
 *    means without a memory error); From address, Subject and attachment
 *    count where the case gives them.
 *  - flanker: every .eml must parse; Subject, the text of a text-only mail,
 *    the delivery-status part and the returned headers of bounces (their
 *    Status and enclosed Subject) where given.
 * Out of scope: the MIME tree shape ("parts", "top_level_parts") and
 * signature bodies ("signed"), which struct message does not expose; the
 * bounce/auto-reply verdicts ("is_bounce"), which autodetect.c owns; the
 * mail gem's API details (envelope, encodings of Ruby strings, Resent-*).
 * Expectations that rest on another policy are skipped, with the reason
 * printed: zbateson does not count the signature part of multipart/signed
 * (we list it, as the mail gem's smime.p7s expectation does), and reads an
 * inline text/plain part that has a file name as body text (we list it as
 * an attachment, so that a joined .txt file is never taken for the
 * sender's words); we do not decode BinHex; the mail gem keeps comments
 * inside addresses ("pete(his account)@silly.test"), and one transcribed
 * subject holds a literal "\t".
 */
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "base/charset.h"
#include "parse/html2text.h"
#include "parse/message.h"
#include "tap.h"
#include "testutil.h"

static char root[1024];
static int zb_checks, zb_pass;

static struct message *
parse_file(const char *path)
{
	struct message *msg = NULL;
	char err[256];
	size_t len;
	char *raw = read_file(path, &len);

	if (raw == NULL)
		return NULL;
	if (message_parse(raw, len, &msg, err, sizeof(err)) != 0) {
		printf("# %s: %s\n", path, err);
		msg = NULL;
	}
	free(raw);
	return msg;
}

/* \s+ -> one space, trimmed (the PHP tests' normalisation). */
static char *
collapse(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	int space = 0;

	if (out == NULL)
		abort();
	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

/* A zbateson expectation: counted for the pass rate. */
static void
zb_is_str(const char *got, const char *want, const char *name)
{
	zb_checks++;
	if (got != NULL && want != NULL && strcmp(got, want) == 0)
		zb_pass++;
	is_str(got, want, name);
}

static void
zb_is_int(long long got, long long want, const char *name)
{
	zb_checks++;
	if (got == want)
		zb_pass++;
	is_int(got, want, name);
}

/* The expectation file, ISO-8859-1, as collapsed UTF-8. */
static char *
zb_expected_text(const char *dir, const char *file)
{
	char path[2048], *raw, *u, *c;
	size_t len;

	snprintf(path, sizeof(path), "%s/_data/emails/files/%s", dir, file);
	if ((raw = read_file(path, &len)) == NULL)
		return NULL;
	u = charset_to_utf8("iso-8859-1", raw, len, NULL);
	c = collapse(u);
	free(raw);
	free(u);
	return c;
}

/* "DateTime(13 Mar 2003 12:44:07 -0500)" -> UTC seconds and offset. */
static int
zb_date(const char *s, time_t *t, int *off)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4], sign;
	int d, y, hh, mi, ss, zh, zm;
	struct tm tm;
	const char *m;

	if (sscanf(s, "DateTime(%d %3s %d %d:%d:%d %c%2d%2d)", &d, mon, &y,
	    &hh, &mi, &ss, &sign, &zh, &zm) != 9 ||
	    (m = strstr(months, mon)) == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	*off = (zh * 60 + zm) * (sign == '-' ? -1 : 1);
	*t = timegm(&tm) - (time_t)*off * 60;
	return 0;
}

static void
zb_attachment_sizes(const char *dir, const char *id,
    const struct message *msg)
{
	for (size_t i = 0; i < msg->nattachments; i++) {
		const struct msg_attachment *a = &msg->attachments[i];
		char path[2048], name[512];
		struct stat st;

		if (a->filename[0] == '\0' || strchr(a->filename, '/') ||
		    strncmp(a->content_type, "text/", 5) == 0)
			continue;	/* text files differ by line ends */
		if (strcmp(a->content_type, "application/mac-binhex40") == 0)
			continue;	/* BinHex is not decoded */
		snprintf(path, sizeof(path), "%s/_data/emails/files/%s", dir, a->filename);
		if (stat(path, &st) != 0)
			continue;
		snprintf(name, sizeof(name), "zbateson %s: size of %s", id,
		    a->filename);
		zb_is_int((long long)a->size, (long long)st.st_size, name);
	}
}

static void
zb_case(const char *dir, const char *id, json_t *c)
{
	json_t *props = json_object_get(c, "props"), *v, *w;
	const char *file = json_string_value(json_object_get(c, "file"));
	char path[2048], name[512];
	struct message *msg;

	if (json_object_get(c, "input_missing") != NULL || file == NULL) {
		printf("# skip zbateson %s: input not in the snapshot\n", id);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(name, sizeof(name), "zbateson %s: parses", id);
	msg = parse_file(path);
	if (!ok(msg != NULL, name))
		return;
	if ((v = json_object_get(props, "From")) != NULL) {
		if ((w = json_object_get(v, "name")) != NULL) {
			snprintf(name, sizeof(name), "zbateson %s: From name",
			    id);
			zb_is_str(msg->from.name, json_string_value(w), name);
		}
		if ((w = json_object_get(v, "email")) != NULL) {
			snprintf(name, sizeof(name), "zbateson %s: From "
			    "address", id);
			zb_is_str(msg->from.address, json_string_value(w),
			    name);
		}
	}
	if ((v = json_object_get(props, "To")) != NULL) {
		const struct msg_addr *to = msg->to.n ? &msg->to.items[0] :
		    NULL;

		if ((w = json_object_get(v, "name")) != NULL) {
			snprintf(name, sizeof(name), "zbateson %s: To name",
			    id);
			zb_is_str(to ? to->name : NULL, json_string_value(w),
			    name);
		}
		if ((w = json_object_get(v, "email")) != NULL) {
			snprintf(name, sizeof(name), "zbateson %s: To address",
			    id);
			zb_is_str(to ? to->address : NULL,
			    json_string_value(w), name);
		}
	}
	if ((v = json_object_get(props, "Subject")) != NULL) {
		snprintf(name, sizeof(name), "zbateson %s: Subject", id);
		zb_is_str(msg->subject, json_string_value(v), name);
	}
	if ((v = json_object_get(props, "Message-ID")) != NULL) {
		snprintf(name, sizeof(name), "zbateson %s: Message-ID", id);
		zb_is_str(msg->message_id, json_string_value(v), name);
	}
	if ((v = json_object_get(props, "Date")) != NULL) {
		time_t t;
		int off;

		if (zb_date(json_string_value(v), &t, &off) == 0) {
			snprintf(name, sizeof(name), "zbateson %s: Date", id);
			zb_is_int(msg->has_date ? (long long)msg->date : -1,
			    (long long)t, name);
			snprintf(name, sizeof(name), "zbateson %s: Date offset",
			    id);
			zb_is_int(msg->date_offset, off, name);
		}
	}
	if ((v = json_object_get(props, "text")) != NULL) {
		char *want = zb_expected_text(dir, json_string_value(v));
		char *got = collapse(msg->text);

		snprintf(name, sizeof(name), "zbateson %s: text (%s)", id,
		    json_string_value(v));
		if (msg->text_from_html)
			printf("# skip %s: the mail's text/plain part is its "
			    "HTML's twin\n", name);
		else
			zb_is_str(got, want, name);
		free(want);
		free(got);
	}
	if ((v = json_object_get(props, "html")) != NULL) {
		char *want = zb_expected_text(dir, json_string_value(v));
		char *t = msg->html ? html2text_convert(msg->html,
		    strlen(msg->html)) : NULL;
		char *got = t ? collapse(t) : NULL;

		snprintf(name, sizeof(name), "zbateson %s: html (%s)", id,
		    json_string_value(v));
		zb_is_str(got, want, name);
		free(want);
		free(t);
		free(got);
	}
	if ((v = json_object_get(props, "attachments")) != NULL) {
		int inline_text = 0;

		for (size_t i = 0; i < msg->nattachments; i++)
			if (msg->attachments[i].inline_part && strcmp(
			    msg->attachments[i].content_type, "text/plain") == 0)
				inline_text = 1;
		snprintf(name, sizeof(name), "zbateson %s: attachments", id);
		if (json_object_get(props, "signed") != NULL)
			printf("# skip %s: zbateson does not count the "
			    "signature part; we list it, as the mail gem "
			    "does\n", name);
		else if (inline_text)
			printf("# skip %s: zbateson reads an inline text/plain "
			    "part with a file name as body text; we list it as "
			    "an attachment\n", name);
		else
			zb_is_int((long long)msg->nattachments,
			    json_integer_value(v), name);
	}
	zb_attachment_sizes(dir, id, msg);
	message_free(msg);
}

static void
test_zbateson(void)
{
	char dir[1200], path[1300];
	json_error_t jerr;
	json_t *doc, *cases, *c;
	const char *id;

	snprintf(dir, sizeof(dir), "%s/zbateson_mail_mime_parser", root);
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	doc = json_load_file(path, 0, &jerr);
	if (!ok(doc != NULL, "zbateson: expected.json loads")) {
		printf("#   %s\n", jerr.text);
		return;
	}
	printf("# zbateson semantics: %s\n", json_string_value(json_object_get(
	    json_object_get(doc, "semantics"), "text")));
	cases = json_object_get(doc, "cases");
	json_object_foreach(cases, id, c)
		zb_case(dir, id, c);
	json_decref(doc);
}

/* Every *.eml below dir must parse; returns how many were tried. */
static int
parse_all(const char *dir, const char *label)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[2048], name[2300];
		struct stat st;
		struct message *msg;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			n += parse_all(path, label);
			continue;
		}
		if (l < 5 || strcmp(e->d_name + l - 4, ".eml") != 0)
			continue;
		snprintf(name, sizeof(name), "%s: %s parses", label,
		    path + strlen(root) + 1);
		msg = parse_file(path);
		ok(msg != NULL && msg->subject != NULL && msg->text != NULL,
		    name);
		message_free(msg);
		n++;
	}
	closedir(d);
	return n;
}

static void
test_mikel(void)
{
	char dir[1200], path[1300], name[512];
	json_error_t jerr;
	json_t *doc, *c, *v;
	const char *key;

	snprintf(dir, sizeof(dir), "%s/mikel_mail", root);
	snprintf(path, sizeof(path), "%s/emails", dir);
	printf("# mikel_mail: %d messages parsed\n", parse_all(path,
	    "mikel_mail"));
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	doc = json_load_file(path, 0, &jerr);
	if (!ok(doc != NULL, "mikel_mail: expected.json loads"))
		return;
	json_object_foreach(json_object_get(doc, "cases"), key, c) {
		const char *file = json_string_value(json_object_get(c,
		    "file"));
		struct message *msg;

		if (file == NULL || strcmp(file, "emails") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if ((msg = parse_file(path)) == NULL)
			continue;	/* reported by parse_all */
		v = json_array_get(json_object_get(c, "from_addresses"), 0);
		snprintf(name, sizeof(name), "mikel_mail %s: From", file);
		if (v != NULL && strchr(json_string_value(v), '(') != NULL)
			printf("# skip %s: the mail gem keeps comments inside "
			    "the address\n", name);
		else if (v != NULL)
			is_str(msg->from.address, json_string_value(v), name);
		v = json_object_get(c, "subject");
		snprintf(name, sizeof(name), "mikel_mail %s: Subject", file);
		if (v != NULL && strchr(json_string_value(v), '\\') != NULL)
			printf("# skip %s: the transcribed expectation holds a "
			    "literal backslash\n", name);
		else if (v != NULL)
			is_str(msg->subject, json_string_value(v), name);
		if ((v = json_object_get(c, "attachment_count")) != NULL) {
			snprintf(name, sizeof(name), "mikel_mail %s: "
			    "attachments", file);
			is_int((long long)msg->nattachments,
			    json_integer_value(v), name);
		}
		message_free(msg);
	}
	json_decref(doc);
}

/* The value of the first "Name:" line of a header block, decoded. */
static char *
header_in(const char *block, const char *field)
{
	size_t n = strlen(field);

	for (const char *l = block; l && *l; l = strchr(l, '\n'),
	    l = l ? l + 1 : NULL) {
		if (strncasecmp(l, field, n) == 0 && l[n] == ':') {
			char *raw = strndup(l + n + 1, strcspn(l + n + 1,
			    "\n"));
			char *v = message_decode_header(raw);

			free(raw);
			return v;
		}
	}
	return NULL;
}

static void
test_flanker(void)
{
	char dir[1200], path[1300], name[512];
	json_error_t jerr;
	json_t *doc, *c, *e, *v;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/flanker", root);
	snprintf(path, sizeof(path), "%s/messages", dir);
	printf("# flanker: %d messages parsed\n", parse_all(path, "flanker"));
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	doc = json_load_file(path, 0, &jerr);
	if (!ok(doc != NULL, "flanker: expected.json loads"))
		return;
	json_array_foreach(json_object_get(doc, "cases"), i, c) {
		const char *file = json_string_value(json_object_get(c,
		    "file"));
		struct message *msg;
		json_t *parts;

		e = json_object_get(c, "expected");
		if (file == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if ((msg = parse_file(path)) == NULL)
			continue;
		if ((v = json_object_get(e, "subject")) != NULL) {
			snprintf(name, sizeof(name), "flanker %s: Subject",
			    file);
			is_str(msg->subject, json_string_value(v), name);
		}
		if ((v = json_object_get(e, "body")) != NULL) {
			/* flanker's tests read fixtures with CRLF line ends;
			 * ours are LF. */
			const char *b = json_string_value(v);
			char *want = malloc(strlen(b) + 1), *w = want;

			if (want == NULL)
				abort();
			for (; *b; b++)
				if (*b != '\r')
					*w++ = *b;
			*w = '\0';
			snprintf(name, sizeof(name), "flanker %s: text", file);
			is_str(msg->text, want, name);
			free(want);
		}
		parts = json_object_get(e, "parts");
		for (size_t k = 0; k < json_array_size(parts); k++) {
			const char *p = json_string_value(json_array_get(parts,
			    k));

			if (strcmp(p, "message/delivery-status") == 0) {
				snprintf(name, sizeof(name), "flanker %s: "
				    "delivery-status kept", file);
				ok(msg->delivery_status != NULL, name);
			}
			if (strncmp(p, "message/rfc822", 14) == 0 ||
			    strncmp(p, "text/rfc822-headers", 19) == 0) {
				snprintf(name, sizeof(name), "flanker %s: "
				    "returned headers kept", file);
				ok(msg->returned_headers != NULL, name);
			}
		}
		if ((v = json_object_get(e, "dsn_status")) != NULL &&
		    msg->delivery_status != NULL) {
			char *st = header_in(msg->delivery_status, "Status");

			snprintf(name, sizeof(name), "flanker %s: Status",
			    file);
			is_str(st, json_string_value(v), name);
			free(st);
		}
		if ((v = json_object_get(e, "enclosed_subject")) != NULL) {
			char *s = msg->returned_headers ? header_in(
			    msg->returned_headers, "Subject") : NULL;

			snprintf(name, sizeof(name), "flanker %s: enclosed "
			    "Subject", file);
			is_str(s, json_string_value(v), name);
			free(s);
		}
		message_free(msg);
	}
	json_decref(doc);
}

int
main(void)
{
	const char *env = getenv("CDP_CORPORA");
	struct stat st;

	snprintf(root, sizeof(root), "%s", env && *env ? env :
	    "../shared/corpora");
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("# skip: corpora not found (%s)\n", root);
		printf("0 passed, 0 failed\n");
		return 0;
	}
	test_zbateson();
	printf("# zbateson_mail_mime_parser: %d of %d expectations met "
	    "(%.1f%%)\n", zb_pass, zb_checks, zb_checks ? 100.0 * zb_pass /
	    zb_checks : 0.0);
	test_mikel();
	test_flanker();
	return tap_done();
}
