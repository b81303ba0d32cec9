/*
 * Address syntax.  Listen addresses follow systemd.socket(5)
 * ListenStream=, plus relative Unix paths, as are the CIDR blocks of the
 * allow/deny lists (cidr.c).  Addresses are numeric: a host name is an
 * error, never a DNS query, because the parent must not block and a
 * configuration must mean the same thing on every start.  A port may be
 * a service name of /etc/services (port.c), read at load only.
 *
 * How a listen address is recognized, in this order:
 *   "/abs/path"	Unix socket
 *   ".", "./x", "../x"	Unix socket relative to cwd
 *   "[v6]:port"	IPv6 (a scope id "[fe80::1%lo]:80" is allowed)
 *   "*:port"		port alone, as the logs write it
 *   "a.b.c.d:port"	IPv4 (anything else with a ':' is an error)
 *   "2345"		port alone; a bare word starting with a digit, a
 *			sign or a blank is taken as a port, so a Unix
 *			socket named "2fast" must be written "./2fast"
 *   "catsock"		any other bare word: Unix socket relative to cwd,
 *			even a service name ("daytime"): "*:daytime" is
 *			the port, and a file name never turns into one
 * la_text of a port alone is "*:PORT": it may end up IPv6 dual-stack or
 * IPv4, and "*" says "every address" either way.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net/addr.h"
#include "net/port.h"

#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

void
addr_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
addr_decimal(const char *s, unsigned long max, unsigned long *val)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*val = v;
	return 0;
}

/* The port part s of text, a number or a service name for proto. */
static int
parse_port(const char *s, const char *text, const char *proto,
    unsigned short *port, char *err, size_t errlen)
{
	char why[256];

	if (port_parse(s, proto, port, why, sizeof(why)) == 0)
		return 0;
	if (s == text)
		addr_error(err, errlen, "%s", why);
	else
		addr_error(err, errlen, "%s in \"%s\"", why, text);
	return -1;
}

int
addr_copy_part(char *dst, size_t dstlen, const char *src, size_t n)
{
	if (n >= dstlen)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* "2345", or port after "*:" in text. */
static int
port_alone(const char *port, const char *text, const char *proto,
    struct listen_addr *la, char *err, size_t errlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&la->la_sa;

	if (parse_port(port, text, proto, &la->la_port, err, errlen) == -1)
		return -1;
	/* Prepared as [::]:port; listen_open falls back to 0.0.0.0:port. */
	la->la_family = AF_UNSPEC;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = in6addr_any;
	sin6->sin6_port = htons(la->la_port);
	la->la_salen = sizeof(*sin6);
	snprintf(la->la_text, sizeof(la->la_text), "*:%u", la->la_port);
	return 0;
}

static int
parse_inet(const char *text, const char *proto, struct listen_addr *la,
    char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&la->la_sa;
	const char *colon = strrchr(text, ':');
	char host[INET_ADDRSTRLEN];
	size_t n = (size_t)(colon - text);

	if (memchr(text, ':', n) != NULL) {
		addr_error(err, errlen, "an IPv6 address needs brackets, as in "
		    "\"[::1]:2345\": \"%s\"", text);
		return -1;
	}
	if (addr_copy_part(host, sizeof(host), text, n) == -1 ||
	    inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
		addr_error(err, errlen, "not a numeric IPv4 address: \"%.*s\" "
		    "in \"%s\" (host names are not resolved)", (int)n, text,
		    text);
		return -1;
	}
	if (parse_port(colon + 1, text, proto, &la->la_port, err,
	    errlen) == -1)
		return -1;
	la->la_family = AF_INET;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(la->la_port);
	la->la_salen = sizeof(*sin);
	inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
	snprintf(la->la_text, sizeof(la->la_text), "%s:%u", host, la->la_port);
	return 0;
}

/*
 * getaddrinfo() with AI_NUMERICHOST never asks DNS; it is used instead
 * of inet_pton() only because it also understands "%scope".
 */
static int
inet6_host(const char *host, struct sockaddr_in6 *sin6)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET6;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	if (res->ai_addrlen != sizeof(*sin6)) {
		freeaddrinfo(res);
		return -1;
	}
	memcpy(sin6, res->ai_addr, sizeof(*sin6));
	freeaddrinfo(res);
	return 0;
}

