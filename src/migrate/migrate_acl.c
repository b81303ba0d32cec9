/*
 * xinetd's address forms as CIDR blocks (see migrate_acl.h), read as
 * xinetd.conf(5) describes them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/migrate_acl.h"

/* A decimal number from 0 to max, the whole of s[0..len). */
static int
number(const char *s, size_t len, unsigned max, unsigned *n)
{
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	*n = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*n = *n * 10 + (unsigned)(s[i] - '0');
	}
	return *n <= max ? 0 : -1;
}

/* "ADDR/BITS", either family. */
static int
cidr(const char *value, char (*out)[MACL_BLOCK_MAX])
{
	const char *slash = strchr(value, '/');
	unsigned char buf[sizeof(struct in6_addr)];
	char addr[INET6_ADDRSTRLEN];
	size_t len = (size_t)(slash - value);
	unsigned bits;
	int v6;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, value, len);
	addr[len] = '\0';
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1 ||
	    number(slash + 1, strlen(slash + 1), v6 ? 128 : 32, &bits) == -1)
		return -1;
	snprintf(out[0], MACL_BLOCK_MAX, "%s/%u", addr, bits);
	return 1;
}

/* "a.b.c.d": trailing zero parts are wildcards. */
static int
ipv4(const char *value, char (*out)[MACL_BLOCK_MAX])
{
	struct in_addr a;
	unsigned char *b = (unsigned char *)&a.s_addr;
	int zeros = 0;

	if (inet_pton(AF_INET, value, &a) != 1)
		return -1;
	while (zeros < 4 && b[3 - zeros] == 0)
		zeros++;
	if (zeros == 0)
		snprintf(out[0], MACL_BLOCK_MAX, "%s", value);
	else
		snprintf(out[0], MACL_BLOCK_MAX, "%u.%u.%u.%u/%d", b[0], b[1],
		    b[2], b[3], 32 - 8 * zeros);
	return 1;
}

/* "a.b.{c,d,...}": the part before the brace, then one block each. */
static int
factorized(const char *value, char (*out)[MACL_BLOCK_MAX], size_t max)
{
	const char *open = strchr(value, '{'), *close, *p, *end;
	unsigned part[4] = { 0, 0, 0, 0 }, nparts = 0, n;
	size_t count = 0, len = strlen(value);

	if (len < 4 || value[len - 1] != '}' || open == value)
		return -1;
	for (p = value; p < open; p = end + 1) {
		end = memchr(p, '.', (size_t)(open - p));
		if (end == NULL || nparts == 3 ||
		    number(p, (size_t)(end - p), 255, &part[nparts]) == -1)
			return -1;
		nparts++;
	}
	close = value + len - 1;
	for (p = open + 1;; p = end + 1) {
		end = memchr(p, ',', (size_t)(close - p));
		if (end == NULL)
			end = close;
		if (count == max || number(p, (size_t)(end - p), 255, &n) == -1)
			return -1;
		part[nparts] = n;
		snprintf(out[count++], MACL_BLOCK_MAX, "%u.%u.%u.%u/%u",
		    part[0], part[1], part[2], part[3], 8 * (nparts + 1));
		if (end == close)
			break;
	}
	return count > 0 ? (int)count : -1;
}

int
macl_blocks(const char *value, char (*out)[MACL_BLOCK_MAX], size_t max)
{
	if (max == 0 || strlen(value) >= MACL_BLOCK_MAX)
		return -1;
	if (strchr(value, '{') != NULL)
		return factorized(value, out, max);
	if (strchr(value, '/') != NULL)
		return cidr(value, out);
	if (strchr(value, ':') != NULL) {
		unsigned char buf[sizeof(struct in6_addr)];

		if (inet_pton(AF_INET6, value, buf) != 1)
			return -1;
		snprintf(out[0], MACL_BLOCK_MAX, "%s", value);
		return 1;
	}
	return ipv4(value, out);
}
