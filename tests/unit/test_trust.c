/*
 * test_trust.c — Authentication-Results from our own server decide whether
 * a mail matched only by its subject tag may carry commands.
 *
 * The cases are whole mails read by message_parse(), as the daemon reads
 * them.  Each refusal has a twin that passes and differs in the one thing
 * under test, so a check that always answered 0 (or 1) would fail.  The
 * real-world samples follow what Gmail, OpenDKIM/OpenDMARC, policyd-spf,
 * rspamd and Microsoft 365 write, with example domains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "parse/message.h"
#include "tap.h"
#include "thread/trust.h"

#define OURS	"mx.parc.org"

struct ar_case {
	const char	*name;
	const char	*headers;	/* raw header lines, CRLF-terminated */
	const char	*from;		/* From address; NULL = default */
	const char	*ids;		/* configured, comma-separated; NULL =
					 * OURS */
	int		 want;
};

#define AR	"Authentication-Results: "
#define ALICE	"alice@example.org"

/* Samples repeated with a From they do not vouch for. */
#define GMAIL	AR "mx.google.com;\r\n" \
	"       dkim=pass header.i=@example.org header.s=s1 header.b=abc;\r\n" \
	"       spf=pass (google.com: domain of x@example.org designates " \
	"1.2.3.4 as permitted sender) smtp.mailfrom=x@example.org;\r\n" \
	"       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.org\r\n"
#define OPENDKIM AR OURS "; dkim=pass (2048-bit key; unprotected) " \
	"header.d=orange.fr header.i=@orange.fr header.a=rsa-sha256 " \
	"header.s=t20230301 header.b=AbCd\r\n"
/* Microsoft 365 writes no authserv-id at all (OpenARC pull request 192
 * reports the same of Office 365). */
#define MS365	"spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=example.org; " \
	"dkim=pass (signature was verified) header.d=example.org;" \
	"dmarc=pass action=none header.from=example.org;" \
	"compauth=pass reason=100"

