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
#include "board/stats.h"
#include "config/config.h"
#include "daemon/fdlimit.h"
#include "daemon/pidfile.h"
#include "handover/handover.h"
#include "handover/handover_config.h"
#include "handover/handover_write.h"
#include "parent/refusals.h"
#include "parent/server.h"
#include "parent/writers.h"
#include "reload/check.h"
#include "reload/outcome.h"
#include "reload/prebind.h"
#include "reload/reload.h"
#include "reload/self.h"
#include "reload/state.h"
#include "services/service.h"
#include "systemd/notify.h"

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

/* Tell whoever asked (spawnd -r) how the attempt went; outcome.h. */
static void
reload_publish(const struct reload *rl, enum outcome_state state,
    const char *reason)
{
	if (outcome_write(&rl->rl_outcome, state, reason) == -1)
		log_warn("writing the reload's outcome to %s",
		    rl->rl_outcome.ro_path[0] != '\0' ?
		    rl->rl_outcome.ro_path : "(no path)");
}

/* spawnd(8)'s line: nothing changed, the old image serves on. */
static void
reload_refusal_line(const char *reason)
{
	log_warnx("reload refused: %s; still running with the old "
	    "configuration", reason);
	stats_reload_refused();
}

/* The same, and the attempt's outcome published. */
static void
reload_refused(const struct reload *rl, const char *reason)
{
	reload_refusal_line(reason);
	reload_publish(rl, OUTCOME_REFUSED, reason);
}

/* What the new image opens before it serves: signalfd, config, board... */
#define RELOAD_FDS_SPARE	8

/* One reload in progress: what has to be undone if it does not happen. */
struct attempt {
	struct config	 at_next;	/* zeroed until loaded */
	struct prebound	*at_pb;		/* the next configuration's new sockets */
	size_t		 at_npb;
	int		 at_pidfile_fd;	/* the next image's pidfile;
					   -1: none yet */
	int		 at_memfd;	/* the hand-over; -1: none yet */
	int		 at_swapped;	/* prebind_swap() done */
	char		 at_pidfile[PATH_MAX];	/* at_pidfile_fd's path */
};

/*
 * Everything that can refuse the reload while we still serve as we
 * are: the new configuration (loaded exactly as -t loaded it), its new
 * addresses, its pidfile.  Returns 0, or -1 after the refusal line.
 */
static int
reload_prepare(const struct reload *rl, struct server *srv, int pidfile_fd,
    struct attempt *at)
{
	const struct self *se = rl->rl_self;
	char err[PATH_MAX + 128];

	if (conf_load_chosen(&at->at_next, svc_types, se->se_config,
	    se->se_startdir, log_report_warn, NULL) != 0) {
		reload_refused(rl, "the configuration has errors");
		return -1;
	}
	if (prebind_open(srv, &at->at_next, &at->at_pb, &at->at_npb, err,
	    sizeof(err)) == -1) {
		reload_refused(rl, err);
		return -1;
	}
	if (self_pidfile(se, at->at_next.cf_pidfile, at->at_pidfile,
	    sizeof(at->at_pidfile)) == -1)
		snprintf(err, sizeof(err), "pidfile path too long");
	else
		at->at_pidfile_fd = pidfile_for_reload(at->at_pidfile,
		    rl->rl_pidfile, pidfile_fd, err, sizeof(err));
	if (at->at_pidfile_fd == -1) {
		reload_refused(rl, err);
		return -1;
	}
	/*
	 * The new image must not die for want of an fd before it can even
	 * log why: a few to spare now (the old image's close-on-exec fds
	 * only add to them), or no reload.
	 */
	if (fdlimit_spare(RELOAD_FDS_SPARE) == -1) {
		snprintf(err, sizeof(err), "no %d file descriptors to spare for "
		    "the new image: %s", RELOAD_FDS_SPARE, strerror(errno));
		reload_refused(rl, err);
		return -1;
	}
	/* Last: an address rewritten as an overlapping one changes hands. */
	if (prebind_swap(srv, at->at_pb, at->at_npb, err, sizeof(err)) == -1) {
		reload_refused(rl, err);
		return -1;
	}
	at->at_swapped = 1;
	return 0;
}

/* Write the hand-over and name it in the environment.  0 or -1, logged. */
static int
reload_hand_over(const struct reload *rl, const struct server *srv,
    struct attempt *at)
{
	const struct self *se = rl->rl_self;
	char env[16], err[128];

	log_info("got SIGHUP, re-executing %s", se->se_path);
	at->at_memfd = handover_create(se->se_startdir, at->at_pidfile_fd,
	    at->at_pidfile);
	if (at->at_memfd == -1 ||
	    handover_add_reload(at->at_memfd, rl->rl_outcome.ro_seq) == -1 ||
	    state_hand_over(srv, at->at_pb, at->at_npb, at->at_memfd) == -1 ||
	    handover_add_config(at->at_memfd, &at->at_next) == -1) {
		snprintf(err, sizeof(err), "preparing the hand-over: %s",
		    strerror(errno));
		reload_refused(rl, err);
		return -1;
	}
	snprintf(env, sizeof(env), "%d", at->at_memfd);
	if (setenv(HANDOVER_ENV, env, 1) == -1) {
		snprintf(err, sizeof(err), "setenv %s: %s", HANDOVER_ENV,
		    strerror(errno));
		reload_refused(rl, err);
		return -1;
	}
	return 0;
}

