/*
 * I/O helpers for the service handlers.  A handler runs in a child whose
 * SIGPIPE is ignored, so a vanished client shows up here as EPIPE and
 * the handler simply returns; signals that interrupt a write are retried
 * here, once, instead of in every service.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/netio.h"

/* Output chunk of netio_write_text: big enough for any cookie line. */
#define NETIO_CHUNK	4096

/*
 * EAGAIN means two different things: a non-blocking fd has no room yet
 * (wait for it), or a blocking fd's SO_SNDTIMEO expired (give up).
 */
static int
netio_wait_room(int fd)
{
	struct pollfd pfd;
	int flags;

	flags = fcntl(fd, F_GETFL);
	if (flags == -1)
		return -1;
	if (!(flags & O_NONBLOCK)) {
		errno = EAGAIN;
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	while (poll(&pfd, 1, -1) == -1)
		if (errno != EINTR)
			return -1;
	return 0;
}

int
netio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
			    netio_wait_room(fd) == 0)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Consume one input unit at in[*ip] (a line end, "\r\n" or "\n", or one
 * other byte) and put its converted form in out (room for 2 bytes).
 * Returns the number of bytes put.
 */
static size_t
netio_eol_step(const char *in, size_t inlen, size_t *ip, char *out,
    enum netio_eol eol)
{
	size_t i = *ip;
	int is_eol = 0;

	/*
	 * Callers step only while *ip < inlen, so in is never NULL here;
	 * cppcheck's whole-program check misses that guard and flags the
	 * callers that pass no text (NULL, 0), as netio.h allows.
	 */
	/* cppcheck-suppress ctunullpointer */
	if (in[i] == '\n')
		is_eol = 1;
	else if (in[i] == '\r' && i + 1 < inlen && in[i + 1] == '\n') {
		is_eol = 1;
		i++;
	}
	*ip = i + 1;
	if (!is_eol) {
		out[0] = in[i];
		return 1;
	}
	if (eol == NETIO_LF) {
		out[0] = '\n';
		return 1;
	}
	out[0] = '\r';
	out[1] = '\n';
	return 2;
}

size_t
netio_convert_eol(const char *in, size_t inlen, char *out, size_t cap,
    enum netio_eol eol)
{
	char unit[2];
	size_t i = 0, len = 0;

	while (i < inlen) {
		size_t n = netio_eol_step(in, inlen, &i, unit, eol);
		if (cap - len < n)
			return (size_t)-1;
		out[len++] = unit[0];
		if (n == 2)
			out[len++] = unit[1];
	}
	return len;
}

int
netio_write_text(int fd, const char *text, size_t len, enum netio_eol eol)
{
	return netio_write_head_text(fd, NULL, 0, text, len, eol);
}

int
netio_write_head_text(int fd, const char *head, size_t headlen,
    const char *text, size_t len, enum netio_eol eol)
{
	char out[NETIO_CHUNK];
	size_t i = 0, olen = 0;

	if (headlen + 2 > sizeof(out)) {
		if (netio_write_all(fd, head, headlen) == -1)
			return -1;
	} else if (headlen > 0) {
		memcpy(out, head, headlen);
		olen = headlen;
	}
	while (i < len) {
		olen += netio_eol_step(text, len, &i, out + olen, eol);
		if (olen + 2 > sizeof(out)) {
			if (netio_write_all(fd, out, olen) == -1)
				return -1;
			olen = 0;
		}
	}
	if (olen > 0)
		return netio_write_all(fd, out, olen);
	return 0;
}

/* Read up to max bytes; a short count means end of file. */
static ssize_t
netio_read_max(int fd, char *buf, size_t max)
{
	size_t len = 0;
	ssize_t n;

	while (len < max) {
		n = read(fd, buf + len, max - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

int
netio_open_regular(const char *path, struct stat *stp)
{
	struct stat st;
	int fd, saved;

	/* O_NONBLOCK: a FIFO planted at path must not hang the caller. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (stp != NULL)
		*stp = st;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

char *
netio_read_file(const char *path, size_t max, size_t *lenp)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, saved;

	if ((fd = netio_open_regular(path, &st)) == -1)
		return NULL;
	if (st.st_size >= 0 && (size_t)st.st_size < max)
		max = (size_t)st.st_size;
	if ((buf = malloc(max + 1)) == NULL)
		goto fail;
	if ((n = netio_read_max(fd, buf, max)) == -1) {
		saved = errno;
		free(buf);
		errno = saved;
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	*lenp = (size_t)n;
	return buf;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

int64_t
netio_now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
netio_left_ms(int64_t deadline)
{
	int64_t left = deadline - netio_now_ms();

	if (left <= 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

int
netio_idle_limit(int fd, unsigned seconds)
{
	struct timeval tv = { .tv_sec = (time_t)seconds };

	if (seconds == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return -1;
	return 0;
}