static const struct ar_case cases[] = {
	/* DKIM */
	{ "dkim pass, header.d = From domain",
	    AR OURS "; dkim=pass header.d=example.org header.s=mail\r\n",
	    NULL, NULL, 1 },
	{ "dkim pass for another domain",
	    AR OURS "; dkim=pass header.d=evil.org header.s=mail\r\n",
	    NULL, NULL, 0 },
	{ "dkim pass, header.i only",
	    AR OURS "; dkim=pass header.i=@example.org\r\n", NULL, NULL, 1 },
	{ "dkim pass, header.i of another domain",
	    AR OURS "; dkim=pass header.i=@evil.org\r\n", NULL, NULL, 0 },
	{ "dkim pass, header.i with a local part",
	    AR OURS "; dkim=pass header.i=alice@example.org\r\n", NULL, NULL,
	    1 },
	{ "header.d wins over header.i",
	    AR OURS "; dkim=pass header.d=evil.org header.i=@example.org\r\n",
	    NULL, NULL, 0 },
	{ "dkim pass without any domain",
	    AR OURS "; dkim=pass header.s=mail\r\n", NULL, NULL, 0 },

	/* SPF */
	{ "spf pass, smtp.mailfrom in From domain",
	    AR OURS "; spf=pass smtp.mailfrom=bounce@example.org\r\n", NULL,
	    NULL, 1 },
	{ "spf pass, smtp.mailfrom as a bare domain",
	    AR OURS "; spf=pass smtp.mailfrom=example.org\r\n", NULL, NULL, 1 },
	{ "spf pass for another domain",
	    AR OURS "; spf=pass smtp.mailfrom=bounce@evil.org\r\n", NULL, NULL,
	    0 },
	{ "spf pass for the HELO name only",
	    AR OURS "; spf=pass smtp.helo=example.org\r\n", NULL, NULL, 0 },
	{ "spf pass with an empty envelope sender",
	    AR OURS "; spf=pass smtp.mailfrom=\"\"\r\n", NULL, NULL, 0 },

	/* DMARC */
	{ "dmarc pass, header.from = From domain",
	    AR OURS "; dmarc=pass (p=none dis=none) header.from=example.org\r\n",
	    NULL, NULL, 1 },
	{ "dmarc pass for another domain",
	    AR OURS "; dmarc=pass (p=none dis=none) header.from=evil.org\r\n",
	    NULL, NULL, 0 },
	{ "dmarc header.from must be the From domain itself",
	    AR OURS "; dmarc=pass header.from=example.org\r\n",
	    "alice@mail.example.org", NULL, 0 },
	{ "other methods do not count",
	    AR OURS "; iprev=pass policy.iprev=1.2.3.4; auth=pass "
	    "smtp.auth=alice@example.org; arc=pass header.d=example.org\r\n",
	    NULL, NULL, 0 },

	/* Results other than pass */
	{ "dkim fail", AR OURS "; dkim=fail header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "spf softfail",
	    AR OURS "; spf=softfail smtp.mailfrom=example.org\r\n", NULL, NULL,
	    0 },
	{ "spf neutral", AR OURS "; spf=neutral smtp.mailfrom=example.org\r\n",
	    NULL, NULL, 0 },
	{ "dkim none", AR OURS "; dkim=none header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "dkim temperror",
	    AR OURS "; dkim=temperror header.d=example.org\r\n", NULL, NULL, 0 },
	{ "spf permerror",
	    AR OURS "; spf=permerror smtp.mailfrom=example.org\r\n", NULL, NULL,
	    0 },
	{ "dkim policy", AR OURS "; dkim=policy header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "dmarc fail", AR OURS "; dmarc=fail header.from=example.org\r\n",
	    NULL, NULL, 0 },
	{ "no result at all", AR OURS "; none\r\n", NULL, NULL, 0 },
	{ "passx is not pass", AR OURS "; dkim=passx header.d=example.org\r\n",
	    NULL, NULL, 0 },

	/* Whose header */
	{ "pass from an unconfigured server",
	    AR "mx.evil.org; dkim=pass header.d=example.org\r\n", NULL, NULL,
	    0 },
	{ "our id as a suffix of theirs",
	    AR "mx.parc.org.evil.org; dkim=pass header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "a parent of our id",
	    AR "parc.org; dkim=pass header.d=example.org\r\n", NULL, NULL, 0 },
	{ "ours says fail, a forged one says pass",
	    AR OURS "; dkim=fail header.d=example.org\r\n"
	    AR "mx.evil.org; dkim=pass header.d=example.org\r\n", NULL, NULL,
	    0 },
	{ "forged pass above our fail",
	    AR "mx.evil.org; dkim=pass header.d=example.org\r\n"
	    AR OURS "; dkim=fail header.d=example.org\r\n", NULL, NULL, 0 },
	{ "second of two configured ids",
	    AR "mx2.parc.org; dkim=pass header.d=example.org\r\n", NULL,
	    OURS ", mx2.parc.org", 1 },
	{ "two of our headers, a broken signature and a good one",
	    AR OURS "; dkim=fail header.d=list.example.net\r\n"
	    AR OURS "; dkim=pass header.d=example.org\r\n", NULL, NULL, 1 },
	{ "one header, a failed and a passing signature",
	    AR OURS "; dkim=fail header.d=example.org; "
	    "dkim=pass header.d=example.org\r\n", NULL, NULL, 1 },
	{ "ARC-Authentication-Results is not ours to read",
	    "ARC-Authentication-Results: i=1; " OURS
	    "; dkim=pass header.d=example.org\r\n", NULL, NULL, 0 },
	{ "X-Authentication-Results neither",
	    "X-Authentication-Results: " OURS
	    "; dkim=pass header.d=example.org\r\n", NULL, NULL, 0 },
	{ "quoted authserv-id", AR "\"" OURS "\"; dkim=pass "
	    "header.d=example.org\r\n", NULL, NULL, 1 },

	/* Comments and quoted strings */
	{ "comment with ';' inside",
	    AR OURS "; dkim=pass (1024-bit key; unprotected) "
	    "header.d=example.org header.s=mail header.b=abc\r\n", NULL, NULL,
	    1 },
	{ "pass only inside a comment",
	    AR OURS "; dkim=fail (was dkim=pass header.d=example.org) "
	    "header.d=example.org\r\n", NULL, NULL, 0 },
	{ "nested comments",
	    AR OURS "; dkim=pass (outer (inner; x) still) "
	    "header.d=example.org\r\n", NULL, NULL, 1 },
	{ "comments everywhere",
	    AR "(a)" OURS "(b);(c)dkim(d)=(e)pass(f)header.d(g)=(h)"
	    "example.org(i)\r\n", NULL, NULL, 1 },
	{ "quoted pair in a comment",
	    AR OURS "; dkim=pass (a \\) b) header.d=example.org\r\n", NULL,
	    NULL, 1 },
	{ "comment that never closes",
	    AR OURS "; dkim=pass header.d=example.org (open (inner)\r\n",
	    NULL, NULL, 0 },
	{ "quoted reason with ';'",
	    AR OURS "; dkim=pass reason=\"good; signature\" "
	    "header.d=example.org\r\n", NULL, NULL, 1 },
	{ "pass only inside a quoted string",
	    AR OURS "; spf=fail smtp.mailfrom=\"x; dkim=pass "
	    "header.d=example.org\"@evil.org\r\n", NULL, NULL, 0 },
	{ "quoted local part",
	    AR OURS "; spf=pass smtp.mailfrom=\"first last\"@example.org\r\n",
	    NULL, NULL, 1 },
	{ "quoted local part holding our domain",
	    AR OURS "; spf=pass smtp.mailfrom=\"a@example.org\"@evil.org\r\n",
	    NULL, NULL, 0 },
	{ "quoted local part with '@' and a quoted pair",
	    AR OURS "; spf=pass smtp.mailfrom=\"x@y \\\" z\"@example.org\r\n",
	    NULL, NULL, 1 },
	{ "quoted value",
	    AR OURS "; dkim=pass header.d=\"example.org\"\r\n", NULL, NULL, 1 },
	{ "quoted string that never closes",
	    AR OURS "; dkim=pass header.d=example.org header.b=\"abc\r\n",
	    NULL, NULL, 0 },

	/* Letter case, blanks, folding */
	{ "case-insensitive everywhere",
	    AR "MX.Parc.ORG; DKIM=Pass Header.D=EXAMPLE.org\r\n",
	    "Alice@Example.ORG", NULL, 1 },
	{ "blanks around '='",
	    AR OURS " ; dkim = pass header.d = example.org\r\n", NULL, NULL,
	    1 },
	{ "folded header with tabs",
	    AR OURS ";\r\n\tdkim=pass\r\n header.d=example.org;\r\n"
	    "\tspf=fail smtp.mailfrom=example.org\r\n", NULL, NULL, 1 },
	{ "tabs as separators",
	    AR OURS ";\tdkim=pass\theader.d=example.org\r\n", NULL, NULL, 1 },

	/* Relaxed alignment */
	{ "From in a subdomain of header.d",
	    AR OURS "; dkim=pass header.d=example.org\r\n",
	    "alice@mail.example.org", NULL, 1 },
	{ "From in a subdomain of smtp.mailfrom",
	    AR OURS "; spf=pass smtp.mailfrom=x@example.org\r\n",
	    "alice@mail.example.org", NULL, 1 },
	{ "header.d in a subdomain of From",
	    AR OURS "; dkim=pass header.d=mail.example.org\r\n", NULL, NULL,
	    0 },
	{ "From domain ends with header.d but not at a dot",
	    AR OURS "; dkim=pass header.d=example.org\r\n",
	    "alice@badexample.org", NULL, 0 },
	{ "a bare top-level domain vouches for nothing below it",
	    AR OURS "; dkim=pass header.d=org\r\n", NULL, NULL, 0 },
	{ "header.d with an empty label",
	    AR OURS "; dkim=pass header.d=.example.org\r\n",
	    "alice@x..example.org", NULL, 0 },

	/* Version */
	{ "version 1",
	    AR OURS " 1; dkim=pass header.d=example.org\r\n", NULL, NULL, 1 },
	{ "version 1 with comments",
	    AR OURS " (v) 1 (w); dkim=pass header.d=example.org\r\n", NULL,
	    NULL, 1 },
	{ "unknown version 2",
	    AR OURS " 2; dkim=pass header.d=example.org\r\n", NULL, NULL, 0 },
	{ "method version",
	    AR OURS "; dkim/1=pass header.d=example.org\r\n", NULL, NULL, 1 },

	/* Malformed */
	{ "no ';' after the authserv-id",
	    AR OURS " dkim=pass header.d=example.org\r\n", NULL, NULL, 0 },
	{ "empty header", AR "\r\n", NULL, NULL, 0 },
	{ "only the authserv-id", AR OURS "\r\n", NULL, NULL, 0 },
	{ "trailing ';' only", AR OURS ";\r\n", NULL, NULL, 0 },
	{ "garbage", AR "@@@ ;;; ===\r\n", NULL, NULL, 0 },
	{ "garbage after our id", AR OURS "; @@@ ;;; ===\r\n", NULL, NULL, 0 },
	{ "method without result", AR OURS "; dkim\r\n", NULL, NULL, 0 },
	{ "empty result", AR OURS "; dkim= ; spf=pass "
	    "smtp.mailfrom=example.org\r\n", NULL, NULL, 0 },
	{ "result without method", AR OURS "; =pass header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "property without value",
	    AR OURS "; dkim=pass header.d=\r\n", NULL, NULL, 0 },
	{ "word after a property",
	    AR OURS "; dkim=pass header.d=example.org junk\r\n", NULL, NULL,
	    0 },
	{ "stray ')'",
	    AR OURS "; dkim=pass ) header.d=example.org\r\n", NULL, NULL, 0 },
	{ "header.d twice, ours last",
	    AR OURS "; dkim=pass header.d=evil.org header.d=example.org\r\n",
	    NULL, NULL, 0 },
	{ "header.d twice, ours first",
	    AR OURS "; dkim=pass header.d=example.org header.d=evil.org\r\n",
	    NULL, NULL, 0 },
	{ "a pass, then a broken result, voids the header",
	    AR OURS "; dkim=pass header.d=example.org; spf=\r\n", NULL, NULL,
	    0 },
	{ "a trailing ';' is tolerated",
	    AR OURS "; dkim=pass header.d=example.org;\r\n", NULL, NULL, 1 },
	{ "control character in a value",
	    AR OURS "; dkim=pass header.d=exam\x01ple.org\r\n", NULL, NULL, 0 },
	{ "header.d too long to be a domain",
	    AR OURS "; dkim=pass header.d=example.org"
	    "................................................................"
	    "................................................................"
	    "................................................................"
	    "................................................................"
	    "\r\n", NULL, NULL, 0 },

	/* The From address */
	{ "From without a domain",
	    AR OURS "; dkim=pass header.d=example.org\r\n", "alice", NULL, 0 },
	{ "From with a trailing dot",
	    AR OURS "; dkim=pass header.d=example.org\r\n",
	    "alice@example.org.", NULL, 0 },

	/* Real-world samples */
	{ "Gmail",
	    GMAIL, NULL, "mx.google.com", 1 },
	{ "Gmail, From of another domain",
	    GMAIL, "alice@other.org", "mx.google.com",
	    0 },
	{ "Gmail, dkim alone, header.b with '/', '+' and '='",
	    AR "mx.google.com; dkim=pass header.i=@example.org "
	    "header.s=20230601 header.b=Ab/C+d9=\r\n", NULL, "mx.google.com",
	    1 },
	{ "OpenDKIM",
	    OPENDKIM, "marie@orange.fr", NULL, 1 },
	{ "OpenDKIM, From of another domain",
	    OPENDKIM, "marie@wanadoo.fr", NULL, 0 },
	{ "OpenDMARC",
	    AR OURS "; dmarc=pass (p=reject dis=none) header.from=orange.fr\r\n",
	    "marie@orange.fr", NULL, 1 },
	{ "policyd-spf",
	    AR OURS "; spf=pass (sender SPF authorized) "
	    "smtp.mailfrom=orange.fr (client-ip=1.2.3.4; helo=smtp.orange.fr; "
	    "envelope-from=marie@orange.fr; receiver=<UNKNOWN>)\r\n",
	    "marie@orange.fr", NULL, 1 },
	{ "rspamd",
	    AR OURS ";\r\n\tdkim=pass header.d=example.org header.s=dkim "
	    "header.b=W0w/Ab+c;\r\n\tdmarc=pass (policy=reject) "
	    "header.from=example.org;\r\n\tspf=pass (" OURS ": domain of "
	    "\"x@example.org\" designates 1.2.3.4 as permitted sender) "
	    "smtp.mailfrom=x@example.org\r\n", NULL, NULL, 1 },
	{ "rspamd, everything failed",
	    AR OURS ";\r\n\tdkim=fail (\"headers rsa verify failed\") "
	    "header.d=example.org header.s=dkim header.b=W0w/Ab+c;\r\n"
	    "\tdmarc=fail reason=\"SPF not aligned (relaxed), DKIM not aligned "
	    "(relaxed)\" header.from=example.org (policy=reject);\r\n"
	    "\tspf=softfail (" OURS ": domain of \"x@example.org\" does not "
	    "designate 1.2.3.4 as permitted sender) "
	    "smtp.mailfrom=x@example.org\r\n", NULL, NULL, 0 },
	{ "Microsoft 365 writes no authserv-id",
	    AR MS365 "\r\n", NULL, NULL, 0 },
	{ "Microsoft 365 shape under our id",
	    AR OURS "; " MS365 "\r\n", NULL, NULL, 1 },
	{ "Microsoft 365 shape, only compauth passed",
	    AR OURS "; spf=fail (sender IP is 1.2.3.4) smtp.mailfrom=example.org; "
	    "dkim=none (message not signed) header.d=none;"
	    "dmarc=fail action=none header.from=example.org;"
	    "compauth=pass reason=100\r\n", NULL, NULL, 0 },
};

