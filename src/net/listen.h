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
 * Open la beside fd, a listener of ours on an overlapping IP address
 * ("127.0.0.1:80" beside "80", or the other way round), while fd still
 * listens: for that moment both carry SO_REUSEPORT.  Call listen_settle()
 * on the new socket once fd is retired.  As listen_open() otherwise.
 */
int listen_open_beside(const struct listen_addr *la, int socktype, int beside,
    char *err, size_t errlen);

/* The address is the new socket's alone: SO_REUSEPORT off again. */
void listen_settle(int fd);

/*
 * Close a listening socket for good, now: a stream socket stops
 * listening (its queue is reset) even while a child forked a moment
 * ago still holds a copy, so that an overlapping address can be bound
 * at once.  Returns 0 or -1 with errno (of the close).
 */
int listen_retire(int fd, int socktype);

/*
 * Remove the socket file of a Unix address we created (at shutdown);
 * a no-op for other families.  Returns 0 or -1 with errno.
 */
int listen_unlink(const struct listen_addr *la);

/*
 * Is the directory of path (and every one above it) safe for root to
 * make a file in: root's, and writable by root only (or sticky, above
 * the last)?  Others could swap the file for a symlink otherwise.  0, or
 * -1 with a message in err (not root: always 0).
 */
int listen_dir_safe(const char *path, char *err, size_t errlen);

/*
 * Did opening la fail (errno err) only because this host has IPv6 off
 * (ipv6.disable=1: no IPv6 sockets at all; disable_ipv6 on lo: no ::1)?
 * The shipped configuration listens on [::1] too, and such a host must
 * still serve on 127.0.0.1.  An unassigned address other than ::1 is
 * the configuration's error, not this.
 */
int listen_no_ipv6(const struct listen_addr *la, int err);

#endif
