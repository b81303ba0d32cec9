/*
 * The PROXY protocol options.  A header is only ever believed from the
 * addresses in proxy_from, so turning it on without them is an error,
 * not an open door; it belongs to connections the parent accepts, so
 * it cannot go with datagrams or with wait = true.
 */
#include <string.h>
#include <sys/socket.h>

#include "config/conf_diag.h"
#include "config/conf_proxy.h"
#include "config/conf_value.h"
#include "config/config.h"
#include "net/proxy.h"

static int
conf_proxy_versions(const char *word)
{
	if (strcmp(word, "off") == 0)
		return 0;
	if (strcmp(word, "v1") == 0)
		return PROXY_ACCEPT_V1;
	if (strcmp(word, "v2") == 0)
		return PROXY_ACCEPT_V2;
	if (strcmp(word, "any") == 0)
		return PROXY_ACCEPT_V1 | PROXY_ACCEPT_V2;
	return -1;
}

/* What proxy_protocol cannot go with; its own line is the one to blame. */
static void
conf_proxy_fits(struct conf_ctx *cx, cfg_t *sec, const struct svc_conf *sc,
    unsigned line, const char *who)
{
	size_t i;

	if (sc->sc_nproxy_from == 0 && cfg_size(sec, "proxy_from") == 0)
		conf_error(cx, line, "%sproxy_protocol = \"%s\" needs "
		    "proxy_from, the load balancers' addresses", who,
		    cfg_getstr(sec, "proxy_protocol"));
	if (cfg_size(sec, "listen_datagram") > 0)
		conf_error(cx, line, "%sproxy_protocol: stream services only "
		    "(this one has listen_datagram)", who);
	if (sc->sc_wait)
		conf_error(cx, line, "%sproxy_protocol: not with wait = true "
		    "(the program, not spawnd, accepts the connections)", who);
	/*
	 * proxy_from judges IP addresses, and every peer of a Unix socket
	 * is "local": any local user who may connect could claim any client.
	 */
	for (i = 0; i < sc->sc_nstream; i++)
		if (sc->sc_stream[i].la_family == AF_UNIX) {
			conf_error(cx, line, "%sproxy_protocol: not on a Unix "
			    "socket (%s): proxy_from cannot tell the load "
			    "balancer from any local user who can connect",
			    who, sc->sc_stream[i].la_text);
			break;
		}
}

void
conf_proxy(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	const char *word = cfg_getstr(sec, "proxy_protocol");
	unsigned line = conf_line(cx, sec, "proxy_protocol", 0, sc->sc_line);
	int versions = conf_proxy_versions(word);

	conf_cidrs(cx, sec, "proxy_from", &sc->sc_proxy_from,
	    &sc->sc_nproxy_from, who);
	sc->sc_proxy_timeout = conf_uint(cx, sec, "proxy_timeout", 1,
	    CONF_MAX_PROXY_TIMEOUT, sc->sc_line, who);
	if (versions == -1) {
		conf_error(cx, line, "%sproxy_protocol \"%s\": one of off, v1, "
		    "v2, any", who, word);
		return;
	}
	sc->sc_proxy = versions;
	if (versions != 0)
		conf_proxy_fits(cx, sec, sc, line, who);
	else if (cfg_size(sec, "proxy_from") > 0)
		conf_error(cx, conf_line(cx, sec, "proxy_from", 0, sc->sc_line),
		    "%sproxy_from without proxy_protocol", who);
}
