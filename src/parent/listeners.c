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
#include "base/log.h"
#include "base/netio.h"
#include "base/nofork.h"
#include "config/config.h"
#include "handover/inherited.h"
#include "net/addr.h"
#include "net/listen.h"
#include "parent/bindfail.h"
#include "parent/datagram.h"
#include "parent/listeners.h"
#include "parent/loop.h"
#include "parent/server.h"
#include "systemd/fdstore.h"
#include "systemd/notify.h"

static int
listeners_open_one(struct server *srv, struct handover *ho, size_t svc,
    const struct listen_addr *la, int socktype, char *err, size_t errlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct listener *li = &srv->srv_listeners[srv->srv_nlisteners];
	struct pollfd *pfd;
	int fd = -1, ours = 1;
	pid_t held = 0;

	if (ho != NULL)
		fd = inherited_take_listener(ho, socktype, la, sc, &ours,
		    &held);
	if (fd == -1) {
		ours = 1;
		fd = listen_open(la, socktype, sc->sc_socket_mode, err, errlen);
	}
	if (fd == -1 && listen_no_ipv6(la, errno)) {
		log_warnx("%s: %s (IPv6 is off on this host: not served)",
		    sc->sc_name, err);
		return 0;
	}
	if (fd == -1 && sc->sc_inetd_line != 0) {
		/* Other programs write inetd.conf: that line only goes. */
		log_warnx("%s:%u: %s (line skipped)", sc->sc_file,
		    sc->sc_inetd_line, err);
		return 0;
	}
	if (fd == -1) {
		bindfail_explain(srv->srv_conf, sc, la, errno, err, errlen);
		/* sysexits: a taken address is "unavailable", the rest an OS error. */
		return errno == EADDRINUSE || errno == EEXIST ? EX_UNAVAILABLE :
		    EX_OSERR;
	}
	li->li_fd = fd;
	li->li_ours = ours;
	li->li_socktype = socktype;
	li->li_svc = svc;
	li->li_addr = la;
	li->li_held = held;
	srv->srv_held += held != 0;
	/* A wait child of the image before us still serves on it. */
	pfd = loop_pfd_listener(srv, srv->srv_nlisteners);
	pfd->fd = held != 0 ? -1 : fd;
	pfd->events = POLLIN;
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
	srv->srv_pollfds = nofork_calloc(loop_pfd_room(total,
	    srv->srv_reports_max), sizeof(struct pollfd));
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
	srv->srv_listeners[i].li_held_ms = netio_now_ms();
	loop_pfd_listener(srv, i)->fd = -1;
	srv->srv_held++;
}

/*
 * A wait child left its socket as it found it: the datagram it was
 * started for is still first in line, or (stream) a connection waits
 * and the child lived under a second, too short to have served one.
 */
static int
listeners_untaken(const struct listener *li)
{
	struct pollfd pfd = { .fd = li->li_fd, .events = POLLIN };

	if (li->li_socktype == SOCK_DGRAM)
		return li->li_head != 0 && dgram_head(li->li_fd) == li->li_head;
	return netio_now_ms() - li->li_held_ms < 1000 &&
	    poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Slowest pace of a wait service whose children take nothing. */
#define LISTENER_UNTAKEN_FIRST_MS	1000
#define LISTENER_UNTAKEN_MAX_MS		60000

static void
listeners_release_one(struct server *srv, size_t i, pid_t pid, int status)
{
	struct listener *li = &srv->srv_listeners[i];
	const char *name = srv->srv_conf->cf_services[li->li_svc].sc_name;
	unsigned ms;

	/* The child made the shared socket blocking for its program. */
	if (fd_set_nonblock(li->li_fd) == -1)
		log_warn("%s: making the socket non-blocking again",
		    li->li_addr->la_text);
	if (status == 0 && !listeners_untaken(li)) {
		li->li_backoff_ms = 0;	/* it worked: a new series */
		li->li_pauses = 0;
		li->li_told_ms = 0;
		if (!li->li_paused)
			loop_pfd_listener(srv, i)->fd = li->li_fd;
		return;
	}
	/*
	 * One that dies without taking what waits (its program missing,
	 * /bin/true) would otherwise be forked again and again: inetd's
	 * loop guard, as a pause that doubles while it lasts.
	 */
	ms = listeners_backoff(li, LISTENER_UNTAKEN_FIRST_MS,
	    LISTENER_UNTAKEN_MAX_MS);
	if (li->li_pauses == 1)
		log_warnx("%s: its wait child %ld %s; watching %s again in "
		    "%u s, later each time this goes on", name, (long)pid,
		    status != 0 ? "failed" : li->li_socktype == SOCK_DGRAM ?
		    "left its datagram unread" :
		    "exited at once, leaving its connection", li->li_addr->la_text,
		    ms / 1000);
	listeners_pause(srv, i, LISTENER_UNTAKEN, ms);
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
		if (li->li_fd != -1)
			listeners_release_one(srv, i, pid, status);
	}
}

unsigned
listeners_backoff(struct listener *li, unsigned first_ms, unsigned max_ms)
{
	if (li->li_backoff_ms == 0)
		li->li_backoff_ms = first_ms;
	else if (li->li_backoff_ms < max_ms / 2)
		li->li_backoff_ms *= 2;
	else
		li->li_backoff_ms = max_ms;
	li->li_pauses++;
	return li->li_backoff_ms;
}

void
listeners_pause(struct server *srv, size_t i, int why, unsigned ms)
{
	struct listener *li = &srv->srv_listeners[i];

	li->li_paused = why;
	li->li_resume_ms = netio_now_ms() + ms;
	loop_pfd_listener(srv, i)->fd = -1;
	if (srv->srv_resume_ms == 0 || li->li_resume_ms < srv->srv_resume_ms)
		srv->srv_resume_ms = li->li_resume_ms;
}

void
listeners_unpause(struct server *srv, int why)
{
	int64_t now = netio_now_ms(), next = 0;
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		struct listener *li = &srv->srv_listeners[i];

		if (li->li_paused == 0)
			continue;
		if (why != 0 ? li->li_paused != why : li->li_resume_ms > now) {
			if (next == 0 || li->li_resume_ms < next)
				next = li->li_resume_ms;
			continue;
		}
		li->li_paused = 0;
		if (li->li_held == 0)
			loop_pfd_listener(srv, i)->fd = li->li_fd;
	}
	srv->srv_resume_ms = next;
}

/* Service svc's listeners into systemd's fd store, if the unit keeps one. */
static void
listeners_store_service(struct server *srv, size_t svc)
{
	int fds[NOTIFY_FDS_MAX];
	size_t which[NOTIFY_FDS_MAX];
	size_t i, n = 0;

	for (i = 0; i < srv->srv_nlisteners && n < NOTIFY_FDS_MAX; i++)
		if (srv->srv_listeners[i].li_svc == svc &&
		    srv->srv_listeners[i].li_fd != -1) {
			which[n] = i;
			fds[n++] = srv->srv_listeners[i].li_fd;
		}
	if (n == 0 ||
	    fdstore_keep(srv->srv_conf->cf_services[svc].sc_name, fds, n) != 1)
		return;
	for (i = 0; i < n; i++)
		srv->srv_listeners[which[i]].li_stored = 1;
}

void
listeners_store(struct server *srv)
{
	size_t i;

	if (!notify_fdstore())
		return;
	for (i = 0; i < srv->srv_conf->cf_nservices; i++)
		if (srv->srv_conf->cf_services[i].sc_enabled)
			listeners_store_service(srv, i);
}
