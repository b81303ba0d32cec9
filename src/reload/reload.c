/*
 * The SIGHUP path (see reload.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "config/config.h"
#include "daemon/notify.h"
#include "daemon/pidfile.h"
#include "parent/refusals.h"
#include "parent/server.h"
#include "reload/check.h"
#include "reload/handover.h"
#include "reload/prebind.h"
#include "reload/reload.h"
#include "reload/self.h"
#include "reload/state.h"

/* Tell systemd a reload starts (sd_notify(3) wants the clock too). */
static void
notify_reloading(void)
{
	char state[64];
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%lld",
	    (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000);
	if (notify_send(state) == -1)
		log_warn("notifying systemd");
}

/* DESIGN section 9's line: nothing changed, the old image serves on. */
static void
reload_refused(const char *reason)
{
	log_warnx("reload refused: %s; still running with the old "
	    "configuration", reason);
}

/*
 * After the check passed: load the new configuration exactly as -t
 * did, open the addresses it adds and take a new pidfile, then become a
 * fresh copy of ourselves, handing over listeners, pidfile and
 * children.  Never fatal: on any failure we keep serving as we are.
 */
static void
reload(struct server *srv, const struct self *se, const char *pidfile,
    int *pidfdp)
{
	int pidfd = *pidfdp;
	struct config next;
	struct prebound *pb = NULL;
	size_t npb = 0;
	char env[16], err[PATH_MAX + 128], newpidfile[PATH_MAX];
	int memfd = -1, newfd = -1, swapped = 0;

	if (conf_load_chosen(&next, se->se_config, se->se_startdir,
	    log_report_warn, NULL) != 0) {
		reload_refused("the configuration has errors");
		return;
	}
	if (prebind_open(srv, &next, &pb, &npb, err, sizeof(err)) == -1) {
		reload_refused(err);
		conf_free(&next);
		return;
	}
	if (self_pidfile(se, next.cf_pidfile, newpidfile,
	    sizeof(newpidfile)) == -1)
		snprintf(err, sizeof(err), "pidfile path too long");
	else
		newfd = pidfile_for_reload(newpidfile, pidfile, pidfd, err,
		    sizeof(err));
	if (newfd == -1) {
		reload_refused(err);
		goto undo;
	}
	/* Last: an address rewritten as an overlapping one changes hands. */
	if (prebind_swap(srv, pb, npb, err, sizeof(err)) == -1) {
		reload_refused(err);
		goto undo;
	}
	swapped = 1;
	log_info("got SIGHUP, re-executing %s", se->se_path);
	memfd = handover_create(se->se_startdir, newfd, newpidfile);
	if (memfd == -1 || state_hand_over(srv, pb, npb, memfd) == -1) {
		log_warn("preparing the hand-over; still running");
		goto undo;
	}
	snprintf(env, sizeof(env), "%d", memfd);
	if (setenv(HANDOVER_ENV, env, 1) == -1) {
		log_warn("setenv %s; still running", HANDOVER_ENV);
		goto undo;
	}
	notify_reloading();
	refusal_log_unlogged(srv, 1);	/* the counts die with this image */
	/*
	 * A new pidfile replaces the old one: the old file goes now, its
	 * fd (close-on-exec) and lock with the exec.  Should the exec fail,
	 * the new file is released below and the old one written anew.
	 */
	if (newfd != pidfd)
		(void)unlink(pidfile);
	execv(se->se_path, se->se_argv);
	log_warn("re-executing %s; still running", se->se_path);
	(void)notify_send("READY=1");
	if (newfd != pidfd && pidfile_replace(pidfile, pidfdp) == -1) {
		log_warn("writing pidfile %s again", pidfile);
		/* Its file is gone: at exit, remove nobody else's. */
		close(*pidfdp);
		*pidfdp = -1;
	}
undo:
	state_hand_over_undo(srv);
	if (swapped)
		prebind_unswap(srv, pb, npb);
	prebind_close(pb, npb);
	conf_free(&next);
	if (newfd != -1)
		(void)handover_restore_cloexec(newfd);
	if (newfd != -1 && newfd != pidfd)
		pidfile_release(newpidfile, newfd);
	if (memfd != -1)
		handover_cancel(memfd);
}

void
reload_request(struct server *srv, const struct self *se)
{
	char err[256];

	/*
	 * The file may have changed since that check read it: check again
	 * once it is over, whatever its verdict.
	 */
	if (srv->srv_check.rc_pid != 0 || srv->srv_check.rc_done) {
		log_info("got SIGHUP while the last one is being checked; "
		    "checking again after it");
		srv->srv_check.rc_again = 1;
		return;
	}
	log_info("got SIGHUP, checking %s -t", se->se_path);
	if (reload_check_start(&srv->srv_check, se->se_path, se->se_argv,
	    se->se_startdir, err, sizeof(err)) == -1)
		reload_refused(err);
}

static void
report_check_line(const char *line)
{
	log_warnx("%s", line);
}

void
reload_checked(struct server *srv, const struct self *se, const char *pidfile,
    int *pidfdp)
{
	char reason[512];
	int again = srv->srv_check.rc_again;

	srv->srv_check.rc_again = 0;
	if (reload_check_verdict(&srv->srv_check, report_check_line, reason,
	    sizeof(reason)) == -1)
		reload_refused(reason);
	else if (!again)
		reload(srv, se, pidfile, pidfdp);
	if (again)	/* that verdict may be stale: once more */
		reload_request(srv, se);
}
