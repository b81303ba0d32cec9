/*
 * Listening sockets: open, bind and listen on a parsed address.  As in
 * anet.c, nothing here logs or exits; a failure closes what it opened,
 * keeps errno for the caller (EADDRINUSE and EACCES become exit codes)
 * and leaves "ADDRESS: call: strerror" in the caller's buffer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/listen.h"

static void listen_err(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill err, keeping errno: callers read both. */
static void
listen_err(char *err, size_t errlen, const char *fmt, ...)
{
	int saved = errno;

	if (err != NULL && errlen > 0) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

/* "TEXT: CALL: strerror", then close fd (if any) with errno kept. */
static int
fail(int fd, const char *text, const char *call, char *err, size_t errlen)
{
	int saved = errno;

	listen_err(err, errlen, "%s: %s: %s", text, call, strerror(saved));
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}

static int
set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

/*
 * Explicit IPv6 addresses get IPV6_V6ONLY so that "[::]:80" and
 * "0.0.0.0:80" can be two listeners, as addr_overlap() assumes; a port
 * alone is the one dual-stack socket for both families.
 */
static int
ip_open(const struct listen_addr *la, int socktype, int beside, char *err,
    size_t errlen)
{
	const struct sockaddr *sa = (const struct sockaddr *)&la->la_sa;
	socklen_t salen = la->la_salen;
	struct sockaddr_in sin;
	int family = la->la_family == AF_UNSPEC ? AF_INET6 : la->la_family;
	int fd;

	fd = socket(family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 && errno == EAFNOSUPPORT && la->la_family == AF_UNSPEC) {
		/* A kernel without IPv6: the port alone means 0.0.0.0. */
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_ANY);
		sin.sin_port = htons(la->la_port);
		sa = (const struct sockaddr *)&sin;
		salen = sizeof(sin);
		family = AF_INET;
		fd = socket(family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (fd == -1)
		return fail(-1, la->la_text, "socket", err, errlen);
	if (socktype == SOCK_STREAM &&
	    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1)
		return fail(fd, la->la_text, "setsockopt SO_REUSEADDR", err,
		    errlen);
	if (family == AF_INET6 && set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    la->la_family == AF_INET6) == -1)
		return fail(fd, la->la_text, "setsockopt IPV6_V6ONLY", err,
		    errlen);
	if (beside != -1 && set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) == -1)
		return fail(fd, la->la_text, "setsockopt SO_REUSEPORT", err,
		    errlen);
	if (bind(fd, sa, salen) == -1)
		return fail(fd, la->la_text, "bind", err, errlen);
	if (socktype == SOCK_STREAM && listen(fd, SOMAXCONN) == -1)
		return fail(fd, la->la_text, "listen", err, errlen);
	return fd;
}

/*
 * Is anybody bound to the socket file at la?  A connect() to a listening
 * Unix socket completes at once even when non-blocking (EAGAIN means a
 * full backlog, still alive); ECONNREFUSED means nobody is bound: a
 * file left by a crash.  EPROTOTYPE means a live socket of the other
 * type.  Returns 1 live, 0 stale, -1 on error (err filled).
 */
static int
unix_alive(const struct listen_addr *la, int socktype, char *err,
    size_t errlen)
{
	int fd, rc;

	fd = socket(AF_UNIX, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return fail(-1, la->la_text, "socket", err, errlen);
	rc = connect(fd, (const struct sockaddr *)&la->la_sa, la->la_salen);
	if (rc == 0 || errno == EAGAIN || errno == EPROTOTYPE)
		rc = 1;
	else if (errno == ECONNREFUSED)
		rc = 0;
	else
		return fail(fd, la->la_text, "connect", err, errlen);
	close(fd);
	return rc;
}

/* Clear the way for bind(): 0 if the path is free now, else -1. */
static int
unix_prepare(const struct listen_addr *la, int socktype, char *err,
    size_t errlen)
{
	const char *path = ((const struct sockaddr_un *)&la->la_sa)->sun_path;
	struct stat st;
	int alive;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return fail(-1, path, "lstat", err, errlen);
	}
	if (!S_ISSOCK(st.st_mode)) {
		errno = EEXIST;
		listen_err(err, errlen, "%s: exists and is not a socket", path);
		return -1;
	}
	if ((alive = unix_alive(la, socktype, err, errlen)) == -1)
		return -1;
	if (alive) {
		errno = EADDRINUSE;
		listen_err(err, errlen, "%s: another process is listening",
		    path);
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return fail(-1, path, "unlink stale socket", err, errlen);
	return 0;
}

/*
 * When root binds in a directory others can write to, they can race
 * it: swap the socket file for a symlink, or a directory for another.
 * The socket's directory must be root's (or ours) and writable by its
 * owner only; every directory above it root's, and not writable by
 * others unless sticky (as /tmp: nobody can rename what is not theirs).
 */
int
listen_dir_safe(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];	/* a FIFO's path is longer than sun_path */
	struct stat st;
	char *slash;
	int last = 1;

	if (geteuid() != 0)
		return 0;
	/* Cut short, it would name another directory than the file's. */
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		listen_err(err, errlen, "%.64s...: %s", path, strerror(errno));
		return -1;
	}
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';	/* keep "/" itself */
		if (stat(dir, &st) == -1) {
			if (errno == ENOENT)
				return 0;	/* bind() says so, as for anyone */
			listen_err(err, errlen, "%s: directory %s: %s", path,
			    dir, strerror(errno));
			return -1;
		}
		if (st.st_uid != 0 || ((st.st_mode & 022) != 0 &&
		    (last || !(st.st_mode & S_ISVTX)))) {
			errno = EPERM;
			listen_err(err, errlen, "%s: directory %s is %s (mode "
			    "%04o): whoever can write there could race the "
			    "socket file", path, dir, st.st_uid != 0 ?
			    "not root's" : "writable by others than root",
			    (unsigned)(st.st_mode & 07777));
			return -1;
		}
		if (slash == dir)
			break;
		last = 0;
	}
	return 0;
}

