/*
 * Unit tests for the PROXY protocol reader (src/net/proxy.c): every rule
 * of HAProxy's proxy-protocol.txt that the reader enforces, for v1 and
 * v2, every prefix of a good header (read more), truncated, oversized
 * and malformed headers, LOCAL, UNSPEC and UNIX, CRC32C and UNIQUE_ID.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net/proxy.h"
#include "tap.h"

#define ANY	(PROXY_ACCEPT_V1 | PROXY_ACCEPT_V2)

static enum proxy_result
parse(const void *buf, size_t len, int accept, struct proxy_header *ph,
    const char **why)
{
	return proxy_parse(buf, len, accept, ph, why);
}

/* Every proper prefix of a good header asks for more. */
static void
prefixes_want_more(const unsigned char *buf, size_t hdrlen, const char *what)
{
	struct proxy_header ph;
	const char *why;
	size_t n, bad = 0;

	for (n = 0; n < hdrlen; n++)
		if (parse(buf, n, ANY, &ph, &why) != PROXY_MORE)
			bad++;
	ok(bad == 0, "%s: every one of its %zu prefixes asks for more (%zu "
	    "did not)", what, hdrlen, bad);
}

static void
v1_bad(const char *line, const char *want, const char *what)
{
	struct proxy_header ph;
	const char *why = "";
	enum proxy_result r = parse(line, strlen(line), ANY, &ph, &why);

	ok(r == PROXY_BAD && strstr(why, want) != NULL, "v1 %s: refused (%s)",
	    what, why);
}

static void
test_v1(void)
{
	const char *tcp4 = "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\nGET";
	const char *tcp6 = "PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n";
	struct proxy_header ph;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ph.ph_src;
	const struct sockaddr_in *d4 = (const struct sockaddr_in *)&ph.ph_dst;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ph.ph_src;
	char addr[INET6_ADDRSTRLEN], line[200];
	const char *why;

	ok(parse(tcp4, strlen(tcp4), ANY, &ph, &why) == PROXY_DONE,
	    "v1 TCP4: done");
	ok(ph.ph_version == 1 && ph.ph_len == strlen(tcp4) - 3 && !ph.ph_local,
	    "v1 TCP4: %zu header bytes, the client's data after them",
	    ph.ph_len);
	inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
	ok(s4->sin_family == AF_INET && strcmp(addr, "192.0.2.1") == 0 &&
	    ntohs(s4->sin_port) == 56324 && ntohs(d4->sin_port) == 443 &&
	    ph.ph_srclen == sizeof(*s4), "v1 TCP4: source %s:%u, port %u",
	    addr, ntohs(s4->sin_port), ntohs(d4->sin_port));
	prefixes_want_more((const unsigned char *)tcp4, ph.ph_len, "v1 TCP4");
	ok(parse(tcp6, strlen(tcp6), ANY, &ph, &why) == PROXY_DONE &&
	    s6->sin6_family == AF_INET6 && ntohs(s6->sin6_port) == 65535,
	    "v1 TCP6: done, port 65535");
	inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
	is_str(addr, "2001:db8::1", "v1 TCP6: the source address");
	ok(parse("PROXY UNKNOWN\r\n", 15, ANY, &ph, &why) == PROXY_DONE &&
	    ph.ph_local && ph.ph_len == 15, "v1 UNKNOWN alone: local");
	strcpy(line, "PROXY UNKNOWN ffff:f...f:ffff 1.2.3.4 anything\r\n");
	ok(parse(line, strlen(line), ANY, &ph, &why) == PROXY_DONE &&
	    ph.ph_local, "v1 UNKNOWN: the rest of the line ignored");
	/* 107 bytes exactly, CRLF included, is the longest line. */
	snprintf(line, sizeof(line), "PROXY UNKNOWN %-*s\r\n", 107 - 16, "x");
	ok(strlen(line) == 107 && parse(line, 107, ANY, &ph, &why) ==
	    PROXY_DONE, "v1: a line of 107 bytes is accepted");
	snprintf(line, sizeof(line), "PROXY UNKNOWN %-*s\r\n", 108 - 16, "x");
	v1_bad(line, "107", "of 108 bytes");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 056324 443\r\n", "port",
	    "with a leading zero in a port");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 65536 443\r\n", "port",
	    "with port 65536");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 +1 443\r\n", "port",
	    "with a sign");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 56324\r\n", "five fields",
	    "missing a field");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 1 2 3\r\n", "five fields",
	    "with a field too many");
	v1_bad("PROXY TCP4 192.0.2.1  198.51.100.2 1 2\r\n", "",
	    "with two spaces");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 1 2\n", "CRLF",
	    "ending in LF alone");
	v1_bad("PROXY TCP4 192.0.2.1 198.51.100.2 1 2\rX", "CRLF",
	    "with CR and no LF");
	v1_bad("PROXY TCP4 2001:db8::1 2001:db8::2 1 2\r\n", "address",
	    "TCP4 with IPv6 addresses");
	v1_bad("PROXY TCP6 192.0.2.1 198.51.100.2 1 2\r\n", "address",
	    "TCP6 with IPv4 addresses");
	v1_bad("PROXY TCP5 192.0.2.1 198.51.100.2 1 2\r\n", "protocol",
	    "TCP5");
	v1_bad("PROXY tcp4 192.0.2.1 198.51.100.2 1 2\r\n", "protocol",
	    "in lower case");
	v1_bad("proxy TCP4 192.0.2.1 198.51.100.2 1 2\r\n", "not a PROXY",
	    "proxy, lower case");
	ok(parse("PROXY TCP4 1.2.3.4\0 5", 20, ANY, &ph, &why) == PROXY_BAD,
	    "v1: a NUL byte is refused");
	ok(parse(tcp4, strlen(tcp4), PROXY_ACCEPT_V2, &ph, &why) == PROXY_BAD,
	    "v1 refused when only v2 is accepted");
}

