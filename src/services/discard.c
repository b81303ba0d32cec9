/*
 * discard: the Discard Protocol of RFC 863.  Over TCP whatever the client
 * sends is read and dropped until it closes (or sends nothing for
 * idle_timeout seconds); over UDP datagrams get no answer.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "config/config.h"
#include "services/service.h"

static int
discard_stream(int fd, const struct svc_client *cl)
{
	const struct svc_conf *sc = cl->cl_svc;
	char buf[16384];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0)
		if (n == -1 && errno != EINTR) {
			log_debug("%s: %s", sc->sc_name, errno == EAGAIN ?
			    "idle for idle_timeout" : strerror(errno));
			break;
		}
	return 0;
}

/* Nothing goes back. */
static ssize_t
discard_dgram(const struct svc_conf *sc, char *buf, size_t len, size_t cap)
{
	(void)sc;
	(void)buf;
	(void)len;
	(void)cap;
	return -1;
}

const struct service svc_discard = {
	.sv_type = "discard",
	.sv_stream = discard_stream,
	.sv_dgram = discard_dgram,
	.sv_props = SV_FORK | SV_DATAGRAM | SV_IDLE_SOCKET,
};
