/*
 * setgroups, setgid, setuid -- in that order, since each needs the
 * privilege the next one gives up -- then a check that it held.
 */
#include <errno.h>
#include <grp.h>
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
