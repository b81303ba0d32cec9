/*
 * The attributes of an xinetd service beyond its kind, socket and
 * program, each mapped to spawnd options where the meaning matches, or
 * noted "not converted" with the reason: user, group, limits, access
 * lists, environment, logging, resource limits, and what spawnd does
 * not have.
 */
#ifndef SPAWND_MIGRATE_MIGRATE_OPTS_H
#define SPAWND_MIGRATE_MIGRATE_OPTS_H

#include "migrate/migrate_attrs.h"
#include "migrate/migrate_section.h"

/* What migrate_map.c settled, that the options depend on. */
struct mcore {
	int	mc_exec;	/* a program, else an internal type */
	int	mc_wait;	/* wait = yes (a program's) */
};

/* Whether migrate_map.c has dealt with attribute name itself. */
int migrate_opts_core(const char *name);

/* Every attribute of mx that is not a core one, into ms. */
void migrate_opts(struct msection *ms, const struct mattrs *mx,
    const struct mcore *mc);

#endif
