/*
 * ---- child: from fork() to _exit().
 *
 * Order matters here.  Signals and fds are put right first, so nothing
 * the parent owned leaks into a service; privileges go before the first
 * byte is read from the client; the name is resolved (in the child, so
 * a slow resolver never stalls the parent) before the connection is
 * logged and the service runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/netio.h"
#include "base/sig.h"
#include "base/strput.h"
#include "board/stats.h"
#include "child/child.h"
#include "child/privileges.h"
#include "child/proxied.h"
#include "child/resolve.h"
#include "child/rlimits.h"
#include "config/config.h"
#include "net/peer.h"
#include "services/service.h"

/*
 * The client's socket lives here in the child, 0-2 stay as they were;
 * a proxied connection's fd to the parent (child/proxied.h: its report
 * pair or the refusals channel, never both) is next, until its verdict.
 */
#define CHILD_CLIENT_FD 3
#define CHILD_PARENT_FD 4

/* The most an inline reply served by a child is (RFC 865's 512). */
#define CHILD_REPLY_MAX 512

/* errno 0: what is the whole story. */
static void __attribute__((noreturn))
child_fail(const struct svc_conf *sc, const char *what)
{
	if (errno == 0)
		log_warnx("%s: child: %s", sc->sc_name, what);
	else
		log_warn("%s: child: %s", sc->sc_name, what);
	_exit(1);
}

/*
 * Keep 0-2 (stderr is the log in the foreground), the client and the
 * fd to the parent (-1: none) only.  The parent's fds are all above 2
 * and close-on-exec, so neither of ours can be the other's target.
 */
static void
child_close_inherited(const struct svc_conf *sc, int fd, int parent_fd)
{
	int last = CHILD_CLIENT_FD;

	if (fd != CHILD_CLIENT_FD && parent_fd == CHILD_CLIENT_FD) {
		/* Move the parent's fd out of the client's way first. */
		if ((parent_fd = fcntl(parent_fd, F_DUPFD_CLOEXEC,
		    CHILD_PARENT_FD + 1)) == -1)
			child_fail(sc, "fcntl");
	}
	if (fd != CHILD_CLIENT_FD && dup3(fd, CHILD_CLIENT_FD, O_CLOEXEC) == -1)
		child_fail(sc, "dup3");
	if (parent_fd != -1) {
		if (parent_fd != CHILD_PARENT_FD &&
		    dup3(parent_fd, CHILD_PARENT_FD, O_CLOEXEC) == -1)
			child_fail(sc, "dup3");
		last = CHILD_PARENT_FD;
	}
	if (close_range((unsigned)last + 1, ~0U, 0) == -1)
		child_fail(sc, "close_range");
}

/* A name into cl_name: no stdio on the way to the first byte (strput.h). */
static void
child_copy(char *buf, size_t cap, const char *s)
{
	struct strput sp;

	strput_init(&sp, buf, cap);
	strput_str(&sp, s);
	(void)strput_end(&sp);
}

/* The client's address and name, then the connection line. */
static void
child_identify(struct svc_client *cl, int fd)
{
	const struct config *cf = cl->cl_conf;
	struct sockaddr *sa = (struct sockaddr *)&cl->cl_peer;

	if (sa->sa_family == AF_UNIX)
		child_copy(cl->cl_name, sizeof(cl->cl_name), "localhost");
	else {
		peer_unmap(&cl->cl_peer, &cl->cl_peerlen);
		cl->cl_port = peer_format(sa, cl->cl_peerlen, cl->cl_addr,
		    sizeof(cl->cl_addr));
		if (!cf->cf_resolve_names || resolve_name(sa, cl->cl_peerlen,
		    cf->cf_dns_timeout, cl->cl_name, sizeof(cl->cl_name)) == -1)
			child_copy(cl->cl_name, sizeof(cl->cl_name),
			    cl->cl_addr);
	}
	if (cl->cl_svc->sc_log_connections)
		peer_log_connection(cl->cl_svc->sc_name, fd, sa, cl->cl_peerlen,
		    cl->cl_name, cl->cl_via, cl->cl_unique_id);
}

