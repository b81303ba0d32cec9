/*
 * The verdicts of admission.h.  Everything here runs in the parent
 * before a fork, for every connection: no system call, no allocation.
 */
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>

#include "config/config.h"
#include "net/cidr.h"
#include "net/peer.h"
#include "parent/admission.h"
#include "parent/server.h"

static int
acl_permits(const struct svc_conf *sc, const struct sockaddr *peer)
{
	return cidr_permits(sc->sc_allow, sc->sc_nallow, sc->sc_deny,
	    sc->sc_ndeny, peer);
}

/*
 * Live children of svc from peer's address, but for the one in slot not
 * (UINT_MAX: none) and
 * proxied ones whose real client is not known yet.
 */
static unsigned
live_from_source(const struct server *srv, size_t svc,
    const struct sockaddr *peer, unsigned not)
{
	unsigned i, n = 0;

	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (i == not)
			continue;
		if (ch->ch_pid != 0 && ch->ch_svc == svc && ch->ch_report == 0 &&
		    peer_same_source((const struct sockaddr *)&ch->ch_peer,
		    peer))
			n++;
	}
	return n;
}

/* Which count of live children a new child would exceed, if any. */
static enum refusal
admit_children(const struct server *srv, size_t svc,
    const struct sockaddr *peer)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (srv->srv_live >= srv->srv_conf->cf_max_children)
		return REFUSAL_MAX_CHILDREN;
	if (sc->sc_max_instances != 0 &&
	    srv->srv_counts[svc].sn_live >= sc->sc_max_instances)
		return REFUSAL_MAX_INSTANCES;
	/* Behind a proxy, peer is the proxy: the child names the client. */
	if (sc->sc_per_source != 0 && sc->sc_proxy == 0 &&
	    live_from_source(srv, svc, peer, UINT_MAX) >= sc->sc_per_source)
		return REFUSAL_PER_SOURCE;
	return REFUSAL_NONE;
}

/*
 * A proxied service's connection: only its load balancers may connect
 * (a Unix socket's file mode says who may); allow/deny and per_source
 * wait for the real client.
 */
static int
admit_proxy_from(const struct svc_conf *sc, const struct sockaddr *peer)
{
	return peer->sa_family == AF_UNIX ||
	    cidr_listed(sc->sc_proxy_from, sc->sc_nproxy_from, peer);
}

enum refusal
admit_stream(const struct server *srv, size_t svc, const struct sockaddr *peer,
    int forks, time_t now)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	enum refusal verdict;

	if (sc->sc_proxy != 0) {
		if (!admit_proxy_from(sc, peer))
			return REFUSAL_PROXY;
	} else if (!acl_permits(sc, peer))
		return REFUSAL_ACL;
	if (forks && (verdict = admit_children(srv, svc, peer)) != REFUSAL_NONE)
		return verdict;
	/* Last, so that a client refused for a count uses up no rate. */
	if (rate_full(&srv->srv_counts[svc].sn_rate, sc->sc_rate, now) ||
	    rate_full(&srv->srv_counts[svc].sn_rate_minute, sc->sc_rate_minute,
	    now / 60))
		return REFUSAL_RATE;
	return REFUSAL_NONE;
}

enum refusal
admit_proxied(const struct server *srv, const struct child *ch,
    const struct sockaddr *client)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[ch->ch_svc];

	if (!acl_permits(sc, client))
		return REFUSAL_ACL;
	if (sc->sc_per_source != 0 && live_from_source(srv, ch->ch_svc,
	    client, (unsigned)(ch - srv->srv_children)) >= sc->sc_per_source)
		return REFUSAL_PER_SOURCE;
	return REFUSAL_NONE;
}

enum refusal
admit_datagram(const struct server *srv, size_t svc,
    const struct sockaddr *peer, time_t now)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (!acl_permits(sc, peer))
		return REFUSAL_ACL;
	if (rate_full(&srv->srv_counts[svc].sn_dgram_rate,
	    sc->sc_datagram_rate, now))
		return REFUSAL_RATE;
	return REFUSAL_NONE;
}

const char *
admit_detail(enum refusal verdict)
{
	/* admit_stream's only proxy verdict; the child finds the others. */
	return verdict == REFUSAL_PROXY ? "not in proxy_from" : NULL;
}

int
admit_children_limit(enum refusal verdict)
{
	return verdict == REFUSAL_MAX_CHILDREN ||
	    verdict == REFUSAL_MAX_INSTANCES || verdict == REFUSAL_PER_SOURCE;
}

enum refusal
admit_wait(const struct server *srv, size_t svc, time_t now)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];

	if (srv->srv_live >= srv->srv_conf->cf_max_children)
		return REFUSAL_MAX_CHILDREN;
	if (rate_full(&srv->srv_counts[svc].sn_rate, sc->sc_rate, now) ||
	    rate_full(&srv->srv_counts[svc].sn_rate_minute, sc->sc_rate_minute,
	    now / 60))
		return REFUSAL_RATE;
	return REFUSAL_NONE;
}
