/*
 * Paths as spawnd resolves them: relative ones against the directory it
 * was first started in, since a daemon runs in "/".
 */
#ifndef SPAWND_BASE_PATH_H
#define SPAWND_BASE_PATH_H

#include <stddef.h>

/*
 * dir + "/" + path into out, or path alone if it is absolute.  Returns
 * 0, or -1 if it does not fit outlen.
 */
int path_join(char *out, size_t outlen, const char *dir, const char *path);

#endif
