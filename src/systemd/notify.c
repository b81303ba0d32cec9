/*
 * sd_notify(3) without libsystemd: the state string goes as one datagram
 * to the AF_UNIX socket named by $NOTIFY_SOCKET ("@" starts an abstract
 * name), with the fds for the fd store as SCM_RIGHTS.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "systemd/notify.h"

int
notify_send(const char *state)
{
	return notify_send_fds(state, NULL, 0);
}

int
notify_enabled(void)
{
	const char *path = getenv("NOTIFY_SOCKET");

	return path != NULL && path[0] != '\0';
}

int
notify_fdstore(void)
{
	const char *max = getenv("FDSTORE");
	const char *path = getenv("NOTIFY_SOCKET");

	return path != NULL && path[0] != '\0' && max != NULL &&
	    strtol(max, NULL, 10) > 0;
}

int
notify_send_fds(const char *state, const int *fds, size_t nfds)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(int) * NOTIFY_FDS_MAX)];
	} control;
	struct iovec iov = { .iov_base = (void *)state, .iov_len = strlen(state) };
	struct msghdr msg = { .msg_name = &sun, .msg_iov = &iov, .msg_iovlen = 1 };
	size_t pathlen;
	ssize_t n;
	int fd, saved;

	if (path == NULL || path[0] == '\0')
		return 0;
	pathlen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || pathlen >= sizeof(sun.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sun.sun_path, path, pathlen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	if (nfds > NOTIFY_FDS_MAX) {
		errno = EINVAL;
		return -1;
	}
	msg.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    pathlen);
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	saved = errno;
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 0;
}
