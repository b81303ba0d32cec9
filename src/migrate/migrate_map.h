/*
 * One xinetd service to a spawnd service section: what kind of service
 * it is (an INTERNAL one spawnd has a type for, or a program), the
 * socket it listens on, the program line; the other attributes go to
 * migrate_opts.c.  Names are looked up here: the port in /etc/services
 * (getservbyname), the user's own group in the password database.
 */
#ifndef SPAWND_MIGRATE_MIGRATE_MAP_H
#define SPAWND_MIGRATE_MIGRATE_MAP_H

#include "migrate/migrate_section.h"
#include "migrate/xinetd_read.h"

/*
 * Convert service xv of xc into ms (zeroed here; freed by the caller
 * with msection_free).  A service spawnd cannot serve at all is
 * ms_converted 0 with its one note.  0, or -1 when out of memory.
 */
int migrate_map(struct msection *ms, const struct xconf *xc,
    const struct xservice *xv);

#endif
