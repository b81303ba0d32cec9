/*
 * fcntl(2) flag changes, read-modify-write, and the error-path close.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/fd.h"

int
fd_set_cloexec(int fd, int on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags == -1)
		return -1;
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags);
}

static int
fd_set_status(int fd, int nonblock)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1)
		return -1;
	flags = nonblock ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, flags);
}

int
fd_set_nonblock(int fd)
{
	return fd_set_status(fd, 1);
}

int
fd_set_blocking(int fd)
{
	return fd_set_status(fd, 0);
}

int
fd_close_failed(int fd)
{
	int saved = errno;

	(void)close(fd);
	errno = saved;
	return -1;
}
