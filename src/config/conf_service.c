/*
 * One service section: its type, addresses, access lists, limits,
 * identity and files, each checked, with per-service user, group and
 * fortune_file falling back to the global ones and an unset "fork" to
 * what the type does by default.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/conf_diag.h"
#include "config/conf_exec.h"
#include "config/conf_proxy.h"
#include "config/conf_service.h"
#include "config/conf_suggest.h"
#include "config/conf_value.h"
#include "config/config.h"
#include "config/idlookup.h"
#include "net/addr.h"
#include "services/service.h"

/* The entry of the table for a type name, or NULL. */
static const struct service *
conf_type_find(const struct service *const *types, const char *name)
{
	for (; *types != NULL; types++)
		if (strcmp((*types)->sv_type, name) == 0)
			return *types;
	return NULL;
}

/* The table's type names, space-separated, for messages. */
static const char *
conf_type_names(const struct service *const *types, char *buf, size_t len)
{
	size_t used = 0, n;

	buf[0] = '\0';
	for (; *types != NULL; types++) {
		n = strlen((*types)->sv_type);
		if (used + n + 2 > len)
			break;
		if (used > 0)
			buf[used++] = ' ';
		memcpy(buf + used, (*types)->sv_type, n + 1);
		used += n;
	}
	return buf;
}

