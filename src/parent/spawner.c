/*
 * The spawner.  A stream listener becomes readable; the parent accepts
 * every pending connection, decides whether it may be served (admission)
 * and either answers it inline (time and daytime, as inetd does for its
 * internal services) or forks a child that serves it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "child/child.h"
#include "config/config.h"
#include "net/addr.h"
#include "net/peer.h"
#include "parent/admission.h"
#include "parent/listeners.h"
#include "parent/proxied.h"
#include "parent/reaper.h"
#include "parent/refusals.h"
#include "parent/server.h"
#include "parent/spawner.h"
#include "parent/stats.h"
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

static struct child *
spawn_free_slot(struct server *srv)
{
	unsigned i;

	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid == 0)
			return &srv->srv_children[i];
	return NULL;
}

static void
spawn_fork(struct server *srv, const struct listener *li, struct child *ch,
    int fd, const struct sockaddr_storage *peer, socklen_t peerlen)
{
	/* The child cannot see srv (base/nofork.h): all it needs, first. */
	const struct config *cf = srv->srv_conf;
	const struct svc_conf *sc = &cf->cf_services[li->li_svc];
	int report = -1, parent_end = -1;
	pid_t pid;

	/*
	 * Only per_source needs the parent's word on the real client; the
	 * other proxied children just tell it what they refused.
	 */
	if (sc->sc_proxy != 0 && sc->sc_per_source != 0)
		report = proxied_pair(srv, &parent_end);
	else if (sc->sc_proxy != 0)
		report = srv->srv_refusals_wr;
	pid = fork();
	if (pid == 0)
		child_serve(cf, sc, fd, report, peer, peerlen);
	if (pid == -1)
		log_warn("%s: fork", sc->sc_name);
	if (parent_end != -1 && close(report) == -1)
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
	if (parent_end != -1)
		proxied_watch(srv, ch, parent_end);
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
	enum admit verdict;

	verdict = admit_stream(srv, li->li_svc, sa, forks, now);
	/*
	 * SIGCHLD is only taken in ppoll(), so during a burst of accepts
	 * children that already exited still count.  At a limit, reap
	 * first (one WNOHANG waitpid when nothing exited) and look again:
	 * the limits are on live children, not on unreaped ones.
	 */
	if (admit_children_limit(verdict)) {
		server_reap(srv);
		verdict = admit_stream(srv, li->li_svc, sa, forks, now);
	}
	/* Below max_children a slot is free; should none be, say so. */
	if (verdict == ADMIT_OK && forks && (ch = spawn_free_slot(srv)) == NULL)
		verdict = ADMIT_MAX_CHILDREN;
	if (verdict != ADMIT_OK) {
		refusal_log(srv, li->li_svc, sa, peerlen,
		    admit_reason(verdict));
		return;
	}
	rate_take(&srv->srv_counts[li->li_svc].sn_rate, now);
	if (forks)
		spawn_fork(srv, li, ch, fd, peer, peerlen);
	else
		spawn_inline(sc, li->li_svc, fd, sa, peerlen);
}

void
spawn_accept(struct server *srv, const struct listener *li)
{
	struct sockaddr_storage peer;
	socklen_t peerlen;
	int fd, n;

	for (n = 0; n < SPAWN_ACCEPT_BURST; n++) {
		peerlen = sizeof(peer);
		fd = accept4(li->li_fd, (struct sockaddr *)&peer, &peerlen,
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("%s: accept", li->li_addr->la_text);
			return;
		}
		spawn_one(srv, li, fd, &peer, peerlen);
		if (close(fd) == -1)
			log_warn("%s: close", li->li_addr->la_text);
		if (n % SPAWN_REAP_EVERY == SPAWN_REAP_EVERY - 1 && srv->srv_live > 0)
			server_reap(srv);
	}
}

/*
 * A wait service's socket is readable: one child gets the socket, and
 * the loop leaves it alone until that child is gone.  Only max_children
 * applies (allow, deny, per_source and rate need a client the parent
 * never sees); at it, or when fork fails, the socket waits a while.
 */
void
spawn_wait(struct server *srv, size_t i)
{
	struct listener *li = &srv->srv_listeners[i];
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	int listen_fd = li->li_fd;	/* the child cannot see li */
	struct child *ch = NULL;
	pid_t pid = -1;

	if (srv->srv_live >= srv->srv_conf->cf_max_children)
		server_reap(srv);
	errno = 0;	/* stays 0 unless fork() fails */
	if (srv->srv_live < srv->srv_conf->cf_max_children &&
	    (ch = spawn_free_slot(srv)) != NULL)
		pid = fork();
	if (pid == 0)
		child_serve_wait(sc, listen_fd);
	if (pid == -1) {
		if (!li->li_told)
			log_warnx("%s: no child for %s (%s); trying again "
			    "when a child exits, or in a second", sc->sc_name,
			    li->li_addr->la_text,
			    errno != 0 ? strerror(errno) : "max_children");
		li->li_told = 1;
		listeners_pause(srv, i, LISTENER_NO_CHILD);
		return;
	}
	memset(ch, 0, sizeof(*ch));
	ch->ch_pid = pid;
	ch->ch_svc = li->li_svc;
	srv->srv_live++;
	srv->srv_counts[li->li_svc].sn_live++;
	stats_child_begin((unsigned)(ch - srv->srv_children), pid, li->li_svc,
	    time(NULL), NULL);
	listeners_hold(srv, i, pid);
	if (sc->sc_log_connections)
		log_info("begat %ld for %s", (long)pid, sc->sc_name);
}
