/*
 * The board: counters and the table of live children that the parent
 * publishes for the status and metrics services (spawnd.conf(5),
 * "Metrics").
 * A sealed memfd, made at start: the parent alone maps it writable and
 * writes it, with plain stores where it already does the work (no
 * system call of its own); the status and metrics children map it
 * read-only, and no other child ever sees it.  The counters travel in
 * the reload hand-over, so they survive a reload.
 *
 * The parent's mapping is MADV_DONTFORK: a fork copies nothing of it
 * and most children (hello, fortune, ...) pay nothing for the board.
 * F_SEAL_FUTURE_WRITE keeps every later mapping read-only for good, so
 * even a compromised reader cannot mprotect() its view writable.  The
 * board holds numbers only; where things are in it and how many lives
 * in the parent's own memory (struct stats_board), so that nothing in
 * it can steer the parent's stores.
 */
#ifndef SPAWND_BOARD_STATS_H
#define SPAWND_BOARD_STATS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "base/refusal.h"

struct config;

/*
 * How a child ended: the "how" label.  STATS_EXIT_LIFETIME: the parent
 * ended it at max_lifetime (counted there only, whatever its status).
 */
enum stats_exit {
	STATS_EXIT_OK, STATS_EXIT_ERROR, STATS_EXIT_SIGNAL, STATS_EXIT_LIFETIME,
	STATS_NEXITS
};

/* Why a datagram was dropped: the "reason" label. */
enum stats_drop { STATS_DROP_SOURCE, STATS_DROP_RATE, STATS_DROP_ACL, STATS_NDROPS };

/* In the mapping: one service's counters, in the configuration's order. */
struct stats_service {
	uint64_t	ss_connections;		/* served: forked, or inline */
	uint64_t	ss_refused[REFUSAL_NREASONS]; /* by enum refusal */
	uint64_t	ss_exits[STATS_NEXITS];
	uint64_t	ss_datagrams;		/* answered */
	uint64_t	ss_dropped[STATS_NDROPS];
	uint32_t	ss_children;		/* alive now */
};

/* A live child; sch_pid 0: a free slot. */
struct stats_child {
	pid_t		sch_pid;
	uint32_t	sch_svc;			/* index into the services */
	time_t		sch_started;
	union {
		sa_family_t		family;
		struct sockaddr_in	v4;
		struct sockaddr_in6	v6;
	}		sch_peer;		/* AF_UNIX: a local client */
};

/* In the mapping: the daemon's own numbers. */
struct stats_head {
	time_t		sh_started;		/* the first start, not a reload */
	uint64_t	sh_reloads_ok;
	uint64_t	sh_reloads_refused;
};

/* Not in the mapping: where its parts are, and their sizes. */
struct stats_board {
	struct stats_head *sb_head;
	struct stats_service *sb_services;	/* sb_nservices of them */
	struct stats_child *sb_children;	/* sb_nslots of them */
	size_t		sb_nservices;		/* of the configuration, enabled or not */
	size_t		sb_nslots;
};

/*
 * Make the board for cf's services and nslots children (replacing one
 * made before).  Returns 0 or -1 with errno.
 */
int stats_open(const struct config *cf, unsigned nslots);

/* The board (NULL before stats_open), for the parent and its children. */
const struct stats_board *stats_board(void);

/*
 * In a new child, before its fds are closed: a reader (status, metrics)
 * maps the board read-only; any other child just forgets it (it never
 * had the mapping).  Returns 0 or -1 with errno.
 */
int stats_child_prepare(int reader);

/* Give it back (at exit). */
void stats_close(void);

/* A child began serving in slot: its row in the table. */
void stats_child_begin(unsigned slot, pid_t pid, size_t svc, time_t now,
    const struct sockaddr *peer);

/* The child in slot serves peer now (the real client behind a proxy). */
void stats_child_peer(unsigned slot, const struct sockaddr *peer);

/*
 * The child in slot ended with wait status, or at max_lifetime
 * (at_lifetime nonzero); svc SIZE_MAX: removed.
 */
void stats_child_end(unsigned slot, size_t svc, int status, int at_lifetime);

/* Counting, each a plain increment (no-ops without a board). */
void stats_connection(size_t svc);
void stats_refused(size_t svc, enum refusal r);
void stats_datagram(size_t svc);
void stats_dropped(size_t svc, enum stats_drop d);
void stats_reload_refused(void);
void stats_reload_done(void);

/* A reload's image: the start time and reload counts of the one before. */
void stats_restore(time_t started, uint64_t reloads_ok,
    uint64_t reloads_refused);

/*
 * A service's counters as a list of numbers for the reload hand-over:
 * at most max into values, returns how many; and back, n of them.
 */
size_t stats_export(size_t svc, uint64_t *values, size_t max);
void stats_import(size_t svc, const uint64_t *values, size_t n);

#endif
