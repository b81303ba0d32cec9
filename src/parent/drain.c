/*
 * Serving what waits on a listener: when it is readable, and when its
 * socket goes for good (a reload gives its address to another).
 */
#include <stdlib.h>
#include <sys/socket.h>

#include "base/log.h"
#include "config/config.h"
#include "net/addr.h"
#include "net/listen.h"
#include "parent/datagram.h"
#include "parent/drain.h"
#include "parent/server.h"
#include "parent/spawner.h"

void
drain_listener(struct server *srv, size_t i)
{
	struct listener *li = &srv->srv_listeners[i];

	if (srv->srv_conf->cf_services[li->li_svc].sc_wait)
		spawn_wait(srv, i);
	else if (li->li_socktype == SOCK_STREAM)
		(void)spawn_accept(srv, li);
	else
		(void)dgram_answer(srv, li);
}

/* Clients of a listener given up that are taken along: its backlog. */
#define DRAIN_TAKE_MAX	SOMAXCONN
/* Rounds of taking and serving while fds are short (each frees some). */
#define DRAIN_TAKE_ROUNDS	64
/* Bursts of datagrams answered before a datagram socket goes. */
#define DRAIN_DGRAM_BURSTS	16

/*
 * A stream queue is taken (accepted, not served yet, so that served
 * clients cannot queue on it again) before fd is retired, and served
 * after; short of fds, what could be taken is served first to free
 * theirs, a few rounds.
 */
void
drain_retire(struct server *srv, const struct listener *li, int fd)
{
	struct listener from = *li;	/* li's service, fd's queue */
	struct spawn_taken *taken = NULL;
	size_t n = 0;
	int i, empty = 1;

	from.li_fd = fd;
	/* A wait service's clients are its program's. */
	if (srv->srv_conf->cf_services[li->li_svc].sc_wait)
		;
	else if (li->li_socktype == SOCK_DGRAM)
		for (i = 0; i < DRAIN_DGRAM_BURSTS &&
		    dgram_answer(srv, &from) == 0; i++)
			continue;
	else if ((taken = calloc(DRAIN_TAKE_MAX, sizeof(*taken))) != NULL)
		for (i = 0; i < DRAIN_TAKE_ROUNDS; i++) {
			n = spawn_take(&from, taken, DRAIN_TAKE_MAX, &empty);
			if (empty || n == 0 || i == DRAIN_TAKE_ROUNDS - 1)
				break;
			spawn_serve_taken(srv, li, taken, n);
			n = 0;
		}
	if (!empty || (taken == NULL && li->li_socktype == SOCK_STREAM &&
	    !srv->srv_conf->cf_services[li->li_svc].sc_wait))
		log_warnx("%s: clients still queued as its socket goes could "
		    "not all be taken (%s): the kernel resets them",
		    li->li_addr->la_text, taken == NULL ? "no memory" :
		    "no fd left");
	(void)listen_retire(fd, li->li_socktype);
	spawn_serve_taken(srv, li, taken, n);
	free(taken);
}
