/*
 * max_lifetime (spawnd.conf(5)): the parent ends a child at a total
 * age, whatever it is doing -- the one bound an exec program has, since
 * spawnd cannot see its traffic.  SIGTERM at the age, SIGKILL
 * shutdown_grace later; the reaper logs the end as "at max_lifetime".
 *
 * Cheap by construction: a fork only stores its start time and, for a
 * service that sets max_lifetime, lowers srv_lifetime_due_ms; the table
 * of children is walked only when that deadline has come, and the
 * loop's ppoll() sleeps no longer than until it.
 */
#ifndef SPAWND_PARENT_LIFETIME_H
#define SPAWND_PARENT_LIFETIME_H

#include <stdint.h>
#include <time.h>

struct child;
struct server;

/* ch_ending: how far the end of a child at max_lifetime has gone. */
#define LIFETIME_TERMED	1	/* SIGTERM sent */
#define LIFETIME_KILLED	2	/* SIGKILL too, shutdown_grace later */

/*
 * A child's start, on the fork path: CLOCK_MONOTONIC_COARSE is read
 * from the vDSO and never costs a system call (nor a hardware clock
 * read).  It lags CLOCK_MONOTONIC, which the loop compares with
 * (netio_now_ms()), by a tick at most: an age is counted a few ms long,
 * never short.  Monotonic time is the machine's, not the process's, so
 * it means the same to a reload's new image.
 */
static inline int64_t
lifetime_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Child ch (its ch_pid and ch_svc set), forked at started_ms, or adopted
 * by a reload's new image with the start it had: its clock, and its
 * deadline into srv_lifetime_due_ms if it has one.  No walk, no system
 * call.
 */
void lifetime_begin(struct server *srv, struct child *ch, int64_t started_ms);

/*
 * The same for a child a reload's new image adopts, with how far its
 * end had gone (ending LIFETIME_*, its SIGTERM at ending_ms; 0: none).
 */
void lifetime_adopt(struct server *srv, struct child *ch, int64_t started_ms,
    int ending, int64_t ending_ms);

/*
 * Every turn of the loop: nothing until the nearest deadline has come;
 * then each child past its max_lifetime gets SIGTERM, each still alive
 * shutdown_grace after that SIGKILL, and the next deadline is found.
 */
void lifetime_run(struct server *srv);

/* Milliseconds until the next deadline, for ppoll(); -1: none. */
int lifetime_poll_ms(const struct server *srv);

#endif
