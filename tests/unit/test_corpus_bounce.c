/*
 * test_corpus_bounce.c — bounce and auto-reply detection measured on public
 * corpora: sisimai's set-of-emails (real bounces from hundreds of MTAs,
 * vacation replies, ARF reports) and Mail::DeliveryStatus::BounceParser's
 * is-this-a-bounce labels.  Each .eml goes through the real parser
 * (message_parse) and autodetect_classify() with config/rules/auto.rules.
 *
 * The corpora are data outside the project (../shared/corpora, or
 * $CDP_CORPORA): without them the test says so and passes.  Every miss is
 * printed as a "# miss:" comment; the checks are accuracy thresholds just
 * below what the current rules reach, so that a regression fails while a
 * known, documented miss does not.  Expectations are the upstream ones;
 * where we disagree on purpose (a forwarded bounce is a person's mail, a
 * delayed DSN is a bounce with action "delayed"), the miss stays visible.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "parse/autodetect.h"
#include "parse/bounce.h"
#include "base/mem.h"
#include "parse/message.h"
#include "parse/rules.h"
#include "tap.h"
#include "testutil.h"

#define RULES_PATH	"config/rules/auto.rules"

/* Thresholds: what the current rules and parser reach, minus about one
 * case, so that any regression fails.  Measured (the MIME reader and
 * auto.rules): sisimai bounce-vs-not 585/588, autoreply 5/5, reports as
 * auto-reply 23/23, status 417/433 (class 467/473 when known), recipient
 * 558/559; BounceParser 69/76, addresses 34/37. */
#define MIN_SISIMAI_BOUNCE	99.2	/* bounce vs not bounce, % */
#define MIN_SISIMAI_AUTOREPLY	100.0	/* autoreply category, % */
#define MIN_SISIMAI_AUTOMATIC	100.0	/* autoreply, ARF, success DSN */
#define MIN_SISIMAI_STATUS	96.0	/* exact RFC 3463 status, % */
#define MIN_SISIMAI_CLASS	98.6	/* 4 vs 5 when a status is known */
#define MIN_SISIMAI_RECIPIENT	99.5	/* bounces with a recipient, % */
#define MIN_BP_BOUNCE		90.0	/* BounceParser is_bounce, % */
#define MIN_BP_ADDRESS		91.0	/* recipient among upstream's, % */

static struct rules *rules;

struct count {
	int	good;
	int	total;
};

static double
pct(const struct count *c)
{
	return c->total ? 100.0 * c->good / c->total : 100.0;
}

/* One score of a corpus run: shown as "# label: good/total (pct%)", and,
 * unless name is NULL (shown only), checked against its floor. */
struct score {
	const char		*label;
	const struct count	*count;
	double			 min;
	const char		*name;
};

static void
check_scores(const struct score *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("# %s: %d/%d (%.1f%%)\n", s[i].label, s[i].count->good,
		    s[i].count->total, pct(s[i].count));
	for (; n > 0; s++, n--)
		if (s->name != NULL)
			ok(pct(s->count) >= s->min, s->name);
}

#define CHECK_SCORES(scores) \
	check_scores((scores), sizeof(scores) / sizeof((scores)[0]))

/* Parses and classifies one corpus file; -1 when it cannot be read or
 * parsed (reported by the caller as a miss). */
static int
classify_file(const char *root, const char *dir, const char *file,
    enum msg_auto *kind, struct bounce_info *b)
{
	char path[4096], err[512];
	struct message *msg = NULL;
	size_t len = 0;
	char *raw;
	int rc = -1;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), "%s/%s/%s", root, dir, file);
	raw = read_file(path, &len);
	if (raw == NULL) {
		printf("# cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (message_parse(raw, len, &msg, err, sizeof(err)) != 0) {
		printf("# cannot parse %s: %s\n", path, err);
		goto out;
	}
	*kind = autodetect_classify(msg, rules, b);
	rc = 0;
out:
	message_free(msg);
	free(raw);
	return rc;
}

/* sisimai's own pseudo status codes ("5.0.918"...) come from its reason
 * table, not from the mail: no MTA writes them, so they are not compared. */
