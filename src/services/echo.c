/*
 * echo: the Echo Protocol of RFC 862.  Over TCP every byte the client
 * sends comes back until it closes (or sends nothing for idle_timeout
 * seconds, or stops reading for as long); over UDP each datagram goes
 * back as it came, answered inline by the parent.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "services/service.h"

static int
echo_stream(int fd, const struct svc_client *cl)
{
	const struct svc_conf *sc = cl->cl_svc;
	char buf[16384];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			return 0;	/* the client is done */
		if (n == -1 || netio_write_all(fd, buf, (size_t)n) == -1) {
			log_debug("%s: %s", sc->sc_name, errno == EAGAIN ?
			    "idle for idle_timeout" : strerror(errno));
			return 0;
		}
	}
}

/* The request is the reply; one longer than the buffer is not cut. */
static ssize_t
echo_dgram(const struct svc_conf *sc, char *buf, size_t len, size_t cap)
{
	(void)sc;
	(void)buf;
	return len <= cap ? (ssize_t)len : -1;
}

const struct service svc_echo = {
	.sv_type = "echo",
	.sv_stream = echo_stream,
	.sv_dgram = echo_dgram,
	.sv_props = SV_FORK | SV_DATAGRAM | SV_IDLE_SOCKET,
};