/* Splits "a, b" into l (items point into buf). */
static void
split_ids(const char *csv, char *buf, size_t buflen, char **items,
    size_t max, struct config_strlist *l)
{
	char *save = NULL, *tok;

	snprintf(buf, buflen, "%s", csv);
	l->items = items;
	l->n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok && l->n < max;
	    tok = strtok_r(NULL, ", ", &save))
		items[l->n++] = tok;
}

/* Parses a mail with `headers` and From `from`: trust_auth_pass() of it,
 * or -1 when the mail did not parse, or lost its Authentication-Results
 * (then a 0 would prove nothing). */
static int
verdict(const char *headers, const char *from, const char *ids)
{
	char raw[8192], err[256], idbuf[256], *items[4];
	struct config_strlist l;
	struct message *m = NULL;
	int rc;

	snprintf(raw, sizeof(raw), "From: Alice <%s>\r\nTo: cdp@parc.org\r\n"
	    "Subject: Re: [CDP-2026-0042] Jardin\r\n%s\r\nOK pour moi.\r\n",
	    from, headers);
	if (message_parse(raw, strlen(raw), &m, err, sizeof(err)) != 0) {
		printf("# message_parse: %s\n", err);
		return -1;
	}
	if (strncmp(headers, "Authentication-Results:", 23) == 0 &&
	    message_header(m, "Authentication-Results") == NULL) {
		printf("# the header was lost in parsing\n");
		message_free(m);
		return -1;
	}
	split_ids(ids, idbuf, sizeof(idbuf), items, 4, &l);
	rc = trust_auth_pass(m, &l, m->from.address);
	message_free(m);
	return rc;
}

