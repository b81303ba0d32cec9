/*
 * The attributes beyond kind, socket and program (see migrate_opts.h),
 * a table of handlers by name.  A limit maps only where spawnd's range
 * holds the value; an access list only as numeric blocks; whatever
 * spawnd does not do is a note that says what spawnd does instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_access.h"
#include "migrate/migrate_opts.h"

struct mopt {
	const char	*mo_name;
	void		(*mo_fn)(struct msection *, const struct mattr *,
			    const struct mattrs *, const struct mcore *);
	const char	*mo_why;	/* mo_fn NULL: never converted, why */
};

static const char *const core[] = {
	"id", "type", "socket_type", "protocol", "port", "wait", "server",
	"server_args", "bind", "flags", "v6only", "redirect", "disable",
};

int
migrate_opts_core(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(core) / sizeof(*core); i++)
		if (strcmp(core[i], name) == 0)
			return 1;
	return 0;
}

/* A number from min to max, "UNLIMITED" as unlimited: 0, or -1. */
static int
count(const struct mattr *ma, unsigned long min, unsigned long max,
    unsigned long unlimited, unsigned long *n)
{
	const char *v = ma->ma_nvalues == 1 ? ma->ma_values[0] : "";
	char *end;

	if (strcmp(v, "UNLIMITED") == 0) {
		*n = unlimited;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -1;
	*n = strtoul(v, &end, 10);
	return *end == '\0' && *n >= min && *n <= max ? 0 : -1;
}

static void
opt_user(struct msection *ms, const struct mattr *ma, const struct mattrs *mx,
    const struct mcore *mc)
{
	const struct passwd *pw;
	const struct group *gr;

	(void)mc;
	if (ma->ma_nvalues != 1) {
		msection_note(ms, ma, "one user");
		return;
	}
	textbuf_printf(&ms->ms_body, "\tuser = ");
	msection_quote(&ms->ms_body, ma->ma_values[0]);
	textbuf_printf(&ms->ms_body, "\n");
	if (mattrs_get(mx, "group") != NULL)
		return;
	/* xinetd's default group is the user's own; spawnd's is global. */
	if ((pw = getpwnam(ma->ma_values[0])) == NULL ||
	    (gr = getgrgid(pw->pw_gid)) == NULL) {
		msection_note(ms, ma, "xinetd uses this user's own group, and "
		    "the user or the group is not known here: add group");
		return;
	}
	textbuf_printf(&ms->ms_body, "\tgroup = ");
	msection_quote(&ms->ms_body, gr->gr_name);
	textbuf_printf(&ms->ms_body, "\t# the user's own\n");
}

static void
opt_group(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	(void)mx;
	(void)mc;
	if (ma->ma_nvalues != 1) {
		msection_note(ms, ma, "one group");
		return;
	}
	textbuf_printf(&ms->ms_body, "\tgroup = ");
	msection_quote(&ms->ms_body, ma->ma_values[0]);
	textbuf_printf(&ms->ms_body, "\n");
}

static void
opt_groups(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	(void)mx;
	(void)mc;
	if (ma->ma_nvalues != 1 || strcmp(ma->ma_values[0], "yes") != 0)
		msection_note(ms, ma, "spawnd always gives a child its user's "
		    "supplementary groups, as groups = yes does");
}

static void
opt_instances(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	unsigned long n;

	(void)mx;
	(void)mc;
	if (count(ma, 1, 4096, 0, &n) == -1)
		msection_note(ms, ma, "max_instances is 1 to 4096, or 0 for "
		    "UNLIMITED");
	else
		msection_option(ms, "max_instances", "%lu", n);
}

static void
opt_per_source(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	unsigned long n;

	(void)mx;
	if (mc->mc_wait)
		msection_note(ms, ma, "spawnd never sees a wait service's "
		    "clients");
	else if (count(ma, 1, 4096, 0, &n) == -1)
		msection_note(ms, ma, "per_source is 1 to 4096, or 0 for "
		    "UNLIMITED");
	else if (n > 0)
		msection_option(ms, "per_source", "%lu", n);
}

/*
 * cps N W: xinetd switches the service off for W seconds when more than
 * N connections come in a second; spawnd's rate refuses only those over
 * N, and the service goes on.
 */
static void
opt_cps(struct msection *ms, const struct mattr *ma, const struct mattrs *mx,
    const struct mcore *mc)
{
	unsigned long n;
	char *end;

	(void)mx;
	if (ma->ma_nvalues != 2 || ma->ma_values[0][0] < '1' ||
	    ma->ma_values[0][0] > '9' ||
	    (n = strtoul(ma->ma_values[0], &end, 10)) > 1000000 || *end) {
		msection_note(ms, ma, "cps = CONNECTIONS SECONDS, CONNECTIONS "
		    "from 1 to 1000000");
		return;
	}
	/* Datagrams of an internal type are counted apart from rate. */
	msection_option(ms, ms->ms_dgram && !mc->mc_exec ? "datagram_rate" :
	    "rate", "%lu", n);
	textbuf_printf(&ms->ms_body, "\t# cps = %s %s: over the rate spawnd "
	    "refuses the connection, and does not pause the service for %s s\n",
	    ma->ma_values[0], ma->ma_values[1], ma->ma_values[1]);
}

/*
 * Why spawnd's env would refuse entry i of ma, or NULL: its rules are
 * a shell's name, not one of the client's variables spawnd sets, and
 * each name once.
 */
static const char *
env_bad(const struct mattr *ma, size_t i)
{
	static const char *const client[] = {
		"PROTO", "TCPREMOTEIP", "TCPREMOTEPORT", "TCPLOCALIP",
		"TCPLOCALPORT", "TCPREMOTEHOST", "UNIXREMOTEUID",
		"UNIXREMOTEGID", "UNIXREMOTEPID", "PROXYREMOTEIP",
	};
	const char *v = ma->ma_values[i];
	size_t len = strcspn(v, "="), j;

	if (v[len] != '=' || len == 0 || (v[0] >= '0' && v[0] <= '9'))
		return "not NAME=VALUE with a name spawnd takes";
	for (j = 0; j < len; j++)
		if (!isalnum((unsigned char)v[j]) && v[j] != '_')
			return "a name of letters, digits and _ only, in spawnd";
	for (j = 0; j < sizeof(client) / sizeof(*client); j++)
		if (strlen(client[j]) == len && strncmp(v, client[j], len) == 0)
			return "spawnd sets this variable for each client";
	for (j = 0; j < i; j++)
		if (strncmp(ma->ma_values[j], v, len + 1) == 0)
			return "the name again";
	return i >= 64 ? "spawnd's env takes 64 at most" : NULL;
}

static void
opt_env(struct msection *ms, const struct mattr *ma, const struct mattrs *mx,
    const struct mcore *mc)
{
	struct textbuf env = { NULL, 0, 0, 0 };
	size_t i;

	(void)mx;
	if (!mc->mc_exec) {
		msection_note(ms, ma, "an INTERNAL service runs no program");
		return;
	}
	for (i = 0; i < ma->ma_nvalues; i++) {
		const char *why = env_bad(ma, i);

		if (why != NULL) {
			msection_note_value(ms, ma, ma->ma_values[i], "%s",
			    why);
			continue;
		}
		textbuf_printf(&env, "%s", env.tb_len > 0 ? ", " : "");
		msection_quote(&env, ma->ma_values[i]);
	}
	if (env.tb_len > 0)
		msection_option(ms, "env", "{%s}", env.tb_text);
	ms->ms_body.tb_failed |= env.tb_failed;
	textbuf_free(&env);
}

static void
opt_passenv(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	(void)mx;
	(void)mc;
	/* An empty passenv passes nothing: spawnd's way already. */
	if (ma->ma_nvalues > 0)
		msection_note(ms, ma, "spawnd passes none of its own "
		    "environment to a program: write NAME=VALUE into env");
}

/*
 * log_on_success: spawnd's "connection from", "begat" and "reaped"
 * lines (log_connections) hold the client (HOST), the child's PID and
 * how it ended (EXIT).  log_on_failure: every refusal is logged with
 * the client (HOST, ATTEMPT).
 */
static void
opt_log(struct msection *ms, const struct mattr *ma, const struct mattrs *mx,
    const struct mcore *mc)
{
	int success = strcmp(ma->ma_name, "log_on_success") == 0;
	size_t i;

	(void)mx;
	(void)mc;
	if (ma->ma_nvalues == 0 && success)
		msection_option(ms, "log_connections", "false");
	else if (ma->ma_nvalues == 0)
		msection_note(ms, ma, "spawnd logs every refusal, at most 10 "
		    "lines a second");
	for (i = 0; i < ma->ma_nvalues; i++) {
		const char *v = ma->ma_values[i];

		if (strcmp(v, "HOST") == 0 || (success && (strcmp(v, "PID") ==
		    0 || strcmp(v, "EXIT") == 0)) || (!success &&
		    strcmp(v, "ATTEMPT") == 0))
			continue;
		msection_note_value(ms, ma, v, "%s", strcmp(v, "USERID") == 0 ?
		    "spawnd makes no RFC 1413 ident query" : strcmp(v,
		    "DURATION") == 0 ? "spawnd logs no duration; the begat and "
		    "reaped lines' times give it" : strcmp(v, "TRAFFIC") == 0 ?
		    "spawnd counts no bytes" : "not a value xinetd knows");
	}
}

/* rlimit_as (bytes, K or M), rlimit_cpu (s), rlimit_files. */
static void
opt_rlimit(struct msection *ms, const struct mattr *ma,
    const struct mattrs *mx, const struct mcore *mc)
{
	const char *v = ma->ma_nvalues == 1 ? ma->ma_values[0] : "";
	unsigned long long n;
	char *end;

	(void)mx;
	(void)mc;
	if (strcmp(v, "UNLIMITED") == 0)
		return;		/* spawnd's 0: the limit as spawnd has it */
	n = *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
	if (n > 0 && strcmp(ma->ma_name, "rlimit_as") == 0 &&
	    (*end == 'K' || *end == 'M') && end[1] == '\0' && n < (1ULL << 36))
		n <<= *end++ == 'K' ? 10 : 20;
	if (n == 0 || *end != '\0')
		msection_note(ms, ma, "a number, or UNLIMITED");
	else if (strcmp(ma->ma_name, "rlimit_as") == 0 && n >= 1048576 &&
	    n <= (1ULL << 46))
		msection_option(ms, "rlimit_as", "%llu", n);
	else if (strcmp(ma->ma_name, "rlimit_cpu") == 0 && n <= 86400)
		msection_option(ms, "rlimit_cpu", "%llu", n);
	else if (strcmp(ma->ma_name, "rlimit_files") == 0 && n >= 8 &&
	    n <= 1048576)
		msection_option(ms, "rlimit_nofile", "%llu", n);
	else
		msection_note(ms, ma, "out of spawnd's range (rlimit_as: 1 MiB "
		    "to 2^46, rlimit_cpu: 86400 s, rlimit_nofile: 8 to "
		    "1048576)");
}

static const struct mopt opts[] = {
	{ "user", opt_user, NULL },
	{ "group", opt_group, NULL },
	{ "groups", opt_groups, NULL },
	{ "instances", opt_instances, NULL },
	{ "per_source", opt_per_source, NULL },
	{ "cps", opt_cps, NULL },
	{ "only_from", NULL, NULL },	/* migrate_access.c */
	{ "no_access", NULL, NULL },
	{ "env", opt_env, NULL },
	{ "passenv", opt_passenv, NULL },
	{ "log_on_success", opt_log, NULL },
	{ "log_on_failure", opt_log, NULL },
	{ "rlimit_as", opt_rlimit, NULL },
	{ "rlimit_cpu", opt_rlimit, NULL },
	{ "rlimit_files", opt_rlimit, NULL },
	{ "log_type", NULL, "spawnd's log is one for all services: the "
	    "global log_target and syslog_facility" },
	{ "rlimit_data", NULL, "spawnd sets rlimit_as, rlimit_cpu and "
	    "rlimit_nofile only" },
	{ "rlimit_rss", NULL, "spawnd sets rlimit_as, rlimit_cpu and "
	    "rlimit_nofile only" },
	{ "rlimit_stack", NULL, "spawnd sets rlimit_as, rlimit_cpu and "
	    "rlimit_nofile only" },
	{ "nice", NULL, "spawnd does not change a child's priority" },
	{ "umask", NULL, "spawnd does not set a child's umask" },
	{ "access_times", NULL, "spawnd serves at all hours" },
	{ "banner", NULL, "spawnd sends no banner file" },
	{ "banner_success", NULL, "spawnd sends no banner file" },
	{ "banner_fail", NULL, "spawnd sends no banner file" },
	{ "max_load", NULL, "spawnd does not watch the load average" },
	{ "mdns", NULL, "spawnd registers no mDNS service" },
	{ "deny_time", NULL, "spawnd has no SENSOR for it to apply to" },
	{ "libwrap", NULL, "spawnd does not call libwrap: run tcpd as the "
	    "server, with flags = NAMEINARGS" },
	{ "rpc_version", NULL, "for RPC services, which spawnd does not "
	    "serve" },
	{ "rpc_number", NULL, "for RPC services, which spawnd does not "
	    "serve" },
};

void
migrate_opts(struct msection *ms, const struct mattrs *mx,
    const struct mcore *mc)
{
	size_t i, j;

	for (i = 0; i < mx->mx_n; i++) {
		const struct mattr *ma = &mx->mx_attrs[i];

		if (ma->ma_ignored) {
			msection_note(ms, ma, "xinetd takes one '=' for it, "
			    "and ignores this line");
			continue;
		}
		if (migrate_opts_core(ma->ma_name))
			continue;
		for (j = 0; j < sizeof(opts) / sizeof(*opts) &&
		    strcmp(opts[j].mo_name, ma->ma_name) != 0; j++)
			;
		if (j == sizeof(opts) / sizeof(*opts))
			msection_note(ms, ma, "not an attribute xinetd knows; "
			    "it ignores it");
		else if (opts[j].mo_fn != NULL)
			opts[j].mo_fn(ms, ma, mx, mc);
		else if (opts[j].mo_why != NULL)
			msection_note(ms, ma, "%s", opts[j].mo_why);
	}
	migrate_access(ms, mx, mc->mc_wait);
}
