/*
 * spawnd: serve the perlipc services, one forked child per client.
 *
 * main() owns start-up and the decisions to exit: options, the
 * configuration, daemonizing, the listeners and the pidfile, then the
 * event loop (src/parent/) until a signal asks to stop or to reload
 * (src/reload/).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/nofork.h"
#include "base/sig.h"
#include "base/version.h"
#include "board/stats.h"
#include "config/conf_list.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/fdlimit.h"
#include "daemon/options.h"
#include "daemon/pidfile.h"
#include "handover/handover.h"
#include "handover/inherited.h"
#include "parent/listeners.h"
#include "parent/loop.h"
#include "parent/reports.h"
#include "parent/server.h"
#include "parent/writers.h"
#include "reload/outcome.h"
#include "reload/reload.h"
#include "reload/reloadctl.h"
#include "reload/self.h"
#include "reload/state.h"
#include "services/service.h"
#include "systemd/notify.h"

/*
 * The configuration: a reload's new image loads the very text the image
 * before it checked (the file may have changed since, and this image
 * must not die of it); otherwise -c's file, the default or the built-in.
 */
static int
load_config(struct config *cf, const struct self *se,
    const struct handover *ho)
{
	if (ho->ho_nsources > 0)
		return conf_load_sources(cf, svc_types, ho->ho_sources,
		    ho->ho_nsources, se->se_startdir, log_report_warn, NULL);
	return conf_load_chosen(cf, svc_types, se->se_config, se->se_startdir,
	    se->se_reexec ? log_report_warn : log_report_bare, NULL);
}

/*
 * A reload's new image that cannot go on: what the old one passed is
 * ours to clean up (the pidfile and the sockets), or a stale pidfile
 * and socket files stay behind.  Safe when nothing was passed.
 */
static void
release_handover(struct handover *ho)
{
	pidfile_release(ho->ho_pidfile, ho->ho_pidfile_fd);
	ho->ho_pidfile_fd = -1;
	handover_free(ho);
}

/*
 * The fds cf needs against RLIMIT_NOFILE: at -t a warning on stderr; at
 * start the soft limit raised to fit, and a warning if it cannot be.
 */
static void
check_fd_limit(const struct config *cf, int raise)
{
	size_t nlisteners = conf_count_listeners(cf);
	unsigned nreports = reports_capacity(cf);
	unsigned long need = fdlimit_need(nlisteners, nreports), limit;
	char why[256];

	if (fdlimit_fit(need, raise, &limit) == 0)
		return;
	snprintf(why, sizeof(why), "%zu listeners%s need about %lu file "
	    "descriptors, and RLIMIT_NOFILE allows %lu: raise it "
	    "(LimitNOFILE= in the unit, ulimit -n)%s", nlisteners,
	    nreports > 0 ? " and max_children PROXY reports (per_source)" :
	    "", need, limit, nreports > 0 ? " or lower max_children" : "");
	if (raise)
		log_warnx("%s%s%s", cf->cf_file ? cf->cf_file : "",
		    cf->cf_file ? ": " : "", why);
	else
		fprintf(stderr, "%s: warning: %s\n", cf->cf_file ?
		    cf->cf_file : "spawnd", why);
}

/*
 * Before detaching, while stderr is still the admin's: what a start
 * that goes well would otherwise keep quiet about.
 */
static void
start_notes(const struct config *cf, int foreground, const struct self *se)
{
	if (se->se_reexec)
		return;
	if (cf->cf_file == NULL)
		fprintf(stderr, "spawnd: no %s: running the built-in "
		    "configuration (loopback ports 2345-2348 and 9000, "
		    "./catsock), for trying spawnd from its build tree\n",
		    CONF_DEFAULT_PATH);
	if (!foreground && cf->cf_log_target == LOG_TARGET_SYSLOG &&
	    log_syslog_listening() == -1)
		fprintf(stderr, "spawnd: warning: %s: %s; logs will be lost "
		    "(use -f to log to stderr)\n", LOG_SOCKET_PATH,
		    strerror(errno));
}

