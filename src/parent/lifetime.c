/*
 * max_lifetime, kept by the parent (see lifetime.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>

#include "base/log.h"
#include "base/netio.h"
#include "config/config.h"
#include "parent/lifetime.h"
#include "parent/server.h"

/*
 * When child ch is due for its next step, or 0: never (no max_lifetime,
 * a service removed by a reload, SIGKILL already sent).  A SIGTERM sent
 * is followed by its SIGKILL whatever a reload changed since.  A FIFO's
 * writer is its service itself, not a session: max_lifetime leaves it
 * alone.
 */
static int64_t
lifetime_next(const struct server *srv, const struct child *ch)
{
	const struct config *cf = srv->srv_conf;
	const struct svc_conf *sc;

	if (ch->ch_pid == 0 || ch->ch_ending == LIFETIME_KILLED)
		return 0;
	if (ch->ch_ending == LIFETIME_TERMED)
		return ch->ch_ending_ms + (int64_t)cf->cf_shutdown_grace * 1000;
	if (ch->ch_svc == SIZE_MAX)
		return 0;
	sc = &cf->cf_services[ch->ch_svc];
	if (sc->sc_max_lifetime == 0 || sc->sc_fifo != NULL)
		return 0;
	return ch->ch_started_ms + (int64_t)sc->sc_max_lifetime * 1000;
}

/* Bring srv's nearest deadline down to due (0: none). */
static void
lifetime_due(struct server *srv, int64_t due)
{
	if (due != 0 && (srv->srv_lifetime_due_ms == 0 ||
	    due < srv->srv_lifetime_due_ms))
		srv->srv_lifetime_due_ms = due;
}

void
lifetime_adopt(struct server *srv, struct child *ch, int64_t started_ms,
    int ending, int64_t ending_ms)
{
	ch->ch_started_ms = started_ms;
	ch->ch_ending = ending;
	ch->ch_ending_ms = ending_ms;
	lifetime_due(srv, lifetime_next(srv, ch));
}

void
lifetime_begin(struct server *srv, struct child *ch, int64_t started_ms)
{
	lifetime_adopt(srv, ch, started_ms, 0, 0);
}

/*
 * Child ch's step is due: SIGTERM first (a program may clean up), then
 * SIGKILL.  Its slot stays ours until it is reaped, so the pid cannot
 * be another process's yet.
 */
static void
lifetime_step(const struct server *srv, struct child *ch, int64_t now)
{
	const struct config *cf = srv->srv_conf;
	/* "-": its service was removed by a reload, as the reaper says. */
	const char *name = ch->ch_svc == SIZE_MAX ? "-" :
	    cf->cf_services[ch->ch_svc].sc_name;
	int signo = SIGTERM;

	if (ch->ch_ending == LIFETIME_TERMED) {
		signo = SIGKILL;
		ch->ch_ending = LIFETIME_KILLED;
		log_info("%ld (%s) still alive %u s after its SIGTERM at "
		    "max_lifetime: SIGKILL", (long)ch->ch_pid, name,
		    cf->cf_shutdown_grace);
	} else {
		ch->ch_ending = LIFETIME_TERMED;
		ch->ch_ending_ms = now;
	}
	if (kill(ch->ch_pid, signo) == -1 && errno != ESRCH)
		log_warn("%s: kill %ld at max_lifetime", name,
		    (long)ch->ch_pid);
}

void
lifetime_run(struct server *srv)
{
	int64_t now, next;
	unsigned i;

	if (srv->srv_lifetime_due_ms == 0 ||
	    (now = netio_now_ms()) < srv->srv_lifetime_due_ms)
		return;
	srv->srv_lifetime_due_ms = 0;
	for (i = 0; i < srv->srv_nslots; i++) {
		struct child *ch = &srv->srv_children[i];

		if ((next = lifetime_next(srv, ch)) == 0)
			continue;
		if (next <= now) {
			lifetime_step(srv, ch, now);
			next = lifetime_next(srv, ch);
		}
		lifetime_due(srv, next);
	}
}

int
lifetime_poll_ms(const struct server *srv)
{
	if (srv->srv_lifetime_due_ms == 0)
		return -1;
	return netio_left_ms(srv->srv_lifetime_due_ms);
}
