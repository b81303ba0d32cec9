/*
 * catsock: perlipc's Unix-domain server.  The client gets
 * "Hello there, it's now DATE\n" and one fortune cookie, both with
 * plain LF line ends as is usual on a Unix socket, then the connection
 * is closed.  The cookie comes from fortune_file or fortune_command,
 * read in the child.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/netio.h"
#include "base/strput.h"
#include "config/config.h"
#include "services/cookie.h"
#include "services/service.h"
#include "services/timefmt.h"

static int
catsock_stream(int fd, const struct svc_client *cl)
{
	const struct svc_conf *sc = cl->cl_svc;
	char date[TIMEFMT_DATE_LEN + 1], hello[128], err[512], *cookie;
	size_t hlen, clen = 0;
	struct strput sp;
	int rc = 0;

	cookie = cookie_get(sc, &clen, err, sizeof(err));
	if (cookie == NULL) {
		log_warnx("%s: %s", sc->sc_name, err);
		rc = 1;
	}
	if (timefmt_date(date, sizeof(date), time(NULL)) == 0)
		date[0] = '\0';
	strput_init(&sp, hello, sizeof(hello));
	strput_str(&sp, "Hello there, it's now ");
	strput_str(&sp, date);
	strput_str(&sp, "\n");
	hlen = strput_end(&sp);
	if (netio_write_head_text(fd, hello, hlen, cookie, cookie != NULL ?
	    clen : 0, NETIO_LF) == -1) {
		log_debug("%s: writing to the client: %s", sc->sc_name,
		    strerror(errno));
		rc = 1;
	}
	free(cookie);
	return rc;
}

const struct service svc_catsock = {
	.sv_type = "catsock",
	.sv_stream = catsock_stream,
	.sv_props = SV_FORK | SV_TERM_WAITS | SV_NEVER_READS,
	.sv_check = cookie_check_stream,
	.sv_release = cookie_release,
};