static void
test_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ar_case *c = &cases[i];

		is_int(verdict(c->headers, c->from ? c->from : ALICE,
		    c->ids ? c->ids : OURS), c->want, c->name);
	}
}

/* What the caller passes, not what the mail holds. */
static void
test_arguments(void)
{
	static const char raw[] = "From: Alice <" ALICE ">\r\n"
	    AR OURS "; dkim=pass header.d=example.org\r\n"
	    "Subject: x\r\n\r\nbody\r\n";
	char *ours[] = { (char *)OURS };
	struct config_strlist ids = { ours, 1 }, none = { NULL, 0 };
	struct message *m = NULL;
	char err[256];

	if (!ok(message_parse(raw, sizeof(raw) - 1, &m, err, sizeof(err)) == 0,
	    "sample parses"))
		return;
	is_int(trust_auth_pass(m, &ids, m->from.address), 1,
	    "configured id, aligned From");
	is_int(trust_auth_pass(m, &none, m->from.address), 0,
	    "no configured id: never trusted");
	is_int(trust_auth_pass(m, NULL, m->from.address), 0,
	    "NULL id list: never trusted");
	is_int(trust_auth_pass(m, &ids, "bob@evil.org"), 0,
	    "the From given by the caller counts");
	is_int(trust_auth_pass(m, &ids, NULL), 0, "no From");
	is_int(trust_auth_pass(NULL, &ids, ALICE), 0, "no message");
	message_free(m);
}

