/*
 * Is this the spawnd of a build tree, not an installed one?  "make"
 * writes src/spawnd.source-tree beside the binary it builds, naming the
 * source directory; "make install" never installs it.  So the answer
 * comes at run time, and the installed binary embeds no build path
 * (HACKING.md, "The build tree").
 */
#ifndef SPAWND_BASE_BUILDTREE_H
#define SPAWND_BASE_BUILDTREE_H

#include <stddef.h>

/* The marker's name, in the directory of the running binary. */
#define BUILDTREE_MARKER	"spawnd.source-tree"

/*
 * The source directory the marker beside our binary names (absolute,
 * no trailing newline) into dir.  Returns 0, or -1 with errno: ENOENT
 * when there is no marker (an installed binary), EINVAL when it is not
 * a regular file of the binary's owner naming an absolute path.
 */
int buildtree_srcdir(char *dir, size_t size);

#endif
