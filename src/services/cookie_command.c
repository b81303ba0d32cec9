/*
 * fortune_command: split (no shell), run with the minimal environment
 * of programs run for clients, output collected under a deadline.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/netio.h"
#include "base/program.h"
#include "services/cookie_command.h"

/* In the program's process: stdout to the pipe, then exec. */
static void __attribute__((noreturn))
cookie_exec(char **argv, int out, pid_t parent)
{
	char *envp[PROGRAM_ENV_MAX];
	int null;

	/*
	 * The child that runs us may be ended by its idle_timeout alarm
	 * while we still run; a program that hangs must not outlive it.
	 * If it is already gone, the parent death signal came too late.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	/* Ours ignores SIGPIPE; the program should die if we stop reading. */
	if (program_signals() == -1)
		_exit(127);
	if ((null = open("/dev/null", O_RDONLY)) != -1 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (dup2(out, 1) == -1)
		_exit(127);
	/* The client socket and the pipe's read end are close-on-exec. */
	program_env_minimal(envp);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Read the program's output until EOF, the size limit or the deadline. */
static ssize_t
cookie_collect(int fd, char *buf, size_t cap, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	while (len < cap) {
		int r = poll(&pfd, 1, netio_left_ms(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;	/* error or deadline: keep what came */
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* Reap the program; kill it first if it outlived its output. */
static int
cookie_reap(pid_t pid)
{
	int status = 0;
	pid_t r;

	do
		r = waitpid(pid, &status, WNOHANG);
	while (r == -1 && errno == EINTR);
	if (r == 0) {
		kill(pid, SIGKILL);
		do
			r = waitpid(pid, &status, 0);
		while (r == -1 && errno == EINTR);
	}
	return r == pid ? status : -1;
}

/* Start the program; returns the read end of its stdout, or -1. */
static int
cookie_spawn(char **argv, pid_t *pidp, char *err, size_t errlen)
{
	pid_t parent = getpid();
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "fortune_command: pipe: %s",
		    strerror(errno));
		return -1;
	}
	if ((*pidp = fork()) == -1) {
		snprintf(err, errlen, "fortune_command: fork: %s",
		    strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (*pidp == 0)
		cookie_exec(argv, pfd[1], parent);
	close(pfd[1]);
	return pfd[0];
}

char *
cookie_command_run(const char *cmd, size_t *lenp, char *err, size_t errlen)
{
	char *argv[PROGRAM_ARGS + 1], *words, *out;
	ssize_t len = -1;
	int fd, status;
	pid_t pid;

	words = strdup(cmd);
	out = malloc(COOKIE_CMD_MAX + 3);	/* room for "\n" and NUL */
	if (words == NULL || out == NULL)
		snprintf(err, errlen, "fortune_command: %s", strerror(errno));
	else if (program_split(words, argv) < 1)
		snprintf(err, errlen, "fortune_command is empty");
	else if ((fd = cookie_spawn(argv, &pid, err, errlen)) != -1) {
		len = cookie_collect(fd, out, COOKIE_CMD_MAX,
		    netio_now_ms() + COOKIE_CMD_TIMEOUT * 1000);
		close(fd);
		status = cookie_reap(pid);
		if (len == 0 && status != -1 && WIFEXITED(status))
			snprintf(err, errlen, "fortune_command %s: no output, "
			    "exit %d", argv[0], WEXITSTATUS(status));
		else if (len == 0)
			snprintf(err, errlen, "fortune_command %s: no output",
			    argv[0]);
	}
	free(words);
	if (len <= 0) {
		free(out);
		return NULL;
	}
	if (out[len - 1] != '\n')
		out[len++] = '\n';
	out[len] = '\0';
	*lenp = (size_t)len;
	return out;
}
