/*
 * Logging for the parent and its children.  Three destinations:
 *
 *  - syslog(3), ident "spawnd", LOG_PID: a daemon (no -f);
 *  - the journal, when stderr is the stream systemd named in
 *    $JOURNAL_STREAM: "<N>message", the sd-daemon(3) priority prefix,
 *    and no "spawnd[PID]: " (journald adds its own);
 *  - plain stderr otherwise: "2026-12-07T18:50:01Z spawnd[PID]: message",
 *    stamped as a terminal or a file under a supervisor needs it (syslog
 *    and the journal stamp lines themselves).
 *
 * Every message passes through log_escape() because host names,
 * addresses and paths may come from clients or DNS.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define LOG_LINE_MAX 1024

enum log_dest { LOG_DEST_STDERR, LOG_DEST_JOURNAL, LOG_DEST_SYSLOG };

static enum log_dest log_dest = LOG_DEST_STDERR; /* until log_init */
static int log_facility = LOG_DAEMON;
static int log_debugging;

/*
 * systemd sets JOURNAL_STREAM=DEVICE:INODE for the stream it connects to
 * stdout/stderr (systemd.exec(5)).  Only if stderr is still that very
 * stream is it the journal: a shell started from a unit inherits the
 * variable with its stderr pointing elsewhere.
 */
static int
log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(int to_stderr, int facility, int debug)
{
	log_facility = facility;
	log_debugging = debug;
	if (to_stderr && log_dest == LOG_DEST_SYSLOG)
		closelog();	/* a reload's image opened it early */
	if (to_stderr) {
		log_dest = log_stderr_is_journal() ? LOG_DEST_JOURNAL :
		    LOG_DEST_STDERR;
		return;
	}
	log_dest = LOG_DEST_SYSLOG;
	openlog("spawnd", LOG_PID | LOG_NDELAY, facility);
}

void
log_child_init(void)
{
	/*
	 * The parent's syslog socket is an fd like any other: the child is
	 * about to move the client onto a fixed number and close the rest,
	 * and must let go of this one first, by name, whatever its number.
	 * Closing it after the move would close the client instead if the
	 * two numbers met, and the service's reply would go to syslog.  A
	 * new socket, stamped with the child's own PID, is opened on the
	 * child's first message only (no LOG_NDELAY: most children never
	 * log).  closelog() forgets the ident, hence the openlog().
	 */
	if (log_dest == LOG_DEST_SYSLOG) {
		closelog();
		openlog("spawnd", LOG_PID, log_facility);
	}
}

int
log_to_syslog(void)
{
	return log_dest == LOG_DEST_SYSLOG;
}

/* As glibc's syslog(3) does: a datagram socket, else a stream one. */
int
log_syslog_listening(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX,
	    .sun_path = LOG_SOCKET_PATH };
	int types[] = { SOCK_DGRAM, SOCK_STREAM }, fd, rc = -1, saved;
	size_t i;

	for (i = 0; i < 2 && rc == -1; i++) {
		if ((fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) == -1)
			return -1;
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		saved = errno;
		close(fd);
		errno = saved;
		if (rc == -1 && errno != EPROTOTYPE)
			break;
	}
	return rc;
}

char *
log_escape(char *dst, size_t dstlen, const char *src)
{
	return log_escape_also(dst, dstlen, src, "");
}

char *
log_escape_also(char *dst, size_t dstlen, const char *src, const char *also)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (dstlen == 0)
		return dst;
	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c < 0x7f && c != '\\' &&
		    strchr(also, c) == NULL) {
			if (n + 1 >= dstlen)
				break;
			dst[n++] = (char)c;
		} else {
			if (n + 4 >= dstlen)
				break;
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 0xf];
		}
	}
	dst[n] = '\0';
	return dst;
}

/*
 * The time of a plain stderr line, RFC 3339 in UTC ("2026-12-07T18:50:01Z"):
 * one form in every process whatever its TZ, sortable, and no time zone
 * file to read in a child.  Empty if the clock cannot be read.
 */
static void
log_stamp(char *buf, size_t len)
{
	struct timespec now;
	struct tm tm;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1 ||
	    gmtime_r(&now.tv_sec, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ ", &tm) == 0)
		buf[0] = '\0';
}

/*
 * One line, one write(2): the parent and its children share stderr, and
 * a line written in pieces could interleave with another process's.
 */
static void
log_write_stderr(int priority, const char *msg)
{
	char line[LOG_LINE_MAX + 192], stamp[32];
	int len;

	if (log_dest == LOG_DEST_JOURNAL) {
		len = snprintf(line, sizeof(line), "<%d>%s\n", priority, msg);
	} else {
		log_stamp(stamp, sizeof(stamp));
		len = snprintf(line, sizeof(line), "%sspawnd[%ld]: %s\n",
		    stamp, (long)getpid(), msg);
	}
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line)) {
		len = (int)sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	/* Nowhere left to report a failure to log. */
	while (write(STDERR_FILENO, line, (size_t)len) == -1 && errno == EINTR)
		;
}

static void
log_vwrite(int priority, const char *fmt, va_list ap, const char *suffix)
{
	char raw[LOG_LINE_MAX], clean[LOG_LINE_MAX], joined[LOG_LINE_MAX + 128];
	const char *msg = clean;
	int saved_errno = errno;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(clean, sizeof(clean), raw);
	/* strerror's text, not a client's: nothing to escape (truncation is fine) */
	if (suffix != NULL &&
	    snprintf(joined, sizeof(joined), "%s: %s", clean, suffix) >= 0)
		msg = joined;
	if (log_dest == LOG_DEST_SYSLOG)
		syslog(priority, "%s", msg);
	else
		log_write_stderr(priority, msg);
	errno = saved_errno;
}

static void
log_bare(const char *line)
{
	char clean[LOG_LINE_MAX];
	int saved_errno = errno;

	log_escape(clean, sizeof(clean), line);
	if (log_dest == LOG_DEST_SYSLOG)
		syslog(LOG_ERR, "%s", clean);
	else if (log_dest == LOG_DEST_JOURNAL)
		log_write_stderr(LOG_ERR, clean);
	else
		dprintf(STDERR_FILENO, "%s\n", clean);
	errno = saved_errno;
}

void
log_report_bare(void *ctx, const char *line)
{
	(void)ctx;
	log_bare(line);
}

void
log_report_warn(void *ctx, const char *line)
{
	(void)ctx;
	log_warnx("%s", line);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debugging)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, reason);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(int status, const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, reason);
	va_end(ap);
	exit(status);
}