/* A service with only an inline reply, forked (fork = true). */
static int
child_reply(const struct svc_conf *sc, int fd)
{
	char reply[CHILD_REPLY_MAX];
	size_t len;

	len = sc->sc_type->sv_reply(sc, reply, sizeof(reply));
	if (len == 0)
		return 1;
	if (netio_write_all(fd, reply, len) == -1) {
		log_debug("%s: writing to the client: %s", sc->sc_name,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * Everything before the service proper, in this order: signals, fds
 * (fd becomes CHILD_CLIENT_FD, parent_fd CHILD_PARENT_FD), privileges
 * and limits, the deadline.
 */
static void
child_prepare(const struct svc_conf *sc, int fd, int parent_fd)
{
	unsigned props = sc->sc_type->sv_props;
	const char *what = "";

	/* Before any fd moves: the syslog socket is not ours to reuse. */
	log_child_init();
	/* SIGPIPE stays ignored: a vanished client costs an EPIPE. */
	if (sig_reset_keep_term((props & SV_TERM_WAITS) != 0) == -1)
		child_fail(sc, "resetting signals");
	/* Its readers map the board (read-only) while they have its fd. */
	if (stats_child_prepare((props & SV_BOARD) != 0) == -1)
		child_fail(sc, "the status board");
	child_close_inherited(sc, fd, parent_fd);
	/* Never serve with privileges we meant to give up. */
	/* Limits first: as root, a hard limit may be raised too. */
	if (rlimits_apply(sc, &what) == -1 || privileges_drop(sc, &what) == -1)
		child_fail(sc, what);
	/*
	 * A total deadline for everything but services that measure idle
	 * time themselves, have the socket do it, or run a program whose
	 * traffic we cannot see (max_lifetime, in the parent, bounds that);
	 * the default SIGALRM action ends the child.
	 */
	if ((props & SV_IDLE_SOCKET) != 0 &&
	    netio_idle_limit(CHILD_CLIENT_FD, sc->sc_idle_timeout) == -1)
		child_fail(sc, "setting the idle limit");
	if ((props & (SV_OWN_TIMEOUT | SV_IDLE_SOCKET | SV_NO_IDLE)) == 0 &&
	    sc->sc_idle_timeout > 0)
		alarm(sc->sc_idle_timeout);
}

void
child_serve(const struct config *cf, const struct svc_conf *sc, int fd,
    int report_pair, int refusals_wr, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	struct svc_client cl;

	/*
	 * Field by field, not "= { 0 }" and memcpy(): a fork-per-client
	 * child pays a page fault for each libc page it runs, and these
	 * would be its only calls of memset() and memmove().
	 */
	cl.cl_conf = cf;
	cl.cl_svc = sc;
	cl.cl_peer = *peer;
	cl.cl_peerlen = peerlen;
	cl.cl_addr[0] = cl.cl_name[0] = cl.cl_via[0] = cl.cl_unique_id[0] = '\0';
	cl.cl_port = 0;
	/* The two are never both open: one CHILD_PARENT_FD is enough. */
	child_prepare(sc, fd, report_pair != -1 ? report_pair : refusals_wr);
	if (sc->sc_proxy != 0)
		proxied_read(&cl, CHILD_CLIENT_FD,
		    report_pair != -1 ? CHILD_PARENT_FD : -1,
		    refusals_wr != -1 ? CHILD_PARENT_FD : -1);
	child_identify(&cl, CHILD_CLIENT_FD);
	if (sc->sc_type->sv_stream == NULL)
		_exit(child_reply(sc, CHILD_CLIENT_FD));
	_exit(sc->sc_type->sv_stream(CHILD_CLIENT_FD, &cl));
}

void
child_serve_wait(const struct svc_conf *sc, int listen_fd)
{
	child_prepare(sc, listen_fd, -1);
	_exit(sc->sc_type->sv_wait(CHILD_CLIENT_FD, sc));
}

void
child_serve_fifo(const struct svc_conf *sc, int fifo_fd)
{
	child_prepare(sc, fifo_fd, -1);
	_exit(sc->sc_type->sv_fifo(CHILD_CLIENT_FD, sc));
}
