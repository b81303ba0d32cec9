/*
 * The parent's state from start to shutdown: set up, announced,
 * stopped (children signalled, then waited for), freed.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"
#include "base/nofork.h"
#include "base/sig.h"
#include "config/config.h"
#include "net/addr.h"
#include "parent/datagram.h"
#include "parent/listeners.h"
#include "parent/reaper.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/writers.h"

int
server_init(struct server *srv, struct config *cf)
{
	size_t i;

	memset(srv, 0, sizeof(*srv));
	srv->srv_refusals_rd = srv->srv_refusals_wr = -1;
	srv->srv_watch.wt_fd = -1;	/* watch_open() comes once serving */
	/* After main()'s fd clean-up, which would close it. */
	if (sig_open() == -1)
		return -1;
	srv->srv_conf = cf;
	srv->srv_nslots = cf->cf_max_children;
	/* The parent's own: no child inherits them (base/nofork.h). */
	srv->srv_children = nofork_calloc(srv->srv_nslots, sizeof(struct child));
	srv->srv_counts = nofork_calloc(cf->cf_nservices,
	    sizeof(struct svc_count));
	for (i = 0; srv->srv_counts != NULL && i < cf->cf_nservices; i++)
		srv->srv_counts[i].sn_fifo_fd = -1;
	srv->srv_reports_max = reports_capacity(cf);
	srv->srv_reports = nofork_calloc(srv->srv_reports_max,
	    sizeof(struct child *));
	/*
	 * Written for every datagram: while children are alive, a page they
	 * share would cost the parent a copy-on-write fault each time.
	 */
	srv->srv_dgram_buf = nofork_calloc(1, DGRAM_MAX);
	if (srv->srv_children == NULL || srv->srv_counts == NULL ||
	    srv->srv_reports == NULL || srv->srv_dgram_buf == NULL) {
		server_free(srv);
		return -1;
	}
	srv->srv_sdstatus.sd_due = 1;	/* the first line, once started */
	return 0;
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
	reaper_collect(srv);
	while (srv->srv_live > 0 && ticks-- > 0) {
		/* SIGCHLD is blocked: sigtimedwait() wakes as soon as one exits. */
		(void)sigtimedwait(&chld, NULL, &tick);
		reaper_collect(srv);
	}
}

void
server_stop(struct server *srv)
{
	log_info("shutting down");
	/* Before their writers go: no reader comes any more. */
	writers_unlink(srv);
	/* A reload's check, if one runs, has nothing left to check. */
	if (srv->srv_sidejob.sj_pid != 0)
		(void)kill(srv->srv_sidejob.sj_pid, SIGKILL);
	/* Their pollfds sit after the listeners': gone before those. */
	while (srv->srv_nreports > 0)
		reports_forget(srv, srv->srv_reports[0]);
	reports_channel_close(srv);
	listeners_close(srv, 1);
	server_signal_children(srv, SIGTERM);
	server_wait_children(srv, srv->srv_conf->cf_shutdown_grace * 20);
	if (srv->srv_live > 0) {
		log_info("killing %u children left after %u s", srv->srv_live,
		    srv->srv_conf->cf_shutdown_grace);
		server_signal_children(srv, SIGKILL);
		/* SIGKILL cannot be caught: 5 s is plenty for the kernel. */
		server_wait_children(srv, 100);
	}
	writers_release(srv);
	writers_close(srv, 0);
}

void
server_abandon(struct server *srv)
{
	listeners_close(srv, 1);
	server_free(srv);
}

void
server_free(struct server *srv)
{
	while (srv->srv_nreports > 0)
		reports_forget(srv, srv->srv_reports[0]);
	reports_channel_close(srv);
	watch_close(&srv->srv_watch);
	writers_close(srv, 0);
	listeners_close(srv, 0);
	nofork_free(srv->srv_listeners);
	nofork_free(srv->srv_pollfds);
	nofork_free(srv->srv_children);
	nofork_free(srv->srv_dgram_buf);
	nofork_free(srv->srv_counts);
	nofork_free(srv->srv_reports);
	srv->srv_reports = NULL;
	srv->srv_listeners = NULL;
	srv->srv_pollfds = NULL;
	srv->srv_children = NULL;
	srv->srv_counts = NULL;
}
