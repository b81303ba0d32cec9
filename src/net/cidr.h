/*
 * CIDR blocks: the allow/deny lists of a service.  Pure functions.
 */
#ifndef SPAWND_NET_CIDR_H
#define SPAWND_NET_CIDR_H

#include <stddef.h>
#include <sys/socket.h>

/* A CIDR block; IPv4 blocks are kept as IPv4 (family AF_INET). */
struct cidr {
	int		ci_family;	/* AF_INET or AF_INET6 */
	unsigned char	ci_addr[16];	/* network order, masked */
	unsigned	ci_prefix;	/* 0..32 or 0..128 */
};

/* "10.0.0.0/8", "::1", "192.168.1.7".  Returns 0, or -1 with err. */
int cidr_parse(const char *text, struct cidr *ci, char *err, size_t errlen);

/*
 * Nonzero if the peer address sa falls in ci.  An IPv4 client seen on a
 * dual-stack socket as ::ffff:a.b.c.d is matched as IPv4.
 */
int cidr_match(const struct cidr *ci, const struct sockaddr *sa);

/*
 * allow/deny: nonzero if sa may be served.  Deny wins; an empty allow
 * list allows everyone; a Unix client always may (file permissions
 * guard its socket).
 */
int cidr_permits(const struct cidr *allow, size_t nallow,
    const struct cidr *deny, size_t ndeny, const struct sockaddr *sa);

/*
 * The block as text, as the configuration would write it: "10.0.0.0/8",
 * a single address without its prefix ("::1").  Returns 0, or -1 if it
 * does not fit in len bytes.
 */
int cidr_format(const struct cidr *ci, char *buf, size_t len);

/* Nonzero if sa falls in one of the n blocks of list. */
int cidr_listed(const struct cidr *list, size_t n, const struct sockaddr *sa);

#endif
