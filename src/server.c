/*
 * ---- parent: the event loop.
 *
 * Signals stay blocked except inside ppoll(), so a signal either arrives
 * before ppoll() (and makes it return at once) or wakes it: the flags
 * are then handled at the top of the loop, at one known point.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "handover.h"
#include "listen.h"
#include "log.h"
#include "server.h"
#include "service.h"
#include "sig.h"

int
server_init(struct server *srv, struct config *cf, const sigset_t *wait_mask)
{
	memset(srv, 0, sizeof(*srv));
	srv->srv_check.rc_out = srv->srv_check.rc_err = -1;
	srv->srv_conf = cf;
	srv->srv_nslots = cf->cf_max_children;
	srv->srv_children = calloc(srv->srv_nslots, sizeof(struct child));
	srv->srv_counts = calloc(cf->cf_nservices ? cf->cf_nservices : 1,
	    sizeof(struct svc_count));
	if (srv->srv_children == NULL || srv->srv_counts == NULL) {
		server_free(srv);
		return -1;
	}
	srv->srv_wait_mask = *wait_mask;
	return 0;
}

/* How many sockets the enabled services ask for. */
static size_t
server_count_addresses(const struct config *cf)
{
	size_t i, n = 0;

	for (i = 0; i < cf->cf_nservices; i++)
		if (cf->cf_services[i].sc_enabled)
			n += cf->cf_services[i].sc_nstream +
			    cf->cf_services[i].sc_ndgram;
	return n;
}

static int
server_open_one(struct server *srv, struct handover *ho, size_t svc,
    const struct listen_addr *la, int socktype, char *err, size_t errlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct listener *li = &srv->srv_listeners[srv->srv_nlisteners];
	int fd = -1, ours = 1;

	if (ho != NULL)
		fd = handover_take_listener(ho, socktype, la, &ours);
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
	srv->srv_pollfds[srv->srv_nlisteners].fd = fd;
	srv->srv_pollfds[srv->srv_nlisteners].events = POLLIN;
	srv->srv_nlisteners++;
	return 0;
}

int
server_listen(struct server *srv, struct handover *ho, char *err,
    size_t errlen)
{
	const struct config *cf = srv->srv_conf;
	size_t total = server_count_addresses(cf), i, j;
	int status;

	srv->srv_listeners = calloc(total ? total : 1, sizeof(struct listener));
	srv->srv_pollfds = calloc(total ? total : 1, sizeof(struct pollfd));
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
			if ((status = server_open_one(srv, ho, i,
			    &sc->sc_stream[j], SOCK_STREAM, err, errlen)) != 0)
				return status;
		for (j = 0; j < sc->sc_ndgram; j++)
			if ((status = server_open_one(srv, ho, i,
			    &sc->sc_dgram[j], SOCK_DGRAM, err, errlen)) != 0)
				return status;
	}
	if (ho != NULL)
		handover_close_unused(ho);
	return 0;
}

static size_t
server_find_service(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->cf_nservices; i++)
		if (strcmp(cf->cf_services[i].sc_name, name) == 0)
			return i;
	return SIZE_MAX;
}

int
server_adopt_children(struct server *srv, const struct handover *ho)
{
	size_t i;

	if (ho->ho_nchildren > srv->srv_nslots) {
		struct child *more = reallocarray(srv->srv_children,
		    ho->ho_nchildren, sizeof(struct child));

		if (more == NULL)
			return -1;
		memset(more + srv->srv_nslots, 0, (ho->ho_nchildren -
		    srv->srv_nslots) * sizeof(struct child));
		srv->srv_children = more;
		srv->srv_nslots = (unsigned)ho->ho_nchildren;
	}
	for (i = 0; i < ho->ho_nchildren; i++) {
		const struct inherited_child *ic = &ho->ho_children[i];
		struct child *ch = &srv->srv_children[i];

		ch->ch_pid = ic->ic_pid;
		ch->ch_peer = ic->ic_peer;
		/* A service gone from the configuration still counts in total. */
		ch->ch_svc = server_find_service(srv->srv_conf, ic->ic_service);
		if (ch->ch_svc != SIZE_MAX)
			srv->srv_counts[ch->ch_svc].sn_live++;
		srv->srv_live++;
	}
	/*
	 * A child that exited while we were re-executing sent a SIGCHLD
	 * that resetting its action to SIG_DFL discarded: look once.
	 */
	if (ho->ho_nchildren > 0)
		sig_got_chld = 1;
	return 0;
}

