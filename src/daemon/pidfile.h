/*
 * The pidfile, locked for the daemon's lifetime.
 */
#ifndef SPAWND_DAEMON_PIDFILE_H
#define SPAWND_DAEMON_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Write our PID into the locked pidfile.  Returns 0 or -1 with errno. */
int pidfile_write(int pidfile_fd);

/*
 * Create, lock and write path anew (its file was removed), then close
 * *pidfile_fdp and put the new fd there.  Returns 0 or -1 with errno.
 */
int pidfile_replace(const char *path, int *pidfile_fdp);

/*
 * Is path's lock held, and by whom?  Tested without taking it.  The PID
 * the holder wrote into it (/proc/locks's when it wrote none yet), our
 * own PID when it is ours, 0 when nobody holds it or it cannot be told.
 */
pid_t pidfile_locked_by(const char *path);

/*
 * The PID /proc/locks names as holding a flock(2) on inode ino (only
 * want, if want is not 0: is it a holder?): 0 if none, -1 with errno if
 * /proc/locks cannot be read.
 */
pid_t pidfile_flock_pid(ino_t ino, pid_t want);

/* Remove the pidfile and release the lock. */
void pidfile_release(const char *path, int pidfile_fd);

/*
 * At start: keep the pidfile old_pidfile_fd (at oldpath) a reload's old
 * image passed if its path is still path, else release it and take
 * (create and lock) path; old_pidfile_fd -1 at a first start.  The one
 * kept goes into *pidfile_fdp.  Returns 0, or the sysexits status to
 * exit with and why in err ("already running as PID N ...").
 */
int pidfile_inherit(int old_pidfile_fd, const char *oldpath, const char *path,
    int *pidfile_fdp, char *err, size_t errlen);

/*
 * Before a reload, in the old image: the pidfile the new configuration
 * names -- pidfile_fd if it is still curpath, else path taken (locked
 * and written) now, while a failure can still refuse the reload.
 * Returns its fd, or -1 with the reason in err.
 */
int pidfile_for_reload(const char *path, const char *curpath,
    int pidfile_fd, char *err, size_t errlen);

#endif