static int
sisimai_real_status(const char *st)
{
	const char *p;

	if (st[0] == '\0' || strncmp(st + 1, ".0.", 3) != 0)
		return st[0] != '\0';
	p = st + 4;
	return atoi(p) < 900;
}

static void
test_sisimai(const char *root)
{
	char path[4096], *tsv, *line, *next;
	struct count bounce = { 0, 0 }, autoreply = { 0, 0 };
	struct count automatic = { 0, 0 }, status = { 0, 0 };
	struct count recipient = { 0, 0 }, klass = { 0, 0 }, known = { 0, 0 };
	size_t len;

	snprintf(path, sizeof(path), "%s/sisimai_set_of_emails/expected.tsv",
	    root);
	tsv = read_file(path, &len);
	if (tsv == NULL) {
		ok(0, "sisimai expected.tsv readable");
		return;
	}
	for (line = tsv; line != NULL && *line != '\0'; line = next) {
		char *f[4] = { NULL, NULL, NULL, NULL }, *p = line, want_st[32];
		struct bounce_info b;
		enum msg_auto kind = MSG_AUTO_NONE;
		int i, want_bounce, got_bounce;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		for (i = 0; i < 4 && p != NULL; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
		}
		if (f[3] == NULL || strcmp(f[0], "file") == 0)
			continue;
		if (classify_file(root, "sisimai_set_of_emails", f[0], &kind,
		    &b) != 0)
			kind = MSG_AUTO_NONE;

		want_bounce = strcmp(f[1], "bounce") == 0;
		got_bounce = kind == MSG_AUTO_BOUNCE;
		bounce.total++;
		if (want_bounce == got_bounce)
			bounce.good++;
		else
			printf("# miss: %s %s %s\n", f[0], f[1],
			    autodetect_name(kind));
		if (strcmp(f[1], "autoreply") == 0) {
			autoreply.total++;
			if (kind == MSG_AUTO_REPLY)
				autoreply.good++;
			else
				printf("# miss: %s autoreply %s\n", f[0],
				    autodetect_name(kind));
		}
		/* Feedback reports and success DSNs: never answered. */
		if (strcmp(f[1], "arf_feedback") == 0 ||
		    strcmp(f[1], "dsn_delivered") == 0 ||
		    strcmp(f[1], "autoreply") == 0) {
			automatic.total++;
			if (kind == MSG_AUTO_REPLY)
				automatic.good++;
			else if (strcmp(f[1], "autoreply") != 0)
				printf("# miss: %s %s %s\n", f[0], f[1],
				    autodetect_name(kind));
		}
		if (want_bounce && got_bounce) {
			recipient.total++;
			if (b.recipient != NULL && strchr(b.recipient, '@'))
				recipient.good++;
			else
				printf("# no-recipient: %s\n", f[0]);
		}
		/* First recipient's expected status ("5.1.1,5.1.1"). */
		snprintf(want_st, sizeof(want_st), "%.*s",
		    (int)strcspn(f[3], ","), f[3]);
		/* Over every expected status, sisimai's pseudo-codes
		 * included: is a status known at all (many bounces give none
		 * and sisimai infers one from its reason), and when known, is
		 * its class (permanent or temporary) right. */
		if (want_bounce && got_bounce && want_st[0] != '\0') {
			known.total++;
			if (b.status != NULL) {
				known.good++;
				klass.total++;
				if (b.status[0] == want_st[0])
					klass.good++;
				else
					printf("# class-miss: %s %s %s\n", f[0],
					    want_st, b.status);
			}
		}
		if (want_bounce && sisimai_real_status(want_st)) {
			status.total++;
			if (b.status != NULL && strcmp(b.status, want_st) == 0)
				status.good++;
			else
				printf("# status-miss: %s %s %s\n", f[0],
				    want_st, b.status ? b.status : "-");
		}
		bounce_info_free(&b);
	}
	free(tsv);

	const struct score scores[] = {
		{ "sisimai bounce-vs-not", &bounce, MIN_SISIMAI_BOUNCE,
		    "sisimai bounce-vs-not" },
		{ "sisimai autoreply category as auto-reply", &autoreply,
		    MIN_SISIMAI_AUTOREPLY, "sisimai autoreply" },
		{ "sisimai autoreply+arf+dsn_delivered as auto-reply",
		    &automatic, MIN_SISIMAI_AUTOMATIC,
		    "sisimai reports that are not bounces are auto-reply" },
		{ "sisimai status (real RFC 3463 codes)", &status,
		    MIN_SISIMAI_STATUS, "sisimai status" },
		{ "sisimai status known (all expected codes)", &known, 0,
		    NULL },
		{ "sisimai status class when known", &klass, MIN_SISIMAI_CLASS,
		    "sisimai status class" },
		{ "sisimai bounces with a recipient", &recipient,
		    MIN_SISIMAI_RECIPIENT, "sisimai recipient" },
	};

	ok(bounce.total > 500, "sisimai: corpus read");
	CHECK_SCORES(scores);
}

