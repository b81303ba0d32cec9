/*
 * An xinetd configuration as a whole: the file named, and the files its
 * "include" and "includedir" lines bring in, as xinetd reads them; the
 * one "defaults" section and every service, in the order xinetd meets
 * them.
 */
#ifndef SPAWND_MIGRATE_XINETD_READ_H
#define SPAWND_MIGRATE_XINETD_READ_H

#include <stddef.h>

#include "migrate/xinetd_parse.h"

/* The largest file read, as spawnd.conf's. */
#define XREAD_MAX_SIZE	(1024 * 1024)

/* A service and the file it is in. */
struct xservice {
	const struct xentry	*xv_entry;
	const char		*xv_file;
};

struct xconf {
	struct xsource		*xc_sources;	/* every file read */
	size_t			 xc_nsources;
	const struct xentry	*xc_defaults;	/* NULL without one */
	const char		*xc_defaults_file;
	struct xservice		*xc_services;
	size_t			 xc_nservices;
};

/* How reading went: the exit status it calls for is the caller's. */
enum xread_status {
	XREAD_OK,
	XREAD_MISSING,		/* a file or directory cannot be read */
	XREAD_BAD,		/* a syntax error, or includes in a loop */
};

/*
 * Read path and what it includes into xc (zeroed by the caller before
 * the first call, freed with xconf_free in every case).  The error, in err, names the file
 * and line.  Several calls add up: each path's services follow the
 * last's.
 */
enum xread_status xconf_read(struct xconf *xc, const char *path, char *err,
    size_t errlen);

void xconf_free(struct xconf *xc);

#endif
