/*
 * Admission: may this client be served now?  Access lists first (cheap,
 * and they never need a byte from the client), then the counts of live
 * children, then the per-second rate.  Pure: the verdict only reads the
 * parent's state; the caller counts an admitted client (rate_take) and
 * decides what to do at a limit.
 */
#ifndef SPAWND_PARENT_ADMISSION_H
#define SPAWND_PARENT_ADMISSION_H

#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

struct child;
struct server;

/* How much of a per-second rate this second has used. */
struct rate_window {
	time_t			 rw_second;	/* the second rw_used counts */
	unsigned		 rw_used;
};

/* A verdict; every refusal has the word logged with "refused". */
enum admit {
	ADMIT_OK,
	ADMIT_ACL,		/* "acl": allow/deny */
	ADMIT_MAX_CHILDREN,	/* "max_children": all services together */
	ADMIT_MAX_INSTANCES,	/* "max_instances": this service */
	ADMIT_PER_SOURCE,	/* "per_source": this client's address */
	ADMIT_RATE,		/* "rate" (or datagram_rate): this second */
	ADMIT_PROXY_FROM,	/* "proxy (...)": not one of proxy_from */
};

/*
 * A new stream client of service svc from peer, at second now.  forks:
 * it would get a child (an inline answer counts against no child limit).
 */
enum admit admit_stream(const struct server *srv, size_t svc,
    const struct sockaddr *peer, int forks, time_t now);

/*
 * The real client of the proxied connection that child ch serves, as
 * its PROXY header names it: allow/deny, then per_source among the
 * service's other children.
 */
enum admit admit_proxied(const struct server *srv, const struct child *ch,
    const struct sockaddr *client);

/*
 * A datagram for service svc from peer: its allow/deny and its
 * datagram_rate, counted apart from the connections' rate so that a
 * flood of datagrams starves no stream client.
 */
enum admit admit_datagram(const struct server *srv, size_t svc,
    const struct sockaddr *peer, time_t now);

/*
 * A wait service svc would start a child at second now: max_children,
 * then its rate (starts a second).
 */
enum admit admit_wait(const struct server *srv, size_t svc, time_t now);

/* The word logged for a refusal ("acl", "per_source", ...). */
const char *admit_reason(enum admit verdict);

/* Is verdict a limit on live children, which reaping may lift? */
int admit_children_limit(enum admit verdict);

/* Count one admitted client or datagram in rw at second now. */
void rate_take(struct rate_window *rw, time_t now);

#endif
