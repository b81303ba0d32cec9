/*
 * The parent's state: its listeners, its table of live children and the
 * per-service counters that admission reads.  The parent never reads a
 * byte from a stream client and never blocks on anything but ppoll();
 * see loop.h for the loop, reaper.h for the reaper, spawner.h for what
 * happens to a connection, src/reload/ for what a SIGHUP does with all
 * this.
 */
#ifndef SPAWND_PARENT_SERVER_H
#define SPAWND_PARENT_SERVER_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "parent/admission.h"
#include "reload/check.h"

struct config;
struct listen_addr;

struct listener {
	int			 li_fd;		/* -1: closed (see prebind swap) */
	int			 li_ours;	/* we made it (not systemd): its
						   file is ours to remove */
	int			 li_socktype;	/* SOCK_STREAM or SOCK_DGRAM */
	size_t			 li_svc;	/* index into cf_services */
	const struct listen_addr *li_addr;	/* points into the config */
	pid_t			 li_held;	/* wait service: the child that has
						   the socket now; 0: none */
	int			 li_paused;	/* wait service, not watched for a
						   while: LISTENER_NO_CHILD or
						   LISTENER_CHILD_FAILED; 0: no */
	int			 li_told;	/* its pause is logged */
	int			 li_stored;	/* in systemd's fd store: its
						   file outlives us */
};

/* Why a wait service's listener is paused (li_paused). */
#define LISTENER_NO_CHILD	1	/* max_children or fork(): tried
					   again at a reap or in a second */
#define LISTENER_CHILD_FAILED	2	/* its child failed: in a second */

/* A live child; ch_pid 0 marks a free slot. */
struct child {
	pid_t			 ch_pid;
	size_t			 ch_svc;	/* index into cf_services;
						   SIZE_MAX: its service was
						   removed */
	struct sockaddr_storage	 ch_peer;	/* for per_source; port ignored;
						   behind a proxy, the real
						   client once it is known */
	unsigned		 ch_report;	/* a proxied child's report still
						   to come: 1 + its index in
						   srv_reports; 0: none */
};

/* Per-service counters, parallel to cf_services. */
struct svc_count {
	unsigned		 sn_live;	/* children alive */
	struct rate_window	 sn_rate;	/* connections: rate */
	struct rate_window	 sn_dgram_rate;	/* datagrams: datagram_rate */
	struct rate_window	 sn_refusal_log; /* "refused" lines this second */
	unsigned		 sn_refusals_unlogged; /* beyond them */
};

struct server {
	struct config		*srv_conf;
	struct listener		*srv_listeners;
	struct pollfd		*srv_pollfds;	/* parallel to srv_listeners, then
						   sig_fd, the refusals channel
						   and srv_nreports more */
	size_t			 srv_nlisteners;
	int			 srv_refusals_rd; /* the proxied children's refusals
						   channel (parent/proxied.h),
						   polled right after the
						   listeners; -1: none */
	int			 srv_refusals_wr; /* its children's end */
	struct child		**srv_reports;	/* children whose PROXY report
						   is awaited (parent/proxied.h) */
	unsigned		 srv_nreports;
	unsigned		 srv_reports_max; /* room in srv_reports and after
						   the listeners' pollfds */
	struct child		*srv_children;
	unsigned		 srv_nslots;	/* max_children, or more after a
						   reload that lowered it */
	unsigned		 srv_live;	/* children alive, all services */
	struct svc_count	*srv_counts;
	struct reload_check	 srv_check;	/* a reload's check, if one runs */
	unsigned		 srv_held;	/* listeners with li_held set */
	time_t			 srv_paused;	/* the second a listener was last
						   paused; 0: none is */
	unsigned		 srv_signals;	/* SIG_GOT_* still to act on */
	int			 srv_refusals_unlogged; /* some service has some */
	int			 srv_sdstatus_due; /* STATUS= is out of date */
	int64_t			 srv_sdstatus_sent; /* when, netio_now_ms() */
};

/*
 * Where things are in srv_pollfds after the listeners: sig_fd, then the
 * refusals channel (parent/proxied.h), then the reports.
 */
#define SERVER_SIGFD_SLOT(srv)		((srv)->srv_nlisteners)
#define SERVER_CHANNEL_SLOT(srv)	((srv)->srv_nlisteners + 1)

/*
 * Prepare srv for cf (which it borrows).  Returns 0 or -1 with errno.
 */
int server_init(struct server *srv, struct config *cf);

/* Log "server started on ..." for each listener. */
void server_announce(const struct server *srv);

/*
 * Shut down: close listeners, remove Unix socket files, SIGTERM the
 * children and SIGKILL those still alive after shutdown_grace.
 */
void server_stop(struct server *srv);

/* A start-up that failed: close listeners, remove their socket files, free. */
void server_abandon(struct server *srv);

/* Close listeners and free srv (not the config). */
void server_free(struct server *srv);

#endif
