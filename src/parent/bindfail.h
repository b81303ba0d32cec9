/*
 * A listener that could not be opened, at start or for a reload, said
 * so that the admin sees what to change (spawnd(8), "DIAGNOSTICS").
 */
#ifndef SPAWND_PARENT_BINDFAIL_H
#define SPAWND_PARENT_BINDFAIL_H

#include <stddef.h>

#include "config/config.h"

/*
 * err holds listen_open()'s "ADDRESS: call: strerror" for la, one of
 * sc's addresses, which failed with error (an errno).  Rewrite it as
 * "FILE:LINE: service "NAME": ADDRESS: call: strerror", LINE the one
 * la is written on, with the fix where there is an obvious one: a port
 * below the unprivileged range needs root or CAP_NET_BIND_SERVICE; an
 * address in use while a spawnd holds cf's pidfile or the unit's is
 * that spawnd.  Keeps errno.
 */
void bindfail_explain(const struct config *cf, const struct svc_conf *sc,
    const struct listen_addr *la, int error, char *err, size_t errlen);

#endif
