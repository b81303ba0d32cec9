/*
 * CIDR blocks of the allow/deny lists, and matching a peer against one.
 * Numeric only, like every address in the configuration.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/addr.h"
#include "net/cidr.h"

/* Nonzero if the first bits of a and b are equal. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, b, bytes) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

/* Clear every bit after the first bits of a len-byte address. */
static void
prefix_mask(unsigned char *addr, size_t len, unsigned bits)
{
	size_t i;

	for (i = bits / 8; i < len; i++)
		addr[i] &= i == bits / 8 ?
		    (unsigned char)(0xff << (8 - bits % 8)) : 0;
}

static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/*
 * Host bits are masked, not rejected: "192.168.1.7/24" is
 * 192.168.1.0/24, as systemd's IPAddressAllow= reads it.  An IPv4-mapped
 * block of /96 or longer ("::ffff:10.0.0.0/104") is stored as the IPv4
 * block it denotes (10.0.0.0/8), since every IPv4 peer, mapped or not,
 * is matched as IPv4.  Scope ids are not accepted.
 */
int
cidr_parse(const char *text, struct cidr *ci, char *err, size_t errlen)
{
	const char *slash = strchr(text, '/');
	char host[INET6_ADDRSTRLEN];
	size_t n = slash != NULL ? (size_t)(slash - text) : strlen(text);
	unsigned long prefix, max;

	memset(ci, 0, sizeof(*ci));
	ci->ci_family = memchr(text, ':', n) != NULL ? AF_INET6 : AF_INET;
	max = ci->ci_family == AF_INET ? 32 : 128;
	if (n == 0 || addr_copy_part(host, sizeof(host), text, n) == -1 ||
	    inet_pton(ci->ci_family, host, ci->ci_addr) != 1) {
		addr_error(err, errlen, "bad CIDR \"%s\": not a numeric IPv4 or "
		    "IPv6 address", text);
		return -1;
	}
	prefix = max;
	if (slash != NULL && addr_decimal(slash + 1, max, &prefix) == -1) {
		addr_error(err, errlen, "bad CIDR \"%s\": prefix length must "
		    "be 0..%lu", text, max);
		return -1;
	}
	ci->ci_prefix = (unsigned)prefix;
	prefix_mask(ci->ci_addr, max / 8, ci->ci_prefix);
	if (ci->ci_family == AF_INET6 && ci->ci_prefix >= 96 &&
	    memcmp(ci->ci_addr, v4mapped_prefix, 12) == 0) {
		ci->ci_family = AF_INET;
		ci->ci_prefix -= 96;
		memmove(ci->ci_addr, ci->ci_addr + 12, 4);
		memset(ci->ci_addr + 4, 0, 12);
	}
	return 0;
}

/*
 * IPv4 peers, native or mapped (::ffff:a.b.c.d on a dual-stack socket),
 * match IPv4 blocks only, so a rule means the same on either kind of
 * socket; IPv6 blocks, even ::/0, match true IPv6 peers only.
 */
int
cidr_match(const struct cidr *ci, const struct sockaddr *sa)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const unsigned char *peer;
	int family;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		family = AF_INET;
		peer = (const unsigned char *)&sin->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		peer = sin6->sin6_addr.s6_addr;
		family = AF_INET6;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			family = AF_INET;
			peer += 12;
		}
	} else
		return 0;
	return family == ci->ci_family &&
	    prefix_equal(ci->ci_addr, peer, ci->ci_prefix);
}

int
cidr_listed(const struct cidr *list, size_t n, const struct sockaddr *sa)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_match(&list[i], sa))
			return 1;
	return 0;
}

int
cidr_permits(const struct cidr *allow, size_t nallow, const struct cidr *deny,
    size_t ndeny, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_UNIX)
		return 1;
	if (cidr_listed(deny, ndeny, sa))
		return 0;
	return nallow == 0 || cidr_listed(allow, nallow, sa);
}

int
cidr_format(const struct cidr *ci, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	unsigned full = ci->ci_family == AF_INET ? 32 : 128;
	int n;

	if (inet_ntop(ci->ci_family, ci->ci_addr, host, sizeof(host)) == NULL)
		return -1;
	if (ci->ci_prefix == full)
		n = snprintf(buf, len, "%s", host);
	else
		n = snprintf(buf, len, "%s/%u", host, ci->ci_prefix);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