/*
 * Start-up before the loop; returns the server, *pidfile_fdp the locked
 * pidfile's fd.
 */
static struct server *
start(struct config *cf, const char *pidfile, int foreground,
    const struct self *se, struct handover *ho, struct reload *rl,
    int *pidfile_fdp)
{
	char err[PATH_MAX + 128];
	struct server *srv;
	int pidfile_fd, status;

	if (!foreground && !se->se_reexec && daemon_detach() == -1) {
		fprintf(stderr, "spawnd: becoming a daemon: %s\n",
		    strerror(errno));
		exit(EX_OSERR);
	}
	status = pidfile_inherit(ho->ho_pidfile_fd, ho->ho_pidfile, pidfile,
	    &pidfile_fd, err, sizeof(err));
	ho->ho_pidfile_fd = -1;	/* kept as pidfile_fd, or released */
	if (status != 0) {
		/* A reload's image: the sockets it was handed go with it. */
		handover_free(ho);
		daemon_fail(status, "%s", err);
	}
	/*
	 * The parent's own, like its tables (base/nofork.h); after the
	 * detach, whose fork would leave it behind.
	 */
	if ((srv = nofork_calloc(1, sizeof(*srv))) == NULL) {
		inherited_close_unused(ho);
		pidfile_release(pidfile, pidfile_fd);
		daemon_fail(EX_OSERR, "allocating the server: %s",
		    strerror(errno));
	}
	check_fd_limit(cf, 1);
	if (server_init(srv, cf) == -1 ||
	    state_adopt_children(srv, ho) == -1) {
		snprintf(err, sizeof(err), "setting up: %s", strerror(errno));
		status = EX_OSERR;
	} else
		status = listeners_open(srv, ho, err, sizeof(err));
	if (status != 0) {
		/* Failed start-up: leave no pidfile and no socket file behind. */
		server_abandon(srv);
		inherited_close_unused(ho);
		pidfile_release(pidfile, pidfile_fd);
		daemon_fail(status, "%s", err);
	}
	if (reports_channel_open(srv) == -1)
		log_warn("the proxied children's refusals channel");
	state_adopt_reports(srv, ho);
	writers_adopt_all(srv, ho);
	/* Without a board spawnd serves on; status and metrics say so. */
	if (stats_open(cf, srv->srv_nslots) == -1)
		log_warn("the status board");
	state_adopt_stats(srv, ho, se->se_reexec);
	handover_free(ho);
	reload_init(rl, se, pidfile, ho->ho_reload_seq);
	if (pidfile_write(pidfile_fd) == -1)
		daemon_fail(EX_OSERR, "pidfile %s: %s", pidfile,
		    strerror(errno));
	log_info("spawnd %s %s with %s", spawnd_version,
	    se->se_reexec ? "reloaded" : "started",
	    cf->cf_file ? cf->cf_file : "the built-in default configuration");
	server_announce(srv);
	writers_start(srv, se->se_reexec);
	watch_open(&srv->srv_watch, cf, se->se_reexec);
	listeners_store(srv);
	daemon_ready();
	if (notify_send("READY=1") == -1)
		log_warn("notifying systemd");
	reload_serving(rl);
	*pidfile_fdp = pidfile_fd;
	return srv;
}

/* The process as exec left it, put right.  0 or the status to exit with. */
static int
process_setup(void)
{
	/*
	 * Before anything else: an exec from a reload inherits the mask and
	 * the pending signals of the image before it.
	 */
	if (sig_setup() == -1) {
		fprintf(stderr, "spawnd: resetting signals: %s\n", strerror(errno));
		return EX_OSERR;
	}
	/*
	 * Started with 0, 1 or 2 closed, a socket would take that number
	 * and every child, which keeps 0-2, would hold it as its stdio.
	 */
	if (daemon_guard_stdio() == -1) {
		fprintf(stderr, "spawnd: opening /dev/null: %s\n", strerror(errno));
		return EX_OSERR;
	}
	return 0;
}

