/*
 * The reaper.  SIGCHLD comes through the signalfd (base/sig.h): the loop
 * calls reaper_collect() as soon as ppoll() reports it, before serving
 * that turn's listeners, and the spawner calls it when a limit on live
 * children is reached, so that exited children never count.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "base/log.h"
#include "board/stats.h"
#include "config/config.h"
#include "parent/listeners.h"
#include "parent/reaper.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/sidejob.h"
#include "parent/writers.h"

static struct child *
reap_find(struct server *srv, pid_t pid)
{
	unsigned i;

	for (i = 0; i < srv->srv_nslots; i++)
		if (srv->srv_children[i].ch_pid == pid)
			return &srv->srv_children[i];
	return NULL;
}

/* at_lifetime: the parent ended it (parent/lifetime.h), whatever status says. */
static void
reap_log(pid_t pid, const char *name, int status, int at_lifetime)
{
	if (at_lifetime)
		log_info("reaped %ld (%s) at max_lifetime", (long)pid, name);
	else if (WIFSIGNALED(status))
		log_info("reaped %ld (%s) killed by signal %d", (long)pid,
		    name, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_info("reaped %ld (%s) with exit %d", (long)pid, name,
		    WEXITSTATUS(status));
	else
		log_info("reaped %ld (%s)", (long)pid, name);
}

void
reaper_collect(struct server *srv)
{
	const struct svc_conf *sc;
	struct child *ch;
	int status, ended;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (sidejob_reaped(&srv->srv_sidejob, pid, status))
			continue;
		ch = reap_find(srv, pid);
		if (ch == NULL) {
			log_info("reaped %ld", (long)pid);
			continue;
		}
		srv->srv_live--;
		ch->ch_pid = 0;
		ended = ch->ch_ending != 0;
		stats_child_end((unsigned)(ch - srv->srv_children), ch->ch_svc,
		    status, ended);
		/* Its refusal may still wait in the pair: logged, then closed. */
		if (ch->ch_report != 0)
			reports_answer(srv, ch->ch_report - 1, 1);
		/* A wait child ended at its age did not fail: no pause. */
		listeners_release(srv, pid, ended ? 0 : status);
		if (ch->ch_svc == SIZE_MAX) {	/* its service was removed */
			reap_log(pid, "-", status, ended);
			continue;
		}
		sc = &srv->srv_conf->cf_services[ch->ch_svc];
		/* An end at max_lifetime is news even where connections are not. */
		if (sc->sc_log_connections || status != 0 || ended)
			reap_log(pid, sc->sc_name, status, ended);
		srv->srv_counts[ch->ch_svc].sn_live--;
		if (sc->sc_fifo != NULL)
			writers_gone(srv, ch->ch_svc, pid, status);
	}
	if (pid == -1 && errno != ECHILD)
		log_warn("waitpid");
	/* A child slot may be free now: paused wait services try again. */
	if (srv->srv_resume_ms != 0)
		listeners_unpause(srv, LISTENER_NO_CHILD);
}
