/*
 * Unit tests for the configuration loader (src/config/): the
 * schema and its defaults, every class of error reported as FILE:LINE
 * with the true line (also after the comments Debian's libconfuse 3.3
 * miscounts and inside lists, which it rejects), all errors at once,
 * and the built-in configuration.  Configurations are written to a
 * mkdtemp directory; the users and groups named exist on Debian.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/stat.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config/config.h"
#include "services/service.h"
#include "tap.h"

#define MAXMSGS	128
#define CONF_TEST_MANY	150

/* The table's entry for a type name, or NULL. */
static const struct service *
type_named(const char *name)
{
	const struct service *const *t;

	for (t = svc_types; *t != NULL; t++)
		if (strcmp((*t)->sv_type, name) == 0)
			return *t;
	return NULL;
}

static char	tmpdir[PATH_MAX];	/* also the "start directory" */
static char	conffile[PATH_MAX + 32];
static char	fortunes[PATH_MAX + 32];
static char	msgs[MAXMSGS][1024];
static int	nmsgs;

static void
collect(void *ctx, const char *line)
{
	(void)ctx;
	if (nmsgs < MAXMSGS)
		snprintf(msgs[nmsgs], sizeof(msgs[0]), "%s", line);
	nmsgs++;
}

static void
dump(void)
{
	int	i;

	for (i = 0; i < nmsgs && i < MAXMSGS; i++)
		printf("#   reported: %s\n", msgs[i]);
}

