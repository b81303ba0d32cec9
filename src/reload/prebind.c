/*
 * Binding a reload's new addresses ahead of the exec (see prebind.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "net/addr.h"
#include "net/listen.h"
#include "parent/bindfail.h"
#include "parent/server.h"
#include "parent/drain.h"
#include "parent/loop.h"
#include "reload/prebind.h"

/*
 * Do we listen on la (with socktype) already?  The very address, however
 * written: the new image adopts the socket (inherited.c compares what the
 * kernel says, not the text).
 */
static int
prebind_have(const struct server *srv, const struct listen_addr *la,
    int socktype)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++)
		if (srv->srv_listeners[i].li_fd != -1 &&
		    srv->srv_listeners[i].li_socktype == socktype &&
		    addr_same(srv->srv_listeners[i].li_addr, la))
			return 1;
	return 0;
}

/* Is la (an address of next) one that some listener of ours stays on? */
static int
prebind_kept(const struct config *next, const struct listen_addr *la,
    int socktype)
{
	size_t i, j, n;
	const struct listen_addr *list;

	for (i = 0; i < next->cf_nservices; i++) {
		const struct svc_conf *sc = &next->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		list = socktype == SOCK_STREAM ? sc->sc_stream : sc->sc_dgram;
		n = socktype == SOCK_STREAM ? sc->sc_nstream : sc->sc_ndgram;
		for (j = 0; j < n; j++)
			if (addr_same(&list[j], la))
				return 1;
	}
	return 0;
}

/*
 * A listener of ours the new address overlaps and the new configuration
 * drops ("12345" rewritten as "0.0.0.0:12345"): both cannot be bound at
 * once, so the new one takes its place just before the exec.
 */
static size_t
prebind_replaced(const struct server *srv, const struct config *next,
    const struct listen_addr *la, int socktype)
{
	size_t i;

	if (la->la_family == AF_UNIX)
		return SIZE_MAX;
	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		/* A wait child has a held socket bound: not ours to give. */
		if (li->li_socktype == socktype && li->li_held == 0 &&
		    addr_overlap(li->li_addr, la) &&
		    !prebind_kept(next, li->li_addr, socktype))
			return i;
	}
	return SIZE_MAX;
}

static int
prebind_one(const struct server *srv, const struct config *next,
    struct prebound *pb, size_t *np, const struct svc_conf *sc,
    const struct listen_addr *la, int socktype, char *err, size_t errlen)
{
	size_t replaces = SIZE_MAX;
	int fd;

	if (prebind_have(srv, la, socktype))
		return 0;
	fd = listen_open(la, socktype, sc->sc_socket_mode, err, errlen);
	if (fd == -1 && errno == EADDRINUSE)
		replaces = prebind_replaced(srv, next, la, socktype);
	/*
	 * An inetd.conf line's address, or IPv6 where the host has none:
	 * the new image skips it too, with the reason.
	 */
	if (fd == -1 && replaces == SIZE_MAX && (sc->sc_inetd_line != 0 ||
	    listen_no_ipv6(la, errno)))
		return 0;
	if (fd == -1 && replaces == SIZE_MAX) {
		bindfail_explain(next, sc, la, errno, err, errlen);
		return -1;
	}
	pb[*np].pb_fd = fd;
	pb[*np].pb_socktype = socktype;
	pb[*np].pb_addr = la;
	pb[*np].pb_replaces = replaces;
	(*np)++;
	return 0;
}

/*
 * How long an address given up a moment ago may stay taken: a datagram
 * socket stays bound while a child forked just before holds a copy,
 * until that child's first steps close it (microseconds, unless the
 * machine is starved).  Stream sockets are free at once (listen_retire).
 */
#define PREBIND_REBIND_MS	250

/* listen_open(), waiting out a copy that a fresh child still holds. */
static int
prebind_rebind(const struct listen_addr *la, int socktype, char *err,
    size_t errlen)
{
	const struct timespec pause = { .tv_nsec = 1000000 };
	int64_t deadline = netio_now_ms() + PREBIND_REBIND_MS;
	int fd;

	/* Only IP addresses change hands: no file mode to give. */
	while ((fd = listen_open(la, socktype, 0, err, errlen)) == -1 &&
	    errno == EADDRINUSE && netio_left_ms(deadline) > 0)
		(void)nanosleep(&pause, NULL);
	return fd;
}