/* A v2 header: cmd (0/1), family|proto byte, body, into out. */
static size_t
v2(unsigned char *out, unsigned ver_cmd, unsigned fp, const void *body,
    size_t blen)
{
	static const unsigned char sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00,
	    0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a };

	memcpy(out, sig, 12);
	out[12] = (unsigned char)ver_cmd;
	out[13] = (unsigned char)fp;
	out[14] = (unsigned char)(blen >> 8);
	out[15] = (unsigned char)blen;
	memcpy(out + 16, body, blen);
	return 16 + blen;
}

static const unsigned char inet_block[12] = {
	192, 0, 2, 7,  198, 51, 100, 9,  0xdc, 0x04,  0x01, 0xbb
};

static void
v2_bad(const unsigned char *buf, size_t len, const char *want,
    const char *what)
{
	struct proxy_header ph;
	const char *why = "";
	enum proxy_result r = parse(buf, len, ANY, &ph, &why);

	ok(r == PROXY_BAD && strstr(why, want) != NULL, "v2 %s: refused (%s)",
	    what, why);
}

static void
test_v2_addresses(void)
{
	unsigned char buf[2048], body[PROXY_MAX_HEADER + 64];
	struct proxy_header ph;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ph.ph_src;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ph.ph_src;
	const char *why;
	char addr[INET6_ADDRSTRLEN];
	size_t n;

	n = v2(buf, 0x21, 0x11, inet_block, sizeof(inet_block));
	memcpy(buf + n, "hello", 5);
	ok(parse(buf, n + 5, ANY, &ph, &why) == PROXY_DONE && ph.ph_len == n &&
	    ph.ph_version == 2 && !ph.ph_local, "v2 TCP4: done, %zu bytes", n);
	inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
	ok(strcmp(addr, "192.0.2.7") == 0 && ntohs(s4->sin_port) == 56324,
	    "v2 TCP4: source %s:%u", addr, ntohs(s4->sin_port));
	prefixes_want_more(buf, n, "v2 TCP4");
	memset(body, 0, 36);
	body[15] = 1;		/* ::1 */
	body[31] = 2;		/* ::2 */
	body[32] = 0x30; body[33] = 0x39;	/* port 12345 */
	n = v2(buf, 0x21, 0x21, body, 36);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE &&
	    s6->sin6_family == AF_INET6 && ntohs(s6->sin6_port) == 12345 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr), "v2 TCP6: ::1 port 12345");
	n = v2(buf, 0x20, 0x00, "", 0);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_local &&
	    ph.ph_len == 16, "v2 LOCAL (a health check): local, 16 bytes");
	n = v2(buf, 0x20, 0x11, inet_block, sizeof(inet_block));
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_local &&
	    ph.ph_len == 28, "v2 LOCAL with addresses: local, length skipped");
	n = v2(buf, 0x21, 0x00, "\x01\x02\x03", 3);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_local &&
	    ph.ph_len == 19, "v2 PROXY UNSPEC: local, its bytes skipped");
	memset(body, 'u', 216);
	n = v2(buf, 0x21, 0x31, body, 216);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_local,
	    "v2 UNIX: no address for a TCP service");
	n = v2(buf, 0x11, 0x11, inet_block, 12);
	v2_bad(buf, 13, "version 2", "version 1 in the version nibble");
	n = v2(buf, 0x22, 0x11, inet_block, 12);
	v2_bad(buf, n, "LOCAL or PROXY", "command 2");
	n = v2(buf, 0x21, 0x41, inet_block, 12);
	v2_bad(buf, n, "family", "family 4");
	n = v2(buf, 0x21, 0x12, inet_block, 12);
	v2_bad(buf, n, "stream", "a datagram");
	n = v2(buf, 0x21, 0x11, inet_block, 8);
	v2_bad(buf, n, "address block", "an IPv4 block of 8 bytes");
	n = v2(buf, 0x21, 0x11, inet_block, 12);
	buf[3] ^= 1;
	v2_bad(buf, n, "not a PROXY", "a wrong signature");
	buf[3] ^= 1;
	ok(parse(buf, n, PROXY_ACCEPT_V1, &ph, &why) == PROXY_BAD,
	    "v2 refused when only v1 is accepted");
	memset(body, 0, sizeof(body));
	memcpy(body, inet_block, 12);
	buf[14] = (PROXY_MAX_HEADER - 16 + 1) >> 8;
	buf[15] = (PROXY_MAX_HEADER - 16 + 1) & 0xff;
	v2_bad(buf, 16, "1024", "of 1025 bytes, seen from its fixed part");
	n = v2(buf, 0x21, 0x11, body, PROXY_MAX_HEADER - 16);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE,
	    "v2 of 1024 bytes (zero padding TLVs) is accepted");
}

