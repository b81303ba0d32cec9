/*
 * The parent's event loop.
 *
 * Signals stay blocked and come in through sig_fd, polled right after
 * the listeners: a signal wakes poll() like a client does, and its flag
 * is handled at the top of the loop, at one known point.  A child's
 * exit is reaped before the next burst of accepts, so that zombies
 * never wait behind a busy listener.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <time.h>

#include "base/log.h"
#include "base/netio.h"
#include "base/sig.h"
#include "config/config.h"
#include "parent/drain.h"
#include "parent/lifetime.h"
#include "parent/listeners.h"
#include "parent/loop.h"
#include "parent/reaper.h"
#include "parent/refusals.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/sidejob.h"
#include "parent/watch.h"
#include "parent/writers.h"
#include "systemd/sdstatus.h"

/*
 * Proxied children's reports that are readable (or whose child hung
 * up).  Backwards: answering one moves the last into its place.
 */
static void
loop_reports(struct server *srv)
{
	unsigned i = srv->srv_nreports;
	const struct pollfd *reports = loop_pfd_report(srv, 0);

	if (srv->srv_refusals_rd != -1 &&
	    loop_pfd_channel(srv)->revents != 0)
		reports_channel_read(srv);
	while (i-- > 0)
		if (reports[i].revents != 0)
			reports_answer(srv, i, 0);
}

/* The shorter of two timeouts in ms, -1 meaning none. */
static int
loop_sooner(int a, int b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/*
 * How long ppoll() may sleep (NULL: until an event): until a running
 * check's deadline, the end of a listener's pause, a reload due after
 * a change, a child's max_lifetime, a STATUS= due (status_ms, -1: none)
 * and, while refusals wait to be summed up, a second.
 */
static struct timespec *
loop_timeout(struct server *srv, struct timespec *ts, int status_ms)
{
	int ms = sidejob_poll_ms(&srv->srv_sidejob);

	ms = loop_sooner(ms, watch_poll_ms(&srv->srv_watch));
	ms = loop_sooner(ms, writers_poll_ms(srv));
	ms = loop_sooner(ms, lifetime_poll_ms(srv));

	if (srv->srv_refusals_unlogged)
		ms = loop_sooner(ms, 1000);
	if (srv->srv_resume_ms != 0)
		ms = loop_sooner(ms, netio_left_ms(srv->srv_resume_ms));
	if (status_ms >= 0 && (ms < 0 || ms > status_ms))
		ms = status_ms;
	if (ms < 0)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
	return ts;
}

enum loop_exit
loop_run(struct server *srv)
{
	struct pollfd *sigpfd = loop_pfd_sig(srv);
	struct pollfd *watchpfd = loop_pfd_watch(srv);
	struct timespec ts;
	size_t i;
	int n, status_ms;

	sigpfd->fd = sig_fd;
	sigpfd->events = POLLIN;
	sigpfd->revents = 0;
	watchpfd->fd = srv->srv_watch.wt_fd;
	watchpfd->events = POLLIN;
	watchpfd->revents = 0;
	for (;;) {
		if (srv->srv_signals & SIG_GOT_CHLD) {
			srv->srv_signals &= ~SIG_GOT_CHLD;
			reaper_collect(srv);
			sdstatus_touch(&srv->srv_sdstatus);
		}
		if (srv->srv_signals & SIG_GOT_TERM)
			return LOOP_STOP;
		/* A verdict first: a SIGHUP after it is a reload of its own. */
		if (srv->srv_sidejob.sj_done)
			return LOOP_SIDEJOB;
		if (srv->srv_signals & SIG_GOT_HUP) {
			srv->srv_signals &= ~SIG_GOT_HUP;
			return LOOP_RELOAD;
		}
		if (watch_due(&srv->srv_watch))
			return LOOP_CHANGED;
		if (srv->srv_refusals_unlogged)
			refusal_log_unlogged(srv, 0);
		status_ms = sdstatus_tick(&srv->srv_sdstatus);
		writers_run(srv);
		lifetime_run(srv);
		/* Paused listeners whose pause is over (or a child exits). */
		if (srv->srv_resume_ms != 0 &&
		    netio_left_ms(srv->srv_resume_ms) == 0)
			listeners_unpause(srv, 0);
		n = ppoll(srv->srv_pollfds, loop_pfd_count(srv),
		    loop_timeout(srv, &ts, status_ms), NULL);
		if (n == -1) {
			if (errno != EINTR)
				fatal(EX_OSERR, "ppoll");
			continue;
		}
		if (n > 0)
			sdstatus_touch(&srv->srv_sdstatus);
		if (sigpfd->revents != 0) {
			n--;
			srv->srv_signals |= sig_take();
			/* Reaped now: the slots are free for this burst. */
			if (srv->srv_signals & SIG_GOT_CHLD) {
				srv->srv_signals &= ~SIG_GOT_CHLD;
				reaper_collect(srv);
			}
		}
		if (watchpfd->revents != 0) {
			n--;
			watch_read(&srv->srv_watch);
		}
		/* Reports first: answering one never adds one. */
		loop_reports(srv);
		for (i = 0; i < srv->srv_nlisteners && n > 0; i++) {
			if (loop_pfd_listener(srv, i)->revents == 0)
				continue;
			n--;
			drain_listener(srv, i);
		}
	}
}
