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

#include "base/rate.h"
#include "parent/sidejob.h"
#include "parent/watch.h"
#include "systemd/sdstatus.h"

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
	int			 li_paused;	/* not watched for a while:
						   LISTENER_*; 0: watched */
	int64_t			 li_resume_ms;	/* when it is watched again
						   (netio_now_ms()) */
	unsigned		 li_backoff_ms;	/* the last of a growing series
						   of pauses; 0: none */
	unsigned		 li_pauses;	/* pauses in that series */
	int64_t			 li_told_ms;	/* its series was last logged */
	int64_t			 li_held_ms;	/* wait: when its child got it */
	uint64_t		 li_head;	/* wait, datagrams: the one its
						   child was started for
						   (dgram_head()); 0: none */
	int			 li_stored;	/* in systemd's fd store: its
						   file outlives us */
};

/* Why a listener is paused (li_paused). */
#define LISTENER_NO_CHILD	1	/* wait: max_children or fork():
					   tried again at a reap or in a
					   second */
#define LISTENER_UNTAKEN	2	/* wait: its child failed, or left
					   what it was started for: a
					   growing pause, 1 s to a minute */
#define LISTENER_RATE		3	/* wait: rate starts this second */
#define LISTENER_ACCEPT		4	/* accept() failed (no fd, no
					   memory): 10 ms to a second */

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
	int64_t			 ch_started_ms;	/* its fork (lifetime_now_ms()),
						   kept across reloads:
						   max_lifetime counts from it */
	int			 ch_ending;	/* ended at max_lifetime:
						   LIFETIME_*; 0: not */
	int64_t			 ch_ending_ms;	/* its SIGTERM (netio_now_ms()) */
};

/* Per-service counters, parallel to cf_services. */
struct svc_count {
	unsigned		 sn_live;	/* children alive */
	struct rate_window	 sn_rate;	/* connections: rate */
	struct rate_window	 sn_rate_minute; /* rate_per_minute: its
						   rw_second is time() / 60 */
	struct rate_window	 sn_dgram_rate;	/* datagrams: datagram_rate */
	struct rate_window	 sn_refusal_log; /* "refused" lines this second */
	unsigned		 sn_refusals_unlogged; /* beyond them */
	/* listen_fifo (parent/writers.h): */
	int			 sn_fifo_fd;	/* O_PATH of the FIFO; -1: none */
	pid_t			 sn_writer;	/* its writer; 0: none */
	int			 sn_writer_retiring; /* asked to go (its service
						   changed): the next one
						   starts once it has */
	int64_t			 sn_writer_started_ms;
	int64_t			 sn_writer_due_ms; /* start one then; 0: no */
	unsigned		 sn_writer_backoff_ms; /* the last restart's */
};

struct server {
	struct config		*srv_conf;
	struct listener		*srv_listeners;
	struct pollfd		*srv_pollfds;	/* what the loop polls: the
						   listeners first, then the
						   rest: where each is, only
						   parent/loop.h's
						   loop_pfd_*() say */
	size_t			 srv_nlisteners;
	int			 srv_refusals_rd; /* the proxied children's refusals
						   channel (parent/reports.h),
						   polled right after the
						   listeners; -1: none */
	int			 srv_refusals_wr; /* its children's end */
	struct child		**srv_reports;	/* children whose PROXY report
						   is awaited (parent/reports.h) */
	unsigned		 srv_nreports;
	unsigned		 srv_reports_max; /* room in srv_reports and after
						   the listeners' pollfds */
	struct child		*srv_children;
	unsigned		 srv_nslots;	/* max_children, or more after a
						   reload that lowered it */
	unsigned		 srv_live;	/* children alive, all services
						   and removed ones' (SIZE_MAX):
						   kept, not summed, since
						   admission reads it for every
						   connection */
	struct svc_count	*srv_counts;
	char			*srv_dgram_buf;	/* DGRAM_MAX bytes: the datagram
						   being answered */
	struct sidejob		 srv_sidejob;	/* a reload's check, if one runs */
	struct watch		 srv_watch;	/* watch_config */
	unsigned		 srv_held;	/* listeners with li_held set;
						   kept by listeners.c alone, so
						   that reaping a child of a
						   service without wait (every
						   hello) never walks them */
	int64_t			 srv_writers_due_ms; /* a FIFO's writer is to start
						   (netio_now_ms()); 0: none */
	int64_t			 srv_resume_ms;	/* the next paused listener is due
						   (netio_now_ms()); 0: none */
	int64_t			 srv_lifetime_due_ms; /* a child's max_lifetime
						   step is due (netio_now_ms(),
						   parent/lifetime.h); 0: none */
	unsigned		 srv_signals;	/* SIG_GOT_* still to act on */
	int			 srv_refusals_unlogged; /* some service has some
						   (sn_refusals_unlogged): the
						   loop reads it every turn
						   instead of every service's */
	struct sdstatus		 srv_sdstatus;	/* systemd's STATUS= line */
};

/*
 * A free slot of the children's table, or NULL: all are taken.  Inline:
 * the spawner and the FIFOs' writers take slots, and neither is the
 * other's business.
 */
static inline struct child *
server_free_slot(struct server *srv)
{
	unsigned i;

	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid == 0)
			return &srv->srv_children[i];
	return NULL;
}

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
