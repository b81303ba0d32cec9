/*
 * The SIGHUP path, end to end.  A SIGHUP starts a check of the binary
 * on disk ("PATH -t", check.h) while the loop serves on; its verdict
 * either refuses the reload (a log line, nothing changes) or leads to
 * the reload itself: the new configuration loaded as -t loaded it, its
 * new addresses bound (prebind.h), its pidfile taken, the state written
 * into the hand-over (state.h, handover.h) and the binary re-executed
 * with the original argv.  Never fatal: on any failure the running
 * image keeps serving as it was.  Every attempt's outcome is published
 * for spawnd -r (reload/outcome.h).
 */
#ifndef SPAWND_RELOAD_RELOAD_H
#define SPAWND_RELOAD_RELOAD_H

#include <stdint.h>

#include "reload/check.h"
#include "reload/outcome.h"

struct self;
struct server;

/* A daemon's reloads: who it is, its pidfile, the check, the outcome. */
struct reload {
	const struct self	*rl_self;
	const char		*rl_pidfile;	/* the running pidfile */
	struct reload_check	 rl_check;	/* of the binary on disk */
	struct reload_outcome	 rl_outcome;	/* the last attempt, published */
};

/*
 * At start, before the pidfile gets our PID: the outcome file beside
 * pidfile (reload/outcome.h), numbered on from seq (the hand-over's
 * "reload SEQ"; 0 at a first start, which writes "0 started" there).
 */
void reload_init(struct reload *rl, const struct self *se, const char *pidfile,
    uint64_t seq);

/* Once serving: a reload's new image writes "SEQ reloaded". */
void reload_serving(const struct reload *rl);

/* At exit: the outcome file goes with the pidfile. */
void reload_end(struct reload *rl);

/*
 * SIGHUP (changed NULL), or a watched file changed (changed: its path;
 * "": a check to be done again): start checking the binary we would
 * exec, as the server's side job; serve on meanwhile.
 */
void reload_request(struct reload *rl, struct server *srv,
    const char *changed);

/*
 * The check has ended (loop_run returned LOOP_SIDEJOB): refuse, or
 * re-execute.  *pidfile_fdp is the running pidfile's fd; it may change (or
 * become -1) after a failed exec.  Returns only if we keep running as
 * we are.
 */
void reload_checked(struct reload *rl, struct server *srv, int *pidfile_fdp);

#endif
