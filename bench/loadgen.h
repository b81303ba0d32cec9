/*
 * loadgen's pieces: options (loadgen.c), the connection engine
 * (lg_conn.c) and the statistics (lg_stats.c).
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define LG_MAX_CONC	10000
/* Latency samples kept; beyond this a uniform reservoir sample. */
#define LG_MAX_SAMPLES	(1U << 20)

struct lg_opts {
	struct sockaddr_storage	 o_addr;	/* loopback or AF_UNIX */
	socklen_t		 o_addrlen;
	int			 o_udp;		/* datagram request/reply */
	unsigned		 o_conc;	/* connections in flight */
	uint64_t		 o_max;		/* 0: bounded by time only */
	long			 o_duration_ms;
	long			 o_timeout_ms;	/* per connection */
	const char		*o_send;	/* NULL: send nothing */
	size_t			 o_sendlen;
	size_t			 o_expect;	/* fewer bytes: "short" */
	int			 o_quiet;	/* no per-error messages */
};

enum lg_err { LG_REFUSED, LG_RESET, LG_TIMEOUT, LG_SHORT, LG_OTHER, LG_NERR };

/* Latency samples in nanoseconds and the reservoir's state. */
struct lg_stats {
	uint64_t		*st_ns;
	size_t			 st_n;		/* samples held */
	size_t			 st_cap;
	uint64_t		 st_seen;	/* samples offered */
	uint64_t		 st_rng;	/* xorshift state */
	uint64_t		 st_max_ns;	/* over every sample, kept or not */
};

struct lg_slot;

struct lg_run {
	const struct lg_opts	*r_opts;
	int			 r_epfd;
	struct lg_slot		*r_slots;
	unsigned		 r_active;	/* slots in use */
	unsigned		*r_free;	/* stack of free slot indices */
	unsigned		 r_nfree;
	unsigned		 r_nbackoff;	/* slots waiting to retry */
	uint64_t		 r_started;	/* connections begun */
	uint64_t		 r_ok;
	uint64_t		 r_errs[LG_NERR];
	unsigned		 r_msgs;	/* error messages printed */
	uint64_t		 r_t0;		/* monotonic ns */
	uint64_t		 r_tend;	/* last completion */
	uint64_t		 r_next_scan;	/* timeout sweep */
	struct lg_stats		 r_stats;
	char			 r_err[256];
};

uint64_t lg_now_ns(void);

/* Returns 0, or -1 with a message in r->r_err. */
int lg_run_init(struct lg_run *r, const struct lg_opts *o);
/* Run to the count, the duration or *stop; -1 with r->r_err if broken. */
int lg_run_loop(struct lg_run *r, const volatile sig_atomic_t *stop);
void lg_run_free(struct lg_run *r);

int lg_stats_init(struct lg_stats *st, uint64_t max_conns);
void lg_stats_add(struct lg_stats *st, uint64_t ns);
/* Nearest-rank percentile (0 < pct <= 100) of the kept samples; sorts. */
uint64_t lg_stats_pct(struct lg_stats *st, double pct);
void lg_stats_free(struct lg_stats *st);

/* The summary line. */
void lg_report(struct lg_run *r, FILE *fp);

#endif
