/*
 * The parent's file descriptors against RLIMIT_NOFILE: how many a
 * configuration needs, and the soft limit raised to that where the hard
 * limit allows.
 */
#ifndef SPAWND_DAEMON_FDLIMIT_H
#define SPAWND_DAEMON_FDLIMIT_H

#include <stddef.h>

/*
 * About how many fds the parent holds at most with nlisteners listeners
 * and up to nreports PROXY report pairs (per_source behind a proxy):
 * those, twice the listeners while a reload binds the next ones, and
 * a few of its own (stdio, signalfd, pidfile, board, channel, check).
 */
unsigned long fdlimit_need(size_t nlisteners, unsigned nreports);

/*
 * Raise the soft RLIMIT_NOFILE to need if it is lower, as far as the
 * hard limit allows (with raise 0, only look).  Returns 0 when need
 * fits (or will, once raised), or -1 with the limit that falls short
 * in *limit.
 */
int fdlimit_fit(unsigned long need, int raise, unsigned long *limit);

/*
 * Can n more fds be opened now (16 at most are tried)?  Before a reload's
 * exec: the new image needs a few before it can say anything (signalfd,
 * the configuration file, the board).  Returns 0 or -1 with errno.
 */
int fdlimit_spare(unsigned n);

#endif
