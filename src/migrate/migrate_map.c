/*
 * An xinetd service's kind, socket and program (see migrate_map.h).
 * Where xinetd's meaning and spawnd's differ, the service is not
 * converted rather than converted into something else: an RPC or
 * TCPMUX service, a redirect, a raw socket, an internal service spawnd
 * has no type for, a host name to bind.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_map.h"
#include "migrate/migrate_opts.h"

/* spawnd's types for xinetd's INTERNAL services of the same name. */
static const char *const internal[] = {
	"echo", "discard", "chargen", "daytime", "time",
};

/* spawnd's exec takes at most this many words. */
#define MAP_EXEC_WORDS	32

/* One value of a settled attribute: whether it is there. */
static int
has_value(const struct mattr *ma, const char *value)
{
	size_t i;

	for (i = 0; ma != NULL && i < ma->ma_nvalues; i++)
		if (strcmp(ma->ma_values[i], value) == 0)
			return 1;
	return 0;
}

static const char *
single(const struct mattrs *mx, const char *name)
{
	const struct mattr *ma = mattrs_get(mx, name);

	return ma != NULL && ma->ma_nvalues == 1 ? ma->ma_values[0] : NULL;
}

/*
 * The whole service as one note, "service NAME (FILE:LINE)" and, when
 * an attribute (ma) is the reason, "ATTRIBUTE = VALUE...".  Returns -1.
 */
static int
refuse(struct msection *ms, const struct mattr *ma, const char *why)
{
	textbuf_printf(&ms->ms_notes, "# not converted: service %s (%s:%u)",
	    ms->ms_xname, ms->ms_file, ms->ms_line);
	if (ma != NULL) {
		size_t i;

		textbuf_printf(&ms->ms_notes, ": %s =", ma->ma_name);
		for (i = 0; i < ma->ma_nvalues; i++)
			textbuf_printf(&ms->ms_notes, " %s", ma->ma_values[i]);
	}
	textbuf_printf(&ms->ms_notes, " (%s)\n", why);
	ms->ms_converted = 0;
	ms->ms_unconverted++;
	return -1;
}

/* The type: an INTERNAL service by name, or a program. */
static int
map_type(struct msection *ms, const struct mattrs *mx, struct mcore *mc)
{
	const struct mattr *type = mattrs_get(mx, "type");
	size_t i;

	if (has_value(type, "RPC"))
		return refuse(ms, type, "spawnd serves no RPC services");
	if (has_value(type, "TCPMUX") || has_value(type, "TCPMUXPLUS"))
		return refuse(ms, type, "spawnd has no TCPMUX (RFC 1078)");
	if (has_value(mattrs_get(mx, "flags"), "SENSOR"))
		return refuse(ms, mattrs_get(mx, "flags"), "spawnd has no "
		    "sensor that denies a client every service");
	if (mattrs_get(mx, "redirect") != NULL)
		return refuse(ms, mattrs_get(mx, "redirect"), "spawnd forwards "
		    "no connections to another host");
	mc->mc_exec = !has_value(type, "INTERNAL");
	if (mc->mc_exec)
		return 0;
	for (i = 0; i < sizeof(internal) / sizeof(*internal); i++)
		if (strcmp(ms->ms_xname, internal[i]) == 0) {
			msection_option(ms, "type", "%s", internal[i]);
			return 0;
		}
	return refuse(ms, type, "spawnd's own types are echo, discard, "
	    "chargen, daytime and time, not this service's");
}

/* Stream or datagram, from socket_type and protocol. */
static int
map_socket(struct msection *ms, const struct mattrs *mx, const char **proto)
{
	const char *st = single(mx, "socket_type"), *pr = single(mx, "protocol");

	if (st == NULL && pr == NULL)
		return refuse(ms, NULL, "neither socket_type nor protocol, as "
		    "xinetd needs one");
	if (st != NULL && strcmp(st, "stream") != 0 && strcmp(st, "dgram") != 0)
		return refuse(ms, mattrs_get(mx, "socket_type"), "spawnd "
		    "listens on stream and dgram sockets only");
	if (pr != NULL && strcmp(pr, "tcp") != 0 && strcmp(pr, "udp") != 0)
		return refuse(ms, mattrs_get(mx, "protocol"), "spawnd listens "
		    "with tcp and udp only");
	/* One of the two is there (checked above). */
	ms->ms_dgram = st != NULL ? strcmp(st, "dgram") == 0 :
	    pr != NULL && strcmp(pr, "udp") == 0;
	if (pr != NULL && (strcmp(pr, "udp") == 0) != ms->ms_dgram)
		return refuse(ms, mattrs_get(mx, "protocol"), "not the "
		    "protocol of the socket_type");
	*proto = ms->ms_dgram ? "udp" : "tcp";
	return 0;
}

