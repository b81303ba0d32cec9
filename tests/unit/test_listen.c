/*
 * Unit tests for listen.c on loopback and in a private temporary
 * directory: socket flags and options, bind errors, and the Unix socket
 * file rules (stale replaced; live, regular file, directory and symlink
 * left alone).  A port alone would bind every interface, so it is not
 * opened here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/addr.h"
#include "net/listen.h"
#include "tap.h"

static char tmpdir[] = "/tmp/test_listen.XXXXXX";

/* A port nobody uses right now: let the kernel pick one, then free it. */
static unsigned
free_port(int family, int socktype)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = family == AF_INET ? sizeof(*sin) : sizeof(*sin6);
	unsigned port = 0;
	int fd;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		sin6->sin6_addr = in6addr_loopback;
	if ((fd = socket(family, socktype, 0)) == -1)
		return 0;
	if (bind(fd, (struct sockaddr *)&ss, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
	close(fd);
	return port;
}

/* The lowest free descriptor: equal before and after means no leak. */
static int
lowest_fd(void)
{
	int fd = dup(0);

	if (fd != -1)
		close(fd);
	return fd;
}

static int
get_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len) == -1)
		return -1;
	return v;
}

static int
parse(const char *text, struct listen_addr *la)
{
	char err[256];

	if (addr_parse(text, tmpdir, "tcp", la, err, sizeof(err)) == 0)
		return 0;
	printf("# %s\n", err);
	return -1;
}

/* Connect a blocking client to la; returns its fd or -1. */
static int
client(const struct listen_addr *la, int socktype)
{
	int fd = socket(la->la_sa.ss_family, socktype | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)&la->la_sa, la->la_salen)
	    == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Accept one connection within two seconds. */
static int
accept_one(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int fd;

	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) != -1)
		close(fd);
	return fd;
}

static void
check_stream(int fd, const struct listen_addr *la, const char *what)
{
	int c;

	ok(fd >= 0, "%s: listen_open", what);
	if (fd < 0)
		return;
	ok(fcntl(fd, F_GETFL) & O_NONBLOCK, "%s: non-blocking", what);
	ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "%s: close-on-exec", what);
	ok(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN) == 1, "%s: listening", what);
	c = client(la, SOCK_STREAM);
	ok(c != -1 && accept_one(fd) != -1, "%s: accepts a client", what);
	if (c != -1)
		close(c);
}

static void
test_tcp4(void)
{
	struct listen_addr la;
	char text[64], err[256], want[128];
	unsigned port = free_port(AF_INET, SOCK_STREAM);
	int fd, fd2, low;

	snprintf(text, sizeof(text), "127.0.0.1:%u", port);
	if (port == 0 || parse(text, &la) == -1) {
		ok(0, "no free IPv4 port");
		return;
	}
	fd = listen_open(&la, SOCK_STREAM, 0, err, sizeof(err));
	check_stream(fd, &la, text);
	ok(get_int(fd, SOL_SOCKET, SO_REUSEADDR) == 1, "SO_REUSEADDR set");
	low = lowest_fd();
	errno = 0;
	fd2 = listen_open(&la, SOCK_STREAM, 0, err, sizeof(err));
	ok(fd2 == -1 && errno == EADDRINUSE, "second bind: EADDRINUSE");
	snprintf(want, sizeof(want), "%s: bind: %s", text,
	    strerror(EADDRINUSE));
	is_str(err, want, "bind error names address, call and cause");
	ok(lowest_fd() == low, "the failed socket was closed");
	close(fd);
}

static void
test_udp4(void)
{
	struct listen_addr la;
	struct pollfd pfd;
	char text[64], err[256], buf[8];
	unsigned port = free_port(AF_INET, SOCK_DGRAM);
	int fd, c;

	snprintf(text, sizeof(text), "127.0.0.1:%u", port);
	if (port == 0 || parse(text, &la) == -1) {
		ok(0, "no free UDP port");
		return;
	}
	fd = listen_open(&la, SOCK_DGRAM, 0, err, sizeof(err));
	ok(fd >= 0, "UDP %s: listen_open %s", text, fd < 0 ? err : "");
	if (fd < 0)
		return;
	ok(get_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM, "UDP: SOCK_DGRAM");
	ok(fcntl(fd, F_GETFL) & O_NONBLOCK, "UDP: non-blocking");
	ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "UDP: close-on-exec");
	c = client(&la, SOCK_DGRAM);
	pfd.fd = fd;
	pfd.events = POLLIN;
	ok(c != -1 && send(c, "x", 1, 0) == 1 && poll(&pfd, 1, 2000) == 1 &&
	    recv(fd, buf, sizeof(buf), 0) == 1, "UDP: receives a datagram");
	if (c != -1)
		close(c);
	close(fd);
}

