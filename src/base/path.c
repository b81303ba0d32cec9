/*
 * Joining a path to a directory.
 */
#include <stdio.h>

#include "base/path.h"

int
path_join(char *out, size_t outlen, const char *dir, const char *path)
{
	int n;

	if (path[0] == '/')
		n = snprintf(out, outlen, "%s", path);
	else
		n = snprintf(out, outlen, "%s/%s", dir, path);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
