/*
 * From the parsed libconfuse tree to struct config: the global options,
 * each service section (conf_service.c) with its type's own check, and
 * the checks across services.  Every problem is reported with the line
 * it comes from, and checking goes on after an error so that "spawnd
 * -t" lists them all.  Defaults are those of spawnd.conf(5),
 * "Global options" and "Service sections".
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

#include "config/conf_convert.h"
#include "config/conf_diag.h"
#include "config/conf_service.h"
#include "config/conf_value.h"
#include "config/config.h"
#include "net/addr.h"
#include "services/service.h"

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
	cf->cf_watch_config = cfg_getbool(cfg, "watch_config");
	conf_global_log(cx, cfg, cf);
}

/* ---- across services (and files) */

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

/*
 * Address m of a list of service j as written: from cfg when the service
 * is one of this file's (from first on), else as the log shows it.
 */
static const char *
conf_addr_text(cfg_t *cfg, const struct config *cf, size_t first, size_t j,
    int dgram, size_t m)
{
	const struct svc_conf *sc = &cf->cf_services[j];

	if (j >= first)
		return cfg_getnstr(cfg_getnsec(cfg, "service", j - first),
		    dgram ? "listen_datagram" : "listen_stream", m);
	return dgram ? sc->sc_dgram[m].la_text : sc->sc_stream[m].la_text;
}

/* Report each address of one list of service i that collides. */
static void
conf_overlap_list(struct conf_ctx *cx, cfg_t *cfg, const struct config *cf,
    size_t first, size_t i, int dgram)
{
	const struct svc_conf	*sc = &cf->cf_services[i], *other;
	const char		*name = dgram ? "listen_datagram" :
				    "listen_stream";
	const unsigned		*lines = dgram ? sc->sc_dgram_line :
				    sc->sc_stream_line;
	size_t			 k, j, m;
	size_t			 n = dgram ? sc->sc_ndgram : sc->sc_nstream;

	for (k = 0; k < n; k++) {
		unsigned theirline;
		int here;

		if (conf_overlap_find(cf, i, dgram, k, &j, &m) == -1)
			continue;
		other = &cf->cf_services[j];
		theirline = (dgram ? other->sc_dgram_line :
		    other->sc_stream_line)[m];
		here = other->sc_file == sc->sc_file;
		conf_error(cx, lines[k], "service \"%s\": %s \"%s\" overlaps "
		    "\"%s\" of service \"%s\" (%s%s%u)", sc->sc_name, name,
		    conf_addr_text(cfg, cf, first, i, dgram, k),
		    conf_addr_text(cfg, cf, first, j, dgram, m),
		    other->sc_name, here ? "line " : other->sc_file,
		    here ? "" : ":", theirline);
	}
}

/* Services from first on: a name taken before, colliding addresses. */
static void
conf_across(struct conf_ctx *cx, cfg_t *cfg, const struct config *cf,
    size_t first)
{
	size_t	i, j;

	for (i = first; i < cf->cf_nservices; i++) {
		const struct svc_conf *sc = &cf->cf_services[i];

		/* One file's titles libconfuse has compared already. */
		for (j = 0; j < first && sc->sc_name != NULL; j++)
			if (cf->cf_services[j].sc_name != NULL &&
			    strcmp(cf->cf_services[j].sc_name, sc->sc_name) == 0)
				conf_error(cx, sc->sc_line, "service \"%s\" is "
				    "defined twice (first in %s:%u)", sc->sc_name,
				    cf->cf_services[j].sc_file,
				    cf->cf_services[j].sc_line);
		if (!sc->sc_enabled)
			continue;
		conf_overlap_list(cx, cfg, cf, first, i, 0);
		conf_overlap_list(cx, cfg, cf, first, i, 1);
	}
}

void
conf_convert_services(struct conf_ctx *cx, cfg_t *cfg, struct config *cf)
{
	unsigned	 i, n = cfg_size(cfg, "service");
	size_t		 first = cf->cf_nservices;
	struct svc_conf	*more;
	char		 err[512];

	if (n == 0)
		return;
	more = reallocarray(cf->cf_services, first + n, sizeof(*more));
	if (more == NULL) {
		conf_error(cx, 1, "%s", strerror(errno));
		return;
	}
	memset(more + first, 0, n * sizeof(*more));
	cf->cf_services = more;
	cf->cf_nservices = first + n;
	for (i = 0; i < n; i++) {
		cfg_t		*sec = cfg_getnsec(cfg, "service", i);
		struct svc_conf	*sc = &cf->cf_services[first + i];

		sc->sc_file = cx->cx_file;
		sc->sc_line = cx->cx_layout.ly_nsections == n ?
		    cx->cx_layout.ly_sections[i] : (unsigned)sec->line;
		err[0] = '\0';
		/* The type's own checks want a sound section. */
		if (conf_service(cx, cf, sec, sc) == 0 && sc->sc_enabled &&
		    sc->sc_type->sv_check != NULL &&
		    sc->sc_type->sv_check(sc, cf, err, sizeof(err)) == -1)
			conf_error(cx, sc->sc_line, "service \"%s\": %s",
			    sc->sc_name, err);
	}
	conf_across(cx, cfg, cf, first);
}

void
conf_convert(struct conf_ctx *cx, cfg_t *cfg, struct config *cf)
{
	conf_globals(cx, cfg, cf);
	conf_convert_services(cx, cfg, cf);
}

void
conf_service_free(struct svc_conf *sc)
{
	size_t	j;

	if (sc->sc_data != NULL && sc->sc_type != NULL &&
	    sc->sc_type->sv_release != NULL)
		sc->sc_type->sv_release(sc);
	free(sc->sc_name);
	free(sc->sc_stream);
	free(sc->sc_stream_line);
	free(sc->sc_dgram);
	free(sc->sc_dgram_line);
	free(sc->sc_allow);
	free(sc->sc_deny);
	free(sc->sc_proxy_from);
	free(sc->sc_user);
	free(sc->sc_group);
	free(sc->sc_groups);
	free(sc->sc_fortune_file);
	free(sc->sc_fortune_command);
	free(sc->sc_fifo);
	free(sc->sc_signature);
	free(sc->sc_exec);
	free(sc->sc_exec_argv);
	free(sc->sc_exec_argv0);
	for (j = 0; j < sc->sc_nenv; j++)
		free(sc->sc_env[j]);
	free(sc->sc_env);
	memset(sc, 0, sizeof(*sc));
}
