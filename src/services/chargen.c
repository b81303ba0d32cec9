/*
 * chargen: the Character Generator Protocol of RFC 864.  The stream is
 * RFC 864's "most popular" pattern: lines of 72 of the 95 printable
 * ASCII characters (32 to 126), each line starting one character later
 * than the one before and wrapping round, ended by CRLF.  Over TCP it
 * runs until the client closes (or stops reading for idle_timeout
 * seconds), and what the client sends is never read; over UDP any datagram
 * gets one datagram of a random length from 0 to 512: the start of the
 * same stream.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "config/config.h"
#include "services/fortune_random.h"
#include "services/service.h"

#define CHARGEN_FIRST	32	/* ' ' */
#define CHARGEN_CHARS	95	/* ' ' to '~' */
#define CHARGEN_WIDTH	72
#define CHARGEN_LINE	(CHARGEN_WIDTH + 2)
/* After 95 lines the pattern starts over. */
#define CHARGEN_CYCLE	(CHARGEN_CHARS * CHARGEN_LINE)
#define CHARGEN_DGRAM_MAX 512

/* n bytes of the stream from its start into buf. */
static void
chargen_fill(char *buf, size_t n)
{
	size_t o, line, col;

	for (o = 0; o < n; o++) {
		line = o / CHARGEN_LINE;
		col = o % CHARGEN_LINE;
		if (col < CHARGEN_WIDTH)
			buf[o] = (char)(CHARGEN_FIRST +
			    (line + col) % CHARGEN_CHARS);
		else
			buf[o] = col == CHARGEN_WIDTH ? '\r' : '\n';
	}
}

static int
chargen_stream(int fd, const struct svc_client *cl)
{
	const struct svc_conf *sc = cl->cl_svc;
	static char cycle[CHARGEN_CYCLE];
	ssize_t n;
	size_t at = 0;

	chargen_fill(cycle, sizeof(cycle));
	for (;;) {
		n = send(fd, cycle + at, sizeof(cycle) - at, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			log_debug("%s: %s", sc->sc_name, errno == EAGAIN ?
			    "not read for idle_timeout" : strerror(errno));
			return 0;	/* EPIPE, ECONNRESET: the client left */
		}
		at = (at + (size_t)n) % sizeof(cycle);
	}
}

/* 0 bytes is one of the lengths: an empty datagram goes back then. */
static ssize_t
chargen_dgram(const struct svc_conf *sc, char *buf, size_t len, size_t cap)
{
	size_t n = fortune_random(CHARGEN_DGRAM_MAX + 1);

	(void)sc;
	(void)len;
	if (n > cap)
		n = cap;
	chargen_fill(buf, n);
	return (ssize_t)n;
}

const struct service svc_chargen = {
	.sv_type = "chargen",
	.sv_stream = chargen_stream,
	.sv_dgram = chargen_dgram,
	.sv_props = SV_FORK | SV_DATAGRAM | SV_IDLE_SOCKET,
};
