/*
 * Becoming a daemon (daemon(7), "SysV daemons").
 *
 * The launcher, the process the admin's shell waits for, forks and then
 * blocks reading a pipe.  The daemon writes one record into it when
 * start-up is over: an exit status byte followed by an optional error
 * message.  So "spawnd" returns 0 only once every listener is bound, and
 * prints the reason when it could not start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/log.h"
#include "base/sig.h"
#include "daemon/daemon.h"

#define DAEMON_MSG_MAX 1024	/* a bind error names file, service, address, hint */

static int daemon_notify_fd = -1;	/* write end, in the daemon only */

/* In the launcher: wait for the daemon's verdict and exit with it. */
static void __attribute__((noreturn))
daemon_wait_verdict(int fd)
{
	char msg[DAEMON_MSG_MAX + 1];
	size_t len = 0;
	ssize_t n;

	while (len < DAEMON_MSG_MAX) {
		n = read(fd, msg + len, DAEMON_MSG_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (len == 0) {
		/* The daemon died before it could say anything. */
		fprintf(stderr, "spawnd: daemon exited during start-up\n");
		_exit(EX_OSERR);
	}
	msg[len] = '\0';
	if (len > 1)
		fprintf(stderr, "spawnd: %s\n", msg + 1);
	_exit((unsigned char)msg[0]);
}

static int
daemon_devnull(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd == -1)
		return -1;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		close(fd);
		return -1;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

int
daemon_detach(void)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0) {
		close(pipefd[1]);
		/* Let the admin's Ctrl-C reach the waiting launcher. */
		(void)sig_reset();
		daemon_wait_verdict(pipefd[0]);
	}
	close(pipefd[0]);
	daemon_notify_fd = pipefd[1];

	/*
	 * From here on a failure can only be reported through the pipe:
	 * the launcher is waiting for it.
	 */
	if (setsid() == -1)
		daemon_fail(EX_OSERR, "setsid: %s", strerror(errno));
	/* The second fork makes sure we can never reacquire a terminal. */
	if ((pid = fork()) == -1)
		daemon_fail(EX_OSERR, "fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (daemon_devnull() == -1)
		daemon_fail(EX_OSERR, "/dev/null: %s", strerror(errno));
	umask(022);
	if (chdir("/") == -1)
		daemon_fail(EX_OSERR, "chdir /: %s", strerror(errno));
	return 0;
}

static void
daemon_tell(unsigned char status, const char *msg)
{
	char rec[DAEMON_MSG_MAX];
	size_t len = 1;

	rec[0] = (char)status;
	if (msg != NULL) {
		len += strlen(msg);
		if (len > sizeof(rec))
			len = sizeof(rec);
		memcpy(rec + 1, msg, len - 1);
	}
	/* One write below PIPE_BUF is atomic; a failure leaves nobody to tell. */
	while (write(daemon_notify_fd, rec, len) == -1 && errno == EINTR)
		;
	close(daemon_notify_fd);
	daemon_notify_fd = -1;
}

void
daemon_ready(void)
{
	if (daemon_notify_fd != -1)
		daemon_tell(0, NULL);
}

void
daemon_fail(int status, const char *fmt, ...)
{
	char msg[DAEMON_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* syslog keeps it too: the launcher's terminal may be long gone. */
	if (daemon_notify_fd == -1 || log_to_syslog())
		log_error("%s", msg);
	if (daemon_notify_fd != -1)
		daemon_tell((unsigned char)status, msg);
	exit(status);
}

int
daemon_guard_stdio(void)
{
	int fd, null;

	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free number: fd itself, all below are open. */
		if ((null = open("/dev/null", O_RDWR)) == -1)
			return -1;
		if (null != fd) {
			close(null);
			errno = EBADF;
			return -1;
		}
	}
	return 0;
}
