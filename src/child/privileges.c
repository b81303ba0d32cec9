/*
 * setgroups, setgid, setuid -- in that order, since each needs the
 * privilege the next one gives up -- then a check that it held.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child/privileges.h"
#include "config/config.h"

int
privileges_drop(const struct svc_conf *sc, const char **what)
{
	if (geteuid() != 0)
		return 0;	/* nothing to drop: we run as who started us */
	if (setgroups((size_t)sc->sc_ngroups, sc->sc_groups) == -1) {
		*what = "setgroups";
		return -1;
	}
	if (setgid(sc->sc_gid) == -1) {
		*what = "setgid";
		return -1;
	}
	if (setuid(sc->sc_uid) == -1) {
		*what = "setuid";
		return -1;
	}
	/* If root can be regained, the drop did not happen. */
	if (sc->sc_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		*what = "could regain root after setuid";
		errno = 0;
		return -1;
	}
	return 0;
}

/*
 * Children open the fortune file and run the command after dropping
 * privileges, so a file only root can read would pass a check made as
 * root and then fail every client.  When that drop will happen, try
 * access(2) as the service's user, in a throwaway child.  Returns 0,
 * or -1 with a message (a child that cannot even switch users proves
 * nothing: the core refuses to serve then anyway).
 */
int
privileges_check_access(const struct svc_conf *sc, const char *what,
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
