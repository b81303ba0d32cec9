/*
 * The parent's listening sockets: opened (or adopted from a reload or
 * from systemd) for every address of every enabled service, closed.
 */
#ifndef SPAWND_PARENT_LISTENERS_H
#define SPAWND_PARENT_LISTENERS_H

#include <stddef.h>
#include <sys/types.h>

struct handover;
struct listener;
struct server;

/*
 * Open every listener of every enabled service, adopting the matching
 * sockets of ho (a reload's or systemd's; NULL for none) and closing
 * the rest of them.  Returns 0, or the sysexits status to exit with and
 * a message in err.
 */
int listeners_open(struct server *srv, struct handover *ho, char *err,
    size_t errlen);

/*
 * Close every listener; with unlink_files, also remove the socket files
 * of the Unix ones we made (systemd's are systemd's to remove).
 */
void listeners_close(struct server *srv, int unlink_files);

/*
 * Wait services: listener i is now the child pid's to serve, and is not
 * watched until that child is gone.
 */
void listeners_hold(struct server *srv, size_t i, pid_t pid);

/*
 * The reaper: child pid is gone (with wait status); watch again what it
 * held -- at once if it took what it was started for, else after a
 * pause that doubles while its children go on failing or leaving their
 * datagram or connection untaken (1 s to a minute), logged once.
 * Nothing held (srv_held 0, the case of every service without wait):
 * returns at once.
 */
void listeners_release(struct server *srv, pid_t pid, int status);

/*
 * The next pause of listener li's series: first_ms, then twice the
 * last, max_ms at most; li_pauses counts them.
 */
unsigned listeners_backoff(struct listener *li, unsigned first_ms,
    unsigned max_ms);

/* Stop watching listener i for ms milliseconds; why is a LISTENER_*. */
void listeners_pause(struct server *srv, size_t i, int why, unsigned ms);

/*
 * Watch paused listeners again: those paused for why (a reap freed a
 * child slot: LISTENER_NO_CHILD), or with why 0 those whose pause is
 * over.
 */
void listeners_unpause(struct server *srv, int why);

/*
 * If the unit keeps an fd store (systemd/fdstore.h): replace, service
 * by service, what it holds under the service's name with its
 * listeners.  Failures are logged; serving goes on without the store.
 */
void listeners_store(struct server *srv);

#endif
