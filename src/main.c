/*
 * spawnd: serve the perlipc services, one forked child per client.
 *
 * main() owns start-up and the decisions to exit: options, the
 * configuration, daemonizing, the listeners and the pidfile, then the
 * event loop until a signal asks to stop or to reload.  A reload is a
 * re-execution of the binary with the original argv, after the new
 * configuration has been checked.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "handover.h"
#include "log.h"
#include "notify.h"
#include "server.h"
#include "sig.h"

#define DEFAULT_CONFIG SYSCONFDIR "/spawnd.conf"

struct options {
	const char	*op_config;	/* -c; NULL: default path or built-in */
	const char	*op_pidfile;	/* -p; NULL: the config's */
	int		 op_foreground;	/* -f */
	int		 op_test;	/* -t */
	int		 op_debug;	/* -d */
};

/* Everything a reload needs to re-execute us as we were started. */
struct self {
	char		 se_path[PATH_MAX];	/* absolute path of the binary */
	char		 se_startdir[PATH_MAX];	/* cwd at the first start */
	char		**se_argv;
	int		 se_reexec;	/* we are a reload's new image */
	struct handover	 se_handover;	/* what the old image passed on */
};

static const char optstring[] = "fc:p:tdVh";
static const struct option longopts[] = {
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "config",		required_argument,	NULL, 'c' },
	{ "pidfile",		required_argument,	NULL, 'p' },
	{ "test-config",	no_argument,		NULL, 't' },
	{ "debug",		no_argument,		NULL, 'd' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: spawnd [-f] [-c FILE] [-p PIDFILE] [-t] [-d] [-V] [-h]\n"
	    "  -f, --foreground    stay in the foreground, log to stderr\n"
	    "  -c, --config FILE   configuration file (default %s;\n"
	    "                      built-in defaults when it does not exist)\n"
	    "  -p, --pidfile FILE  overrides the configuration's pidfile\n"
	    "  -t, --test-config   check the configuration and exit\n"
	    "  -d, --debug         log debug messages too\n"
	    "  -V, --version       print the version and exit\n"
	    "  -h, --help          print this help and exit\n",
	    DEFAULT_CONFIG);
}

static void
parse_options(int argc, char **argv, struct options *op)
{
	int ch;

	memset(op, 0, sizeof(*op));
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': op->op_foreground = 1; break;
		case 'c': op->op_config = optarg; break;
		case 'p': op->op_pidfile = optarg; break;
		case 't': op->op_test = 1; break;
		case 'd': op->op_debug = 1; break;
		case 'V':
			printf("spawnd %s\n", PACKAGE_VERSION);
			exit(EX_OK);
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			usage(stderr);
			exit(EX_USAGE);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "spawnd: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		exit(EX_USAGE);
	}
}

