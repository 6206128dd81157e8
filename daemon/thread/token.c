/*
 * token.c — making and verifying our Message-ID tokens; see token.h.
 *
 * The numbers are parsed strictly (digits only, no sign, no leading zero,
 * at most INT64_MAX) so that exactly one spelling of an id verifies: what
 * the mac covers is the canonical text, rebuilt from the parsed numbers.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/hash.h"
#include "thread/token.h"

#define TOKEN_PREFIX	"cdp."
#define TOKEN_MAC_LABEL	"cdp-msgid-1"

/* mac of the three ids into out (TOKEN_MAC_BYTES). */
static int
token_mac(const unsigned char *key, size_t keylen, int64_t outbox_id,
    int64_t case_id, int64_t person_id, unsigned char *out)
{
	unsigned char full[32];
	char data[128];
	int n;

	n = snprintf(data, sizeof(data), "%s:%" PRId64 ":%" PRId64 ":%"
	    PRId64, TOKEN_MAC_LABEL, outbox_id, case_id, person_id);
	if (n < 0 || (size_t)n >= sizeof(data))
		return -1;
	if (hash_hmac_sha256(key, keylen, data, (size_t)n, full) != 0)
		return -1;
	memcpy(out, full, TOKEN_MAC_BYTES);
	return 0;
}

static int
domain_ok(const char *d, size_t n)
{
	if (n == 0 || n > 253 || d[0] == '.' || d[0] == '-' ||
	    d[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)d[i]) && d[i] != '-' &&
		    d[i] != '.')
			return 0;
	return 1;
}

int
token_make(const unsigned char *key, size_t keylen, int64_t outbox_id,
    int64_t case_id, int64_t person_id, const char *domain, char *out,
    size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[TOKEN_MAC_BYTES];
	char machex[2 * TOKEN_MAC_BYTES + 1];
	int n;

	if (outlen > 0)
		out[0] = '\0';
	if (key == NULL || keylen == 0 || outbox_id <= 0 || case_id < 0 ||
	    person_id < 0 || domain == NULL ||
	    !domain_ok(domain, strlen(domain)))
		return -1;
	if (token_mac(key, keylen, outbox_id, case_id, person_id, mac) != 0)
		return -1;
	for (int i = 0; i < TOKEN_MAC_BYTES; i++) {
		machex[2 * i] = hex[mac[i] >> 4];
		machex[2 * i + 1] = hex[mac[i] & 15];
	}
	machex[2 * TOKEN_MAC_BYTES] = '\0';
	n = snprintf(out, outlen, TOKEN_PREFIX "%" PRId64 ".%" PRId64 ".%"
	    PRId64 ".%s@%s", outbox_id, case_id, person_id, machex, domain);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return -1;
	}
	for (char *p = out + n - strlen(domain); *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* Parses a canonical decimal number at *pp ending at `stop`; advances *pp
 * past the stop character.  -1 if malformed. */
static int
parse_id(const char **pp, const char *end, char stop, int64_t *out)
{
	const char *p = *pp;
	int64_t v = 0;
	int digits = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		if (digits == 1 && v == 0)
			return -1;		/* leading zero */
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
		digits++;
		p++;
	}
	if (digits == 0 || p >= end || *p != stop)
		return -1;
	*pp = p + 1;
	*out = v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Sets [*pp, *endp) to message_id without its blanks and <>, just after
 * our prefix.  -1 when it does not start with the prefix. */
static int
token_body(const char *message_id, const char **pp, const char **endp)
{
	const char *p = message_id, *end = p + strlen(p);

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if (p < end && *p == '<') {
		if (end[-1] != '>')
			return -1;
		p++;
		end--;
	}
	if ((size_t)(end - p) < strlen(TOKEN_PREFIX) ||
	    strncasecmp(p, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0)
		return -1;
	*pp = p + strlen(TOKEN_PREFIX);
	*endp = end;
	return 0;
}

int
token_shaped(const char *message_id)
{
	const char *p, *end;

	return message_id != NULL && token_body(message_id, &p, &end) == 0;
}

int
token_verify(const unsigned char *key, size_t keylen,
    const char *message_id, const char *domain, int64_t *outbox_id,
    int64_t *case_id, int64_t *person_id)
{
	unsigned char got[TOKEN_MAC_BYTES], want[TOKEN_MAC_BYTES];
	const char *p, *end, *at;
	int64_t o, c, pe;
	unsigned diff = 0;

	if (key == NULL || keylen == 0 || message_id == NULL ||
	    token_body(message_id, &p, &end) != 0)
		return 0;
	if (parse_id(&p, end, '.', &o) != 0 || o <= 0 ||
	    parse_id(&p, end, '.', &c) != 0 ||
	    parse_id(&p, end, '.', &pe) != 0)
		return 0;
	at = memchr(p, '@', (size_t)(end - p));
	if (at == NULL || at - p != 2 * TOKEN_MAC_BYTES)
		return 0;
	for (int i = 0; i < TOKEN_MAC_BYTES; i++) {
		int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if (!domain_ok(at + 1, (size_t)(end - at - 1)))
		return 0;
	if (domain != NULL && (strlen(domain) != (size_t)(end - at - 1) ||
	    strncasecmp(at + 1, domain, strlen(domain)) != 0))
		return 0;
	if (token_mac(key, keylen, o, c, pe, want) != 0)
		return 0;
	for (int i = 0; i < TOKEN_MAC_BYTES; i++)
		diff |= (unsigned)(got[i] ^ want[i]);
	explicit_bzero(want, sizeof(want));
	if (diff != 0)
		return 0;
	if (outbox_id)
		*outbox_id = o;
	if (case_id)
		*case_id = c;
	if (person_id)
		*person_id = pe;
	return 1;
}
