/* fault.c — crash points for tests; see fault.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fault.h"

void
fault_point(const char *name, long n)
{
	const char *want = getenv("CDP_FAULT");
	size_t len = strlen(name);
	char *end;
	long at;

	if (want == NULL || strncmp(want, name, len) != 0 || want[len] != ':')
		return;
	at = strtol(want + len + 1, &end, 10);
	if (at != n)
		return;
	if (strcmp(end, ":term") == 0) {
		raise(SIGTERM);
		return;
	}
	if (*end != '\0')
		return;
	fflush(NULL);
	raise(SIGKILL);
}
