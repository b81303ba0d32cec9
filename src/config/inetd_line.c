/*
 * inetd.conf lines (see inetd_line.h).  The fields, blank-separated:
 *
 *	[ADDR[,ADDR...]:]SERVICE SOCKTYPE PROTO[,sndbuf=N][,rcvbuf=N]
 *	    wait|nowait[.MAX] USER[.GROUP|:GROUP] PROGRAM|internal [ARGV0 ARGS...]
 *
 * Each value is quoted for libconfuse ('...'); what cannot be served (an rpc service, a
 * raw socket, a host name where spawnd wants numbers, an unknown
 * service or user) is INETD_BAD with the reason.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/inetd_line.h"
#include "net/port.h"

#define INETD_FIELDS	64

/* Words of line, split on blanks, into a copy (words point into it). */
static size_t
inetd_split(char *copy, char **words, size_t max)
{
	size_t n = 0;
	char *p, *save = NULL;

	for (p = strtok_r(copy, " \t", &save); p != NULL && n < max;
	    p = strtok_r(NULL, " \t", &save))
		words[n++] = p;
	return n;
}

__attribute__((format(printf, 3, 4))) static enum inetd_kind
inetd_bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return INETD_BAD;
}

/*
 * Appends to out, quoting s as a libconfuse string: single quotes, in
 * which libconfuse expands no ${VARIABLE} (inetd passes its fields as
 * they are), with ' and \\ escaped.  0, or -1 if out is full.
 */
static int
inetd_quoted(char *out, size_t outlen, size_t *at, const char *s)
{
	if (*at + 3 > outlen)	/* '', and the NUL */
		return -1;
	out[(*at)++] = '\'';
	for (; *s != '\0'; s++) {
		if (*at + 3 >= outlen)
			return -1;
		if (*s == '\'' || *s == '\\')
			out[(*at)++] = '\\';
		out[(*at)++] = *s;
	}
	out[(*at)++] = '\'';
	out[*at] = '\0';
	return 0;
}

__attribute__((format(printf, 4, 5))) static int
inetd_put(char *out, size_t outlen, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *at, outlen - *at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen - *at)
		return -1;
	*at += (size_t)n;
	return 0;
}

/* The protocols: socket family wanted (4, 6, 46) and transport. */
struct inetd_proto {
	int	ip_tcp;		/* tcp (else udp) */
	int	ip_family;	/* 4, 6, or 46 (both) */
	int	ip_unix;
};

static int
inetd_proto(char *field, struct inetd_proto *ip)
{
	char *opt = strchr(field, ',');

	/* sndbuf=, rcvbuf=: the kernel's defaults serve. */
	if (opt != NULL)
		*opt = '\0';
	memset(ip, 0, sizeof(*ip));
	if (strcmp(field, "unix") == 0) {
		ip->ip_unix = 1;
		return 0;
	}
	if (strncmp(field, "tcp", 3) == 0)
		ip->ip_tcp = 1;
	else if (strncmp(field, "udp", 3) != 0)
		return -1;
	field += 3;
	if (*field == '\0' || strcmp(field, "46") == 0)
		ip->ip_family = 46;
	else if (strcmp(field, "4") == 0)
		ip->ip_family = 4;
	else if (strcmp(field, "6") == 0)
		ip->ip_family = 6;
	else
		return -1;
	return 0;
}

/* One listen address for host (NULL or "*": every) and port, quoted. */
static enum inetd_kind
inetd_address(const char *host, unsigned port, const struct inetd_proto *ip,
    char *buf, size_t buflen, char *err, size_t errlen)
{
	struct in6_addr a6;
	struct in_addr a4;

	char bare[INETD_ADDR_MAX];
	size_t len;

	/* "[::1]" as well as "::1". */
	if (host != NULL && host[0] == '[' && (len = strlen(host)) > 2 &&
	    host[len - 1] == ']' && len - 2 < sizeof(bare)) {
		memcpy(bare, host + 1, len - 2);
		bare[len - 2] = '\0';
		host = bare;
	}
	if (host == NULL || strcmp(host, "*") == 0 || host[0] == '\0') {
		if (ip->ip_family == 4)
			snprintf(buf, buflen, "0.0.0.0:%u", port);
		else if (ip->ip_family == 6)
			snprintf(buf, buflen, "[::]:%u", port);
		else
			snprintf(buf, buflen, "%u", port);
		return INETD_SERVICE;
	}
	if (inet_pton(AF_INET, host, &a4) == 1 && ip->ip_family != 6) {
		snprintf(buf, buflen, "%s:%u", host, port);
		return INETD_SERVICE;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1 && ip->ip_family != 4) {
		snprintf(buf, buflen, "[%s]:%u", host, port);
		return INETD_SERVICE;
	}
	return inetd_bad(err, errlen, "address \"%s\": a numeric address of "
	    "the protocol's family, or *", host);
}