static int load_fmt(struct config *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Write the configuration to conffile and load it. */
static int
load_fmt(struct config *cf, const char *fmt, ...)
{
	FILE	*fp;
	va_list	 ap;

	nmsgs = 0;
	if ((fp = fopen(conffile, "w")) == NULL)
		return -2;
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	if (fclose(fp) == EOF)
		return -2;
	return conf_load(cf, svc_types, conffile, tmpdir, collect, NULL);
}

/* Nonzero if some report is "conffile:line: ...needle...". */
static int
reported(unsigned line, const char *needle)
{
	char	prefix[PATH_MAX + 64];
	int	i;

	snprintf(prefix, sizeof(prefix), "%s:%u: ", conffile, line);
	for (i = 0; i < nmsgs && i < MAXMSGS; i++)
		if (strncmp(msgs[i], prefix, strlen(prefix)) == 0 &&
		    strstr(msgs[i] + strlen(prefix), needle) != NULL)
			return 1;
	return 0;
}

/* A bad configuration: load fails, cf stays empty, the error is there. */
static void
expect_error(unsigned line, const char *needle, const char *what,
    const char *text)
{
	struct config	cf;
	int		n = load_fmt(&cf, "%s", text);
	int		pass = n > 0 && reported(line, needle);

	ok(pass, "%s: reported at line %u", what, line);
	if (!pass)
		dump();
	ok(cf.cf_nservices == 0 && cf.cf_services == NULL &&
	    cf.cf_pidfile == NULL, "%s: config left empty", what);
	conf_free(&cf);
}

/* A service section any test can add so that one is enabled. */
#define HELLO	"service hello {\n type = \"hello\"\n" \
		" listen_stream = {\"127.0.0.1:40001\"}\n}\n"

static void
test_full(void)
{
	struct config		 cf;
	struct svc_conf		*sc;
	struct passwd		*pw = getpwnam("nobody");
	struct group		*gr = pw ? getgrgid(pw->pw_gid) : NULL;
	char			 want[PATH_MAX + 64], group[256];
	uid_t			 uid;
	gid_t			 gid;
	int			 n;

	if (pw == NULL || gr == NULL) {
		ok(0, "user nobody and its group exist");
		return;
	}
	/* The loader's own lookups reuse getpw*'s and getgr*'s storage. */
	uid = pw->pw_uid;
	gid = gr->gr_gid;
	snprintf(group, sizeof(group), "%s", gr->gr_name);
	n = load_fmt(&cf,
	    "pidfile = \"%s/x.pid\"\nuser = \"nobody\"\ngroup = \"%s\"\n"
	    "max_children = 100\nlog_target = \"stderr\"\n"
	    "syslog_facility = \"local3\"\nresolve_names = false\n"
	    "dns_timeout = 5\nfortune_file = \"%s\"\nmotd_file = \"motd\"\n"
	    "shutdown_grace = 0\n"
	    "service hello {\n\ttype = hello\n\tenabled = true\n"
	    "\tlisten_stream = {\"40001\", \"hello.sock\"}\n"
	    "\tlisten_datagram = {}\n\tmax_instances = 3\n\tper_source = 4\n"
	    "\trate = 100\n\tidle_timeout = 0\n"
	    "\tallow = {\"127.0.0.0/8\", \"::1\", \"10.0.0.0/8\", "
	    "\"fe80::/10\"}\n\tdeny = {\"10.1.0.0/16\"}\n\tuser = \"root\"\n"
	    "\tgroup = \"root\"\n\tsocket_mode = \"0660\"\n"
	    "\tfortune_file = \"/nonexistent\"\n"
	    "\tfortune_command = \"/usr/games/fortune -s\"\n"
	    "\tfork = true\n\tlog_connections = false\n}\n"
	    "service \"hello off\" {\n\ttype = \"hello\"\n\tenabled = false\n"
	    "\tlisten_stream = {\"127.0.0.1:40001\"}\n}\n",
	    tmpdir, group, fortunes);
	ok(n == 0, "the full schema loads");
	if (n != 0) {
		dump();
		return;
	}
	snprintf(want, sizeof(want), "%s/x.pid", tmpdir);
	is_str(cf.cf_pidfile, want, "pidfile");
	is_str(cf.cf_file, conffile, "cf_file is the path loaded");
	is_str(cf.cf_user, "nobody", "user");
	is_str(cf.cf_group, group, "group");
	ok(cf.cf_max_children == 100 && cf.cf_dns_timeout == 5 &&
	    cf.cf_shutdown_grace == 0, "numbers");
	ok(cf.cf_log_target == LOG_TARGET_STDERR &&
	    cf.cf_syslog_facility == LOG_LOCAL3 && !cf.cf_resolve_names,
	    "log_target, syslog_facility, resolve_names");
	is_str(cf.cf_fortune_file, fortunes, "fortune_file");
	snprintf(want, sizeof(want), "%s/motd", tmpdir);
	is_str(cf.cf_motd_file, want, "a relative motd_file is made absolute");
	ok(cf.cf_nservices == 2, "two sections, enabled or not");
	sc = &cf.cf_services[0];
	is_str(sc->sc_name, "hello", "section title");
	ok(sc->sc_type == type_named("hello") && sc->sc_enabled &&
	    sc->sc_line == 12, "type, enabled, line of the header");
	ok(sc->sc_nstream == 2 && sc->sc_ndgram == 0 &&
	    sc->sc_stream[0].la_port == 40001 &&
	    sc->sc_stream[1].la_family == AF_UNIX, "listen addresses");
	snprintf(want, sizeof(want), "%s/hello.sock", tmpdir);
	ok(strstr(sc->sc_stream[1].la_text, want) != NULL,
	    "a relative socket path is joined to the start directory");
	ok(sc->sc_max_instances == 3 && sc->sc_per_source == 4 &&
	    sc->sc_rate == 100 && sc->sc_idle_timeout == 0, "limits");
	ok(sc->sc_nallow == 4 && sc->sc_ndeny == 1 &&
	    sc->sc_allow[0].ci_family == AF_INET &&
	    sc->sc_allow[0].ci_prefix == 8 &&
	    sc->sc_allow[1].ci_family == AF_INET6 &&
	    sc->sc_allow[1].ci_prefix == 128, "allow and deny");
	ok(strcmp(sc->sc_user, "root") == 0 && sc->sc_uid == 0 &&
	    strcmp(sc->sc_group, "root") == 0 && sc->sc_gid == 0,
	    "per-service user and group, resolved");
	ok(sc->sc_socket_mode == 0660, "socket_mode is octal");
	is_str(sc->sc_fortune_file, "/nonexistent", "per-service fortune_file");
	is_str(sc->sc_fortune_command, "/usr/games/fortune -s",
	    "fortune_command");
	ok(sc->sc_fork && !sc->sc_log_connections, "fork, log_connections");
	sc = &cf.cf_services[1];
	ok(!sc->sc_enabled && sc->sc_line == 31 &&
	    strcmp(sc->sc_name, "hello off") == 0,
	    "a disabled section is kept, and may share an address");
	ok(sc->sc_uid == uid && sc->sc_gid == gid,
	    "without user/group a section takes the global ones");
	conf_free(&cf);
	conf_free(&cf);
	ok(cf.cf_services == NULL && cf.cf_nservices == 0,
	    "conf_free empties and may run twice");
}

static void
test_defaults(void)
{
	struct config		 cf;
	struct svc_conf		*sc;
	int			 n;

	n = load_fmt(&cf, "%s", HELLO);
	ok(n == 0, "a minimal configuration loads");
	if (n != 0) {
		dump();
		return;
	}
	is_str(cf.cf_pidfile, RUNSTATEDIR "/spawnd.pid", "default pidfile");
	is_str(cf.cf_user, "nobody", "default user");
	is_str(cf.cf_group, "nogroup", "default group");
	ok(cf.cf_max_children == 256 && cf.cf_dns_timeout == 2 &&
	    cf.cf_shutdown_grace == 10, "default numbers");
	ok(cf.cf_log_target == LOG_TARGET_SYSLOG &&
	    cf.cf_syslog_facility == LOG_DAEMON && cf.cf_resolve_names,
	    "default logging and resolve_names");
	is_str(cf.cf_fortune_file, PKGDATADIR "/fortunes",
	    "default fortune_file");
	is_str(cf.cf_motd_file, "/etc/motd", "default motd_file");
	sc = &cf.cf_services[0];
	ok(sc->sc_enabled && sc->sc_max_instances == 64 &&
	    sc->sc_per_source == 0 && sc->sc_rate == 0 &&
	    sc->sc_idle_timeout == 300, "default service limits");
	ok(sc->sc_nallow == 0 && sc->sc_ndeny == 0 && sc->sc_ndgram == 0,
	    "empty lists by default");
	is_str(sc->sc_user, "nobody", "service user from the global one");
	is_str(sc->sc_group, "nogroup", "service group from the global one");
	is_str(sc->sc_fortune_file, PKGDATADIR "/fortunes",
	    "service fortune_file from the global one");
	ok(sc->sc_socket_mode == 0666 && sc->sc_fortune_command == NULL &&
	    sc->sc_log_connections, "socket_mode 0666, no command, logging");
	ok(sc->sc_fork == 1, "hello forks by default");
	conf_free(&cf);
}

static void
test_fork_defaults(void)
{
	static const struct {
		const char	*type;
		const char	*extra;
		int		 fork;
	} t[] = {
		{ "hello", "", 1 }, { "fortune", "", 1 }, { "time", "", 0 },
		{ "daytime", "", 0 }, { "catsock", "", 1 }, { "command", "", 1 },
		{ "time", "fork = true", 1 }, { "daytime", "fork = yes", 1 },
		{ "time", "fork = false", 0 }, { "hello", "fork = on", 1 },
	};
	struct config	cf;
	size_t		i;
	int		n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = load_fmt(&cf, "fortune_file = \"%s\"\nservice s {\n"
		    "type = %s\nlisten_stream = {\"127.0.0.1:40001\"}\n%s\n}\n",
		    fortunes, t[i].type, t[i].extra);
		ok(n == 0 && cf.cf_services[0].sc_fork == t[i].fork,
		    "%s %s: fork = %d", t[i].type, t[i].extra, t[i].fork);
		if (n != 0)
			dump();
		conf_free(&cf);
	}
	n = load_fmt(&cf, "fortune_file = \"%s\"\nservice t {\n type = time\n"
	    " listen_datagram = {\"127.0.0.1:40001\"}\n}\nservice f {\n"
	    " type = fortune\n listen_datagram = {\"127.0.0.1:40002\"}\n}\n",
	    fortunes);
	ok(n == 0 && cf.cf_services[0].sc_ndgram == 1 &&
	    cf.cf_services[1].sc_ndgram == 1,
	    "datagram-only services are fine where the type has datagrams");
	if (n != 0)
		dump();
	conf_free(&cf);
}

