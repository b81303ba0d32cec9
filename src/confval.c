/*
 * From the parsed libconfuse tree to struct config.  Every value is
 * converted and checked, every problem reported with the line it comes
 * from, and checking goes on after an error so that "spawnd -t" lists
 * them all.  Defaults are those of DESIGN section 4; per-service user,
 * group and fortune_file fall back to the global ones, and an unset
 * "fork" to what the service type does by default.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "addr.h"
#include "confval.h"
#include "idlookup.h"
#include "service.h"

/* Facility names as syslog.conf(5) spells them. */
static const struct conf_facility {
	const char	*fa_name;
	int		 fa_value;
} conf_facilities[] = {
	{ "auth", LOG_AUTH },		{ "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON },		{ "daemon", LOG_DAEMON },
	{ "ftp", LOG_FTP },		{ "lpr", LOG_LPR },
	{ "mail", LOG_MAIL },		{ "news", LOG_NEWS },
	{ "syslog", LOG_SYSLOG },	{ "user", LOG_USER },
	{ "uucp", LOG_UUCP },		{ "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 },	{ "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 },	{ "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 },	{ "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 },
};

#define CONF_NFACILITIES (sizeof(conf_facilities) / sizeof(conf_facilities[0]))

/* Marks a listen address that did not parse (never leaves this file). */
#define CONF_BADADDR	(-1)

/*
 * An integer option that must lie in [min, max].  The ceilings (see
 * confval.h) keep every value one a running daemon can live with: a
 * slot table it can allocate and scan, a grace period that does not
 * wrap when counted in 50 ms steps, timeouts alarm() takes.
 */
static unsigned
conf_uint(struct conf_ctx *cx, cfg_t *sec, const char *name, unsigned min,
    unsigned max, unsigned where, const char *who)
{
	long	v = cfg_getint(sec, name);

	if (v == CONF_BADINT)		/* already reported */
		return min;
	if (v < (long)min || v > (long)max) {
		conf_error(cx, conf_line(cx, sec, name, 0, where),
		    "%s%s = %ld: must be from %u to %u", who, name, v, min,
		    max);
		return min;
	}
	return (unsigned)v;
}

static char *
conf_strdup(struct conf_ctx *cx, const char *s, unsigned line)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		conf_error(cx, line, "%s", strerror(errno));
	return p;
}

/*
 * A copy of path, made absolute against the start directory: spawnd
 * chdirs to "/" when it daemonizes.  "./" prefixes are dropped.
 */