/* listen_stream or listen_datagram = {...} for the first field. */
static enum inetd_kind
inetd_listen(char *first, const char *defaddr, int stream,
    const struct inetd_proto *ip, unsigned port, char *out, size_t outlen,
    size_t *at, char *err, size_t errlen)
{
	char addr[INETD_ADDR_MAX + 16], *hosts = NULL;
	char defcopy[INETD_ADDR_MAX], *host, *save = NULL, *colon;
	unsigned n = 0;

	if (inetd_put(out, outlen, at, " %s = {", stream ? "listen_stream" :
	    "listen_datagram") == -1)
		return inetd_bad(err, errlen, "line too long");
	if (ip->ip_unix) {
		if (first[0] != '/')
			return inetd_bad(err, errlen, "unix socket \"%s\": an "
			    "absolute path", first);
		if (inetd_quoted(out, outlen, at, first) == -1)
			return inetd_bad(err, errlen, "line too long");
		return inetd_put(out, outlen, at, "}") == -1 ?
		    inetd_bad(err, errlen, "line too long") : INETD_SERVICE;
	}
	if ((colon = strrchr(first, ':')) != NULL) {
		*colon = '\0';
		hosts = first;
	}
	if (hosts == NULL) {
		snprintf(defcopy, sizeof(defcopy), "%s", defaddr);
		hosts = defcopy;
	}
	for (host = strtok_r(hosts, ",", &save); n == 0 || host != NULL;
	    host = strtok_r(NULL, ",", &save)) {
		if (inetd_address(host, port, ip, addr, sizeof(addr), err,
		    errlen) == INETD_BAD)
			return INETD_BAD;
		if ((n++ > 0 && inetd_put(out, outlen, at, ", ") == -1) ||
		    inetd_quoted(out, outlen, at, addr) == -1)
			return inetd_bad(err, errlen, "line too long");
		if (host == NULL)
			break;
	}
	return inetd_put(out, outlen, at, "}") == -1 ?
	    inetd_bad(err, errlen, "line too long") : INETD_SERVICE;
}

/* user, and group as the line says or as the user's own. */
static enum inetd_kind
inetd_user(char *field, char *out, size_t outlen, size_t *at, char *err,
    size_t errlen)
{
	char *group = strpbrk(field, ".:");
	struct passwd *pw;
	struct group *gr;

	if (group != NULL)
		*group++ = '\0';
	if (field[0] == '\0' || (group != NULL && group[0] == '\0'))
		return inetd_bad(err, errlen, "an empty user or group");
	if (group == NULL) {
		if ((pw = getpwnam(field)) == NULL)
			return inetd_bad(err, errlen, "unknown user \"%s\"",
			    field);
		if ((gr = getgrgid(pw->pw_gid)) == NULL)
			return inetd_bad(err, errlen, "user \"%s\": no group "
			    "%lu", field, (unsigned long)pw->pw_gid);
		group = gr->gr_name;
	}
	if (inetd_put(out, outlen, at, " user = ") == -1 ||
	    inetd_quoted(out, outlen, at, field) == -1 ||
	    inetd_put(out, outlen, at, " group = ") == -1 ||
	    inetd_quoted(out, outlen, at, group) == -1)
		return inetd_bad(err, errlen, "line too long");
	return INETD_SERVICE;
}

/* The program, or an internal service of the same name. */
static enum inetd_kind
inetd_program(char **w, size_t n, const char *service, unsigned port,
    char *out, size_t outlen, size_t *at, char *err, size_t errlen)
{
	/* inetd's own services, by name or by their well-known port. */
	static const struct { const char *name; unsigned port; } internal[] = {
		{ "echo", 7 }, { "discard", 9 }, { "chargen", 19 },
		{ "daytime", 13 }, { "time", 37 },
	};
	size_t i, len = 0;
	char line[4096];

	if (strcmp(w[5], "internal") == 0) {
		for (i = 0; i < sizeof(internal) / sizeof(*internal); i++)
			if (strcmp(service, internal[i].name) == 0 ||
			    port == internal[i].port)
				return inetd_put(out, outlen, at, " type = "
				    "'%s'", internal[i].name) == -1 ?
				    inetd_bad(err, errlen, "line too long") :
				    INETD_SERVICE;
		return inetd_bad(err, errlen, "internal service \"%s\": "
		    "spawnd has echo, discard, chargen, daytime and time",
		    service);
	}
	/* exec: PROGRAM and the arguments after ARGV0, ARGV0 apart. */
	line[0] = '\0';
	for (i = 5; i < n; i++) {
		if (i == 6)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s",
		    len > 0 ? " " : "", w[i]);
		if (len >= sizeof(line))
			return inetd_bad(err, errlen, "line too long");
	}
	/* No ARGV0: the program's own name, as inetd gives it. */
	if (inetd_put(out, outlen, at, " type = 'exec' exec = ") == -1 ||
	    inetd_quoted(out, outlen, at, line) == -1 ||
	    inetd_put(out, outlen, at, " exec_argv0 = ") == -1 ||
	    inetd_quoted(out, outlen, at, n > 6 ? w[6] : strrchr(w[5], '/') !=
	    NULL ? strrchr(w[5], '/') + 1 : w[5]) == -1)
		return inetd_bad(err, errlen, "line too long");
	return INETD_SERVICE;
}

