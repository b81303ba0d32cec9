/*
 * Opening the listeners of a configuration.  A socket handed over by a
 * reload (or passed by systemd) for the same address is adopted rather
 * than opened again, so that its queue of waiting clients carries over.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/fd.h"
#include "base/nofork.h"
#include "base/log.h"
#include "config/config.h"
#include "net/addr.h"
#include "net/listen.h"
#include "parent/listeners.h"
#include "parent/server.h"
#include "reload/inherited.h"

static int
listeners_open_one(struct server *srv, struct handover *ho, size_t svc,
    const struct listen_addr *la, int socktype, char *err, size_t errlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct listener *li = &srv->srv_listeners[srv->srv_nlisteners];
	int fd = -1, ours = 1;
	pid_t held = 0;

	if (ho != NULL)
		fd = inherited_take_listener(ho, socktype, la, sc, &ours,
		    &held);
	if (fd == -1) {
		ours = 1;
		fd = listen_open(la, socktype, sc->sc_socket_mode, err, errlen);
	}
	if (fd == -1)
		/* sysexits: a taken address is "unavailable", the rest an OS error. */
		return errno == EADDRINUSE || errno == EEXIST ? EX_UNAVAILABLE :
		    EX_OSERR;
	li->li_fd = fd;
	li->li_ours = ours;
	li->li_socktype = socktype;
	li->li_svc = svc;
	li->li_addr = la;
	li->li_held = held;
	srv->srv_held += held != 0;
	/* A wait child of the image before us still serves on it. */
	srv->srv_pollfds[srv->srv_nlisteners].fd = held != 0 ? -1 : fd;
	srv->srv_pollfds[srv->srv_nlisteners].events = POLLIN;
	srv->srv_nlisteners++;
	return 0;
}

int
listeners_open(struct server *srv, struct handover *ho, char *err,
    size_t errlen)
{
	const struct config *cf = srv->srv_conf;
	size_t total = conf_count_listeners(cf), i, j;
	int status;

	srv->srv_listeners = nofork_calloc(total, sizeof(struct listener));
	/*
	 * After the listeners, sig_fd, the refusals channel and room for the
	 * reports of proxied children.
	 */
	srv->srv_pollfds = nofork_calloc(total + 2 + srv->srv_reports_max,
	    sizeof(struct pollfd));
	if (srv->srv_listeners == NULL || srv->srv_pollfds == NULL) {
		snprintf(err, errlen, "allocating listeners: %s",
		    strerror(errno));
		return EX_OSERR;
	}
	for (i = 0; i < cf->cf_nservices; i++) {
		const struct svc_conf *sc = &cf->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		for (j = 0; j < sc->sc_nstream; j++)
			if ((status = listeners_open_one(srv, ho, i,
			    &sc->sc_stream[j], SOCK_STREAM, err, errlen)) != 0)
				return status;
		for (j = 0; j < sc->sc_ndgram; j++)
			if ((status = listeners_open_one(srv, ho, i,
			    &sc->sc_dgram[j], SOCK_DGRAM, err, errlen)) != 0)
				return status;
	}
	if (ho != NULL)
		inherited_close_unused(ho);
	return 0;
}

void
listeners_close(struct server *srv, int unlink_files)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		if (li->li_fd != -1 && close(li->li_fd) == -1)
			log_warn("%s: close", li->li_addr->la_text);
		/*
		 * systemd's socket files are systemd's to remove, and so are
		 * those of sockets it keeps in its fd store for the next us.
		 */
		if (unlink_files && li->li_ours && !li->li_stored &&
		    listen_unlink(li->li_addr) == -1)
			log_warn("%s: unlink", li->li_addr->la_text);
	}
	srv->srv_nlisteners = 0;
}

void
listeners_hold(struct server *srv, size_t i, pid_t pid)
{
	srv->srv_listeners[i].li_held = pid;
	srv->srv_pollfds[i].fd = -1;
	srv->srv_held++;
}

void
listeners_release(struct server *srv, pid_t pid, int status)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners && srv->srv_held > 0; i++) {
		struct listener *li = &srv->srv_listeners[i];

		if (li->li_held != pid)
			continue;
		li->li_held = 0;
		srv->srv_held--;
		if (li->li_fd == -1)
			continue;
		/* The child made the shared socket blocking for its program. */
		if (fd_set_nonblock(li->li_fd) == -1)
			log_warn("%s: making the socket non-blocking again",
			    li->li_addr->la_text);
		if (status != 0) {
			if (!li->li_told)
				log_warnx("%s: its wait child failed; "
				    "watching it again in a second",
				    li->li_addr->la_text);
			li->li_told = 1;
			listeners_pause(srv, i, LISTENER_CHILD_FAILED);
		} else {
			li->li_told = 0;	/* it worked: say it again */
			if (!li->li_paused)
				srv->srv_pollfds[i].fd = li->li_fd;
		}
	}
}

void
listeners_pause(struct server *srv, size_t i, int why)
{
	srv->srv_listeners[i].li_paused = why;
	srv->srv_pollfds[i].fd = -1;
	srv->srv_paused = time(NULL);
}

void
listeners_unpause(struct server *srv, int why)
{
	size_t i;
	int left = 0;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		struct listener *li = &srv->srv_listeners[i];

		if (li->li_paused == 0)
			continue;
		if (why != 0 && li->li_paused != why) {
			left = 1;
			continue;
		}
		li->li_paused = 0;
		if (li->li_held == 0)
			srv->srv_pollfds[i].fd = li->li_fd;
	}
	if (!left)
		srv->srv_paused = 0;
}