static void
test_errors(void)
{
	char	buf[512];

	expect_error(2, "no_such_option", "unknown global option",
	    "log_target = \"stderr\"\nno_such_option = 1\n" HELLO);
	expect_error(5, "bogus_knob", "unknown option in a service",
	    "log_target = \"stderr\"\nservice hello {\n type = \"hello\"\n"
	    " listen_stream = {\"40001\"}\n bogus_knob = 3\n}\n");
	snprintf(buf, sizeof(buf), "\"gopher\" (one of: %s)",
	    "hello fortune time daytime catsock command exec status metrics "
	    "echo discard chargen signature");
	expect_error(3, buf, "unknown type lists the known ones",
	    "service gopher {\n\n type = \"gopher\"\n"
	    " listen_stream = {\"40001\"}\n}\n");
	expect_error(2, "missing type", "no type: the section's line",
	    "\nservice x {\n\n listen_stream = {\"40001\"}\n}\n");
	expect_error(5, "65536", "bad port on a later line of a list",
	    "service hello {\n type = \"hello\"\n listen_stream = {\n"
	    "  \"127.0.0.1:40001\",\n  \"127.0.0.1:65536\"\n }\n}\n");
	expect_error(3, "\"0\"", "port 0",
	    "service hello {\n type = \"hello\"\n listen_stream = {\"0\"}\n}\n");
	expect_error(4, "listen_datagram", "hello has no datagram form",
	    "service hello {\n type = \"hello\"\n listen_stream = {\"40001\"}\n"
	    " listen_datagram = {\"40001\"}\n}\n");
	expect_error(3, "cannot answer without a child", "fork = false on hello",
	    "service hello {\n type = \"hello\"\n fork = false\n"
	    " listen_stream = {\"40001\"}\n}\n");
	expect_error(9, "\"10.0.0.0/33\"", "bad CIDR in allow",
	    HELLO "service b {\n type = hello\n listen_stream = {\"40002\"}\n"
	    " allow = {\"127.0.0.1\",\n \"10.0.0.0/33\"}\n}\n");
	expect_error(8, "\"banana\"", "bad CIDR in deny",
	    HELLO "service b {\n type = hello\n listen_stream = {\"40002\"}\n"
	    " deny = {\"banana\"}\n}\n");
	expect_error(6, "no listen_stream or listen_datagram",
	    "enabled service without an address: the section's line",
	    HELLO "\nservice quiet {\n type = \"hello\"\n}\n");
	expect_error(5, "no enabled service", "every service disabled",
	    "service a {\n type = hello\n enabled = false\n"
	    " listen_stream = {\"40001\"}\n}\n");
	expect_error(1, "no enabled service", "empty file", "");
	expect_error(5, "duplicate title", "two sections with one title",
	    HELLO "service hello {\n type = hello\n"
	    " listen_stream = {\"40002\"}\n}\n");
	expect_error(2, "unexpected", "syntax error",
	    "log_target = \"stderr\"\n= =\n" HELLO);
}

