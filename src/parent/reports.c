/*
 * Proxied children's reports, in the parent (see reports.h).  The
 * watched ends sit in srv_pollfds, packed, where parent/loop.h's layout
 * puts them: the loop hands ppoll() srv_nreports of them, so a daemon
 * with no proxied child polls exactly what it did before.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/log.h"
#include "board/stats.h"
#include "child/proxied.h"
#include "config/config.h"
#include "parent/admission.h"
#include "parent/loop.h"
#include "parent/refusals.h"
#include "parent/reports.h"
#include "parent/server.h"

unsigned
reports_capacity(const struct config *cf)
{
	size_t i;

	/* New children are fewer than max_children, adopted ones report nothing. */
	for (i = 0; i < cf->cf_nservices; i++)
		if (cf->cf_services[i].sc_enabled &&
		    cf->cf_services[i].sc_proxy != 0 &&
		    cf->cf_services[i].sc_per_source != 0)
			return cf->cf_max_children;
	return 0;
}

int
reports_pair(struct server *srv, int *parent_end)
{
	int sv[2];

	/* Unlogged: the caller's refusal says why, at the refusals' rate. */
	if (srv->srv_nreports == srv->srv_reports_max) {
		errno = ENOSPC;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0, sv) == -1)
		return -1;
	*parent_end = sv[0];
	return sv[1];
}

void
reports_watch(struct server *srv, struct child *ch, int parent_end)
{
	struct pollfd *pfd = loop_pfd_report(srv, srv->srv_nreports);

	pfd->fd = parent_end;
	pfd->events = POLLIN;
	pfd->revents = 0;	/* a stale one would be answered this turn */
	srv->srv_reports[srv->srv_nreports++] = ch;
	ch->ch_report = srv->srv_nreports;
}

int
reports_fd(const struct server *srv, const struct child *ch)
{
	if (ch->ch_report == 0)
		return -1;
	return loop_pfd_report(srv, ch->ch_report - 1)->fd;
}

void
reports_forget(struct server *srv, struct child *ch)
{
	struct pollfd *pfds = loop_pfd_report(srv, 0);
	unsigned i = ch->ch_report - 1, last = srv->srv_nreports - 1;

	if (ch->ch_report == 0)
		return;
	if (close(pfds[i].fd) == -1)
		log_warn("closing a PROXY report");
	/* The last one fills the hole; the loop walks them backwards. */
	pfds[i] = pfds[last];
	srv->srv_reports[i] = srv->srv_reports[last];
	srv->srv_reports[i]->ch_report = i + 1;
	srv->srv_nreports--;
	ch->ch_report = 0;
}

/*
 * A refusal the child decided (pr_ok 0: no valid header, from the proxy
 * at pr_proxy; 1: allow/deny refused the client), logged and counted
 * as the parent's own.  The caller has ended pr_why with a NUL.
 */
static void
reports_log_refusal(struct server *srv, size_t svc,
    const struct proxied_report *pr)
{
	if (pr->pr_ok) {
		refusal_log(srv, svc, (const struct sockaddr *)&pr->pr_client,
		    pr->pr_clientlen, REFUSAL_ACL, NULL);
		return;
	}
	refusal_log(srv, svc, (const struct sockaddr *)&pr->pr_proxy,
	    pr->pr_proxylen, REFUSAL_PROXY, pr->pr_why);
}

/* The verdict on a real client: refusals are logged as the parent's own. */
static char
reports_verdict(struct server *srv, struct child *ch,
    const struct proxied_report *pr)
{
	const struct sockaddr *client =
	    (const struct sockaddr *)&pr->pr_client;
	enum refusal verdict;

	if (!pr->pr_ok) {
		reports_log_refusal(srv, ch->ch_svc, pr);
		return PROXIED_REFUSE;
	}
	if ((verdict = admit_proxied(srv, ch, client)) != REFUSAL_NONE) {
		refusal_log(srv, ch->ch_svc, client, pr->pr_clientlen, verdict,
		    NULL);
		return PROXIED_REFUSE;
	}
	/* per_source counts this child under its real client from now on. */
	memcpy(&ch->ch_peer, &pr->pr_client, sizeof(ch->ch_peer));
	stats_child_peer((unsigned)(ch - srv->srv_children), client);
	return PROXIED_SERVE;
}

void
reports_answer(struct server *srv, unsigned i, int gone)
{
	int fd = loop_pfd_report(srv, i)->fd;
	struct child *ch = srv->srv_reports[i];
	struct proxied_report pr;
	ssize_t n;
	char answer = PROXIED_REFUSE;

	n = recv(fd, &pr, sizeof(pr), MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR) && !gone)
		return;
	if (n == (ssize_t)sizeof(pr) && ch->ch_svc != SIZE_MAX &&
	    pr.pr_clientlen <= sizeof(pr.pr_client)) {
		pr.pr_why[sizeof(pr.pr_why) - 1] = '\0';
		answer = reports_verdict(srv, ch, &pr);
	}
	/*
	 * Anything but a whole report is refused (the child is ours: it
	 * never sends one).  An empty pair's buffer always holds the byte;
	 * a child already gone (or one that refused itself) takes none.
	 */
	if (!gone && n > 0 && send(fd, &answer, 1, MSG_DONTWAIT |
	    MSG_NOSIGNAL) == -1 && errno != EPIPE && errno != ECONNRESET)
		log_warn("answering a PROXY report");
	reports_forget(srv, ch);
}

int
reports_channel_open(struct server *srv)
{
	const struct config *cf = srv->srv_conf;
	struct timeval limit = { .tv_sec = 1 };
	struct pollfd *pfd;
	size_t i;
	int sv[2];

	for (i = 0; i < cf->cf_nservices; i++)
		if (cf->cf_services[i].sc_enabled &&
		    cf->cf_services[i].sc_proxy != 0)
			break;
	if (i == cf->cf_nservices)
		return 0;
	/*
	 * Blocking, so that a burst of refusals waits for the parent to
	 * drain them instead of being lost; a second at most (the parent
	 * reads with MSG_DONTWAIT, whatever the socket's mode).
	 */
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &limit,
	    sizeof(limit)) == -1) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -1;
	}
	srv->srv_refusals_rd = sv[0];
	srv->srv_refusals_wr = sv[1];
	pfd = loop_pfd_channel(srv);
	pfd->fd = sv[0];
	pfd->events = POLLIN;
	pfd->revents = 0;
	return 0;
}

void
reports_channel_close(struct server *srv)
{
	if (srv->srv_refusals_rd != -1)
		(void)close(srv->srv_refusals_rd);
	if (srv->srv_refusals_wr != -1)
		(void)close(srv->srv_refusals_wr);
	srv->srv_refusals_rd = srv->srv_refusals_wr = -1;
}

/* Bounded, so that a flood of refusals cannot starve the listeners. */
#define REPORTS_REFUSALS_BURST	64

void
reports_channel_read(struct server *srv)
{
	struct proxied_report pr;
	ssize_t n;
	int i;

	for (i = 0; i < REPORTS_REFUSALS_BURST; i++) {
		n = recv(srv->srv_refusals_rd, &pr, sizeof(pr), MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(pr))
			return;		/* drained (or not one of ours) */
		if (pr.pr_svc >= srv->srv_conf->cf_nservices ||
		    pr.pr_clientlen > sizeof(pr.pr_client) ||
		    pr.pr_proxylen > sizeof(pr.pr_proxy))
			continue;
		pr.pr_why[sizeof(pr.pr_why) - 1] = '\0';
		reports_log_refusal(srv, pr.pr_svc, &pr);
	}
}
