/*
 * listen_fifo's FIFO (see fifo.h).  Like a Unix socket file (listen.c):
 * its directory must be safe for root to write in, and the file is born
 * with its mode under a umask, not chmod()ed by path.  The owner is set
 * through a descriptor opened without following links, after checking
 * that what it names is a FIFO root made, not one swapped in.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/fifo.h"
#include "net/listen.h"

/* Fill err with "path: what: strerror(errno)", keeping errno; -1. */
static int
fifo_fail(int fd, const char *path, const char *what, char *err,
    size_t errlen)
{
	int saved = errno;

	snprintf(err, errlen, "%s: %s: %s", path, what, strerror(saved));
	if (fd != -1)
		(void)close(fd);
	errno = saved;
	return -1;
}

/* mkfifo with exactly mode (single-threaded: the umask is ours). */
static int
fifo_create(const char *path, mode_t mode)
{
	mode_t old = umask(~mode & 0777);
	int rc = mkfifo(path, mode), saved = errno;

	umask(old);
	errno = saved;
	return rc;
}

int
fifo_make(const char *path, mode_t mode, uid_t uid, gid_t gid, int keep,
    char *err, size_t errlen)
{
	char self[64];
	struct stat st;
	int fd, there;

	/*
	 * Only the writer writes: anyone else who could would put his own
	 * text before or inside a reader's signature.
	 */
	mode &= ~(mode_t)022;
	if (listen_dir_safe(path, err, errlen) == -1)
		return -1;
	if ((there = lstat(path, &st) == 0) && !S_ISFIFO(st.st_mode)) {
		errno = EEXIST;
		snprintf(err, errlen, "%s: exists and is not a FIFO (spawnd "
		    "does not remove it)", path);
		return -1;
	}
	if (!there && errno != ENOENT)
		return fifo_fail(-1, path, "lstat", err, errlen);
	/*
	 * A reload that changed the service's user finds the FIFO of the
	 * one before: in a directory only root writes (listen_dir_safe),
	 * ours, and replaced rather than refused as someone else's.
	 */
	if (there && keep && st.st_uid != geteuid() && st.st_uid != uid)
		keep = 0;
	if (there && !keep && unlink(path) == -1 && errno != ENOENT)
		return fifo_fail(-1, path, "unlink stale FIFO", err, errlen);
	if ((!there || !keep) && fifo_create(path, mode) == -1)
		return fifo_fail(-1, path, "mkfifo", err, errlen);
	if ((fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return fifo_fail(-1, path, "open", err, errlen);
	if (fstat(fd, &st) == -1)
		return fifo_fail(fd, path, "fstat", err, errlen);
	if (!S_ISFIFO(st.st_mode) || (st.st_uid != geteuid() &&
	    st.st_uid != uid)) {
		errno = EPERM;
		return fifo_fail(fd, path, "replaced by someone else's file",
		    err, errlen);
	}
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) == -1)
		return fifo_fail(fd, path, "chown", err, errlen);
	/* A kept one's mode may have changed: through the descriptor. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (keep && (st.st_mode & 07777) != mode && chmod(self, mode) == -1)
		return fifo_fail(fd, path, "chmod", err, errlen);
	return fd;
}

int
fifo_unlink(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISFIFO(st.st_mode))
		return 0;
	return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
}
