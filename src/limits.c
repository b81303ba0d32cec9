/*
 * Admission of a new client: access lists first (cheap, and they never
 * need a byte from the client), then the counters of live children and
 * the per-second rate.  Everything here runs in the parent before fork.
 */
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "config.h"
#include "server.h"

static int
acl_listed(const struct cidr *list, size_t n, const struct sockaddr *peer)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_match(&list[i], peer))
			return 1;
	return 0;
}

/* Deny wins; an empty allow list allows everyone. */
static int
acl_permits(const struct svc_conf *sc, const struct sockaddr *peer)
{
	if (peer->sa_family == AF_UNIX)
		return 1;	/* file permissions guard Unix sockets */
	if (acl_listed(sc->sc_deny, sc->sc_ndeny, peer))
		return 0;
	return sc->sc_nallow == 0 ||
	    acl_listed(sc->sc_allow, sc->sc_nallow, peer);
}

/*
 * The bytes that identify a peer's address: 4 for IPv4, native or
 * v4-mapped (a service may listen on a plain IPv4 socket and on a
 * dual-stack one, and the same client must count once), 16 for IPv6,
 * none for a Unix client.  Returns the length.
 */
static size_t
peer_key(const struct sockaddr *sa, const unsigned char **key)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	switch (sa->sa_family) {
	case AF_INET:
		*key = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		return 4;
	case AF_INET6:
		*key = s6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			*key += 12;
			return 4;
		}
		return 16;
	default:
		*key = NULL;
		return 0;	/* every Unix client is one local source */
	}
}

/*
 * Two peers are "the same source" when their addresses are equal; the
 * port does not matter.
 */
static int
peer_same_source(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	const unsigned char *ka, *kb;
	size_t la, lb;

	la = peer_key((const struct sockaddr *)a, &ka);
	lb = peer_key(b, &kb);
	if (la != lb || (la == 0 && a->ss_family != b->sa_family))
		return 0;
	return la == 0 || memcmp(ka, kb, la) == 0;
}

static unsigned
live_from_source(const struct server *srv, size_t svc,
    const struct sockaddr *peer)
{
	unsigned i, n = 0;

	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (ch->ch_pid != 0 && ch->ch_svc == svc &&
		    peer_same_source(&ch->ch_peer, peer))
			n++;
	}
	return n;
}

static int
rate_exceeded(struct rate_window *rw, unsigned rate)
{
	time_t now;

	if (rate == 0)
		return 0;
	now = time(NULL);
	if (rw->rw_second != now) {
		rw->rw_second = now;
		rw->rw_used = 0;
	}
	if (rw->rw_used >= rate)
		return 1;
	rw->rw_used++;
	return 0;
}

/* Which count of live children a new child would exceed, if any. */
static const char *
limit_counts(const struct server *srv, size_t svc, const struct sockaddr *peer)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (srv->srv_live >= srv->srv_conf->cf_max_children)
		return "max_children";
	if (sc->sc_max_instances != 0 &&
	    srv->srv_counts[svc].sn_live >= sc->sc_max_instances)
		return "max_instances";
	if (sc->sc_per_source != 0 &&
	    live_from_source(srv, svc, peer) >= sc->sc_per_source)
		return "per_source";
	return NULL;
}

const char *
limit_check(struct server *srv, size_t svc, const struct sockaddr *peer,
    int forks)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	const char *reason;

	if (!acl_permits(sc, peer))
		return "acl";
	/*
	 * SIGCHLD is only taken in ppoll(), so during a burst of accepts
	 * children that already exited still count.  At a limit, reap
	 * first (one WNOHANG waitpid when nothing exited) and look again:
	 * the limits are on live children, not on unreaped ones.
	 */
	if (forks && limit_counts(srv, svc, peer) != NULL) {
		server_reap(srv);
		if ((reason = limit_counts(srv, svc, peer)) != NULL)
			return reason;
	}
	/* Last, so that a refused client does not use up the rate. */
	if (rate_exceeded(&sn->sn_rate, sc->sc_rate))
		return "rate";
	return NULL;
}

const char *
limit_check_datagram(struct server *srv, size_t svc,
    const struct sockaddr *peer)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (!acl_permits(sc, peer))
		return "acl";
	if (rate_exceeded(&srv->srv_counts[svc].sn_dgram_rate,
	    sc->sc_datagram_rate))
		return "rate";
	return NULL;
}