static char *
conf_path(struct conf_ctx *cx, const char *path, unsigned line,
    const char *who, const char *name)
{
	const char	*cwd = cx->cx_cwd;
	size_t		 len;
	char		*p;

	if (path[0] == '\0') {
		conf_error(cx, line, "%s%s must not be empty", who, name);
		return NULL;
	}
	if (path[0] == '/')
		return conf_strdup(cx, path, line);
	if (cwd == NULL || cwd[0] != '/') {
		conf_error(cx, line, "%s%s \"%s\": a relative path needs "
		    "the start directory", who, name, path);
		return NULL;
	}
	while (path[0] == '.' && path[1] == '/')
		path += 2 + strspn(path + 2, "/");
	len = strlen(cwd) + strlen(path) + 2;
	if ((p = malloc(len)) == NULL) {
		conf_error(cx, line, "%s", strerror(errno));
		return NULL;
	}
	snprintf(p, len, "%s%s%s", cwd,
	    cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
	return p;
}

/*
 * A user (group nonzero: a group) name, or a number, to its id.  errno
 * after a failed getpwnam(3) is 0 or one of these when the name merely
 * does not exist.
 */
static int
conf_id(struct conf_ctx *cx, int group, const char *name, unsigned line,
    const char *who, unsigned long *id)
{
	const char	*what = group ? "group" : "user";
	int		 found = idl_name(group, name, id);

	if (found == 1)
		return 0;
	if (found == -1 || (errno != 0 && errno != ENOENT && errno != ESRCH &&
	    errno != EBADF && errno != EPERM)) {
		conf_error(cx, line, "%slooking up %s \"%s\": %s", who, what,
		    name, strerror(errno));
		return -1;
	}
	if (name[0] != '\0' && strspn(name, "0123456789") == strlen(name) &&
	    strlen(name) < 10) {
		*id = strtoul(name, NULL, 10);
		return 0;
	}
	conf_error(cx, line, "%sunknown %s \"%s\"", who, what, name);
	return -1;
}

/* ---- global options */

static void
conf_global_log(struct conf_ctx *cx, cfg_t *cfg, struct config *cf)
{
	const char	*s;
	size_t		 i;

	s = cfg_getstr(cfg, "log_target");
	if (strcasecmp(s, "syslog") == 0)
		cf->cf_log_target = LOG_TARGET_SYSLOG;
	else if (strcasecmp(s, "stderr") == 0)
		cf->cf_log_target = LOG_TARGET_STDERR;
	else
		conf_error(cx, conf_line(cx, cfg, "log_target", 0, 1),
		    "log_target \"%s\": must be \"syslog\" or \"stderr\"", s);
	s = cfg_getstr(cfg, "syslog_facility");
	for (i = 0; i < CONF_NFACILITIES; i++)
		if (strcasecmp(s, conf_facilities[i].fa_name) == 0)
			break;
	if (i < CONF_NFACILITIES)
		cf->cf_syslog_facility = conf_facilities[i].fa_value;
	else
		conf_error(cx, conf_line(cx, cfg, "syslog_facility", 0, 1),
		    "syslog_facility \"%s\": unknown (daemon, user, "
		    "local0 to local7, auth, authpriv, ...)", s);
}

/* A global path option, made absolute. */
static char *
conf_global_path(struct conf_ctx *cx, cfg_t *cfg, const char *name)
{
	return conf_path(cx, cfg_getstr(cfg, name),
	    conf_line(cx, cfg, name, 0, 1), "", name);
}

static void
conf_globals(struct conf_ctx *cx, cfg_t *cfg, struct config *cf)
{
	const char	*user = cfg_getstr(cfg, "user");
	const char	*group = cfg_getstr(cfg, "group");
	unsigned long	 id;

	cf->cf_pidfile = conf_global_path(cx, cfg, "pidfile");
	cf->cf_fortune_file = conf_global_path(cx, cfg, "fortune_file");
	cf->cf_motd_file = conf_global_path(cx, cfg, "motd_file");
	cf->cf_user = conf_strdup(cx, user, 1);
	cf->cf_group = conf_strdup(cx, group, 1);
	if (conf_id(cx, 0, user, conf_line(cx, cfg, "user", 0, 1), "",
	    &id) == 0)
		cx->cx_uid = (uid_t)id;
	if (conf_id(cx, 1, group, conf_line(cx, cfg, "group", 0, 1), "",
	    &id) == 0)
		cx->cx_gid = (gid_t)id;
	cf->cf_max_children = conf_uint(cx, cfg, "max_children", 1,
	    CONF_MAX_CHILDREN, 1, "");
	cf->cf_dns_timeout = conf_uint(cx, cfg, "dns_timeout", 1,
	    CONF_MAX_DNS_TIMEOUT, 1, "");
	cf->cf_shutdown_grace = conf_uint(cx, cfg, "shutdown_grace", 0,
	    CONF_MAX_GRACE, 1, "");
	cf->cf_resolve_names = cfg_getbool(cfg, "resolve_names");
	conf_global_log(cx, cfg, cf);
}

/* ---- one service section */

static void
conf_svc_type(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	const char	*type = cfg_getstr(sec, "type");

	if (type == NULL) {
		conf_error(cx, sc->sc_line, "%smissing type (one of: %s)", who,
		    svc_type_names());
		return;
	}
	if ((sc->sc_type = svc_lookup(type)) == NULL) {
		conf_error(cx, conf_line(cx, sec, "type", 0, sc->sc_line),
		    "%sunknown type \"%s\" (one of: %s)", who, type,
		    svc_type_names());
		return;
	}
	if (cfg_size(sec, "fork") > 0)
		sc->sc_fork = cfg_getbool(sec, "fork");
	else
		sc->sc_fork = sc->sc_type->sv_fork_default;
	if (!sc->sc_fork && sc->sc_type->sv_reply == NULL)
		conf_error(cx, conf_line(cx, sec, "fork", 0, sc->sc_line),
		    "%sfork = false: type %s cannot answer without a child",
		    who, type);
	if (!sc->sc_type->sv_datagram && cfg_size(sec, "listen_datagram") > 0)
		conf_error(cx, conf_line(cx, sec, "listen_datagram", 0,
		    sc->sc_line), "%stype %s has no datagram service "
		    "(listen_datagram)", who, type);
}

/*
 * Every address of a listen list.  One that does not parse keeps its
 * slot, marked CONF_BADADDR, so that slot i is still value i of the
 * option when conf_overlaps() looks for its line.
 */
static void
conf_svc_addrs(struct conf_ctx *cx, cfg_t *sec, const char *name,
    struct listen_addr **las, size_t *nlas, const char *who)
{
	unsigned	 i, n = cfg_size(sec, name);
	char		 err[512];

	if (n == 0)
		return;
	if ((*las = calloc(n, sizeof(**las))) == NULL) {
		conf_error(cx, conf_line(cx, sec, name, 0, 1), "%s",
		    strerror(errno));
		return;
	}
	*nlas = n;
	for (i = 0; i < n; i++) {
		const char	*text = cfg_getnstr(sec, name, i);

		if (addr_parse(text, cx->cx_cwd, &(*las)[i], err,
		    sizeof(err)) == -1) {
			(*las)[i].la_family = CONF_BADADDR;
			conf_error(cx, conf_line(cx, sec, name, i, 1),
			    "%s%s \"%s\": %s", who, name, text, err);
		}
	}
}

static void
conf_svc_cidrs(struct conf_ctx *cx, cfg_t *sec, const char *name,
    struct cidr **cis, size_t *ncis, const char *who)
{
	unsigned	 i, n = cfg_size(sec, name);
	char		 err[512];

	if (n == 0)
		return;
	if ((*cis = calloc(n, sizeof(**cis))) == NULL) {
		conf_error(cx, conf_line(cx, sec, name, 0, 1), "%s",
		    strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		const char	*text = cfg_getnstr(sec, name, i);

		if (cidr_parse(text, &(*cis)[*ncis], err, sizeof(err)) == 0)
			(*ncis)++;
		else
			conf_error(cx, conf_line(cx, sec, name, i, 1),
			    "%s%s \"%s\": %s", who, name, text, err);
	}
}

/* user and group: the section's own, else the global ones. */
static void
conf_svc_identity(struct conf_ctx *cx, const struct config *cf, cfg_t *sec,
    struct svc_conf *sc, const char *who)
{
	const char	*user = cfg_getstr(sec, "user");
	const char	*group = cfg_getstr(sec, "group");
	unsigned long	 id;
	unsigned	 line;

	sc->sc_uid = cx->cx_uid;
	sc->sc_gid = cx->cx_gid;
	if (user != NULL) {
		line = conf_line(cx, sec, "user", 0, sc->sc_line);
		if (conf_id(cx, 0, user, line, who, &id) == 0)
			sc->sc_uid = (uid_t)id;
		sc->sc_user = conf_strdup(cx, user, line);
	} else if (cf->cf_user != NULL)
		sc->sc_user = conf_strdup(cx, cf->cf_user, sc->sc_line);
	if (group != NULL) {
		line = conf_line(cx, sec, "group", 0, sc->sc_line);
		if (conf_id(cx, 1, group, line, who, &id) == 0)
			sc->sc_gid = (gid_t)id;
		sc->sc_group = conf_strdup(cx, group, line);
	} else if (cf->cf_group != NULL)
		sc->sc_group = conf_strdup(cx, cf->cf_group, sc->sc_line);
}

/*
 * The supplementary groups the children get, like initgroups(3) would
 * set them, but looked up here once (and in a throwaway child, see
 * idlookup.h): through NSS, initgroups() costs every child dozens of
 * system calls and a few shared libraries.  Group membership changes
 * are therefore picked up on reload.
 */
static void
conf_svc_groups(struct conf_ctx *cx, struct svc_conf *sc)
{
	gid_t	groups[IDL_MAX_GROUPS];
	int	n;

	if (sc->sc_user == NULL)
		return;
	if ((n = idl_grouplist(sc->sc_user, sc->sc_gid, groups)) < 1) {
		/* A numeric user has no name to look up: its group alone. */
		groups[0] = sc->sc_gid;
		n = 1;
	}
	if ((sc->sc_groups = calloc((size_t)n, sizeof(gid_t))) == NULL) {
		conf_error(cx, sc->sc_line, "out of memory");
		return;
	}
	memcpy(sc->sc_groups, groups, (size_t)n * sizeof(gid_t));
	sc->sc_ngroups = n;
}

/* socket_mode, fortune_file and fortune_command. */
static void
conf_svc_files(struct conf_ctx *cx, const struct config *cf, cfg_t *sec,
    struct svc_conf *sc, const char *who)
{
	const char	*mode = cfg_getstr(sec, "socket_mode");
	const char	*file = cfg_getstr(sec, "fortune_file");
	const char	*cmd = cfg_getstr(sec, "fortune_command");
	unsigned long	 m = ULONG_MAX;

	if (mode[0] != '\0' && strspn(mode, "01234567") == strlen(mode))
		m = strtoul(mode, NULL, 8);
	/* Permission bits only: the file is born with them (listen.c). */
	if (m > 0777)
		conf_error(cx, conf_line(cx, sec, "socket_mode", 0,
		    sc->sc_line), "%ssocket_mode \"%s\": must be an octal "
		    "mode from 0000 to 0777", who, mode);
	else
		sc->sc_socket_mode = (mode_t)m;
	if (file != NULL)
		sc->sc_fortune_file = conf_path(cx, file, conf_line(cx, sec,
		    "fortune_file", 0, sc->sc_line), who, "fortune_file");
	else if (cf->cf_fortune_file != NULL)
		sc->sc_fortune_file = conf_strdup(cx, cf->cf_fortune_file,
		    sc->sc_line);
	if (cmd[0] != '\0')
		sc->sc_fortune_command = conf_strdup(cx, cmd, conf_line(cx,
		    sec, "fortune_command", 0, sc->sc_line));
}

/* Convert one section; returns nonzero if it had errors. */
static int
conf_service(struct conf_ctx *cx, const struct config *cf, cfg_t *sec,
    struct svc_conf *sc)
{
	char	 who[320];
	int	 before = cx->cx_errors;

	snprintf(who, sizeof(who), "service \"%.256s\": ", cfg_title(sec));
	sc->sc_name = conf_strdup(cx, cfg_title(sec), sc->sc_line);
	/* It travels in the reload hand-over, which keeps CONF_NAME_MAX. */
	if (strlen(cfg_title(sec)) > CONF_NAME_MAX)
		conf_error(cx, sc->sc_line, "%sthe name is longer than %d bytes",
		    who, CONF_NAME_MAX);
	sc->sc_enabled = cfg_getbool(sec, "enabled");
	sc->sc_log_connections = cfg_getbool(sec, "log_connections");
	conf_svc_type(cx, sec, sc, who);
	conf_svc_addrs(cx, sec, "listen_stream", &sc->sc_stream,
	    &sc->sc_nstream, who);
	conf_svc_addrs(cx, sec, "listen_datagram", &sc->sc_dgram,
	    &sc->sc_ndgram, who);
	if (sc->sc_enabled && sc->sc_nstream + sc->sc_ndgram == 0)
		conf_error(cx, sc->sc_line, "%sno listen_stream or "
		    "listen_datagram address", who);
	conf_svc_cidrs(cx, sec, "allow", &sc->sc_allow, &sc->sc_nallow, who);
	conf_svc_cidrs(cx, sec, "deny", &sc->sc_deny, &sc->sc_ndeny, who);
	sc->sc_max_instances = conf_uint(cx, sec, "max_instances", 0,
	    CONF_MAX_CHILDREN, sc->sc_line, who);
	sc->sc_per_source = conf_uint(cx, sec, "per_source", 0,
	    CONF_MAX_CHILDREN, sc->sc_line, who);
	sc->sc_rate = conf_uint(cx, sec, "rate", 0, CONF_MAX_RATE,
	    sc->sc_line, who);
	sc->sc_datagram_rate = conf_uint(cx, sec, "datagram_rate", 0,
	    CONF_MAX_RATE, sc->sc_line, who);
	sc->sc_idle_timeout = conf_uint(cx, sec, "idle_timeout", 0,
	    CONF_MAX_TIMEOUT, sc->sc_line, who);
	conf_svc_identity(cx, cf, sec, sc, who);
	conf_svc_groups(cx, sc);
	conf_svc_files(cx, cf, sec, sc, who);
	return cx->cx_errors != before;
}

/* ---- across services */

/*
 * The first address before slot k of a list of service i (in the same
 * list of an earlier enabled service, or earlier in its own) that would
 * collide with it at bind() time.  Returns 0 and sets *j, *m, or -1.
 */
static int
conf_overlap_find(const struct config *cf, size_t i, int dgram, size_t k,
    size_t *j, size_t *m)
{
	const struct svc_conf	*a = &cf->cf_services[i], *b;
	const struct listen_addr *la = dgram ? &a->sc_dgram[k] :
				    &a->sc_stream[k];
	const struct listen_addr *lb;
	size_t			 n;

	if (la->la_family == CONF_BADADDR)
		return -1;
	for (*j = 0; *j <= i; (*j)++) {
		b = &cf->cf_services[*j];
		if (!b->sc_enabled)
			continue;
		n = *j < i ? (dgram ? b->sc_ndgram : b->sc_nstream) : k;
		for (*m = 0; *m < n; (*m)++) {
			lb = dgram ? &b->sc_dgram[*m] : &b->sc_stream[*m];
			if (lb->la_family != CONF_BADADDR &&
			    addr_overlap(la, lb))
				return 0;
		}
	}
	return -1;
}

/* Report each address of one list of service i that collides. */
static void
conf_overlap_list(struct conf_ctx *cx, cfg_t *cfg, const struct config *cf,
    size_t i, int dgram)
{
	const struct svc_conf	*sc = &cf->cf_services[i];
	const char		*name = dgram ? "listen_datagram" :
				    "listen_stream";
	cfg_t			*sec = cfg_getnsec(cfg, "service", i);
	size_t			 k, j, m;
	size_t			 n = dgram ? sc->sc_ndgram : sc->sc_nstream;

	for (k = 0; k < n; k++) {
		cfg_t	*other;

		if (conf_overlap_find(cf, i, dgram, k, &j, &m) == -1)
			continue;
		other = cfg_getnsec(cfg, "service", j);
		conf_error(cx, conf_line(cx, sec, name, k, sc->sc_line),
		    "service \"%s\": %s \"%s\" overlaps \"%s\" of service "
		    "\"%s\" (line %u)", sc->sc_name, name,
		    cfg_getnstr(sec, name, k), cfg_getnstr(other, name, m),
		    cfg_title(other), conf_line(cx, other, name, m, 1));
	}
}

/* Two enabled services, or one twice, on colliding addresses. */
static void
conf_overlaps(struct conf_ctx *cx, cfg_t *cfg, const struct config *cf)
{
	size_t	i;

	for (i = 0; i < cf->cf_nservices; i++) {
		if (!cf->cf_services[i].sc_enabled)
			continue;
		conf_overlap_list(cx, cfg, cf, i, 0);
		conf_overlap_list(cx, cfg, cf, i, 1);
	}
}

void
conf_convert(struct conf_ctx *cx, cfg_t *cfg, struct config *cf)
{
	unsigned	 i, n = cfg_size(cfg, "service"), enabled = 0;
	char		 err[512];

	conf_globals(cx, cfg, cf);
	if (n > 0 && (cf->cf_services = calloc(n, sizeof(*cf->cf_services)))
	    == NULL) {
		conf_error(cx, 1, "%s", strerror(errno));
		return;
	}
	cf->cf_nservices = n;
	for (i = 0; i < n; i++) {
		cfg_t		*sec = cfg_getnsec(cfg, "service", i);
		struct svc_conf	*sc = &cf->cf_services[i];

		sc->sc_line = cx->cx_layout.cl_nsections == n ?
		    cx->cx_layout.cl_sections[i] : (unsigned)sec->line;
		err[0] = '\0';
		/* The type's own checks want a sound section. */
		if (conf_service(cx, cf, sec, sc) == 0 && sc->sc_enabled &&
		    sc->sc_type->sv_check != NULL &&
		    sc->sc_type->sv_check(sc, cf, err, sizeof(err)) == -1)
			conf_error(cx, sc->sc_line, "service \"%s\": %s",
			    sc->sc_name, err);
		if (sc->sc_enabled)
			enabled++;
	}
	conf_overlaps(cx, cfg, cf);
	if (enabled == 0)
		conf_error(cx, cx->cx_layout.cl_lines, "no enabled service");
}
/*
 * Safe on a zeroed or half-filled config, and twice.  sv_release runs
 * for each service whose sv_check left data in sc_data.
 */
void
conf_free(struct config *cf)
{
	size_t	i;

	for (i = 0; i < cf->cf_nservices; i++) {
		struct svc_conf	*sc = &cf->cf_services[i];

		if (sc->sc_data != NULL && sc->sc_type != NULL &&
		    sc->sc_type->sv_release != NULL)
			sc->sc_type->sv_release(sc);
		free(sc->sc_name);
		free(sc->sc_stream);
		free(sc->sc_dgram);
		free(sc->sc_allow);
		free(sc->sc_deny);
		free(sc->sc_user);
		free(sc->sc_group);
		free(sc->sc_groups);
		free(sc->sc_fortune_file);
		free(sc->sc_fortune_command);
	}
	free(cf->cf_services);
	free(cf->cf_file);
	free(cf->cf_pidfile);
	free(cf->cf_user);
	free(cf->cf_group);
	free(cf->cf_fortune_file);
	free(cf->cf_motd_file);
	memset(cf, 0, sizeof(*cf));
}