/* [::1] is IPV6_V6ONLY, so 127.0.0.1 on the same port is free. */
static void
test_tcp6(void)
{
	struct listen_addr la6, la4;
	char text[64], err[256];
	unsigned port = free_port(AF_INET6, SOCK_STREAM);
	int fd6;

	snprintf(text, sizeof(text), "[::1]:%u", port);
	if (port == 0 || parse(text, &la6) == -1) {
		ok(1, "# SKIP no IPv6 loopback");
		return;
	}
	fd6 = listen_open(&la6, SOCK_STREAM, 0, err, sizeof(err));
	check_stream(fd6, &la6, text);
	ok(get_int(fd6, IPPROTO_IPV6, IPV6_V6ONLY) == 1, "[::1]: IPV6_V6ONLY");
	snprintf(text, sizeof(text), "127.0.0.1:%u", port);
	if (parse(text, &la4) == 0) {
		int fd4 = listen_open(&la4, SOCK_STREAM, 0, err, sizeof(err));

		ok(fd4 >= 0, "%s beside [::1] on one port %s", text,
		    fd4 < 0 ? err : "");
		if (fd4 >= 0)
			close(fd4);
	}
	if (fd6 >= 0)
		close(fd6);
}

static mode_t
file_mode(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static void
test_unix_fresh(void)
{
	struct listen_addr la, lb;
	char err[256];
	mode_t old = umask(022);
	int fd;

	if (parse("s0660", &la) == -1 || parse("./s0666", &lb) == -1)
		return;
	fd = listen_open(&la, SOCK_STREAM, 0660, err, sizeof(err));
	check_stream(fd, &la, "Unix fresh");
	ok(file_mode(la.la_text) == 0660, "Unix socket mode 0660 (%o)",
	    (unsigned)file_mode(la.la_text));
	ok(umask(022) == 022, "caller's umask restored");
	if (fd >= 0)
		close(fd);
	umask(077);
	fd = listen_open(&lb, SOCK_STREAM, 0666, err, sizeof(err));
	ok(fd >= 0 && file_mode(lb.la_text) == 0666,
	    "mode 0666 even under umask 077 (%o)",
	    (unsigned)file_mode(lb.la_text));
	ok(umask(old) == 077, "caller's umask restored again");
	if (fd >= 0)
		close(fd);
	ok(listen_unlink(&la) == 0 && listen_unlink(&lb) == 0 &&
	    access(la.la_text, F_OK) == -1, "listen_unlink removes the files");
	ok(listen_unlink(&la) == 0, "listen_unlink of a missing file is fine");
}

static void
test_unix_live_stale(void)
{
	struct listen_addr la;
	char err[256], want[256];
	int fd, fd2, low, c;

	if (parse("live", &la) == -1)
		return;
	fd = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
	ok(fd >= 0, "Unix live: first listener %s", fd < 0 ? err : "");
	low = lowest_fd();
	errno = 0;
	fd2 = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: another process is listening",
	    la.la_text);
	ok(fd2 == -1 && errno == EADDRINUSE, "live socket: EADDRINUSE");
	is_str(err, want, "live socket message");
	ok(lowest_fd() == low, "no descriptor leaked by the probe");
	errno = 0;
	fd2 = listen_open(&la, SOCK_DGRAM, 0600, err, sizeof(err));
	ok(fd2 == -1 && errno == EADDRINUSE, "live socket of the other type "
	    "is live too: %s", err);
	c = client(&la, SOCK_STREAM);
	ok(c != -1 && accept_one(fd) != -1, "the live listener still works");
	if (c != -1)
		close(c);
	close(fd);
	ok(file_mode(la.la_text) != (mode_t)-1, "closing leaves a stale file");
	fd = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
	check_stream(fd, &la, "Unix stale replaced");
	if (fd >= 0)
		close(fd);
	listen_unlink(&la);
}

