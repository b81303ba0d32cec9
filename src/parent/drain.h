/*
 * Serving what waits on a listener: when it is readable, and when its
 * socket goes for good.  The loop and a reload's address swap
 * (reload/prebind.h) both serve clients through here, never through
 * the accept path itself.
 */
#ifndef SPAWND_PARENT_DRAIN_H
#define SPAWND_PARENT_DRAIN_H

#include <stddef.h>

struct listener;
struct server;

/*
 * Listener i is readable: accept and serve (a stream), answer (a
 * datagram), or start the child that takes the socket (wait = true).
 */
void drain_listener(struct server *srv, size_t i);

/*
 * fd, a socket li's service listened on, goes for good: who waits on it
 * is served as li's (a wait service's clients are its program's), then
 * fd is closed.  Clients that cannot all be taken are logged.
 */
void drain_retire(struct server *srv, const struct listener *li, int fd);

#endif