/* The port: the attribute, else the service's name in /etc/services. */
static int
map_port(struct msection *ms, const struct mattrs *mx, const char *proto,
    unsigned *port)
{
	const char *p = single(mx, "port");
	struct servent *se;

	if (p != NULL) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);

		if (*p < '0' || *p > '9' || *end != '\0' || n == 0 || n > 65535)
			return refuse(ms, mattrs_get(mx, "port"), "a port is "
			    "a number from 1 to 65535");
		*port = (unsigned)n;
		return 0;
	}
	if ((se = getservbyname(ms->ms_xname, proto)) == NULL)
		return refuse(ms, NULL, "no port attribute, and the name is "
		    "not in /etc/services here");
	*port = ntohs((unsigned short)se->s_port);
	return 0;
}

/* The address to listen on: bind, the IPv4 and IPv6 flags, v6only. */
static int
map_listen(struct msection *ms, const struct mattrs *mx, unsigned port)
{
	const struct mattr *flags = mattrs_get(mx, "flags");
	const char *bind = single(mx, "bind"), *v6only = single(mx, "v6only");
	unsigned char buf[sizeof(struct in6_addr)];
	char addr[128];

	if (mattrs_get(mx, "bind") != NULL && bind == NULL)
		return refuse(ms, mattrs_get(mx, "bind"), "one address");
	if (bind != NULL && inet_pton(AF_INET, bind, buf) == 1)
		snprintf(addr, sizeof(addr), "%s:%u", bind, port);
	else if (bind != NULL && inet_pton(AF_INET6, bind, buf) == 1)
		snprintf(addr, sizeof(addr), "[%s]:%u", bind, port);
	else if (bind != NULL)
		return refuse(ms, mattrs_get(mx, "bind"), "spawnd listens on "
		    "numeric addresses: write the address instead");
	else if (has_value(flags, "IPv4") && !has_value(flags, "IPv6"))
		snprintf(addr, sizeof(addr), "0.0.0.0:%u", port);
	else if (v6only != NULL && strcmp(v6only, "yes") == 0)
		snprintf(addr, sizeof(addr), "[::]:%u", port);
	else	/* xinetd's default: IPv6, taking IPv4 clients too */
		snprintf(addr, sizeof(addr), "%u", port);
	if ((ms->ms_listen = malloc(strlen(addr) + 3)) == NULL)
		return -1;
	snprintf(ms->ms_listen, strlen(addr) + 3, "\"%s\"", addr);
	return 0;
}

/* A program: exec, exec_argv0 and wait from server, server_args, flags. */
static int
map_exec(struct msection *ms, const struct mattrs *mx, struct mcore *mc)
{
	const struct mattr *args = mattrs_get(mx, "server_args");
	const char *server = single(mx, "server"), *wait = single(mx, "wait");
	int nameinargs = has_value(mattrs_get(mx, "flags"), "NAMEINARGS");
	size_t from = nameinargs ? 1 : 0;

	if (wait == NULL || (strcmp(wait, "yes") != 0 && strcmp(wait, "no")))
		return refuse(ms, mattrs_get(mx, "wait"), "wait = yes or no, "
		    "as xinetd needs it");
	mc->mc_wait = strcmp(wait, "yes") == 0;
	if (!mc->mc_exec) {
		if (mattrs_get(mx, "server") != NULL)
			msection_note(ms, mattrs_get(mx, "server"), "an "
			    "INTERNAL service runs no server");
		if (args != NULL)
			msection_note(ms, args, "an INTERNAL service runs no "
			    "server");
		return 0;
	}
	if (server == NULL || server[0] != '/')
		return refuse(ms, mattrs_get(mx, "server"), "spawnd runs a "
		    "program by its absolute path: server = PATH");
	if (nameinargs && (args == NULL || args->ma_nvalues == 0))
		return refuse(ms, mattrs_get(mx, "flags"), "NAMEINARGS without "
		    "server_args, as xinetd refuses it");
	if (args != NULL && args->ma_nvalues + 1 - from > MAP_EXEC_WORDS)
		return refuse(ms, args, "spawnd's exec takes 32 words at most");
	if (ms->ms_dgram && !mc->mc_wait)
		return refuse(ms, mattrs_get(mx, "wait"), "spawnd gives a "
		    "datagram socket only to a program that reads it itself");
	msection_option(ms, "type", "exec");
	textbuf_printf(&ms->ms_body, "\texec = ");
	if (args == NULL || args->ma_nvalues <= from)
		msection_quote(&ms->ms_body, server);
	else {
		struct textbuf line = { NULL, 0, 0, 0 };
		size_t i;

		textbuf_printf(&line, "%s", server);
		for (i = from; i < args->ma_nvalues; i++)
			textbuf_printf(&line, " %s", args->ma_values[i]);
		msection_quote(&ms->ms_body, line.tb_failed ? "" : line.tb_text);
		ms->ms_body.tb_failed |= line.tb_failed;
		textbuf_free(&line);
	}
	textbuf_printf(&ms->ms_body, "\n\texec_argv0 = ");
	msection_quote(&ms->ms_body, nameinargs ? args->ma_values[0] :
	    strrchr(server, '/') + 1);
	textbuf_printf(&ms->ms_body, "\n");
	if (mc->mc_wait)
		msection_option(ms, "wait", "true");
	return 0;
}