/*
 * Do we listen on la (with socktype) already?  The very address, however
 * written: the new image adopts the socket (handover.c compares what the
 * kernel says, not the text).
 */
static int
server_holds(const struct server *srv, const struct listen_addr *la,
    int socktype)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++)
		if (srv->srv_listeners[i].li_fd != -1 &&
		    srv->srv_listeners[i].li_socktype == socktype &&
		    addr_same(srv->srv_listeners[i].li_addr, la))
			return 1;
	return 0;
}

/* Is la (an address of next) one that some listener of ours stays on? */
static int
server_config_keeps(const struct config *next, const struct listen_addr *la,
    int socktype)
{
	size_t i, j, n;
	const struct listen_addr *list;

	for (i = 0; i < next->cf_nservices; i++) {
		const struct svc_conf *sc = &next->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		list = socktype == SOCK_STREAM ? sc->sc_stream : sc->sc_dgram;
		n = socktype == SOCK_STREAM ? sc->sc_nstream : sc->sc_ndgram;
		for (j = 0; j < n; j++)
			if (addr_same(&list[j], la))
				return 1;
	}
	return 0;
}

/*
 * A listener of ours the new address overlaps and the new configuration
 * drops ("12345" rewritten as "0.0.0.0:12345"): both cannot be bound at
 * once, so the new one takes its place just before the exec.
 */
static size_t
server_replaced(const struct server *srv, const struct config *next,
    const struct listen_addr *la, int socktype)
{
	size_t i;

	if (la->la_family == AF_UNIX)
		return SIZE_MAX;
	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		if (li->li_socktype == socktype && addr_overlap(li->li_addr, la) &&
		    !server_config_keeps(next, li->li_addr, socktype))
			return i;
	}
	return SIZE_MAX;
}

static int
server_prebind_one(const struct server *srv, const struct config *next,
    struct prebound *pb, size_t *np, const struct svc_conf *sc,
    const struct listen_addr *la, int socktype, char *err, size_t errlen)
{
	size_t replaces = SIZE_MAX;
	int fd;

	if (server_holds(srv, la, socktype))
		return 0;
	fd = listen_open(la, socktype, sc->sc_socket_mode, err, errlen);
	if (fd == -1 && errno == EADDRINUSE &&
	    (replaces = server_replaced(srv, next, la, socktype)) == SIZE_MAX)
		return -1;
	if (fd == -1 && replaces == SIZE_MAX)
		return -1;
	pb[*np].pb_fd = fd;
	pb[*np].pb_socktype = socktype;
	pb[*np].pb_addr = la;
	pb[*np].pb_replaces = replaces;
	(*np)++;
	return 0;
}

int
server_prebind_swap(struct server *srv, struct prebound *pb, size_t n,
    char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct listener *li;

		if (pb[i].pb_replaces == SIZE_MAX)
			continue;
		li = &srv->srv_listeners[pb[i].pb_replaces];
		if (li->li_fd != -1) {
			/* Who is queued already is served, not reset. */
			if (li->li_socktype == SOCK_STREAM)
				spawn_accept(srv, li);
			else
				dgram_answer(srv, li);
			(void)close(li->li_fd);
			li->li_fd = -1;
		}
		/* Only IP addresses change hands: no file mode to give. */
		pb[i].pb_fd = listen_open(pb[i].pb_addr, pb[i].pb_socktype,
		    0, err, errlen);
		if (pb[i].pb_fd == -1) {
			server_prebind_unswap(srv, pb, n);
			return -1;
		}
	}
	return 0;
}