static void
test_value_errors(void)
{
	static const struct {
		const char	*line;		/* one line, then HELLO */
		const char	*needle;
	} t[] = {
		{ "max_children = \"lots\"", "max_children" },
		{ "max_children = 0", "max_children = 0" },
		{ "max_children = -5", "max_children = -5" },
		{ "max_children = 99999999999999999999999", "max_children" },
		{ "max_children = 1.5", "max_children" },
		{ "max_children = 4000000000", "max_children = 4000000000: must be from 1 to 4096" },
		{ "max_children = 4097", "max_children = 4097: must be from 1 to 4096" },
		{ "shutdown_grace = 214748365", "shutdown_grace = 214748365: must be from 0 to 3600" },
		{ "dns_timeout = 61", "dns_timeout = 61: must be from 1 to 60" },
		{ "dns_timeout = 0", "dns_timeout = 0" },
		{ "dns_timeout = -3", "dns_timeout = -3" },
		{ "shutdown_grace = -1", "shutdown_grace = -1" },
		{ "resolve_names = maybe", "resolve_names" },
		{ "log_target = \"file\"", "\"file\"" },
		{ "syslog_facility = \"nonsense\"", "\"nonsense\"" },
		{ "syslog_facility = \"kern\"", "\"kern\"" },
		{ "user = \"no-such-user-spawnd\"", "no-such-user-spawnd" },
		{ "group = \"no-such-group-spawnd\"", "no-such-group-spawnd" },
		{ "pidfile = \"\"", "pidfile must not be empty" },
	};
	char	text[512];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "# a comment\n\n%s\n%s", t[i].line,
		    HELLO);
		expect_error(3, t[i].needle, t[i].line, text);
	}
}

static void
test_service_value_errors(void)
{
	static const struct {
		const char	*line;		/* line 4 of the section */
		const char	*needle;
	} t[] = {
		{ "max_instances = -1", "max_instances = -1" },
		{ "per_source = -1", "per_source = -1" },
		{ "rate = -1", "rate = -1" },
		{ "idle_timeout = -1", "idle_timeout = -1" },
		{ "rate = 4294967296", "rate = 4294967296" },
		{ "rate = 1000001", "rate = 1000001: must be from 0 to 1000000" },
		{ "max_instances = 4097", "max_instances = 4097: must be from 0 to 4096" },
		{ "per_source = 4097", "per_source = 4097: must be from 0 to 4096" },
		{ "idle_timeout = 86401", "idle_timeout = 86401: must be from 0 to 86400" },
		{ "enabled = 2", "enabled" },
		{ "fork = sometimes", "fork" },
		{ "socket_mode = \"0999\"", "\"0999\"" },
		{ "socket_mode = \"10000\"", "\"10000\"" },
		{ "socket_mode = \"4755\"", "\"4755\"" },
		{ "socket_mode = \"\"", "socket_mode" },
		{ "socket_mode = \"rw\"", "\"rw\"" },
		{ "socket_mode = \"-1\"", "\"-1\"" },
		{ "user = \"no-such-user-spawnd\"", "unknown user" },
		{ "group = \"no-such-group-spawnd\"", "unknown group" },
		{ "fortune_file = \"\"", "fortune_file must not be empty" },
	};
	char	text[512];
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "service s {\n type = \"hello\"\n"
		    " listen_stream = {\"40001\"}\n %s\n}\n", t[i].line);
		expect_error(4, t[i].needle, t[i].line, text);
	}
}

/* rlimit_as in bytes, or with K, M, G, T: powers of 1024. */
static void
test_sizes(void)
{
	static const struct {
		const char	*value;
		unsigned long	 want;
	} good[] = {
		{ "0", 0 }, { "1048576", 1048576 }, { "\"64M\"", 64UL << 20 },
		{ "64M", 64UL << 20 }, { "\"1024k\"", 1UL << 20 },
		{ "2G", 2UL << 30 }, { "\"1T\"", 1UL << 40 },
	};
	static const char *const bad[] = {
		"\"64X\"", "\"1.5G\"", "\"-1M\"", "\"64MB\"", "\"M\"",
		"\"99999999999T\"",
	};
	struct config	cf;
	char		what[64];
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int n = load_fmt(&cf, "service s {\n type = \"hello\"\n"
		    " listen_stream = {\"40001\"}\n rlimit_as = %s\n}\n",
		    good[i].value);

		ok(n == 0 && cf.cf_nservices == 1 &&
		    cf.cf_services[0].sc_rlimit_as == good[i].want,
		    "rlimit_as = %s is %lu bytes", good[i].value, good[i].want);
		if (n != 0)
			dump();
		conf_free(&cf);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];

		snprintf(text, sizeof(text), "service s {\n type = \"hello\"\n"
		    " listen_stream = {\"40001\"}\n rlimit_as = %s\n}\n",
		    bad[i]);
		snprintf(what, sizeof(what), "rlimit_as = %s", bad[i]);
		expect_error(4, "rlimit_as: invalid size", what, text);
	}
	expect_error(4, "rlimit_as = 109951162777600: must be from 0 to",
	    "rlimit_as = 100T", "service s {\n type = \"hello\"\n"
	    " listen_stream = {\"40001\"}\n rlimit_as = 100T\n}\n");
	expect_error(4, "rlimit_as = 1024: 0 or at least 1048576 bytes",
	    "rlimit_as = 1K", "service s {\n type = \"hello\"\n"
	    " listen_stream = {\"40001\"}\n rlimit_as = 1K\n}\n");
}

