/*
 * Logging for the parent and its children.  In the foreground a line
 * goes to stderr as "spawnd[PID]: message"; otherwise to syslog with
 * ident "spawnd" and LOG_PID.  Every message passes through log_escape()
 * because host names, addresses and paths may come from clients or DNS.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static int log_to_stderr = 1;	/* until log_init: start-up errors */
static int log_facility = LOG_DAEMON;
static int log_debugging;

void
log_init(int to_stderr, int facility, int debug)
{
	log_to_stderr = to_stderr;
	log_facility = facility;
	log_debugging = debug;
	if (!to_stderr)
		openlog("spawnd", LOG_PID | LOG_NDELAY, facility);
}

void
log_reopen(void)
{
	/*
	 * A forked child must not share the parent's syslog socket; it
	 * gets its own, stamped with its own PID, on its first message
	 * only (no LOG_NDELAY: most children never log).
	 */
	if (!log_to_stderr) {
		closelog();
		openlog("spawnd", LOG_PID, log_facility);
	}
}

char *
log_escape(char *dst, size_t dstlen, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (dstlen == 0)
		return dst;
	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c < 0x7f) {
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

static void
log_vwrite(int priority, const char *fmt, va_list ap, const char *suffix)
{
	char raw[LOG_LINE_MAX], clean[LOG_LINE_MAX];
	int saved_errno = errno;

	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(clean, sizeof(clean), raw);
	if (log_to_stderr)
		fprintf(stderr, "spawnd[%ld]: %s%s%s\n", (long)getpid(), clean,
		    suffix ? ": " : "", suffix ? suffix : "");
	else if (suffix)
		syslog(priority, "%s: %s", clean, suffix);
	else
		syslog(priority, "%s", clean);
	errno = saved_errno;
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

void
fatalx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(status);
}
