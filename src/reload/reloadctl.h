/*
 * spawnd -r: ask the running spawnd to reload, and wait for its verdict
 * (spawnd(8), "OPTIONS" and "FILES").
 *
 * The running spawnd is the process that holds the pidfile's lock, as
 * /proc/locks shows it, and whose PID the file holds: a pidfile left
 * behind, or one whose daemon is still starting (its PID not yet
 * written), names no lock holder, and the PID in it is never
 * signalled.  The daemon's outcome file (reload/outcome.h) is read
 * before the SIGHUP, then again until an attempt numbered after it has
 * ended, the daemon is gone, or RELOADCTL_WAIT_SECONDS have passed.  An
 * outcome file not owned by the daemon's user or root is not trusted.
 */
#ifndef SPAWND_RELOAD_RELOADCTL_H
#define SPAWND_RELOAD_RELOADCTL_H

#include <stddef.h>

/*
 * Longer than a reload can take: the check of the binary has 10 s, the
 * new image's start-up a few more; within systemd's 90 s for ExecReload.
 */
#define RELOADCTL_WAIT_SECONDS	60

/*
 * Reload the spawnd that holds pidfile.  Returns the exit status
 * (sysexits.h): 0 reloaded, 1 refused (or no outcome in time), 69 not
 * running, 77 not allowed to signal it, 71 a system error; one line for
 * the user in msg (for stdout on 0, stderr otherwise).
 */
int reloadctl_run(const char *pidfile, char *msg, size_t msglen);

#endif
