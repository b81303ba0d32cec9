/*
 * What a configured service does and can do (see capability.h).
 */
#include "config/capability.h"
#include "config/config.h"
#include "services/service.h"

int
svc_forks(const struct svc_conf *sc)
{
	return sc->sc_fork || sc->sc_proxy != 0 ||
	    sc->sc_type->sv_reply == NULL;
}

unsigned
svc_can(const struct svc_conf *sc)
{
	unsigned can = 0;

	if (sc->sc_nstream > 0 && !sc->sc_wait) {
		can |= SVC_CAN_CONNECT;
		if (svc_forks(sc))
			can |= SVC_CAN_FORK | SVC_CAN_CHILDREN;
	}
	if (sc->sc_ndgram > 0 && !sc->sc_wait)
		can |= SVC_CAN_DATAGRAM;
	if (sc->sc_wait || sc->sc_fifo != NULL)
		can |= SVC_CAN_CHILDREN;
	if (sc->sc_proxy != 0)
		can |= SVC_CAN_PROXY;
	if ((can & SVC_CAN_CHILDREN) != 0 &&
	    (sc->sc_type->sv_props & SV_NO_IDLE) == 0)
		can |= SVC_CAN_IDLE;
	return can;
}
