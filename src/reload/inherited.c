/*
 * Listening sockets passed to this image -- by the image before it (a
 * reload) or by systemd (socket activation) -- described by what the
 * kernel says about them, matched to the configuration's addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/fd.h"
#include "net/addr.h"
#include "reload/handover.h"
#include "reload/inherited.h"

/* systemd passes activated sockets from fd 3 on (sd_listen_fds(3)). */
#define LISTEN_FDS_START 3

/* Record a listening socket, asking the kernel what it is bound to. */
int
inherited_add_fd(struct handover *ho, int fd)
{
	struct inherited_listener *il;
	socklen_t len = sizeof(int);

	il = reallocarray(ho->ho_listeners, ho->ho_nlisteners + 1, sizeof(*il));
	if (il == NULL)
		return -1;
	ho->ho_listeners = il;
	il = &ho->ho_listeners[ho->ho_nlisteners];
	memset(il, 0, sizeof(*il));
	il->il_fd = fd;
	il->il_salen = sizeof(il->il_sa);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &il->il_socktype, &len) == -1 ||
	    getsockname(fd, (struct sockaddr *)&il->il_sa, &il->il_salen) == -1)
		return -1;
	len = sizeof(int);
	if (il->il_sa.ss_family == AF_INET6 && getsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &il->il_v6only, &len) == -1)
		return -1;
	ho->ho_nlisteners++;
	return 0;
}

/* systemd socket activation: fds 3.. as sd_listen_fds(3) describes. */
int
inherited_activation(struct handover *ho, char *err, size_t errlen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long n, i;

	if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	n = strtol(fds, NULL, 10);
	for (i = 0; i < n && i < 1024; i++) {
		int fd = LISTEN_FDS_START + (int)i;

		if (fd_set_cloexec(fd, 1) == -1 || fd_set_nonblock(fd) == -1 ||
		    inherited_add_fd(ho, fd) == -1) {
			snprintf(err, errlen, "socket %d from systemd: %s", fd,
			    strerror(errno));
			return -1;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 0;
}

static int
inherited_same_inet(const struct inherited_listener *il,
    const struct listen_addr *la)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&il->il_sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&il->il_sa;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&la->la_sa;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&la->la_sa;

	if (la->la_family == AF_UNSPEC)	/* port alone: a wildcard socket */
		return il->il_sa.ss_family == AF_INET6 ?
		    !il->il_v6only && IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) &&
		    ntohs(a6->sin6_port) == la->la_port :
		    a4->sin_addr.s_addr == htonl(INADDR_ANY) &&
		    ntohs(a4->sin_port) == la->la_port;
	if (la->la_family != il->il_sa.ss_family)
		return 0;
	if (la->la_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr &&
		    a4->sin_port == b4->sin_port;
	return il->il_v6only && a6->sin6_port == b6->sin6_port &&
	    IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr) &&
	    a6->sin6_scope_id == b6->sin6_scope_id;
}

static int
inherited_same_address(const struct inherited_listener *il,
    const struct listen_addr *la)
{
	if (la->la_family != AF_UNIX)
		return inherited_same_inet(il, la);
	return il->il_sa.ss_family == AF_UNIX &&
	    strcmp(((const struct sockaddr_un *)&il->il_sa)->sun_path,
	    ((const struct sockaddr_un *)&la->la_sa)->sun_path) == 0;
}

int
inherited_take_listener(struct handover *ho, int socktype,
    const struct listen_addr *la, int *ours, pid_t *held)
{
	size_t i;
	int fd;

	for (i = 0; i < ho->ho_nlisteners; i++) {
		struct inherited_listener *il = &ho->ho_listeners[i];

		if (il->il_fd != -1 && il->il_socktype == socktype &&
		    inherited_same_address(il, la)) {
			fd = il->il_fd;
			il->il_fd = -1;
			*ours = il->il_ours;
			*held = il->il_held;
			return fd;
		}
	}
	return -1;
}

void
inherited_close_unused(struct handover *ho)
{
	size_t i;

	for (i = 0; i < ho->ho_nlisteners; i++) {
		struct inherited_listener *il = &ho->ho_listeners[i];

		if (il->il_fd == -1)
			continue;
		/*
		 * An address dropped from the configuration goes away: its
		 * wait child, which would serve it on, and its Unix file.
		 */
		if (il->il_held != 0)
			(void)kill(il->il_held, SIGTERM);
		if (il->il_ours && il->il_sa.ss_family == AF_UNIX)
			(void)unlink(((struct sockaddr_un *)&il->il_sa)->sun_path);
		close(il->il_fd);
		il->il_fd = -1;
	}
}