static int
parse_inet6(const char *text, const char *proto, struct listen_addr *la,
    char *err, size_t errlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&la->la_sa;
	const char *close = strchr(text, ']');
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	size_t n;

	if (close == NULL) {
		addr_error(err, errlen, "missing \"]\" in \"%s\"", text);
		return -1;
	}
	n = (size_t)(close - text - 1);
	if (n == 0 || addr_copy_part(host, sizeof(host), text + 1, n) == -1 ||
	    inet6_host(host, sin6) == -1) {
		addr_error(err, errlen, "not a numeric IPv6 address: \"%.*s\" "
		    "in \"%s\"", (int)n, text + 1, text);
		return -1;
	}
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		addr_error(err, errlen, "IPv4-mapped address in \"%s\": write "
		    "it as IPv4, a.b.c.d:PORT", text);
		return -1;
	}
	if (close[1] != ':') {
		addr_error(err, errlen, "expected \":PORT\" after \"]\" in "
		    "\"%s\"", text);
		return -1;
	}
	if (parse_port(close + 2, text, proto, &la->la_port, err,
	    errlen) == -1)
		return -1;
	la->la_family = AF_INET6;
	sin6->sin6_port = htons(la->la_port);
	la->la_salen = sizeof(*sin6);
	if (getnameinfo((struct sockaddr *)sin6, sizeof(*sin6), host,
	    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
	snprintf(la->la_text, sizeof(la->la_text), "[%s]:%u", host,
	    la->la_port);
	return 0;
}

/*
 * Drop empty and "." components, lexically and in place.  ".." is kept:
 * resolving it without the file system would be wrong across symlinks.
 */
static void
path_clean(char *path)
{
	char *src = path, *dst = path;

	while (*src != '\0') {
		size_t n;

		while (*src == '/')
			src++;
		n = strcspn(src, "/");
		if (n == 0 || (n == 1 && src[0] == '.')) {
			src += n;
			continue;
		}
		*dst++ = '/';
		memmove(dst, src, n);
		dst += n;
		src += n;
	}
	if (dst == path)
		*dst++ = '/';
	*dst = '\0';
}

static int
parse_unix(const char *text, const char *cwd, struct listen_addr *la,
    char *err, size_t errlen)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&la->la_sa;
	const char *base = strrchr(text, '/');
	char path[4096];
	size_t len;
	int n;

	base = base != NULL ? base + 1 : text;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		addr_error(err, errlen, "Unix socket path names a directory: "
		    "\"%s\"", text);
		return -1;
	}
	if (text[0] != '/' && (cwd == NULL || cwd[0] != '/')) {
		addr_error(err, errlen, "relative Unix socket path \"%s\" "
		    "needs an absolute working directory", text);
		return -1;
	}
	n = snprintf(path, sizeof(path), "%s%s%s", text[0] == '/' ? "" : cwd,
	    text[0] == '/' ? "" : "/", text);
	/* Past sizeof(path) the message shows the joined path cut short. */
	if (n >= 0 && (size_t)n < sizeof(path))
		path_clean(path);
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    (len = strlen(path)) > SUN_PATH_MAX) {
		addr_error(err, errlen, "Unix socket path too long (max %zu "
		    "bytes): \"%s\"", SUN_PATH_MAX, path);
		return -1;
	}
	la->la_family = AF_UNIX;
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	la->la_salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + 1);
	memcpy(la->la_text, path, len + 1);
	return 0;
}

int
addr_parse(const char *text, const char *cwd, const char *proto,
    struct listen_addr *la, char *err, size_t errlen)
{
	unsigned char c = (unsigned char)text[0];

	memset(la, 0, sizeof(*la));
	if (c == '\0') {
		addr_error(err, errlen, "empty address");
		return -1;
	}
	if (c == '@') {
		addr_error(err, errlen, "abstract Unix sockets are not "
		    "supported: \"%s\"", text);
		return -1;
	}
	if (c == '/' || c == '.')
		return parse_unix(text, cwd, la, err, errlen);
	if (c == '[')
		return parse_inet6(text, proto, la, err, errlen);
	if (c == '*' && text[1] == ':')
		return port_alone(text + 2, text, proto, la, err, errlen);
	if (strchr(text, ':') != NULL)
		return parse_inet(text, proto, la, err, errlen);
	if (isdigit(c) || isspace(c) || c == '+' || c == '-')
		return port_alone(text, text, proto, la, err, errlen);
	return parse_unix(text, cwd, la, err, errlen);
}

/* Two explicit addresses of one family on one port. */
static int
same_family_overlap(const struct listen_addr *a, const struct listen_addr *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&a->la_sa;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&b->la_sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&a->la_sa;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&b->la_sa;

	if (a->la_family == AF_INET)
		return a4->sin_addr.s_addr == INADDR_ANY ||
		    b4->sin_addr.s_addr == INADDR_ANY ||
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ||
	    IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr))
		return 1;
	/* One link-local address on two interfaces is two addresses. */
	if (a6->sin6_scope_id != 0 && b6->sin6_scope_id != 0 &&
	    a6->sin6_scope_id != b6->sin6_scope_id)
		return 0;
	return IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr);
}

/*
 * Explicit IPv6 listeners are IPV6_V6ONLY (see listen.c), so only a port
 * alone, which is dual-stack, crosses families.  Whether the two are of
 * one socket type is the caller's business: TCP and UDP never collide.
 */
int
addr_overlap(const struct listen_addr *a, const struct listen_addr *b)
{
	const struct sockaddr_un *au = (const struct sockaddr_un *)&a->la_sa;
	const struct sockaddr_un *bu = (const struct sockaddr_un *)&b->la_sa;

	if (a->la_family == AF_UNIX || b->la_family == AF_UNIX)
		return a->la_family == b->la_family &&
		    strcmp(au->sun_path, bu->sun_path) == 0;
	if (a->la_port != b->la_port)
		return 0;
	if (a->la_family == AF_UNSPEC || b->la_family == AF_UNSPEC)
		return 1;
	if (a->la_family != b->la_family)
		return 0;
	return same_family_overlap(a, b);
}

int
addr_same(const struct listen_addr *a, const struct listen_addr *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&a->la_sa;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)&b->la_sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&a->la_sa;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)&b->la_sa;

	if (a->la_family != b->la_family)
		return 0;
	switch (a->la_family) {
	case AF_UNIX:
		return strcmp(((const struct sockaddr_un *)&a->la_sa)->sun_path,
		    ((const struct sockaddr_un *)&b->la_sa)->sun_path) == 0;
	case AF_INET:
		return a->la_port == b->la_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	case AF_INET6:
		return a->la_port == b->la_port &&
		    IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr) &&
		    a6->sin6_scope_id == b6->sin6_scope_id;
	default:	/* a port alone */
		return a->la_port == b->la_port;
	}
}
