/*
 * Listening sockets.  Like anet.c, these helpers never log and never
 * exit: they return -1 and leave a message naming the address and the
 * failed call in the caller's buffer.
 */
#ifndef SPAWND_NET_LISTEN_H
#define SPAWND_NET_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

#include "net/addr.h"

/*
 * Open, bind and (for SOCK_STREAM) listen on la.  The socket is
 * non-blocking and close-on-exec.  For a port alone, one IPv6 socket
 * accepts both families (IPV6_V6ONLY off); without IPv6 support it falls
 * back to IPv4.  For a Unix path: a socket file nobody listens on is
 * replaced, a live socket or any other file is an error and is left
 * untouched, and the file gets mode unix_mode.  Returns the fd, or -1
 * with errno set and a message in err.
 */
int listen_open(const struct listen_addr *la, int socktype, mode_t unix_mode,
    char *err, size_t errlen);

/*
 * Remove the socket file of a Unix address we created (at shutdown);
 * a no-op for other families.  Returns 0 or -1 with errno.
 */
int listen_unlink(const struct listen_addr *la);

#endif
