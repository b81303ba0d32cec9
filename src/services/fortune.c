/*
 * fortune: perlipc's hello line followed by a fortune cookie.  Over TCP
 * the client gets "Hello there, NAME, it's now DATE\r\n" and one cookie
 * with CRLF line ends, then the connection is closed.  Over UDP it is a
 * quote of the day server (RFC 865): any datagram gets one datagram
 * back holding one cookie of at most 512 bytes.
 *
 * The stream child reads the fortune file itself (or runs
 * fortune_command).  The parent answers datagrams from cookies loaded at
 * configuration time, choosing uniformly among those whose CRLF form
 * fits 512 bytes; longer cookies are never cut, only left out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "services/cookie.h"
#include "services/hello.h"
#include "services/service.h"

static int
fortune_stream(int fd, const struct svc_client *cl)
{
	const struct svc_conf *sc = cl->cl_svc;
	char hello[512], err[512], *cookie;
	size_t hlen, clen = 0;
	int rc = 0;

	/* The cookie first, so that a failure costs no half-sent reply. */
	cookie = cookie_get(sc, &clen, err, sizeof(err));
	if (cookie == NULL) {
		log_warnx("%s: %s", sc->sc_name, err);
		rc = 1;
	}
	hlen = svc_hello_line(hello, sizeof(hello), cl->cl_name);
	if (hlen == 0) {
		log_warnx("%s: the hello line does not fit", sc->sc_name);
		rc = 1;
	} else if (netio_write_head_text(fd, hello, hlen, cookie,
	    cookie != NULL ? clen : 0, NETIO_CRLF) == -1) {
		log_debug("%s: writing to %s: %s", sc->sc_name, cl->cl_name,
		    strerror(errno));
		rc = 1;
	}
	free(cookie);
	return rc;
}

/*
 * fork = false would answer streams inline with a bare cookie, without
 * the hello line: refuse it rather than serve a different protocol.
 */
static int
fortune_check(struct svc_conf *sc, const struct config *cf, char *err,
    size_t errlen)
{
	if (!sc->sc_fork) {
		snprintf(err, errlen, "fork = false: the fortune stream "
		    "service needs a child");
		return -1;
	}
	return cookie_check(sc, sc->sc_ndgram > 0, err, errlen);
}

const struct service svc_fortune = {
	.sv_type = "fortune",
	.sv_stream = fortune_stream,
	.sv_reply = cookie_dgram,
	.sv_props = SV_FORK | SV_TERM_WAITS | SV_NEVER_READS | SV_DATAGRAM,
	.sv_check = fortune_check,
	.sv_release = cookie_release,
};
