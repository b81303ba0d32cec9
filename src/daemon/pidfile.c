/*
 * The pidfile: created and locked with flock(2) for as long as the
 * daemon runs, so a second spawnd finds it held and says by whom.  A
 * reload passes the locked fd on to the new image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/fd.h"
#include "daemon/pidfile.h"

/* Read the PID a lock holder wrote; 0 if unreadable.  Keeps errno. */
static pid_t
pidfile_holder(int fd)
{
	char buf[32];
	int saved = errno;	/* the caller reports flock's */
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	pid_t pid = 0;

	if (n > 0) {
		buf[n] = '\0';
		pid = (pid_t)strtol(buf, NULL, 10);
	}
	errno = saved;
	return pid;
}

/*
 * /proc/locks has one line per lock: "N: FLOCK  ADVISORY  WRITE PID
 * MAJ:MIN:INODE START END" ("N: -> ..." for a waiter).  Only the inode
 * is compared: stat(2) and /proc/locks number the devices of some file
 * systems (btrfs subvolumes, overlayfs) differently.  So another file
 * system's file of the same number, locked too, has a line that looks
 * the same, and may come first: asked for want, only its lines count.
 */
pid_t
pidfile_flock_pid(ino_t ino, pid_t want)
{
	char line[256], type[16];
	unsigned long long inode;
	long pid, found = 0;
	FILE *fp;

	if ((fp = fopen("/proc/locks", "re")) == NULL)
		return -1;
	while (found == 0 && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "%*d: %15s %*s %*s %ld %*x:%*x:%llu", type,
		    &pid, &inode) == 3 && strcmp(type, "FLOCK") == 0 &&
		    inode == (unsigned long long)ino &&
		    (want == 0 || pid == (long)want))
			found = pid;
	fclose(fp);
	return (pid_t)found;
}

pid_t
pidfile_locked_by(const char *path)
{
	struct stat st;
	pid_t pid = 0;
	int fd;

	/* Not flock(): a test lock would turn away a spawnd starting now. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pid = pidfile_flock_pid(st.st_ino, 0)) > 0 && pid != getpid() &&
	    pidfile_holder(fd) > 0)
		/* In another PID namespace /proc/locks may show 0 or its own. */
		pid = pidfile_holder(fd);
	close(fd);
	return pid;
}

/*
 * Create and lock path.  Returns the fd (kept open for the lock), or -1:
 * errno EWOULDBLOCK with *holder set (0 if unknown) when another process
 * holds the lock, other errno otherwise.
 */
static int
pidfile_acquire(const char *path, pid_t *holder)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1)
		return -1;
	/*
	 * flock() locks belong to the open file, so the lock lives exactly
	 * as long as this descriptor.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		*holder = pidfile_holder(fd);
		return fd_close_failed(fd);
	}
	return fd;
}

int
pidfile_write(int pidfile_fd)
{
	char buf[32];
	ssize_t n;
	int len;

	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pidfile_fd, 0) == -1)
		return -1;
	n = pwrite(pidfile_fd, buf, (size_t)len, 0);
	if (n != len) {
		if (n >= 0)
			errno = EIO;	/* short, but no error of its own */
		return -1;
	}
	return 0;
}

int
pidfile_replace(const char *path, int *pidfile_fdp)
{
	pid_t holder = 0;
	int fd;

	if ((fd = pidfile_acquire(path, &holder)) == -1)
		return -1;
	if (pidfile_write(fd) == -1) {
		pidfile_release(path, fd);
		return -1;
	}
	close(*pidfile_fdp);
	*pidfile_fdp = fd;
	return 0;
}

void
pidfile_release(const char *path, int pidfile_fd)
{
	if (pidfile_fd == -1)
		return;
	/* Unlink while still holding the lock, so no newcomer's file goes. */
	(void)unlink(path);
	close(pidfile_fd);
}

/* Lock path into *pidfile_fdp; 0, or the sysexits status and why in err. */
static int
pidfile_take(const char *path, int *pidfile_fdp, char *err, size_t errlen)
{
	pid_t holder = 0;

	if ((*pidfile_fdp = pidfile_acquire(path, &holder)) != -1)
		return 0;
	if (errno == EWOULDBLOCK && holder > 0)
		snprintf(err, errlen, "already running as PID %ld (pidfile %s)",
		    (long)holder, path);
	else if (errno == EWOULDBLOCK)
		snprintf(err, errlen, "already running (pidfile %s is locked)",
		    path);
	else {
		snprintf(err, errlen, "pidfile %s: %s", path, strerror(errno));
		return EX_OSERR;
	}
	return EX_UNAVAILABLE;
}

int
pidfile_inherit(int old_pidfile_fd, const char *oldpath, const char *path,
    int *pidfile_fdp, char *err, size_t errlen)
{
	if (old_pidfile_fd != -1 && strcmp(oldpath, path) == 0) {
		*pidfile_fdp = old_pidfile_fd;
		return 0;
	}
	if (old_pidfile_fd != -1)
		pidfile_release(oldpath, old_pidfile_fd);
	return pidfile_take(path, pidfile_fdp, err, errlen);
}

int
pidfile_for_reload(const char *path, const char *curpath, int pidfile_fd,
    char *err, size_t errlen)
{
	pid_t holder = 0;
	int fd;

	if (strcmp(path, curpath) == 0)
		return pidfile_fd;
	if ((fd = pidfile_acquire(path, &holder)) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "pidfile %s is held by PID %ld",
			    path, (long)holder);
		else
			snprintf(err, errlen, "pidfile %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (pidfile_write(fd) == -1) {
		snprintf(err, errlen, "pidfile %s: %s", path, strerror(errno));
		pidfile_release(path, fd);
		return -1;
	}
	return fd;
}
