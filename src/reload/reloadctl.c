/*
 * spawnd -r (see reloadctl.h): find the running spawnd, read its
 * outcome file, send SIGHUP, wait for the outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/netio.h"
#include "daemon/pidfile.h"
#include "reload/outcome.h"
#include "reload/reloadctl.h"

/* How often the outcome file is read while waiting. */
#define RELOADCTL_POLL_MS	20

/* The daemon to reload. */
struct target {
	pid_t		tg_pid;
	uid_t		tg_uid;		/* its user: its files are trusted */
	const char	*tg_pidfile;
	char		tg_outcome[PATH_MAX];
};

/* What its outcome file said. */
struct seen {
	int			se_present;	/* 0: no file */
	uint64_t		se_seq;
	enum outcome_state	se_state;
	char			se_reason[OUTCOME_LINE_MAX];
};

/*
 * Read the small regular file path, never through a symbolic link nor
 * from a FIFO, into buf (NUL-terminated); *st its fstat.  The length,
 * or -1 with errno.
 */
static ssize_t
read_small(const char *path, char *buf, size_t size, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	ssize_t n;

	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1)
		return fd_close_failed(fd);
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return fd_close_failed(fd);
	}
	while ((n = read(fd, buf, size - 1)) == -1 && errno == EINTR)
		;
	if (n == -1)
		return fd_close_failed(fd);
	buf[n] = '\0';
	close(fd);
	return n;
}

/* The running spawnd: 0, or the exit status with why in msg. */
static int
find_target(struct target *tg, char *msg, size_t msglen)
{
	char buf[32], proc[64], *end;
	struct stat st;
	long pid;
	pid_t holder;

	if (read_small(tg->tg_pidfile, buf, sizeof(buf), &st) == -1) {
		if (errno == ENOENT)
			goto not_running;
		snprintf(msg, msglen, "reading pidfile %s: %s", tg->tg_pidfile,
		    strerror(errno));
		return errno == EACCES ? EX_NOPERM : EX_OSERR;
	}
	pid = strtol(buf, &end, 10);
	/* PID 1 too: spawnd may be a container's init. */
	if (end == buf || (*end != '\n' && *end != '\0') || pid <= 0 ||
	    pid > INT_MAX)
		goto not_running;	/* empty: still starting, or junk */
	if ((holder = pidfile_flock_pid(st.st_ino, (pid_t)pid)) == -1) {
		snprintf(msg, msglen, "reading /proc/locks: %s",
		    strerror(errno));
		return EX_OSERR;
	}
	snprintf(proc, sizeof(proc), "/proc/%ld", pid);
	if (holder != (pid_t)pid || stat(proc, &st) == -1)
		goto not_running;
	tg->tg_pid = (pid_t)pid;
	tg->tg_uid = st.st_uid;
	if (outcome_path(tg->tg_pidfile, tg->tg_outcome,
	    sizeof(tg->tg_outcome)) == -1) {
		snprintf(msg, msglen, "pidfile path too long");
		return EX_USAGE;
	}
	return 0;
not_running:
	snprintf(msg, msglen, "spawnd is not running (%s)", tg->tg_pidfile);
	return EX_UNAVAILABLE;
}

/* Read the outcome file into *sn.  0 (no file: se_present 0), or -1. */
static int
read_outcome(const struct target *tg, struct seen *sn, char *msg,
    size_t msglen)
{
	char text[OUTCOME_LINE_MAX + 32];
	struct stat st;

	sn->se_present = 0;
	if (read_small(tg->tg_outcome, text, sizeof(text), &st) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(msg, msglen, "reading %s: %s", tg->tg_outcome,
		    strerror(errno));
		return -1;
	}
	/* Anyone who can write beside the pidfile could put one there. */
	if (st.st_uid != tg->tg_uid && st.st_uid != 0) {
		snprintf(msg, msglen, "%s belongs to uid %ld, not to spawnd's "
		    "(%ld) nor root: not trusted", tg->tg_outcome,
		    (long)st.st_uid, (long)tg->tg_uid);
		return -1;
	}
	if (outcome_parse(text, &sn->se_seq, &sn->se_state, sn->se_reason,
	    sizeof(sn->se_reason)) == -1) {
		snprintf(msg, msglen, "%s is not a reload outcome",
		    tg->tg_outcome);
		return -1;
	}
	sn->se_present = 1;
	return 0;
}

/* The attempt after before has ended?  Its exit status, or -1: not yet. */
static int
ended(const struct target *tg, const struct seen *before,
    const struct seen *now, char *msg, size_t msglen)
{
	if (!now->se_present || (before->se_present &&
	    now->se_seq <= before->se_seq))
		return -1;
	if (now->se_state == OUTCOME_RELOADED) {
		snprintf(msg, msglen, "reloaded, PID %ld", (long)tg->tg_pid);
		return EX_OK;
	}
	if (now->se_state == OUTCOME_REFUSED) {
		snprintf(msg, msglen, "reload refused: %s; still running with "
		    "the old configuration", now->se_reason);
		return 1;
	}
	return -1;
}

/* Until the attempt after before ends.  The exit status, msg. */
static int
wait_outcome(const struct target *tg, const struct seen *before, char *msg,
    size_t msglen)
{
	int64_t deadline = netio_now_ms() + RELOADCTL_WAIT_SECONDS * 1000;
	struct seen now;
	int status;

	while (netio_now_ms() < deadline) {
		(void)poll(NULL, 0, RELOADCTL_POLL_MS);
		if (read_outcome(tg, &now, msg, msglen) == -1)
			return 1;
		if ((status = ended(tg, before, &now, msg, msglen)) != -1)
			return status;
		if (kill(tg->tg_pid, 0) == -1 && errno == ESRCH) {
			snprintf(msg, msglen, "spawnd (PID %ld) has exited "
			    "during the reload; see its log", (long)tg->tg_pid);
			return 1;
		}
		/* Removed by the old image when the reload moved the pidfile. */
		if (before->se_present && !now.se_present) {
			snprintf(msg, msglen, "%s is gone: did the reload change "
			    "pidfile? see the log of PID %ld", tg->tg_outcome,
			    (long)tg->tg_pid);
			return 1;
		}
	}
	snprintf(msg, msglen, "no outcome from spawnd (PID %ld) after %d s; "
	    "the reload may still be under way: see its log",
	    (long)tg->tg_pid, RELOADCTL_WAIT_SECONDS);
	return 1;
}

int
reloadctl_run(const char *pidfile, char *msg, size_t msglen)
{
	struct target tg = { .tg_pidfile = pidfile };
	struct seen before;
	int status;

	if ((status = find_target(&tg, msg, msglen)) != 0)
		return status;
	if (read_outcome(&tg, &before, msg, msglen) == -1)
		return 1;
	if (kill(tg.tg_pid, SIGHUP) == -1) {
		status = errno == EPERM ? EX_NOPERM : errno == ESRCH ?
		    EX_UNAVAILABLE : EX_OSERR;
		snprintf(msg, msglen, "signalling spawnd (PID %ld): %s",
		    (long)tg.tg_pid, strerror(errno));
		return status;
	}
	return wait_outcome(&tg, &before, msg, msglen);
}
