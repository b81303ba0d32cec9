/*
 * Who a client is, as far as its address tells: the text of the
 * address, the key that makes two connections "the same source", the
 * connection line every served client gets in the log, and the line of
 * one turned away.
 */
#ifndef SPAWND_NET_PEER_H
#define SPAWND_NET_PEER_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/refusal.h"

/*
 * Format a peer address numerically ("127.0.0.1", "::1"; v4-mapped
 * addresses as IPv4) into buf and return its port (0 for AF_UNIX).
 */
unsigned peer_format(const struct sockaddr *sa, socklen_t salen,
    char *buf, size_t buflen);

/* The same, as a log line names a client: "local" for a Unix one. */
unsigned peer_text(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t buflen);

/*
 * Are a and b "the same source" for per_source?  Their addresses are
 * equal (the port does not matter; an IPv4 client counts once whether
 * seen natively or v4-mapped); every Unix client is one local source.
 */
int peer_same_source(const struct sockaddr *a, const struct sockaddr *b);

/* Present an IPv4 client seen on a dual-stack socket as plain IPv4. */
void peer_unmap(struct sockaddr_storage *peer, socklen_t *peerlen);

/*
 * The "connection from ..." line (spawnd(8), "LOG MESSAGES"), logged by
 * whoever serves the client: the child, with name its confirmed host name, or
 * the parent for an inline answer (name NULL: the numeric address).  A
 * Unix client is named by the credentials of its socket fd.  via: the
 * address of the proxy the client came through, and id the UNIQUE_ID
 * its header gave; "" (or NULL) for none.
 */
void peer_log_connection(const char *service, int fd,
    const struct sockaddr *peer, socklen_t peerlen, const char *name,
    const char *via, const char *id);

/*
 * The "refused ADDR on SERVICE: REASON" line (spawnd(8), "LOG MESSAGES"),
 * with detail in parentheses after the reason's word unless it is NULL.
 * Logged by whoever refused the client -- the parent, or a proxied
 * service's child that decided alone; warn: as a warning (a limit that
 * could not be checked), else as information.
 */
void peer_log_refusal(const char *service, const struct sockaddr *peer,
    socklen_t peerlen, enum refusal reason, const char *detail, int warn);

#endif