/* The flags spawnd's behaviour matches, or that the mapping used. */
static void
map_flags(struct msection *ms, const struct mattrs *mx, const struct mcore *mc)
{
	static const struct { const char *flag, *why; } unmapped[] = {
		{ "INTERCEPT", "spawnd does not filter a running service's "
		    "packets" },
		{ "NORETRY", "spawnd refuses a connection it cannot fork for, "
		    "with no retry to turn off" },
		{ "IDONLY", "spawnd makes no RFC 1413 ident query" },
		{ "NODELAY", "spawnd sets no TCP_NODELAY on client sockets" },
		{ "KEEPALIVE", "spawnd sets no SO_KEEPALIVE on client sockets" },
		{ "LABELED", "spawnd sets no SELinux context" },
	};
	const struct mattr *flags = mattrs_get(mx, "flags");
	size_t i, j;

	for (i = 0; flags != NULL && i < flags->ma_nvalues; i++) {
		const char *f = flags->ma_values[i];

		/* REUSE: spawnd always sets SO_REUSEADDR; no libwrap at all. */
		if (strcmp(f, "IPv4") == 0 || strcmp(f, "IPv6") == 0 ||
		    strcmp(f, "REUSE") == 0 || strcmp(f, "NOLIBWRAP") == 0 ||
		    (strcmp(f, "NAMEINARGS") == 0 && mc->mc_exec))
			continue;
		for (j = 0; j < sizeof(unmapped) / sizeof(*unmapped) &&
		    strcmp(unmapped[j].flag, f) != 0; j++)
			;
		msection_note_value(ms, flags, f, "%s", j < sizeof(unmapped) /
		    sizeof(*unmapped) ? unmapped[j].why : strcmp(f,
		    "NAMEINARGS") == 0 ? "an INTERNAL service runs no server" :
		    "not a flag xinetd knows");
	}
}

/* In a list of the defaults section ("disabled", "enabled"): 1, 0, -1. */
static int
defaults_list_has(const struct xconf *xc, const char *list, const char *id)
{
	const struct xentry *d = xc->xc_defaults;
	int found = -1;
	size_t i, j;

	for (i = 0; d != NULL && i < d->xe_nattrs; i++) {
		if (strcmp(d->xe_attrs[i].xa_name, list) != 0)
			continue;
		found = found == 1 ? 1 : 0;
		for (j = 0; j < d->xe_attrs[i].xa_nvalues; j++)
			if (strcmp(d->xe_attrs[i].xa_values[j], id) == 0)
				found = 1;
	}
	return found;
}

/* disable, and the defaults' disabled and enabled lists of ids. */
static void
map_enabled(struct msection *ms, const struct mattrs *mx,
    const struct xconf *xc)
{
	const struct mattr *ma = mattrs_get(mx, "disable");
	const char *disable = single(mx, "disable");

	if (disable != NULL && strcmp(disable, "yes") == 0)
		ms->ms_enabled = 0;
	else if (ma != NULL && (disable == NULL || strcmp(disable, "no") != 0))
		msection_note(ms, ma, "yes or no");
	if (defaults_list_has(xc, "disabled", ms->ms_id) == 1 ||
	    defaults_list_has(xc, "enabled", ms->ms_id) == 0)
		ms->ms_enabled = 0;
}

int
migrate_map(struct msection *ms, const struct xconf *xc,
    const struct xservice *xv)
{
	struct mcore mc = { 0, 0 };
	const char *proto = "tcp";
	struct mattrs mx;
	unsigned port = 0;
	int rc = 0;

	memset(ms, 0, sizeof(*ms));
	ms->ms_xname = xv->xv_entry->xe_name;
	ms->ms_file = xv->xv_file;
	ms->ms_line = xv->xv_entry->xe_line;
	ms->ms_converted = 1;
	ms->ms_enabled = 1;
	if (mattrs_settle(&mx, xv->xv_entry, xv->xv_file, xc->xc_defaults,
	    xc->xc_defaults_file) == -1) {
		mattrs_free(&mx);
		return -1;
	}
	ms->ms_id = single(&mx, "id") != NULL ? single(&mx, "id") :
	    ms->ms_xname;
	if (map_type(ms, &mx, &mc) == 0 && map_socket(ms, &mx, &proto) == 0 &&
	    map_port(ms, &mx, proto, &port) == 0 &&
	    (rc = map_listen(ms, &mx, port)) == 0 &&
	    map_exec(ms, &mx, &mc) == 0) {
		map_enabled(ms, &mx, xc);
		map_flags(ms, &mx, &mc);
		migrate_opts(ms, &mx, &mc);
	}
	mattrs_free(&mx);
	return rc == -1 && ms->ms_converted ? -1 : msection_failed(ms) ? -1 : 0;
}
