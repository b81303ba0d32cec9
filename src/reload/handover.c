/*
 * The reload hand-over's text: see handover.h for the format and the why.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "reload/handover.h"
#include "reload/inherited.h"

#define HANDOVER_MAGIC "spawnd-handover 1"

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
	    (pidfd != -1 && fd_set_cloexec(pidfd, 0) == -1))
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
	return fd_set_cloexec(fd, 1);
}

void
handover_cancel(int memfd)
{
	unsetenv(HANDOVER_ENV);
	close(memfd);
}

/* ---- reading (the new image) */

/* An fd number from the text, accepted only if it is open. */
static int
handover_fd(const char *text, char **end)
{
	long fd = strtol(text, end, 10);

	if (*end == text || fd < 0 || fd > INT_MAX || fcntl((int)fd, F_GETFD) == -1)
		return -1;
	if (fd_set_cloexec((int)fd, 1) == -1)
		return -1;
	return (int)fd;
}

/* "listen FD TYPE ADDRESS": the text is for people reading the memfd. */
static int
handover_listen_line(struct handover *ho, char *rest)
{
	char *p;
	int fd;

	if ((fd = handover_fd(rest, &p)) == -1 || *p != ' ' ||
	    inherited_add_fd(ho, fd) == -1)
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
	ic = reallocarray(ho->ho_children, ho->ho_nchildren + 1, sizeof(*ic));
	if (ic == NULL)
		return -1;
	ho->ho_children = ic;
	ic = &ho->ho_children[ho->ho_nchildren++];
	memset(ic, 0, sizeof(*ic));
	ic->ic_pid = (pid_t)pid;
	snprintf(ic->ic_service, sizeof(ic->ic_service), "%s", name);
	if (inet_pton(AF_INET, p,
	    &((struct sockaddr_in *)&ic->ic_peer)->sin_addr) == 1)
		ic->ic_peer.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, p,
	    &((struct sockaddr_in6 *)&ic->ic_peer)->sin6_addr) == 1)
		ic->ic_peer.ss_family = AF_INET6;
	else
		ic->ic_peer.ss_family = AF_UNIX;
	return 0;
}

/* "held FD PID": a listener already described, held by a wait child. */
static int
handover_held_line(struct handover *ho, char *rest)
{
	char *p;
	long fd = strtol(rest, &p, 10), pid;
	size_t i;

	if (p == rest || *p++ != ' ')
		return -1;
	pid = strtol(p, &rest, 10);
	if (rest == p || *rest != '\0' || pid <= 0 || pid > INT_MAX)
		return -1;
	for (i = 0; i < ho->ho_nlisteners; i++)
		if (ho->ho_listeners[i].il_fd == fd) {
			ho->ho_listeners[i].il_held = (pid_t)pid;
			return 0;
		}
	return -1;
}

/* "name FD SERVICE": whose a listener already described was. */
static int
handover_name_line(struct handover *ho, char *rest)
{
	char *p;
	long fd = strtol(rest, &p, 10);
	size_t i;

	if (p == rest || *p++ != ' ' || handover_unescape(p) == -1)
		return -1;
	for (i = 0; i < ho->ho_nlisteners; i++)
		if (ho->ho_listeners[i].il_fd == fd) {
			snprintf(ho->ho_listeners[i].il_name,
			    sizeof(ho->ho_listeners[i].il_name), "%s", p);
			return 0;
		}
	return -1;
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
	if (strncmp(line, "held ", 5) == 0)
		return handover_held_line(ho, line + 5);
	if (strncmp(line, "name ", 5) == 0)
		return handover_name_line(ho, line + 5);
	return 0;	/* a newer image's record: nothing we could use */
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

int
handover_read(struct handover *ho, char *err, size_t errlen)
{
	const char *env = getenv(HANDOVER_ENV);
	char *end;
	int memfd, rc;

	memset(ho, 0, sizeof(*ho));
	ho->ho_pidfd = -1;
	if (env == NULL)
		return inherited_activation(ho, err, errlen);
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

void
handover_free(struct handover *ho)
{
	inherited_close_unused(ho);
	free(ho->ho_listeners);
	free(ho->ho_children);
	ho->ho_listeners = NULL;
	ho->ho_children = NULL;
	ho->ho_nlisteners = ho->ho_nchildren = 0;
}

