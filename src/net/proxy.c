/*
 * PROXY protocol v1 and v2 (see proxy.h), to the letter of HAProxy's
 * proxy-protocol.txt:
 *
 * v1 is one line of at most 107 bytes, "PROXY" SP proto SP src SP dst
 * SP sport SP dport CRLF, proto TCP4 or TCP6, single spaces, ports in
 * decimal without leading zeros; "PROXY UNKNOWN" takes anything up to
 * the CRLF and names no address.
 *
 * v2 is the 12-byte signature, a version (2) and command (LOCAL 0,
 * PROXY 1) byte, a family and protocol byte, a 16-bit length of what
 * follows, the address block of the family, then TLVs.  The length is
 * always skipped whole; LOCAL and UNSPEC discard the block, family and
 * TLVs included, as the spec says; otherwise a CRC32C TLV, when
 * present, must match the header.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/proxy.h"

static const unsigned char proxy_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

#define PP2_TYPE_CRC32C		0x03
#define PP2_TYPE_UNIQUE_ID	0x05

unsigned long
proxy_crc32c(const unsigned char *buf, size_t len)
{
	unsigned long crc = 0xffffffffUL;
	int k;

	while (len-- > 0) {
		crc ^= *buf++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78UL & (0UL - (crc & 1)));
	}
	return crc ^ 0xffffffffUL;
}

/* ---- v1 */

/* A port: 0..65535 in decimal, "0" or no leading zero. */
static int
proxy_v1_port(const char *s, in_port_t *port)
{
	unsigned long v = 0;
	size_t n = strlen(s), i;

	if (n == 0 || n > 5 || (s[0] == '0' && n > 1))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = htons((unsigned short)v);
	return 0;
}

/* One address of a TCP4 or TCP6 line into ss. */
static int
proxy_v1_addr(int family, const char *text, const char *port,
    struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		s4->sin_family = AF_INET;
		*sslen = sizeof(*s4);
		return inet_pton(AF_INET, text, &s4->sin_addr) == 1 &&
		    proxy_v1_port(port, &s4->sin_port) == 0 ? 0 : -1;
	}
	s6->sin6_family = AF_INET6;
	*sslen = sizeof(*s6);
	return inet_pton(AF_INET6, text, &s6->sin6_addr) == 1 &&
	    proxy_v1_port(port, &s6->sin6_port) == 0 ? 0 : -1;
}

