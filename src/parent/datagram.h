/*
 * Datagram services, answered inline by the parent.
 */
#ifndef SPAWND_PARENT_DATAGRAM_H
#define SPAWND_PARENT_DATAGRAM_H

#include <stdint.h>
#include <sys/socket.h>

struct listener;
struct server;

/*
 * Answer every pending datagram on a datagram listener (a bounded
 * burst).  Returns 1 when none is left, 0 when the burst ended first,
 * -1 when recvfrom() failed (logged).
 */
int dgram_answer(struct server *srv, const struct listener *li);

/*
 * Nonzero if replying to source sa could start a loop between two
 * servers or make us a reflector: privileged ports (other servers'),
 * NFS's 2049, broadcast, multicast and unspecified addresses, any
 * family but IPv4 and IPv6.  Such datagrams get no answer.
 */
int dgram_bad_source(const struct sockaddr *sa);

/*
 * Which datagram waits first on fd, as a number that another one is
 * very unlikely to share (peeked, left in place); 0: none waits.
 */
uint64_t dgram_head(int fd);

#endif
