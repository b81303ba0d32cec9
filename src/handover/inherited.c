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
#include "base/log.h"
#include "config/config.h"
#include "handover/handover.h"
#include "handover/inherited.h"
#include "net/addr.h"
#include "net/peer.h"
#include "systemd/activation.h"
#include "systemd/fdstore.h"

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

/* One socket systemd passed: recorded under its FDNAME, if it fits. */
static int
inherited_activated(void *arg, int fd, const char *name)
{
	struct handover *ho = arg;
	struct inherited_listener *il;

	if (inherited_add_fd(ho, fd) == -1)
		return -1;
	il = &ho->ho_listeners[ho->ho_nlisteners - 1];
	/* A name too long for a service is no service's. */
	if (strlen(name) < sizeof(il->il_name))
		memcpy(il->il_name, name, strlen(name) + 1);
	return 0;
}

int
inherited_activation(struct handover *ho, char *err, size_t errlen)
{
	return activation_take(inherited_activated, ho, err, errlen);
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

/*
 * Which inherited listener la of service sc takes: the one named after
 * sc and bound to la, else one bound to la whatever its name.  A name
 * never moves a service to another address: the fd store names its
 * sockets after their services too, and after a restart with a changed
 * configuration its old addresses must go, not stay.
 */
static struct inherited_listener *
inherited_find(struct handover *ho, int socktype, const struct listen_addr *la,
    const struct svc_conf *sc)
{
	struct inherited_listener *il;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ho->ho_nlisteners; i++) {
			il = &ho->ho_listeners[i];
			if (il->il_fd == -1 || il->il_socktype != socktype)
				continue;
			if (pass == 0 && strcmp(il->il_name, sc->sc_name) != 0)
				continue;
			if (inherited_same_address(il, la))
				return il;
		}
	return NULL;
}

/* "ADDR:PORT", "[ADDR]:PORT" or the path of what il is bound to. */
static void
inherited_format(const struct inherited_listener *il, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned port;

	if (il->il_sa.ss_family == AF_UNIX) {
		snprintf(buf, len, "%s",
		    ((const struct sockaddr_un *)&il->il_sa)->sun_path);
		return;
	}
	port = peer_format((const struct sockaddr *)&il->il_sa, il->il_salen,
	    addr, sizeof(addr));
	snprintf(buf, len, "%s%s%s:%u", il->il_sa.ss_family == AF_INET6 ?
	    "[" : "", addr, il->il_sa.ss_family == AF_INET6 ? "]" : "", port);
}

int
inherited_take_listener(struct handover *ho, int socktype,
    const struct listen_addr *la, const struct svc_conf *sc, int *ours,
    pid_t *held)
{
	struct inherited_listener *il = inherited_find(ho, socktype, la, sc);
	int fd;

	if (il == NULL)
		return -1;
	fd = il->il_fd;
	il->il_fd = -1;
	*ours = il->il_ours;
	*held = il->il_held;
	return fd;
}

/*
 * A listener nobody takes may be in systemd's fd store, under the name
 * of a service that is gone: out of the store with it.  (A service that
 * remains stores its sockets anew, parent/listeners.c.)
 */
static void
inherited_unstore(const struct inherited_listener *il)
{
	if (il->il_name[0] != '\0')
		fdstore_forget(il->il_name);
}

/* Did a listener take another socket bound where il is (a duplicate)? */
static int
inherited_taken_at(const struct handover *ho, const struct inherited_listener *il)
{
	size_t i;

	for (i = 0; i < ho->ho_nlisteners; i++) {
		const struct inherited_listener *o = &ho->ho_listeners[i];

		if (o != il && o->il_fd == -1 && !o->il_unused &&
		    o->il_socktype == il->il_socktype &&
		    o->il_salen == il->il_salen &&
		    memcmp(&o->il_sa, &il->il_sa, il->il_salen) == 0)
			return 1;
	}
	return 0;
}

/* A socket from systemd at none of the configuration's addresses. */
static void
inherited_log_unused(const struct inherited_listener *il)
{
	char where[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];

	inherited_format(il, where, sizeof(where));
	log_warnx("the socket \"%s\" from systemd on %s is at none of the "
	    "configuration's addresses; not used", il->il_name, where);
}

void
inherited_close_unused(struct handover *ho)
{
	size_t i, j;

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
		if (!il->il_ours && !inherited_taken_at(ho, il))
			inherited_log_unused(il);
		close(il->il_fd);
		il->il_fd = -1;
		il->il_unused = 1;
		/* Once a name: one message takes all its sockets. */
		for (j = 0; j < i; j++)
			if (ho->ho_listeners[j].il_unused &&
			    strcmp(ho->ho_listeners[j].il_name, il->il_name) == 0)
				break;
		if (j == i)
			inherited_unstore(il);
	}
}