/* "ADDR:" alone on its line: the default address from here on. */
static int
inetd_default_line(char **w, size_t n, char defaddr[INETD_ADDR_MAX])
{
	size_t len;

	if (n != 1 || (len = strlen(w[0])) < 2 || w[0][len - 1] != ':' ||
	    len > INETD_ADDR_MAX)
		return 0;
	memcpy(defaddr, w[0], len - 1);
	defaddr[len - 1] = '\0';
	return 1;
}

enum inetd_kind
inetd_translate(const char *line, char defaddr[INETD_ADDR_MAX], char *out,
    size_t outlen, char *err, size_t errlen)
{
	char copy[4096], *w[INETD_FIELDS], name[320], *dot, service[128];
	struct inetd_proto ip;
	unsigned short port = 0;
	size_t n, at = 0;
	unsigned long max = INETD_TOOMANY;
	int stream, wait;

	out[0] = '\0';
	err[0] = '\0';
	if (strlen(line) >= sizeof(copy))
		return inetd_bad(err, errlen, "line too long");
	memcpy(copy, line, strlen(line) + 1);
	n = inetd_split(copy, w, INETD_FIELDS);
	if (n == 0 || w[0][0] == '#')
		return INETD_NOTHING;
	/* Blanks separate the fields; any other control byte is no text. */
	for (; *line != '\0'; line++)
		if (((unsigned char)*line < 0x20 && *line != '\t') ||
		    *line == 0x7f)
			return inetd_bad(err, errlen, "a control character "
			    "(byte 0x%02x) in the line", (unsigned char)*line);
	if (inetd_default_line(w, n, defaddr))
		return INETD_ADDRESS;
	if (n < 6)
		return inetd_bad(err, errlen, "%zu fields, not 6 or more", n);
	if (strncmp(w[2], "rpc/", 4) == 0)
		return inetd_bad(err, errlen, "rpc services are not served");
	if (inetd_proto(w[2], &ip) == -1)
		return inetd_bad(err, errlen, "protocol \"%s\": tcp, udp (4, "
		    "6, 46) or unix", w[2]);
	stream = strcmp(w[1], "stream") == 0;
	if (!stream && strcmp(w[1], "dgram") != 0)
		return inetd_bad(err, errlen, "socket type \"%s\": stream or "
		    "dgram", w[1]);
	if (!ip.ip_unix && stream != ip.ip_tcp)
		return inetd_bad(err, errlen, "%s over %s", w[1], w[2]);
	if ((dot = strchr(w[3], '.')) != NULL) {
		*dot++ = '\0';
		max = strtoul(dot, NULL, 10);
		if (max == 0 || max > 1000000 || strspn(dot, "0123456789") !=
		    strlen(dot))
			return inetd_bad(err, errlen, "\"%s.%s\": the most "
			    "children a minute, from 1", w[3], dot);
	}
	wait = strcmp(w[3], "wait") == 0;
	if (!wait && strcmp(w[3], "nowait") != 0)
		return inetd_bad(err, errlen, "\"%s\": wait or nowait", w[3]);
	/*
	 * SERVICE/PROTO, and with the addresses it names: one service on
	 * two addresses is two lines, and two services.
	 */
	snprintf(service, sizeof(service), "%s", ip.ip_unix ? w[0] :
	    strrchr(w[0], ':') != NULL ? strrchr(w[0], ':') + 1 : w[0]);
	snprintf(name, sizeof(name), "%.*s%s/%s", ip.ip_unix ||
	    strrchr(w[0], ':') == NULL ? 0 :
	    (int)(strrchr(w[0], ':') - w[0] + 1), w[0], service, w[2]);
	if (!ip.ip_unix && port_parse(service, ip.ip_tcp ? "tcp" : "udp",
	    &port, NULL, 0) == -1)
		return inetd_bad(err, errlen, "service \"%s\": not in "
		    "/etc/services for %s, nor a port", service,
		    ip.ip_tcp ? "tcp" : "udp");
	if (inetd_put(out, outlen, &at, "service ") == -1 ||
	    inetd_quoted(out, outlen, &at, name) == -1 ||
	    inetd_put(out, outlen, &at, " {") == -1)
		return inetd_bad(err, errlen, "line too long");
	if (inetd_program(w, n, service, port, out, outlen, &at, err,
	    errlen) == INETD_BAD ||
	    inetd_listen(w[0], defaddr, stream, &ip, port, out, outlen, &at,
	    err, errlen) == INETD_BAD ||
	    inetd_user(w[4], out, outlen, &at, err, errlen) == INETD_BAD)
		return INETD_BAD;
	if (strcmp(w[5], "internal") != 0 && wait &&
	    inetd_put(out, outlen, &at, " wait = true") == -1)
		return inetd_bad(err, errlen, "line too long");
	if (inetd_put(out, outlen, &at, " rate_per_minute = %lu }", max) == -1)
		return inetd_bad(err, errlen, "line too long");
	return INETD_SERVICE;
}
