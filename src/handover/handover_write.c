/*
 * Writing the reload hand-over (the old image): the records of
 * handover.h, their text fields escaped so that no byte of a
 * configuration breaks a line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fd.h"
#include "handover/handover.h"
#include "handover/handover_text.h"
#include "handover/handover_write.h"

int
handover_create(const char *startdir, int pidfile_fd, const char *pidfile)
{
	char dir[PATH_MAX * 4], path[PATH_MAX * 4];
	int fd = memfd_create("spawnd-handover", 0);	/* survives exec */

	if (fd == -1)
		return -1;
	if (handover_escape(dir, sizeof(dir), startdir) == NULL ||
	    (pidfile_fd != -1 &&
	    handover_escape(path, sizeof(path), pidfile) == NULL)) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (dprintf(fd, "%s\nstartdir %s\n", HANDOVER_MAGIC, dir) < 0 ||
	    (pidfile_fd != -1 &&
	    dprintf(fd, "pidfile %d %s\n", pidfile_fd, path) < 0) ||
	    (pidfile_fd != -1 && fd_set_cloexec(pidfile_fd, 0) == -1))
		return fd_close_failed(fd);
	return fd;
}

int
handover_add_listener(int memfd, int fd, int socktype, const char *text)
{
	char esc[PATH_MAX * 4];

	if (handover_escape(esc, sizeof(esc), text) == NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (fd_set_cloexec(fd, 0) == -1)
		return -1;
	return dprintf(memfd, "listen %d %s %s\n", fd,
	    socktype == SOCK_STREAM ? "stream" : "datagram", esc) < 0 ? -1 : 0;
}

int
handover_add_writer(int memfd, pid_t pid, uint64_t tag)
{
	return dprintf(memfd, "writer %ld %llx\n", (long)pid,
	    (unsigned long long)tag) < 0 ? -1 : 0;
}

int
handover_add_started(int memfd, pid_t pid, int64_t started_ms)
{
	return dprintf(memfd, "started %ld %lld\n", (long)pid,
	    (long long)started_ms) < 0 ? -1 : 0;
}

int
handover_add_ending(int memfd, pid_t pid, int step, int64_t ms)
{
	return dprintf(memfd, "ending %ld %d %lld\n", (long)pid, step,
	    (long long)ms) < 0 ? -1 : 0;
}

int
handover_add_held(int memfd, int fd, pid_t pid)
{
	return dprintf(memfd, "held %d %ld\n", fd, (long)pid) < 0 ? -1 : 0;
}

int
handover_add_name(int memfd, int fd, const char *service)
{
	char esc[128 * 4];

	if (handover_escape(esc, sizeof(esc), service) == NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return dprintf(memfd, "name %d %s\n", fd, esc) < 0 ? -1 : 0;
}

int
handover_add_board(int memfd, int64_t started, uint64_t reloads_ok,
    uint64_t reloads_refused)
{
	return dprintf(memfd, "board %lld %llu %llu\n", (long long)started,
	    (unsigned long long)reloads_ok,
	    (unsigned long long)reloads_refused) < 0 ? -1 : 0;
}

int
handover_add_reload(int memfd, uint64_t seq)
{
	return dprintf(memfd, "reload %" PRIu64 "\n", seq) < 0 ? -1 : 0;
}

int
handover_add_counts(int memfd, const uint64_t *values, size_t n,
    const char *service)
{
	char esc[sizeof(((struct inherited_counts *)0)->ik_service) * 4];
	size_t i;

	if (n > HANDOVER_COUNTS_MAX ||
	    handover_escape(esc, sizeof(esc), service) == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (dprintf(memfd, "counts %zu", n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (dprintf(memfd, " %llu", (unsigned long long)values[i]) < 0)
			return -1;
	return dprintf(memfd, " %s\n", esc) < 0 ? -1 : 0;
}

int
handover_add_child(int memfd, pid_t pid, const struct sockaddr *peer,
    const char *service)
{
	char addr[INET6_ADDRSTRLEN] = "-", name[sizeof(((struct
	    inherited_child *)0)->ic_service) * 4];

	if (peer->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr,
		    addr, sizeof(addr));
	else if (peer->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)peer)->sin6_addr, addr,
		    sizeof(addr));
	/* The reader keeps names that fit ic_service only: refuse now. */
	if (strlen(service) >= sizeof(((struct inherited_child *)0)->ic_service) ||
	    handover_escape(name, sizeof(name), service) == NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return dprintf(memfd, "child %ld %s %s\n", (long)pid, addr,
	    name) < 0 ? -1 : 0;
}

int
handover_add_report(int memfd, int fd, pid_t pid)
{
	if (fd_set_cloexec(fd, 0) == -1)
		return -1;
	return dprintf(memfd, "report %d %ld\n", fd, (long)pid) < 0 ? -1 : 0;
}

int
handover_restore_cloexec(int fd)
{
	return fd_set_cloexec(fd, 1);
}

void
handover_cancel(int memfd)
{
	unsetenv(HANDOVER_ENV);
	close(memfd);
}

