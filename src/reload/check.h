/*
 * The check before a reload's exec (spawnd(8), "SIGNALS").  On SIGHUP the
 * parent runs the very binary it is about to exec as "PATH -t ARGS..."
 * (the original arguments, so the same -c and -p) in a child, and goes
 * on serving while it runs: the binary on disk may have been replaced by
 * a truncated one, one whose libraries are missing, a script that
 * fails, or one that rejects the configuration, and an exec of any of
 * those would end the daemon.  The reaper hands the child's status
 * over; a check that outlives its deadline is killed (it is the
 * parent's side job: parent/sidejob.h).
 */
#ifndef SPAWND_RELOAD_CHECK_H
#define SPAWND_RELOAD_CHECK_H

#include <stddef.h>

#define RELOAD_CHECK_SECONDS 10
#define RELOAD_CHECK_OK "configuration OK"	/* what -t prints */

struct sidejob;

struct reload_check {
	int		 rc_out;	/* memfds holding its stdout ... */
	int		 rc_err;	/* ... and its stderr */
	int		 rc_again;	/* a SIGHUP came while it ran */
};

/*
 * Start "path -t argv[1]..." in dir as the parent's side job sj
 * (parent/sidejob.h: the loop kills it at RELOAD_CHECK_SECONDS, the
 * reaper keeps its status).  Returns 0, or -1 with a message in err (rc
 * and sj unchanged).  The caller makes sure no side job runs yet.
 */
int reload_check_start(struct reload_check *rc, struct sidejob *sj,
    const char *path, char *const argv[], const char *dir, char *err,
    size_t errlen);

/*
 * Once sj_done: 0 if the new image would start (it exited 0 and said
 * RELOAD_CHECK_OK on stdout), else -1 with the reason in reason (the
 * first line of its stderr, or how it ended).  When it found the
 * configuration bad, each of its lines (FILE:LINE: ...) goes to report
 * first.  Leaves rc ready for the next check.
 */
int reload_check_verdict(struct reload_check *rc, struct sidejob *sj,
    void (*report)(const char *), char *reason, size_t len);

#endif