/* dir + "/" + path unless path is absolute; 0 or -1 if too long. */
static int
path_join(char *out, size_t outlen, const char *dir, const char *path)
{
	int n;

	if (path[0] == '/')
		n = snprintf(out, outlen, "%s", path);
	else
		n = snprintf(out, outlen, "%s/%s", dir, path);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* Find argv[0] the way the shell did, so a reload runs the same file. */
static int
self_locate(struct self *se, const char *argv0)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX];

	if (strchr(argv0, '/') != NULL)
		return path_join(se->se_path, sizeof(se->se_path),
		    se->se_startdir, argv0);
	while (path != NULL && *path != '\0') {
		size_t len = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)len, len ? path : ".");
		if (path_join(se->se_path, sizeof(se->se_path), dir, argv0) == 0 &&
		    se->se_path[0] == '/' && access(se->se_path, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	errno = ENOENT;
	return -1;
}

/*
 * A reload's new image that cannot go on: what the old one passed is
 * ours to clean up, or a stale pidfile and socket files stay behind.
 */
static void __attribute__((noreturn))
self_abandon(struct self *se, int status)
{
	struct handover *ho = &se->se_handover;

	if (ho->ho_pidfd != -1)
		pidfile_release(ho->ho_pidfile, ho->ho_pidfd);
	handover_free(ho);
	exit(status);
}

static void
self_init(struct self *se, char **argv)
{
	struct handover *ho = &se->se_handover;
	char err[512];

	memset(se, 0, sizeof(*se));
	se->se_argv = argv;
	/* Also unsets the variables: children must not see them. */
	if (handover_read(ho, err, sizeof(err)) == -1) {
		log_error("%s", err);
		self_abandon(se, EX_OSERR);
	}
	se->se_reexec = ho->ho_present;
	if (ho->ho_present && ho->ho_startdir[0] == '/')
		memcpy(se->se_startdir, ho->ho_startdir, sizeof(se->se_startdir));
	else if (getcwd(se->se_startdir, sizeof(se->se_startdir)) == NULL) {
		log_error("getcwd: %s", strerror(errno));
		exit(EX_OSERR);
	}
	if (self_locate(se, argv[0]) == -1) {
		log_error("cannot locate my own binary \"%s\": %s", argv[0],
		    strerror(errno));
		exit(EX_OSERR);
	}
}

static void
report_stderr(void *ctx, const char *line)
{
	(void)ctx;
	log_bare(line);
}

static void
report_log(void *ctx, const char *line)
{
	(void)ctx;
	log_warnx("%s", line);
}

/*
 * Load the configuration named by -c, else the default file, else the
 * built-in one.  Returns 0, or the number of errors (already reported).
 */
static int
config_load(struct config *cf, const struct options *op,
    const struct self *se, conf_report_fn *report)
{
	char path[PATH_MAX];
	struct stat st;

	if (op->op_config == NULL && stat(DEFAULT_CONFIG, &st) == -1 &&
	    errno == ENOENT)
		return conf_builtin(cf, se->se_startdir, report, NULL);
	if (path_join(path, sizeof(path), se->se_startdir,
	    op->op_config ? op->op_config : DEFAULT_CONFIG) == -1) {
		report(NULL, "configuration path too long");
		return 1;
	}
	return conf_load(cf, path, se->se_startdir, report, NULL);
}

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
 * A reload's pidfile: the running one, or -- if its path changed -- the
 * new one, taken (locked) now, while a failure can still be refused.
 * Returns its fd, or -1 with the reason in err.
 */
static int
reload_pidfile(const struct options *op, const struct self *se,
    const struct config *next, const char *pidfile, int pidfd,
    char *newpath, size_t pathlen, char *err, size_t errlen)
{
	pid_t holder = 0;
	int fd;

	if (path_join(newpath, pathlen, se->se_startdir, op->op_pidfile ?
	    op->op_pidfile : next->cf_pidfile) == -1) {
		snprintf(err, errlen, "pidfile path too long");
		return -1;
	}
	if (strcmp(newpath, pidfile) == 0)
		return pidfd;
	if ((fd = pidfile_acquire(newpath, &holder)) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "pidfile %s is held by PID %ld",
			    newpath, (long)holder);
		else
			snprintf(err, errlen, "pidfile %s: %s", newpath,
			    strerror(errno));
		return -1;
	}
	if (pidfile_write(fd) == -1) {
		snprintf(err, errlen, "pidfile %s: %s", newpath, strerror(errno));
		pidfile_release(newpath, fd);
		return -1;
	}
	return fd;
}

/*
 * After the check passed: load the new configuration exactly as -t
 * did, open the addresses it adds and take a new pidfile, then become a
 * fresh copy of ourselves, handing over listeners, pidfile and
 * children.  Never fatal: on any failure we keep serving as we are.
 */
