/*
 * Small I/O helpers shared by the service handlers: writing everything
 * to a client despite signals and short writes, sending text with the
 * line ends a transport wants, and reading a bounded file.  Like the
 * socket helpers, they never log and never exit: they return -1 with
 * errno set and let the handler decide.
 */
#ifndef SPAWND_BASE_NETIO_H
#define SPAWND_BASE_NETIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Line-end conventions: TCP services speak CRLF, Unix sockets LF. */
enum netio_eol { NETIO_LF, NETIO_CRLF };

/*
 * Write all len bytes of buf to fd, retrying after EINTR and short
 * writes.  On a non-blocking fd it waits in poll() for room.  On a
 * blocking fd with a send timeout (SO_SNDTIMEO) an expired timeout
 * fails with EAGAIN: that is how a handler bounds a client that does not
 * read.  Returns 0, or -1 with errno.
 */
int netio_write_all(int fd, const void *buf, size_t len);

/*
 * Write text to fd with every line end ("\n" or "\r\n") rewritten to
 * eol.  The converted text is produced in small chunks, so text of any
 * length costs no allocation.  Returns 0, or -1 with errno.
 */
int netio_write_text(int fd, const char *text, size_t len, enum netio_eol eol);

/*
 * The same after head (written as it is): a hello line and a short
 * cookie leave in one write(2), so the client is woken once.  text may
 * be NULL when len is 0 (no cookie).
 */
int netio_write_head_text(int fd, const char *head, size_t headlen,
    const char *text, size_t len, enum netio_eol eol);

/*
 * Convert the line ends of in (inlen bytes) to eol into out.  Returns
 * the length written, or (size_t)-1 if it would not fit cap bytes.  out
 * is not NUL-terminated.
 */
size_t netio_convert_eol(const char *in, size_t inlen, char *out, size_t cap,
    enum netio_eol eol);

/*
 * Open the regular file at path for reading (close-on-exec, and
 * non-blocking so that opening a FIFO cannot hang).  Anything but a
 * regular file fails: EISDIR for a directory, EINVAL otherwise.
 * Returns the fd, or -1 with errno; *st (when not NULL) gets its fstat.
 */
int netio_open_regular(const char *path, struct stat *st);

/*
 * Read at most max bytes of the file at path into a malloc'd buffer
 * (NUL-terminated, *lenp set).  A longer file is cut at max bytes.
 * Returns the buffer, or NULL with errno.
 */
char *netio_read_file(const char *path, size_t max, size_t *lenp);

/*
 * Reads and writes on socket fd that make no progress for seconds fail
 * with EAGAIN (SO_RCVTIMEO, SO_SNDTIMEO); 0 leaves them unbounded.  For
 * services that talk until the client closes: idle, not total, time.
 * Returns 0 or -1 with errno.
 */
int netio_idle_limit(int fd, unsigned seconds);

/* Milliseconds on the monotonic clock, for deadlines. */
int64_t netio_now_ms(void);

/* Milliseconds left until deadline (0 when past), as poll() wants. */
int netio_left_ms(int64_t deadline);

#endif