/* exec: the argv it runs, and the text messages show. */
static void
exec_ok(const char *value, const char *const *want, const char *text)
{
	struct config	cf;
	int		n = load_fmt(&cf, "service s {\n type = \"exec\"\n"
			    " listen_stream = {\"40001\"}\n exec = %s\n}\n",
			    value);
	char		**argv;
	size_t		i;

	ok(n == 0 && cf.cf_nservices == 1, "exec = %s loads", value);
	if (n != 0 || cf.cf_nservices != 1) {
		dump();
		conf_free(&cf);
		return;
	}
	argv = cf.cf_services[0].sc_exec_argv;
	for (i = 0; want[i] != NULL && argv[i] != NULL; i++)
		if (strcmp(want[i], argv[i]) != 0)
			break;
	ok(want[i] == NULL && argv[i] == NULL, "exec = %s: word %zu is "
	    "\"%s\"", value, i, argv[i] != NULL ? argv[i] : "(end)");
	is_str(cf.cf_services[0].sc_exec, text, "exec = %s: its text", value);
	conf_free(&cf);
}

static void
test_exec_words(void)
{
	static const char *const split[] = { "/bin/sh", "-c", "echo", "a",
	    "b", NULL };
	static const char *const verbatim[] = { "/bin/sh", "-c",
	    "echo \"a  b\" \\", "", NULL };
	static const char *const two[] = { "/bin/echo", "a b", NULL };
	char	text[2048];
	size_t	i;
	int	at;

	exec_ok("\"/bin/sh -c echo a  b\"", split, "/bin/sh -c echo a b");
	/* A list of one is the string: split on blanks. */
	exec_ok("{\"/bin/sh -c echo a  b\"}", split, "/bin/sh -c echo a b");
	exec_ok("{\"/bin/sh\", \"-c\", \"echo \\\"a  b\\\" \\\\\", \"\"}",
	    verbatim, "/bin/sh -c \"echo \\\"a  b\\\" \\\\\" \"\"");
	exec_ok("{\"/bin/echo\", \"a b\"}", two, "/bin/echo \"a b\"");
	expect_error(4, "exec \"sh\": the program must be an absolute path",
	    "exec = {\"sh\", \"-c\", \"x\"}", "service s {\n type = \"exec\"\n"
	    " listen_stream = {\"40001\"}\n exec = {\"sh\", \"-c\", \"x\"}\n}\n");
	expect_error(4, "exec \"\": the program must be an absolute path",
	    "exec = {\"\", \"x\"}", "service s {\n type = \"exec\"\n"
	    " listen_stream = {\"40001\"}\n exec = {\"\", \"x\"}\n}\n");
	at = snprintf(text, sizeof(text), "service s {\n type = \"exec\"\n"
	    " listen_stream = {\"40001\"}\n exec = {\"/bin/echo\"");
	for (i = 0; i < 32; i++)
		at += snprintf(text + at, sizeof(text) - (size_t)at, ", \"x\"");
	snprintf(text + at, sizeof(text) - (size_t)at, "}\n}\n");
	expect_error(4, "exec: more than 32 words", "exec = {33 words}", text);
}

static void
test_overlaps(void)
{
	struct config	cf;
	int		n;

	expect_error(7, "service \"one\" (line 3)", "two services, one address",
	    "service one {\n type = \"hello\"\n listen_stream = {\"40001\"}\n}\n"
	    "service two {\n type = \"hello\"\n"
	    " listen_stream = {\"127.0.0.1:40002\", \"127.0.0.1:40001\"}\n}\n");
	expect_error(4, "\"127.0.0.1:40001\" of service \"one\" (line 3)",
	    "one service, one address twice",
	    "service one {\n type = \"hello\"\n listen_stream = {"
	    "\"127.0.0.1:40001\", \"[::1]:40001\",\n \"127.0.0.1:40001\"}\n}\n");
	expect_error(8, "\"40001\" of service \"t\" (line 3)",
	    "two datagram services, one address",
	    "service t {\n type = time\n listen_datagram = {\"40001\"}\n}\n"
	    "service d {\n type = daytime\n listen_stream = {\"40001\"}\n"
	    " listen_datagram = {\"127.0.0.1:40001\"}\n}\n");
	n = load_fmt(&cf, "service t {\n type = time\n"
	    " listen_stream = {\"40001\"}\n}\nservice d {\n type = daytime\n"
	    " listen_datagram = {\"40001\"}\n}\nservice off {\n type = hello\n"
	    " enabled = false\n listen_stream = {\"40001\"}\n}\n");
	ok(n == 0, "stream and datagram on one port, and a disabled "
	    "service, do not collide");
	if (n != 0)
		dump();
	conf_free(&cf);
}