static void
reload(struct server *srv, const struct options *op,
    const struct self *se, const char *pidfile, int *pidfdp)
{
	int pidfd = *pidfdp;
	struct config next;
	struct prebound *pb = NULL;
	size_t npb = 0;
	char env[16], err[PATH_MAX + 128], newpidfile[PATH_MAX];
	int memfd = -1, newfd = -1, swapped = 0;

	if (config_load(&next, op, se, report_log) != 0) {
		reload_refused("the configuration has errors");
		return;
	}
	if (server_prebind(srv, &next, &pb, &npb, err, sizeof(err)) == -1) {
		reload_refused(err);
		conf_free(&next);
		return;
	}
	newfd = reload_pidfile(op, se, &next, pidfile, pidfd, newpidfile,
	    sizeof(newpidfile), err, sizeof(err));
	if (newfd == -1) {
		reload_refused(err);
		goto undo;
	}
	/* Last: an address rewritten as an overlapping one changes hands. */
	if (server_prebind_swap(srv, pb, npb, err, sizeof(err)) == -1) {
		reload_refused(err);
		goto undo;
	}
	swapped = 1;
	log_info("got SIGHUP, re-executing %s", se->se_path);
	memfd = handover_create(se->se_startdir, newfd, newpidfile);
	if (memfd == -1 || server_handover(srv, pb, npb, memfd) == -1) {
		log_warn("preparing the hand-over; still running");
		goto undo;
	}
	snprintf(env, sizeof(env), "%d", memfd);
	if (setenv(HANDOVER_ENV, env, 1) == -1) {
		log_warn("setenv %s; still running", HANDOVER_ENV);
		goto undo;
	}
	notify_reloading();
	spawn_log_unlogged(srv, 1);	/* the counts die with this image */
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
	server_handover_undo(srv);
	if (swapped)
		server_prebind_unswap(srv, pb, npb);
	server_prebind_close(pb, npb);
	conf_free(&next);
	if (newfd != -1)
		(void)handover_restore_cloexec(newfd);
	if (newfd != -1 && newfd != pidfd)
		pidfile_release(newpidfile, newfd);
	if (memfd != -1)
		handover_cancel(memfd);
}

/* SIGHUP: start checking the binary we would exec; serve on meanwhile. */
static void
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

/*
 * Lock the pidfile into *fdp.  Returns 0, or the sysexits status to exit
 * with and why in err.
 */
static int
pidfile_take(const char *path, int *fdp, char *err, size_t errlen)
{
	pid_t holder = 0;

	if ((*fdp = pidfile_acquire(path, &holder)) != -1)
		return 0;
	if (errno == EWOULDBLOCK && holder > 0)
		snprintf(err, errlen, "already running as PID %ld (pidfile %s)",
		    (long)holder, path);
	else if (errno == EWOULDBLOCK)
		snprintf(err, errlen, "already running (pidfile %s is locked)",
		    path);
	else {
		snprintf(err, errlen, "pidfile %s: %s", path, strerror(errno));
		return EX_OSERR;
	}
	return EX_UNAVAILABLE;
}

/* The pidfile a reload handed over if its path is unchanged, else a new one. */
static int
pidfile_inherit(struct handover *ho, const char *pidfile, int *fdp,
    char *err, size_t errlen)
{
	int fd = ho->ho_pidfd;

	ho->ho_pidfd = -1;
	if (fd != -1 && strcmp(ho->ho_pidfile, pidfile) == 0) {
		*fdp = fd;
		return 0;
	}
	if (fd != -1)
		pidfile_release(ho->ho_pidfile, fd);
	return pidfile_take(pidfile, fdp, err, errlen);
}

