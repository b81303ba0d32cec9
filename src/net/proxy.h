/*
 * The PROXY protocol, versions 1 and 2, as HAProxy's proxy-protocol.txt
 * defines them: the header a load balancer sends before the client's
 * first byte, naming the real client.  A pure reader: the caller feeds
 * the bytes it has (read with MSG_PEEK, say) and learns whether they
 * hold a whole header, a valid start of one, or something else; it
 * does no I/O, logs nothing and keeps no state between calls.
 */
#ifndef SPAWND_NET_PROXY_H
#define SPAWND_NET_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

/* Which versions the caller accepts (proxy_protocol = v1, v2, any). */
#define PROXY_ACCEPT_V1		0x1
#define PROXY_ACCEPT_V2		0x2

#define PROXY_V1_MAX		107	/* the longest v1 line, CRLF included */
/*
 * The longest v2 header read: the 16 fixed bytes, the largest address
 * block (Unix, 216) and TLVs.  The protocol allows 64 KiB; a header
 * this long from a load balancer would be a mistake or an attack.
 */
#define PROXY_MAX_HEADER	1024
#define PROXY_UNIQUE_ID_MAX	128	/* PP2_TYPE_UNIQUE_ID, by the spec */

enum proxy_result {
	PROXY_DONE,	/* a whole header: *ph filled */
	PROXY_MORE,	/* a valid start: read more (at most PROXY_MAX_HEADER) */
	PROXY_BAD,	/* no header, or a broken one: *why says what */
};

struct proxy_header {
	int			 ph_version;	/* 1 or 2 */
	size_t			 ph_len;	/* bytes of the header: the
						   client's data follows */
	/*
	 * Nonzero: no address to use -- v1 UNKNOWN, v2 LOCAL (a health
	 * check of the proxy's own), v2 UNSPEC or UNIX families; the
	 * connection's own endpoints stand.
	 */
	int			 ph_local;
	struct sockaddr_storage	 ph_src;	/* the real client */
	socklen_t		 ph_srclen;
	struct sockaddr_storage	 ph_dst;	/* the address it connected to */
	socklen_t		 ph_dstlen;
	int			 ph_crc;	/* v2: a CRC32C TLV was verified */
	unsigned char		 ph_unique_id[PROXY_UNIQUE_ID_MAX];
	size_t			 ph_unique_id_len; /* 0: none */
};

/*
 * Read a PROXY header from the first len bytes of buf, in a version
 * accept allows.  PROXY_BAD sets *why to a short static reason ("not a
 * PROXY header", "v1: bad source port", "v2: CRC32C mismatch", ...).
 */
enum proxy_result proxy_parse(const unsigned char *buf, size_t len,
    int accept, struct proxy_header *ph, const char **why);

/* CRC32C (Castagnoli), as PP2_TYPE_CRC32C carries it. */
unsigned long proxy_crc32c(const unsigned char *buf, size_t len);

#endif
