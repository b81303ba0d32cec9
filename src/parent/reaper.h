/*
 * The reaper: waitpid(-1, WNOHANG) until nothing is left to collect.
 */
#ifndef SPAWND_PARENT_REAPER_H
#define SPAWND_PARENT_REAPER_H

struct server;

/*
 * Collect every exited child, log it, and take it off the table and the
 * counters; a reload's check child goes to its own bookkeeping.  Never
 * blocks.
 */
void reaper_collect(struct server *srv);

#endif
