/*
 * loadgen's engine: a fixed array of slots, one connection (or one
 * outstanding datagram) each, driven by one epoll loop.  A slot that
 * finishes is refilled at once, so CONCURRENCY requests stay in flight
 * until the count or the duration runs out; then the ones in flight are
 * finished, each bounded by the per-connection timeout, so the run always
 * ends.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

/* How often timeouts are swept when nothing else needs the clock. */
#define LG_SWEEP_NS	(20 * 1000 * 1000ULL)
/* A Unix listener with a full backlog says EAGAIN: retry this soon. */
#define LG_BACKOFF_NS	(1000 * 1000ULL)
#define LG_MAX_MSGS	5

enum lg_state { SL_FREE, SL_SENDING, SL_READING, SL_BACKOFF };

struct lg_slot {
	int			 sl_fd;		/* -1: none; UDP keeps it */
	enum lg_state		 sl_state;
	uint64_t		 sl_start;	/* connect() or send(), ns */
	uint64_t		 sl_retry;	/* SL_BACKOFF: when */
	size_t			 sl_sent;
	size_t			 sl_got;
};

static const char *const lg_err_names[LG_NERR] = {
	"refused", "reset", "timeout", "short", "other"
};

uint64_t
lg_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
lg_close_slot(struct lg_slot *sl)
{
	if (sl->sl_fd != -1)
		(void)close(sl->sl_fd);	/* also leaves the epoll set */
	sl->sl_fd = -1;
}

/* sl's connection is over: its slot may take the next one. */
static void
lg_release(struct lg_run *r, struct lg_slot *sl, uint64_t now)
{
	sl->sl_state = SL_FREE;
	r->r_free[r->r_nfree++] = (unsigned)(sl - r->r_slots);
	r->r_active--;
	r->r_tend = now;
}

static void
lg_fail(struct lg_run *r, struct lg_slot *sl, enum lg_err kind, int err)
{
	r->r_errs[kind]++;
	if (!r->r_opts->o_quiet && r->r_msgs < LG_MAX_MSGS) {
		r->r_msgs++;
		if (kind == LG_SHORT)
			fprintf(stderr, "loadgen: short reply: %zu bytes, want "
			    ">= %zu\n", sl->sl_got, r->r_opts->o_expect);
		else
			fprintf(stderr, "loadgen: %s: %s\n", lg_err_names[kind],
			    err != 0 ? strerror(err) : "no reply in time");
	}
	lg_close_slot(sl);
	lg_release(r, sl, lg_now_ns());
}

static void
lg_fail_errno(struct lg_run *r, struct lg_slot *sl, int err)
{
	enum lg_err kind = LG_OTHER;

	if (err == ECONNREFUSED)
		kind = LG_REFUSED;
	else if (err == ECONNRESET || err == EPIPE)
		kind = LG_RESET;
	else if (err == ETIMEDOUT)
		kind = LG_TIMEOUT;
	lg_fail(r, sl, kind, err);
}

static void
lg_done(struct lg_run *r, struct lg_slot *sl)
{
	uint64_t now = lg_now_ns();

	if (sl->sl_got < r->r_opts->o_expect) {
		lg_fail(r, sl, LG_SHORT, 0);
		return;
	}
	r->r_ok++;
	lg_stats_add(&r->r_stats, now - sl->sl_start);
	if (!r->r_opts->o_udp)
		lg_close_slot(sl);
	lg_release(r, sl, now);
}

static int
lg_watch(struct lg_run *r, struct lg_slot *sl, int op, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = sl;
	return epoll_ctl(r->r_epfd, op, sl->sl_fd, &ev);
}

/* Begin one stream connection in sl; sl_start is already set. */
static void
lg_start_stream(struct lg_run *r, struct lg_slot *sl)
{
	const struct lg_opts *o = r->r_opts;
	int sending = o->o_sendlen > 0;

	sl->sl_fd = socket(o->o_addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->sl_fd == -1) {
		lg_fail_errno(r, sl, errno);
		return;
	}
	if (connect(sl->sl_fd, (const struct sockaddr *)&o->o_addr,
	    o->o_addrlen) == -1 && errno != EINPROGRESS) {
		if (errno == EAGAIN && o->o_addr.ss_family == AF_UNIX) {
			lg_close_slot(sl);
			sl->sl_state = SL_BACKOFF;
			sl->sl_retry = lg_now_ns() + LG_BACKOFF_NS;
			r->r_nbackoff++;
			return;
		}
		lg_fail_errno(r, sl, errno);
		return;
	}
	/*
	 * Without a request, EPOLLIN alone serves: a failed connect shows
	 * as EPOLLERR and read() then returns the error.
	 */
	sl->sl_state = sending ? SL_SENDING : SL_READING;
	if (lg_watch(r, sl, EPOLL_CTL_ADD, sending ? EPOLLOUT : EPOLLIN) == -1)
		lg_fail_errno(r, sl, errno);
}

