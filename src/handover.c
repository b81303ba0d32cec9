/*
 * The reload hand-over: see handover.h for the format and the why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "handover.h"

#define HANDOVER_MAGIC "spawnd-handover 1"
/* systemd passes activated sockets from fd 3 on (sd_listen_fds(3)). */
#define LISTEN_FDS_START 3

static int
set_cloexec(int fd, int on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags == -1)
		return -1;
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags);
}

/*
 * The loop accepts until EAGAIN, so a listener must not block; systemd
 * passes blocking sockets unless the unit says NonBlocking=yes.
 */
static int
set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* ---- the text fields: escaped, so no byte of a config breaks a line */

/*
 * Paths and service names come from the configuration and may hold any
 * byte but NUL: a newline would end the record.  Control bytes, DEL and
 * the backslash are written as \xNN.  Returns out, or NULL if it would
 * not fit.
 */
static char *
handover_escape(char *out, size_t outlen, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (n + 5 > outlen)
			return NULL;
		if (c < 0x20 || c == 0x7f || c == '\\') {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		} else
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static int
handover_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Undo handover_escape() in place.  A backslash not followed by "xNN"
 * (text written before escaping existed) stays as it is.  A NUL from
 * "\x00" would cut the field short: refused (-1).
 */
static int
handover_unescape(char *s)
{
	char *out = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'x' &&
		    (hi = handover_hexval(s[2])) >= 0 &&
		    (lo = handover_hexval(s[3])) >= 0) {
			if (hi == 0 && lo == 0)
				return -1;
			*out++ = (char)(hi << 4 | lo);
			s += 3;
		} else
			*out++ = *s;
	}
	*out = '\0';
	return 0;
}

/* ---- writing (the old image) */

int
handover_create(const char *startdir, int pidfd, const char *pidfile)
{
	char dir[PATH_MAX * 4], path[PATH_MAX * 4];
	int fd = memfd_create("spawnd-handover", 0);	/* survives exec */

	if (fd == -1)
		return -1;
	if (handover_escape(dir, sizeof(dir), startdir) == NULL ||
	    (pidfd != -1 &&
	    handover_escape(path, sizeof(path), pidfile) == NULL)) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (dprintf(fd, "%s\nstartdir %s\n", HANDOVER_MAGIC, dir) < 0 ||
	    (pidfd != -1 && dprintf(fd, "pidfile %d %s\n", pidfd, path) < 0) ||
	    (pidfd != -1 && set_cloexec(pidfd, 0) == -1)) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
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
	if (set_cloexec(fd, 0) == -1)
		return -1;
	return dprintf(memfd, "listen %d %s %s\n", fd,
	    socktype == SOCK_STREAM ? "stream" : "datagram", esc) < 0 ? -1 : 0;
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
handover_restore_cloexec(int fd)
{
	return set_cloexec(fd, 1);
}

void
handover_cancel(int memfd)
{
	unsetenv(HANDOVER_ENV);
	close(memfd);
}

/* ---- reading (the new image) */

static int
handover_grow(void **array, size_t count, size_t size)
{
	void *p = realloc(*array, (count + 1) * size);

	if (p == NULL)
		return -1;
	*array = p;
	return 0;
}

/* An fd number from the text, accepted only if it is open. */
static int
handover_fd(const char *text, char **end)
{
	long fd = strtol(text, end, 10);

	if (*end == text || fd < 0 || fd > INT_MAX || fcntl((int)fd, F_GETFD) == -1)
		return -1;
	if (set_cloexec((int)fd, 1) == -1)
		return -1;
	return (int)fd;
}

/* Record a listening socket, asking the kernel what it is bound to. */
static int
handover_add_fd(struct handover *ho, int fd)
{
	struct inherited_listener *il;
	socklen_t len = sizeof(int);

	if (handover_grow((void **)&ho->ho_listeners, ho->ho_nlisteners,
	    sizeof(*il)) == -1)
		return -1;
	il = &ho->ho_listeners[ho->ho_nlisteners];
	memset(il, 0, sizeof(*il));
	il->il_fd = fd;
	il->il_salen = sizeof(il->il_sa);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &il->il_socktype, &len) == -1 ||
	    getsockname(fd, (struct sockaddr *)&il->il_sa, &il->il_salen) == -1)
		return -1;
	len = sizeof(int);
	if (il->il_sa.ss_family == AF_INET6 && getsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &il->il_v6only, &len) == -1)
		return -1;
	ho->ho_nlisteners++;
	return 0;
}