/* Start-up before the loop; returns the locked pidfile's fd. */
static int
start(struct server *srv, struct config *cf, const sigset_t *wait_mask,
    const char *pidfile, const struct options *op, struct self *se)
{
	struct handover *ho = &se->se_handover;
	char err[PATH_MAX + 128];
	int pidfd, status;

	if (!op->op_foreground && !se->se_reexec && daemon_detach() == -1) {
		fprintf(stderr, "spawnd: becoming a daemon: %s\n",
		    strerror(errno));
		exit(EX_OSERR);
	}
	if ((status = pidfile_inherit(ho, pidfile, &pidfd, err,
	    sizeof(err))) != 0) {
		/* A reload's image: the sockets it was handed go with it. */
		handover_free(ho);
		daemon_fail(status, "%s", err);
	}
	if (server_init(srv, cf, wait_mask) == -1 ||
	    server_adopt_children(srv, ho) == -1) {
		snprintf(err, sizeof(err), "setting up: %s", strerror(errno));
		status = EX_OSERR;
	} else
		status = server_listen(srv, ho, err, sizeof(err));
	if (status != 0) {
		/* Failed start-up: leave no pidfile and no socket file behind. */
		server_abandon(srv);
		handover_close_unused(ho);
		pidfile_release(pidfile, pidfd);
		daemon_fail(status, "%s", err);
	}
	handover_free(ho);
	if (pidfile_write(pidfd) == -1)
		daemon_fail(EX_OSERR, "pidfile %s: %s", pidfile,
		    strerror(errno));
	log_info("spawnd %s %s with %s", PACKAGE_VERSION,
	    se->se_reexec ? "reloaded" : "started",
	    cf->cf_file ? cf->cf_file : "the built-in default configuration");
	server_announce(srv);
	daemon_ready();
	if (notify_send("READY=1") == -1)
		log_warn("notifying systemd");
	return pidfd;
}

int
main(int argc, char **argv)
{
	struct options op;
	struct self se;
	struct config cf;
	struct server srv;
	char pidfile[PATH_MAX];
	sigset_t wait_mask;
	enum server_exit why;
	char reason[512];
	int pidfd, again;

	/*
	 * Before anything else: an exec from a reload inherits the mask and
	 * the pending signals of the image before it.
	 */
	if (sig_setup(&wait_mask) == -1) {
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
	parse_options(argc, argv, &op);
	/*
	 * A daemon's new image (a reload's) has /dev/null for stderr: its
	 * errors, from here on, go to syslog.  Safe before the close_range
	 * below, which a reload's image skips.
	 */
	log_init(op.op_foreground || op.op_test || getenv(HANDOVER_ENV) == NULL,
	    LOG_DAEMON, op.op_debug);
	self_init(&se, argv);
	tzset();
	/* daemon(7): no stray fds, except sockets systemd passed us. */
	if (!op.op_foreground && !op.op_test && !se.se_reexec &&
	    se.se_handover.ho_nlisteners == 0)
		(void)close_range(STDERR_FILENO + 1, ~0U, 0);
	if (config_load(&cf, &op, &se, se.se_reexec ? report_log :
	    report_stderr) != 0) {
		if (se.se_reexec)
			self_abandon(&se, EX_CONFIG);
		return EX_CONFIG;
	}
	if (op.op_test) {
		printf("configuration OK\n");
		conf_free(&cf);
		return EX_OK;
	}
	log_init(op.op_foreground || cf.cf_log_target == LOG_TARGET_STDERR,
	    cf.cf_syslog_facility, op.op_debug);
	if (path_join(pidfile, sizeof(pidfile), se.se_startdir,
	    op.op_pidfile ? op.op_pidfile : cf.cf_pidfile) == -1) {
		log_error("pidfile path too long");
		conf_free(&cf);
		return EX_CONFIG;
	}
	pidfd = start(&srv, &cf, &wait_mask, pidfile, &op, &se);
	while ((why = server_loop(&srv)) != SERVER_STOP) {
		if (why == SERVER_RELOAD) {
			reload_request(&srv, &se);
			continue;
		}
		again = srv.srv_check.rc_again;
		srv.srv_check.rc_again = 0;
		if (reload_check_verdict(&srv.srv_check, report_check_line,
		    reason, sizeof(reason)) == -1)
			reload_refused(reason);
		else if (!again)
			reload(&srv, &op, &se, pidfile, &pidfd);
		if (again)	/* that verdict may be stale: once more */
			reload_request(&srv, &se);
	}
	(void)notify_send("STOPPING=1");
	server_stop(&srv);
	pidfile_release(pidfile, pidfd);
	server_free(&srv);
	conf_free(&cf);
	return EX_OK;
}
