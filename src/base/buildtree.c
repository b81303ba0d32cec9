/*
 * The build tree's marker (see buildtree.h), read from beside the binary
 * /proc/self/exe names: the path we were started by may be a symlink or
 * relative to a directory we have left.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buildtree.h"

/* The marker's path into out, or -1 with errno. */
static int
buildtree_marker(char *out, size_t size, struct stat *exe)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		return -1;
	self[n] = '\0';
	if (stat(self, exe) == -1 || (slash = strrchr(self, '/')) == NULL) {
		errno = ENOENT;
		return -1;
	}
	slash[1] = '\0';
	if ((size_t)snprintf(out, size, "%s%s", self, BUILDTREE_MARKER) >=
	    size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
buildtree_srcdir(char *dir, size_t size)
{
	char marker[PATH_MAX + sizeof(BUILDTREE_MARKER)];
	struct stat exe, st;
	ssize_t n;
	int fd, saved;

	if (buildtree_marker(marker, sizeof(marker), &exe) == -1)
		return -1;
	/* Non-blocking: a FIFO there must not hang the start. */
	if ((fd = open(marker, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (n = read(fd, dir, size - 1)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	/* Only whoever built the binary says where its sources are. */
	if (!S_ISREG(st.st_mode) || st.st_uid != exe.st_uid || n == 0) {
		errno = EINVAL;
		return -1;
	}
	dir[n] = '\0';
	dir[strcspn(dir, "\n")] = '\0';
	if (dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
