/*
 * time: the Time Protocol of RFC 868.  The reply is the number of
 * seconds since 1900-01-01 00:00 UTC as 32 bits, most significant byte
 * first.  The Unix epoch, 1970-01-01, lies 2208988800 seconds after that
 * origin: 70 years of 365 days plus 17 leap days (1904 ... 1968), times
 * 86400.  timefmt_rfc868() adds the offset and wraps modulo 2^32, which
 * is what clients expect after the count overflows in 2036.
 *
 * Over TCP the server sends the 4 bytes and closes; over UDP any
 * datagram gets the 4 bytes back.  Both are so cheap that the parent
 * answers them inline unless the configuration says fork = true; then
 * the core's child sends the same reply.
 */
#include <stdint.h>
#include <time.h>

#include "services/service.h"
#include "services/timefmt.h"

static size_t
time_reply(const struct svc_conf *sc, char *buf, size_t cap)
{
	uint32_t t;

	if (cap < 4)
		return 0;
	t = timefmt_rfc868(time(NULL));
	buf[0] = (char)(t >> 24);
	buf[1] = (char)(t >> 16);
	buf[2] = (char)(t >> 8);
	buf[3] = (char)t;
	return 4;
}

const struct service svc_time = {
	.sv_type = "time",
	.sv_reply = time_reply,
	.sv_props = SV_TERM_WAITS | SV_NEVER_READS | SV_DATAGRAM,
};
