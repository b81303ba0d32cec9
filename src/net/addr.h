/*
 * Address syntax: listen addresses in systemd.socket(5) ListenStream=
 * form (CIDR blocks are in cidr.h).  Pure functions: no
 * logging, no exits; errors come back as a message in a caller's buffer.
 */
#ifndef SPAWND_NET_ADDR_H
#define SPAWND_NET_ADDR_H

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
 * Parse text ("2345", "*:2345", "127.0.0.1:2345", "[::1]:2345",
 * "/abs/path", "rel/path").  A port may be a service name of
 * /etc/services for proto ("tcp" for a stream socket, "udp" for a
 * datagram one; NULL: numbers only), as in "127.0.0.1:daytime".  A
 * relative path is joined to cwd (absolute) so that it still names the
 * same file after chdir("/").  Returns 0, or -1 with a message in err.
 */
int addr_parse(const char *text, const char *cwd, const char *proto,
    struct listen_addr *la, char *err, size_t errlen);

/* Nonzero if two listen addresses would collide at bind() time. */
int addr_overlap(const struct listen_addr *a, const struct listen_addr *b);

/*
 * Do a and b name the very same socket address ("2345" and "02345",
 * "[::1]:80" and "[0::1]:80"), whatever their text?
 */
int addr_same(const struct listen_addr *a, const struct listen_addr *b);

/* ---- shared with cidr.c */

/* printf into err (if err is not NULL). */
void addr_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Strict decimal 0..max: no sign, no blanks, no base prefix, not empty. */
int addr_decimal(const char *s, unsigned long max, unsigned long *val);

/* Copy the n bytes at src as a string; -1 if they do not fit. */
int addr_copy_part(char *dst, size_t dstlen, const char *src, size_t n);

#endif
