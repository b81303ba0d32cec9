/*
 * The check before a reload's exec (DESIGN section 9).  On SIGHUP the
 * parent runs the very binary it is about to exec as "PATH -t ARGS..."
 * (the original arguments, so the same -c and -p) in a child, and goes
 * on serving while it runs: the binary on disk may have been replaced by
 * a truncated one, one whose libraries are missing, a script that
 * fails, or one that rejects the configuration, and an exec of any of
 * those would end the daemon.  The reaper hands the child's status
 * over; a check that outlives its deadline is killed.
 */
#ifndef SPAWND_RELOAD_CHECK_H
#define SPAWND_RELOAD_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RELOAD_CHECK_SECONDS 10
#define RELOAD_CHECK_OK "configuration OK"	/* what -t prints */

struct reload_check {
	pid_t		 rc_pid;	/* the check; 0 when none runs */
	int		 rc_out;	/* memfds holding its stdout ... */
	int		 rc_err;	/* ... and its stderr */
	int64_t		 rc_deadline;	/* netio_now_ms() clock */
	int		 rc_killed;	/* by us, at the deadline */
	int		 rc_done;	/* reaped: a verdict is waiting */
	int		 rc_again;	/* a SIGHUP came while it ran */
	int		 rc_status;	/* its waitpid() status */
};

/*
 * Start "path -t argv[1]..." in dir.  Returns 0, or -1 with a message in
 * err (rc unchanged).  The caller makes sure no check runs yet.
 */
int reload_check_start(struct reload_check *rc, const char *path,
    char *const argv[], const char *dir, char *err, size_t errlen);

/* For the reaper: 1 if pid was the check (its status is kept), else 0. */
int reload_check_reaped(struct reload_check *rc, pid_t pid, int status);

/*
 * For the loop: milliseconds until the check's deadline (-1: no check
 * runs); at the deadline it is killed.
 */
int reload_check_poll_ms(struct reload_check *rc);

/*
 * Once rc_done: 0 if the new image would start (it exited 0 and said
 * RELOAD_CHECK_OK on stdout), else -1 with the reason in reason (the
 * first line of its stderr, or how it ended).  When it found the
 * configuration bad, each of its lines (FILE:LINE: ...) goes to report
 * first.  Leaves rc ready for the next check.
 */
int reload_check_verdict(struct reload_check *rc, void (*report)(const char *),
    char *reason, size_t len);

#endif
