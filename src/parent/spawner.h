/*
 * The spawner: what the parent does with each new connection.
 */
#ifndef SPAWND_PARENT_SPAWNER_H
#define SPAWND_PARENT_SPAWNER_H

#include <stddef.h>
#include <sys/socket.h>

struct listener;
struct server;

/*
 * Accept every pending connection on a stream listener (a bounded
 * burst), and for each: admission, then an inline answer or a forked
 * child.  The parent closes its copy of every client socket.  Returns
 * 1 when the queue is empty, 0 when the burst ended first, -1 when
 * accept() failed for want of fds or memory and the listener now
 * rests (a pause that grows while the failures go on, logged once).
 */
int spawn_accept(struct server *srv, struct listener *li);

/* A connection accepted and not served yet. */
struct spawn_taken {
	int			 st_fd;
	socklen_t		 st_peerlen;
	struct sockaddr_storage	 st_peer;
};

/*
 * Accept what waits on stream listener li, max at most, and serve none
 * of it yet: a listener about to be closed is emptied in microseconds,
 * before its clients, served, can queue up on it again.  Returns how
 * many are in taken[]; *empty says whether the queue is empty now (not:
 * max reached, or no fd left for the next).
 */
size_t spawn_take(const struct listener *li, struct spawn_taken *taken,
    size_t max, int *empty);

/* Serve what spawn_take() took from li, as spawn_accept() would. */
void spawn_serve_taken(struct server *srv, const struct listener *li,
    const struct spawn_taken *taken, size_t n);

/*
 * Listener i of a wait service is readable: fork one child that takes
 * the listening socket itself (wait = true).
 */
void spawn_wait(struct server *srv, size_t i);

#endif