/* CR and LF left inside a value, written by hand: message_parse() may
 * clean them, a future parser may not. */
static void
test_raw_remnants(void)
{
	char name[] = "authentication-results";
	char pass[] = OURS ";\r\n\tdkim=pass\r\n header.d=example.org\r\n";
	char fail[] = OURS ";\r\n\tdkim=fail\r\n header.d=example.org\r\n";
	char *ours[] = { (char *)OURS };
	struct config_strlist ids = { ours, 1 };
	struct msg_header h = { name, pass };
	struct message m;

	memset(&m, 0, sizeof(m));
	m.headers = &h;
	m.nheaders = 1;
	is_int(trust_auth_pass(&m, &ids, ALICE), 1,
	    "CR LF and tabs inside a value, lower-case header name");
	h.value = fail;
	is_int(trust_auth_pass(&m, &ids, ALICE), 0,
	    "the same with dkim=fail");
	h.value = NULL;
	is_int(trust_auth_pass(&m, &ids, ALICE), 0, "NULL value");
}

/* trust_auth_fail() of one header of ours (or of another server). */
static int
fails(const char *value, const char *id)
{
	char name[] = "Authentication-Results";
	char buf[1024];
	char *ours[] = { (char *)OURS };
	struct config_strlist ids = { ours, 1 };
	struct msg_header h = { name, buf };
	struct message m;

	snprintf(buf, sizeof(buf), "%s; %s", id, value);
	memset(&m, 0, sizeof(m));
	m.headers = &h;
	m.nheaders = 1;
	return trust_auth_fail(&m, &ids, ALICE);
}