/* A reload that did not happen: put everything back as it was. */
static void
reload_undo(struct server *srv, struct attempt *at, int pidfile_fd)
{
	state_hand_over_undo(srv);
	if (at->at_swapped)
		prebind_unswap(srv, at->at_pb, at->at_npb);
	prebind_close(at->at_pb, at->at_npb);
	conf_free(&at->at_next);
	if (at->at_pidfile_fd != -1)
		(void)handover_restore_cloexec(at->at_pidfile_fd);
	if (at->at_pidfile_fd != -1 && at->at_pidfile_fd != pidfile_fd)
		pidfile_release(at->at_pidfile, at->at_pidfile_fd);
	if (at->at_memfd != -1)
		handover_cancel(at->at_memfd);
}

/*
 * After the check passed: prepare, then become a fresh copy of
 * ourselves, handing over listeners, pidfile and children.  Never
 * fatal: on any failure we keep serving as we are.
 */
static void
reload(struct reload *rl, struct server *srv, int *pidfile_fdp)
{
	const struct self *se = rl->rl_self;
	const char *pidfile = rl->rl_pidfile;
	struct attempt at = { .at_pidfile_fd = -1, .at_memfd = -1 };
	char err[PATH_MAX + 64];
	int pidfile_fd = *pidfile_fdp;

	if (reload_prepare(rl, srv, pidfile_fd, &at) == 0 &&
	    reload_hand_over(rl, srv, &at) == 0) {
		notify_reloading();
		refusal_log_unlogged(srv, 1);	/* the counts die with us */
		/*
		 * A new pidfile replaces the old one: the old file goes now,
		 * its fd (close-on-exec) and lock with the exec.  Should the
		 * exec fail, the new file is released below and the old one
		 * written anew.
		 */
		if (at.at_pidfile_fd != pidfile_fd) {
			(void)unlink(pidfile);
			/* The new image's outcome file is the new pidfile's. */
			outcome_remove(&rl->rl_outcome);
		}
		writers_unlink_unserved(srv, &at.at_next);
		execv(se->se_path, se->se_argv);
		snprintf(err, sizeof(err), "re-executing %s: %s", se->se_path,
		    strerror(errno));
		writers_remake_missing(srv);
		(void)notify_send("READY=1");
		if (at.at_pidfile_fd != pidfile_fd &&
		    pidfile_replace(pidfile, pidfile_fdp) == -1) {
			log_warn("writing pidfile %s again", pidfile);
			/* Its file is gone: at exit, remove nobody else's. */
			close(*pidfile_fdp);
			*pidfile_fdp = -1;
		}
		/* Last: spawnd -r returns, and we serve as before. */
		reload_refused(rl, err);
	}
	reload_undo(srv, &at, pidfile_fd);
}

void
reload_init(struct reload *rl, const struct self *se, const char *pidfile,
    uint64_t seq)
{
	struct reload_outcome *ro = &rl->rl_outcome;

	memset(rl, 0, sizeof(*rl));
	rl->rl_self = se;
	rl->rl_pidfile = pidfile;
	rl->rl_check.rc_out = rl->rl_check.rc_err = -1;
	ro->ro_seq = seq;
	if (outcome_path(pidfile, ro->ro_path, sizeof(ro->ro_path)) == -1) {
		ro->ro_path[0] = '\0';
		log_warnx("pidfile %s: path too long for its reload outcome "
		    "file; spawnd -r cannot wait for reloads", pidfile);
		return;
	}
	/* A first start replaces whatever a crashed daemon left there. */
	if (!se->se_reexec)
		reload_publish(rl, OUTCOME_STARTED, NULL);
}

void
reload_serving(const struct reload *rl)
{
	if (rl->rl_self->se_reexec)
		reload_publish(rl, OUTCOME_RELOADED, NULL);
}

void
reload_end(struct reload *rl)
{
	outcome_remove(&rl->rl_outcome);
}

void
reload_request(struct reload *rl, struct server *srv, const char *changed)
{
	const struct self *se = rl->rl_self;
	char err[256];

	/*
	 * The file may have changed since that check read it: check again
	 * once it is over, whatever its verdict.
	 */
	if (srv->srv_sidejob.sj_pid != 0 || srv->srv_sidejob.sj_done) {
		if (changed != NULL)
			log_info("configuration changed (%s) while the last "
			    "reload is being checked; checking again after "
			    "it", changed);
		else
			log_info("got SIGHUP while the last one is being "
			    "checked; checking again after it");
		rl->rl_check.rc_again = 1;
		return;
	}
	if (changed == NULL)
		log_info("got SIGHUP, checking %s -t", se->se_path);
	else if (changed[0] == '\0')
		log_info("checking %s -t again", se->se_path);
	else
		log_info("configuration changed (%s), checking %s -t", changed,
		    se->se_path);
	rl->rl_outcome.ro_seq++;
	reload_publish(rl, OUTCOME_CHECKING, NULL);
	if (reload_check_start(&rl->rl_check, &srv->srv_sidejob, se->se_path,
	    se->se_argv, se->se_startdir, err, sizeof(err)) == -1)
		reload_refused(rl, err);
}

static void
report_check_line(const char *line)
{
	log_warnx("%s", line);
}

void
reload_checked(struct reload *rl, struct server *srv, int *pidfile_fdp)
{
	char reason[512];
	int again = rl->rl_check.rc_again;

	rl->rl_check.rc_again = 0;
	/*
	 * A verdict another check follows (again) is not the attempt's
	 * outcome: spawnd -r waits for that check's.
	 */
	if (reload_check_verdict(&rl->rl_check, &srv->srv_sidejob,
	    report_check_line, reason, sizeof(reason)) == -1) {
		if (again)
			reload_refusal_line(reason);
		else
			reload_refused(rl, reason);
	} else if (!again)
		reload(rl, srv, pidfile_fdp);
	if (again)	/* that verdict may be stale: once more */
		reload_request(rl, srv, "");
}