void
server_prebind_unswap(struct server *srv, struct prebound *pb, size_t n)
{
	char err[256];
	size_t i;

	/* Every new socket goes first: two of them may overlap one old. */
	for (i = 0; i < n; i++)
		if (pb[i].pb_replaces != SIZE_MAX && pb[i].pb_fd != -1) {
			(void)close(pb[i].pb_fd);
			pb[i].pb_fd = -1;
		}
	for (i = 0; i < n; i++) {
		struct listener *li;

		if (pb[i].pb_replaces == SIZE_MAX)
			continue;
		li = &srv->srv_listeners[pb[i].pb_replaces];
		if (li->li_fd != -1)
			continue;
		li->li_fd = listen_open(li->li_addr, li->li_socktype, 0, err,
		    sizeof(err));
		srv->srv_pollfds[pb[i].pb_replaces].fd = li->li_fd;
		if (li->li_fd == -1)
			log_warnx("%s: lost after a failed reload", err);
	}
}

int
server_prebind(const struct server *srv, const struct config *next,
    struct prebound **pbp, size_t *np, char *err, size_t errlen)
{
	size_t total = server_count_addresses(next), i, j;
	struct prebound *pb;
	int rc = 0;

	*np = 0;
	if ((*pbp = pb = calloc(total ? total : 1, sizeof(*pb))) == NULL) {
		snprintf(err, errlen, "allocating listeners: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < next->cf_nservices && rc == 0; i++) {
		const struct svc_conf *sc = &next->cf_services[i];

		if (!sc->sc_enabled)
			continue;
		for (j = 0; j < sc->sc_nstream && rc == 0; j++)
			rc = server_prebind_one(srv, next, pb, np, sc,
			    &sc->sc_stream[j], SOCK_STREAM, err, errlen);
		for (j = 0; j < sc->sc_ndgram && rc == 0; j++)
			rc = server_prebind_one(srv, next, pb, np, sc,
			    &sc->sc_dgram[j], SOCK_DGRAM, err, errlen);
	}
	if (rc == -1) {
		server_prebind_close(pb, *np);
		*pbp = NULL;
		*np = 0;
	}
	return rc;
}

void
server_prebind_close(struct prebound *pb, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pb[i].pb_fd == -1)
			continue;
		(void)close(pb[i].pb_fd);
		(void)listen_unlink(pb[i].pb_addr);
	}
	free(pb);
}

int
server_handover(const struct server *srv, const struct prebound *pb,
    size_t npb, int memfd)
{
	const struct config *cf = srv->srv_conf;
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		if (li->li_fd != -1 && handover_add_listener(memfd, li->li_fd,
		    li->li_socktype, li->li_addr->la_text) == -1)
			return -1;
	}
	for (i = 0; i < npb; i++)
		if (handover_add_listener(memfd, pb[i].pb_fd,
		    pb[i].pb_socktype, pb[i].pb_addr->la_text) == -1)
			return -1;
	for (i = 0; i < srv->srv_nslots; i++) {
		const struct child *ch = &srv->srv_children[i];

		if (ch->ch_pid != 0 && handover_add_child(memfd, ch->ch_pid,
		    (const struct sockaddr *)&ch->ch_peer,
		    ch->ch_svc == SIZE_MAX ? "-" :
		    cf->cf_services[ch->ch_svc].sc_name) == -1)
			return -1;
	}
	return 0;
}

void
server_handover_undo(const struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++)
		(void)handover_restore_cloexec(srv->srv_listeners[i].li_fd);
}

void
server_announce(const struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		log_info("server started on %s %s%s",
		    srv->srv_conf->cf_services[li->li_svc].sc_name,
		    li->li_addr->la_text,
		    li->li_socktype == SOCK_DGRAM ? " (datagram)" : "");
	}
}

