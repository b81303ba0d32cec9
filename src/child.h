/*
 * The child side of fork-per-client: everything between fork() and the
 * service handler's return.
 */
#ifndef SPAWND_CHILD_H
#define SPAWND_CHILD_H

#include <sys/socket.h>

struct server;
struct listener;

/*
 * In a freshly forked child: reset signals, close every inherited fd but
 * the client's, drop privileges, resolve the client's name, log the
 * connection and run the service's stream handler.  Never returns.
 */
void child_serve(const struct server *srv, const struct listener *li,
    int fd, const struct sockaddr_storage *peer, socklen_t peerlen)
    __attribute__((noreturn));

#endif