/*
 * bind() creates the file as 0777 & ~umask: so the file is born with
 * exactly unix_mode under umask ~unix_mode, and nothing changes it by
 * path afterwards (a chmod() would follow a symlink someone swapped in
 * after bind).  Changing the umask briefly is safe because spawnd is
 * single-threaded.
 */
static int
unix_open(const struct listen_addr *la, int socktype, mode_t unix_mode,
    char *err, size_t errlen)
{
	const char *path = ((const struct sockaddr_un *)&la->la_sa)->sun_path;
	mode_t old_mask;
	int fd, rc, saved;

	if (listen_dir_safe(path, err, errlen) == -1 ||
	    unix_prepare(la, socktype, err, errlen) == -1)
		return -1;
	fd = socket(AF_UNIX, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return fail(-1, path, "socket", err, errlen);
	old_mask = umask(~unix_mode & 0777);
	rc = bind(fd, (const struct sockaddr *)&la->la_sa, la->la_salen);
	saved = errno;
	umask(old_mask);
	errno = saved;
	if (rc == -1)
		return fail(fd, path, "bind", err, errlen);
	if (socktype == SOCK_STREAM && listen(fd, SOMAXCONN) == -1) {
		/* The file is ours: do not leave a stale one behind. */
		rc = fail(fd, path, "listen", err, errlen);
		saved = errno;
		unlink(path);
		errno = saved;
		return rc;
	}
	return fd;
}

int
listen_open(const struct listen_addr *la, int socktype, mode_t unix_mode,
    char *err, size_t errlen)
{
	if (la->la_family == AF_UNIX)
		return unix_open(la, socktype, unix_mode, err, errlen);
	return ip_open(la, socktype, -1, err, errlen);
}

int
listen_open_beside(const struct listen_addr *la, int socktype, int beside,
    char *err, size_t errlen)
{
	int fd, saved;

	if (la->la_family == AF_UNIX) {
		errno = EAFNOSUPPORT;
		listen_err(err, errlen, "%s: a Unix socket has no neighbours",
		    la->la_text);
		return -1;
	}
	/*
	 * Both sockets have SO_REUSEPORT while the new one binds; the
	 * kernel gives each connection to the more specific of the two.
	 * Taken back at once from the old one, and from the new one by
	 * listen_settle(): an ordinary bind (no SO_REUSEPORT, another
	 * spawnd) is refused as before.
	 */
	if (set_int(beside, SOL_SOCKET, SO_REUSEPORT, 1) == -1)
		return fail(-1, la->la_text, "setsockopt SO_REUSEPORT", err,
		    errlen);
	fd = ip_open(la, socktype, beside, err, errlen);
	saved = errno;
	(void)set_int(beside, SOL_SOCKET, SO_REUSEPORT, 0);
	errno = saved;
	return fd;
}

void
listen_settle(int fd)
{
	(void)set_int(fd, SOL_SOCKET, SO_REUSEPORT, 0);
}

int
listen_retire(int fd, int socktype)
{
	/*
	 * Linux: shutdown(SHUT_RD) of a listening socket takes it out of
	 * LISTEN in every process that holds it; bound but closed, it no
	 * longer stands in the way of an SO_REUSEADDR bind.  It can only
	 * fail for a socket that is not listening, which changes nothing.
	 */
	if (socktype == SOCK_STREAM)
		(void)shutdown(fd, SHUT_RD);
	return close(fd);
}

/*
 * Only a socket is removed: if someone replaced our file by something
 * else since, it is theirs (errno ENOTSOCK).
 */
int
listen_unlink(const struct listen_addr *la)
{
	const char *path = ((const struct sockaddr_un *)&la->la_sa)->sun_path;
	struct stat st;

	if (la->la_family != AF_UNIX)
		return 0;
	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
listen_no_ipv6(const struct listen_addr *la, int err)
{
	const struct sockaddr_in6 *sin6 =
	    (const struct sockaddr_in6 *)&la->la_sa;

	if (la->la_family != AF_INET6)
		return 0;
	return err == EAFNOSUPPORT ||
	    (err == EADDRNOTAVAIL && IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
}
