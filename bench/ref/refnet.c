/*
 * Shared pieces of the reference servers.  They bind loopback addresses
 * or Unix paths only, like the load generator, and they format their
 * replies the way spawnd's services do, so that a reference and the
 * service it stands beside do the same work per client and differ only
 * in how the server is organised.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "refnet.h"

/* RFC 868 counts from 1900; the Unix epoch is 70 years (17 leap days) later. */
#define REF_EPOCH_1900	2208988800UL

volatile sig_atomic_t ref_stop;

static void
ref_on_signal(int signo)
{
	(void)signo;
	ref_stop = 1;
}

long
ref_number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: %s is not a number in [%ld, %ld]\n", opt, s,
		    min, max);
		exit(64);
	}
	return v;
}

static int
ref_addr_unix(struct ref_addr *ra, const char *path, char *err,
    size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&ra->ra_ss;

	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "%s: longer than %zu bytes", path,
		    sizeof(sun->sun_path) - 1);
		return -1;
	}
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	ra->ra_len = sizeof(*sun);
	ra->ra_path = path;
	return 0;
}

int
ref_addr_set(struct ref_addr *ra, const char *host, const char *port,
    const char *path, char *err, size_t errlen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ra->ra_ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ra->ra_ss;
	uint16_t p;

	memset(ra, 0, sizeof(*ra));
	if ((path == NULL) == (port == NULL)) {
		snprintf(err, errlen, "give exactly one of -p PORT or -u PATH");
		return -1;
	}
	if (path != NULL)
		return ref_addr_unix(ra, path, err, errlen);
	p = htons((uint16_t)ref_number("-p", port, 1, 65535));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1 &&
	    (ntohl(s4->sin_addr.s_addr) >> 24) == 127) {
		s4->sin_family = AF_INET;
		s4->sin_port = p;
		ra->ra_len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = p;
		ra->ra_len = sizeof(*s6);
		return 0;
	}
	snprintf(err, errlen, "%s: only 127.0.0.0/8 and ::1 are allowed", host);
	return -1;
}

/* Replace a stale socket file; never remove anything else. */
static int
ref_clear_path(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(sb.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	if (unlink(path) == -1) {
		snprintf(err, errlen, "%s: unlink: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
ref_listen(const struct ref_addr *ra, int socktype, char *err, size_t errlen)
{
	int fd, one = 1;

	if (ra->ra_path != NULL && ref_clear_path(ra->ra_path, err, errlen) == -1)
		return -1;
	fd = socket(ra->ra_ss.ss_family, socktype | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (ra->ra_path == NULL &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1) {
		snprintf(err, errlen, "SO_REUSEADDR: %s", strerror(errno));
		(void)close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)&ra->ra_ss, ra->ra_len) == -1 ||
	    (socktype == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)) {
		snprintf(err, errlen, "bind/listen: %s", strerror(errno));
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
ref_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ref_on_signal;	/* no SA_RESTART: accept() must wake */
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

size_t
ref_date(char *buf, size_t cap)
{
	struct tm tm;
	time_t now = time(NULL);

	if (localtime_r(&now, &tm) == NULL)
		return 0;
	return strftime(buf, cap, "%a %b %e %H:%M:%S %Y", &tm);
}

void
ref_time868(unsigned char buf[4])
{
	uint32_t t = (uint32_t)((unsigned long)time(NULL) + REF_EPOCH_1900);

	buf[0] = (unsigned char)(t >> 24);
	buf[1] = (unsigned char)(t >> 16);
	buf[2] = (unsigned char)(t >> 8);
	buf[3] = (unsigned char)t;
}

size_t
ref_hello(char *buf, size_t cap, const struct sockaddr *peer)
{
	char addr[INET6_ADDRSTRLEN] = "", date[64];
	const void *a = NULL;
	int n;

	if (peer != NULL && peer->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)peer)->sin_addr;
	else if (peer != NULL && peer->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)peer)->sin6_addr;
	if (a != NULL && inet_ntop(peer->sa_family, a, addr, sizeof(addr)) == NULL)
		return 0;
	if (ref_date(date, sizeof(date)) == 0)
		return 0;
	if (a != NULL)
		n = snprintf(buf, cap, "Hello there, %s, it's now %s\r\n", addr,
		    date);
	else
		n = snprintf(buf, cap, "Hello there, it's now %s\n", date);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}
