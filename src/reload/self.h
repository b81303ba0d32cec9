/*
 * Everything a reload needs to re-execute us as we were started: the
 * binary's absolute path, argv, the start directory (relative paths in
 * the configuration and on the command line are joined to it), -c and
 * -p, and what the previous image handed over, if we are a reload's.
 */
#ifndef SPAWND_RELOAD_SELF_H
#define SPAWND_RELOAD_SELF_H

#include <limits.h>
#include <stddef.h>

#include "handover/handover.h"

struct self {
	char		 se_path[PATH_MAX];	/* absolute path of the binary */
	char		 se_startdir[PATH_MAX];	/* cwd at the first start */
	char		**se_argv;
	const char	*se_config;	/* -c FILE; NULL: default or built-in */
	const char	*se_pidfile;	/* -p FILE; NULL: the configuration's */
	int		 se_reexec;	/* we are a reload's new image */
	struct handover	 se_handover;	/* what the old image passed on */
};

/*
 * Fill se: read the hand-over (or systemd's sockets), the start
 * directory and our own binary.  Returns 0, or the sysexits status to
 * exit with and why in err (then call self_release).
 */
int self_init(struct self *se, char **argv, const char *config,
    const char *pidfile, char *err, size_t errlen);

/*
 * A reload's new image that cannot go on: what the old one passed is
 * ours to clean up (the pidfile and the sockets), or a stale pidfile
 * and socket files stay behind.  Safe when nothing was passed.
 */
void self_release(struct self *se);

/*
 * The pidfile path: -p's if given, else the configuration's (pidfile),
 * joined to the start directory, into out.  Returns 0 or -1 if too long.
 */
int self_pidfile(const struct self *se, const char *pidfile, char *out,
    size_t outlen);

#endif
