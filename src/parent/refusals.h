/*
 * The "refused ADDR on SERVICE: REASON" lines, at most
 * REFUSALS_LOGGED_PER_SECOND a second per service: one client hammering
 * a full service would otherwise write thousands of lines a second.
 * The others are counted, exactly, and summed up in one line once their
 * second is over.
 */
#ifndef SPAWND_PARENT_REFUSALS_H
#define SPAWND_PARENT_REFUSALS_H

#include <stddef.h>
#include <sys/socket.h>

#include "base/refusal.h"

struct server;

#define REFUSALS_LOGGED_PER_SECOND	10

/*
 * Count the refusal of peer by service svc for reason, and log it (or
 * count it among the unlogged): "refused ADDR on SERVICE: REASON", with
 * " (DETAIL)" after the reason's word unless detail is NULL.
 */
void refusal_log(struct server *srv, size_t svc, const struct sockaddr *peer,
    socklen_t peerlen, enum refusal reason, const char *detail);

/*
 * Log the "N more" line of each service whose refusals of an earlier
 * second (with all: of any second) went unlogged.  The loop calls it at
 * least once a second while srv_refusals_unlogged is set, a reload
 * before its exec.
 */
void refusal_log_unlogged(struct server *srv, int all);

#endif