/* Append a TLV of type t to body at *n. */
static void
tlv(unsigned char *body, size_t *n, unsigned t, const void *v, size_t vlen)
{
	body[(*n)++] = (unsigned char)t;
	body[(*n)++] = (unsigned char)(vlen >> 8);
	body[(*n)++] = (unsigned char)vlen;
	memcpy(body + *n, v, vlen);
	*n += vlen;
}

static void
test_v2_tlvs(void)
{
	unsigned char buf[2048], body[600], id[200];
	struct proxy_header ph;
	const char *why;
	unsigned long crc;
	size_t n, b;

	ok(proxy_crc32c((const unsigned char *)"123456789", 9) == 0xe3069283UL,
	    "CRC32C of \"123456789\" is e3069283");
	memset(id, 'i', sizeof(id));
	b = 0;
	memcpy(body, inet_block, 12);
	b = 12;
	tlv(body, &b, 0x05, "abc-123", 7);
	tlv(body, &b, 0x03, "\0\0\0\0", 4);
	n = v2(buf, 0x21, 0x11, body, b);
	crc = proxy_crc32c(buf, n);
	buf[n - 4] = (unsigned char)(crc >> 24);
	buf[n - 3] = (unsigned char)(crc >> 16);
	buf[n - 2] = (unsigned char)(crc >> 8);
	buf[n - 1] = (unsigned char)crc;
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_crc &&
	    ph.ph_unique_id_len == 7 && memcmp(ph.ph_unique_id, "abc-123", 7) ==
	    0, "v2 with UNIQUE_ID and a good CRC32C: both read");
	prefixes_want_more(buf, n, "v2 with TLVs");
	buf[n - 1] ^= 1;
	v2_bad(buf, n, "CRC32C mismatch", "a wrong CRC32C");
	buf[n - 1] ^= 1;
	buf[17] ^= 0x40;	/* the source address changed in transit */
	v2_bad(buf, n, "CRC32C mismatch", "a changed address under a CRC32C");
	b = 12;
	tlv(body, &b, 0x03, "\0\0\0", 3);
	n = v2(buf, 0x21, 0x11, body, b);
	v2_bad(buf, n, "4 bytes", "a CRC32C of 3 bytes");
	b = 12;
	tlv(body, &b, 0x05, id, 128);
	n = v2(buf, 0x21, 0x11, body, b);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE &&
	    ph.ph_unique_id_len == 128, "v2 UNIQUE_ID of 128 bytes: accepted");
	b = 12;
	tlv(body, &b, 0x05, id, 129);
	n = v2(buf, 0x21, 0x11, body, b);
	v2_bad(buf, n, "128", "UNIQUE_ID of 129 bytes");
	b = 12;
	tlv(body, &b, 0xe0, "xyz", 3);
	n = v2(buf, 0x21, 0x11, body, b - 1);
	v2_bad(buf, n, "TLV", "a TLV cut short");
	n = v2(buf, 0x21, 0x11, body, 14);
	v2_bad(buf, n, "TLV", "two bytes of a TLV header");
	b = 12;
	tlv(body, &b, 0xe0, "xyz", 3);
	tlv(body, &b, 0x04, "", 0);	/* PP2_TYPE_NOOP */
	n = v2(buf, 0x20, 0x11, body, b);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && ph.ph_local,
	    "v2 LOCAL with unknown and NOOP TLVs: accepted");
	b = 12;
	tlv(body, &b, 0xe0, "xyz", 3);
	tlv(body, &b, 0x04, "", 0);
	n = v2(buf, 0x21, 0x11, body, b);
	ok(parse(buf, n, ANY, &ph, &why) == PROXY_DONE && !ph.ph_local &&
	    !ph.ph_crc, "v2 PROXY with unknown and NOOP TLVs: skipped");
}

static void
test_neither(void)
{
	struct proxy_header ph;
	const char *why = "";

	ok(parse("", 0, ANY, &ph, &why) == PROXY_MORE, "nothing yet: more");
	ok(parse("GET / HTTP/1.0\r\n", 16, ANY, &ph, &why) == PROXY_BAD &&
	    strcmp(why, "not a PROXY header") == 0,
	    "a client that sends HTTP: not a PROXY header");
	ok(parse("\r\n\r\n\0\r\nQUIT\n", 12, PROXY_ACCEPT_V1, &ph, &why) ==
	    PROXY_BAD, "a v2 signature when only v1 is accepted: refused");
	ok(parse("PRO", 3, ANY, &ph, &why) == PROXY_MORE &&
	    parse("PRX", 3, ANY, &ph, &why) == PROXY_BAD,
	    "\"PRO\" may still be one, \"PRX\" is not");
}

int
main(void)
{
	test_v1();
	test_v2_addresses();
	test_v2_tlvs();
	test_neither();
	return tap_done();
}
