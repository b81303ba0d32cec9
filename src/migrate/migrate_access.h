/*
 * A service's only_from and no_access as allow and deny: each value's
 * numeric blocks (migrate_acl.h); a host name is a note.  Where xinetd
 * lets the better match of the two lists decide, spawnd's deny always
 * wins (spawnd.conf(5), "Access lists").
 */
#ifndef SPAWND_MIGRATE_MIGRATE_ACCESS_H
#define SPAWND_MIGRATE_MIGRATE_ACCESS_H

#include "migrate/migrate_attrs.h"
#include "migrate/migrate_section.h"

/* The lists of mx into ms; a wait service's are notes (no clients seen). */
void migrate_access(struct msection *ms, const struct mattrs *mx, int wait);

#endif
