/*
 * The parent's event loop: listeners, the spawner, the reaper, inline
 * answers and the limits.  The parent never reads a byte from a stream
 * client and never blocks on anything but ppoll().
 */
#ifndef SPAWND_SERVER_H
#define SPAWND_SERVER_H

#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "reload_check.h"

struct config;
struct handover;
struct listen_addr;
struct svc_conf;

struct listener {
	int			 li_fd;		/* -1: closed (see prebind swap) */
	int			 li_ours;	/* we made it (not systemd): its
						   file is ours to remove */
	int			 li_socktype;	/* SOCK_STREAM or SOCK_DGRAM */
	size_t			 li_svc;	/* index into cf_services */
	const struct listen_addr *li_addr;	/* points into the config */
};

/* A live child; ch_pid 0 marks a free slot. */
struct child {
	pid_t			 ch_pid;
	size_t			 ch_svc;	/* index into cf_services */
	struct sockaddr_storage	 ch_peer;	/* for per_source; port ignored */
};

/* How much of a per-second rate this second has used. */
struct rate_window {
	time_t			 rw_second;	/* the second rw_used counts */
	unsigned		 rw_used;
};

/*
 * "refused" lines are limited per service and second; the rest are
 * counted and summed up in one line once the second is over.
 */
#define SPAWN_REFUSALS_LOGGED	10	/* lines per service and second */

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
	struct pollfd		*srv_pollfds;	/* parallel to srv_listeners */
	size_t			 srv_nlisteners;
	struct child		*srv_children;
	unsigned		 srv_nslots;	/* max_children, or more after a
						   reload that lowered it */
	unsigned		 srv_live;	/* children alive, all services */
	struct svc_count	*srv_counts;
	sigset_t		 srv_wait_mask;	/* mask inside ppoll() */
	struct reload_check	 srv_check;	/* a reload's check, if one runs */
	int			 srv_refusals_unlogged; /* some service has some */
};

/*
 * Why server_loop() returned: stop; SIGHUP came; a reload's check
 * (srv_check) has ended and waits for its verdict.
 */
enum server_exit { SERVER_STOP, SERVER_RELOAD, SERVER_CHECKED };

/*
 * Prepare srv for cf (which it borrows); wait_mask is the signal mask
 * for ppoll().  Returns 0 or -1 with errno.
 */
int server_init(struct server *srv, struct config *cf,
    const sigset_t *wait_mask);

/*
 * Open every listener of every enabled service, adopting the matching
 * sockets of ho (a reload's or systemd's; NULL for none) and closing
 * the rest of them.  Returns 0, or the sysexits status to exit with and
 * a message in err.
 */
int server_listen(struct server *srv, struct handover *ho, char *err,
    size_t errlen);

/*
 * Count and watch the children a reload handed over, as if we had
 * forked them.  Returns 0 or -1 with errno.
 */
int server_adopt_children(struct server *srv, const struct handover *ho);

/* A listener a reload opened for the next configuration. */
struct prebound {
	int			 pb_fd;		/* -1 until bound (see pb_replaces) */
	int			 pb_socktype;
	const struct listen_addr *pb_addr;	/* points into that config */
	size_t			 pb_replaces;	/* SIZE_MAX, or the listener of
						   ours that overlaps it and
						   goes: bound in its place
						   just before the exec */
};

/*
 * Before a reload: open every listener of next that srv does not hold
 * yet, so that an address we cannot get refuses the reload while we
 * still serve (the new image could only exit).  Returns 0 with the new
 * sockets in *pbp (*np of them), or -1 with a message in err.
 */
int server_prebind(const struct server *srv, const struct config *next,
    struct prebound **pbp, size_t *np, char *err, size_t errlen);

/* Close the sockets of a reload that did not happen, remove their files. */
void server_prebind_close(struct prebound *pb, size_t n);

/*
 * Just before the exec: close each listener a prebound address replaces
 * and bind that address.  Returns 0, or -1 with a message in err after
 * putting back what it closed.
 */
int server_prebind_swap(struct server *srv, struct prebound *pb, size_t n,
    char *err, size_t errlen);

/* After a failed exec: undo server_prebind_swap(). */
void server_prebind_unswap(struct server *srv, struct prebound *pb, size_t n);

/*
 * Describe listeners (ours and the npb prebound ones) and children into
 * a hand-over memfd and let the listeners survive exec.  Returns 0 or
 * -1 with errno.
 */
int server_handover(const struct server *srv, const struct prebound *pb,
    size_t npb, int memfd);

/* Undo server_handover's fd flags after a failed exec. */
void server_handover_undo(const struct server *srv);

/* Log "server started on ..." for each listener. */
void server_announce(const struct server *srv);

/* Run until a signal asks to stop or to reload, or a check ends. */
enum server_exit server_loop(struct server *srv);

/*
 * Shut down: close listeners, remove Unix socket files, SIGTERM the
 * children and SIGKILL those still alive after shutdown_grace.
 */
void server_stop(struct server *srv);

/* A start-up that failed: close listeners, remove their socket files, free. */
void server_abandon(struct server *srv);

/* Close listeners and free srv (not the config). */
void server_free(struct server *srv);

/* The reaper: collect every exited child.  Never blocks. */
void server_reap(struct server *srv);


/* ---- used between the loop's files (server.c, spawn.c, dgram.c) */

/* Accept every pending connection on a stream listener. */
void spawn_accept(struct server *srv, const struct listener *li);

/*
 * Log the "N more" line of each service whose refusals of an earlier
 * second (with all: of any second) went unlogged.  The loop calls it at
 * least once a second while srv_refusals_unlogged is set, a reload
 * before its exec.
 */
void spawn_log_unlogged(struct server *srv, int all);

/* Answer every pending datagram on a datagram listener. */
void dgram_answer(struct server *srv, const struct listener *li);

/*
 * Why a datagram from peer may not be answered by service svc: NULL if
 * it may, else "acl" or "rate" (its datagram_rate, counted apart from
 * the connections' rate, so a flood of datagrams starves no stream
 * client).  Counts the datagram against datagram_rate when admitted.
 */
const char *limit_check_datagram(struct server *srv, size_t svc,
    const struct sockaddr *peer);

/*
 * Why a new client of service svc from peer may not be served right now:
 * NULL if it may, else the reason word logged with "refused"
 * ("acl", "max_children", "max_instances", "per_source", "rate").
 * Counts the client against the rate limit when it is admitted.
 */
const char *limit_check(struct server *srv, size_t svc,
    const struct sockaddr *peer, int forks);

#endif
