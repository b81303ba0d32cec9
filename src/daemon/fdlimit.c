/*
 * RLIMIT_NOFILE for the parent (see fdlimit.h).  The parent's fds are
 * few and bounded by its configuration; what is short of them is told
 * at -t and at start, and at run time accept() rests instead of failing
 * in a loop (parent/spawner.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "daemon/fdlimit.h"

/*
 * stdio, signalfd, inotify, pidfile, board memfd, refusals pair, -t
 * check, spare.
 */
#define FDLIMIT_OWN	16

unsigned long
fdlimit_need(size_t nlisteners, unsigned nreports)
{
	return FDLIMIT_OWN + 2 * (unsigned long)nlisteners + nreports;
}

int
fdlimit_fit(unsigned long need, int raise, unsigned long *limit)
{
	struct rlimit rl;
	int short_of;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return 0;
	short_of = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need;
	*limit = short_of ? (unsigned long)rl.rlim_max : need;
	if (!raise)
		return short_of ? -1 : 0;
	/* As far as the hard limit goes, even when that is not enough. */
	rl.rlim_cur = short_of ? rl.rlim_max : need;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		(void)getrlimit(RLIMIT_NOFILE, &rl);
		*limit = (unsigned long)rl.rlim_cur;
		return -1;
	}
	return short_of ? -1 : 0;
}

int
fdlimit_spare(unsigned n)
{
	int fds[FDLIMIT_OWN];
	unsigned i, got;
	int saved = 0;

	if (n > FDLIMIT_OWN)
		n = FDLIMIT_OWN;
	for (got = 0; got < n; got++)
		if ((fds[got] = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)) == -1) {
			saved = errno;
			break;
		}
	for (i = 0; i < got; i++)
		(void)close(fds[i]);
	if (got == n)
		return 0;
	errno = saved;
	return -1;
}