static void
test_fail(void)
{
	struct config_strlist none = { NULL, 0 };
	char name[] = "Authentication-Results";
	char value[] = OURS "; dkim=fail header.d=example.org";
	struct msg_header h = { name, value };
	struct message m;

	is_int(fails("dkim=fail header.d=example.org", OURS), 1,
	    "fail: dkim=fail for the From domain");
	is_int(fails("spf=fail smtp.mailfrom=alice@example.org", OURS), 1,
	    "fail: spf=fail for it");
	is_int(fails("dmarc=fail header.from=example.org", OURS), 1,
	    "fail: dmarc=fail for it");
	is_int(fails("spf=fail smtp.mailfrom=example.org; dkim=fail "
	    "header.d=example.org; dmarc=fail header.from=example.org", OURS),
	    1, "fail: all three");
	is_int(fails("dkim=pass header.d=example.org", OURS), 0,
	    "fail: not with dkim=pass");
	is_int(fails("spf=fail smtp.mailfrom=fwd.example.net; dkim=pass "
	    "header.d=example.org", OURS), 0,
	    "fail: a forwarder's SPF fails, the signature passes: no");
	is_int(fails("spf=fail smtp.mailfrom=example.org; dkim=pass "
	    "header.d=example.org", OURS), 0,
	    "fail: SPF fails for it but DKIM passes: no (DMARC's rule)");
	is_int(fails("dkim=pass header.d=example.org; dmarc=fail "
	    "header.from=example.org", OURS), 1,
	    "fail: dmarc=fail wins over a pass");
	is_int(fails("dkim=fail header.d=other.org", OURS), 0,
	    "fail: a signature of another domain failing says nothing");
	is_int(fails("spf=softfail smtp.mailfrom=example.org", OURS), 0,
	    "fail: softfail is no verdict");
	is_int(fails("dkim=neutral header.d=example.org; spf=none "
	    "smtp.mailfrom=example.org; dmarc=none header.from=example.org",
	    OURS), 0, "fail: neutral and none are no verdict");
	is_int(fails("dkim=temperror header.d=example.org", OURS), 0,
	    "fail: an error is no verdict");
	is_int(fails("dkim=fail header.d=example.org", "mx.evil.org"), 0,
	    "fail: another server's header does not count");
	is_int(fails("dkim=fail header.d=example.org; (broken", OURS), 0,
	    "fail: a header of ours that does not parse counts for nothing");
	memset(&m, 0, sizeof(m));
	m.headers = &h;
	m.nheaders = 1;
	is_int(trust_auth_fail(&m, &none, ALICE), 0,
	    "fail: no configured id, no verdict");
	is_int(trust_auth_fail(NULL, &none, ALICE), 0, "fail: no message");
}

int
main(void)
{
	test_cases();
	test_arguments();
	test_raw_remnants();
	test_fail();
	return tap_done();
}
