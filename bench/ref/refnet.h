/*
 * What the reference servers share: loopback-only addresses, listening
 * sockets, and the bytes spawnd's services send (so that a reference
 * does the same work per client as the service it is compared with).
 */
#ifndef REFNET_H
#define REFNET_H

#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>

struct ref_addr {
	struct sockaddr_storage	 ra_ss;
	socklen_t		 ra_len;
	const char		*ra_path;	/* AF_UNIX: to unlink at exit */
};

/* Set by SIGTERM/SIGINT; installed without SA_RESTART so accept() wakes. */
extern volatile sig_atomic_t ref_stop;

/*
 * "-h HOST -p PORT" (loopback only) or "-u PATH" into ra.  Returns 0,
 * or -1 with a message in err.
 */
int ref_addr_set(struct ref_addr *ra, const char *host, const char *port,
    const char *path, char *err, size_t errlen);

/* Bound and listening (stream) or bound (datagram); -1 and err on failure. */
int ref_listen(const struct ref_addr *ra, int socktype, char *err,
    size_t errlen);

/* SIGTERM/SIGINT set ref_stop; SIGPIPE ignored.  -1 with errno. */
int ref_signals(void);

/* Perl's scalar localtime, "Fri Nov 27 09:05:03 2026"; returns length. */
size_t ref_date(char *buf, size_t cap);

/* RFC 868: seconds since 1900-01-01 00:00 UTC, big-endian, into buf[4]. */
void ref_time868(unsigned char buf[4]);

/* "Hello there, ADDR, it's now DATE\r\n" (peer NULL: the Unix form). */
size_t ref_hello(char *buf, size_t cap, const struct sockaddr *peer);

/* Parse a decimal in [min, max] or exit(64) naming the option. */
long ref_number(const char *opt, const char *s, long min, long max);

#endif