/* Split line (NUL-terminated, CRLF gone) at single spaces into f[6]. */
static int
proxy_v1_fields(char *line, char *f[6])
{
	int n = 0;
	char *p = line;

	for (;;) {
		if (n == 6)
			return -1;
		f[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static enum proxy_result
proxy_v1_line(char *line, size_t len, struct proxy_header *ph,
    const char **why)
{
	char *f[6];
	int n, family;

	ph->ph_version = 1;
	ph->ph_len = len;
	if (strncmp(line, "PROXY UNKNOWN", 13) == 0 &&
	    (line[13] == '\0' || line[13] == ' ')) {
		ph->ph_local = 1;
		return PROXY_DONE;
	}
	n = proxy_v1_fields(line, f);
	if (n != 6 || strcmp(f[0], "PROXY") != 0) {
		*why = "v1: not PROXY and five fields";
		return PROXY_BAD;
	}
	if (strcmp(f[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		family = AF_INET6;
	else {
		*why = "v1: protocol not TCP4, TCP6 or UNKNOWN";
		return PROXY_BAD;
	}
	if (proxy_v1_addr(family, f[2], f[4], &ph->ph_src, &ph->ph_srclen) ==
	    -1 ||
	    proxy_v1_addr(family, f[3], f[5], &ph->ph_dst, &ph->ph_dstlen) ==
	    -1) {
		*why = "v1: bad address or port";
		return PROXY_BAD;
	}
	return PROXY_DONE;
}

static enum proxy_result
proxy_v1(const unsigned char *buf, size_t len, struct proxy_header *ph,
    const char **why)
{
	char line[PROXY_V1_MAX + 1];
	const unsigned char *cr;
	/* The CR of a line of 107 bytes is its byte 106 (index 105). */
	size_t n = len < PROXY_V1_MAX - 1 ? len : PROXY_V1_MAX - 1;

	if (len < 6 && memcmp(buf, "PROXY ", len) == 0)
		return PROXY_MORE;
	if (len < 6 || memcmp(buf, "PROXY ", 6) != 0) {
		*why = "not a PROXY header";
		return PROXY_BAD;
	}
	cr = memchr(buf, '\r', n);
	/* Before the CR (or all we have): no other line end, no NUL. */
	if (memchr(buf, '\n', cr != NULL ? (size_t)(cr - buf) : n) != NULL ||
	    memchr(buf, '\0', cr != NULL ? (size_t)(cr - buf) : n) != NULL) {
		*why = "v1: a line end that is not CRLF";
		return PROXY_BAD;
	}
	if (cr == NULL && len >= PROXY_V1_MAX - 1) {
		*why = "v1: no CRLF within 107 bytes";
		return PROXY_BAD;
	}
	if (cr == NULL || (size_t)(cr - buf) + 1 == len)
		return PROXY_MORE;	/* the CR, or its LF, is still to come */
	if (cr[1] != '\n') {
		*why = "v1: a line end that is not CRLF";
		return PROXY_BAD;
	}
	memcpy(line, buf, (size_t)(cr - buf));
	line[cr - buf] = '\0';
	return proxy_v1_line(line, (size_t)(cr - buf) + 2, ph, why);
}

/* ---- v2 */

static unsigned
proxy_be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* The address block of a PROXY command (family, protocol byte fp). */
static enum proxy_result
proxy_v2_addr(unsigned fp, const unsigned char *a, size_t alen,
    struct proxy_header *ph, size_t *used, const char **why)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ph->ph_src;
	struct sockaddr_in *d4 = (struct sockaddr_in *)&ph->ph_dst;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ph->ph_src;
	struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)&ph->ph_dst;
	unsigned family = fp >> 4, proto = fp & 0xf;
	static const size_t block[4] = { 0, 12, 36, 216 };

	if (family > 3 || proto > 2) {
		*why = "v2: unknown family or protocol";
		return PROXY_BAD;
	}
	*used = block[family];
	if (alen < *used) {
		*why = "v2: address block longer than the header";
		return PROXY_BAD;
	}
	if (family == 3) {
		ph->ph_local = 1;	/* no address for a TCP service */
		return PROXY_DONE;
	}
	if (proto != 1) {
		*why = "v2: not a stream connection";
		return PROXY_BAD;
	}
	if (family == 1) {
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a, 4);
		memcpy(&d4->sin_addr, a + 4, 4);
		memcpy(&s4->sin_port, a + 8, 2);
		memcpy(&d4->sin_port, a + 10, 2);
		ph->ph_srclen = ph->ph_dstlen = sizeof(*s4);
	} else {
		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a, 16);
		memcpy(&d6->sin6_addr, a + 16, 16);
		memcpy(&s6->sin6_port, a + 32, 2);
		memcpy(&d6->sin6_port, a + 34, 2);
		ph->ph_srclen = ph->ph_dstlen = sizeof(*s6);
	}
	return PROXY_DONE;
}

/* The TLVs after the address block, from off to total. */
static enum proxy_result
proxy_v2_tlvs(const unsigned char *buf, size_t off, size_t total,
    struct proxy_header *ph, const char **why)
{
	unsigned char copy[PROXY_MAX_HEADER];
	unsigned long want, got;

	while (off < total) {
		size_t vlen;

		if (total - off < 3 ||
		    (vlen = proxy_be16(buf + off + 1)) > total - off - 3) {
			*why = "v2: a TLV runs past the header";
			return PROXY_BAD;
		}
		if (buf[off] == PP2_TYPE_UNIQUE_ID) {
			if (vlen > PROXY_UNIQUE_ID_MAX) {
				*why = "v2: UNIQUE_ID longer than 128 bytes";
				return PROXY_BAD;
			}
			memcpy(ph->ph_unique_id, buf + off + 3, vlen);
			ph->ph_unique_id_len = vlen;
		} else if (buf[off] == PP2_TYPE_CRC32C) {
			if (vlen != 4) {
				*why = "v2: CRC32C is not 4 bytes";
				return PROXY_BAD;
			}
			/* Over the whole header, the checksum zeroed. */
			memcpy(copy, buf, total);
			memset(copy + off + 3, 0, 4);
			want = (unsigned long)buf[off + 3] << 24 |
			    (unsigned long)buf[off + 4] << 16 |
			    (unsigned long)buf[off + 5] << 8 | buf[off + 6];
			got = proxy_crc32c(copy, total);
			if (want != got) {
				*why = "v2: CRC32C mismatch";
				return PROXY_BAD;
			}
			ph->ph_crc = 1;
		}
		off += 3 + vlen;
	}
	return PROXY_DONE;
}

static enum proxy_result
proxy_v2(const unsigned char *buf, size_t len, struct proxy_header *ph,
    const char **why)
{
	size_t total, used = 0;
	enum proxy_result r;

	if (memcmp(buf, proxy_v2_sig, len < sizeof(proxy_v2_sig) ? len :
	    sizeof(proxy_v2_sig)) != 0) {
		*why = "not a PROXY header";
		return PROXY_BAD;
	}
	if (len < sizeof(proxy_v2_sig))
		return PROXY_MORE;
	if (len >= 13 && ((buf[12] >> 4) != 2 || (buf[12] & 0xf) > 1)) {
		*why = "v2: not version 2 with LOCAL or PROXY";
		return PROXY_BAD;
	}
	if (len < 16)
		return PROXY_MORE;
	total = 16 + proxy_be16(buf + 14);
	if (total > PROXY_MAX_HEADER) {
		*why = "v2: header longer than 1024 bytes";
		return PROXY_BAD;
	}
	if (len < total)
		return PROXY_MORE;
	ph->ph_version = 2;
	ph->ph_len = total;
	/*
	 * LOCAL (the proxy's own health check) and UNSPEC: use the real
	 * endpoints and discard the whole block, the family included.
	 */
	if ((buf[12] & 0xf) == 0 || (buf[13] >> 4) == 0) {
		ph->ph_local = 1;
		return PROXY_DONE;
	}
	r = proxy_v2_addr(buf[13], buf + 16, total - 16, ph, &used, why);
	if (r != PROXY_DONE)
		return r;
	return proxy_v2_tlvs(buf, 16 + used, total, ph, why);
}

enum proxy_result
proxy_parse(const unsigned char *buf, size_t len, int accept,
    struct proxy_header *ph, const char **why)
{
	memset(ph, 0, sizeof(*ph));
	*why = "not a PROXY header";
	if (len == 0)
		return PROXY_MORE;
	if (buf[0] == 'P' && (accept & PROXY_ACCEPT_V1))
		return proxy_v1(buf, len, ph, why);
	if (buf[0] == proxy_v2_sig[0] && (accept & PROXY_ACCEPT_V2))
		return proxy_v2(buf, len, ph, why);
	return PROXY_BAD;
}