static void
test_check(void)
{
	expect_error(6, "/nonexistent/fortunes",
	    "the type's own check (missing fortune file) at the section line",
	    HELLO "\nservice f {\n type = fortune\n"
	    " fortune_file = \"/nonexistent/fortunes\"\n"
	    " listen_stream = {\"40002\"}\n}\n");
}

static void
test_comments(void)
{
	struct config	 cf;
	char		 want[PATH_MAX + 64];
	int		 n;

	expect_error(12, "frobnicate", "after #, //, /* */ and trailing comments",
	    "# A comment line\n# and another\n// a C++ comment\n"
	    "/* a block comment\n   over two lines */\n"
	    "log_target = \"stderr\"   # trailing comment\n\n"
	    "service hello {   // trailing comment\n\t# inside the section\n"
	    "\t/* inside */ type = \"hello\"\n"
	    "\tlisten_stream = {\"40001\"}  /* trailing */\n"
	    "\tfrobnicate = yes\n}\n");
	expect_error(15, "65536", "a value error after comment lines",
	    "# one\n// two\n/* three */\n/*\n * four to six\n */\n"
	    "log_target = \"stderr\"\n# eight\nservice hello {\n\t# ten\n"
	    "\t// eleven\n\t/* twelve */\n\ttype = \"hello\"\n\t# fourteen\n"
	    "\tlisten_stream = {\"127.0.0.1:65536\"}  # the error\n}\n");
	expect_error(5, "\"127.0.0.1:0\"", "a list item after comments in the list",
	    "service hello {\n type = \"hello\"\n"
	    " listen_stream = { \"127.0.0.1:40001\", # first\n"
	    "   // second\n   /* third */ \"127.0.0.1:0\"\n }\n}\n");
	expect_error(4, "no_such", "libconfuse alone would say line 10",
	    "#\n#\n#\nno_such = 1\n" HELLO);
	n = load_fmt(&cf, "log_target = \"stderr\" // after a value\n"
	    "pidfile = \"%s/a#b//c/*d*/.pid\" # quoted marks are data\n"
	    "service hello {\n type = \"hello\" /* after a value */\n"
	    " listen_stream = { \"127.0.0.1:40001\", # first\n"
	    "                   \"[::1]:40001\" // second\n"
	    "                   /* end */ }\n"
	    " allow = { \"127.0.0.0/8\" /* loopback */, \"::1\" # v6\n }\n"
	    " deny = { /* nobody */ }\n"
	    " fortune_command = '/bin/echo # not a comment'\n}\n", tmpdir);
	ok(n == 0, "comments inside lists and after values are accepted");
	if (n != 0) {
		dump();
		return;
	}
	ok(cf.cf_services[0].sc_nstream == 2 &&
	    cf.cf_services[0].sc_nallow == 2 && cf.cf_services[0].sc_ndeny == 0,
	    "list items around comments are all there");
	snprintf(want, sizeof(want), "%s/a#b//c/*d*/.pid", tmpdir);
	is_str(cf.cf_pidfile, want, "comment marks inside \"...\" are kept");
	is_str(cf.cf_services[0].sc_fortune_command,
	    "/bin/echo # not a comment", "and inside '...'");
	conf_free(&cf);
	expect_error(2, "unterminated comment", "unterminated block comment",
	    "log_target = \"stderr\"\n/* never closed\n" HELLO);
	expect_error(6, "unterminated string", "unterminated string",
	    HELLO "log_target = \"stderr\"\npidfile = \"/x\n\n");
}

/* The lines of every report, in order, as "4 9 12". */
static void
reported_lines(char *buf, size_t size)
{
	size_t	n = 0, plen = strlen(conffile) + 1;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < nmsgs && i < MAXMSGS && n < size; i++)
		if (strncmp(msgs[i], conffile, plen - 1) == 0)
			n += snprintf(buf + n, size - n, "%s%lu", n ? " " : "",
			    strtoul(msgs[i] + plen, NULL, 10));
}

/* load text: n errors, reported at exactly these lines. */
static void
expect_lines(const char *want, int n, const char *what, const char *text)
{
	struct config	cf;
	char		got[256];
	int		rc = load_fmt(&cf, "%s", text);

	reported_lines(got, sizeof(got));
	ok(rc == n && nmsgs == n && strcmp(got, want) == 0,
	    "%s: %d errors at lines %s (got %d at %s)", what, n, want, rc, got);
	if (rc != n || strcmp(got, want) != 0)
		dump();
	conf_free(&cf);
}

/*
 * Parse errors do not stop the load: libconfuse's first error is kept,
 * its statement blanked and the text parsed again, braces are checked
 * first, and the value checks run on what was parsed.
 */
