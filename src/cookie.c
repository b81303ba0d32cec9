/*
 * Fortune cookies for the services, from fortune_file or from an
 * external fortune_command.  The command runs in the service's child
 * (already unprivileged) with its stdout on a pipe: the child needs the
 * output to fix its line ends for TCP, and a pipe lets it bound both
 * the size of the output and the time the program may take.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "cookie.h"
#include "exec_env.h"
#include "fortune.h"
#include "netio.h"

/*
 * Split cmd on spaces and tabs into argv (at most COOKIE_CMD_ARGS
 * words, NULL-terminated), in place in buf.  Returns the word count, or
 * -1 if there are too many.
 */
static int
cookie_split(char *buf, char **argv)
{
	char *word, *save = NULL;
	int argc = 0;

	for (word = strtok_r(buf, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (argc == COOKIE_CMD_ARGS)
			return -1;
		argv[argc++] = word;
	}
	argv[argc] = NULL;
	return argc;
}

/*
 * Children open the fortune file and run the command after dropping
 * privileges, so a file only root can read would pass a check made as
 * root and then fail every client.  When that drop will happen, try
 * access(2) as the service's user, in a throwaway child.  Returns 0,
 * or -1 with a message (a child that cannot even switch users proves
 * nothing: the core refuses to serve then anyway).
 */
static int
cookie_check_as_user(const struct svc_conf *sc, const char *what,
    const char *path, int mode, char *err, size_t errlen)
{
	int status, e;
	pid_t pid, r;

	if (geteuid() != 0 || sc->sc_uid == 0)
		return 0;
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "checking %s %s as user %s: fork: %s",
		    what, path, sc->sc_user ? sc->sc_user : "?",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if ((sc->sc_user != NULL ? initgroups(sc->sc_user, sc->sc_gid) :
		    setgroups(1, &sc->sc_gid)) == -1 ||
		    setgid(sc->sc_gid) == -1 || setuid(sc->sc_uid) == -1)
			_exit(255);
		_exit(access(path, mode) == 0 ? 0 : (errno & 0x7f));
	}
	do
		r = waitpid(pid, &status, 0);
	while (r == -1 && errno == EINTR);
	if (r != pid || !WIFEXITED(status) || WEXITSTATUS(status) == 0 ||
	    WEXITSTATUS(status) == 255)
		return 0;
	e = WEXITSTATUS(status);
	snprintf(err, errlen, "%s %s is not %s by user %s: %s", what, path,
	    mode == X_OK ? "executable" : "readable",
	    sc->sc_user ? sc->sc_user : "?", strerror(e));
	return -1;
}

static int
cookie_check_command(const struct svc_conf *sc, char *err, size_t errlen)
{
	const char *cmd = sc->sc_fortune_command;
	char *argv[COOKIE_CMD_ARGS + 1], *buf;
	int argc, rc = -1;

	if ((buf = strdup(cmd)) == NULL) {
		snprintf(err, errlen, "fortune_command: %s", strerror(errno));
		return -1;
	}
	argc = cookie_split(buf, argv);
	if (argc == -1)
		snprintf(err, errlen, "fortune_command: more than %d words",
		    COOKIE_CMD_ARGS);
	else if (argc == 0 || argv[0][0] != '/')
		snprintf(err, errlen, "fortune_command \"%s\": the program "
		    "must be an absolute path", cmd);
	else if (access(argv[0], X_OK) == -1)
		snprintf(err, errlen, "fortune_command %s: %s", argv[0],
		    strerror(errno));
	else
		rc = cookie_check_as_user(sc, "fortune_command", argv[0],
		    X_OK, err, errlen);
	free(buf);
	return rc;
}

int
cookie_check(struct svc_conf *sc, int dgram, char *err, size_t errlen)
{
	struct fortune_set *fs = NULL;
	long n;

	sc->sc_data = NULL;
	if (sc->sc_fortune_command != NULL && sc->sc_fortune_command[0] != '\0') {
		if (cookie_check_command(sc, err, errlen) == -1)
			return -1;
		if (!dgram)
			return 0;
	}
	if (sc->sc_fortune_file == NULL || sc->sc_fortune_file[0] == '\0') {
		snprintf(err, errlen, "missing fortune file (fortune_file "
		    "is empty)");
		return -1;
	}
	if (dgram && (fs = malloc(sizeof(*fs))) == NULL) {
		snprintf(err, errlen, "loading fortunes: %s", strerror(errno));
		return -1;
	}
	n = fortune_load(sc->sc_fortune_file, FORTUNE_DGRAM_MAX, fs, err,
	    errlen);
	if (n == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie",
		    sc->sc_fortune_file);
	else if (n > 0 && fs != NULL && fs->fs_count == 0)
		snprintf(err, errlen, "fortune file %s holds no cookie of at "
		    "most %d bytes for datagram replies", sc->sc_fortune_file,
		    FORTUNE_DGRAM_MAX);
	else if (n > 0 && cookie_check_as_user(sc, "fortune file",
	    sc->sc_fortune_file, R_OK, err, errlen) == 0) {
		sc->sc_data = fs;
		return 0;
	}
	if (fs != NULL) {
		fortune_set_free(fs);
		free(fs);
	}
	return -1;
}

void
cookie_release(struct svc_conf *sc)
{
	struct fortune_set *fs = sc->sc_data;

	if (fs != NULL) {
		fortune_set_free(fs);
		free(fs);
		sc->sc_data = NULL;
	}
}

size_t
cookie_dgram(const struct svc_conf *sc, char *buf, size_t cap)
{
	const struct fortune_set *fs = sc->sc_data;
	size_t k;

	if (fs == NULL || fs->fs_count == 0)
		return 0;
	k = fortune_random(fs->fs_count);
	if (fs->fs_len[k] > cap)
		return 0;
	memcpy(buf, fs->fs_text[k], fs->fs_len[k]);
	return fs->fs_len[k];
}

/* In the program's process: stdout to the pipe, then exec. */
static void __attribute__((noreturn))
cookie_exec(char **argv, int out, pid_t parent)
{
	char *envp[EXEC_ENV_MAX];
	sigset_t none;
	int null;

	/*
	 * The child that runs us may be ended by its idle_timeout alarm
	 * while we still run; a program that hangs must not outlive it.
	 * If it is already gone, the parent death signal came too late.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	/* Ours ignores SIGPIPE; the program should die if we stop reading. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((null = open("/dev/null", O_RDONLY)) != -1 && null != 0) {
		dup2(null, 0);
		close(null);
	}
	if (dup2(out, 1) == -1)
		_exit(127);
	/* The client socket and the pipe's read end are close-on-exec. */
	exec_env_minimal(envp);
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

static char *
cookie_run(const char *cmd, size_t *lenp, char *err, size_t errlen)
{
	char *argv[COOKIE_CMD_ARGS + 1], *words, *out;
	ssize_t len = -1;
	int fd, status;
	pid_t pid;

	words = strdup(cmd);
	out = malloc(COOKIE_CMD_MAX + 3);	/* room for "\n" and NUL */
	if (words == NULL || out == NULL)
		snprintf(err, errlen, "fortune_command: %s", strerror(errno));
	else if (cookie_split(words, argv) < 1)
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

char *
cookie_get(const struct svc_conf *sc, size_t *lenp, char *err, size_t errlen)
{
	if (sc->sc_fortune_command != NULL && sc->sc_fortune_command[0] != '\0')
		return cookie_run(sc->sc_fortune_command, lenp, err, errlen);
	return fortune_pick(sc->sc_fortune_file, lenp, err, errlen);
}
