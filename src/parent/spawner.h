/*
 * The spawner: what the parent does with each new connection.
 */
#ifndef SPAWND_PARENT_SPAWNER_H
#define SPAWND_PARENT_SPAWNER_H

#include <stddef.h>

struct listener;
struct server;

/*
 * Accept every pending connection on a stream listener (a bounded
 * burst), and for each: admission, then an inline answer or a forked
 * child.  The parent closes its copy of every client socket.
 */
void spawn_accept(struct server *srv, const struct listener *li);

/*
 * Listener i of a wait service is readable: fork one child that takes
 * the listening socket itself (wait = true).
 */
void spawn_wait(struct server *srv, size_t i);

#endif