enum server_exit
server_loop(struct server *srv)
{
	size_t i;
	int n;

	struct timespec ts, *timeout;
	int ms;

	for (;;) {
		if (sig_got_chld) {
			sig_got_chld = 0;
			server_reap(srv);
		}
		if (sig_got_term)
			return SERVER_STOP;
		/* A verdict first: a SIGHUP after it is a reload of its own. */
		if (srv->srv_check.rc_done)
			return SERVER_CHECKED;
		if (sig_got_hup) {
			sig_got_hup = 0;
			return SERVER_RELOAD;
		}
		if (srv->srv_refusals_unlogged)
			spawn_log_unlogged(srv, 0);
		/*
		 * Wake for a running check's deadline and, while refusals
		 * wait to be summed up, once a second; else only for events.
		 */
		timeout = NULL;
		ms = reload_check_poll_ms(&srv->srv_check);
		if (srv->srv_refusals_unlogged && (ms < 0 || ms > 1000))
			ms = 1000;
		if (ms >= 0) {
			ts.tv_sec = ms / 1000;
			ts.tv_nsec = (long)(ms % 1000) * 1000000;
			timeout = &ts;
		}
		n = ppoll(srv->srv_pollfds, srv->srv_nlisteners, timeout,
		    &srv->srv_wait_mask);
		if (n == -1) {
			if (errno != EINTR)
				fatal(EX_OSERR, "ppoll");
			continue;
		}
		for (i = 0; i < srv->srv_nlisteners && n > 0; i++) {
			if (srv->srv_pollfds[i].revents == 0)
				continue;
			n--;
			if (srv->srv_listeners[i].li_socktype == SOCK_STREAM)
				spawn_accept(srv, &srv->srv_listeners[i]);
			else
				dgram_answer(srv, &srv->srv_listeners[i]);
		}
		sig_deliver_pending(&srv->srv_wait_mask);
	}
}

static void
server_close_listeners(struct server *srv, int unlink_files)
{
	size_t i;

	for (i = 0; i < srv->srv_nlisteners; i++) {
		const struct listener *li = &srv->srv_listeners[i];

		if (li->li_fd != -1 && close(li->li_fd) == -1)
			log_warn("%s: close", li->li_addr->la_text);
		/* systemd's socket files are systemd's to remove. */
		if (unlink_files && li->li_ours &&
		    listen_unlink(li->li_addr) == -1)
			log_warn("%s: unlink", li->li_addr->la_text);
	}
	srv->srv_nlisteners = 0;
}

static void
server_signal_children(struct server *srv, int signo)
{
	unsigned i;

	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid != 0 &&
		    kill(srv->srv_children[i].ch_pid, signo) == -1 &&
		    errno != ESRCH)
			log_warn("kill %ld", (long)srv->srv_children[i].ch_pid);
}

/* Reap until no child is left or ticks of 50 ms have passed. */
static void
server_wait_children(struct server *srv, unsigned ticks)
{
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	server_reap(srv);
	while (srv->srv_live > 0 && ticks-- > 0) {
		/* SIGCHLD is blocked: sigtimedwait() wakes as soon as one exits. */
		(void)sigtimedwait(&chld, NULL, &tick);
		server_reap(srv);
	}
}

void
server_stop(struct server *srv)
{
	log_info("shutting down");
	/* A reload's check, if one runs, has nothing left to check. */
	if (srv->srv_check.rc_pid != 0)
		(void)kill(srv->srv_check.rc_pid, SIGKILL);
	server_close_listeners(srv, 1);
	server_signal_children(srv, SIGTERM);
	server_wait_children(srv, srv->srv_conf->cf_shutdown_grace * 20);
	if (srv->srv_live > 0) {
		log_info("killing %u children left after %u s", srv->srv_live,
		    srv->srv_conf->cf_shutdown_grace);
		server_signal_children(srv, SIGKILL);
		/* SIGKILL cannot be caught: 5 s is plenty for the kernel. */
		server_wait_children(srv, 100);
	}
}

void
server_abandon(struct server *srv)
{
	server_close_listeners(srv, 1);
	server_free(srv);
}

void
server_free(struct server *srv)
{
	server_close_listeners(srv, 0);
	free(srv->srv_listeners);
	free(srv->srv_pollfds);
	free(srv->srv_children);
	free(srv->srv_counts);
	srv->srv_listeners = NULL;
	srv->srv_pollfds = NULL;
	srv->srv_children = NULL;
	srv->srv_counts = NULL;
}
