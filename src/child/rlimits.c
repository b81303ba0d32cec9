/*
 * setrlimit(2) for the configured limits; 0 in the configuration means
 * "leave it as inherited".
 */
#include <sys/resource.h>

#include "child/rlimits.h"
#include "config/config.h"

static int
rlimits_set(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	return setrlimit(resource, &rl);
}

int
rlimits_apply(const struct svc_conf *sc, const char **what)
{
	/*
	 * SIGXCPU at the limit; SIGKILL a second later, should the
	 * program catch that.  Equal limits would send both at once.
	 */
	if (sc->sc_rlimit_cpu > 0 && rlimits_set(RLIMIT_CPU,
	    sc->sc_rlimit_cpu, (rlim_t)sc->sc_rlimit_cpu + 1) == -1) {
		*what = "setrlimit RLIMIT_CPU (rlimit_cpu)";
		return -1;
	}
	if (sc->sc_rlimit_as > 0 &&
	    rlimits_set(RLIMIT_AS, sc->sc_rlimit_as, sc->sc_rlimit_as) == -1) {
		*what = "setrlimit RLIMIT_AS (rlimit_as)";
		return -1;
	}
	if (sc->sc_rlimit_nofile > 0 && rlimits_set(RLIMIT_NOFILE,
	    sc->sc_rlimit_nofile, sc->sc_rlimit_nofile) == -1) {
		*what = "setrlimit RLIMIT_NOFILE (rlimit_nofile)";
		return -1;
	}
	return 0;
}
