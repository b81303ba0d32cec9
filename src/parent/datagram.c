/*
 * Datagram services, answered inline by the parent: at most one reply
 * per request, never to a source that could start a loop between two
 * servers or turn us into a reflector (after OpenBSD inetd's
 * dg_badinput), and within the service's rate.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "base/fnv.h"
#include "base/log.h"
#include "board/stats.h"
#include "config/config.h"
#include "net/addr.h"
#include "parent/admission.h"
#include "parent/datagram.h"
#include "parent/server.h"
#include "services/service.h"

/* Bounded so a flood on one socket cannot starve the stream listeners. */
#define DGRAM_BURST 64

static int
dgram_bad_port(in_port_t port_be)
{
	unsigned port = ntohs(port_be);

	/* Privileged ports are other servers' (echo, chargen, ...); 2049 is NFS. */
	return port < 1024 || port == 2049;
}

static int
dgram_bad_v4(const unsigned char *a)
{
	/* 0/8 "this network", 255/8 broadcast, 224/4 multicast. */
	return a[0] == 0 || a[0] == 255 || (a[0] & 0xf0) == 0xe0;
}

int
dgram_bad_source(const struct sockaddr *sa)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	switch (sa->sa_family) {
	case AF_INET:
		return dgram_bad_port(s4->sin_port) ||
		    dgram_bad_v4((const unsigned char *)&s4->sin_addr);
	case AF_INET6:
		if (dgram_bad_port(s6->sin6_port))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
			return dgram_bad_v4(&s6->sin6_addr.s6_addr[12]);
		return IN6_IS_ADDR_MULTICAST(&s6->sin6_addr) ||
		    IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
	default:
		return 1;
	}
}

/*
 * From a port one of our datagram services listens on: an answer of
 * ours (echo to chargen, time to echo, a forged source of our own
 * address), which answering would turn into a loop without end, here
 * or between two hosts' services (FreeBSD inetd's check_loop).
 */
static int
dgram_from_ours(const struct server *srv, const struct sockaddr *sa)
{
	in_port_t port_be = sa->sa_family == AF_INET ?
	    ((const struct sockaddr_in *)sa)->sin_port :
	    ((const struct sockaddr_in6 *)sa)->sin6_port;
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++)
		if (srv->srv_listeners[i].li_socktype == SOCK_DGRAM &&
		    srv->srv_listeners[i].li_addr->la_family != AF_UNIX &&
		    srv->srv_listeners[i].li_addr->la_port == ntohs(port_be))
			return 1;
	return 0;
}

int
dgram_answer(struct server *srv, const struct listener *li)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	struct sockaddr_storage peer;
	socklen_t peerlen;
	time_t now;
	enum refusal verdict;
	char *buf = srv->srv_dgram_buf;
	ssize_t got, len;
	int n;

	for (n = 0; n < DGRAM_BURST; n++) {
		peerlen = sizeof(peer);
		if ((got = recvfrom(li->li_fd, buf, DGRAM_MAX, MSG_TRUNC,
		    (struct sockaddr *)&peer, &peerlen)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			log_warn("%s: recvfrom", li->li_addr->la_text);
			return -1;
		}
		/* Silently: logging each one would let a flood fill the log. */
		if (dgram_bad_source((struct sockaddr *)&peer) ||
		    dgram_from_ours(srv, (struct sockaddr *)&peer)) {
			stats_dropped(li->li_svc, STATS_DROP_SOURCE);
			continue;
		}
		now = time(NULL);
		verdict = admit_datagram(srv, li->li_svc,
		    (struct sockaddr *)&peer, now);
		if (verdict != REFUSAL_NONE) {
			stats_dropped(li->li_svc, verdict == REFUSAL_ACL ?
			    STATS_DROP_ACL : STATS_DROP_RATE);
			log_debug("refused datagram on %s: %s", sc->sc_name,
			    refusal_word(verdict));
			continue;
		}
		rate_take(&srv->srv_counts[li->li_svc].sn_dgram_rate, now);
		stats_datagram(li->li_svc);
		/* got > DGRAM_MAX: only its start is in buf (sv_dgram). */
		if (sc->sc_type->sv_dgram != NULL)
			len = sc->sc_type->sv_dgram(sc, buf, (size_t)got,
			    DGRAM_MAX);
		else if ((len = (ssize_t)sc->sc_type->sv_reply(sc, buf,
		    DGRAM_MAX)) == 0)
			len = -1;	/* nothing to say */
		if (len >= 0 && sendto(li->li_fd, buf, (size_t)len,
		    MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&peer,
		    peerlen) == -1)
			log_debug("%s: sendto: %s", sc->sc_name, strerror(errno));
	}
	return 0;
}

uint64_t
dgram_head(int fd)
{
	struct sockaddr_storage peer;
	unsigned char head[256];
	union {
		struct cmsghdr	 align;
		char		 buf[CMSG_SPACE(sizeof(struct timespec))];
	} control;
	struct iovec iov = { .iov_base = head, .iov_len = sizeof(head) };
	struct msghdr msg = {
		.msg_name = &peer, .msg_namelen = sizeof(peer),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm;
	int stamp = 0, on = 1;
	socklen_t len = sizeof(stamp);
	ssize_t n;
	uint64_t h;

	/*
	 * Two datagrams alike (a client's retransmission) are told apart by
	 * when they came: the kernel stamps a datagram when it is first
	 * read, a peek included, and keeps the stamp.  The option is the
	 * program's socket's: set for the peek only, then as it was.
	 */
	memset(&peer, 0, sizeof(peer));
	memset(&control, 0, sizeof(control));
	if (getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &stamp, &len) == -1)
		stamp = 1;	/* leave it alone */
	if (!stamp)
		(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on,
		    sizeof(on));
	n = recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	if (!stamp)
		(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &stamp,
		    sizeof(stamp));
	if (n == -1)
		return 0;
	/* Its whole length (MSG_TRUNC), its source, first bytes, stamp. */
	h = fnv_add(FNV_START, &n, sizeof(n));
	h = fnv_add(h, &peer, msg.msg_namelen < sizeof(peer) ?
	    msg.msg_namelen : sizeof(peer));
	h = fnv_add(h, head, (size_t)n < sizeof(head) ? (size_t)n :
	    sizeof(head));
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS)
			h = fnv_add(h, CMSG_DATA(cm), sizeof(struct timespec));
	return h != 0 ? h : 1;
}
