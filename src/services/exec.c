/*
 * exec (spawnd.conf(5), "Service types"): run a program per connection
 * with the client on its stdin and stdout, as inetd, xinetd and
 * tcpserver do.  The command line is split into words when the
 * configuration is loaded (no shell); the child, already unprivileged
 * and within the service's resource limits, puts the client socket on
 * fds 0 and 1, keeps fd 2 (the daemon's stderr: the terminal or the
 * journal under -f and systemd, /dev/null when daemonized), closes
 * everything else and executes the program with the UCSPI variables of
 * its client, a fixed PATH and the service's env -- nothing else of the
 * daemon's own.
 *
 * With wait = true (inetd's wait services, such as in.tftpd) the child
 * gets the listening socket itself on fds 0 and 1, and the parent
 * watches that socket again only once the child has exited.
 *
 * idle_timeout does not apply (SV_NO_IDLE): spawnd cannot see the
 * program's traffic, and an alarm armed before the exec would cut a
 * working session at a fixed age.  max_lifetime is the bound an admin
 * may set; the parent keeps it (parent/lifetime.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/log.h"
#include "base/program.h"
#include "child/privileges.h"
#include "config/config.h"
#include "services/exec_ucspi.h"
#include "services/service.h"

/* What exec_check prepared: the argv to run. */
struct exec_prog {
	const char *ep_path;			/* the program */
	char	*ep_argv[PROGRAM_ARGS + 1];	/* [0]: exec_argv0, or the path;
						   the rest sc_exec_argv's */
};

/* PATH, the client's variables, env, the closing NULL. */
#define EXEC_ENV_SLOTS	(1 + UCSPI_VARS_MAX + CONF_MAX_ENV + 1)

/*
 * The argv the loader made (it checked its form), and a check that its
 * program is a regular file the service's user can execute.
 */
static int
exec_check_program(struct svc_conf *sc, struct exec_prog *ep, char *err,
    size_t errlen)
{
	struct stat st;
	size_t n;

	for (n = 0; n < PROGRAM_ARGS && sc->sc_exec_argv[n] != NULL; n++)
		ep->ep_argv[n] = sc->sc_exec_argv[n];
	ep->ep_argv[n] = NULL;
	if (n == 0 || sc->sc_exec_argv[n] != NULL) {
		snprintf(err, errlen, "exec: no program, or too many words");
		return -1;
	}
	/* inetd.conf names argv[0] apart from the program (tcpd needs it). */
	ep->ep_path = ep->ep_argv[0];
	if (sc->sc_exec_argv0 != NULL)
		ep->ep_argv[0] = sc->sc_exec_argv0;
	if (stat(ep->ep_path, &st) == -1 ||
	    access(ep->ep_path, X_OK) == -1) {
		snprintf(err, errlen, "exec %s: %s", ep->ep_path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "exec %s: not a regular file",
		    ep->ep_path);
		return -1;
	}
	return privileges_check_access(sc, "exec", ep->ep_path, X_OK, err,
	    errlen);
}

static void
exec_release(struct svc_conf *sc)
{
	free(sc->sc_data);
	sc->sc_data = NULL;
}

static int
exec_check(struct svc_conf *sc, const struct config *cf, char *err,
    size_t errlen)
{
	struct exec_prog *ep;

	(void)cf;
	if (sc->sc_exec_argv == NULL) {
		/* The loader has reported it. */
		snprintf(err, errlen, "no exec");
		return -1;
	}
	if ((ep = calloc(1, sizeof(*ep))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	sc->sc_data = ep;
	if (exec_check_program(sc, ep, err, errlen) == -1) {
		exec_release(sc);
		return -1;
	}
	return 0;
}

/*
 * Put fd on 0 and 1, close the rest but 2, and execute the program with
 * envp (the client's variables, or none) completed by PATH and env.
 * Returns only on failure, with the exit status for the child.
 */
static int
exec_run(const struct svc_conf *sc, int fd, char *const *vars)
{
	const struct exec_prog *ep = sc->sc_data;
	static char path[] = "PATH=" PROGRAM_PATH;
	char *envp[EXEC_ENV_SLOTS];
	size_t n = 0, i;
	int own_path = 0;

	for (i = 0; i < sc->sc_nenv; i++)
		own_path |= strncmp(sc->sc_env[i], "PATH=", 5) == 0;
	if (!own_path)
		envp[n++] = path;
	for (i = 0; vars != NULL && vars[i] != NULL; i++)
		envp[n++] = vars[i];
	for (i = 0; i < sc->sc_nenv; i++)
		envp[n++] = sc->sc_env[i];
	envp[n] = NULL;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1) {
		log_warn("%s: dup2", sc->sc_name);
		return 1;
	}
	/* Before the fds go: the syslog socket is reopened if we log. */
	log_child_init();
	if (close_range(STDERR_FILENO + 1, ~0U, 0) == -1 ||
	    program_signals() == -1) {
		log_warn("%s: preparing to run %s", sc->sc_name,
		    ep->ep_argv[0]);
		return 1;
	}
	execve(ep->ep_path, ep->ep_argv, envp);
	log_warn("%s: exec %s", sc->sc_name, ep->ep_argv[0]);
	return 127;
}

static int
exec_stream(int fd, const struct svc_client *cl)
{
	struct ucspi_env ue;

	if (ucspi_env(&ue, cl, fd) == -1) {
		log_warn("%s: the client's variables", cl->cl_svc->sc_name);
		return 1;
	}
	return exec_run(cl->cl_svc, fd, ue.ue_vars);
}

/*
 * The listening socket is the parent's too (one open file): it is made
 * blocking for the program, as inetd passes it, and non-blocking again
 * by the parent before it watches the socket again.
 */
static int
exec_wait(int fd, const struct svc_conf *sc)
{
	if (fd_set_blocking(fd) == -1) {
		log_warn("%s: making the socket blocking", sc->sc_name);
		return 1;
	}
	return exec_run(sc, fd, NULL);
}

const struct service svc_exec = {
	.sv_type = "exec",
	.sv_stream = exec_stream,
	.sv_wait = exec_wait,
	.sv_props = SV_FORK | SV_DATAGRAM | SV_NO_IDLE,
	.sv_check = exec_check,
	.sv_release = exec_release,
};
