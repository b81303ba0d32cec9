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

struct self;
struct server;

/*
 * At start, before the pidfile gets our PID: the outcome file beside
 * pidfile (reload/outcome.h), its number carried over by a reload's
 * hand-over; a first start writes "0 started" there.
 */
void reload_outcome_start(struct server *srv, const struct self *se,
    const char *pidfile);

/* Once serving: a reload's new image writes "SEQ reloaded". */
void reload_outcome_serving(const struct server *srv, const struct self *se);

/*
 * SIGHUP (changed NULL), or a watched file changed (changed: its path;
 * "": a check to be done again): start checking the binary we would
 * exec; serve on meanwhile.
 */
void reload_request(struct server *srv, const struct self *se,
    const char *changed);

/*
 * The check has ended (server_loop returned SERVER_CHECKED): refuse, or
 * re-execute.  pidfile and *pidfdp are the running pidfile; *pidfdp may
 * change (or become -1) after a failed exec.  Returns only if we keep
 * running as we are.
 */
void reload_checked(struct server *srv, const struct self *se,
    const char *pidfile, int *pidfdp);

#endif
