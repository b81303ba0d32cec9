/*
 * The child side of fork-per-client: everything between fork() and the
 * service handler's return.
 */
#ifndef SPAWND_CHILD_CHILD_H
#define SPAWND_CHILD_CHILD_H

#include <sys/socket.h>

struct config;
struct svc_conf;

/*
 * In a freshly forked child: reset signals, close every inherited fd but
 * the client's (fd), drop privileges, read a PROXY header if the service
 * wants one (report_pair: with per_source, this child's end of its pair
 * with the parent; refusals_wr: without, the refusals channel; -1 for
 * neither, and never both), resolve the client's name, log the
 * connection and serve it -- with the service's stream handler, or with
 * its inline reply when it has no handler of its own.  Never returns.
 */
void child_serve(const struct config *cf, const struct svc_conf *sc, int fd,
    int report_pair, int refusals_wr, const struct sockaddr_storage *peer,
    socklen_t peerlen) __attribute__((noreturn));

/*
 * The same for a wait service (wait = true): its listening socket
 * listen_fd instead of a client, no client to identify or log, then the
 * service's sv_wait.  Never returns.
 */
void child_serve_wait(const struct svc_conf *sc, int listen_fd)
    __attribute__((noreturn));

/*
 * The same for the writer of a listen_fifo service: fifo_fd (an O_PATH
 * descriptor of the FIFO) instead of a client, then the service's
 * sv_fifo.  Never returns.
 */
void child_serve_fifo(const struct svc_conf *sc, int fifo_fd)
    __attribute__((noreturn));

#endif
