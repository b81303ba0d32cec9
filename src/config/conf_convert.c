/*
 * From the parsed libconfuse tree to struct config: the global options,
 * each service section (conf_service.c) with its type's own check, and
 * the checks across services.  Every problem is reported with the line
 * it comes from, and checking goes on after an error so that "spawnd
 * -t" lists them all.  Defaults are those of DESIGN section 4.
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
	conf_global_log(cx, cfg, cf);
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
