/*
 * The spawner.  A stream listener becomes readable; the parent accepts
 * every pending connection, decides whether it may be served (admission)
 * and either answers it inline (time and daytime, as inetd does for its
 * internal services) or forks a child that serves it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "board/stats.h"
#include "child/child.h"
#include "config/capability.h"
#include "config/config.h"
#include "net/addr.h"
#include "net/peer.h"
#include "parent/admission.h"
#include "parent/datagram.h"
#include "parent/lifetime.h"
#include "parent/listeners.h"
#include "parent/reaper.h"
#include "parent/refusals.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/spawner.h"
#include "services/service.h"

/* Bounded so one busy listener cannot starve the others. */
#define SPAWN_ACCEPT_BURST 64

/*
 * Within a burst, reap every so many connections: children of a hello
 * live well under a millisecond, and without this each burst's would
 * wait, zombies, for the next turn of the loop.
 */
#define SPAWN_REAP_EVERY 8

/* time/daytime without fork: one non-blocking send, then close. */
static void
spawn_inline(const struct svc_conf *sc, size_t li_svc, int fd,
    const struct sockaddr *peer, socklen_t peerlen)
{
	char reply[64];
	size_t len;

	if (sc->sc_log_connections)
		peer_log_connection(sc->sc_name, fd, peer, peerlen, NULL,
		    NULL, NULL);
	stats_connection(li_svc);
	len = sc->sc_type->sv_reply(sc, reply, sizeof(reply));
	/*
	 * A fresh socket's send buffer always holds these few bytes; if the
	 * client is already gone the reply is simply lost.
	 */
	if (len > 0 && send(fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		log_debug("%s: send: %s", sc->sc_name, strerror(errno));
}

static void
spawn_fork(struct server *srv, const struct listener *li, struct child *ch,
    int fd, const struct sockaddr_storage *peer, socklen_t peerlen,
    int report_pair, int parent_end)
{
	/* The child cannot see srv (base/nofork.h): all it needs, first. */
	const struct config *cf = srv->srv_conf;
	const struct svc_conf *sc = &cf->cf_services[li->li_svc];
	int refusals_wr = -1;
	pid_t pid;

	/*
	 * Only per_source needs the parent's word on the real client (the
	 * pair made by the caller); the other proxied children just tell it
	 * what they refused.
	 */
	if (sc->sc_proxy != 0 && parent_end == -1)
		refusals_wr = srv->srv_refusals_wr;
	pid = fork();
	if (pid == 0)
		child_serve(cf, sc, fd, report_pair, refusals_wr, peer,
		    peerlen);
	if (pid == -1)
		log_warn("%s: fork", sc->sc_name);
	if (parent_end != -1 && close(report_pair) == -1)
		log_warn("closing a PROXY report's other end");
	if (pid == -1) {
		if (parent_end != -1)
			(void)close(parent_end);
		return;
	}
	ch->ch_pid = pid;
	ch->ch_svc = li->li_svc;
	ch->ch_peer = *peer;
	ch->ch_report = 0;
	lifetime_begin(srv, ch, lifetime_now_ms());
	if (parent_end != -1)
		reports_watch(srv, ch, parent_end);
	srv->srv_live++;
	srv->srv_counts[li->li_svc].sn_live++;
	stats_child_begin((unsigned)(ch - srv->srv_children), pid, li->li_svc,
	    time(NULL), (const struct sockaddr *)peer);
	stats_connection(li->li_svc);
	if (sc->sc_log_connections)
		log_info("begat %ld for %s", (long)pid, sc->sc_name);
}

/* Serve (or refuse) one accepted connection; the caller closes fd. */
static void
spawn_one(struct server *srv, const struct listener *li, int fd,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	const struct sockaddr *sa = (const struct sockaddr *)peer;
	int forks = svc_forks(sc);
	time_t now = time(NULL);
	struct child *ch = NULL;
	int report_pair = -1, parent_end = -1;
	enum refusal verdict;

	verdict = admit_stream(srv, li->li_svc, sa, forks, now);
	/*
	 * SIGCHLD is read from the signalfd only after ppoll(), so during a
	 * burst of accepts children that already exited still count.  At a limit, reap
	 * first (one WNOHANG waitpid when nothing exited) and look again:
	 * the limits are on live children, not on unreaped ones.
	 */
	if (admit_children_limit(verdict)) {
		reaper_collect(srv);
		verdict = admit_stream(srv, li->li_svc, sa, forks, now);
	}
	/* Below max_children a slot is free; should none be, say so. */
	if (verdict == REFUSAL_NONE && forks &&
	    (ch = server_free_slot(srv)) == NULL)
		verdict = REFUSAL_MAX_CHILDREN;
	if (verdict != REFUSAL_NONE) {
		refusal_log(srv, li->li_svc, sa, peerlen, verdict,
		    admit_detail(verdict));
		return;
	}
	/*
	 * per_source behind a proxy is counted by the parent once the child
	 * has read the header, over a pair of sockets: no pair (no fd left),
	 * no count, so no service.
	 */
	if (sc->sc_proxy != 0 && sc->sc_per_source != 0 &&
	    (report_pair = reports_pair(srv, &parent_end)) == -1) {
		char why[96];

		snprintf(why, sizeof(why), "no report channel: %s",
		    strerror(errno));
		refusal_log(srv, li->li_svc, sa, peerlen, REFUSAL_PER_SOURCE,
		    why);
		return;
	}
	rate_take(&srv->srv_counts[li->li_svc].sn_rate, now);
	rate_take(&srv->srv_counts[li->li_svc].sn_rate_minute, now / 60);
	if (forks)
		spawn_fork(srv, li, ch, fd, peer, peerlen, report_pair,
		    parent_end);
	else
		spawn_inline(sc, li->li_svc, fd, sa, peerlen);
}

/* accept() failed for want of something (fds, memory): a pause. */
#define SPAWN_ACCEPT_FIRST_MS	10
#define SPAWN_ACCEPT_MAX_MS	1000
/* While a pause series goes on, it is logged again this often. */
#define SPAWN_ACCEPT_TELL_MS	60000

/*
 * Errors accept(2) passes on from a connection that failed on its way
 * in: that one is lost, the next may be fine.
 */
static int
spawn_accept_transient(int err)
{
	return err == EINTR || err == ECONNABORTED || err == EPROTO ||
	    err == ENETDOWN || err == ENOPROTOOPT || err == EHOSTDOWN ||
	    err == ENONET || err == EHOSTUNREACH || err == ENETUNREACH ||
	    err == EPERM;
}

/*
 * No fd or no memory for the next connection: polling again at once
 * would find the same and spin.  The listener rests, a little longer
 * each time; the clients wait in its queue.
 */
static void
spawn_accept_pause(struct server *srv, struct listener *li, int err)
{
	size_t i = (size_t)(li - srv->srv_listeners);
	int64_t now = netio_now_ms();
	unsigned ms;

	ms = listeners_backoff(li, SPAWN_ACCEPT_FIRST_MS, SPAWN_ACCEPT_MAX_MS);
	if (li->li_pauses == 1 || now - li->li_told_ms >= SPAWN_ACCEPT_TELL_MS) {
		log_warnx("%s: accept: %s; pausing %s for %u ms%s",
		    li->li_addr->la_text, strerror(err),
		    srv->srv_conf->cf_services[li->li_svc].sc_name, ms,
		    li->li_pauses > 1 ? " (it goes on)" : "");
		li->li_told_ms = now;
	}
	listeners_pause(srv, i, LISTENER_ACCEPT, ms);
}

/* Serve one accepted connection and close the parent's copy. */
static void
spawn_serve(struct server *srv, const struct listener *li, int fd,
    const struct sockaddr_storage *peer, socklen_t peerlen, int n)
{
	spawn_one(srv, li, fd, peer, peerlen);
	if (close(fd) == -1)
		log_warn("%s: close", li->li_addr->la_text);
	if (n % SPAWN_REAP_EVERY == SPAWN_REAP_EVERY - 1 && srv->srv_live > 0)
		reaper_collect(srv);
}

int
spawn_accept(struct server *srv, struct listener *li)
{
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int fd, n;

	for (n = 0; n < SPAWN_ACCEPT_BURST; n++) {
		peerlen = sizeof(peer);
		fd = accept4(li->li_fd, (struct sockaddr *)&peer, &peerlen,
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (spawn_accept_transient(errno))
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			spawn_accept_pause(srv, li, errno);
			return -1;
		}
		if (li->li_backoff_ms != 0) {
			log_info("%s: accepting again after %u pauses",
			    li->li_addr->la_text, li->li_pauses);
			li->li_backoff_ms = 0;
			li->li_pauses = 0;
		}
		spawn_serve(srv, li, fd, &peer, peerlen, n);
	}
	return 0;
}

size_t
spawn_take(const struct listener *li, struct spawn_taken *taken, size_t max,
    int *empty)
{
	size_t n = 0, tries;
	int fd;

	*empty = 0;
	/* Bounded: a stream of connections that fail on the way in, too. */
	for (tries = 0; n < max && tries < 2 * max; tries++) {
		taken[n].st_peerlen = sizeof(taken[n].st_peer);
		fd = accept4(li->li_fd, (struct sockaddr *)&taken[n].st_peer,
		    &taken[n].st_peerlen, SOCK_CLOEXEC);
		if (fd == -1 && spawn_accept_transient(errno))
			continue;
		if (fd == -1) {
			*empty = errno == EAGAIN || errno == EWOULDBLOCK;
			break;
		}
		taken[n++].st_fd = fd;
	}
	return n;
}

void
spawn_serve_taken(struct server *srv, const struct listener *li,
    const struct spawn_taken *taken, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		spawn_serve(srv, li, taken[i].st_fd, &taken[i].st_peer,
		    taken[i].st_peerlen, (int)i);
}

/* The wait service's listener i may not start a child now: rest it. */
static void
spawn_wait_later(struct server *srv, size_t i, int why, const char *because)
{
	struct listener *li = &srv->srv_listeners[i];
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	struct timespec wall;
	unsigned ms = 1000;

	if (why == LISTENER_NO_CHILD && li->li_told_ms == 0) {
		log_warnx("%s: no child for %s (%s); trying again when a "
		    "child exits, or in a second", sc->sc_name,
		    li->li_addr->la_text, because);
		li->li_told_ms = netio_now_ms();
	}
	/* rate counts the seconds of time(): until the next one. */
	if (why == LISTENER_RATE && clock_gettime(CLOCK_REALTIME, &wall) == 0)
		ms = 1000 - (unsigned)(wall.tv_nsec / 1000000);
	listeners_pause(srv, i, why, ms);
}

/*
 * A wait service's socket is readable: one child gets the socket, and
 * the loop leaves it alone until that child is gone.  max_children and
 * rate (starts a second) apply; allow, deny and per_source need a client
 * the parent never sees.  At a limit, or when fork fails, the socket
 * waits a while.
 */
void
spawn_wait(struct server *srv, size_t i)
{
	struct listener *li = &srv->srv_listeners[i];
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	struct rate_window *rw = &srv->srv_counts[li->li_svc].sn_rate;
	int listen_fd = li->li_fd;	/* the child cannot see li */
	time_t now = time(NULL);
	struct child *ch = NULL;
	enum refusal verdict;
	pid_t pid;

	verdict = admit_wait(srv, li->li_svc, now);
	if (admit_children_limit(verdict)) {
		reaper_collect(srv);
		verdict = admit_wait(srv, li->li_svc, now);
	}
	if (verdict == REFUSAL_NONE && (ch = server_free_slot(srv)) == NULL)
		verdict = REFUSAL_MAX_CHILDREN;
	if (verdict != REFUSAL_NONE) {
		spawn_wait_later(srv, i, verdict == REFUSAL_RATE ?
		    LISTENER_RATE : LISTENER_NO_CHILD, refusal_word(verdict));
		return;
	}
	li->li_head = li->li_socktype == SOCK_DGRAM ? dgram_head(listen_fd) : 0;
	pid = fork();
	if (pid == 0)
		child_serve_wait(sc, listen_fd);
	if (pid == -1) {
		spawn_wait_later(srv, i, LISTENER_NO_CHILD, strerror(errno));
		return;
	}
	rate_take(rw, now);
	rate_take(&srv->srv_counts[li->li_svc].sn_rate_minute, now / 60);
	memset(ch, 0, sizeof(*ch));
	ch->ch_pid = pid;
	ch->ch_svc = li->li_svc;
	lifetime_begin(srv, ch, lifetime_now_ms());
	srv->srv_live++;
	srv->srv_counts[li->li_svc].sn_live++;
	stats_child_begin((unsigned)(ch - srv->srv_children), pid, li->li_svc,
	    time(NULL), NULL);
	listeners_hold(srv, i, pid);
	if (sc->sc_log_connections)
		log_info("begat %ld for %s", (long)pid, sc->sc_name);
}