/* The loop until a signal asks to stop, then the shutdown. */
static int
serve(struct server *srv, struct config *cf, struct reload *rl, int pidfile_fd)
{
	enum loop_exit why;

	while ((why = loop_run(srv)) != LOOP_STOP) {
		if (why == LOOP_RELOAD)
			reload_request(rl, srv, NULL);
		else if (why == LOOP_CHANGED)
			reload_request(rl, srv, srv->srv_watch.wt_path);
		else
			reload_checked(rl, srv, &pidfile_fd);
	}
	(void)notify_send("STOPPING=1");
	server_stop(srv);
	if (pidfile_fd != -1)
		reload_end(rl);
	pidfile_release(rl->rl_pidfile, pidfile_fd);
	server_free(srv);
	stats_close();
	conf_free(cf);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct options op;
	struct self se;
	struct handover ho;
	struct reload rl;
	struct config cf;
	struct server *srv;
	char pidfile[PATH_MAX], err[PATH_MAX + 128];
	int pidfile_fd, status;

	if ((status = process_setup()) != 0)
		return status;
	parse_options(argc, argv, &op);
	/* -r serves nothing and may wait a minute: Ctrl-C must end it. */
	if (op.op_reload && sig_reset() == -1) {
		fprintf(stderr, "spawnd: unblocking signals: %s\n",
		    strerror(errno));
		return EX_OSERR;
	}
	/*
	 * A daemon's new image (a reload's) has /dev/null for stderr: its
	 * errors, from here on, go to syslog.  Safe before the close_range
	 * below, which a reload's image skips.
	 */
	log_init(op.op_foreground || op.op_test || getenv(HANDOVER_ENV) == NULL,
	    LOG_DAEMON, op.op_debug);
	/* What was handed to us, then who we are. */
	if (handover_receive(&ho, err, sizeof(err)) == -1)
		status = EX_OSERR;
	else
		status = self_init(&se, &ho, argv, op.op_config, op.op_pidfile,
		    err, sizeof(err));
	if (status != 0) {
		log_error("%s", err);
		release_handover(&ho);
		return status;
	}
	tzset();
	/* daemon(7): no stray fds, except sockets systemd passed us. */
	if (!op.op_foreground && !op.op_test && !se.se_reexec &&
	    ho.ho_nlisteners == 0)
		(void)close_range(STDERR_FILENO + 1, ~0U, 0);
	if (load_config(&cf, &se, &ho) != 0) {
		release_handover(&ho);
		if (!op.op_reload)
			return EX_CONFIG;
		fprintf(stderr, "reload not attempted: the configuration has "
		    "errors\n");
		return 1;
	}
	if (!op.op_reload)	/* -r starts nothing: no notes on starting */
		start_notes(&cf, op.op_foreground || op.op_test, &se);
	if (op.op_test) {
		check_fd_limit(&cf, 0);
		printf("configuration OK\n");
		status = op.op_list ? conf_list_print(stdout, &cf) : 0;
		if (status == -1)
			fprintf(stderr, "spawnd: writing the list of services: "
			    "%s\n", strerror(errno));
		conf_free(&cf);
		return status == -1 ? EX_IOERR : EX_OK;
	}
	log_init(op.op_foreground || cf.cf_log_target == LOG_TARGET_STDERR,
	    cf.cf_syslog_facility, op.op_debug);
	if (self_pidfile(&se, cf.cf_pidfile, pidfile, sizeof(pidfile)) == -1) {
		log_error("pidfile path too long");
		release_handover(&ho);
		conf_free(&cf);
		return EX_CONFIG;
	}
	if (op.op_reload) {
		status = reloadctl_run(pidfile, err, sizeof(err));
		fprintf(status == EX_OK ? stdout : stderr, "%s\n", err);
		release_handover(&ho);
		conf_free(&cf);
		return status;
	}
	srv = start(&cf, pidfile, op.op_foreground, &se, &ho, &rl, &pidfile_fd);
	status = serve(srv, &cf, &rl, pidfile_fd);
	nofork_free(srv);
	return status;
}