static void
test_bounceparser(const char *root)
{
	char path[4096];
	json_error_t jerr;
	json_t *doc, *cases, *c;
	const char *key;
	struct count bounce = { 0, 0 }, address = { 0, 0 };

	snprintf(path, sizeof(path), "%s/bounceparser/expected.json", root);
	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		printf("# %s:%d: %s\n", path, jerr.line, jerr.text);
		ok(0, "bounceparser expected.json readable");
		return;
	}
	cases = json_object_get(doc, "cases");
	json_object_foreach(cases, key, c) {
		json_t *jb = json_object_get(c, "is_bounce");
		json_t *addrs = json_object_get(c, "addresses");
		const char *file = json_string_value(json_object_get(c,
		    "file"));
		enum msg_auto kind = MSG_AUTO_NONE;
		struct bounce_info b;
		int want, got;

		if (file == NULL || !json_is_integer(jb))
			continue;
		if (classify_file(root, "bounceparser", file, &kind, &b) != 0)
			kind = MSG_AUTO_NONE;
		want = json_integer_value(jb) != 0;
		got = kind == MSG_AUTO_BOUNCE;
		bounce.total++;
		if (want == got)
			bounce.good++;
		else
			printf("# miss: %s is_bounce=%d %s\n", key, want,
			    autodetect_name(kind));
		if (want && got && json_is_array(addrs) &&
		    json_array_size(addrs) > 0) {
			size_t i;
			int found = 0;

			address.total++;
			for (i = 0; i < json_array_size(addrs); i++) {
				const char *a = json_string_value(
				    json_array_get(addrs, i));

				if (a != NULL && b.recipient != NULL &&
				    strcasecmp(a, b.recipient) == 0)
					found = 1;
			}
			if (found)
				address.good++;
			else
				printf("# address-miss: %s %s %s\n", key,
				    json_string_value(json_array_get(addrs, 0)),
				    b.recipient ? b.recipient : "-");
		}
		bounce_info_free(&b);
	}
	json_decref(doc);
	const struct score scores[] = {
		{ "bounceparser is_bounce", &bounce, MIN_BP_BOUNCE,
		    "bounceparser is_bounce" },
		{ "bounceparser recipient address", &address, MIN_BP_ADDRESS,
		    "bounceparser recipient" },
	};

	ok(bounce.total > 50, "bounceparser: corpus read");
	CHECK_SCORES(scores);
}

int
main(void)
{
	const char *root = getenv("CDP_CORPORA");
	char probe[4096], err[4096];
	struct stat st;

	if (root == NULL || *root == '\0')
		root = "../shared/corpora";
	snprintf(probe, sizeof(probe), "%s/sisimai_set_of_emails", root);
	if (stat(probe, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("# skip: corpora not found\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	if (rules_load(RULES_PATH, &rules, err, sizeof(err)) != 0) {
		printf("not ok 1 - load %s\n# %s\n", RULES_PATH, err);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	test_sisimai(root);
	test_bounceparser(root);
	rules_free(rules);
	return tap_done();
}