/* "listen FD TYPE ADDRESS": the text is for people reading the memfd. */
static int
handover_listen_line(struct handover *ho, char *rest)
{
	char *p;
	int fd;

	if ((fd = handover_fd(rest, &p)) == -1 || *p != ' ' ||
	    handover_add_fd(ho, fd) == -1)
		return -1;
	ho->ho_listeners[ho->ho_nlisteners - 1].il_ours = 1;
	return 0;
}

static int
handover_child_line(struct handover *ho, char *rest)
{
	struct inherited_child *ic;
	char *p, *name;
	long pid = strtol(rest, &p, 10);

	if (p == rest || pid <= 0 || pid > INT_MAX || *p++ != ' ' ||
	    (name = strchr(p, ' ')) == NULL)
		return -1;
	*name++ = '\0';
	if (handover_unescape(name) == -1 ||
	    strlen(name) >= sizeof(ic->ic_service))
		return -1;
	if (handover_grow((void **)&ho->ho_children, ho->ho_nchildren,
	    sizeof(*ic)) == -1)
		return -1;
	ic = &ho->ho_children[ho->ho_nchildren++];
	memset(ic, 0, sizeof(*ic));
	ic->ic_pid = (pid_t)pid;
	snprintf(ic->ic_service, sizeof(ic->ic_service), "%s", name);
	if (inet_pton(AF_INET, p, &((struct sockaddr_in *)&ic->ic_peer)->sin_addr) == 1)
		ic->ic_peer.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, p,
	    &((struct sockaddr_in6 *)&ic->ic_peer)->sin6_addr) == 1)
		ic->ic_peer.ss_family = AF_INET6;
	else
		ic->ic_peer.ss_family = AF_UNIX;
	return 0;
}

