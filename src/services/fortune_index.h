/*
 * The strfile(1) index of a fortune file, PATH.dat: a 24-byte header
 * (version, number of strings, longest and shortest length, flags,
 * delimiter; all big-endian) followed by numstr + 1 big-endian offsets
 * into PATH.  It is trusted only as far as it can be checked: it must
 * not be older than the text, its size must match its count, and a
 * chosen offset must lie in the file just after a delimiter line.
 */
#ifndef SPAWND_SERVICES_FORTUNE_INDEX_H
#define SPAWND_SERVICES_FORTUNE_INDEX_H

#include <stddef.h>
#include <stdio.h>

/*
 * One cookie of the text open as fp (named path), drawn through
 * path.dat: malloc'd, as fortune_pick returns it.  NULL means "scan
 * instead": no usable index, a read error (the scan reports it), or
 * only blank cookies drawn.
 */
char *fortune_index_pick(FILE *fp, const char *path, size_t *lenp);

/*
 * Is there a PATH.dat?  Then it decides how the file reads (delimiter,
 * comments, rot13), and the offsets of a plain scan must not be used.
 */
int fortune_index_present(const char *path);

#endif
