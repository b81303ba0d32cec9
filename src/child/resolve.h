/*
 * Reverse DNS for the children, bounded in time and forward-confirmed.
 */
#ifndef SPAWND_CHILD_RESOLVE_H
#define SPAWND_CHILD_RESOLVE_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Put the host name of peer into name (size namelen) if reverse DNS
 * answers within timeout seconds, the name resolves back to the same
 * address and it is made only of [A-Za-z0-9.-].  Returns 0 on success,
 * -1 otherwise (name untouched).  Meant for children: a resolver that
 * hangs costs a thread that is left behind, which the child's exit
 * reclaims.  Call it at most once per process.
 */
int resolve_name(const struct sockaddr *peer, socklen_t peerlen,
    unsigned timeout, char *name, size_t namelen);

#endif
