/*
 * Becoming a daemon the way daemon(7) describes for SysV daemons.  The
 * process the admin started waits on a pipe until the daemon reports
 * that every listener is bound (exit 0) or why it could not start (the
 * message on stderr, the daemon's exit status).
 */
#ifndef SPAWND_DAEMON_DAEMON_H
#define SPAWND_DAEMON_DAEMON_H

/*
 * Detach: fork, setsid, fork, /dev/null on 0-2, umask 022, chdir("/").
 * Returns 0 in the daemon.  The original process never returns: it exits
 * with the status the daemon reports through daemon_ready/daemon_fail.
 * Returns -1 with errno if a step failed before detaching.
 */
int daemon_detach(void);

/* Put /dev/null on whichever of fds 0-2 is closed.  0 or -1 with errno. */
int daemon_guard_stdio(void);

/* Tell the waiting launcher (if any) that start-up succeeded. */
void daemon_ready(void);

/*
 * Start-up failed: log MESSAGE (and hand it to the waiting launcher, if
 * any, which prints "spawnd: MESSAGE") and exit with status.
 */
void daemon_fail(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

#endif
