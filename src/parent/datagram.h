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
 * The largest datagram read, and reply sent: RFC 865 caps a quote at 512
 * bytes, echo (RFC 862) sends back what came, as inetd does up to 8 KiB.
 */
#define DGRAM_MAX 8192

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
 * family but IPv4 and IPv6.  Such datagrams get no answer, and neither
 * do those from a port one of our own datagram services listens on.
 */
int dgram_bad_source(const struct sockaddr *sa);

/*
 * Which datagram waits first on fd, as a number that another one is
 * very unlikely to share (peeked, left in place); 0: none waits.
 */
uint64_t dgram_head(int fd);

#endif
