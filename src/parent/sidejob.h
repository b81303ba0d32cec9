/*
 * A process the parent runs beside its service children and waits for
 * without blocking: a reload's check (reload/check.h) is one.  The loop
 * wakes at its deadline and kills it then; the reaper keeps its status;
 * loop_run() returns LOOP_SIDEJOB once it has ended.  One at a
 * time.
 */
#ifndef SPAWND_PARENT_SIDEJOB_H
#define SPAWND_PARENT_SIDEJOB_H

#include <stdint.h>
#include <sys/types.h>

struct sidejob {
	pid_t		 sj_pid;	/* 0 when none runs */
	int64_t		 sj_deadline;	/* netio_now_ms() clock */
	int		 sj_killed;	/* by the loop, at the deadline */
	int		 sj_done;	/* reaped: sj_status says how it ended */
	int		 sj_status;	/* its waitpid() status */
};

/* pid has started; it may run seconds before it is killed. */
void sidejob_begin(struct sidejob *sj, pid_t pid, unsigned seconds);

/* For the reaper: 1 if pid was the side job (its status is kept), else 0. */
int sidejob_reaped(struct sidejob *sj, pid_t pid, int status);

/*
 * For the loop: milliseconds until the deadline (-1: none runs, or it
 * has been killed and SIGCHLD will follow); at the deadline it is
 * killed.
 */
int sidejob_poll_ms(struct sidejob *sj);

/* Once sj_done and its status is read: ready for the next one. */
void sidejob_clear(struct sidejob *sj);

#endif
