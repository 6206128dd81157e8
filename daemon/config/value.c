/* value.c — typed values of the config file; see value.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "config/value.h"

/* A DNS host name in ASCII: letters, digits, '-' and '_' in non-empty
 * dot-separated labels (an authserv-id is one in practice, RFC 8601 §2.5). */
int
value_hostname_ok(const char *s)
{
	size_t label = 0, len = strlen(s);

	if (len == 0 || len > 253)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_')
			label++;
		else
			return 0;
	}
	return label > 0;
}

/* Parses an integer with an optional unit suffix from `units` (each a
 * letter and a multiplier); -1 on a malformed value. */
int
value_scaled(const char *v, const char *const *units, const long *mult,
    long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || errno || n < 0)
		return -1;
	while (*end == ' ')
		end++;
	if (*end == '\0') {
		*out = n;
		return 0;
	}
	for (size_t i = 0; units[i]; i++)
		if (strcasecmp(end, units[i]) == 0) {
			if (n > LONG_MAX / mult[i])
				return -1;
			*out = n * mult[i];
			return 0;
		}
	return -1;
}

int
value_hhmm(const char *s, int *minutes, const char **rest)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d%*[:h]%2d%n", &h, &m, &n) != 2 || n == 0 ||
	    h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	*rest = s + n;
	return 0;
}

int
value_weekday(const char *s, int *day)
{
	static const char *const names[] = { "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", "sunday",
	    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
	    "dimanche" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i]) == 0) {
			*day = (int)(i % 7) + 1;
			return 0;
		}
	return -1;
}

int
value_mailbox(const char *v, char **name, char **addr)
{
	const char *lt = strrchr(v, '<'), *gt, *b, *e;

	*name = *addr = NULL;
	if (lt == NULL) {
		*name = xstrdup("");
		*addr = xstrdup(v);
		return 0;
	}
	gt = strchr(lt, '>');
	if (gt == NULL || gt[1 + strspn(gt + 1, " \t")] != '\0')
		return -1;
	for (b = v; b < lt && (*b == ' ' || *b == '\t'); b++)
		;
	for (e = lt; e > b && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	if (e - b >= 2 && *b == '"' && e[-1] == '"') {
		b++;
		e--;
	}
	*name = xstrndup(b, (size_t)(e - b));
	*addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	return 0;
}
