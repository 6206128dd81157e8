/*
 * datadir.c — the installed data folder as the fallback of [paths];
 * see datadir.h.
 *
 * The folder is a build-time constant rather than something looked up
 * from the binary's own location: /proc/self/exe is not there in every
 * sandbox, and a fixed place is what the man page can state.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "config/datadir.h"

#ifndef CDP_DATADIR
#define CDP_DATADIR "/usr/local/share/coupdepouce"
#endif

const char *
datadir_path(void)
{
	return CDP_DATADIR;
}

void
datadir_default(char **path, const char *name)
{
	struct stat sb;

	if (*path && stat(*path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return;
	free(*path);
	*path = xasprintf("%s/%s", CDP_DATADIR, name);
}
