/*
 * ---- child: from fork() to _exit().
 *
 * Order matters here.  Signals and fds are put right first, so nothing
 * the parent owned leaks into a service; privileges go before the first
 * byte is read from the client; the name is resolved (in the child, so
 * a slow resolver never stalls the parent) before the connection is
 * logged and the handler runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "child.h"
#include "config.h"
#include "log.h"
#include "resolve.h"
#include "server.h"
#include "service.h"
#include "sig.h"

/* The client's socket lives here in the child; 0-2 stay as they were. */
#define CHILD_CLIENT_FD 3

static void __attribute__((noreturn))
child_fail(const struct svc_conf *sc, const char *what)
{
	log_warn("%s: child: %s", sc->sc_name, what);
	_exit(1);
}

/* Keep 0-2 (stderr is the log in the foreground) and the client only. */
static void
child_close_inherited(const struct svc_conf *sc, int fd)
{
	if (fd != CHILD_CLIENT_FD) {
		if (dup3(fd, CHILD_CLIENT_FD, O_CLOEXEC) == -1)
			child_fail(sc, "dup3");
	}
	if (close_range(CHILD_CLIENT_FD + 1, ~0U, 0) == -1)
		child_fail(sc, "close_range");
}

static void
child_drop_privileges(const struct svc_conf *sc)
{
	if (geteuid() != 0)
		return;	/* nothing to drop: we run as who started us */
	/* The list was looked up at configuration time (see confval.c). */
	if (setgroups((size_t)sc->sc_ngroups, sc->sc_groups) == -1)
		child_fail(sc, "setgroups");
	if (setgid(sc->sc_gid) == -1)
		child_fail(sc, "setgid");
	if (setuid(sc->sc_uid) == -1)
		child_fail(sc, "setuid");
	/* If root can be regained, the drop did not happen: refuse to serve. */
	if (sc->sc_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		log_warnx("%s: child: could regain root after setuid",
		    sc->sc_name);
		_exit(1);
	}
}

/* Present an IPv4 client on a dual-stack socket as plain IPv4. */
static void
child_unmap_peer(struct svc_client *cl)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&cl->cl_peer;
	struct sockaddr_in s4 = { .sin_family = AF_INET };

	if (s6->sin6_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	s4.sin_port = s6->sin6_port;
	memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
	memset(&cl->cl_peer, 0, sizeof(cl->cl_peer));
	memcpy(&cl->cl_peer, &s4, sizeof(s4));
	cl->cl_peerlen = sizeof(s4);
}

static void
child_identify(struct svc_client *cl, int fd)
{
	const struct svc_conf *sc = cl->cl_svc;
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (cl->cl_peer.ss_family == AF_UNIX) {
		snprintf(cl->cl_name, sizeof(cl->cl_name), "localhost");
		if (!sc->sc_log_connections)
			return;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
			log_info("connection from localhost on %s", sc->sc_name);
		else
			log_info("connection from uid %ld pid %ld on %s",
			    (long)cred.uid, (long)cred.pid, sc->sc_name);
		return;
	}
	child_unmap_peer(cl);
	cl->cl_port = addr_format((struct sockaddr *)&cl->cl_peer,
	    cl->cl_peerlen, cl->cl_addr, sizeof(cl->cl_addr));
	if (!cl->cl_conf->cf_resolve_names ||
	    resolve_name((struct sockaddr *)&cl->cl_peer, cl->cl_peerlen,
	    cl->cl_conf->cf_dns_timeout, cl->cl_name, sizeof(cl->cl_name)) == -1)
		snprintf(cl->cl_name, sizeof(cl->cl_name), "%s", cl->cl_addr);
	if (sc->sc_log_connections)
		log_info("connection from %s [%s] at port %u on %s",
		    cl->cl_name, cl->cl_addr, cl->cl_port, sc->sc_name);
}

void
child_serve(const struct server *srv, const struct listener *li, int fd,
    const struct sockaddr_storage *peer, socklen_t peerlen)
{
	struct svc_client cl = { 0 };
	const struct svc_conf *sc;

	cl.cl_conf = srv->srv_conf;
	cl.cl_svc = sc = &srv->srv_conf->cf_services[li->li_svc];
	memcpy(&cl.cl_peer, peer, peerlen);
	cl.cl_peerlen = peerlen;

	/* Before any fd moves: the syslog socket is not ours to reuse. */
	log_child_init();
	/* SIGPIPE stays ignored: a vanished client costs an EPIPE. */
	if (sig_reset() == -1)
		child_fail(sc, "resetting signals");
	child_close_inherited(sc, fd);
	child_drop_privileges(sc);
	/*
	 * A total deadline for everything but services that measure idle
	 * time themselves; the default SIGALRM action ends the child.
	 */
	if (!sc->sc_type->sv_own_timeout && sc->sc_idle_timeout > 0)
		alarm(sc->sc_idle_timeout);
	child_identify(&cl, CHILD_CLIENT_FD);
	_exit(sc->sc_type->sv_stream(CHILD_CLIENT_FD, &cl));
}