static void
conf_svc_type(struct conf_ctx *cx, cfg_t *sec, struct svc_conf *sc,
    const char *who)
{
	const char	*type = cfg_getstr(sec, "type");
	struct conf_suggest sg;
	char		 hint[96], names[160];

	conf_type_names(cx->cx_types, names, sizeof(names));
	if (type == NULL) {
		conf_error(cx, sc->sc_line, "%smissing type (one of: %s)", who,
		    names);
		return;
	}
	if ((sc->sc_type = conf_type_find(cx->cx_types, type)) == NULL) {
		conf_suggest_init(&sg, type);
		conf_suggest_words(&sg, names);
		conf_error(cx, conf_line(cx, sec, "type", 0, sc->sc_line),
		    "%sunknown type \"%s\"%s (one of: %s)", who, type,
		    conf_suggest_text(&sg, '"', hint, sizeof(hint)), names);
		return;
	}
	if (cfg_size(sec, "fork") > 0)
		sc->sc_fork = cfg_getbool(sec, "fork");
	else
		sc->sc_fork = (sc->sc_type->sv_props & SV_FORK) != 0;
	if (!sc->sc_fork && sc->sc_type->sv_reply == NULL)
		conf_error(cx, conf_line(cx, sec, "fork", 0, sc->sc_line),
		    "%sfork = false: type %s cannot answer without a child",
		    who, type);
	if ((sc->sc_type->sv_props & SV_DATAGRAM) == 0 &&
	    cfg_size(sec, "listen_datagram") > 0)
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
    struct listen_addr **las, unsigned **lines, size_t *nlas,
    const char *who)
{
	unsigned	 i, n = cfg_size(sec, name);
	/* The protocol a service name ("127.0.0.1:daytime") stands for. */
	const char	*proto = strcmp(name, "listen_datagram") == 0 ? "udp" :
			    "tcp";
	char		 err[512];

	if (n == 0)
		return;
	if ((*las = calloc(n, sizeof(**las))) == NULL ||
	    (*lines = calloc(n, sizeof(**lines))) == NULL) {
		conf_error(cx, conf_line(cx, sec, name, 0, 1), "%s",
		    strerror(errno));
		return;
	}
	*nlas = n;
	for (i = 0; i < n; i++) {
		const char	*text = cfg_getnstr(sec, name, i);

		(*lines)[i] = conf_line(cx, sec, name, i, 1);
		if (addr_parse(text, cx->cx_cwd, proto, &(*las)[i], err,
		    sizeof(err)) == -1) {
			(*las)[i].la_family = CONF_BADADDR;
			conf_error(cx, (*lines)[i], "%s%s \"%s\": %s", who,
			    name, text, err);
		}
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

/*
 * listen_fifo and signature: type signature's, and only its.  Two
 * services on one FIFO would share its readers.
 */
static void
conf_svc_fifo(struct conf_ctx *cx, const struct config *cf, cfg_t *sec,
    struct svc_conf *sc, const char *who)
{
	const char	*fifo = cfg_getstr(sec, "listen_fifo");
	unsigned	 line = conf_line(cx, sec, "listen_fifo", 0, sc->sc_line);
	int		 wanted = sc->sc_type != NULL &&
			    sc->sc_type->sv_fifo != NULL;
	size_t		 i;

	sc->sc_signature = conf_strdup(cx, cfg_getstr(sec, "signature"),
	    conf_line(cx, sec, "signature", 0, sc->sc_line));
	if (fifo[0] == '\0') {
		if (wanted && sc->sc_enabled)
			conf_error(cx, sc->sc_line, "%stype %s needs "
			    "listen_fifo", who, sc->sc_type->sv_type);
		return;
	}
	if (!wanted && sc->sc_type != NULL) {
		conf_error(cx, line, "%slisten_fifo: type %s does not serve "
		    "a FIFO (type signature does)", who, sc->sc_type->sv_type);
		return;
	}
	if (sc->sc_nstream + sc->sc_ndgram > 0)
		conf_error(cx, line, "%slisten_fifo: a signature service "
		    "has no listen_stream or listen_datagram", who);
	if ((sc->sc_fifo = conf_path(cx, fifo, line, who,
	    "listen_fifo")) == NULL)
		return;
	/* The writer opens it as its owner: it would die at every start. */
	if ((sc->sc_socket_mode & 0200) == 0)
		conf_error(cx, conf_line(cx, sec, "socket_mode", 0,
		    sc->sc_line), "%ssocket_mode \"%04o\": the owner of "
		    "listen_fifo, its writer, must be able to write it", who,
		    (unsigned)sc->sc_socket_mode);
	for (i = 0; i < cf->cf_nservices; i++)
		if (&cf->cf_services[i] != sc &&
		    cf->cf_services[i].sc_fifo != NULL &&
		    cf->cf_services[i].sc_enabled && sc->sc_enabled &&
		    strcmp(cf->cf_services[i].sc_fifo, sc->sc_fifo) == 0)
			conf_error(cx, line, "%slisten_fifo \"%s\": service "
			    "\"%s\" serves it already", who, sc->sc_fifo,
			    cf->cf_services[i].sc_name);
}

int
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
	    &sc->sc_stream_line, &sc->sc_nstream, who);
	conf_svc_addrs(cx, sec, "listen_datagram", &sc->sc_dgram,
	    &sc->sc_dgram_line, &sc->sc_ndgram, who);
	if (sc->sc_enabled && sc->sc_nstream + sc->sc_ndgram == 0 &&
	    (sc->sc_type == NULL || sc->sc_type->sv_fifo == NULL))
		conf_error(cx, sc->sc_line, "%sno listen_stream or "
		    "listen_datagram address", who);
	conf_cidrs(cx, sec, "allow", &sc->sc_allow, &sc->sc_nallow, who);
	conf_cidrs(cx, sec, "deny", &sc->sc_deny, &sc->sc_ndeny, who);
	sc->sc_max_instances = conf_uint(cx, sec, "max_instances", 0,
	    CONF_MAX_CHILDREN, sc->sc_line, who);
	sc->sc_per_source = conf_uint(cx, sec, "per_source", 0,
	    CONF_MAX_CHILDREN, sc->sc_line, who);
	sc->sc_rate = conf_uint(cx, sec, "rate", 0, CONF_MAX_RATE,
	    sc->sc_line, who);
	sc->sc_rate_minute = conf_uint(cx, sec, "rate_per_minute", 0,
	    CONF_MAX_RATE, sc->sc_line, who);
	sc->sc_datagram_rate = conf_uint(cx, sec, "datagram_rate", 0,
	    CONF_MAX_RATE, sc->sc_line, who);
	sc->sc_idle_timeout = conf_uint(cx, sec, "idle_timeout", 0,
	    CONF_MAX_TIMEOUT, sc->sc_line, who);
	sc->sc_max_lifetime = conf_uint(cx, sec, "max_lifetime", 0,
	    CONF_MAX_LIFETIME, sc->sc_line, who);
	conf_svc_identity(cx, cf, sec, sc, who);
	conf_svc_groups(cx, sc);
	conf_svc_files(cx, cf, sec, sc, who);
	conf_svc_fifo(cx, cf, sec, sc, who);
	conf_exec(cx, sec, sc, who);
	conf_proxy(cx, sec, sc, who);
	return cx->cx_errors != before;
}