/* Send one request datagram from sl's connected UDP socket. */
static void
lg_start_dgram(struct lg_run *r, struct lg_slot *sl)
{
	const struct lg_opts *o = r->r_opts;

	if (sl->sl_fd == -1) {
		sl->sl_fd = socket(o->o_addr.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (sl->sl_fd == -1 || connect(sl->sl_fd,
		    (const struct sockaddr *)&o->o_addr, o->o_addrlen) == -1 ||
		    lg_watch(r, sl, EPOLL_CTL_ADD, EPOLLIN) == -1) {
			lg_fail_errno(r, sl, errno);
			return;
		}
	}
	sl->sl_state = SL_READING;
	/* RFC 868: the request may be empty; -s gives it bytes. */
	if (send(sl->sl_fd, o->o_send != NULL ? o->o_send : "", o->o_sendlen,
	    MSG_NOSIGNAL) == -1)
		lg_fail_errno(r, sl, errno);
}

/* Begin a connection in sl: a new one, or a retry after a backoff. */
static void
lg_start(struct lg_run *r, struct lg_slot *sl, int first_try)
{
	if (first_try) {
		r->r_started++;
		r->r_active++;
		sl->sl_start = lg_now_ns();
	}
	sl->sl_sent = 0;
	sl->sl_got = 0;
	if (r->r_opts->o_udp)
		lg_start_dgram(r, sl);
	else
		lg_start_stream(r, sl);
}

/*
 * Fill free slots while starting is allowed.  A connection that fails at
 * once frees its slot again; bounding the attempts by the slot count
 * keeps a dead server from spinning here.
 */
static void
lg_fill(struct lg_run *r)
{
	const struct lg_opts *o = r->r_opts;
	unsigned tries = o->o_conc;

	while (r->r_nfree > 0 && tries-- > 0 &&
	    (o->o_max == 0 || r->r_started < o->o_max))
		lg_start(r, &r->r_slots[r->r_free[--r->r_nfree]], 1);
}

static void
lg_on_writable(struct lg_run *r, struct lg_slot *sl)
{
	const struct lg_opts *o = r->r_opts;
	ssize_t n;

	n = send(sl->sl_fd, o->o_send + sl->sl_sent, o->o_sendlen - sl->sl_sent,
	    MSG_NOSIGNAL);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			lg_fail_errno(r, sl, errno);
		return;
	}
	sl->sl_sent += (size_t)n;
	if (sl->sl_sent < o->o_sendlen)
		return;
	sl->sl_state = SL_READING;
	if (lg_watch(r, sl, EPOLL_CTL_MOD, EPOLLIN) == -1)
		lg_fail_errno(r, sl, errno);
}

