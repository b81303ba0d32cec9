/*
 * The verdicts of admission.h.  Everything here runs in the parent
 * before a fork, for every connection: no system call, no allocation.
 */
#include <netinet/in.h>
#include <stddef.h>

#include "config/config.h"
#include "net/cidr.h"
#include "net/peer.h"
#include "parent/admission.h"
#include "parent/server.h"

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

static unsigned
live_from_source(const struct server *srv, size_t svc,
    const struct sockaddr *peer)
{
	unsigned i, n = 0;

	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (ch->ch_pid != 0 && ch->ch_svc == svc &&
		    peer_same_source((const struct sockaddr *)&ch->ch_peer,
		    peer))
			n++;
	}
	return n;
}

static int
rate_full(const struct rate_window *rw, unsigned rate, time_t now)
{
	return rate != 0 && rw->rw_second == now && rw->rw_used >= rate;
}

/* Which count of live children a new child would exceed, if any. */
static enum admit
admit_children(const struct server *srv, size_t svc,
    const struct sockaddr *peer)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (srv->srv_live >= srv->srv_conf->cf_max_children)
		return ADMIT_MAX_CHILDREN;
	if (sc->sc_max_instances != 0 &&
	    srv->srv_counts[svc].sn_live >= sc->sc_max_instances)
		return ADMIT_MAX_INSTANCES;
	if (sc->sc_per_source != 0 &&
	    live_from_source(srv, svc, peer) >= sc->sc_per_source)
		return ADMIT_PER_SOURCE;
	return ADMIT_OK;
}

enum admit
admit_stream(const struct server *srv, size_t svc, const struct sockaddr *peer,
    int forks, time_t now)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	enum admit verdict;

	if (!acl_permits(sc, peer))
		return ADMIT_ACL;
	if (forks && (verdict = admit_children(srv, svc, peer)) != ADMIT_OK)
		return verdict;
	/* Last, so that a client refused for a count uses up no rate. */
	if (rate_full(&srv->srv_counts[svc].sn_rate, sc->sc_rate, now))
		return ADMIT_RATE;
	return ADMIT_OK;
}

enum admit
admit_datagram(const struct server *srv, size_t svc,
    const struct sockaddr *peer, time_t now)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (!acl_permits(sc, peer))
		return ADMIT_ACL;
	if (rate_full(&srv->srv_counts[svc].sn_dgram_rate,
	    sc->sc_datagram_rate, now))
		return ADMIT_RATE;
	return ADMIT_OK;
}

const char *
admit_reason(enum admit verdict)
{
	switch (verdict) {
	case ADMIT_OK:			return "ok";
	case ADMIT_ACL:			return "acl";
	case ADMIT_MAX_CHILDREN:	return "max_children";
	case ADMIT_MAX_INSTANCES:	return "max_instances";
	case ADMIT_PER_SOURCE:		return "per_source";
	case ADMIT_RATE:		return "rate";
	}
	return "?";
}

int
admit_children_limit(enum admit verdict)
{
	return verdict == ADMIT_MAX_CHILDREN ||
	    verdict == ADMIT_MAX_INSTANCES || verdict == ADMIT_PER_SOURCE;
}

void
rate_take(struct rate_window *rw, time_t now)
{
	if (rw->rw_second != now) {
		rw->rw_second = now;
		rw->rw_used = 0;
	}
	rw->rw_used++;
}
