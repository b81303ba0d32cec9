/*
 * Address syntax: listen addresses in systemd.socket(5) ListenStream=
 * form, and the CIDR blocks of allow/deny lists.  Pure functions: no
 * logging, no exits; errors come back as a message in a caller's buffer.
 */
#ifndef SPAWND_ADDR_H
#define SPAWND_ADDR_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/*
 * A listen address as configured.  la_family is AF_INET, AF_INET6 or
 * AF_UNIX for an explicit address, or AF_UNSPEC for a port alone, which
 * means "every address": IPv6 dual-stack, IPv4 when IPv6 is absent.
 */
struct listen_addr {
	int			la_family;
	unsigned short		la_port;	/* host order; 0 for AF_UNIX */
	struct sockaddr_storage	la_sa;		/* ready for bind(); port set */
	socklen_t		la_salen;
	char			la_text[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
						/* canonical text for logs */
};

/*
 * Parse text ("2345", "127.0.0.1:2345", "[::1]:2345", "/abs/path",
 * "rel/path").  A relative path is joined to cwd (absolute) so that it
 * still names the same file after chdir("/").  Returns 0, or -1 with a
 * message in err.
 */
int addr_parse(const char *text, const char *cwd, struct listen_addr *la,
    char *err, size_t errlen);

/* Nonzero if two listen addresses would collide at bind() time. */
int addr_overlap(const struct listen_addr *a, const struct listen_addr *b);

/*
 * Do a and b name the very same socket address ("2345" and "02345",
 * "[::1]:80" and "[0::1]:80"), whatever their text?
 */
int addr_same(const struct listen_addr *a, const struct listen_addr *b);

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
 * Format a peer address numerically ("127.0.0.1", "::1"; v4-mapped
 * addresses as IPv4) into buf and return its port (0 for AF_UNIX).
 */
unsigned addr_format(const struct sockaddr *sa, socklen_t salen,
    char *buf, size_t buflen);

#endif
