/*
 * The parent's side job: see sidejob.h.
 */
#include <signal.h>

#include "base/netio.h"
#include "parent/sidejob.h"

void
sidejob_begin(struct sidejob *sj, pid_t pid, unsigned seconds)
{
	sj->sj_pid = pid;
	sj->sj_deadline = netio_now_ms() + (int64_t)seconds * 1000;
	sj->sj_killed = 0;
	sj->sj_done = 0;
}

int
sidejob_reaped(struct sidejob *sj, pid_t pid, int status)
{
	if (sj->sj_pid == 0 || pid != sj->sj_pid)
		return 0;
	sj->sj_pid = 0;
	sj->sj_status = status;
	sj->sj_done = 1;
	return 1;
}

int
sidejob_poll_ms(struct sidejob *sj)
{
	int left;

	if (sj->sj_pid == 0)
		return -1;
	if ((left = netio_left_ms(sj->sj_deadline)) > 0)
		return left;
	/* The reaper collects it as usual: SIGCHLD follows. */
	if (!sj->sj_killed && kill(sj->sj_pid, SIGKILL) == 0)
		sj->sj_killed = 1;
	return sj->sj_killed ? -1 : 100;
}

void
sidejob_clear(struct sidejob *sj)
{
	sj->sj_done = 0;
	sj->sj_killed = 0;
}