static int
handover_line(struct handover *ho, char *line)
{
	char *p;

	if (strncmp(line, "startdir ", 9) == 0) {
		p = line + 9;
		if (handover_unescape(p) == -1 || strlen(p) >= sizeof(ho->ho_startdir))
			return -1;
		memcpy(ho->ho_startdir, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(line, "pidfile ", 8) == 0) {
		if ((ho->ho_pidfd = handover_fd(line + 8, &p)) == -1 || *p++ != ' ' ||
		    handover_unescape(p) == -1 || strlen(p) >= sizeof(ho->ho_pidfile))
			return -1;
		memcpy(ho->ho_pidfile, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(line, "listen ", 7) == 0)
		return handover_listen_line(ho, line + 7);
	if (strncmp(line, "child ", 6) == 0)
		return handover_child_line(ho, line + 6);
	return -1;
}

static char *
handover_slurp(int fd)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) == -1 || (text = malloc((size_t)st.st_size + 1)) == NULL)
		return NULL;
	n = pread(fd, text, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static int
handover_parse(struct handover *ho, int memfd, char *err, size_t errlen)
{
	char *text, *line, *save = NULL;
	int lineno = 0;

	if ((text = handover_slurp(memfd)) == NULL) {
		snprintf(err, errlen, "reading the hand-over: %s", strerror(errno));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (++lineno == 1 ? strcmp(line, HANDOVER_MAGIC) != 0 :
		    handover_line(ho, line) == -1) {
			snprintf(err, errlen, "hand-over line %d is bad: %s",
			    lineno, line);
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

/* systemd socket activation: fds 3.. as sd_listen_fds(3) describes. */
static int
handover_activation(struct handover *ho, char *err, size_t errlen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long n, i;

	if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	n = strtol(fds, NULL, 10);
	for (i = 0; i < n && i < 1024; i++) {
		int fd = LISTEN_FDS_START + (int)i;

		if (set_cloexec(fd, 1) == -1 || set_nonblock(fd) == -1 ||
		    handover_add_fd(ho, fd) == -1) {
			snprintf(err, errlen, "socket %d from systemd: %s", fd,
			    strerror(errno));
			return -1;
		}
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 0;
}

int
handover_read(struct handover *ho, char *err, size_t errlen)
{
	const char *env = getenv(HANDOVER_ENV);
	char *end;
	int memfd, rc;

	memset(ho, 0, sizeof(*ho));
	ho->ho_pidfd = -1;
	if (env == NULL)
		return handover_activation(ho, err, errlen);
	unsetenv(HANDOVER_ENV);
	ho->ho_present = 1;
	if ((memfd = handover_fd(env, &end)) == -1 || *end != '\0') {
		snprintf(err, errlen, "bad %s=%s", HANDOVER_ENV, env);
		return -1;
	}
	rc = handover_parse(ho, memfd, err, errlen);
	close(memfd);
	return rc;
}

static int
handover_same_inet(const struct inherited_listener *il,
    const struct listen_addr *la)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&il->il_sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&il->il_sa;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&la->la_sa;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&la->la_sa;

	if (la->la_family == AF_UNSPEC)	/* port alone: a wildcard socket */
		return il->il_sa.ss_family == AF_INET6 ?
		    !il->il_v6only && IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) &&
		    ntohs(a6->sin6_port) == la->la_port :
		    a4->sin_addr.s_addr == htonl(INADDR_ANY) &&
		    ntohs(a4->sin_port) == la->la_port;
	if (la->la_family != il->il_sa.ss_family)
		return 0;
	if (la->la_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr &&
		    a4->sin_port == b4->sin_port;
	return il->il_v6only && a6->sin6_port == b6->sin6_port &&
	    IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr) &&
	    a6->sin6_scope_id == b6->sin6_scope_id;
}

static int
handover_same_address(const struct inherited_listener *il,
    const struct listen_addr *la)
{
	if (la->la_family != AF_UNIX)
		return handover_same_inet(il, la);
	return il->il_sa.ss_family == AF_UNIX &&
	    strcmp(((const struct sockaddr_un *)&il->il_sa)->sun_path,
	    ((const struct sockaddr_un *)&la->la_sa)->sun_path) == 0;
}

int
handover_take_listener(struct handover *ho, int socktype,
    const struct listen_addr *la, int *ours)
{
	size_t i;
	int fd;

	for (i = 0; i < ho->ho_nlisteners; i++) {
		struct inherited_listener *il = &ho->ho_listeners[i];

		if (il->il_fd != -1 && il->il_socktype == socktype &&
		    handover_same_address(il, la)) {
			fd = il->il_fd;
			il->il_fd = -1;
			*ours = il->il_ours;
			return fd;
		}
	}
	return -1;
}

void
handover_close_unused(struct handover *ho)
{
	size_t i;

	for (i = 0; i < ho->ho_nlisteners; i++) {
		struct inherited_listener *il = &ho->ho_listeners[i];

		if (il->il_fd == -1)
			continue;
		/* A Unix address dropped from the configuration goes away. */
		if (il->il_ours && il->il_sa.ss_family == AF_UNIX)
			(void)unlink(((struct sockaddr_un *)&il->il_sa)->sun_path);
		close(il->il_fd);
		il->il_fd = -1;
	}
}

void
handover_free(struct handover *ho)
{
	handover_close_unused(ho);
	free(ho->ho_listeners);
	free(ho->ho_children);
	ho->ho_listeners = NULL;
	ho->ho_children = NULL;
	ho->ho_nlisteners = ho->ho_nchildren = 0;
}
