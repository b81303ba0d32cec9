/*
 * loadgen: the benchmark's client.  It keeps CONCURRENCY connections in
 * flight against one loopback or Unix-socket server, each one connecting,
 * optionally sending a request, and reading until the server closes; or,
 * with --udp, sending one datagram and waiting for one datagram back.
 * One epoll loop drives every connection, so the client costs one process
 * and never forks: on a 2-CPU machine the client shares the CPUs with the
 * server, and a lean client is what lets the server's numbers show.
 *
 * It stops after MAX_CONNS connections or DURATION seconds, whichever
 * comes first, finishes the connections in flight (each bounded by the
 * per-connection timeout), and prints one line:
 *
 *   conns=N errors=E rate=R/s p50=Xms p99=Yms max=Zms elapsed=Ts
 *       refused=.. reset=.. timeout=.. short=.. other=..
 *
 * (one line, split here for width).  conns counts successes; latency is
 * from the start of connect() to EOF (TCP, Unix) or from send() to the
 * reply (UDP), over successes only.  Only loopback addresses and Unix
 * paths are accepted: this is a benchmark, not a load-testing tool for
 * other people's servers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

static volatile sig_atomic_t lg_interrupted;

static void
lg_on_signal(int signo)
{
	(void)signo;
	lg_interrupted = 1;
}

static void __attribute__((noreturn))
lg_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: loadgen [-c CONCURRENCY] [-n MAX_CONNS] [-d SECONDS]\n"
	    "               [-t TIMEOUT_MS] [-s BYTES] [-e EXPECT_MIN_BYTES]\n"
	    "               [--udp] [--quiet] (-p PORT [-h 127.0.0.1|::1] | -u PATH)\n");
	exit(status);
}

/* A number in [min, max], or exit with a message naming the option. */
static long
lg_number(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "loadgen: %s: %s is not a number in [%ld, %ld]\n",
		    opt, s, min, max);
		exit(64);
	}
	return v;
}

/* Seconds, decimals allowed ("0.5"), in (0, 3600]; as milliseconds. */
static long
lg_seconds_ms(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0.001 && v <= 3600)) {
		fprintf(stderr, "loadgen: %s: %s is not a number of seconds in "
		    "[0.001, 3600]\n", opt, s);
		exit(64);
	}
	return (long)(v * 1000.0 + 0.5);
}

/* Loopback only: 127.0.0.0/8 or ::1 (also as ::ffff:127.x.y.z). */
static int
lg_set_host(struct lg_opts *o, const char *host)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&o->o_addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&o->o_addr;

	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127)
			return -1;
		s4->sin_family = AF_INET;
		o->o_addrlen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) &&
		    !(IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
		    s6->sin6_addr.s6_addr[12] == 127))
			return -1;
		s6->sin6_family = AF_INET6;
		o->o_addrlen = sizeof(*s6);
		return 0;
	}
	return -1;
}

static void
lg_set_unix(struct lg_opts *o, const char *path)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&o->o_addr;

	if (strlen(path) >= sizeof(sun->sun_path)) {
		fprintf(stderr, "loadgen: -u %s: longer than %zu bytes\n", path,
		    sizeof(sun->sun_path) - 1);
		exit(64);
	}
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, strlen(path) + 1);
	o->o_addrlen = sizeof(*sun);
}

static void
lg_finish_addr(struct lg_opts *o, const char *host, long port,
    const char *path)
{
	if ((path != NULL) == (port != 0)) {
		fprintf(stderr, "loadgen: give exactly one of -p PORT or -u PATH\n");
		lg_usage(64);
	}
	if (path != NULL) {
		if (o->o_udp) {
			fprintf(stderr, "loadgen: --udp needs -p PORT\n");
			exit(64);
		}
		lg_set_unix(o, path);
		return;
	}
	if (lg_set_host(o, host) == -1) {
		fprintf(stderr, "loadgen: -h %s: only 127.0.0.0/8 and ::1 "
		    "are allowed\n", host);
		exit(64);
	}
	if (o->o_addr.ss_family == AF_INET)
		((struct sockaddr_in *)&o->o_addr)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&o->o_addr)->sin6_port =
		    htons((uint16_t)port);
}

static void
lg_parse(struct lg_opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "udp",	no_argument,	NULL, 'U' },
		{ "quiet",	no_argument,	NULL, 'q' },
		{ "help",	no_argument,	NULL, 'H' },
		{ NULL,		0,		NULL, 0 }
	};
	const char *host = "127.0.0.1", *path = NULL;
	long port = 0;
	int ch;

	memset(o, 0, sizeof(*o));
	o->o_conc = 32;
	o->o_duration_ms = 10 * 1000;
	o->o_timeout_ms = 5000;
	while ((ch = getopt_long(argc, argv, "c:n:d:t:p:h:u:s:e:q", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': o->o_conc = (unsigned)lg_number("-c", optarg, 1, LG_MAX_CONC); break;
		case 'n': o->o_max = (uint64_t)lg_number("-n", optarg, 1, 1000000000L); break;
		case 'd': o->o_duration_ms = lg_seconds_ms("-d", optarg); break;
		case 't': o->o_timeout_ms = lg_number("-t", optarg, 1, 60000); break;
		case 'p': port = lg_number("-p", optarg, 1, 65535); break;
		case 'h': host = optarg; break;
		case 'u': path = optarg; break;
		case 's': o->o_send = optarg; o->o_sendlen = strlen(optarg); break;
		case 'e': o->o_expect = (size_t)lg_number("-e", optarg, 0, 1 << 30); break;
		case 'U': o->o_udp = 1; break;
		case 'q': o->o_quiet = 1; break;
		case 'H': lg_usage(0);
		default: lg_usage(64);
		}
	}
	if (optind != argc)
		lg_usage(64);
	lg_finish_addr(o, host, port, path);
	if (o->o_udp && o->o_expect == 0)
		o->o_expect = 1;	/* an empty datagram is no answer */
}

/* Room for CONCURRENCY sockets plus stdio and the epoll fd. */
static int
lg_raise_nofile(unsigned conc)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conc + 16;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		errno = EMFILE;
		return -1;
	}
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

static int
lg_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lg_on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		return -1;
	/* Writes use MSG_NOSIGNAL; this covers anything else. */
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	struct lg_opts o;
	struct lg_run r;

	lg_parse(&o, argc, argv);
	if (lg_raise_nofile(o.o_conc) == -1) {
		fprintf(stderr, "loadgen: room for %u sockets: %s\n", o.o_conc,
		    strerror(errno));
		return 71;
	}
	if (lg_signals() == -1) {
		fprintf(stderr, "loadgen: sigaction: %s\n", strerror(errno));
		return 71;
	}
	if (lg_run_init(&r, &o) == -1) {
		fprintf(stderr, "loadgen: %s\n", r.r_err);
		return 71;
	}
	if (lg_run_loop(&r, &lg_interrupted) == -1) {
		fprintf(stderr, "loadgen: %s\n", r.r_err);
		lg_run_free(&r);
		return 71;
	}
	lg_report(&r, stdout);
	lg_run_free(&r);
	return fflush(stdout) == 0 ? 0 : 74;
}
