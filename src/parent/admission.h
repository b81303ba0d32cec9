/*
 * Admission: may this client be served now?  Access lists first (cheap,
 * and they never need a byte from the client), then the counts of live
 * children, then the per-second rate.  Pure: the verdict only reads the
 * parent's state; the caller counts an admitted client (rate_take) and
 * decides what to do at a limit.  A verdict is REFUSAL_NONE (admitted)
 * or the reason of the refusal.
 */
#ifndef SPAWND_PARENT_ADMISSION_H
#define SPAWND_PARENT_ADMISSION_H

#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "base/rate.h"
#include "base/refusal.h"

struct child;
struct server;

/*
 * A new stream client of service svc from peer, at second now.  forks:
 * it would get a child (an inline answer counts against no child limit).
 */
enum refusal admit_stream(const struct server *srv, size_t svc,
    const struct sockaddr *peer, int forks, time_t now);

/*
 * The real client of the proxied connection that child ch serves, as
 * its PROXY header names it: allow/deny, then per_source among the
 * service's other children.
 */
enum refusal admit_proxied(const struct server *srv, const struct child *ch,
    const struct sockaddr *client);

/*
 * A datagram for service svc from peer: its allow/deny and its
 * datagram_rate, counted apart from the connections' rate so that a
 * flood of datagrams starves no stream client.
 */
enum refusal admit_datagram(const struct server *srv, size_t svc,
    const struct sockaddr *peer, time_t now);

/*
 * A wait service svc would start a child at second now: max_children,
 * then its rate (starts a second).
 */
enum refusal admit_wait(const struct server *srv, size_t svc, time_t now);

/*
 * What the log line adds to the word of a verdict of admit_stream
 * ("proxy (not in proxy_from)"); NULL: nothing.
 */
const char *admit_detail(enum refusal verdict);

/* Is verdict a limit on live children, which reaping may lift? */
int admit_children_limit(enum refusal verdict);

#endif