static void
test_parse_errors(void)
{
	struct config cf;
	char	text[8192];
	size_t	n = 0;
	int	i, rc;

	expect_lines("1 5 7 8 9 10 15", 7, "mixed parse and value errors",
	    "per_sourse = 3\nservice a {\n type = hello\n"
	    " listen_stream = {\"127.0.0.1:40001\"}\n bogus = 1\n}\n"
	    "service b {\n type = helo\n per_sourse = 2\n"
	    " listen_stream = {\"127.0.0.1:99999\"}\n allow = {\"10.0.0.0/8\"}\n"
	    "service c {\n type = hello\n listen_stream = {\"40003\"}\n"
	    " allow = {\"10.0.0.0/33\"}\n}\n");
	ok(reported(9, "unknown option 'per_sourse'; did you mean "
	    "'per_source'?"), "an unknown option names the nearest one");
	ok(reported(1, "did you mean 'per_source'? (an option of service "
	    "sections)"), "a service option at the top level says so");
	ok(reported(8, "unknown type \"helo\"; did you mean \"hello\"?"),
	    "an unknown type names the nearest one");
	ok(reported(7, "section 'service b' opened here is never closed (a "
	    "'}' is missing before line 12)"),
	    "a missing '}' is reported where its section opened");
	ok(reported(5, "service \"a\": unknown option 'bogus'") &&
	    !reported(5, "did you mean"), "no suggestion when none is close");
	expect_lines("2", 1, "one unknown option: one error, as before",
	    "log_target = \"stderr\"\nno_such_option = 1\n" HELLO);
	expect_lines("1", 1, "the last section never closed",
	    "service hello {\n type = hello\n listen_stream = {\"40001\"}\n");
	ok(reported(1, "missing at the end of the file"), "said where");
	expect_lines("3 9", 2, "a list never closed, and an error after it",
	    "service hello {\n type = hello\n allow = {\"127.0.0.1\",\n"
	    " listen_stream = {\"127.0.0.1:40001\"}\n}\n"
	    "service b {\n type = hello\n listen_stream = {\"40002\"}\n"
	    " rate = x\n}\n");
	ok(reported(3, "list 'allow' opened here is never closed"),
	    "the list's own line");
	expect_lines("5 6", 2, "a stray '}', and an error after it",
	    HELLO "}\nmax_children = 0\n");
	expect_lines("4 5", 2, "missing '=' and a syntax error in a list",
	    "service hello {\n type = hello\n listen_stream = {\"40001\"}\n"
	    " rate 3\n deny = {\"10.0.0.1\" \"10.0.0.2\"}\n}\n");
	expect_lines("1", 1, "an unknown section is skipped whole",
	    "servce x {\n type = hello\n bogus = 1\n}\n" HELLO);
	ok(reported(1, "did you mean 'service'?"), "and named");
	for (i = 0; i < CONF_TEST_MANY && n < sizeof(text) - 32; i++)
		n += snprintf(text + n, sizeof(text) - n, "bad_%d = 1\n", i);
	snprintf(text + n, sizeof(text) - n, "%s", HELLO);
	rc = load_fmt(&cf, "%s", text);
	ok(rc == 101 && nmsgs == 101 && reported(100, "too many errors"),
	    "at most 100 parse errors, then 'too many errors' (got %d)", rc);
	conf_free(&cf);
}

static void
test_many_errors(void)
{
	struct config	 cf;
	static const unsigned lines[] = { 4, 9, 14, 15, 17 };
	char		 prefix[PATH_MAX + 64];
	int		 n, i, sorted = 1;

	n = load_fmt(&cf, "log_target = \"stderr\"\nservice a {\n"
	    " type = \"hello\"\n listen_stream = {\"127.0.0.1:99999\"}\n}\n"
	    "service b {\n type = \"hello\"\n listen_stream = {\"40002\"}\n"
	    " allow = {\"10.0.0.0/40\"}\n}\nservice c {\n type = \"hello\"\n"
	    " listen_stream = {\"40003\"}\n user = \"no-such-user-spawnd\"\n"
	    " rate = -2\n}\nmax_children = 0\n");
	ok(n == 5 && nmsgs == 5, "five errors found, five reported (got %d)",
	    n);
	for (i = 0; i < 5 && i < nmsgs; i++) {
		snprintf(prefix, sizeof(prefix), "%s:%u: ", conffile, lines[i]);
		sorted &= strncmp(msgs[i], prefix, strlen(prefix)) == 0;
	}
	ok(sorted, "each at its own line, in line order");
	if (n != 5 || !sorted)
		dump();
	conf_free(&cf);
}

static void
test_unreadable(void)
{
	struct config	cf;
	char		path[PATH_MAX + 64], want[PATH_MAX + 128];
	int		n;

	snprintf(path, sizeof(path), "%s/no-such.conf", tmpdir);
	nmsgs = 0;
	n = conf_load(&cf, svc_types, path, tmpdir, collect, NULL);
	snprintf(want, sizeof(want), "%s: cannot read: %s", path,
	    strerror(ENOENT));
	ok(n == -1 && nmsgs == 1, "a missing file: -1 and one report");
	is_str(msgs[0], want, "a missing file: FILE: cannot read: strerror");
	nmsgs = 0;
	n = conf_load(&cf, svc_types, tmpdir, tmpdir, collect, NULL);
	snprintf(want, sizeof(want), "%s: cannot read: %s", tmpdir,
	    strerror(EISDIR));
	ok(n == -1 && nmsgs == 1, "a directory: -1 and one report");
	is_str(msgs[0], want, "a directory: FILE: cannot read: strerror");
	conf_free(&cf);
}

