/*
 * loopserver: the accept ceiling.  One process, no fork: accept4(), one
 * send() of the reply, close(), again; with -U, recvfrom() and sendto()
 * on a datagram socket.  The reply is what spawnd's time (RFC 868: four
 * bytes) or daytime (RFC 867: the date line) service sends, built per
 * client as spawnd builds it.  spawnd answers these services inline
 * (spawnd(8), "DESCRIPTION"), so it should come close to this server.
 *
 * usage: loopserver [-m time|daytime] [-U] -p PORT [-h 127.0.0.1|::1]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "refnet.h"

/* One reply for the chosen service; returns its length. */
static size_t
ls_reply(int daytime, char *buf, size_t cap)
{
	size_t len;

	if (!daytime) {
		ref_time868((unsigned char *)buf);
		return 4;
	}
	len = ref_date(buf, cap - 2);
	if (len == 0)
		return 0;
	buf[len++] = '\r';
	buf[len++] = '\n';
	return len;
}

static void
ls_stream(int lfd, int daytime)
{
	char reply[64];
	size_t len;

	while (!ref_stop) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				perror("loopserver: accept4");
			continue;
		}
		len = ls_reply(daytime, reply, sizeof(reply));
		/* As spawnd does: a fresh socket takes a few bytes at once. */
		if (len > 0 && send(fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1 &&
		    errno != EPIPE && errno != ECONNRESET)
			perror("loopserver: send");
		(void)close(fd);
	}
}

static void
ls_dgram(int fd, int daytime)
{
	struct sockaddr_storage peer;
	socklen_t plen;
	char req[512], reply[64];
	size_t len;

	while (!ref_stop) {
		plen = sizeof(peer);
		if (recvfrom(fd, req, sizeof(req), 0, (struct sockaddr *)&peer,
		    &plen) == -1) {
			if (errno != EINTR)
				perror("loopserver: recvfrom");
			continue;
		}
		len = ls_reply(daytime, reply, sizeof(reply));
		if (len > 0 && sendto(fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (struct sockaddr *)&peer, plen) == -1)
			perror("loopserver: sendto");
	}
}

int
main(int argc, char *argv[])
{
	const char *host = "127.0.0.1", *port = NULL;
	struct ref_addr ra;
	char err[256];
	int ch, fd, daytime = 0, udp = 0;

	while ((ch = getopt(argc, argv, "h:p:m:U")) != -1) {
		switch (ch) {
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 'U': udp = 1; break;
		case 'm':
			if (strcmp(optarg, "time") != 0 &&
			    strcmp(optarg, "daytime") != 0) {
				fprintf(stderr, "loopserver: -m time|daytime\n");
				return 64;
			}
			daytime = strcmp(optarg, "daytime") == 0;
			break;
		default:
			fprintf(stderr, "usage: loopserver [-m time|daytime] [-U] "
			    "-p PORT [-h 127.0.0.1|::1]\n");
			return 64;
		}
	}
	if (ref_addr_set(&ra, host, port, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "loopserver: %s\n", err);
		return 64;
	}
	tzset();
	if (ref_signals() == -1) {
		perror("loopserver: sigaction");
		return 71;
	}
	fd = ref_listen(&ra, udp ? SOCK_DGRAM : SOCK_STREAM, err, sizeof(err));
	if (fd == -1) {
		fprintf(stderr, "loopserver: %s\n", err);
		return 69;
	}
	if (udp)
		ls_dgram(fd, daytime);
	else
		ls_stream(fd, daytime);
	(void)close(fd);
	return 0;
}
