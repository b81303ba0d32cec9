/*
 * The spawner and the reaper.  A stream listener becomes readable; the
 * parent accepts every pending connection, decides whether it may be
 * served, and either answers inline (time and daytime, as inetd does for
 * its internal services) or forks a child that serves it.  The reaper
 * collects every exited child so that no zombie survives a loop turn.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "config.h"
#include "log.h"
#include "server.h"
#include "service.h"

/* Bounded so one busy listener cannot starve the others. */
#define SPAWN_ACCEPT_BURST 64

static void
spawn_log_more(const struct svc_conf *sc, struct svc_count *sn)
{
	log_info("refused %u more on %s (over %d lines a second, not logged "
	    "one by one)", sn->sn_refusals_unlogged, sc->sc_name,
	    SPAWN_REFUSALS_LOGGED);
	sn->sn_refusals_unlogged = 0;
}

void
spawn_log_unlogged(struct server *srv, int all)
{
	time_t now = time(NULL);
	size_t i;
	int left = 0;

	for (i = 0; i < srv->srv_conf->cf_nservices; i++) {
		struct svc_count *sn = &srv->srv_counts[i];

		if (sn->sn_refusals_unlogged == 0)
			continue;
		if (all || sn->sn_refusal_log.rw_second != now)
			spawn_log_more(&srv->srv_conf->cf_services[i], sn);
		else
			left = 1;
	}
	srv->srv_refusals_unlogged = left;
}

/*
 * One line per refusal, up to SPAWN_REFUSALS_LOGGED a second per
 * service: one client hammering a full service would otherwise write
 * thousands of lines a second.  The others are counted, exactly.
 */
static void
spawn_log_refused(struct server *srv, size_t svc, const struct sockaddr *peer,
    socklen_t peerlen, const char *why)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[svc];
	struct svc_count *sn = &srv->srv_counts[svc];
	struct rate_window *rw = &sn->sn_refusal_log;
	char addr[INET6_ADDRSTRLEN];
	time_t now = time(NULL);

	if (rw->rw_second != now) {
		if (sn->sn_refusals_unlogged > 0)
			spawn_log_more(sc, sn);
		rw->rw_second = now;
		rw->rw_used = 0;
	}
	if (rw->rw_used >= SPAWN_REFUSALS_LOGGED) {
		sn->sn_refusals_unlogged++;
		srv->srv_refusals_unlogged = 1;
		return;
	}
	rw->rw_used++;
	if (peer->sa_family == AF_UNIX)
		snprintf(addr, sizeof(addr), "local");
	else
		addr_format(peer, peerlen, addr, sizeof(addr));
	log_info("refused %s on %s: %s", addr, sc->sc_name, why);
}

/* time/daytime without fork: one non-blocking send, then close. */
static void
spawn_inline(const struct svc_conf *sc, int fd, const struct sockaddr *peer,
    socklen_t peerlen)
{
	char reply[64], addr[INET6_ADDRSTRLEN];
	size_t len;

	if (sc->sc_log_connections) {
		unsigned port = addr_format(peer, peerlen, addr, sizeof(addr));

		log_info("connection from %s [%s] at port %u on %s", addr,
		    addr, port, sc->sc_name);
	}
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
	return NULL;	/* limit_check keeps us from getting here */
}

static void
spawn_fork(struct server *srv, const struct listener *li, int fd,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	struct child *ch = spawn_free_slot(srv);
	pid_t pid;

	if (ch == NULL)
		return;
	pid = fork();
	if (pid == -1) {
		log_warn("%s: fork", sc->sc_name);
		return;
	}
	if (pid == 0)
		child_serve(srv, li, fd, peer, peerlen);
	ch->ch_pid = pid;
	ch->ch_svc = li->li_svc;
	ch->ch_peer = *peer;
	srv->srv_live++;
	srv->srv_counts[li->li_svc].sn_live++;
	if (sc->sc_log_connections)
		log_info("begat %ld for %s", (long)pid, sc->sc_name);
}

/* Serve (or refuse) one accepted connection; the caller closes fd. */
static void
spawn_one(struct server *srv, const struct listener *li, int fd,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	const struct svc_conf *sc = &srv->srv_conf->cf_services[li->li_svc];
	int forks = sc->sc_fork || sc->sc_type->sv_reply == NULL;
	const char *refusal;

	refusal = limit_check(srv, li->li_svc, (const struct sockaddr *)peer,
	    forks);
	if (refusal != NULL)
		spawn_log_refused(srv, li->li_svc, (const struct sockaddr *)peer,
		    peerlen, refusal);
	else if (forks)
		spawn_fork(srv, li, fd, peer, peerlen);
	else
		spawn_inline(sc, fd, (const struct sockaddr *)peer, peerlen);
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
	}
}

static struct child *
spawn_find(struct server *srv, pid_t pid)
{
	unsigned i;

	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid == pid)
			return &srv->srv_children[i];
	return NULL;
}

static void
spawn_log_reaped(pid_t pid, const char *name, int status)
{
	if (WIFSIGNALED(status))
		log_info("reaped %ld (%s) killed by signal %d", (long)pid,
		    name, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_info("reaped %ld (%s) with exit %d", (long)pid, name,
		    WEXITSTATUS(status));
	else
		log_info("reaped %ld (%s)", (long)pid, name);
}

void
server_reap(struct server *srv)
{
	const struct svc_conf *sc;
	struct child *ch;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (reload_check_reaped(&srv->srv_check, pid, status))
			continue;
		ch = spawn_find(srv, pid);
		if (ch == NULL) {
			log_info("reaped %ld", (long)pid);
			continue;
		}
		srv->srv_live--;
		ch->ch_pid = 0;
		if (ch->ch_svc == SIZE_MAX) {	/* its service was removed */
			spawn_log_reaped(pid, "-", status);
			continue;
		}
		sc = &srv->srv_conf->cf_services[ch->ch_svc];
		if (sc->sc_log_connections || status != 0)
			spawn_log_reaped(pid, sc->sc_name, status);
		srv->srv_counts[ch->ch_svc].sn_live--;
	}
	if (pid == -1 && errno != ECHILD)
		log_warn("waitpid");
}