static void
lg_on_readable(struct lg_run *r, struct lg_slot *sl)
{
	char buf[16384];

	for (;;) {
		ssize_t n = recv(sl->sl_fd, buf, sizeof(buf), 0);
		if (n > 0 && !r->r_opts->o_udp) {
			sl->sl_got += (size_t)n;
			continue;
		}
		if (n >= 0) {	/* stream EOF, or the one datagram */
			sl->sl_got += (size_t)n;
			lg_done(r, sl);
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			lg_fail_errno(r, sl, errno);
		return;
	}
}

static void
lg_on_event(struct lg_run *r, struct lg_slot *sl, uint32_t events)
{
	if (sl->sl_state == SL_FREE) {
		char junk[512];
		ssize_t n;

		/* A UDP socket between requests: nothing is owed to it. */
		do
			n = sl->sl_fd == -1 ? -1 : recv(sl->sl_fd, junk,
			    sizeof(junk), MSG_DONTWAIT);
		while (n >= 0);
		return;
	}
	if (sl->sl_state == SL_SENDING &&
	    (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		lg_on_writable(r, sl);
	else if (sl->sl_state == SL_READING)
		lg_on_readable(r, sl);
}

int
lg_run_init(struct lg_run *r, const struct lg_opts *o)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	r->r_opts = o;
	r->r_epfd = epoll_create1(EPOLL_CLOEXEC);
	r->r_slots = calloc(o->o_conc, sizeof(*r->r_slots));
	r->r_free = calloc(o->o_conc, sizeof(*r->r_free));
	if (r->r_epfd == -1 || r->r_slots == NULL || r->r_free == NULL ||
	    lg_stats_init(&r->r_stats, o->o_max) == -1) {
		snprintf(r->r_err, sizeof(r->r_err), "setting up %u slots: %s",
		    o->o_conc, strerror(errno));
		lg_run_free(r);
		return -1;
	}
	/* Pushed in reverse so that slot 0 is taken first. */
	for (i = 0; i < o->o_conc; i++) {
		r->r_slots[i].sl_fd = -1;
		r->r_free[r->r_nfree++] = o->o_conc - 1 - i;
	}
	return 0;
}

void
lg_run_free(struct lg_run *r)
{
	if (r->r_slots != NULL) {
		unsigned i;

		for (i = 0; i < r->r_opts->o_conc; i++)
			lg_close_slot(&r->r_slots[i]);
	}
	free(r->r_slots);
	free(r->r_free);
	r->r_slots = NULL;
	r->r_free = NULL;
	if (r->r_epfd != -1)
		(void)close(r->r_epfd);
	r->r_epfd = -1;
	lg_stats_free(&r->r_stats);
}

/* Time out what is overdue; retry what backed off. */
static void
lg_sweep(struct lg_run *r, uint64_t now)
{
	uint64_t limit = (uint64_t)r->r_opts->o_timeout_ms * 1000000ULL;
	unsigned i;

	for (i = 0; i < r->r_opts->o_conc; i++) {
		struct lg_slot *sl = &r->r_slots[i];

		if (sl->sl_state == SL_FREE)
			continue;
		if (sl->sl_state == SL_BACKOFF && (now >= sl->sl_retry ||
		    now - sl->sl_start >= limit))
			r->r_nbackoff--;
		if (now - sl->sl_start >= limit)
			lg_fail(r, sl, LG_TIMEOUT, 0);
		else if (sl->sl_state == SL_BACKOFF && now >= sl->sl_retry)
			lg_start(r, sl, 0);
	}
}

/* epoll_wait's timeout: the next sweep, retry or end of starting. */
static int
lg_wait_ms(const struct lg_run *r, uint64_t now, uint64_t stop_at,
    int may_start)
{
	uint64_t until = r->r_next_scan;
	unsigned i;

	if (may_start && stop_at < until)
		until = stop_at;
	for (i = 0; r->r_nbackoff > 0 && i < r->r_opts->o_conc; i++)
		if (r->r_slots[i].sl_state == SL_BACKOFF &&
		    r->r_slots[i].sl_retry < until)
			until = r->r_slots[i].sl_retry;
	if (until <= now)
		return 0;
	return (int)((until - now + 999999) / 1000000);
}

int
lg_run_loop(struct lg_run *r, const volatile sig_atomic_t *stop)
{
	struct epoll_event ev[256];
	uint64_t now, stop_at;
	int i;

	r->r_t0 = r->r_tend = now = lg_now_ns();
	stop_at = r->r_t0 + (uint64_t)r->r_opts->o_duration_ms * 1000000ULL;
	r->r_next_scan = now + LG_SWEEP_NS;
	for (;;) {
		int n, may_start = !*stop && now < stop_at;

		if (now >= r->r_next_scan || r->r_nbackoff > 0) {
			lg_sweep(r, now);
			if (now >= r->r_next_scan)
				r->r_next_scan = now + LG_SWEEP_NS;
		}
		if (may_start)
			lg_fill(r);
		if (r->r_active == 0 && (!may_start || (r->r_opts->o_max != 0 &&
		    r->r_started >= r->r_opts->o_max)))
			return 0;
		n = epoll_wait(r->r_epfd, ev, 256,
		    lg_wait_ms(r, now, stop_at, may_start));
		if (n == -1 && errno != EINTR) {
			snprintf(r->r_err, sizeof(r->r_err), "epoll_wait: %s",
			    strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++)
			lg_on_event(r, ev[i].data.ptr, ev[i].events);
		now = lg_now_ns();
	}
}

void
lg_report(struct lg_run *r, FILE *fp)
{
	double secs = (double)(r->r_tend - r->r_t0) / 1e9;
	uint64_t errors = 0;
	int i;

	for (i = 0; i < LG_NERR; i++)
		errors += r->r_errs[i];
	fprintf(fp, "conns=%llu errors=%llu rate=%.1f/s",
	    (unsigned long long)r->r_ok, (unsigned long long)errors,
	    secs > 0 ? (double)r->r_ok / secs : 0.0);
	if (r->r_stats.st_n > 0)
		fprintf(fp, " p50=%.3fms p99=%.3fms max=%.3fms",
		    (double)lg_stats_pct(&r->r_stats, 50) / 1e6,
		    (double)lg_stats_pct(&r->r_stats, 99) / 1e6,
		    (double)r->r_stats.st_max_ns / 1e6);
	else
		fprintf(fp, " p50=- p99=- max=-");
	fprintf(fp, " elapsed=%.3fs", secs);
	for (i = 0; i < LG_NERR; i++)
		fprintf(fp, " %s=%llu", lg_err_names[i],
		    (unsigned long long)r->r_errs[i]);
	fputc('\n', fp);
}
