/*
 * The check before a reload's exec: see check.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/sig.h"
#include "parent/sidejob.h"
#include "reload/check.h"

#define RELOAD_CHECK_ARGS 64
#define RELOAD_CHECK_OUT 8192	/* the first lines of errors */

/* In the check's process: stdout and stderr to the pipes, then exec. */
static void __attribute__((noreturn))
reload_check_exec(const char *path, char *const argv[], const char *dir,
    int out, int err)
{
	char *args[RELOAD_CHECK_ARGS + 2];
	size_t n = 0, i;
	int null;

	if (sig_reset() == -1 || chdir(dir) == -1 ||
	    (null = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(err, STDERR_FILENO) == -1) {
		dprintf(err, "setting up the check: %s\n", strerror(errno));
		_exit(127);
	}
	args[n++] = argv[0];
	args[n++] = "-t";
	for (i = 1; argv[i] != NULL && n < RELOAD_CHECK_ARGS + 1; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execv(path, args);
	dprintf(STDERR_FILENO, "cannot execute %s: %s\n", path, strerror(errno));
	_exit(127);
}

int
reload_check_start(struct reload_check *rc, struct sidejob *sj,
    const char *path, char *const argv[], const char *dir, char *err,
    size_t errlen)
{
	int out, errfd;
	pid_t pid;

	/* Not pipes: a memfd never fills, so the check never blocks on us. */
	if ((out = memfd_create("spawnd-check-out", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if ((errfd = memfd_create("spawnd-check-err", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		close(out);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(out);
		close(errfd);
		return -1;
	}
	if (pid == 0)
		reload_check_exec(path, argv, dir, out, errfd);
	rc->rc_out = out;
	rc->rc_err = errfd;
	sidejob_begin(sj, pid, RELOAD_CHECK_SECONDS);
	return 0;
}

/*
 * What the check wrote (its start: enough for the first lines), line
 * by line to report, the first one kept in first without its line end.
 */
static void
reload_check_read(int fd, void (*report)(const char *), char *first,
    size_t len)
{
	char buf[RELOAD_CHECK_OUT], *line, *nl;
	ssize_t n;

	first[0] = '\0';
	do
		n = pread(fd, buf, sizeof(buf) - 1, 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL && line != buf &&
		    n == (ssize_t)sizeof(buf) - 1)
			break;	/* cut short by our buffer: not a line */
		if (nl != NULL)
			*nl = '\0';
		if (line == buf)
			snprintf(first, len, "%s", line);
		if (report != NULL)
			report(line);
		if (nl == NULL)
			break;
	}
}

int
reload_check_verdict(struct reload_check *rc, struct sidejob *sj,
    void (*report)(const char *), char *reason, size_t len)
{
	char said[RELOAD_CHECK_OUT], line[RELOAD_CHECK_OUT];
	int status = sj->sj_status, killed = sj->sj_killed;
	int config_bad = WIFEXITED(status) && WEXITSTATUS(status) == EX_CONFIG;

	sidejob_clear(sj);
	reload_check_read(rc->rc_out, NULL, said, sizeof(said));
	/* The configuration's errors, one per line, are worth each a line. */
	reload_check_read(rc->rc_err, config_bad ? report : NULL, line,
	    sizeof(line));
	close(rc->rc_out);
	close(rc->rc_err);
	rc->rc_out = rc->rc_err = -1;
	/* Only a spawnd says this: "#!/bin/sh\nexit 0" must not pass. */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    strcmp(said, RELOAD_CHECK_OK) == 0)
		return 0;
	if (killed)
		snprintf(reason, len, "the check (-t) of the new binary took "
		    "more than %d s", RELOAD_CHECK_SECONDS);
	else if (config_bad)
		snprintf(reason, len, "the configuration has errors");
	else if (line[0] != '\0')
		snprintf(reason, len, "%s", line);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snprintf(reason, len, "the new binary's -t did not say \"%s\"",
		    RELOAD_CHECK_OK);
	else if (WIFSIGNALED(status))
		snprintf(reason, len, "the new binary's -t was killed by "
		    "signal %d", WTERMSIG(status));
	else
		snprintf(reason, len, "the new binary's -t exited with "
		    "status %d", WEXITSTATUS(status));
	return -1;
}
