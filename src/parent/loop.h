/*
 * The parent's event loop, and the layout of what it polls.
 */
#ifndef SPAWND_PARENT_LOOP_H
#define SPAWND_PARENT_LOOP_H

#include <poll.h>
#include <stddef.h>

#include "parent/server.h"

/*
 * Why loop_run() returned: stop; SIGHUP came; a watched file changed
 * (srv_watch.wt_path says which); the side job (srv_sidejob: a
 * reload's check) has ended and waits to be read.
 */
enum loop_exit { LOOP_STOP, LOOP_RELOAD, LOOP_CHANGED, LOOP_SIDEJOB };

/*
 * srv_pollfds, in the order ppoll() is handed it: the listeners
 * (parallel to srv_listeners; fd -1 while one is held or paused), sig_fd,
 * the watch_config inotify fd (-1 when not watching: poll() skips it),
 * the refusals channel (parent/reports.h) when it is open, then the
 * srv_nreports proxied children's reports, packed.  Without a channel
 * the reports start in its place, so a daemon with no proxied service
 * polls only what it always did.  Only these functions compute an index
 * into it.  Inline: the listeners, the proxied reports and the loop use
 * them on every event, and those files must not call loop.c (it calls
 * them).
 */

/* After the listeners, in this order; then the reports. */
enum loop_pfd_after { LOOP_PFD_SIG, LOOP_PFD_WATCH, LOOP_PFD_CHANNEL,
    LOOP_PFD_AFTER };

/* How many pollfds srv_pollfds needs room for. */
static inline size_t
loop_pfd_room(size_t nlisteners, unsigned reports_max)
{
	return nlisteners + LOOP_PFD_AFTER + reports_max;
}

static inline struct pollfd *
loop_pfd_listener(const struct server *srv, size_t i)
{
	return &srv->srv_pollfds[i];
}

static inline struct pollfd *
loop_pfd_sig(const struct server *srv)
{
	return &srv->srv_pollfds[srv->srv_nlisteners + LOOP_PFD_SIG];
}

static inline struct pollfd *
loop_pfd_watch(const struct server *srv)
{
	return &srv->srv_pollfds[srv->srv_nlisteners + LOOP_PFD_WATCH];
}

/* Where the refusals channel goes when it is opened. */
static inline struct pollfd *
loop_pfd_channel(const struct server *srv)
{
	return &srv->srv_pollfds[srv->srv_nlisteners + LOOP_PFD_CHANNEL];
}

/* Report k (0-based: srv_reports[k]); k == srv_nreports: the next one. */
static inline struct pollfd *
loop_pfd_report(const struct server *srv, unsigned k)
{
	return &srv->srv_pollfds[srv->srv_nlisteners + LOOP_PFD_CHANNEL +
	    (srv->srv_refusals_rd != -1) + k];
}

/* How many of srv_pollfds ppoll() watches now. */
static inline nfds_t
loop_pfd_count(const struct server *srv)
{
	return (nfds_t)(loop_pfd_report(srv, srv->srv_nreports) -
	    srv->srv_pollfds);
}

/* Run until a signal asks to stop or to reload, or the side job ends. */
enum loop_exit loop_run(struct server *srv);

#endif
