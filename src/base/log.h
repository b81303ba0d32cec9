/*
 * Logging: one line per event, to syslog (ident "spawnd", LOG_PID) or, in
 * the foreground, to stderr: as "<N>message" when stderr is the journal
 * ($JOURNAL_STREAM), else as "TIME spawnd[PID]: message", TIME in UTC
 * ("2026-12-07T18:50:01Z").  Every message is
 * escaped so that bytes from clients or DNS can never inject control
 * characters into a log.  These functions preserve errno and must never
 * be called from a signal handler.
 */
#ifndef SPAWND_BASE_LOG_H
#define SPAWND_BASE_LOG_H

#include <stddef.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

/*
 * to_stderr: 1 for stderr (the journal's format if stderr is the
 * journal), 0 for syslog with the given facility.  May be called again.
 */
void log_init(int to_stderr, int facility, int debug);
/*
 * In a fresh child, before it moves or closes any fd: drop the parent's
 * syslog socket; the child's own opens with its first message.
 */
void log_child_init(void);
/* Whether lines go to syslog (a daemon) rather than to stderr. */
int log_to_syslog(void);
/*
 * Does anything listen on /dev/log (LOG_SOCKET_PATH)?  syslog(3) drops
 * every line silently when nothing does (a chroot, a container).  0, or
 * -1 with errno of the connect.
 */
int log_syslog_listening(void);

#define LOG_SOCKET_PATH	"/dev/log"

void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
/*
 * Line reporters for the configuration loader (conf_report_fn; ctx
 * unused).  log_report_bare: a complete message of its own ("FILE:LINE:
 * ..."), at LOG_ERR, on plain stderr exactly as given, without
 * "spawnd[PID]: ".  log_report_warn: log_warnx("%s", line).
 */
void log_report_bare(void *ctx, const char *line);
void log_report_warn(void *ctx, const char *line);
/* At LOG_ERR, nothing appended: why start-up failed. */
void log_error(const char *fmt, ...) LOG_FMT(1, 2);
/* Log at LOG_ERR with ": strerror(errno)" and exit(status). */
void fatal(int status, const char *fmt, ...) LOG_FMT(2, 3)
    __attribute__((noreturn));

/*
 * Copy src into dst (size dstlen, always NUL-terminated), replacing each
 * byte outside printable ASCII, and the backslash itself, by "\xNN": no
 * two texts look the same.  Returns dst.
 */
char *log_escape(char *dst, size_t dstlen, const char *src);

/*
 * The same, and each byte of also as "\xNN" too: a word that must hold
 * no blank or no comma (the lines of "spawnd -t -l").
 */
char *log_escape_also(char *dst, size_t dstlen, const char *src,
    const char *also);

#endif
