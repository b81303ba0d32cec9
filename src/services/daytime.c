/*
 * daytime: the Daytime Protocol of RFC 867.  The RFC leaves the format
 * free ("ASCII printing characters ... one line"); spawnd sends Perl's
 * scalar localtime, as the perlipc servers do, and ends the line with
 * CRLF as TCP services should: "Fri Nov 27 09:05:03 2026\r\n", 26 bytes.
 * Over TCP it is sent and the connection closed; over UDP any datagram
 * gets the same bytes in one datagram.  The parent answers both inline
 * unless the configuration says fork = true (then the core's child sends
 * the same reply).
 */
#include <string.h>
#include <time.h>

#include "services/service.h"
#include "services/timefmt.h"

static size_t
daytime_reply(const struct svc_conf *sc, char *buf, size_t cap)
{
	size_t len;

	if (cap < TIMEFMT_DATE_LEN + 3)
		return 0;
	len = timefmt_date(buf, cap - 2, time(NULL));
	if (len == 0)
		return 0;
	memcpy(buf + len, "\r\n", 2);
	return len + 2;
}

const struct service svc_daytime = {
	.sv_type = "daytime",
	.sv_reply = daytime_reply,
	.sv_props = SV_TERM_WAITS | SV_NEVER_READS | SV_DATAGRAM,
};
