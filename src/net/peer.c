/*
 * A client's address: as text, as a per-source key, unmapped, logged
 * served or refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* struct ucred */
#endif

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "base/strput.h"
#include "net/peer.h"

/*
 * Dotted quad, by hand: every forked child formats its client, and
 * inet_ntop() runs through sprintf() (strput.h says why that matters).
 */
static void
peer_format_v4(const unsigned char *a, char *buf, size_t buflen)
{
	struct strput sp;
	int i;

	strput_init(&sp, buf, buflen);
	for (i = 0; i < 4; i++) {
		if (i > 0)
			strput_str(&sp, ".");
		strput_uint(&sp, a[i], 0, '0');
	}
	(void)strput_end(&sp);
}

unsigned
peer_format(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t buflen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET && salen >= sizeof(*sin)) {
		peer_format_v4((const unsigned char *)&sin->sin_addr, buf,
		    buflen);
		return ntohs(sin->sin_port);
	}
	if (sa->sa_family != AF_INET6 || salen < sizeof(*sin6))
		return 0;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		peer_format_v4(sin6->sin6_addr.s6_addr + 12, buf, buflen);
	else if (getnameinfo(sa, sizeof(*sin6), buf, buflen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		buf[0] = '\0';
	return ntohs(sin6->sin6_port);
}

unsigned
peer_text(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t buflen)
{
	if (sa == NULL || sa->sa_family != AF_UNIX)
		return peer_format(sa, salen, buf, buflen);
	snprintf(buf, buflen, "local");
	return 0;
}

/*
 * The bytes that identify a peer's address: 4 for IPv4, native or
 * v4-mapped (a service may listen on a plain IPv4 socket and on a
 * dual-stack one, and the same client must count once), 16 for IPv6,
 * none for a Unix client.  Returns the length.
 */
static size_t
peer_key(const struct sockaddr *sa, const unsigned char **key)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

	switch (sa->sa_family) {
	case AF_INET:
		*key = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		return 4;
	case AF_INET6:
		*key = s6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			*key += 12;
			return 4;
		}
		return 16;
	default:
		*key = NULL;
		return 0;	/* every Unix client is one local source */
	}
}

int
peer_same_source(const struct sockaddr *a, const struct sockaddr *b)
{
	const unsigned char *ka, *kb;
	size_t la, lb;

	la = peer_key(a, &ka);
	lb = peer_key(b, &kb);
	if (la != lb || (la == 0 && a->sa_family != b->sa_family))
		return 0;
	return la == 0 || memcmp(ka, kb, la) == 0;
}

void
peer_unmap(struct sockaddr_storage *peer, socklen_t *peerlen)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)peer;
	struct sockaddr_in s4 = { .sin_family = AF_INET };

	if (s6->sin6_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return;
	s4.sin_port = s6->sin6_port;
	memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
	memset(peer, 0, sizeof(*peer));
	memcpy(peer, &s4, sizeof(s4));
	*peerlen = sizeof(s4);
}

void
peer_log_connection(const char *service, int fd, const struct sockaddr *peer,
    socklen_t peerlen, const char *name, const char *via, const char *id)
{
	char addr[INET6_ADDRSTRLEN];
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned port;

	if (peer->sa_family == AF_UNIX) {
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
			log_info("connection from localhost on %s", service);
		else
			log_info("connection from uid %ld pid %ld on %s",
			    (long)cred.uid, (long)cred.pid, service);
		return;
	}
	port = peer_format(peer, peerlen, addr, sizeof(addr));
	if (via == NULL || via[0] == '\0')
		via = id = "";
	else if (id == NULL)
		id = "";
	log_info("connection from %s [%s] at port %u on %s%s%s%s%s",
	    name != NULL ? name : addr, addr, port, service,
	    via[0] != '\0' ? " via " : "", via, id[0] != '\0' ? " id " : "",
	    id);
}

void
peer_log_refusal(const char *service, const struct sockaddr *peer,
    socklen_t peerlen, enum refusal reason, const char *detail, int warn)
{
	const char *lparen = detail != NULL ? " (" : "";
	const char *rparen = detail != NULL ? ")" : "";
	char addr[INET6_ADDRSTRLEN];

	(void)peer_text(peer, peerlen, addr, sizeof(addr));
	if (detail == NULL)
		detail = "";
	/* Two calls, one format: the compiler checks each against it. */
	if (warn)
		log_warnx("refused %s on %s: %s%s%s%s", addr, service,
		    refusal_word(reason), lparen, detail, rparen);
	else
		log_info("refused %s on %s: %s%s%s%s", addr, service,
		    refusal_word(reason), lparen, detail, rparen);
}
