/*
 * addr.c — the one mail address validator (see addr.h for the rule and
 * why it is narrower than RFC 5322).
 */
#include <stddef.h>
#include <string.h>

#include "base/addr.h"

static int
addr_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

int
addr_valid(const char *a)
{
	const char *at;
	size_t n, label = 0;

	if (a == NULL || (n = strlen(a)) == 0 || n > ADDR_MAX_LEN)
		return 0;
	at = strchr(a, '@');
	if (at == NULL || at == a || strchr(at + 1, '@') != NULL)
		return 0;
	for (const char *p = a; p < at; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			return 0;
	for (const char *p = at + 1; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (addr_domain_char((unsigned char)*p))
			label++;
		else
			return 0;
	}
	return label > 0;
}

int
addr_msgid_valid(const char *id, size_t n, int strict)
{
	size_t ats = 0;

	if (id == NULL || n == 0 || n > 250)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (id[i] <= ' ' || id[i] >= 0x7f ||
		    strchr("<>\"(),;:\\[]", id[i]) != NULL)
			return 0;
		ats += id[i] == '@';
	}
	return !strict || ats == 1;
}

static int
addr_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 when the domain is "invalid" or ends in ".invalid" (RFC 2606: never
 * deliverable; the database's forgotten persons have such addresses). */
static int
addr_domain_reserved(const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t n;

	if (at == NULL)
		return 0;
	at++;
	n = strlen(at);
	return strcmp(at, "invalid") == 0 ||
	    (n > 8 && strcmp(at + n - 8, ".invalid") == 0);
}

int
addr_normalize(const char *in, char *out, size_t outlen)
{
	const char *s = in, *e;
	size_t n;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (in == NULL)
		return -1;
	e = s + strlen(s);
	while (s < e && addr_blank(*s))
		s++;
	while (e > s && addr_blank(e[-1]))
		e--;
	if (e - s >= 2 && *s == '<' && e[-1] == '>') {
		s++;
		e--;
		while (s < e && addr_blank(*s))
			s++;
		while (e > s && addr_blank(e[-1]))
			e--;
	}
	n = (size_t)(e - s);
	if (n == 0 || n >= outlen || n > ADDR_MAX_LEN)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' +
		    'a') : s[i];
	out[n] = '\0';
	if (!addr_valid(out) || addr_domain_reserved(out)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