/* The built-in table (spawnd(8), "Built-in default configuration"). */
static void
test_builtin_table(const struct config *cf)
{
	static const struct {
		const char	*name;
		const char	*stream[2];
		const char	*dgram;
		int		 fork;
	} t[] = {
		{ "hello", { "127.0.0.1:2345", "[::1]:2345" }, NULL, 1 },
		{ "fortune", { "127.0.0.1:2346", "[::1]:2346" },
		    "127.0.0.1:2346", 1 },
		{ "time", { "127.0.0.1:2347", "[::1]:2347" }, "127.0.0.1:2347",
		    0 },
		{ "daytime", { "127.0.0.1:2348", "[::1]:2348" },
		    "127.0.0.1:2348", 0 },
		{ "command", { "127.0.0.1:9000", "[::1]:9000" }, NULL, 1 },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct svc_conf	*sc = &cf->cf_services[i];

		ok(strcmp(sc->sc_name, t[i].name) == 0 &&
		    sc->sc_type == type_named(t[i].name) && sc->sc_enabled &&
		    sc->sc_nstream == 2 &&
		    strcmp(sc->sc_stream[0].la_text, t[i].stream[0]) == 0 &&
		    strcmp(sc->sc_stream[1].la_text, t[i].stream[1]) == 0 &&
		    sc->sc_ndgram == (t[i].dgram != NULL) &&
		    (t[i].dgram == NULL ||
		    strcmp(sc->sc_dgram[0].la_text, t[i].dgram) == 0) &&
		    sc->sc_fork == t[i].fork, "built-in %s", t[i].name);
	}
}

static void
test_builtin(void)
{
	struct config	 cf;
	char		 want[PATH_MAX + 64];
	int		 n;

	nmsgs = 0;
	n = conf_builtin(&cf, svc_types, tmpdir, collect, NULL);
	if (n != 0 && access(PKGDATADIR "/fortunes", R_OK) == -1) {
		int	i, cookies = 1;

		/*
		 * Before "make install" the services that serve cookies
		 * cannot find them; that must be the only complaint.
		 */
		for (i = 0; i < nmsgs && i < MAXMSGS; i++)
			cookies &= strncmp(msgs[i], "(built-in):", 11) == 0 &&
			    strstr(msgs[i], PKGDATADIR "/fortunes") != NULL;
		ok(cookies, "built-in: only the uninstalled fortune file "
		    "is missing (" PKGDATADIR "/fortunes)");
		if (!cookies)
			dump();
		return;
	}
	ok(n == 0 && cf.cf_file == NULL && cf.cf_nservices == 6,
	    "the built-in configuration loads, six services");
	if (n != 0 || cf.cf_nservices != 6) {
		dump();
		conf_free(&cf);
		return;
	}
	test_builtin_table(&cf);
	snprintf(want, sizeof(want), "%s/catsock", tmpdir);
	ok(strcmp(cf.cf_services[5].sc_name, "catsock") == 0 &&
	    cf.cf_services[5].sc_nstream == 1 &&
	    cf.cf_services[5].sc_stream[0].la_family == AF_UNIX &&
	    strcmp(cf.cf_services[5].sc_stream[0].la_text, want) == 0,
	    "built-in catsock at ./catsock, made absolute");
	snprintf(want, sizeof(want), "%s/spawnd.pid", tmpdir);
	is_str(cf.cf_pidfile, want, "built-in pidfile ./spawnd.pid, absolute");
	ok(cf.cf_log_target == LOG_TARGET_SYSLOG && cf.cf_max_children == 256,
	    "built-in globals are the defaults");
	conf_free(&cf);
}

int
main(void)
{
	FILE	*fp;

	snprintf(tmpdir, sizeof(tmpdir), "%s/spawnd-test-config.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	/*
	 * As root, the fortune check reads the file as the service's user
	 * (nobody), so the directory must be searchable by everyone.
	 */
	if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) == -1) {
		perror("mkdtemp");
		return 99;
	}
	snprintf(conffile, sizeof(conffile), "%s/spawnd.conf", tmpdir);
	snprintf(fortunes, sizeof(fortunes), "%s/fortunes", tmpdir);
	if ((fp = fopen(fortunes, "w")) == NULL ||
	    fputs("A cookie.\n%\nAnother cookie.\n", fp) == EOF ||
	    fclose(fp) == EOF) {
		perror(fortunes);
		return 99;
	}
	test_full();
	test_defaults();
	test_fork_defaults();
	test_errors();
	test_value_errors();
	test_service_value_errors();
	test_sizes();
	test_exec_words();
	test_overlaps();
	test_check();
	test_comments();
	test_many_errors();
	test_parse_errors();
	test_unreadable();
	test_builtin();
	unlink(conffile);
	unlink(fortunes);
	rmdir(tmpdir);
	return tap_done();
}
