/*
 * User and group lookups (NSS) done in a short-lived child process.
 * Looking them up in the parent would map the NSS modules
 * (libnss_systemd, which pulls in libcap and libm) into it for good, and
 * every fork per client then copies those page tables too: measured, a
 * forked hello went from 0.70x to 0.84x the fork ceiling without them.
 * Like the other helpers, these never log and never exit.
 */
#ifndef SPAWND_CONFIG_IDLOOKUP_H
#define SPAWND_CONFIG_IDLOOKUP_H

#include <sys/types.h>

/* More supplementary groups than this are cut (NGROUPS_MAX is 65536). */
#define IDL_MAX_GROUPS 256

/*
 * Look up the id of user (group = 0) or group (group = 1) name.
 * Returns 1 with *id set, 0 if there is no such name, -1 with errno if
 * the lookup itself failed.
 */
int idl_name(int group, const char *name, unsigned long *id);

/*
 * The supplementary groups of user, with gid among them, as initgroups(3)
 * would set them, into groups (IDL_MAX_GROUPS entries).  Returns the
 * count, or -1 with errno.
 */
int idl_grouplist(const char *user, gid_t gid, gid_t *groups);

#endif