static void
test_unix_dgram(void)
{
	struct listen_addr la;
	char err[256];
	int fd, fd2;

	if (parse("dgram", &la) == -1)
		return;
	fd = listen_open(&la, SOCK_DGRAM, 0600, err, sizeof(err));
	ok(fd >= 0 && get_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM,
	    "Unix datagram socket %s", fd < 0 ? err : "");
	fd2 = listen_open(&la, SOCK_DGRAM, 0600, err, sizeof(err));
	ok(fd2 == -1 && errno == EADDRINUSE, "live datagram socket: %s", err);
	if (fd >= 0)
		close(fd);
	fd = listen_open(&la, SOCK_DGRAM, 0600, err, sizeof(err));
	ok(fd >= 0, "stale datagram socket replaced %s", fd < 0 ? err : "");
	if (fd >= 0)
		close(fd);
	listen_unlink(&la);
}

/* Put a non-socket at name; mk is 'f' file, 'd' directory, 'l' symlink. */
static int
make_other(const char *path, int mk)
{
	int fd;

	if (mk == 'd')
		return mkdir(path, 0700);
	if (mk == 'l')
		return symlink("/nonexistent", path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600))
	    == -1)
		return -1;
	if (write(fd, "keep\n", 5) != 5) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
test_unix_not_socket(const char *name, int mk)
{
	struct listen_addr la;
	struct stat before, after;
	char err[256], want[256];
	int fd;

	if (parse(name, &la) == -1 || make_other(la.la_text, mk) == -1 ||
	    lstat(la.la_text, &before) == -1) {
		ok(0, "setting up %s", name);
		return;
	}
	fd = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: exists and is not a socket",
	    la.la_text);
	ok(fd == -1, "%s: refused", name);
	is_str(err, want, "%s: message", name);
	ok(lstat(la.la_text, &after) == 0 && after.st_ino == before.st_ino &&
	    after.st_mode == before.st_mode && after.st_size == before.st_size,
	    "%s: left untouched", name);
	errno = 0;
	ok(listen_unlink(&la) == -1 && errno == ENOTSOCK &&
	    lstat(la.la_text, &after) == 0, "%s: listen_unlink keeps it", name);
	if (mk == 'd')
		rmdir(la.la_text);
	else
		unlink(la.la_text);
}

static const char *
tmpdir_file(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static void
test_unix_errors(void)
{
	struct listen_addr la;
	char err[256], want[256];
	int low = lowest_fd(), fd;

	if (parse("nodir/s", &la) == -1)
		return;
	errno = 0;
	fd = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: bind: %s", la.la_text,
	    strerror(ENOENT));
	ok(fd == -1 && errno == ENOENT, "missing directory: ENOENT");
	is_str(err, want, "missing directory: message");
	ok(lowest_fd() == low, "missing directory: socket closed");
	if (parse("afile/s", &la) == 0 && make_other(tmpdir_file("afile"),
	    'f') == 0) {
		fd = listen_open(&la, SOCK_STREAM, 0600, err, sizeof(err));
		snprintf(want, sizeof(want), "%s: lstat: %s", la.la_text,
		    strerror(ENOTDIR));
		ok(fd == -1 && errno == ENOTDIR, "path under a file: ENOTDIR");
		is_str(err, want, "path under a file: message");
		unlink(tmpdir_file("afile"));
	}
	if (parse("127.0.0.1:2345", &la) == 0)
		ok(listen_unlink(&la) == 0, "listen_unlink of an IP address");
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_tcp4();
	test_udp4();
	test_tcp6();
	test_unix_fresh();
	test_unix_live_stale();
	test_unix_dgram();
	test_unix_not_socket("regular", 'f');
	test_unix_not_socket("directory", 'd');
	test_unix_not_socket("symlink", 'l');
	test_unix_errors();
	if (rmdir(tmpdir) == -1)
		ok(0, "rmdir %s: %s (files left behind)", tmpdir,
		    strerror(errno));
	return tap_done();
}