/*
 * Listener li gives its address to pb's: bound beside it while it still
 * listens, so that no client finds the port closed, then li's socket is
 * retired (its clients served).  If pb's address cannot be bound, li
 * stays as it was.
 */
static int
prebind_trade(struct server *srv, struct listener *li, struct prebound *pb,
    char *err, size_t errlen)
{
	if (li->li_fd == -1) {	/* gone to an earlier address already */
		pb->pb_fd = prebind_rebind(pb->pb_addr, pb->pb_socktype, err,
		    errlen);
		return pb->pb_fd == -1 ? -1 : 0;
	}
	pb->pb_fd = listen_open_beside(pb->pb_addr, pb->pb_socktype, li->li_fd,
	    err, errlen);
	if (pb->pb_fd == -1)
		return -1;
	drain_retire(srv, li, li->li_fd);
	li->li_fd = -1;
	listen_settle(pb->pb_fd);
	return 0;
}

int
prebind_swap(struct server *srv, struct prebound *pb, size_t n,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pb[i].pb_replaces == SIZE_MAX)
			continue;
		if (prebind_trade(srv, &srv->srv_listeners[pb[i].pb_replaces],
		    &pb[i], err, errlen) == -1) {
			prebind_unswap(srv, pb, n);
			return -1;
		}
	}
	return 0;
}

void
prebind_unswap(struct server *srv, struct prebound *pb, size_t n)
{
	char err[256];
	size_t i;

	/*
	 * Each old address bound again beside the new socket that took it,
	 * then the new ones go; what cannot be bound beside one (two new
	 * sockets overlapping one old) is bound once they are gone.
	 */
	for (i = 0; i < n; i++) {
		struct listener *li;

		if (pb[i].pb_replaces == SIZE_MAX || pb[i].pb_fd == -1)
			continue;
		li = &srv->srv_listeners[pb[i].pb_replaces];
		if (li->li_fd == -1)
			li->li_fd = listen_open_beside(li->li_addr,
			    li->li_socktype, pb[i].pb_fd, err, sizeof(err));
	}
	for (i = 0; i < n; i++)
		if (pb[i].pb_replaces != SIZE_MAX && pb[i].pb_fd != -1) {
			/* Who queued on it since the swap is served too. */
			drain_retire(srv, &srv->srv_listeners[pb[i].pb_replaces],
			    pb[i].pb_fd);
			pb[i].pb_fd = -1;
		}
	for (i = 0; i < n; i++) {
		struct listener *li;

		if (pb[i].pb_replaces == SIZE_MAX)
			continue;
		li = &srv->srv_listeners[pb[i].pb_replaces];
		if (li->li_fd == -1)
			li->li_fd = prebind_rebind(li->li_addr, li->li_socktype,
			    err, sizeof(err));
		else
			listen_settle(li->li_fd);
		loop_pfd_listener(srv, pb[i].pb_replaces)->fd =
		    li->li_paused ? -1 : li->li_fd;
		/* Only another program could have taken it meanwhile. */
		if (li->li_fd == -1)
			log_warnx("%s: lost after a failed reload", err);
	}
}

int
prebind_open(const struct server *srv, const struct config *next,
    struct prebound **pbp, size_t *np, char *err, size_t errlen)
{
	size_t total = conf_count_listeners(next), i, j;
	struct prebound *pb;
	int rc = 0;

	*np = 0;
	if ((*pbp = pb = calloc(total ? total : 1, sizeof(*pb))) == NULL) {
		snprintf(err, errlen, "allocating listeners: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < next->cf_nservices && rc == 0; i++) {
		const struct svc_conf *sc = &next->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		for (j = 0; j < sc->sc_nstream && rc == 0; j++)
			rc = prebind_one(srv, next, pb, np, sc,
			    &sc->sc_stream[j], SOCK_STREAM, err, errlen);
		for (j = 0; j < sc->sc_ndgram && rc == 0; j++)
			rc = prebind_one(srv, next, pb, np, sc,
			    &sc->sc_dgram[j], SOCK_DGRAM, err, errlen);
	}
	if (rc == -1) {
		prebind_close(pb, *np);
		*pbp = NULL;
		*np = 0;
	}
	return rc;
}

void
prebind_close(struct prebound *pb, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pb[i].pb_fd == -1)
			continue;
		(void)close(pb[i].pb_fd);
		(void)listen_unlink(pb[i].pb_addr);
	}
	free(pb);
}
