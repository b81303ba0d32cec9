/*
 * Explaining a failed bind (see bindfail.h).  Only on the way to an
 * error: nothing here is on a hot path, and reading /proc is fine.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/pidfile.h"
#include "net/addr.h"
#include "parent/bindfail.h"

/* The line la is written on in sc's section (the section's if unknown). */
static unsigned
bindfail_line(const struct svc_conf *sc, const struct listen_addr *la)
{
	size_t k;

	for (k = 0; k < sc->sc_nstream && sc->sc_stream_line != NULL; k++)
		if (&sc->sc_stream[k] == la)
			return sc->sc_stream_line[k];
	for (k = 0; k < sc->sc_ndgram && sc->sc_dgram_line != NULL; k++)
		if (&sc->sc_dgram[k] == la)
			return sc->sc_dgram_line[k];
	return sc->sc_line;
}

/* The first port anyone may bind: net.ipv4.ip_unprivileged_port_start. */
static unsigned
bindfail_unprivileged(void)
{
	unsigned port = 1024;
	FILE *fp;

	if ((fp = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start",
	    "re")) == NULL)
		return port;
	if (fscanf(fp, "%u", &port) != 1)
		port = 1024;
	fclose(fp);
	return port;
}

/*
 * A spawnd that holds one of the pidfiles a spawnd of this configuration
 * could have: the configuration's (-p aside), the packaged unit's, the
 * compiled-in default.  Into hint, or nothing.
 */
static void
bindfail_running(const struct config *cf, char *hint, size_t size)
{
	const char *paths[] = { cf->cf_pidfile, RUNSTATEDIR "/spawnd/spawnd.pid",
	    RUNSTATEDIR "/spawnd.pid" };
	size_t i, j;
	pid_t pid;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (paths[i] == NULL)
			continue;
		for (j = 0; j < i && (paths[j] == NULL ||
		    strcmp(paths[j], paths[i]) != 0); j++)
			continue;
		if (j < i)
			continue;	/* asked already */
		pid = pidfile_locked_by(paths[i]);
		if (pid > 0 && pid != getpid()) {
			snprintf(hint, size, " (spawnd is already running as "
			    "PID %ld, pidfile %s)", (long)pid, paths[i]);
			return;
		}
	}
}

void
bindfail_explain(const struct config *cf, const struct svc_conf *sc,
    const struct listen_addr *la, int error, char *err, size_t errlen)
{
	char was[PATH_MAX + 256], hint[PATH_MAX + 64] = "";
	unsigned unprivileged;

	snprintf(was, sizeof(was), "%s", err);
	if (error == EACCES && la->la_family != AF_UNIX && la->la_port > 0 &&
	    la->la_port < (unprivileged = bindfail_unprivileged()))
		snprintf(hint, sizeof(hint), " (ports below %u need root or "
		    "CAP_NET_BIND_SERVICE)", unprivileged);
	else if (error == EADDRINUSE)
		bindfail_running(cf, hint, sizeof(hint));
	snprintf(err, errlen, "%s:%u: service \"%s\": %s%s", sc->sc_file,
	    bindfail_line(sc, la), sc->sc_name, was, hint);
	errno = error;
}
