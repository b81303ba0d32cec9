/*
 * Logging: one line per event, to syslog (ident "spawnd", LOG_PID) or, in
 * the foreground, to stderr as "spawnd[PID]: message".  Every message is
 * escaped so that bytes from clients or DNS can never inject control
 * characters into a log.  These functions preserve errno and must never
 * be called from a signal handler.
 */
#ifndef SPAWND_LOG_H
#define SPAWND_LOG_H

#include <stddef.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

/* to_stderr: 1 for "spawnd[PID]: msg" on stderr, 0 for syslog. */
void log_init(int to_stderr, int facility, int debug);
/* Called in a fresh child so its lines carry its own PID. */
void log_reopen(void);

void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
/* Log at LOG_ERR and exit(status). */
void fatal(int status, const char *fmt, ...) LOG_FMT(2, 3) __attribute__((noreturn));
void fatalx(int status, const char *fmt, ...) LOG_FMT(2, 3) __attribute__((noreturn));

/*
 * Copy src into dst (size dstlen, always NUL-terminated), replacing each
 * byte outside printable ASCII by "\xNN".  Returns dst.
 */
char *log_escape(char *dst, size_t dstlen, const char *src);

#endif
