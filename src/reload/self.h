/*
 * Everything a reload needs to re-execute us as we were started: the
 * binary's absolute path, argv, the start directory (relative paths in
 * the configuration and on the command line are joined to it), -c and
 * -p, and whether we are a reload's new image.  What the image before
 * us handed over is not ours: main() reads it (handover/handover.h).
 */
#ifndef SPAWND_RELOAD_SELF_H
#define SPAWND_RELOAD_SELF_H

#include <limits.h>
#include <stddef.h>

struct handover;

struct self {
	char		 se_path[PATH_MAX];	/* absolute path of the binary */
	char		 se_startdir[PATH_MAX];	/* cwd at the first start */
	char		**se_argv;
	const char	*se_config;	/* -c FILE; NULL: default or built-in */
	const char	*se_pidfile;	/* -p FILE; NULL: the configuration's */
	int		 se_reexec;	/* we are a reload's new image */
};

/*
 * Fill se: the start directory (the first start's, from the hand-over
 * ho of a reload's image) and our own binary.  Returns 0, or the
 * sysexits status to exit with and why in err.
 */
int self_init(struct self *se, const struct handover *ho, char **argv,
    const char *config, const char *pidfile, char *err, size_t errlen);

/*
 * The pidfile path: -p's if given, else the configuration's (pidfile),
 * joined to the start directory, into out.  Returns 0 or -1 if too long.
 */
int self_pidfile(const struct self *se, const char *pidfile, char *out,
    size_t outlen);

#endif
