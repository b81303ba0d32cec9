/*
 * forkserver: the fork ceiling.  The least a fork-per-client server can
 * do: accept4(), fork(), and in the child write the hello line (the same
 * bytes spawnd's hello service writes with resolve_names = false) and
 * _exit().  No limits, no logging, no privilege drop, no fd hygiene
 * beyond SOCK_CLOEXEC: whatever spawnd does beyond this is what its
 * ratio to this server measures.
 *
 * Reaping (-r):
 *   ign   SIGCHLD set to SIG_IGN, so the kernel reaps children itself: no
 *         signal delivery and no waitpid() at all.  The fastest, and
 *         honest for a server that counts nothing; the default.
 *   wait  a SIGCHLD handler sets a flag and the loop reaps with
 *         waitpid(-1, WNOHANG) until it returns 0: what a server that
 *         must count its children (spawnd) has to pay.  Measured here
 *         within noise of ign, 0-6% slower.
 *
 * Link it with -Wl,-z,now (the Makefile does): with lazy binding every
 * child resolves inet_ntop, strftime, write ... again on its first call,
 * because the parent never called them; that costs about 12% of the
 * fork ceiling on the benchmark machine.
 *
 * usage: forkserver [-r ign|wait] (-p PORT [-h 127.0.0.1|::1] | -u PATH)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "refnet.h"

static volatile sig_atomic_t fs_got_chld;

static void
fs_on_chld(int signo)
{
	(void)signo;
	fs_got_chld = 1;
}

static int
fs_reaping(int autoreap)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* SA_NOCLDSTOP: a stopped child is no reason to wake up. */
	sa.sa_flags = SA_NOCLDSTOP;
	sa.sa_handler = autoreap ? SIG_IGN : fs_on_chld;
	return sigaction(SIGCHLD, &sa, NULL);
}

static void
fs_reap(void)
{
	pid_t pid;

	fs_got_chld = 0;
	do
		pid = waitpid(-1, NULL, WNOHANG);
	while (pid > 0);
	if (pid == -1 && errno != ECHILD)
		perror("forkserver: waitpid");
}

static void __attribute__((noreturn))
fs_child(int fd, const struct sockaddr_storage *peer)
{
	char line[256];
	size_t len;

	len = ref_hello(line, sizeof(line),
	    peer->ss_family == AF_UNIX ? NULL : (const struct sockaddr *)peer);
	/* A fresh socket's send buffer holds one line: one write does. */
	if (len == 0 || write(fd, line, len) != (ssize_t)len)
		_exit(1);
	_exit(0);
}

static void
fs_serve(int lfd)
{
	struct sockaddr_storage peer;
	socklen_t len;
	pid_t pid;

	while (!ref_stop) {
		int fd;

		if (fs_got_chld)
			fs_reap();
		len = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EINTR && errno != ECONNABORTED)
				perror("forkserver: accept4");
			continue;
		}
		pid = fork();
		if (pid == 0)
			fs_child(fd, &peer);
		if (pid == -1)
			perror("forkserver: fork");
		(void)close(fd);
	}
}

int
main(int argc, char *argv[])
{
	const char *host = "127.0.0.1", *port = NULL, *path = NULL;
	struct ref_addr ra;
	char err[256];
	int ch, lfd, autoreap = 1;

	while ((ch = getopt(argc, argv, "h:p:u:r:")) != -1) {
		switch (ch) {
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 'u': path = optarg; break;
		case 'r':
			if (strcmp(optarg, "ign") != 0 && strcmp(optarg, "wait") != 0) {
				fprintf(stderr, "forkserver: -r ign|wait\n");
				return 64;
			}
			autoreap = strcmp(optarg, "ign") == 0;
			break;
		default:
			fprintf(stderr, "usage: forkserver [-r ign|wait] "
			    "(-p PORT [-h 127.0.0.1|::1] | -u PATH)\n");
			return 64;
		}
	}
	if (ref_addr_set(&ra, host, port, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "forkserver: %s\n", err);
		return 64;
	}
	/* Read the zone once here, not in every child. */
	tzset();
	if (ref_signals() == -1 || fs_reaping(autoreap) == -1) {
		perror("forkserver: sigaction");
		return 71;
	}
	if ((lfd = ref_listen(&ra, SOCK_STREAM, err, sizeof(err))) == -1) {
		fprintf(stderr, "forkserver: %s\n", err);
		return 69;
	}
	fs_serve(lfd);
	(void)close(lfd);
	if (ra.ra_path != NULL)
		(void)unlink(ra.ra_path);
	return 0;
}
